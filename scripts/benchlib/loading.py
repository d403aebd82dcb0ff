"""Data loading shared by the modes: generated RESP streams piped into a server with
`redis-cli --pipe`."""

import os
import subprocess
import time

from .common import BENCH, log, quote

LOAD_BATCH = 1000  # elements per variadic command in a generated load stream


def load_stream(kind, key, count, out):
    """Writes RESP commands that create `key` with `count` elements, LOAD_BATCH per command.

    list: RPUSH key element:<i>         set:  SADD key element:<i>
    zset: ZADD key <i> element:<i>      hash: HSET key field:<i> value:<i>
    <i> is zero-padded to 12 digits, as redis-benchmark expands __rand_int__, so a
    benchmark with -r COUNT and field:__rand_int__ always names an existing field.
    """
    verb = {"list": b"RPUSH", "set": b"SADD", "zset": b"ZADD", "hash": b"HSET"}[kind]
    key = key.encode()
    per_element = 2 if kind in ("zset", "hash") else 1
    for start in range(0, count, LOAD_BATCH):
        end = min(count, start + LOAD_BATCH)
        parts = [b"*%d\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" %
                 (2 + per_element * (end - start), len(verb), verb, len(key), key)]
        for i in range(start, end):
            if kind == "zset":
                score = b"%d" % i
                parts.append(b"$%d\r\n%s\r\n$20\r\nelement:%012d\r\n" % (len(score), score, i))
            elif kind == "hash":
                parts.append(b"$18\r\nfield:%012d\r\n$18\r\nvalue:%012d\r\n" % (i, i))
            else:
                parts.append(b"$20\r\nelement:%012d\r\n" % i)
        out.write(b"".join(parts))
    out.flush()


def gen_load_command(kind, key, count):
    return f"{BENCH} --gen-load {kind}:{key}:{count}"


class Loader:
    """Generates load streams once (cached as files in the work directory) and pipes them
    into a server with `redis-cli --pipe`."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.files = {}
        self.shown = set()

    def path(self, kind, key, count):
        spec = (kind, key, count)
        if spec not in self.files:
            path = os.path.join(self.workdir, f"load-{kind}-{key}-{count}.resp")
            with open(path, "wb") as f:
                load_stream(kind, key, count, f)
            self.files[spec] = path
        return self.files[spec]

    def load(self, server, kind, key, count, timeout=600):
        """Returns (error or None, seconds)."""
        path = self.path(kind, key, count)
        cmd = ["redis-cli", "-h", "127.0.0.1", "-p", server.port, "--pipe"]
        shape = (server.name, kind, key, count)
        if shape not in self.shown:
            log(f"$ {gen_load_command(kind, key, count)} | {quote(cmd)}")
            self.shown.add(shape)
        started = time.monotonic()
        try:
            with open(path, "rb") as f:
                done = subprocess.run([str(c) for c in cmd], stdin=f, capture_output=True,
                                      text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return f"loading {key} timed out after {timeout}s", time.monotonic() - started
        took = time.monotonic() - started
        if done.returncode != 0:
            errors = [l.strip() for l in done.stderr.splitlines() if l.strip()]
            summary = [l.strip() for l in done.stdout.splitlines() if "errors:" in l]
            detail = errors[0] if errors else f"redis-cli --pipe exit status {done.returncode}"
            detail = detail if len(detail) <= 100 else detail[:97] + "..."
            if summary:
                detail += f" ({summary[-1]})"
            return f"loading {key}: {detail}", took
        return None, took

    def load_counted(self, server, kind, key, count, count_cmd):
        """load(), then checks that `count_cmd key` (LLEN, HLEN, ...) answers `count`, so a
        load the server half-refused is not benchmarked. Returns (error or None, seconds)."""
        error, took = self.load(server, kind, key, count)
        server.check_alive()
        if error is None:
            size = server.command(count_cmd, key, timeout=60)
            if size != f":{count}":
                error = f"{count_cmd} {key} answered {size!r}, expected :{count}"
        return error, took
