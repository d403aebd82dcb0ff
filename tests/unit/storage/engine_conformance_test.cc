// The StorageEngine contract, stated once and run over every engine: each engine is one
// line in `Engines` below and must pass all of it. The checking SlowEngine is in the list
// too, wrapped around the memory engine: it goes pending on every prefetch, so these tests
// also prove that the contract holds for engines whose keys are loaded late.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engines/slow_engine.h"
#include "storage/memory/memory_engine.h"
#include "strata/storage_engine.h"
#include "types/list.h"
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

  std::unique_ptr<StorageEngine> engine_;
  Recorder recorder_;
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
  for (int i = 0; i < kN; ++i) names.push_back("k" + std::to_string(i));
  std::vector<std::vector<KeyAccess>> sets(kN);
  std::vector<PinSet> pins(kN);
  std::vector<Waiter> waiters(kN);
  std::vector<bool> ready(kN);
  for (int i = 0; i < kN; ++i) {
    sets[i] = {{0, names[i], KeyIntent::kOverwrite}};
    ready[i] = this->engine_->Prefetch(AccessSet{sets[i], false}, &pins[i], &waiters[i]);
  }
  for (int i = 0; i < kN; ++i) {
    if (!ready[i]) ASSERT_TRUE(waiters[i].Wait().ok());
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
  std::set<std::string> seen;
  std::uint64_t cursor = 0;
  do {
    cursor = this->engine_->Scan(1, cursor, ScanOptions{50},
                                 [&](std::string_view key, const ValueRef&) {
                                   seen.emplace(key);
                                 });
  } while (cursor != 0);
  stop = true;
  writer.join();
  for (int i = 0; i < kStable; ++i) {
    ASSERT_TRUE(seen.count("stable:" + std::to_string(i))) << "missed stable:" << i;
  }
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
    for (int i = 0; i < 100; ++i) this->SetString(db, "k" + std::to_string(i), std::to_string(db));
  }
  this->SetString(0, "expired", "v", UnixTimeMs() - 1);
  CollectingSink sink;
  ASSERT_TRUE(this->engine_->Export(sink, nullptr).ok());
  EXPECT_EQ(sink.counts_.size(), static_cast<std::size_t>(kDbs * 100));
  for (const auto& [key, n] : sink.counts_) EXPECT_EQ(n, 1) << key;
  EXPECT_EQ(sink.values_["3:k7"], "3");
  EXPECT_EQ(sink.counts_.count("0:expired"), 0u);
}

}  // namespace
}  // namespace strata
