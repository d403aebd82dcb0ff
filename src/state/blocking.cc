#include "state/blocking.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "state/server_state.h"

namespace strata {
namespace {

struct ReadyKey {
  int db;
  std::string key;
};
// Keys with waiters changed by this thread's current command, in the order they changed.
thread_local std::vector<ReadyKey> tls_ready;
// Entries of tls_ready before this index are being or have been served: a key changed
// again while serving (BLMOVE pushing to it) must be queued again.
thread_local std::size_t tls_first_pending = 0;

void NoteReady(int db, std::string_view key) {
  for (std::size_t i = tls_first_pending; i < tls_ready.size(); ++i) {
    if (tls_ready[i].db == db && tls_ready[i].key == key) return;
  }
  tls_ready.push_back({db, std::string(key)});
}

}  // namespace

bool BlockingRegistry::HasReady() { return !tls_ready.empty(); }

void BlockingRegistry::Block(const std::shared_ptr<BlockedClient>& waiter) {
  std::lock_guard<std::mutex> l(mu_);
  auto& keys = by_key_[static_cast<std::size_t>(waiter->db)];
  for (const std::string& k : waiter->keys) {
    Queue& q = keys[k];
    if (q.empty()) waiting_keys_.fetch_add(1, std::memory_order_relaxed);
    // BLPOP a a: one place in the queue is enough.
    if (std::find(q.begin(), q.end(), waiter) == q.end()) q.push_back(waiter);
  }
  blocked_.fetch_add(1, std::memory_order_relaxed);
}

void BlockingRegistry::Remove(const BlockedClient* waiter) {
  std::lock_guard<std::mutex> l(mu_);
  auto& keys = by_key_[static_cast<std::size_t>(waiter->db)];
  bool found = false;
  for (const std::string& k : waiter->keys) {
    auto it = keys.find(k);
    if (it == keys.end()) continue;
    Queue& q = it->second;
    auto pos = std::find_if(q.begin(), q.end(), [&](const auto& p) { return p.get() == waiter; });
    if (pos == q.end()) continue;
    q.erase(pos);
    found = true;
    if (q.empty()) {
      keys.erase(it);
      waiting_keys_.fetch_sub(1, std::memory_order_relaxed);
    }
  }
  if (found) blocked_.fetch_sub(1, std::memory_order_relaxed);
}

void BlockingRegistry::KeyModified(int db, std::string_view key) {
  std::lock_guard<std::mutex> l(mu_);
  const auto& keys = by_key_[static_cast<std::size_t>(db)];
  if (keys.find(std::string(key)) != keys.end()) NoteReady(db, key);
}

void BlockingRegistry::DbModified(int db, FunctionRef<bool(std::string_view key)> present) {
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& [key, queue] : by_key_[static_cast<std::size_t>(db)]) {
    if (present(key)) NoteReady(db, key);
  }
}

std::shared_ptr<BlockedClient> BlockingRegistry::ClaimFirst(
    int db, const std::string& key, const std::vector<const BlockedClient*>& skip, bool* busy) {
  *busy = false;
  std::lock_guard<std::mutex> l(mu_);
  auto& keys = by_key_[static_cast<std::size_t>(db)];
  auto it = keys.find(key);
  if (it == keys.end()) return nullptr;
  for (const auto& waiter : it->second) {
    if (std::find(skip.begin(), skip.end(), waiter.get()) != skip.end()) continue;
    if (waiter->abandoned.load()) continue;
    if (waiter->Claim(BlockedClient::kServing)) return waiter;
    if (waiter->state.load(std::memory_order_acquire) == BlockedClient::kServing) {
      *busy = true;
      return nullptr;
    }
  }
  return nullptr;
}

bool BlockingRegistry::Finish(const std::shared_ptr<BlockedClient>& waiter) {
  if (!waiter->Claim()) return false;
  Remove(waiter.get());
  return true;
}

void BlockingRegistry::Deliver(const BlockedClient& waiter, std::string reply) {
  std::shared_ptr<ClientState> client = waiter.client.lock();
  if (client == nullptr) return;
  std::lock_guard<std::mutex> l(client->mu);
  client->blocked.reset();
  if (client->conn != nullptr) client->conn->Resume(std::move(reply));
}

// A serving attempt whose keys the engine had to load first: when they are pinned, the
// key is served again on the thread that completed the load, and the pins are released
// after that.
class BlockingRegistry::ServeRetry final : public PrefetchWaker {
 public:
  ServeRetry(BlockingRegistry* registry, StorageEngine* engine, int db, std::string key,
             std::vector<KeyAccess> access, std::vector<std::string> names)
      : registry_(registry),
        engine_(engine),
        db_(db),
        key_(std::move(key)),
        access_(std::move(access)),
        names_(std::move(names)) {
    // The views in access_ point into names_, which this object owns.
    for (std::size_t i = 0; i < access_.size(); ++i) access_[i].key = names_[i];
  }
  AccessSet access() const { return AccessSet{access_, false}; }
  PinSet* pins() { return &pins_; }

  void PrefetchDone(Status status) override {
    if (status.ok()) {
      NoteReady(db_, key_);
      registry_->ServeReady(*engine_);
      engine_->ReleasePins(&pins_);
    }
    // On an I/O error the waiters keep waiting; the next change to the key tries again.
    delete this;
  }

 private:
  BlockingRegistry* registry_;
  StorageEngine* engine_;
  int db_;
  std::string key_;
  std::vector<KeyAccess> access_;
  std::vector<std::string> names_;
  PinSet pins_;
};

void BlockingRegistry::ServeReady(StorageEngine& engine) {
  // Serving can make more keys ready (BLMOVE pushes to its destination): loop until done.
  for (std::size_t next = 0; next < tls_ready.size(); ++next) {
    tls_first_pending = next + 1;
    ReadyKey ready = tls_ready[next];
    // Waiters that pop another type than the key holds stay behind for a later change.
    std::vector<const BlockedClient*> skipped;
    // Waiters in the order they blocked, until the key has nothing left to pop.
    for (;;) {
      bool busy = false;
      std::shared_ptr<BlockedClient> waiter = ClaimFirst(ready.db, ready.key, skipped, &busy);
      if (waiter == nullptr) {
        if (!busy) break;
        std::this_thread::yield();  // another thread's attempt is in flight; look again
        continue;
      }
      std::vector<KeyAccess> access{{ready.db, ready.key, KeyIntent::kWrite}};
      for (const std::string& k : waiter->extra_keys) {
        access.push_back({waiter->db, k, KeyIntent::kWrite});
      }
      std::vector<std::string> names;
      for (const KeyAccess& a : access) names.emplace_back(a.key);
      auto* retry = new ServeRetry(this, &engine, ready.db, ready.key, access, std::move(names));
      if (!engine.Prefetch(retry->access(), retry->pins(), retry)) {
        // Not resident: give the waiter back and serve this key again once it is loaded,
        // so nobody waits on a claim while the engine reads.
        waiter->state.store(BlockedClient::kWaiting);
        if (waiter->abandoned.load()) Finish(waiter);
        break;
      }
      PinSet pins = *retry->pins();
      delete retry;
      std::string out;
      ReplyBuilder reply(&out);
      reply.set_resp3(waiter->resp3);
      ServeResult result = ServeResult::kEmpty;
      engine.Execute(AccessSet{access, false}, [&](Keyspace& ks) {
        result = waiter->try_serve(ks, ready.key, reply);
      });
      engine.ReleasePins(&pins);
      if (result != ServeResult::kServed) {
        waiter->state.store(BlockedClient::kWaiting);
        // A connection that closed during the attempt could not finish its waiter (we held
        // it): finish it now. (Sequentially consistent: either its Finish saw kWaiting, or
        // this load sees its flag.)
        if (waiter->abandoned.load()) {
          Finish(waiter);
          continue;
        }
        if (result == ServeResult::kEmpty) break;
        skipped.push_back(waiter.get());
        continue;
      }
      waiter->state.store(BlockedClient::kDone, std::memory_order_release);
      Remove(waiter.get());
      Deliver(*waiter, std::move(out));
    }
  }
  tls_ready.clear();
  tls_first_pending = 0;
}

}  // namespace strata
