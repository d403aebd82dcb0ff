// MONITOR: the clients that watch every command the server runs, and the line each command
// becomes, in Redis's format: +<unix time with microseconds> [<db> <addr>|lua] "arg" ...
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

struct ClientState;

class MonitorRegistry {
 public:
  void Add(std::shared_ptr<ClientState> client);
  // Drops `client` if it monitors (connection close, RESET).
  void Remove(const ClientState* client);
  // Cheap check for the dispatcher's hot path.
  bool active() const { return count_.load(std::memory_order_relaxed) > 0; }
  // Sends one command to every monitor. `origin` is the client's address, or "lua".
  // AUTH's and HELLO's secrets are replaced by "(redacted)", as Redis does.
  void Feed(int db, std::string_view origin, std::span<const std::string_view> args);

  // The line for one command (exposed for tests).
  static std::string FormatLine(std::int64_t unix_us, int db, std::string_view origin,
                                std::span<const std::string_view> args);

 private:
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<ClientState>> monitors_;  // GUARDED_BY(mu_)
  std::atomic<int> count_{0};
};

}  // namespace strata
