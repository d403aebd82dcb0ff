// Checkpoints: a point-in-time copy of the whole keyspace in one file, written atomically
// (temporary name, fsync, rename, directory fsync) and verified section by section with
// CRC-32C when read back. The file format is described in docs/checkpoint-format.md.
//
// This is the portable format: the memory engine's own, and what an engine without a native
// one implements StorageEngine::Checkpoint/Recover with. It sits below the engines and
// reaches them only through the seam (Export to write, Execute to load).
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

// Version 2 added the server data section (function libraries), version 3 the stream type;
// older versions still load.
inline constexpr std::uint32_t kFormatVersion = 3;

// Writes the whole keyspace of `engine` to a new checkpoint in request.dir (created if
// missing): the dataset exactly as it was when the write began (StorageEngine::Export),
// while commands keep being served on engines that support it. Deletes complete checkpoints
// older than the newest request.keep. One write at a time per engine; a second one waits.
// A block is closed once its records reach `block_bytes` (tests use small blocks).
StatusOr<CheckpointResult> WriteCheckpoint(StorageEngine& engine,
                                           const CheckpointRequest& request,
                                           std::size_t block_bytes = 64 * 1024);

// Figures about a checkpoint file, from reading it whole.
struct Summary {
  std::uint32_t version = 0;
  std::int64_t created_ms = 0;
  std::uint32_t num_databases = 0;
  std::uint64_t bytes = 0;   // file size
  std::uint64_t blocks = 0;
  std::uint64_t keys = 0;    // records in the file
  // keys_per_db[db][type]: records per database and value type (index = ValueType).
  std::vector<std::array<std::uint64_t, 7>> keys_per_db;
  std::string server_data;  // CheckpointRequest::server_data as written
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

// Loads the newest checkpoint of request.dir into `engine` (or exactly request.path),
// falling back to older ones past damaged ones when request.on_corrupt says so; each damaged
// one is renamed *.corrupt. No checkpoint at all is success with an empty path. Interrupted
// by request.stop: a Busy status. For StorageEngine::Recover.
StatusOr<RecoverResult> RecoverCheckpoint(StorageEngine& engine, const RecoverRequest& request);

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
