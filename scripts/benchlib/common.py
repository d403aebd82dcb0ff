"""Helpers every mode uses: logging, command quoting, ports and table printing."""

import os
import shlex
import socket

# The repository root: scripts/benchlib/ is two levels below it.
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(ROOT, "scripts", "bench")


def log(msg):
    print(msg, flush=True)


def quote(cmd):
    return " ".join(shlex.quote(str(c)) for c in cmd)


def free_port(taken=()):
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in taken:
            return port


def print_rows(header, rows):
    """Prints a table: first column left-aligned, the others right-aligned, a rule under
    the header."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    line = "  ".join(h.rjust(w) if i > 0 else h.ljust(w) for i, (h, w) in
                     enumerate(zip(header, widths)))
    log(line)
    log("-" * len(line))
    for r in rows:
        log("  ".join(c.rjust(w) if i > 0 else c.ljust(w) for i, (c, w) in
                      enumerate(zip(r, widths))))
