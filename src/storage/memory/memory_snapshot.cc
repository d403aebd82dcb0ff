// The memory engine's point-in-time export and its checkpoints.
//
// Point in time without fork (the idea of Dragonfly's and FASTER's versioned snapshots, at
// the granularity of an entry): flipping `snap_mark_` with every shard locked makes every
// existing entry "owed" at once, in O(shards). From then on an owed entry is settled —
// emitted and marked — either by the walk below or, if a command is about to change or
// remove it first, by that command (Settle), whichever comes first, so each key is emitted
// once, with its value as of the flip. New entries are born settled. Memory beyond the live
// data is only what the sink buffers between two Drain calls.
#include <sched.h>

#include <chrono>
#include <mutex>
#include <vector>

#include "checkpoint/checkpoint.h"
#include "storage/memory/entry_view.h"
#include "storage/memory/memory_engine.h"
#include "util/clock.h"

namespace strata::memory {

struct MemoryEngine::SnapRun {
  SnapRun(SnapshotSink* s, const std::atomic<bool>* c) : sink(s), cancel(c) {}

  // Hands what Emit gathered to the sink's slow path, or notes the cancel. After the first
  // failure the walk still settles every entry (the marks must be consistent for the next
  // export) but emits nothing more.
  void Drain() {
    if (!status.ok()) return;
    status = cancel != nullptr && cancel->load() ? Status::Aborted("snapshot cancelled")
                                                 : sink->Drain();
    if (!status.ok()) discard.store(true);
  }

  SnapshotSink* sink;
  const std::atomic<bool>* cancel;
  Status status;                    // the export's thread only
  std::atomic<bool> discard{false};  // read by commands settling entries
  std::chrono::steady_clock::time_point last_yield = std::chrono::steady_clock::now();
};

void MemoryEngine::Settle(const Table& t, Entry* e) {
  if (snap_ == nullptr) return;
  if (e->flags() & Entry::kLent) Reclaim(e);
  if ((e->flags() & Entry::kSnapMark) == snap_mark_) return;
  MarkSettled(e);
  if (Expired(e, snap_at_ms_) || snap_->discard.load(std::memory_order_relaxed)) return;
  snap_->sink->Emit(t.snap_db, e->key(), RefOf(e));
}

namespace {
// Collections in their large encodings; the compact ones are bounded by the listpack and
// intset limits and encode in about the time a loan would take.
bool WorthLending(const Object& obj) {
  std::string_view enc = obj.encoding();
  return enc != "listpack" && enc != "intset";
}
}  // namespace

void MemoryEngine::SettleOrLend(const Table& t, Entry* e, std::vector<Loan>* loans) {
  if (e->flags() & Entry::kLent) Reclaim(e);
  if ((e->flags() & Entry::kSnapMark) == snap_mark_) return;
  if (e->type() == ValueType::kString || !WorthLending(*e->obj()) ||
      Expired(e, snap_at_ms_) || snap_->discard.load(std::memory_order_relaxed)) {
    Settle(t, e);
    return;
  }
  MarkSettled(e);
  {
    std::lock_guard<std::mutex> l(snap_mu_);
    loans_.emplace(e->obj(), false);
  }
  e->set_flags(e->flags() | Entry::kLent);
  loans->push_back(Loan{t.snap_db, std::string(e->key()), e->obj(), e->expire()});
}

void MemoryEngine::EmitLoans(std::vector<Loan>* loans) {
  for (const Loan& loan : *loans) {
    ValueRef ref;
    ref.type = loan.obj->type();
    ref.obj = loan.obj;
    ref.expire_at_ms = loan.expire_at_ms;
    if (!snap_->discard.load(std::memory_order_relaxed)) snap_->sink->Emit(loan.db, loan.key, ref);
    bool reclaimed;
    {
      std::lock_guard<std::mutex> l(snap_mu_);
      auto it = loans_.find(loan.obj);
      reclaimed = it->second;
      loans_.erase(it);
    }
    // The entry took a clone meanwhile: the original is the export's to free.
    if (reclaimed) delete loan.obj;
  }
  loans->clear();
}

void MemoryEngine::Reclaim(Entry* e) {
  e->set_flags(e->flags() & ~Entry::kLent);
  std::lock_guard<std::mutex> l(snap_mu_);
  auto it = loans_.find(e->obj());
  if (it == loans_.end() || it->second) return;  // returned already
  it->second = true;
  e->TakeObject().release();  // now owned by the loan, freed once emitted
  e->SetObject(it->first->Clone());
}

void MemoryEngine::SettleTable(Table& t) {
  std::uint64_t cursor = 0;
  do {
    cursor = t.ScanBucket(cursor, [&](Entry* e) { Settle(t, e); });
  } while (cursor != 0);
}

Status MemoryEngine::Export(SnapshotSink& sink, const std::atomic<bool>* cancel) {
  std::lock_guard<std::mutex> one(snap_run_mu_);
  SnapRun run(&sink, cancel);
  BeginExport(run);
  for (int i = 0; i < kNumShards; ++i) {
    WalkShard(shards_[i], run);
    SettleDetached(run);
  }
  EndExport(run);
  run.Drain();
  if (run.status.ok()) exports_.fetch_add(1, std::memory_order_relaxed);
  return run.status;
}

// With every shard locked: every existing entry becomes owed, and each table remembers the
// database it belongs to now (SWAPDB may move it before the walk gets there).
void MemoryEngine::BeginExport(SnapRun& run) {
  LockAll();
  snap_mark_ ^= Entry::kSnapMark;
  snap_at_ms_ = UnixTimeMs();
  for (int i = 0; i < kNumShards; ++i) {
    for (int d = 0; d < num_databases_; ++d) shards_[i].dbs[static_cast<std::size_t>(d)].snap_db = d;
  }
  snap_ = &run;
  run.sink->Begin(snap_at_ms_);
  UnlockAll();
}

// Buckets per lock hold, and a yield every 50 us of walking. Commands run on the network
// threads, which share cores with this thread: if the scheduler preempts it while it holds
// a shard, a command needing that shard (and every connection of its thread) waits for it
// to run again. Holding a lock only for a few keys and yielding often, right after a
// release, makes the preemption fall between holds. Measured with redis-benchmark GET -P 1
// during back-to-back BGSAVEs of 1M keys on 2 cores: p99 4.2 ms with 64 buckets and no
// yield, 0.65-0.75 ms with 4 and a yield (Redis 0.65-0.7 ms). Yielding after every hold
// instead of every 50 us was as good for latency but, next to two CPU-bound processes,
// stretched a BGSAVE from 1.5 s to 12.7 s: each yield can cost a whole scheduler slice.
void MemoryEngine::WalkShard(Shard& s, SnapRun& run) {
  constexpr int kChunkBuckets = 4;
  constexpr int kHoldsPerDrain = 16;  // the sink is drained every 64 buckets
  constexpr auto kYieldEvery = std::chrono::microseconds(50);
  std::vector<Loan> loans;
  bool restart = true;
  while (restart) {
    restart = false;
    std::uint64_t gen;
    {
      std::lock_guard<AdaptiveMutex> l(s.mu);
      gen = snap_layout_gen_;
    }
    for (int d = 0; d < num_databases_ && !restart; ++d) {
      std::uint64_t cursor = 0;
      do {
        for (int hold = 0; hold < kHoldsPerDrain; ++hold) {
          {
            std::lock_guard<AdaptiveMutex> l(s.mu);
            if (snap_layout_gen_ != gen) {
              // SWAPDB or FLUSH moved this shard's tables: walk it again (settled entries
              // are skipped, so nothing is emitted twice).
              restart = true;
              break;
            }
            Table& t = s.dbs[static_cast<std::size_t>(d)];
            for (int b = 0; b < kChunkBuckets; ++b) {
              cursor = t.ScanBucket(cursor, [&](Entry* e) { SettleOrLend(t, e, &loans); });
              if (cursor == 0) break;
            }
          }
          EmitLoans(&loans);
          if (auto now = std::chrono::steady_clock::now(); now - run.last_yield >= kYieldEvery) {
            sched_yield();
            run.last_yield = now;
          }
          if (cursor == 0) break;
        }
        if (restart) break;
        run.Drain();
      } while (cursor != 0);
    }
  }
}

// Tables a FLUSH took away while the export still owed some of their keys.
void MemoryEngine::SettleDetached(SnapRun& run) {
  std::vector<Table> tables;
  {
    std::lock_guard<std::mutex> l(snap_mu_);
    tables.swap(snap_detached_);
  }
  for (Table& t : tables) {
    SettleTable(t);
    run.Drain();
  }
}  // the tables are freed here, off every lock

// Tables flushed meanwhile may still be queued; the export ends only once none are.
void MemoryEngine::EndExport(SnapRun& run) {
  while (true) {
    LockAll();
    bool more;
    {
      std::lock_guard<std::mutex> l(snap_mu_);
      more = !snap_detached_.empty();
    }
    if (!more) snap_ = nullptr;
    UnlockAll();
    if (!more) return;
    SettleDetached(run);
  }
}

// The portable checkpoint file is this engine's own format: Export gives it a concurrent,
// exact point in time, and a load is a series of batched writes into the empty engine.
StatusOr<CheckpointResult> MemoryEngine::Checkpoint(const CheckpointRequest& request) {
  return checkpoint::WriteCheckpoint(*this, request);
}

bool MemoryEngine::HasRecoverableState(const std::string& dir) {
  return !checkpoint::ListCheckpoints(dir).empty();
}

StatusOr<RecoverResult> MemoryEngine::Recover(const RecoverRequest& request) {
  return checkpoint::RecoverCheckpoint(*this, request);
}

}  // namespace strata::memory
