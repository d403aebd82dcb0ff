// Accepts TCP connections and runs them on N network threads, each with its own
// asio::io_context. With `adaptive`, threads the machine cannot run at once are parked and
// their connections move to the active ones (thread_balancer.h); otherwise a connection
// stays on the thread it was given.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "net/net_env.h"
#include "net/session.h"
#include "strata/status.h"

namespace asio {
class io_context;
}

namespace strata::net {

class Worker;

struct NetOptions {
  std::string bind = "127.0.0.1";
  int port = 6379;
  int threads = 1;
  // See ServerConfig::busy_poll_us.
  int busy_poll_us = 0;
  // While this is true the threads do not busy-poll: a background job (a checkpoint) needs
  // the CPU, and spinning threads would make it share cores in whole scheduler slices,
  // which shows up as milliseconds of latency.
  const std::atomic<bool>* busy_poll_paused = nullptr;
  // Park threads while the machine cannot run them all (ServerConfig::adaptive_threads).
  bool adaptive = false;
  // CPU cores: the active threads busy-poll only while they number fewer.
  int cores = 1;
};

class NetServer {
 public:
  NetServer(const NetOptions& options, NetEnv env, SessionFactory* sessions);
  ~NetServer();

  // Binds and listens. On success, port() is the bound port (useful with port 0).
  Status Listen();
  int port() const { return port_; }
  // Runs the network threads until Stop(); returns after they have all finished.
  void Run();
  // Thread-safe; may be called from a handler.
  void Stop();
  // Thread-safe: makes `n` threads active (1..threads) now, moving connections off the
  // parked ones as they finish their current request; the balancer carries on from there.
  void SetActiveThreads(int n);
  int active_threads() const { return active_threads_counter().load(std::memory_order_relaxed); }
  const std::atomic<int>& active_threads_counter() const;
  // Connections moved between threads so far.
  std::uint64_t moved_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  NetOptions options_;
  int port_ = 0;
};

}  // namespace strata::net
