"""Checkpoint mode: Strata's checkpoints against Redis's RDB on a mixed dataset."""

import os
import random
import re
import socket
import statistics
import subprocess
import threading
import time

from .bgsave import BgsaveLoop, bgsave, probe_bgsave, wait_bgsave
from .common import BENCH, log, print_rows, quote
from .runs import benchmark_rows
from .servers import proc_status_kib

# The dataset's mix of types: (type, share of the keys). Strings get what rounding leaves.
CHECKPOINT_MIX = (("string", 0.70), ("hash", 0.10), ("list", 0.07), ("set", 0.07),
                  ("zset", 0.06))
CHECKPOINT_SEED = 20260501


def checkpoint_counts(n):
    counts = {kind: int(n * share) for kind, share in CHECKPOINT_MIX[1:]}
    counts["string"] = n - sum(counts.values())
    return counts


def checkpoint_stream(n, out):
    """Writes RESP commands creating `n` keys of mixed types, the same bytes on every run.

    s:<i>  SET, values 20-100 bytes; one in five with EX 1-6 hours
    h:<i>  HSET, 5-10 fields f<j>; values alternately integers and 5-40-byte strings
    l:<i>  RPUSH, 5-20 elements of 10-40 bytes
    t:<i>  SADD, 5-20 members: all integers for even <i>, strings m:<number> for odd <i>
    z:<i>  ZADD, 5-20 members m<j>:<8 bytes>, scores integers or decimals
    With n = 1,000,000: 700k strings, 100k hashes, 70k lists, 70k sets, 60k sorted sets.
    """
    rng = random.Random(CHECKPOINT_SEED)
    alphabet = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
    pool = bytes(rng.choices(alphabet, k=1 << 16))
    randint = rng.randint

    def text(lo, hi):
        size = randint(lo, hi)
        at = randint(0, len(pool) - size)
        return pool[at:at + size]

    def command(*parts):
        return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)

    counts = checkpoint_counts(n)
    chunk = []

    def emit(cmd):
        chunk.append(cmd)
        if len(chunk) >= 5000:
            out.write(b"".join(chunk))
            chunk.clear()

    for i in range(counts["string"]):
        if randint(0, 4) == 0:
            emit(command(b"SET", b"s:%d" % i, text(20, 100), b"EX", b"%d" % randint(3600, 21600)))
        else:
            emit(command(b"SET", b"s:%d" % i, text(20, 100)))
    for i in range(counts["hash"]):
        parts = [b"HSET", b"h:%d" % i]
        for j in range(randint(5, 10)):
            parts += [b"f%d" % j, b"%d" % randint(0, 10 ** 6) if j % 2 else text(5, 40)]
        emit(command(*parts))
    for i in range(counts["list"]):
        emit(command(b"RPUSH", b"l:%d" % i, *(text(10, 40) for _ in range(randint(5, 20)))))
    for i in range(counts["set"]):
        if i % 2 == 0:
            members = (b"%d" % randint(0, 10 ** 9) for _ in range(randint(5, 20)))
        else:
            members = (b"m:%d" % randint(0, 10 ** 9) for _ in range(randint(5, 20)))
        emit(command(b"SADD", b"t:%d" % i, *members))
    for i in range(counts["zset"]):
        parts = [b"ZADD", b"z:%d" % i]
        for j in range(randint(5, 20)):
            score = b"%d" % randint(-1000, 1000) if j % 2 else b"%.3f" % (rng.random() * 1000)
            parts += [score, b"m%d:%s" % (j, text(8, 8))]
        emit(command(*parts))
    out.write(b"".join(chunk))
    out.flush()


def newest_checkpoint(directory):
    try:
        files = [os.path.join(directory, f) for f in os.listdir(directory) if f.endswith(".strata")]
    except OSError:
        return None
    return max(files, key=os.path.getmtime) if files else None


def timed_restart(server, timeout=600):
    """Stops `server` (SIGTERM, wait), starts it again with the same command and times the
    start: from spawning the process until PING answers +PONG. Connection refused and any
    other reply (-LOADING ...) count as not ready; tries again every 5 ms. Returns (seconds,
    log text the new process wrote)."""
    server.stop()
    offset = os.path.getsize(server.log_path) if os.path.exists(server.log_path) else 0
    started = time.monotonic()
    server.spawn(append=True)
    deadline = started + timeout
    while True:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited with status {server.proc.returncode} "
                               f"while restoring:\n{server.log_tail()}")
        try:
            # A server that accepts and answers only once loaded is waited for here.
            with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as s:
                s.sendall(b"*1\r\n$4\r\nPING\r\n")
                if s.recv(64).startswith(b"+PONG"):
                    took = time.monotonic() - started
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{server.name} did not answer PING within {timeout}s of a "
                               f"restart:\n{server.log_tail()}")
        time.sleep(0.005)
    with open(server.log_path, "rb") as f:
        f.seek(offset)
        return took, f.read().decode(errors="replace")


def own_load_time(server, text):
    """The server's own account of the load, from its log: Redis's 'DB loaded from disk: X
    seconds', Strata's 'loaded checkpoint ... in N ms'. Returns seconds or None."""
    m = re.search(r"DB loaded from disk: ([0-9.]+) seconds", text)
    if m:
        return float(m.group(1))
    m = re.search(r"loaded checkpoint .* in (\d+) ms", text)
    if m:
        return int(m.group(1)) / 1000
    return None


def children_of(pid):
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return found


class RssSampler(threading.Thread):
    """Samples VmRSS of a process and the sum over its children every 10 ms."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.child_peak = 0
        self.samples = 0
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            try:
                self.peak = max(self.peak, proc_status_kib(self.pid, "VmRSS"))
            except (OSError, RuntimeError):
                pass
            total = 0
            for child in children_of(self.pid):
                try:
                    total += proc_status_kib(child, "VmRSS")
                except (OSError, RuntimeError):
                    pass  # the child exited between listing and reading
            self.child_peak = max(self.child_peak, total)
            self.samples += 1
            self.done.wait(0.01)

    def stop(self):
        self.done.set()
        self.join()


def rss_during_bgsave(server):
    """RSS before one BGSAVE and its peak while it runs. Returns a dict (see below)."""
    pid = server.proc.pid
    time.sleep(1.0)  # let the allocator settle
    result = {"before": proc_status_kib(pid, "VmRSS")}
    # Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+); checked, and the
    # 10 ms VmRSS sampler below is the fallback (and the only source for the children).
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        hwm_reset = proc_status_kib(pid, "VmHWM") <= proc_status_kib(pid, "VmRSS") + 1024
    except OSError:
        hwm_reset = False
    result["method"] = "VmHWM reset + 10 ms samples" if hwm_reset else "10 ms VmRSS samples"
    sampler = RssSampler(pid)
    sampler.start()
    began = time.monotonic()
    info = {}
    try:
        with server.connect(30) as conn:
            error = bgsave(conn)
            if error is None:
                info, error = wait_bgsave(conn)
    except OSError as e:
        error = f"BGSAVE: {e}"
    result["seconds"] = time.monotonic() - began
    sampler.stop()
    peak = sampler.peak
    if hwm_reset:
        peak = max(peak, proc_status_kib(pid, "VmHWM"))
    result.update(peak=peak, child_peak=sampler.child_peak, error=error,
                  cow=info.get("rdb_last_cow_size"), samples=sampler.samples)
    return result


def checkpoint(args, servers, workdir):
    redis, strata = servers
    n = args.checkpoint_keys
    failures = []
    counts = checkpoint_counts(n)
    gen = [BENCH, "--gen-checkpoint", n]
    load_file = os.path.join(workdir, "checkpoint.resp")
    started = time.monotonic()
    with open(load_file, "wb") as f:
        checkpoint_stream(n, f)
    names = {"string": "strings", "hash": "hashes", "list": "lists", "set": "sets",
             "zset": "sorted sets"}
    log(f"\ndata: {n:,} keys: " + ", ".join(f"{counts[k]:,} {names[k]}" for k, _ in CHECKPOINT_MIX)
        + f" ({os.path.getsize(load_file) / 2 ** 20:.0f} MiB of RESP, generated in "
        f"{time.monotonic() - started:.1f}s; the same stream is `{quote(gen)}`)")
    for server in servers:
        cmd = ["redis-cli", "-h", "127.0.0.1", "-p", server.port, "--pipe"]
        log(f"$ {quote(gen)} | {quote(cmd)}")
        began = time.monotonic()
        with open(load_file, "rb") as f:
            done = subprocess.run([str(c) for c in cmd], stdin=f, capture_output=True, text=True)
        server.check_alive()
        summary = [l.strip() for l in done.stdout.splitlines() if "errors:" in l]
        dbsize = server.command("DBSIZE", timeout=60)
        log(f"  {server.name}: {summary[-1] if summary else done.stdout.strip()} "
            f"({time.monotonic() - began:.1f}s), DBSIZE {dbsize.lstrip(':')}")
        if done.returncode != 0 or dbsize != f":{n}":
            raise RuntimeError(f"loading the dataset into {server.name} failed (redis-cli "
                               f"status {done.returncode}, DBSIZE {dbsize!r}, expected {n}): "
                               f"{done.stderr.strip()[:200]}")
    strata_dir = os.path.join(workdir, "strata-data", "checkpoints")
    for extra in args.strata_arg:
        if "checkpoint.dir" in extra:
            log("warning: --strata-arg sets checkpoint.dir; the checkpoint size below looks in "
                f"{strata_dir} only")

    # 1. SAVE, client-side wall time, alternating servers.
    reps = args.checkpoint_repeats
    save_times = {s.name: [] for s in servers}
    log(f"\nSAVE: client-side wall time of SAVE, {reps} time(s) each, alternating")
    for rep in range(1, reps + 1):
        for server in servers:
            began = time.monotonic()
            reply = server.command("SAVE", timeout=600)
            took = time.monotonic() - began
            server.check_alive()
            if reply != "+OK":
                failures.append(f"{server.name} SAVE answered {reply!r}")
                log(f"  {rep}/{reps} {server.name:<7} FAILED: SAVE answered {reply!r}")
                continue
            save_times[server.name].append(took)
            log(f"  {rep}/{reps} {server.name:<7} {took:.3f}s")
    rdb = os.path.join(workdir, "dump.rdb")
    sizes = {"redis": os.path.getsize(rdb) if os.path.exists(rdb) else None}
    newest = newest_checkpoint(strata_dir)
    sizes["strata"] = os.path.getsize(newest) if newest else None
    log(f"  files: redis {rdb} ({sizes['redis'] or 0:,} bytes), strata "
        f"{newest or '(none in ' + strata_dir + ')'} ({sizes['strata'] or 0:,} bytes)")

    # 2. Restart with restore.
    restart_times = {s.name: [] for s in servers}
    own_times = {s.name: [] for s in servers}
    log(f"\nRestart with restore: SIGTERM, wait for exit, start the same command again (same "
        f"--dir); wall time from spawn until PING answers +PONG (refused or -LOADING = not "
        f"ready, retried every 5 ms); {reps} time(s) each, alternating")
    for server in servers:
        log(f"$ {quote(server.cmd)}")
    for rep in range(1, reps + 1):
        for server in servers:
            before = newest_checkpoint(strata_dir) if server is strata else None
            before_mtime = os.path.getmtime(before) if before else None
            took, text = timed_restart(server)
            dbsize = server.command("DBSIZE", timeout=60)
            own = own_load_time(server, text)
            note = ""
            if server is strata:
                after = newest_checkpoint(strata_dir)
                if after != before or (after and os.path.getmtime(after) != before_mtime):
                    note = "  (note: the stop wrote a new checkpoint)"
            if dbsize != f":{n}":
                failures.append(f"{server.name} restored DBSIZE {dbsize!r}, expected {n}")
                log(f"  {rep}/{reps} {server.name:<7} FAILED: DBSIZE after restart {dbsize!r}, "
                    f"expected :{n}")
                continue
            restart_times[server.name].append(took)
            if own is not None:
                own_times[server.name].append(own)
            log(f"  {rep}/{reps} {server.name:<7} {took:.3f}s to PONG, DBSIZE {n:,}; its log: "
                + (f"{own:.3f}s" if own is not None else "no load-time line found") + note)

    # 3. RSS during one BGSAVE (on the exact dataset, before the benchmark adds keys).
    log("\nRSS during BGSAVE: VmRSS before; one BGSAVE to completion; peak VmRSS of the server "
        "process (VmHWM after resetting it via /proc/PID/clear_refs, and 10 ms samples) and of "
        "its child processes (10 ms samples)")
    rss = {}
    for server in servers:
        r = rss_during_bgsave(server)
        server.check_alive()
        rss[server.name] = r
        if r["error"]:
            failures.append(f"{server.name} BGSAVE failed: {r['error']}")
            log(f"  {server.name:<7} BGSAVE FAILED: {r['error']} (RSS {r['before'] / 1024:.1f} MiB)")
            continue
        cow = f", rdb_last_cow_size {int(r['cow']) / 2 ** 20:.1f} MiB" if r["cow"] else ""
        child = f", children peak {r['child_peak'] / 1024:.1f} MiB" if r["child_peak"] else ""
        log(f"  {server.name:<7} before {r['before'] / 1024:.1f} MiB, peak {r['peak'] / 1024:.1f} MiB"
            f"{child}{cow}; BGSAVE took {r['seconds']:.2f}s ({r['method']}, {r['samples']} samples)")

    # 4. GET/SET p99 quiet and during back-to-back BGSAVEs.
    bench = ["redis-benchmark", "-h", "127.0.0.1", "-p", None, "-c", args.clients, "-n",
             args.checkpoint_requests, "-r", args.checkpoint_keyspace, "-P", "1", "-t", "set,get",
             "--csv"]
    latency = {}  # (server, "quiet" | "bgsave", TEST) -> [p99 of each valid round]
    bgsaves = {}  # server -> [BGSAVEs completed during each round's run]
    no_bgsave = set()  # servers that rejected BGSAVE (not tried again)
    rounds = args.checkpoint_rounds
    log(f"\nLatency: redis-benchmark -t set,get, quiet and then while BGSAVE runs back to back "
        f"(next one issued as soon as INFO persistence shows rdb_bgsave_in_progress:0, polled "
        f"every 20 ms over one connection); {rounds} round(s), alternating servers")
    for rnd in range(1, rounds + 1):
        for server in servers:
            cmd = list(bench)
            cmd[4] = server.port
            if rnd == 1:
                log(f"$ {quote(cmd)}")
            for phase in ("quiet", "bgsave"):
                label = f"  {rnd}/{rounds} {server.name:<7} {phase:<6}"
                loop = None
                if phase == "bgsave":
                    if server.name in no_bgsave:
                        continue
                    # A probe first, untimed: a server that rejects BGSAVE is skipped.
                    error = probe_bgsave(server)
                    if error:
                        no_bgsave.add(server.name)
                        failures.append(f"{server.name} BGSAVE failed: {error}")
                        log(f"{label} skipped: {error}")
                        continue
                    loop = BgsaveLoop(server)
                    loop.start()
                began = time.monotonic()
                rows, error = benchmark_rows(cmd, args.run_timeout)
                took = time.monotonic() - began
                if loop:
                    loop.stop()
                    bgsaves.setdefault(server.name, []).append(loop.completed)
                server.check_alive()
                if error:
                    failures.append(f"{server.name} redis-benchmark ({phase}): {error}")
                    log(f"{label} FAILED: {error}")
                    continue
                valid = True
                note = ""
                if loop:
                    note = f"; {loop.completed} BGSAVE(s) completed during the run"
                    if loop.durations:
                        note += f" ({statistics.median(loop.durations):.2f}s each, median)"
                    if loop.cow_max is not None:
                        note += f", rdb_last_cow_size up to {loop.cow_max / 2 ** 20:.1f} MiB"
                    if loop.error:
                        note += f"; BGSAVE loop stopped: {loop.error}"
                        failures.append(f"{server.name} BGSAVE failed: {loop.error}")
                    if loop.completed < 1:
                        valid = False
                        note += (" -- INVALID, left out: no BGSAVE completed (raise "
                                 "--checkpoint-requests)")
                if valid:
                    for test, v in rows.items():
                        latency.setdefault((server.name, phase, test), []).append(v["p99"])
                log(f"{label} {took:5.1f}s  " + "  ".join(
                    f"{t} {v['rps']:,.0f} rps p99 {v['p99']:.3f} ms" for t, v in rows.items())
                    + note)
    for server in servers:
        log(f"  {server.name}: DBSIZE now {server.command('DBSIZE', timeout=60).lstrip(':')} "
            "(the SETs added key:<n> keys)")

    # Report.
    def med(values):
        return statistics.median(values) if values else None

    def secs(v):
        return f"{v:.3f}s" if v is not None else "n/a"

    def mib(v):
        return f"{v / 2 ** 20:.1f} MiB" if v is not None else "n/a"

    def ratio(a, b):
        return a / b if a is not None and b else None

    def verdict(value, goal):
        if value is None:
            return "n/a"
        return "PASS" if value <= goal else "FAIL"

    rows = []
    save = {k: med(v) for k, v in save_times.items()}
    r = ratio(save["strata"], save["redis"])
    rows.append((f"SAVE time (median of {reps})", secs(save["redis"]), secs(save["strata"]),
                 f"{r:.2f}" if r else "n/a", "ratio <= 1.0", verdict(r, 1.0)))
    r = ratio(sizes["strata"], sizes["redis"])
    rows.append(("file size (dump.rdb / .strata)", mib(sizes["redis"]), mib(sizes["strata"]),
                 f"{r:.2f}" if r else "n/a", "", "info"))
    restart = {k: med(v) for k, v in restart_times.items()}
    r = ratio(restart["strata"], restart["redis"])
    rows.append((f"restart with restore, to PONG (median of {reps})", secs(restart["redis"]),
                 secs(restart["strata"]), f"{r:.2f}" if r else "n/a", "ratio <= 1.0",
                 verdict(r, 1.0)))
    own = {k: med(v) for k, v in own_times.items()}
    r = ratio(own["strata"], own["redis"])
    rows.append(("  load time from its own log (median)", secs(own["redis"]), secs(own["strata"]),
                 f"{r:.2f}" if r else "n/a", "", "info"))
    for test in ("GET", "SET"):
        quiet = {s.name: med(latency.get((s.name, "quiet", test))) for s in servers}
        during = {s.name: med(latency.get((s.name, "bgsave", test))) for s in servers}

        def ms(v):
            return f"{v:.3f} ms" if v is not None else "n/a"

        rows.append((f"{test} p99, quiet", ms(quiet["redis"]), ms(quiet["strata"]),
                     f"{ratio(quiet['strata'], quiet['redis']):.2f}"
                     if ratio(quiet["strata"], quiet["redis"]) else "n/a", "", "info"))
        rows.append((f"{test} p99, during BGSAVE", ms(during["redis"]), ms(during["strata"]),
                     f"{ratio(during['strata'], during['redis']):.2f}"
                     if ratio(during["strata"], during["redis"]) else "n/a", "", "info"))
        inc = {k: ratio(during[k], quiet[k]) for k in quiet}
        rows.append((f"{test} p99, during / quiet", f"{inc['redis']:.2f}" if inc["redis"] else "n/a",
                     f"{inc['strata']:.2f}" if inc["strata"] else "n/a", "",
                     "strata <= 2.0", verdict(inc["strata"], 2.0)))
    ran = [c for s in ("redis", "strata") for c in bgsaves.get(s, [])]
    rows.append(("BGSAVEs completed during each run",
                 *("/".join(map(str, bgsaves[s])) if s in bgsaves else "n/a"
                   for s in ("redis", "strata")),
                 "", ">= 1 each", "INVALID" if any(c < 1 for c in ran) else
                 "ok" if len(bgsaves) == 2 else "n/a"))
    kib = {k: (v["before"] * 1024, v["peak"] * 1024 if not v["error"] else None)
           for k, v in rss.items()}
    rows.append(("RSS before BGSAVE", mib(kib["redis"][0]), mib(kib["strata"][0]),
                 f"{ratio(kib['strata'][0], kib['redis'][0]):.2f}", "", "info"))
    rows.append(("peak RSS during BGSAVE (server process)", mib(kib["redis"][1]),
                 mib(kib["strata"][1]), "", "", "info"))
    rr = rss["redis"]
    redis_effective = None
    if not rr["error"] and rr["cow"] is not None:
        redis_effective = (rr["before"] * 1024 + int(rr["cow"])) / (rr["before"] * 1024)
    strata_peak = ratio(kib["strata"][1], kib["strata"][0])
    if rss["strata"]["child_peak"] and strata_peak is not None:
        log("note: strata had child processes during BGSAVE; their RSS is not in the ratio")
    rows.append(("peak / before (redis: parent + COW copy)",
                 f"{redis_effective:.2f}" if redis_effective else "n/a",
                 f"{strata_peak:.2f}" if strata_peak else "n/a", "", "strata <= 1.3",
                 verdict(strata_peak, 1.3)))

    header = ("measure", "redis", "strata", "strata/redis", "goal", "result")
    log(f"\nCheckpoint results: {n:,} mixed keys; SET/GET: -c {args.clients} -P 1 "
        f"-n {args.checkpoint_requests:,} -r {args.checkpoint_keyspace:,}, p99 median of "
        f"{rounds} round(s)")
    print_rows(header, rows)
    log(f"ratio = strata / redis, lower is better. PASS/FAIL is informational; it never changes "
        f"the exit status. Redis's fork child (informative): peak RSS "
        f"{mib(rr['child_peak'] * 1024) if rr['child_peak'] else 'n/a'} (VmRSS counts pages "
        f"still shared with the parent), rdb_last_cow_size "
        f"{mib(int(rr['cow'])) if rr['cow'] else 'n/a'}.")
    log(f"checkpoint mode took {time.monotonic() - started:.0f}s")
    failures = list(dict.fromkeys(failures))
    if failures:
        log(f"{len(failures)} step(s) failed:")
        for f in failures:
            log(f"  {f}")
        return 1
    return 0

