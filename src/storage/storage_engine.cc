#include "strata/storage_engine.h"

#include <charconv>
#include <cstdint>

#include "util/clock.h"

namespace strata {

std::uint64_t InfoFields::GetU64(std::string_view name) const {
  std::string_view v = Get(name);
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  return ec == std::errc() && end == v.data() + v.size() ? n : 0;
}

// The fallback for engines without a concurrent export: everything is locked while the
// keyspace is read, so the point in time is trivially exact.
Status StorageEngine::Export(SnapshotSink& sink, const std::atomic<bool>* cancel) {
  Status status;
  Execute(AccessSet{{}, true}, [&](Keyspace&) {
    sink.Begin(UnixTimeMs());
    for (int db = 0; db < num_databases() && status.ok(); ++db) {
      std::uint64_t cursor = 0;
      do {
        // One unbounded pass per database: between bounded calls an engine may shrink a
        // table (reaping expired keys) and the cursor would revisit keys.
        ScanOptions options;
        options.count = SIZE_MAX;
        options.values = true;
        cursor = Scan(db, cursor, options,
                      [&](std::string_view key, const KeyInfo&, const ValueRef* v) {
                        sink.Emit(db, key, *v);
                      })
                     .cursor;
      } while (cursor != 0);
      if (cancel != nullptr && cancel->load()) status = Status::Aborted("snapshot cancelled");
      if (status.ok()) status = sink.Drain();
    }
  });
  return status;
}

}  // namespace strata
