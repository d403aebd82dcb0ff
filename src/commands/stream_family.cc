// Stream commands on the entries: XADD XLEN XRANGE XREVRANGE XDEL XTRIM XSETID. Reading
// (XREAD, XREADGROUP) is in stream_read.cc, consumer groups in stream_group_family.cc.
//
// A stream stays under its key when it becomes empty (unlike the other collections): only
// DEL and friends remove it. XADD builds a new stream off the keyspace and stores it once
// the entry is in, so a refused XADD never leaves an empty stream behind.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "commands/command.h"
#include "commands/command_docs_table.h"
#include "commands/stream_util.h"
#include "commands/typed.h"
#include "commands/util.h"
#include "util/clock.h"

namespace strata {
namespace {

using types::StreamID;
using types::StreamObject;

void CmdXAdd(CommandContext& ctx) {
  StreamAddArgs a;
  const std::size_t field_pos = ParseStreamAddArgs(ctx, true, &a);
  if (field_pos == 0) return;
  const std::size_t nargs = ctx.args.size() - field_pos;
  if (nargs < 2 || nargs % 2 != 0) {
    ctx.reply.Error("ERR wrong number of arguments for 'xadd' command");
    return;
  }
  // Before the key is looked at, so that no stream gets created.
  if (a.id_given && a.seq_given && a.id.IsZero()) {
    ctx.reply.Error("ERR The ID specified in XADD must be greater than 0-0");
    return;
  }
  const std::string_view key = ctx.args[1];
  std::unique_ptr<StreamObject> fresh;
  bool wrong_type = false;
  StreamObject* s = nullptr;
  if (a.no_mkstream) {
    auto found = FindTypedForWrite<StreamObject>(ctx, key);
    if (found.wrong_type) return;
    if (found.obj == nullptr) return ctx.reply.Null();
    s = found.obj;
  } else {
    s = StreamForWrite(ctx, key, &fresh, &wrong_type);
    if (s == nullptr) return;
  }
  const StreamID last = s->last_id();
  if (last == StreamID::Max()) {
    ctx.reply.Error("ERR The stream has exhausted the last possible ID, unable to add more items");
    return;
  }
  StreamID id;
  if (!a.id_given) {
    const auto now = static_cast<std::uint64_t>(UnixTimeMs());
    id = now > last.ms ? StreamID{now, 0} : last;
    if (now <= last.ms) id.Increment();
  } else if (!a.seq_given && a.id.ms == last.ms) {
    // "<ms>-*" on the last entry's millisecond: the next sequence number, if there is one.
    if (last.seq == UINT64_MAX) {
      ctx.reply.Error("ERR The ID specified in XADD is equal or smaller than the target stream "
                      "top item");
      return;
    }
    id = {last.ms, last.seq + 1};
  } else {
    id = a.id;
  }
  if (id <= last) {
    ctx.reply.Error("ERR The ID specified in XADD is equal or smaller than the target stream top "
                    "item");
    return;
  }
  s->Append(id, ctx.args.subspan(field_pos));
  const bool trimmed = s->Trim(a.trim) > 0;
  if (fresh) ctx.ks->SetObject(ctx.db, key, std::move(fresh), kNoExpire);
  ctx.reply.Bulk(id.ToString());
  ctx.SignalModified(key);
  ctx.Notify(kNotifyStream, "xadd", key);
  if (trimmed) ctx.Notify(kNotifyStream, "xtrim", key);
}

void CmdXLen(CommandContext& ctx) {
  auto r = FindTyped<StreamObject>(ctx, ctx.args[1]);
  if (r.wrong_type) return;
  ctx.reply.Integer(r.obj ? static_cast<std::int64_t>(r.obj->size()) : 0);
}

// XRANGE key start end [COUNT n] / XREVRANGE key end start [COUNT n].
void RangeCommand(CommandContext& ctx, bool reverse) {
  const std::string_view start_arg = ctx.args[reverse ? 3 : 2];
  const std::string_view end_arg = ctx.args[reverse ? 2 : 3];
  // "(" makes a bound exclusive; the rest must then be a strict ID.
  auto parse = [&](std::string_view arg, std::uint64_t missing_seq, StreamID* id, bool* excl) {
    *excl = arg.size() > 1 && arg[0] == '(';
    return ParseStreamIdOrReply(ctx, *excl ? arg.substr(1) : arg, id, missing_seq, *excl);
  };
  StreamID start, end;
  bool excl;
  if (!parse(start_arg, 0, &start, &excl)) return;
  if (excl && !start.Increment()) return ctx.reply.Error("ERR invalid start ID for the interval");
  if (!parse(end_arg, UINT64_MAX, &end, &excl)) return;
  if (excl && !end.Decrement()) return ctx.reply.Error("ERR invalid end ID for the interval");
  std::int64_t count = -1;
  for (std::size_t i = 4; i < ctx.args.size(); ++i) {
    if (EqualsIgnoreCase(ctx.args[i], "count") && i + 1 < ctx.args.size()) {
      if (!ParseInt64(ctx.args[++i], &count)) return ctx.reply.Error(kErrNotInteger);
      if (count < 0) count = 0;
    } else {
      return ctx.reply.Error(kErrSyntax);
    }
  }
  auto r = FindTyped<StreamObject>(ctx, ctx.args[1]);
  if (r.wrong_type) return;
  if (r.obj == nullptr) return ctx.reply.ArrayHeader(0);
  if (count == 0) return ctx.reply.NullArray();
  ReplyStreamRange(ctx.reply, *r.obj, start, end, count < 0 ? 0 : static_cast<std::size_t>(count),
                   reverse, [](StreamID) {});
}

void CmdXRange(CommandContext& ctx) { RangeCommand(ctx, false); }
void CmdXRevRange(CommandContext& ctx) { RangeCommand(ctx, true); }

void CmdXDel(CommandContext& ctx) {
  auto r = FindTypedForWrite<StreamObject>(ctx, ctx.args[1]);
  if (r.wrong_type) return;
  if (r.obj == nullptr) return ctx.reply.Integer(0);
  // Every ID is checked before any is deleted, so a bad one changes nothing.
  std::vector<StreamID> ids(ctx.args.size() - 2);
  for (std::size_t i = 2; i < ctx.args.size(); ++i) {
    if (!ParseStreamIdOrReply(ctx, ctx.args[i], &ids[i - 2], 0, true)) return;
  }
  std::int64_t deleted = 0;
  for (StreamID id : ids) deleted += r.obj->Delete(id) ? 1 : 0;
  if (deleted > 0) {
    ctx.SignalModified(ctx.args[1]);
    ctx.Notify(kNotifyStream, "xdel", ctx.args[1]);
  }
  ctx.reply.Integer(deleted);
}

void CmdXTrim(CommandContext& ctx) {
  StreamAddArgs a;
  if (ParseStreamAddArgs(ctx, false, &a) == 0) return;
  auto r = FindTypedForWrite<StreamObject>(ctx, ctx.args[1]);
  if (r.wrong_type) return;
  if (r.obj == nullptr) return ctx.reply.Integer(0);
  const std::uint64_t deleted = r.obj->Trim(a.trim);
  if (deleted > 0) {
    ctx.Notify(kNotifyStream, "xtrim", ctx.args[1]);
    ctx.SignalModified(ctx.args[1]);
  }
  ctx.reply.Integer(static_cast<std::int64_t>(deleted));
}

void CmdXSetId(CommandContext& ctx) {
  StreamID id, max_deleted;
  std::int64_t entries_added = -1;
  if (!ParseStreamIdOrReply(ctx, ctx.args[2], &id, 0, true)) return;
  for (std::size_t i = 3; i < ctx.args.size(); i += 2) {
    const bool more = i + 1 < ctx.args.size();
    if (more && EqualsIgnoreCase(ctx.args[i], "entriesadded")) {
      if (!ParseInt64(ctx.args[i + 1], &entries_added)) return ctx.reply.Error(kErrNotInteger);
      if (entries_added < 0) return ctx.reply.Error("ERR entries_added must be positive");
    } else if (more && EqualsIgnoreCase(ctx.args[i], "maxdeletedid")) {
      if (!ParseStreamIdOrReply(ctx, ctx.args[i + 1], &max_deleted, 0, true)) return;
      if (id < max_deleted) {
        return ctx.reply.Error("ERR The ID specified in XSETID is smaller than the provided "
                               "max_deleted_entry_id");
      }
    } else {
      return ctx.reply.Error(kErrSyntax);
    }
  }
  auto r = FindTypedForWrite<StreamObject>(ctx, ctx.args[1]);
  if (r.wrong_type) return;
  if (r.obj == nullptr) return ctx.reply.Error(kErrNoSuchKey);
  StreamObject& s = *r.obj;
  if (s.size() > 0) {
    if (id < *s.LastEntryId()) {
      return ctx.reply.Error("ERR The ID specified in XSETID is smaller than the target stream "
                             "top item");
    }
    if (entries_added != -1 && s.size() > static_cast<std::uint64_t>(entries_added)) {
      return ctx.reply.Error("ERR The entries_added specified in XSETID is smaller than the "
                             "target stream length");
    }
  }
  s.set_last_id(id);
  if (entries_added != -1) s.set_entries_added(static_cast<std::uint64_t>(entries_added));
  if (!max_deleted.IsZero()) s.set_max_deleted_id(max_deleted);
  ctx.ks->SignalReady(ctx.db, ctx.args[1]);  // Redis 7.0 keeps WATCH out of XSETID
  ctx.Notify(kNotifyStream, "xsetid", ctx.args[1]);
  ctx.reply.Ok();
}

constexpr std::string_view kO1 = "O(1)";

const DocEntry kStreamDocs[] = {
    {"xadd", "5.0.0", "stream", "O(1) when adding a new entry, O(N) when trimming where N being "
     "the number of entries evicted.", "@stream", "nondeterministic_output",
     "Append an entry to a stream, creating the stream if needed",
     "key [NOMKSTREAM] [trim: <strategy: MAXLEN | MINID> [operator: = | ~] threshold "
     "[LIMIT count:integer]] <id-selector: * | id> field value [data: field value ...]"},
    {"xlen", "5.0.0", "stream", kO1, "@stream", "", "Return the number of entries in a stream",
     "key"},
    {"xrange", "5.0.0", "stream", "O(N) with N being the number of elements being returned. If "
     "N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider "
     "it O(1).", "@stream", "", "Return the entries of a stream between two IDs, oldest first",
     "key start end [COUNT count]"},
    {"xrevrange", "5.0.0", "stream", "O(N) with N being the number of elements returned. If N is "
     "constant (e.g. always asking for the first 10 elements with COUNT), you can consider it "
     "O(1).", "@stream", "", "Return the entries of a stream between two IDs, newest first",
     "key end start [COUNT count]"},
    {"xdel", "5.0.0", "stream", "O(1) for each single item to delete in the stream, regardless "
     "of the stream size.", "@stream", "", "Remove entries from a stream by ID",
     "key id [id ...]"},
    {"xtrim", "5.0.0", "stream", "O(N), with N being the number of evicted entries. Constant "
     "times are very small however, since entries are organized in macro nodes containing "
     "multiple entries that can be released with a single deallocation.", "@stream",
     "nondeterministic_output", "Remove the oldest entries of a stream by length or by ID",
     "key <trim: <strategy: MAXLEN | MINID> [operator: = | ~] threshold "
     "[LIMIT count:integer]>"},
    {"xsetid", "5.0.0", "stream", kO1, "@stream", "",
     "Set a stream's last generated ID and its counters",
     "key last-id [ENTRIESADDED entries_added:integer] [MAXDELETEDID max_deleted_entry_id]"},
};

}  // namespace

void RegisterStreamCommands(CommandTable* table) {
  AddDocEntries(kStreamDocs);
  table->Add("xadd", -5, kCmdWrite | kCmdDenyOom | kCmdFast, CmdXAdd)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsUpdate})
      .SpecNotes("UPDATE instead of INSERT because of the optional trimming feature");
  table->Add("xlen", 2, kCmdReadOnly | kCmdFast, CmdXLen)
      .Keys(1, 1, 1)
      .Specs({kKsRO})
      .Intent(KeyIntent::kRead);  // the length is in the value
  table->Add("xrange", -4, kCmdReadOnly, CmdXRange).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("xrevrange", -4, kCmdReadOnly, CmdXRevRange)
      .Keys(1, 1, 1)
      .Specs({kKsRO | kKsAccess});
  table->Add("xdel", -3, kCmdWrite | kCmdFast, CmdXDel).Keys(1, 1, 1).Specs({kKsRW | kKsDelete});
  table->Add("xtrim", -4, kCmdWrite, CmdXTrim)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsDelete});
  table->Add("xsetid", -3, kCmdWrite | kCmdDenyOom | kCmdFast, CmdXSetId)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsUpdate});
}

}  // namespace strata
