#include "server/server.h"

#include <csignal>
#include <filesystem>
#include <thread>

#include "net/net_server.h"
#include "server/client_session.h"
#include "server/server_state.h"
#include "storage/engine_factory.h"
#include "util/log.h"

namespace strata {

struct Server::Impl {
  Config config;
  std::unique_ptr<StorageEngine> engine;
  std::unique_ptr<ServerState> state;
  std::unique_ptr<ClientSessionFactory> sessions;
  std::unique_ptr<net::NetServer> net;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  if (impl_ && impl_->engine) impl_->engine->Shutdown();
}

StatusOr<std::unique_ptr<Server>> Server::Create(const Config& config) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  std::error_code ec;
  std::filesystem::create_directories(config.storage.dir, ec);
  if (ec) {
    return Status::IOError("cannot create storage.dir \"" + config.storage.dir +
                           "\": " + ec.message());
  }
  auto engine = OpenStorageEngine(config);
  if (!engine.ok()) return engine.status();
  impl->engine = std::move(engine).value();
  impl->state = std::make_unique<ServerState>(config, impl->engine.get());
  impl->sessions = std::make_unique<ClientSessionFactory>(impl->state.get());
  net::NetOptions options;
  options.bind = config.server.bind;
  options.port = config.server.port;
  options.threads = ResolveThreads(config.server);
  options.busy_poll_us = config.server.busy_poll_us;
  impl->state->set_threads(options.threads);
  impl->net = std::make_unique<net::NetServer>(options, impl->state.get(), impl->sessions.get());
  STRATA_RETURN_IF_ERROR(impl->net->Listen());
  impl->state->set_port(impl->net->port());
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

int Server::port() const { return impl_->net->port(); }

namespace {
sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);  // internal: wakes the signal thread at shutdown
  return set;
}
}  // namespace

void BlockShutdownSignals() {
  sigset_t set = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int Server::Run() {
  // Signals are waited for on a dedicated thread so that no handler runs async-unsafe code.
  // They are already blocked in every thread (BlockShutdownSignals); block again in case
  // the caller did not.
  BlockShutdownSignals();
  sigset_t set = ShutdownSignals();
  std::signal(SIGPIPE, SIG_IGN);

  net::NetServer* net = impl_->net.get();
  impl_->state->request_shutdown = [net] { net->Stop(); };
  std::thread signals([set, net]() mutable {
    int sig = 0;
    sigwait(&set, &sig);
    if (sig == SIGINT || sig == SIGTERM) {
      LogInfo(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
              ", shutting down");
      net->Stop();
    }
  });

  LogInfo("ready to accept connections on " + impl_->config.server.bind + ":" +
          std::to_string(port()));
  net->Run();
  // Wake the signal thread if shutdown came from SHUTDOWN rather than a signal.
  pthread_kill(signals.native_handle(), SIGUSR1);
  signals.join();
  impl_->engine->Shutdown();
  LogInfo("bye");
  return 0;
}

}  // namespace strata
