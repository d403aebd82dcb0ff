// MULTI/EXEC/DISCARD/WATCH/UNWATCH against a real strata-server (several network threads)
// and Debian's redis-server 7.0: every reply must match.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using Args = std::vector<std::string>;

class TransactionTest : public BothClientsTest<TransactionTest> {
 public:
  static std::vector<std::string> StrataArgs() { return {"--threads", "4"}; }

 protected:
  // A second connection to each server, for "another client" steps.
  void SetUp() override {
    BothClientsTest<TransactionTest>::SetUp();
    if (HasFatalFailure()) return;
    s2_ = std::make_unique<Client>(strata()->port());
    r2_ = std::make_unique<Client>(redis()->port());
    Both({"FLUSHALL"});
  }
  Reply Other(const Args& args) { return ExpectSameReply(s2_.get(), r2_.get(), args); }

  std::unique_ptr<Client> s2_;
  std::unique_ptr<Client> r2_;
};

TEST_F(TransactionTest, QueueAndExec) {
  BothAll({
      {"MULTI"},
      {"SET", "t:a", "1"},
      {"INCR", "t:a"},
      {"GET", "t:a"},
      {"RPUSH", "t:l", "x", "y"},
      {"LRANGE", "t:l", "0", "-1"},
      {"PING"},
      {"EXEC"},
      {"GET", "t:a"},
      {"MULTI"},
      {"EXEC"},
  });
}

TEST_F(TransactionTest, QueueTimeErrorsAbort) {
  BothAll({
      {"SET", "t:a", "1"},
      {"MULTI"},
      {"INCR", "t:a"},
      {"NOSUCHCOMMAND", "x"},
      {"INCR", "t:a"},
      {"EXEC"},
      {"GET", "t:a"},
      {"MULTI"},
      {"INCR", "t:a"},
      {"GET"},
      {"EXEC"},
      {"GET", "t:a"},
      {"EXEC"},
  });
}

TEST_F(TransactionTest, RuntimeErrorsDoNotAbort) {
  BothAll({
      {"SET", "t:s", "str"},
      {"MULTI"},
      {"INCR", "t:s"},
      {"LPUSH", "t:s", "x"},
      {"SET", "t:b", "2"},
      {"INCRBY", "t:b", "x"},
      {"INCR", "t:b"},
      {"EXEC"},
      {"GET", "t:b"},
  });
}

TEST_F(TransactionTest, MisplacedCommands) {
  BothAll({
      {"EXEC"},
      {"DISCARD"},
      {"MULTI"},
      {"MULTI"},
      {"WATCH", "t:a"},
      {"SET", "t:a", "1"},
      {"EXEC"},
      {"GET", "t:a"},
      {"MULTI"},
      {"SET", "t:a", "2"},
      {"EXEC", "extra"},
      {"GET", "t:a"},
      {"EXEC"},
      {"MULTI"},
      {"SET", "t:a", "3"},
      {"DISCARD", "extra"},
      {"DISCARD"},
      {"GET", "t:a"},
      {"MULTI", "extra"},
      {"WATCH"},
      {"UNWATCH", "x"},
  });
}

TEST_F(TransactionTest, SelectInsideTransaction) {
  BothAll({
      {"MULTI"},
      {"SET", "t:k", "db0"},
      {"SELECT", "2"},
      {"SET", "t:k", "db2"},
      {"GET", "t:k"},
      {"EXEC"},
      {"GET", "t:k"},
      {"SELECT", "0"},
      {"GET", "t:k"},
      {"SELECT", "2"},
      {"FLUSHDB"},
      {"SELECT", "0"},
  });
}

TEST_F(TransactionTest, WatchModifiedByOtherConnection) {
  BothAll({{"SET", "t:w", "1"}, {"WATCH", "t:w"}});
  Other({"SET", "t:w", "2"});
  BothAll({{"MULTI"}, {"SET", "t:w", "3"}, {"EXEC"}, {"GET", "t:w"}});
  // The failed EXEC dropped the watch: the next transaction runs.
  BothAll({{"MULTI"}, {"SET", "t:w", "4"}, {"EXEC"}, {"GET", "t:w"}});
}

TEST_F(TransactionTest, WatchModifiedBySameConnection) {
  BothAll({
      {"SET", "t:w", "1"},
      {"WATCH", "t:w"},
      {"INCR", "t:w"},
      {"MULTI"},
      {"INCR", "t:w"},
      {"EXEC"},
      {"GET", "t:w"},
  });
}

TEST_F(TransactionTest, WatchKeyThatExpires) {
  BothAll({{"SET", "t:e", "1"}, {"PEXPIRE", "t:e", "50"}, {"WATCH", "t:e"}});
  BothAll({{"SET", "t:sentinel", "1"}, {"PEXPIRE", "t:sentinel", "50"}});
  for (Client* c : {s_.get(), r_.get()}) ASSERT_TRUE(WaitUntilGone(*c, "t:sentinel"));
  BothAll({{"MULTI"}, {"PING"}, {"EXEC"}, {"EXISTS", "t:e"}});
}

// WATCH, then another connection runs `by`; returns the EXEC reply of both servers.
void WatchThen(TransactionTest* t, const std::vector<Args>& setup, const Args& by,
               const std::function<Reply(const Args&)>& both,
               const std::function<Reply(const Args&)>& other) {
  for (const Args& a : setup) both(a);
  both({"WATCH", "t:x"});
  other(by);
  both({"MULTI"});
  both({"PING"});
  both({"EXEC"});
  both({"FLUSHALL"});
  (void)t;
}

TEST_F(TransactionTest, WatchThenFlushOrSwapByOtherClient) {
  auto both = [this](const Args& a) { return Both(a); };
  auto other = [this](const Args& a) { return Other(a); };
  const std::vector<Args> bys = {{"FLUSHDB"}, {"FLUSHALL"}, {"SWAPDB", "0", "1"}};
  for (const Args& by : bys) {
    SCOPED_TRACE(PrintableCommand(by));
    // The watched key existed.
    WatchThen(this, {{"SET", "t:x", "1"}}, by, both, other);
    // The watched key was missing and stays missing.
    WatchThen(this, {{"SET", "t:other", "1"}}, by, both, other);
  }
  // SWAPDB bringing the watched key in from the other db.
  WatchThen(this, {{"SELECT", "1"}, {"SET", "t:x", "1"}, {"SELECT", "0"}}, {"SWAPDB", "0", "1"},
            both, other);
}

TEST_F(TransactionTest, WatchMissingKeyThatStaysMissing) {
  BothAll({{"WATCH", "t:none"}});
  Other({"SET", "t:unrelated", "1"});
  Other({"DEL", "t:none"});
  BothAll({{"MULTI"}, {"SET", "t:y", "1"}, {"EXEC"}});
}

TEST_F(TransactionTest, UnwatchAndDiscardClearWatches) {
  BothAll({{"SET", "t:w", "1"}, {"WATCH", "t:w"}, {"UNWATCH"}});
  Other({"SET", "t:w", "2"});
  BothAll({{"MULTI"}, {"GET", "t:w"}, {"EXEC"}});
  BothAll({{"WATCH", "t:w"}, {"MULTI"}, {"DISCARD"}});
  Other({"SET", "t:w", "3"});
  BothAll({{"MULTI"}, {"GET", "t:w"}, {"EXEC"}});
  // Watching several keys; a change to any of them aborts.
  BothAll({{"WATCH", "t:w", "t:v"}, {"WATCH", "t:u"}});
  Other({"SET", "t:u", "1"});
  BothAll({{"MULTI"}, {"GET", "t:w"}, {"EXEC"}});
}

TEST_F(TransactionTest, ResetInsideMulti) {
  BothAll({
      {"SET", "t:w", "1"},
      {"WATCH", "t:w"},
      {"SELECT", "3"},
      {"MULTI"},
      {"SET", "t:r", "1"},
      {"RESET"},
      {"EXEC"},
      {"GET", "t:r"},
  });
  Other({"SET", "t:w", "2"});
  // RESET dropped the watch as well.
  BothAll({{"MULTI"}, {"GET", "t:w"}, {"EXEC"}});
}

TEST_F(TransactionTest, WholeKeyspaceCommandsInsideExec) {
  BothAll({
      {"MSET", "t:1", "a", "t:2", "b", "t:3", "c"},
      {"MULTI"},
      {"DBSIZE"},
      {"KEYS", "t:[1]"},  // one match: KEYS order is not deterministic
      {"SET", "t:4", "d"},
      {"DBSIZE"},
      {"FLUSHDB"},
      {"DBSIZE"},
      {"SET", "t:5", "e"},
      {"KEYS", "*"},
      {"EXEC"},
      {"DBSIZE"},
  });
}

TEST_F(TransactionTest, ManyKeysAcrossShards) {
  std::vector<Args> cmds = {{"MULTI"}};
  for (int i = 0; i < 64; ++i) {
    std::string k = "t:many:" + std::to_string(i);
    cmds.push_back({"SET", k, std::to_string(i)});
    cmds.push_back({"INCR", k});
  }
  Args mget = {"MGET"};
  for (int i = 0; i < 64; ++i) mget.push_back("t:many:" + std::to_string(i));
  cmds.push_back(mget);
  cmds.push_back({"DEL", "t:many:1", "t:many:40", "t:many:63", "t:nothere"});
  cmds.push_back({"RENAME", "t:many:2", "t:many:renamed"});
  cmds.push_back({"EXEC"});
  cmds.push_back(mget);
  BothAll(cmds);
}

TEST_F(TransactionTest, ExecIsAtomic) {
  // One client runs INCR a; INCR b in EXECs while another reads both: always equal.
  Client writer(port());
  Client reader(port());
  ASSERT_TRUE(writer.connected() && reader.connected());
  writer.Cmd(Args{"DEL", "t:a", "t:b"});
  std::atomic<bool> failed{false};
  std::thread w([&] {
    for (int i = 0; i < 200; ++i) {
      writer.Cmd(Args{"MULTI"});
      writer.Cmd(Args{"INCR", "t:a"});
      writer.Cmd(Args{"INCR", "t:b"});
      Reply r = writer.Cmd(Args{"EXEC"});
      if (r.type != REDIS_REPLY_ARRAY || r.elements.size() != 2) failed = true;
    }
  });
  int unequal = 0;
  std::string example;
  for (int i = 0; i < 200; ++i) {
    Reply r = reader.Cmd(Args{"MGET", "t:a", "t:b"});
    if (r.elements.size() != 2 || r.elements[0].str != r.elements[1].str) {
      if (unequal++ == 0) example = r.ToString();
    }
  }
  w.join();
  EXPECT_FALSE(failed);
  EXPECT_EQ(unequal, 0) << "e.g. " << example;
  Reply end = reader.Cmd(Args{"MGET", "t:a", "t:b"});
  ASSERT_EQ(end.elements.size(), 2u);
  EXPECT_EQ(end.elements[0].str, "200");
  EXPECT_EQ(end.elements[1].str, "200");
}

}  // namespace
}  // namespace strata::test
