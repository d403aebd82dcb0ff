"""Scale mode: million-element keys, their memory and read throughput."""

import time

from .common import log, print_rows, quote
from .loading import LOAD_BATCH, Loader
from .runs import run_benchmark
from .throughput import print_table

# (key, type, cardinality command, a probe that must find data: command and expected reply)
SCALE_KEYS = (
    ("biglist", "list", "LLEN", ("LINDEX", "biglist", "0"), "$"),
    ("bigzset", "zset", "ZCARD", ("ZRANGEBYSCORE", "bigzset", "000000000042", "+inf", "LIMIT",
                                  "0", "10"), "*10"),
    ("bighash", "hash", "HLEN", ("HGET", "bighash", "field:000000000042"), "$18"),
)
# (name, key it reads, redis-benchmark command; -r is the key's size)
SCALE_TESTS = (
    ("lrange_0_99", "biglist", ("LRANGE", "biglist", "0", "99")),
    ("zrangebyscore", "bigzset", ("ZRANGEBYSCORE", "bigzset", "__rand_int__", "+inf", "LIMIT",
                                  "0", "10")),
    ("hget", "bighash", ("HGET", "bighash", "field:__rand_int__")),
)


def memory_usage(server, key):
    try:
        reply = server.command("MEMORY", "USAGE", key, "SAMPLES", "0", timeout=60)
    except OSError:
        return None
    return int(reply[1:]) if reply.startswith(":") else None


def scale(args, servers, workdir):
    n = args.scale_size
    loader = Loader(workdir)
    failures = {}  # (test or key, pipeline or None, server name) -> error
    memory_report = {}  # (key, server name) -> (RSS delta KiB, MEMORY USAGE bytes)
    log(f"\nLoading {n:,}-element keys (RPUSH / ZADD / HSET, {LOAD_BATCH} elements per "
        "command, untimed); RSS (VmRSS) is read 1s after each key is loaded")
    for server in servers:
        time.sleep(1.0)
        rss = server.rss_kib()
        for key, kind, count_cmd, probe, expected in SCALE_KEYS:
            error, took = loader.load_counted(server, kind, key, n, count_cmd)
            if error is None:
                reply = server.command(*probe, timeout=60)
                if not reply.startswith(expected):
                    error = f"{' '.join(probe)} answered {reply!r}, expected {expected}..."
            time.sleep(1.0)  # let the allocator settle before reading RSS
            after = server.rss_kib()
            if error:
                failures[(key, None, server.name)] = error
                log(f"  {server.name}: {key}: FAILED: {error}")
            else:
                usage = memory_usage(server, key)
                memory_report[(key, server.name)] = (after - rss, usage)
                log(f"  {server.name}: {key}: loaded in {took:.1f}s, RSS +{(after - rss) / 1024:.1f} "
                    f"MiB, MEMORY USAGE {usage if usage is not None else 'n/a'}")
            rss = after

    pipelines = [int(p) for p in args.scale_pipelines.split(",") if p.strip()]
    results = {}
    shown = set()
    started = time.monotonic()
    for rnd in range(1, args.rounds + 1):
        for pipeline in pipelines:
            requests = args.scale_requests if pipeline == 1 else args.scale_pipelined_requests
            for name, key, command in SCALE_TESTS:
                for server in servers:
                    label = f"  round {rnd}/{args.rounds} P={pipeline:<3} {name:<13} {server.name:<7}"
                    if (key, None, server.name) in failures:
                        failures[(name, pipeline, server.name)] = f"{key} could not be loaded"
                        if rnd == 1:
                            log(f"{label} FAILED: {key} could not be loaded")
                        continue
                    cmd, result, error = run_benchmark(server, pipeline, requests, args,
                                                       command=command, random_range=n)
                    server.check_alive()
                    if (name, pipeline, server.name) not in shown:
                        log(f"$ {quote(cmd)}")
                        shown.add((name, pipeline, server.name))
                    if result is None:
                        failures[(name, pipeline, server.name)] = error
                        log(f"{label} FAILED: {error}")
                        continue
                    results.setdefault((name, pipeline, server.name), []).append(result)
                    log(f"{label} {result['rps']:>12,.0f} rps  p99 {result['p99']:.3f} ms")
    elapsed = time.monotonic() - started

    names = [name for name, _, _ in SCALE_TESTS]
    title = (f"Scale results: {n:,}-element keys, -c {args.clients}, {args.rounds} round(s), "
             f"-n {args.scale_requests:,} at -P 1 and {args.scale_pipelined_requests:,} "
             "at -P > 1")
    print_table(names, pipelines, results,
                {k: v for k, v in failures.items() if k[1] is not None}, args.scale_bar, title)
    log(f"{args.rounds} round(s) in {elapsed:.0f}s; ratio = strata / redis, "
        f"bar {args.scale_bar:.2f}")

    log(f"\nScale memory: RSS delta while loading each key (primary figure) and "
        "MEMORY USAGE key SAMPLES 0 (each server's own estimate; the two may count "
        "different things)")
    header = ("key", "redis RSS", "strata RSS", "ratio", "", "redis MEMORY USAGE",
              "strata MEMORY USAGE", "ratio")
    rows = []
    totals = {"redis": 0, "strata": 0}
    complete = True

    def mib(kib):
        return f"{kib / 1024:.1f} MiB"

    for key, *_ in SCALE_KEYS:
        r = memory_report.get((key, "redis"))
        s = memory_report.get((key, "strata"))
        if r is None or s is None:
            complete = False
            rows.append((key, mib(r[0]) if r else "n/a", mib(s[0]) if s else "n/a", "n/a",
                         "FAILED", str(r[1]) if r and r[1] is not None else "n/a",
                         str(s[1]) if s and s[1] is not None else "n/a", "n/a"))
            continue
        totals["redis"] += r[0]
        totals["strata"] += s[0]
        rss_ratio = s[0] / r[0] if r[0] > 0 else None
        usage_ratio = s[1] / r[1] if r[1] and s[1] is not None else None
        rows.append((key, mib(r[0]), mib(s[0]),
                     f"{rss_ratio:.2f}" if rss_ratio is not None else "n/a",
                     "n/a" if rss_ratio is None else
                     ("above bar" if rss_ratio > args.scale_memory_bar else "ok"),
                     str(r[1]) if r[1] is not None else "n/a",
                     str(s[1]) if s[1] is not None else "n/a",
                     f"{usage_ratio:.2f}" if usage_ratio is not None else "n/a"))
    if totals["redis"] > 0:
        ratio = totals["strata"] / totals["redis"]
        rows.append(("all three" if complete else "loaded keys", mib(totals["redis"]),
                     mib(totals["strata"]), f"{ratio:.2f}",
                     ("above bar" if ratio > args.scale_memory_bar else "ok")
                     if complete else "incomplete", "", "", ""))
    print_rows(header, rows)
    log(f"memory ratio = strata / redis (lower is better), bar {args.scale_memory_bar:.2f}")
    if failures:
        log(f"{len(failures)} scale load(s) or run(s) failed (see above).")
        return 1
    return 0

