// Pub/sub: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE SSUBSCRIBE SUNSUBSCRIBE PUBLISH
// SPUBLISH PUBSUB. Without a cluster, shard channels behave as plain channels of their own
// namespace, as in Redis 7.0. The registry and delivery live in state/pubsub.h; the RESP2
// subscribed-mode check is the dispatcher's.
#include <optional>
#include <string>
#include <vector>

#include "commands/command.h"
#include "commands/command_docs_table.h"
#include "commands/help_reply.h"
#include "state/server_state.h"

namespace strata {
namespace {

struct KindNames {
  std::string_view subscribe, unsubscribe;
};

KindNames NamesOf(PubSubKind kind) {
  switch (kind) {
    case PubSubKind::kChannel:
      return {"subscribe", "unsubscribe"};
    case PubSubKind::kPattern:
      return {"psubscribe", "punsubscribe"};
    case PubSubKind::kShard:
      break;
  }
  return {"ssubscribe", "sunsubscribe"};
}

// The count Redis reports after each (un)subscription: channels plus patterns, or shard
// channels alone for the shard commands.
std::int64_t ReportedCount(const ClientState& c, PubSubKind kind) {
  if (kind == PubSubKind::kShard) return c.subscription_count(PubSubKind::kShard);
  return c.subscription_count(PubSubKind::kChannel) + c.subscription_count(PubSubKind::kPattern);
}

// A client with subscriptions is in Redis's pubsub class, with that class's output limits.
void UpdateClientClass(CommandContext& ctx, bool was_subscribed) {
  bool now = ctx.client.subscribed();
  if (now != was_subscribed && ctx.client.conn != nullptr) ctx.client.conn->SetPubSubClass(now);
}

void Subscribe(CommandContext& ctx, PubSubKind kind) {
  ClientState& c = ctx.client;
  bool was_subscribed = c.subscribed();
  auto& mine = c.subscriptions.names[static_cast<int>(kind)];
  for (std::size_t i = 1; i < ctx.args.size(); ++i) {
    std::string_view name = ctx.args[i];
    if (ctx.server.pubsub().Subscribe(kind, name, &c)) {
      mine.emplace(name);
      c.subscription_counts[static_cast<int>(kind)].fetch_add(1, std::memory_order_relaxed);
    }
    AppendPubSubFrame(ctx.reply.buffer(), ctx.reply.resp3(), NamesOf(kind).subscribe, name,
                      ReportedCount(c, kind));
  }
  UpdateClientClass(ctx, was_subscribed);
}

// Unsubscribes `client` from `names`; every one of them when `names` is empty (then one
// frame with a null name if there was nothing to leave, as in Redis). `out` may be null
// (the client is going away or being reset: no frames).
void UnsubscribeFrom(ServerState& server, ClientState& c, PubSubKind kind,
                     std::span<const std::string_view> names, std::string* out, bool resp3) {
  auto& mine = c.subscriptions.names[static_cast<int>(kind)];
  auto leave = [&](std::string_view name) {
    if (server.pubsub().Unsubscribe(kind, name, &c)) {
      mine.erase(std::string(name));
      c.subscription_counts[static_cast<int>(kind)].fetch_sub(1, std::memory_order_relaxed);
    }
    if (out != nullptr) {
      AppendPubSubFrame(out, resp3, NamesOf(kind).unsubscribe, name, ReportedCount(c, kind));
    }
  };
  if (!names.empty()) {
    for (std::string_view name : names) leave(name);
    return;
  }
  if (mine.empty()) {
    if (out != nullptr) {
      AppendPubSubFrame(out, resp3, NamesOf(kind).unsubscribe, std::nullopt,
                        ReportedCount(c, kind));
    }
    return;
  }
  std::vector<std::string> all(mine.begin(), mine.end());
  for (const std::string& name : all) leave(name);
}

void Unsubscribe(CommandContext& ctx, PubSubKind kind) {
  bool was_subscribed = ctx.client.subscribed();
  UnsubscribeFrom(ctx.server, ctx.client, kind, ctx.args.subspan(1), ctx.reply.buffer(),
                  ctx.reply.resp3());
  UpdateClientClass(ctx, was_subscribed);
}

void CmdSubscribe(CommandContext& ctx) { Subscribe(ctx, PubSubKind::kChannel); }
void CmdPSubscribe(CommandContext& ctx) { Subscribe(ctx, PubSubKind::kPattern); }
void CmdSSubscribe(CommandContext& ctx) { Subscribe(ctx, PubSubKind::kShard); }
void CmdUnsubscribe(CommandContext& ctx) { Unsubscribe(ctx, PubSubKind::kChannel); }
void CmdPUnsubscribe(CommandContext& ctx) { Unsubscribe(ctx, PubSubKind::kPattern); }
void CmdSUnsubscribe(CommandContext& ctx) { Unsubscribe(ctx, PubSubKind::kShard); }

void Publish(CommandContext& ctx, PubSubKind kind) {
  std::int64_t n = ctx.server.pubsub().Publish(kind, ctx.args[1], ctx.args[2], &ctx.client,
                                               ctx.reply.buffer());
  ctx.reply.Integer(n);
}

void CmdPublish(CommandContext& ctx) { Publish(ctx, PubSubKind::kChannel); }
void CmdSPublish(CommandContext& ctx) { Publish(ctx, PubSubKind::kShard); }

void Channels(CommandContext& ctx, PubSubKind kind) {
  if (ctx.args.size() > 3) {
    ReplySubcommandSyntaxError(ctx, "PUBSUB");
    return;
  }
  std::optional<std::string_view> pattern;
  if (ctx.args.size() == 3) pattern = ctx.args[2];
  std::vector<std::string> names = ctx.server.pubsub().Channels(kind, pattern);
  ctx.reply.ArrayHeader(names.size());
  for (const std::string& n : names) ctx.reply.Bulk(n);
}

void NumSub(CommandContext& ctx, PubSubKind kind) {
  // An array of channel, count pairs, also in RESP3 (as Redis replies).
  ctx.reply.ArrayHeader((ctx.args.size() - 2) * 2);
  for (std::size_t i = 2; i < ctx.args.size(); ++i) {
    ctx.reply.Bulk(ctx.args[i]);
    ctx.reply.Integer(ctx.server.pubsub().NumSubscribers(kind, ctx.args[i]));
  }
}

void CmdPubSubChannels(CommandContext& ctx) { Channels(ctx, PubSubKind::kChannel); }
void CmdPubSubShardChannels(CommandContext& ctx) { Channels(ctx, PubSubKind::kShard); }
void CmdPubSubNumSub(CommandContext& ctx) { NumSub(ctx, PubSubKind::kChannel); }
void CmdPubSubShardNumSub(CommandContext& ctx) { NumSub(ctx, PubSubKind::kShard); }
void CmdPubSubNumPat(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<std::int64_t>(ctx.server.pubsub().Count(PubSubKind::kPattern)));
}

void CmdPubSubHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "PUBSUB",
            {"CHANNELS [<pattern>]",
             "    Return the currently active channels matching a <pattern> (default: '*').",
             "NUMPAT",
             "    Return number of subscriptions to patterns.",
             "NUMSUB [<channel> ...]",
             "    Return the number of subscribers for the specified channels, excluding",
             "    pattern subscriptions(default: no channels).",
             "SHARDCHANNELS [<pattern>]",
             "    Return the currently active shard level channels matching a <pattern> (default: '*').",
             "SHARDNUMSUB [<shardchannel> ...]",
             "    Return the number of subscribers for the specified shard level channel(s)"});
}

// Shard channels are keys to a cluster (they pick the slot) but never data: nothing to lock.
void NoAccess(std::span<const std::string_view>, int, std::vector<KeyAccess>*) {}

// clang-format off
const DocEntry kPubSubDocs[] = {
  {"subscribe", "2.0.0", "pubsub", "O(N) where N is the number of channels to subscribe to.",
   "", "", "Listen for messages published to the given channels", "channel [channel ...]"},
  {"unsubscribe", "2.0.0", "pubsub", "O(N) where N is the number of clients already subscribed to a channel.",
   "", "", "Stop listening for messages posted to the given channels", "[channel [channel ...]]"},
  {"psubscribe", "2.0.0", "pubsub", "O(N) where N is the number of patterns the client is already subscribed to.",
   "", "", "Listen for messages published to channels matching the given patterns",
   "pattern [pattern ...]"},
  {"punsubscribe", "2.0.0", "pubsub",
   "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).",
   "", "", "Stop listening for messages posted to channels matching the given patterns",
   "[pattern [pattern ...]]"},
  {"ssubscribe", "7.0.0", "pubsub", "O(N) where N is the number of shard channels to subscribe to.",
   "", "", "Listen for messages published to the given shard channels",
   "shardchannel [shardchannel ...]"},
  {"sunsubscribe", "7.0.0", "pubsub", "O(N) where N is the number of clients already subscribed to a shard channel.",
   "", "", "Stop listening for messages posted to the given shard channels",
   "[shardchannel [shardchannel ...]]"},
  {"publish", "2.0.0", "pubsub",
   "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).",
   "", "", "Post a message to a channel", "channel message"},
  {"spublish", "7.0.0", "pubsub", "O(N) where N is the number of clients subscribed to the receiving shard channel.",
   "", "", "Post a message to a shard channel", "shardchannel message"},
  {"pubsub", "2.8.0", "pubsub", "Depends on subcommand.", "", "",
   "A container for Pub/Sub commands", ""},
  {"pubsub|channels", "2.8.0", "pubsub",
   "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)",
   "", "", "List active channels", "[pattern]"},
  {"pubsub|numpat", "2.8.0", "pubsub", "O(1)", "", "", "Get the count of unique patterns pattern subscriptions", ""},
  {"pubsub|numsub", "2.8.0", "pubsub", "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
   "", "", "Get the count of subscribers for channels", "[channel [channel ...]]"},
  {"pubsub|shardchannels", "7.0.0", "pubsub",
   "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).",
   "", "", "List active shard channels", "[pattern]"},
  {"pubsub|shardnumsub", "7.0.0", "pubsub", "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels",
   "", "", "Get the count of subscribers for shard channels", "[shardchannel [shardchannel ...]]"},
  {"pubsub|help", "6.2.0", "pubsub", "O(1)", "", "", "Show helpful text about the different subcommands", ""},
};
// clang-format on

}  // namespace

void UnsubscribeAll(ServerState& server, ClientState& client) {
  bool was_subscribed = client.subscribed();
  for (PubSubKind kind : {PubSubKind::kChannel, PubSubKind::kPattern, PubSubKind::kShard}) {
    UnsubscribeFrom(server, client, kind, {}, nullptr, false);
  }
  if (was_subscribed && client.conn != nullptr) client.conn->SetPubSubClass(false);
}

void RegisterPubSubCommands(CommandTable* table) {
  AddDocEntries(kPubSubDocs);
  constexpr std::uint32_t kSub =
      kCmdPubSub | kCmdNoScript | kCmdLoading | kCmdStale | kCmdSubscribedContext;
  table->Add("subscribe", -2, kSub, CmdSubscribe);
  table->Add("unsubscribe", -1, kSub, CmdUnsubscribe);
  table->Add("psubscribe", -2, kSub, CmdPSubscribe);
  table->Add("punsubscribe", -1, kSub, CmdPUnsubscribe);
  table->Add("ssubscribe", -2, kSub, CmdSSubscribe)
      .Keys(1, -1, 1)
      .Specs({kKsNotKey})
      .AccessBy(NoAccess);
  table->Add("sunsubscribe", -1, kSub, CmdSUnsubscribe)
      .Keys(1, -1, 1)
      .Specs({kKsNotKey})
      .AccessBy(NoAccess);
  constexpr std::uint32_t kPub = kCmdPubSub | kCmdLoading | kCmdStale | kCmdFast;
  table->Add("publish", 3, kPub, CmdPublish);
  table->Add("spublish", 3, kPub, CmdSPublish).Keys(1, 1, 1).Specs({kKsNotKey}).AccessBy(NoAccess);

  auto& pubsub = table->Add("pubsub", -2, 0, nullptr);
  constexpr std::uint32_t kInfo = kCmdPubSub | kCmdLoading | kCmdStale;
  pubsub.Sub("channels", -2, kInfo, CmdPubSubChannels);
  pubsub.Sub("numpat", 2, kInfo, CmdPubSubNumPat);
  pubsub.Sub("numsub", -2, kInfo, CmdPubSubNumSub);
  pubsub.Sub("shardchannels", -2, kInfo, CmdPubSubShardChannels);
  pubsub.Sub("shardnumsub", -2, kInfo, CmdPubSubShardNumSub);
  pubsub.Sub("help", 2, kCmdLoading | kCmdStale, CmdPubSubHelp);
}

}  // namespace strata
