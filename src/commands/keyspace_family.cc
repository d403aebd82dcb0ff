// Keyspace and expiry commands: DEL EXISTS TYPE RENAME COPY MOVE FLUSHDB SWAPDB OBJECT
// EXPIRE TTL PERSIST ... with Redis 7.0's replies (its db.c, expire.c, object.c).
// KEYS SCAN RANDOMKEY DBSIZE are in keyspace_scan.cc, MEMORY in keyspace_memory.cc.
//
// Commands that name keys run under the dispatcher's key locks and use `ctx.ks`; commands
// over a whole database (FLUSH*, SWAPDB) have no key positions and call the engine's
// database-level methods, which lock shard by shard.
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#ifdef STRATA_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "commands/allocator_stats.h"
#include "commands/command.h"
#include "commands/help_reply.h"
#include "commands/util.h"
#include "state/server_state.h"

namespace strata {
namespace {

// ---------------------------------------------------------------------------------------
// Shared helpers

constexpr std::string_view kErrSameObject = "ERR source and destination objects are the same";
constexpr std::string_view kErrIntRange =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
// Redis shares the integer objects 0..9999; OBJECT REFCOUNT reports them as INT_MAX.
constexpr std::int64_t kSharedIntegers = 10000;
constexpr std::int64_t kSharedRefcount = INT_MAX;
// Longest string Redis stores as "embstr".
constexpr std::size_t kEmbstrLimit = 44;

// Redis's getIntFromObjectOrReply: an integer that must fit an int. `err`, when given,
// replaces both error texts (SWAPDB's "invalid first DB index").
bool ParseIntArg(CommandContext& ctx, std::string_view arg, int* out, std::string_view err = {}) {
  std::int64_t v = 0;
  if (!ParseInt64(arg, &v)) {
    ctx.reply.Error(err.empty() ? kErrNotInteger : err);
    return false;
  }
  if (v < INT_MIN || v > INT_MAX) {
    ctx.reply.Error(err.empty() ? kErrIntRange : err);
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

bool ValidDb(const CommandContext& ctx, int db) {
  return db >= 0 && db < ctx.engine.num_databases();
}

// Parses a target database index as MOVE and COPY ... DB do.
bool ParseDbArg(CommandContext& ctx, std::string_view arg, int* db) {
  if (!ParseIntArg(ctx, arg, db)) return false;
  if (!ValidDb(ctx, *db)) {
    ctx.reply.Error(kErrDbIndex);
    return false;
  }
  return true;
}

std::string ConfigValue(CommandContext& ctx, const char* name, const char* fallback) {
  RuntimeConfig& rt = ctx.server.runtime();
  std::lock_guard<std::mutex> l(rt.mu);
  auto it = rt.extra.find(name);
  return it == rt.extra.end() ? std::string(fallback) : ToLower(it->second);
}

// The eviction policy as CONFIG SET stored it; "noeviction" by default.
std::string MaxmemoryPolicy(CommandContext& ctx) {
  return ConfigValue(ctx, "maxmemory-policy", "noeviction");
}

bool LfuPolicy(CommandContext& ctx) {
  return MaxmemoryPolicy(ctx).find("lfu") != std::string::npos;
}

// Redis stops sharing small integers when a maxmemory limit uses an LRU/LFU policy (each key
// then needs its own access clock).
bool SharedIntegersEnabled(CommandContext& ctx) {
  std::string maxmemory = ConfigValue(ctx, "maxmemory", "0");
  if (maxmemory.empty() || maxmemory == "0") return true;
  std::string policy = MaxmemoryPolicy(ctx);
  return policy.find("lru") == std::string::npos && policy.find("lfu") == std::string::npos;
}

// OBJECT ENCODING for a string: what Redis's tryObjectEncoding would have chosen, unless
// the value was edited in place (always "raw" then).
std::string_view StringEncoding(const ValueRef& v) {
  if (v.str_raw) return "raw";
  std::int64_t n = 0;
  if (!v.str_not_int && v.str.size() <= 20 && ParseInt64(v.str, &n)) return "int";
  return v.str.size() <= kEmbstrLimit ? "embstr" : "raw";
}

// Redis's lookup without "touch" (EXISTS, TYPE, TTL, RENAMENX's target...): the key's
// metadata only; its access time is left alone.
KeyInfo LookupNoTouch(CommandContext& ctx, int db, std::string_view key) {
  return ctx.ks->Stat(db, key);
}

// ---------------------------------------------------------------------------------------
// DEL UNLINK EXISTS TOUCH TYPE

void CmdDel(CommandContext& ctx) {
  std::int64_t n = 0;
  for (std::size_t i = 1; i < ctx.args.size(); ++i) {
    if (!ctx.ks->Delete(ctx.db, ctx.args[i])) continue;
    ctx.SignalModified(ctx.args[i]);
    ctx.Notify(kNotifyGeneric, "del", ctx.args[i]);
    ++n;
  }
  ctx.reply.Integer(n);
}

// Counts every argument that names a live key; duplicates count again, as in Redis.
void CmdExists(CommandContext& ctx) {
  std::int64_t n = 0;
  for (std::size_t i = 1; i < ctx.args.size(); ++i) {
    if (LookupNoTouch(ctx, ctx.db, ctx.args[i])) ++n;
  }
  ctx.reply.Integer(n);
}

// Like EXISTS, but each lookup counts as an access (resets OBJECT IDLETIME).
void CmdTouch(CommandContext& ctx) {
  std::int64_t n = 0;
  for (std::size_t i = 1; i < ctx.args.size(); ++i) {
    if (ctx.ks->Find(ctx.db, ctx.args[i])) ++n;
  }
  ctx.reply.Integer(n);
}

void CmdType(CommandContext& ctx) {
  KeyInfo v = LookupNoTouch(ctx, ctx.db, ctx.args[1]);
  ctx.reply.SimpleString(ValueTypeName(v.type));
}

// ---------------------------------------------------------------------------------------
// RENAME RENAMENX COPY MOVE

void RenameGeneric(CommandContext& ctx, bool nx) {
  std::string_view src = ctx.args[1];
  std::string_view dst = ctx.args[2];
  if (!ctx.ks->Stat(ctx.db, src)) {
    ctx.reply.Error(kErrNoSuchKey);
    return;
  }
  // Renaming a key onto itself succeeds without doing anything (RENAMENX: "not renamed").
  if (src == dst) {
    nx ? ctx.reply.Integer(0) : ctx.reply.Ok();
    return;
  }
  if (nx && LookupNoTouch(ctx, ctx.db, dst)) {
    ctx.reply.Integer(0);
    return;
  }
  // Redis deletes the old destination and adds the key anew: a "new" event either way.
  ctx.ks->Delete(ctx.db, dst);
  ctx.ks->Rename(ctx.db, src, ctx.db, dst);
  ctx.SignalModified(src);
  ctx.SignalModified(dst);
  ctx.Notify(kNotifyGeneric, "rename_from", src);
  ctx.Notify(kNotifyGeneric, "rename_to", dst);
  nx ? ctx.reply.Integer(1) : ctx.reply.Ok();
}

void CmdRename(CommandContext& ctx) { RenameGeneric(ctx, false); }
void CmdRenameNx(CommandContext& ctx) { RenameGeneric(ctx, true); }

// Writes a copy of `v` (read from another key) at (db, key), expiry included.
void StoreCopy(CommandContext& ctx, int db, std::string_view key, const ValueRef& v) {
  if (v.type != ValueType::kString) {
    ctx.ks->SetObject(db, key, v.obj->Clone(), v.expire_at_ms);
    return;
  }
  // The view is only valid until the next write: take the bytes first.
  std::string bytes(v.str);
  std::int64_t expire = v.expire_at_ms;
  if (!v.str_raw) {
    ctx.ks->SetString(db, key, bytes, expire);
    if (v.str_not_int) ctx.ks->MarkStringNotInteger(db, key);
    return;
  }
  // Keep the "raw" encoding, as Redis's dupStringObject does.
  ctx.ks->Delete(db, key);
  char* p = ctx.ks->ResizeString(db, key, bytes.size());
  if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
  if (expire != kNoExpire) ctx.ks->SetExpire(db, key, expire);
}

void CmdCopy(CommandContext& ctx) {
  std::string_view src = ctx.args[1];
  std::string_view dst = ctx.args[2];
  int dst_db = ctx.db;
  bool replace = false;
  for (std::size_t j = 3; j < ctx.args.size(); ++j) {
    if (EqualsIgnoreCase(ctx.args[j], "replace")) {
      replace = true;
    } else if (EqualsIgnoreCase(ctx.args[j], "db") && j + 1 < ctx.args.size()) {
      if (!ParseDbArg(ctx, ctx.args[j + 1], &dst_db)) return;
      ++j;
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  if (dst_db == ctx.db && src == dst) {
    ctx.reply.Error(kErrSameObject);
    return;
  }
  ValueRef v = ctx.ks->Find(ctx.db, src);
  if (!v) {
    ctx.reply.Integer(0);
    return;
  }
  if (LookupNoTouch(ctx, dst_db, dst) && !replace) {
    ctx.reply.Integer(0);
    return;
  }
  // As RENAME: the replaced destination goes first, so the copy is a new key.
  if (replace) ctx.ks->Delete(dst_db, dst);
  StoreCopy(ctx, dst_db, dst, v);
  ctx.ks->SignalModified(dst_db, dst);
  ctx.NotifyIn(dst_db, kNotifyGeneric, "copy_to", dst);
  ctx.reply.Integer(1);
}

void CmdMove(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  int dst_db = 0;
  if (!ParseDbArg(ctx, ctx.args[2], &dst_db)) return;
  if (dst_db == ctx.db) {
    ctx.reply.Error(kErrSameObject);
    return;
  }
  // Nothing to move, or the target database already has the key: Redis answers 0 to both.
  if (!ctx.ks->Stat(ctx.db, key) || LookupNoTouch(ctx, dst_db, key)) {
    ctx.reply.Integer(0);
    return;
  }
  ctx.ks->Rename(ctx.db, key, dst_db, key);
  ctx.SignalModified(key);
  ctx.ks->SignalModified(dst_db, key);
  ctx.Notify(kNotifyGeneric, "move_from", key);
  ctx.NotifyIn(dst_db, kNotifyGeneric, "move_to", key);
  ctx.reply.Integer(1);
}

// ---------------------------------------------------------------------------------------
// FLUSHDB FLUSHALL SWAPDB

// FLUSHDB / FLUSHALL [ASYNC | SYNC]; false (with the error sent) on bad arguments.
bool ParseFlushMode(CommandContext& ctx, bool* async) {
  *async = false;  // Redis's default (lazyfree-lazy-user-flush no)
  if (ctx.args.size() > 2) {
    ctx.reply.Error(kErrSyntax);
    return false;
  }
  if (ctx.args.size() == 2) {
    if (EqualsIgnoreCase(ctx.args[1], "async")) {
      *async = true;
    } else if (!EqualsIgnoreCase(ctx.args[1], "sync")) {
      ctx.reply.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

void CmdFlushDb(CommandContext& ctx) {
  bool async = false;
  if (!ParseFlushMode(ctx, &async)) return;
  ctx.engine.Flush(ctx.db, async);
  ctx.reply.Ok();
}

void CmdFlushAll(CommandContext& ctx) {
  bool async = false;
  if (!ParseFlushMode(ctx, &async)) return;
  ctx.engine.Flush(-1, async);
  // As Redis does when save points are set: write a checkpoint of the empty dataset at once,
  // so that a restart cannot bring the flushed keys back. Inside EXEC every key is locked,
  // so the save is started right after the transaction instead.
  Saver& saver = ctx.server.saver();
  if (!saver.schedule().empty()) {
    if (ctx.in_transaction) {
      saver.ScheduleBackground();
    } else {
      saver.CancelBackground();
      (void)saver.SaveNow();  // Redis replies OK whatever the save's outcome; it is logged
    }
  }
  ctx.reply.Ok();
}

void CmdSwapDb(CommandContext& ctx) {
  int a = 0, b = 0;
  if (!ParseIntArg(ctx, ctx.args[1], &a, "ERR invalid first DB index")) return;
  if (!ParseIntArg(ctx, ctx.args[2], &b, "ERR invalid second DB index")) return;
  if (!ValidDb(ctx, a) || !ValidDb(ctx, b)) {
    ctx.reply.Error(kErrDbIndex);
    return;
  }
  if (a != b) ctx.engine.SwapDb(a, b);
  ctx.reply.Ok();
}

// ---------------------------------------------------------------------------------------
// EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME PEXPIRETIME PERSIST

enum ExpireFlag : unsigned { kExpireNx = 1, kExpireXx = 2, kExpireGt = 4, kExpireLt = 8 };

// Parses the NX / XX / GT / LT options after the time argument.
bool ParseExpireFlags(CommandContext& ctx, unsigned* flags) {
  *flags = 0;
  for (std::size_t j = 3; j < ctx.args.size(); ++j) {
    std::string_view opt = ctx.args[j];
    if (EqualsIgnoreCase(opt, "nx")) {
      *flags |= kExpireNx;
    } else if (EqualsIgnoreCase(opt, "xx")) {
      *flags |= kExpireXx;
    } else if (EqualsIgnoreCase(opt, "gt")) {
      *flags |= kExpireGt;
    } else if (EqualsIgnoreCase(opt, "lt")) {
      *flags |= kExpireLt;
    } else {
      ctx.reply.Error("ERR Unsupported option " + std::string(opt));
      return false;
    }
  }
  if ((*flags & kExpireNx) && (*flags & (kExpireXx | kExpireGt | kExpireLt))) {
    ctx.reply.Error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return false;
  }
  if ((*flags & kExpireGt) && (*flags & kExpireLt)) {
    ctx.reply.Error("ERR GT and LT options at the same time are not compatible");
    return false;
  }
  return true;
}

// Whether the NX/XX/GT/LT conditions allow replacing `current` (kNoExpire: persistent,
// which GT treats as an infinite TTL) by `when`.
bool ExpireConditionsHold(unsigned flags, std::int64_t current, std::int64_t when) {
  bool persistent = current == kNoExpire;
  if ((flags & kExpireNx) && !persistent) return false;
  if ((flags & kExpireXx) && persistent) return false;
  if ((flags & kExpireGt) && (persistent || when <= current)) return false;
  if ((flags & kExpireLt) && !persistent && when >= current) return false;
  return true;
}

// `basetime_ms` is added to the argument (now for relative forms, 0 for absolute ones);
// `seconds` scales it by 1000 first. `name` goes into the overflow error.
void ExpireGeneric(CommandContext& ctx, std::int64_t basetime_ms, bool seconds,
                   std::string_view name) {
  unsigned flags = 0;
  if (!ParseExpireFlags(ctx, &flags)) return;
  std::int64_t when = 0;
  if (!ParseInt64(ctx.args[2], &when)) {
    ctx.reply.Error(kErrNotInteger);
    return;
  }
  const std::string overflow = "ERR invalid expire time in '" + std::string(name) + "' command";
  if (seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) {
      ctx.reply.Error(overflow);
      return;
    }
    when *= 1000;
  }
  if (when > INT64_MAX - basetime_ms) {
    ctx.reply.Error(overflow);
    return;
  }
  when += basetime_ms;

  std::string_view key = ctx.args[1];
  KeyInfo v = ctx.ks->Stat(ctx.db, key);
  if (!v) {
    ctx.reply.Integer(0);
    return;
  }
  if (flags != 0 && !ExpireConditionsHold(flags, v.expire_at_ms, when)) {
    ctx.reply.Integer(0);
    return;
  }
  // A time already past deletes the key (this also keeps the engine's sentinel values,
  // which are negative, out of SetExpire).
  if (when <= UnixTimeMs()) {
    ctx.ks->Delete(ctx.db, key);
    ctx.SignalModified(key);
    ctx.Notify(kNotifyGeneric, "del", key);
  } else {
    ctx.ks->SetExpire(ctx.db, key, when);
    ctx.SignalModified(key);
    ctx.Notify(kNotifyGeneric, "expire", key);
  }
  ctx.reply.Integer(1);
}

void CmdExpire(CommandContext& ctx) { ExpireGeneric(ctx, UnixTimeMs(), true, "expire"); }
void CmdPExpire(CommandContext& ctx) { ExpireGeneric(ctx, UnixTimeMs(), false, "pexpire"); }
void CmdExpireAt(CommandContext& ctx) { ExpireGeneric(ctx, 0, true, "expireat"); }
void CmdPExpireAt(CommandContext& ctx) { ExpireGeneric(ctx, 0, false, "pexpireat"); }

// TTL family: -2 for a missing key, -1 for a persistent one; otherwise the remaining time
// (or the absolute expiry) in ms or rounded seconds.
void TtlGeneric(CommandContext& ctx, bool in_ms, bool absolute) {
  KeyInfo v = LookupNoTouch(ctx, ctx.db, ctx.args[1]);
  if (!v) {
    ctx.reply.Integer(-2);
    return;
  }
  if (v.expire_at_ms == kNoExpire) {
    ctx.reply.Integer(-1);
    return;
  }
  std::int64_t t = absolute ? v.expire_at_ms : v.expire_at_ms - UnixTimeMs();
  if (t < 0) t = 0;
  // Round to the nearest second; written so that it cannot overflow near INT64_MAX.
  ctx.reply.Integer(in_ms ? t : t / 1000 + (t % 1000 >= 500 ? 1 : 0));
}

void CmdTtl(CommandContext& ctx) { TtlGeneric(ctx, false, false); }
void CmdPTtl(CommandContext& ctx) { TtlGeneric(ctx, true, false); }
void CmdExpireTime(CommandContext& ctx) { TtlGeneric(ctx, false, true); }
void CmdPExpireTime(CommandContext& ctx) { TtlGeneric(ctx, true, true); }

void CmdPersist(CommandContext& ctx) {
  KeyInfo v = ctx.ks->Stat(ctx.db, ctx.args[1]);
  if (!v || v.expire_at_ms == kNoExpire) {
    ctx.reply.Integer(0);
    return;
  }
  ctx.ks->SetExpire(ctx.db, ctx.args[1], kNoExpire);
  ctx.SignalModified(ctx.args[1]);
  ctx.Notify(kNotifyGeneric, "persist", ctx.args[1]);
  ctx.reply.Integer(1);
}

// ---------------------------------------------------------------------------------------
// OBJECT

constexpr std::string_view kErrLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
    "that when switching between policies at runtime LRU and LFU data will take some time to "
    "adjust.";
constexpr std::string_view kErrLfuSelected =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";

void CmdObjectEncoding(CommandContext& ctx) {
  ValueRef v = ctx.ks->Peek(ctx.db, ctx.args[2]);
  if (!v) {
    ctx.reply.Null();
  } else if (v.type == ValueType::kString) {
    ctx.reply.Bulk(StringEncoding(v));
  } else {
    ctx.reply.Bulk(v.obj->encoding());
  }
}

void CmdObjectRefcount(CommandContext& ctx) {
  ValueRef v = ctx.ks->Peek(ctx.db, ctx.args[2]);
  if (!v) {
    ctx.reply.Null();
    return;
  }
  std::int64_t n = 0;
  bool shared = v.type == ValueType::kString && StringEncoding(v) == "int" &&
                ParseInt64(v.str, &n) && n >= 0 && n < kSharedIntegers &&
                SharedIntegersEnabled(ctx);
  ctx.reply.Integer(shared ? kSharedRefcount : 1);
}

void CmdObjectIdletime(CommandContext& ctx) {
  LookupNoTouch(ctx, ctx.db, ctx.args[2]);
  std::int64_t idle = ctx.ks->IdleSeconds(ctx.db, ctx.args[2]);
  if (idle < 0) {
    ctx.reply.Null();
    return;
  }
  if (LfuPolicy(ctx)) {
    ctx.reply.Error(kErrLfuSelected);
    return;
  }
  ctx.reply.Integer(idle);
}

// The engine keeps an access clock, not an access counter, so the frequency is modelled as
// Redis's initial LFU counter (5) decaying by one per idle minute (lfu-decay-time 1).
void CmdObjectFreq(CommandContext& ctx) {
  LookupNoTouch(ctx, ctx.db, ctx.args[2]);
  std::int64_t idle = ctx.ks->IdleSeconds(ctx.db, ctx.args[2]);
  if (idle < 0) {
    ctx.reply.Null();
    return;
  }
  if (!LfuPolicy(ctx)) {
    ctx.reply.Error(kErrLfuNotSelected);
    return;
  }
  constexpr std::int64_t kLfuInitial = 5;
  std::int64_t freq = kLfuInitial - idle / 60;
  ctx.reply.Integer(freq < 0 ? 0 : freq);
}

void CmdObjectHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "OBJECT",
            {
                "ENCODING <key>",
                "    Reply with the name of the encoding Redis would use for the value at <key>",
                "    (int, embstr, raw, listpack, hashtable, ...).",
                "FREQ <key>",
                "    Reply with an estimate of the LFU access counter of <key>. Needs an LFU",
                "    maxmemory-policy.",
                "IDLETIME <key>",
                "    Reply with the number of seconds since <key> was last accessed. Not",
                "    available under an LFU maxmemory-policy.",
                "REFCOUNT <key>",
                "    Reply with the reference count of the value at <key>, as Redis counts it.",
            });
}

}  // namespace

// MOVE key db also writes `key` in the target database.
void MoveAccess(std::span<const std::string_view> args, int db, std::vector<KeyAccess>* out) {
  out->push_back({db, args[1], KeyIntent::kWrite});
  std::int64_t target;
  if (ParseInt64(args[2], &target) && target >= 0 && target <= INT32_MAX) {
    out->push_back({static_cast<int>(target), args[1], KeyIntent::kWrite});
  }
}

// COPY source destination [DB db] [REPLACE]: the destination may be in another database.
void CopyAccess(std::span<const std::string_view> args, int db, std::vector<KeyAccess>* out) {
  int dst_db = db;
  for (std::size_t j = 3; j + 1 < args.size(); ++j) {
    std::int64_t n;
    if (EqualsIgnoreCase(args[j], "db") && ParseInt64(args[j + 1], &n) && n >= 0 &&
        n <= INT32_MAX) {
      dst_db = static_cast<int>(n);
    }
  }
  out->push_back({db, args[1], KeyIntent::kRead});
  // kWrite, not kOverwrite: a "raw" string is copied through ResizeString, which keeps
  // the encoding Redis reports.
  out->push_back({dst_db, args[2], KeyIntent::kWrite});
}

void RegisterKeyspaceCommands(CommandTable* table) {
  constexpr std::uint32_t kRead = kCmdReadOnly;
  constexpr std::uint32_t kReadFast = kCmdReadOnly | kCmdFast;
  constexpr std::uint32_t kWrite = kCmdWrite;
  constexpr std::uint32_t kWriteFast = kCmdWrite | kCmdFast;

  table->Add("del", -2, kWrite, CmdDel).Keys(1, -1, 1).Specs({kKsRM | kKsDelete});
  table->Add("unlink", -2, kWriteFast, CmdDel).Keys(1, -1, 1).Specs({kKsRM | kKsDelete});
  table->Add("exists", -2, kReadFast, CmdExists).Keys(1, -1, 1).Specs({kKsRO});
  // RO without ACCESS in Redis; TOUCH stamps the access time, which only Find does.
  table->Add("touch", -2, kReadFast, CmdTouch)
      .Keys(1, -1, 1)
      .Specs({kKsRO})
      .Intent(KeyIntent::kRead);
  table->Add("type", 2, kReadFast, CmdType).Keys(1, 1, 1).Specs({kKsRO});
  table->Add("rename", 3, kWrite, CmdRename)
      .Keys(1, 2, 1)
      .Specs({kKsRW | kKsAccess | kKsDelete, kKsOW | kKsUpdate});
  table->Add("renamenx", 3, kWriteFast, CmdRenameNx)
      .Keys(1, 2, 1)
      .Specs({kKsRW | kKsAccess | kKsDelete, kKsOW | kKsInsert});
  table->Add("copy", -3, kWrite | kCmdDenyOom, CmdCopy)
      .Keys(1, 2, 1)
      .Specs({kKsRO | kKsAccess, kKsOW | kKsUpdate})
      .AccessBy(CopyAccess);
  table->Add("move", 3, kWriteFast, CmdMove)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsAccess | kKsUpdate})
      .AccessBy(MoveAccess);

  RegisterKeyspaceScanCommands(table);  // KEYS SCAN RANDOMKEY DBSIZE
  table->Add("flushdb", -1, kWrite | kCmdKeyspace, CmdFlushDb);
  table->Add("flushall", -1, kWrite | kCmdKeyspace, CmdFlushAll);
  table->Add("swapdb", 3, kWriteFast | kCmdKeyspace, CmdSwapDb);

  table->Add("expire", -3, kWriteFast, CmdExpire).Keys(1, 1, 1).Specs({kKsRW | kKsUpdate});
  table->Add("pexpire", -3, kWriteFast, CmdPExpire).Keys(1, 1, 1).Specs({kKsRW | kKsUpdate});
  table->Add("expireat", -3, kWriteFast, CmdExpireAt).Keys(1, 1, 1).Specs({kKsRW | kKsUpdate});
  table->Add("pexpireat", -3, kWriteFast, CmdPExpireAt).Keys(1, 1, 1).Specs({kKsRW | kKsUpdate});
  // Redis counts the expiry as user data (ACCESS); Stat gives it without the value.
  table->Add("ttl", 2, kReadFast | kCmdRandom, CmdTtl)
      .Keys(1, 1, 1)
      .Specs({kKsRO | kKsAccess})
      .Intent(KeyIntent::kMeta);
  table->Add("pttl", 2, kReadFast | kCmdRandom, CmdPTtl)
      .Keys(1, 1, 1)
      .Specs({kKsRO | kKsAccess})
      .Intent(KeyIntent::kMeta);
  table->Add("expiretime", 2, kReadFast, CmdExpireTime)
      .Keys(1, 1, 1)
      .Specs({kKsRO | kKsAccess})
      .Intent(KeyIntent::kMeta);
  table->Add("pexpiretime", 2, kReadFast, CmdPExpireTime)
      .Keys(1, 1, 1)
      .Specs({kKsRO | kKsAccess})
      .Intent(KeyIntent::kMeta);
  table->Add("persist", 2, kWriteFast, CmdPersist).Keys(1, 1, 1).Specs({kKsRW | kKsUpdate});

  auto& object = table->Add("object", -2, 0, nullptr);
  // RO without ACCESS in Redis; the encoding, refcount and size are read off the value.
  object.Sub("encoding", 3, kRead, CmdObjectEncoding)
      .Keys(2, 2, 1)
      .Specs({kKsRO})
      .Intent(KeyIntent::kRead);
  object.Sub("refcount", 3, kRead, CmdObjectRefcount)
      .Keys(2, 2, 1)
      .Specs({kKsRO})
      .Intent(KeyIntent::kRead);
  object.Sub("idletime", 3, kRead, CmdObjectIdletime).Keys(2, 2, 1).Specs({kKsRO});
  object.Sub("freq", 3, kRead, CmdObjectFreq).Keys(2, 2, 1).Specs({kKsRO});
  object.Sub("help", 2, kCmdLoading | kCmdStale, CmdObjectHelp);

  RegisterKeyspaceMemoryCommands(table);  // MEMORY and its subcommands
}

}  // namespace strata
