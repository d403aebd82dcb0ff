// Sorted set pops: ZPOPMIN/ZPOPMAX, ZMPOP, and the blocking BZPOPMIN/BZPOPMAX/BZMPOP.
#include <algorithm>
#include <cstdint>
#include <string_view>

#include "commands/blocking_pop.h"
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

KeyEvent PopEvent(bool max) { return {kNotifyZset, max ? "zpopmax" : "zpopmin"}; }

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
  CommitTyped(ctx, ctx.args[1], z, PopEvent(max));
}

// Replies [key, member, score] for the entry popped from `z` (non-empty).
void ReplyBZPop(ReplyBuilder& reply, std::string_view key, ZSetObject* z, bool max) {
  reply.ArrayHeader(3);
  reply.Bulk(key);
  PopEntries(reply, z, max, 1, false);
}

// BZPOPMIN / BZPOPMAX key [key ...] timeout.
void BlockingZPop(CommandContext& ctx, bool max) {
  BlockingPopCommand<ZSetObject>(
      ctx, [max](ReplyBuilder& reply, std::string_view key, ZSetObject* z) {
        ReplyBZPop(reply, key, z, max);
      },
      PopEvent(max));
}

// [B]ZMPOP: each entry popped as a [member, score] pair.
void ZMPop(CommandContext& ctx, bool blocking) {
  MultiPopCommand<ZSetObject>(
      ctx, "min", "max", blocking,
      [](ReplyBuilder& reply, ZSetObject* z, bool min, std::size_t n) {
        PopEntries(reply, z, !min, n, true);
      },
      PopEvent(false), PopEvent(true));
}

}  // namespace

void CmdZPopMin(CommandContext& ctx) { PopCommand(ctx, false); }
void CmdZPopMax(CommandContext& ctx) { PopCommand(ctx, true); }
void CmdZMPop(CommandContext& ctx) { ZMPop(ctx, false); }
void CmdBZPopMin(CommandContext& ctx) { BlockingZPop(ctx, false); }
void CmdBZPopMax(CommandContext& ctx) { BlockingZPop(ctx, true); }
void CmdBZMPop(CommandContext& ctx) { ZMPop(ctx, true); }

}  // namespace strata
