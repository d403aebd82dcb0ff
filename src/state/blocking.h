// Clients blocked in BLPOP, BLMOVE, BZPOPMIN and friends, and waking them.
//
// A blocking command that finds nothing to pop registers a BlockedClient for its keys while
// it still holds their locks, so no push can slip between its attempt and its registration.
// Every change to a key reaches the registry through the engine's KeyspaceObserver; a change
// to a key somebody waits on is noted in a per-thread "ready" list, and the thread that made
// the change serves the waiters (ServeReady) once its command has released its locks: each
// waiter, in the order they blocked, gets one attempt under the locks of the ready key, and
// its reply is handed to its own connection's thread. A waiter is finished exactly once —
// served, timed out, unblocked or disconnected — decided by one compare-and-swap on `state`.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/reply_builder.h"
#include "strata/storage_engine.h"

namespace strata {

struct ClientState;

// What one attempt to serve a waiter found.
enum class ServeResult {
  kServed,  // popped (or replied an error, BLMOVE's wrong-type destination); reply written
  kEmpty,   // the key is missing: nobody behind this waiter can be served either
  kSkip,    // the key holds a type this waiter does not pop; later waiters may differ
};

struct BlockedClient {
  enum State : int { kWaiting, kServing, kDone };
  std::atomic<int> state{kWaiting};
  // The client went away while another thread was serving it; that thread unregisters it.
  std::atomic<bool> abandoned{false};

  int db = 0;
  std::vector<std::string> keys;        // waited on, in `db`
  std::vector<std::string> extra_keys;  // also locked when serving (BLMOVE's destination)
  bool resp3 = false;
  // Serves the client from `ready_key` if it now holds something to pop (kServed, reply
  // written), or changes nothing. Runs on the serving thread with the ready key and
  // `extra_keys` locked in `ks`.
  std::function<ServeResult(Keyspace& ks, std::string_view ready_key, ReplyBuilder& reply)>
      try_serve;
  std::weak_ptr<ClientState> client;

  // The reply of a wait that ended without data (timeout, CLIENT UNBLOCK ... TIMEOUT): a
  // null array for every blocking command, BLMOVE and BRPOPLPUSH included, as Redis replies
  // (their null bulk string is only for an empty source inside MULTI).
  void WriteTimeoutReply(ReplyBuilder& reply) const {
    reply.set_resp3(resp3);
    reply.NullArray();
  }

  // Moves kWaiting to `to`; false if someone else finished or is serving the client.
  bool Claim(int to = kDone) {
    int expected = kWaiting;
    return state.compare_exchange_strong(expected, to);
  }
};

class BlockingRegistry {
 public:
  explicit BlockingRegistry(int databases) : by_key_(static_cast<std::size_t>(databases)) {}

  // Registers a waiter; call with its keys locked.
  void Block(const std::shared_ptr<BlockedClient>& waiter);
  // Unregisters a waiter (after it was finished).
  void Remove(const BlockedClient* waiter);

  // Keyspace notifications (from the engine's observer, with the key locked).
  bool Active() const { return waiting_keys_.load(std::memory_order_relaxed) > 0; }
  void KeyModified(int db, std::string_view key);
  void DbModified(int db, FunctionRef<bool(std::string_view key)> present);

  // Serves the waiters of keys this thread made ready. Call with no key locked.
  void ServeReady(StorageEngine& engine);
  static bool HasReady();

  // Finishes a waiter from outside (timeout, CLIENT UNBLOCK, disconnect): true if this call
  // won the waiter, which is then unregistered; the caller replies.
  bool Finish(const std::shared_ptr<BlockedClient>& waiter);

  std::size_t blocked_clients() const { return blocked_.load(std::memory_order_relaxed); }

 private:
  using Queue = std::deque<std::shared_ptr<BlockedClient>>;
  // The first still-waiting client on (db, key) not in `skip`, claimed for serving; nullptr
  // if none. Sets *busy when an earlier client is being served by another thread right now:
  // its attempt may fail and leave it waiting, so the caller must look again afterwards.
  std::shared_ptr<BlockedClient> ClaimFirst(int db, const std::string& key,
                                            const std::vector<const BlockedClient*>& skip,
                                            bool* busy);
  static void Deliver(const BlockedClient& waiter, std::string reply);
  class ServeRetry;

  mutable std::mutex mu_;
  std::vector<std::unordered_map<std::string, Queue>> by_key_;  // GUARDED_BY(mu_)
  std::atomic<std::size_t> waiting_keys_{0};  // keys with a queue
  std::atomic<std::size_t> blocked_{0};       // registered waiters
};

}  // namespace strata
