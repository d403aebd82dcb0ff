// The StorageEngine contract, stated once and run over every engine: each engine is one
// line in `Engines` below and must pass all of it. The checking SlowEngine is in the list
// too, wrapped around the memory engine: it goes pending on every prefetch (and on scans
// given a waker), so these tests also prove that the contract holds for engines whose keys
// are loaded late.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "engines/slow_engine.h"
#include "engines/test_access.h"
#include "storage/memory/memory_engine.h"
#include "strata/storage_engine.h"
#include "types/hash.h"
#include "types/list.h"
#include "types/set.h"
#include "types/zset.h"
#include "util/clock.h"

namespace strata {
namespace {

constexpr int kDbs = 4;

struct MemoryFactory {
  static std::unique_ptr<StorageEngine> Make() {
    return std::make_unique<memory::MemoryEngine>(kDbs);
  }
};

struct SlowFactory {
  static std::unique_ptr<StorageEngine> Make() {
    return std::make_unique<testing::SlowEngine>(std::make_unique<memory::MemoryEngine>(kDbs));
  }
};

// Waits for a pending prefetch; counts how often it was told.
class Waiter final : public PrefetchWaker {
 public:
  void PrefetchDone(Status status) override {
    std::lock_guard<std::mutex> l(mu_);
    status_ = std::move(status);
    ++calls_;
    cv_.notify_all();
  }
  Status Wait() {
    std::unique_lock<std::mutex> l(mu_);
    EXPECT_TRUE(cv_.wait_for(l, std::chrono::seconds(30), [&] { return calls_ > 0; }));
    return status_;
  }
  int calls() {
    std::lock_guard<std::mutex> l(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int calls_ = 0;
  Status status_;
};

// Records what the engine reports to the observer.
class Recorder final : public KeyspaceObserver {
 public:
  bool Active() const override { return true; }
  void KeyModified(int db, std::string_view key) override {
    std::lock_guard<std::mutex> l(mu_);
    keys_.push_back(std::to_string(db) + ":" + std::string(key));
  }
  void DbModified(int db, FunctionRef<bool(std::string_view)> present) override {
    (void)present;
    std::lock_guard<std::mutex> l(mu_);
    dbs_.push_back(db);
  }
  std::vector<std::string> keys() {
    std::lock_guard<std::mutex> l(mu_);
    return keys_;
  }
  std::vector<int> dbs() {
    std::lock_guard<std::mutex> l(mu_);
    return dbs_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> keys_;
  std::vector<int> dbs_;
};

std::unique_ptr<Object> List(std::initializer_list<std::string_view> items) {
  auto l = std::make_unique<types::ListObject>();
  for (std::string_view i : items) l->PushBack(i);
  return l;
}

// prefix + n, spelled out (GCC 12 warns, wrongly, on "literal" + std::string&&).
std::string Name(std::string_view prefix, long n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

std::string Encoded(const Object* o) {
  std::string out;
  o->Encode(&out);
  return out;
}

template <typename Factory>
class EngineConformanceTest : public ::testing::Test {
 protected:
  EngineConformanceTest() : engine_(Factory::Make()) {
    engine_->set_observer(&recorder_);
    engine_->SetActiveExpire(false);
  }
  ~EngineConformanceTest() override { engine_->Shutdown(); }

  // Prefetches `keys`, waiting if the engine goes pending; returns the pins to release.
  PinSet Pin(const std::vector<KeyAccess>& keys) {
    PinSet pins;
    Waiter waiter;
    if (!engine_->Prefetch(AccessSet{keys, false}, &pins, &waiter)) {
      EXPECT_TRUE(waiter.Wait().ok());
    }
    EXPECT_LE(waiter.calls(), 1);
    return pins;
  }

  // The whole protocol a caller follows: prefetch, execute, release.
  template <typename Fn>
  void Run(const std::vector<KeyAccess>& keys, Fn&& fn) {
    PinSet pins = Pin(keys);
    engine_->Execute(AccessSet{keys, false}, [&](Keyspace& ks) { fn(ks); });
    engine_->ReleasePins(&pins);
  }

  void SetString(int db, std::string_view key, std::string_view value,
                 std::int64_t expire = kNoExpire) {
    Run({{db, key, KeyIntent::kOverwrite}}, [&](Keyspace& ks) {
      ks.SetString(db, key, value, expire);
      ks.SignalModified(db, key);
    });
  }

  std::string GetString(int db, std::string_view key) {
    std::string out = "<none>";
    Run({{db, key, KeyIntent::kRead}}, [&](Keyspace& ks) {
      ValueRef v = ks.Find(db, key);
      if (v.type == ValueType::kString) out = std::string(v.str);
    });
    return out;
  }

  // Scans `db` to the end as a caller that can wait does: each call gets a waker, and a
  // pending call is issued again with the same cursor once it fired. Returns how often each
  // key was emitted; `pendings` counts the calls that went pending.
  std::map<std::string, int> ScanAll(int db, const ScanOptions& options, int* pendings = nullptr) {
    std::map<std::string, int> seen;
    std::uint64_t cursor = 0;
    for (;;) {
      Waiter waiter;
      std::size_t emitted = 0;
      ScanResult r = engine_->Scan(
          db, cursor, options,
          [&](std::string_view key, const KeyInfo& info, const ValueRef* value) {
            ++emitted;
            ++seen[std::string(key)];
            EXPECT_TRUE(info) << key;
            EXPECT_EQ(value != nullptr, options.values) << key;
          },
          &waiter);
      if (r.pending) {
        EXPECT_EQ(emitted, 0u) << "a pending scan emits nothing";
        EXPECT_EQ(r.cursor, cursor) << "a pending scan keeps its cursor";
        EXPECT_TRUE(waiter.Wait().ok());
        EXPECT_EQ(waiter.calls(), 1);
        if (pendings != nullptr) ++*pendings;
        continue;
      }
      EXPECT_EQ(waiter.calls(), 0) << "a scan that did not go pending must not wake";
      cursor = r.cursor;
      if (cursor == 0) return seen;
    }
  }

  void SetObject(int db, std::string_view key, std::unique_ptr<Object> obj,
                 std::int64_t expire = kNoExpire) {
    Run({{db, key, KeyIntent::kOverwrite}}, [&](Keyspace& ks) {
      ks.SetObject(db, key, std::move(obj), expire);
      ks.SignalModified(db, key);
    });
  }

  // A fresh directory for checkpoints, removed with the test.
  const std::string& Dir() {
    if (dir_.empty()) {
      std::string name = "strata-conformance-";
      name += std::to_string(::getpid());
      name += '-';
      name += std::to_string(reinterpret_cast<std::uintptr_t>(this));
      dir_ = (std::filesystem::temp_directory_path() / name).string();
      std::filesystem::remove_all(dir_);
    }
    return dir_;
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<StorageEngine> engine_;
  Recorder recorder_;
  std::string dir_;
};

using Engines = ::testing::Types<MemoryFactory, SlowFactory>;
TYPED_TEST_SUITE(EngineConformanceTest, Engines);

TYPED_TEST(EngineConformanceTest, PrefetchCallsTheWakerAtMostOnceAndPinsTheKeys) {
  std::vector<KeyAccess> keys{{0, "a", KeyIntent::kWrite}, {1, "b", KeyIntent::kRead}};
  PinSet pins;
  Waiter waiter;
  bool ready = this->engine_->Prefetch(AccessSet{keys, false}, &pins, &waiter);
  if (ready) {
    EXPECT_EQ(waiter.calls(), 0) << "a ready prefetch must not call the waker";
  } else {
    ASSERT_TRUE(waiter.Wait().ok());
  }
  // Pinned keys are served without another wait, however often they are asked for.
  for (int i = 0; i < 3; ++i) {
    PinSet again;
    Waiter w2;
    EXPECT_TRUE(this->engine_->Prefetch(AccessSet{keys, false}, &again, &w2))
        << "keys pinned by an earlier prefetch are resident";
    this->engine_->ReleasePins(&again);
  }
  this->engine_->Execute(AccessSet{keys, false}, [&](Keyspace& ks) {
    ks.SetString(0, "a", "1", kNoExpire);
    ks.SignalModified(0, "a");
    EXPECT_FALSE(ks.Find(1, "b"));
  });
  this->engine_->ReleasePins(&pins);
  EXPECT_EQ(waiter.calls(), ready ? 0 : 1);
  EXPECT_EQ(this->GetString(0, "a"), "1");
}

TYPED_TEST(EngineConformanceTest, ManyPrefetchesInFlightAllComplete) {
  constexpr int kN = 200;
  std::vector<std::string> names;
  for (int i = 0; i < kN; ++i) names.push_back(Name("k", i));
  std::vector<std::vector<KeyAccess>> sets(kN);
  std::vector<PinSet> pins(kN);
  std::vector<Waiter> waiters(kN);
  std::vector<bool> ready(kN);
  for (int i = 0; i < kN; ++i) {
    sets[i] = {{0, names[i], KeyIntent::kOverwrite}};
    ready[i] = this->engine_->Prefetch(AccessSet{sets[i], false}, &pins[i], &waiters[i]);
  }
  for (int i = 0; i < kN; ++i) {
    if (!ready[i]) {
      ASSERT_TRUE(waiters[i].Wait().ok());
    }
    this->engine_->Execute(AccessSet{sets[i], false}, [&](Keyspace& ks) {
      ks.SetString(0, names[i], names[i], kNoExpire);
      ks.SignalModified(0, names[i]);
    });
    this->engine_->ReleasePins(&pins[i]);
  }
  for (int i = 0; i < kN; ++i) EXPECT_EQ(this->GetString(0, names[i]), names[i]);
}

TYPED_TEST(EngineConformanceTest, FindForWriteChangesInPlaceAndReadsSeeIt) {
  this->Run({{2, "l", KeyIntent::kOverwrite}}, [&](Keyspace& ks) {
    ks.SetObject(2, "l", List({"x"}), kNoExpire);
    ks.SignalModified(2, "l");
  });
  this->Run({{2, "l", KeyIntent::kWrite}}, [&](Keyspace& ks) {
    WriteRef w = ks.FindForWrite(2, "l");
    ASSERT_EQ(w.type, ValueType::kList);
    static_cast<types::ListObject*>(w.obj)->PushBack("y");
    ks.SignalModified(2, "l");
  });
  this->Run({{2, "l", KeyIntent::kRead}}, [&](Keyspace& ks) {
    ValueRef v = ks.Find(2, "l");
    ASSERT_EQ(v.type, ValueType::kList);
    EXPECT_EQ(Encoded(v.obj), Encoded(List({"x", "y"}).get()));
  });
}

TYPED_TEST(EngineConformanceTest, OnlyExplicitSignalsReachTheObserver) {
  this->Run({{0, "quiet", KeyIntent::kWrite}}, [&](Keyspace& ks) {
    ks.SetString(0, "quiet", "v", kNoExpire);
    ks.Delete(0, "quiet");  // a change that ends where it began needs no signal
  });
  EXPECT_TRUE(this->recorder_.keys().empty());
  this->SetString(3, "loud", "v");
  EXPECT_EQ(this->recorder_.keys(), std::vector<std::string>{"3:loud"});
}

TYPED_TEST(EngineConformanceTest, StatGivesTypeAndExpiryWithoutTheValue) {
  std::int64_t later = UnixTimeMs() + 3'600'000;
  this->SetString(0, "s", "value", later);
  this->Run({{0, "l", KeyIntent::kOverwrite}}, [&](Keyspace& ks) {
    ks.SetObject(0, "l", List({"a"}), kNoExpire);
    ks.SignalModified(0, "l");
  });
  this->Run({{0, "s", KeyIntent::kMeta}, {0, "l", KeyIntent::kMeta}, {0, "no", KeyIntent::kMeta}},
            [&](Keyspace& ks) {
              KeyInfo s = ks.Stat(0, "s");
              EXPECT_EQ(s.type, ValueType::kString);
              EXPECT_EQ(s.expire_at_ms, later);
              KeyInfo l = ks.Stat(0, "l");
              EXPECT_EQ(l.type, ValueType::kList);
              EXPECT_EQ(l.expire_at_ms, kNoExpire);
              EXPECT_FALSE(ks.Stat(0, "no"));
            });
}

TYPED_TEST(EngineConformanceTest, AViewStaysValidUntilItsKeyIsWritten) {
  this->SetString(0, "a", "first");
  this->Run({{0, "a", KeyIntent::kWrite}, {0, "b", KeyIntent::kWrite}}, [&](Keyspace& ks) {
    ValueRef a = ks.Find(0, "a");
    ASSERT_TRUE(a);
    ks.SetString(0, "b", std::string(4096, 'b'), kNoExpire);  // another key's write
    ks.SignalModified(0, "b");
    EXPECT_EQ(a.str, "first");
  });
}

TYPED_TEST(EngineConformanceTest, ExpiredKeysAreAbsentEverywhere) {
  this->SetString(0, "gone", "v", UnixTimeMs() - 1);
  this->SetString(0, "kept", "v", UnixTimeMs() + 3'600'000);
  this->Run({{0, "gone", KeyIntent::kRead}, {0, "kept", KeyIntent::kRead}}, [&](Keyspace& ks) {
    EXPECT_FALSE(ks.Stat(0, "gone"));
    EXPECT_FALSE(ks.Find(0, "gone"));
    EXPECT_FALSE(ks.Peek(0, "gone"));
    EXPECT_TRUE(ks.Find(0, "kept"));
  });
  this->Run({{0, "kept", KeyIntent::kWrite}}, [&](Keyspace& ks) {
    EXPECT_TRUE(ks.SetExpire(0, "kept", UnixTimeMs() - 1));  // a past expiry deletes
    ks.SignalModified(0, "kept");
  });
  EXPECT_EQ(this->GetString(0, "kept"), "<none>");
}

TYPED_TEST(EngineConformanceTest, RenameAcrossDatabases) {
  this->SetString(0, "k", "v", UnixTimeMs() + 3'600'000);
  this->Run({{0, "k", KeyIntent::kWrite}, {2, "k", KeyIntent::kWrite}}, [&](Keyspace& ks) {
    EXPECT_TRUE(ks.Rename(0, "k", 2, "k"));
    ks.SignalModified(0, "k");
    ks.SignalModified(2, "k");
  });
  EXPECT_EQ(this->GetString(0, "k"), "<none>");
  EXPECT_EQ(this->GetString(2, "k"), "v");
}

TYPED_TEST(EngineConformanceTest, ScanReturnsEveryKeyPresentThroughoutDespiteWriters) {
  constexpr int kStable = 2000;
  for (int i = 0; i < kStable; ++i) this->SetString(1, "stable:" + std::to_string(i), "v");
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop.load(); ++i) {
      std::string k = "churn:" + std::to_string(i % 3000);
      this->SetString(1, k, "v");
      if (i % 2 == 0) {
        this->Run({{1, k, KeyIntent::kOverwrite}}, [&](Keyspace& ks) {
          if (ks.Delete(1, k)) ks.SignalModified(1, k);
        });
      }
    }
  });
  ScanOptions options;
  options.count = 50;
  std::map<std::string, int> seen = this->ScanAll(1, options);
  stop = true;
  writer.join();
  for (int i = 0; i < kStable; ++i) {
    ASSERT_TRUE(seen.count("stable:" + std::to_string(i))) << "missed stable:" << i;
  }
}

TYPED_TEST(EngineConformanceTest, ScanAppliesMatchAndTypeItself) {
  for (int i = 0; i < 300; ++i) {
    this->SetString(0, "user:" + std::to_string(i), "v");
    this->SetString(0, "item:" + std::to_string(i), "v");
  }
  for (int i = 0; i < 50; ++i) {
    std::string k = "user:list:" + std::to_string(i);
    this->Run({{0, k, KeyIntent::kOverwrite}}, [&](Keyspace& ks) {
      ks.SetObject(0, k, List({"x"}), kNoExpire);
      ks.SignalModified(0, k);
    });
  }
  this->SetString(0, "", "empty key");

  ScanOptions options;
  options.count = 7;
  options.match = "user:*";
  options.type = ValueType::kString;
  std::map<std::string, int> seen = this->ScanAll(0, options);
  std::set<std::string> keys;
  for (const auto& [k, n] : seen) keys.insert(k);
  std::set<std::string> expected;
  for (int i = 0; i < 300; ++i) expected.insert("user:" + std::to_string(i));
  EXPECT_EQ(keys, expected);

  options.type = ValueType::kList;
  EXPECT_EQ(this->ScanAll(0, options).size(), 50u);
  // kNone stands for an unknown TYPE name: no key has it.
  options.type = ValueType::kNone;
  options.match.reset();
  EXPECT_TRUE(this->ScanAll(0, options).empty());
  // A lone "*" is every key, the empty one included; "" only the empty one.
  options.type.reset();
  options.match = "*";
  EXPECT_EQ(this->ScanAll(0, options).size(), 651u);
  options.match = "";
  std::map<std::string, int> empty_only = this->ScanAll(0, options);
  ASSERT_EQ(empty_only.size(), 1u);
  EXPECT_EQ(empty_only.begin()->first, "");
}

TYPED_TEST(EngineConformanceTest, ScanGivesTypeAndExpiryAndTheValueOnlyOnRequest) {
  const std::int64_t expire = UnixTimeMs() + 3'600'000;
  this->SetString(2, "s", "str", expire);
  this->Run({{2, "l", KeyIntent::kOverwrite}},
            [&](Keyspace& ks) {
              ks.SetObject(2, "l", List({"a", "b"}), kNoExpire);
              ks.SignalModified(2, "l");
            });
  for (bool values : {false, true}) {
    ScanOptions options;
    options.values = values;
    std::map<std::string, KeyInfo> infos;
    std::uint64_t cursor = 0;
    do {
      cursor = this->engine_
                   ->Scan(2, cursor, options,
                          [&](std::string_view key, const KeyInfo& info, const ValueRef* v) {
                            infos[std::string(key)] = info;
                            ASSERT_EQ(v != nullptr, values) << key;
                            if (v == nullptr) return;
                            EXPECT_EQ(v->type, info.type);
                            if (key == "s") {
                              EXPECT_EQ(v->str, "str");
                            } else {
                              EXPECT_EQ(Encoded(v->obj), Encoded(List({"a", "b"}).get()));
                            }
                          })
                   .cursor;
    } while (cursor != 0);
    ASSERT_EQ(infos.size(), 2u);
    EXPECT_EQ(infos["s"].type, ValueType::kString);
    EXPECT_EQ(infos["s"].expire_at_ms, expire);
    EXPECT_EQ(infos["l"].type, ValueType::kList);
    EXPECT_EQ(infos["l"].expire_at_ms, kNoExpire);
  }
}

// COUNT bounds the keys examined per call, filtered-out keys included: a MATCH that nothing
// passes still takes many small calls, never one walk over the whole keyspace.
TYPED_TEST(EngineConformanceTest, ScanWorkPerCallIsBounded) {
  constexpr int kKeys = 2000;
  constexpr std::size_t kCount = 20;
  for (int i = 0; i < kKeys; ++i) this->SetString(3, "k:" + std::to_string(i), "v");
  for (bool filtered : {false, true}) {
    ScanOptions options;
    options.count = kCount;
    if (filtered) options.match = "nothing-matches-*";
    int calls = 0;
    std::size_t most = 0;
    std::set<std::string> seen;
    std::uint64_t cursor = 0;
    do {
      std::size_t emitted = 0;
      cursor = this->engine_
                   ->Scan(3, cursor, options,
                          [&](std::string_view key, const KeyInfo&, const ValueRef*) {
                            ++emitted;
                            seen.emplace(key);
                          })
                   .cursor;
      most = std::max(most, emitted);
      ++calls;
    } while (cursor != 0);
    // Whole hash chains are taken at once, so a call may go a little past COUNT.
    EXPECT_LE(most, 3 * kCount) << "filtered " << filtered;
    EXPECT_GE(calls, kKeys / static_cast<int>(3 * kCount)) << "filtered " << filtered;
    EXPECT_EQ(seen.size(), filtered ? 0u : static_cast<std::size_t>(kKeys));
  }
}

// With a waker an engine may go pending; the caller re-issues the same cursor once woken and
// the scan completes with every key. Without a waker no engine goes pending. The memory
// engine never does; the slow engine does about every other call.
TYPED_TEST(EngineConformanceTest, ScanMayGoPendingAndResumesAtTheSameCursor) {
  constexpr int kKeys = 500;
  for (int i = 0; i < kKeys; ++i) this->SetString(1, "p:" + std::to_string(i), "v");
  ScanOptions options;
  options.count = 10;
  int pendings = 0;
  std::map<std::string, int> seen = this->ScanAll(1, options, &pendings);
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kKeys));
  if constexpr (std::is_same_v<TypeParam, SlowFactory>) {
    EXPECT_GT(pendings, 0);
  } else {
    EXPECT_EQ(pendings, 0);
  }
  std::uint64_t cursor = 0;
  std::size_t keys = 0;
  do {
    ScanResult r = this->engine_->Scan(
        1, cursor, options, [&](std::string_view, const KeyInfo&, const ValueRef*) { ++keys; });
    ASSERT_FALSE(r.pending) << "no waker, no pending";
    cursor = r.cursor;
  } while (cursor != 0);
  EXPECT_GE(keys, static_cast<std::size_t>(kKeys));
}

TYPED_TEST(EngineConformanceTest, FlushAndSwapDbTellTheObserver) {
  this->SetString(0, "a", "1");
  this->SetString(1, "b", "2");
  this->engine_->SwapDb(0, 1);
  EXPECT_EQ(this->GetString(0, "b"), "2");
  EXPECT_EQ(this->GetString(1, "a"), "1");
  this->engine_->Flush(1, false);
  EXPECT_EQ(this->GetString(1, "a"), "<none>");
  EXPECT_EQ(this->engine_->DbSize(1), 0u);
  std::vector<int> dbs = this->recorder_.dbs();
  EXPECT_NE(std::find(dbs.begin(), dbs.end(), 0), dbs.end());
  EXPECT_NE(std::find(dbs.begin(), dbs.end(), 1), dbs.end());
}

// A snapshot (the portable export) gives every live key once, with value and expiry.
class CollectingSink final : public SnapshotSink {
 public:
  void Begin(std::int64_t) override {}
  void Emit(int db, std::string_view key, const ValueRef& v) override {
    std::lock_guard<std::mutex> l(mu_);
    std::string value = v.type == ValueType::kString ? std::string(v.str) : Encoded(v.obj);
    ++counts_[std::to_string(db) + ":" + std::string(key)];
    values_[std::to_string(db) + ":" + std::string(key)] = value;
  }
  Status Drain() override { return Status::OK(); }
  std::map<std::string, int> counts_;
  std::map<std::string, std::string> values_;
  std::mutex mu_;
};

TYPED_TEST(EngineConformanceTest, SnapshotExportsEveryLiveKeyOnce) {
  for (int db = 0; db < kDbs; ++db) {
    for (int i = 0; i < 100; ++i) this->SetString(db, Name("k", i), std::to_string(db));
  }
  this->SetString(0, "expired", "v", UnixTimeMs() - 1);
  CollectingSink sink;
  ASSERT_TRUE(this->engine_->Export(sink, nullptr).ok());
  EXPECT_EQ(sink.counts_.size(), static_cast<std::size_t>(kDbs * 100));
  for (const auto& [key, n] : sink.counts_) EXPECT_EQ(n, 1) << key;
  EXPECT_EQ(sink.values_["3:k7"], "3");
  EXPECT_EQ(sink.counts_.count("0:expired"), 0u);
}

// A value's bytes, independent of how the engine laid it out: a set's members sorted (the
// order of a hashtable set follows its insertion history, which a reload does not keep).
std::string Canonical(const ValueRef& v) {
  if (v.type == ValueType::kString) return std::string(v.str);
  if (v.type != ValueType::kSet) return Encoded(v.obj);
  std::set<std::string> members;
  static_cast<const types::SetObject*>(v.obj)->ForEach(
      [&](std::string_view m) { members.emplace(m); });
  std::string out;
  for (const std::string& m : members) (out += m) += ',';
  return out;
}

// Every key of every database, as "db:key" -> (type, encoded value, expiry).
std::map<std::string, std::string> Dump(StorageEngine& engine) {
  std::map<std::string, std::string> out;
  for (int db = 0; db < engine.num_databases(); ++db) {
    testing::ForEachValue(engine, db, SIZE_MAX, [&](std::string_view key, const ValueRef& v) {
      out[std::to_string(db) + ":" + std::string(key)] =
          std::to_string(static_cast<int>(v.type)) + "|" + Canonical(v) + "|" +
          std::to_string(v.expire_at_ms);
    });
  }
  return out;
}

TYPED_TEST(EngineConformanceTest, CheckpointRecoversIntoAFreshEngine) {
  const std::int64_t later = UnixTimeMs() + 3600 * 1000;
  for (int db = 0; db < kDbs; ++db) {
    this->SetString(db, "s", Name("v", db));
    this->SetString(db, std::string("bin\0\xff", 5), std::string(300, 'x'), later + db);
    auto list = std::make_unique<types::ListObject>();
    for (int i = 0; i < 20; ++i) list->PushBack(std::to_string(i));
    this->SetObject(db, "list", std::move(list), later);
    auto hash = std::make_unique<types::HashObject>();
    for (int i = 0; i < 200; ++i) hash->Set(Name("f", i), std::to_string(i));
    this->SetObject(db, "hash", std::move(hash));
    auto set = std::make_unique<types::SetObject>();
    for (int i = 0; i < 30; ++i) set->Add(Name("m", i));
    this->SetObject(db, "set", std::move(set));
    auto zset = std::make_unique<types::ZSetObject>();
    for (int i = 0; i < 150; ++i) zset->Insert(Name("z", i), i * 0.25);
    this->SetObject(db, "zset", std::move(zset), later);
  }
  this->SetString(1, "gone", "v", UnixTimeMs() - 1);  // expired: in no checkpoint
  const auto before = Dump(*this->engine_);
  ASSERT_EQ(before.size(), static_cast<std::size_t>(kDbs * 6));

  CheckpointRequest request;
  request.dir = this->Dir();
  auto written = this->engine_->Checkpoint(request);
  ASSERT_TRUE(written.ok()) << written.status().message();
  EXPECT_EQ(written->keys, before.size());
  EXPECT_TRUE(this->engine_->HasRecoverableState(this->Dir()));

  auto fresh = TypeParam::Make();
  RecoverRequest recover;
  recover.dir = this->Dir();
  auto r = fresh->Recover(recover);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->keys_loaded, before.size());
  EXPECT_EQ(Dump(*fresh), before);
  fresh->Shutdown();
}

TYPED_TEST(EngineConformanceTest, NothingToRecoverIsAnEmptySuccess) {
  EXPECT_FALSE(this->engine_->HasRecoverableState(this->Dir()));
  RecoverRequest recover;
  recover.dir = this->Dir();
  auto r = this->engine_->Recover(recover);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->path, "");
  EXPECT_EQ(this->engine_->DbSize(0), 0u);
}

// Damages the middle of `path` (a block, never the header alone).
void Damage(const std::string& path) {
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_GT(bytes.size(), 100u);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5a);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

TYPED_TEST(EngineConformanceTest, RecoveryFallsBackPastADamagedNewestCheckpointOnlyIfAllowed) {
  for (int i = 0; i < 200; ++i) this->SetString(2, Name("old", i), "1");
  CheckpointRequest request;
  request.dir = this->Dir();
  ASSERT_TRUE(this->engine_->Checkpoint(request).ok());
  for (int i = 0; i < 200; ++i) this->SetString(2, Name("new", i), "2");
  auto newest = this->engine_->Checkpoint(request);
  ASSERT_TRUE(newest.ok());
  Damage(newest->path);

  // Refused by default: nothing half-loaded stays behind, and the file is left alone.
  auto refusing = TypeParam::Make();
  RecoverRequest recover;
  recover.dir = this->Dir();
  auto refused = refusing->Recover(recover);
  EXPECT_EQ(refused.status().code(), Status::Code::kCorruption);
  EXPECT_EQ(refusing->DbSize(2), 0u);
  EXPECT_TRUE(std::filesystem::exists(newest->path));
  refusing->Shutdown();

  auto fresh = TypeParam::Make();
  recover.on_corrupt = OnCorrupt::kPrevious;
  auto r = fresh->Recover(recover);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_NE(r->path, newest->path);
  EXPECT_EQ(fresh->DbSize(2), 200u);
  EXPECT_FALSE(std::filesystem::exists(newest->path));  // set aside as *.corrupt
  EXPECT_TRUE(std::filesystem::exists(newest->path + ".corrupt"));
  fresh->Shutdown();
}

// Commands that run after the export's point in time are not in it, whether the engine
// serves them concurrently or makes them wait.
class PointInTimeSink final : public SnapshotSink {
 public:
  void Begin(std::int64_t) override { begun.store(true); }
  void Emit(int db, std::string_view key, const ValueRef& v) override {
    std::lock_guard<std::mutex> l(mu);
    ++counts[std::to_string(db) + ":" + std::string(key)];
    if (v.type != ValueType::kString || v.str != "old") ++changed;
  }
  Status Drain() override { return Status::OK(); }
  std::atomic<bool> begun{false};
  std::mutex mu;
  std::map<std::string, int> counts;
  int changed = 0;
};

TYPED_TEST(EngineConformanceTest, ExportIsOnePointInTimeUnderConcurrentWriters) {
  constexpr int kKeys = 3000;
  for (int i = 0; i < kKeys; ++i) this->SetString(i % kDbs, Name("k", i), "old");
  PointInTimeSink sink;
  std::atomic<bool> done{false};
  std::atomic<int> writes{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      while (!sink.begun.load() && !done.load()) std::this_thread::yield();
      for (int i = w; !done.load(); i += 2) {
        int n = i % kKeys;
        std::string key = Name("k", n);
        if (i % 3 == 0) {
          this->Run({{n % kDbs, key, KeyIntent::kOverwrite}}, [&](Keyspace& ks) {
            if (ks.Delete(n % kDbs, key)) ks.SignalModified(n % kDbs, key);
          });
        } else {
          this->SetString(n % kDbs, key, "new");
        }
        this->SetString(n % kDbs, Name("fresh", i), "new");
        writes.fetch_add(1);
      }
    });
  }
  Status st = this->engine_->Export(sink, nullptr);
  done = true;
  for (auto& t : writers) t.join();
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(sink.changed, 0);
  EXPECT_EQ(sink.counts.size(), static_cast<std::size_t>(kKeys));
  for (const auto& [key, n] : sink.counts) EXPECT_EQ(n, 1) << key;
}

TYPED_TEST(EngineConformanceTest, StatsCanBeReadInsideExecuteAll) {
  this->SetString(0, "a", "1");
  this->SetString(3, "b", "2", UnixTimeMs() + 60000);
  this->GetString(0, "a");        // a hit
  this->GetString(0, "missing");  // a miss
  InfoFields stats, memory, storage;
  DbStats db3;
  this->engine_->Execute(AccessSet{{}, true}, [&](Keyspace&) {
    this->engine_->WriteInfo(kInfoStats, stats);
    this->engine_->WriteInfo(kInfoMemory, memory);
    this->engine_->WriteInfo(kInfoStorage, storage);
    db3 = this->engine_->GetDbStats(3);
  });
  EXPECT_EQ(stats.GetU64("keyspace_hits"), 1u);
  EXPECT_EQ(stats.GetU64("keyspace_misses"), 1u);
  EXPECT_GT(memory.GetU64("used_memory_dataset"), 0u);
  EXPECT_FALSE(storage.fields().empty());
  EXPECT_EQ(db3.keys, 1u);
  EXPECT_EQ(db3.expires, 1u);
  EXPECT_GT(db3.index_bytes, 0u);
  EXPECT_GT(db3.expires_bytes, 0u);
  this->engine_->ResetStats();
  InfoFields reset;
  this->engine_->WriteInfo(kInfoStats, reset);
  EXPECT_EQ(reset.GetU64("keyspace_hits"), 0u);
}

}  // namespace
}  // namespace strata
