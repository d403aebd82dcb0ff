// XINFO STREAM [FULL [COUNT n]] / GROUPS / CONSUMERS / HELP, with Redis 7.0.15's fields in
// its order: maps in RESP3, flat arrays of name/value pairs in RESP2.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"
#include "commands/command_docs_table.h"
#include "commands/help_reply.h"
#include "commands/stream_util.h"
#include "commands/typed.h"
#include "commands/util.h"
#include "util/clock.h"

namespace strata {
namespace {

using types::StreamGroup;
using types::StreamID;
using types::StreamObject;

// XINFO STREAM FULL's COUNT when none (or a negative one) is given; 0 means everything.
constexpr std::int64_t kFullDefaultCount = 10;

// --- radix-tree-nodes ----------------------------------------------------------------------
// Redis indexes a stream's nodes in a radix tree (rax) keyed by the node's first ID as 16
// big-endian bytes, and reports that tree's node count. The tree's shape follows from the
// keys alone: a run of bytes every key below a point shares is one compressed node, a point
// where keys part is one node, each key ends in a leaf node, and an empty tree is its root.
// Counting that over our node keys gives Redis's number exactly (the integration tests
// compare it unmasked).

using RaxKey = std::array<std::uint8_t, 16>;

RaxKey ToRaxKey(StreamID id) {
  RaxKey k;
  for (int i = 0; i < 8; ++i) {
    k[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(id.ms >> (56 - 8 * i));
    k[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(id.seq >> (56 - 8 * i));
  }
  return k;
}

std::size_t RaxNodesBelow(const std::vector<RaxKey>& keys, std::size_t lo, std::size_t hi,
                          std::size_t depth);

// The nodes of the subtree at a point where keys[lo, hi) part at byte `depth`.
std::size_t RaxBranch(const std::vector<RaxKey>& keys, std::size_t lo, std::size_t hi,
                      std::size_t depth) {
  std::size_t nodes = 1;
  for (std::size_t i = lo; i < hi;) {
    std::size_t j = i + 1;
    while (j < hi && keys[j][depth] == keys[i][depth]) ++j;
    nodes += RaxNodesBelow(keys, i, j, depth + 1);
    i = j;
  }
  return nodes;
}

// The nodes of the subtree holding keys[lo, hi) (sorted, sharing their first `depth` bytes).
std::size_t RaxNodesBelow(const std::vector<RaxKey>& keys, std::size_t lo, std::size_t hi,
                          std::size_t depth) {
  const std::size_t len = keys[lo].size();
  if (hi - lo == 1) return depth == len ? 1 : 2;  // the rest in one compressed node, the leaf
  // Sorted keys: what the first and the last share, all share.
  std::size_t common = depth;
  while (keys[lo][common] == keys[hi - 1][common]) ++common;
  return (common > depth ? 1 : 0) + RaxBranch(keys, lo, hi, common);
}

std::size_t RadixTreeNodes(const StreamObject& s) {
  std::vector<RaxKey> keys;
  keys.reserve(s.node_count());
  s.ForEachNodeKey([&](StreamID id) { keys.push_back(ToRaxKey(id)); });
  return keys.empty() ? 1 : RaxNodesBelow(keys, 0, keys.size(), 0);
}

// --- replies -------------------------------------------------------------------------------

void ReplyId(ReplyBuilder& reply, StreamID id) { reply.Bulk(id.ToString()); }

void ReplyEntriesRead(ReplyBuilder& reply, const StreamGroup& g) {
  if (g.entries_read == StreamGroup::kUnknownEntriesRead) return reply.Null();
  reply.Integer(g.entries_read);
}

// Redis's streamReplyWithCGLag: how many entries the group has yet to read, when that can be
// told. The group's own counter serves while no deletion lies at or after its last delivered
// ID; otherwise the counter is estimated from the stream's, which fails (nil) when deletions
// make the distance unknowable.
void ReplyLag(ReplyBuilder& reply, const StreamObject& s, const StreamGroup& g) {
  const auto added = static_cast<std::int64_t>(s.entries_added());
  // Wrapping like Redis's arithmetic: ENTRIESREAD may be set near the int64 limits.
  auto minus = [](std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
  };
  if (added == 0) return reply.Integer(0);
  if (g.entries_read != StreamGroup::kUnknownEntriesRead &&
      !s.RangeHasTombstones(g.last_delivered, StreamID::Max())) {
    return reply.Integer(minus(added, g.entries_read));
  }
  const std::int64_t read = s.EstimateEntriesRead(g.last_delivered);
  if (read == StreamGroup::kUnknownEntriesRead) return reply.Null();
  reply.Integer(minus(added, read));
}

// The fields XINFO STREAM starts with, in both forms.
void ReplyStreamHeader(ReplyBuilder& reply, const StreamObject& s) {
  reply.Bulk("length");
  reply.Integer(static_cast<std::int64_t>(s.size()));
  reply.Bulk("radix-tree-keys");
  reply.Integer(static_cast<std::int64_t>(s.node_count()));
  reply.Bulk("radix-tree-nodes");
  reply.Integer(static_cast<std::int64_t>(RadixTreeNodes(s)));
  reply.Bulk("last-generated-id");
  ReplyId(reply, s.last_id());
  reply.Bulk("max-deleted-entry-id");
  ReplyId(reply, s.max_deleted_id());
  reply.Bulk("entries-added");
  reply.Integer(static_cast<std::int64_t>(s.entries_added()));
  reply.Bulk("recorded-first-entry-id");
  ReplyId(reply, s.first_id());
}

void ReplyEdgeEntry(ReplyBuilder& reply, const StreamObject& s, bool last) {
  bool found = false;
  s.ForRange(StreamID::Min(), StreamID::Max(), last, [&](StreamID id, types::StreamFields f) {
    ReplyStreamEntry(reply, id, f);
    found = true;
    return false;
  });
  if (!found) reply.Null();
}

// XINFO STREAM FULL's "groups": each group with its PEL and consumers, every PEL cut to
// `count` entries (0: all).
void ReplyFullGroups(ReplyBuilder& reply, const StreamObject& s, std::size_t count) {
  auto limit = [&](std::size_t size) { return count == 0 ? size : std::min(size, count); };
  reply.ArrayHeader(s.groups().size());
  for (const auto& [name, g] : s.groups()) {
    reply.MapHeader(7);
    reply.Bulk("name");
    reply.Bulk(name);
    reply.Bulk("last-delivered-id");
    ReplyId(reply, g->last_delivered);
    reply.Bulk("entries-read");
    ReplyEntriesRead(reply, *g);
    reply.Bulk("lag");
    ReplyLag(reply, s, *g);
    reply.Bulk("pel-count");
    reply.Integer(static_cast<std::int64_t>(g->pel.size()));
    reply.Bulk("pending");
    std::size_t left = limit(g->pel.size());
    reply.ArrayHeader(left);
    for (auto it = g->pel.begin(); left > 0; ++it, --left) {
      reply.ArrayHeader(4);
      ReplyId(reply, it->first);
      reply.Bulk(it->second.consumer->name);
      reply.Integer(it->second.delivery_time_ms);
      reply.Integer(static_cast<std::int64_t>(it->second.delivery_count));
    }
    reply.Bulk("consumers");
    reply.ArrayHeader(g->consumers.size());
    for (const auto& [cname, c] : g->consumers) {
      reply.MapHeader(4);
      reply.Bulk("name");
      reply.Bulk(cname);
      reply.Bulk("seen-time");
      reply.Integer(c->seen_time_ms);
      reply.Bulk("pel-count");
      reply.Integer(static_cast<std::int64_t>(c->pel.size()));
      reply.Bulk("pending");
      std::size_t cleft = limit(c->pel.size());
      reply.ArrayHeader(cleft);
      for (auto it = c->pel.begin(); cleft > 0; ++it, --cleft) {
        reply.ArrayHeader(3);
        ReplyId(reply, it->first);
        reply.Integer(it->second->delivery_time_ms);
        reply.Integer(static_cast<std::int64_t>(it->second->delivery_count));
      }
    }
  }
}

// The key every subcommand but HELP looks up first: its absence and its type are reported
// before any argument is looked at.
const StreamObject* InfoStream(CommandContext& ctx) {
  auto found = FindTyped<StreamObject>(ctx, ctx.args[2]);
  if (found.wrong_type) return nullptr;
  if (found.obj == nullptr) ctx.reply.Error(kErrNoSuchKey);
  return found.obj;
}

void CmdXInfoStream(CommandContext& ctx) {
  const StreamObject* s = InfoStream(ctx);
  if (s == nullptr) return;
  const auto& args = ctx.args;
  const std::size_t argc = args.size();
  bool full = false;
  std::int64_t count = kFullDefaultCount;
  if (argc > 3) {
    if (argc != 4 && argc != 6) return ReplySubcommandSyntaxError(ctx, "XINFO");
    if (!EqualsIgnoreCase(args[3], "full")) return ReplySubcommandSyntaxError(ctx, "XINFO");
    full = true;
    if (argc == 6) {
      if (!EqualsIgnoreCase(args[4], "count")) return ReplySubcommandSyntaxError(ctx, "XINFO");
      if (!ParseInt64(args[5], &count)) return ctx.reply.Error(kErrNotInteger);
      if (count < 0) count = kFullDefaultCount;
    }
  }
  ReplyBuilder& reply = ctx.reply;
  if (!full) {
    reply.MapHeader(10);
    ReplyStreamHeader(reply, *s);
    reply.Bulk("groups");
    reply.Integer(static_cast<std::int64_t>(s->groups().size()));
    reply.Bulk("first-entry");
    ReplyEdgeEntry(reply, *s, false);
    reply.Bulk("last-entry");
    ReplyEdgeEntry(reply, *s, true);
    return;
  }
  reply.MapHeader(9);
  ReplyStreamHeader(reply, *s);
  reply.Bulk("entries");
  const auto n = static_cast<std::size_t>(count);
  ReplyStreamRange(reply, *s, StreamID::Min(), StreamID::Max(), n, false, [](StreamID) {});
  reply.Bulk("groups");
  ReplyFullGroups(reply, *s, n);
}

void CmdXInfoGroups(CommandContext& ctx) {
  const StreamObject* s = InfoStream(ctx);
  if (s == nullptr) return;
  ReplyBuilder& reply = ctx.reply;
  reply.ArrayHeader(s->groups().size());
  for (const auto& [name, g] : s->groups()) {
    reply.MapHeader(6);
    reply.Bulk("name");
    reply.Bulk(name);
    reply.Bulk("consumers");
    reply.Integer(static_cast<std::int64_t>(g->consumers.size()));
    reply.Bulk("pending");
    reply.Integer(static_cast<std::int64_t>(g->pel.size()));
    reply.Bulk("last-delivered-id");
    ReplyId(reply, g->last_delivered);
    reply.Bulk("entries-read");
    ReplyEntriesRead(reply, *g);
    reply.Bulk("lag");
    ReplyLag(reply, *s, *g);
  }
}

void CmdXInfoConsumers(CommandContext& ctx) {
  const StreamObject* s = InfoStream(ctx);
  if (s == nullptr) return;
  const StreamGroup* g = s->FindGroup(ctx.args[3]);
  if (g == nullptr) {
    std::string e = "NOGROUP No such consumer group '";
    const std::string_view group = ctx.args[3], key = ctx.args[2];
    e.append(group.substr(0, group.find('\0')))
        .append("' for key name '")
        .append(key.substr(0, key.find('\0')))
        .append("'");
    return ctx.reply.Error(e);
  }
  const std::int64_t now = UnixTimeMs();
  ReplyBuilder& reply = ctx.reply;
  reply.ArrayHeader(g->consumers.size());
  for (const auto& [name, c] : g->consumers) {
    reply.MapHeader(3);
    reply.Bulk("name");
    reply.Bulk(name);
    reply.Bulk("pending");
    reply.Integer(static_cast<std::int64_t>(c->pel.size()));
    reply.Bulk("idle");
    reply.Integer(std::max<std::int64_t>(0, now - c->seen_time_ms));
  }
}

void CmdXInfoHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "XINFO",
            {"CONSUMERS <key> <groupname>",
             "    List the consumers of a group: pending entries and idle time of each.",
             "GROUPS <key>",
             "    List the consumer groups of a stream with their progress.",
             "STREAM <key> [FULL [COUNT <count>]]",
             "    Describe a stream; FULL adds its entries and every group's pending entries",
             "    and consumers, COUNT of each at most (10 by default, 0 for all)."});
}

// clang-format off
const DocEntry kInfoDocs[] = {
  {"xinfo", "5.0.0", "stream", "Depends on subcommand.", "", "",
   "A container for the stream introspection commands", ""},
  {"xinfo|stream", "5.0.0", "stream", "O(1)", "@stream", "",
   "Describe a stream, or with FULL, also its entries, groups and consumers",
   "key [full-block: FULL [COUNT count:integer]]"},
  {"xinfo|groups", "5.0.0", "stream", "O(1)", "@stream", "",
   "List the consumer groups of a stream", "key"},
  {"xinfo|consumers", "5.0.0", "stream", "O(1)", "@stream", "nondeterministic_output",
   "List the consumers of a consumer group", "key groupname"},
  {"xinfo|help", "5.0.0", "stream", "O(1)", "@stream", "", "Describe the XINFO subcommands",
   ""},
};
// clang-format on

}  // namespace

void RegisterStreamInfoCommands(CommandTable* table) {
  AddDocEntries(kInfoDocs);
  CommandSpec& xinfo = table->Add("xinfo", -2, 0, nullptr);
  xinfo.Sub("stream", -3, kCmdReadOnly, CmdXInfoStream).Keys(2, 2, 1).Specs({kKsRO | kKsAccess});
  xinfo.Sub("groups", 3, kCmdReadOnly, CmdXInfoGroups).Keys(2, 2, 1).Specs({kKsRO | kKsAccess});
  xinfo.Sub("consumers", 4, kCmdReadOnly, CmdXInfoConsumers)
      .Keys(2, 2, 1)
      .Specs({kKsRO | kKsAccess});
  xinfo.Sub("help", 2, kCmdLoading | kCmdStale, CmdXInfoHelp);
}

}  // namespace strata
