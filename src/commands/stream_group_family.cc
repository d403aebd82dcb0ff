// Consumer groups: XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP), XACK,
// XPENDING, XCLAIM and XAUTOCLAIM, with Redis 7.0.15's order of checks and replies. XINFO is
// in stream_info.cc, XREADGROUP in stream_read.cc.
//
// Every change to a group signals the key as modified, as the engine contract requires of
// any change to a value (a changed group is a changed value: it is saved and copied with
// it). Redis 7.0 signals only when XGROUP CREATE ... MKSTREAM makes the stream, so there a
// WATCH of the stream survives XACK, XCLAIM and the other group changes, which abort it
// here: a WATCH that aborts too often is safe, one that misses a change would not be.
// XGROUP DESTROY's signal is also what wakes the group's blocked XREADGROUP readers, as
// Redis's signalKeyAsReady does.
#include <cstdint>
#include <memory>
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

using types::StreamConsumer;
using types::StreamGroup;
using types::StreamID;
using types::StreamObject;
using types::StreamPending;

constexpr std::string_view kErrKeyMustExist =
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to "
    "use the MKSTREAM option to create an empty stream automatically.";
constexpr std::string_view kErrEntriesRead = "ERR value for ENTRIESREAD must be positive or -1";

std::string NoKeyOrGroupError(std::string_view key, std::string_view group) {
  std::string e = "NOGROUP No such key '";
  e.append(CString(key)).append("' or consumer group '").append(CString(group)).append("'");
  return e;
}

std::string NoGroupForKeyError(std::string_view group, std::string_view key) {
  std::string e = "NOGROUP No such consumer group '";
  e.append(CString(group)).append("' for key name '").append(CString(key)).append("'");
  return e;
}

// An ENTRIESREAD value: an integer, >= 0 or exactly -1 (unknown).
bool ParseEntriesRead(CommandContext& ctx, std::string_view arg, std::int64_t* out) {
  if (!ParseInt64(arg, out)) {
    ctx.reply.Error(kErrNotInteger);
    return false;
  }
  if (*out < 0 && *out != StreamGroup::kUnknownEntriesRead) {
    ctx.reply.Error(kErrEntriesRead);
    return false;
  }
  return true;
}

// An interval bound of XPENDING and XAUTOCLAIM: "-", "+", an ID, or "(" and a strict ID,
// which excludes it (the start moves up, the end down).
bool ParseIntervalId(CommandContext& ctx, std::string_view arg, bool is_end, StreamID* id) {
  const bool exclusive = arg.size() > 1 && arg[0] == '(';
  if (!ParseStreamIdOrReply(ctx, exclusive ? arg.substr(1) : arg, id, is_end ? UINT64_MAX : 0,
                            exclusive)) {
    return false;
  }
  if (!exclusive) return true;
  if (is_end ? id->Decrement() : id->Increment()) return true;
  ctx.reply.Error(is_end ? "ERR invalid end ID for the interval"
                         : "ERR invalid start ID for the interval");
  return false;
}

// The claiming consumer of XCLAIM and XAUTOCLAIM, looked up (or created, with its event) at
// the first entry actually claimed, as Redis does: a claim of nothing leaves no consumer
// behind and no trace on its seen time.
StreamConsumer* ClaimingConsumer(CommandContext& ctx, StreamGroup& g, std::int64_t now) {
  bool created;
  StreamConsumer* c = g.LookupOrCreateConsumer(ctx.args[3], now, &created);
  if (created) ctx.Notify(kNotifyStream, "xgroup-createconsumer", ctx.args[1]);
  c->seen_time_ms = now;
  return c;
}

// A claimed entry: its ID alone (JUSTID) or the entry.
void ReplyClaimed(ReplyBuilder& reply, const StreamObject& s, StreamID id, bool justid) {
  if (justid) {
    reply.Bulk(id.ToString());
    return;
  }
  s.Lookup(id, [&](types::StreamFields fields) { ReplyStreamEntry(reply, id, fields); });
}

bool EntryExists(const StreamObject& s, StreamID id) {
  return s.Lookup(id, [](types::StreamFields) {});
}

// --- XGROUP ------------------------------------------------------------------------------

enum class GroupSub : std::uint8_t { kCreate, kSetId, kDestroy, kCreateConsumer, kDelConsumer };

struct GroupTarget {
  StreamObject* s = nullptr;  // null only for CREATE ... MKSTREAM on a missing key
  StreamGroup* group = nullptr;
  bool mkstream = false;
  std::int64_t entries_read = StreamGroup::kUnknownEntriesRead;
};

// What every XGROUP subcommand but HELP checks first, in Redis's order: CREATE's options,
// the key's type, that it exists (unless MKSTREAM), then the group for the subcommands that
// work on one. False once an error was replied.
bool GroupPrologue(CommandContext& ctx, GroupSub sub, GroupTarget* t) {
  const auto& args = ctx.args;
  if (sub == GroupSub::kCreate) {
    for (std::size_t i = 5; i < args.size();) {
      if (EqualsIgnoreCase(args[i], "mkstream")) {
        t->mkstream = true;
        ++i;
      } else if (EqualsIgnoreCase(args[i], "entriesread") && i + 1 < args.size()) {
        if (!ParseEntriesRead(ctx, args[i + 1], &t->entries_read)) return false;
        i += 2;
      } else {
        ReplySubcommandSyntaxError(ctx, "XGROUP");
        return false;
      }
    }
  }
  auto found = FindTypedForWrite<StreamObject>(ctx, args[2]);
  if (found.wrong_type) return false;
  t->s = found.obj;
  if (t->mkstream) return true;
  if (t->s == nullptr) {
    ctx.reply.Error(kErrKeyMustExist);
    return false;
  }
  t->group = t->s->FindGroup(args[3]);
  if (t->group == nullptr && sub != GroupSub::kCreate && sub != GroupSub::kDestroy) {
    ctx.reply.Error(NoGroupForKeyError(args[3], args[2]));
    return false;
  }
  return true;
}

void CmdXGroupCreate(CommandContext& ctx) {
  GroupTarget t;
  if (!GroupPrologue(ctx, GroupSub::kCreate, &t)) return;
  if (ctx.args.size() > 8) return ReplySubcommandSyntaxError(ctx, "XGROUP");
  const std::string_view key = ctx.args[2];
  StreamID id;
  if (ctx.args[4] == "$") {
    if (t.s != nullptr) id = t.s->last_id();
  } else if (!ParseStreamIdOrReply(ctx, ctx.args[4], &id, 0, true)) {
    return;
  }
  // The stream is built off the keyspace and stored with its group: nothing can fail now.
  std::unique_ptr<StreamObject> fresh;
  if (t.s == nullptr) {
    fresh = std::make_unique<StreamObject>();
    t.s = fresh.get();
  }
  const bool created = t.s->CreateGroup(ctx.args[3], id, t.entries_read) != nullptr;
  const bool created_key = fresh != nullptr;
  if (fresh) ctx.ks->SetObject(ctx.db, key, std::move(fresh), kNoExpire);
  if (!created) return ctx.reply.Error("BUSYGROUP Consumer Group name already exists");
  ctx.reply.Ok();
  // Redis shows WATCH only the stream MKSTREAM creates; a group is for blocked readers.
  created_key ? ctx.SignalModified(key) : ctx.ks->SignalReady(ctx.db, key);
  ctx.Notify(kNotifyStream, "xgroup-create", key);
}

void CmdXGroupSetId(CommandContext& ctx) {
  // 7.0.15 checks the options, ENTRIESREAD's value included, before the key and the group,
  // and ENTRIESREAD before the ID.
  const std::size_t argc = ctx.args.size();
  if (argc != 5 && argc != 7) return ReplySubcommandSyntaxError(ctx, "XGROUP");
  std::int64_t entries_read = StreamGroup::kUnknownEntriesRead;
  if (argc == 7) {
    if (!EqualsIgnoreCase(ctx.args[5], "entriesread")) {
      return ReplySubcommandSyntaxError(ctx, "XGROUP");
    }
    if (!ParseEntriesRead(ctx, ctx.args[6], &entries_read)) return;
  }
  GroupTarget t;
  if (!GroupPrologue(ctx, GroupSub::kSetId, &t)) return;
  StreamID id;
  if (ctx.args[4] == "$") {
    id = t.s->last_id();
  } else if (!ParseStreamIdOrReply(ctx, ctx.args[4], &id, 0, false)) {
    return;
  }
  t.group->last_delivered = id;
  t.group->entries_read = entries_read;
  ctx.reply.Ok();
  ctx.ks->SignalReady(ctx.db, ctx.args[2]);
  ctx.Notify(kNotifyStream, "xgroup-setid", ctx.args[2]);
}

void CmdXGroupDestroy(CommandContext& ctx) {
  GroupTarget t;
  if (!GroupPrologue(ctx, GroupSub::kDestroy, &t)) return;
  if (t.group == nullptr) return ctx.reply.Integer(0);
  t.s->DestroyGroup(ctx.args[3]);
  ctx.reply.Integer(1);
  ctx.ks->SignalReady(ctx.db, ctx.args[2]);
  ctx.Notify(kNotifyStream, "xgroup-destroy", ctx.args[2]);
}

void CmdXGroupCreateConsumer(CommandContext& ctx) {
  GroupTarget t;
  if (!GroupPrologue(ctx, GroupSub::kCreateConsumer, &t)) return;
  bool created;
  t.group->LookupOrCreateConsumer(ctx.args[4], UnixTimeMs(), &created);
  ctx.reply.Integer(created ? 1 : 0);
  if (!created) return;
  ctx.ks->SignalReady(ctx.db, ctx.args[2]);
  ctx.Notify(kNotifyStream, "xgroup-createconsumer", ctx.args[2]);
}

void CmdXGroupDelConsumer(CommandContext& ctx) {
  GroupTarget t;
  if (!GroupPrologue(ctx, GroupSub::kDelConsumer, &t)) return;
  if (t.group->FindConsumer(ctx.args[4]) == nullptr) return ctx.reply.Integer(0);
  const std::size_t pending = t.group->DeleteConsumer(ctx.args[4]);
  ctx.reply.Integer(static_cast<std::int64_t>(pending));
  ctx.ks->SignalReady(ctx.db, ctx.args[2]);
  ctx.Notify(kNotifyStream, "xgroup-delconsumer", ctx.args[2]);
}

void CmdXGroupHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "XGROUP",
            {"CREATE <key> <groupname> <id|$> [option]",
             "    Make a consumer group that starts after <id> ($: the stream's last ID).",
             "    Options:",
             "    * MKSTREAM",
             "      Make an empty stream first when the key is missing.",
             "    * ENTRIESREAD entries_read",
             "      Start the group's read counter (used for its lag) at this value.",
             "CREATECONSUMER <key> <groupname> <consumer>",
             "    Add a consumer to the group; 0 if it was already there.",
             "DELCONSUMER <key> <groupname> <consumer>",
             "    Drop a consumer and its pending entries; tells how many it had.",
             "DESTROY <key> <groupname>",
             "    Drop the group with its consumers and pending entries.",
             "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
             "    Move the group's last delivered ID, and set its read counter."});
}

// --- XACK --------------------------------------------------------------------------------

void CmdXAck(CommandContext& ctx) {
  auto found = FindTypedForWrite<StreamObject>(ctx, ctx.args[1]);
  if (found.wrong_type) return;
  StreamGroup* g = found.obj != nullptr ? found.obj->FindGroup(ctx.args[2]) : nullptr;
  if (g == nullptr) return ctx.reply.Integer(0);
  // Every ID is checked before any is acknowledged: the command is all or nothing.
  std::vector<StreamID> ids(ctx.args.size() - 3);
  for (std::size_t i = 3; i < ctx.args.size(); ++i) {
    if (!ParseStreamIdOrReply(ctx, ctx.args[i], &ids[i - 3], 0, true)) return;
  }
  std::int64_t acked = 0;
  for (StreamID id : ids) acked += g->Acknowledge(id) ? 1 : 0;
  if (acked > 0) ctx.ks->SignalReady(ctx.db, ctx.args[1]);
  ctx.reply.Integer(acked);
}

// --- XPENDING ----------------------------------------------------------------------------

// XPENDING key group: [count, first ID, last ID, [[consumer, its count as a string]...]].
void ReplyPendingSummary(ReplyBuilder& reply, const StreamGroup& g) {
  reply.ArrayHeader(4);
  reply.Integer(static_cast<std::int64_t>(g.pel.size()));
  if (g.pel.empty()) {
    reply.Null();
    reply.Null();
    reply.NullArray();
    return;
  }
  reply.Bulk(g.pel.begin()->first.ToString());
  reply.Bulk(g.pel.rbegin()->first.ToString());
  std::size_t with_pending = 0;
  for (const auto& [name, c] : g.consumers) with_pending += c->pel.empty() ? 0 : 1;
  reply.ArrayHeader(with_pending);
  for (const auto& [name, c] : g.consumers) {
    if (c->pel.empty()) continue;
    reply.ArrayHeader(2);
    reply.Bulk(name);
    reply.Bulk(std::to_string(c->pel.size()));
  }
}

void CmdXPending(CommandContext& ctx) {
  const auto& args = ctx.args;
  const std::size_t argc = args.size();
  // Redis's shape check: the summary, or 3 to 6 more arguments (extra ones are ignored).
  if (argc != 3 && (argc < 6 || argc > 9)) return ctx.reply.Error(kErrSyntax);
  StreamID start, end;
  std::int64_t count = 0, min_idle = 0;
  std::string_view consumer_name;
  bool by_consumer = false;
  if (argc >= 6) {
    std::size_t at = 3;
    if (EqualsIgnoreCase(args[3], "idle")) {
      if (!ParseInt64(args[4], &min_idle)) return ctx.reply.Error(kErrNotInteger);
      if (argc < 8) return ctx.reply.Error(kErrSyntax);
      at += 2;
    }
    if (!ParseInt64(args[at + 2], &count)) return ctx.reply.Error(kErrNotInteger);
    if (count < 0) count = 0;
    if (!ParseIntervalId(ctx, args[at], false, &start)) return;
    if (!ParseIntervalId(ctx, args[at + 1], true, &end)) return;
    if (at + 3 < argc) {
      consumer_name = args[at + 3];
      by_consumer = true;
    }
  }
  auto found = FindTyped<StreamObject>(ctx, args[1]);
  if (found.wrong_type) return;
  const StreamGroup* g = found.obj != nullptr ? found.obj->FindGroup(args[2]) : nullptr;
  if (g == nullptr) return ctx.reply.Error(NoKeyOrGroupError(args[1], args[2]));
  if (argc == 3) return ReplyPendingSummary(ctx.reply, *g);

  // The consumer's own PEL holds the same entries as the group's, so either is walked.
  const StreamConsumer* c = nullptr;
  if (by_consumer) {
    c = g->FindConsumer(consumer_name);
    if (c == nullptr) return ctx.reply.ArrayHeader(0);
  }
  const std::int64_t now = UnixTimeMs();
  std::string body;
  ReplyBuilder rows(&body);
  rows.set_resp3(ctx.reply.resp3());
  std::size_t n = 0;
  auto row = [&](StreamID id, const StreamPending& p) {
    if (count == 0 || id > end) return false;
    const std::int64_t idle = now - p.delivery_time_ms;
    if (min_idle != 0 && idle < min_idle) return true;
    rows.ArrayHeader(4);
    rows.Bulk(id.ToString());
    rows.Bulk(p.consumer->name);
    rows.Integer(idle < 0 ? 0 : idle);
    rows.Integer(static_cast<std::int64_t>(p.delivery_count));
    --count;
    ++n;
    return true;
  };
  if (c != nullptr) {
    for (auto it = c->pel.lower_bound(start); it != c->pel.end() && row(it->first, *it->second);) {
      ++it;
    }
  } else {
    for (auto it = g->pel.lower_bound(start); it != g->pel.end() && row(it->first, it->second);) {
      ++it;
    }
  }
  ctx.reply.ArrayHeader(n);
  ctx.reply.buffer()->append(body);
}

// --- XCLAIM ------------------------------------------------------------------------------

void CmdXClaim(CommandContext& ctx) {
  const auto& args = ctx.args;
  auto found = FindTypedForWrite<StreamObject>(ctx, args[1]);
  if (found.wrong_type) return;
  StreamGroup* g = found.obj != nullptr ? found.obj->FindGroup(args[2]) : nullptr;
  if (g == nullptr) return ctx.reply.Error(NoKeyOrGroupError(args[1], args[2]));
  StreamObject& s = *found.obj;
  std::int64_t min_idle;
  if (!ParseInt64(args[4], &min_idle)) {
    return ctx.reply.Error("ERR Invalid min-idle-time argument for XCLAIM");
  }
  if (min_idle < 0) min_idle = 0;
  // The IDs run up to the first argument that is not one; the options follow. All is parsed
  // before anything is claimed, so an error changes nothing.
  std::vector<StreamID> ids;
  std::size_t i = 5;
  for (StreamID id; i < args.size() && ParseStreamId(args[i], &id, 0, true); ++i) {
    ids.push_back(id);
  }
  const std::int64_t now = UnixTimeMs();
  std::int64_t delivery_time = -1;  // -1: neither IDLE nor TIME
  std::int64_t retry_count = -1;    // -1: no RETRYCOUNT
  bool force = false, justid = false;
  StreamID last_id;
  for (; i < args.size(); ++i) {
    const bool more = i + 1 < args.size();
    const std::string_view opt = args[i];
    std::int64_t v;
    if (EqualsIgnoreCase(opt, "force")) {
      force = true;
    } else if (EqualsIgnoreCase(opt, "justid")) {
      justid = true;
    } else if (EqualsIgnoreCase(opt, "idle") && more) {
      if (!ParseInt64(args[++i], &v)) {
        return ctx.reply.Error("ERR Invalid IDLE option argument for XCLAIM");
      }
      // An overflow gives a time out of range, which is replaced by now below, as Redis's
      // wrapping subtraction ends up doing.
      if (__builtin_sub_overflow(now, v, &delivery_time)) delivery_time = now + 1;
    } else if (EqualsIgnoreCase(opt, "time") && more) {
      if (!ParseInt64(args[++i], &delivery_time)) {
        return ctx.reply.Error("ERR Invalid TIME option argument for XCLAIM");
      }
    } else if (EqualsIgnoreCase(opt, "retrycount") && more) {
      if (!ParseInt64(args[++i], &retry_count)) {
        return ctx.reply.Error("ERR Invalid RETRYCOUNT option argument for XCLAIM");
      }
    } else if (EqualsIgnoreCase(opt, "lastid") && more) {
      if (!ParseStreamIdOrReply(ctx, args[++i], &last_id, 0, true)) return;
    } else {
      return ctx.reply.Error("ERR Unrecognized XCLAIM option '" + std::string(CString(opt)) + "'");
    }
  }
  bool changed = last_id > g->last_delivered;
  if (changed) g->last_delivered = last_id;
  // A bogus time (a client's clock ahead of ours) is not an error: it means now.
  if (delivery_time < 0 || delivery_time > now) delivery_time = now;

  std::string body;
  ReplyBuilder claimed(&body);
  claimed.set_resp3(ctx.reply.resp3());
  std::size_t n = 0;
  StreamConsumer* consumer = nullptr;
  for (StreamID id : ids) {
    auto it = g->pel.find(id);
    const bool pending = it != g->pel.end();
    if (!EntryExists(s, id)) {
      // Redis 7.0 drops a deleted entry from the PEL instead of handing it out.
      if (pending) {
        g->Acknowledge(id);
        changed = true;
      }
      continue;
    }
    if (!pending && !force) continue;
    // FORCE makes a new pending entry, delivered once and owned by nobody yet: the minimum
    // idle time does not apply to it.
    std::uint64_t deliveries = 1;
    if (pending) {
      if (min_idle != 0 && now - it->second.delivery_time_ms < min_idle) continue;
      deliveries = it->second.delivery_count;
    }
    if (consumer == nullptr) consumer = ClaimingConsumer(ctx, *g, now);
    if (retry_count >= 0) {
      deliveries = static_cast<std::uint64_t>(retry_count);
    } else if (!justid) {
      ++deliveries;  // wraps like Redis's unsigned counter
    }
    g->Assign(id, consumer, delivery_time, deliveries);
    ReplyClaimed(claimed, s, id, justid);
    ++n;
  }
  if (changed || n > 0) ctx.ks->SignalReady(ctx.db, args[1]);
  ctx.reply.ArrayHeader(n);
  ctx.reply.buffer()->append(body);
}

// --- XAUTOCLAIM --------------------------------------------------------------------------

// Redis parses COUNT as a long up to LONG_MAX / 16 (the size of the deleted-ID buffer it
// allocates: count IDs of 16 bytes).
constexpr std::int64_t kAutoClaimMaxCount = INT64_MAX / 16;
// Redis then allocates that buffer up front and, when the allocation fails, answers an error.
// Where it fails depends on the machine; this is where a 47-bit address space runs out (the
// reference server fails at 10^13 and serves 10^12). We allocate only what is used.
constexpr std::int64_t kAutoClaimAllocatableCount = (std::int64_t{1} << 47) / 16;
// Redis scans at most COUNT * 10 pending entries per call.
constexpr std::int64_t kAutoClaimAttemptsFactor = 10;

void CmdXAutoClaim(CommandContext& ctx) {
  const auto& args = ctx.args;
  std::int64_t min_idle;
  if (!ParseInt64(args[4], &min_idle)) {
    return ctx.reply.Error("ERR Invalid min-idle-time argument for XAUTOCLAIM");
  }
  if (min_idle < 0) min_idle = 0;
  StreamID start;
  if (!ParseIntervalId(ctx, args[5], false, &start)) return;
  std::int64_t count = 100;
  bool justid = false;
  for (std::size_t i = 6; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "count") && i + 1 < args.size()) {
      if (!ParseInt64(args[++i], &count) || count < 1 || count > kAutoClaimMaxCount) {
        return ctx.reply.Error("ERR COUNT must be > 0");
      }
    } else if (EqualsIgnoreCase(args[i], "justid")) {
      justid = true;
    } else {
      return ctx.reply.Error(kErrSyntax);
    }
  }
  auto found = FindTypedForWrite<StreamObject>(ctx, args[1]);
  if (found.wrong_type) return;
  StreamGroup* g = found.obj != nullptr ? found.obj->FindGroup(args[2]) : nullptr;
  if (g == nullptr) return ctx.reply.Error(NoKeyOrGroupError(args[1], args[2]));
  if (count > kAutoClaimAllocatableCount) {
    return ctx.reply.Error(
        "ERR Insufficient memory, failed allocating transient memory, COUNT too high.");
  }
  StreamObject& s = *found.obj;
  const std::int64_t now = UnixTimeMs();
  std::int64_t attempts = count * kAutoClaimAttemptsFactor;
  std::string body;
  ReplyBuilder claimed(&body);
  claimed.set_resp3(ctx.reply.resp3());
  std::size_t n = 0;
  std::vector<StreamID> deleted;
  StreamConsumer* consumer = nullptr;
  auto it = g->pel.lower_bound(start);
  // Deleted entries and those not idle long enough use up attempts too; deleted ones also
  // count against COUNT, which bounds the reply.
  for (; attempts > 0 && count > 0 && it != g->pel.end(); --attempts) {
    const StreamID id = it->first;
    if (!EntryExists(s, id)) {
      ++it;
      g->Acknowledge(id);
      deleted.push_back(id);
      --count;
      continue;
    }
    if (min_idle != 0 && now - it->second.delivery_time_ms < min_idle) {
      ++it;
      continue;
    }
    if (consumer == nullptr) consumer = ClaimingConsumer(ctx, *g, now);
    const std::uint64_t deliveries = it->second.delivery_count + (justid ? 0 : 1);
    ++it;  // past this entry first: Assign only updates it
    g->Assign(id, consumer, now, deliveries);
    ReplyClaimed(claimed, s, id, justid);
    ++n;
    --count;
  }
  // The cursor: where the next call goes on, 0-0 once the PEL was scanned to its end.
  ctx.reply.ArrayHeader(3);
  ctx.reply.Bulk((it == g->pel.end() ? StreamID{} : it->first).ToString());
  ctx.reply.ArrayHeader(n);
  ctx.reply.buffer()->append(body);
  ctx.reply.ArrayHeader(deleted.size());
  for (StreamID id : deleted) ctx.reply.Bulk(id.ToString());
  if (n > 0 || !deleted.empty()) ctx.ks->SignalReady(ctx.db, args[1]);
}

constexpr std::string_view kO1 = "O(1)";

// clang-format off
const DocEntry kGroupDocs[] = {
  {"xgroup", "5.0.0", "stream", "Depends on subcommand.", "", "",
   "A container for the consumer group commands", ""},
  {"xgroup|create", "5.0.0", "stream", kO1, "@stream", "",
   "Make a consumer group on a stream, optionally making the stream",
   "key groupname <id-selector: id | $> [MKSTREAM] [ENTRIESREAD entries_read:integer]"},
  {"xgroup|setid", "5.0.0", "stream", kO1, "@stream", "",
   "Move a consumer group's last delivered ID",
   "key groupname <id-selector: id | $> [ENTRIESREAD entries_read:integer]"},
  {"xgroup|destroy", "5.0.0", "stream",
   "O(N) where N is the number of entries in the group's pending entries list (PEL).",
   "@stream", "", "Drop a consumer group", "key groupname"},
  {"xgroup|createconsumer", "6.2.0", "stream", kO1, "@stream", "",
   "Add a consumer to a consumer group", "key groupname consumername"},
  {"xgroup|delconsumer", "5.0.0", "stream", kO1, "@stream", "",
   "Remove a consumer from a consumer group", "key groupname consumername"},
  {"xgroup|help", "5.0.0", "stream", kO1, "@stream", "",
   "Describe the XGROUP subcommands", ""},
  {"xack", "5.0.0", "stream", "O(1) for each message ID processed.", "@stream", "",
   "Acknowledge entries of a consumer group, removing them from its pending list",
   "key group id [id ...]"},
  {"xpending", "5.0.0", "stream",
   "O(N) with N being the number of elements returned, so asking for a small fixed number of "
   "entries per call is O(1). O(M), where M is the total number of entries scanned when used "
   "with the IDLE filter. When the command returns just the summary and the list of consumers "
   "is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every "
   "consumer.", "@stream", "nondeterministic_output",
   "Summarize or list the entries a consumer group delivered but has not had acknowledged",
   "key group [filters: [IDLE min-idle-time:integer] start end count:integer [consumer]]"},
  {"xclaim", "5.0.0", "stream",
   "O(log N) with N being the number of messages in the PEL of the consumer group.", "@stream",
   "nondeterministic_output",
   "Give pending entries of a consumer group to another consumer",
   "key group consumer min-idle-time id [id ...] [IDLE ms:integer] "
   "[TIME unix-time-milliseconds:unix-time] [RETRYCOUNT count:integer] [FORCE] [JUSTID] "
   "[LASTID id]"},
  {"xautoclaim", "6.2.0", "stream", "O(1) if COUNT is small.", "@stream",
   "nondeterministic_output",
   "Give the pending entries idle for long enough to another consumer, scanning from a cursor",
   "key group consumer min-idle-time start [COUNT count:integer] [JUSTID]"},
};
// clang-format on

}  // namespace

void RegisterStreamGroupCommands(CommandTable* table) {
  AddDocEntries(kGroupDocs);
  CommandSpec& xgroup = table->Add("xgroup", -2, 0, nullptr);
  xgroup.Sub("create", -5, kCmdWrite | kCmdDenyOom, CmdXGroupCreate)
      .Keys(2, 2, 1)
      .Specs({kKsRW | kKsInsert});
  xgroup.Sub("setid", -5, kCmdWrite, CmdXGroupSetId).Keys(2, 2, 1).Specs({kKsRW | kKsUpdate});
  xgroup.Sub("destroy", 4, kCmdWrite, CmdXGroupDestroy).Keys(2, 2, 1).Specs({kKsRW | kKsDelete});
  xgroup.Sub("createconsumer", 5, kCmdWrite | kCmdDenyOom, CmdXGroupCreateConsumer)
      .Keys(2, 2, 1)
      .Specs({kKsRW | kKsInsert});
  xgroup.Sub("delconsumer", 5, kCmdWrite, CmdXGroupDelConsumer)
      .Keys(2, 2, 1)
      .Specs({kKsRW | kKsDelete});
  xgroup.Sub("help", 2, kCmdLoading | kCmdStale, CmdXGroupHelp);
  table->Add("xack", -4, kCmdWrite | kCmdFast, CmdXAck).Keys(1, 1, 1).Specs({kKsRW | kKsUpdate});
  table->Add("xpending", -3, kCmdReadOnly, CmdXPending).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("xclaim", -6, kCmdWrite | kCmdFast, CmdXClaim)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsUpdate});
  table->Add("xautoclaim", -6, kCmdWrite | kCmdFast, CmdXAutoClaim)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsDelete});
  RegisterStreamInfoCommands(table);
}

}  // namespace strata
