#!/usr/bin/python3
"""Real-application test: a Celery worker (Debian's python3-celery, Redis transport and
Redis result backend) runs 100 tasks against redis-server or strata-server. Celery's Redis
transport relies on Lua scripts, pub/sub and blocking pops; on a server without scripts the
worker dies at start-up.

  /usr/bin/python3 tests/python/test_celery.py --server redis
  /usr/bin/python3 tests/python/test_celery.py --server strata --strata-binary build/strata-server

Exit status 77: Celery, redis-py or redis-server is missing (ctest reports it as skipped).
"""

import os
import subprocess
import sys

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
TASKS = 100

try:
    import celery  # noqa: F401  (only whether it is installed)
    from test_redis_py import HOST, run_against_server
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"missing: {e} (Debian: apt-get install python3-celery python3-redis)",
          file=sys.stderr)
    sys.exit(SKIP)


def run(port):
    env = dict(os.environ, STRATA_CELERY_URL=f"redis://{HOST}:{port}/0")
    app_dir = os.path.join(HERE, "celery_app")
    env["PYTHONPATH"] = app_dir
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tasks", "worker", "--pool=solo",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=app_dir, env=env, stdin=subprocess.DEVNULL)
    try:
        client = subprocess.run(
            [sys.executable, "-c",
             "from tasks import add\n"
             f"results = [add.delay(i, 1000) for i in range({TASKS})]\n"
             "got = [r.get(timeout=60) for r in results]\n"
             f"expected = [i + 1000 for i in range({TASKS})]\n"
             "print('results:', 'all correct' if got == expected else got)\n"
             "raise SystemExit(0 if got == expected else 1)\n"],
            cwd=app_dir, env=env, timeout=120)
        return client.returncode
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


if __name__ == "__main__":
    sys.exit(run_against_server(__doc__.split("\n\n")[0], run))
