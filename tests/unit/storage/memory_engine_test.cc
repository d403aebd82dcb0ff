// Tests for the memory engine through the StorageEngine seam: key locking, values, expiry
// (lazy and active), RENAME across databases, SCAN's guarantees, RANDOMKEY, FLUSH, SWAPDB.
#include "storage/memory/memory_engine.h"
#include "util/clock.h"

#include <gtest/gtest.h>

#include "engines/test_access.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace strata::memory {
namespace {

std::string Key(int i) { return "key:" + std::to_string(i); }

// A minimal collection for SetObject / Clone / MemoryUsage.
// One engine-written INFO figure.
std::uint64_t Stat(StorageEngine& engine, std::string_view section, std::string_view name) {
  InfoFields fields;
  engine.WriteInfo(section, fields);
  return fields.GetU64(name);
}

class TestList final : public Object {
 public:
  explicit TestList(std::vector<std::string> items) : items_(std::move(items)) {}
  ValueType type() const override { return ValueType::kList; }
  std::string_view encoding() const override { return "listpack"; }
  std::size_t MemoryUsage() const override { return 1000; }
  std::unique_ptr<Object> Clone() const override { return std::make_unique<TestList>(items_); }
  void Encode(std::string* out) const override {
    for (const auto& s : items_) out->append(s);
  }
  const std::vector<std::string>& items() const { return items_; }

 private:
  std::vector<std::string> items_;
};

class MemoryEngineTest : public ::testing::Test {
 protected:
  MemoryEngineTest() : engine_(16) {
    // Tests drive expiry themselves (TEST_ActiveExpireAll) unless they want the sweep.
    engine_.SetActiveExpire(false);
  }
  ~MemoryEngineTest() override { engine_.Shutdown(); }

  // Runs `fn` with the given keys locked.
  template <typename Fn>
  void With(std::initializer_list<std::string_view> keys, Fn&& fn) {
    std::vector<std::string_view> k(keys);
    testing::WithKeys(engine_, k, fn);
  }

  void Set(int db, const std::string& key, const std::string& value,
           std::int64_t expire = kNoExpire) {
    With({key}, [&](Keyspace& ks) { ks.SetString(db, key, value, expire); });
  }

  // The value of a string key, or "<none>".
  std::string Get(int db, const std::string& key) {
    std::string out = "<none>";
    With({key}, [&](Keyspace& ks) {
      ValueRef v = ks.Find(db, key);
      if (v) out = std::string(v.str);
    });
    return out;
  }

  std::int64_t ExpireOf(int db, const std::string& key) {
    std::int64_t out = -100;
    With({key}, [&](Keyspace& ks) {
      ValueRef v = ks.Peek(db, key);
      if (v) out = v.expire_at_ms;
    });
    return out;
  }

  // Scans `db` to completion with `count`, calling `between` after each call.
  template <typename Between>
  std::map<std::string, int> ScanAll(int db, std::size_t count, Between between) {
    std::map<std::string, int> seen;
    ScanOptions opts;
    opts.count = count;
    std::uint64_t cursor = 0;
    int calls = 0;
    do {
      cursor = engine_
                   .Scan(db, cursor, opts,
                         [&](std::string_view key, const KeyInfo&, const ValueRef*) {
                           ++seen[std::string(key)];
                         })
                   .cursor;
      between(calls++);
    } while (cursor != 0);
    return seen;
  }

  MemoryEngine engine_;
};

TEST_F(MemoryEngineTest, SetFindDelete) {
  EXPECT_EQ(engine_.name(), "memory");
  EXPECT_EQ(engine_.num_databases(), 16);
  EXPECT_EQ(Get(0, "a"), "<none>");
  Set(0, "a", "1");
  Set(1, "a", "other");
  EXPECT_EQ(Get(0, "a"), "1");
  EXPECT_EQ(Get(1, "a"), "other");
  EXPECT_EQ(engine_.DbSize(0), 1u);
  EXPECT_EQ(engine_.DbSize(1), 1u);
  With({"a"}, [&](Keyspace& ks) {
    ValueRef v = ks.Find(0, "a");
    EXPECT_EQ(v.type, ValueType::kString);
    EXPECT_EQ(v.expire_at_ms, kNoExpire);
    EXPECT_FALSE(v.str_raw);
    EXPECT_TRUE(ks.Delete(0, "a"));
    EXPECT_FALSE(ks.Delete(0, "a"));
    EXPECT_FALSE(ks.Find(0, "a"));
  });
  EXPECT_EQ(Get(1, "a"), "other");
  EXPECT_EQ(engine_.DbSize(0), 0u);
}

// A batch keeps the last Execute's shard locked for the next one. Every other way this
// thread locks shards (another shard, several shards, the whole keyspace, keyspace-wide
// calls) must release it first, or the thread would deadlock on itself; and other threads
// get the key once the batch ends.
TEST_F(MemoryEngineTest, BatchKeepsAShardWithoutDeadlockingItsOwnThread) {
  engine_.BeginBatch();
  for (int i = 0; i < 3; ++i) Set(0, "hot", std::to_string(i));  // kept after the first
  Set(0, Key(1), "a");                                           // another shard, maybe
  With({"hot", Key(2)}, [&](Keyspace& ks) { ks.SetString(0, Key(2), "b", kNoExpire); });
  EXPECT_EQ(engine_.DbSize(0), 3u);
  std::string random;
  EXPECT_TRUE(engine_.RandomKey(0, &random));
  engine_.Execute(AccessSet{{}, true}, [&](Keyspace& ks) { EXPECT_TRUE(ks.Stat(0, "hot")); });
  Set(0, "hot", "last");  // kept again
  std::atomic<bool> other_done{false};
  std::thread other([&] {
    Set(0, "hot", "other");
    other_done = true;
  });
  engine_.EndBatch();
  other.join();
  EXPECT_TRUE(other_done);
  With({"hot"}, [&](Keyspace& ks) { EXPECT_EQ(ks.Find(0, "hot").str, "other"); });
  // EndBatch without a batch, and twice, is harmless.
  engine_.EndBatch();
  engine_.EndBatch();
}

TEST_F(MemoryEngineTest, OverwriteKeepsOrReplacesExpiry) {
  std::int64_t later = UnixTimeMs() + 100000;
  Set(0, "k", "abc", later);
  EXPECT_EQ(ExpireOf(0, "k"), later);
  Set(0, "k", "xyz", kKeepExpire);  // same length: in-place path
  EXPECT_EQ(Get(0, "k"), "xyz");
  EXPECT_EQ(ExpireOf(0, "k"), later);
  Set(0, "k", "longer value", kKeepExpire);
  EXPECT_EQ(ExpireOf(0, "k"), later);
  Set(0, "k", "v");  // plain SET drops the expiry
  EXPECT_EQ(ExpireOf(0, "k"), kNoExpire);
  EXPECT_EQ(engine_.GetDbStats(0).expires, 0u);
}

TEST_F(MemoryEngineTest, BinarySafeKeysAndValues) {
  std::string key("k\0\r\n\xff", 5), value("\0\0v\r\n", 5);
  Set(3, key, value);
  EXPECT_EQ(Get(3, key), value);
  EXPECT_EQ(Get(3, std::string("k", 1)), "<none>");
  Set(3, "", "empty key");
  EXPECT_EQ(Get(3, ""), "empty key");
}

TEST_F(MemoryEngineTest, ResizeStringGrowsAmortizedAndMarksRaw) {
  Set(0, "s", "abc");
  std::string expected = "abc";
  // APPEND-like growth, one byte at a time: prefix kept, contents exact.
  for (int i = 0; i < 5000; ++i) {
    With({"s"}, [&](Keyspace& ks) {
      std::size_t len = ks.Find(0, "s").str.size();
      char* p = ks.ResizeString(0, "s", len + 1);
      p[len] = static_cast<char>('a' + i % 26);
    });
    expected.push_back(static_cast<char>('a' + i % 26));
  }
  EXPECT_EQ(Get(0, "s"), expected);
  With({"s"}, [&](Keyspace& ks) { EXPECT_TRUE(ks.Find(0, "s").str_raw); });

  // Shrinking keeps the prefix; growing zero-fills.
  With({"s"}, [&](Keyspace& ks) {
    ks.ResizeString(0, "s", 2);
    EXPECT_EQ(ks.Find(0, "s").str, "ab");
    ks.ResizeString(0, "s", 4);
    EXPECT_EQ(ks.Find(0, "s").str, std::string("ab\0\0", 4));
  });

  // A new key is created zero-filled, persistent, and "raw" (SETRANGE on a missing key).
  With({"n"}, [&](Keyspace& ks) {
    char* p = ks.ResizeString(0, "n", 3);
    std::memcpy(p, "xyz", 3);
    ValueRef v = ks.Find(0, "n");
    EXPECT_EQ(v.str, "xyz");
    EXPECT_EQ(v.expire_at_ms, kNoExpire);
    EXPECT_TRUE(v.str_raw);
  });

  // Same-length resize of an exact-size string also makes it raw; SET makes it plain again.
  Set(0, "e", "abc");
  With({"e"}, [&](Keyspace& ks) {
    ks.ResizeString(0, "e", 3);
    EXPECT_TRUE(ks.Find(0, "e").str_raw);
    ks.SetString(0, "e", "xyz", kNoExpire);
    EXPECT_FALSE(ks.Find(0, "e").str_raw);
    EXPECT_EQ(ks.Find(0, "e").str, "xyz");
  });
}

// INCRBYFLOAT's integer-looking results are not "int" encoded in Redis; the flag follows the
// value through RENAME and is dropped by the next SET.
TEST_F(MemoryEngineTest, MarkStringNotInteger) {
  With({"f", "g", "missing"}, [&](Keyspace& ks) {
    ks.SetString(0, "f", "3", kNoExpire);
    EXPECT_FALSE(ks.Find(0, "f").str_not_int);
    ks.MarkStringNotInteger(0, "f");
    EXPECT_TRUE(ks.Find(0, "f").str_not_int);
    EXPECT_TRUE(ks.Rename(0, "f", 0, "g"));
    EXPECT_TRUE(ks.Find(0, "g").str_not_int);
    ks.SetString(0, "g", "4", kNoExpire);  // same length: the in-place path
    EXPECT_FALSE(ks.Find(0, "g").str_not_int);
    ks.MarkStringNotInteger(0, "missing");  // harmless
    EXPECT_FALSE(ks.Find(0, "missing"));
  });
}

TEST_F(MemoryEngineTest, ResizeStringKeepsExpiry) {
  std::int64_t later = UnixTimeMs() + 100000;
  Set(0, "s", "abc", later);
  With({"s"}, [&](Keyspace& ks) { ks.ResizeString(0, "s", 1000); });
  EXPECT_EQ(ExpireOf(0, "s"), later);
  EXPECT_EQ(engine_.GetDbStats(0).expires, 1u);
}

TEST_F(MemoryEngineTest, ObjectsAndMemoryUsage) {
  With({"l", "missing"}, [&](Keyspace& ks) {
    ks.SetObject(2, "l", std::make_unique<TestList>(std::vector<std::string>{"a", "b"}), kNoExpire);
    ValueRef v = ks.Find(2, "l");
    ASSERT_EQ(v.type, ValueType::kList);
    ASSERT_NE(v.obj, nullptr);
    EXPECT_EQ(v.obj->encoding(), "listpack");
    EXPECT_GE(ks.KeyMemoryUsage(2, "l"), 1000u);
    EXPECT_EQ(ks.KeyMemoryUsage(2, "missing"), 0u);
  });
  EXPECT_GE(engine_.KeyMemoryUsage(2, "l"), 1000u);
  EXPECT_EQ(engine_.KeyMemoryUsage(0, "l"), 0u);
  Set(0, "s", std::string(100, 'x'));
  EXPECT_GE(engine_.KeyMemoryUsage(0, "s"), 100u);
  EXPECT_GE(Stat(engine_, kInfoMemory, "used_memory_dataset"), 100u);
}

TEST_F(MemoryEngineTest, SetExpireAndLazyExpiry) {
  Set(0, "k", "v");
  std::int64_t later = UnixTimeMs() + 100000;
  With({"k", "missing"}, [&](Keyspace& ks) {
    EXPECT_TRUE(ks.SetExpire(0, "k", later));
    EXPECT_EQ(ks.Peek(0, "k").expire_at_ms, later);
    EXPECT_TRUE(ks.SetExpire(0, "k", later + 1));  // in place
    EXPECT_EQ(ks.Peek(0, "k").expire_at_ms, later + 1);
    EXPECT_TRUE(ks.SetExpire(0, "k", kNoExpire));
    EXPECT_EQ(ks.Peek(0, "k").expire_at_ms, kNoExpire);
    EXPECT_FALSE(ks.SetExpire(0, "missing", later));
  });
  EXPECT_EQ(engine_.GetDbStats(0).expires, 0u);

  // A time in the past deletes the key at once.
  With({"k"}, [&](Keyspace& ks) {
    EXPECT_TRUE(ks.SetExpire(0, "k", UnixTimeMs() - 1));
    EXPECT_FALSE(ks.Find(0, "k"));
  });

  // A key whose time passes is never returned, and counts as expired when reclaimed.
  std::uint64_t expired_before = Stat(engine_, kInfoStats, "expired_keys");
  const std::int64_t deadline = UnixTimeMs() + 30;
  Set(0, "short", "v", deadline);
  while (UnixTimeMs() <= deadline) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  With({"short"}, [&](Keyspace& ks) {
    EXPECT_FALSE(ks.Peek(0, "short"));
    EXPECT_EQ(ks.IdleSeconds(0, "short"), -1);
    EXPECT_FALSE(ks.Find(0, "short"));  // deletes it
  });
  EXPECT_EQ(Stat(engine_, kInfoStats, "expired_keys"), expired_before + 1);
  EXPECT_EQ(engine_.DbSize(0), 0u);
}

TEST_F(MemoryEngineTest, HitsAndMisses) {
  engine_.ResetStats();
  Set(0, "k", "v");
  With({"k", "nope"}, [&](Keyspace& ks) {
    ks.Find(0, "k");
    ks.Find(0, "nope");
    ks.Find(0, "nope");
  });
  EXPECT_EQ(Stat(engine_, kInfoStats, "keyspace_hits"), 1u);
  EXPECT_EQ(Stat(engine_, kInfoStats, "keyspace_misses"), 2u);
  engine_.ResetStats();
  EXPECT_EQ(Stat(engine_, kInfoStats, "keyspace_hits"), 0u);
}

// Idle time grows while the key is left alone (asking does not count as an access) and a
// read resets it. The clock ticks in whole seconds: waiting for 2 tells a reset apart from a
// tick between the read and the question.
TEST_F(MemoryEngineTest, IdleSeconds) {
  Set(0, "k", "v");
  std::int64_t idle = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (idle < 2 && std::chrono::steady_clock::now() < give_up) {
    With({"k"}, [&](Keyspace& ks) { idle = ks.IdleSeconds(0, "k"); });
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(idle, 2) << "idle time never grew";
  With({"k", "missing"}, [&](Keyspace& ks) {
    EXPECT_TRUE(ks.Find(0, "k"));
    EXPECT_LE(ks.IdleSeconds(0, "k"), 1) << "a read did not reset the idle time";
    EXPECT_EQ(ks.IdleSeconds(0, "missing"), -1);
  });
}

TEST_F(MemoryEngineTest, RenameWithinAndAcrossDatabases) {
  std::int64_t later = UnixTimeMs() + 100000;
  Set(0, "src", "value", later);
  Set(0, "dst", "old");
  With({"src", "dst"}, [&](Keyspace& ks) {
    EXPECT_TRUE(ks.Rename(0, "src", 0, "dst"));  // replaces dst
    EXPECT_FALSE(ks.Find(0, "src"));
    EXPECT_FALSE(ks.Rename(0, "src", 0, "dst"));
  });
  EXPECT_EQ(Get(0, "dst"), "value");
  EXPECT_EQ(ExpireOf(0, "dst"), later);

  // Same name, other database (MOVE): the value and its expiry travel.
  With({"dst"}, [&](Keyspace& ks) { EXPECT_TRUE(ks.Rename(0, "dst", 5, "dst")); });
  EXPECT_EQ(Get(0, "dst"), "<none>");
  EXPECT_EQ(Get(5, "dst"), "value");
  EXPECT_EQ(ExpireOf(5, "dst"), later);
  EXPECT_EQ(engine_.GetDbStats(5).expires, 1u);
  EXPECT_EQ(engine_.GetDbStats(0).expires, 0u);

  // Renaming onto itself is a no-op that reports success.
  With({"dst"}, [&](Keyspace& ks) { EXPECT_TRUE(ks.Rename(5, "dst", 5, "dst")); });
  EXPECT_EQ(Get(5, "dst"), "value");

  // Objects move too (no copy), and raw strings stay raw.
  With({"l", "l2"}, [&](Keyspace& ks) {
    ks.SetObject(0, "l", std::make_unique<TestList>(std::vector<std::string>{"x"}), kNoExpire);
    const Object* before = ks.Find(0, "l").obj;
    EXPECT_TRUE(ks.Rename(0, "l", 1, "l2"));
    EXPECT_EQ(ks.Find(1, "l2").obj, before);
    ks.ResizeString(0, "l", 5);
    EXPECT_TRUE(ks.Rename(0, "l", 0, "l2"));
    EXPECT_TRUE(ks.Find(0, "l2").str_raw);
  });
}

TEST_F(MemoryEngineTest, KeyLocksSerializeReadModifyWrite) {
  Set(0, "counter", "0");
  constexpr int kThreads = 4, kIncrements = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string other = "other" + std::to_string(t);
      for (int i = 0; i < kIncrements; ++i) {
        std::vector<std::string_view> keys = {"counter", other};
        engine_.Execute(AccessSet{testing::WriteAccess(keys), false}, [&](Keyspace& ks) {
          int v = std::stoi(std::string(ks.Find(0, "counter").str));
          ks.SetString(0, "counter", std::to_string(v + 1), kKeepExpire);
          ks.SetString(0, other, std::to_string(i), kNoExpire);
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(Get(0, "counter"), std::to_string(kThreads * kIncrements));
}

TEST_F(MemoryEngineTest, LockAllSeesEverything) {
  for (int i = 0; i < 50; ++i) Set(0, Key(i), "v");
  int found = 0;
  engine_.Execute(AccessSet{{}, true}, [&](Keyspace& ks) {
    for (int i = 0; i < 50; ++i) found += ks.Find(0, Key(i)) ? 1 : 0;
  });
  EXPECT_EQ(found, 50);
}

TEST_F(MemoryEngineTest, ScanReturnsEveryKeyOnce) {
  for (int i = 0; i < 3000; ++i) Set(0, Key(i), "v");
  Set(1, "elsewhere", "v");
  for (std::size_t count : {1u, 10u, 1000u, 1000000u}) {
    auto seen = ScanAll(0, count, [](int) {});
    EXPECT_EQ(seen.size(), 3000u) << "count " << count;
    // Without resizes between calls there are no duplicates either.
    for (const auto& [k, n] : seen) ASSERT_EQ(n, 1) << k;
    EXPECT_FALSE(seen.count("elsewhere"));
  }
}

TEST_F(MemoryEngineTest, ScanOfEmptyDatabase) {
  auto seen = ScanAll(7, 10, [](int) {});
  EXPECT_TRUE(seen.empty());
  // Arbitrary (even huge) cursors are accepted and terminate.
  ScanOptions opts;
  ScanResult r =
      engine_.Scan(7, ~0ull, opts, [](std::string_view, const KeyInfo&, const ValueRef*) {});
  EXPECT_EQ(r.cursor, 0u);
  EXPECT_FALSE(r.pending);
}

// Redis's guarantee: a key present for the whole scan is returned at least once, even when
// the tables grow and shrink between calls.
TEST_F(MemoryEngineTest, ScanGuaranteeUnderGrowthAndShrink) {
  for (int i = 0; i < 500; ++i) Set(0, Key(i), "stable");
  int next = 100000;
  std::vector<std::string> transient;
  auto seen = ScanAll(0, 5, [&](int call) {
    if (call % 3 != 2) {
      for (int j = 0; j < 200; ++j) {
        transient.push_back(Key(next++));
        Set(0, transient.back(), "t");
      }
    } else {
      for (const std::string& k : transient) {
        With({k}, [&](Keyspace& ks) { ks.Delete(0, k); });
      }
      transient.clear();
    }
  });
  for (int i = 0; i < 500; ++i) EXPECT_TRUE(seen.count(Key(i))) << Key(i);
}

// One unbounded call (a snapshot) returns each live key exactly once, even when expired keys met
// on the way are reclaimed (which shrinks tables).
TEST_F(MemoryEngineTest, UnboundedScanHasNoDuplicatesWhileReclaiming) {
  std::int64_t past = UnixTimeMs() - 1000;
  for (int i = 0; i < 4000; ++i) Set(0, "dead:" + std::to_string(i), "v", past);
  for (int i = 0; i < 100; ++i) Set(0, Key(i), "v");
  std::uint64_t expired_before = Stat(engine_, kInfoStats, "expired_keys");
  std::map<std::string, int> seen;
  ScanOptions opts;
  opts.count = SIZE_MAX;
  std::uint64_t cursor =
      engine_
          .Scan(0, 0, opts,
                [&](std::string_view k, const KeyInfo&, const ValueRef*) { ++seen[std::string(k)]; })
          .cursor;
  EXPECT_EQ(cursor, 0u);
  EXPECT_EQ(seen.size(), 100u);
  for (const auto& [k, n] : seen) EXPECT_EQ(n, 1) << k;
  EXPECT_EQ(Stat(engine_, kInfoStats, "expired_keys"), expired_before + 4000);
  EXPECT_EQ(engine_.DbSize(0), 100u);
}

TEST_F(MemoryEngineTest, ScanEmitsValuesWhenAsked) {
  Set(0, "s", "str");
  With({"l"}, [&](Keyspace& ks) {
    ks.SetObject(0, "l", std::make_unique<TestList>(std::vector<std::string>{"x"}), kNoExpire);
  });
  std::map<std::string, ValueType> types;
  ScanOptions opts;
  opts.values = true;
  std::uint64_t cursor = 0;
  do {
    cursor = engine_
                 .Scan(0, cursor, opts,
                       [&](std::string_view k, const KeyInfo& info, const ValueRef* v) {
                         ASSERT_NE(v, nullptr);
                         EXPECT_EQ(info.type, v->type);
                         types[std::string(k)] = v->type;
                         if (v->type == ValueType::kString) {
                           EXPECT_EQ(v->str, "str");
                         }
                       })
                 .cursor;
  } while (cursor != 0);
  EXPECT_EQ(types["s"], ValueType::kString);
  EXPECT_EQ(types["l"], ValueType::kList);
}

TEST_F(MemoryEngineTest, RandomKey) {
  std::string key;
  EXPECT_FALSE(engine_.RandomKey(0, &key));
  for (int i = 0; i < 20; ++i) Set(0, Key(i), "v");
  std::set<std::string> picked;
  for (int i = 0; i < 500; ++i) {
    ASSERT_TRUE(engine_.RandomKey(0, &key));
    picked.insert(key);
  }
  for (const std::string& k : picked) EXPECT_EQ(Get(0, k), "v");
  EXPECT_GT(picked.size(), 10u);
  EXPECT_FALSE(engine_.RandomKey(1, &key));

  // Only expired keys: none is ever returned.
  std::int64_t past = UnixTimeMs() - 1;
  for (int i = 0; i < 30; ++i) Set(2, Key(i), "v", past);
  EXPECT_FALSE(engine_.RandomKey(2, &key));
}

TEST_F(MemoryEngineTest, FlushSyncAndAsync) {
  for (int db : {0, 1, 2}) {
    for (int i = 0; i < 100; ++i) Set(db, Key(i), "v");
  }
  engine_.Flush(0, false);
  EXPECT_EQ(engine_.DbSize(0), 0u);
  EXPECT_EQ(engine_.DbSize(1), 100u);
  engine_.Flush(1, true);  // keys are gone at once; memory is freed in the background
  EXPECT_EQ(engine_.DbSize(1), 0u);
  EXPECT_EQ(Get(1, Key(5)), "<none>");
  EXPECT_EQ(engine_.DbSize(2), 100u);
  // The database is usable right away.
  Set(1, "fresh", "v");
  EXPECT_EQ(Get(1, "fresh"), "v");
  engine_.Flush(-1, true);
  for (int db = 0; db < 16; ++db) EXPECT_EQ(engine_.DbSize(db), 0u) << db;
  engine_.Flush(-1, false);
  EXPECT_EQ(engine_.GetDbStats(2).keys, 0u);
}

TEST_F(MemoryEngineTest, SwapDb) {
  Set(0, "a", "zero");
  Set(1, "b", "one", UnixTimeMs() + 100000);
  engine_.SwapDb(0, 1);
  EXPECT_EQ(Get(0, "b"), "one");
  EXPECT_EQ(Get(1, "a"), "zero");
  EXPECT_EQ(Get(0, "a"), "<none>");
  EXPECT_EQ(engine_.GetDbStats(0).expires, 1u);
  EXPECT_EQ(engine_.GetDbStats(1).expires, 0u);
  engine_.SwapDb(0, 0);
  EXPECT_EQ(Get(0, "b"), "one");
}

TEST_F(MemoryEngineTest, ActiveExpiryReclaimsUntouchedKeys) {
  std::int64_t soon = UnixTimeMs() + 20;
  for (int i = 0; i < 1000; ++i) Set(4, Key(i), "v", soon);
  for (int i = 0; i < 10; ++i) Set(4, "keep" + std::to_string(i), "v", UnixTimeMs() + 1000000);
  Set(4, "persistent", "v");
  EXPECT_EQ(engine_.DbSize(4), 1011u);
  EXPECT_EQ(engine_.GetDbStats(4).expires, 1010u);
  while (UnixTimeMs() <= soon) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::uint64_t expired_before = Stat(engine_, kInfoStats, "expired_keys");
  engine_.TEST_ActiveExpireAll();
  EXPECT_EQ(engine_.DbSize(4), 11u);
  EXPECT_EQ(Stat(engine_, kInfoStats, "expired_keys"), expired_before + 1000);
  DbStats st = engine_.GetDbStats(4);
  EXPECT_EQ(st.expires, 10u);
  EXPECT_GT(st.avg_ttl_ms, 0);
}

// The background sweep alone (no access at all) makes expired keys disappear.
TEST(MemoryEngineBackgroundTest, SweepRemovesExpiredKeys) {
  MemoryEngine engine(16);
  std::int64_t soon = UnixTimeMs() + 50;
  for (int i = 0; i < 2000; ++i) {
    std::string k = Key(i);
    std::vector<std::string_view> keys = {k};
    engine.Execute(AccessSet{testing::WriteAccess(keys), false},
                   [&](Keyspace& ks) { ks.SetString(i % 3, k, "v", soon); });
  }
  std::uint64_t left = 0;
  // Poll generously; the outcome, not the speed, is what is asserted.
  for (int i = 0; i < 300; ++i) {
    left = engine.DbSize(0) + engine.DbSize(1) + engine.DbSize(2);
    if (left == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(left, 0u);
  EXPECT_GE(Stat(engine, kInfoStats, "expired_keys"), 2000u);
  engine.Shutdown();
}

TEST(MemoryEngineBackgroundTest, SweepCanBeDisabled) {
  MemoryEngine engine(1);
  engine.SetActiveExpire(false);
  std::string k = "k";
  std::vector<std::string_view> keys = {k};
  engine.Execute(AccessSet{testing::WriteAccess(keys), false},
                 [&](Keyspace& ks) { ks.SetString(0, k, "v", UnixTimeMs() + 10); });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  // Still counted (nobody reclaimed it), yet invisible to readers.
  EXPECT_EQ(engine.DbSize(0), 1u);
  engine.Execute(AccessSet{testing::WriteAccess(keys), false}, [&](Keyspace& ks) { EXPECT_FALSE(ks.Peek(0, k)); });
  engine.TEST_ActiveExpireAll();
  EXPECT_EQ(engine.DbSize(0), 0u);
  engine.Shutdown();
}

}  // namespace
}  // namespace strata::memory
