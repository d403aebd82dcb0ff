// Blocking pops (BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP BZPOPMIN BZPOPMAX BZMPOP) against a
// real strata-server (with several network threads) and Debian's redis-server 7.0: every
// scenario runs against both servers and their replies must match. Ordering is checked by
// construction (a pusher acts only after INFO shows the waiter blocked), never by timing;
// timeouts are checked as "returned null".
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using Args = std::vector<std::string>;

class BlockingTest : public BothClientsTest<BlockingTest> {
 public:
  static std::vector<std::string> StrataArgs() { return {"--threads", "4"}; }
};

// blocked_clients from INFO clients, or -1.
long BlockedClients(int port) {
  Client c(port);
  Reply r = c.Cmd(Args{"INFO", "clients"});
  const std::string key = "blocked_clients:";
  std::size_t at = r.str.find(key);
  if (at == std::string::npos) return -1;
  return std::strtol(r.str.c_str() + at + key.size(), nullptr, 10);
}

// Waits (up to `seconds`) until exactly `n` clients are blocked.
bool WaitBlocked(int port, long n, int seconds = 10) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (BlockedClients(port) == n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

// A connection whose commands run on their own thread, so that the test can act while it
// is blocked.
class Waiter {
 public:
  explicit Waiter(int port) : c_(port, 20.0) {}
  void Start(const Args& args) {
    result_ = std::async(std::launch::async, [this, args] { return c_.Cmd(args); });
  }
  Reply Get() { return result_.get(); }
  Client& client() { return c_; }

 private:
  Client c_;
  std::future<Reply> result_;
};

// A scenario run against one server; returns what it observed, as text.
using Scenario = std::function<std::vector<std::string>(int port)>;

void ExpectSameScenario(int strata_port, int redis_port, const Scenario& scenario) {
  std::vector<std::string> got = scenario(strata_port);
  std::vector<std::string> want = scenario(redis_port);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i], want[i]) << "step " << i;
  }
}

const std::vector<Args> kAllBlocking = {
    {"BLPOP", "b:l", "0.1"},
    {"BRPOP", "b:l", "0.1"},
    {"BLMOVE", "b:l", "b:d", "LEFT", "RIGHT", "0.1"},
    {"BRPOPLPUSH", "b:l", "b:d", "0.1"},
    {"BLMPOP", "0.1", "1", "b:l", "LEFT"},
    {"BZPOPMIN", "b:l", "0.1"},
    {"BZPOPMAX", "b:l", "0.1"},
    {"BZMPOP", "0.1", "1", "b:l", "MIN"},
};

TEST_F(BlockingTest, ImmediateServe) {
  BothAll({
      {"DEL", "b:l", "b:l2", "b:d", "b:z", "b:z2", "b:empty"},
      {"RPUSH", "b:l", "a", "b", "c", "d", "e", "f", "g"},
      {"BLPOP", "b:empty", "b:l", "0"},
      {"BRPOP", "b:l", "b:empty", "0"},
      {"BLMOVE", "b:l", "b:d", "LEFT", "RIGHT", "0"},
      {"BLMOVE", "b:l", "b:d", "RIGHT", "LEFT", "0"},
      {"BRPOPLPUSH", "b:l", "b:d", "0"},
      {"BLMPOP", "0", "2", "b:empty", "b:l", "RIGHT", "COUNT", "10"},
      {"EXISTS", "b:l"},
      {"LRANGE", "b:d", "0", "-1"},
      {"BLMOVE", "b:d", "b:d", "LEFT", "RIGHT", "0"},
      {"LRANGE", "b:d", "0", "-1"},
      {"ZADD", "b:z", "1.5", "a", "2", "b", "-3.25", "c", "1e10", "d"},
      {"BZPOPMIN", "b:empty", "b:z", "0"},
      {"BZPOPMAX", "b:z", "0"},
      {"BZMPOP", "0", "2", "b:empty", "b:z", "MAX", "COUNT", "10"},
      {"EXISTS", "b:z"},
      {"ZADD", "b:z2", "1", "x", "2", "y", "3", "z"},
      {"BZMPOP", "0", "1", "b:z2", "MIN"},
      {"BZMPOP", "0", "1", "b:z2", "max", "count", "1"},
      {"ZRANGE", "b:z2", "0", "-1", "WITHSCORES"},
  });
}

TEST_F(BlockingTest, WrongType) {
  BothAll({
      {"DEL", "b:l", "b:d", "b:s", "b:empty"},
      {"SET", "b:s", "x"},
      {"BLPOP", "b:s", "0"},
      {"BLPOP", "b:empty", "b:s", "0"},
      {"BRPOP", "b:s", "0"},
      {"BLMOVE", "b:s", "b:d", "LEFT", "LEFT", "0"},
      {"BRPOPLPUSH", "b:s", "b:d", "0"},
      {"BLMPOP", "0", "2", "b:empty", "b:s", "LEFT"},
      {"BZPOPMIN", "b:s", "0"},
      {"BZPOPMAX", "b:empty", "b:s", "0"},
      {"BZMPOP", "0", "1", "b:s", "MIN"},
      {"RPUSH", "b:l", "a"},
      {"BLMOVE", "b:l", "b:s", "LEFT", "LEFT", "0"},
      {"BRPOPLPUSH", "b:l", "b:s", "0"},
      {"LRANGE", "b:l", "0", "-1"},
      {"BZPOPMIN", "b:l", "0"},
      {"BZMPOP", "0", "1", "b:l", "MIN"},
      {"ZADD", "b:z", "1", "m"},
      {"BLPOP", "b:z", "0"},
      {"BLMPOP", "0", "1", "b:z", "LEFT"},
  });
}

TEST_F(BlockingTest, TimeoutAndArityErrors) {
  std::vector<Args> cmds;
  for (const char* t : {"abc", "-1", "-0.5", "1e300", "inf", "-inf", "nan", "", "1x",
                        "1e17"}) {
    cmds.push_back({"BLPOP", "b:l", t});
    cmds.push_back({"BRPOP", "b:l", t});
    cmds.push_back({"BLMOVE", "b:l", "b:d", "LEFT", "LEFT", t});
    cmds.push_back({"BRPOPLPUSH", "b:l", "b:d", t});
    cmds.push_back({"BLMPOP", t, "1", "b:l", "LEFT"});
    cmds.push_back({"BZPOPMIN", "b:l", t});
    cmds.push_back({"BZPOPMAX", "b:l", t});
    cmds.push_back({"BZMPOP", t, "1", "b:l", "MIN"});
  }
  BothAll(cmds);
  BothAll({
      {"BLPOP", "b:l"},
      {"BRPOP"},
      {"BLMOVE", "b:l", "b:d", "LEFT", "LEFT"},
      {"BLMOVE", "b:l", "b:d", "LEFT", "LEFT", "0", "x"},
      {"BLMOVE", "b:l", "b:d", "UP", "LEFT", "0"},
      {"BRPOPLPUSH", "b:l", "b:d"},
      {"BLMPOP", "0", "1", "b:l"},
      {"BZPOPMIN", "b:l"},
      {"BZPOPMAX"},
      {"BZMPOP", "0", "1", "b:l"},
      {"BZMPOP", "0", "0", "b:l", "MIN"},
      {"BZMPOP", "0", "-1", "b:l", "MIN"},
      {"BZMPOP", "0", "x", "b:l", "MIN"},
      {"BZMPOP", "0", "2", "b:l", "MIN"},
      {"BZMPOP", "0", "1", "b:l", "LEFT"},
      {"BZMPOP", "0", "1", "b:l", "MIN", "COUNT"},
      {"BZMPOP", "0", "1", "b:l", "MIN", "COUNT", "0"},
      {"BZMPOP", "0", "1", "b:l", "MIN", "COUNT", "-1"},
      {"BZMPOP", "0", "1", "b:l", "MIN", "COUNT", "1", "COUNT", "1"},
      {"BZMPOP", "0", "1", "b:l", "MIN", "FOO"},
      {"BLMPOP", "0", "0", "b:l", "LEFT"},
      {"BLMPOP", "0", "2", "b:l", "LEFT"},
      {"BLMPOP", "0", "1", "b:l", "LEFT", "COUNT", "0"},
  });
}

TEST_F(BlockingTest, ErrorOrderOfTheMultiPops) {
  // Redis validates numkeys, the direction and COUNT before the timeout.
  BothAll({
      {"BZMPOP", "abc", "0", "b:l", "MIN"},
      {"BZMPOP", "-1", "1", "b:l", "FOO"},
      {"BZMPOP", "abc", "1", "b:l", "MIN"},
  });
  BothAll({
      {"BLMPOP", "abc", "0", "b:l", "LEFT"},
      {"BLMPOP", "-1", "1", "b:l", "UP"},
      {"BLMPOP", "abc", "1", "b:l", "LEFT", "COUNT", "0"},
  });
}

TEST_F(BlockingTest, TimeoutReturnsNull) {
  Both({"DEL", "b:l", "b:d"});
  for (const Args& c : kAllBlocking) {
    Reply r = Both(c);
    EXPECT_TRUE(r.is_nil()) << PrintableCommand(c) << " -> " << r.ToString();
  }
  BothAll({{"EXISTS", "b:l", "b:d"}});
  EXPECT_EQ(BlockedClients(port()), 0);
}

// A timeout below a millisecond, or one whose binary value is just under a whole number of
// milliseconds (0.001 s), is rounded up as Redis 7 does, never truncated to 0 (forever).
TEST_F(BlockingTest, SubMillisecondTimeoutsStillTimeOut) {
  Both({"DEL", "b:l", "b:z"});
  for (const Args& c : std::vector<Args>{{"BLPOP", "b:l", "0.001"},
                                         {"BRPOP", "b:l", "0.0001"},
                                         {"BZPOPMIN", "b:z", "0.001"},
                                         {"BLMPOP", "0.003", "1", "b:l", "LEFT"},
                                         {"BLMOVE", "b:l", "b:l2", "LEFT", "LEFT", "0.001"}}) {
    Reply r = Both(c);
    EXPECT_TRUE(r.is_nil()) << PrintableCommand(c) << " -> " << r.ToString();
  }
  EXPECT_EQ(BlockedClients(port()), 0);
}

TEST_F(BlockingTest, Resp3NullOnTimeoutAndDoubleScores) {
  std::string batch;
  batch += RespCommand({"DEL", "b:l", "b:d", "b:z"});
  for (const Args& c : kAllBlocking) batch += RespCommand(c);
  batch += RespCommand({"ZADD", "b:z", "1.5", "a", "2", "b", "3", "c"});
  batch += RespCommand({"BZPOPMIN", "b:z", "0"});
  batch += RespCommand({"BZPOPMAX", "b:z", "0"});
  batch += RespCommand({"BZMPOP", "0", "1", "b:z", "MIN"});
  std::string got = Resp3Replies(port(), batch);
  EXPECT_EQ(got, Resp3Replies(redis()->port(), batch));
  EXPECT_NE(got.find("*3\r\n$3\r\nb:z\r\n$1\r\na\r\n,1.5\r\n"), std::string::npos) << got;
}

// A waiter blocks with `cmd`; another connection runs `push`; returns the waiter's reply and
// then the replies of `after`.
std::vector<std::string> BlockThenPush(int port, const std::vector<Args>& setup, const Args& cmd,
                                       const std::vector<Args>& push,
                                       const std::vector<Args>& after) {
  std::vector<std::string> out;
  Client c(port);
  for (const Args& s : setup) out.push_back(c.Cmd(s).ToString());
  Waiter w(port);
  w.Start(cmd);
  out.push_back(WaitBlocked(port, 1) ? "blocked" : "not blocked");
  for (const Args& p : push) out.push_back(c.Cmd(p).ToString());
  out.push_back(w.Get().ToString());
  for (const Args& a : after) out.push_back(c.Cmd(a).ToString());
  out.push_back(WaitBlocked(port, 0) ? "none blocked" : "still blocked");
  return out;
}

TEST_F(BlockingTest, WakeUpByPush) {
  const std::vector<Args> setup = {{"DEL", "b:l", "b:l2", "b:d", "b:z"}};
  struct Case {
    Args cmd;
    std::vector<Args> push;
    std::vector<Args> after;
  };
  const std::vector<Case> cases = {
      {{"BLPOP", "b:l", "0"}, {{"RPUSH", "b:l", "a", "b"}}, {{"LRANGE", "b:l", "0", "-1"}}},
      {{"BRPOP", "b:l", "0"}, {{"RPUSH", "b:l", "a", "b"}}, {{"LRANGE", "b:l", "0", "-1"}}},
      {{"BLMOVE", "b:l", "b:d", "RIGHT", "LEFT", "0"},
       {{"RPUSH", "b:d", "x"}, {"LPUSH", "b:l", "a", "b"}},
       {{"LRANGE", "b:l", "0", "-1"}, {"LRANGE", "b:d", "0", "-1"}}},
      {{"BRPOPLPUSH", "b:l", "b:d", "0"},
       {{"RPUSH", "b:l", "a", "b"}},
       {{"LRANGE", "b:l", "0", "-1"}, {"LRANGE", "b:d", "0", "-1"}}},
      {{"BLMOVE", "b:l", "b:l", "LEFT", "RIGHT", "0"},
       {{"RPUSH", "b:l", "a", "b"}},
       {{"LRANGE", "b:l", "0", "-1"}}},
      {{"BLMPOP", "0", "2", "b:l", "b:l2", "RIGHT", "COUNT", "2"},
       {{"RPUSH", "b:l2", "a", "b", "c"}},
       {{"LRANGE", "b:l2", "0", "-1"}}},
      {{"BZPOPMIN", "b:z", "0"},
       {{"ZADD", "b:z", "2", "b", "1.5", "a"}},
       {{"ZRANGE", "b:z", "0", "-1", "WITHSCORES"}}},
      {{"BZPOPMAX", "b:z", "0"},
       {{"ZADD", "b:z", "2", "b", "1.5", "a"}},
       {{"ZRANGE", "b:z", "0", "-1", "WITHSCORES"}}},
      {{"BZMPOP", "0", "2", "b:l", "b:z", "MAX", "COUNT", "2"},
       {{"ZADD", "b:z", "2", "b", "1.5", "a", "3", "c"}},
       {{"ZRANGE", "b:z", "0", "-1", "WITHSCORES"}}},
      {{"BZMPOP", "0", "1", "b:z", "MIN", "COUNT", "10"},
       {{"ZADD", "b:z", "2", "b", "1.5", "a", "3", "c"}},
       {{"EXISTS", "b:z"}}},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(PrintableCommand(k.cmd));
    ExpectSameScenario(port(), redis()->port(), [&](int p) {
      return BlockThenPush(p, setup, k.cmd, k.push, k.after);
    });
  }
}

TEST_F(BlockingTest, WaiterOnTwoKeysServedFromEither) {
  const std::vector<Args> setup = {{"DEL", "b:l", "b:l2", "b:z", "b:z2"}};
  ExpectSameScenario(port(), redis()->port(), [&](int p) {
    return BlockThenPush(p, setup, {"BLPOP", "b:l", "b:l2", "0"}, {{"RPUSH", "b:l2", "x"}},
                         {{"EXISTS", "b:l", "b:l2"}});
  });
  ExpectSameScenario(port(), redis()->port(), [&](int p) {
    return BlockThenPush(p, setup, {"BZPOPMIN", "b:z", "b:z2", "0"},
                         {{"ZADD", "b:z2", "7", "x"}}, {{"EXISTS", "b:z", "b:z2"}});
  });
  // A push of another type to one key does not serve: the waiter goes on waiting.
  ExpectSameScenario(port(), redis()->port(), [&](int p) {
    return BlockThenPush(p, setup, {"BLPOP", "b:l", "b:l2", "0"},
                         {{"SET", "b:l", "str"}, {"ZADD", "b:l2", "1", "m"}, {"DEL", "b:l"},
                          {"DEL", "b:l2"}, {"RPUSH", "b:l", "v"}},
                         {{"EXISTS", "b:l", "b:l2"}});
  });
}

// Three waiters block on one key in order; `pushes` feed it.
std::vector<std::string> Fifo(int port, const Args& block, const std::vector<Args>& pushes,
                              const std::string& key) {
  std::vector<std::string> out;
  Client c(port);
  c.Cmd(Args{"DEL", key});
  Waiter w1(port), w2(port), w3(port);
  Waiter* ws[] = {&w1, &w2, &w3};
  for (int i = 0; i < 3; ++i) {
    ws[i]->Start(block);
    out.push_back(WaitBlocked(port, i + 1) ? "blocked" : "not blocked");
  }
  for (const Args& p : pushes) out.push_back(c.Cmd(p).ToString());
  for (Waiter* w : ws) out.push_back(w->Get().ToString());
  out.push_back(c.Cmd(Args{"EXISTS", key}).ToString());
  return out;
}

TEST_F(BlockingTest, FifoOneByOne) {
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    return Fifo(p, {"BLPOP", "b:f", "0"},
                {{"RPUSH", "b:f", "a"}, {"RPUSH", "b:f", "b"}, {"RPUSH", "b:f", "c"}}, "b:f");
  });
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    return Fifo(p, {"BZPOPMAX", "b:f", "0"},
                {{"ZADD", "b:f", "1", "a"}, {"ZADD", "b:f", "2", "b"}, {"ZADD", "b:f", "3", "c"}},
                "b:f");
  });
}

TEST_F(BlockingTest, FifoAllAtOnce) {
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    return Fifo(p, {"BLPOP", "b:f", "0"}, {{"RPUSH", "b:f", "a", "b", "c", "d"}}, "b:f");
  });
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    return Fifo(p, {"BRPOPLPUSH", "b:f", "b:f2", "0"}, {{"RPUSH", "b:f", "a", "b", "c"}},
                "b:f");
  });
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    return Fifo(p, {"BZPOPMIN", "b:f", "0"}, {{"ZADD", "b:f", "1", "a", "2", "b", "3", "c"}},
                "b:f");
  });
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    return Fifo(p, {"BZMPOP", "0", "1", "b:f", "MIN", "COUNT", "2"},
                {{"ZADD", "b:f", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f"}}, "b:f");
  });
}

TEST_F(BlockingTest, PushInsideMultiWakesAtExec) {
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    std::vector<std::string> out;
    Client c(p);
    c.Cmd(Args{"DEL", "b:l"});
    Waiter w(p);
    w.Start({"BLPOP", "b:l", "0"});
    out.push_back(WaitBlocked(p, 1) ? "blocked" : "not blocked");
    out.push_back(c.Cmd(Args{"MULTI"}).ToString());
    out.push_back(c.Cmd(Args{"RPUSH", "b:l", "x"}).ToString());
    out.push_back(c.Cmd(Args{"LPUSH", "b:l", "y"}).ToString());
    out.push_back(c.Cmd(Args{"LLEN", "b:l"}).ToString());
    // Still blocked: the pushes are only queued.
    out.push_back("blocked_clients=" + std::to_string(BlockedClients(p)));
    out.push_back(c.Cmd(Args{"EXEC"}).ToString());
    out.push_back(w.Get().ToString());
    out.push_back(c.Cmd(Args{"LRANGE", "b:l", "0", "-1"}).ToString());
    return out;
  });
}

TEST_F(BlockingTest, BlockingInsideMultiReturnsNull) {
  BothAll({{"DEL", "b:l", "b:d", "b:z"}, {"MULTI"}});
  for (Args c : kAllBlocking) {
    for (auto& a : c) {
      if (a == "0.1") a = "0";
    }
    Both(c);
  }
  BothAll({{"RPUSH", "b:z", "x"}, {"BLPOP", "b:z", "0"}, {"BLPOP", "b:z", "0"}, {"EXEC"}});
  EXPECT_EQ(BlockedClients(port()), 0);
}

std::vector<std::string> Unblock(int port, const std::vector<std::string>& how) {
  std::vector<std::string> out;
  Client c(port);
  c.Cmd(Args{"DEL", "b:u"});
  Waiter w(port);
  long long id = w.client().Cmd(Args{"CLIENT", "ID"}).integer;
  w.Start({"BZPOPMIN", "b:u", "0"});
  out.push_back(WaitBlocked(port, 1) ? "blocked" : "not blocked");
  Args unblock = {"CLIENT", "UNBLOCK", std::to_string(id)};
  unblock.insert(unblock.end(), how.begin(), how.end());
  out.push_back(c.Cmd(unblock).ToString());
  out.push_back(w.Get().ToString());
  out.push_back(WaitBlocked(port, 0) ? "none blocked" : "still blocked");
  // Not blocked any more: 0.
  out.push_back(c.Cmd(unblock).ToString());
  // The connection is usable again and the key was left alone.
  out.push_back(w.client().Cmd(Args{"PING"}).ToString());
  out.push_back(c.Cmd(Args{"ZADD", "b:u", "1", "m"}).ToString());
  out.push_back(c.Cmd(Args{"ZCARD", "b:u"}).ToString());
  return out;
}

TEST_F(BlockingTest, ClientUnblock) {
  ExpectSameScenario(port(), redis()->port(), [](int p) { return Unblock(p, {}); });
  ExpectSameScenario(port(), redis()->port(), [](int p) { return Unblock(p, {"TIMEOUT"}); });
  ExpectSameScenario(port(), redis()->port(), [](int p) { return Unblock(p, {"ERROR"}); });
  Reply r = s_->Cmd(Args{"CLIENT", "ID"});
  BothAll({{"CLIENT", "UNBLOCK", "999999"}, {"CLIENT", "UNBLOCK", "x"},
           {"CLIENT", "UNBLOCK", "1", "FOO"}});
  EXPECT_EQ(s_->Cmd(Args{"CLIENT", "UNBLOCK", std::to_string(r.integer)}).integer, 0);
}

TEST_F(BlockingTest, BlockedClientsCount) {
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    std::vector<std::string> out;
    Client c(p);
    c.Cmd(Args{"DEL", "b:c1", "b:c2"});
    out.push_back("blocked_clients=" + std::to_string(BlockedClients(p)));
    Waiter w1(p), w2(p);
    w1.Start({"BLPOP", "b:c1", "b:c2", "0"});
    out.push_back(WaitBlocked(p, 1) ? "1 blocked" : "not blocked");
    w2.Start({"BZMPOP", "0", "1", "b:c2", "MIN"});
    out.push_back(WaitBlocked(p, 2) ? "2 blocked" : "not blocked");
    out.push_back(c.Cmd(Args{"RPUSH", "b:c2", "x"}).ToString());
    out.push_back(w1.Get().ToString());
    out.push_back(WaitBlocked(p, 1) ? "1 blocked" : "not 1");
    out.push_back(c.Cmd(Args{"ZADD", "b:c2", "1", "x"}).ToString());
    out.push_back(w2.Get().ToString());
    out.push_back(WaitBlocked(p, 0) ? "none blocked" : "still blocked");
    return out;
  });
}

TEST_F(BlockingTest, DisconnectedWaiterIsForgotten) {
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    std::vector<std::string> out;
    Client c(p);
    c.Cmd(Args{"DEL", "b:g", "b:gz"});
    {
      RawConnection raw(p);
      raw.Send(RespCommand({"BLPOP", "b:g", "0"}));
      out.push_back(WaitBlocked(p, 1) ? "blocked" : "not blocked");
      RawConnection raw2(p);
      raw2.Send(RespCommand({"BZPOPMIN", "b:gz", "0"}));
      out.push_back(WaitBlocked(p, 2) ? "blocked" : "not blocked");
    }
    out.push_back(WaitBlocked(p, 0) ? "forgotten" : "still blocked");
    out.push_back(c.Cmd(Args{"RPUSH", "b:g", "x"}).ToString());
    out.push_back(c.Cmd(Args{"ZADD", "b:gz", "1", "x"}).ToString());
    out.push_back(c.Cmd(Args{"LRANGE", "b:g", "0", "-1"}).ToString());
    out.push_back(c.Cmd(Args{"ZCARD", "b:gz"}).ToString());
    return out;
  });
}

TEST_F(BlockingTest, BlmoveToWrongTypeDestinationWhenServed) {
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    return BlockThenPush(p, {{"DEL", "b:src", "b:dst"}, {"SET", "b:dst", "str"}},
                         {"BLMOVE", "b:src", "b:dst", "LEFT", "RIGHT", "0"},
                         {{"RPUSH", "b:src", "a", "b"}},
                         {{"LRANGE", "b:src", "0", "-1"}, {"GET", "b:dst"}});
  });
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    return BlockThenPush(p, {{"DEL", "b:src", "b:dst"}, {"SET", "b:dst", "str"}},
                         {"BRPOPLPUSH", "b:src", "b:dst", "0"}, {{"RPUSH", "b:src", "a"}},
                         {{"LRANGE", "b:src", "0", "-1"}, {"GET", "b:dst"}});
  });
}

// Two clients blocked on one source, the first with a destination of the wrong type, on
// different network threads (consecutive connections land on different threads): the
// first gets WRONGTYPE and the element goes on to the second, as Redis serves them.
TEST_F(BlockingTest, WrongTypeDestinationPassesTheElementOnAcrossThreads) {
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    std::vector<std::string> out;
    Client c(p);
    c.Cmd(Args{"DEL", "b:src", "b:bad", "b:good"});
    c.Cmd(Args{"SET", "b:bad", "str"});
    Waiter first(p), second(p);
    first.Start({"BRPOPLPUSH", "b:src", "b:bad", "0"});
    out.push_back(WaitBlocked(p, 1) ? "first blocked" : "first not blocked");
    second.Start({"BRPOPLPUSH", "b:src", "b:good", "0"});
    out.push_back(WaitBlocked(p, 2) ? "second blocked" : "second not blocked");
    out.push_back(c.Cmd(Args{"RPUSH", "b:src", "x"}).ToString());
    out.push_back(first.Get().ToString());
    out.push_back(second.Get().ToString());
    out.push_back(c.Cmd(Args{"LRANGE", "b:good", "0", "-1"}).ToString());
    out.push_back(c.Cmd(Args{"LLEN", "b:src"}).ToString());
    return out;
  });
}

// The same two clients sending back to back, without waiting for the first to block: which
// blocks first is up to the threads, but the element must end up in the good destination
// exactly once, the second client must get it, and the first gets WRONGTYPE only if it was
// served first (otherwise its short timeout ends it with nil).
TEST_F(BlockingTest, WrongTypeDestinationBackToBackAcrossThreads) {
  for (int round = 0; round < 20; ++round) {
    Client c(port());
    c.Cmd(Args{"DEL", "b:src", "b:bad", "b:good"});
    c.Cmd(Args{"SET", "b:bad", "str"});
    Waiter first(port()), second(port());
    first.Start({"BRPOPLPUSH", "b:src", "b:bad", "0.5"});
    second.Start({"BRPOPLPUSH", "b:src", "b:good", "0"});
    ASSERT_TRUE(WaitBlocked(port(), 2)) << "round " << round;
    EXPECT_EQ(c.Cmd(Args{"RPUSH", "b:src", "x"}).integer, 1);
    EXPECT_EQ(second.Get().str, "x") << "round " << round;
    Reply f = first.Get();
    EXPECT_TRUE(f.is_nil() || (f.is_error() && f.str.rfind("WRONGTYPE", 0) == 0))
        << "round " << round << ": " << f.ToString();
    EXPECT_EQ(c.Cmd(Args{"LRANGE", "b:good", "0", "-1"}).ToString(), "[\"x\"]");
    EXPECT_EQ(c.Cmd(Args{"LLEN", "b:src"}).integer, 0);
    EXPECT_EQ(c.Cmd(Args{"GET", "b:bad"}).str, "str");
  }
}

TEST_F(BlockingTest, PipelinedCommandsRunAfterServe) {
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    std::vector<std::string> out;
    Client c(p);
    c.Cmd(Args{"DEL", "b:p", "b:p2"});
    RawConnection raw(p);
    raw.Send(RespCommand({"BLPOP", "b:p", "0"}) + RespCommand({"SET", "b:p2", "v"}) +
             RespCommand({"LLEN", "b:p"}) + RespCommand({"GET", "b:p2"}));
    out.push_back(WaitBlocked(p, 1) ? "blocked" : "not blocked");
    // The commands after BLPOP have not run.
    out.push_back(c.Cmd(Args{"EXISTS", "b:p2"}).ToString());
    out.push_back(raw.ReadFor(100));
    out.push_back(c.Cmd(Args{"RPUSH", "b:p", "a", "b"}).ToString());
    std::string want = "*2\r\n$3\r\nb:p\r\n$1\r\na\r\n+OK\r\n:1\r\n$1\r\nv\r\n";
    out.push_back(raw.Read(want.size(), 5000));
    return out;
  });
}

TEST_F(BlockingTest, OtherDatabaseDoesNotWake) {
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    std::vector<std::string> out;
    Client c(p);
    c.Cmd(Args{"SELECT", "1"});
    c.Cmd(Args{"DEL", "b:db"});
    c.Cmd(Args{"SELECT", "0"});
    c.Cmd(Args{"DEL", "b:db"});
    Waiter w(p);
    out.push_back(w.client().Cmd(Args{"SELECT", "1"}).ToString());
    w.Start({"BLPOP", "b:db", "0"});
    out.push_back(WaitBlocked(p, 1) ? "blocked" : "not blocked");
    out.push_back(c.Cmd(Args{"RPUSH", "b:db", "db0"}).ToString());
    out.push_back("blocked_clients=" + std::to_string(BlockedClients(p)));
    out.push_back(c.Cmd(Args{"LLEN", "b:db"}).ToString());
    out.push_back(c.Cmd(Args{"SELECT", "1"}).ToString());
    out.push_back(c.Cmd(Args{"RPUSH", "b:db", "db1"}).ToString());
    out.push_back(w.Get().ToString());
    out.push_back(c.Cmd(Args{"EXISTS", "b:db"}).ToString());
    out.push_back(c.Cmd(Args{"SELECT", "0"}).ToString());
    out.push_back(c.Cmd(Args{"LRANGE", "b:db", "0", "-1"}).ToString());
    c.Cmd(Args{"DEL", "b:db"});
    return out;
  });
}

TEST_F(BlockingTest, FlushdbKeepsWaiterBlocked) {
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    std::vector<std::string> out;
    Client c(p);
    c.Cmd(Args{"SELECT", "3"});
    c.Cmd(Args{"FLUSHDB"});
    Waiter w(p);
    w.client().Cmd(Args{"SELECT", "3"});
    w.Start({"BLPOP", "b:fl", "0"});
    out.push_back(WaitBlocked(p, 1) ? "blocked" : "not blocked");
    out.push_back(c.Cmd(Args{"SET", "b:other", "1"}).ToString());
    out.push_back(c.Cmd(Args{"FLUSHDB"}).ToString());
    out.push_back("blocked_clients=" + std::to_string(BlockedClients(p)));
    out.push_back(c.Cmd(Args{"RPUSH", "b:fl", "x"}).ToString());
    out.push_back(w.Get().ToString());
    return out;
  });
}

// A waiter in db 4 on a key that only db 5 holds; SWAPDB 4 5 brings it in.
std::vector<std::string> SwapDb(int port, const Args& block, const Args& fill) {
  std::vector<std::string> out;
  Client c(port);
  for (const char* db : {"5", "4"}) {
    c.Cmd(Args{"SELECT", db});
    c.Cmd(Args{"FLUSHDB"});
  }
  Waiter w(port);
  w.client().Cmd(Args{"SELECT", "4"});
  w.Start(block);
  out.push_back(WaitBlocked(port, 1) ? "blocked" : "not blocked");
  c.Cmd(Args{"SELECT", "5"});
  out.push_back(c.Cmd(fill).ToString());
  out.push_back("blocked_clients=" + std::to_string(BlockedClients(port)));
  out.push_back(c.Cmd(Args{"SWAPDB", "4", "5"}).ToString());
  bool served = WaitBlocked(port, 0, 3);
  out.push_back(served ? "served" : "still blocked");
  if (!served) {
    c.Cmd(Args{"SELECT", "4"});
    c.Cmd(Args{"DEL", "b:sw"});
    c.Cmd(Args{"RPUSH", "b:sw", "later"});
    c.Cmd(Args{"ZADD", "b:sw", "1", "later"});
  }
  out.push_back(w.Get().ToString());
  c.Cmd(Args{"SELECT", "4"});
  out.push_back(c.Cmd(Args{"TYPE", "b:sw"}).ToString());
  c.Cmd(Args{"FLUSHDB"});
  return out;
}

TEST_F(BlockingTest, SwapdbWakesWaiter) {
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    return SwapDb(p, {"BLPOP", "b:sw", "0"}, {"RPUSH", "b:sw", "a", "b"});
  });
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    return SwapDb(p, {"BZPOPMIN", "b:sw", "0"}, {"ZADD", "b:sw", "1", "a"});
  });
  // A key of the wrong type swapped in does not serve.
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    return SwapDb(p, {"BLPOP", "b:sw", "0"}, {"SET", "b:sw", "str"});
  });
}

TEST_F(BlockingTest, ManyWaitersManyKeysAcrossThreads) {
  // 16 waiters on 8 keys, fed from another connection; every element is delivered once.
  constexpr int kWaiters = 16;
  Client c(port());
  std::vector<std::string> keys;
  for (int i = 0; i < 8; ++i) keys.push_back("b:m" + std::to_string(i));
  Args del = {"DEL"};
  del.insert(del.end(), keys.begin(), keys.end());
  c.Cmd(del);
  std::vector<std::unique_ptr<Waiter>> ws;
  for (int i = 0; i < kWaiters; ++i) {
    ws.push_back(std::make_unique<Waiter>(port()));
    if (i % 2 == 0) {
      ws.back()->Start({"BLPOP", keys[i % 8], keys[(i + 3) % 8], "0"});
    } else {
      ws.back()->Start({"BZPOPMIN", keys[i % 8] + "z", "0"});
    }
  }
  ASSERT_TRUE(WaitBlocked(port(), kWaiters));
  for (int i = 0; i < kWaiters; ++i) {
    if (i % 2 == 0) {
      c.Cmd(Args{"RPUSH", keys[i % 8], "v" + std::to_string(i)});
    } else {
      c.Cmd(Args{"ZADD", keys[i % 8] + "z", std::to_string(i), "v" + std::to_string(i)});
    }
  }
  std::vector<std::string> got;
  for (auto& w : ws) {
    Reply r = w->Get();
    ASSERT_EQ(r.type, REDIS_REPLY_ARRAY) << r.ToString();
    got.push_back(r.elements[1].str);
  }
  std::sort(got.begin(), got.end());
  std::vector<std::string> want;
  for (int i = 0; i < kWaiters; ++i) want.push_back("v" + std::to_string(i));
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
  EXPECT_EQ(BlockedClients(port()), 0);
}

}  // namespace
}  // namespace strata::test

namespace strata::test {
namespace {

// Waiters that pop another type than the key gets do not hold back those behind them.
TEST_F(BlockingTest, WaiterOfAnotherTypeDoesNotBlockTheQueue) {
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    std::vector<std::string> out;
    Client c(p);
    c.Cmd(Args{"DEL", "b:mix"});
    Waiter zset_waiter(p), list_waiter(p);
    zset_waiter.Start({"BZPOPMIN", "b:mix", "0"});
    out.push_back(WaitBlocked(p, 1) ? "1 blocked" : "not blocked");
    list_waiter.Start({"BLPOP", "b:mix", "0"});
    out.push_back(WaitBlocked(p, 2) ? "2 blocked" : "not blocked");
    out.push_back(c.Cmd(Args{"LPUSH", "b:mix", "x"}).ToString());
    out.push_back(list_waiter.Get().ToString());
    out.push_back(WaitBlocked(p, 1) ? "zset waiter still blocked" : "not 1");
    out.push_back(c.Cmd(Args{"ZADD", "b:mix", "1", "m"}).ToString());
    out.push_back(zset_waiter.Get().ToString());
    return out;
  });
}

// A key served earlier in the same pass is looked at again when a BLMOVE served later in
// that pass pushes to it.
TEST_F(BlockingTest, KeyReadyAgainWithinOnePass) {
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    std::vector<std::string> out;
    Client c(p);
    c.Cmd(Args{"DEL", "b:d", "b:k"});
    Waiter on_d(p), mover(p);
    on_d.Start({"BLPOP", "b:d", "0"});
    out.push_back(WaitBlocked(p, 1) ? "1 blocked" : "not blocked");
    mover.Start({"BLMOVE", "b:k", "b:d", "RIGHT", "LEFT", "0"});
    out.push_back(WaitBlocked(p, 2) ? "2 blocked" : "not blocked");
    for (const Args& a : std::vector<Args>{{"MULTI"},
                                           {"RPUSH", "b:d", "a"},
                                           {"LPOP", "b:d"},
                                           {"RPUSH", "b:k", "v"},
                                           {"EXEC"}}) {
      out.push_back(c.Cmd(a).ToString());
    }
    out.push_back(mover.Get().ToString());
    out.push_back(on_d.Get().ToString());
    out.push_back(c.Cmd(Args{"EXISTS", "b:d", "b:k"}).ToString());
    return out;
  });
}

// The idle timeout spares blocked clients, as in Redis.
TEST_F(BlockingTest, IdleTimeoutSparesBlockedClients) {
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    std::vector<std::string> out;
    Client c(p);
    c.Cmd(Args{"DEL", "b:idle"});
    out.push_back(c.Cmd(Args{"CONFIG", "SET", "timeout", "1"}).ToString());
    Waiter idle(p);
    idle.Start({"BLPOP", "b:idle", "0"});
    out.push_back(WaitBlocked(p, 1) ? "blocked" : "not blocked");
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // past the idle timeout
    Client admin(p);
    out.push_back(admin.Cmd(Args{"RPUSH", "b:idle", "x"}).ToString());
    out.push_back(idle.Get().ToString());
    out.push_back(admin.Cmd(Args{"CONFIG", "SET", "timeout", "0"}).ToString());
    return out;
  });
}

// A deadline centuries away is not "now" (converting it must not overflow the timer).
// Kept apart from the idle timeout: redis-server 7.0 was seen, once, to drop such a client
// when both were in play, so that mix has no deterministic reference.
TEST_F(BlockingTest, FarDeadlineDoesNotExpire) {
  ExpectSameScenario(port(), redis()->port(), [](int p) {
    std::vector<std::string> out;
    Client c(p);
    c.Cmd(Args{"DEL", "b:far"});
    Waiter far(p);
    far.Start({"BLPOP", "b:far", "10000000000"});
    out.push_back(WaitBlocked(p, 1) ? "blocked" : "not blocked");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    out.push_back(WaitBlocked(p, 1) ? "still blocked" : "expired");
    out.push_back(c.Cmd(Args{"RPUSH", "b:far", "y"}).ToString());
    out.push_back(far.Get().ToString());
    return out;
  });
}

TEST_F(BlockingTest, ClientUnblockWithExtraArguments) {
  BothAll({{"CLIENT", "UNBLOCK", "1", "TIMEOUT", "extra"},
           {"client", "unblock", "1", "error", "extra"}});
}

}  // namespace
}  // namespace strata::test
