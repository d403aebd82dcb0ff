"""Memory mode: resident memory per key after loading N small strings."""

import os
import subprocess
import time

from .common import BENCH, log, quote

KEY_LEN = 14
VALUE_LEN = 32

def resp_stream(count, out):
    """Writes `count` RESP SET commands: 14-byte keys, 32-byte values."""
    prefix = b"*3\r\n$3\r\nSET\r\n$%d\r\n" % KEY_LEN
    middle = b"\r\n$%d\r\n" % VALUE_LEN
    chunk = []
    for i in range(count):
        key = b"key:%010d" % i  # 4 + 10 = 14 bytes
        value = b"val:%028d" % i  # 4 + 28 = 32 bytes
        chunk.append(prefix + key + middle + value + b"\r\n")
        if len(chunk) == 10000:
            out.write(b"".join(chunk))
            chunk.clear()
    out.write(b"".join(chunk))
    out.flush()


def memory(args, servers, workdir):
    load_file = os.path.join(workdir, "load.resp")
    with open(load_file, "wb") as f:
        resp_stream(args.keys, f)
    log(f"generated {args.keys:,} SET commands ({KEY_LEN}-byte keys, {VALUE_LEN}-byte values); "
        f"the same stream is `{quote([BENCH, '--gen-resp', args.keys])}`")
    report = {}
    for server in servers:
        time.sleep(0.5)
        before = server.rss_kib()
        cmd = ["redis-cli", "-h", "127.0.0.1", "-p", server.port, "--pipe"]
        log(f"$ {quote([BENCH, '--gen-resp', args.keys])} | "
            f"{quote(cmd)}")
        started = time.monotonic()
        with open(load_file, "rb") as f:
            done = subprocess.run([str(c) for c in cmd], stdin=f, capture_output=True,
                                  text=True)
        took = time.monotonic() - started
        summary = [l for l in done.stdout.splitlines() if "errors:" in l]
        log(f"  {server.name}: {summary[-1].strip() if summary else done.stdout.strip()} "
            f"({took:.1f}s)")
        if done.returncode != 0:
            log(f"  {server.name}: redis-cli --pipe failed (status {done.returncode}): "
                f"{done.stderr.strip()}")
        time.sleep(1.0)  # let the allocator settle before reading RSS
        after = server.rss_kib()
        dbsize = server.command("DBSIZE")
        report[server.name] = (before, after, dbsize)

    log(f"\nMemory: {args.keys:,} keys, {KEY_LEN}-byte keys, {VALUE_LEN}-byte values "
        "(RSS from /proc/PID/status VmRSS)")
    header = ("server", "RSS before", "RSS after", "bytes/key", "DBSIZE")
    rows = []
    per_key = {}
    for name, (before, after, dbsize) in report.items():
        per_key[name] = (after - before) * 1024 / args.keys
        rows.append((name, f"{before / 1024:.1f} MiB", f"{after / 1024:.1f} MiB",
                     f"{per_key[name]:.1f}", dbsize[1:] if dbsize.startswith(":") else "n/a"))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    log("  ".join(h.rjust(w) for h, w in zip(header, widths)))
    for r in rows:
        log("  ".join(c.rjust(w) for c, w in zip(r, widths)))
    if per_key.get("redis"):
        log(f"bytes/key ratio strata/redis: {per_key['strata'] / per_key['redis']:.2f} "
            "(lower is better)")
    return 0

