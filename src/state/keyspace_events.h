// Keyspace notifications (notify-keyspace-events): commands, expiry and key creation
// publish their events on __keyspace@<db>__:<key> and __keyevent@<db>__:<event>, through
// pub/sub, with Redis's event names.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/notify_flags.h"

namespace strata {

class PubSubRegistry;
struct ClientState;

class KeyspaceEvents {
 public:
  explicit KeyspaceEvents(PubSubRegistry* pubsub) : pubsub_(pubsub) {}

  std::uint32_t flags() const { return flags_.load(std::memory_order_relaxed); }
  void set_flags(std::uint32_t flags) { flags_.store(flags, std::memory_order_relaxed); }

  // Whether events of class `type` go anywhere: one load, the usual answer being no.
  bool Wanted(std::uint32_t type) const {
    const std::uint32_t f = flags();
    return (f & type) != 0 && (f & (kNotifyKeyspace | kNotifyKeyevent)) != 0;
  }
  // Publishes `event` (of class `type`) about `key` of `db` if that class is wanted. A
  // subscription of `self` (the client whose command caused it) is served into `self_out`,
  // ahead of its reply.
  void Notify(std::uint32_t type, std::string_view event, int db, std::string_view key,
              const ClientState* self = nullptr, std::string* self_out = nullptr) {
    if (Wanted(type)) Publish(event, db, key, self, self_out);
  }

 private:
  void Publish(std::string_view event, int db, std::string_view key, const ClientState* self,
               std::string* self_out);

  PubSubRegistry* pubsub_;
  std::atomic<std::uint32_t> flags_{0};
};

}  // namespace strata
