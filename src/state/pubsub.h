// Pub/sub: who is subscribed to which channels, patterns and shard channels, and the
// delivery of a published message to its subscribers on whatever network thread they live.
//
// Delivery goes through ConnectionControl::Push, which appends to the subscriber's pending
// output under the connection's own lock and wakes its thread: a publisher's messages reach
// each subscriber in the order it published them. A subscriber's registrations are removed
// (ClientSession::OnClose) before its connection is destroyed, and Publish reads them under
// the registry's lock, so a registered subscriber always has a live connection.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace strata {

struct ClientState;

enum class PubSubKind : std::uint8_t { kChannel = 0, kPattern = 1, kShard = 2 };

// One client's subscriptions (its connection thread only; the counts in ClientState are
// what other threads read).
struct Subscriptions {
  std::set<std::string> names[3];  // by PubSubKind
};

class PubSubRegistry {
 public:
  // `client` subscribes to `name` (on its connection thread). False if it already was.
  bool Subscribe(PubSubKind kind, std::string_view name, ClientState* client);
  // False if it was not subscribed.
  bool Unsubscribe(PubSubKind kind, std::string_view name, ClientState* client);

  // Drops every registration of `client`, from any thread (CLIENT KILL: Redis frees the
  // client at once, so a PUBLISH right after the kill no longer counts it). The client's
  // own lists are left to its thread, which unsubscribes them again, harmlessly, on close.
  void Forget(const ClientState* client);

  // Sends `message` to the subscribers of `channel` (kChannel: also to the clients whose
  // patterns match it; kShard: shard-channel subscribers only) and returns how many
  // messages went out (a client matching through a channel and a pattern gets both, as in
  // Redis). The publishing client's own message is appended to `self_out` at once, so it
  // precedes the PUBLISH reply as in Redis.
  std::int64_t Publish(PubSubKind kind, std::string_view channel, std::string_view message,
                       const ClientState* self, std::string* self_out);

  // PUBSUB CHANNELS / SHARDCHANNELS: the channels with subscribers, optionally matching a
  // glob pattern.
  std::vector<std::string> Channels(PubSubKind kind,
                                    std::optional<std::string_view> pattern) const;
  // PUBSUB NUMSUB / SHARDNUMSUB.
  std::int64_t NumSubscribers(PubSubKind kind, std::string_view name) const;
  // Channels (patterns, shard channels) with at least one subscriber: PUBSUB NUMPAT, INFO.
  std::size_t Count(PubSubKind kind) const;

 private:
  // Looked up by string_view, without building a std::string per PUBLISH.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using Map = std::unordered_map<std::string, std::vector<ClientState*>, NameHash,
                                 std::equal_to<>>;
  Map& map(PubSubKind kind) { return maps_[static_cast<int>(kind)]; }
  const Map& map(PubSubKind kind) const { return maps_[static_cast<int>(kind)]; }

  mutable std::shared_mutex mu_;
  Map maps_[3];
};

// The RESP frames of pub/sub: a subscription change (["subscribe", name, count]) and a
// message (["message", channel, payload] or ["pmessage", pattern, channel, payload]),
// as an array in RESP2 and a push in RESP3.
void AppendPubSubFrame(std::string* out, bool resp3, std::string_view kind,
                       std::optional<std::string_view> name, std::int64_t count);
void AppendMessageFrame(std::string* out, bool resp3, std::string_view kind,
                        std::optional<std::string_view> pattern, std::string_view channel,
                        std::string_view message);

}  // namespace strata
