// The start-up restore runs while the server already accepts connections: commands without
// Redis's "loading" flag answer -LOADING (inside MULTI too), INFO reports the progress, and
// a shutdown interrupts the load. checkpoint.key_load_delay_us makes the load slow enough
// to watch.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using Args = std::vector<std::string>;
const char kLoading[] = "LOADING Redis is loading the dataset in memory";
constexpr int kKeys = 2000;

// "k12" (built with += because GCC 12 warns falsely about Name('k', i)).
std::string Name(char prefix, int i) {
  std::string s(1, prefix);
  s += std::to_string(i);
  return s;
}

// A stopped server whose checkpoint directory holds one checkpoint of kKeys strings and a
// hash; nullptr (with a test failure) if that did not work.
std::unique_ptr<ServerProcess> SavedServer() {
  std::string error;
  auto p = ServerProcess::StartStrata({}, &error);
  EXPECT_NE(p, nullptr) << error;
  if (p == nullptr) return nullptr;
  Client c(p->port());
  for (int i = 0; i < kKeys; ++i) c.Append(Args{"SET", Name('k', i), Name('v', i)});
  for (int i = 0; i < kKeys; ++i) c.Read();
  c.Cmd(Args{"HSET", "h", "f1", "a", "f2", "b"});
  EXPECT_EQ(c.Cmd(Args{"SAVE"}).ToString(), "OK");
  EXPECT_EQ(p->Stop(), 0);
  return p;
}

// A server restoring `saved`'s checkpoint at `delay_us` per key, returned as soon as it
// listens (so still loading).
std::unique_ptr<ServerProcess> StartLoading(const ServerProcess& saved, int delay_us) {
  std::string error;
  auto p = ServerProcess::StartStrata(
      {"--set", "checkpoint.dir=" + saved.dir() + "/data/checkpoints", "--set",
       "checkpoint.key_load_delay_us=" + std::to_string(delay_us)},
      &error, /*serving=*/false);
  EXPECT_NE(p, nullptr) << error;
  return p;
}

std::string Info(Client& c, const std::string& section) { return c.Cmd(Args{"INFO", section}).str; }

TEST(LoadingTest, CommandsAnswerLoadingUntilRestored) {
  auto saved = SavedServer();
  ASSERT_NE(saved, nullptr);
  // 2000 keys at 1.5 ms each: about 3 s of loading.
  auto p = StartLoading(*saved, 1500);
  ASSERT_NE(p, nullptr);
  Client c(p->port());
  ASSERT_TRUE(c.connected());

  Reply get = c.Cmd(Args{"GET", "k1"});
  EXPECT_TRUE(get.is_error());
  EXPECT_EQ(get.str, kLoading);
  EXPECT_EQ(c.Cmd(Args{"PING"}).str, kLoading);  // PING lacks the flag in Redis too
  std::string persistence = Info(c, "persistence");
  EXPECT_NE(persistence.find("\r\nloading:1\r\n"), std::string::npos) << persistence;
  for (const char* field :
       {"loading_start_time:", "loading_total_bytes:", "loading_rdb_used_mem:",
        "loading_loaded_bytes:", "loading_loaded_perc:", "loading_eta_seconds:"}) {
    EXPECT_NE(persistence.find(std::string("\r\n") + field), std::string::npos) << field;
  }
  // Redis 7.0 appends them at the end of the section.
  EXPECT_LT(persistence.find("module_fork_last_cow_size:"),
            persistence.find("loading_start_time:"));
  // The full INFO (its keyspace section reads the engine) is served in the middle of the
  // load, not after it: its own reply still says loading.
  std::string all = c.Cmd(Args{"INFO"}).str;
  EXPECT_NE(all.find("\r\nloading:1\r\n"), std::string::npos);
  EXPECT_EQ(c.Cmd(Args{"CONFIG", "GET", "port"}).elements.size(), 2u);
  // Refused before queuing, so the transaction is aborted.
  EXPECT_EQ(c.Cmd(Args{"MULTI"}).ToString(), "OK");
  EXPECT_EQ(c.Cmd(Args{"GET", "k1"}).str, kLoading);
  EXPECT_EQ(c.Cmd(Args{"EXEC"}).str, "EXECABORT Transaction discarded because of previous errors.");
  EXPECT_NE(Info(c, "persistence").find("\r\nloading:1\r\n"), std::string::npos)
      << "the load ended before the checks: make it slower";

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (c.Cmd(Args{"PING"}).str != "PONG" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(c.Cmd(Args{"PING"}).str, "PONG");
  persistence = Info(c, "persistence");
  EXPECT_NE(persistence.find("\r\nloading:0\r\n"), std::string::npos) << persistence;
  EXPECT_EQ(persistence.find("loading_start_time"), std::string::npos) << persistence;
  EXPECT_NE(persistence.find("\r\nrdb_last_load_keys_loaded:2001\r\n"), std::string::npos);
  EXPECT_EQ(c.Cmd(Args{"DBSIZE"}).integer, kKeys + 1);
  for (int i = 0; i < kKeys; i += 97) {
    EXPECT_EQ(c.Cmd(Args{"GET", Name('k', i)}).str, Name('v', i));
  }
  EXPECT_EQ(c.Cmd(Args{"HGET", "h", "f2"}).str, "b");
  EXPECT_NE(p->Log().find("loaded checkpoint"), std::string::npos) << p->Log();
}

TEST(LoadingTest, ShutdownInterruptsTheLoad) {
  auto saved = SavedServer();
  ASSERT_NE(saved, nullptr);
  // 2000 keys at 10 ms each would take 20 s; both shutdowns must come long before.
  auto p = StartLoading(*saved, 10000);
  ASSERT_NE(p, nullptr);
  {
    Client c(p->port());
    ASSERT_EQ(c.Cmd(Args{"GET", "k1"}).str, kLoading);
    c.Cmd(Args{"SHUTDOWN", "NOSAVE"});
  }
  EXPECT_EQ(p->WaitExit(10000), 0) << p->Log();

  auto q = StartLoading(*saved, 10000);
  ASSERT_NE(q, nullptr);
  {
    Client c(q->port());
    ASSERT_EQ(c.Cmd(Args{"GET", "k1"}).str, kLoading);
  }
  EXPECT_EQ(q->Stop(), 0) << q->Log();  // SIGTERM; Stop gives up (-1) after 5 s
  EXPECT_NE(q->Log().find("interrupted by shutdown"), std::string::npos) << q->Log();
}

TEST(LoadingTest, FailedLoadExitsWithTheError) {
  // The listener is open before the load fails: the exit status and message are those of
  // any start-up failure.
  std::string error;
  auto p = ServerProcess::StartStrata({"--restore", StrataBinary()}, &error, /*serving=*/false);
  if (p != nullptr) {  // it may be gone before the harness saw it listen
    EXPECT_EQ(p->WaitExit(20000), 1);
    EXPECT_NE(p->Log().find("strata-server: cannot start: checkpoint " + StrataBinary() +
                            ": not a checkpoint file (bad magic) in header at offset 0"),
              std::string::npos)
        << p->Log();
  } else {
    EXPECT_NE(error.find("bad magic"), std::string::npos) << error;
  }
}

// Keys a checkpoint brings back are not "new": a subscriber connected during the load hears
// nothing from it, and the first event it gets is the first write after it.
TEST(LoadingTest, RestoredKeysPublishNoEvents) {
  auto saved = SavedServer();
  ASSERT_NE(saved, nullptr);
  std::string error;
  auto p = ServerProcess::StartStrata(
      {"--set", "checkpoint.dir=" + saved->dir() + "/data/checkpoints", "--set",
       "checkpoint.key_load_delay_us=500", "--set", "server.notify_keyspace_events=KEAn"},
      &error, /*serving=*/false);
  ASSERT_NE(p, nullptr) << error;
  Client sub(p->port());
  ASSERT_EQ(sub.Cmd(Args{"PSUBSCRIBE", "__key*__:*"}).elements.size(), 3u);
  Client c(p->port());
  EXPECT_NE(Info(c, "persistence").find("\r\nloading:1\r\n"), std::string::npos)
      << "the load ended before the subscriber came: make it slower";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (c.Cmd(Args{"PING"}).str != "PONG" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(c.Cmd(Args{"SET", "after", "v"}).str, "OK");
  Reply first = sub.Read();
  ASSERT_EQ(first.elements.size(), 4u) << first.ToString();
  EXPECT_EQ(first.elements[2].str, "__keyspace@0__:after");
  EXPECT_EQ(first.elements[3].str, "new");  // "n" is on: only the new key's own event
}

}  // namespace
}  // namespace strata::test
