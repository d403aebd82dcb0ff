"""Streams mode: XADD and XRANGE throughput on one stream, alternating servers, then the
memory of a stream of 1M one-field entries on each server."""

import os
import subprocess
import time

from .common import log, quote
from .runs import run_benchmark
from .throughput import print_table, record_run

KEY = "bench-stream"
VALUE = "v" * 10  # issue 11's bar: entries of one 10-byte field
TESTS = {
    "xadd": ["XADD", KEY, "*", "f", VALUE],
    "xrange_10": ["XRANGE", KEY, "-", "+", "COUNT", "10"],
}


def xadd_stream(count, out, key=b"memory-stream"):
    """Writes `count` RESP XADD commands with explicit increasing IDs (so both servers hold
    exactly the same entries), one 10-byte field each."""
    value = VALUE.encode()
    chunk = []
    for i in range(1, count + 1):
        ident = b"%d-0" % i
        chunk.append(b"*5\r\n$4\r\nXADD\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$1\r\nf\r\n$%d\r\n%s\r\n"
                     % (len(key), key, len(ident), ident, len(value), value))
        if len(chunk) == 10000:
            out.write(b"".join(chunk))
            chunk.clear()
    out.write(b"".join(chunk))
    out.flush()


def stream_memory(args, servers, workdir, entries):
    load_file = os.path.join(workdir, "xadd.resp")
    with open(load_file, "wb") as f:
        xadd_stream(entries, f)
    report = {}
    for server in servers:
        server.command("DEL", "memory-stream")
        time.sleep(0.5)
        before = server.rss_kib()
        used_before = int(server.info("memory").get("used_memory", 0))
        cmd = ["redis-cli", "-h", "127.0.0.1", "-p", server.port, "--pipe"]
        with open(load_file, "rb") as f:
            done = subprocess.run([str(c) for c in cmd], stdin=f, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{server.name}: redis-cli --pipe failed: {done.stderr.strip()}")
        time.sleep(1.0)  # let the allocator settle before reading RSS
        after = server.rss_kib()
        used_after = int(server.info("memory").get("used_memory", 0))
        length = server.command("XLEN", "memory-stream")
        report[server.name] = ((after - before) * 1024 / entries,
                               (used_after - used_before) / entries, length)
    log(f"\nMemory: one stream of {entries:,} entries of one 10-byte field (explicit IDs "
        f"1-0 .. {entries}-0; loaded with {quote(['redis-cli', '--pipe'])})")
    for name, (rss, used, length) in report.items():
        log(f"  {name:<8} RSS {rss:6.1f} bytes/entry   used_memory {used:6.1f} bytes/entry   "
            f"XLEN {length}")
    if "redis" in report and "strata" in report:
        log(f"bytes/entry ratio strata/redis: RSS {report['strata'][0] / report['redis'][0]:.2f}, "
            f"used_memory {report['strata'][1] / report['redis'][1]:.2f} (lower is better)")


def streams(args, servers, workdir):
    pipelines = [int(p) for p in args.pipelines.split(",") if p.strip()]
    tests = list(TESTS)
    results, failures, shown = {}, {}, set()
    log(f"Streams (-c {args.clients}): "
        + "; ".join(f"{t}: {' '.join(TESTS[t])}" for t in tests))
    started = time.monotonic()
    for rnd in range(1, args.rounds + 1):
        for pipeline in pipelines:
            for test in tests:
                requests = args.requests if pipeline == 1 else args.pipelined_requests
                for server in servers:
                    if test == "xadd":
                        server.command("DEL", KEY)  # every XADD run starts from an empty stream
                    key = (test, pipeline, server.name)
                    label = f"  round {rnd}/{args.rounds} P={pipeline:<3} {test:<10} {server.name:<8}"
                    run = run_benchmark(server, pipeline, requests, args, command=TESTS[test],
                                        random_range=0)
                    server.check_alive()
                    result = record_run(run, key, label, results, failures, shown)
                    if result is not None:
                        log(f"{label} {result['rps']:>12,.0f} rps  p99 {result['p99']:.3f} ms")
    title = (f"Results: streams, -c {args.clients}, {args.rounds} round(s), -n {args.requests:,} "
             f"at -P 1 and {args.pipelined_requests:,} at -P > 1")
    print_table(tests, pipelines, results, failures, args.bar,
                title, args.baseline_bar if args.baseline else None)
    log(f"\n{args.rounds} round(s) in {time.monotonic() - started:.0f}s; values are medians "
        "over rounds; p99 in milliseconds; ratio = strata / redis.")
    stream_memory(args, servers, workdir, args.stream_entries)
    return 1 if failures else 0
