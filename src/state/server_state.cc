#include "state/server_state.h"

#include <chrono>
#include <random>

#include "util/log.h"

namespace strata {

namespace {

// The engine has one observer slot; WATCH and blocked clients both need the notifications.
class Observer final : public KeyspaceObserver {
 public:
  Observer(WatchRegistry* watches, BlockingRegistry* blocking, KeyspaceEvents* events,
           const std::atomic<bool>* loading, StorageEngine* engine)
      : watches_(watches),
        blocking_(blocking),
        events_(events),
        loading_(loading),
        engine_(engine) {}
  bool Active() const override { return watches_->Active() || blocking_->Active(); }
  void KeyModified(int db, std::string_view key) override {
    if (watches_->Active()) watches_->KeyModified(db, key);
    if (blocking_->Active()) blocking_->KeyModified(db, key);
  }
  void KeyReady(int db, std::string_view key) override {
    if (blocking_->Active()) blocking_->KeyModified(db, key);
  }
  void DbModified(int db, FunctionRef<bool(std::string_view key)> present) override {
    if (watches_->Active()) watches_->DbModified(db, present);
    if (blocking_->Active()) blocking_->DbModified(db, present);
  }
  void KeyCreated(int db, std::string_view key) override {
    // Keys a checkpoint brings back at start-up are not new (Redis publishes nothing while
    // it loads either).
    if (!loading_->load(std::memory_order_relaxed)) events_->Notify(kNotifyNew, "new", db, key);
  }
  void KeyExpired(int db, std::string_view key) override {
    events_->Notify(kNotifyExpired, "expired", db, key);
    // As a deletion: a blocked XREADGROUP is told its stream is gone (the others keep
    // waiting when served and finding nothing).
    if (blocking_->Active()) blocking_->KeyModified(db, key);
  }
  void ExpirySweepDone() override {
    if (BlockingRegistry::HasReady()) blocking_->ServeReady(*engine_);
  }

 private:
  WatchRegistry* watches_;
  BlockingRegistry* blocking_;
  KeyspaceEvents* events_;
  const std::atomic<bool>* loading_;
  StorageEngine* engine_;
};

}  // namespace

ServerState::ServerState(const Config& config, StorageEngine* engine)
    : config_(config),
      engine_(engine),
      watches_(std::make_unique<WatchRegistry>(engine->num_databases())),
      blocking_(std::make_unique<BlockingRegistry>(engine->num_databases())),
      observer_(std::make_unique<Observer>(watches_.get(), blocking_.get(), &keyspace_events_,
                                           &loading_.active, engine)),
      saver_(std::make_unique<Saver>(config, engine)),
      start_time_ms_(UnixTimeMs()) {
  engine_->set_observer(observer_.get());
  saver_->set_script_gate(&scripts_.gate());
  saver_->set_server_data([this] { return scripts_.functions().Payload(); });
  std::uint32_t events = 0;
  if (ParseNotifyFlags(config.server.notify_keyspace_events, &events)) {  // checked when loaded
    keyspace_events_.set_flags(events);
  }
  runtime_.maxclients = config.server.maxclients;
  runtime_.timeout = config.server.timeout;
  runtime_.proto_max_bulk_len = config.limits.proto_max_bulk_len;
  runtime_.client_query_buffer_limit = config.limits.client_query_buffer_limit;
  runtime_.requirepass = config.server.requirepass;
  std::random_device rd;
  std::mt19937_64 rng(rd());
  static const char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 40; ++i) run_id_ += kHex[rng() % 16];
}

Status ServerState::PrepareShutdown(bool save, bool nosave) {
  saver_->CancelBackground();
  if (!save && (nosave || saver_->schedule().empty())) return Status::OK();
  if (is_loading()) {
    // Saving now would replace good checkpoints with a partial dataset (Redis skips it too).
    LogWarning("not saving: the dataset is still being loaded");
    return Status::OK();
  }
  LogInfo("Saving the final checkpoint before exiting.");
  const std::int64_t pause_before = pause_until_ms_.load();
  const bool writes_only_before = pause_writes_only_.load();
  Pause(INT64_MAX / 2, true);
  Status s = saver_->SaveNow();
  if (!s.ok()) {
    LogError("Error trying to save the DB, can't exit.");
    // Restore the pause a client may have set (CLIENT PAUSE).
    Unpause();
    if (pause_before > UnixTimeMs()) Pause(pause_before, writes_only_before);
  }
  return s;
}

void ServerState::AddClient(std::shared_ptr<ClientState> client) {
  std::lock_guard<std::mutex> l(clients_mu_);
  clients_[client->id] = std::move(client);
}

void ServerState::RemoveClient(std::uint64_t id) {
  std::lock_guard<std::mutex> l(clients_mu_);
  clients_.erase(id);
}

std::vector<std::shared_ptr<ClientState>> ServerState::Clients() const {
  std::lock_guard<std::mutex> l(clients_mu_);
  std::vector<std::shared_ptr<ClientState>> out;
  out.reserve(clients_.size());
  for (const auto& [id, c] : clients_) out.push_back(c);
  return out;
}

std::size_t ServerState::ClientCount() const {
  std::lock_guard<std::mutex> l(clients_mu_);
  return clients_.size();
}

void ServerState::Pause(std::int64_t until_ms, bool writes_only) {
  pause_writes_only_ = writes_only;
  pause_until_ms_ = until_ms;
}

void ServerState::Unpause() { pause_until_ms_ = 0; }

std::int64_t ServerState::PauseRemainingMs(bool is_write) const {
  std::int64_t until = pause_until_ms_.load(std::memory_order_relaxed);
  if (until == 0) return 0;
  if (pause_writes_only_ && !is_write) return 0;
  std::int64_t left = until - UnixTimeMs();
  return left > 0 ? left : 0;
}

void ServerState::SampleMetrics() {
  std::int64_t now = UnixTimeMs();
  std::lock_guard<std::mutex> l(metrics_mu_);
  const MetricSample& last = samples_[(next_sample_ + kMetricSamples - 1) % kMetricSamples];
  if (last.ms != 0 && now - last.ms < 100) return;
  MetricSample& s = samples_[next_sample_];
  s.ms = now;
  s.commands = stats_.total_commands_processed.Sum();
  s.input_bytes = stats_.net_input_bytes.Sum();
  s.output_bytes = stats_.net_output_bytes.Sum();
  next_sample_ = (next_sample_ + 1) % kMetricSamples;
}

ServerState::Rates ServerState::InstantaneousRates() const {
  std::int64_t now = UnixTimeMs();
  // Measure from the newest sample at least a second old (else the oldest recent one) up to
  // now, so the figure follows the load within a second or two.
  MetricSample base;
  {
    std::lock_guard<std::mutex> l(metrics_mu_);
    for (const MetricSample& s : samples_) {
      if (s.ms == 0 || now - s.ms < 100) continue;
      bool base_old = base.ms != 0 && now - base.ms >= 1000;
      bool s_old = now - s.ms >= 1000;
      if (base.ms == 0 || (s_old && (!base_old || s.ms > base.ms)) ||
          (!s_old && !base_old && s.ms < base.ms)) {
        base = s;
      }
    }
  }
  Rates r;
  if (base.ms == 0) return r;
  // Counters may have been reset (CONFIG RESETSTAT) since the sample.
  auto delta = [](std::uint64_t from, std::uint64_t to) {
    return to >= from ? static_cast<double>(to - from) : 0.0;
  };
  double secs = static_cast<double>(now - base.ms) / 1000.0;
  r.ops_per_sec =
      delta(base.commands, stats_.total_commands_processed.Sum()) / secs;
  r.input_kbps =
      delta(base.input_bytes, stats_.net_input_bytes.Sum()) / 1024.0 /
      secs;
  r.output_kbps =
      delta(base.output_bytes, stats_.net_output_bytes.Sum()) / 1024.0 /
      secs;
  return r;
}

}  // namespace strata
