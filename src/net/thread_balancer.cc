#include "net/thread_balancer.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace strata::net {

int ThreadBalancer::Decide(const LoadSample& s) {
  if (cooldown_ > 0) {
    --cooldown_;
    return active_;
  }
  // Parking needs load: an idle server's threads wait for nothing worth measuring.
  bool oversubscribed = active_ > 1 && s.run > 0.2 && s.wait > kParkWait * s.run;
  park_streak_ = oversubscribed ? park_streak_ + 1 : 0;
  bool wants_help = active_ < threads_ && s.busiest > kUnparkBusy &&
                    s.idle_cores > kUnparkIdle && s.wait < 0.05 * s.run &&
                    s.busiest_clients >= kUnparkClients;
  unpark_streak_ = wants_help ? unpark_streak_ + 1 : 0;
  int next = active_;
  if (park_streak_ >= kParkTicks) {
    next = active_ - 1;
  } else if (unpark_streak_ >= kUnparkTicks) {
    next = active_ + 1;
  }
  if (next != active_) {
    active_ = next;
    park_streak_ = unpark_streak_ = 0;
    cooldown_ = kCooldownTicks;
  }
  return active_;
}

namespace {

bool ReadSchedstat(pid_t tid, std::uint64_t* run_ns, std::uint64_t* wait_ns) {
  std::string path = "/proc/self/task/" + std::to_string(tid) + "/schedstat";
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return false;
  unsigned long long run = 0, wait = 0;
  bool ok = std::fscanf(f, "%llu %llu", &run, &wait) == 2;
  std::fclose(f);
  *run_ns = run;
  *wait_ns = wait;
  return ok;
}

// Idle plus iowait ticks of all CPUs (the first line of /proc/stat).
bool ReadIdleTicks(std::uint64_t* ticks) {
  std::FILE* f = std::fopen("/proc/stat", "r");
  if (f == nullptr) return false;
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0;
  bool ok = std::fscanf(f, "cpu %llu %llu %llu %llu %llu", &user, &nice, &system, &idle,
                        &iowait) == 5;
  std::fclose(f);
  *ticks = idle + iowait;
  return ok;
}

}  // namespace

bool LoadProbe::Sample(std::span<const pid_t> tids, LoadSample* out, std::size_t* busiest) {
  *out = LoadSample{};
  if (busiest != nullptr) *busiest = 0;
  const auto time = std::chrono::steady_clock::now();
  const bool first = last_time_ == std::chrono::steady_clock::time_point{};
  const double interval_sec = std::chrono::duration<double>(time - last_time_).count();
  last_time_ = time;
  std::vector<ThreadTimes> now;
  now.reserve(tids.size());
  for (pid_t tid : tids) {
    ThreadTimes t;
    t.tid = tid;
    if (!ReadSchedstat(tid, &t.run_ns, &t.wait_ns)) return false;
    now.push_back(t);
    // A thread that just became active has no previous reading: it counts from the next tick.
    auto prev = std::find_if(last_.begin(), last_.end(),
                             [tid](const ThreadTimes& p) { return p.tid == tid; });
    if (first || prev == last_.end()) continue;
    double run = static_cast<double>(t.run_ns - prev->run_ns) / 1e9 / interval_sec;
    double wait = static_cast<double>(t.wait_ns - prev->wait_ns) / 1e9 / interval_sec;
    out->run += run;
    out->wait += wait;
    if (run > out->busiest) {
      out->busiest = run;
      if (busiest != nullptr) *busiest = now.size() - 1;
    }
  }
  last_ = std::move(now);
  std::uint64_t idle = 0;
  if (!ReadIdleTicks(&idle)) return false;
  static const double kTicksPerSec = static_cast<double>(sysconf(_SC_CLK_TCK));
  if (!first) {
    out->idle_cores = static_cast<double>(idle - last_idle_ticks_) / kTicksPerSec / interval_sec;
  }
  last_idle_ticks_ = idle;
  return true;
}

}  // namespace strata::net
