// XREAD and XREADGROUP, one parser and one reader as in Redis: each names its streams after
// STREAMS, keys first, then as many IDs. What can be served at once is; with BLOCK and nothing
// to serve, the client waits on the keys (state/blocking.h) and is served, by the thread whose
// write made a key ready, with only that key's new entries.
//
// XREADGROUP changes its group (last delivered ID, pending entries, consumers), so it locks
// its keys for writing although Redis's key spec says RO.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/blocking_pop.h"
#include "commands/command.h"
#include "commands/command_docs_table.h"
#include "commands/stream_util.h"
#include "commands/typed.h"
#include "commands/util.h"
#include "state/server_state.h"
#include "util/clock.h"

namespace strata {
namespace {

using types::StreamConsumer;
using types::StreamGroup;
using types::StreamID;
using types::StreamObject;

// What a group read needs, immediately or once blocked.
struct GroupRead {
  std::string group;
  std::string consumer;
  bool noack = false;
};

// Redis's streamReplyWithRange for a group reading new entries: replies the entries after
// the group's last delivered ID (at most `count`, 0 = all), advancing the group and, unless
// `noack`, recording each one as pending for `consumer`.
void ReplyNewForGroup(ReplyBuilder& reply, const StreamObject& s, StreamGroup& g,
                      StreamConsumer* c, std::size_t count, bool noack) {
  StreamID start = g.last_delivered;
  start.Increment();
  const std::int64_t now = UnixTimeMs();
  ReplyStreamRange(reply, s, start, StreamID::Max(), count, false, [&](StreamID id) {
    if (id > g.last_delivered) {
      // The read counter stays exact while nothing was deleted ahead of it.
      if (g.entries_read != StreamGroup::kUnknownEntriesRead &&
          !s.RangeHasTombstones(id, StreamID::Max())) {
        // Wrapping, as Redis's counter does past ENTRIESREAD 9223372036854775807.
        g.entries_read = static_cast<std::int64_t>(static_cast<std::uint64_t>(g.entries_read) + 1);
      } else if (s.entries_added() != 0) {
        g.entries_read = s.EstimateEntriesRead(id);
      }
      g.last_delivered = id;
    }
    if (!noack) g.Assign(id, c, now, 1);
  });
}

// Redis's streamReplyWithRangeFromConsumerPEL: the consumer's pending entries after `after`
// (at most `count`, 0 = all); a pending entry deleted from the stream comes as [id, nil].
// Each one still in the stream counts as delivered again.
void ReplyConsumerHistory(ReplyBuilder& reply, const StreamObject& s, StreamConsumer& c,
                          StreamID after, std::size_t count) {
  std::string body;
  ReplyBuilder entries(&body);
  entries.set_resp3(reply.resp3());
  std::size_t n = 0;
  if (after.Increment()) {
    const std::int64_t now = UnixTimeMs();
    for (auto it = c.pel.lower_bound(after); it != c.pel.end() && (count == 0 || n < count);
         ++it, ++n) {
      const bool live = s.Lookup(it->first, [&](types::StreamFields fields) {
        ReplyStreamEntry(entries, it->first, fields);
      });
      if (!live) {
        ReplyDeletedStreamEntry(entries, it->first);
        continue;
      }
      it->second->delivery_time_ms = now;
      ++it->second->delivery_count;
    }
  }
  reply.ArrayHeader(n);
  reply.buffer()->append(body);
}

// The consumer that reads, created (with its event) if new; its seen time is now.
StreamConsumer* ReadingConsumer(StreamGroup& g, std::string_view name, KeyspaceEvents& events,
                                int db, std::string_view key) {
  bool created;
  const std::int64_t now = UnixTimeMs();
  StreamConsumer* c = g.LookupOrCreateConsumer(name, now, &created);
  if (created) events.Notify(kNotifyStream, "xgroup-createconsumer", db, key);
  c->seen_time_ms = now;
  return c;
}

// The key/entries pair of one stream in the reply: an array of such pairs in RESP2, a map in
// RESP3.
void StreamReplyHeader(ReplyBuilder& reply, std::string_view key) {
  if (!reply.resp3()) reply.ArrayHeader(2);
  reply.Bulk(key);
}

// A key a blocked reader waits on: the ID it reads after (XREAD) and the stream's wake
// stamp when the reader last looked at it.
struct WaitedKey {
  std::string key;
  StreamID after;
  StreamObject::WakeStamp stamp;
};

// A key named twice waits after its first ID, as Redis keeps the first of a blocked
// client's keys.
WaitedKey* FindWaited(std::vector<WaitedKey>& waited, std::string_view key) {
  for (WaitedKey& w : waited) {
    if (w.key == key) return &w;
  }
  return nullptr;
}

// Redis looks at a blocked reader's stream again only after an XADD to it, a group of it
// destroyed, or another stream (or none) under the key; XSETID, XDEL, XTRIM and the other
// group commands signal the key here too, and must leave the reader waiting. True if the
// stream's wake stamp moved since the reader last looked; the stamp is updated either way.
bool WokenSince(const StreamObject& s, WaitedKey* w) {
  const StreamObject::WakeStamp now = s.wake_stamp();
  if (now == w->stamp) return false;
  w->stamp = now;
  return true;
}

void ReadCommand(CommandContext& ctx, bool group_read) {
  auto& args = ctx.args;
  std::int64_t timeout = -1;  // no BLOCK
  std::int64_t count = 0;
  std::size_t streams_arg = 0, nstreams = 0;
  GroupRead gr;
  bool have_group = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::size_t more = args.size() - i - 1;
    std::string_view o = args[i];
    if (EqualsIgnoreCase(o, "block") && more > 0) {
      if (ctx.in_script) {
        return ctx.reply.Error("ERR " + std::string(args[0]) +
                               " command is not allowed with BLOCK option from scripts");
      }
      // Milliseconds here, an integer (the list and sorted-set pops take float seconds).
      if (!ParseInt64(args[++i], &timeout)) {
        return ctx.reply.Error("ERR timeout is not an integer or out of range");
      }
      if (timeout < 0) return ctx.reply.Error("ERR timeout is negative");
      // No "out of range" here, unlike the pops' seconds: redis-server 7.0.15 takes any
      // millisecond count (a deadline past ~100 years is "never" to the connection's timer).
    } else if (EqualsIgnoreCase(o, "count") && more > 0) {
      if (!ParseInt64(args[++i], &count)) return ctx.reply.Error(kErrNotInteger);
      if (count < 0) count = 0;
    } else if (EqualsIgnoreCase(o, "streams") && more > 0) {
      streams_arg = i + 1;
      nstreams = args.size() - streams_arg;
      if (nstreams % 2 != 0) {
        // Redis's text names XREAD and '$' for XREADGROUP too.
        return ctx.reply.Error("ERR Unbalanced XREAD list of streams: for each stream key an ID "
                               "or '$' must be specified.");
      }
      nstreams /= 2;
      break;
    } else if (EqualsIgnoreCase(o, "group") && more >= 2) {
      if (!group_read) {
        return ctx.reply.Error("ERR The GROUP option is only supported by XREADGROUP. You called "
                               "XREAD instead.");
      }
      gr.group = std::string(args[i + 1]);
      gr.consumer = std::string(args[i + 2]);
      have_group = true;
      i += 2;
    } else if (EqualsIgnoreCase(o, "noack")) {
      if (!group_read) {
        return ctx.reply.Error("ERR The NOACK option is only supported by XREADGROUP. You called "
                               "XREAD instead.");
      }
      gr.noack = true;
    } else {
      return ctx.reply.Error(kErrSyntax);
    }
  }
  if (streams_arg == 0) return ctx.reply.Error(kErrSyntax);
  if (group_read && !have_group) return ctx.reply.Error("ERR Missing GROUP option for XREADGROUP");

  // Each key is looked at as its ID is parsed, as in Redis: the first bad one decides.
  std::vector<StreamID> ids(nstreams);
  std::vector<const StreamObject*> streams(nstreams, nullptr);
  std::vector<StreamGroup*> groups(nstreams, nullptr);
  for (std::size_t k = 0; k < nstreams; ++k) {
    std::string_view key = args[streams_arg + k];
    std::string_view id_arg = args[streams_arg + nstreams + k];
    // XREAD's keys are declared for reading only; a group read changes its group.
    if (group_read) {
      auto found = FindTypedForWrite<StreamObject>(ctx, key);
      if (found.wrong_type) return;
      streams[k] = found.obj;
    } else {
      auto found = FindTyped<StreamObject>(ctx, key);
      if (found.wrong_type) return;
      streams[k] = found.obj;
    }
    const StreamObject* found_obj = streams[k];
    if (group_read) {
      groups[k] = found_obj ? found_obj->FindGroup(gr.group) : nullptr;
      if (groups[k] == nullptr) {
        return ctx.reply.Error("NOGROUP No such key '" + std::string(CString(key)) +
                               "' or consumer group '" + std::string(CString(gr.group)) +
                               "' in XREADGROUP with GROUP option");
      }
    }
    if (id_arg == "$") {
      if (group_read) {
        return ctx.reply.Error(
            "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the "
            "history of this consumer by specifying a proper ID, or use the > ID to get new "
            "messages. The $ ID would just return an empty result set.");
      }
      ids[k] = found_obj ? found_obj->last_id() : StreamID{};
    } else if (id_arg == ">") {
      if (!group_read) {
        return ctx.reply.Error("ERR The > ID can be specified only when calling XREADGROUP using "
                               "the GROUP <group> <consumer> option.");
      }
      ids[k] = StreamID::Max();  // "new entries": resolved against the group when served
    } else if (!ParseStreamIdOrReply(ctx, id_arg, &ids[k], 0, true)) {
      return;
    }
  }

  std::string body;
  ReplyBuilder out(&body);
  out.set_resp3(ctx.reply.resp3());
  std::size_t served = 0;
  KeyspaceEvents& events = ctx.server.keyspace_events();
  for (std::size_t k = 0; k < nstreams; ++k) {
    const StreamObject* s = streams[k];
    if (s == nullptr) continue;
    std::string_view key = args[streams_arg + k];
    const auto last = s->LastEntryId();
    if (!group_read) {
      if (!last || *last <= ids[k]) continue;
      StreamID start = ids[k];
      start.Increment();
      StreamReplyHeader(out, key);
      ReplyStreamRange(out, *s, start, StreamID::Max(), static_cast<std::size_t>(count), false,
                       [](StreamID) {});
      ++served;
      continue;
    }
    StreamGroup& g = *groups[k];
    const bool history = ids[k] != StreamID::Max();
    if (!history && (!last || *last <= g.last_delivered)) continue;
    StreamReplyHeader(out, key);
    StreamConsumer* c = ReadingConsumer(g, gr.consumer, events, ctx.db, key);
    if (history) {
      ReplyConsumerHistory(out, *s, *c, ids[k], static_cast<std::size_t>(count));
    } else {
      ReplyNewForGroup(out, *s, g, c, static_cast<std::size_t>(count), gr.noack);
    }
    ctx.ks->SignalReady(ctx.db, key);  // the group changed; Redis keeps WATCH out of it
    ++served;
  }
  if (served > 0) {
    ctx.reply.resp3() ? ctx.reply.MapHeader(served) : ctx.reply.ArrayHeader(served);
    ctx.reply.buffer()->append(body);
    return;
  }
  if (timeout < 0) return ctx.reply.NullArray();

  // Nothing yet: wait for a write to one of the keys (never inside MULTI or a script).
  std::vector<std::string> keys;
  std::vector<WaitedKey> waited;
  for (std::size_t k = 0; k < nstreams; ++k) {
    keys.emplace_back(args[streams_arg + k]);
    waited.push_back({keys.back(), ids[k],
                      streams[k] ? streams[k]->wake_stamp() : StreamObject::WakeStamp{}});
  }
  const int db = ctx.db;
  // A waiter without COUNT gets at most Redis's XREAD_BLOCKED_DEFAULT_COUNT entries.
  const auto n = static_cast<std::size_t>(count != 0 ? count : 1000);
  ServeFn serve;
  if (!group_read) {
    // Served with what follows the ID it waited after on the key that changed; a key that
    // is missing or of another type keeps it waiting.
    serve = [db, n, waited = std::move(waited)](Keyspace& ks, std::string_view key,
                                                ReplyBuilder& reply) mutable {
      ServeResult miss;
      StreamObject* s = ReadyToServe<StreamObject>(ks, db, key, &miss);
      if (s == nullptr) return ServeResult::kSkip;
      WaitedKey* w = FindWaited(waited, key);
      if (w == nullptr || !WokenSince(*s, w)) return ServeResult::kSkip;
      StreamID start = w->after;
      if (s->last_id() <= start) return ServeResult::kSkip;
      start.Increment();
      reply.resp3() ? reply.MapHeader(1) : reply.ArrayHeader(1);
      StreamReplyHeader(reply, key);
      ReplyStreamRange(reply, *s, start, StreamID::Max(), n, false, [](StreamID) {});
      return ServeResult::kServed;
    };
  } else {
    // A group reader waits for entries after the group's last delivered ID whenever it is
    // served, and is told when its stream or group went away.
    KeyspaceEvents* ev = &events;
    serve = [db, n, gr = std::move(gr), ev, waited = std::move(waited)](
                Keyspace& ks, std::string_view key, ReplyBuilder& reply) mutable {
      WriteRef v = ks.FindForWrite(db, key);
      if (v.type != ValueType::kStream) {
        reply.Error("UNBLOCKED the stream key no longer exists");
        return ServeResult::kServed;
      }
      auto* s = static_cast<StreamObject*>(v.obj);
      StreamGroup* g = s->FindGroup(gr.group);
      if (g == nullptr) {
        reply.Error("NOGROUP the consumer group this client was blocked on no longer exists");
        return ServeResult::kServed;
      }
      WaitedKey* w = FindWaited(waited, key);
      if (w == nullptr || !WokenSince(*s, w)) return ServeResult::kSkip;
      if (s->last_id() <= g->last_delivered) return ServeResult::kSkip;
      reply.resp3() ? reply.MapHeader(1) : reply.ArrayHeader(1);
      StreamReplyHeader(reply, key);
      StreamConsumer* c = ReadingConsumer(*g, gr.consumer, *ev, db, key);
      ReplyNewForGroup(reply, *s, *g, c, n, gr.noack);
      ks.SignalReady(db, key);
      return ServeResult::kServed;
    };
  }
  BlockOnKeys(ctx, std::move(keys), {}, timeout, false, std::move(serve));
}

void CmdXRead(CommandContext& ctx) { ReadCommand(ctx, false); }
void CmdXReadGroup(CommandContext& ctx) { ReadCommand(ctx, true); }

// XREAD's and XREADGROUP's keys: the first half of what follows STREAMS.
void StreamKeys(std::span<const std::string_view> args, std::vector<int>* out) {
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (!EqualsIgnoreCase(args[i], "streams")) continue;
    const std::size_t n = (args.size() - i - 1) / 2;
    for (std::size_t k = 0; k < n; ++k) out->push_back(static_cast<int>(i + 1 + k));
    return;
  }
}

const DocEntry kStreamReadDocs[] = {
    {"xread", "5.0.0", "stream", "For each stream mentioned: O(N) with N being the number of "
     "elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when "
     "the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked "
     "on the stream getting new data.", "@stream @blocking", "",
     "Read entries after given IDs from one or more streams, optionally waiting for new ones",
     "[COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]"},
    {"xreadgroup", "5.0.0", "stream", "For each stream mentioned: O(M) with M being the number of "
     "elements returned. If M is constant (e.g. always asking for the first 10 elements with "
     "COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay "
     "the O(N) time in order to serve the N clients blocked on the stream getting new data.",
     "@stream @blocking", "",
     "Read entries for a consumer of a group: new ones, or its own pending ones",
     "GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id "
     "[id ...]"},
};

}  // namespace

void RegisterStreamReadCommands(CommandTable* table) {
  AddDocEntries(kStreamReadDocs);
  table->Add("xread", -4, kCmdReadOnly | kCmdBlocking, CmdXRead)
      .KeysBy(StreamKeys)
      .KeywordSpec("STREAMS", 1, kKsRO | kKsAccess);
  // Redis's spec says RO, but the group's state changes: its keys are locked for writing.
  table->Add("xreadgroup", -7, kCmdWrite | kCmdBlocking, CmdXReadGroup)
      .KeysBy(StreamKeys)
      .KeywordSpec("STREAMS", 4, kKsRO | kKsAccess)
      .Intent(KeyIntent::kWrite);
}

}  // namespace strata
