"""Running redis-benchmark and reading its --csv output."""

import csv
import io
import subprocess


def redis_benchmark(cmd, timeout):
    """Runs redis-benchmark --csv once. Returns (rows, error or None): rows is a list of
    {"test", "rps", "p50", "p99", "max"}, one per test in its output order."""
    try:
        done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return [], f"timed out after {timeout}s"
    rows = list(csv.reader(io.StringIO(done.stdout)))
    header = rows[0] if rows and rows[0] and rows[0][0] == "test" else None
    rows = [dict(zip(header, r)) for r in rows[1:] if r] if header else []
    if done.returncode != 0 or not rows:
        errors = [l for l in done.stderr.splitlines() if not l.startswith("WARNING")]
        error = errors[-1].strip() if errors else f"exit status {done.returncode}"
        return [], error if len(error) <= 120 else error[:117] + "..."
    return [{"test": r["test"], "rps": float(r["rps"]), "p50": float(r["p50_latency_ms"]),
             "p99": float(r["p99_latency_ms"]), "max": float(r["max_latency_ms"])}
            for r in rows], None


def run_benchmark(server, pipeline, requests, args, test=None, command=None, random_range=None):
    """Runs redis-benchmark once: `-t test`, or a custom command (a list of arguments).
    Returns (command line, one result row or None, error or None)."""
    cmd = [
        "redis-benchmark", "-h", "127.0.0.1", "-p", server.port, "-c", args.clients, "-n",
        requests, "-P", pipeline, "--csv"
    ]
    random_range = args.keyspace if random_range is None else random_range
    if random_range > 0:
        cmd += ["-r", random_range]
    cmd += ["-t", test] if command is None else list(command)
    rows, error = redis_benchmark(cmd, args.run_timeout)
    if error:
        return cmd, None, error
    # -t lrange_100 reports its LPUSH fill phase first; take the row named after the test.
    if command is None:
        named = [r for r in rows if r["test"].split()[0].lower() == test.lower()]
        rows = named or rows[-1:]
    return cmd, rows[0], None


def benchmark_rows(cmd, timeout):
    """Runs redis-benchmark --csv; returns ({TEST: row}, error or None)."""
    rows, error = redis_benchmark(cmd, timeout)
    return {r["test"].upper(): r for r in rows}, error
