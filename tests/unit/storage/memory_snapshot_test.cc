// Tests for MemoryEngine::Snapshot: a point-in-time, exactly-once dump of the keyspace while
// other threads keep changing it (overwrites in place and by replacement, APPEND-like
// growth, deletes, expiry changes, renames within and across databases, in-place collection
// mutation, new keys), FLUSHDB/FLUSHALL and SWAPDB during the walk, keys that expire during
// the walk, back-to-back snapshots, cancellation and a failing Drain.
//
// The sink gates its first Drain call (the snapshot thread then holds no engine lock, and
// the walk has covered at most one chunk), so mutations made by the test meanwhile happen
// deterministically "during" the snapshot, before the walk reaches most keys.
#include "storage/memory/memory_engine.h"

#include <gtest/gtest.h>

#include "engines/test_access.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "types/hash.h"
#include "types/list.h"
#include "types/set.h"
#include "types/zset.h"
#include "util/clock.h"

namespace strata::memory {
namespace {

// Writers that run "while the snapshot walks" stop after this many mutations at most.
constexpr int kMaxMutationsWhileWalking = 200000;

constexpr int kNumDbs = 16;
constexpr int kUsedDbs = 4;  // databases the tests fill
constexpr std::int64_t kFar = 4102444800000;  // 2100-01-01: "far future" expiries

// One key as seen by a snapshot or by a dump of the engine.
struct Rec {
  ValueType type = ValueType::kNone;
  std::int64_t expire = kNoExpire;
  std::string value;  // canonical
  bool operator==(const Rec&) const = default;
};
using DbKey = std::pair<int, std::string>;
using State = std::map<DbKey, Rec>;

// Strings raw; lists and sorted sets by their encoding (ordered); sets and hashes as sorted
// contents, since their iteration order depends on a per-process seed.
std::string Canonical(const ValueRef& v) {
  switch (v.type) {
    case ValueType::kString:  // with the encoding hints OBJECT ENCODING reports
      return std::string(v.str_raw ? "raw|" : "") + (v.str_not_int ? "notint|" : "") +
             std::string(v.str);
    case ValueType::kSet: {
      std::vector<std::string> m = static_cast<const types::SetObject*>(v.obj)->Members();
      std::sort(m.begin(), m.end());
      std::string out = "set";
      for (const auto& s : m) out += "|" + std::to_string(s.size()) + ":" + s;
      return out;
    }
    case ValueType::kHash: {
      std::vector<std::string> parts;
      for (const auto& [f, val] : static_cast<const types::HashObject*>(v.obj)->Entries()) {
        parts.push_back(std::to_string(f.size()) + ":" + std::string(f) + "=" +
                        std::to_string(val.size()) + ":" + std::string(val));
      }
      std::sort(parts.begin(), parts.end());
      std::string out = "hash";
      for (const auto& s : parts) out += "|" + s;
      return out;
    }
    default: {
      std::string out = v.type == ValueType::kList ? "list|" : "zset|";
      v.obj->Encode(&out);
      return out;
    }
  }
}

Rec RecOf(const ValueRef& v) { return Rec{v.type, v.expire_at_ms, Canonical(v)}; }

std::string Describe(const State& want, const State& got) {
  std::ostringstream os;
  int shown = 0;
  for (const auto& [k, r] : want) {
    auto it = got.find(k);
    if (it == got.end()) {
      if (shown++ < 10) os << "missing db=" << k.first << " key=" << k.second << "\n";
    } else if (!(it->second == r)) {
      if (shown++ < 10) {
        os << "differs db=" << k.first << " key=" << k.second << " type "
           << static_cast<int>(r.type) << "/" << static_cast<int>(it->second.type) << " expire "
           << r.expire << "/" << it->second.expire << " value(" << r.value.size() << "/"
           << it->second.value.size() << ")\n";
      }
    }
  }
  for (const auto& [k, r] : got) {
    if (!want.count(k) && shown++ < 10) {
      os << "unexpected db=" << k.first << " key=" << k.second << "\n";
    }
  }
  os << "want " << want.size() << " keys, got " << got.size() << "; " << shown << " problems";
  return os.str();
}

// A thread-safe sink recording what was emitted and how often. Its first Drain can be held
// until the test opens the gate; Drain can sleep, and can fail at the n-th call.
class RecordingSink final : public SnapshotSink {
 public:
  void Begin(std::int64_t at_ms) override {
    std::lock_guard<std::mutex> l(mu_);
    ++begins_;
    at_ms_ = at_ms;
    snapshot_thread_ = std::this_thread::get_id();
    if (emits_ != 0) emit_before_begin_ = true;
  }

  void Emit(int db, std::string_view key, const ValueRef& value) override {
    Rec r = RecOf(value);  // the views are valid during the call only
    std::lock_guard<std::mutex> l(mu_);
    if (begins_ == 0) emit_before_begin_ = true;
    if (finished_) emit_after_end_ = true;
    ++emits_;
    if (std::this_thread::get_id() != snapshot_thread_) ++foreign_emits_;
    DbKey k{db, std::string(key)};
    ++counts_[k];
    got_[k] = std::move(r);
  }

  Status Drain() override {
    int n = ++drains_;
    if (gated_ && n == 1) {
      std::unique_lock<std::mutex> l(gate_mu_);
      reached_ = true;
      gate_cv_.notify_all();
      gate_cv_.wait(l, [&] { return open_; });
    }
    if (sleep_us_ > 0) std::this_thread::sleep_for(std::chrono::microseconds(sleep_us_));
    if (fail_at_ > 0 && n == fail_at_) return Status::IOError("disk full (test)");
    return Status::OK();
  }

  // Configuration, before the snapshot starts.
  void set_gated(bool g) { gated_ = g; }
  void set_sleep_us(int us) { sleep_us_ = us; }
  void set_fail_at(int n) { fail_at_ = n; }

  // Blocks until the snapshot thread is held in the first Drain.
  void WaitGate() {
    std::unique_lock<std::mutex> l(gate_mu_);
    gate_cv_.wait(l, [&] { return reached_; });
  }
  void OpenGate() {
    std::lock_guard<std::mutex> l(gate_mu_);
    open_ = true;
    gate_cv_.notify_all();
  }
  // Called after Snapshot returned: any later Emit is a bug.
  void Finish() {
    std::lock_guard<std::mutex> l(mu_);
    finished_ = true;
  }

  std::int64_t at_ms() {
    std::lock_guard<std::mutex> l(mu_);
    return at_ms_;
  }
  State got() {
    std::lock_guard<std::mutex> l(mu_);
    return got_;
  }
  int drains() const { return drains_.load(); }
  // Keys emitted by threads other than the snapshot's (commands about to change them).
  std::uint64_t foreign_emits() {
    std::lock_guard<std::mutex> l(mu_);
    return foreign_emits_;
  }

  // Checks the bookkeeping every snapshot must satisfy: Begin once and first, every key
  // emitted at most once, nothing emitted after Snapshot returned.
  void ExpectSane() {
    std::lock_guard<std::mutex> l(mu_);
    EXPECT_EQ(begins_, 1);
    EXPECT_FALSE(emit_before_begin_);
    EXPECT_FALSE(emit_after_end_);
    int dups = 0;
    for (const auto& [k, n] : counts_) {
      if (n != 1 && dups++ < 10) {
        ADD_FAILURE() << "db=" << k.first << " key=" << k.second << " emitted " << n << " times";
      }
    }
    EXPECT_EQ(dups, 0) << "keys emitted more than once";
  }

 private:
  std::mutex mu_;
  int begins_ = 0;
  std::int64_t at_ms_ = 0;
  std::uint64_t emits_ = 0;
  std::uint64_t foreign_emits_ = 0;
  std::thread::id snapshot_thread_;
  bool emit_before_begin_ = false;
  bool emit_after_end_ = false;
  bool finished_ = false;
  std::map<DbKey, int> counts_;
  State got_;

  bool gated_ = false;
  int sleep_us_ = 0;
  int fail_at_ = 0;
  std::atomic<int> drains_{0};
  std::mutex gate_mu_;
  std::condition_variable gate_cv_;
  bool reached_ = false;
  bool open_ = false;
};

// Runs a snapshot on its own thread.
class SnapshotThread {
 public:
  SnapshotThread(MemoryEngine& engine, RecordingSink& sink, const std::atomic<bool>* cancel = nullptr)
      : sink_(sink), thread_([this, &engine, cancel] {
          status_ = engine.Export(sink_, cancel);
          sink_.Finish();
        }) {}
  ~SnapshotThread() {
    if (thread_.joinable()) thread_.join();
  }
  Status Join() {
    thread_.join();
    return status_;
  }

 private:
  RecordingSink& sink_;
  Status status_;
  std::thread thread_;
};

std::string KeyName(int i) { return "k:" + std::to_string(i); }

class MemorySnapshotTest : public ::testing::Test {
 protected:
  MemorySnapshotTest() : engine_(kNumDbs) { engine_.SetActiveExpire(false); }
  ~MemorySnapshotTest() override { engine_.Shutdown(); }

  template <typename Fn>
  void With(std::vector<std::string> keys, Fn&& fn) {
    std::vector<std::string_view> k(keys.begin(), keys.end());
    testing::WithKeys(engine_, k, fn);
  }

  void SetStr(int db, const std::string& key, const std::string& value,
              std::int64_t expire = kNoExpire) {
    With({key}, [&](Keyspace& ks) { ks.SetString(db, key, value, expire); });
  }

  static std::unique_ptr<Object> MakeCollection(int kind, int seed, int n) {
    switch (kind % 4) {
      case 0: {
        auto l = std::make_unique<types::ListObject>();
        for (int i = 0; i < n; ++i) l->PushBack("e" + std::to_string(seed) + "." + std::to_string(i));
        return l;
      }
      case 1: {
        auto h = std::make_unique<types::HashObject>();
        for (int i = 0; i < n; ++i) h->Set("f" + std::to_string(i), "v" + std::to_string(seed * 7 + i));
        return h;
      }
      case 2: {
        auto s = std::make_unique<types::SetObject>();
        // Some sets are integer-only (intset encoding), others hold strings.
        for (int i = 0; i < n; ++i) {
          s->Add(seed % 2 ? std::to_string(seed * 100 + i) : "m" + std::to_string(seed + i));
        }
        return s;
      }
      default: {
        auto z = std::make_unique<types::ZSetObject>();
        for (int i = 0; i < n; ++i) z->Insert("z" + std::to_string(i), seed * 0.5 + i);
        return z;
      }
    }
  }

  // Fills databases 0..kUsedDbs-1 with `per_db` keys each: strings (some with far-future
  // expiries, some grown in place so they use the slack layout) and collections of every
  // type (small and large encodings).
  void Fill(int per_db, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    for (int db = 0; db < kUsedDbs; ++db) {
      for (int i = 0; i < per_db; ++i) {
        std::string key = KeyName(i);
        int r = static_cast<int>(rng() % 100);
        std::int64_t exp = rng() % 4 == 0 ? kFar + static_cast<std::int64_t>(rng() % 100000) : kNoExpire;
        if (r < 70) {
          SetStr(db, key, std::string(1 + rng() % 40, static_cast<char>('a' + rng() % 26)), exp);
        } else if (r < 78) {
          With({key}, [&](Keyspace& ks) {
            ks.SetString(db, key, "grow", exp);
            char* p = ks.ResizeString(db, key, 20);
            std::memcpy(p + 4, "0123456789abcdef", 16);
          });
        } else {
          int n = rng() % 5 == 0 ? 200 : 1 + static_cast<int>(rng() % 10);
          auto obj = MakeCollection(r, i + db * 100000, n);
          With({key}, [&](Keyspace& ks) { ks.SetObject(db, key, std::move(obj), exp); });
        }
      }
    }
  }

  // Every live key of every database, read with the whole keyspace locked.
  State Dump() {
    State out;
    engine_.Execute(AccessSet{{}, true}, [&](Keyspace&) {
      for (int db = 0; db < kNumDbs; ++db) {
        testing::ForEachValue(engine_, db, 1000, [&](std::string_view k, const ValueRef& v) {
          out[{db, std::string(k)}] = RecOf(v);
        });
      }
    });
    return out;
  }

  // An ungated snapshot with no concurrent mutation must equal the current keyspace.
  void ExpectQuietSnapshotExact(const char* what) {
    SCOPED_TRACE(what);
    State want = Dump();
    RecordingSink sink;
    Status st = engine_.Export(sink, nullptr);
    sink.Finish();
    ExpectSnapshotExact(st, sink, want);
  }

  // A finished snapshot succeeded, its sink saw a well-formed run, and it emitted `want`.
  static void ExpectSnapshotExact(const Status& st, RecordingSink& sink, const State& want) {
    ASSERT_TRUE(st.ok()) << st.ToString();
    sink.ExpectSane();
    State got = sink.got();
    EXPECT_TRUE(got == want) << Describe(want, got);
  }

  // One random mutation through Execute. Key indexes range over [0, key_space); indexes at
  // or above `existing` are mostly new keys.
  void RandomMutation(std::mt19937_64& rng, int key_space, std::uint64_t tag) {
    int db = static_cast<int>(rng() % kUsedDbs);
    std::string key = KeyName(static_cast<int>(rng() % static_cast<std::uint64_t>(key_space)));
    std::string val = "t" + std::to_string(tag);
    int op = static_cast<int>(rng() % 16);
    switch (op) {
      case 0:  // SET of an equal-length value: overwritten in place
        With({key}, [&](Keyspace& ks) {
          ValueRef v = ks.Peek(db, key);
          if (v.type != ValueType::kString) return;
          std::string nv(v.str.size(), 'Q');
          std::memcpy(nv.data(), val.data(), std::min(nv.size(), val.size()));
          ks.SetString(db, key, nv, kKeepExpire);
        });
        break;
      case 1: {  // SET of another length, with some expiry choice
        std::int64_t exp = rng() % 3 == 0 ? kKeepExpire : rng() % 2 ? kNoExpire : kFar + 1;
        std::string nv = val + std::string(rng() % 50, 'L');
        With({key}, [&](Keyspace& ks) { ks.SetString(db, key, nv, exp); });
        break;
      }
      case 2:  // APPEND
        With({key}, [&](Keyspace& ks) {
          ValueRef v = ks.Peek(db, key);
          if (v && v.type != ValueType::kString) return;
          std::size_t old = v ? v.str.size() : 0;
          char* p = ks.ResizeString(db, key, old + val.size());
          std::memcpy(p + old, val.data(), val.size());
        });
        break;
      case 3:  // DEL
        With({key}, [&](Keyspace& ks) { ks.Delete(db, key); });
        break;
      case 4: {  // EXPIRE: set, change, clear, or in the past (deletes)
        int which = static_cast<int>(rng() % 4);
        std::int64_t exp = which == 0   ? kFar + static_cast<std::int64_t>(tag)
                           : which == 1 ? kNoExpire
                           : which == 2 ? kFar - 5
                                        : UnixTimeMs() - 1000;
        With({key}, [&](Keyspace& ks) { ks.SetExpire(db, key, exp); });
        break;
      }
      case 5:
      case 6: {  // RENAME within the database or to another one, possibly onto a key
        std::string dst = KeyName(static_cast<int>(rng() % static_cast<std::uint64_t>(key_space)));
        int dst_db = op == 5 ? db : static_cast<int>(rng() % kUsedDbs);
        With({key, dst}, [&](Keyspace& ks) { ks.Rename(db, key, dst_db, dst); });
        break;
      }
      case 7: {  // SetObject replacing whatever is there
        auto obj = MakeCollection(static_cast<int>(rng() % 4), static_cast<int>(tag % 100000),
                                  1 + static_cast<int>(rng() % 20));
        std::int64_t exp = rng() % 2 ? kKeepExpire : kNoExpire;
        With({key}, [&](Keyspace& ks) { ks.SetObject(db, key, std::move(obj), exp); });
        break;
      }
      case 8:
      case 9:
      case 10: {  // in-place mutation of a collection opened with FindForWrite
        With({key}, [&](Keyspace& ks) {
          WriteRef v = ks.FindForWrite(db, key);
          if (!v || v.type == ValueType::kString) return;
          switch (v.type) {
            case ValueType::kList:
              static_cast<types::ListObject*>(v.obj)->PushBack(val);
              break;
            case ValueType::kHash:
              static_cast<types::HashObject*>(v.obj)->Set("f0", val);
              break;
            case ValueType::kSet:
              static_cast<types::SetObject*>(v.obj)->Add(val);
              break;
            case ValueType::kZSet: {
              auto* z = static_cast<types::ZSetObject*>(v.obj);
              if (!z->Score(val)) z->Insert(val, static_cast<double>(tag % 1000));
              break;
            }
            default:
              break;
          }
        });
        break;
      }
      case 14: {  // INCRBYFLOAT-like: a new value, then marked "not an integer"
        std::string nv = std::to_string(tag % 1000);
        With({key}, [&](Keyspace& ks) {
          ks.SetString(db, key, nv, kKeepExpire);
          ks.MarkStringNotInteger(db, key);
        });
        break;
      }
      case 15:  // SETRANGE within the string: same length, edited in place, becomes "raw"
        With({key}, [&](Keyspace& ks) {
          ValueRef v = ks.Peek(db, key);
          if (v.type != ValueType::kString || v.str.empty()) return;
          char* p = ks.ResizeString(db, key, v.str.size());
          p[0] = static_cast<char>('A' + tag % 26);
        });
        break;
      default: {  // a new key (or an overwrite when the name exists)
        std::string nk = "new:" + std::to_string(tag);
        With({nk}, [&](Keyspace& ks) { ks.SetString(db, nk, val, rng() % 2 ? kNoExpire : kFar); });
        break;
      }
    }
  }

  MemoryEngine engine_;
};

// 1. Exactly once, point in time, with two writer threads changing keys while the walk is
// held at its first Drain and then while it proceeds slowly.
TEST_F(MemorySnapshotTest, ExactUnderConcurrentWriters) {
  constexpr int kPerDb = 5000;
  Fill(kPerDb, 1);
  State want = Dump();
  ASSERT_EQ(want.size(), static_cast<std::size_t>(kUsedDbs * kPerDb));

  RecordingSink sink;
  sink.set_gated(true);
  sink.set_sleep_us(20);
  SnapshotThread snap(engine_, sink);
  sink.WaitGate();

  std::atomic<bool> gate_phase_done{false};
  std::atomic<int> finished_gate_phase{0};
  std::atomic<bool> stop{false};
  auto writer = [&](std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uint64_t tag = seed * 1000000;
    for (int i = 0; i < 6000; ++i) RandomMutation(rng, kPerDb + 200, ++tag);
    ++finished_gate_phase;
    while (!gate_phase_done.load()) std::this_thread::yield();
    // Keep going while the walk proceeds.
    for (int i = 0; i < 200000 && !stop.load(); ++i) RandomMutation(rng, kPerDb + 200, ++tag);
  };
  std::thread w1(writer, 11), w2(writer, 22);
  while (finished_gate_phase.load() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  gate_phase_done = true;
  sink.OpenGate();
  Status st = snap.Join();
  stop = true;
  w1.join();
  w2.join();

  ASSERT_TRUE(st.ok()) << st.ToString();
  sink.ExpectSane();
  // The writers' path was exercised, and the walk went through many chunks.
  EXPECT_GT(sink.foreign_emits(), 1000u);
  EXPECT_GT(sink.drains(), 1000);
  State got = sink.got();
  EXPECT_TRUE(got == want) << Describe(want, got);
  ExpectQuietSnapshotExact("second snapshot after concurrent writers");
}

// 1b. The walk of one shard's table spans several chunks (lock released in between) while
// another thread grows and shrinks that table many times over with keys created after the
// flip: the untouched keys must each be emitted exactly once (the cursor must survive the
// resizes), and none of the new keys.
TEST_F(MemorySnapshotTest, TableResizesBetweenChunks) {
  // ~78 keys per shard table of db 0 (128 buckets: two chunks); the writer's keys grow each
  // table to ~700 keys (1024 buckets) and deleting them shrinks it back (Table::MaybeShrink).
  constexpr int kBase = 20000;
  constexpr int kTmp = 8 * kBase;
  for (int i = 0; i < kBase; ++i) SetStr(0, KeyName(i), "base" + std::to_string(i));
  State want = Dump();

  RecordingSink sink;
  sink.set_gated(true);
  sink.set_sleep_us(100);
  SnapshotThread snap(engine_, sink);
  sink.WaitGate();
  std::atomic<bool> stop{false};
  std::atomic<int> cycles{0};
  std::thread writer([&] {
    while (!stop.load()) {
      for (int i = 0; i < kTmp && !stop.load(); ++i) SetStr(0, "tmp:" + std::to_string(i), "t");
      for (int i = 0; i < kTmp; ++i) {
        std::string k = "tmp:" + std::to_string(i);
        With({k}, [&](Keyspace& ks) { ks.Delete(0, k); });
      }
      ++cycles;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  sink.OpenGate();
  Status st = snap.Join();
  stop = true;
  writer.join();

  ASSERT_TRUE(st.ok()) << st.ToString();
  sink.ExpectSane();
  EXPECT_EQ(sink.foreign_emits(), 0u);  // nothing owed was touched
  EXPECT_GE(cycles.load(), 1) << "the tables did not go through a grow/shrink cycle";
  State got = sink.got();
  EXPECT_TRUE(got == want) << Describe(want, got);
  ExpectQuietSnapshotExact("snapshot after resizes");
}

// 2. FLUSHDB (sync and async) and FLUSHALL while the snapshot is held: every flushed key is
// still emitted, keys written after the flush are not.
class MemorySnapshotFlushTest : public MemorySnapshotTest,
                                public ::testing::WithParamInterface<int> {};

TEST_P(MemorySnapshotFlushTest, FlushedKeysStillEmitted) {
  const int variant = GetParam();  // 0: FLUSHDB 1 sync + 2 async; 1: FLUSHALL sync; 2: async
  constexpr int kPerDb = 3000;
  Fill(kPerDb, 2);
  State want = Dump();

  RecordingSink sink;
  sink.set_gated(true);
  sink.set_sleep_us(5);
  SnapshotThread snap(engine_, sink);
  sink.WaitGate();

  std::mt19937_64 rng(77 + static_cast<std::uint64_t>(variant));
  std::uint64_t tag = 0;
  for (int i = 0; i < 2000; ++i) RandomMutation(rng, kPerDb + 100, ++tag);
  if (variant == 0) {
    engine_.Flush(1, false);
    engine_.Flush(2, true);
  } else {
    engine_.Flush(-1, variant == 2);
  }
  // New keys, some with the names of flushed ones, in the flushed databases and others.
  for (int i = 0; i < 3000; ++i) {
    int db = i % kUsedDbs;
    SetStr(db, KeyName(i), "after-flush-" + std::to_string(i));
  }
  // Flush again what was just written (nothing of it is owed).
  if (variant == 0) engine_.Flush(3, false);
  for (int i = 0; i < 1000; ++i) RandomMutation(rng, kPerDb + 100, ++tag);
  sink.OpenGate();
  Status st = snap.Join();

  ExpectSnapshotExact(st, sink, want);
  ExpectQuietSnapshotExact("snapshot after flush");
}

INSTANTIATE_TEST_SUITE_P(MemorySnapshot, MemorySnapshotFlushTest, ::testing::Values(0, 1, 2));

// 3. SWAPDB while the snapshot is held: keys keep the database they were in at the flip.
TEST_F(MemorySnapshotTest, SwapDbKeepsFlipDatabase) {
  constexpr int kPerDb = 3000;
  Fill(kPerDb, 3);
  State want = Dump();

  RecordingSink sink;
  sink.set_gated(true);
  sink.set_sleep_us(5);
  SnapshotThread snap(engine_, sink);
  sink.WaitGate();

  std::mt19937_64 rng(5);
  std::uint64_t tag = 0;
  for (int i = 0; i < 1000; ++i) RandomMutation(rng, kPerDb + 100, ++tag);
  engine_.SwapDb(0, 1);
  for (int i = 0; i < 1000; ++i) RandomMutation(rng, kPerDb + 100, ++tag);
  engine_.SwapDb(1, 2);
  engine_.SwapDb(3, 9);  // with an empty database
  engine_.SwapDb(2, 2);
  for (int i = 0; i < 1000; ++i) RandomMutation(rng, kPerDb + 100, ++tag);
  // Writes through the moved tables: each key must still be emitted under its old database.
  for (int i = 0; i < kPerDb; i += 3) {
    SetStr(0, KeyName(i), "x");
    SetStr(9, KeyName(i), "y");
  }
  std::thread swapper([&] {
    for (int i = 0; i < 50; ++i) {
      engine_.SwapDb(i % kUsedDbs, (i * 7 + 3) % kNumDbs);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  sink.OpenGate();
  Status st = snap.Join();
  swapper.join();

  ExpectSnapshotExact(st, sink, want);
  ExpectQuietSnapshotExact("snapshot after swapdb");
}

// 3b. FLUSHDB and SWAPDB run inside Execute(all) (MULTI/EXEC) during the snapshot, mixed with
// key writes in the same transaction.
TEST_F(MemorySnapshotTest, FlushAndSwapInsideExecuteAll) {
  constexpr int kPerDb = 2000;
  Fill(kPerDb, 31);
  State want = Dump();
  RecordingSink sink;
  sink.set_gated(true);
  SnapshotThread snap(engine_, sink);
  sink.WaitGate();
  engine_.Execute(AccessSet{{}, true}, [&](Keyspace& ks) {
    for (int i = 0; i < kPerDb; i += 7) ks.SetString(1, KeyName(i), "multi", kNoExpire);
    engine_.Flush(1, false);
    for (int i = 0; i < kPerDb; i += 5) ks.SetString(1, KeyName(i), "after", kNoExpire);
    engine_.SwapDb(0, 2);
    for (int i = 0; i < kPerDb; i += 3) ks.Delete(0, KeyName(i));  // db 2's keys at the flip
    engine_.SwapDb(3, 1);
    engine_.Flush(-1, true);
    for (int i = 0; i < kPerDb; i += 11) ks.SetString(2, KeyName(i), "last", kNoExpire);
  });
  sink.OpenGate();
  Status st = snap.Join();
  ExpectSnapshotExact(st, sink, want);
  ExpectQuietSnapshotExact("snapshot after MULTI/EXEC");
}

// 4. Keys that expire during the snapshot are still emitted, with their expiry, however they
// are then removed; keys already expired at the flip are not emitted.
TEST_F(MemorySnapshotTest, ExpiryDuringSnapshot) {
  constexpr int kPerDb = 2000;
  Fill(kPerDb, 4);
  State base = Dump();
  // Already expired at the flip (still physically present: active expiry is off).
  std::int64_t t0 = UnixTimeMs();
  for (int i = 0; i < 500; ++i) SetStr(i % kUsedDbs, "gone:" + std::to_string(i), "g", t0 + 5);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  // Expiring around and shortly after the flip: expiries spread over [t_exp, t_exp + 200) ms,
  // the snapshot starts at about t_exp + 60 (far enough ahead that creating the keys is done
  // by then even on a loaded machine), so some expire before the flip and most after.
  std::map<DbKey, Rec> soon;
  const std::int64_t t_exp = UnixTimeMs() + 400;
  for (int i = 0; i < 2000; ++i) {
    int db = i % kUsedDbs;
    std::string key = "soon:" + std::to_string(i);
    std::int64_t exp = t_exp + i % 200;
    if (i % 3 == 0) {
      auto obj = MakeCollection(i, i, 3);
      With({key}, [&](Keyspace& ks) { ks.SetObject(db, key, std::move(obj), exp); });
    } else {
      SetStr(db, key, std::string("s").append(std::to_string(i)), exp);
    }
  }
  // Record their values as stored.
  for (const auto& [k, r] : Dump()) {
    if (k.second.rfind("soon:", 0) == 0) soon[k] = r;
  }

  ASSERT_LT(UnixTimeMs(), t_exp + 60) << "machine too slow to set the keys up in time";
  while (UnixTimeMs() < t_exp + 60) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  RecordingSink sink;
  sink.set_gated(true);
  SnapshotThread snap(engine_, sink);
  sink.WaitGate();
  const std::int64_t at = sink.at_ms();

  State want = base;
  for (const auto& [k, r] : soon) {
    if (r.expire > at) want[k] = r;
  }
  // Wait until every "soon" key has expired, then remove them every possible way.
  while (UnixTimeMs() <= t_exp + 200) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::mt19937_64 rng(9);
  for (int i = 0; i < 2000; i += 5) {  // lazily, by a lookup or a write
    int db = i % kUsedDbs;
    std::string key = "soon:" + std::to_string(i);
    With({key}, [&](Keyspace& ks) {
      if (i % 2) {
        EXPECT_FALSE(static_cast<bool>(ks.Find(db, key)));
      } else {
        ks.SetString(db, key, "reborn", kNoExpire);  // a new key: not emitted
      }
    });
  }
  std::string rk;
  for (int i = 0; i < 200; ++i) engine_.RandomKey(static_cast<int>(rng() % kUsedDbs), &rk);
  // By SCAN in database 1, by active expiry elsewhere.
  ScanOptions options;
  options.count = 50;
  std::uint64_t cursor = 0;
  do {
    cursor = engine_
                 .Scan(1, cursor, options,
                       [](std::string_view, const KeyInfo&, const ValueRef*) {})
                 .cursor;
  } while (cursor != 0);
  engine_.TEST_ActiveExpireAll();
  sink.OpenGate();
  Status st = snap.Join();

  ASSERT_TRUE(st.ok()) << st.ToString();
  sink.ExpectSane();
  EXPECT_GT(sink.foreign_emits(), 0u);  // expired keys removed by lookups, SCAN, active expiry
  State got = sink.got();
  EXPECT_TRUE(got == want) << Describe(want, got);
  // Some keys expired during the snapshot really are in it.
  std::size_t late = 0;
  for (const auto& [k, r] : soon) late += r.expire > at;
  EXPECT_GT(late, 100u);
  ExpectQuietSnapshotExact("snapshot after expiry");
}

// 5. Back-to-back: a snapshot with concurrent writers, then a quiet one that must equal the
// keyspace exactly (the one-bit marks are consistent again), three times in a row.
TEST_F(MemorySnapshotTest, BackToBack) {
  constexpr int kPerDb = 3000;
  Fill(kPerDb, 5);
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    State want = Dump();
    RecordingSink sink;
    sink.set_gated(true);
    SnapshotThread snap(engine_, sink);
    sink.WaitGate();
    std::atomic<bool> stop{false};
    std::thread writer([&] {
      std::mt19937_64 rng(100 + static_cast<std::uint64_t>(round));
      std::uint64_t tag = 1000000 * (static_cast<std::uint64_t>(round) + 1);
      for (int i = 0; i < 3000; ++i) RandomMutation(rng, kPerDb + 100, ++tag);
      // Bounded: values grow (APPEND, pushes), and a slow machine must not turn a long
      // walk into unbounded memory.
      for (int n = 0; n < kMaxMutationsWhileWalking && !stop.load(); ++n) {
        RandomMutation(rng, kPerDb + 100, ++tag);
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    sink.OpenGate();
    Status st = snap.Join();
    stop = true;
    writer.join();
    ExpectSnapshotExact(st, sink, want);
    ExpectQuietSnapshotExact("quiet snapshot");
    ExpectQuietSnapshotExact("second quiet snapshot");
  }
}

// 6. Cancellation while held: the snapshot reports Aborted; the next one is complete.
TEST_F(MemorySnapshotTest, Cancel) {
  constexpr int kPerDb = 3000;
  Fill(kPerDb, 6);
  std::atomic<bool> cancel{false};
  RecordingSink sink;
  sink.set_gated(true);
  SnapshotThread snap(engine_, sink, &cancel);
  sink.WaitGate();
  std::mt19937_64 rng(6);
  std::uint64_t tag = 0;
  for (int i = 0; i < 2000; ++i) RandomMutation(rng, kPerDb + 100, ++tag);
  cancel = true;
  sink.OpenGate();
  Status st = snap.Join();
  EXPECT_EQ(st.code(), Status::Code::kAborted) << st.ToString();
  sink.ExpectSane();
  EXPECT_LE(sink.drains(), 1);  // no Drain after the cancellation was seen
  ExpectQuietSnapshotExact("snapshot after cancel");
  ExpectQuietSnapshotExact("second snapshot after cancel");
}

// 7. A Drain error part-way (with a writer running) ends the snapshot with that error; the
// next snapshot is complete.
TEST_F(MemorySnapshotTest, DrainError) {
  constexpr int kPerDb = 3000;
  Fill(kPerDb, 7);
  RecordingSink sink;
  sink.set_fail_at(300);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    std::mt19937_64 rng(8);
    std::uint64_t tag = 0;
    for (int n = 0; n < kMaxMutationsWhileWalking && !stop.load(); ++n) {
      RandomMutation(rng, kPerDb + 100, ++tag);
    }
  });
  Status st = engine_.Export(sink, nullptr);
  sink.Finish();
  stop = true;
  writer.join();
  EXPECT_EQ(st.code(), Status::Code::kIOError) << st.ToString();
  EXPECT_EQ(sink.drains(), 300);
  sink.ExpectSane();
  ExpectQuietSnapshotExact("snapshot after drain error");
  ExpectQuietSnapshotExact("second snapshot after drain error");
}

}  // namespace
}  // namespace strata::memory
