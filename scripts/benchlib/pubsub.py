"""Pub/sub mode: PUBLISH throughput to 1 and to 50 subscribers, alternating servers."""

import os
import selectors
import socket
import subprocess
import sys
import time

from .common import log
from .runs import run_benchmark
from .throughput import print_table, record_run

CHANNEL = "bench-channel"


def drain_subscribers(port, count, channel):
    """Runs in a child process: `count` connections subscribe to `channel` and read and
    discard everything, so that the subscribers cost the machine as little as possible."""
    sel = selectors.DefaultSelector()
    conns = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        payload = f"*2\r\n$9\r\nSUBSCRIBE\r\n${len(channel)}\r\n{channel}\r\n".encode()
        s.sendall(payload)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        conns.append(s)
    while conns:
        for key, _ in sel.select():
            try:
                data = key.fileobj.recv(1 << 20)
            except BlockingIOError:
                continue
            if not data:
                sel.unregister(key.fileobj)
                conns.remove(key.fileobj)


def numsub(server):
    """PUBSUB NUMSUB of the channel (the reply is an array, which Connection.call does not
    read: its last line is the count)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(f"*3\r\n$6\r\nPUBSUB\r\n$6\r\nNUMSUB\r\n${len(CHANNEL)}\r\n{CHANNEL}\r\n"
                  .encode())
        buf = b""
        while buf.count(b"\r\n") < 4:
            chunk = s.recv(4096)
            if not chunk:
                return -1
            buf += chunk
    last = buf.split(b"\r\n")[3]
    return int(last[1:]) if last.startswith(b":") else -1


def start_subscribers(server, count):
    cmd = [sys.executable, os.path.join(os.path.dirname(os.path.dirname(__file__)), "bench"),
           "--drain-subscribers", f"{server.port}:{count}:{CHANNEL}"]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if numsub(server) == count:
            return proc
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    raise RuntimeError(f"{server.name}: {count} subscriber(s) did not subscribe")


def stop_subscribers(server, proc):
    proc.terminate()
    proc.wait()
    # Wait until the server noticed, so the next run starts without them.
    deadline = time.monotonic() + 20
    while numsub(server) != 0 and time.monotonic() < deadline:
        time.sleep(0.05)


def pubsub(args, servers, _workdir):
    counts = [1, 50]
    pipelines = [int(p) for p in args.pipelines.split(",") if p.strip()]
    tests = [f"publish_{n}" for n in counts]
    results, failures, shown = {}, {}, set()
    log(f"PUBLISH {CHANNEL} <3-byte message> from redis-benchmark (-c {args.clients}) to 1 and to "
        "50 subscribers; the subscribers are one process that reads and discards")
    started = time.monotonic()
    for rnd in range(1, args.rounds + 1):
        for pipeline in pipelines:
            for n, test in zip(counts, tests):
                requests = args.requests if pipeline == 1 else args.pipelined_requests
                requests = max(1000, requests // (5 if n > 1 else 1))
                for server in servers:
                    key = (test, pipeline, server.name)
                    label = f"  round {rnd}/{args.rounds} P={pipeline:<3} {test:<11} {server.name:<8}"
                    subs = start_subscribers(server, n)
                    try:
                        run = run_benchmark(server, pipeline, requests, args,
                                            command=["PUBLISH", CHANNEL, "msg"], random_range=0)
                    finally:
                        stop_subscribers(server, subs)
                    server.check_alive()
                    result = record_run(run, key, label, results, failures, shown)
                    if result is not None:
                        log(f"{label} {result['rps']:>12,.0f} rps  p99 {result['p99']:.3f} ms")
    title = (f"Results: PUBLISH to 1 and 50 subscribers, -c {args.clients}, {args.rounds} "
             f"round(s), -n {args.requests:,} at -P 1 and {args.pipelined_requests:,} at -P > 1 "
             "(a fifth of that with 50 subscribers)")
    print_table(tests, pipelines, results, failures, args.bar,
                title, args.baseline_bar if args.baseline else None)
    log(f"\n{args.rounds} round(s) in {time.monotonic() - started:.0f}s; values are medians "
        "over rounds; p99 in milliseconds; ratio = strata / redis.")
    return 1 if failures else 0
