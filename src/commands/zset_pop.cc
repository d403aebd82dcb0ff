// Sorted set pops: ZPOPMIN/ZPOPMAX, ZMPOP, and the blocking BZPOPMIN/BZPOPMAX/BZMPOP.
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"
#include "commands/typed.h"
#include "commands/util.h"
#include "commands/zset_family.h"
#include "types/zset.h"

namespace strata {
namespace {

using types::ZSetObject;

constexpr std::string_view kErrPositive = "ERR value is out of range, must be positive";

// Replies the `n` lowest (or, with `max`, highest) entries of `z` as member, score — each
// entry as a [member, score] pair when `pairs` — and removes them. No header.
void PopEntries(ReplyBuilder& reply, ZSetObject* z, bool max, std::size_t n, bool pairs) {
  if (n == 0) return;
  std::size_t start = max ? z->size() - 1 : 0;
  z->ForRange(start, n, max, [&](std::string_view m, double s) {
    if (pairs) reply.ArrayHeader(2);
    reply.Bulk(m);
    reply.Double(s);
  });
  if (max) {
    z->RemoveRange(z->size() - n, z->size());
  } else {
    z->RemoveRange(0, n);
  }
}

void PopCommand(CommandContext& ctx, bool max) {
  if (ctx.args.size() > 3) return ctx.reply.Error(kErrSyntax);
  std::int64_t count = 1;
  bool has_count = ctx.args.size() == 3;
  if (has_count) {
    // Redis answers the same error for non-numbers and negatives here.
    if (!ParseInt64(ctx.args[2], &count) || count < 0) return ctx.reply.Error(kErrPositive);
  }
  auto found = FindTypedForWrite<ZSetObject>(ctx, ctx.args[1]);
  if (found.wrong_type) return;
  ZSetObject* z = found.obj;
  if (!z || count == 0) return ctx.reply.ArrayHeader(0);
  std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(count), z->size());
  // Without a count the reply is one flat pair, even in RESP3.
  bool pairs = has_count && ctx.reply.resp3();
  ctx.reply.ArrayHeader(pairs ? n : 2 * n);
  PopEntries(ctx.reply, z, max, n, pairs);
  CommitTyped(ctx, ctx.args[1], z);
}

}  // namespace

void CmdZPopMin(CommandContext& ctx) { PopCommand(ctx, false); }
void CmdZPopMax(CommandContext& ctx) { PopCommand(ctx, true); }

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: pops from the first non-empty key.
void ZMPopKeys(std::span<const std::string_view> args, std::vector<int>* out) {
  std::int64_t n;
  if (args.size() < 2 || !ParseInt64(args[1], &n) || n <= 0) return;
  for (std::int64_t i = 0; i < n && static_cast<std::size_t>(2 + i) + 1 < args.size(); ++i) {
    out->push_back(static_cast<int>(2 + i));
  }
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: the keys start at args[3].
void BZMPopKeys(std::span<const std::string_view> args, std::vector<int>* out) {
  if (args.size() < 2) return;
  std::size_t first = out->size();
  ZMPopKeys(args.subspan(1), out);
  for (std::size_t i = first; i < out->size(); ++i) ++(*out)[i];
}

namespace {

struct ZMPopArgs {
  std::span<const std::string_view> keys;
  bool max = false;
  std::size_t count = 1;
};

// Parses "numkeys key [key ...] MIN|MAX [COUNT count]" starting at args[1]; replies the
// error and returns false when malformed.
bool ParseZMPop(CommandContext& ctx, std::span<const std::string_view> args, ZMPopArgs* out) {
  MultiPopArgs parsed;
  if (auto err = ParseMultiPop(args, "min", "max", &parsed); !err.empty()) {
    ctx.reply.Error(err);
    return false;
  }
  out->keys = parsed.keys;
  out->max = !parsed.word_a;
  out->count = parsed.count;
  return true;
}

// Replies [key, [[member, score] ...]] with up to `count` entries popped from `z`.
void ReplyZMPop(ReplyBuilder& reply, std::string_view key, ZSetObject* z, bool max,
                std::size_t count) {
  std::size_t n = std::min(count, z->size());
  reply.ArrayHeader(2);
  reply.Bulk(key);
  reply.ArrayHeader(n);
  PopEntries(reply, z, max, n, true);
}

// Pops from the first non-empty sorted set of `a.keys`. Returns false when all are empty
// (nothing replied) or after replying WRONGTYPE (*wrong_type set).
bool TryZMPop(CommandContext& ctx, const ZMPopArgs& a, bool* wrong_type) {
  *wrong_type = false;
  for (std::string_view key : a.keys) {
    auto found = FindTypedForWrite<ZSetObject>(ctx, key);
    if (found.wrong_type) {
      *wrong_type = true;
      return false;
    }
    if (!found.obj) continue;
    ReplyZMPop(ctx.reply, key, found.obj, a.max, a.count);
    CommitTyped(ctx, key, found.obj);
    return true;
  }
  return false;
}

}  // namespace

void CmdZMPop(CommandContext& ctx) {
  ZMPopArgs a;
  if (!ParseZMPop(ctx, ctx.args, &a)) return;
  bool wrong_type;
  if (!TryZMPop(ctx, a, &wrong_type) && !wrong_type) ctx.reply.NullArray();
}

namespace {

// ---- Blocking pops -----------------------------------------------------------------------
//
// Like the list family's: an immediate attempt exactly as the non-blocking command, then a
// null reply inside MULTI/EXEC, else a wait on the keys (see state/blocking.h).

// The sorted set at `key` for a blocked client being served, or nullptr (absent or of
// another type: the client keeps waiting).
// The sorted set at `key` for a blocked client being served, or nullptr with *miss telling
// why it keeps waiting (absent, or another type).
ZSetObject* ReadyZSet(Keyspace& ks, int db, std::string_view key, ServeResult* miss) {
  WriteRef v = ks.FindForWrite(db, key);
  if (v.type == ZSetObject::kType) return static_cast<ZSetObject*>(v.obj);
  *miss = v ? ServeResult::kSkip : ServeResult::kEmpty;
  return nullptr;
}

// Replies [key, member, score] for the entry popped from `z` (non-empty).
void ReplyBZPop(ReplyBuilder& reply, std::string_view key, ZSetObject* z, bool max) {
  reply.ArrayHeader(3);
  reply.Bulk(key);
  PopEntries(reply, z, max, 1, false);
}

// BZPOPMIN / BZPOPMAX key [key ...] timeout.
void BlockingZPop(CommandContext& ctx, bool max) {
  std::int64_t timeout;
  if (auto err = ParseBlockTimeout(ctx.args.back(), &timeout); !err.empty()) {
    return ctx.reply.Error(err);
  }
  auto keys = ctx.args.subspan(1, ctx.args.size() - 2);
  for (std::string_view key : keys) {
    auto found = FindTypedForWrite<ZSetObject>(ctx, key);
    if (found.wrong_type) return;
    if (!found.obj) continue;
    ReplyBZPop(ctx.reply, key, found.obj, max);
    CommitTyped(ctx, key, found.obj);
    return;
  }
  if (ctx.in_transaction) return ctx.reply.NullArray();
  const int db = ctx.db;
  BlockOnKeys(ctx, std::vector<std::string>(keys.begin(), keys.end()), {}, timeout, false,
              [db, max](Keyspace& ks, std::string_view key, ReplyBuilder& reply) {
                ServeResult miss;
                ZSetObject* z = ReadyZSet(ks, db, key, &miss);
                if (z == nullptr) return miss;
                ReplyBZPop(reply, key, z, max);
                CommitTyped(ks, db, key, z);
                return ServeResult::kServed;
              });
}

}  // namespace

void CmdBZPopMin(CommandContext& ctx) { BlockingZPop(ctx, false); }
void CmdBZPopMax(CommandContext& ctx) { BlockingZPop(ctx, true); }

void CmdBZMPop(CommandContext& ctx) {
  // Redis checks numkeys, the direction and COUNT before the timeout.
  ZMPopArgs a;
  if (!ParseZMPop(ctx, ctx.args.subspan(1), &a)) return;
  std::int64_t timeout;
  if (auto err = ParseBlockTimeout(ctx.args[1], &timeout); !err.empty()) {
    return ctx.reply.Error(err);
  }
  bool wrong_type;
  if (TryZMPop(ctx, a, &wrong_type) || wrong_type) return;
  if (ctx.in_transaction) return ctx.reply.NullArray();
  const int db = ctx.db;
  BlockOnKeys(ctx, std::vector<std::string>(a.keys.begin(), a.keys.end()), {}, timeout, false,
              [db, max = a.max, count = a.count](Keyspace& ks, std::string_view key,
                                                 ReplyBuilder& reply) {
                ServeResult miss;
                ZSetObject* z = ReadyZSet(ks, db, key, &miss);
                if (z == nullptr) return miss;
                ReplyZMPop(reply, key, z, max, count);
                CommitTyped(ks, db, key, z);
                return ServeResult::kServed;
              });
}

}  // namespace strata
