#!/usr/bin/python3
"""Real-application test: RQ (Debian's python3-rq) against redis-server or strata-server.
50 jobs are enqueued, a burst worker (`rq worker --burst`, a separate process) runs them,
and every job must then be finished with its result readable from a fresh connection.

RQ >= 1.12 (bookworm ships 1.13) keeps results in a stream per job once the server reports
redis_version >= 5: the worker writes XADD rq:results:<id> MAXLEN ~ 10 * ... inside its
MULTI/EXEC, and job.return_value() reads it back with XREVRANGE ... COUNT 1.

  /usr/bin/python3 tests/python/test_rq.py --server redis
  /usr/bin/python3 tests/python/test_rq.py --server strata --strata-binary build/strata-server

Exit status 77: RQ, redis-py or redis-server is missing (ctest reports it as skipped).
"""

import os
import subprocess
import sys
import time

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
JOBS = 50
QUEUE = "strata-rq"

try:
    import redis
    from rq import Queue
    from rq.job import Job, JobStatus
    from test_redis_py import HOST, run_against_server
    import rq_jobs
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"missing: {e} (Debian: apt-get install python3-rq python3-redis)", file=sys.stderr)
    sys.exit(SKIP)


def run(port):
    conn = redis.Redis(host=HOST, port=port, socket_timeout=10, socket_connect_timeout=5)
    queue = Queue(QUEUE, connection=conn)
    jobs = [queue.enqueue(rq_jobs.multiply, i, 7) for i in range(JOBS)]
    if queue.count != JOBS:
        print(f"enqueued {JOBS} jobs, the queue holds {queue.count}", file=sys.stderr)
        return 1

    # The worker forks a work horse per job and imports rq_jobs there, hence PYTHONPATH.
    # --burst: it exits once the queue is empty, so the timeout only catches a hang.
    started = time.monotonic()
    worker = subprocess.run(
        [sys.executable, "-m", "rq.cli", "worker", "--burst", "--url",
         f"redis://{HOST}:{port}/0", "--logging_level", "WARNING", QUEUE],
        cwd=HERE, env=dict(os.environ, PYTHONPATH=HERE), stdin=subprocess.DEVNULL, timeout=120)
    print(f"burst worker exited {worker.returncode} after {time.monotonic() - started:.1f} s",
          file=sys.stderr)
    if worker.returncode != 0:
        return 1

    # Read everything back on a new connection, with new Job objects (nothing cached).
    fresh = redis.Redis(host=HOST, port=port, socket_timeout=10, socket_connect_timeout=5)
    fetched = Job.fetch_many([job.id for job in jobs], connection=fresh)
    failures = []
    for i, job in enumerate(fetched):
        if job is None:
            failures.append(f"job {jobs[i].id} (#{i}) is gone")
            continue
        status = job.get_status()
        results = job.results()  # the whole result stream: one run, one entry
        value = job.return_value()
        if status != JobStatus.FINISHED or len(results) != 1 or value != i * 7:
            failures.append(f"job {job.id} (#{i}): status {status}, {len(results)} results, "
                            f"return value {value!r} (want {i * 7})")
    if queue.count != 0:
        failures.append(f"{queue.count} jobs still queued")
    for line in failures[:10]:
        print(line, file=sys.stderr)
    if failures:
        print(f"{len(failures)} problems", file=sys.stderr)
        return 1
    print(f"RQ: {JOBS} jobs finished, every result read back")
    return 0


if __name__ == "__main__":
    sys.exit(run_against_server(__doc__.split("\n\n")[0], run))
