"""Benchmarks strata-server side by side with Debian's redis-server.

Throughput mode (default): starts the servers on free loopback ports and runs
redis-benchmark against each in turn (redis, strata, redis, strata, ...) for several
rounds, at each pipeline depth, one test per redis-benchmark run. Prints the median
requests/second and median p99 latency of each server and their ratios. Before every run
the key the test touches is deleted on that server, and the pop tests (lpop, rpop, spop,
zpopmin) get their key preloaded with more elements than the run can pop, so every server
starts every run from the same data and no run measures empty pops.

Baseline (--baseline BINARY, or --baseline-rev REV to build one from a commit in a
temporary git worktree): a second strata-server, started exactly like the one under test,
joins the rotation (redis, strata, baseline, ...) in throughput and bgsave-read modes; the
throughput table adds its columns and the strata/baseline ratio, with its own bar.

Memory mode (--memory): loads N keys (14-byte keys, 32-byte values) into each server
with `redis-cli --pipe` and reports resident memory before and after, per key.

Scale mode (--scale): loads a 1M-element list, a 1M-member sorted set and a 1M-field hash
into each server with `redis-cli --pipe`, reports the resident memory each key added and
MEMORY USAGE of each, then benchmarks LRANGE 0 99, ZRANGEBYSCORE ... LIMIT 0 10 and HGET
(random fields) on those keys in alternating rounds.

Checkpoint mode (--checkpoint): loads 1M keys of mixed types (70% strings, some with
TTLs, 10% hashes, 7% lists, 7% sets, 6% sorted sets; `--gen-checkpoint N` prints the
stream) into each server with `redis-cli --pipe`, then measures, against Redis's RDB:
the client-side wall time of SAVE and the file sizes; restart with restore (SIGTERM, then
the same command on the same directory, timed from spawn until PING answers +PONG, with
-LOADING counting as not ready), plus each server's own load time from its log; peak RSS
during one BGSAVE against the RSS before it (Redis: its parent process plus
rdb_last_cow_size); and the p99 of redis-benchmark SET/GET quiet and while BGSAVEs run back
to back. Each figure is marked PASS/FAIL against the goal of the checkpoint work
(informational, like the bars).

Reads during BGSAVE (--bgsave-read): loads a 100k-field hash and a 100k-member set into
each server, then measures HGET and SISMEMBER on random existing elements (rps, p50, p99,
max) quiet and while BGSAVEs run back to back, and counts the BGSAVEs each run overlapped.
Informational.

Pub/sub (--pubsub): redis-benchmark PUBLISHes a 3-byte message to a channel with 1 and
with 50 subscribers (one helper process holding every subscriber connection, reading and
discarding), alternating servers each round; the same table as throughput mode.

Streams (--streams): `XADD bench-stream * f <10 bytes>` into one stream (emptied before each
run) and `XRANGE bench-stream - + COUNT 10` on what that left, alternating servers; then one
stream of --stream-entries entries (explicit IDs, one 10-byte field) is loaded into each
server with redis-cli --pipe and its memory per entry reported (RSS and used_memory).

Strata is started as scripts/run starts it (conf/strata.toml); the bench overrides only
the port, the directory and the checkpoint schedule (off, as Redis runs with --save ''),
and the thread count only when --strata-threads is given.

Ratios below their bar are marked but do not change the exit status: the script exits
non-zero only when a server fails or a run (or a data load) errors.

Only the Python standard library is used. Every server is always stopped by PID.
"""
