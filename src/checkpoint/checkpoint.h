// Checkpoints: a point-in-time copy of the whole keyspace in one file, written atomically
// (temporary name, fsync, rename, directory fsync) and verified section by section with
// CRC-32C when read back. The file format is described in docs/checkpoint-format.md.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "strata/config.h"
#include "strata/status.h"
#include "strata/storage_engine.h"

namespace strata::checkpoint {

inline constexpr std::uint32_t kFormatVersion = 1;

// Progress of a long write or load: keys so far, bytes so far, and the total (bytes for a
// load; for a write, the number of keys when the write began).
using ProgressFn = std::function<void(std::uint64_t keys, std::uint64_t bytes_done,
                                      std::uint64_t total)>;

struct WriteOptions {
  int keep = 2;  // complete checkpoints to keep in the directory, the new one included
  // A block is closed once its records reach this many bytes (tests use small blocks).
  std::size_t block_bytes = 64 * 1024;
  // Called every few seconds during the write.
  ProgressFn progress;
  // When it becomes true, the write stops and fails with an Aborted status.
  const std::atomic<bool>* cancel = nullptr;
  // Called once the point in time is fixed (under the engine's locks: keep it short).
  std::function<void()> on_begin;
  // If set, kept up to date during the write (INFO's current_save_keys_total/processed).
  struct LiveFigures {
    std::atomic<std::uint64_t> keys_total{0};  // keys when the write began
    std::atomic<std::uint64_t> keys_done{0};   // keys written so far
  };
  LiveFigures* figures = nullptr;
};

struct WriteResult {
  std::string path;          // the final file
  std::uint64_t keys = 0;
  std::uint64_t bytes = 0;   // file size
  std::int64_t duration_ms = 0;
};

// Writes the whole keyspace of `engine` to a new checkpoint in `dir` (created if missing):
// the dataset exactly as it was when the write began (StorageEngine::Snapshot), while
// commands keep being served on engines that support it. Deletes complete checkpoints
// older than the newest `keep`. One write at a time per engine; a second one waits.
StatusOr<WriteResult> WriteCheckpoint(StorageEngine& engine, const std::string& dir,
                                      const WriteOptions& options = {});

// Figures about a checkpoint file, from reading it whole.
struct Summary {
  std::uint32_t version = 0;
  std::int64_t created_ms = 0;
  std::uint32_t num_databases = 0;
  std::uint64_t bytes = 0;   // file size
  std::uint64_t blocks = 0;
  std::uint64_t keys = 0;    // records in the file
  // keys_per_db[db][type]: records per database and value type (index = ValueType).
  std::vector<std::array<std::uint64_t, 6>> keys_per_db;
};

struct LoadStats {
  Summary summary;
  std::uint64_t keys_loaded = 0;
  std::uint64_t keys_expired = 0;  // skipped: their expiry time had passed
  std::int64_t duration_ms = 0;
};

// Reads and verifies every section of `path` without loading it (--check-checkpoint). A
// corrupt or truncated file is a Corruption status naming the file and the byte offset of
// the bad section.
StatusOr<Summary> VerifyCheckpoint(const std::string& path);

struct LoadOptions {
  int key_delay_us = 0;  // sleep after each key (checkpoint.key_load_delay_us, tests only)
  // Polled between keys: once true the load gives up with a Busy status (shutdown).
  const std::atomic<bool>* stop = nullptr;
};

// Loads `path` into `engine`, which should be empty. Keys whose expiry has passed are
// skipped. On any error the engine is flushed (nothing half-loaded stays behind). The
// keyspace is locked per batch of keys, not for the whole load, so nothing else may write
// meanwhile (the server refuses data commands while it loads).
StatusOr<LoadStats> LoadCheckpoint(StorageEngine& engine, const std::string& path,
                                   const ProgressFn& progress = nullptr,
                                   const LoadOptions& options = {});

// Complete checkpoints in `dir`, newest first (empty if none or no such directory).
std::vector<std::string> ListCheckpoints(const std::string& dir);
// The newest complete checkpoint in `dir`, or "" if there is none.
std::string FindNewestCheckpoint(const std::string& dir);
// Deletes temporary files left by a checkpoint that was interrupted (call at start-up,
// before any checkpoint is written). Returns how many were removed.
int RemoveTemporaryFiles(const std::string& dir);

// checkpoint.dir, or <storage.dir>/checkpoints when it is empty.
std::string ResolveDir(const Config& config);

}  // namespace strata::checkpoint
