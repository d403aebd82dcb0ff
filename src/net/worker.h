// One network thread: an io_context and the connections that live on it.
#pragma once

#include <asio.hpp>
#include <memory>
#include <thread>
#include <unordered_map>

#include "net/connection.h"

namespace strata::net {

class Worker {
 public:
  explicit Worker(const NetEnv* env);
  asio::io_context& context() { return ctx_; }

  void Add(std::shared_ptr<Connection> conn);
  // Writes `conn`'s replies once the connections made ready by the same event-loop turn have
  // all been read, like Redis's write-before-sleep: the client then receives its replies in
  // fewer, fuller batches.
  void ScheduleFlush(Connection* conn);
  void Remove(Connection* conn);
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
};

}  // namespace strata::net
