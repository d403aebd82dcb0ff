// String commands (Redis's t_string.c): GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET
// MSET MSETNX APPEND STRLEN INCR DECR INCRBY DECRBY INCRBYFLOAT GETRANGE SETRANGE SUBSTR LCS.
//
// Lookups follow Redis's split between read and write lookups: commands that read a value
// to answer with it use Keyspace::Find (counted as a keyspace hit or miss), commands that
// only inspect a key before writing it use Keyspace::Peek (Redis does not count those).
//
// GET, SET and the INCR family are hot: their common paths allocate nothing beyond what
// the engine does (numbers are formatted into stack buffers).
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"
#include "commands/util.h"
#include "state/server_state.h"

namespace strata {
namespace {

constexpr std::string_view kErrOffsetRange = "ERR offset is out of range";
constexpr std::string_view kErrStringTooBig =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
constexpr std::string_view kErrNanOrInf = "ERR increment would produce NaN or Infinity";
constexpr std::string_view kErrDecrementOverflow = "ERR decrement would overflow";
constexpr std::string_view kErrLcsType = "ERR The specified keys must contain string values";
constexpr std::string_view kErrLcsLenAndIdx =
    "ERR If you want both the length and indexes, please just use IDX.";
constexpr std::string_view kErrLcsTooLong = "ERR String too long for LCS";
constexpr std::string_view kErrLcsMemory =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Error paths may allocate; the formatted text names the command as Redis's table does.
void ReplyInvalidExpire(CommandContext& ctx, std::string_view cmd) {
  std::string msg = "ERR invalid expire time in '";
  msg.append(cmd);
  msg.append("' command");
  ctx.reply.Error(msg);
}

void ReplyWrongArity(CommandContext& ctx, std::string_view cmd) {
  std::string msg = "ERR wrong number of arguments for '";
  msg.append(cmd);
  msg.append("' command");
  ctx.reply.Error(msg);
}

// Whether `total = a + b` bytes would exceed proto-max-bulk-len (or overflow).
bool ExceedsMaxBulk(CommandContext& ctx, std::uint64_t a, std::uint64_t b) {
  auto limit = static_cast<std::uint64_t>(std::max<std::int64_t>(
      0, ctx.server.runtime().proto_max_bulk_len.load(std::memory_order_relaxed)));
  return a > limit || b > limit - a;
}

enum class ExpireKind : std::uint8_t { kNone, kEx, kPx, kExAt, kPxAt };

// Turns the argument of EX/PX/EXAT/PXAT into an absolute Unix time in ms. Replies with
// Redis's error and returns false if it is not an integer, not positive, or the result
// overflows.
bool ResolveExpire(CommandContext& ctx, ExpireKind kind, std::string_view arg, std::string_view cmd,
                   std::int64_t* at_ms) {
  std::int64_t v;
  if (!ParseInt64(arg, &v)) {
    ctx.reply.Error(kErrNotInteger);
    return false;
  }
  const bool seconds = kind == ExpireKind::kEx || kind == ExpireKind::kExAt;
  if (v <= 0 || (seconds && v > std::numeric_limits<std::int64_t>::max() / 1000)) {
    ReplyInvalidExpire(ctx, cmd);
    return false;
  }
  if (seconds) v *= 1000;
  if (kind == ExpireKind::kEx || kind == ExpireKind::kPx) {
    if (__builtin_add_overflow(v, NowMs(), &v)) {
      ReplyInvalidExpire(ctx, cmd);
      return false;
    }
  }
  *at_ms = v;
  return true;
}

// Options shared by SET (NX XX GET KEEPTTL + expiry) and GETEX (PERSIST + expiry).
struct StringOptions {
  bool nx = false;
  bool xx = false;
  bool get = false;
  bool keepttl = false;
  bool persist = false;
  ExpireKind expire = ExpireKind::kNone;
  std::string_view expire_arg;
};

ExpireKind ExpireKindOf(std::string_view opt) {
  if (EqualsIgnoreCase(opt, "ex")) return ExpireKind::kEx;
  if (EqualsIgnoreCase(opt, "px")) return ExpireKind::kPx;
  if (EqualsIgnoreCase(opt, "exat")) return ExpireKind::kExAt;
  if (EqualsIgnoreCase(opt, "pxat")) return ExpireKind::kPxAt;
  return ExpireKind::kNone;
}

// Parses args[first..] with Redis's rules: conflicting options (NX with XX, two different
// expiry forms, KEEPTTL or PERSIST with an expiry) are syntax errors, repeating the same
// option is not (the last expiry wins). `for_set` selects SET's options, else GETEX's.
bool ParseStringOptions(CommandContext& ctx, std::size_t first, bool for_set, StringOptions* o) {
  const auto& args = ctx.args;
  for (std::size_t j = first; j < args.size(); ++j) {
    std::string_view opt = args[j];
    const bool has_next = j + 1 < args.size();
    const bool has_expire = o->expire != ExpireKind::kNone;
    ExpireKind kind = ExpireKindOf(opt);
    bool ok = false;
    if (kind != ExpireKind::kNone) {
      ok = has_next && !o->keepttl && !o->persist && (!has_expire || o->expire == kind);
      if (ok) {
        o->expire = kind;
        o->expire_arg = args[++j];
      }
    } else if (for_set && EqualsIgnoreCase(opt, "nx")) {
      ok = !o->xx;
      o->nx = true;
    } else if (for_set && EqualsIgnoreCase(opt, "xx")) {
      ok = !o->nx;
      o->xx = true;
    } else if (for_set && EqualsIgnoreCase(opt, "get")) {
      ok = true;
      o->get = true;
    } else if (for_set && EqualsIgnoreCase(opt, "keepttl")) {
      ok = !has_expire;
      o->keepttl = true;
    } else if (!for_set && EqualsIgnoreCase(opt, "persist")) {
      ok = !has_expire;
      o->persist = true;
    }
    if (!ok) {
      ctx.reply.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

// Replies with the string at `key` (nil if absent). Returns false, after replying
// WRONGTYPE, if the key holds another type. `*found` tells whether the key exists.
bool ReplyStringValue(CommandContext& ctx, std::string_view key, bool* found) {
  ValueRef v = ctx.ks->Find(ctx.db, key);
  *found = static_cast<bool>(v);
  if (!v) {
    ctx.reply.Null();
  } else if (v.type != ValueType::kString) {
    ctx.reply.Error(kErrWrongType);
    return false;
  } else {
    ctx.reply.Bulk(v.str);
  }
  return true;
}

// ---- GET / SET and variants ----------------------------------------------------------

void CmdGet(CommandContext& ctx) {
  ValueRef v = ctx.ks->Find(ctx.db, ctx.args[1]);
  if (!v) {
    ctx.reply.Null();
  } else if (v.type != ValueType::kString) {
    ctx.reply.Error(kErrWrongType);
  } else {
    ctx.reply.Bulk(v.str);
  }
}

// The body of SET, SETEX and PSETEX once the options are known.
void SetGeneric(CommandContext& ctx, const StringOptions& o, std::string_view key,
                std::string_view value, std::string_view cmd) {
  std::int64_t expire_at = o.keepttl ? kKeepExpire : kNoExpire;
  if (o.expire != ExpireKind::kNone &&
      !ResolveExpire(ctx, o.expire, o.expire_arg, cmd, &expire_at)) {
    return;
  }
  bool found;
  if (o.get) {
    // The old value is the reply; it is written out before the key is replaced.
    if (!ReplyStringValue(ctx, key, &found)) return;
  } else {
    found = static_cast<bool>(ctx.ks->Stat(ctx.db, key));
  }
  if ((o.nx && found) || (o.xx && !found)) {
    if (!o.get) ctx.reply.Null();
    return;
  }
  ctx.ks->SetString(ctx.db, key, value, expire_at);
  ctx.SignalModified(key);
  ctx.Notify(kNotifyString, "set", key);
  if (o.expire != ExpireKind::kNone) ctx.Notify(kNotifyGeneric, "expire", key);
  if (!o.get) ctx.reply.Ok();
}

// SET replaces the value without reading it, unless GET asks for the old one.
KeyIntent SetIntent(std::span<const std::string_view> args) {
  for (std::size_t i = 3; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "get")) return KeyIntent::kWrite;
  }
  return KeyIntent::kOverwrite;
}

void CmdSet(CommandContext& ctx) {
  if (ctx.args.size() == 3) {  // the plain form: no option parsing at all
    ctx.ks->SetString(ctx.db, ctx.args[1], ctx.args[2], kNoExpire);
    ctx.SignalModified(ctx.args[1]);
    ctx.Notify(kNotifyString, "set", ctx.args[1]);
    ctx.reply.Ok();
    return;
  }
  StringOptions o;
  if (!ParseStringOptions(ctx, 3, /*for_set=*/true, &o)) return;
  SetGeneric(ctx, o, ctx.args[1], ctx.args[2], "set");
}

void CmdSetNx(CommandContext& ctx) {
  if (ctx.ks->Stat(ctx.db, ctx.args[1])) {
    ctx.reply.Integer(0);
    return;
  }
  ctx.ks->SetString(ctx.db, ctx.args[1], ctx.args[2], kNoExpire);
  ctx.SignalModified(ctx.args[1]);
  ctx.Notify(kNotifyString, "set", ctx.args[1]);
  ctx.reply.Integer(1);
}

void CmdSetEx(CommandContext& ctx) {
  StringOptions o;
  o.expire = ExpireKind::kEx;
  o.expire_arg = ctx.args[2];
  SetGeneric(ctx, o, ctx.args[1], ctx.args[3], "setex");
}

void CmdPSetEx(CommandContext& ctx) {
  StringOptions o;
  o.expire = ExpireKind::kPx;
  o.expire_arg = ctx.args[2];
  SetGeneric(ctx, o, ctx.args[1], ctx.args[3], "psetex");
}

void CmdGetSet(CommandContext& ctx) {
  bool found;
  if (!ReplyStringValue(ctx, ctx.args[1], &found)) return;
  ctx.ks->SetString(ctx.db, ctx.args[1], ctx.args[2], kNoExpire);
  ctx.SignalModified(ctx.args[1]);
  ctx.Notify(kNotifyString, "set", ctx.args[1]);
}

void CmdGetDel(CommandContext& ctx) {
  bool found;
  if (!ReplyStringValue(ctx, ctx.args[1], &found)) return;
  if (found && ctx.ks->Delete(ctx.db, ctx.args[1])) {
    ctx.SignalModified(ctx.args[1]);
    ctx.Notify(kNotifyGeneric, "del", ctx.args[1]);
  }
}

void CmdGetEx(CommandContext& ctx) {
  StringOptions o;
  if (!ParseStringOptions(ctx, 2, /*for_set=*/false, &o)) return;
  ValueRef v = ctx.ks->Find(ctx.db, ctx.args[1]);
  if (!v) {
    ctx.reply.Null();
    return;
  }
  if (v.type != ValueType::kString) {
    ctx.reply.Error(kErrWrongType);
    return;
  }
  // Unlike SET, Redis validates the expiry only once the key is known to be a string.
  std::int64_t expire_at = kNoExpire;
  if (o.expire != ExpireKind::kNone &&
      !ResolveExpire(ctx, o.expire, o.expire_arg, "getex", &expire_at)) {
    return;
  }
  const bool had_expire = v.expire_at_ms != kNoExpire;
  ctx.reply.Bulk(v.str);
  // An absolute time already past deletes the key (SetExpire does that), as in Redis.
  if (o.expire != ExpireKind::kNone) {
    ctx.ks->SetExpire(ctx.db, ctx.args[1], expire_at);
    ctx.SignalModified(ctx.args[1]);
    // A time already past deleted it.
    ctx.Notify(kNotifyGeneric, ctx.ks->Stat(ctx.db, ctx.args[1]) ? "expire" : "del", ctx.args[1]);
  } else if (o.persist && had_expire) {
    ctx.ks->SetExpire(ctx.db, ctx.args[1], kNoExpire);
    ctx.SignalModified(ctx.args[1]);
    ctx.Notify(kNotifyGeneric, "persist", ctx.args[1]);
  }
}

// ---- Multi-key -----------------------------------------------------------------------

void CmdMGet(CommandContext& ctx) {
  ctx.reply.ArrayHeader(ctx.args.size() - 1);
  for (std::size_t i = 1; i < ctx.args.size(); ++i) {
    ValueRef v = ctx.ks->Find(ctx.db, ctx.args[i]);
    if (v.type == ValueType::kString) {
      ctx.reply.Bulk(v.str);
    } else {
      ctx.reply.Null();  // absent keys and other types alike
    }
  }
}

void CmdMSet(CommandContext& ctx) {
  if (ctx.args.size() % 2 == 0) {
    ReplyWrongArity(ctx, "mset");
    return;
  }
  for (std::size_t i = 1; i < ctx.args.size(); i += 2) {
    ctx.ks->SetString(ctx.db, ctx.args[i], ctx.args[i + 1], kNoExpire);
    ctx.SignalModified(ctx.args[i]);
    ctx.Notify(kNotifyString, "set", ctx.args[i]);
  }
  ctx.reply.Ok();
}

void CmdMSetNx(CommandContext& ctx) {
  if (ctx.args.size() % 2 == 0) {
    ReplyWrongArity(ctx, "msetnx");
    return;
  }
  for (std::size_t i = 1; i < ctx.args.size(); i += 2) {
    if (ctx.ks->Stat(ctx.db, ctx.args[i])) {
      ctx.reply.Integer(0);
      return;
    }
  }
  for (std::size_t i = 1; i < ctx.args.size(); i += 2) {
    ctx.ks->SetString(ctx.db, ctx.args[i], ctx.args[i + 1], kNoExpire);
    ctx.SignalModified(ctx.args[i]);
    ctx.Notify(kNotifyString, "set", ctx.args[i]);
  }
  ctx.reply.Integer(1);
}

// ---- APPEND / STRLEN / ranges --------------------------------------------------------

void CmdAppend(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  std::string_view tail = ctx.args[2];
  ValueRef v = ctx.ks->Peek(ctx.db, key);
  if (!v) {
    ctx.ks->SetString(ctx.db, key, tail, kNoExpire);
    ctx.SignalModified(key);
    ctx.Notify(kNotifyString, "append", key);
    ctx.reply.Integer(static_cast<std::int64_t>(tail.size()));
    return;
  }
  if (v.type != ValueType::kString) {
    ctx.reply.Error(kErrWrongType);
    return;
  }
  const std::size_t old_len = v.str.size();
  if (ExceedsMaxBulk(ctx, old_len, tail.size())) {
    ctx.reply.Error(kErrStringTooBig);
    return;
  }
  // ResizeString grows geometrically, so APPEND in a loop stays linear; it keeps the TTL.
  char* p = ctx.ks->ResizeString(ctx.db, key, old_len + tail.size());
  if (!tail.empty()) std::memcpy(p + old_len, tail.data(), tail.size());
  ctx.SignalModified(key);  // even for an empty tail, as Redis
  ctx.Notify(kNotifyString, "append", key);
  ctx.reply.Integer(static_cast<std::int64_t>(old_len + tail.size()));
}

void CmdStrlen(CommandContext& ctx) {
  ValueRef v = ctx.ks->Find(ctx.db, ctx.args[1]);
  if (!v) {
    ctx.reply.Integer(0);
  } else if (v.type != ValueType::kString) {
    ctx.reply.Error(kErrWrongType);
  } else {
    ctx.reply.Integer(static_cast<std::int64_t>(v.str.size()));
  }
}

// GETRANGE and SUBSTR: inclusive [start, end] with negative indexes counting from the end.
void CmdGetRange(CommandContext& ctx) {
  std::int64_t start, end;
  if (!ParseInt64(ctx.args[2], &start) || !ParseInt64(ctx.args[3], &end)) {
    ctx.reply.Error(kErrNotInteger);
    return;
  }
  ValueRef v = ctx.ks->Find(ctx.db, ctx.args[1]);
  if (!v) {
    ctx.reply.Bulk("");
    return;
  }
  if (v.type != ValueType::kString) {
    ctx.reply.Error(kErrWrongType);
    return;
  }
  const auto len = static_cast<std::int64_t>(v.str.size());
  // Both negative and inverted: empty, even if clamping would make them overlap.
  if (start < 0 && end < 0 && start > end) {
    ctx.reply.Bulk("");
    return;
  }
  if (start < 0) start = std::max<std::int64_t>(0, len + start);
  if (end < 0) end = std::max<std::int64_t>(0, len + end);
  if (end >= len) end = len - 1;
  if (len == 0 || start > end) {
    ctx.reply.Bulk("");
    return;
  }
  ctx.reply.Bulk(
      v.str.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(end - start + 1)));
}

void CmdSetRange(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  std::string_view value = ctx.args[3];
  std::int64_t offset;
  if (!ParseInt64(ctx.args[2], &offset)) {
    ctx.reply.Error(kErrNotInteger);
    return;
  }
  if (offset < 0) {
    ctx.reply.Error(kErrOffsetRange);
    return;
  }
  ValueRef v = ctx.ks->Peek(ctx.db, key);
  if (v && v.type != ValueType::kString) {
    ctx.reply.Error(kErrWrongType);
    return;
  }
  const std::size_t old_len = v ? v.str.size() : 0;
  if (value.empty()) {  // nothing to write: report the current length, create nothing
    ctx.reply.Integer(static_cast<std::int64_t>(old_len));
    return;
  }
  const auto off = static_cast<std::uint64_t>(offset);
  if (ExceedsMaxBulk(ctx, off, value.size())) {
    ctx.reply.Error(kErrStringTooBig);
    return;
  }
  const std::size_t new_len = std::max<std::size_t>(old_len, off + value.size());
  // ResizeString zero-fills any gap between the old end and the offset.
  char* p = ctx.ks->ResizeString(ctx.db, key, new_len);
  std::memcpy(p + off, value.data(), value.size());
  ctx.SignalModified(key);
  ctx.Notify(kNotifyString, "setrange", key);
  ctx.reply.Integer(static_cast<std::int64_t>(new_len));
}

// ---- Counters ------------------------------------------------------------------------

// Adds `delta` to the integer at `key` (0 if absent), keeping the key's TTL.
void IncrDecrBy(CommandContext& ctx, std::int64_t delta) {
  std::string_view key = ctx.args[1];
  ValueRef v = ctx.ks->Peek(ctx.db, key);
  std::int64_t cur = 0;
  if (v) {
    if (v.type != ValueType::kString) {
      ctx.reply.Error(kErrWrongType);
      return;
    }
    if (!ParseInt64(v.str, &cur)) {
      ctx.reply.Error(kErrNotInteger);
      return;
    }
  }
  std::int64_t result;
  if (__builtin_add_overflow(cur, delta, &result)) {
    ctx.reply.Error(kErrOverflow);
    return;
  }
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), result);
  (void)ec;
  ctx.ks->SetString(ctx.db, key, std::string_view(buf, static_cast<std::size_t>(end - buf)),
                    kKeepExpire);
  ctx.SignalModified(key);
  ctx.Notify(kNotifyString, "incrby", key);
  ctx.reply.Integer(result);
}

void CmdIncr(CommandContext& ctx) { IncrDecrBy(ctx, 1); }
void CmdDecr(CommandContext& ctx) { IncrDecrBy(ctx, -1); }

void CmdIncrBy(CommandContext& ctx) {
  std::int64_t delta;
  if (!ParseInt64(ctx.args[2], &delta)) {
    ctx.reply.Error(kErrNotInteger);
    return;
  }
  IncrDecrBy(ctx, delta);
}

void CmdDecrBy(CommandContext& ctx) {
  std::int64_t delta;
  if (!ParseInt64(ctx.args[2], &delta)) {
    ctx.reply.Error(kErrNotInteger);
    return;
  }
  if (delta == std::numeric_limits<std::int64_t>::min()) {  // cannot be negated
    ctx.reply.Error(kErrDecrementOverflow);
    return;
  }
  IncrDecrBy(ctx, -delta);
}

void CmdIncrByFloat(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  ValueRef v = ctx.ks->Peek(ctx.db, key);
  if (v && v.type != ValueType::kString) {
    ctx.reply.Error(kErrWrongType);
    return;
  }
  long double cur = 0;
  long double incr;
  if ((v && !ParseLongDouble(v.str, &cur)) || !ParseLongDouble(ctx.args[2], &incr)) {
    ctx.reply.Error(kErrNotFloat);
    return;
  }
  const long double result = cur + incr;
  if (std::isnan(result) || std::isinf(result)) {
    ctx.reply.Error(kErrNanOrInf);
    return;
  }
  std::string text = FormatLongDouble(result);
  ctx.ks->SetString(ctx.db, key, text, kKeepExpire);
  // Redis stores an INCRBYFLOAT result as a string object even when it reads as an integer,
  // so OBJECT ENCODING says "embstr" for "3".
  ctx.ks->MarkStringNotInteger(ctx.db, key);
  ctx.SignalModified(key);
  ctx.Notify(kNotifyString, "incrbyfloat", key);
  ctx.reply.Bulk(text);
}

// ---- LCS -----------------------------------------------------------------------------

struct LcsRange {
  std::uint32_t a_start, a_end, b_start, b_end;
};

// The longest common subsequence of two strings by the classic dynamic-programming table
// (O(|a|·|b|) time and memory), walked back from the end to recover the subsequence and
// its contiguous matching ranges, newest (rightmost) first, as Redis reports them.
class LcsSolver {
 public:
  LcsSolver(std::string_view a, std::string_view b) : a_(a), b_(b), cols_(b.size() + 1) {}

  // Allocates the table without throwing; false if memory is short.
  bool Allocate(std::size_t cells) {
    table_.reset(new (std::nothrow) std::uint32_t[cells]);
    return table_ != nullptr;
  }

  void Fill() {
    for (std::size_t j = 0; j <= b_.size(); ++j) At(0, j) = 0;
    for (std::size_t i = 1; i <= a_.size(); ++i) {
      At(i, 0) = 0;
      for (std::size_t j = 1; j <= b_.size(); ++j) {
        if (a_[i - 1] == b_[j - 1]) {
          At(i, j) = At(i - 1, j - 1) + 1;
        } else {
          At(i, j) = std::max(At(i - 1, j), At(i, j - 1));
        }
      }
    }
  }

  std::uint32_t Length() { return At(a_.size(), b_.size()); }

  // Recovers the subsequence into *text and the matching ranges of at least `min_len`
  // bytes into *ranges.
  void Walk(std::int64_t min_len, std::string* text, std::vector<LcsRange>* ranges) {
    std::uint32_t remaining = Length();
    text->assign(remaining, '\0');
    std::size_t i = a_.size();
    std::size_t j = b_.size();
    bool open = false;  // whether `cur` holds a range being extended backwards
    LcsRange cur{};
    auto close = [&] {
      if (open && static_cast<std::int64_t>(cur.a_end - cur.a_start + 1) >= min_len) {
        ranges->push_back(cur);
      }
      open = false;
    };
    while (i > 0 && j > 0) {
      if (a_[i - 1] == b_[j - 1]) {
        (*text)[--remaining] = a_[i - 1];
        const auto ai = static_cast<std::uint32_t>(i - 1);
        const auto bj = static_cast<std::uint32_t>(j - 1);
        if (open && cur.a_start == ai + 1 && cur.b_start == bj + 1) {
          cur.a_start = ai;
          cur.b_start = bj;
        } else {
          close();
          cur = {ai, ai, bj, bj};
          open = true;
        }
        --i;
        --j;
        // A range touching the start of either string cannot grow further.
        if (cur.a_start == 0 || cur.b_start == 0) close();
      } else {
        if (At(i - 1, j) > At(i, j - 1)) {
          --i;
        } else {
          --j;
        }
        close();
      }
    }
  }

 private:
  std::uint32_t& At(std::size_t i, std::size_t j) { return table_[i * cols_ + j]; }

  std::string_view a_, b_;
  std::size_t cols_;
  std::unique_ptr<std::uint32_t[]> table_;
};

void CmdLcs(CommandContext& ctx) {
  ValueRef va = ctx.ks->Find(ctx.db, ctx.args[1]);
  ValueRef vb = ctx.ks->Find(ctx.db, ctx.args[2]);
  if ((va && va.type != ValueType::kString) || (vb && vb.type != ValueType::kString)) {
    ctx.reply.Error(kErrLcsType);
    return;
  }
  bool want_len = false;
  bool want_idx = false;
  bool with_match_len = false;
  std::int64_t min_match_len = 0;
  for (std::size_t j = 3; j < ctx.args.size(); ++j) {
    std::string_view opt = ctx.args[j];
    if (EqualsIgnoreCase(opt, "idx")) {
      want_idx = true;
    } else if (EqualsIgnoreCase(opt, "len")) {
      want_len = true;
    } else if (EqualsIgnoreCase(opt, "withmatchlen")) {
      with_match_len = true;
    } else if (EqualsIgnoreCase(opt, "minmatchlen") && j + 1 < ctx.args.size()) {
      if (!ParseInt64(ctx.args[++j], &min_match_len)) {
        ctx.reply.Error(kErrNotInteger);
        return;
      }
      if (min_match_len < 0) min_match_len = 0;
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  if (want_idx && want_len) {
    ctx.reply.Error(kErrLcsLenAndIdx);
    return;
  }
  // Both lookups happen before anything is written, so the views stay valid.
  std::string_view a = va ? va.str : std::string_view();
  std::string_view b = vb ? vb.str : std::string_view();
  constexpr std::uint64_t kMaxLen = std::numeric_limits<std::uint32_t>::max() - 1;
  if (a.size() >= kMaxLen || b.size() >= kMaxLen) {
    ctx.reply.Error(kErrLcsTooLong);
    return;
  }
  // The table is transient memory bounded by proto-max-bulk-len, as in Redis.
  const std::uint64_t cells = (a.size() + 1) * static_cast<std::uint64_t>(b.size() + 1);
  const auto limit = static_cast<std::uint64_t>(std::max<std::int64_t>(
      0, ctx.server.runtime().proto_max_bulk_len.load(std::memory_order_relaxed)));
  LcsSolver solver(a, b);
  if (cells > limit / sizeof(std::uint32_t) || !solver.Allocate(cells)) {
    ctx.reply.Error(kErrLcsMemory);
    return;
  }
  solver.Fill();
  if (want_len) {
    ctx.reply.Integer(solver.Length());
    return;
  }
  std::string text;
  std::vector<LcsRange> ranges;
  solver.Walk(want_idx ? min_match_len : 0, &text, &ranges);
  if (!want_idx) {
    ctx.reply.Bulk(text);
    return;
  }
  ctx.reply.MapHeader(2);
  ctx.reply.Bulk("matches");
  ctx.reply.ArrayHeader(ranges.size());
  for (const LcsRange& r : ranges) {
    ctx.reply.ArrayHeader(with_match_len ? 3 : 2);
    ctx.reply.ArrayHeader(2);
    ctx.reply.Integer(r.a_start);
    ctx.reply.Integer(r.a_end);
    ctx.reply.ArrayHeader(2);
    ctx.reply.Integer(r.b_start);
    ctx.reply.Integer(r.b_end);
    if (with_match_len) ctx.reply.Integer(r.a_end - r.a_start + 1);
  }
  ctx.reply.Bulk("len");
  ctx.reply.Integer(solver.Length());
}

}  // namespace

void RegisterStringCommands(CommandTable* table) {
  constexpr std::uint32_t kRead = kCmdReadOnly;
  constexpr std::uint32_t kReadFast = kCmdReadOnly | kCmdFast;
  constexpr std::uint32_t kWrite = kCmdWrite | kCmdDenyOom;
  constexpr std::uint32_t kWriteFast = kCmdWrite | kCmdDenyOom | kCmdFast;

  table->Add("get", 2, kReadFast, CmdGet).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("set", -3, kWrite, CmdSet)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsAccess | kKsUpdate | kKsVariableFlags})
      .SpecNotes("RW and ACCESS due to the optional `GET` argument")
      .IntentBy(SetIntent);
  table->Add("setnx", 3, kWriteFast, CmdSetNx).Keys(1, 1, 1).Specs({kKsOW | kKsInsert});
  table->Add("setex", 4, kWrite, CmdSetEx).Keys(1, 1, 1).Specs({kKsOW | kKsUpdate});
  table->Add("psetex", 4, kWrite, CmdPSetEx).Keys(1, 1, 1).Specs({kKsOW | kKsUpdate});
  table->Add("getset", 3, kWriteFast, CmdGetSet)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsAccess | kKsUpdate});
  table->Add("getdel", 2, kCmdWrite | kCmdFast, CmdGetDel)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsAccess | kKsDelete});
  table->Add("getex", -2, kCmdWrite | kCmdFast, CmdGetEx)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsAccess | kKsUpdate})
      .SpecNotes("RW and UPDATE because it changes the TTL");
  table->Add("mget", -2, kReadFast, CmdMGet).Keys(1, -1, 1).Specs({kKsRO | kKsAccess});
  table->Add("mset", -3, kWrite, CmdMSet).Keys(1, -1, 2).Specs({kKsOW | kKsUpdate});
  table->Add("msetnx", -3, kWrite, CmdMSetNx).Keys(1, -1, 2).Specs({kKsOW | kKsInsert});
  table->Add("append", 3, kWriteFast, CmdAppend).Keys(1, 1, 1).Specs({kKsRW | kKsInsert});
  // RO without ACCESS in Redis, but the length is in the value (Stat has none): read it.
  table->Add("strlen", 2, kReadFast, CmdStrlen)
      .Keys(1, 1, 1)
      .Specs({kKsRO})
      .Intent(KeyIntent::kRead);
  table->Add("incr", 2, kWriteFast, CmdIncr).Keys(1, 1, 1).Specs({kKsRW | kKsAccess | kKsUpdate});
  table->Add("decr", 2, kWriteFast, CmdDecr).Keys(1, 1, 1).Specs({kKsRW | kKsAccess | kKsUpdate});
  table->Add("incrby", 3, kWriteFast, CmdIncrBy)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsAccess | kKsUpdate});
  table->Add("decrby", 3, kWriteFast, CmdDecrBy)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsAccess | kKsUpdate});
  table->Add("incrbyfloat", 3, kWriteFast, CmdIncrByFloat)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsAccess | kKsUpdate});
  table->Add("getrange", 4, kRead, CmdGetRange).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("setrange", 4, kWrite, CmdSetRange).Keys(1, 1, 1).Specs({kKsRW | kKsUpdate});
  table->Add("substr", 4, kRead, CmdGetRange).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("lcs", -3, kRead, CmdLcs).Keys(1, 2, 1).Specs({kKsRO | kKsAccess});
}

}  // namespace strata
