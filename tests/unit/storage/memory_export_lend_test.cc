// Tests for how the memory engine's export lends large collections to its walk, so that
// they are encoded outside their shard's lock (memory_snapshot.cc, SettleOrLend).
#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engines/test_access.h"
#include "storage/memory/memory_engine.h"
#include "types/hash.h"

namespace strata::memory {
namespace {

class MemoryExportLendTest : public ::testing::Test {
 protected:
  MemoryExportLendTest() : engine_(1) { engine_.SetActiveExpire(false); }
  ~MemoryExportLendTest() override { engine_.Shutdown(); }

  template <typename Fn>
  void With(std::vector<std::string> keys, Fn&& fn) {
    std::vector<std::string_view> k(keys.begin(), keys.end());
    testing::WithKeys(engine_, k, fn);
  }

  MemoryEngine engine_;
};

// A large collection is encoded outside its shard's lock (lent to the export): while the
// sink is still taking it, commands on that shard run, the big key itself included. A write
// to it meanwhile goes to a copy, so the export still records the value of its point in time.
class HoldingSink final : public SnapshotSink {
 public:
  explicit HoldingSink(std::string hold_key) : hold_key_(std::move(hold_key)) {}
  void Begin(std::int64_t) override {}
  void Emit(int, std::string_view key, const ValueRef& value) override {
    std::string encoded;
    if (value.type != ValueType::kString) value.obj->Encode(&encoded);
    std::unique_lock<std::mutex> l(mu_);
    emitted_[std::string(key)] = encoded;
    if (key != hold_key_) return;
    holding_ = true;
    cv_.notify_all();
    cv_.wait(l, [&] { return released_; });
  }
  Status Drain() override { return Status::OK(); }

  void WaitHolding() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return holding_; });
  }
  void Release() {
    std::lock_guard<std::mutex> l(mu_);
    released_ = true;
    cv_.notify_all();
  }
  std::string emitted(const std::string& key) {
    std::lock_guard<std::mutex> l(mu_);
    return emitted_[key];
  }

 private:
  const std::string hold_key_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool holding_ = false;
  bool released_ = false;
  std::map<std::string, std::string> emitted_;
};

TEST_F(MemoryExportLendTest, LargeCollectionsAreEncodedOutsideTheShardLock) {
  auto big = std::make_unique<types::HashObject>();
  for (int i = 0; i < 5000; ++i) big->Set(std::string("f").append(std::to_string(i)), "v");
  ASSERT_EQ(big->encoding(), "hashtable");
  std::string at_flip;
  big->Encode(&at_flip);
  With({"big"}, [&](Keyspace& ks) { ks.SetObject(0, "big", std::move(big), kNoExpire); });

  HoldingSink sink("big");
  std::thread exporter([&] { EXPECT_TRUE(engine_.Export(sink, nullptr).ok()); });
  sink.WaitHolding();  // the export is inside Emit of "big"
  // Were "big" emitted under its shard lock, each of these would wait for the export forever.
  With({"big"}, [&](Keyspace& ks) {
    ValueRef v = ks.Find(0, "big");
    ASSERT_EQ(v.type, ValueType::kHash);
    EXPECT_EQ(static_cast<const types::HashObject*>(v.obj)->size(), 5000u);
  });
  With({"big"}, [&](Keyspace& ks) {
    WriteRef w = ks.FindForWrite(0, "big");
    ASSERT_EQ(w.type, ValueType::kHash);
    static_cast<types::HashObject*>(w.obj)->Set("added", "during the export");
  });
  sink.Release();
  exporter.join();
  EXPECT_EQ(sink.emitted("big"), at_flip) << "the export must record the value at its start";
  With({"big"}, [&](Keyspace& ks) {
    EXPECT_EQ(static_cast<const types::HashObject*>(ks.Find(0, "big").obj)->size(), 5001u);
  });
  // The next export takes the entry as it is now, its lending hint cleared on the way.
  HoldingSink second("none");
  EXPECT_TRUE(engine_.Export(second, nullptr).ok());
  std::string now;
  With({"big"}, [&](Keyspace& ks) { ks.Find(0, "big").obj->Encode(&now); });
  EXPECT_EQ(second.emitted("big"), now);
}

}  // namespace
}  // namespace strata::memory
