"""Command line: options, mode selection, and starting and stopping the servers."""

import argparse
import shutil
import signal
import sys
import tempfile

from . import __doc__ as OVERVIEW
from .baseline import build_revision
from .bgsave_read import bgsave_read
from .checkpoint import checkpoint, checkpoint_stream
from .common import log
from .loading import load_stream
from .memory import memory, resp_stream
from .pubsub import drain_subscribers, pubsub
from .streams import streams
from .scripting import scripting
from .scale import scale
from .servers import (describe_environment, ensure_tools, locate_server, make_servers,
                      report_threads)
from .throughput import DEFAULT_TESTS, throughput


def parse_args():
    p = argparse.ArgumentParser(prog="scripts/bench", description=OVERVIEW,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3, help="rounds of A/B runs (default 3)")
    p.add_argument("--tests", default=DEFAULT_TESTS,
                   help=f"redis-benchmark tests, comma-separated (default {DEFAULT_TESTS})")
    p.add_argument("--pipelines", default="1,16", help="pipeline depths (default 1,16)")
    p.add_argument("--clients", type=int, default=50, help="connections (default 50)")
    p.add_argument("--requests", type=int, default=150000,
                   help="requests per run without pipelining (default 150000; lrange_100 "
                   "runs a quarter of it)")
    p.add_argument("--pipelined-requests", type=int, default=1000000,
                   help="requests per run with -P > 1 (default 1000000; lrange_100 runs a "
                   "quarter of it)")
    p.add_argument("--bar", type=float, default=1.0,
                   help="throughput ratio strata/redis below which a row is marked "
                   "'below bar' (default 1.0; never changes the exit status)")
    p.add_argument("--keyspace", type=int, default=100000,
                   help="redis-benchmark -r: random keys per test (default 100000; 0 = one key)")
    p.add_argument("--run-timeout", type=int, default=300,
                   help="seconds before one redis-benchmark run is abandoned (default 300)")
    p.add_argument("--memory", action="store_true", help="memory mode instead of throughput")
    p.add_argument("--keys", type=int, default=1000000, help="keys for --memory (default 1M)")
    p.add_argument("--scale", action="store_true",
                   help="scale mode: 1M-element list, sorted set and hash; memory and "
                   "LRANGE 0 99 / ZRANGEBYSCORE LIMIT 0 10 / HGET throughput")
    p.add_argument("--scale-size", type=int, default=1000000,
                   help="elements per key for --scale (default 1M)")
    p.add_argument("--scale-pipelines", default="1,16",
                   help="pipeline depths for --scale (default 1,16)")
    p.add_argument("--scale-requests", type=int, default=100000,
                   help="requests per --scale run without pipelining (default 100000)")
    p.add_argument("--scale-pipelined-requests", type=int, default=500000,
                   help="requests per --scale run with -P > 1 (default 500000)")
    p.add_argument("--scale-bar", type=float, default=0.8,
                   help="--scale throughput bar, strata/redis (default 0.8)")
    p.add_argument("--scale-memory-bar", type=float, default=1.2,
                   help="--scale memory bar, strata/redis RSS growth (default 1.2)")
    p.add_argument("--checkpoint", action="store_true",
                   help="checkpoint mode: 1M mixed keys; SAVE time, restart-with-restore time, "
                   "GET/SET p99 during BGSAVE and peak RSS during BGSAVE")
    p.add_argument("--checkpoint-keys", type=int, default=1000000,
                   help="keys for --checkpoint (default 1M: 70%% strings, 10%% hashes, 7%% "
                   "lists, 7%% sets, 6%% sorted sets)")
    p.add_argument("--checkpoint-repeats", type=int, default=3,
                   help="SAVEs and restarts per server for --checkpoint (default 3; median)")
    p.add_argument("--checkpoint-requests", type=int, default=500000,
                   help="redis-benchmark -n per test (set, get) for the --checkpoint latency "
                   "runs (default 500000: long enough for several BGSAVEs of 1M keys)")
    p.add_argument("--checkpoint-rounds", type=int, default=1,
                   help="quiet + during-BGSAVE latency runs per server for --checkpoint "
                   "(default 1; p99 is the median over rounds)")
    p.add_argument("--checkpoint-keyspace", type=int, default=100000,
                   help="redis-benchmark -r for the --checkpoint latency runs (default 100000; "
                   "the SETs add up to this many key:<n> keys to the dataset)")
    p.add_argument("--bgsave-read", action="store_true",
                   help="reads during BGSAVE: HGET on a big hash and SISMEMBER on a big set, "
                   "quiet and while BGSAVEs run back to back")
    p.add_argument("--bgsave-read-size", type=int, default=100000,
                   help="fields in the hash and members in the set for --bgsave-read "
                   "(default 100000; also redis-benchmark -r)")
    p.add_argument("--bgsave-read-requests", type=int, default=200000,
                   help="redis-benchmark -n per --bgsave-read run (default 200000)")
    p.add_argument("--bgsave-read-rounds", type=int, default=3,
                   help="quiet + during-BGSAVE runs per read and server for --bgsave-read "
                   "(default 3; medians)")
    p.add_argument("--pubsub", action="store_true",
                   help="pub/sub mode: PUBLISH to 1 and to 50 subscribers")
    p.add_argument("--drain-subscribers", metavar="PORT:N:CHANNEL", help=argparse.SUPPRESS)
    p.add_argument("--scripts", action="store_true",
                   help="scripting mode: EVALSHA of a one-call and of a ten-call script")
    p.add_argument("--streams", action="store_true",
                   help="streams mode: XADD and XRANGE ... COUNT 10 on one stream, then the "
                   "memory of a stream of --stream-entries one-field entries")
    p.add_argument("--stream-entries", type=int, default=1000000,
                   help="entries in the --streams memory measurement (default 1000000)")
    p.add_argument("--server", help="strata-server binary (default build/strata-server)")
    p.add_argument("--rebuild", action="store_true", help="build strata-server first")
    p.add_argument("--strata-threads", type=int,
                   help="strata-server --threads for strata and the baseline (default: not "
                   "passed, so conf/strata.toml's server.threads applies, as with scripts/run)")
    p.add_argument("--baseline", metavar="BINARY",
                   help="a second strata-server (e.g. the previous commit's) started like the "
                   "one under test and run in the same rotation (throughput, --bgsave-read)")
    p.add_argument("--baseline-rev", metavar="REV",
                   help="build strata-server from git revision REV (Release, in a temporary "
                   "worktree, removed afterwards) and use it as --baseline")
    p.add_argument("--baseline-bar", type=float, default=0.97,
                   help="throughput ratio strata/baseline below which a row is marked "
                   "'below bar' (default 0.97; never changes the exit status)")
    p.add_argument("--strata-arg", action="append", default=[],
                   help="extra strata-server arguments (repeatable), e.g. "
                   "--strata-arg='--set server.timeout=0'")
    p.add_argument("--gen-resp", type=int, metavar="N",
                   help="write the --memory load stream (N SET commands) to stdout and exit")
    p.add_argument("--gen-checkpoint", type=int, metavar="N",
                   help="write the --checkpoint load stream (N mixed keys) to stdout and exit")
    p.add_argument("--gen-load", metavar="KIND:KEY:N",
                   help="write a load stream (KIND list, set, zset or hash; N elements "
                   "into KEY) to stdout and exit")
    args = p.parse_args()
    if args.rounds < 1 or args.keys < 1 or args.clients < 1 or args.scale_size < 1:
        p.error("--rounds, --keys, --clients and --scale-size must be positive")
    if sum((args.memory, args.scale, args.checkpoint, args.bgsave_read, args.pubsub,
            args.scripts, args.streams)) > 1:
        p.error("--memory, --scale, --checkpoint, --bgsave-read, --pubsub, --scripts and "
                "--streams are separate modes; pick one")
    if args.baseline and args.baseline_rev:
        p.error("--baseline and --baseline-rev both name the baseline; pick one")
    if (args.baseline or args.baseline_rev) and (args.memory or args.scale or args.checkpoint):
        p.error("a baseline runs in throughput and --bgsave-read modes only")
    if (args.bgsave_read_size < 1 or args.bgsave_read_requests < 1
            or args.bgsave_read_rounds < 1):
        p.error("--bgsave-read-size, -requests and -rounds must be positive")
    if (args.checkpoint_keys < 1 or args.checkpoint_repeats < 1 or args.checkpoint_requests < 1
            or args.checkpoint_keyspace < 1 or args.checkpoint_rounds < 1):
        p.error("--checkpoint-keys, -repeats, -requests, -rounds and -keyspace must be positive")
    if args.gen_load is not None:
        parts = args.gen_load.split(":")
        if (len(parts) != 3 or parts[0] not in ("list", "set", "zset", "hash")
                or not parts[2].isdigit()):
            p.error("--gen-load takes KIND:KEY:N, KIND one of list, set, zset, hash")
        args.gen_load = (parts[0], parts[1], int(parts[2]))
    return args


def main():
    args = parse_args()
    if args.gen_resp is not None:
        resp_stream(args.gen_resp, sys.stdout.buffer)
        return 0
    if args.gen_load is not None:
        load_stream(*args.gen_load, sys.stdout.buffer)
        return 0
    if args.gen_checkpoint is not None:
        checkpoint_stream(args.gen_checkpoint, sys.stdout.buffer)
        return 0
    if args.drain_subscribers is not None:
        port, count, channel = args.drain_subscribers.split(":", 2)
        drain_subscribers(int(port), int(count), channel)
        return 0
    ensure_tools()

    # SIGTERM/SIGHUP become exceptions so the finally block below stops every server.
    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    workdir = tempfile.mkdtemp(prefix="strata-bench-")
    servers = []
    try:
        if args.baseline_rev:
            args.baseline = build_revision(args.baseline_rev, workdir)
        locate_server(args)
        describe_environment(args)
        servers = make_servers(args, workdir)
        for server in servers:
            server.start()
        report_threads(args, servers)
        if args.memory:
            return memory(args, servers, workdir)
        if args.scale:
            return scale(args, servers, workdir)
        if args.checkpoint:
            return checkpoint(args, servers, workdir)
        if args.bgsave_read:
            return bgsave_read(args, servers, workdir)
        if args.pubsub:
            return pubsub(args, servers, workdir)
        if args.scripts:
            return scripting(args, servers, workdir)
        if args.streams:
            return streams(args, servers, workdir)
        return throughput(args, servers, workdir)
    except (RuntimeError, OSError) as e:
        log(f"error: {e}")
        for server in servers:
            if server.proc is not None and server.proc.poll() is not None:
                log(f"{server.name} exited with status {server.proc.returncode}:\n"
                    f"{server.log_tail()}")
        return 1
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
