// What the network layer reads from, and reports to, the server around it. net/ owns the
// shape; the server points the fields at its runtime configuration and statistics, so a
// CONFIG SET reaches connections already open and a read costs a relaxed load, not a call.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "util/striped_counter.h"

namespace strata::net {

// Every field must be set, and everything it points to must outlive the NetServer.
struct NetEnv {
  // Limits, read on every read (CONFIG SET applies at once).
  const std::atomic<std::int64_t>* proto_max_bulk_len = nullptr;
  const std::atomic<std::int64_t>* client_query_buffer_limit = nullptr;
  // Read on every accept / by the once-a-second idle sweep.
  const std::atomic<int>* maxclients = nullptr;
  const std::atomic<int>* timeout = nullptr;  // idle seconds before a close; 0 = never
  // Redis's client-output-buffer-limit for the pubsub class, applied to connections marked
  // with ConnectionControl::SetPubSubClass: closed once the pending output passes the hard
  // limit, or stays above the soft one for soft_seconds. A zero limit is no limit.
  const std::atomic<std::int64_t>* pubsub_hard_limit = nullptr;
  const std::atomic<std::int64_t>* pubsub_soft_limit = nullptr;
  const std::atomic<std::int64_t>* pubsub_soft_seconds = nullptr;

  // Statistics (INFO stats).
  StripedCounter* net_input_bytes = nullptr;
  StripedCounter* net_output_bytes = nullptr;
  std::atomic<std::uint64_t>* total_connections_received = nullptr;
  std::atomic<std::uint64_t>* rejected_connections = nullptr;

  // Clients connected right now, compared with maxclients on every accept (from the
  // acceptor's thread).
  std::function<std::size_t()> client_count;
  // Called by every network thread about once a second (INFO's instantaneous_* rates).
  std::function<void()> every_second;
};

}  // namespace strata::net
