// BGSAVE end to end: replies and INFO compared with redis-server, the point-in-time snapshot
// under concurrent writes (and FLUSHALL / SWAPDB), crash safety when the server is killed
// mid-save, the checkpoint schedule, and saving at SHUTDOWN / SIGTERM.
//
// Dataset sizes scale with kFillerKeys (and the STRATA_BGSAVE_SCALE environment variable, a
// factor, for trying larger or smaller ones without recompiling): they are tuned so that a
// BGSAVE takes long enough (>= ~100 ms in Release) for commands to run while it does.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

namespace fs = std::filesystem;
using Args = std::vector<std::string>;
using Clock = std::chrono::steady_clock;

// String keys of the filler dataset (before STRATA_BGSAVE_SCALE).
constexpr int kFillerKeys = 200000;
// Elements in each of the big collections added to the filler.
constexpr int kCollectionSize = 20000;
// Crash-safety iterations.
constexpr int kCrashIterations = 20;

int Scaled(int n) {
  if (const char* env = std::getenv("STRATA_BGSAVE_SCALE")) {
    double f = std::atof(env);
    if (f > 0) return std::max(1, static_cast<int>(n * f));
  }
  return n;
}

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string CheckpointDir(const ServerProcess& p) { return p.dir() + "/data/checkpoints"; }

// All files of the checkpoint directory (complete and temporary), sorted.
std::vector<std::string> DirFiles(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The complete checkpoints (checkpoint-*.strata), oldest first (names sort by time).
std::vector<std::string> Checkpoints(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& f : DirFiles(dir)) {
    if (EndsWith(f, ".strata") && fs::path(f).filename().string().rfind("checkpoint-", 0) == 0) {
      out.push_back(f);
    }
  }
  return out;
}

std::vector<std::string> TmpFiles(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& f : DirFiles(dir)) {
    if (EndsWith(f, ".strata.tmp")) out.push_back(f);
  }
  return out;
}

std::string Newest(const std::string& dir) {
  auto files = Checkpoints(dir);
  return files.empty() ? "" : files.back();
}

// `strata-server --check-checkpoint FILE`: its exit code, with its output in *output.
int CheckCheckpoint(const std::string& file, std::string* output) {
  return RunStrata("--check-checkpoint '" + file + "'", output);
}

long long InfoInt(Client& c, const std::string& field) {
  return std::atoll(PersistenceField(c, field).c_str());
}

// Polls INFO until no background save runs (true), or `timeout_s` passes (false).
bool WaitBgsaveDone(Client& c, double timeout_s = 60) {
  const auto start = Clock::now();
  while (SecondsSince(start) < timeout_s) {
    if (PersistenceField(c, "rdb_bgsave_in_progress") == "0") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

// Polls INFO until rdb_saves reaches `at_least`.
bool WaitSaves(Client& c, long long at_least, double timeout_s) {
  const auto start = Clock::now();
  while (SecondsSince(start) < timeout_s) {
    if (InfoInt(c, "rdb_saves") >= at_least) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// Sends `commands` pipelined (in chunks) and expects no error reply.
void Pipeline(Client& c, const std::vector<Args>& commands) {
  constexpr std::size_t kChunk = 64;
  for (std::size_t i = 0; i < commands.size(); i += kChunk) {
    const std::size_t end = std::min(commands.size(), i + kChunk);
    for (std::size_t j = i; j < end; ++j) c.Append(commands[j]);
    for (std::size_t j = i; j < end; ++j) {
      Reply r = c.Read();
      ASSERT_FALSE(r.is_error()) << PrintableCommand(commands[j]).substr(0, 80) << ": "
                                 << r.ToString();
    }
  }
}

std::string FillerValue(int i) { return "value-" + std::to_string(i) + "-0123456789abcdef"; }

// `keys` string keys f:<i> plus four big collections (big:hash/zset/list/set) in the current
// database: keys + 4 keys in all.
void LoadFiller(Client& c, int keys, int collection) {
  std::vector<Args> commands;
  constexpr int kBatch = 1000;
  for (int i = 0; i < keys; i += kBatch) {
    Args mset{"MSET"};
    for (int j = i; j < std::min(keys, i + kBatch); ++j) {
      mset.push_back("f:" + std::to_string(j));
      mset.push_back(FillerValue(j));
    }
    commands.push_back(std::move(mset));
  }
  for (int i = 0; i < collection; i += kBatch) {
    Args hset{"HSET", "big:hash"}, zadd{"ZADD", "big:zset"}, rpush{"RPUSH", "big:list"},
        sadd{"SADD", "big:set"};
    for (int j = i; j < std::min(collection, i + kBatch); ++j) {
      const std::string n = std::to_string(j);
      hset.insert(hset.end(), {"field" + n, "v" + n});
      zadd.insert(zadd.end(), {n, "member" + n});
      rpush.push_back("item" + n);
      sadd.push_back("m" + n);
    }
    for (auto* cmd : {&hset, &zadd, &rpush, &sadd}) commands.push_back(std::move(*cmd));
  }
  Pipeline(c, commands);
}

// Spot checks of the filler (loaded with LoadFiller(keys, collection)) in the current db.
void ExpectFiller(Client& c, int keys, int collection) {
  for (int i : {0, keys / 3, keys - 1}) {
    EXPECT_EQ(c.Cmd(Args{"GET", "f:" + std::to_string(i)}).str, FillerValue(i)) << i;
  }
  EXPECT_EQ(c.Cmd(Args{"HLEN", "big:hash"}).integer, collection);
  EXPECT_EQ(c.Cmd(Args{"ZCARD", "big:zset"}).integer, collection);
  EXPECT_EQ(c.Cmd(Args{"LLEN", "big:list"}).integer, collection);
  EXPECT_EQ(c.Cmd(Args{"SCARD", "big:set"}).integer, collection);
  EXPECT_EQ(c.Cmd(Args{"HGET", "big:hash", "field7"}).str, "v7");
  EXPECT_EQ(c.Cmd(Args{"ZSCORE", "big:zset", "member9"}).str, "9");
}

std::unique_ptr<ServerProcess> MustStart(const Args& args) {
  std::string error;
  auto p = ServerProcess::StartStrata(args, &error);
  EXPECT_NE(p, nullptr) << "strata-server did not start: " << error;
  return p;
}

// ---------------------------------------------------------------------------------------
// 1. Replies and INFO, compared with redis-server where the two can be compared.

TEST(BgsaveTest, RepliesAndInfoLikeRedis) {
  std::string error;
  auto strata = ServerProcess::StartStrata({}, &error);
  ASSERT_NE(strata, nullptr) << error;
  auto redis = ServerProcess::StartRedis({}, &error);
  ASSERT_NE(redis, nullptr) << error;
  Client s(strata->port());
  Client r(redis->port());
  ASSERT_TRUE(s.connected() && r.connected());

  // Syntax, and a BGSAVE when idle.
  for (const Args& cmd : std::vector<Args>{{"BGSAVE", "x"}, {"BGSAVE", "SCHEDULE", "x"},
                                           {"SET", "a", "1"}, {"SET", "b", "2"}}) {
    ExpectSameReply(&s, &r, cmd);
  }
  EXPECT_EQ(PersistenceField(s, "rdb_changes_since_last_save"), "2");
  EXPECT_EQ(PersistenceField(s, "rdb_bgsave_in_progress"), "0");
  EXPECT_EQ(PersistenceField(s, "rdb_current_bgsave_time_sec"), "-1");
  EXPECT_EQ(PersistenceField(s, "rdb_last_bgsave_time_sec"), "-1");
  EXPECT_EQ(PersistenceField(s, "rdb_saves"), "0");
  const long long lastsave0 = s.Cmd(Args{"LASTSAVE"}).integer;
  EXPECT_EQ(ExpectSameReply(&s, &r, {"BGSAVE"}).str, "Background saving started");
  ASSERT_TRUE(WaitBgsaveDone(s));
  ASSERT_TRUE(WaitBgsaveDone(r));
  EXPECT_EQ(PersistenceField(s, "rdb_last_bgsave_status"), "ok");
  EXPECT_EQ(PersistenceField(s, "rdb_changes_since_last_save"), "0");
  EXPECT_EQ(PersistenceField(r, "rdb_changes_since_last_save"), "0");
  EXPECT_EQ(PersistenceField(s, "rdb_saves"), "1");
  // Whole seconds; a loaded machine may well take one (Redis says 0 here).
  const std::string secs = PersistenceField(s, "rdb_last_bgsave_time_sec");
  EXPECT_TRUE(!secs.empty() && secs.find_first_not_of("0123456789") == std::string::npos) << secs;
  EXPECT_EQ(PersistenceField(s, "checkpoint_last_keys"), "2");
  const long long lastsave1 = s.Cmd(Args{"LASTSAVE"}).integer;
  EXPECT_GE(lastsave1, lastsave0);
  EXPECT_EQ(PersistenceField(s, "rdb_last_save_time"), std::to_string(lastsave1));
  EXPECT_EQ(Checkpoints(CheckpointDir(*strata)).size(), 1u);
  // BGSAVE SCHEDULE when idle starts at once, as BGSAVE does.
  EXPECT_EQ(ExpectSameReply(&s, &r, {"BGSAVE", "SCHEDULE"}).str, "Background saving started");
  ASSERT_TRUE(WaitBgsaveDone(s));
  ASSERT_TRUE(WaitBgsaveDone(r));
  EXPECT_EQ(PersistenceField(s, "rdb_saves"), "2");

  // Inside MULTI/EXEC: scheduled, then started right after the transaction.
  s.Cmd(Args{"SET", "c", "3"});
  ExpectSameReply(&s, &r, {"MULTI"});
  ExpectSameReply(&s, &r, {"BGSAVE"});
  Reply exec = ExpectSameReply(&s, &r, {"EXEC"});
  ASSERT_EQ(exec.elements.size(), 1u) << exec.ToString();
  EXPECT_EQ(exec.elements[0].str, "Background saving scheduled");
  EXPECT_TRUE(WaitSaves(s, 3, 5)) << "no save after BGSAVE in MULTI; log:\n" << strata->Log();
  ASSERT_TRUE(WaitBgsaveDone(s));
  EXPECT_EQ(PersistenceField(s, "rdb_changes_since_last_save"), "0");
  EXPECT_EQ(PersistenceField(s, "checkpoint_last_keys"), "3");
  // Redis starts its scheduled save from its cron: wait for it to finish too, or the BGSAVE
  // below finds it still running.
  EXPECT_TRUE(WaitSaves(r, 3, 30));
  ASSERT_TRUE(WaitBgsaveDone(r));

  // "already in progress": Redis needs rdb-key-save-delay (microseconds per key) to be slow.
  for (int i = 0; i < 5; ++i) r.Cmd(Args{"SET", "k" + std::to_string(i), "v"});
  ASSERT_EQ(r.Cmd(Args{"CONFIG", "SET", "rdb-key-save-delay", "100000"}).str, "OK");
  ASSERT_EQ(r.Cmd(Args{"BGSAVE"}).str, "Background saving started");
  const std::vector<Args> while_running{{"BGSAVE"}, {"BGSAVE", "SCHEDULE"}, {"SAVE"}};
  std::vector<Reply> redis_replies;
  for (const auto& cmd : while_running) redis_replies.push_back(r.Cmd(cmd));
  EXPECT_EQ(PersistenceField(r, "rdb_bgsave_in_progress"), "1");
  for (const Reply& rr : redis_replies) {
    EXPECT_EQ(rr.ToString(), "(error) ERR Background save already in progress");
  }
  r.Cmd(Args{"CONFIG", "SET", "rdb-key-save-delay", "0"});

  // Strata: a dataset big enough that the BGSAVE is still running when the next commands
  // of the same pipeline (same write) are executed.
  LoadFiller(s, Scaled(kFillerKeys), Scaled(kCollectionSize));
  if (HasFatalFailure()) return;
  const long long keys = s.Cmd(Args{"DBSIZE"}).integer;
  s.Append(Args{"BGSAVE"});
  for (const auto& cmd : while_running) s.Append(cmd);
  s.Append(Args{"INFO", "persistence"});
  const auto started = Clock::now();
  EXPECT_EQ(s.Read().ToString(), "Background saving started");
  for (std::size_t i = 0; i < while_running.size(); ++i) {
    EXPECT_EQ(s.Read(), redis_replies[i]) << PrintableCommand(while_running[i]);
  }
  const std::string info = s.Read().str;
  EXPECT_NE(info.find("rdb_bgsave_in_progress:1\r\n"), std::string::npos) << info;
  EXPECT_NE(info.find("rdb_current_bgsave_time_sec:0\r\n"), std::string::npos) << info;
  ASSERT_TRUE(WaitBgsaveDone(s));
  std::cout << "[ info     ] BGSAVE of " << keys << " keys took ~" << SecondsSince(started)
            << " s\n";
  EXPECT_EQ(PersistenceField(s, "rdb_last_bgsave_status"), "ok");
  EXPECT_EQ(PersistenceField(s, "rdb_current_bgsave_time_sec"), "-1");
  EXPECT_EQ(PersistenceField(s, "rdb_changes_since_last_save"), "0");
  EXPECT_EQ(PersistenceField(s, "checkpoint_last_keys"), std::to_string(keys));
  EXPECT_EQ(PersistenceField(s, "rdb_saves"), "4");
  EXPECT_GE(s.Cmd(Args{"LASTSAVE"}).integer, lastsave1);
  ASSERT_TRUE(WaitBgsaveDone(r));
}

// ---------------------------------------------------------------------------------------
// 2. Point in time: the checkpoint holds the dataset as it was when BGSAVE began, while a
// writer keeps changing it with transactions.

TEST(BgsaveTest, PointInTimeUnderConcurrentTransactions) {
  auto first = MustStart({});
  ASSERT_NE(first, nullptr);
  constexpr int kCounters = 1000;
  const int filler = Scaled(kFillerKeys);
  const int collection = Scaled(kCollectionSize);
  {
    Client c(first->port());
    ASSERT_TRUE(c.connected());
    LoadFiller(c, filler, collection);
    if (HasFatalFailure()) return;
    Args mset{"MSET"};
    for (int i = 0; i < kCounters; ++i) mset.insert(mset.end(), {"c:" + std::to_string(i), "0"});
    ASSERT_EQ(c.Cmd(mset).str, "OK");
  }
  const long long expected_keys = filler + 4 + kCounters;

  std::atomic<bool> stop{false};
  std::atomic<long long> done{0};
  std::atomic<bool> writer_failed{false};
  std::string writer_error;
  std::thread writer([&] {
    Client w(first->port());
    if (!w.connected()) {
      writer_error = "cannot connect: " + w.error();
      writer_failed = true;
      return;
    }
    Args incr{"INCR", ""};
    while (!stop.load()) {
      // MULTI, 1000 INCRs and EXEC, sent as one write.
      w.Append(Args{"MULTI"});
      for (int i = 0; i < kCounters; ++i) {
        incr[1] = "c:" + std::to_string(i);
        w.Append(incr);
      }
      w.Append(Args{"EXEC"});
      for (int i = 0; i < kCounters + 1; ++i) w.Read();
      Reply exec = w.Read();
      if (exec.elements.size() != kCounters ||
          exec.elements[0].integer != exec.elements[kCounters - 1].integer) {
        writer_error = "EXEC: " + exec.ToString().substr(0, 200);
        writer_failed = true;
        return;
      }
      ++done;
    }
  });

  Client c(first->port());
  ASSERT_TRUE(c.connected());
  const auto wait_start = Clock::now();
  while (done.load() < 3 && !writer_failed.load() && SecondsSince(wait_start) < 30) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const long long before = done.load();
  const auto bgsave_start = Clock::now();
  Reply bg = c.Cmd(Args{"BGSAVE"});
  // The writer has at most one transaction in flight: the server has executed at most
  // at_reply + 1 of them when BGSAVE replies, and the snapshot is of that moment or before.
  const long long at_reply = done.load();
  bool finished = WaitBgsaveDone(c);
  const long long after = done.load();
  const double save_s = SecondsSince(bgsave_start);
  stop = true;
  writer.join();
  ASSERT_FALSE(writer_failed.load()) << writer_error;
  EXPECT_EQ(bg.str, "Background saving started");
  ASSERT_TRUE(finished);
  EXPECT_EQ(PersistenceField(c, "rdb_last_bgsave_status"), "ok");
  std::cout << "[ info     ] BGSAVE took ~" << save_s << " s; transactions: " << before
            << " before it, " << after - before << " during it\n";
  EXPECT_GE(before, 3);
  // The writer really ran while the checkpoint was written (else: grow the dataset).
  EXPECT_GT(after, before) << "no transaction completed during the BGSAVE";
  const long long final_count = done.load();
  EXPECT_EQ(c.Cmd(Args{"GET", "c:0"}).str, std::to_string(final_count));
  EXPECT_EQ(c.Cmd(Args{"GET", "c:999"}).str, std::to_string(final_count));
  EXPECT_EQ(c.Cmd(Args{"DBSIZE"}).integer, expected_keys);
  EXPECT_EQ(first->Stop(), 0);  // no schedule: no save at exit
  ASSERT_EQ(Checkpoints(CheckpointDir(*first)).size(), 1u);

  auto second = MustStart(SameCheckpoints(*first));
  ASSERT_NE(second, nullptr);
  Client c2(second->port());
  ASSERT_TRUE(c2.connected());
  EXPECT_EQ(c2.Cmd(Args{"DBSIZE"}).integer, expected_keys);
  Args mget{"MGET"};
  for (int i = 0; i < kCounters; ++i) mget.push_back("c:" + std::to_string(i));
  Reply values = c2.Cmd(mget);
  ASSERT_EQ(values.elements.size(), static_cast<std::size_t>(kCounters)) << values.ToString();
  const std::string v0 = values.elements[0].str;
  for (int i = 0; i < kCounters; ++i) {
    ASSERT_EQ(values.elements[i].str, v0) << "counter c:" << i << " differs from c:0: the "
                                          << "checkpoint is not a point-in-time snapshot";
  }
  const long long snap = std::atoll(v0.c_str());
  EXPECT_GE(snap, before);  // transactions completed before BGSAVE are in it
  EXPECT_LE(snap, at_reply + 1) << "the checkpoint holds transactions that began after "
                                   "BGSAVE replied";
  EXPECT_LE(snap, after);
  ExpectFiller(c2, filler, collection);
}

// The snapshot is of the moment BGSAVE runs: commands after it (here in the same pipeline,
// so they run microseconds later) are not in the checkpoint, whatever the dataset's size.
TEST(BgsaveTest, CommandsRightAfterBgsaveAreNotInTheCheckpoint) {
  auto first = MustStart({});
  ASSERT_NE(first, nullptr);
  Client c(first->port());
  ASSERT_TRUE(c.connected());
  LoadFiller(c, 1000, 100);
  if (HasFatalFailure()) return;
  ASSERT_EQ(c.Cmd(Args{"MSET", "a", "old", "b", "old"}).str, "OK");
  c.Append(Args{"BGSAVE"});
  c.Append(Args{"SET", "a", "new"});
  c.Append(Args{"DEL", "b"});
  c.Append(Args{"SET", "c", "new"});
  c.Append(Args{"DEL", "big:hash"});
  EXPECT_EQ(c.Read().str, "Background saving started");
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(c.Read().is_error());
  ASSERT_TRUE(WaitBgsaveDone(c));
  EXPECT_EQ(PersistenceField(c, "rdb_last_bgsave_status"), "ok");
  EXPECT_EQ(PersistenceField(c, "checkpoint_last_keys"), "1006");
  // Writes that came after the BGSAVE are changes since that save.
  EXPECT_EQ(PersistenceField(c, "rdb_changes_since_last_save"), "4");
  auto second = MustStart(SameCheckpoints(*first));
  ASSERT_NE(second, nullptr);
  Client c2(second->port());
  EXPECT_EQ(c2.Cmd(Args{"MGET", "a", "b", "c"}).ToString(), "[\"old\", \"old\", (nil)]");
  EXPECT_EQ(c2.Cmd(Args{"HLEN", "big:hash"}).integer, 100);
  EXPECT_EQ(c2.Cmd(Args{"DBSIZE"}).integer, 1006);
}

// ---------------------------------------------------------------------------------------
// 7. FLUSHALL and SWAPDB while a BGSAVE runs: the checkpoint still holds the data as of
// BGSAVE's start; the live server shows the new state.

TEST(BgsaveTest, FlushallAndSwapdbDuringBgsave) {
  auto first = MustStart({});
  ASSERT_NE(first, nullptr);
  const int filler = Scaled(kFillerKeys);
  const int collection = Scaled(kCollectionSize);
  constexpr int kDb1Keys = 1000;
  Client c(first->port());
  ASSERT_TRUE(c.connected());
  LoadFiller(c, filler, collection);
  if (HasFatalFailure()) return;
  ASSERT_EQ(c.Cmd(Args{"SET", "where", "db0"}).str, "OK");
  ASSERT_EQ(c.Cmd(Args{"SELECT", "1"}).str, "OK");
  Args mset{"MSET", "where", "db1"};
  for (int i = 0; i < kDb1Keys; ++i) mset.insert(mset.end(), {"d1:" + std::to_string(i), "x"});
  ASSERT_EQ(c.Cmd(mset).str, "OK");
  ASSERT_EQ(c.Cmd(Args{"SELECT", "0"}).str, "OK");
  const long long db0 = filler + 4 + 1, db1 = kDb1Keys + 1;

  // Round 1: SWAPDB (and writes to both swapped databases) right after BGSAVE.
  c.Append(Args{"BGSAVE"});
  c.Append(Args{"SWAPDB", "0", "1"});
  c.Append(Args{"SET", "where", "changed"});  // db0, formerly db1
  c.Append(Args{"DEL", "d1:0", "d1:1"});
  c.Append(Args{"SELECT", "1"});
  c.Append(Args{"DEL", "f:0", "big:hash"});  // db1, formerly db0
  c.Append(Args{"SELECT", "0"});
  EXPECT_EQ(c.Read().str, "Background saving started");
  EXPECT_EQ(c.Read().str, "OK");
  EXPECT_EQ(c.Read().str, "OK");
  EXPECT_EQ(c.Read().integer, 2);
  EXPECT_EQ(c.Read().str, "OK");
  EXPECT_EQ(c.Read().integer, 2);
  EXPECT_EQ(c.Read().str, "OK");
  const bool still_running = PersistenceField(c, "rdb_bgsave_in_progress") == "1";
  ASSERT_TRUE(WaitBgsaveDone(c));
  EXPECT_TRUE(still_running) << "the BGSAVE ended before the SWAPDB check: grow the dataset";
  EXPECT_EQ(PersistenceField(c, "rdb_last_bgsave_status"), "ok");
  // Live: swapped.
  EXPECT_EQ(c.Cmd(Args{"DBSIZE"}).integer, db1 - 2);
  EXPECT_EQ(c.Cmd(Args{"GET", "where"}).str, "changed");
  {
    auto second = MustStart(SameCheckpoints(*first));
    ASSERT_NE(second, nullptr);
    Client c2(second->port());
    EXPECT_EQ(c2.Cmd(Args{"DBSIZE"}).integer, db0);
    EXPECT_EQ(c2.Cmd(Args{"GET", "where"}).str, "db0");
    ExpectFiller(c2, filler, collection);
    ASSERT_EQ(c2.Cmd(Args{"SELECT", "1"}).str, "OK");
    EXPECT_EQ(c2.Cmd(Args{"DBSIZE"}).integer, db1);
    EXPECT_EQ(c2.Cmd(Args{"GET", "where"}).str, "db1");
    EXPECT_EQ(c2.Cmd(Args{"EXISTS", "d1:0", "d1:1", "d1:999"}).integer, 3);
  }

  // Round 2: FLUSHALL (and new writes) right after BGSAVE.
  c.Append(Args{"BGSAVE"});
  c.Append(Args{"FLUSHALL"});
  c.Append(Args{"SET", "after", "flush"});
  EXPECT_EQ(c.Read().str, "Background saving started");
  EXPECT_EQ(c.Read().str, "OK");
  EXPECT_EQ(c.Read().str, "OK");
  const bool still_running2 = PersistenceField(c, "rdb_bgsave_in_progress") == "1";
  ASSERT_TRUE(WaitBgsaveDone(c));
  EXPECT_TRUE(still_running2) << "the BGSAVE ended before the FLUSHALL check: grow the dataset";
  EXPECT_EQ(PersistenceField(c, "rdb_last_bgsave_status"), "ok");
  EXPECT_EQ(c.Cmd(Args{"DBSIZE"}).integer, 1);
  ASSERT_EQ(c.Cmd(Args{"SELECT", "1"}).str, "OK");
  EXPECT_EQ(c.Cmd(Args{"DBSIZE"}).integer, 0);
  {
    auto third = MustStart(SameCheckpoints(*first));
    ASSERT_NE(third, nullptr);
    Client c3(third->port());
    // The state after round 1: db0 = the former db1 less two keys, and the reverse.
    EXPECT_EQ(c3.Cmd(Args{"DBSIZE"}).integer, db1 - 2);
    EXPECT_EQ(c3.Cmd(Args{"GET", "where"}).str, "changed");
    EXPECT_EQ(c3.Cmd(Args{"EXISTS", "after"}).integer, 0);
    EXPECT_EQ(c3.Cmd(Args{"EXISTS", "d1:0", "d1:1", "d1:999"}).integer, 1);
    ASSERT_EQ(c3.Cmd(Args{"SELECT", "1"}).str, "OK");
    EXPECT_EQ(c3.Cmd(Args{"DBSIZE"}).integer, db0 - 2);
    EXPECT_EQ(c3.Cmd(Args{"GET", "where"}).str, "db0");
    EXPECT_EQ(c3.Cmd(Args{"EXISTS", "f:0", "big:hash", "f:1"}).integer, 1);
    EXPECT_EQ(c3.Cmd(Args{"LLEN", "big:list"}).integer, collection);
  }
}

// ---------------------------------------------------------------------------------------
// 3. Crash safety: SIGKILL at a random moment of a BGSAVE, again and again; every restart
// starts, leaves no temporary file, and restores a complete checkpoint (the new one or the
// previous one), and every checkpoint file is intact.

TEST(BgsaveTest, KilledDuringBgsaveRestoresACompleteCheckpoint) {
  const int keys = Scaled(kFillerKeys / 2);
  const long long dataset = keys + 2;  // f:<i>, gen, mark
  unsigned seed = static_cast<unsigned>(std::random_device{}());
  if (const char* env = std::getenv("STRATA_BGSAVE_SEED")) seed = static_cast<unsigned>(std::atol(env));
  std::cout << "[ info     ] seed " << seed << " (STRATA_BGSAVE_SEED to repeat)\n";
  std::mt19937 rng(seed);

  // `first` owns the checkpoint directory: it is kept (dead) until the end.
  auto first = MustStart({});
  ASSERT_NE(first, nullptr);
  const std::string dir = CheckpointDir(*first);
  double save_s = 0;
  {
    Client c(first->port(), 120);  // SAVE replies when done: allow a slow, loaded machine
    ASSERT_TRUE(c.connected());
    LoadFiller(c, keys, 0);
    if (HasFatalFailure()) return;
    ASSERT_EQ(c.Cmd(Args{"MSET", "gen", "0", "mark", "m0"}).str, "OK");
    const auto t = Clock::now();
    ASSERT_EQ(c.Cmd(Args{"SAVE"}).str, "OK");
    save_s = SecondsSince(t);
  }
  std::cout << "[ info     ] SAVE of " << dataset << " keys: " << save_s << " s\n";
  std::set<std::string> verified;  // checkpoint files already checked (they never change)
  long long on_disk = 0;           // gen in the newest complete checkpoint
  std::unique_ptr<ServerProcess> victim_owner;  // the victims after `first`
  ServerProcess* victim = first.get();
  int finished = 0, torn = 0;
  for (int i = 1; i <= kCrashIterations; ++i) {
    SCOPED_TRACE("iteration " + std::to_string(i));
    {
      Client c(victim->port());
      ASSERT_TRUE(c.connected());
      Args mset{"MSET", "gen", std::to_string(i), "mark", "m" + std::to_string(i)};
      for (int k = 0; k < 5; ++k) {
        const int n = static_cast<int>(rng() % static_cast<unsigned>(keys));
        mset.insert(mset.end(), {"f:" + std::to_string(n), "gen" + std::to_string(i)});
      }
      ASSERT_EQ(c.Cmd(mset).str, "OK");
      const auto delay_us = static_cast<long long>(
          std::uniform_real_distribution<double>(0, save_s * 1.2)(rng) * 1e6);
      ASSERT_EQ(c.Cmd(Args{"BGSAVE"}).str, "Background saving started");
      std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
      victim->Kill();
    }
    if (!TmpFiles(dir).empty()) ++torn;
    auto next = MustStart(SameCheckpoints(*first));
    ASSERT_NE(next, nullptr) << "the server refused to start after a kill during BGSAVE";
    EXPECT_EQ(TmpFiles(dir), std::vector<std::string>{}) << "temporary files left at start-up";
    for (const auto& f : Checkpoints(dir)) {
      if (!verified.insert(f).second) continue;
      std::string out;
      EXPECT_EQ(CheckCheckpoint(f, &out), 0) << f << ": " << out;
    }
    Client c(next->port());
    ASSERT_TRUE(c.connected());
    EXPECT_EQ(c.Cmd(Args{"DBSIZE"}).integer, dataset);
    const std::string gen = c.Cmd(Args{"GET", "gen"}).str;
    EXPECT_TRUE(gen == std::to_string(i) || gen == std::to_string(on_disk))
        << "gen " << gen << ", expected " << i << " or " << on_disk;
    EXPECT_EQ(c.Cmd(Args{"GET", "mark"}).str, "m" + gen);
    if (gen == std::to_string(i)) ++finished;
    on_disk = std::atoll(gen.c_str());
    if (HasFailure()) break;
    victim_owner = std::move(next);  // the previous victim (dead) is destroyed here
    victim = victim_owner.get();
  }
  std::cout << "[ info     ] " << finished << " of " << kCrashIterations
            << " BGSAVEs completed before the kill; " << torn
            << " kills left a partial file\n";
}

// ---------------------------------------------------------------------------------------
// 4. The schedule: saves by itself; CONFIG GET/SET save.

TEST(BgsaveTest, ScheduleSavesAndConfigSetSave) {
  auto p = MustStart({"--set", "checkpoint.schedule=1 1"});
  ASSERT_NE(p, nullptr);
  Client c(p->port());
  ASSERT_TRUE(c.connected());
  Reply get = c.Cmd(Args{"CONFIG", "GET", "save"});
  ASSERT_EQ(get.elements.size(), 2u) << get.ToString();
  EXPECT_EQ(get.elements[1].str, "1 1");
  ASSERT_EQ(c.Cmd(Args{"SET", "k", "1"}).str, "OK");
  ASSERT_TRUE(WaitSaves(c, 1, 5)) << p->Log();
  ASSERT_TRUE(WaitBgsaveDone(c));
  EXPECT_EQ(Checkpoints(CheckpointDir(*p)).size(), 1u);
  EXPECT_NE(p->Log().find("1 changes in 1 seconds. Saving..."), std::string::npos) << p->Log();
  EXPECT_EQ(PersistenceField(c, "rdb_changes_since_last_save"), "0");
  EXPECT_EQ(PersistenceField(c, "rdb_last_bgsave_status"), "ok");

  // Off: no save, however many writes.
  ASSERT_EQ(c.Cmd(Args{"CONFIG", "SET", "save", ""}).str, "OK");
  get = c.Cmd(Args{"CONFIG", "GET", "save"});
  ASSERT_EQ(get.elements.size(), 2u) << get.ToString();
  EXPECT_EQ(get.elements[1].str, "");
  const long long saves = InfoInt(c, "rdb_saves");
  for (int i = 0; i < 10; ++i) c.Cmd(Args{"SET", "k", std::to_string(i)});
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(InfoInt(c, "rdb_saves"), saves);
  EXPECT_EQ(PersistenceField(c, "rdb_changes_since_last_save"), "10");

  // On again: the pending changes are saved.
  ASSERT_EQ(c.Cmd(Args{"CONFIG", "SET", "save", "1 1"}).str, "OK");
  EXPECT_TRUE(WaitSaves(c, saves + 1, 3)) << p->Log();
  ASSERT_TRUE(WaitBgsaveDone(c));
  EXPECT_EQ(PersistenceField(c, "rdb_changes_since_last_save"), "0");
}

// ---------------------------------------------------------------------------------------
// 5. SHUTDOWN and SIGTERM, with and without a schedule.

TEST(BgsaveTest, ShutdownAndSigtermSaveWithASchedule) {
  const Args schedule{"--set", "checkpoint.schedule=3600 1"};
  auto first = MustStart(schedule);
  ASSERT_NE(first, nullptr);
  const std::string dir = CheckpointDir(*first);
  {
    Client c(first->port());
    ASSERT_EQ(c.Cmd(Args{"SET", "a", "1"}).str, "OK");
    c.Cmd(Args{"SHUTDOWN"});  // the connection closes
  }
  EXPECT_EQ(first->WaitExit(60000), 0);
  ASSERT_EQ(Checkpoints(dir).size(), 1u) << "plain SHUTDOWN with a schedule did not save";
  std::string newest = Newest(dir);

  // SHUTDOWN NOSAVE: no checkpoint.
  {
    auto p = MustStart(SameCheckpoints(*first, schedule));
    ASSERT_NE(p, nullptr);
    Client c(p->port());
    EXPECT_EQ(c.Cmd(Args{"GET", "a"}).str, "1");
    ASSERT_EQ(c.Cmd(Args{"SET", "b", "2"}).str, "OK");
    c.Cmd(Args{"SHUTDOWN", "NOSAVE"});
    EXPECT_EQ(p->WaitExit(60000), 0);
    EXPECT_EQ(Newest(dir), newest) << "SHUTDOWN NOSAVE saved";
  }
  // SIGTERM: saves, like SHUTDOWN.
  {
    auto p = MustStart(SameCheckpoints(*first, schedule));
    ASSERT_NE(p, nullptr);
    Client c(p->port());
    EXPECT_EQ(c.Cmd(Args{"EXISTS", "b"}).integer, 0);
    ASSERT_EQ(c.Cmd(Args{"SET", "c", "3"}).str, "OK");
    EXPECT_EQ(p->Stop(), 0);
    EXPECT_NE(Newest(dir), newest) << "SIGTERM with a schedule did not save";
    newest = Newest(dir);
  }
  // No schedule: SIGTERM does not save, SHUTDOWN SAVE does.
  {
    auto p = MustStart(SameCheckpoints(*first));
    ASSERT_NE(p, nullptr);
    Client c(p->port());
    EXPECT_EQ(c.Cmd(Args{"GET", "c"}).str, "3");
    ASSERT_EQ(c.Cmd(Args{"SET", "d", "4"}).str, "OK");
    EXPECT_EQ(p->Stop(), 0);
    EXPECT_EQ(Newest(dir), newest) << "SIGTERM without a schedule saved";
  }
  {
    auto p = MustStart(SameCheckpoints(*first));
    ASSERT_NE(p, nullptr);
    Client c(p->port());
    EXPECT_EQ(c.Cmd(Args{"EXISTS", "d"}).integer, 0);
    ASSERT_EQ(c.Cmd(Args{"SET", "e", "5"}).str, "OK");
    c.Cmd(Args{"SHUTDOWN", "SAVE"});
    EXPECT_EQ(p->WaitExit(60000), 0);
    EXPECT_NE(Newest(dir), newest) << "SHUTDOWN SAVE without a schedule did not save";
  }
  auto last = MustStart(SameCheckpoints(*first));
  ASSERT_NE(last, nullptr);
  Client c(last->port());
  EXPECT_EQ(c.Cmd(Args{"MGET", "a", "b", "c", "d", "e"}).ToString(),
            "[\"1\", (nil), \"3\", (nil), \"5\"]");
}

// ---------------------------------------------------------------------------------------
// 6. SHUTDOWN while a BGSAVE runs: the background save is abandoned, the shutdown's own
// save completes (with the writes made after BGSAVE began).

TEST(BgsaveTest, ShutdownDuringBgsave) {
  auto first = MustStart({});
  ASSERT_NE(first, nullptr);
  const std::string dir = CheckpointDir(*first);
  const int filler = Scaled(kFillerKeys);
  const int collection = Scaled(kCollectionSize);
  {
    Client c(first->port());
    ASSERT_TRUE(c.connected());
    LoadFiller(c, filler, collection);
    if (HasFatalFailure()) return;
    c.Append(Args{"BGSAVE"});
    c.Append(Args{"SET", "late", "1"});
    c.Append(Args{"INFO", "persistence"});
    EXPECT_EQ(c.Read().str, "Background saving started");
    EXPECT_EQ(c.Read().str, "OK");
    EXPECT_NE(c.Read().str.find("rdb_bgsave_in_progress:1\r\n"), std::string::npos);
    // (Not in the same pipeline: like Redis, SHUTDOWN exits without sending the replies
    // still buffered for earlier commands.)
    c.Cmd(Args{"SHUTDOWN", "SAVE"});  // the connection closes
  }
  EXPECT_EQ(first->WaitExit(60000), 0) << first->Log();
  const std::string log = first->Log();
  const bool cancelled = log.find("Background saving cancelled") != std::string::npos;
  if (!cancelled) {
    // Timing: the BGSAVE ended between the INFO and the SHUTDOWN (dataset too small?).
    EXPECT_NE(log.find("Background saving terminated with success"), std::string::npos) << log;
    std::cout << "[ info     ] the BGSAVE finished before SHUTDOWN came\n";
  }
  EXPECT_NE(log.find("DB saved on disk"), std::string::npos) << log;
  EXPECT_EQ(Checkpoints(dir).size(), cancelled ? 1u : 2u);
  auto second = MustStart(SameCheckpoints(*first));
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(TmpFiles(dir), std::vector<std::string>{});
  Client c(second->port());
  EXPECT_EQ(c.Cmd(Args{"DBSIZE"}).integer, filler + 4 + 1);
  EXPECT_EQ(c.Cmd(Args{"GET", "late"}).str, "1");
  ExpectFiller(c, filler, collection);
}

// With a schedule, FLUSHALL writes a checkpoint at once (as Redis saves after FLUSHALL when
// it has save points), so a crash right after it cannot bring the keys back. Inside
// MULTI/EXEC the save starts right after the transaction.
TEST(BgsaveTest, FlushallWithAScheduleIsDurable) {
  const Args schedule{"--set", "checkpoint.schedule=3600 1"};
  auto first = MustStart(schedule);
  ASSERT_NE(first, nullptr);
  {
    Client c(first->port());
    for (int i = 0; i < 100; ++i) c.Cmd(Args{"SET", std::string("k").append(std::to_string(i)), "v"});
    ASSERT_EQ(c.Cmd(Args{"SAVE"}).str, "OK");
    ASSERT_EQ(c.Cmd(Args{"FLUSHALL"}).str, "OK");
  }
  first->Kill();  // no shutdown save: only what FLUSHALL wrote counts
  auto second = MustStart(SameCheckpoints(*first, schedule));
  ASSERT_NE(second, nullptr);
  {
    Client c(second->port());
    EXPECT_EQ(c.Cmd(Args{"DBSIZE"}).integer, 0);
    for (int i = 0; i < 100; ++i) c.Cmd(Args{"SET", std::string("m").append(std::to_string(i)), "v"});
    ASSERT_EQ(c.Cmd(Args{"SAVE"}).str, "OK");
    const std::string saves = PersistenceField(c, "rdb_saves");
    c.Cmd(Args{"MULTI"});
    c.Cmd(Args{"FLUSHALL"});
    Reply exec = c.Cmd(Args{"EXEC"});
    ASSERT_EQ(exec.elements.size(), 1u);
    EXPECT_EQ(exec.elements[0].str, "OK");
    EXPECT_TRUE(WaitSaves(c, std::stoll(saves) + 1, 60));
    EXPECT_TRUE(WaitBgsaveDone(c));
    EXPECT_EQ(PersistenceField(c, "rdb_last_bgsave_status"), "ok");
  }
  second->Kill();
  auto third = MustStart(SameCheckpoints(*first, schedule));
  ASSERT_NE(third, nullptr);
  Client c(third->port());
  EXPECT_EQ(c.Cmd(Args{"DBSIZE"}).integer, 0);
}

}  // namespace
}  // namespace strata::test
