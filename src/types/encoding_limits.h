// Redis's encoding thresholds (CONFIG SET hash-max-listpack-entries ...): when a collection
// leaves its compact form for the indexed one. Process-wide, like Redis's server config;
// read lock-free by the collection types, written by CONFIG SET.
#pragma once

#include <atomic>
#include <cstdint>

namespace strata::types {

struct EncodingLimits {
  std::atomic<std::int64_t> hash_max_listpack_entries{512};
  std::atomic<std::int64_t> hash_max_listpack_value{64};
  // > 0: most entries per list chunk; < 0: -1..-5 = 4, 8, 16, 32, 64 KB per chunk.
  std::atomic<std::int64_t> list_max_listpack_size{-2};
  std::atomic<std::int64_t> set_max_intset_entries{512};
  std::atomic<std::int64_t> zset_max_listpack_entries{128};
  std::atomic<std::int64_t> zset_max_listpack_value{64};
  // A stream node takes entries until it holds this many (0: no limit) or its listpack
  // would reach this many bytes (0: Redis's 1 GB cap).
  std::atomic<std::int64_t> stream_node_max_bytes{4096};
  std::atomic<std::int64_t> stream_node_max_entries{100};
};

// The process-wide thresholds.
EncodingLimits& Limits();

}  // namespace strata::types
