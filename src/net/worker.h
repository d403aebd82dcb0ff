// One network thread: an io_context and the connections that live on it.
#pragma once

#include <sys/types.h>

#include <asio.hpp>
#include <atomic>
#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>

#include "net/connection.h"

namespace strata::net {

class Worker {
 public:
  explicit Worker(const NetEnv* env);
  asio::io_context& context() { return ctx_; }

  // The worker whose thread runs the caller, or null off the network threads. Set by
  // BindThread, which the worker's thread calls before it runs the loop.
  static Worker* Current();
  void BindThread();
  pid_t tid() const { return tid_.load(std::memory_order_acquire); }
  // Whether the loop may busy-poll (NetServer: only active threads, only with a core free).
  std::atomic<bool>& may_spin() { return may_spin_; }

  void Add(std::shared_ptr<Connection> conn);
  // Writes `conn`'s replies once the connections made ready by the same event-loop turn have
  // all been read, like Redis's write-before-sleep: the client then receives its replies in
  // fewer, fuller batches.
  void ScheduleFlush(Connection* conn);
  void Remove(Connection* conn);
  // Takes `conn` out of this worker without closing it, to move it to another.
  std::shared_ptr<Connection> Detach(Connection* conn);

  // Shedding (owner thread): the next connections that are between requests move to
  // `targets`, round-robin — all of them (`count` < 0, the worker is being parked) or
  // `count` of them (rebalancing onto a thread that came back).
  void Shed(std::vector<Worker*> targets, long count);
  // Where the connection asking should move, or null to stay (Connection::DoRead).
  Worker* TakeShedTarget();
  std::size_t connection_count() const { return conns_.size(); }
  std::uint64_t moved_out() const { return moved_out_.load(std::memory_order_relaxed); }
  // Counts the distinct connections that sent requests during the balancer's current tick:
  // a connection calls NoteClient on each read with its own last-seen tick.
  void NoteClient(std::uint32_t* seen_tick) {
    std::uint32_t tick = tick_.load(std::memory_order_relaxed);
    if (*seen_tick == tick) return;
    *seen_tick = tick;
    clients_in_tick_.fetch_add(1, std::memory_order_relaxed);
  }
  // Ends the tick (balancer, any thread): returns its client count and starts the next.
  long EndTick() {
    long n = static_cast<long>(clients_in_tick_.exchange(0, std::memory_order_relaxed));
    tick_.fetch_add(1, std::memory_order_relaxed);
    return n;
  }
  // While this thread is held up inside one request (a script past busy-reply-threshold),
  // a helper thread runs the loop for everything else on it: other connections, accepts and
  // posted work. Handlers then run on the helper, so the held-up request must leave its own
  // connection's buffers alone until ReclaimLoop returns. Owner thread only.
  void LendLoop();
  void ReclaimLoop();
  // Starts the idle-timeout sweep; runs until the context stops.
  void StartTimers();
  void CloseAll();

 private:
  void SweepIdle();
  void FlushPending();

  asio::io_context ctx_;
  const NetEnv* env_;
  std::unordered_map<Connection*, std::shared_ptr<Connection>> conns_;
  asio::steady_timer sweep_timer_;
  std::vector<std::shared_ptr<Connection>> pending_flush_;
  bool flush_posted_ = false;
  std::atomic<pid_t> tid_{0};
  std::atomic<bool> may_spin_{false};
  std::thread helper_;
  std::atomic<bool> helper_stop_{false};
  std::vector<Worker*> shed_to_;
  std::size_t shed_next_ = 0;
  long shed_left_ = 0;  // < 0: all
  std::atomic<std::uint64_t> moved_out_{0};
  // Starts at 1 so that a new connection (seen tick 0) counts in the first tick.
  std::atomic<std::uint32_t> tick_{1};
  std::atomic<std::uint32_t> clients_in_tick_{0};
};

}  // namespace strata::net
