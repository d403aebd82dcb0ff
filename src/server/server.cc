#include "server/server.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "checkpoint/checkpoint.h"
#include "net/net_server.h"
#include "server/client_session.h"
#include "state/server_state.h"
#include "storage/engine_factory.h"
#include "util/clock.h"
#include "util/log.h"

namespace strata {

struct Server::Impl {
  Config config;
  std::unique_ptr<StorageEngine> engine;
  std::unique_ptr<ServerState> state;
  std::unique_ptr<ClientSessionFactory> sessions;
  std::unique_ptr<net::NetServer> net;
  std::string restore_path;  // --restore: this one file must load
  std::thread loader;
  std::atomic<bool> load_failed{false};
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  if (impl_ && impl_->engine) impl_->engine->Shutdown();
}

namespace {

// Points the network layer at the runtime limits and statistics it reads and feeds.
net::NetEnv NetEnvFor(ServerState& state) {
  net::NetEnv env;
  RuntimeConfig& runtime = state.runtime();
  ServerStats& stats = state.stats();
  env.proto_max_bulk_len = &runtime.proto_max_bulk_len;
  env.client_query_buffer_limit = &runtime.client_query_buffer_limit;
  env.maxclients = &runtime.maxclients;
  env.timeout = &runtime.timeout;
  env.pubsub_hard_limit = &runtime.pubsub_hard_limit;
  env.pubsub_soft_limit = &runtime.pubsub_soft_limit;
  env.pubsub_soft_seconds = &runtime.pubsub_soft_seconds;
  env.net_input_bytes = &stats.net_input_bytes;
  env.net_output_bytes = &stats.net_output_bytes;
  env.total_connections_received = &stats.total_connections_received;
  env.rejected_connections = &stats.rejected_connections;
  env.client_count = [&state] { return state.ClientCount(); };
  env.every_second = [&state] { state.SampleMetrics(); };
  return env;
}

// Restores the data in the background after start-up, through the engine's own recovery.
// An explicit --restore file must load; otherwise the engine recovers its newest checkpoint,
// falling back to older ones only with on_corrupt = "previous". A recovery interrupted by
// shutdown returns OK. Only a complete recovery ends the loading state.
Status Restore(const Config& config, const std::string& explicit_file, StorageEngine& engine,
               ServerState& state) {
  ServerState::Loading& figures = state.loading();
  std::int64_t start = 0, last_log = 0;
  RecoverRequest request;
  request.dir = checkpoint::ResolveDir(config);
  request.path = explicit_file;
  request.on_corrupt =
      config.checkpoint.on_corrupt == "previous" ? OnCorrupt::kPrevious : OnCorrupt::kRefuse;
  request.stop = &figures.stop;
  request.key_delay_us = config.checkpoint.key_load_delay_us;
  request.on_start = [&](const std::string& path, std::uint64_t bytes) {
    LogInfo("loading checkpoint " + path);
    start = last_log = UnixTimeMs();
    figures.start_time = start / 1000;
    figures.loaded_bytes = 0;
    figures.keys = 0;
    figures.total_bytes = bytes;
  };
  request.progress = [&](std::uint64_t keys, std::uint64_t done, std::uint64_t total) {
    figures.keys = keys;
    figures.loaded_bytes = done;
    figures.total_bytes = total;
    std::int64_t now = UnixTimeMs();
    if (now - last_log < 5000 || done >= total) return;
    last_log = now;
    char line[256];
    std::snprintf(line, sizeof(line),
                  "loading checkpoint: %llu keys, %s of %s MB (%.0f%%), %.1f MB/s",
                  static_cast<unsigned long long>(keys), Mb(done).c_str(), Mb(total).c_str(),
                  total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0,
                  MbPerSec(done, now - start));
    LogInfo(line);
  };
  auto r = engine.Recover(request);
  if (!r.ok() && figures.stop.load()) {
    LogInfo("loading checkpoint interrupted by shutdown");
    return Status::OK();
  }
  if (!r.ok()) return r.status();
  if (!r->server_data.empty()) {
    Scripts& scripts = state.scripts();
    std::lock_guard<std::mutex> l(scripts.vm_mu());
    Status s = scripts.functions().Restore(r->server_data, FunctionLibraries::RestorePolicy::kFlush);
    if (!s.ok()) {
      return Status::Corruption("checkpoint " + r->path +
                                ": its function libraries do not load: " + s.message());
    }
    scripts.UpdateFigures();
    LogInfo("loaded " + std::to_string(scripts.functions().libraries().size()) +
            " function libraries");
  }
  LogInfo("loaded checkpoint " + r->path + ": " + std::to_string(r->keys_loaded) + " keys (" +
          std::to_string(r->keys_expired) + " expired, skipped), " + Mb(r->bytes) + " MB in " +
          std::to_string(r->duration_ms) + " ms");
  state.RecordLoad(r->keys_loaded, r->keys_expired);
  figures.active.store(false, std::memory_order_release);
  return Status::OK();
}

}  // namespace

StatusOr<std::unique_ptr<Server>> Server::Create(const Config& config,
                                                 const std::string& restore_path) {
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
  // What to restore is decided now, so that the server answers -LOADING from its first
  // command when there is something; the load itself runs in Run, once clients are served.
  const std::string dir = checkpoint::ResolveDir(config);
  if (int n = checkpoint::RemoveTemporaryFiles(dir); n > 0) {
    LogWarning("removed " + std::to_string(n) + " unfinished checkpoint file(s) from " + dir);
  }
  impl->restore_path = restore_path;
  bool restore = !restore_path.empty();
  if (!restore && config.checkpoint.restore_on_start) {
    restore = impl->engine->HasRecoverableState(dir);
    if (!restore) LogInfo("no checkpoint in " + dir + ", starting empty");
  }
  impl->state->loading().active = restore;
  impl->sessions = std::make_unique<ClientSessionFactory>(impl->state.get());
  net::NetOptions options;
  options.bind = config.server.bind;
  options.port = config.server.port;
  options.threads = ResolveThreads(config.server);
  // A spinning thread on a machine with no idle core takes CPU from the threads that have
  // work (the other network threads, the clients, the kernel): net/ spins only while the
  // active threads leave a core free.
  options.busy_poll_us = config.server.busy_poll_us;
  options.cores = MachineCores();
  options.adaptive = config.server.adaptive_threads;
  options.busy_poll_paused = &impl->state->saver().background_running();
  impl->state->set_threads(options.threads);
  impl->net = std::make_unique<net::NetServer>(options, NetEnvFor(*impl->state),
                                                impl->sessions.get());
  impl->state->set_active_threads(&impl->net->active_threads_counter());
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
  ServerState* state = impl_->state.get();
  state->request_shutdown = [net, state] {
    state->loading().stop = true;
    net->Stop();
  };
  std::thread signals([set, net, state]() mutable {
    while (true) {
      int sig = 0;
      sigwait(&set, &sig);
      if (sig != SIGINT && sig != SIGTERM) return;  // SIGUSR1: the server is stopping
      LogInfo(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
              ", shutting down");
      // As Redis: save first if a schedule is configured (not while loading); if that
      // fails, keep running.
      if (state->PrepareShutdown(false, false).ok()) {
        state->loading().stop = true;
        net->Stop();
        return;
      }
    }
  });
  // The checkpoint schedule (Redis's serverCron checks its `save` rules 10 times a second).
  std::mutex cron_mu;
  std::condition_variable cron_cv;
  bool cron_stop = false;
  std::thread cron([&] {
    std::unique_lock<std::mutex> l(cron_mu);
    while (!cron_cv.wait_for(l, std::chrono::milliseconds(100), [&] { return cron_stop; })) {
      state->saver().Tick(state->is_loading());
    }
  });

  LogInfo("ready to accept connections on " + impl_->config.server.bind + ":" +
          std::to_string(port()));
  if (state->is_loading()) {
    impl_->loader = std::thread([this, net, state] {
      Status s = Restore(impl_->config, impl_->restore_path, *impl_->engine, *state);
      if (!s.ok()) {
        // The same words as a start-up failure before the listener opened (main.cc).
        std::fprintf(stderr, "strata-server: cannot start: %s\n", s.message().c_str());
        impl_->load_failed = true;
        net->Stop();
      }
    });
  }
  net->Run();
  state->loading().stop = true;  // a shutdown during the load: it gives up between keys
  if (impl_->loader.joinable()) impl_->loader.join();
  // Wake the signal thread if shutdown came from SHUTDOWN rather than a signal.
  pthread_kill(signals.native_handle(), SIGUSR1);
  signals.join();
  {
    std::lock_guard<std::mutex> l(cron_mu);
    cron_stop = true;
  }
  cron_cv.notify_all();
  cron.join();
  state->saver().CancelBackground();
  impl_->engine->Shutdown();
  LogInfo("bye");
  return impl_->load_failed ? 1 : 0;
}

}  // namespace strata
