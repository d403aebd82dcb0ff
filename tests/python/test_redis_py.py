#!/usr/bin/python3
"""Real-client test: Debian's python3-redis (redis-py) against strata-server or redis-server.

The same scenarios run against either server, so a pass against redis-server shows what
redis-py expects and a pass against strata-server shows Strata gives it the same:

  * pipelines with transaction=True (MULTI/EXEC), including error replies inside;
  * a WATCH retry loop under contention, and the r.transaction() helper;
  * BLPOP as a work queue between a producer and a consumer process, and its timeout;
  * round trips of the collection types through redis-py's helpers;
  * redis-py's Lock (its release and extend are Lua scripts) from many threads, and
    register_script with its NOSCRIPT fallback;
  * pub/sub through get_message, listen and run_in_thread, with patterns and health checks.

Usage (the script starts the server itself on a free loopback port and stops it by PID):

  /usr/bin/python3 tests/python/test_redis_py.py --server redis
  /usr/bin/python3 tests/python/test_redis_py.py --server strata --strata-binary build/strata-server

Arguments after those go to unittest (e.g. -k Pipeline). Exit status 77 means a
prerequisite (redis-py, redis-server) is missing; ctest reports that as skipped.
"""

import argparse
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

SKIP = 77
try:
    import redis
except ImportError:  # pragma: no cover - depends on the machine
    print("redis-py is not installed for this interpreter (Debian: apt-get install "
          "python3-redis; run with /usr/bin/python3)", file=sys.stderr)
    sys.exit(SKIP)

HOST = "127.0.0.1"
SOCKET_TIMEOUT = 10  # seconds; every blocking command below waits less than this
PORT = None  # set by main() once the server is up


def client(**kwargs):
    options = dict(host=HOST, port=PORT, socket_timeout=SOCKET_TIMEOUT,
                   socket_connect_timeout=5, decode_responses=True)
    options.update(kwargs)
    return redis.Redis(**options)


# ---------------------------------------------------------------------------------------
# The server under test


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class ServerProcess:
    def __init__(self, kind, strata_binary):
        self.kind = kind
        self.strata_binary = strata_binary
        self.workdir = tempfile.mkdtemp(prefix=f"redis-py-{kind}-")
        self.log_path = os.path.join(self.workdir, "server.log")
        self.proc = None
        self.port = None

    def command(self, port):
        if self.kind == "redis":
            return ["redis-server", "--port", str(port), "--bind", HOST, "--save", "",
                    "--appendonly", "no", "--dir", self.workdir]
        data = os.path.join(self.workdir, "data")
        os.makedirs(data, exist_ok=True)
        return [self.strata_binary, "--port", str(port), "--bind", HOST, "--dir", data]

    def log_tail(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-20:])
        except OSError:
            return ""

    def start(self):
        last_error = ""
        for _ in range(3):  # another process may take the free port before the server does
            port = free_port()
            cmd = self.command(port)
            print(f"starting: {' '.join(cmd)}", file=sys.stderr, flush=True)
            with open(self.log_path, "wb") as out:
                self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    if redis.Redis(host=HOST, port=port, socket_timeout=1,
                                   socket_connect_timeout=1).ping():
                        self.port = port
                        print(f"server pid {self.proc.pid} answers PING on {HOST}:{port}",
                              file=sys.stderr, flush=True)
                        return port
                except redis.RedisError:
                    time.sleep(0.05)
            last_error = self.log_tail()
            self.stop()
        raise RuntimeError(f"{self.kind} server did not start:\n{last_error}")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def run_against_server(description, run):
    """The main() of the single-scenario library tests (Celery, RQ): parses --server and
    --strata-binary, starts that server, calls run(port) and returns its exit status (1 if
    the server died meanwhile, SKIP without redis-server)."""
    parser = argparse.ArgumentParser(description=description)
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


# ---------------------------------------------------------------------------------------
# Helpers run in child processes (module level so multiprocessing's spawn can find them)


def produce(port, key, jobs, delay, direction):
    global PORT
    PORT = port
    c = client()
    push = c.rpush if direction == "right" else c.lpush
    for job in jobs:
        push(key, job)
        time.sleep(delay)


def consume(port, key, count, timeout, ready, results):
    """BLPOPs `count` jobs, reporting each (or an error, or a timeout) on `results`."""
    global PORT
    PORT = port
    c = client()
    ready.set()
    try:
        for _ in range(count):
            item = c.blpop(key, timeout=timeout)
            if item is None:  # queue empty for `timeout` seconds
                break
            results.put(("job", item))
    except redis.RedisError as e:
        results.put(("error", f"{type(e).__name__}: {e}"))
    results.put(("done", None))


# ---------------------------------------------------------------------------------------
# Scenarios


class RedisPyTest(unittest.TestCase):
    def setUp(self):
        self.r = client()
        self.prefix = f"{type(self).__name__}.{self._testMethodName}:"

    def tearDown(self):
        keys = list(self.r.scan_iter(match=self.prefix + "*", count=1000))
        if keys:
            self.r.delete(*keys)
        self.r.close()

    def key(self, name):
        return self.prefix + name


class PipelineTransactionTest(RedisPyTest):
    def test_clean_transaction_returns_every_reply(self):
        k = self.key
        pipe = self.r.pipeline(transaction=True)
        pipe.set(k("s"), "v").incr(k("n")).incrby(k("n"), 4).get(k("s"))
        pipe.rpush(k("l"), "a", "b").lrange(k("l"), 0, -1).hset(k("h"), "f", "1")
        self.assertEqual(pipe.execute(), [True, 1, 5, "v", 2, ["a", "b"], 1])

    def test_runtime_error_inside_is_raised_and_other_commands_apply(self):
        k = self.key
        pipe = self.r.pipeline(transaction=True)
        pipe.set(k("s"), "text").incr(k("n")).lpush(k("s"), "x").incr(k("n")).get(k("s"))
        with self.assertRaises(redis.ResponseError) as caught:
            pipe.execute()
        # redis-py names the failing command (the 3rd) and keeps the server's message.
        self.assertIn("WRONGTYPE", str(caught.exception))
        self.assertIn("Command # 3", str(caught.exception))
        # EXEC ran every queued command: the ones around the error took effect.
        self.assertEqual(self.r.get(k("n")), "2")
        self.assertEqual(self.r.get(k("s")), "text")

    def test_runtime_error_returned_in_results_list(self):
        k = self.key
        self.r.set(k("s"), "text")
        pipe = self.r.pipeline(transaction=True)
        pipe.incr(k("n")).hget(k("s"), "f").get(k("s")).incr(k("s"))
        results = pipe.execute(raise_on_error=False)
        self.assertEqual(len(results), 4)
        self.assertEqual(results[0], 1)
        self.assertIsInstance(results[1], redis.ResponseError)
        self.assertIn("WRONGTYPE", str(results[1]))
        self.assertEqual(results[2], "text")
        self.assertIsInstance(results[3], redis.ResponseError)
        self.assertIn("not an integer", str(results[3]))

    def test_queueing_error_aborts_the_whole_transaction(self):
        k = self.key
        pipe = self.r.pipeline(transaction=True)
        pipe.set(k("a"), "1")
        pipe.execute_command("GET")  # wrong number of arguments: rejected when queued
        pipe.set(k("b"), "2")
        with self.assertRaises(redis.ResponseError) as caught:
            pipe.execute()
        self.assertIn("wrong number of arguments", str(caught.exception).lower())
        # EXEC answered EXECABORT: nothing was applied.
        self.assertEqual(self.r.exists(k("a"), k("b")), 0)
        # The connection is usable afterwards.
        self.assertEqual(self.r.pipeline(transaction=True).set(k("c"), "3").execute(), [True])

    def test_transaction_is_isolated_from_other_clients(self):
        # Writers in MULTI/EXEC blocks move 10 from one key to another; a reader of both in
        # a transaction must always see the total unchanged.
        k = self.key
        self.r.mset({k("x"): 1000, k("y"): 0})
        stop = threading.Event()
        errors = []

        def writer():
            c = client()
            try:
                while not stop.is_set():
                    c.pipeline(transaction=True).decrby(k("x"), 10).incrby(k("y"), 10).execute()
            except redis.RedisError as e:
                errors.append(e)
            finally:
                c.close()

        thread = threading.Thread(target=writer, daemon=True)
        thread.start()
        try:
            for _ in range(200):
                x, y = self.r.pipeline(transaction=True).get(k("x")).get(k("y")).execute()
                self.assertEqual(int(x) + int(y), 1000)
        finally:
            stop.set()
            thread.join(timeout=SOCKET_TIMEOUT + 5)
        self.assertFalse(thread.is_alive(), "writer thread did not stop")
        self.assertEqual(errors, [])


class WatchTest(RedisPyTest):
    WORKERS = 4
    INCREMENTS = 25

    def test_watch_retry_loop_counts_exactly(self):
        counter = self.key("counter")
        retries = []
        errors = []
        deadline = time.monotonic() + 60

        def worker():
            c = client()
            mine = 0
            try:
                for _ in range(self.INCREMENTS):
                    with c.pipeline() as pipe:
                        while True:
                            if time.monotonic() > deadline:
                                raise TimeoutError("WATCH loop did not finish within 60s")
                            try:
                                pipe.watch(counter)
                                value = int(pipe.get(counter) or 0)
                                time.sleep(0.002)  # widen the window so workers collide
                                pipe.multi()
                                pipe.set(counter, value + 1)
                                pipe.execute()
                                break
                            except redis.WatchError:
                                mine += 1
            except Exception as e:  # reported by the main thread
                errors.append(e)
            finally:
                retries.append(mine)
                c.close()

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(self.WORKERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=max(1, deadline - time.monotonic() + 5))
        self.assertFalse(any(t.is_alive() for t in threads), "a worker is still running")
        self.assertEqual(errors, [])
        self.assertEqual(int(self.r.get(counter)), self.WORKERS * self.INCREMENTS)
        print(f"\n  WATCH retries per worker: {retries}", file=sys.stderr, end=" ")
        self.assertGreater(sum(retries), 0, "no WatchError under contention")

    def test_exec_fails_when_watched_key_changes(self):
        key = self.key("watched")
        self.r.set(key, "1")
        other = client()
        try:
            with self.r.pipeline() as pipe:
                pipe.watch(key)
                self.assertEqual(pipe.get(key), "1")
                other.set(key, "changed")
                pipe.multi()
                pipe.set(key, "mine")
                with self.assertRaises(redis.WatchError):
                    pipe.execute()
            self.assertEqual(self.r.get(key), "changed")
            # Unchanged watched key: EXEC goes through.
            with self.r.pipeline() as pipe:
                pipe.watch(key)
                pipe.multi()
                pipe.set(key, "mine")
                self.assertEqual(pipe.execute(), [True])
            self.assertEqual(self.r.get(key), "mine")
        finally:
            other.close()

    def test_transaction_helper_retries(self):
        key = self.key("balance")
        log_key = self.key("log")
        self.r.set(key, 100)
        other = client()
        calls = []

        def add_ten(pipe):
            calls.append(1)
            balance = int(pipe.get(key))
            if len(calls) == 1:
                other.incrby(key, 1)  # a concurrent write: the first EXEC must fail
            pipe.multi()
            pipe.set(key, balance + 10)
            pipe.rpush(log_key, balance)

        try:
            result = self.r.transaction(add_ten, key)
        finally:
            other.close()
        self.assertEqual(len(calls), 2, "r.transaction() should have retried once")
        self.assertEqual(result, [True, 1])
        self.assertEqual(self.r.get(key), "111")
        self.assertEqual(self.r.lrange(log_key, 0, -1), ["101"])
        # value_from_callable returns the callable's value instead of EXEC's replies.
        value = self.r.transaction(lambda pipe: int(pipe.get(key)), key,
                                   value_from_callable=True)
        self.assertEqual(value, 111)


class BlpopQueueTest(RedisPyTest):
    JOBS = 40
    PROCESS_TIMEOUT = 40  # seconds for the producer/consumer processes, start to finish

    def wait_for_blocked_clients(self, count):
        deadline = time.monotonic() + self.PROCESS_TIMEOUT
        while self.r.info("clients")["blocked_clients"] < count:
            self.assertLess(time.monotonic(), deadline, f"{count} consumers never blocked")
            time.sleep(0.01)

    def run_queue(self, direction, consumers=1):
        ctx = multiprocessing.get_context("spawn")
        queue_key = self.key("queue")
        jobs = [f"job-{i:03d}" for i in range(self.JOBS)]
        results = ctx.Queue()
        readies = [ctx.Event() for _ in range(consumers)]
        # Each consumer asks for every job; a consumer that finds the queue empty for 3s
        # (the producer is done and the others took the rest) reports a timeout and stops.
        procs = [ctx.Process(target=consume, args=(PORT, queue_key, self.JOBS, 3, ready, results))
                 for ready in readies]
        producer = ctx.Process(target=produce, args=(PORT, queue_key, jobs, 0.01, direction))
        try:
            for p in procs:
                p.start()
            for ready in readies:
                self.assertTrue(ready.wait(self.PROCESS_TIMEOUT), "consumer did not start")
            # The first job must find every consumer already blocked in BLPOP.
            self.wait_for_blocked_clients(consumers)
            producer.start()
            received, finished, problems = [], 0, []
            deadline = time.monotonic() + self.PROCESS_TIMEOUT
            while finished < consumers and time.monotonic() < deadline:
                try:
                    kind, value = results.get(timeout=max(0.1, deadline - time.monotonic()))
                except Exception:  # queue.Empty
                    break
                if kind == "job":
                    received.append(value)
                elif kind == "error":
                    problems.append(value)
                elif kind == "done":
                    finished += 1
            producer.join(timeout=5)
            for p in procs:
                p.join(timeout=5)
        finally:
            for p in procs + [producer]:
                if p.is_alive():
                    p.terminate()
                    p.join(timeout=5)
        self.assertEqual(problems, [])
        self.assertEqual(finished, consumers, "consumers did not finish in time")
        self.assertEqual(producer.exitcode, 0, "producer failed")
        self.assertTrue(all(key == queue_key for key, _ in received))
        values = [value for _, value in received]
        self.assertEqual(sorted(values), jobs, "every job consumed exactly once")
        self.assertEqual(self.r.llen(queue_key), 0)
        return values

    def test_rpush_blpop_is_fifo(self):
        self.assertEqual(self.run_queue("right"), [f"job-{i:03d}" for i in range(self.JOBS)])

    def test_lpush_blpop_consumes_each_job_once(self):
        self.run_queue("left")

    def test_two_consumers_share_the_queue(self):
        self.run_queue("right", consumers=2)

    def test_blpop_timeout_returns_none(self):
        started = time.monotonic()
        self.assertIsNone(self.r.blpop(self.key("empty"), timeout=1))
        elapsed = time.monotonic() - started
        self.assertGreaterEqual(elapsed, 0.9)
        self.assertLess(elapsed, 5)

    def test_blpop_takes_first_nonempty_key(self):
        k = self.key
        self.r.rpush(k("b"), "b1", "b2")
        self.r.rpush(k("c"), "c1")
        self.assertEqual(self.r.blpop([k("a"), k("b"), k("c")], timeout=1), (k("b"), "b1"))
        self.assertEqual(self.r.brpop([k("a"), k("c")], timeout=1), (k("c"), "c1"))


class DataTypesTest(RedisPyTest):
    def test_hash(self):
        key = self.key("h")
        self.assertEqual(self.r.hset(key, mapping={"a": "1", "b": "2", "c": "3"}), 3)
        self.assertEqual(self.r.hset(key, "a", "10"), 0)
        self.assertEqual(self.r.hgetall(key), {"a": "10", "b": "2", "c": "3"})
        self.assertEqual(self.r.hmget(key, "a", "x"), ["10", None])
        self.assertEqual(self.r.hincrby(key, "b", 5), 7)
        self.assertEqual(self.r.hdel(key, "c", "x"), 1)
        self.assertEqual(sorted(self.r.hkeys(key)), ["a", "b"])

    def test_list(self):
        key = self.key("l")
        self.assertEqual(self.r.lpush(key, "a", "b", "c"), 3)
        self.assertEqual(self.r.rpush(key, "z"), 4)
        self.assertEqual(self.r.lrange(key, 0, -1), ["c", "b", "a", "z"])
        self.assertEqual(self.r.lrange(key, 1, 2), ["b", "a"])
        self.assertEqual(self.r.lpop(key), "c")
        self.assertEqual(self.r.rpop(key, 2), ["z", "a"])
        self.assertEqual(self.r.llen(key), 1)

    def test_set(self):
        key = self.key("s")
        self.assertEqual(self.r.sadd(key, "a", "b", "c", "a"), 3)
        self.assertEqual(self.r.smembers(key), {"a", "b", "c"})
        self.assertTrue(self.r.sismember(key, "b"))
        self.assertEqual(self.r.srem(key, "b", "x"), 1)
        self.assertEqual(self.r.scard(key), 2)
        popped = self.r.spop(key)
        self.assertIn(popped, {"a", "c"})
        self.assertEqual(self.r.smembers(key), {"a", "c"} - {popped})

    def test_sorted_set(self):
        key = self.key("z")
        self.assertEqual(self.r.zadd(key, {"a": 1, "b": 2.5, "c": -3}), 3)
        self.assertEqual(self.r.zrange(key, 0, -1, withscores=True),
                         [("c", -3.0), ("a", 1.0), ("b", 2.5)])
        self.assertEqual(self.r.zrangebyscore(key, 0, "+inf"), ["a", "b"])
        self.assertEqual(self.r.zscore(key, "b"), 2.5)
        self.assertEqual(self.r.zincrby(key, 10, "c"), 7.0)
        self.assertEqual(self.r.zpopmin(key), [("a", 1.0)])
        self.assertEqual(self.r.zcard(key), 2)


class ScriptsTest(RedisPyTest):
    def test_register_script_loads_on_noscript(self):
        self.r.script_flush()
        incrby = self.r.register_script("return redis.call('INCRBY', KEYS[1], ARGV[1])")
        self.assertEqual(incrby(keys=[self.key("n")], args=[5]), 5)  # EVALSHA, NOSCRIPT, load
        self.assertEqual(incrby(keys=[self.key("n")], args=[2]), 7)
        self.assertEqual(self.r.script_exists(incrby.sha), [True])

    def test_lock_is_exclusive_across_threads(self):
        name, counter = self.key("lock"), self.key("counter")
        errors = []

        def worker():
            c = client()
            try:
                for _ in range(25):
                    with c.lock(name, timeout=10, blocking_timeout=30, sleep=0.001):
                        # Not atomic by itself: only the lock keeps the count exact.
                        value = int(c.get(counter) or 0)
                        c.set(counter, value + 1)
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))
            finally:
                c.close()

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(self.r.get(counter), "200")
        self.assertIsNone(self.r.get(name))  # released (a Lua script)

    def test_lock_extend_reacquire_and_foreign_release(self):
        lock = self.r.lock(self.key("l"), timeout=5)
        self.assertTrue(lock.acquire(blocking=False))
        self.assertTrue(lock.extend(10))  # a script: PEXPIRE only if the token matches
        self.assertGreater(self.r.pttl(self.key("l")), 10000)
        self.assertTrue(lock.reacquire())
        other = self.r.lock(self.key("l"), timeout=5)
        self.assertFalse(other.acquire(blocking=False))
        other.local.token = b"someone-else"
        with self.assertRaises(redis.exceptions.LockNotOwnedError):
            other.release()  # not the owner's token: the release script refuses
        other.local.token = None
        lock.release()
        self.assertTrue(other.acquire(blocking=False))
        other.release()


class PubSubTest(RedisPyTest):
    def wait_message(self, p, timeout=5):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = p.get_message(ignore_subscribe_messages=True, timeout=0.1)
            if m is not None:
                return m
        return None

    def test_get_message_and_patterns(self):
        p = self.r.pubsub()
        p.subscribe(self.key("ch"))
        p.psubscribe(self.key("pat.*"))
        self.assertEqual(p.get_message(timeout=5)["type"], "subscribe")
        self.assertEqual(p.get_message(timeout=5)["type"], "psubscribe")
        self.assertEqual(self.r.publish(self.key("ch"), "hello"), 1)
        self.assertEqual(self.r.publish(self.key("pat.x"), "world"), 1)
        m = self.wait_message(p)
        self.assertEqual((m["type"], m["channel"], m["data"]), ("message", self.key("ch"), "hello"))
        m = self.wait_message(p)
        self.assertEqual((m["type"], m["pattern"], m["data"]),
                         ("pmessage", self.key("pat.*"), "world"))
        self.assertEqual(self.r.pubsub_numsub(self.key("ch")), [(self.key("ch"), 1)])
        p.close()

    def test_listen_and_health_check(self):
        # An interval this short makes redis-py PING (in subscribed mode) before every read.
        p = client(health_check_interval=0.001).pubsub()
        p.subscribe(self.key("ch"))
        self.assertEqual(p.get_message(timeout=5)["type"], "subscribe")
        self.r.publish(self.key("ch"), "after-ping")
        received = []
        for m in p.listen():
            if m["type"] == "message":
                received.append(m["data"])
                break
        self.assertEqual(received, ["after-ping"])
        p.close()

    def test_run_in_thread(self):
        got = []
        done = threading.Event()

        def handler(m):
            got.append(m["data"])
            if len(got) == 20:
                done.set()

        p = self.r.pubsub()
        p.subscribe(**{self.key("ch"): handler})
        worker = p.run_in_thread(sleep_time=0.01)
        try:
            deadline = time.monotonic() + 5
            while self.r.pubsub_numsub(self.key("ch"))[0][1] != 1 and time.monotonic() < deadline:
                time.sleep(0.01)
            for i in range(20):
                self.r.publish(self.key("ch"), str(i))
            self.assertTrue(done.wait(5))
            self.assertEqual(got, [str(i) for i in range(20)])
        finally:
            worker.stop()
            worker.join(5)
            p.close()


# ---------------------------------------------------------------------------------------


def main():
    global PORT
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", choices=("strata", "redis"), required=True)
    parser.add_argument("--strata-binary", help="strata-server binary (with --server strata)")
    args, rest = parser.parse_known_args()
    if args.server == "strata":
        if not args.strata_binary or not os.access(args.strata_binary, os.X_OK):
            parser.error("--server strata needs --strata-binary PATH to an executable")
    elif shutil.which("redis-server") is None:
        print("redis-server is not installed", file=sys.stderr)
        return SKIP
    print(f"redis-py {redis.__version__}, Python {sys.version.split()[0]}, "
          f"server: {args.server}", file=sys.stderr, flush=True)
    server = ServerProcess(args.server, args.strata_binary)
    try:
        PORT = server.start()
        program = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2)
        alive = server.proc is not None and server.proc.poll() is None
        if not alive:
            print(f"the server exited during the tests:\n{server.log_tail()}", file=sys.stderr)
            return 1
        return 0 if program.result.wasSuccessful() else 1
    finally:
        server.cleanup()


if __name__ == "__main__":
    sys.exit(main())
