// Checkpoints end to end: SAVE, restart on the same checkpoint directory, identical data;
// --check-checkpoint on intact and damaged files; the on_corrupt policies at start-up.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

namespace fs = std::filesystem;
using Args = std::vector<std::string>;

const std::string kBin("ck\0pt\r\n\xff", 8);

std::vector<std::string> Checkpoints(const ServerProcess& p) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(p.dir() + "/data/checkpoints", ec), end; !ec && it != end;
       it.increment(ec)) {
    out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Every key of every database with its type, expiry and value, as text.
std::map<std::string, std::string> FullDump(Client& c) {
  std::map<std::string, std::string> out;
  for (int db = 0; db < 16; ++db) {
    EXPECT_EQ(c.Cmd(Args{"SELECT", std::to_string(db)}).str, "OK");
    std::vector<std::string> keys;
    std::string cursor = "0";
    do {
      Reply r = c.Cmd(Args{"SCAN", cursor, "COUNT", "500"});
      EXPECT_EQ(r.elements.size(), 2u);
      if (r.elements.size() != 2) break;
      cursor = r.elements[0].str;
      for (const auto& k : r.elements[1].elements) keys.push_back(k.str);
    } while (cursor != "0");
    for (const auto& k : keys) {
      std::string type = c.Cmd(Args{"TYPE", k}).str;
      Reply value;
      if (type == "string") {
        value = c.Cmd(Args{"GET", k});
      } else if (type == "list") {
        value = c.Cmd(Args{"LRANGE", k, "0", "-1"});
      } else if (type == "hash") {
        value = c.Cmd(Args{"HGETALL", k});
        std::vector<std::string> pairs;
        for (std::size_t i = 0; i + 1 < value.elements.size(); i += 2) {
          pairs.push_back(value.elements[i].str + "=" + value.elements[i + 1].str);
        }
        std::sort(pairs.begin(), pairs.end());
        value.elements.clear();
        for (auto& p : pairs) value.elements.push_back(Reply{REDIS_REPLY_STRING, p, 0, {}});
      } else if (type == "set") {
        value = c.Cmd(Args{"SMEMBERS", k});
        std::sort(value.elements.begin(), value.elements.end(),
                  [](const Reply& a, const Reply& b) { return a.str < b.str; });
      } else if (type == "zset") {
        value = c.Cmd(Args{"ZRANGE", k, "0", "-1", "WITHSCORES"});
      }
      out[std::to_string(db) + "/" + k] =
          type + " " + c.Cmd(Args{"PEXPIRETIME", k}).ToString() + " " + value.ToString();
    }
  }
  c.Cmd(Args{"SELECT", "0"});
  return out;
}

void FillEveryType(Client& c) {
  const std::int64_t later =
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch()).count() + 3600 * 1000;
  for (int db : {0, 1, 7, 15}) {
    std::string d = std::to_string(db);
    ASSERT_EQ(c.Cmd(Args{"SELECT", d}).str, "OK");
    c.Cmd(Args{"SET", "str" + d, "value" + d});
    c.Cmd(Args{"SET", kBin + d, kBin + kBin});
    c.Cmd(Args{"SET", "num", "12345"});
    c.Cmd(Args{"SET", "ttl", "x", "PXAT", std::to_string(later + db)});
    Args rpush{"RPUSH", "list"}, hset{"HSET", "hash"}, sadd{"SADD", "intset"},
        sadd2{"SADD", "set"}, zadd{"ZADD", "zset"}, zbig{"ZADD", "zbig"};
    for (int i = 0; i < 300; ++i) {
      std::string n = std::to_string(i);
      rpush.push_back(i % 10 == 0 ? kBin : "item" + n);
      hset.insert(hset.end(), {"f" + n, i % 7 == 0 ? kBin : "v" + n});
      sadd.push_back(n);
      sadd2.push_back("m" + n);
      zbig.insert(zbig.end(), {std::to_string(i * 1.25 - 40), "z" + n});
    }
    zadd.insert(zadd.end(), {"1", "a", "2.5", "b", "-inf", kBin});
    for (const auto& cmd : {rpush, hset, sadd, sadd2, zadd, zbig}) {
      Reply r = c.Cmd(cmd);
      ASSERT_FALSE(r.is_error()) << r.ToString();
    }
    c.Cmd(Args{"PEXPIREAT", "list", std::to_string(later)});
    c.Cmd(Args{"PEXPIREAT", "zbig", std::to_string(later + 5)});
    c.Cmd(Args{"RPUSH", "small", "a", "b"});
  }
  c.Cmd(Args{"SELECT", "0"});
}

void FlipByte(const std::string& path, std::size_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char b = 0;
  f.read(&b, 1);
  b = static_cast<char>(b ^ 0x40);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&b, 1);
}

TEST(CheckpointTest, SaveRestartRestoresEverything) {
  std::string error;
  auto first = ServerProcess::StartStrata({}, &error);
  ASSERT_NE(first, nullptr) << error;
  std::map<std::string, std::string> before;
  {
    Client c(first->port());
    ASSERT_TRUE(c.connected());
    FillEveryType(c);
    if (HasFatalFailure()) return;
    before = FullDump(c);
    ASSERT_GT(before.size(), 40u);
    EXPECT_NE(PersistenceField(c, "rdb_changes_since_last_save"), "0");
    const long long t0 = std::time(nullptr);
    EXPECT_EQ(c.Cmd(Args{"SAVE"}).ToString(), "OK");
    long long lastsave = c.Cmd(Args{"LASTSAVE"}).integer;
    EXPECT_GE(lastsave, t0 - 1);
    EXPECT_LE(lastsave, t0 + 2);
    EXPECT_EQ(PersistenceField(c, "rdb_changes_since_last_save"), "0");
    EXPECT_EQ(PersistenceField(c, "rdb_last_bgsave_status"), "ok");
    EXPECT_EQ(PersistenceField(c, "rdb_saves"), "1");
    EXPECT_EQ(PersistenceField(c, "rdb_last_save_time"), std::to_string(lastsave));
    EXPECT_EQ(c.Cmd(Args{"SAVE", "x"}).str, "ERR wrong number of arguments for 'save' command");
    EXPECT_EQ(c.Cmd(Args{"MULTI"}).str, "OK");
    EXPECT_EQ(c.Cmd(Args{"SAVE"}).str, "ERR Command not allowed inside a transaction");
    c.Cmd(Args{"DISCARD"});
  }
  EXPECT_EQ(first->Stop(), 0);
  ASSERT_EQ(Checkpoints(*first).size(), 1u);

  auto second = ServerProcess::StartStrata(SameCheckpoints(*first), &error);
  ASSERT_NE(second, nullptr) << error;
  Client c(second->port());
  ASSERT_TRUE(c.connected());
  std::map<std::string, std::string> after = FullDump(c);
  EXPECT_EQ(after.size(), before.size());
  for (const auto& [k, v] : before) EXPECT_EQ(after[k], v) << k;
  EXPECT_EQ(PersistenceField(c, "rdb_last_load_keys_loaded"), std::to_string(before.size()));
  EXPECT_NE(second->Log().find("loaded checkpoint"), std::string::npos) << second->Log();

  // --check-checkpoint on the intact file, then on a damaged copy.
  const std::string file = Checkpoints(*first).at(0);
  std::string out;
  EXPECT_EQ(RunStrata("--check-checkpoint '" + file + "'", &out), 0) << out;
  EXPECT_NE(out.find(": intact"), std::string::npos) << out;
  EXPECT_NE(out.find("keys: " + std::to_string(before.size())), std::string::npos) << out;
  EXPECT_NE(out.find("db15: keys="), std::string::npos) << out;
  const std::string damaged = first->dir() + "/damaged.strata";
  fs::copy_file(file, damaged);
  FlipByte(damaged, fs::file_size(damaged) / 2);
  EXPECT_NE(RunStrata("--check-checkpoint '" + damaged + "'", &out), 0);
  EXPECT_NE(out.find("checkpoint " + damaged + ": checksum mismatch in block at offset "),
            std::string::npos)
      << out;
  // --restore of a damaged file refuses to start.
  EXPECT_EQ(ServerProcess::StartStrata({"--restore", damaged}, &error), nullptr);
  EXPECT_NE(error.find("checksum mismatch"), std::string::npos) << error;
}

TEST(CheckpointTest, SaveFailureIsReported) {
  std::string error;
  auto p = ServerProcess::StartStrata({"--set", "checkpoint.dir=/dev/null/sub"}, &error);
  ASSERT_NE(p, nullptr) << error;
  Client c(p->port());
  EXPECT_EQ(c.Cmd(Args{"SAVE"}).ToString(), "(error) ERR");
  // Redis 7.0.15 alike (checked with a save into a removed directory): a failed SAVE is
  // counted in rdb_saves and leaves rdb_last_bgsave_status alone; a failed BGSAVE sets it.
  EXPECT_EQ(PersistenceField(c, "rdb_last_bgsave_status"), "ok");
  EXPECT_EQ(PersistenceField(c, "rdb_saves"), "1");
  EXPECT_EQ(c.Cmd(Args{"BGSAVE"}).str, "Background saving started");
  for (int i = 0; i < 200 && PersistenceField(c, "rdb_bgsave_in_progress") == "1"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(PersistenceField(c, "rdb_last_bgsave_status"), "err");
  EXPECT_EQ(PersistenceField(c, "rdb_saves"), "2");
  EXPECT_NE(p->Log().find("SAVE failed"), std::string::npos) << p->Log();
}

TEST(CheckpointTest, CorruptNewestCheckpoint) {
  std::string error;
  auto first = ServerProcess::StartStrata({"--set", "checkpoint.keep=3"}, &error);
  ASSERT_NE(first, nullptr) << error;
  {
    Client c(first->port());
    c.Cmd(Args{"SET", "x", "old"});
    EXPECT_EQ(c.Cmd(Args{"SAVE"}).str, "OK");
    c.Cmd(Args{"SET", "x", "new"});
    EXPECT_EQ(c.Cmd(Args{"SAVE"}).str, "OK");
  }
  first->Stop();
  auto files = Checkpoints(*first);
  ASSERT_EQ(files.size(), 2u);
  const std::string newest = files[1];  // names sort by creation time
  FlipByte(newest, 40);                 // inside the first block

  // refuse (the default): the server does not start, and says where the damage is.
  EXPECT_EQ(ServerProcess::StartStrata(SameCheckpoints(*first), &error), nullptr);
  EXPECT_NE(error.find("checkpoint " + newest + ": checksum mismatch in block at offset 36"),
            std::string::npos)
      << error;

  // previous: loads the older checkpoint, loudly.
  auto second = ServerProcess::StartStrata(
      SameCheckpoints(*first, {"--set", "checkpoint.on_corrupt=previous"}), &error);
  ASSERT_NE(second, nullptr) << error;
  Client c(second->port());
  EXPECT_EQ(c.Cmd(Args{"GET", "x"}).str, "old");
  EXPECT_NE(second->Log().find("CHECKPOINT CORRUPT"), std::string::npos) << second->Log();

  // restore_on_start = false starts empty whatever is on disk.
  auto third = ServerProcess::StartStrata(
      SameCheckpoints(*first, {"--set", "checkpoint.restore_on_start=false"}), &error);
  ASSERT_NE(third, nullptr) << error;
  Client c3(third->port());
  EXPECT_EQ(c3.Cmd(Args{"DBSIZE"}).integer, 0);
}

}  // namespace
}  // namespace strata::test
