// Seeded random command stream for the differential test (strata-server vs redis-server).
//
// The generator produces string, key, TTL, list, hash, set, sorted-set, stream and
// transaction commands in valid and invalid forms over one small key space shared by all
// types, so that commands interact (and WRONGTYPE paths are exercised). Everything it emits is
// chosen so that a correct server's reply is a pure function of the command history, with
// documented exceptions the comparator handles: TTL-style integer replies (tolerance),
// enumerations whose order is a hash-table detail (order-free), and the idle times and
// radix-tree size in stream replies (masked). See CompareMode.
//
// Collection sizes stay bounded by drawing members/fields from small fixed pools (at most a
// few dozen distinct ones, every one at most 64 bytes), so hashes and sorted sets stay
// listpack-encoded in Redis (insertion / score order, deterministic) and SPOP/SRANDMEMBER/
// HRANDFIELD/ZRANDMEMBER with a count above the pool size return the whole collection.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace strata::test {

// How the replies of the two servers to one command are compared.
enum class CompareMode {
  kExact,           // type and content identical
  kUnordered,       // arrays compared as multisets (KEYS: order is an implementation detail)
  kTtlSeconds,      // TTL/EXPIRETIME: non-negative integers may differ by <= 1 (s)
  kTtlMillis,       // PTTL/PEXPIRETIME: non-negative integers may differ by <= 1000 (ms)
  kScanIteration,   // args are "SCAN 0 ..."; drive the full cursor loop, compare key sets
  kUnorderedPairs,  // arrays of (field, value) pairs compared as multisets of pairs
  kElementScan,     // args are "[SHZ]SCAN key 0 ..."; drive the cursor loop, compare the sets
                    // of elements (HSCAN/ZSCAN: of pairs)
  kStreamInfo,      // XINFO STREAM / CONSUMERS: exact, except the values that are clock
                    // readings (idle, seen-time, the delivery times of pending entries) and
                    // radix-tree-nodes (the size of Redis's radix tree, an implementation
                    // detail), which are masked in both replies first
  kPendingIdle,     // XPENDING's extended form: exact, except each entry's idle time
};

struct GeneratedCommand {
  std::vector<std::string> args;
  CompareMode mode = CompareMode::kExact;
  // Coverage bucket, e.g. "SET", "OBJECT ENCODING", "arity:GET", "unknown".
  std::string label;
};

struct GeneratorOptions {
  // Multiplies the weights of the stream builders: 1 mixes streams in with everything else;
  // a stream-centred run raises it so that most commands are stream commands.
  double stream_weight = 1;
  // Also emit CONFIG SET stream-node-max-entries / stream-node-max-bytes now and then: small
  // nodes make node boundaries visible (approximate trimming, XINFO's radix-tree-keys).
  bool stream_node_config = false;
};

class CommandGenerator {
 public:
  explicit CommandGenerator(std::uint64_t seed, GeneratorOptions options = {});
  // The builder table captures `this`.
  CommandGenerator(const CommandGenerator&) = delete;
  CommandGenerator& operator=(const CommandGenerator&) = delete;

  GeneratedCommand Next();
  // One command that is complete by itself (no MULTI/WATCH sequence follows it) and whose
  // replies compare exactly. Follow-ups its builder would queue are dropped: callers run
  // nothing after it.
  GeneratedCommand NextSingle() {
    GeneratedCommand c = InMulti();
    after_exec_.clear();
    return c;
  }

  // The key space the generator draws from (shared with the final-state check).
  static const std::vector<std::string>& Keys();
  // Whether `name` (any case) is a stream command, for the per-run stream-command counts.
  static bool IsStreamCommand(const std::string& name);
  // Whether the consumer-group commands (XGROUP XREADGROUP XACK XPENDING XCLAIM XAUTOCLAIM
  // XINFO) are generated: on unless STRATA_DIFF_STREAM_GROUPS=0, for a server that lacks them.
  static bool StreamGroupCommands();

 private:
  // --- building blocks ---
  std::uint64_t Uniform(std::uint64_t lo, std::uint64_t hi);  // inclusive
  std::int64_t UniformSigned(std::int64_t lo, std::int64_t hi);
  bool Chance(double p);
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Uniform(0, v.size() - 1)];
  }

  std::string Key();
  std::string Value();
  std::string IntegerString();
  std::string FloatString();
  std::string RandomBytes(std::size_t len, bool binary);
  std::string DbIndex();
  std::string Casing(const std::string& word);  // random upper/lower/mixed case
  std::string SmallIndex();                     // GETRANGE-style offsets

  // Expiry values. Relative ones are unique and far apart (see .cc), absolute ones fixed.
  std::string RelativeSeconds();
  std::string RelativeMillis();
  std::string AbsoluteSeconds();
  std::string AbsoluteMillis();
  std::int64_t FreshRelativeSeconds();

  // --- one builder per command family ---
  GeneratedCommand Set();
  GeneratedCommand GetEx();
  GeneratedCommand Expire(const std::string& name, bool millis, bool absolute);
  GeneratedCommand Ttl(const std::string& name, CompareMode mode);
  GeneratedCommand SetExLike(const std::string& name, bool millis);
  GeneratedCommand IncrLike(const std::string& name);
  GeneratedCommand MultiKey(const std::string& name, std::size_t max_keys);
  GeneratedCommand MSet(const std::string& name);
  GeneratedCommand Range(const std::string& name);
  GeneratedCommand SetRange();
  GeneratedCommand Lcs();
  GeneratedCommand Copy();
  GeneratedCommand Move();
  GeneratedCommand Select();
  GeneratedCommand SwapDb();
  GeneratedCommand Flush(const std::string& name);
  GeneratedCommand KeysCmd();
  GeneratedCommand Scan();
  GeneratedCommand ObjectCmd();
  GeneratedCommand WrongArity();
  GeneratedCommand Unknown();

  // --- collections (command_generator_collections.cc) ---
  std::string FamilyKey(char family);  // 'l' list, 'h' hash, 's' set, 'z' sorted set, 'x' stream
  std::string ListElement();
  std::string HashField();
  std::string HashValue();
  std::string SetMember();
  std::string ZMember();
  std::string Score();           // ZADD scores: integers, decimals, inf, some invalid
  std::string ScoreBound();      // ZRANGEBYSCORE bounds: "(" exclusive, inf, invalid
  std::string LexBound();        // ZRANGEBYLEX bounds: "[a", "(a", "-", "+", invalid
  std::string Count();           // LPOP/ZPOPMIN-style counts incl. 0, negative, non-integer
  std::string NumKeys(std::size_t actual);  // LMPOP/ZMPOP/SINTERCARD numkeys, sometimes wrong
  GeneratedCommand Push(const std::string& name);
  GeneratedCommand Pop(const std::string& name);
  GeneratedCommand LInsert();
  GeneratedCommand LPos();
  GeneratedCommand LMove();
  GeneratedCommand LMPop();
  GeneratedCommand HSet(const std::string& name);
  GeneratedCommand HFieldsCmd(const std::string& name);  // HMGET/HDEL key f [f ...]
  GeneratedCommand HIncr(const std::string& name);
  GeneratedCommand HRandField();
  GeneratedCommand ElementScan(const std::string& name);
  GeneratedCommand SMembersCmd(const std::string& name);  // SADD/SREM/SMISMEMBER key m ...
  GeneratedCommand SetAlgebra(const std::string& name);   // SINTER/SUNION/SDIFF[STORE]
  GeneratedCommand SInterCard();
  GeneratedCommand SPopRandom(const std::string& name);
  GeneratedCommand ZAdd();
  GeneratedCommand ZRangeGeneric();
  GeneratedCommand ZRangeStore();
  GeneratedCommand ZRangeByScore(const std::string& name);
  GeneratedCommand ZRangeByLex(const std::string& name);
  GeneratedCommand ZPop(const std::string& name);
  GeneratedCommand ZMPop();
  GeneratedCommand ZRemRange(const std::string& name);
  GeneratedCommand ZRandMember();
  GeneratedCommand ZSetAlgebra(const std::string& name);  // disabled until registered
  GeneratedCommand Transaction();
  GeneratedCommand Watch();
  GeneratedCommand WriteTo(const std::string& key);  // a command that modifies `key`
  GeneratedCommand InMulti();  // one command from a builder usable inside MULTI (exact mode)

  // --- streams (command_generator_streams.cc) ---
  // Entry IDs come from a generator-wide clock that only moves forward, so explicit IDs
  // handed to XADD are mostly accepted on every stream (see the .cc).
  std::string NewStreamId();     // a fresh "<ms>-<seq>" above every earlier one
  std::string XAddId();          // XADD's ID argument: fresh, "<ms>", "<ms>-*", stale, invalid
  std::string RecentStreamId();  // an ID handed out lately (or a few fixed/invalid ones)
  std::string StreamRangeBound(bool start);  // XRANGE bounds: "-", "+", "(" exclusive, IDs
  std::string StreamGroupName();
  std::string StreamConsumerName();
  std::vector<std::string> StreamFieldValues();                  // XADD's field/value pairs
  std::vector<std::string> StreamTrimArgs(bool may_be_invalid);  // MAXLEN|MINID [=|~] n [LIMIT]
  GeneratedCommand XAdd();
  GeneratedCommand XTrim();
  GeneratedCommand XDel();
  GeneratedCommand XRangeCmd(const std::string& name);  // XRANGE / XREVRANGE
  GeneratedCommand XSetId();
  GeneratedCommand XRead();
  GeneratedCommand XReadGroup();
  GeneratedCommand XGroup();
  GeneratedCommand XAck();
  GeneratedCommand XPending();
  GeneratedCommand XClaim();
  GeneratedCommand XAutoClaim();
  GeneratedCommand XInfo();
  GeneratedCommand StreamWrongArity();
  GeneratedCommand StreamEdges();       // ID exhaustion sequences on a scratch stream
  GeneratedCommand StreamNodeConfig();  // CONFIG SET stream-node-max-*

  struct Entry {
    double weight;  // relative frequency
    std::function<GeneratedCommand()> build;
    // False for builders that queue follow-up commands in pending_ themselves (MULTI,
    // WATCH, scratch-key sequences): those cannot be nested inside a transaction.
    bool in_multi = true;
  };
  void BuildTable();
  void AddCollectionBuilders();
  void AddStreamBuilders();

  std::vector<Entry> table_;
  std::deque<GeneratedCommand> pending_;  // emitted before drawing a new command
  // Follow-ups of commands InMulti built for a transaction: they go after its EXEC.
  std::vector<GeneratedCommand> after_exec_;
  double total_weight_ = 0;
  std::mt19937_64 rng_;
  std::set<std::int64_t> used_relative_;  // seconds already handed out as relative expiries
  GeneratorOptions options_;
  // The stream ID clock (see NewStreamId) and the IDs handed out lately, oldest first.
  std::uint64_t stream_ms_ = 0;
  std::uint64_t stream_seq_ = 0;
  std::deque<std::string> recent_stream_ids_;
};

}  // namespace strata::test
