// Differential test of WATCH: for every write command (the list comes from redis-server's
// COMMAND reply, intersected with Strata's), client A watches keys, client B runs the
// command, and A's MULTI; PING; EXEC must abort on Strata exactly when it aborts on Redis.
// B's replies are compared too, so a case whose setup or write diverges shows as such.
//
// Cases: command_generator_watch.cc (systematic edge cases per command, then a seeded random
// stream). Knobs: STRATA_DIFF_SEED (random stream seed), STRATA_WATCH_RANDOM (number of
// random cases, default 300), STRATA_DIFF_SELFCHECK=1 (a second redis-server instead of
// Strata: must give 0 mismatches), STRATA_DIFF_SHOW (mismatches listed, default 30).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "command_generator_watch.h"
#include "differential_client.h"
#include "harness.h"

namespace strata::test {
namespace {

using Args = WatchCase::Args;

constexpr std::uint64_t kDefaultSeed = 0x5EED2024ULL;
constexpr std::size_t kDefaultRandomCases = 300;
constexpr const char* kSentinel = "__watch_expiry_sentinel__";
constexpr auto kWaitLimit = std::chrono::seconds(10);

std::string Lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// The names of the commands in a COMMAND reply, and of those flagged `write`.
void CommandNames(const Reply& command, std::set<std::string>* all,
                  std::set<std::string>* writes) {
  for (const Reply& c : command.elements) {
    if (c.elements.size() < 3) continue;
    std::string name = Lower(c.elements[0].str);
    all->insert(name);
    for (const Reply& flag : c.elements[2].elements) {
      if (flag.str == "write") writes->insert(name);
    }
  }
}

// One server under test: A watches and runs the transaction, B writes, C blocks.
struct Side {
  explicit Side(int port) : a(port), b(port), c(port) {}
  bool ok() const { return a.ok() && b.ok() && c.ok(); }
  RespClient a;
  RespClient b;
  RespClient c;
};

class WatchRun {
 public:
  WatchRun(Side& redis, Side& strata) : redis_(redis), strata_(strata) {}

  // Runs one case on both servers, step by step in lockstep. Returns false if a connection
  // was lost (the run cannot go on).
  bool Run(const WatchCase& c) {
    case_ = &c;
    std::vector<Args> reset = {{"FLUSHALL"}, {"SELECT", "0"}};
    reset.insert(reset.end(), c.setup.begin(), c.setup.end());
    reset.push_back({"SELECT", "0"});
    if (!Step(&Side::b, reset, "setup", CompareMode::kExact)) return false;

    Args watch = {"WATCH"};
    watch.insert(watch.end(), c.watched.begin(), c.watched.end());
    if (!Step(&Side::a, {{"SELECT", std::to_string(c.watch_db)}, watch}, "watch",
              CompareMode::kExact)) {
      return false;
    }
    if (c.expire_wait_ms > 0 && !WaitForExpiry(c)) return false;
    if (!c.blocked.empty()) {
      for (Side* side : {&redis_, &strata_}) {
        side->c.Append(c.blocked);
        side->c.Flush();
      }
      if (!WaitForBlockedClient()) return false;
    }

    const char* what = c.random_reply ? nullptr : "writer";
    CompareMode mode = c.unordered_reply ? CompareMode::kUnordered : CompareMode::kExact;
    if (!Step(&Side::b, c.writer, what, mode)) return false;
    if (!c.blocked.empty() && !Compare({c.blocked}, {redis_.c.Read()}, {strata_.c.Read()},
                                       "blocked", CompareMode::kExact)) {
      return false;
    }
    std::vector<Args> tx = {{"MULTI"}, {"PING"}, {"EXEC"}};
    for (const auto& args : tx) redis_.a.Append(args);
    for (const auto& args : tx) strata_.a.Append(args);
    std::vector<WireReply> r, s;
    for (std::size_t i = 0; i < tx.size(); ++i) r.push_back(redis_.a.Read());
    for (std::size_t i = 0; i < tx.size(); ++i) s.push_back(strata_.a.Read());
    ++(r.back().raw == "*-1\r\n" ? aborted_ : ran_);
    return Compare(tx, r, s, "exec", CompareMode::kExact);
  }

  // How many EXECs Redis aborted and ran: both must occur, or the cases test nothing.
  std::size_t aborted() const { return aborted_; }
  std::size_t ran() const { return ran_; }

  struct Mismatch {
    std::string label;
    std::string step;
    std::string command;
    std::string redis;
    std::string strata;
  };
  const std::vector<Mismatch>& mismatches() const { return mismatches_; }
  const std::string& lost() const { return lost_; }

 private:
  // Sends `cmds` pipelined on the given client of both servers, then compares the replies
  // (all of them, unless `what` is null).
  bool Step(RespClient Side::*client, const std::vector<Args>& cmds, const char* what,
            CompareMode mode) {
    for (const auto& args : cmds) (redis_.*client).Append(args);
    for (const auto& args : cmds) (strata_.*client).Append(args);
    (redis_.*client).Flush();
    (strata_.*client).Flush();
    std::vector<WireReply> from_redis, from_strata;
    for (std::size_t i = 0; i < cmds.size(); ++i) from_redis.push_back((redis_.*client).Read());
    for (std::size_t i = 0; i < cmds.size(); ++i) from_strata.push_back((strata_.*client).Read());
    return Compare(cmds, from_redis, from_strata, what, mode);
  }

  bool Compare(const std::vector<Args>& cmds, const std::vector<WireReply>& from_redis,
               const std::vector<WireReply>& from_strata, const char* what, CompareMode mode) {
    for (std::size_t i = 0; i < cmds.size(); ++i) {
      const WireReply& r = from_redis[i];
      const WireReply& s = from_strata[i];
      if (r.lost || s.lost) {
        lost_ = std::string(r.lost ? "redis-server" : "strata-server") +
                " connection lost in case [" + case_->label + "] at " +
                PrintableCommand(cmds[i]);
        return false;
      }
      if (what != nullptr && !RepliesMatch(mode, r, s)) {
        mismatches_.push_back({case_->label, what, PrintableCommand(cmds[i]), Describe(r, s),
                               Describe(s, r)});
      }
    }
    return true;
  }

  // Sets a sentinel key with the case's TTL after the WATCH, in the watched database, and
  // polls each server until it is gone: every watched key set up earlier with a TTL at most
  // as long has expired by then.
  bool WaitForExpiry(const WatchCase& c) {
    const std::vector<Args> set = {{"SELECT", std::to_string(c.watch_db)},
                                   {"SET", kSentinel, "1", "PX", std::to_string(c.expire_wait_ms)}};
    if (!Step(&Side::b, set, "expiry sentinel", CompareMode::kExact)) return false;
    for (Side* side : {&redis_, &strata_}) {
      const auto deadline = std::chrono::steady_clock::now() + kWaitLimit;
      for (;;) {
        WireReply w = side->b.Cmd({"EXISTS", kSentinel});
        if (w.lost) {
          lost_ = "connection lost while waiting for expiry in [" + case_->label + "]";
          return false;
        }
        if (w.decoded.integer == 0) break;
        if (std::chrono::steady_clock::now() > deadline) {
          mismatches_.push_back({case_->label, "expiry", "EXISTS sentinel",
                                 side == &redis_ ? "never expired" : "-",
                                 side == &strata_ ? "never expired" : "-"});
          break;
        }
      }
    }
    return Step(&Side::b, {{"SELECT", "0"}}, "expiry sentinel", CompareMode::kExact);
  }

  // Polls each server until exactly one client is blocked (C, which the caller just sent a
  // blocking command), so that the writer cannot run before C waits.
  bool WaitForBlockedClient() {
    for (Side* side : {&redis_, &strata_}) {
      const auto deadline = std::chrono::steady_clock::now() + kWaitLimit;
      for (;;) {
        WireReply w = side->b.Cmd({"INFO", "clients"});
        if (w.lost) {
          lost_ = "connection lost while waiting for a blocked client in [" + case_->label + "]";
          return false;
        }
        if (w.decoded.str.find("blocked_clients:1\r\n") != std::string::npos) break;
        if (std::chrono::steady_clock::now() > deadline) {
          lost_ = (side == &redis_ ? "redis-server" : "strata-server") +
                  std::string(" never blocked the client in [") + case_->label + "]";
          return false;
        }
      }
    }
    return true;
  }

  Side& redis_;
  Side& strata_;
  std::size_t aborted_ = 0;
  std::size_t ran_ = 0;
  const WatchCase* case_ = nullptr;
  std::vector<Mismatch> mismatches_;
  std::string lost_;
};

TEST(DifferentialTest, WatchAgainstEveryWriteCommandMatchesRedis) {
  const std::uint64_t seed = EnvNumber("STRATA_DIFF_SEED", kDefaultSeed);
  const std::size_t random_cases = EnvNumber("STRATA_WATCH_RANDOM", kDefaultRandomCases);
  const std::size_t show = EnvNumber("STRATA_DIFF_SHOW", 30);
  const bool selfcheck = EnvNumber("STRATA_DIFF_SELFCHECK", 0) != 0;

  std::string err;
  auto redis_server = ServerProcess::StartRedis({}, &err);
  ASSERT_NE(redis_server, nullptr) << "cannot start redis-server: " << err;
  auto strata_server =
      selfcheck ? ServerProcess::StartRedis({}, &err) : ServerProcess::StartStrata({}, &err);
  ASSERT_NE(strata_server, nullptr) << "cannot start strata-server: " << err;
  Side redis(redis_server->port());
  Side strata(strata_server->port());
  ASSERT_TRUE(redis.ok()) << "cannot connect to redis-server";
  ASSERT_TRUE(strata.ok()) << "cannot connect to strata-server";

  std::vector<WatchCase> cases = SystematicWatchCases();

  // Every write command both servers know must have a case, so a new one cannot be
  // forgotten.
  std::set<std::string> redis_all, redis_writes, strata_all, strata_writes;
  CommandNames(redis.b.Cmd({"COMMAND"}).decoded, &redis_all, &redis_writes);
  CommandNames(strata.b.Cmd({"COMMAND"}).decoded, &strata_all, &strata_writes);
  ASSERT_GT(redis_writes.size(), 50u) << "unexpected COMMAND reply from redis-server";
  std::set<std::string> covered;
  for (const WatchCase& c : cases) {
    for (const Args& w : c.writer) covered.insert(Lower(w[0]));
  }
  std::vector<std::string> missing;
  for (const std::string& name : redis_writes) {
    if (strata_all.count(name) != 0 && covered.count(name) == 0) missing.push_back(name);
  }
  EXPECT_TRUE(missing.empty()) << "write commands without a WATCH case in "
                                  "command_generator_watch.cc: "
                               << ::testing::PrintToString(missing);

  std::vector<WatchCase> random = RandomWatchCases(seed, random_cases);
  cases.insert(cases.end(), random.begin(), random.end());

  WatchRun run(redis, strata);
  for (const WatchCase& c : cases) {
    ASSERT_TRUE(run.Run(c)) << run.lost() << " (seed " << seed << ")\nstrata log tail:\n"
                            << Abbrev(strata_server->Log(), 4000);
  }

  std::cout << "watch differential: " << cases.size() << " cases, redis aborted " << run.aborted()
            << " EXECs and ran " << run.ran() << "\n";
  EXPECT_GT(run.aborted(), cases.size() / 10) << "too few cases invalidate the WATCH";
  EXPECT_GT(run.ran(), cases.size() / 10) << "too few cases leave the WATCH intact";

  const auto& mm = run.mismatches();
  if (!mm.empty()) {
    std::map<std::string, std::size_t> per_step;
    for (const auto& m : mm) ++per_step[m.step];
    std::ostringstream out;
    out << mm.size() << " mismatches over " << cases.size() << " cases (seed " << seed
        << "); per step:";
    for (const auto& [step, n] : per_step) out << " " << step << "=" << n;
    out << "\n";
    for (std::size_t k = 0; k < mm.size() && k < show; ++k) {
      const auto& m = mm[k];
      out << "[" << m.label << "] " << m.step << ": " << m.command << "\n    redis:  " << m.redis
          << "\n    strata: " << m.strata << "\n";
    }
    ADD_FAILURE() << out.str();
  }
  EXPECT_TRUE(strata_server->Alive()) << "strata-server exited";
}

}  // namespace
}  // namespace strata::test
