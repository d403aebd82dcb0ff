// Typed server configuration. Sources, lowest precedence first: built-in defaults, the TOML
// file (--config), `--set section.key=value` overrides, then the dedicated flags (--port,
// --bind, --threads, --dir).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/status.h"

namespace strata {

struct ServerConfig {
  std::string bind = "127.0.0.1";
  int port = 6379;
  int threads = 0;  // 0 = one per core, less one for the clients and the kernel (at least 1)
  std::string requirepass;
  int maxclients = 10000;
  int timeout = 0;  // idle seconds before a client is closed; 0 = never
  // Microseconds a network thread keeps polling for new events after its last one before it
  // sleeps in the kernel; 0 = always sleep at once. Applies only while the active network
  // threads leave a core free (MachineCores).
  int busy_poll_us = 100;
  // Park network threads while the machine cannot run them all at once (their clients move
  // to the active threads) and bring them back when a thread is saturated and a core idle.
  bool adaptive_threads = true;
  int databases = 16;
  // Redis's notify-keyspace-events letters ("KEA", "Ex"...); "" = no events.
  std::string notify_keyspace_events;
};

struct LimitsConfig {
  std::int64_t proto_max_bulk_len = 512ll << 20;
  std::int64_t client_query_buffer_limit = 1ll << 30;
};

struct StorageConfig {
  std::string engine = "memory";
  std::string dir = "./data";
};

struct CheckpointConfig {
  std::string dir;  // "" = <storage.dir>/checkpoints
  // Redis's `save` rule: "<seconds> <changes> ..." pairs, a background checkpoint after
  // <seconds> if at least <changes> writes happened; "" = no automatic checkpoints.
  std::string schedule = "3600 1 300 100 60 10000";
  int keep = 2;     // complete checkpoints kept on disk (>= 1)
  bool restore_on_start = true;
  std::string on_corrupt = "refuse";  // "refuse" | "previous"
  // Testing aid only: sleep this long after each key restored, so tests can observe a
  // server that is still loading (like Redis's key-load-delay).
  int key_load_delay_us = 0;
};

struct Config {
  std::string file;  // the TOML file it was read from, "" for built-in defaults
  ServerConfig server;
  LimitsConfig limits;
  StorageConfig storage;
  CheckpointConfig checkpoint;
};

// One `--set section.key=value` override.
struct ConfigOverride {
  std::string path;   // "section.key"
  std::string value;  // read as a TOML value when it parses as one, else as a string
};

// Reads `file` (may be empty: defaults only) and applies `overrides`. Every error names the
// file (or "--set"), the key and the reason.
StatusOr<Config> LoadConfig(const std::string& file, const std::vector<ConfigOverride>& overrides);

// Parses a size: a plain non-negative integer or a number with a unit (B, KB, MB, GB, TB;
// K, M, G, T; KiB ... also; powers of 1024, case-insensitive). Redis's "1gb" works too.
StatusOr<std::int64_t> ParseSize(const std::string& text);

// One rule of checkpoint.schedule (Redis's `save`).
struct SaveRule {
  std::int64_t seconds = 0;
  std::int64_t changes = 0;
};
// Parses Redis's `save` syntax: space-separated "<seconds> <changes>" pairs with seconds >= 1
// and changes >= 0; "" is no rule.
StatusOr<std::vector<SaveRule>> ParseSchedule(std::string_view text);
// The rules in Redis's normalized text form ("3600 1 300 100").
std::string FormatSchedule(const std::vector<SaveRule>& rules);

// The number of network threads `config` asks for, resolving 0 to one per core less one
// (at least one).
int ResolveThreads(const ServerConfig& config);
// CPU cores this machine has (at least 1). The network threads busy-poll only while the
// active ones number fewer.
int MachineCores();

}  // namespace strata
