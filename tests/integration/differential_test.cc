// Differential test: the same seeded random stream of string, key, TTL, list, hash, set,
// sorted-set, stream and transaction commands goes to a real redis-server and to
// strata-server, and every reply is compared (type and content).
//
// A second stream runs the same kind of commands from Lua scripts (EVAL and EVALSHA of a
// script that calls each with redis.pcall and returns every reply), so replies crossing
// the Lua conversions both ways are compared as well: STRATA_DIFF_SCRIPTS (default 20000).
// A third one centres on streams (their builders weighted up, CONFIG SET of the stream node
// sizes now and then) and runs until STRATA_DIFF_STREAM_COMMANDS (default 25000) stream
// commands were sent; every test prints how many stream commands it sent.
//
// Reproduce a run:   STRATA_DIFF_SEED=<seed> ./strata_integration_tests
//                        --gtest_filter='Differential*'
// Other knobs:       STRATA_DIFF_COMMANDS (default 100000), STRATA_DIFF_SHOW (mismatches
//                    listed in the failure message, default 20), STRATA_DIFF_SELFCHECK=1
//                    (redis-server against a second redis-server: must give 0 mismatches),
//                    STRATA_DIFF_DUMP=<file> (log every command with both replies).
//
// Replies are read with a small RESP2 reader that keeps each reply's bytes. Comparison
// rules (see CompareMode in command_generator.h): byte-for-byte identical, except
//  * KEYS, SMEMBERS, SINTER/SUNION/SDIFF, SPOP/SRANDMEMBER/HRANDFIELD/ZRANDMEMBER with a
//    count covering the whole collection: the array is compared as a multiset (order is
//    hash-table or random order); with WITHVALUES/WITHSCORES as a multiset of pairs;
//  * SCAN, SSCAN, HSCAN, ZSCAN: a full cursor iteration is driven on each server and the
//    sets of returned keys / elements / (field, value) pairs are compared (cursors and page
//    boundaries are implementation details);
//  * XINFO STREAM / CONSUMERS and XPENDING's extended form: exact once the values that are
//    clock readings (idle times, seen-time, delivery times) and XINFO's radix-tree-nodes
//    are masked in both replies;
//  * TTL/EXPIRETIME: two non-negative integer replies may differ by <= 1;
//    PTTL/PEXPIRETIME: two non-negative integer replies may differ by <= 1000. The two
//    servers execute a command a few milliseconds apart, and a key set with a relative
//    expiry has a deadline of "now + n" on each. Negative replies (-1, -2) and every other
//    reply type must match exactly.
// The final state of every database is compared too: per key its TYPE, OBJECT ENCODING,
// contents (GET / LRANGE / HGETALL / SMEMBERS as a set / ZRANGE WITHSCORES / XRANGE and
// XINFO STREAM FULL) and PTTL.
// Excluded on purpose: RANDOMKEY (returns a random key), random forms of SPOP/SRANDMEMBER/
// HRANDFIELD/ZRANDMEMBER (see command_generator_collections.cc), OBJECT IDLETIME/FREQ/REFCOUNT
// (clock / eviction-policy / allocator details), relative expiries short enough to fire
// during the run (which of the two servers sees the key expire would be timing-dependent).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "command_generator.h"
#include "differential_client.h"
#include "harness.h"

namespace strata::test {
namespace {

constexpr std::uint64_t kDefaultSeed = 0x5EED2024ULL;
constexpr std::size_t kDefaultCommands = 100000;
constexpr std::size_t kBatch = 100;
constexpr std::size_t kMaxScanRounds = 100000;


// Runs "SCAN <cursor> ..." until the cursor returns to 0 and folds the pages into one
// synthetic reply: a sorted array of the distinct keys seen. Any reply that is not a
// well-formed page is returned as is, so it gets compared exactly.
WireReply IterateScan(RespClient& c, std::vector<std::string> args) {
  std::set<std::string> keys;
  std::string cursor = "0";
  for (std::size_t round = 0; round < kMaxScanRounds; ++round) {
    args[1] = cursor;
    WireReply w = c.Cmd(args);
    const Reply& r = w.decoded;
    if (w.lost || r.type != REDIS_REPLY_ARRAY || r.elements.size() != 2 ||
        r.elements[0].type != REDIS_REPLY_STRING || r.elements[1].type != REDIS_REPLY_ARRAY) {
      return w;
    }
    for (const Reply& k : r.elements[1].elements) keys.insert(k.str);
    cursor = r.elements[0].str;
    if (cursor == "0") break;
  }
  WireReply out;
  out.decoded.type = REDIS_REPLY_ARRAY;
  for (const auto& k : keys) {
    Reply e;
    e.type = REDIS_REPLY_STRING;
    e.str = k;
    out.decoded.elements.push_back(e);
  }
  if (cursor != "0") {
    out.decoded.type = REDIS_REPLY_ERROR;
    out.decoded.str = "<scan did not terminate>";
  }
  return out;
}

bool IsCommand(const std::string& arg, const char* name) {
  std::string lower;
  for (char ch : arg) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return lower == name;
}

// Runs "SSCAN|HSCAN|ZSCAN key <cursor> ..." until the cursor returns to 0 and folds the pages
// into one synthetic reply: the sorted distinct elements (HSCAN/ZSCAN: sorted distinct
// (field, value) pairs, flattened). Any reply that is not a well-formed page is returned as
// is, so it gets compared exactly.
WireReply IterateElementScan(RespClient& c, std::vector<std::string> args) {
  const bool pairs = !IsCommand(args[0], "sscan");
  std::set<std::pair<std::string, std::string>> seen;
  std::string cursor = "0";
  for (std::size_t round = 0; round < kMaxScanRounds; ++round) {
    args[2] = cursor;
    WireReply w = c.Cmd(args);
    const Reply& r = w.decoded;
    if (w.lost || r.type != REDIS_REPLY_ARRAY || r.elements.size() != 2 ||
        r.elements[0].type != REDIS_REPLY_STRING || r.elements[1].type != REDIS_REPLY_ARRAY ||
        (pairs && r.elements[1].elements.size() % 2 != 0)) {
      return w;
    }
    const auto& els = r.elements[1].elements;
    for (std::size_t i = 0; i < els.size(); i += pairs ? 2 : 1) {
      seen.insert({els[i].str, pairs ? els[i + 1].str : std::string()});
    }
    cursor = r.elements[0].str;
    if (cursor == "0") break;
  }
  WireReply out;
  out.decoded.type = REDIS_REPLY_ARRAY;
  auto add = [&out](const std::string& s) {
    Reply e;
    e.type = REDIS_REPLY_STRING;
    e.str = s;
    out.decoded.elements.push_back(e);
  };
  for (const auto& [k, v] : seen) {
    add(k);
    if (pairs) add(v);
  }
  if (cursor != "0") {
    out.decoded.type = REDIS_REPLY_ERROR;
    out.decoded.str = "<scan did not terminate>";
  }
  return out;
}

bool IsIteration(CompareMode m) {
  return m == CompareMode::kScanIteration || m == CompareMode::kElementScan;
}

struct Mismatch {
  std::size_t index;
  std::string label;
  std::string command;
  std::string redis;
  std::string strata;
};

class DifferentialRun {
 public:
  DifferentialRun(RespClient& redis, RespClient& strata) : redis_(redis), strata_(strata) {}

  // Sends cmds[begin, end) pipelined to both servers. Returns false on a lost connection.
  bool RunBatch(const std::vector<GeneratedCommand>& cmds, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) redis_.Append(cmds[i].args);
    for (std::size_t i = begin; i < end; ++i) strata_.Append(cmds[i].args);
    // Both batches go out before either is read, so both servers run them at about the
    // same time (this keeps the TTL tolerance small).
    redis_.Flush();
    strata_.Flush();
    std::vector<WireReply> from_redis;
    for (std::size_t i = begin; i < end; ++i) from_redis.push_back(redis_.Read());
    for (std::size_t i = begin; i < end; ++i) {
      WireReply s = strata_.Read();
      if (!Check(i, cmds[i], from_redis[i - begin], s)) return false;
    }
    return true;
  }

  bool RunScan(std::size_t index, const GeneratedCommand& cmd) {
    if (cmd.mode == CompareMode::kElementScan) {
      return Check(index, cmd, IterateElementScan(redis_, cmd.args),
                   IterateElementScan(strata_, cmd.args));
    }
    return Check(index, cmd, IterateScan(redis_, cmd.args), IterateScan(strata_, cmd.args));
  }

  // Compares the final contents of databases 0..15 (keys, values, remaining TTLs).
  bool CheckFinalState() {
    for (int db = 0; db < 16; ++db) {
      std::string d = std::to_string(db);
      GeneratedCommand select{{"SELECT", d}, CompareMode::kExact, "final:SELECT"};
      if (!Check(kFinal, select, redis_.Cmd(select.args), strata_.Cmd(select.args))) return false;
      GeneratedCommand keys{{"KEYS", "*"}, CompareMode::kUnordered, "final:KEYS"};
      WireReply rk = redis_.Cmd(keys.args);
      if (!Check(kFinal, keys, rk, strata_.Cmd(keys.args))) return false;
      for (const Reply& k : rk.decoded.elements) {
        GeneratedCommand type{{"TYPE", k.str}, CompareMode::kExact, "final:TYPE"};
        WireReply rt = redis_.Cmd(type.args);
        if (!Check(kFinal, type, rt, strata_.Cmd(type.args))) return false;
        GeneratedCommand enc{{"OBJECT", "ENCODING", k.str}, CompareMode::kExact,
                             "final:OBJECT ENCODING"};
        if (!Check(kFinal, enc, redis_.Cmd(enc.args), strata_.Cmd(enc.args))) return false;
        const std::string& t = rt.decoded.str;
        GeneratedCommand get{{"GET", k.str}, CompareMode::kExact, "final:GET"};
        if (t == "list") {
          get = {{"LRANGE", k.str, "0", "-1"}, CompareMode::kExact, "final:LRANGE"};
        } else if (t == "hash") {
          get = {{"HGETALL", k.str}, CompareMode::kExact, "final:HGETALL"};
        } else if (t == "set") {
          get = {{"SMEMBERS", k.str}, CompareMode::kUnordered, "final:SMEMBERS"};
        } else if (t == "zset") {
          get = {{"ZRANGE", k.str, "0", "-1", "WITHSCORES"}, CompareMode::kExact, "final:ZRANGE"};
        } else if (t == "stream") {
          get = {{"XRANGE", k.str, "-", "+"}, CompareMode::kExact, "final:XRANGE"};
          if (CommandGenerator::StreamGroupCommands()) {
            // Everything else a stream holds: its IDs and counters, every group with its
            // PEL and consumers (COUNT 0: all of them).
            GeneratedCommand info{{"XINFO", "STREAM", k.str, "FULL", "COUNT", "0"},
                                  CompareMode::kStreamInfo,
                                  "final:XINFO STREAM FULL"};
            if (!Check(kFinal, info, redis_.Cmd(info.args), strata_.Cmd(info.args))) {
              return false;
            }
          }
        }
        if (!Check(kFinal, get, redis_.Cmd(get.args), strata_.Cmd(get.args))) return false;
        GeneratedCommand pttl{{"PTTL", k.str}, CompareMode::kTtlMillis, "final:PTTL"};
        if (!Check(kFinal, pttl, redis_.Cmd(pttl.args), strata_.Cmd(pttl.args))) return false;
      }
    }
    return true;
  }

  // Every command and both replies get written here (STRATA_DIFF_DUMP=<file>).
  void set_dump(std::ostream* out) { dump_ = out; }
  std::size_t non_error_redis_replies() const { return non_error_; }
  std::size_t redis_errors(const std::string& label) const {
    auto it = redis_errors_.find(label);
    return it == redis_errors_.end() ? 0 : it->second;
  }
  const std::vector<Mismatch>& mismatches() const { return mismatches_; }
  std::string lost_connection() const { return lost_; }

  static constexpr std::size_t kFinal = static_cast<std::size_t>(-1);

 private:
  bool Check(std::size_t index, const GeneratedCommand& cmd, const WireReply& rw,
             const WireReply& sw) {
    if (rw.lost || sw.lost) {
      lost_ = (rw.lost ? "redis-server" : "strata-server") +
              std::string(" connection lost (or invalid RESP) at command #") +
              std::to_string(index) + ": " + PrintableCommand(cmd.args) +
              "; unparsed bytes: " + PrintableCommand({rw.lost ? rw.raw : sw.raw});
      return false;
    }
    const Reply& r = rw.decoded;
    const Reply& s = sw.decoded;
    if (dump_ != nullptr) {
      *dump_ << index << "\t" << PrintableCommand(cmd.args)
             << "\n\tredis:  " << Abbrev(r.ToString()) << "\n\tstrata: " << Abbrev(s.ToString())
             << "\n";
    }
    if (r.is_error()) {
      ++redis_errors_[cmd.label];
    } else {
      ++non_error_;
    }
    if (!RepliesMatch(cmd.mode, rw, sw)) {
      mismatches_.push_back(
          {index, cmd.label, PrintableCommand(cmd.args), Describe(rw, sw), Describe(sw, rw)});
    }
    return true;
  }

  RespClient& redis_;
  RespClient& strata_;
  std::ostream* dump_ = nullptr;
  std::size_t non_error_ = 0;
  std::map<std::string, std::size_t> redis_errors_;  // per form: error replies from redis
  std::vector<Mismatch> mismatches_;
  std::string lost_;
};

// The script the scripted stream runs: ARGV holds commands as <argc> <arg>...; each is
// called with redis.pcall and its reply (or error) becomes one element of the result.
constexpr const char* kRunnerScript =
    "local out = {} local i = 1 "
    "while i <= #ARGV do "
    "  local n = tonumber(ARGV[i]) local a = {} "
    "  for j = 1, n do a[j] = ARGV[i + j] end "
    "  out[#out + 1] = redis.pcall(unpack(a)) "
    "  i = i + n + 1 "
    "end "
    "return out";

// STRATA_DIFF_DUMP=<file>: every command and both replies go there.
void OpenDump(DifferentialRun& run, std::ofstream* dump) {
  if (const char* path = std::getenv("STRATA_DIFF_DUMP")) {
    dump->open(path);
    run.set_dump(dump);
  }
}

// Reports what a run found: coverage on stdout, mismatches as test failures.
void Report(DifferentialRun& run, const std::map<std::string, std::size_t>& coverage,
            std::size_t sent, std::uint64_t seed, std::size_t show, const std::string& what) {
  const std::string repro = "reproduce with STRATA_DIFF_SEED=" + std::to_string(seed);
  std::ostringstream cov;
  cov << "differential (" << what << "): seed=" << seed << ", " << sent
      << " sent; per form: sent (redis error replies)\n";
  for (const auto& [label, n] : coverage) {
    cov << "  " << label << ": " << n << " (" << run.redis_errors(label) << ")\n";
  }
  std::cout << cov.str();
  const auto& mm = run.mismatches();
  if (!mm.empty()) {
    std::map<std::string, std::size_t> per_label;
    for (const auto& m : mm) ++per_label[m.label];
    std::ostringstream out;
    out << mm.size() << " mismatches (" << repro << ")\nper form:";
    for (const auto& [label, n] : per_label) out << " " << label << "=" << n;
    out << "\n";
    auto print = [&out](const Mismatch& m) {
      out << "#"
          << (m.index == DifferentialRun::kFinal ? std::string("final") : std::to_string(m.index))
          << " [" << m.label << "] " << m.command << "\n    redis:  " << m.redis
          << "\n    strata: " << m.strata << "\n";
    };
    std::set<std::string> labels_shown;
    for (std::size_t k = 0; k < mm.size() && k < show; ++k) {
      print(mm[k]);
      labels_shown.insert(mm[k].label);
    }
    // Then the first example of every other form that mismatched, to make triage easy.
    for (const auto& m : mm) {
      if (labels_shown.insert(m.label).second) print(m);
    }
    ADD_FAILURE() << out.str();
  }
  EXPECT_EQ(mm.size(), 0u) << repro;
}

// How many of a run's commands are stream commands, and how many of those Redis ran inside
// MULTI/EXEC (queued between a MULTI and the EXEC that ran them).
struct StreamCount {
  std::size_t total = 0;
  std::size_t in_multi = 0;
};

StreamCount CountStreamCommands(const std::vector<GeneratedCommand>& cmds) {
  StreamCount n;
  bool queued = false;
  for (const auto& c : cmds) {
    if (c.args.empty()) continue;
    if (IsCommand(c.args[0], "multi")) queued = true;
    if (IsCommand(c.args[0], "exec") || IsCommand(c.args[0], "discard")) queued = false;
    if (!CommandGenerator::IsStreamCommand(c.args[0])) continue;
    ++n.total;
    if (queued) ++n.in_multi;
  }
  return n;
}

// Sends every command: SCAN-style iterations one by one, the rest in pipelined batches.
// Returns false on a lost connection.
bool RunAll(DifferentialRun& run, const std::vector<GeneratedCommand>& cmds) {
  std::size_t i = 0;
  while (i < cmds.size()) {
    if (IsIteration(cmds[i].mode)) {
      if (!run.RunScan(i, cmds[i])) return false;
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < cmds.size() && end - i < kBatch && !IsIteration(cmds[end].mode)) ++end;
    if (!run.RunBatch(cmds, i, end)) return false;
    i = end;
  }
  return true;
}

TEST(DifferentialTest, SeededCommandStreamMatchesRedis) {
  const std::uint64_t seed = EnvNumber("STRATA_DIFF_SEED", kDefaultSeed);
  const std::size_t count = EnvNumber("STRATA_DIFF_COMMANDS", kDefaultCommands);
  const std::size_t show = EnvNumber("STRATA_DIFF_SHOW", 20);
  const std::string repro = "reproduce with STRATA_DIFF_SEED=" + std::to_string(seed);

  std::string err;
  auto redis_server = ServerProcess::StartRedis({}, &err);
  ASSERT_NE(redis_server, nullptr) << "cannot start redis-server: " << err;
  // STRATA_DIFF_SELFCHECK=1 runs the stream against a second redis-server instead: it must
  // produce 0 mismatches, which validates the generator's determinism and the tolerances.
  const bool selfcheck = EnvNumber("STRATA_DIFF_SELFCHECK", 0) != 0;
  auto strata_server =
      selfcheck ? ServerProcess::StartRedis({}, &err) : ServerProcess::StartStrata({}, &err);
  ASSERT_NE(strata_server, nullptr) << "cannot start strata-server: " << err;
  RespClient redis(redis_server->port());
  RespClient strata(strata_server->port());
  ASSERT_TRUE(redis.ok()) << "cannot connect to redis-server";
  ASSERT_TRUE(strata.ok()) << "cannot connect to strata-server";

  CommandGenerator gen(seed);
  std::vector<GeneratedCommand> cmds;
  cmds.reserve(count);
  std::map<std::string, std::size_t> coverage;
  for (std::size_t i = 0; i < count; ++i) {
    cmds.push_back(gen.Next());
    ++coverage[cmds.back().label];
  }

  DifferentialRun run(redis, strata);
  std::ofstream dump;
  OpenDump(run, &dump);
  bool alive = RunAll(run, cmds);
  if (alive) alive = run.CheckFinalState();
  const StreamCount streams = CountStreamCommands(cmds);
  std::cout << "differential (commands): " << streams.total << " stream commands of " << cmds.size()
            << " (" << streams.in_multi << " inside MULTI/EXEC)\n";

  ASSERT_TRUE(alive) << run.lost_connection() << " (" << repro << ")\nstrata log tail:\n"
                     << Abbrev(strata_server->Log(), 4000);
  // A stream the reference mostly rejects would prove little.
  EXPECT_GT(run.non_error_redis_replies(), cmds.size() / 2)
      << "generator produces mostly invalid commands";
  Report(run, coverage, cmds.size(), seed, show, "commands");
  EXPECT_TRUE(strata_server->Alive()) << "strata-server exited";
}

TEST(DifferentialTest, SeededScriptsMatchRedis) {
  const std::uint64_t seed = EnvNumber("STRATA_DIFF_SEED", kDefaultSeed) + 1;
  const std::size_t scripts = EnvNumber("STRATA_DIFF_SCRIPTS", 20000);
  const std::size_t show = EnvNumber("STRATA_DIFF_SHOW", 20);
  std::string err;
  auto redis_server = ServerProcess::StartRedis({}, &err);
  ASSERT_NE(redis_server, nullptr) << "cannot start redis-server: " << err;
  auto strata_server = ServerProcess::StartStrata({}, &err);
  ASSERT_NE(strata_server, nullptr) << "cannot start strata-server: " << err;
  RespClient redis(redis_server->port());
  RespClient strata(strata_server->port());
  ASSERT_TRUE(redis.ok() && strata.ok()) << "cannot connect";
  const WireReply loaded = redis.Cmd({"SCRIPT", "LOAD", kRunnerScript});
  ASSERT_EQ(strata.Cmd({"SCRIPT", "LOAD", kRunnerScript}).decoded.str, loaded.decoded.str);
  const std::string sha = loaded.decoded.str;
  // The same runner as a function, for FCALL: its arguments come as a parameter.
  std::string body = kRunnerScript;
  for (std::size_t at; (at = body.find("ARGV")) != std::string::npos;) body.replace(at, 4, "args");
  const std::string library =
      "#!lua name=difftest\nredis.register_function('run', function(keys, args) " + body + " end)";
  ASSERT_EQ(redis.Cmd({"FUNCTION", "LOAD", "REPLACE", library}).decoded.str, "difftest");
  ASSERT_EQ(strata.Cmd({"FUNCTION", "LOAD", "REPLACE", library}).decoded.str, "difftest");

  // Each script runs one to four commands whose replies compare exactly (SCAN loops, TTL
  // tolerances and unordered replies are left out).
  CommandGenerator gen(seed);
  std::vector<GeneratedCommand> calls;
  std::map<std::string, std::size_t> coverage;
  std::size_t stream_calls = 0;  // stream commands called from the scripts
  std::uint64_t pick = seed;
  auto next_random = [&pick] {
    pick = pick * 6364136223846793005ULL + 1442695040888963407ULL;
    return pick >> 33;
  };
  for (std::size_t n = 0; n < scripts; ++n) {
    // EVAL, EVALSHA and FCALL in turn at random.
    const std::uint64_t how = next_random() % 3;
    GeneratedCommand call{how == 0   ? std::vector<std::string>{"EVAL", kRunnerScript, "0"}
                          : how == 1 ? std::vector<std::string>{"EVALSHA", sha, "0"}
                                     : std::vector<std::string>{"FCALL", "run", "0"},
                          CompareMode::kExact, ""};
    const std::size_t commands = 1 + next_random() % 4;
    for (std::size_t k = 0; k < commands;) {
      // Next, not NextSingle: the follow-ups the generator queues (the EXISTS that reaps a
      // key SET with a past PXAT) must come with it. Transactions and WATCH inside a script
      // are refused by both servers alike.
      GeneratedCommand c = gen.Next();
      if (c.mode != CompareMode::kExact) continue;
      // The random picks from a one-element scratch collection rely on the DEL and the add
      // queued right before them; a refused MULTI lets other queued commands in between.
      if (c.label.find("(single)") != std::string::npos) continue;
      call.args.push_back(std::to_string(c.args.size()));
      call.args.insert(call.args.end(), c.args.begin(), c.args.end());
      if (CommandGenerator::IsStreamCommand(c.args[0])) ++stream_calls;
      call.label += (k == 0 ? "" : "+") + c.label;
      ++coverage[c.label];
      ++k;
    }
    if (commands > 1) call.label = "script of " + std::to_string(commands);
    calls.push_back(std::move(call));
  }
  DifferentialRun run(redis, strata);
  std::ofstream dump;
  OpenDump(run, &dump);
  bool alive = true;
  for (std::size_t i = 0; alive && i < calls.size(); i += kBatch) {
    alive = run.RunBatch(calls, i, std::min(calls.size(), i + kBatch));
  }
  if (alive) alive = run.CheckFinalState();
  ASSERT_TRUE(alive) << run.lost_connection() << "\nstrata log tail:\n"
                     << Abbrev(strata_server->Log(), 4000);
  EXPECT_GT(run.non_error_redis_replies(), calls.size() / 2) << "the scripts mostly failed";
  std::cout << "differential (scripts): " << stream_calls << " stream commands called from "
            << calls.size() << " scripts\n";
  Report(run, coverage, calls.size(), seed, show, "scripts");
  EXPECT_TRUE(strata_server->Alive()) << "strata-server exited";
}

// Streams at the centre: the generator's stream builders weighted up, so that about two
// commands in three are stream commands (the others keep the other types, WRONGTYPE,
// RENAME/COPY/MOVE, MULTI/EXEC and WATCH in play on the same keys), plus CONFIG SET of the
// stream node sizes now and then. Runs until STRATA_DIFF_STREAM_COMMANDS stream commands
// were generated.
TEST(DifferentialTest, SeededStreamCommandsMatchRedis) {
  const std::uint64_t seed = EnvNumber("STRATA_DIFF_SEED", kDefaultSeed) + 2;
  const std::size_t target = EnvNumber("STRATA_DIFF_STREAM_COMMANDS", 25000);
  const std::size_t show = EnvNumber("STRATA_DIFF_SHOW", 20);
  const std::string repro = "reproduce with STRATA_DIFF_SEED=" + std::to_string(seed - 2);

  std::string err;
  auto redis_server = ServerProcess::StartRedis({}, &err);
  ASSERT_NE(redis_server, nullptr) << "cannot start redis-server: " << err;
  const bool selfcheck = EnvNumber("STRATA_DIFF_SELFCHECK", 0) != 0;
  auto strata_server =
      selfcheck ? ServerProcess::StartRedis({}, &err) : ServerProcess::StartStrata({}, &err);
  ASSERT_NE(strata_server, nullptr) << "cannot start strata-server: " << err;
  RespClient redis(redis_server->port());
  RespClient strata(strata_server->port());
  ASSERT_TRUE(redis.ok() && strata.ok()) << "cannot connect";

  GeneratorOptions options;
  options.stream_weight = 25;
  options.stream_node_config = true;
  CommandGenerator gen(seed, options);
  std::vector<GeneratedCommand> cmds;
  std::map<std::string, std::size_t> coverage;
  std::size_t generated_streams = 0;
  // A MULTI or WATCH sequence is finished, whatever the count, so that no transaction is
  // left open at the end.
  bool open = false;
  while (generated_streams < target || open) {
    cmds.push_back(gen.Next());
    const GeneratedCommand& c = cmds.back();
    ++coverage[c.label];
    if (!c.args.empty() && CommandGenerator::IsStreamCommand(c.args[0])) ++generated_streams;
    if (!c.args.empty()) {
      if (IsCommand(c.args[0], "multi") || IsCommand(c.args[0], "watch")) open = true;
      if (IsCommand(c.args[0], "exec") || IsCommand(c.args[0], "discard")) open = false;
    }
  }

  DifferentialRun run(redis, strata);
  std::ofstream dump;
  OpenDump(run, &dump);
  const auto started = std::chrono::steady_clock::now();
  bool alive = RunAll(run, cmds);
  if (alive) alive = run.CheckFinalState();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_TRUE(alive) << run.lost_connection() << " (" << repro << ")\nstrata log tail:\n"
                     << Abbrev(strata_server->Log(), 4000) << "\nredis log tail:\n"
                     << [&] {  // a crash report is long: its end says where
                          const std::string log = redis_server->Log();
                          return log.substr(log.size() > 6000 ? log.size() - 6000 : 0);
                        }();
  const StreamCount streams = CountStreamCommands(cmds);
  std::cout << "differential (streams): " << streams.total << " stream commands of " << cmds.size()
            << " (" << streams.in_multi << " inside MULTI/EXEC), " << run.mismatches().size()
            << " mismatches, " << seconds << " s\n";
  EXPECT_GE(streams.total, target);
  EXPECT_GT(run.non_error_redis_replies(), cmds.size() / 2)
      << "generator produces mostly invalid commands";
  Report(run, coverage, cmds.size(), seed - 2, show, "streams");
  EXPECT_TRUE(strata_server->Alive()) << "strata-server exited";
}

}  // namespace
}  // namespace strata::test
