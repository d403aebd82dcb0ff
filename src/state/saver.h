// Checkpoints the server takes: SAVE, BGSAVE, the [checkpoint] schedule (Redis's `save`
// rule) and the save at shutdown, with the figures INFO persistence reports.
//
// A background save runs StorageEngine::Checkpoint on its own thread: the engine writes the
// dataset as it was when the save began while commands keep being served. Only one save
// (foreground or background) runs at a time.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "strata/config.h"
#include "strata/status.h"
#include "strata/storage_engine.h"
#include "util/striped_counter.h"

namespace strata {

class ScriptGate;

class Saver {
 public:
  Saver(const Config& config, StorageEngine* engine);
  ~Saver();  // cancels a running background save and waits for it
  Saver(const Saver&) = delete;
  Saver& operator=(const Saver&) = delete;

  // One successful write command (rdb_changes_since_last_save). Called on every write.
  void CountChange() { changes_.Add(1); }
  std::uint64_t changes_since_save() const;

  // SAVE: writes a checkpoint on the calling thread. Busy while a background save runs.
  Status SaveNow();
  // BGSAVE: false if one is already running.
  bool StartBackground();
  // BGSAVE inside MULTI/EXEC: starts one at the next Tick.
  void ScheduleBackground() { scheduled_.store(true); }
  // Called about every 100 ms: starts a scheduled save, or one the schedule's rules ask for
  // (not while `loading`).
  void Tick(bool loading);
  // Saves the schedule starts wait for the script running now to end (a checkpoint must not
  // hold half a script's writes); commands are kept out by the gate already.
  void set_script_gate(ScriptGate* gate) { gate_ = gate; }
  // What every checkpoint carries beside the keys (the function libraries).
  void set_server_data(std::function<std::string()> source) { server_data_ = std::move(source); }
  // Stops a running background save (its partial file is removed) and waits for it.
  void CancelBackground();

  // The schedule (CONFIG GET/SET save).
  std::vector<SaveRule> schedule() const;
  void set_schedule(std::vector<SaveRule> rules);

  // INFO persistence.
  bool in_progress() const { return running_.load(); }
  // True while a background save runs (network threads then stop busy-polling).
  const std::atomic<bool>& background_running() const { return running_; }
  std::int64_t last_save_time() const { return last_save_time_.load(); }  // Unix seconds
  bool last_bgsave_ok() const { return last_bgsave_ok_.load(); }
  std::uint64_t saves() const { return saves_.load(); }
  std::int64_t last_bgsave_time_sec() const { return last_bgsave_secs_.load(); }  // -1: none
  std::int64_t current_bgsave_time_sec() const;                                   // -1: none
  std::int64_t last_save_duration_ms() const { return last_duration_ms_.load(); }
  std::uint64_t last_save_bytes() const { return last_bytes_.load(); }
  std::uint64_t last_save_keys() const { return last_keys_.load(); }
  std::uint64_t current_save_keys_total() const { return current_.keys_total.load(); }
  std::uint64_t current_save_keys_processed() const { return current_.keys_done.load(); }

 private:
  // Writes one checkpoint; `background` only changes what is logged and recorded.
  Status Write(bool background, std::function<void()> on_begin = {});

  const std::string dir_;
  const int keep_;
  StorageEngine* engine_;
  StripedCounter changes_;
  std::atomic<std::uint64_t> changes_mark_{0};

  std::mutex write_mu_;  // one checkpoint write at a time
  ScriptGate* gate_ = nullptr;
  std::function<std::string()> server_data_;
  mutable std::mutex mu_;
  std::vector<SaveRule> rules_;   // GUARDED_BY(mu_)
  std::thread bg_;                // GUARDED_BY(mu_)
  std::atomic<bool> running_{false};
  std::atomic<bool> cancel_{false};
  std::atomic<bool> scheduled_{false};
  std::atomic<std::int64_t> bg_start_ms_{0};
  std::atomic<std::int64_t> last_attempt_ms_{0};  // the last background save's end

  std::atomic<std::int64_t> last_save_time_{0};
  std::atomic<bool> last_bgsave_ok_{true};
  std::atomic<std::uint64_t> saves_{0};
  std::atomic<std::int64_t> last_bgsave_secs_{-1};
  std::atomic<std::int64_t> last_duration_ms_{0};
  std::atomic<std::uint64_t> last_bytes_{0};
  std::atomic<std::uint64_t> last_keys_{0};
  CheckpointFigures current_;  // the save being written, if any
};

}  // namespace strata
