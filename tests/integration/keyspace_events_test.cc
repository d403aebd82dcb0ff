// Keyspace notifications against redis-server: CONFIG notify-keyspace-events, the events
// every command family publishes (names, order, channels, "new" and "del" of emptied keys),
// lazy and active expiry, blocked clients being served, a RESP3 client hearing its own
// events, and a seeded stream of generated commands whose events must match Redis's.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "command_generator.h"
#include "differential_client.h"
#include "harness.h"

namespace strata::test {
namespace {

using V = std::vector<std::string>;

// A server under observation: `cmd` runs commands, `sub` hears every keyspace event, and a
// marker published on `mark` after each command tells `sub` where that command's events end.
class EventTap {
 public:
  EventTap(int port, const std::string& flags) : cmd_(port), sub_(port), mark_(port) {
    cmd_.Cmd(V{"CONFIG", "SET", "notify-keyspace-events", flags});
    sub_.Cmd(V{"PSUBSCRIBE", "__key*__:*"});
    sub_.Cmd(V{"SUBSCRIBE", "marker"});
  }
  bool ok() { return cmd_.connected() && sub_.connected() && mark_.connected(); }
  Client& cmd() { return cmd_; }

  // Runs `args` and returns its reply, then the events it caused ("channel payload").
  std::pair<std::string, std::vector<std::string>> Run(const V& args, bool keep_expired = true) {
    std::string reply = cmd_.Cmd(args).ToString();
    return {reply, Drain(keep_expired)};
  }
  // The events published since the last marker.
  std::vector<std::string> Drain(bool keep_expired = true) {
    mark_.Cmd(V{"PUBLISH", "marker", "x"});
    std::vector<std::string> events;
    for (int i = 0; i < 100000; ++i) {
      Reply m = sub_.Read();
      if (m.elements.size() == 3 && m.elements[1].str == "marker") break;
      if (m.elements.size() != 4) {
        events.push_back("unexpected: " + m.ToString());
        break;
      }
      const std::string& channel = m.elements[2].str;
      if (!keep_expired && channel.find(":expired") != std::string::npos) continue;
      if (!keep_expired && m.elements[3].str == "expired") continue;
      events.push_back(channel + " " + m.elements[3].str);
    }
    return events;
  }
  // Waits (up to 10 s) for the next event and returns it; "" if none came.
  std::string Next() {
    Reply m = sub_.Read();
    return m.elements.size() == 4 ? m.elements[2].str + " " + m.elements[3].str : "";
  }

 private:
  Client cmd_, sub_, mark_;
};

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += s + "\n";
  return out;
}

class KeyspaceEventsTest : public BothServersTest<KeyspaceEventsTest> {
 protected:
  void SetUp() override {
    BothServersTest::SetUp();
    if (HasFatalFailure()) return;
    for (ServerProcess* p : {strata(), redis()}) {
      Client c(p->port());
      c.Cmd(V{"FLUSHALL"});
      c.Cmd(V{"DEBUG", "SET-ACTIVE-EXPIRE", "1"});
    }
  }
  void TearDown() override {
    for (ServerProcess* p : {strata(), redis()}) {
      if (p == nullptr) continue;
      Client c(p->port());
      c.Cmd(V{"CONFIG", "SET", "notify-keyspace-events", ""});
    }
  }
  // Runs `commands` on both servers with `flags`, comparing each reply and its events.
  void SameEvents(const std::string& flags, const std::vector<V>& commands) {
    EventTap s(strata()->port(), flags);
    EventTap r(redis()->port(), flags);
    ASSERT_TRUE(s.ok() && r.ok());
    for (const V& args : commands) {
      // "expired" comes whenever each server's sweep finds the key: tested on its own.
      auto a = s.Run(args, false);
      auto b = r.Run(args, false);
      EXPECT_EQ(a.first, b.first) << RespCommand(args);
      EXPECT_EQ(Join(a.second), Join(b.second)) << RespCommand(args);
    }
  }
};

TEST_F(KeyspaceEventsTest, ConfigParameter) {
  for (const char* flags : {"KEA", "lg", "gl", "AKEm", "g$lshzxetdKEmn", "KEAn", "Ex", "K$", "",
                            "Kq", "KEA ", "A", "n", "m", "e", "t", "d"}) {
    ExpectSameAsRedis({{"CONFIG", "SET", "notify-keyspace-events", flags},
                       {"CONFIG", "GET", "notify-keyspace-events"}});
  }
}

TEST_F(KeyspaceEventsTest, EveryFamilyAsRedis) {
  std::vector<V> commands;
  for (const char* line : {
           // strings
           "SET s v", "SET s v NX", "SET s v2 XX", "SET s v GET", "SETNX s2 v", "SETEX s3 100 v",
           "PSETEX s4 100000 v", "GETSET s v3", "GETDEL s4", "GETEX s EX 100", "GETEX s PERSIST",
           "GETEX s PXAT 1", "APPEND s x", "APPEND s2 x", "SETRANGE s 1 ab", "SETRANGE s9 2 x",
           "INCR n", "INCRBY n 5", "DECR n", "DECRBY n 2", "INCRBYFLOAT n 1.5", "INCR s",
           "MSET a 1 b 2", "MSETNX c 1 d 2", "MSETNX c 1 e 2", "SET p v PXAT 1",
           // keyspace
           "DEL a b zz", "UNLINK c", "EXPIRE d 100", "PEXPIRE d 100000", "EXPIREAT d 99999999999",
           "EXPIRE d 100 NX", "EXPIRE d -1", "SET e v", "PERSIST e", "EXPIRE e 100", "PERSIST e",
           "RENAME e e2", "SET x 1", "RENAME e2 x", "RENAMENX x e3", "RENAMENX e3 e3",
           "COPY e3 e4", "COPY e3 e4", "COPY e3 e4 REPLACE", "COPY e3 e4 DB 2", "MOVE e4 1",
           "MOVE nope 1",
           // lists
           "LPUSH l a b c", "RPUSH l d", "LPUSHX l e", "RPUSHX nol x", "LINSERT l BEFORE a x",
           "LINSERT l BEFORE nope x", "LSET l 0 y", "LREM l 1 x", "LREM l 0 nope", "LTRIM l 0 10",
           "LPOP l", "RPOP l", "LPOP l 0", "LMOVE l l2 LEFT RIGHT", "RPOPLPUSH l2 l",
           "LMOVE l l LEFT LEFT", "LMPOP 1 l LEFT COUNT 10", "LPUSH l a", "BLPOP l 1",
           "RPUSH l a b", "LTRIM l 5 10", "RPUSH l a", "BLMPOP 1 1 l RIGHT", "RPUSH l2 q",
           "BLMOVE l2 l3 RIGHT LEFT 1", "BRPOPLPUSH l3 l4 1",
           // hashes
           "HSET h f v g w", "HSET h f v", "HMSET h x 1", "HSETNX h f z", "HSETNX h n2 z",
           "HINCRBY h n 1", "HINCRBYFLOAT h x 1.5", "HDEL h nope", "HDEL h f g n x n2",
           // sets
           "SADD st a b c", "SADD st a", "SREM st a", "SREM st zz", "SREM st b", "SPOP st",
           "SADD st c", "SMOVE st st2 c", "SMOVE st st2 b", "SADD si 1 2 3", "SPOP si 0",
           "SPOP si 10", "SADD st a b",
           "SADD st2 b", "SINTERSTORE dst st st2", "SUNIONSTORE dst st st2",
           "SDIFFSTORE dst st st2", "SDIFFSTORE dst nope", "SINTERSTORE dst nope",
           // sorted sets
           "ZADD z 1 a 2 b", "ZADD z 1 a", "ZADD z INCR 5 a", "ZADD z XX 1 zz", "ZINCRBY z 1 b",
           "ZREM z a", "ZREM z nope", "ZADD z 1 c 2 d 3 e", "ZREMRANGEBYSCORE z 0 1",
           "ZREMRANGEBYRANK z 0 0", "ZREMRANGEBYRANK z 5 9", "ZREMRANGEBYLEX z - +",
           "ZADD z 1 a 2 b", "ZPOPMIN z", "ZPOPMAX z", "ZPOPMIN z", "BZPOPMIN z 0.01",
           "ZADD z 1 a 2 b 3 c", "BZPOPMAX z 1", "ZADD z2 1 x", "ZUNIONSTORE zu 2 z z2",
           "ZINTERSTORE zi 2 z z2", "ZDIFFSTORE zd 2 z z2", "ZRANGESTORE zr z 0 -1",
           "ZRANGESTORE zr z 5 9", "ZMPOP 1 z MIN", "BZMPOP 1 1 z2 MAX COUNT 5",
           // transactions and scripts publish as the commands they run
           "MULTI", "SET t 1", "INCR t", "LPUSH tl a", "EXEC",
           "EVAL \"redis.call('SET', KEYS[1], 'x') redis.call('DEL', KEYS[1])\" 1 ev",
           // databases
           "SELECT 3", "SET in3 v", "EXPIRE in3 100", "SELECT 0", "SWAPDB 0 3", "FLUSHDB",
           "FLUSHALL"}) {
    V args;
    std::string cur;
    bool quoted = false;
    for (char ch : std::string(line)) {
      if (ch == '"') {
        quoted = !quoted;
      } else if (ch == ' ' && !quoted) {
        args.push_back(cur);
        cur.clear();
      } else {
        cur += ch;
      }
    }
    args.push_back(cur);
    commands.push_back(args);
  }
  SameEvents("KEA", commands);
  SameEvents("KEAn", commands);
  SameEvents("Elh", commands);  // only some classes, key-event channels only
  SameEvents("K$g", commands);  // keyspace channels only
  SameEvents("g", commands);    // neither K nor E: nothing at all
}

// A blocked client served by another client's push publishes its pop, as Redis.
TEST_F(KeyspaceEventsTest, ServedBlockedClients) {
  auto run = [](ServerProcess* server) {
    EventTap tap(server->port(), "KEA");
    std::string out;
    for (const char* blocker : {"BLPOP", "BZPOPMIN", "BLMOVE"}) {
      Client blocked(server->port());
      const std::string b = blocker;
      const V args = b == "BLMOVE" ? V{"BLMOVE", "bk", "dst", "LEFT", "RIGHT", "5"}
                                   : V{blocker, "bk", "5"};
      std::string got;
      std::thread waiter([&] { got = blocked.Cmd(args).ToString(); });
      // Wait until it is blocked before serving it.
      for (int i = 0; i < 2000; ++i) {
        Reply info = tap.cmd().Cmd(V{"INFO", "clients"});
        if (info.str.find("blocked_clients:1") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      tap.cmd().Cmd(b == "BZPOPMIN" ? V{"ZADD", "bk", "1", "m"} : V{"RPUSH", "bk", "e"});
      // The served client's reply comes after its events. An engine that must load the
      // destination first (BLMOVE) may serve it after the push has been answered, so wait
      // for the reply, not for the push.
      waiter.join();
      out += b + ": " + got + "\n" + Join(tap.Drain());
    }
    return out;
  };
  const std::string s = run(strata());
  EXPECT_EQ(s, run(redis()));
  EXPECT_NE(s.find("__keyevent@0__:lpop bk"), std::string::npos) << s;
  EXPECT_NE(s.find("__keyevent@0__:zpopmin bk"), std::string::npos) << s;
}

// Lazy expiry (a command finding the key past its time) and the background sweep both
// publish "expired".
TEST_F(KeyspaceEventsTest, ExpiredLazilyAndActively) {
  auto run = [](ServerProcess* server) {
    EventTap tap(server->port(), "KEA");
    std::string out;
    tap.cmd().Cmd(V{"DEBUG", "SET-ACTIVE-EXPIRE", "0"});
    tap.Run(V{"SET", "lazy", "v", "PX", "1"});
    tap.Run(V{"SET", "sentinel", "v", "PX", "1"});
    // Wait for the sentinel's deadline by asking about it (that reaps only the sentinel).
    for (int i = 0; i < 2000 && tap.cmd().Cmd(V{"EXISTS", "sentinel"}).integer == 1; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    tap.Drain();
    auto r = tap.Run(V{"GET", "lazy"});
    out += "lazy: " + r.first + "\n" + Join(r.second);
    tap.cmd().Cmd(V{"DEBUG", "SET-ACTIVE-EXPIRE", "1"});
    tap.cmd().Cmd(V{"SET", "active", "v", "PX", "1"});
    // The set events, then the sweep's, whenever it comes.
    out += "active: " + tap.Next() + ", " + tap.Next() + ", " + tap.Next() + ", " + tap.Next() +
           ", " + tap.Next() + ", " + tap.Next() + "\n";
    return out;
  };
  const std::string s = run(strata());
  EXPECT_EQ(s, run(redis()));
  EXPECT_NE(s.find("__keyevent@0__:expired active"), std::string::npos) << s;
}

// A RESP3 client subscribed to its own events gets each one before its command's reply.
TEST_F(KeyspaceEventsTest, Resp3ClientHearsItsOwnEventsFirst) {
  for (ServerProcess* p : {strata(), redis()}) {
    Client c(p->port());
    c.Cmd(V{"CONFIG", "SET", "notify-keyspace-events", "KEA"});
  }
  const std::string batch = RespCommand({"SUBSCRIBE", "__keyevent@0__:set", "__keyspace@0__:k"}) +
                            RespCommand({"SET", "k", "v"}) + RespCommand({"INCR", "k"}) +
                            RespCommand({"DEL", "k"}) + RespCommand({"SET", "other", "v"});
  EXPECT_EQ(Resp3Replies(strata()->port(), batch), Resp3Replies(redis()->port(), batch));
}

// Seeded random commands from the differential generator, each with the events it
// published compared with Redis's ("expired" left out: the sweep's timing is its own).
TEST(KeyspaceEventsDifferentialTest, SeededCommandsPublishAsRedis) {
  const std::uint64_t seed = EnvNumber("STRATA_DIFF_SEED", 20261207) + 7;
  const std::size_t count = EnvNumber("STRATA_DIFF_EVENTS", 20000);
  std::string err;
  auto redis = ServerProcess::StartRedis({}, &err);
  ASSERT_NE(redis, nullptr) << err;
  auto strata = ServerProcess::StartStrata({}, &err);
  ASSERT_NE(strata, nullptr) << err;
  EventTap s(strata->port(), "KEAn");
  EventTap r(redis->port(), "KEAn");
  ASSERT_TRUE(s.ok() && r.ok());
  CommandGenerator gen(seed);
  std::size_t mismatches = 0, events = 0;
  for (std::size_t i = 0; i < count && mismatches < 20; ++i) {
    GeneratedCommand c = gen.Next();
    auto a = s.Run(c.args, false);
    auto b = r.Run(c.args, false);
    events += b.second.size();
    if (a.second != b.second) {
      ++mismatches;
      ADD_FAILURE() << "command " << i << " " << Abbrev(RespCommand(c.args)) << "\nstrata:\n"
                    << Join(a.second) << "redis:\n" << Join(b.second)
                    << "reproduce with STRATA_DIFF_SEED=" << seed - 7;
    }
  }
  std::printf("keyspace events: %zu commands, %zu events from redis, %zu mismatches\n", count,
              events, mismatches);
  EXPECT_GT(events, count / 4) << "the generator's commands published few events";
  EXPECT_TRUE(strata->Alive());
}

}  // namespace
}  // namespace strata::test
