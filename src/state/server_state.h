// State shared by command handlers: per-client state (ClientState) and process-wide state
// (ServerState: runtime configuration, client registry, statistics).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "net/connection_control.h"
#include "state/blocking.h"
#include "state/error_stats.h"
#include "state/keyspace_events.h"
#include "state/monitor.h"
#include "state/pubsub.h"
#include "state/saver.h"
#include "state/scripts.h"
#include "state/watch_registry.h"
#include "strata/config.h"
#include "strata/storage_engine.h"
#include "util/clock.h"
#include "util/striped_counter.h"

namespace strata {

struct CommandSpec;

enum class ReplyMode : std::uint8_t { kOn, kOff, kSkip };

struct CommandContext;

// A command queued between MULTI and EXEC.
struct QueuedCommand {
  const CommandSpec* spec;
  std::vector<std::string> args;
};

// MULTI/EXEC state of one client (its connection thread only).
struct MultiState {
  bool active = false;   // between MULTI and EXEC/DISCARD
  bool aborted = false;  // a command was rejected while queueing: EXEC answers EXECABORT
  std::vector<QueuedCommand> queue;
};

// Runs a client's queued transaction (EXEC); implemented by the dispatcher.
class TransactionRunner {
 public:
  virtual ~TransactionRunner() = default;
  virtual void Exec(CommandContext& ctx) = 0;
};

// One client's state. Fields read by other threads (CLIENT LIST, CLIENT KILL) are atomic
// or guarded by `mu`.
struct ClientState {
  std::uint64_t id = 0;
  std::weak_ptr<ClientState> self;  // this state's owner, for replies delivered later
  net::ConnectionControl* conn = nullptr;
  std::int64_t created_ms = 0;

  std::atomic<int> db{0};
  std::atomic<bool> resp3{false};
  std::atomic<bool> authenticated{false};
  std::atomic<std::int64_t> last_interaction_ms{0};
  std::atomic<const CommandSpec*> last_command{nullptr};
  std::atomic<bool> no_evict{false};
  std::atomic<bool> monitor{false};  // in MONITOR mode (CLIENT LIST flags=O)
  // Subscriptions by PubSubKind, for CLIENT LIST and the subscribed-mode check.
  std::atomic<int> subscription_counts[3] = {0, 0, 0};
  int subscription_count(PubSubKind kind) const {
    return subscription_counts[static_cast<int>(kind)].load(std::memory_order_relaxed);
  }
  // Subscribed to anything: RESP2 clients then accept only the pub/sub commands.
  bool subscribed() const {
    return subscription_count(PubSubKind::kChannel) + subscription_count(PubSubKind::kPattern) +
               subscription_count(PubSubKind::kShard) > 0;
  }
  Subscriptions subscriptions;  // connection thread only

  ReplyMode reply_mode = ReplyMode::kOn;  // connection thread only
  MultiState multi;                        // connection thread only
  WatchSet watch;                          // keys: connection thread; dirty: any thread
  TransactionRunner* runner = nullptr;     // the dispatcher serving this client
  // Set by a blocking command's handler that found nothing; the dispatcher then suspends
  // the client (connection thread only).
  std::shared_ptr<BlockedClient> block_request;
  std::int64_t block_timeout_ms = 0;

  mutable std::mutex mu;
  std::string name;      // GUARDED_BY(mu)
  std::string lib_name;  // GUARDED_BY(mu)
  std::string lib_ver;   // GUARDED_BY(mu)
  std::shared_ptr<BlockedClient> blocked;  // GUARDED_BY(mu): while in a blocking command

  std::string GetName() const {
    std::lock_guard<std::mutex> l(mu);
    return name;
  }
  // "ip:port" of the client, or "" once its connection is gone.
  std::string PeerAddress() const {
    std::lock_guard<std::mutex> l(mu);
    return conn != nullptr ? conn->PeerAddress() : std::string();
  }
};

// Runtime-settable parameters (CONFIG GET/SET). Numeric ones are atomics read on hot paths.
struct RuntimeConfig {
  std::atomic<int> maxclients{10000};
  std::atomic<int> timeout{0};
  std::atomic<std::int64_t> proto_max_bulk_len{512ll << 20};
  std::atomic<std::int64_t> client_query_buffer_limit{1ll << 30};
  // client-output-buffer-limit, pubsub class (Redis's default 32mb 8mb 60): applies to
  // clients with subscriptions, whose output is pushed to them whether they read or not.
  std::atomic<std::int64_t> pubsub_hard_limit{32ll << 20};
  std::atomic<std::int64_t> pubsub_soft_limit{8ll << 20};
  std::atomic<std::int64_t> pubsub_soft_seconds{60};

  mutable std::mutex mu;
  std::string requirepass;                    // GUARDED_BY(mu)
  // Parameters accepted and stored for compatibility (encoding knobs, save, appendonly...).
  std::map<std::string, std::string> extra;  // GUARDED_BY(mu)

  std::string GetRequirePass() const {
    std::lock_guard<std::mutex> l(mu);
    return requirepass;
  }
};

struct ServerStats {
  std::atomic<std::uint64_t> total_connections_received{0};
  std::atomic<std::uint64_t> rejected_connections{0};
  // Updated on every command or read/write: striped per thread.
  StripedCounter total_commands_processed;
  StripedCounter total_error_replies;
  StripedCounter net_input_bytes;
  StripedCounter net_output_bytes;
  std::atomic<std::uint64_t> unexpected_error_replies{0};
};

class ServerState {
 public:
  ServerState(const Config& config, StorageEngine* engine);

  const Config& initial_config() const { return config_; }
  StorageEngine& engine() { return *engine_; }
  WatchRegistry& watches() { return *watches_; }
  BlockingRegistry& blocking() { return *blocking_; }
  PubSubRegistry& pubsub() { return pubsub_; }
  KeyspaceEvents& keyspace_events() { return keyspace_events_; }
  Scripts& scripts() { return scripts_; }
  MonitorRegistry& monitors() { return monitors_; }
  RuntimeConfig& runtime() { return runtime_; }
  ServerStats& stats() { return stats_; }
  ErrorStats& error_stats() { return error_stats_; }
  std::int64_t start_time_ms() const { return start_time_ms_; }
  const std::string& run_id() const { return run_id_; }
  int port() const { return port_; }
  void set_port(int port) { port_ = port; }
  int threads() const { return threads_; }
  void set_threads(int n) { threads_ = n; }
  // Network threads serving clients now (the rest are parked; net/thread_balancer.h).
  int active_threads() const {
    return active_threads_ != nullptr ? active_threads_->load(std::memory_order_relaxed) : threads_;
  }
  void set_active_threads(const std::atomic<int>* n) { active_threads_ = n; }

  // Client registry.
  std::uint64_t NextClientId() { return next_client_id_.fetch_add(1) + 1; }
  void AddClient(std::shared_ptr<ClientState> client);
  void RemoveClient(std::uint64_t id);
  std::vector<std::shared_ptr<ClientState>> Clients() const;
  std::size_t ClientCount() const;

  // CLIENT PAUSE: until `until_ms`, commands (all, or only writes) wait.
  void Pause(std::int64_t until_ms, bool writes_only);
  void Unpause();
  // Milliseconds the given command must still wait because of CLIENT PAUSE (0: none).
  std::int64_t PauseRemainingMs(bool is_write) const;
  // The pause in force (CLIENT PAUSE extends, never shortens, a running pause).
  std::int64_t pause_until_ms() const { return pause_until_ms_.load(); }
  bool pause_writes_only() const { return pause_writes_only_.load(); }

  // INFO's instantaneous_* figures. The network threads call SampleMetrics about once a
  // second; samples closer together than 100 ms are ignored.
  void SampleMetrics();
  struct Rates {
    double ops_per_sec = 0;
    double input_kbps = 0;
    double output_kbps = 0;
  };
  // Rates from the newest sample at least a second old up to now.
  Rates InstantaneousRates() const;

  // Asks the server to shut down (SHUTDOWN). Set by the server at start-up.
  std::function<void()> request_shutdown;

  // Checkpoints (SAVE, BGSAVE, LASTSAVE, the schedule, INFO persistence).
  Saver& saver() { return *saver_; }
  // Before the server stops (SHUTDOWN, SIGTERM): stops a background save, then writes a
  // checkpoint if `save`, or unless `nosave` when a schedule is configured, as Redis does.
  // Writes are paused meanwhile so that nothing acknowledged is left out. On failure the
  // server should keep running.
  Status PrepareShutdown(bool save, bool nosave);
  // Figures of the checkpoint loaded at start-up (INFO rdb_last_load_keys_*).
  void RecordLoad(std::uint64_t loaded, std::uint64_t expired) {
    last_load_keys_loaded_ = loaded;
    last_load_keys_expired_ = expired;
  }
  std::uint64_t last_load_keys_loaded() const { return last_load_keys_loaded_.load(); }
  std::uint64_t last_load_keys_expired() const { return last_load_keys_expired_.load(); }

  // The checkpoint restore that runs in the background after start-up: while `active`,
  // commands without kCmdLoading answer -LOADING and INFO shows the figures. It stays set
  // when the load fails or is interrupted by shutdown, so nothing may save the partial
  // (flushed) dataset on the way out.
  struct Loading {
    std::atomic<bool> active{false};
    std::atomic<bool> stop{false};  // shutdown requested: the loader gives up
    std::atomic<std::int64_t> start_time{0};  // Unix seconds
    std::atomic<std::uint64_t> total_bytes{0};
    std::atomic<std::uint64_t> loaded_bytes{0};
    std::atomic<std::uint64_t> keys{0};
  };
  Loading& loading() { return loading_; }
  bool is_loading() const { return loading_.active.load(std::memory_order_acquire); }

 private:
  Config config_;
  StorageEngine* engine_;
  std::unique_ptr<WatchRegistry> watches_;
  std::unique_ptr<BlockingRegistry> blocking_;
  PubSubRegistry pubsub_;
  KeyspaceEvents keyspace_events_{&pubsub_};
  Scripts scripts_;
  MonitorRegistry monitors_;
  std::unique_ptr<KeyspaceObserver> observer_;  // fans engine notifications out to both
  std::unique_ptr<Saver> saver_;
  RuntimeConfig runtime_;
  ServerStats stats_;
  ErrorStats error_stats_{&stats_.total_error_replies};
  std::int64_t start_time_ms_;
  std::atomic<std::uint64_t> last_load_keys_loaded_{0};
  std::atomic<std::uint64_t> last_load_keys_expired_{0};
  Loading loading_;
  std::string run_id_;
  int port_ = 0;
  int threads_ = 1;
  const std::atomic<int>* active_threads_ = nullptr;

  std::atomic<std::uint64_t> next_client_id_{0};
  mutable std::mutex clients_mu_;
  std::map<std::uint64_t, std::shared_ptr<ClientState>> clients_;  // GUARDED_BY(clients_mu_)

  std::atomic<std::int64_t> pause_until_ms_{0};
  std::atomic<bool> pause_writes_only_{false};

  struct MetricSample {
    std::int64_t ms = 0;
    std::uint64_t commands = 0, input_bytes = 0, output_bytes = 0;
  };
  static constexpr int kMetricSamples = 4;
  mutable std::mutex metrics_mu_;
  MetricSample samples_[kMetricSamples];  // GUARDED_BY(metrics_mu_): a ring
  int next_sample_ = 0;                   // GUARDED_BY(metrics_mu_)
};


}  // namespace strata
