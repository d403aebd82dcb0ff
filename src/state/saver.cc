#include "state/saver.h"

#include <cstdio>
#include <future>
#include <memory>

#include "checkpoint/checkpoint.h"
#include "state/script_gate.h"
#include "util/clock.h"
#include "util/log.h"

namespace strata {
namespace {

// Redis waits this long after a failed automatic save before the schedule tries again.
constexpr std::int64_t kRetryAfterFailureMs = 5000;

}  // namespace

Saver::Saver(const Config& config, StorageEngine* engine)
    : dir_(checkpoint::ResolveDir(config)), keep_(config.checkpoint.keep), engine_(engine) {
  auto rules = ParseSchedule(config.checkpoint.schedule);  // validated when loaded
  if (rules.ok()) rules_ = std::move(rules).value();
  last_save_time_ = UnixTimeMs() / 1000;  // Redis's LASTSAVE starts at the start-up time
  last_attempt_ms_ = UnixTimeMs();
}

Saver::~Saver() { CancelBackground(); }

std::uint64_t Saver::changes_since_save() const {
  // Both only grow; the mark is a past value of the counter.
  return changes_.Sum() - changes_mark_.load();
}

std::int64_t Saver::current_bgsave_time_sec() const {
  if (!running_.load()) return -1;
  return (UnixTimeMs() - bg_start_ms_.load()) / 1000;
}

std::vector<SaveRule> Saver::schedule() const {
  std::lock_guard<std::mutex> l(mu_);
  return rules_;
}

void Saver::set_schedule(std::vector<SaveRule> rules) {
  std::lock_guard<std::mutex> l(mu_);
  rules_ = std::move(rules);
}

Status Saver::Write(bool background, std::function<void()> on_begin) {
  std::lock_guard<std::mutex> one(write_mu_);
  const char* what = background ? "Background saving" : "DB saving";
  // Writes that finish after this point count as changes since this checkpoint.
  const std::uint64_t mark = changes_.Sum();
  ++saves_;  // rdb_saves counts saves started, failed ones too (as Redis 7.0 does)
  CheckpointRequest request;
  request.dir = dir_;
  request.keep = keep_;
  request.cancel = &cancel_;
  request.on_begin = std::move(on_begin);
  request.figures = &current_;
  if (server_data_) request.server_data = server_data_();
  const std::int64_t start = UnixTimeMs();
  request.progress = [what, start](std::uint64_t keys, std::uint64_t bytes,
                                   std::uint64_t total) {
    char line[200];
    std::snprintf(line, sizeof(line), "%s: %llu of ~%llu keys (%.0f%%), %s MB written, %.1f MB/s",
                  what, static_cast<unsigned long long>(keys),
                  static_cast<unsigned long long>(total),
                  total ? 100.0 * static_cast<double>(keys) / static_cast<double>(total) : 100.0,
                  Mb(bytes).c_str(), MbPerSec(bytes, UnixTimeMs() - start));
    LogInfo(line);
  };
  auto r = engine_->Checkpoint(request);
  current_.keys_total = 0;
  current_.keys_done = 0;
  // As in Redis 7.0: any successful save sets rdb_last_bgsave_status to ok, only a failed
  // background one sets it to err.
  if (r.ok() || background) last_bgsave_ok_ = r.ok();
  if (background) {
    last_attempt_ms_ = UnixTimeMs();
    last_bgsave_secs_ = (UnixTimeMs() - start) / 1000;
  }
  if (!r.ok()) {
    const char* failed = background ? "Background saving" : "SAVE";
    if (r.status().code() == Status::Code::kAborted) {
      LogWarning(std::string(failed) + " cancelled");
    } else {
      LogWarning(std::string(failed) + " failed: " + r.status().message());
    }
    return r.status();
  }
  char line[512];
  std::snprintf(line, sizeof(line), "%s: %s, %llu keys, %s MB in %.3f s (%.1f MB/s)",
                background ? "Background saving terminated with success" : "DB saved on disk",
                r->path.c_str(),
                static_cast<unsigned long long>(r->keys), Mb(r->bytes).c_str(),
                static_cast<double>(r->duration_ms) / 1000.0, MbPerSec(r->bytes, r->duration_ms));
  LogInfo(line);
  changes_mark_ = mark;
  last_save_time_ = UnixTimeMs() / 1000;
  last_duration_ms_ = r->duration_ms;
  last_bytes_ = r->bytes;
  last_keys_ = r->keys;
  return Status::OK();
}

Status Saver::SaveNow() {
  if (running_.load()) return Status::Busy("Background save already in progress");
  return Write(false);
}

bool Saver::StartBackground() {
  std::lock_guard<std::mutex> l(mu_);
  if (running_.load()) return false;
  if (bg_.joinable()) bg_.join();  // the previous one has finished (running_ is false)
  running_ = true;
  cancel_ = false;
  scheduled_ = false;
  bg_start_ms_ = UnixTimeMs();
  LogInfo("Background saving started");
  auto begun = std::make_shared<std::promise<void>>();
  auto once = std::make_shared<std::once_flag>();
  auto signal = [begun, once] { std::call_once(*once, [&] { begun->set_value(); }); };
  std::future<void> ready = begun->get_future();
  bg_ = std::thread([this, signal] {
    (void)Write(true, signal);
    signal();  // also when the write failed before its snapshot began
    running_ = false;
  });
  ready.wait();  // the snapshot is of this moment: later commands are not in it
  return true;
}

void Saver::Tick(bool loading) {
  if (loading || running_.load()) return;
  // Called off the network threads, between commands: holding the gate until the snapshot's
  // point in time is fixed keeps it between scripts too.
  auto start = [this] {
    if (gate_ != nullptr) gate_->Acquire();
    StartBackground();
    if (gate_ != nullptr) gate_->Release();
  };
  if (scheduled_.load()) {
    start();
    return;
  }
  const std::int64_t now = UnixTimeMs();
  // After a failed background save, wait a little before trying again (the disk may be
  // full), as Redis does.
  if (!last_bgsave_ok_.load() && now - last_attempt_ms_.load() <= kRetryAfterFailureMs) return;
  const std::uint64_t changes = changes_since_save();
  const std::int64_t since_s = now / 1000 - last_save_time_.load();
  for (const SaveRule& rule : schedule()) {
    if (changes >= static_cast<std::uint64_t>(rule.changes) && since_s > rule.seconds) {
      LogInfo(std::to_string(rule.changes) + " changes in " + std::to_string(rule.seconds) +
              " seconds. Saving...");
      start();
      return;
    }
  }
}

void Saver::CancelBackground() {
  std::thread t;
  {
    std::lock_guard<std::mutex> l(mu_);
    cancel_ = true;
    t = std::move(bg_);
  }
  if (t.joinable()) t.join();
  cancel_ = false;
}

}  // namespace strata
