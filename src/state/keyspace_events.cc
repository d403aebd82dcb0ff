#include "state/keyspace_events.h"

#include "state/pubsub.h"

namespace strata {

void KeyspaceEvents::Publish(std::string_view event, int db, std::string_view key,
                             const ClientState* self, std::string* self_out) {
  const std::uint32_t f = flags();
  const std::string prefix = std::to_string(db) + "__:";
  if (f & kNotifyKeyspace) {
    std::string channel = "__keyspace@" + prefix;
    channel.append(key);
    pubsub_->Publish(PubSubKind::kChannel, channel, event, self, self_out);
  }
  if (f & kNotifyKeyevent) {
    std::string channel = "__keyevent@" + prefix;
    channel.append(event);
    pubsub_->Publish(PubSubKind::kChannel, channel, key, self, self_out);
  }
}

}  // namespace strata
