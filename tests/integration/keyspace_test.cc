// Keyspace commands (DEL EXISTS TYPE RENAME COPY MOVE SWAPDB FLUSH* KEYS SCAN RANDOMKEY
// OBJECT MEMORY ...) against a real redis-server: where Redis's reply is deterministic the
// two servers must answer byte for byte the same; SCAN and KEYS are compared as key sets.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using Args = std::vector<std::string>;

class KeyspaceTest : public BothClientsTest<KeyspaceTest> {
 protected:
  // Every test starts from empty databases on both servers.
  void SetUp() override {
    BothClientsTest::SetUp();
    if (!HasFatalFailure()) Both({"FLUSHALL"});
  }

  // Runs a full SCAN (cursor to 0) with extra options; returns the keys as a sorted set and
  // checks every reply is well-formed.
  static std::multiset<std::string> ScanAll(Client* c, const Args& options) {
    std::multiset<std::string> keys;
    std::string cursor = "0";
    int guard = 0;
    do {
      Args args = {"SCAN", cursor};
      args.insert(args.end(), options.begin(), options.end());
      Reply r = c->Cmd(args);
      EXPECT_EQ(r.type, REDIS_REPLY_ARRAY) << r.ToString();
      if (r.type != REDIS_REPLY_ARRAY || r.elements.size() != 2) break;
      cursor = r.elements[0].str;
      for (const Reply& k : r.elements[1].elements) keys.insert(k.str);
    } while (cursor != "0" && ++guard < 100000);
    EXPECT_EQ(cursor, "0");
    return keys;
  }

  static std::vector<std::string> SortedKeys(Client* c, const std::string& pattern) {
    Reply r = c->Cmd(Args{"KEYS", pattern});
    EXPECT_EQ(r.type, REDIS_REPLY_ARRAY) << r.ToString();
    std::vector<std::string> keys;
    for (const Reply& k : r.elements) keys.push_back(k.str);
    std::sort(keys.begin(), keys.end());
    return keys;
  }
};

const std::string kBin1("bin\0key\r\n", 9);
const std::string kBin2("\xff\x00\x01", 3);

TEST_F(KeyspaceTest, DelUnlinkExistsTouchType) {
  BothAll({
      {"SET", "a", "1"},
      {"SET", "b", "2"},
      {"SET", kBin1, "x"},
      {"SET", "", "empty key"},
      {"EXISTS", "a"},
      {"EXISTS", "a", "a", "b", "nokey", "a"},  // duplicates count again
      {"EXISTS", kBin1, ""},
      {"EXISTS", "bin"},
      {"TOUCH", "a", "nokey", "a", kBin1},
      {"TYPE", "a"},
      {"TYPE", kBin1},
      {"TYPE", "nokey"},
      {"DEL", "a", "a", "nokey"},
      {"EXISTS", "a"},
      {"UNLINK", "b", kBin1, "b"},
      {"DEL", ""},
      {"DEL", "nokey"},
      {"UNLINK", "nokey"},
      {"DBSIZE"},
  });
}

TEST_F(KeyspaceTest, ArityErrors) {
  BothAll({
      {"DEL"},
      {"UNLINK"},
      {"EXISTS"},
      {"TOUCH"},
      {"TYPE"},
      {"TYPE", "a", "b"},
      {"RENAME", "a"},
      {"RENAMENX", "a", "b", "c"},
      {"COPY", "a"},
      {"MOVE", "a"},
      {"KEYS"},
      {"KEYS", "a", "b"},
      {"SCAN"},
      {"RANDOMKEY", "x"},
      {"DBSIZE", "x"},
      {"SWAPDB", "0"},
      {"OBJECT"},
      {"OBJECT", "encoding"},
      {"OBJECT", "help", "x"},
      {"MEMORY"},
      {"MEMORY", "usage"},
      {"MEMORY", "stats", "x"},
      {"MEMORY", "doctor", "x"},
      {"MEMORY", "help", "x"},
      {"OBJECT", "freq", "a", "b"},
  });
}

TEST_F(KeyspaceTest, RenameAndRenameNx) {
  BothAll({
      {"RENAME", "nokey", "b"},
      {"RENAMENX", "nokey", "b"},
      {"RENAME", "nokey", "nokey"},
      {"SET", "a", "1"},
      {"RENAME", "a", "a"},
      {"RENAMENX", "a", "a"},
      {"GET", "a"},
      {"RENAME", "a", "b"},
      {"EXISTS", "a"},
      {"GET", "b"},
      {"SET", "c", "3"},
      {"RENAMENX", "b", "c"},
      {"GET", "c"},
      {"RENAMENX", "b", "d"},
      {"GET", "d"},
      {"RENAME", "d", "c"},  // overwrites
      {"GET", "c"},
      {"DBSIZE"},
      // The expiry travels with the key; RENAME onto a volatile key takes the source's.
      {"SET", "v", "x"},
      {"EXPIRE", "v", "1000"},
      {"RENAME", "v", "w"},
      {"TTL", "w"},
      {"SET", "p", "persistent"},
      {"RENAME", "p", "w"},
      {"TTL", "w"},
      {"RENAME", "w", kBin1},
      {"GET", kBin1},
      {"RENAME", kBin1, kBin2},
      {"GET", kBin2},
  });
}

TEST_F(KeyspaceTest, Copy) {
  BothAll({
      {"SET", "a", "1"},
      {"COPY", "a", "a"},
      {"COPY", "a", "a", "DB", "0"},
      {"COPY", "a", "b"},
      {"COPY", "a", "b"},
      {"COPY", "a", "b", "REPLACE"},
      {"COPY", "a", "b", "replace", "REPLACE"},
      {"COPY", "a", "b", "DB", "16"},
      {"COPY", "a", "b", "DB", "-1"},
      {"COPY", "a", "b", "DB", "x"},
      {"COPY", "a", "b", "DB", "2147483648"},
      {"COPY", "a", "b", "DB", "99999999999999999999"},
      {"COPY", "a", "b", "DB"},
      {"COPY", "a", "b", "foo"},
      {"COPY", "nokey", "b"},
      {"COPY", "nokey", "b", "foo"},
      {"COPY", "a", "a", "DB", "1"},
      {"SET", "a", "changed"},
      {"SELECT", "1"},
      {"GET", "a"},
      {"SELECT", "0"},
      {"GET", "b"},
      // Expiry is copied too.
      {"SET", "v", "x"},
      {"EXPIRE", "v", "1000"},
      {"COPY", "v", "v2"},
      {"TTL", "v2"},
      {"COPY", kBin1, "z"},
      {"SET", kBin1, "bin"},
      {"COPY", kBin1, kBin2, "DB", "3"},
      {"SELECT", "3"},
      {"GET", kBin2},
      {"SELECT", "0"},
  });
}

TEST_F(KeyspaceTest, CopyKeepsEncoding) {
  BothAll({
      {"SET", "i", "123"},
      {"COPY", "i", "i2"},
      {"OBJECT", "ENCODING", "i2"},
      {"SET", "e", "hello"},
      {"COPY", "e", "e2"},
      {"OBJECT", "ENCODING", "e2"},
      {"APPEND", "e", "!"},
      {"COPY", "e", "e3"},
      {"OBJECT", "ENCODING", "e3"},
      {"GET", "e3"},
  });
}

TEST_F(KeyspaceTest, Move) {
  BothAll({
      {"SET", "a", "1"},
      {"MOVE", "a", "0"},
      {"MOVE", "a", "16"},
      {"MOVE", "a", "-1"},
      {"MOVE", "a", "x"},
      {"MOVE", "a", "4294967296"},
      {"MOVE", "a", "2147483648"},
      {"MOVE", "nokey", "1"},
      {"MOVE", "a", "1"},
      {"EXISTS", "a"},
      {"SELECT", "1"},
      {"GET", "a"},
      {"SET", "b", "in db1"},
      {"SELECT", "0"},
      {"SET", "b", "in db0"},
      {"MOVE", "b", "1"},  // target exists: not moved
      {"GET", "b"},
      {"SET", "v", "x"},
      {"EXPIRE", "v", "1000"},
      {"MOVE", "v", "2"},
      {"SELECT", "2"},
      {"TTL", "v"},
      {"SELECT", "0"},
      {"SET", kBin1, "bin"},
      {"MOVE", kBin1, "15"},
      {"SELECT", "15"},
      {"GET", kBin1},
      {"SELECT", "0"},
  });
}

TEST_F(KeyspaceTest, SwapDb) {
  BothAll({
      {"SET", "a", "db0"},
      {"SELECT", "1"},
      {"SET", "b", "db1"},
      {"SELECT", "0"},
      {"SWAPDB", "x", "1"},
      {"SWAPDB", "0", "x"},
      {"SWAPDB", "0", "16"},
      {"SWAPDB", "-1", "0"},
      {"SWAPDB", "0", "-1"},
      {"SWAPDB", "0", "2147483648"},
      {"SWAPDB", "2147483648", "0"},
      {"SWAPDB", "0", "0"},
      {"SWAPDB", "0", "1"},
      {"GET", "a"},
      {"GET", "b"},
      {"DBSIZE"},
      {"SELECT", "1"},
      {"GET", "a"},
      {"SELECT", "0"},
  });
}

TEST_F(KeyspaceTest, FlushDbFlushAllDbSize) {
  BothAll({
      {"DBSIZE"},
      {"SET", "a", "1"},
      {"SET", "b", "2"},
      {"SELECT", "1"},
      {"SET", "c", "3"},
      {"DBSIZE"},
      {"SELECT", "0"},
      {"DBSIZE"},
      {"FLUSHDB", "foo"},
      {"FLUSHDB", "async", "sync"},
      {"FLUSHALL", "foo"},
      {"FLUSHALL", "async", "async"},
      {"FLUSHDB"},
      {"DBSIZE"},
      {"SELECT", "1"},
      {"DBSIZE"},
      {"FLUSHDB", "ASYNC"},
      {"DBSIZE"},
      {"SET", "c", "3"},
      {"FLUSHDB", "sync"},
      {"DBSIZE"},
      {"SET", "c", "3"},
      {"SELECT", "0"},
      {"SET", "a", "1"},
      {"FLUSHALL", "ASYNC"},
      {"DBSIZE"},
      {"SELECT", "1"},
      {"DBSIZE"},
      {"SELECT", "0"},
      {"SET", "a", "1"},
      {"FLUSHALL", "SYNC"},
      {"EXISTS", "a"},
      {"SET", "a", "1"},
      {"FLUSHALL"},
      {"DBSIZE"},
  });
}

TEST_F(KeyspaceTest, RandomKey) {
  BothAll({
      {"RANDOMKEY"},
      {"SET", kBin1, "1"},
      {"RANDOMKEY"},
      {"SELECT", "1"},
      {"RANDOMKEY"},
      {"SELECT", "0"},
  });
  std::set<std::string> all;
  for (int i = 0; i < 50; ++i) {
    std::string k = "rk:" + std::to_string(i);
    all.insert(k);
    s_->Cmd(Args{"SET", k, "v"});
  }
  all.insert(kBin1);
  std::set<std::string> seen;
  for (int i = 0; i < 300; ++i) {
    Reply r = s_->Cmd("RANDOMKEY");
    ASSERT_EQ(r.type, REDIS_REPLY_STRING) << r.ToString();
    EXPECT_TRUE(all.count(r.str)) << r.ToString();
    seen.insert(r.str);
  }
  EXPECT_GT(seen.size(), 10u);  // spread over the keyspace, not stuck on one key
}

TEST_F(KeyspaceTest, KeysPatternsMatchRedis) {
  std::vector<std::string> keys = {
      "hello",    "hallo",     "hxllo", "hllo", "heeeello", "h*llo",
      "h?llo",    "a",         "ab",    "abc",  "a-b",      "-",
      "]",        "[",         "\\",    "a\\",  "x[y",      "foo:1",
      "foo:22",   "foo:bar:3", "",      "*",    "b",        "c",
      "d",        "A",         "B",     kBin1,  kBin2,      std::string("\x90", 1),
      "user:{1}", "^a",
  };
  for (const auto& k : keys) Both({"SET", k, "v"});
  std::vector<std::string> patterns = {
      "*",
      "**",
      "?",
      "??",
      "h?llo",
      "h*llo",
      "h[ae]llo",
      "h[^e]llo",
      "h[a-b]llo",
      "[a-c]",
      "[c-a]",
      "[^a]",
      "\\*",
      "\\?",
      "h\\*llo",
      "[",
      "a[",
      "[a",
      "[^",
      "[]",
      "[]]",
      "[\\]]",
      "[\\",
      "[a-",
      "[a-]",
      "[-a]",
      "a\\",
      "*\\",
      "\\",
      "foo:*",
      "foo:?",
      "foo:*:*",
      "*:*",
      "[ab-]",
      "[!a]",
      "*[",
      "x[a-c",
      "[a-\xff]",
      std::string("[\x80-\xff]"),
      "bin*",
      std::string("bin\0*", 5),
      "*\r\n",
      "user:{*}",
      "^*",
      "[\\^]a",
      "?*",
      "*?*",
  };
  for (const auto& p : patterns) {
    EXPECT_EQ(SortedKeys(s_.get(), p), SortedKeys(r_.get(), p)) << "pattern: " << p;
  }
  // Redis bounds the '*' nesting at 1000 levels.
  std::string long_key(2500, 'a');
  Both({"SET", long_key, "v"});
  for (int n : {1000, 1001, 1002}) {
    std::string p;
    for (int i = 0; i < n; ++i) p += "a*";
    EXPECT_EQ(SortedKeys(s_.get(), p), SortedKeys(r_.get(), p)) << n << " stars";
  }
}

TEST_F(KeyspaceTest, KeysSkipsExpiredAndOtherDatabases) {
  BothAll({
      {"SET", "live", "v"},
      {"SET", "dying", "v"},
      {"PEXPIRE", "dying", "1"},
      {"SET", "sentinel", "v"},
      {"PEXPIRE", "sentinel", "1"},
      {"SELECT", "2"},
      {"SET", "elsewhere", "v"},
      {"SELECT", "0"},
  });
  // Once the sentinel has expired, so has "dying", and KEYS meets it expired in place.
  for (Client* c : {s_.get(), r_.get()}) ASSERT_TRUE(WaitUntilGone(*c, "sentinel"));
  EXPECT_EQ(SortedKeys(s_.get(), "*"), std::vector<std::string>{"live"});
  EXPECT_EQ(SortedKeys(r_.get(), "*"), std::vector<std::string>{"live"});
}

TEST_F(KeyspaceTest, ScanErrors) {
  BothAll({
      {"SET", "a", "1"},
      {"SCAN", "abc"},
      {"SCAN", " 1"},
      {"SCAN", "1 "},
      {"SCAN", "18446744073709551616"},
      {"SCAN", "0", "COUNT", "0"},
      {"SCAN", "0", "COUNT", "-1"},
      {"SCAN", "0", "COUNT", "abc"},
      {"SCAN", "0", "COUNT", "9223372036854775808"},
      {"SCAN", "0", "COUNT"},
      {"SCAN", "0", "MATCH"},
      {"SCAN", "0", "TYPE"},
      {"SCAN", "0", "foo", "bar"},
      {"SCAN", "0", "MATCH", "a", "COUNT", "0"},
      {"SCAN", "0", "COUNT", "0", "foo"},
      // Small databases answer in one call, so these replies are deterministic.
      {"SCAN", "0"},
      {"SCAN", "+0"},
      {"SCAN", ""},
      {"SCAN", "0", "TYPE", "string"},
      {"SCAN", "0", "TYPE", "STRING"},
      {"SCAN", "0", "TYPE", "list"},
      {"SCAN", "0", "TYPE", "nosuchtype"},
      {"SCAN", "0", "MATCH", "*", "COUNT", "10", "TYPE", "string"},
      {"SCAN", "0", "MATCH", "b*"},
  });
  // A negative cursor is parsed like strtoul (wraps around) and still ends the scan.
  Reply r = s_->Cmd(Args{"SCAN", "-1"});
  ASSERT_EQ(r.type, REDIS_REPLY_ARRAY) << r.ToString();
  EXPECT_EQ(r.elements[0].str, "0");
}

TEST_F(KeyspaceTest, ScanIteratesEveryKey) {
  // Enough keys that both servers need many calls; pipelined to keep the test fast.
  for (Client* c : {s_.get(), r_.get()}) {
    for (int i = 0; i < 3000; ++i) c->Append(Args{"SET", "key:" + std::to_string(i), "v"});
    for (int i = 0; i < 200; ++i) c->Append(Args{"SET", "other:" + std::to_string(i), "v"});
    c->Append(Args{"SET", kBin1, "v"});
    c->Append(Args{"SET", "", "v"});
    for (int i = 0; i < 3202; ++i) c->Read();
  }
  for (const Args& opts : std::vector<Args>{
           {},
           {"COUNT", "1"},
           {"COUNT", "7"},
           {"COUNT", "1000"},
           {"COUNT", "100000"},
           {"MATCH", "other:*"},
           {"MATCH", "key:1?"},
           {"MATCH", "*", "COUNT", "50"},
           {"MATCH", "bin*"},
           {"TYPE", "string", "COUNT", "100"},
           {"TYPE", "hash"},
       }) {
    auto ours = ScanAll(s_.get(), opts);
    auto theirs = ScanAll(r_.get(), opts);
    std::string desc;
    for (const auto& o : opts) desc += o + " ";
    // Neither server changes its table size during these scans, so no duplicates either.
    EXPECT_EQ(std::set<std::string>(ours.begin(), ours.end()),
              std::set<std::string>(theirs.begin(), theirs.end()))
        << desc;
    EXPECT_EQ(ours.size(), std::set<std::string>(ours.begin(), ours.end()).size()) << desc;
  }
  EXPECT_EQ(ScanAll(s_.get(), {}).size(), 3202u);
  // A full KEYS agrees as well.
  EXPECT_EQ(SortedKeys(s_.get(), "*"), SortedKeys(r_.get(), "*"));
}

// Keys present for the whole scan come back even while other keys are added and removed
// between calls (tables grow and shrink under the cursor).
TEST_F(KeyspaceTest, ScanGuaranteeUnderConcurrentChurn) {
  for (int i = 0; i < 500; ++i) s_->Append(Args{"SET", "stable:" + std::to_string(i), "v"});
  for (int i = 0; i < 500; ++i) s_->Read();
  std::set<std::string> seen;
  std::string cursor = "0";
  int call = 0, next = 0;
  do {
    Reply r = s_->Cmd(Args{"SCAN", cursor, "COUNT", "20"});
    ASSERT_EQ(r.type, REDIS_REPLY_ARRAY) << r.ToString();
    cursor = r.elements[0].str;
    for (const Reply& k : r.elements[1].elements) seen.insert(k.str);
    int n = 0;
    if (call++ % 2 == 0) {
      for (int j = 0; j < 300; ++j, ++n)
        s_->Append(Args{"SET", "churn:" + std::to_string(next++), "v"});
    } else {
      s_->Append(Args{"FLUSHDB"});  // drops everything...
      ++n;
      for (int i = 0; i < 500; ++i, ++n) {  // ...then the stable keys are back at once
        s_->Append(Args{"SET", "stable:" + std::to_string(i), "v"});
      }
    }
    for (int j = 0; j < n; ++j) s_->Read();
  } while (cursor != "0" && call < 100000);
  // (The stable keys are recreated, so they are "present" at every call boundary.)
  for (int i = 0; i < 500; ++i) EXPECT_TRUE(seen.count("stable:" + std::to_string(i))) << i;
}

TEST_F(KeyspaceTest, ObjectEncodingOfStrings) {
  std::string s44(44, 'x'), s45(45, 'x');
  BothAll({
      {"SET", "i", "12345"},
      {"OBJECT", "ENCODING", "i"},
      {"SET", "neg", "-1"},
      {"OBJECT", "ENCODING", "neg"},
      {"SET", "max", "9223372036854775807"},
      {"OBJECT", "ENCODING", "max"},
      {"SET", "min", "-9223372036854775808"},
      {"OBJECT", "ENCODING", "min"},
      {"SET", "big", "9223372036854775808"},
      {"OBJECT", "ENCODING", "big"},
      {"SET", "twenty", "12345678901234567890"},
      {"OBJECT", "ENCODING", "twenty"},
      {"SET", "lz", "007"},
      {"OBJECT", "ENCODING", "lz"},
      {"SET", "mz", "-0"},
      {"OBJECT", "ENCODING", "mz"},
      {"SET", "sp", " 1"},
      {"OBJECT", "ENCODING", "sp"},
      {"SET", "plus", "+1"},
      {"OBJECT", "ENCODING", "plus"},
      {"SET", "e", ""},
      {"OBJECT", "ENCODING", "e"},
      {"SET", "s44", s44},
      {"OBJECT", "ENCODING", "s44"},
      {"SET", "s45", s45},
      {"OBJECT", "ENCODING", "s45"},
      {"SET", kBin1, "x"},
      {"OBJECT", "ENCODING", kBin1},
      {"OBJECT", "ENCODING", "nokey"},
      {"OBJECT", "encoding", "i"},
      // Edited in place: always raw.
      {"SET", "ap", "1"},
      {"APPEND", "ap", "2"},
      {"OBJECT", "ENCODING", "ap"},
      {"SET", "sr", "abc"},
      {"SETRANGE", "sr", "0", "x"},
      {"OBJECT", "ENCODING", "sr"},
      {"SETRANGE", "srnew", "0", "5"},
      {"OBJECT", "ENCODING", "srnew"},
      // SET after APPEND gives a fresh (non-raw) value again; so does INCR.
      {"SET", "ap", "hello"},
      {"OBJECT", "ENCODING", "ap"},
      {"SET", "cnt", "10"},
      {"APPEND", "cnt", "0"},
      {"OBJECT", "ENCODING", "cnt"},
      {"INCR", "cnt"},
      {"OBJECT", "ENCODING", "cnt"},
      // RENAME and MOVE keep the encoding.
      {"APPEND", "ren", "abc"},
      {"APPEND", "ren", "def"},
      {"RENAME", "ren", "ren2"},
      {"OBJECT", "ENCODING", "ren2"},
      {"MOVE", "ren2", "1"},
      {"SELECT", "1"},
      {"OBJECT", "ENCODING", "ren2"},
      {"SELECT", "0"},
  });
}

TEST_F(KeyspaceTest, ObjectRefcountIdletimeFreqHelp) {
  BothAll({
      {"SET", "small", "9999"},
      {"OBJECT", "REFCOUNT", "small"},
      {"SET", "zero", "0"},
      {"OBJECT", "REFCOUNT", "zero"},
      {"SET", "big", "10000"},
      {"OBJECT", "REFCOUNT", "big"},
      {"SET", "neg", "-1"},
      {"OBJECT", "REFCOUNT", "neg"},
      {"SET", "str", "abc"},
      {"OBJECT", "REFCOUNT", "str"},
      {"OBJECT", "REFCOUNT", "nokey"},
      {"OBJECT", "IDLETIME", "nokey"},
      {"OBJECT", "FREQ", "nokey"},
      {"OBJECT", "FREQ", "str"},  // no LFU policy: an error
      {"OBJECT", "foo"},
      {"OBJECT", "foo", "bar"},
  });
  // HELP texts are our own words: compare their shape, not Redis's prose.
  for (const char* help : {"HELP", "help"}) {
    ExpectHelpReply(s_->Cmd(Args{"OBJECT", help}), "OBJECT",
                    {"ENCODING", "FREQ", "IDLETIME", "REFCOUNT"});
  }
  // Idle time grows while nothing touches the key (OBJECT itself does not) and an access
  // resets it. The clocks tick in whole seconds: wait for 2 so that "reset" is told apart
  // from a tick between the access and the question.
  for (Client* c : {s_.get(), r_.get()}) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    long long idle = 0;
    while (idle < 2 && std::chrono::steady_clock::now() < deadline) {
      Reply r = c->Cmd(Args{"OBJECT", "IDLETIME", "str"});
      ASSERT_EQ(r.type, REDIS_REPLY_INTEGER) << r.ToString();
      idle = r.integer;
    }
    EXPECT_GE(idle, 2) << (c == s_.get() ? "strata" : "redis") << ": idle time never grew";
    c->Cmd(Args{"GET", "str"});
    Reply after = c->Cmd(Args{"OBJECT", "IDLETIME", "str"});
    EXPECT_EQ(after.type, REDIS_REPLY_INTEGER) << after.ToString();
    EXPECT_LE(after.integer, 1) << (c == s_.get() ? "strata" : "redis")
                                << ": an access did not reset the idle time";
  }

  // Under an LFU policy, FREQ answers and IDLETIME is the error.
  BothAll({
      {"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"},
      {"OBJECT", "IDLETIME", "str"},
      {"OBJECT", "IDLETIME", "nokey"},
      {"OBJECT", "FREQ", "nokey"},
  });
  // A key created under LFU starts at Redis's initial counter (5); one created before the
  // switch holds an LRU stamp that Redis reads as a counter, so only its type is comparable.
  Both({"SET", "fresh", "x"});
  Reply fresh = Both({"OBJECT", "FREQ", "fresh"});
  EXPECT_EQ(fresh.type, REDIS_REPLY_INTEGER) << fresh.ToString();
  Reply freq = s_->Cmd(Args{"OBJECT", "FREQ", "str"});
  EXPECT_EQ(freq.type, REDIS_REPLY_INTEGER) << freq.ToString();
  Both({"CONFIG", "SET", "maxmemory-policy", "noeviction"});
  Both({"OBJECT", "FREQ", "str"});
}

TEST_F(KeyspaceTest, Memory) {
  BothAll({
      {"SET", "a", "1"},
      {"MEMORY", "USAGE", "nokey"},
      {"MEMORY", "USAGE", "a", "SAMPLES"},
      {"MEMORY", "USAGE", "a", "SAMPLES", "-1"},
      {"MEMORY", "USAGE", "a", "SAMPLES", "x"},
      {"MEMORY", "USAGE", "nokey", "SAMPLES", "x"},
      {"MEMORY", "USAGE", "a", "foo"},
      {"MEMORY", "USAGE", "nokey", "foo"},
      {"MEMORY", "USAGE", "nokey", "SAMPLES", "0"},
      {"MEMORY", "foo"},
      {"MEMORY", "PURGE"},
  });
  ExpectHelpReply(s_->Cmd(Args{"MEMORY", "HELP"}), "MEMORY",
                  {"DOCTOR", "MALLOC-STATS", "PURGE", "STATS", "USAGE"});
  Reply usage = s_->Cmd(Args{"MEMORY", "USAGE", "a"});
  ASSERT_EQ(usage.type, REDIS_REPLY_INTEGER) << usage.ToString();
  EXPECT_GT(usage.integer, 0);
  std::string big(10000, 'x');
  s_->Cmd(Args{"SET", "big", big});
  Reply big_usage = s_->Cmd(Args{"MEMORY", "USAGE", "big", "SAMPLES", "0"});
  ASSERT_EQ(big_usage.type, REDIS_REPLY_INTEGER);
  EXPECT_GE(big_usage.integer, 10000);
  EXPECT_GT(big_usage.integer, usage.integer);

  Reply doctor = s_->Cmd("MEMORY DOCTOR");
  EXPECT_EQ(doctor.type, REDIS_REPLY_STRING);
  EXPECT_EQ(doctor.str.rfind("Strata memory doctor: ", 0), 0u) << doctor.str;
  Reply malloc_stats = s_->Cmd("MEMORY MALLOC-STATS");
  EXPECT_EQ(malloc_stats.type, REDIS_REPLY_STRING);
  EXPECT_FALSE(malloc_stats.str.empty());

  // MEMORY STATS: Redis's field names, a db.N entry per non-empty database.
  Reply ours = s_->Cmd("MEMORY STATS");
  Reply theirs = r_->Cmd("MEMORY STATS");
  ASSERT_EQ(ours.type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(theirs.type, REDIS_REPLY_ARRAY);
  auto names = [](const Reply& r) {
    std::vector<std::string> n;
    for (std::size_t i = 0; i + 1 < r.elements.size(); i += 2) n.push_back(r.elements[i].str);
    return n;
  };
  EXPECT_EQ(names(ours), names(theirs));
  bool found = false;
  for (std::size_t i = 0; i + 1 < ours.elements.size(); i += 2) {
    if (ours.elements[i].str != "keys.count") continue;
    found = true;
    EXPECT_EQ(ours.elements[i + 1].integer, s_->Cmd("DBSIZE").integer);
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace strata::test
