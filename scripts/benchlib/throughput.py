"""Throughput mode: redis-benchmark's own tests, alternating servers, medians over rounds."""

import statistics
import time

from .common import log, print_rows, quote
from .loading import LOAD_BATCH, Loader
from .runs import run_benchmark

# The key each redis-benchmark 7.0 test writes to (deleted before each run of the test so
# every run starts from the same state on every server), what to preload into it, and the
# command that counts what is left afterwards. The random-key tests (set, get, incr, mset)
# use key:__rand_int__ and need nothing.
TESTS = {
    "lpush": {"key": "mylist"},
    "rpush": {"key": "mylist"},
    "lpop": {"key": "mylist", "preload": "list", "count": "LLEN"},
    "rpop": {"key": "mylist", "preload": "list", "count": "LLEN"},
    "sadd": {"key": "myset"},
    "spop": {"key": "myset", "preload": "set", "count": "SCARD"},
    "hset": {"key": "myhash"},
    "zadd": {"key": "myzset"},
    "zpopmin": {"key": "myzset", "preload": "zset", "count": "ZCARD"},
    # redis-benchmark fills mylist itself (an LPUSH phase of -n requests, reported as a row
    # of its own and ignored here), then times LRANGE mylist 0 99. LRANGE is several times
    # slower than the other tests, so it gets a quarter of the requests.
    "lrange_100": {"key": "mylist", "share": 0.25},
}
DEFAULT_TESTS = ("set,get,incr,mset,lpush,rpush,lpop,rpop,sadd,spop,hset,zadd,zpopmin,"
                 "lrange_100")


def requests_for(test, pipeline, args):
    requests = args.requests if pipeline == 1 else args.pipelined_requests
    return max(1000, int(requests * TESTS.get(test, {}).get("share", 1.0)))


def pop_preload(args, pipeline, requests):
    # redis-benchmark can issue up to one pipeline per client beyond -n; twice that plus
    # 1000 leaves every pop run with elements to spare (checked after each run).
    return requests + 2 * args.clients * pipeline + 1000


def prepare(server, test, pipeline, requests, args, loader):
    """Deletes the test's key and preloads it if needed. Returns an error or None."""
    spec = TESTS.get(test)
    if not spec:
        return None
    try:
        reply = server.command("DEL", spec["key"], timeout=60)
    except OSError as e:
        return f"DEL {spec['key']}: {e}"
    if reply.startswith("-"):
        return f"DEL {spec['key']}: {reply[1:]}"
    if "preload" in spec:
        error, _ = loader.load(server, spec["preload"], spec["key"],
                               pop_preload(args, pipeline, requests))
        if error:
            return "preload failed: " + error
    return None


def record_run(run, key, label, results, failures, shown):
    """Files one run_benchmark result under `key` (its command line is logged the first time
    the key runs); a failed run is logged and kept in `failures`. Returns the result row,
    or None if the run failed."""
    cmd, result, error = run
    if key not in shown:
        log(f"$ {quote(cmd)}")
        shown.add(key)
    if result is None:
        failures[key] = error
        log(f"{label} FAILED: {error}")
        return None
    results.setdefault(key, []).append(result)
    return result


def throughput(args, servers, workdir):
    tests = [t.strip().lower() for t in args.tests.split(",") if t.strip()]
    pipelines = [int(p) for p in args.pipelines.split(",") if p.strip()]
    loader = Loader(workdir)
    results = {}  # (test, pipeline, server name) -> list of {"rps", "p99", ...}
    failures = {}  # same key -> last error text
    dry = set()  # (test, pipeline, server name) whose pops emptied the key
    shown = set()
    prepared = [t for t in tests if t in TESTS]
    if prepared:
        log("data: before every run, the test's key is deleted on that server ("
            + ", ".join(sorted({TESTS[t]["key"] for t in prepared})) + ")")
    pops = [t for t in tests if "preload" in TESTS.get(t, {})]
    if pops:
        log(f"data: {', '.join(pops)}: the key is preloaded (untimed, redis-cli --pipe, "
            f"{LOAD_BATCH} elements per command) with -n + 2 x clients x pipeline + 1000 "
            "elements, identically on every server, and checked non-empty after the run")
    started = time.monotonic()
    for rnd in range(1, args.rounds + 1):
        for pipeline in pipelines:
            for test in tests:
                requests = requests_for(test, pipeline, args)
                for server in servers:
                    key = (test, pipeline, server.name)
                    label = f"  round {rnd}/{args.rounds} P={pipeline:<3} {test:<10} {server.name:<8}"
                    error = prepare(server, test, pipeline, requests, args, loader)
                    server.check_alive()
                    if error:
                        failures[key] = error
                        log(f"{label} FAILED: {error}")
                        continue
                    run = run_benchmark(server, pipeline, requests, args, test=test)
                    server.check_alive()
                    result = record_run(run, key, label, results, failures, shown)
                    if result is None:
                        continue
                    note = ""
                    count = TESTS.get(test, {}).get("count")
                    if count:
                        left = server.command(count, TESTS[test]["key"], timeout=30)
                        note = f"  ({left.lstrip(':')} left)"
                        if left == ":0":
                            dry.add(key)
                            note = "  (WARNING: key ran dry; later pops were empty)"
                    log(f"{label} {result['rps']:>12,.0f} rps  p99 {result['p99']:.3f} ms{note}")
    elapsed = time.monotonic() - started
    for server in servers:
        if server.name != "redis":
            info = server.info("server")
            log(f"{server.name}: {info.get('strata_active_threads', '?')} of "
                f"{info.get('strata_threads', '?')} network thread(s) active at the end "
                "(INFO server strata_active_threads; the others parked)")
            # Each park/unpark is logged by the server; a change during a run shows up in
            # that run's p99, so the table is read knowing how many there were.
            try:
                with open(server.log_path, errors="replace") as f:
                    changes = [line.rstrip() for line in f if "network threads:" in line]
            except OSError:
                changes = []
            log(f"{server.name}: {len(changes)} thread change(s) during the run"
                + "".join(f"\n  {c}" for c in changes[:10]))
    title = (f"Results: -c {args.clients}, {args.rounds} round(s), "
             f"-r {args.keyspace if args.keyspace > 0 else '(off)'}, "
             f"-n {args.requests:,} at -P 1 and {args.pipelined_requests:,} at -P > 1 "
             "(lrange_100: a quarter of that)")
    baseline_bar = args.baseline_bar if args.baseline else None
    print_table(tests, pipelines, results, failures, args.bar, title, baseline_bar)
    log(f"\n{args.rounds} round(s) in {elapsed:.0f}s (total, including data preparation); "
        f"values are medians over rounds; p99 in milliseconds; ratio = strata / redis "
        f"(rps: higher is better, bar {args.bar:.2f}; p99: lower is better)"
        + (f"; strata/baseline: rps ratio, bar {baseline_bar:.2f}" if baseline_bar else "")
        + ".")
    for test, pipeline, name in sorted(dry):
        log(f"warning: {name} {test.upper()} -P {pipeline}: the preloaded key ran dry")
    if failures:
        log(f"{len(failures)} benchmark configuration(s) had failed runs (see above).")
        return 1
    return 0


def print_table(tests, pipelines, results, failures, bar, title, baseline_bar=None):
    """Medians per (test, pipeline). With baseline_bar, the baseline server's columns and
    the strata/baseline ratio, marked against that bar, are added."""
    def median(test, pipeline, name, field):
        values = [r[field] for r in results.get((test, pipeline, name), [])]
        return statistics.median(values) if values else None

    def fmt(v, spec):
        return format(v, spec) if v is not None else "n/a"

    def ratio(a, b):
        return f"{a / b:.2f}" if a is not None and b else "n/a"

    def mark(a, b, threshold):
        if a is None or b is None:
            return "FAILED"
        return "below bar" if a / b < threshold else "ok"

    with_baseline = baseline_bar is not None
    header = ["test", "pipeline", "redis rps", "strata rps", "strata/redis", ""]
    if with_baseline:
        header += ["baseline rps", "strata/baseline", " "]
    header += ["redis p99", "strata p99", "p99 ratio"]
    if with_baseline:
        header += ["baseline p99"]
    rows = []
    for pipeline in pipelines:
        for test in tests:
            r_rps, s_rps, r_p99, s_p99 = (median(test, pipeline, name, field)
                                          for field in ("rps", "p99")
                                          for name in ("redis", "strata"))
            row = [test.upper(), str(pipeline), fmt(r_rps, ",.0f"), fmt(s_rps, ",.0f"),
                   ratio(s_rps, r_rps), mark(s_rps, r_rps, bar)]
            if with_baseline:
                b_rps = median(test, pipeline, "baseline", "rps")
                row += [fmt(b_rps, ",.0f"), ratio(s_rps, b_rps), mark(s_rps, b_rps, baseline_bar)]
            row += [fmt(r_p99, ".3f"), fmt(s_p99, ".3f"), ratio(s_p99, r_p99)]
            if with_baseline:
                row += [fmt(median(test, pipeline, "baseline", "p99"), ".3f")]
            rows.append(row)
    log("\n" + title)
    print_rows(header, rows)
    for (test, pipeline, name), error in sorted(failures.items()):
        if not results.get((test, pipeline, name)):
            log(f"note: {name} {test.upper()} -P {pipeline}: every run failed: {error}")
