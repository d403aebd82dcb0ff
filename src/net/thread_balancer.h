// Decides how many network threads should be serving clients. More threads than the machine
// can run at once do not add throughput: they wait for a CPU (a preempted thread stalls all
// its connections for a scheduler slice) and contend for hot keys' shard locks. The balancer
// parks the last active thread when the active ones spend a real share of their time
// runnable but not running, and brings it back when a thread is saturated while a core
// stands idle. NetServer moves the connections (connection.h, MoveTo).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

namespace strata::net {

// What one tick measured, per second of wall time.
struct LoadSample {
  double run = 0;         // CPU seconds the active network threads ran
  double wait = 0;        // seconds they were runnable but waiting for a CPU
  double busiest = 0;     // the largest share of the interval one active thread ran
  double idle_cores = 0;  // the machine's idle CPU, in cores
  // Connections that sent requests to the busiest thread during the tick (filled in by
  // NetServer). One connection cannot be split across threads: a thread saturated by a
  // single client (a bulk load through redis-cli --pipe) gains nothing from a second one.
  long busiest_clients = 0;
};

class ThreadBalancer {
 public:
  // Thresholds. Waiting more than kParkWait of the time the threads ran means the machine
  // is oversubscribed (measured: 2 threads + redis-benchmark on 2 cores waited 25–65%; a
  // thread with a core to itself waits under 5%).
  static constexpr double kParkWait = 0.15;
  static constexpr double kUnparkBusy = 0.85;  // a thread this busy could use help
  static constexpr double kUnparkIdle = 0.75;  // ...if this much of a core is idle
  static constexpr long kUnparkClients = 2;    // ...and it has clients to hand over
  static constexpr int kParkTicks = 2;         // consecutive ticks before parking
  static constexpr int kUnparkTicks = 5;
  static constexpr int kCooldownTicks = 10;    // after a change, before the next one

  ThreadBalancer(int threads, int active) : threads_(threads), active_(active) {}

  // Feeds one tick's measurement of the active threads; returns the number of threads that
  // should be active from now on (changes by at most one per call).
  int Decide(const LoadSample& sample);
  int active() const { return active_; }
  // The active count was set from outside (NetServer::SetActiveThreads); start over.
  void Reset(int active) {
    active_ = active;
    park_streak_ = unpark_streak_ = 0;
    cooldown_ = kCooldownTicks;
  }

 private:
  int threads_;
  int active_;
  int park_streak_ = 0;
  int unpark_streak_ = 0;
  int cooldown_ = 0;
};

// Reads the kernel's accounting for the balancer: per-thread run and run-queue wait time
// (/proc/self/task/<tid>/schedstat) and the machine's idle time (/proc/stat).
// Whether the network threads may busy-poll (ServerConfig::busy_poll_us). Polling keeps a
// core to itself between requests; when other processes on the machine want that core
// (the threads wait for a CPU more than kContendedWait of the time they ran: a client and
// a subscriber on a two-core machine beside the server) it only delays them, so polling
// stops for kHoldTicks and is then tried again.
class SpinGovernor {
 public:
  static constexpr double kContendedWait = ThreadBalancer::kParkWait;
  static constexpr int kHoldTicks = 25;  // 5 s at NetServer's 200 ms tick

  // One tick's sample in, whether polling is allowed out.
  bool Decide(const LoadSample& s) {
    if (hold_ > 0) {
      --hold_;
      return false;
    }
    if (s.run > 0.2 && s.wait > kContendedWait * s.run) {
      hold_ = kHoldTicks;
      return false;
    }
    return true;
  }

 private:
  int hold_ = 0;
};

class LoadProbe {
 public:
  // Measures since the previous call (the first call only takes the readings; its sample is
  // zero). The interval is timed here, not assumed: the caller's timer runs late when its
  // thread is busy. Returns false when the accounting cannot be read (then the balancer
  // and the spin governor stay off).
  // `busiest` receives the index (into `tids`) of the thread that ran most.
  bool Sample(std::span<const pid_t> tids, LoadSample* out, std::size_t* busiest = nullptr);

 private:
  struct ThreadTimes {
    pid_t tid = 0;
    std::uint64_t run_ns = 0, wait_ns = 0;
  };
  std::vector<ThreadTimes> last_;
  std::uint64_t last_idle_ticks_ = 0;
  std::chrono::steady_clock::time_point last_time_{};  // epoch: no reading yet
};

}  // namespace strata::net
