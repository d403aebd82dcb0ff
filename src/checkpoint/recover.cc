// Recovery from the portable checkpoint files: which file to load, and what to do when the
// newest one is damaged.
#include <filesystem>
#include <system_error>

#include "checkpoint/checkpoint.h"
#include "util/clock.h"
#include "util/log.h"

namespace strata::checkpoint {

StatusOr<RecoverResult> RecoverCheckpoint(StorageEngine& engine, const RecoverRequest& request) {
  const bool explicit_file = !request.path.empty();
  const std::vector<std::string> files =
      explicit_file ? std::vector<std::string>{request.path} : ListCheckpoints(request.dir);
  if (files.empty()) return RecoverResult{};
  LoadOptions options;
  options.key_delay_us = request.key_delay_us;
  options.stop = request.stop;
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::error_code ec;
    std::uintmax_t size = std::filesystem::file_size(files[i], ec);
    if (request.on_start) request.on_start(files[i], ec ? 0 : static_cast<std::uint64_t>(size));
    auto loaded = LoadCheckpoint(engine, files[i], request.progress, options);
    if (loaded.ok()) {
      RecoverResult result;
      result.path = files[i];
      result.keys_loaded = loaded->keys_loaded;
      result.keys_expired = loaded->keys_expired;
      result.bytes = loaded->summary.bytes;
      result.duration_ms = loaded->duration_ms;
      result.server_data = std::move(loaded->summary.server_data);
      return result;
    }
    const Status& s = loaded.status();
    // Only a damaged file is worth skipping: an I/O error or a shutdown would skip an
    // intact checkpoint for an older one.
    if (explicit_file || request.on_corrupt != OnCorrupt::kPrevious ||
        s.code() != Status::Code::kCorruption) {
      return s;
    }
    // Set it aside (kept for inspection, no longer a checkpoint): left in place it would
    // still count as the newest and push the intact one out at the next prune.
    std::string aside = files[i] + ".corrupt";
    std::filesystem::rename(files[i], aside, ec);
    LogError("CHECKPOINT CORRUPT, NOT LOADED: " + s.message() +
             (ec ? std::string("") : "; renamed to " + aside) +
             (i + 1 < files.size() ? std::string("; trying the previous checkpoint")
                                   : std::string("")));
  }
  return Status::Corruption("no intact checkpoint in " + request.dir +
                            " (every one is corrupt; see the log)");
}

}  // namespace strata::checkpoint
