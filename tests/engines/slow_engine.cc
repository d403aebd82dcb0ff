#include "engines/slow_engine.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace strata::testing {
namespace {

[[noreturn]] void Violation(const std::string& what, int db, std::string_view key) {
  std::fprintf(stderr, "slow engine: contract violation: %s (db %d, key '%.*s')\n", what.c_str(),
               db, static_cast<int>(key.size()), key.data());
  std::fflush(stderr);
  std::abort();
}

// What a command may do with a key, as the union of the intents it declared for it.
enum Capability : unsigned {
  kCanStat = 1,
  kCanRead = 2,
  kCanWrite = 4,
  kCanUpdate = 8,  // read-modify-write: FindForWrite, ResizeString
};

unsigned CapabilitiesOf(KeyIntent intent) {
  switch (intent) {
    case KeyIntent::kMeta: return kCanStat;
    case KeyIntent::kRead: return kCanStat | kCanRead;
    case KeyIntent::kOverwrite: return kCanStat | kCanWrite;
    case KeyIntent::kWrite: return kCanStat | kCanRead | kCanWrite | kCanUpdate;
  }
  return 0;
}

// A value as the contract sees it: type, bytes (a collection's encoding) and expiry.
struct Digest {
  ValueType type = ValueType::kNone;
  std::string bytes;
  std::int64_t expire_at_ms = kNoExpire;
  bool operator==(const Digest&) const = default;
};

Digest DigestOf(const ValueRef& v) {
  Digest d;
  d.type = v.type;
  if (!v) return d;
  d.expire_at_ms = v.expire_at_ms;
  if (v.type == ValueType::kString) {
    d.bytes = std::string(v.str);
  } else {
    v.obj->Encode(&d.bytes);
  }
  return d;
}

// Records the signals a command sends and passes them on to the server's observer.
class SignalRecorder final : public KeyspaceObserver {
 public:
  explicit SignalRecorder(KeyspaceObserver* next) : next_(next) {}
  bool Active() const override { return true; }
  void KeyModified(int db, std::string_view key) override {
    signalled_.emplace(db, std::string(key));
    if (next_ != nullptr && next_->Active()) next_->KeyModified(db, key);
  }
  // A change Redis shows only to blocked clients is announced all the same.
  void KeyReady(int db, std::string_view key) override {
    signalled_.emplace(db, std::string(key));
    if (next_ != nullptr && next_->Active()) next_->KeyReady(db, key);
  }
  void DbModified(int db, FunctionRef<bool(std::string_view)> present) override {
    if (next_ != nullptr && next_->Active()) next_->DbModified(db, present);
  }
  bool Signalled(int db, std::string_view key) const {
    return signalled_.count({db, std::string(key)}) > 0;
  }

 private:
  KeyspaceObserver* next_;
  std::set<std::pair<int, std::string>> signalled_;
};

// The Keyspace handed to commands: checks each call against the declared access, then
// forwards it to the wrapped engine's Keyspace.
class CheckingKeyspace final : public Keyspace {
 public:
  CheckingKeyspace(Keyspace& inner, SignalRecorder* recorder, const AccessSet& access)
      : Keyspace(recorder), inner_(inner), recorder_(recorder), all_(access.all) {
    for (const KeyAccess& k : access.keys) {
      declared_[{k.db, std::string(k.key)}] |= CapabilitiesOf(k.intent);
    }
  }

  // FLUSHDB or SWAPDB inside this Execute (EXEC under the whole-keyspace lock) changed keys
  // wholesale, outside the Keyspace: what was touched before cannot be compared.
  void ForgetTouched() { touched_.clear(); }

  // Runs at the end of Execute: what was only read is unchanged, what changed was
  // signalled.
  void CheckEnd() {
    for (auto& [id, t] : touched_) {
      Digest now = DigestOf(inner_.Peek(id.first, id.second));
      if (now == t.before) continue;
      if (!t.written) Violation("value changed through a read lookup", id.first, id.second);
      if (!recorder_->Signalled(id.first, id.second)) {
        Violation("value changed without SignalModified", id.first, id.second);
      }
    }
  }

  KeyInfo Stat(int db, std::string_view key) override {
    Use(db, key, kCanStat, "Stat");
    return inner_.Stat(db, key);
  }
  ValueRef Find(int db, std::string_view key) override {
    Use(db, key, kCanRead, "Find");
    return inner_.Find(db, key);
  }
  ValueRef Peek(int db, std::string_view key) override {
    Use(db, key, kCanRead, "Peek");
    return inner_.Peek(db, key);
  }
  WriteRef FindForWrite(int db, std::string_view key) override {
    Use(db, key, kCanUpdate, "FindForWrite")->written = true;
    return inner_.FindForWrite(db, key);
  }
  std::int64_t IdleSeconds(int db, std::string_view key) override {
    Use(db, key, kCanStat, "IdleSeconds");
    return inner_.IdleSeconds(db, key);
  }
  void SetString(int db, std::string_view key, std::string_view value,
                 std::int64_t expire_at_ms) override {
    Use(db, key, kCanWrite, "SetString")->written = true;
    inner_.SetString(db, key, value, expire_at_ms);
  }
  char* ResizeString(int db, std::string_view key, std::size_t len) override {
    Use(db, key, kCanUpdate, "ResizeString")->written = true;
    return inner_.ResizeString(db, key, len);
  }
  void SetObject(int db, std::string_view key, std::unique_ptr<Object> obj,
                 std::int64_t expire_at_ms) override {
    Use(db, key, kCanWrite, "SetObject")->written = true;
    inner_.SetObject(db, key, std::move(obj), expire_at_ms);
  }
  bool Delete(int db, std::string_view key) override {
    Use(db, key, kCanWrite, "Delete")->written = true;
    return inner_.Delete(db, key);
  }
  bool SetExpire(int db, std::string_view key, std::int64_t expire_at_ms) override {
    Use(db, key, kCanWrite, "SetExpire")->written = true;
    return inner_.SetExpire(db, key, expire_at_ms);
  }
  bool Rename(int src_db, std::string_view src, int dst_db, std::string_view dst) override {
    Use(src_db, src, kCanUpdate, "Rename (source)")->written = true;
    Use(dst_db, dst, kCanWrite, "Rename (destination)")->written = true;
    return inner_.Rename(src_db, src, dst_db, dst);
  }
  void MarkStringNotInteger(int db, std::string_view key) override {
    Use(db, key, kCanWrite, "MarkStringNotInteger")->written = true;
    inner_.MarkStringNotInteger(db, key);
  }
  std::size_t KeyMemoryUsage(int db, std::string_view key) override {
    Use(db, key, kCanRead, "KeyMemoryUsage");
    return inner_.KeyMemoryUsage(db, key);
  }

 private:
  struct Touched {
    Digest before;
    bool written = false;
  };

  Touched* Use(int db, std::string_view key, unsigned need, const char* what) {
    if (!all_) {
      auto it = declared_.find({db, std::string(key)});
      if (it == declared_.end()) Violation(std::string(what) + " on an undeclared key", db, key);
      if ((it->second & need) != need) {
        Violation(std::string(what) + " beyond the key's declared intent", db, key);
      }
    }
    auto [it, fresh] = touched_.try_emplace({db, std::string(key)});
    if (fresh) it->second.before = DigestOf(inner_.Peek(db, key));
    return &it->second;
  }

  Keyspace& inner_;
  SignalRecorder* recorder_;
  bool all_;
  std::map<std::pair<int, std::string>, unsigned> declared_;
  std::map<std::pair<int, std::string>, Touched> touched_;
};

// The CheckingKeyspace of the Execute running on this thread, if any.
thread_local CheckingKeyspace* tls_checking = nullptr;

}  // namespace

void SlowEngine::Flush(int db, bool async) {
  if (tls_checking != nullptr) tls_checking->ForgetTouched();
  inner_->Flush(db, async);
}

void SlowEngine::SwapDb(int a, int b) {
  if (tls_checking != nullptr) tls_checking->ForgetTouched();
  inner_->SwapDb(a, b);
}

SlowEngine::SlowEngine(std::unique_ptr<StorageEngine> inner) : inner_(std::move(inner)) {
  completer_ = std::thread([this] { CompleterLoop(); });
}

SlowEngine::~SlowEngine() { Shutdown(); }

void SlowEngine::set_observer(KeyspaceObserver* observer) {
  StorageEngine::set_observer(observer);
  inner_->set_observer(observer);  // FLUSH and SWAPDB notify from inside the wrapped engine
}

void SlowEngine::Shutdown() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (completer_.joinable()) completer_.join();
  inner_->Shutdown();
}

bool SlowEngine::Prefetch(const AccessSet& access, PinSet* pins, PrefetchWaker* waker) {
  if (access.all) return true;
  Request r;
  r.waker = waker;
  for (const KeyAccess& k : access.keys) r.keys.emplace_back(k.db, std::string(k.key));
  {
    std::lock_guard<std::mutex> l(mu_);
    pins->token = next_ticket_++;
    bool resident = true;
    for (const KeyId& k : r.keys) resident = resident && pin_counts_.count(k) > 0;
    if (resident) {
      // Every key is held in RAM by another pin: as a real engine would, answer at once.
      for (const KeyId& k : r.keys) ++pin_counts_[k];
      pinned_.emplace(pins->token, std::move(r));
      return true;
    }
    queued_.emplace(pins->token, std::move(r));
  }
  cv_.notify_one();
  return false;
}

ScanResult SlowEngine::Scan(
    int db, std::uint64_t cursor, const ScanOptions& options,
    FunctionRef<void(std::string_view, const KeyInfo&, const ValueRef*)> emit,
    PrefetchWaker* waker) {
  if (waker != nullptr && tls_checking != nullptr) {
    // Inside Execute every key is locked: waiting there would stall the whole keyspace.
    Violation("Scan that may go pending inside Execute", db, {});
  }
  if (waker != nullptr) {
    std::unique_lock<std::mutex> l(mu_);
    if (!stop_ && rng_() % 2 == 0) {
      scan_waits_.push_back(waker);
      l.unlock();
      cv_.notify_one();
      return {cursor, true};
    }
  }
  return inner_->Scan(db, cursor, options, emit);
}

void SlowEngine::CompleterLoop() {
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    cv_.wait(l, [&] { return stop_ || !queued_.empty() || !scan_waits_.empty(); });
    if (stop_) break;
    if (!scan_waits_.empty() && (queued_.empty() || rng_() % 2 == 0)) {
      // A pending Scan: completed out of order with the prefetches, like them.
      auto it = scan_waits_.begin() + static_cast<long>(rng_() % scan_waits_.size());
      PrefetchWaker* waker = *it;
      scan_waits_.erase(it);
      l.unlock();
      waker->PrefetchDone(Status::OK());
      l.lock();
      continue;
    }
    // A random one of the waiting prefetches: completions arrive out of order.
    auto it = queued_.begin();
    std::advance(it, static_cast<long>(rng_() % queued_.size()));
    std::uint64_t ticket = it->first;
    Request r = std::move(it->second);
    queued_.erase(it);
    for (const KeyId& k : r.keys) ++pin_counts_[k];
    PrefetchWaker* waker = r.waker;
    pinned_.emplace(ticket, std::move(r));
    ++completed_;
    l.unlock();
    waker->PrefetchDone(Status::OK());
    l.lock();
  }
  // Whoever still waits hears that the engine is gone.
  std::unordered_map<std::uint64_t, Request> left = std::move(queued_);
  queued_.clear();
  std::vector<PrefetchWaker*> scans = std::move(scan_waits_);
  scan_waits_.clear();
  l.unlock();
  for (auto& [ticket, r] : left) r.waker->PrefetchDone(Status::Aborted("engine shut down"));
  for (PrefetchWaker* waker : scans) waker->PrefetchDone(Status::Aborted("engine shut down"));
}

void SlowEngine::ReleasePins(PinSet* pins) {
  if (pins->empty()) return;
  std::lock_guard<std::mutex> l(mu_);
  auto it = pinned_.find(pins->token);
  if (it == pinned_.end()) {
    std::fprintf(stderr, "slow engine: contract violation: ReleasePins of a ticket %llu that "
                 "is not pinned\n", static_cast<unsigned long long>(pins->token));
    std::abort();
  }
  for (const KeyId& k : it->second.keys) {
    auto c = pin_counts_.find(k);
    if (--c->second == 0) pin_counts_.erase(c);
  }
  pinned_.erase(it);
  pins->token = 0;
}

bool SlowEngine::Pinned(int db, std::string_view key) const {
  std::lock_guard<std::mutex> l(mu_);
  return pin_counts_.find(KeyId{db, std::string(key)}) != pin_counts_.end();
}

void SlowEngine::Execute(const AccessSet& access, FunctionRef<void(Keyspace&)> fn) {
  if (!access.all) {
    for (const KeyAccess& k : access.keys) {
      if (!Pinned(k.db, k.key)) Violation("Execute on a key that is not prefetched", k.db, k.key);
    }
  }
  inner_->Execute(access, [&](Keyspace& inner) {
    SignalRecorder recorder(observer());
    CheckingKeyspace checking(inner, &recorder, access);
    tls_checking = &checking;
    fn(checking);
    tls_checking = nullptr;
    checking.CheckEnd();
  });
}

std::uint64_t SlowEngine::TEST_completed() const {
  std::lock_guard<std::mutex> l(mu_);
  return completed_;
}

}  // namespace strata::testing
