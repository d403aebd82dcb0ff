// Sorted set commands: ZADD/ZINCRBY, the point lookups (ZREM, ZSCORE, ZRANK...), ZRANDMEMBER
// and ZSCAN here; ranges, pops and algebra in the other zset_*.cc files (zset_family.h). The
// family's documentation and its one registration table are at the bottom of this file.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command.h"
#include "commands/command_docs_table.h"
#include "commands/typed.h"
#include "commands/util.h"
#include "commands/zset_family.h"
#include "types/zset.h"

namespace strata {
namespace {

using types::ZSetObject;

constexpr std::string_view kErrNaN = "ERR resulting score is not a number (NaN)";

// ---- ZADD / ZINCRBY -----------------------------------------------------------------------

struct AddFlags {
  bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
};

// Applies the pairs; replies. `pairs` holds (score, member) in argument order.
void ZAddApply(CommandContext& ctx, std::string_view key, const AddFlags& f,
               const std::vector<std::pair<double, std::string_view>>& pairs) {
  auto found = FindTypedForWrite<ZSetObject>(ctx, key);
  if (found.wrong_type) return;
  ZSetObject* z = found.obj;
  std::unique_ptr<ZSetObject> created;
  if (!z) {
    if (f.xx) {
      if (f.incr) {
        ctx.reply.Null();
      } else {
        ctx.reply.Integer(0);
      }
      return;
    }
    std::size_t maxlen = pairs.empty() ? 0 : pairs[0].second.size();
    created = std::make_unique<ZSetObject>(0, maxlen);
    z = created.get();
  }
  std::int64_t added = 0, updated = 0, processed = 0;
  double last = 0;
  for (const auto& [score_arg, member] : pairs) {
    double score = score_arg;
    std::optional<double> cur = z->Score(member);
    if (cur) {
      if (f.nx) continue;
      if (f.incr) {
        score += *cur;
        if (std::isnan(score)) {
          // Only reachable with a single pair (INCR), so nothing was changed yet.
          ctx.reply.Error(kErrNaN);
          return;
        }
      }
      if ((f.lt && score >= *cur) || (f.gt && score <= *cur)) continue;
      ++processed;
      last = score;
      if (score != *cur) {
        z->Update(member, *cur, score);
        ++updated;
      }
    } else {
      if (f.xx) continue;
      z->Insert(member, score);
      ++added;
      ++processed;
      last = score;
    }
  }
  if (created) {
    if (created->size() > 0) {
      ctx.ks->SetObject(ctx.db, key, std::move(created), kNoExpire);
      ctx.SignalModified(key);
      ctx.Notify(kNotifyZset, f.incr ? "zincr" : "zadd", key);
    }
  } else if (added || updated) {
    CommitTyped(ctx, key, z, {kNotifyZset, f.incr ? "zincr" : "zadd"});
  }
  if (f.incr) {
    if (processed) {
      ctx.reply.Double(last);
    } else {
      ctx.reply.Null();
    }
  } else {
    ctx.reply.Integer(f.ch ? added + updated : added);
  }
}

void CmdZAdd(CommandContext& ctx) {
  AddFlags f;
  std::size_t i = 2;
  for (; i < ctx.args.size(); ++i) {
    std::string_view a = ctx.args[i];
    if (EqualsIgnoreCase(a, "nx")) f.nx = true;
    else if (EqualsIgnoreCase(a, "xx")) f.xx = true;
    else if (EqualsIgnoreCase(a, "gt")) f.gt = true;
    else if (EqualsIgnoreCase(a, "lt")) f.lt = true;
    else if (EqualsIgnoreCase(a, "ch")) f.ch = true;
    else if (EqualsIgnoreCase(a, "incr")) f.incr = true;
    else break;
  }
  std::size_t elements = ctx.args.size() - i;
  if (elements == 0 || elements % 2 != 0) return ctx.reply.Error(kErrSyntax);
  if (f.nx && f.xx) {
    return ctx.reply.Error("ERR XX and NX options at the same time are not compatible");
  }
  if ((f.gt && f.nx) || (f.lt && f.nx) || (f.gt && f.lt)) {
    return ctx.reply.Error("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (f.incr && elements > 2) {
    return ctx.reply.Error("ERR INCR option supports a single increment-element pair");
  }
  std::vector<std::pair<double, std::string_view>> pairs;
  pairs.reserve(elements / 2);
  for (; i < ctx.args.size(); i += 2) {
    double s;
    if (!ParseDouble(ctx.args[i], &s)) return ctx.reply.Error(kErrNotFloat);
    pairs.emplace_back(s, ctx.args[i + 1]);
  }
  ZAddApply(ctx, ctx.args[1], f, pairs);
}

void CmdZIncrBy(CommandContext& ctx) {
  double by;
  if (!ParseDouble(ctx.args[2], &by)) return ctx.reply.Error(kErrNotFloat);
  AddFlags f;
  f.incr = true;
  ZAddApply(ctx, ctx.args[1], f, {{by, ctx.args[3]}});
}

// ---- Point commands --------------------------------------------------------------------

void CmdZRem(CommandContext& ctx) {
  auto found = FindTypedForWrite<ZSetObject>(ctx, ctx.args[1]);
  if (found.wrong_type) return;
  std::int64_t removed = 0;
  if (found.obj) {
    for (std::size_t i = 2; i < ctx.args.size(); ++i) removed += found.obj->Remove(ctx.args[i]);
    if (removed) CommitTyped(ctx, ctx.args[1], found.obj, {kNotifyZset, "zrem"});
  }
  ctx.reply.Integer(removed);
}

void CmdZScore(CommandContext& ctx) {
  auto found = FindTyped<ZSetObject>(ctx, ctx.args[1]);
  if (found.wrong_type) return;
  std::optional<double> s;
  if (found.obj) s = found.obj->Score(ctx.args[2]);
  if (s) {
    ctx.reply.Double(*s);
  } else {
    ctx.reply.Null();
  }
}

void CmdZMScore(CommandContext& ctx) {
  auto found = FindTyped<ZSetObject>(ctx, ctx.args[1]);
  if (found.wrong_type) return;
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (std::size_t i = 2; i < ctx.args.size(); ++i) {
    std::optional<double> s;
    if (found.obj) s = found.obj->Score(ctx.args[i]);
    if (s) {
      ctx.reply.Double(*s);
    } else {
      ctx.reply.Null();
    }
  }
}

void CmdZCard(CommandContext& ctx) {
  auto found = FindTyped<ZSetObject>(ctx, ctx.args[1]);
  if (found.wrong_type) return;
  ctx.reply.Integer(found.obj ? static_cast<std::int64_t>(found.obj->size()) : 0);
}

void RankCommand(CommandContext& ctx, bool reverse) {
  auto found = FindTyped<ZSetObject>(ctx, ctx.args[1]);
  if (found.wrong_type) return;
  std::optional<std::size_t> r;
  if (found.obj) r = found.obj->Rank(ctx.args[2]);
  if (!r) return ctx.reply.Null();
  std::size_t rank = reverse ? found.obj->size() - 1 - *r : *r;
  ctx.reply.Integer(static_cast<std::int64_t>(rank));
}

void CmdZRank(CommandContext& ctx) { RankCommand(ctx, false); }
void CmdZRevRank(CommandContext& ctx) { RankCommand(ctx, true); }

// ZRANDMEMBER key [count [WITHSCORES]].
void CmdZRandMember(CommandContext& ctx) {
  const auto& args = ctx.args;
  if (args.size() > 4) return ctx.reply.Error(kErrSyntax);
  bool withscores = false;
  std::int64_t count = 0;
  if (args.size() >= 3) {
    if (auto err = ParseRandomCount(args[2], &count); !err.empty()) {
      return ctx.reply.Error(err);
    }
    if (args.size() == 4) {
      if (!EqualsIgnoreCase(args[3], "withscores")) return ctx.reply.Error(kErrSyntax);
      withscores = true;
      // Redis refuses counts whose reply length (two entries each) would overflow.
      if (count < -INT64_MAX / 2) return ctx.reply.Error("ERR value is out of range");
    }
  }
  auto found = FindTyped<ZSetObject>(ctx, args[1]);
  if (found.wrong_type) return;
  const ZSetObject* z = found.obj;
  if (args.size() == 2) {
    if (!z) return ctx.reply.Null();
    z->ForRange(CommandRng()() % z->size(), 1, false,
                [&](std::string_view m, double) { ctx.reply.Bulk(m); });
    return;
  }
  if (!z || count == 0) return ctx.reply.ArrayHeader(0);
  auto emit = [&](std::size_t rank) {
    z->ForRange(rank, 1, false,
                [&](std::string_view m, double s) { EmitEntry(ctx.reply, m, s, withscores); });
  };
  std::size_t size = z->size();
  if (count < 0) {
    // Independent picks, repetitions allowed.
    auto n = static_cast<std::uint64_t>(-count);
    RangeHeader(ctx.reply, n, withscores);
    for (std::uint64_t i = 0; i < n; ++i) emit(CommandRng()() % size);
    return;
  }
  if (static_cast<std::uint64_t>(count) >= size) {
    RangeHeader(ctx.reply, size, withscores);
    z->ForRange(0, size, false,
                [&](std::string_view m, double s) { EmitEntry(ctx.reply, m, s, withscores); });
    return;
  }
  // Distinct picks: a partial Fisher-Yates shuffle over the ranks.
  std::vector<std::size_t> ranks(size);
  for (std::size_t i = 0; i < size; ++i) ranks[i] = i;
  auto n = static_cast<std::size_t>(count);
  RangeHeader(ctx.reply, n, withscores);
  for (std::size_t i = 0; i < n; ++i) {
    std::swap(ranks[i], ranks[i + CommandRng()() % (size - i)]);
    emit(ranks[i]);
  }
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]
void CmdZScan(CommandContext& ctx) {
  ElementScan scan;
  const ZSetObject* z = BeginElementScan<ZSetObject>(ctx, &scan);
  if (z == nullptr) return;
  std::vector<std::pair<std::string, double>> out;
  std::uint64_t next = z->Scan(scan.cursor, scan.count, [&](std::string_view m, double s) {
    if (scan.Matches(m)) out.emplace_back(m, s);
  });
  ctx.reply.ArrayHeader(2);
  char buf[24];
  ctx.reply.Bulk(std::string_view(buf, static_cast<std::size_t>(
                                           std::snprintf(buf, sizeof(buf), "%llu",
                                                         static_cast<unsigned long long>(next)))));
  // Scores come back as text (bulk strings) even in RESP3.
  ctx.reply.ArrayHeader(2 * out.size());
  for (const auto& [m, s] : out) {
    ctx.reply.Bulk(m);
    ctx.reply.Bulk(FormatDouble(s));
  }
}

// ---- Documentation ---------------------------------------------------------------------

constexpr std::string_view kLogN = "O(log(N)) with N the number of members in the sorted set";
constexpr std::string_view kRangeCost =
    "O(log(N)+M) with N the number of members in the sorted set and M the number of members "
    "returned";

constexpr std::string_view kUnionCost =
    "O(N)+O(M*log(M)) with N the total size of the inputs and M the size of the result";
constexpr std::string_view kInterCost =
    "O(N*K)+O(M*log(M)) worst case with N the size of the smallest input, K the number of "
    "inputs and M the size of the result";
constexpr std::string_view kDiffCost =
    "O(L+(N-K)*log(N)) worst case with L the total size of the inputs, N the size of the "
    "first input and K the size of the result";

const DocEntry kZSetDocs[] = {
    {"zadd", "1.2.0", "sorted-set", "O(log(N)) for each member added or updated", "@sortedset",
     "", "Add members to a sorted set or change the scores of existing ones",
     "key [condition: NX | XX] [comparison: GT | LT] [CH] [INCR] "
     "score:double member [data: score:double member ...]"},
    {"zincrby", "1.2.0", "sorted-set", kLogN, "@sortedset", "",
     "Add an amount to the score of a sorted set member", "key increment:integer member"},
    {"zrem", "1.2.0", "sorted-set", "O(M*log(N)) with M the number of members removed",
     "@sortedset", "", "Delete members from a sorted set", "key member [member ...]"},
    {"zscore", "1.2.0", "sorted-set", "O(1)", "@sortedset", "",
     "Return the score of a sorted set member", "key member"},
    {"zmscore", "6.2.0", "sorted-set", "O(N) with N the number of members asked for",
     "@sortedset", "", "Return the scores of several sorted set members",
     "key member [member ...]"},
    {"zcard", "1.2.0", "sorted-set", "O(1)", "@sortedset", "",
     "Return how many members a sorted set has", "key"},
    {"zrank", "2.0.0", "sorted-set", kLogN, "@sortedset", "",
     "Return the position of a member in a sorted set, lowest score first", "key member"},
    {"zrevrank", "2.0.0", "sorted-set", kLogN, "@sortedset", "",
     "Return the position of a member in a sorted set, highest score first", "key member"},
    {"zpopmin", "5.0.0", "sorted-set",
     "O(log(N)*M) with M the number of members popped", "@sortedset", "",
     "Remove and return the members with the lowest scores", "key [count:integer]"},
    {"zpopmax", "5.0.0", "sorted-set",
     "O(log(N)*M) with M the number of members popped", "@sortedset", "",
     "Remove and return the members with the highest scores", "key [count:integer]"},
    {"zrange", "1.2.0", "sorted-set", kRangeCost, "@sortedset", "",
     "Return sorted set members in a range of positions, scores or names",
     "key start stop [sortby: BYSCORE | BYLEX] [REV] [LIMIT offset:integer count:integer] "
     "[WITHSCORES]"},
    {"zrevrange", "1.2.0", "sorted-set", kRangeCost, "@sortedset", "",
     "Return sorted set members in a range of positions, highest score first",
     "key start:integer stop:integer [WITHSCORES]"},
    {"zrangebyscore", "1.0.5", "sorted-set", kRangeCost, "@sortedset", "",
     "Return sorted set members whose scores lie in a range",
     "key min:double max:double [WITHSCORES] [LIMIT offset:integer count:integer]"},
    {"zrevrangebyscore", "2.2.0", "sorted-set", kRangeCost, "@sortedset", "",
     "Return sorted set members whose scores lie in a range, highest score first",
     "key max:double min:double [WITHSCORES] [LIMIT offset:integer count:integer]"},
    {"zrangebylex", "2.8.9", "sorted-set", kRangeCost, "@sortedset", "",
     "Return sorted set members whose names lie in a range",
     "key min max [LIMIT offset:integer count:integer]"},
    {"zrevrangebylex", "2.8.9", "sorted-set", kRangeCost, "@sortedset", "",
     "Return sorted set members whose names lie in a range, in reverse order",
     "key max min [LIMIT offset:integer count:integer]"},
    {"zcount", "2.0.0", "sorted-set", kLogN, "@sortedset", "",
     "Count the sorted set members whose scores lie in a range", "key min:double max:double"},
    {"zlexcount", "2.8.9", "sorted-set", kLogN, "@sortedset", "",
     "Count the sorted set members whose names lie in a range", "key min max"},
    {"zmpop", "7.0.0", "sorted-set",
     "O(K)+O(M*log(N)) with K the number of keys and M the number of members popped",
     "@sortedset", "", "Remove and return the lowest or highest scored members of the first "
     "non-empty sorted set among several keys",
     "numkeys:integer key [key ...] <where: MIN | MAX> [COUNT count:integer]"},
    {"bzpopmin", "5.0.0", "sorted-set", kLogN, "@sortedset", "",
     "Remove and return the lowest scored member of the first non-empty sorted set, waiting "
     "for one if all are empty", "key [key ...] timeout:double"},
    {"bzpopmax", "5.0.0", "sorted-set", kLogN, "@sortedset", "",
     "Remove and return the highest scored member of the first non-empty sorted set, "
     "waiting for one if all are empty", "key [key ...] timeout:double"},
    {"bzmpop", "7.0.0", "sorted-set",
     "O(K)+O(M*log(N)) with K the number of keys and M the number of members popped",
     "@sortedset", "", "Remove and return the lowest or highest scored members of the first "
     "non-empty sorted set, waiting for one if all are empty",
     "timeout:double numkeys:integer key [key ...] <where: MIN | MAX> [COUNT count:integer]"},
    {"zrandmember", "6.2.0", "sorted-set", "O(N) with N the number of members returned",
     "@sortedset", "nondeterministic_output", "Return random members of a sorted set",
     "key [options: count:integer [WITHSCORES]]"},
    {"zscan", "2.8.0", "sorted-set",
     "O(1) per call, O(N) for a complete iteration with N the number of members",
     "@sortedset", "nondeterministic_output", "Iterate over the members and scores of a "
     "sorted set", "key cursor:integer [MATCH pattern] [COUNT count:integer]"},
    {"zremrangebyrank", "2.0.0", "sorted-set", kRangeCost, "@sortedset", "",
     "Delete the sorted set members in a range of positions", "key start:integer stop:integer"},
    {"zremrangebyscore", "1.2.0", "sorted-set", kRangeCost, "@sortedset", "",
     "Delete the sorted set members whose scores lie in a range", "key min:double max:double"},
    {"zremrangebylex", "2.8.9", "sorted-set", kRangeCost, "@sortedset", "",
     "Delete the sorted set members whose names lie in a range", "key min max"},
    {"zrangestore", "6.2.0", "sorted-set", kRangeCost, "@sortedset", "",
     "Copy a range of sorted set members into another key",
     "dst:key src:key min max [sortby: BYSCORE | BYLEX] [REV] "
     "[LIMIT offset:integer count:integer]"},
    {"zunionstore", "2.0.0", "sorted-set", kUnionCost, "@sortedset", "",
     "Store the union of sorted sets (or sets) in a key, with optional weights and "
     "aggregation", "destination numkeys:integer key [key ...] "
     "[WEIGHTS weight:integer [weight:integer ...]] [AGGREGATE <aggregate: SUM | MIN | MAX>]"},
    {"zinterstore", "2.0.0", "sorted-set", kInterCost, "@sortedset", "",
     "Store the intersection of sorted sets (or sets) in a key, with optional weights and "
     "aggregation", "destination numkeys:integer key [key ...] "
     "[WEIGHTS weight:integer [weight:integer ...]] [AGGREGATE <aggregate: SUM | MIN | MAX>]"},
    {"zdiffstore", "6.2.0", "sorted-set", kDiffCost, "@sortedset", "",
     "Store in a key the members of the first sorted set that no other input holds",
     "destination numkeys:integer key [key ...]"},
    {"zunion", "6.2.0", "sorted-set", kUnionCost, "@sortedset", "",
     "Return the union of sorted sets (or sets), with optional weights and aggregation",
     "numkeys:integer key [key ...] "
     "[WEIGHTS weight:integer [weight:integer ...]] [AGGREGATE <aggregate: SUM | MIN | MAX>] "
     "[WITHSCORES]"},
    {"zinter", "6.2.0", "sorted-set", kInterCost, "@sortedset", "",
     "Return the intersection of sorted sets (or sets), with optional weights and "
     "aggregation", "numkeys:integer key [key ...] "
     "[WEIGHTS weight:integer [weight:integer ...]] [AGGREGATE <aggregate: SUM | MIN | MAX>] "
     "[WITHSCORES]"},
    {"zdiff", "6.2.0", "sorted-set", kDiffCost, "@sortedset", "",
     "Return the members of the first sorted set that no other input holds",
     "numkeys:integer key [key ...] [WITHSCORES]"},
    {"zintercard", "7.0.0", "sorted-set",
     "O(N*K) worst case with N the size of the smallest input and K the number of inputs",
     "@sortedset", "", "Count the members of the intersection of sorted sets (or sets), "
     "optionally stopping at a limit", "numkeys:integer key [key ...] [LIMIT limit:integer]"},
};

}  // namespace

void RegisterZSetCommands(CommandTable* table) {
  AddDocEntries(kZSetDocs);
  constexpr std::uint32_t kReadFast = kCmdReadOnly | kCmdFast;
  // "numkeys key [key ...]": at args[1], after BZMPOP's timeout, after a STORE's destination.
  constexpr KeysFinder kNumKeys = NumKeysFinder<1, false>;
  constexpr KeysFinder kTimeoutNumKeys = NumKeysFinder<2, false>;
  constexpr KeysFinder kDestNumKeys = NumKeysFinder<2, true>;
  table->Add("zadd", -4, kCmdWrite | kCmdDenyOom | kCmdFast, CmdZAdd)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsUpdate});
  table->Add("zincrby", 4, kCmdWrite | kCmdDenyOom | kCmdFast, CmdZIncrBy)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsAccess | kKsUpdate});
  table->Add("zrem", -3, kCmdWrite | kCmdFast, CmdZRem).Keys(1, 1, 1).Specs({kKsRW | kKsDelete});
  table->Add("zscore", 3, kReadFast, CmdZScore).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("zmscore", -3, kReadFast, CmdZMScore).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  // RO without ACCESS in Redis, but the size is in the value (Stat has none): read it.
  table->Add("zcard", 2, kReadFast, CmdZCard).Keys(1, 1, 1).Specs({kKsRO}).Intent(KeyIntent::kRead);
  table->Add("zrank", 3, kReadFast, CmdZRank).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("zrevrank", 3, kReadFast, CmdZRevRank).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("zpopmin", -2, kCmdWrite | kCmdFast, CmdZPopMin)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsAccess | kKsDelete});
  table->Add("zpopmax", -2, kCmdWrite | kCmdFast, CmdZPopMax)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsAccess | kKsDelete});
  table->Add("zrange", -4, kCmdReadOnly, CmdZRange).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("zrevrange", -4, kCmdReadOnly, CmdZRevRange).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("zrangebyscore", -4, kCmdReadOnly, CmdZRangeByScore)
      .Keys(1, 1, 1)
      .Specs({kKsRO | kKsAccess});
  table->Add("zrevrangebyscore", -4, kCmdReadOnly, CmdZRevRangeByScore)
      .Keys(1, 1, 1)
      .Specs({kKsRO | kKsAccess});
  table->Add("zrangebylex", -4, kCmdReadOnly, CmdZRangeByLex)
      .Keys(1, 1, 1)
      .Specs({kKsRO | kKsAccess});
  table->Add("zrevrangebylex", -4, kCmdReadOnly, CmdZRevRangeByLex)
      .Keys(1, 1, 1)
      .Specs({kKsRO | kKsAccess});
  table->Add("zcount", 4, kReadFast, CmdZCount).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("zlexcount", 4, kReadFast, CmdZLexCount).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("zmpop", -4, kCmdWrite, CmdZMPop)
      .KeysBy(kNumKeys)
      .NumKeysSpec(1, kKsRW | kKsAccess | kKsDelete);
  constexpr std::uint32_t kBlock = kCmdWrite | kCmdNoScript | kCmdBlocking | kCmdFast;
  table->Add("bzpopmin", -3, kBlock, CmdBZPopMin)
      .Keys(1, -2, 1)
      .Specs({kKsRW | kKsAccess | kKsDelete});
  table->Add("bzpopmax", -3, kBlock, CmdBZPopMax)
      .Keys(1, -2, 1)
      .Specs({kKsRW | kKsAccess | kKsDelete});
  table->Add("bzmpop", -5, kCmdWrite | kCmdBlocking, CmdBZMPop)
      .KeysBy(kTimeoutNumKeys)
      .NumKeysSpec(2, kKsRW | kKsAccess | kKsDelete);
  table->Add("zrandmember", -2, kCmdReadOnly | kCmdRandom, CmdZRandMember)
      .Keys(1, 1, 1)
      .Specs({kKsRO | kKsAccess});
  table->Add("zscan", -3, kCmdReadOnly | kCmdRandom, CmdZScan)
      .Keys(1, 1, 1)
      .Specs({kKsRO | kKsAccess});
  table->Add("zremrangebyrank", 4, kCmdWrite, CmdZRemRangeByRank)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsDelete});
  table->Add("zremrangebyscore", 4, kCmdWrite, CmdZRemRangeByScore)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsDelete});
  table->Add("zremrangebylex", 4, kCmdWrite, CmdZRemRangeByLex)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsDelete});
  table->Add("zrangestore", -5, kCmdWrite | kCmdDenyOom, CmdZRangeStore)
      .Keys(1, 2, 1)
      .Specs({kKsOW | kKsUpdate, kKsRO | kKsAccess});
  constexpr std::uint32_t kStore = kCmdWrite | kCmdDenyOom;
  table->Add("zunionstore", -4, kStore, CmdZUnionStore)
      .Keys(1, 1, 1)
      .Specs({kKsOW | kKsUpdate})
      .NumKeysSpec(2, kKsRO | kKsAccess)
      .KeysBy(kDestNumKeys);
  table->Add("zinterstore", -4, kStore, CmdZInterStore)
      .Keys(1, 1, 1)
      .Specs({kKsOW | kKsUpdate})
      .NumKeysSpec(2, kKsRO | kKsAccess)
      .KeysBy(kDestNumKeys);
  table->Add("zdiffstore", -4, kStore, CmdZDiffStore)
      .Keys(1, 1, 1)
      .Specs({kKsOW | kKsUpdate})
      .NumKeysSpec(2, kKsRO | kKsAccess)
      .KeysBy(kDestNumKeys);
  table->Add("zunion", -3, kCmdReadOnly, CmdZUnion)
      .KeysBy(kNumKeys)
      .NumKeysSpec(1, kKsRO | kKsAccess);
  table->Add("zinter", -3, kCmdReadOnly, CmdZInter)
      .KeysBy(kNumKeys)
      .NumKeysSpec(1, kKsRO | kKsAccess);
  table->Add("zdiff", -3, kCmdReadOnly, CmdZDiff)
      .KeysBy(kNumKeys)
      .NumKeysSpec(1, kKsRO | kKsAccess);
  table->Add("zintercard", -3, kCmdReadOnly, CmdZInterCard)
      .KeysBy(kNumKeys)
      .NumKeysSpec(1, kKsRO | kKsAccess);
}

}  // namespace strata

