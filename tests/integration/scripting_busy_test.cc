// Scripts that run long or never end (BUSY, SCRIPT KILL, UNKILLABLE, SHUTDOWN NOSAVE),
// compared with redis-server, and the atomicity of scripts run from many threads at once.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using V = std::vector<std::string>;

std::unique_ptr<ServerProcess> Strata(std::string* error) {
  // Two network threads, both serving: the BUSY replies must come from either.
  return ServerProcess::StartStrata({"--threads", "2", "--set", "server.adaptive_threads=false"},
                                    error);
}
std::unique_ptr<ServerProcess> Redis(std::string* error) {
  return ServerProcess::StartRedis({}, error);
}

// Sends PING on `c` until the reply is an error (the script went busy); returns it.
Reply WaitForBusy(Client& c) {
  for (int i = 0; i < 4000; ++i) {
    Reply r = c.Cmd(V{"PING"});
    if (r.is_error()) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return Reply{};
}

struct KillRun {
  std::string busy;         // what another client got while the script ran
  std::string kill;         // SCRIPT KILL's reply
  std::string script;       // the script's own reply
  std::string after;        // a command once the script ended
  std::string second_kill;  // SCRIPT KILL with no script running
};

KillRun RunKillableScript(ServerProcess* server) {
  KillRun run;
  Client setup(server->port());
  setup.Cmd(V{"CONFIG", "SET", "busy-reply-threshold", "100"});
  Client other(server->port());  // connected before the script starts
  other.Cmd(V{"PING"});
  Client runner(server->port(), 60);
  runner.Append(V{"EVAL", "local i = 0 while true do i = i + 1 end", "0"});
  std::thread t([&] { run.script = runner.Read().ToString(); });
  run.busy = WaitForBusy(other).ToString();
  run.kill = other.Cmd(V{"SCRIPT", "KILL"}).ToString();
  t.join();
  run.after = other.Cmd(V{"SET", "k", "v"}).ToString();
  run.second_kill = other.Cmd(V{"SCRIPT", "KILL"}).ToString();
  return run;
}

TEST(ScriptBusyTest, ScriptKillStopsAScriptThatHasNotWritten) {
  std::string error;
  auto strata = Strata(&error);
  ASSERT_NE(strata, nullptr) << error;
  auto redis = Redis(&error);
  ASSERT_NE(redis, nullptr) << error;
  KillRun s = RunKillableScript(strata.get());
  KillRun r = RunKillableScript(redis.get());
  EXPECT_EQ(s.busy, r.busy);
  EXPECT_EQ(s.kill, r.kill);
  EXPECT_EQ(s.script, r.script);
  EXPECT_EQ(s.after, r.after);
  EXPECT_EQ(s.second_kill, r.second_kill);
  EXPECT_NE(s.busy.find("BUSY"), std::string::npos) << s.busy;
}

struct UnkillableRun {
  std::string busy, kill, shutdown_save, exit;
  bool exited = false;
};

UnkillableRun RunUnkillableScript(ServerProcess* server) {
  UnkillableRun run;
  Client setup(server->port());
  setup.Cmd(V{"CONFIG", "SET", "busy-reply-threshold", "100"});
  Client other(server->port());
  other.Cmd(V{"PING"});
  Client runner(server->port(), 60);
  runner.Append(V{"EVAL", "redis.call('SET', 'w', '1') while true do end", "0"});
  std::thread t([&] { runner.Read(); });
  run.busy = WaitForBusy(other).ToString();
  run.kill = other.Cmd(V{"SCRIPT", "KILL"}).ToString();
  run.shutdown_save = other.Cmd(V{"SHUTDOWN", "SAVE"}).ToString();
  other.Cmd(V{"SHUTDOWN", "NOSAVE"});
  run.exited = server->WaitExit(20000) >= 0;
  t.join();
  return run;
}

TEST(ScriptBusyTest, AScriptThatWroteIsUnkillableButShutdownNosaveEndsIt) {
  std::string error;
  auto strata = Strata(&error);
  ASSERT_NE(strata, nullptr) << error;
  auto redis = Redis(&error);
  ASSERT_NE(redis, nullptr) << error;
  UnkillableRun s = RunUnkillableScript(strata.get());
  UnkillableRun r = RunUnkillableScript(redis.get());
  EXPECT_EQ(s.busy, r.busy);
  EXPECT_EQ(s.kill, r.kill);
  EXPECT_EQ(s.shutdown_save, r.shutdown_save);
  EXPECT_NE(s.kill.find("UNKILLABLE"), std::string::npos) << s.kill;
  EXPECT_TRUE(s.exited) << "strata-server did not exit on SHUTDOWN NOSAVE";
  EXPECT_TRUE(r.exited);
}

TEST(ScriptBusyTest, NewConnectionsDuringABusyScriptAreServed) {
  std::string error;
  // One network thread: the script holds it, and everything else must still be answered.
  auto strata = ServerProcess::StartStrata({"--threads", "1"}, &error);
  ASSERT_NE(strata, nullptr) << error;
  Client setup(strata->port());
  setup.Cmd(V{"CONFIG", "SET", "busy-reply-threshold", "50"});
  Client runner(strata->port(), 60);
  runner.Append(V{"EVAL", "while true do end", "0"});
  std::thread t([&] { runner.Read(); });
  Reply busy = WaitForBusy(setup);
  EXPECT_TRUE(busy.is_error()) << busy.ToString();
  Client late(strata->port());  // accepted while the script runs
  EXPECT_NE(late.Cmd(V{"GET", "x"}).ToString().find("BUSY"), std::string::npos);
  EXPECT_EQ(late.Cmd(V{"SCRIPT", "KILL"}).ToString(), "OK");
  t.join();
  EXPECT_EQ(late.Cmd(V{"PING"}).ToString(), "PONG");
}

// CLIENT PAUSE WRITE holds scripts that may write (EVAL, EVALSHA) and lets read-only ones
// (EVAL_RO) run, as Redis does.
std::vector<std::string> PauseWriteScenario(int port) {
  std::vector<std::string> out;
  Client admin(port), c(port, 60);
  admin.Cmd(V{"DEL", "paused:c"});
  out.push_back(admin.Cmd(V{"CLIENT", "PAUSE", "100000", "WRITE"}).ToString());
  // One batch: by the time EVAL_RO's reply arrives, the EVAL behind it was looked at.
  c.Append(V{"EVAL_RO", "return 'read'", "0"});
  c.Append(V{"EVAL", "return redis.call('INCR', 'paused:c')", "0"});
  out.push_back(c.Read().ToString());
  out.push_back(admin.Cmd(V{"EVAL_RO", "return redis.call('GET', 'paused:c')", "0"}).ToString());
  out.push_back(admin.Cmd(V{"CLIENT", "UNPAUSE"}).ToString());
  out.push_back(c.Read().ToString());
  return out;
}

TEST(ScriptPauseTest, PauseWriteHoldsWritingScriptsOnly) {
  std::string error;
  auto strata = ServerProcess::StartStrata({}, &error);
  ASSERT_NE(strata, nullptr) << error;
  auto redis = Redis(&error);
  ASSERT_NE(redis, nullptr) << error;
  std::vector<std::string> s = PauseWriteScenario(strata->port());
  EXPECT_EQ(s, PauseWriteScenario(redis->port()));
  EXPECT_EQ(s.back(), "(integer) 1");
}

// Acceptance: 8 clients, on different network threads, run a read-modify-write script that
// also touches a key it did not declare, 100,000 times in all; nothing is lost. Two more
// clients INCR the undeclared key meanwhile: one landing between the script's GET and SET
// of it would be lost, so the count shows whether plain commands ever interleave.
TEST(ScriptAtomicityTest, ReadModifyWriteFromEightClientsOnFourThreads) {
  std::string error;
  auto strata = ServerProcess::StartStrata(
      {"--threads", "4", "--set", "server.adaptive_threads=false"}, &error);
  ASSERT_NE(strata, nullptr) << error;
  const std::string body =
      "local v = tonumber(redis.call('GET', KEYS[1]) or '0') "
      "redis.call('SET', KEYS[1], v + 1) "
      "local u = tonumber(redis.call('GET', 'undeclared') or '0') "
      "redis.call('SET', 'undeclared', u + 1) "
      "return v + 1";
  Client setup(strata->port());
  Reply sha = setup.Cmd(V{"SCRIPT", "LOAD", body});
  ASSERT_EQ(sha.str.size(), 40u) << sha.ToString();
  constexpr int kClients = 8, kCalls = 12500, kPipeline = 50;
  constexpr int kIncrClients = 2, kIncrs = 10000;
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int c = 0; c < kIncrClients; ++c) {
    threads.emplace_back([&] {
      Client client(strata->port(), 120);
      for (int done = 0; done < kIncrs; done += kPipeline) {
        for (int i = 0; i < kPipeline; ++i) client.Append(V{"INCR", "undeclared"});
        for (int i = 0; i < kPipeline; ++i) {
          if (client.Read().type != REDIS_REPLY_INTEGER) ++errors;
        }
      }
    });
  }
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&] {
      Client client(strata->port(), 120);
      for (int done = 0; done < kCalls; done += kPipeline) {
        for (int i = 0; i < kPipeline; ++i) client.Append(V{"EVALSHA", sha.str, "1", "counter"});
        for (int i = 0; i < kPipeline; ++i) {
          if (client.Read().type != REDIS_REPLY_INTEGER) ++errors;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(setup.Cmd(V{"GET", "counter"}).str, std::to_string(kClients * kCalls));
  EXPECT_EQ(setup.Cmd(V{"GET", "undeclared"}).str,
            std::to_string(kClients * kCalls + kIncrClients * kIncrs));
}

}  // namespace
}  // namespace strata::test
