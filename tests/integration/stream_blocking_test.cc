// XREAD BLOCK and XREADGROUP BLOCK against Debian's redis-server 7.0.15, and the keyspace
// events of the stream commands. Every scenario runs on both servers and what it observes
// must match. Order is made by construction: a writer acts only once INFO shows the waiter
// blocked, never after a sleep; a timeout is checked as "came back with null".
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using Args = std::vector<std::string>;

Args Split(std::string_view line) {
  Args out;
  std::size_t at = 0;
  while (at <= line.size()) {
    std::size_t end = line.find(' ', at);
    if (end == std::string_view::npos) end = line.size();
    out.emplace_back(line.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

long BlockedClients(int port) {
  Client c(port);
  const std::string info = c.Cmd(Args{"INFO", "clients"}).str;
  const std::string field = "blocked_clients:";
  const std::size_t at = info.find(field);
  return at == std::string::npos ? -1 : std::strtol(info.c_str() + at + field.size(), nullptr, 10);
}

// Polls until exactly `n` clients are blocked (false if that never happens in 10 s).
bool WaitBlocked(int port, long n) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < give_up) {
    if (BlockedClients(port) == n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

// A connection whose command runs on its own thread, so the test can act while it waits.
class Waiter {
 public:
  explicit Waiter(int port) : c_(port, 30.0) {}
  void Start(const Args& args) {
    reply_ = std::async(std::launch::async, [this, args] { return c_.Cmd(args).ToString(); });
  }
  std::string Get() { return reply_.get(); }
  Client& client() { return c_; }

 private:
  Client c_;
  std::future<std::string> reply_;
};

// A scenario observes one server and tells what it saw, step by step.
using Scenario = std::function<std::vector<std::string>(int port)>;

class StreamBlockingTest : public BothClientsTest<StreamBlockingTest> {
 public:
  // Several network threads, so waiters and writers are on different ones.
  static std::vector<std::string> StrataArgs() { return {"--threads", "4"}; }
  // DEBUG SET-ACTIVE-EXPIRE, to see an expiry found by a command rather than the sweep.
  static std::vector<std::string> RedisArgs() { return {"--enable-debug-command", "yes"}; }

 protected:
  void Same(const Scenario& scenario) {
    const std::vector<std::string> got = scenario(port());
    const std::vector<std::string> want = scenario(redis()->port());
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << "step " << i;
    // Redis's run shows the scenario did what it meant to: every wait ended as planned.
    for (const std::string& w : want) {
      EXPECT_FALSE(w.rfind("not ", 0) == 0 || w.rfind("still blocked", 0) == 0 ||
                   w.find("<connection error>") != std::string::npos)
          << "redis-server: " << w;
    }
    EXPECT_EQ(BlockedClients(port()), 0);
  }
  // XGROUP and friends come from another change; their tests wait for it.
  bool StrataHas(const std::string& name) {
    Reply r = s_->Cmd(Args{"COMMAND", "INFO", name});
    return r.elements.size() == 1 && r.elements[0].type == REDIS_REPLY_ARRAY;
  }
};

#define REQUIRE_GROUPS()                                                    \
  if (!StrataHas("xgroup")) GTEST_SKIP() << "XGROUP is not in Strata yet"

// `setup` runs, a waiter blocks with `block`, then `acts` run (each line, its reply noted),
// then the waiter's reply, then `after`.
std::vector<std::string> BlockThen(int port, const std::vector<std::string>& setup,
                                   const std::string& block, const std::vector<std::string>& acts,
                                   const std::vector<std::string>& after = {}) {
  std::vector<std::string> out;
  Client c(port);
  for (const std::string& s : setup) out.push_back(c.Cmd(Split(s)).ToString());
  Waiter w(port);
  const long long id = w.client().Cmd(Args{"CLIENT", "ID"}).integer;
  w.Start(Split(block));
  out.push_back(WaitBlocked(port, 1) ? "blocked" : "not blocked");
  for (const std::string& a : acts) {
    if (a == "?blocked") {
      out.push_back("blocked_clients=" + std::to_string(BlockedClients(port)));
    } else if (a == "?unblocked") {  // waits without touching any key
      out.push_back(WaitBlocked(port, 0) ? "unblocked" : "still blocked");
    } else if (a.rfind("?gone ", 0) == 0) {
      out.push_back(WaitUntilGone(c, a.substr(6)) ? "gone" : "not gone");
    } else {
      out.push_back(c.Cmd(Split(a)).ToString());
    }
  }
  // The acts should have ended the wait; if they did not, end it here rather than hang.
  if (!WaitBlocked(port, 0)) {
    out.push_back("still blocked after the acts");
    c.Cmd(Args{"CLIENT", "UNBLOCK", std::to_string(id)});
  }
  out.push_back("waiter: " + w.Get());
  for (const std::string& a : after) out.push_back(c.Cmd(Split(a)).ToString());
  out.push_back(WaitBlocked(port, 0) ? "none blocked" : "still blocked");
  return out;
}

TEST_F(StreamBlockingTest, XreadServedByXadd) {
  Same([](int p) { return BlockThen(p, {"DEL k", "XADD k 1-0 a 1"}, "XREAD BLOCK 0 STREAMS k $",
                                    {"XADD k 2-0 b 2"}, {"XLEN k"}); });
  // Waiting on several keys, the add hits the second.
  Same([](int p) {
    return BlockThen(p, {"DEL k1 k2", "XADD k1 1-0 a 1", "XADD k2 1-0 a 1"},
                     "XREAD BLOCK 0 STREAMS k1 k2 $ $", {"XADD k2 2-0 b 2"});
  });
  Same([](int p) {
    return BlockThen(p, {"DEL k1 k2"}, "XREAD COUNT 5 BLOCK 0 STREAMS k1 k2 0 0",
                     {"XADD k2 7-1 b 2"});
  });
  // "$" on a missing key waits after 0-0.
  Same([](int p) {
    return BlockThen(p, {"DEL k"}, "XREAD BLOCK 0 STREAMS k $", {"XADD k 0-1 a 1"});
  });
  // An add at or below the ID it waits after does not serve it.
  Same([](int p) {
    return BlockThen(p, {"DEL k"}, "XREAD BLOCK 0 STREAMS k 100-0",
                     {"XADD k 5-0 a 1", "XADD k 100-0 a 1", "?blocked", "XADD k 100-1 b 2"});
  });
  // Nor does a value of another type; the stream that replaces it does.
  Same([](int p) {
    return BlockThen(p, {"DEL k"}, "XREAD BLOCK 0 STREAMS k 0",
                     {"SET k str", "LPUSH k2 x", "?blocked", "DEL k", "XADD k 3-0 a 1"});
  });
  // An add that trims its own entry away still serves, with no entries.
  Same([](int p) {
    return BlockThen(p, {"DEL k", "XADD k 1-0 a 1"}, "XREAD BLOCK 0 STREAMS k $",
                     {"XADD k MAXLEN 0 2-0 b 2"}, {"XLEN k"});
  });
  // A key named twice waits after its first ID.
  Same([](int p) {
    return BlockThen(p, {"DEL k"}, "XREAD BLOCK 0 STREAMS k k 5-0 1-0",
                     {"XADD k 3-0 a 1", "?blocked", "XADD k 6-0 b 2"});
  });
  Same([](int p) {
    return BlockThen(p, {"DEL k"}, "XREAD BLOCK 0 STREAMS k k 1-0 5-0", {"XADD k 3-0 a 1"});
  });
  // BLOCK with a huge count of milliseconds waits like BLOCK 0.
  Same([](int p) {
    return BlockThen(p, {"DEL k"}, "XREAD BLOCK 9223372036854775807 STREAMS k $",
                     {"XADD k 1-0 a 1"});
  });
}

// Only new entries (an XADD) or a new stream under the key wake a reader: changes that
// raise the last ID or touch the groups leave it waiting.
TEST_F(StreamBlockingTest, XreadWokenOnlyByNewEntries) {
  Same([](int p) {
    return BlockThen(p, {"DEL k", "XADD k 1-0 a 1", "XADD k 2-0 a 1"}, "XREAD BLOCK 0 STREAMS k $",
                     {"XSETID k 10-0", "?blocked", "XDEL k 1-0", "XTRIM k MAXLEN 0", "?blocked",
                      "XGROUP CREATE k g 0", "XGROUP SETID k g $", "XGROUP CREATECONSUMER k g c",
                      "?blocked", "XADD k 11-0 b 2"});
  });
  // A group destroyed wakes it, and it is served if the last ID passed its own meanwhile.
  Same([](int p) {
    return BlockThen(p, {"DEL k", "XADD k 5-0 a 1"}, "XREAD BLOCK 0 STREAMS k $",
                     {"XGROUP CREATE k g $", "XGROUP DESTROY k g", "XGROUP DESTROY k g",
                      "?blocked", "XSETID k 9-0", "XGROUP CREATE k g $", "XGROUP DESTROY k g"});
  });
  // A stream copied or renamed onto the key is new to it.
  Same([](int p) {
    return BlockThen(p, {"DEL k src", "XADD src 5-0 a 1"}, "XREAD BLOCK 0 STREAMS k 1-0",
                     {"COPY src k"});
  });
  Same([](int p) {
    return BlockThen(p, {"DEL k src", "XADD src 5-0 a 1"}, "XREAD BLOCK 0 STREAMS k 1-0",
                     {"RENAME src k"});
  });
  Same([](int p) {
    return BlockThen(p, {"DEL k src", "XADD src 5-0 a 1"}, "XREAD BLOCK 0 STREAMS k 7-0",
                     {"RENAME src k", "?blocked", "XADD k 7-1 a 1"});
  });
}

TEST_F(StreamBlockingTest, XreadgroupWokenOnlyByNewEntries) {
  REQUIRE_GROUPS();
  Same([](int p) {
    return BlockThen(p, {"DEL k", "XADD k 1-0 a 1", "XGROUP CREATE k g $"},
                     "XREADGROUP GROUP g c BLOCK 0 STREAMS k >",
                     {"XGROUP SETID k g 0", "?blocked", "XSETID k 10-0", "?blocked",
                      "XGROUP CREATECONSUMER k g c2", "XREADGROUP GROUP g c2 STREAMS k >",
                      "?blocked", "XADD k 11-0 b 2"},
                     {"XPENDING k g"});
  });
  Same([](int p) {
    return BlockThen(p, {"DEL k", "XADD k 1-0 a 1", "XGROUP CREATE k g $"},
                     "XREADGROUP GROUP g c BLOCK 0 STREAMS k >",
                     {"XGROUP SETID k g 0", "XGROUP CREATE k g2 $", "?blocked",
                      "XGROUP DESTROY k g2"},
                     {"XPENDING k g"});
  });
}

// Writes in MULTI/EXEC or in a script wake the reader once, after they end, with all of
// them (up to COUNT).
TEST_F(StreamBlockingTest, XreadServedOnceAfterMultiAndScripts) {
  Same([](int p) {
    return BlockThen(p, {"DEL k"}, "XREAD BLOCK 0 STREAMS k 0",
                     {"MULTI", "XADD k 1-0 a 1", "XADD k 2-0 b 2", "?blocked", "EXEC"});
  });
  Same([](int p) {
    return BlockThen(p, {"DEL k"}, "XREAD COUNT 1 BLOCK 0 STREAMS k 0",
                     {"MULTI", "XADD k 1-0 a 1", "XADD k 2-0 b 2", "EXEC"});
  });
  Same([](int p) {
    return BlockThen(p, {"DEL k"}, "XREAD BLOCK 0 STREAMS k $",
                     {"MULTI", "XADD k 1-0 a 1", "DEL k", "EXEC", "?blocked", "XADD k 1-0 a 1"});
  });
  Same([](int p) {
    std::vector<std::string> out;
    Client c(p);
    c.Cmd(Args{"DEL", "k"});
    Waiter w(p);
    w.Start(Split("XREAD BLOCK 0 STREAMS k $"));
    out.push_back(WaitBlocked(p, 1) ? "blocked" : "not blocked");
    out.push_back(c.Cmd(Args{"EVAL",
                             "redis.call('XADD',KEYS[1],'1-0','a','1');"
                             " redis.call('XADD',KEYS[1],'2-0','b','2'); return 1",
                             "1", "k"})
                      .ToString());
    out.push_back(w.Get());
    return out;
  });
}

// A waiter without COUNT (or with COUNT 0) is served at most 1000 entries at once.
TEST_F(StreamBlockingTest, WaiterWithoutCountGetsAThousand) {
  const std::string add =
      "for i = 1, 1005 do redis.call('XADD', KEYS[1], i .. '-0', 'f', i) end return 1";
  for (const char* block : {"XREAD BLOCK 0 STREAMS k $", "XREAD COUNT 0 BLOCK 0 STREAMS k $",
                            "XREADGROUP GROUP g c BLOCK 0 STREAMS k >"}) {
    if (std::string(block).find("GROUP") != std::string::npos && !StrataHas("xgroup")) continue;
    Same([&](int p) {
      std::vector<std::string> out;
      Client c(p);
      c.Cmd(Split("DEL k"));
      c.Cmd(Split("XGROUP CREATE k g $ MKSTREAM"));
      Waiter w(p);
      w.Start(Split(block));
      out.push_back(WaitBlocked(p, 1) ? "blocked" : "not blocked");
      out.push_back(c.Cmd(Args{"EVAL", add, "1", "k"}).ToString());
      const std::string got = w.Get();
      // The last entry served, and how many.
      out.push_back(got.substr(got.rfind("[\"")));
      std::size_t n = 0;
      for (std::size_t at = got.find("-0\""); at != std::string::npos;
           at = got.find("-0\"", at + 1)) {
        ++n;
      }
      out.push_back("entries: " + std::to_string(n));
      return out;
    });
  }
}

// Every reader on the key is served, each from its own ID (the order they are served in
// shows with group readers, below, where only the first gets the entry).
TEST_F(StreamBlockingTest, SeveralXreadWaiters) {
  Same([](int p) {
    std::vector<std::string> out;
    Client c(p);
    c.Cmd(Split("DEL k"));
    c.Cmd(Split("XADD k 1-0 a 1"));
    Waiter w1(p), w2(p), w3(p);
    w1.Start(Split("XREAD BLOCK 0 STREAMS k $"));
    out.push_back(WaitBlocked(p, 1) ? "1 blocked" : "not blocked");
    w2.Start(Split("XREAD COUNT 1 BLOCK 0 STREAMS k 0"));
    out.push_back(w2.Get());  // served at once: 1-0 is after 0
    w2.Start(Split("XREAD BLOCK 0 STREAMS k 3-0"));
    out.push_back(WaitBlocked(p, 2) ? "2 blocked" : "not blocked");
    w3.Start(Split("XREAD BLOCK 0 STREAMS other k $ 1-0"));
    out.push_back(WaitBlocked(p, 3) ? "3 blocked" : "not blocked");
    out.push_back(c.Cmd(Split("XADD k 2-0 b 2")).ToString());
    out.push_back(w1.Get());
    out.push_back(w3.Get());
    out.push_back(WaitBlocked(p, 1) ? "1 blocked" : "not 1");
    out.push_back(c.Cmd(Split("XADD k 3-1 c 3")).ToString());
    out.push_back(w2.Get());
    return out;
  });
}

TEST_F(StreamBlockingTest, TimeoutGivesNull) {
  BothAll({Split("DEL k"), Split("XREAD BLOCK 1 STREAMS k $"),
           Split("XREAD BLOCK 5 STREAMS k k2 0 $"), Split("XREAD COUNT 3 BLOCK 20 STREAMS k 0")});
  Both(Split("XADD k 1-0 a 1"));
  Both(Split("XREAD BLOCK 10 STREAMS k $"));
  std::string batch = RespCommand(Split("XREAD BLOCK 1 STREAMS k $"));
  EXPECT_EQ(Resp3Replies(port(), batch), Resp3Replies(redis()->port(), batch));
}

// Deleting the key leaves an XREAD waiting; a new stream under it serves past the same ID.
TEST_F(StreamBlockingTest, DelKeepsXreadWaiting) {
  Same([](int p) {
    return BlockThen(p, {"DEL k", "XADD k 5-0 a 1"}, "XREAD BLOCK 0 STREAMS k $",
                     {"DEL k", "?blocked", "XADD k 3-0 a 1", "?blocked", "UNLINK k",
                      "XADD k 6-0 b 2"});
  });
}

TEST_F(StreamBlockingTest, NeverBlocksInMultiOrScripts) {
  BothAll({Split("DEL k"), Split("MULTI"), Split("XREAD BLOCK 0 STREAMS k $"),
           Split("XREAD BLOCK 100 STREAMS k 0"), Split("EXEC")});
  for (const char* body : {"return redis.pcall('XREAD','BLOCK','0','STREAMS','k','$')",
                           "return redis.pcall('xread','BLOCK','x','STREAMS','k','$')",
                           "return redis.pcall('xReadGroup','GROUP','g','c','BLOCK','0',"
                           "'STREAMS','k','>')"}) {
    Both({"EVAL", body, "0"});
  }
  EXPECT_EQ(BlockedClients(port()), 0);
}

// The reply a RESP3 waiter gets when served: a map of one stream.
TEST_F(StreamBlockingTest, Resp3WaiterGetsAMap) {
  Same([](int p) {
    std::vector<std::string> out;
    Client c(p);
    c.Cmd(Split("DEL k"));
    RawConnection raw(p);
    raw.Send(RespCommand({"HELLO", "3"}));
    raw.Send(RespCommand(Split("XREAD BLOCK 0 STREAMS k $")));
    out.push_back(WaitBlocked(p, 1) ? "blocked" : "not blocked");
    out.push_back(c.Cmd(Split("XADD k 1-0 a 1")).ToString());
    out.push_back(WaitBlocked(p, 0) ? "served" : "still blocked");
    // Read up to the reply of a PING sent after: the served reply is just before it.
    raw.Send(RespCommand({"PING"}));
    std::string got;
    for (int i = 0; i < 100 && got.find("+PONG\r\n") == std::string::npos; ++i) {
      got += raw.Read(1, 100);
    }
    const std::size_t map_at = got.find("%1\r\n$1\r\nk");  // past HELLO's reply
    out.push_back(map_at == std::string::npos ? got : got.substr(map_at));
    return out;
  });
}

std::vector<std::string> Unblock(int port, const std::string& how) {
  std::vector<std::string> out;
  Client c(port);
  c.Cmd(Split("DEL k"));
  Waiter w(port);
  const long long id = w.client().Cmd(Args{"CLIENT", "ID"}).integer;
  w.Start(Split("XREAD BLOCK 0 STREAMS k $"));
  out.push_back(WaitBlocked(port, 1) ? "blocked" : "not blocked");
  Args unblock = {"CLIENT", "UNBLOCK", std::to_string(id)};
  if (!how.empty()) unblock.push_back(how);
  out.push_back(c.Cmd(unblock).ToString());
  out.push_back(w.Get());
  out.push_back(c.Cmd(unblock).ToString());
  // It is not waiting any more: a later add is not delivered to it.
  out.push_back(c.Cmd(Split("XADD k 1-0 a 1")).ToString());
  out.push_back(w.client().Cmd(Args{"PING"}).ToString());
  return out;
}

TEST_F(StreamBlockingTest, ClientUnblock) {
  Same([](int p) { return Unblock(p, ""); });
  Same([](int p) { return Unblock(p, "TIMEOUT"); });
  Same([](int p) { return Unblock(p, "ERROR"); });
}

TEST_F(StreamBlockingTest, BlockedClientsCount) {
  Same([](int p) {
    std::vector<std::string> out;
    Client c(p);
    c.Cmd(Split("DEL k1 k2"));
    out.push_back("blocked_clients=" + std::to_string(BlockedClients(p)));
    Waiter w1(p), w2(p), w3(p);
    w1.Start(Split("XREAD BLOCK 0 STREAMS k1 k2 $ $"));
    out.push_back(WaitBlocked(p, 1) ? "1 blocked" : "not blocked");
    w2.Start(Split("XREAD BLOCK 0 STREAMS k2 $"));
    out.push_back(WaitBlocked(p, 2) ? "2 blocked" : "not blocked");
    w3.Start(Split("BLPOP k1 0"));
    out.push_back(WaitBlocked(p, 3) ? "3 blocked" : "not blocked");
    out.push_back(c.Cmd(Split("XADD k1 1-0 a 1")).ToString());
    out.push_back(w1.Get());
    out.push_back(WaitBlocked(p, 2) ? "2 blocked" : "not 2");
    out.push_back(c.Cmd(Split("XADD k2 1-0 a 1")).ToString());
    out.push_back(w2.Get());
    out.push_back(WaitBlocked(p, 1) ? "1 blocked" : "not 1");
    out.push_back(c.Cmd(Split("DEL k1")).ToString());
    out.push_back(c.Cmd(Split("RPUSH k1 x")).ToString());
    out.push_back(w3.Get());
    return out;
  });
}

// ---- XREADGROUP BLOCK ---------------------------------------------------------------------

TEST_F(StreamBlockingTest, XreadgroupServedByXadd) {
  REQUIRE_GROUPS();
  Same([](int p) {
    return BlockThen(p, {"DEL k", "XGROUP CREATE k g $ MKSTREAM"},
                     "XREADGROUP GROUP g c BLOCK 0 STREAMS k >", {"XADD k 1-0 a 1"},
                     {"XREADGROUP GROUP g c STREAMS k >", "XREADGROUP GROUP g c STREAMS k 0",
                      "XPENDING k g", "XGROUP CREATECONSUMER k g c"});
  });
  // A NOACK reader, served from a MULTI that adds two: both delivered, none pending.
  Same([](int p) {
    return BlockThen(p, {"DEL k", "XGROUP CREATE k g $ MKSTREAM"},
                     "XREADGROUP GROUP g c COUNT 5 NOACK BLOCK 0 STREAMS k >",
                     {"MULTI", "XADD k 1-0 a 1", "XADD k 2-0 b 2", "EXEC"},
                     {"XPENDING k g", "XREADGROUP GROUP g c STREAMS k >"});
  });
  if (StrataHas("xinfo")) {
    Same([](int p) {
      return BlockThen(p, {"DEL k", "XADD k 1-0 a 1", "XGROUP CREATE k g $"},
                       "XREADGROUP GROUP g c BLOCK 0 STREAMS k >", {"XADD k 2-0 b 2"},
                       {"XINFO GROUPS k"});
    });
  }
}

// Readers of one group are served in the order they blocked, one entry each.
TEST_F(StreamBlockingTest, XreadgroupWaitersInOrder) {
  REQUIRE_GROUPS();
  Same([](int p) {
    std::vector<std::string> out;
    Client c(p);
    c.Cmd(Split("DEL k"));
    c.Cmd(Split("XGROUP CREATE k g $ MKSTREAM"));
    Waiter w1(p), w2(p), w3(p);
    Waiter* ws[] = {&w1, &w2, &w3};
    for (int i = 0; i < 3; ++i) {
      ws[i]->Start(Split("XREADGROUP GROUP g c" + std::to_string(i + 1) +
                         " BLOCK 0 STREAMS k >"));
      out.push_back(WaitBlocked(p, i + 1) ? "blocked" : "not blocked");
    }
    for (int i = 0; i < 3; ++i) {
      out.push_back(c.Cmd(Split("XADD k " + std::to_string(i + 1) + "-0 f v")).ToString());
      out.push_back(ws[i]->Get());
      out.push_back("blocked_clients=" + std::to_string(BlockedClients(p)));
    }
    out.push_back(c.Cmd(Split("XPENDING k g")).ToString());
    return out;
  });
}

TEST_F(StreamBlockingTest, XreadgroupWhenTheKeyOrGroupGoes) {
  REQUIRE_GROUPS();
  const std::vector<std::string> setup = {"DEL k", "XGROUP CREATE k g $ MKSTREAM"};
  const std::string block = "XREADGROUP GROUP g c BLOCK 0 STREAMS k >";
  for (const char* act : {"DEL k", "UNLINK k", "SET k str", "XGROUP DESTROY k g", "FLUSHALL"}) {
    SCOPED_TRACE(act);
    Same([&](int p) { return BlockThen(p, setup, block, {act}, {"EXISTS k"}); });
  }
  // A group destroyed and made again before the waiter is looked at: it waits on, and the
  // new group serves it.
  Same([&](int p) {
    return BlockThen(p, setup, block,
                     {"MULTI", "XGROUP DESTROY k g", "XGROUP CREATE k g $", "EXEC", "?blocked",
                      "XADD k 1-0 a 1"},
                     {"XPENDING k g"});
  });
  // Renamed away or its database swapped out: the key is gone for the waiter.
  for (const char* act : {"RENAME k k9", "SWAPDB 0 9"}) {
    SCOPED_TRACE(act);
    Same([&](int p) {
      return BlockThen(p, setup, block, {act}, {"DEL k9", "FLUSHALL"});
    });
  }
}

// A key that expires is deleted like any other for its group readers.
// An expiry is a deletion: found by the active sweep (nothing touches the key) or by a
// command (the sweep off), the waiter is told.
TEST_F(StreamBlockingTest, XreadgroupWhenTheKeyExpires) {
  REQUIRE_GROUPS();
  Same([](int p) {
    return BlockThen(p, {"DEL k", "XGROUP CREATE k g $ MKSTREAM"},
                     "XREADGROUP GROUP g c BLOCK 0 STREAMS k >", {"PEXPIRE k 1", "?unblocked"});
  });
  Same([](int p) {
    return BlockThen(p, {"DEBUG SET-ACTIVE-EXPIRE 0", "DEL k", "XGROUP CREATE k g $ MKSTREAM"},
                     "XREADGROUP GROUP g c BLOCK 0 STREAMS k >",
                     {"PEXPIRE k 1", "?gone k", "DEBUG SET-ACTIVE-EXPIRE 1"});
  });
}

TEST_F(StreamBlockingTest, XreadgroupTimeoutCreatesNoConsumer) {
  REQUIRE_GROUPS();
  BothAll({Split("DEL k"), Split("XGROUP CREATE k g $ MKSTREAM"),
           Split("XREADGROUP GROUP g c BLOCK 5 STREAMS k >"),
           Split("XREADGROUP GROUP g c2 BLOCK 1 STREAMS k >"),
           Split("XGROUP CREATECONSUMER k g c"), Split("XGROUP CREATECONSUMER k g c2")});
  Same([](int p) {
    Client c(p);
    c.Cmd(Split("DEL k"));
    c.Cmd(Split("XGROUP CREATE k g $ MKSTREAM"));
    Waiter w(p);
    const long long id = w.client().Cmd(Args{"CLIENT", "ID"}).integer;
    w.Start(Split("XREADGROUP GROUP g c BLOCK 0 STREAMS k >"));
    std::vector<std::string> out;
    out.push_back(WaitBlocked(p, 1) ? "blocked" : "not blocked");
    out.push_back(c.Cmd(Args{"CLIENT", "UNBLOCK", std::to_string(id)}).ToString());
    out.push_back(w.Get());
    out.push_back(c.Cmd(Split("XGROUP CREATECONSUMER k g c")).ToString());
    return out;
  });
}

// ---- keyspace events ---------------------------------------------------------------------

// Runs commands on one connection while another hears every keyspace event; a PUBLISH on a
// marker channel after each command tells where its events end.
class Tap {
 public:
  explicit Tap(int port) : cmd_(port), sub_(port), mark_(port) {
    cmd_.Cmd(Args{"CONFIG", "SET", "notify-keyspace-events", "KEAn"});
    sub_.Cmd(Args{"PSUBSCRIBE", "__key*__:*"});
    sub_.Cmd(Args{"SUBSCRIBE", "stream-marker"});
  }
  ~Tap() { cmd_.Cmd(Args{"CONFIG", "SET", "notify-keyspace-events", ""}); }
  Client& cmd() { return cmd_; }
  std::string Events() {
    mark_.Cmd(Args{"PUBLISH", "stream-marker", "."});
    std::string out;
    for (int i = 0; i < 1000; ++i) {
      Reply m = sub_.Read();
      if (m.elements.size() == 3 && m.elements[1].str == "stream-marker") break;
      if (m.elements.size() != 4) return out + "unexpected " + m.ToString();
      out += m.elements[2].str + " " + m.elements[3].str + "\n";
    }
    return out;
  }

 private:
  Client cmd_, sub_, mark_;
};

class StreamEventsTest : public BothServersTest<StreamEventsTest> {};

TEST_F(StreamEventsTest, CommandsPublishAsRedis) {
  std::vector<std::string> lines = {
      "FLUSHALL", "XADD s 1-0 a 1", "XADD s 2-0 a 1", "XADD s 1-0 a 1", "XADD s 0-0 a 1",
      "XADD nokey NOMKSTREAM 1-0 a 1", "XADD s NOMKSTREAM 3-0 a 1", "XADD s MAXLEN 2 4-0 a 1",
      "XADD s MAXLEN 10 5-0 a 1", "XADD s MAXLEN 0 6-0 a 1", "XADD s MINID 100 7-0 a 1",
      "XTRIM s MAXLEN 0", "XADD s 8-0 a 1", "XADD s 9-0 a 1", "XTRIM s MAXLEN 5", "XTRIM s MINID 9",
      "XTRIM nokey MAXLEN 0", "XDEL s 1-0", "XDEL s 9-0 9-0 10-0", "XDEL nokey 1-0",
      "XDEL s 9-0", "XSETID s 20-0", "XSETID s 20-0 ENTRIESADDED 50 MAXDELETEDID 10-0",
      "XSETID s 1-0", "XSETID nokey 1-0", "XLEN s", "XRANGE s - +", "XREAD STREAMS s 0",
      "SET str x", "XADD str 1-0 a 1", "XTRIM str MAXLEN 0", "XADD s 30-0 a 1",
      "RENAME s s2", "COPY s2 s3", "EXPIRE s3 100", "PERSIST s3", "MOVE s3 1", "DEL s2",
      "MULTI", "XADD m 1-0 a 1", "XADD m MAXLEN 0 2-0 a 1", "XDEL m 2-0", "EXEC",
  };
  const std::vector<Args> script = {
      {"EVAL",
       "redis.call('XADD',KEYS[1],'1-0','a','1'); redis.call('XTRIM',KEYS[1],'MAXLEN','0');"
       " return redis.call('XSETID',KEYS[1],'5-0')",
       "1", "e"}};
  auto run = [&](ServerProcess* server) {
    Tap tap(server->port());
    std::string out;
    // One statement per step: the command must run before its events are collected.
    for (const std::string& line : lines) {
      out += line + " -> " + tap.cmd().Cmd(Split(line)).ToString() + "\n";
      out += tap.Events();
    }
    for (const Args& a : script) {
      out += tap.cmd().Cmd(a).ToString() + "\n";
      out += tap.Events();
    }
    return out;
  };
  const std::string got = run(strata());
  EXPECT_EQ(got, run(redis()));
  EXPECT_NE(got.find("__keyevent@0__:xtrim s"), std::string::npos) << got;
}

// A served XREADGROUP creates its consumer then; the event comes with the XADD's.
TEST_F(StreamEventsTest, ServedGroupReaderCreatesItsConsumer) {
  {
    Client c(strata()->port());
    Reply r = c.Cmd(Args{"COMMAND", "INFO", "xgroup"});
    if (r.elements.size() != 1 || r.elements[0].type != REDIS_REPLY_ARRAY) {
      GTEST_SKIP() << "XGROUP is not in Strata yet";
    }
  }
  auto run = [](ServerProcess* server) {
    Tap tap(server->port());
    const int p = server->port();
    std::string out = tap.cmd().Cmd(Split("DEL k")).ToString() + "\n";
    out += tap.cmd().Cmd(Split("XGROUP CREATE k g $ MKSTREAM")).ToString() + "\n";
    out += tap.Events();
    Waiter w(p);
    w.Start(Split("XREADGROUP GROUP g c BLOCK 0 STREAMS k >"));
    out += WaitBlocked(p, 1) ? "blocked\n" : "not blocked\n";
    out += tap.cmd().Cmd(Split("XADD k 1-0 a 1")).ToString() + "\n";
    out += w.Get() + "\n";
    out += tap.Events();
    return out;
  };
  const std::string got = run(strata());
  EXPECT_EQ(got, run(redis()));
}

}  // namespace
}  // namespace strata::test
