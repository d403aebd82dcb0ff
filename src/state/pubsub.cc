#include "state/pubsub.h"

#include <algorithm>
#include <iterator>
#include <mutex>

#include "protocol/reply_builder.h"
#include "state/server_state.h"
#include "util/glob.h"

namespace strata {
namespace {

// A message frame built at most once per protocol for one Publish.
class Frames {
 public:
  Frames(std::string_view kind, std::optional<std::string_view> pattern,
         std::string_view channel, std::string_view message)
      : kind_(kind), pattern_(pattern), channel_(channel), message_(message) {}
  const std::string& For(bool resp3) {
    std::string& f = frame_[resp3 ? 1 : 0];
    if (f.empty()) AppendMessageFrame(&f, resp3, kind_, pattern_, channel_, message_);
    return f;
  }

 private:
  std::string_view kind_;
  std::optional<std::string_view> pattern_;
  std::string_view channel_, message_;
  std::string frame_[2];
};

void Deliver(ClientState* c, const std::string& frame, const ClientState* self,
             std::string* self_out) {
  if (c == self && self_out != nullptr) {
    self_out->append(frame);
  } else if (c->conn != nullptr) {
    c->conn->Push(frame);
  }
}

}  // namespace

void AppendPubSubFrame(std::string* out, bool resp3, std::string_view kind,
                       std::optional<std::string_view> name, std::int64_t count) {
  ReplyBuilder b(out);
  b.set_resp3(resp3);
  b.PushHeader(3);
  b.Bulk(kind);
  if (name) {
    b.Bulk(*name);
  } else {
    b.Null();
  }
  b.Integer(count);
}

void AppendMessageFrame(std::string* out, bool resp3, std::string_view kind,
                        std::optional<std::string_view> pattern, std::string_view channel,
                        std::string_view message) {
  ReplyBuilder b(out);
  b.set_resp3(resp3);
  b.PushHeader(pattern ? 4 : 3);
  b.Bulk(kind);
  if (pattern) b.Bulk(*pattern);
  b.Bulk(channel);
  b.Bulk(message);
}

bool PubSubRegistry::Subscribe(PubSubKind kind, std::string_view name, ClientState* client) {
  std::unique_lock<std::shared_mutex> l(mu_);
  std::vector<ClientState*>& subs = map(kind)[std::string(name)];
  if (std::find(subs.begin(), subs.end(), client) != subs.end()) return false;
  subs.push_back(client);
  return true;
}

bool PubSubRegistry::Unsubscribe(PubSubKind kind, std::string_view name, ClientState* client) {
  std::unique_lock<std::shared_mutex> l(mu_);
  Map& m = map(kind);
  auto it = m.find(name);
  if (it == m.end()) return false;
  std::vector<ClientState*>& subs = it->second;
  auto pos = std::find(subs.begin(), subs.end(), client);
  if (pos == subs.end()) return false;
  subs.erase(pos);  // keeps the others in subscription order, the order Redis delivers in
  if (subs.empty()) m.erase(it);
  return true;
}

void PubSubRegistry::Forget(const ClientState* client) {
  std::unique_lock<std::shared_mutex> l(mu_);
  for (Map& m : maps_) {
    for (auto it = m.begin(); it != m.end();) {
      std::erase(it->second, client);
      it = it->second.empty() ? m.erase(it) : std::next(it);
    }
  }
}

std::int64_t PubSubRegistry::Publish(PubSubKind kind, std::string_view channel,
                                     std::string_view message, const ClientState* self,
                                     std::string* self_out) {
  std::shared_lock<std::shared_mutex> l(mu_);
  std::int64_t receivers = 0;
  const Map& channels = map(kind);
  if (auto it = channels.find(channel); it != channels.end()) {
    Frames frames(kind == PubSubKind::kShard ? "smessage" : "message", std::nullopt, channel,
                  message);
    for (ClientState* c : it->second) {
      Deliver(c, frames.For(c->resp3.load(std::memory_order_relaxed)), self, self_out);
      ++receivers;
    }
  }
  if (kind == PubSubKind::kShard) return receivers;
  for (const auto& [pattern, subs] : map(PubSubKind::kPattern)) {
    if (!GlobMatch(pattern, channel)) continue;
    Frames frames("pmessage", pattern, channel, message);
    for (ClientState* c : subs) {
      Deliver(c, frames.For(c->resp3.load(std::memory_order_relaxed)), self, self_out);
      ++receivers;
    }
  }
  return receivers;
}

std::vector<std::string> PubSubRegistry::Channels(PubSubKind kind,
                                                  std::optional<std::string_view> pattern) const {
  std::shared_lock<std::shared_mutex> l(mu_);
  std::vector<std::string> out;
  for (const auto& [name, subs] : map(kind)) {
    if (!pattern || GlobMatch(*pattern, name)) out.push_back(name);
  }
  return out;
}

std::int64_t PubSubRegistry::NumSubscribers(PubSubKind kind, std::string_view name) const {
  std::shared_lock<std::shared_mutex> l(mu_);
  const Map& m = map(kind);
  auto it = m.find(name);
  return it == m.end() ? 0 : static_cast<std::int64_t>(it->second.size());
}

std::size_t PubSubRegistry::Count(PubSubKind kind) const {
  std::shared_lock<std::shared_mutex> l(mu_);
  return map(kind).size();
}

}  // namespace strata
