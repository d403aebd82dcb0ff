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
  // Checkpoints to try at start-up, in order (the first that loads wins); empty: none.
  std::vector<std::string> restore_files;
  bool explicit_restore = false;  // --restore: the one file must load
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
  env.net_input_bytes = &stats.net_input_bytes;
  env.net_output_bytes = &stats.net_output_bytes;
  env.total_connections_received = &stats.total_connections_received;
  env.rejected_connections = &stats.rejected_connections;
  env.client_count = [&state] { return state.ClientCount(); };
  env.every_second = [&state] { state.SampleMetrics(); };
  return env;
}

StatusOr<checkpoint::LoadStats> LoadOne(StorageEngine& engine, ServerState& state,
                                        const std::string& path) {
  LogInfo("loading checkpoint " + path);
  ServerState::Loading& figures = state.loading();
  const std::int64_t start = UnixTimeMs();
  figures.start_time = start / 1000;
  figures.loaded_bytes = 0;
  figures.keys = 0;
  std::error_code ec;
  std::uintmax_t size = std::filesystem::file_size(path, ec);
  figures.total_bytes = ec ? 0 : static_cast<std::uint64_t>(size);
  std::int64_t last_log = start;
  auto progress = [&](std::uint64_t keys, std::uint64_t done, std::uint64_t total) {
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
  checkpoint::LoadOptions options;
  options.key_delay_us = state.initial_config().checkpoint.key_load_delay_us;
  options.stop = &figures.stop;
  auto r = checkpoint::LoadCheckpoint(engine, path, progress, options);
  if (r.ok()) {
    LogInfo("loaded checkpoint " + path + ": " + std::to_string(r->keys_loaded) + " keys (" +
            std::to_string(r->keys_expired) + " expired, skipped), " + Mb(r->summary.bytes) +
            " MB in " + std::to_string(r->duration_ms) + " ms");
  }
  return r;
}

// Restores the data in the background after start-up. An explicit --restore file must
// load; otherwise the newest complete checkpoint is loaded, falling back to older ones only
// with on_corrupt = "previous". A load interrupted by shutdown returns OK. Only a complete
// load ends the loading state.
Status Restore(const Config& config, const std::vector<std::string>& files, bool explicit_file,
               StorageEngine& engine, ServerState& state) {
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto r = LoadOne(engine, state, files[i]);
    if (!r.ok() && state.loading().stop.load()) {
      LogInfo("loading checkpoint " + files[i] + " interrupted by shutdown");
      return Status::OK();
    }
    if (r.ok()) {
      state.RecordLoad(r->keys_loaded, r->keys_expired);
      state.loading().active.store(false, std::memory_order_release);
      return Status::OK();
    }
    if (explicit_file || config.checkpoint.on_corrupt != "previous" ||
        r.status().code() != Status::Code::kCorruption) {
      return r.status();
    }
    // Set it aside (kept for inspection, no longer a checkpoint): left in place it would
    // still count as the newest and push the intact one out at the next prune.
    std::string aside = files[i] + ".corrupt";
    std::error_code ec;
    std::filesystem::rename(files[i], aside, ec);
    LogError("CHECKPOINT CORRUPT, NOT LOADED: " + r.status().message() +
             (ec ? std::string("") : "; renamed to " + aside) +
             (i + 1 < files.size() ? std::string("; trying the previous checkpoint")
                                   : std::string("")));
  }
  return Status::Corruption("no intact checkpoint in " + checkpoint::ResolveDir(config) +
                            " (every one is corrupt; see the log)");
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
  if (!restore_path.empty()) {
    impl->restore_files = {restore_path};
    impl->explicit_restore = true;
  } else if (config.checkpoint.restore_on_start) {
    impl->restore_files = checkpoint::ListCheckpoints(dir);
    if (impl->restore_files.empty()) LogInfo("no checkpoint in " + dir + ", starting empty");
  }
  impl->state->loading().active = !impl->restore_files.empty();
  impl->sessions = std::make_unique<ClientSessionFactory>(impl->state.get());
  net::NetOptions options;
  options.bind = config.server.bind;
  options.port = config.server.port;
  options.threads = ResolveThreads(config.server);
  options.busy_poll_us = ResolveBusyPollUs(config.server);
  options.busy_poll_paused = &impl->state->saver().background_running();
  impl->state->set_threads(options.threads);
  impl->net = std::make_unique<net::NetServer>(options, NetEnvFor(*impl->state),
                                                impl->sessions.get());
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
      Status s = Restore(impl_->config, impl_->restore_files, impl_->explicit_restore,
                         *impl_->engine, *state);
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
