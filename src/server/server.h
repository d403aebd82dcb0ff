// Wires configuration, the storage engine, shared state and the network layer together.
#pragma once

#include <memory>
#include <string>

#include "strata/config.h"
#include "strata/status.h"

namespace strata {

// Blocks SIGINT, SIGTERM and SIGUSR1 in the calling thread. Call before creating any thread
// (Server::Create starts engine threads) so that Server::Run can wait for them.
void BlockShutdownSignals();

class Server {
 public:
  // Opens the engine and binds the listening socket. Errors name what failed. The newest
  // checkpoint (or `restore_path` if given; see [checkpoint] in the configuration) is
  // restored by Run, in the background: meanwhile most commands answer -LOADING.
  static StatusOr<std::unique_ptr<Server>> Create(const Config& config,
                                                  const std::string& restore_path = "");
  ~Server();

  int port() const;
  // Serves until SHUTDOWN or a SIGINT/SIGTERM; returns the process exit code: 0, or 1 when
  // the restore failed (its error is printed to stderr, as a failed Create's is by main).
  int Run();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata
