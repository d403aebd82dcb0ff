"""bgsave-read mode: read latency on one big hash and one big set, quiet and while BGSAVEs
run back to back. A BGSAVE that serialises a whole collection while holding it against
readers shows here as a p99/max jump on HGET or SISMEMBER."""

import statistics
import time

from .bgsave import BgsaveLoop, probe_bgsave
from .common import log, print_rows, quote
from .loading import LOAD_BATCH, Loader
from .runs import benchmark_rows

# (key, load kind, cardinality command, read name, redis-benchmark command). The members
# are the loader's (field:<i>, element:<i>, <i> padded as __rand_int__ expands), so every
# read finds what it asks for. SMEMBERS of the whole set would measure the reply size, not
# the checkpoint, so the set is read one member at a time.
READS = (
    ("h", "hash", "HLEN", "HGET", ("HGET", "h", "field:__rand_int__")),
    ("s", "set", "SCARD", "SISMEMBER", ("SISMEMBER", "s", "element:__rand_int__")),
)
PHASES = ("quiet", "bgsave")


def load_keys(servers, n, loader):
    """Loads every READS key into every server. Returns {server name: error} for failures."""
    failures = {}
    for server in servers:
        for key, kind, count_cmd, _, _ in READS:
            error, took = loader.load_counted(server, kind, key, n, count_cmd)
            if error:
                failures[server.name] = error
                log(f"  {server.name}: {key}: FAILED: {error}")
                break
            log(f"  {server.name}: {key}: {n:,} elements loaded in {took:.1f}s")
    return failures


def bgsave_read(args, servers, workdir):
    n = args.bgsave_read_size
    requests = args.bgsave_read_requests
    rounds = args.bgsave_read_rounds
    log(f"\nLoading a {n:,}-field hash h and a {n:,}-member set s into every server (HSET / "
        f"SADD, {LOAD_BATCH} elements per command, untimed)")
    failures = {(name, None, None): error
                for name, error in load_keys(servers, n, Loader(workdir)).items()}
    results = {}  # (server name, read, phase) -> [row of each valid run]
    bgsaves = {}  # (server name, read) -> [BGSAVEs completed during each run]
    no_bgsave = set()
    probed = set()
    log(f"\nReads: redis-benchmark -c {args.clients} -P 1 -n {requests:,} -r {n:,}, quiet and "
        "then while BGSAVE runs back to back (the next one issued as soon as INFO persistence, "
        "polled every 20 ms over one connection, shows rdb_bgsave_in_progress:0); "
        f"{rounds} round(s), alternating servers")
    started = time.monotonic()
    for rnd in range(1, rounds + 1):
        for _, _, _, read, command in READS:
            for phase in PHASES:
                for server in servers:
                    if (server.name, None, None) in failures:
                        continue
                    label = f"  {rnd}/{rounds} {read:<9} {phase:<6} {server.name:<8}"
                    cmd = ["redis-benchmark", "-h", "127.0.0.1", "-p", server.port, "-c",
                           args.clients, "-n", requests, "-r", n, "-P", "1", "--csv", *command]
                    if rnd == 1 and phase == "quiet":
                        log(f"$ {quote(cmd)}")
                    loop = None
                    if phase == "bgsave":
                        if server.name in no_bgsave:
                            continue
                        if server.name not in probed:
                            probed.add(server.name)
                            error = probe_bgsave(server)
                            if error:
                                no_bgsave.add(server.name)
                                failures[(server.name, None, "bgsave")] = error
                                log(f"{label} skipped: {error}")
                                continue
                        loop = BgsaveLoop(server)
                        loop.start()
                        loop.wait_begun()
                    rows, error = benchmark_rows(cmd, args.run_timeout)
                    if loop:
                        loop.stop()
                    server.check_alive()
                    if error:
                        failures[(server.name, read, phase)] = error
                        log(f"{label} FAILED: {error}")
                        continue
                    row = next(iter(rows.values()))
                    note = ""
                    valid = True
                    if loop:
                        bgsaves.setdefault((server.name, read), []).append(loop.completed)
                        note = f"; {loop.completed} BGSAVE(s) completed"
                        if loop.durations:
                            note += f" ({statistics.median(loop.durations):.3f}s each, median)"
                        if loop.error:
                            valid = False
                            note += f"; BGSAVE loop stopped: {loop.error} -- left out"
                            failures[(server.name, read, "bgsave loop")] = loop.error
                        elif loop.started < 1:
                            valid = False
                            note += " -- left out: the run ended before a BGSAVE began"
                        elif loop.completed < 1:
                            # BGSAVEs are issued back to back, so one still running when
                            # the run ended covered all of it.
                            note += " (one BGSAVE ran throughout)"
                    if valid:
                        results.setdefault((server.name, read, phase), []).append(row)
                    log(f"{label} {row['rps']:>10,.0f} rps  p50 {row['p50']:.3f}  p99 "
                        f"{row['p99']:.3f}  max {row['max']:.3f} ms{note}")
    elapsed = time.monotonic() - started
    report(args, servers, results, bgsaves)
    log(f"{rounds} round(s) in {elapsed:.0f}s. Informational: no bar, never the exit status.")
    if failures:
        log(f"{len(failures)} load(s), run(s) or BGSAVE(s) failed:")
        for (name, read, phase), error in failures.items():
            log(f"  {name} {read or ''} {phase or 'load'}: {error}")
        return 1
    return 0


def report(args, servers, results, bgsaves):
    def stat(name, read, phase, field, pick):
        rows = results.get((name, read, phase))
        return pick([r[field] for r in rows]) if rows else None

    def fmt(v, spec=".3f"):
        return format(v, spec) if v is not None else "n/a"

    header = ("server", "read", "quiet rps", "quiet p50", "quiet p99", "quiet max",
              "BGSAVE rps", "BGSAVE p50", "BGSAVE p99", "BGSAVE max", "p99 BGSAVE/quiet",
              "BGSAVEs")
    rows = []
    for _, _, _, read, _ in READS:
        for server in servers:
            cells = [server.name, read]
            for phase in PHASES:
                cells += [fmt(stat(server.name, read, phase, "rps", statistics.median), ",.0f"),
                          fmt(stat(server.name, read, phase, "p50", statistics.median)),
                          fmt(stat(server.name, read, phase, "p99", statistics.median)),
                          fmt(stat(server.name, read, phase, "max", max))]
            quiet = stat(server.name, read, "quiet", "p99", statistics.median)
            during = stat(server.name, read, "bgsave", "p99", statistics.median)
            cells.append(f"{during / quiet:.2f}" if quiet and during is not None else "n/a")
            counts = bgsaves.get((server.name, read))
            cells.append("/".join(map(str, counts)) if counts else "n/a")
            rows.append(cells)
    log(f"\nReads during BGSAVE: {args.bgsave_read_size:,}-element hash h and set s; "
        f"-c {args.clients} -P 1 -n {args.bgsave_read_requests:,}; latencies in ms; rps, p50 "
        f"and p99 are medians over {args.bgsave_read_rounds} round(s), max is the largest; "
        "BGSAVEs = completed during each run")
    print_rows(header, rows)
