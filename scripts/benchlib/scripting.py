"""Scripting mode: EVALSHA of a one-call script and of a ten-call script, alternating
servers."""

import time

from .common import log
from .runs import run_benchmark
from .throughput import print_table, record_run

# The two scripts of issue 10's bar. The ten-call one reads and writes keys it derives from
# its one declared key, as real scripts (job queues, rate limiters) do.
SCRIPTS = {
    "evalsha_incr": "return redis.call('INCR', KEYS[1])",
    "evalsha_10calls": (
        "local k = KEYS[1] "
        "redis.call('SET', k, ARGV[1]) "
        "redis.call('GET', k) "
        "redis.call('INCR', k .. ':n') "
        "redis.call('HSET', k .. ':h', 'f', ARGV[1]) "
        "redis.call('HGET', k .. ':h', 'f') "
        "redis.call('LPUSH', k .. ':l', ARGV[1]) "
        "redis.call('LTRIM', k .. ':l', 0, 9) "
        "redis.call('SADD', k .. ':s', ARGV[1]) "
        "redis.call('EXPIRE', k, 100) "
        "return redis.call('EXISTS', k)"),
}


def load_scripts(server):
    shas = {}
    for name, body in SCRIPTS.items():
        sha = server.request("SCRIPT", "LOAD", body)
        if sha is None or len(sha) != 40:
            raise RuntimeError(f"{server.name}: SCRIPT LOAD answered {sha!r}")
        shas[name] = sha
    return shas


def scripting(args, servers, _workdir):
    pipelines = [int(p) for p in args.pipelines.split(",") if p.strip()]
    tests = list(SCRIPTS)
    results, failures, shown = {}, {}, set()
    log(f"EVALSHA (-c {args.clients}, keys from -r {args.keyspace}): "
        + "; ".join(f"{t}: {SCRIPTS[t]}" for t in tests))
    shas = {server.name: load_scripts(server) for server in servers}
    started = time.monotonic()
    for rnd in range(1, args.rounds + 1):
        for pipeline in pipelines:
            for test in tests:
                requests = args.requests if pipeline == 1 else args.pipelined_requests
                for server in servers:
                    key = (test, pipeline, server.name)
                    label = f"  round {rnd}/{args.rounds} P={pipeline:<3} {test:<16} {server.name:<8}"
                    # Each test its own keys: the ten-call script SETs strings INCR refuses.
                    command = ["EVALSHA", shas[server.name][test], "1",
                               f"{test}:__rand_int__", "value"]
                    run = run_benchmark(server, pipeline, requests, args, command=command)
                    server.check_alive()
                    result = record_run(run, key, label, results, failures, shown)
                    if result is not None:
                        log(f"{label} {result['rps']:>12,.0f} rps  p99 {result['p99']:.3f} ms")
    title = (f"Results: EVALSHA, -c {args.clients}, {args.rounds} round(s), -n {args.requests:,} "
             f"at -P 1 and {args.pipelined_requests:,} at -P > 1")
    print_table(tests, pipelines, results, failures, args.bar,
                title, args.baseline_bar if args.baseline else None)
    log(f"\n{args.rounds} round(s) in {time.monotonic() - started:.0f}s; values are medians "
        "over rounds; p99 in milliseconds; ratio = strata / redis.")
    return 1 if failures else 0
