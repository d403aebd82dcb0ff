#!/usr/bin/python3
"""Real-application test: a Celery worker (Debian's python3-celery, Redis transport and
Redis result backend) runs 100 tasks against redis-server or strata-server. Celery's Redis
transport relies on Lua scripts, pub/sub and blocking pops; on a server without scripts the
worker dies at start-up.

  /usr/bin/python3 tests/python/test_celery.py --server redis
  /usr/bin/python3 tests/python/test_celery.py --server strata --strata-binary build/strata-server

Exit status 77: Celery, redis-py or redis-server is missing (ctest reports it as skipped).
"""

import argparse
import os
import shutil
import subprocess
import sys

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
TASKS = 100

try:
    import celery  # noqa: F401  (only whether it is installed)
    from test_redis_py import HOST, ServerProcess
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", choices=("strata", "redis"), required=True)
    parser.add_argument("--strata-binary")
    args = parser.parse_args()
    if args.server == "redis" and shutil.which("redis-server") is None:
        return SKIP
    if args.server == "strata" and not (args.strata_binary and os.access(args.strata_binary, os.X_OK)):
        parser.error("--server strata needs --strata-binary PATH")
    server = ServerProcess(args.server, args.strata_binary)
    try:
        port = server.start()
        status = run(port)
        if server.proc is None or server.proc.poll() is not None:
            print(f"the server exited:\n{server.log_tail()}", file=sys.stderr)
            return 1
        return status
    finally:
        server.cleanup()


if __name__ == "__main__":
    sys.exit(main())
