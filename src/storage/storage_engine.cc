#include "strata/storage_engine.h"

#include <cstdint>

#include "util/clock.h"

namespace strata {

// The fallback for engines without a concurrent snapshot: everything is locked while the
// keyspace is read, so the point in time is trivially exact.
Status StorageEngine::Snapshot(SnapshotSink& sink, const std::atomic<bool>* cancel) {
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
