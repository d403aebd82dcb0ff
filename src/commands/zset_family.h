// The sorted set family, split along its seams: zset_family.cc (ZADD, point lookups,
// ZRANDMEMBER, ZSCAN, the documentation and the family's one registration table),
// zset_range.cc (the ZRANGE family and its bounds), zset_pop.cc (ZPOPMIN/MAX, ZMPOP and
// the blocking pops) and zset_algebra.cc (ZUNION/ZINTER/ZDIFF, their STORE forms and
// ZINTERCARD). This header is what those files share; nothing outside the family uses it.
#pragma once

#include <cstddef>
#include <string_view>

#include "commands/command.h"
#include "protocol/reply_builder.h"

namespace strata {

// Writes one entry of a range reply: the member, or (with scores) member and score, as a
// [member, score] pair in RESP3.
inline void EmitEntry(ReplyBuilder& reply, std::string_view m, double s, bool withscores) {
  if (withscores && reply.resp3()) reply.ArrayHeader(2);
  reply.Bulk(m);
  if (withscores) reply.Double(s);
}

inline void RangeHeader(ReplyBuilder& reply, std::size_t n, bool withscores) {
  reply.ArrayHeader(withscores && !reply.resp3() ? 2 * n : n);
}

// zset_range.cc
void CmdZRange(CommandContext& ctx);
void CmdZRevRange(CommandContext& ctx);
void CmdZRangeByScore(CommandContext& ctx);
void CmdZRevRangeByScore(CommandContext& ctx);
void CmdZRangeByLex(CommandContext& ctx);
void CmdZRevRangeByLex(CommandContext& ctx);
void CmdZCount(CommandContext& ctx);
void CmdZLexCount(CommandContext& ctx);
void CmdZRemRangeByRank(CommandContext& ctx);
void CmdZRemRangeByScore(CommandContext& ctx);
void CmdZRemRangeByLex(CommandContext& ctx);
void CmdZRangeStore(CommandContext& ctx);

// zset_pop.cc
void CmdZPopMin(CommandContext& ctx);
void CmdZPopMax(CommandContext& ctx);
void CmdZMPop(CommandContext& ctx);
void CmdBZPopMin(CommandContext& ctx);
void CmdBZPopMax(CommandContext& ctx);
void CmdBZMPop(CommandContext& ctx);

// zset_algebra.cc
void CmdZUnionStore(CommandContext& ctx);
void CmdZInterStore(CommandContext& ctx);
void CmdZDiffStore(CommandContext& ctx);
void CmdZUnion(CommandContext& ctx);
void CmdZInter(CommandContext& ctx);
void CmdZDiff(CommandContext& ctx);
void CmdZInterCard(CommandContext& ctx);

}  // namespace strata
