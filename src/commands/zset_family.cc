// Sorted set commands. Every range (by rank, score or lex) is turned into an interval of
// ascending ranks [lo, hi) with ZSetObject::CountBelow, then read or removed by rank, so a
// LIMIT query on a large set costs O(log n + returned).
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "commands/command.h"
#include "commands/command_docs_table.h"
#include "commands/typed.h"
#include "commands/util.h"
#include "types/set.h"
#include "types/zset.h"

namespace strata {
namespace {

using types::SetObject;
using types::ZSetObject;

constexpr std::string_view kErrMinMaxFloat = "ERR min or max is not a float";
constexpr std::string_view kErrMinMaxLex = "ERR min or max not valid string range item";
constexpr std::string_view kErrNaN = "ERR resulting score is not a number (NaN)";
constexpr std::string_view kErrPositive = "ERR value is out of range, must be positive";


// ---- Range bounds ------------------------------------------------------------------------

struct ScoreBound {
  double v = 0;
  bool exclusive = false;
};

// Redis parses score bounds with plain strtod (so leading spaces and "" are accepted),
// rejecting trailing garbage and NaN; "(" marks an exclusive bound.
bool ParseScoreBound(std::string_view s, ScoreBound* b) {
  b->exclusive = !s.empty() && s[0] == '(';
  if (b->exclusive) s.remove_prefix(1);
  std::string buf(s);
  char* end = nullptr;
  double v = std::strtod(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size() || std::isnan(v)) return false;
  b->v = v;
  return true;
}

struct LexBound {
  enum Kind { kMinusInf, kPlusInf, kInclusive, kExclusive } kind = kInclusive;
  std::string_view s;
};

bool ParseLexBound(std::string_view s, LexBound* b) {
  if (s == "-") {
    b->kind = LexBound::kMinusInf;
  } else if (s == "+") {
    b->kind = LexBound::kPlusInf;
  } else if (!s.empty() && (s[0] == '[' || s[0] == '(')) {
    b->kind = s[0] == '[' ? LexBound::kInclusive : LexBound::kExclusive;
    b->s = s.substr(1);
  } else {
    return false;
  }
  return true;
}

// Ascending ranks [lo, hi) of the entries with min <= score <= max (bounds as given).
std::pair<std::size_t, std::size_t> ScoreRanks(const ZSetObject& z, ScoreBound min,
                                               ScoreBound max) {
  std::size_t lo = z.CountBelow([&](double s, std::string_view) {
    return min.exclusive ? s <= min.v : s < min.v;
  });
  std::size_t hi = z.CountBelow([&](double s, std::string_view) {
    return max.exclusive ? s < max.v : s <= max.v;
  });
  return {lo, hi > lo ? hi : lo};
}


// ---- Lex ranges over members that are not in lex order ------------------------------------
//
// Lex ranges assume every member has the same score. When they do not, Redis's answer is
// whatever its walk produces; for the compact (listpack) form that walk is linear and fully
// determined, so clients can observe it — and the differential test does. The helpers below
// reproduce it for listpack sets. (For skiplist sets Redis's answer depends on the random
// shape of its skiplist; there the rank search above is as good an answer as any.)

bool LexGteMin(std::string_view m, const LexBound& min) {
  switch (min.kind) {
    case LexBound::kMinusInf: return true;
    case LexBound::kPlusInf: return false;
    case LexBound::kInclusive: return m >= min.s;
    case LexBound::kExclusive: return m > min.s;
  }
  return false;
}

bool LexLteMax(std::string_view m, const LexBound& max) {
  switch (max.kind) {
    case LexBound::kMinusInf: return false;
    case LexBound::kPlusInf: return true;
    case LexBound::kInclusive: return m <= max.s;
    case LexBound::kExclusive: return m < max.s;
  }
  return false;
}

// Whether min > max (or equal with an exclusive end): the range is empty by construction.
bool LexRangeEmpty(const LexBound& min, const LexBound& max) {
  auto rank = [](const LexBound& b) {
    return b.kind == LexBound::kMinusInf ? 0 : b.kind == LexBound::kPlusInf ? 2 : 1;
  };
  int cmp;
  if (rank(min) != 1 || rank(max) != 1) {
    cmp = rank(min) == rank(max) ? 0 : (rank(min) < rank(max) ? -1 : 1);
  } else {
    cmp = min.s.compare(max.s);
    cmp = cmp < 0 ? -1 : (cmp > 0 ? 1 : 0);
  }
  return cmp > 0 ||
         (cmp == 0 && (min.kind == LexBound::kExclusive || max.kind == LexBound::kExclusive));
}

// Ascending ranks [lo, hi) of the members within a lex range, by binary search: exact when
// the members are in lex order (equal scores), which is what lex ranges are for.
std::pair<std::size_t, std::size_t> LexRanks(const ZSetObject& z, const LexBound& min,
                                             const LexBound& max) {
  std::size_t lo = z.CountBelow([&](double, std::string_view m) { return !LexGteMin(m, min); });
  std::size_t hi = z.CountBelow([&](double, std::string_view m) { return LexLteMax(m, max); });
  return {lo, hi > lo ? hi : lo};
}

std::vector<std::string_view> Members(const ZSetObject& z) {
  std::vector<std::string_view> out;
  out.reserve(z.size());
  if (z.size() > 0) {
    z.ForRange(0, z.size(), false, [&](std::string_view m, double) { out.push_back(m); });
  }
  return out;
}

// Ascending ranks [lo, hi) a lex range covers in a listpack set, following Redis's walk:
// forward from the first member >= min until one > max; `reverse` walks back from the last
// member <= max until one < min.
std::pair<std::size_t, std::size_t> ListpackLexRanks(const ZSetObject& z, const LexBound& min,
                                                     const LexBound& max, bool reverse) {
  std::vector<std::string_view> m = Members(z);
  std::size_t n = m.size();
  if (n == 0 || LexRangeEmpty(min, max) || !LexGteMin(m[n - 1], min) || !LexLteMax(m[0], max)) {
    return {0, 0};
  }
  if (!reverse) {
    std::size_t lo = 0;
    while (lo < n && !LexGteMin(m[lo], min)) ++lo;
    if (lo == n || !LexLteMax(m[lo], max)) return {0, 0};
    std::size_t hi = lo;
    while (hi < n && LexLteMax(m[hi], max)) ++hi;
    return {lo, hi};
  }
  std::size_t hi = n;
  while (hi > 0 && !LexLteMax(m[hi - 1], max)) --hi;
  if (hi == 0 || !LexGteMin(m[hi - 1], min)) return {0, 0};
  std::size_t lo = hi;
  while (lo > 0 && LexGteMin(m[lo - 1], min)) --lo;
  return {lo, hi};
}

std::pair<std::size_t, std::size_t> LexRangeRanks(const ZSetObject& z, const LexBound& min,
                                                  const LexBound& max, bool reverse) {
  return z.is_listpack() ? ListpackLexRanks(z, min, max, reverse) : LexRanks(z, min, max);
}

// Writes one entry of a range reply: the member, or (with scores) member and score, as a
// [member, score] pair in RESP3.
void EmitEntry(ReplyBuilder& reply, std::string_view m, double s, bool withscores) {
  if (withscores && reply.resp3()) reply.ArrayHeader(2);
  reply.Bulk(m);
  if (withscores) reply.Double(s);
}

void RangeHeader(ReplyBuilder& reply, std::size_t n, bool withscores) {
  reply.ArrayHeader(withscores && !reply.resp3() ? 2 * n : n);
}

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
    }
  } else if (added || updated) {
    CommitTyped(ctx, key, z);
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
    if (removed) CommitTyped(ctx, ctx.args[1], found.obj);
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

void CmdZMPop(CommandContext& ctx) {
  ZMPopArgs a;
  if (!ParseZMPop(ctx, ctx.args, &a)) return;
  bool wrong_type;
  if (!TryZMPop(ctx, a, &wrong_type) && !wrong_type) ctx.reply.NullArray();
}

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
  BlockOnKeys(ctx, std::vector<std::string>(keys.begin(), keys.end()), {}, timeout,
              [db, max](Keyspace& ks, std::string_view key, ReplyBuilder& reply) {
                ServeResult miss;
                ZSetObject* z = ReadyZSet(ks, db, key, &miss);
                if (z == nullptr) return miss;
                ReplyBZPop(reply, key, z, max);
                CommitTyped(ks, db, key, z);
                return ServeResult::kServed;
              });
}

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
  BlockOnKeys(ctx, std::vector<std::string>(a.keys.begin(), a.keys.end()), {}, timeout,
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

// ---- ZRANGE and friends ---------------------------------------------------------------------

enum class RangeType { kAuto, kRank, kScore, kLex };

struct RangeRequest {
  RangeType type = RangeType::kAuto;
  int reverse = -1;  // -1: not given
  bool withscores = false;
  std::int64_t offset = 0;
  std::int64_t limit = -1;
  ScoreBound smin, smax;
  LexBound lmin, lmax;
  std::int64_t start = 0, end = 0;
};

// Parses "<min> <max> [options]" at args[first..]; replies the error and returns false.
// `type`/`reverse` preset by the legacy commands (ZRANGEBYSCORE...) cannot be given again.
bool ParseRange(CommandContext& ctx, std::size_t first, bool store, RangeRequest* rq) {
  const auto& args = ctx.args;
  for (std::size_t j = first + 2; j < args.size(); ++j) {
    std::size_t left = args.size() - j - 1;
    std::string_view a = args[j];
    if (!store && EqualsIgnoreCase(a, "withscores")) {
      rq->withscores = true;
    } else if (EqualsIgnoreCase(a, "limit") && left >= 2) {
      if (!ParseInt64(args[j + 1], &rq->offset) || !ParseInt64(args[j + 2], &rq->limit)) {
        ctx.reply.Error(kErrNotInteger);
        return false;
      }
      j += 2;
    } else if (rq->reverse == -1 && EqualsIgnoreCase(a, "rev")) {
      rq->reverse = 1;
    } else if (rq->type == RangeType::kAuto && EqualsIgnoreCase(a, "bylex")) {
      rq->type = RangeType::kLex;
    } else if (rq->type == RangeType::kAuto && EqualsIgnoreCase(a, "byscore")) {
      rq->type = RangeType::kScore;
    } else {
      ctx.reply.Error(kErrSyntax);
      return false;
    }
  }
  if (rq->reverse == -1) rq->reverse = 0;
  if (rq->type == RangeType::kAuto) rq->type = RangeType::kRank;
  // Redis tests the limit against its "unset" value, so "LIMIT 0 -1" passes with ranks.
  if (rq->limit != -1 && rq->type == RangeType::kRank) {
    ctx.reply.Error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    return false;
  }
  if (rq->withscores && rq->type == RangeType::kLex) {
    ctx.reply.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return false;
  }
  std::string_view lo = args[first], hi = args[first + 1];
  if (rq->reverse && rq->type != RangeType::kRank) std::swap(lo, hi);
  switch (rq->type) {
    case RangeType::kAuto:
    case RangeType::kRank:
      if (!ParseInt64(lo, &rq->start) || !ParseInt64(hi, &rq->end)) {
        ctx.reply.Error(kErrNotInteger);
        return false;
      }
      break;
    case RangeType::kScore:
      if (!ParseScoreBound(lo, &rq->smin) || !ParseScoreBound(hi, &rq->smax)) {
        ctx.reply.Error(kErrMinMaxFloat);
        return false;
      }
      break;
    case RangeType::kLex:
      if (!ParseLexBound(lo, &rq->lmin) || !ParseLexBound(hi, &rq->lmax)) {
        ctx.reply.Error(kErrMinMaxLex);
        return false;
      }
      break;
  }
  return true;
}

// The selected entries as a walk: `count` entries from ascending rank `from`, upwards or
// (reverse) downwards.
struct RangeWalk {
  std::size_t from = 0, count = 0;
  bool reverse = false;
};

RangeWalk Resolve(const ZSetObject& z, const RangeRequest& rq) {
  std::pair<std::size_t, std::size_t> r;
  bool reverse = rq.reverse == 1;
  if (rq.type == RangeType::kRank) {
    // Reverse ranks count from the top: map them onto ascending ranks.
    r = IndexRange(z.size(), rq.start, rq.end);
    if (reverse && r.second > r.first) r = {z.size() - r.second, z.size() - r.first};
  } else if (rq.type == RangeType::kScore) {
    r = ScoreRanks(z, rq.smin, rq.smax);
  } else {
    r = LexRangeRanks(z, rq.lmin, rq.lmax, reverse);
  }
  std::size_t n = r.second - r.first;
  if (rq.type == RangeType::kLex && z.is_listpack() && n > 0) {
    // Redis skips the offset without looking, then emits while the far bound holds: with
    // members out of lex order that can leave [lo, hi) (see ListpackLexRanks).
    if (rq.offset < 0) return {};
    std::vector<std::string_view> m = Members(z);
    auto off = static_cast<std::uint64_t>(rq.offset);
    std::size_t count = 0;
    if (!reverse) {
      if (off >= m.size() - r.first) return {};
      std::size_t from = r.first + static_cast<std::size_t>(off);
      while (from + count < m.size() && LexLteMax(m[from + count], rq.lmax) &&
             (rq.limit < 0 || count < static_cast<std::uint64_t>(rq.limit))) {
        ++count;
      }
      return count == 0 ? RangeWalk{} : RangeWalk{from, count, false};
    }
    if (off >= r.second) return {};
    std::size_t from = r.second - 1 - static_cast<std::size_t>(off);
    while (count <= from && LexGteMin(m[from - count], rq.lmin) &&
           (rq.limit < 0 || count < static_cast<std::uint64_t>(rq.limit))) {
      ++count;
    }
    return count == 0 ? RangeWalk{} : RangeWalk{from, count, true};
  }
  if (rq.type != RangeType::kRank) {
    // A negative offset skips everything in Redis; a negative limit means "all".
    if (rq.offset < 0 || static_cast<std::uint64_t>(rq.offset) >= n) return {};
    n -= static_cast<std::size_t>(rq.offset);
    if (rq.limit >= 0 && static_cast<std::uint64_t>(rq.limit) < n) {
      n = static_cast<std::size_t>(rq.limit);
    }
    if (n == 0) return {};
    std::size_t off = static_cast<std::size_t>(rq.offset);
    return reverse ? RangeWalk{r.second - 1 - off, n, true} : RangeWalk{r.first + off, n, false};
  }
  if (n == 0) return {};
  return reverse ? RangeWalk{r.second - 1, n, true} : RangeWalk{r.first, n, false};
}

void RangeCommand(CommandContext& ctx, RangeType type, int reverse) {
  RangeRequest rq;
  rq.type = type;
  rq.reverse = reverse;
  if (!ParseRange(ctx, 2, false, &rq)) return;
  auto found = FindTyped<ZSetObject>(ctx, ctx.args[1]);
  if (found.wrong_type) return;
  if (!found.obj) return ctx.reply.ArrayHeader(0);
  RangeWalk w = Resolve(*found.obj, rq);
  RangeHeader(ctx.reply, w.count, rq.withscores);
  found.obj->ForRange(w.from, w.count, w.reverse, [&](std::string_view m, double s) {
    EmitEntry(ctx.reply, m, s, rq.withscores);
  });
}

void CmdZRange(CommandContext& ctx) { RangeCommand(ctx, RangeType::kAuto, -1); }
void CmdZRevRange(CommandContext& ctx) { RangeCommand(ctx, RangeType::kRank, 1); }
void CmdZRangeByScore(CommandContext& ctx) { RangeCommand(ctx, RangeType::kScore, 0); }
void CmdZRevRangeByScore(CommandContext& ctx) { RangeCommand(ctx, RangeType::kScore, 1); }
void CmdZRangeByLex(CommandContext& ctx) { RangeCommand(ctx, RangeType::kLex, 0); }
void CmdZRevRangeByLex(CommandContext& ctx) { RangeCommand(ctx, RangeType::kLex, 1); }

void CmdZCount(CommandContext& ctx) {
  ScoreBound min, max;
  if (!ParseScoreBound(ctx.args[2], &min) || !ParseScoreBound(ctx.args[3], &max)) {
    return ctx.reply.Error(kErrMinMaxFloat);
  }
  auto found = FindTyped<ZSetObject>(ctx, ctx.args[1]);
  if (found.wrong_type) return;
  if (!found.obj) return ctx.reply.Integer(0);
  auto r = ScoreRanks(*found.obj, min, max);
  ctx.reply.Integer(static_cast<std::int64_t>(r.second - r.first));
}

void CmdZLexCount(CommandContext& ctx) {
  LexBound min, max;
  if (!ParseLexBound(ctx.args[2], &min) || !ParseLexBound(ctx.args[3], &max)) {
    return ctx.reply.Error(kErrMinMaxLex);
  }
  auto found = FindTyped<ZSetObject>(ctx, ctx.args[1]);
  if (found.wrong_type) return;
  if (!found.obj) return ctx.reply.Integer(0);
  auto r = LexRangeRanks(*found.obj, min, max, false);
  ctx.reply.Integer(static_cast<std::int64_t>(r.second - r.first));
}

// ---- Removal by range and ZRANGESTORE ------------------------------------------------------

enum class RemoveBy { kRank, kScore, kLex };

void RemoveRangeCommand(CommandContext& ctx, RemoveBy by) {
  // The range is parsed before the key is looked up, as Redis does.
  std::int64_t start = 0, end = 0;
  ScoreBound smin, smax;
  LexBound lmin, lmax;
  if (by == RemoveBy::kRank) {
    if (!ParseInt64(ctx.args[2], &start) || !ParseInt64(ctx.args[3], &end)) {
      return ctx.reply.Error(kErrNotInteger);
    }
  } else if (by == RemoveBy::kScore) {
    if (!ParseScoreBound(ctx.args[2], &smin) || !ParseScoreBound(ctx.args[3], &smax)) {
      return ctx.reply.Error(kErrMinMaxFloat);
    }
  } else if (!ParseLexBound(ctx.args[2], &lmin) || !ParseLexBound(ctx.args[3], &lmax)) {
    return ctx.reply.Error(kErrMinMaxLex);
  }
  auto found = FindTypedForWrite<ZSetObject>(ctx, ctx.args[1]);
  if (found.wrong_type) return;
  if (!found.obj) return ctx.reply.Integer(0);
  ZSetObject* z = found.obj;
  std::pair<std::size_t, std::size_t> r =
      by == RemoveBy::kRank    ? IndexRange(z->size(), start, end)
      : by == RemoveBy::kScore ? ScoreRanks(*z, smin, smax)
                               : LexRangeRanks(*z, lmin, lmax, false);
  z->RemoveRange(r.first, r.second);
  if (r.second > r.first) CommitTyped(ctx, ctx.args[1], z);
  ctx.reply.Integer(static_cast<std::int64_t>(r.second - r.first));
}

void CmdZRemRangeByRank(CommandContext& ctx) { RemoveRangeCommand(ctx, RemoveBy::kRank); }
void CmdZRemRangeByScore(CommandContext& ctx) { RemoveRangeCommand(ctx, RemoveBy::kScore); }
void CmdZRemRangeByLex(CommandContext& ctx) { RemoveRangeCommand(ctx, RemoveBy::kLex); }

void CmdZRangeStore(CommandContext& ctx) {
  RangeRequest rq;
  if (!ParseRange(ctx, 3, true, &rq)) return;
  auto found = FindTyped<ZSetObject>(ctx, ctx.args[2]);
  if (found.wrong_type) return;
  std::unique_ptr<ZSetObject> out;
  if (found.obj) {
    RangeWalk w = Resolve(*found.obj, rq);
    if (w.count > 0) {
      out = std::make_unique<ZSetObject>(w.count, 0);
      // Source and destination may be the same key: build the result before replacing.
      found.obj->ForRange(w.from, w.count, w.reverse,
                          [&](std::string_view m, double s) { out->Insert(m, s); });
    }
  }
  if (!out) {
    if (ctx.ks->Delete(ctx.db, ctx.args[1])) ctx.SignalModified(ctx.args[1]);
    return ctx.reply.Integer(0);
  }
  auto n = static_cast<std::int64_t>(out->size());
  ctx.ks->SetObject(ctx.db, ctx.args[1], std::move(out), kNoExpire);
  ctx.SignalModified(ctx.args[1]);
  ctx.reply.Integer(n);
}

// ---- Algebra: ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD --------------------------

enum class AlgebraOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// One input of an algebra command: a sorted set, a plain set (each member scoring 1), or
// nothing (a missing key), with its weight.
struct AlgebraInput {
  const ZSetObject* z = nullptr;
  const SetObject* s = nullptr;
  double weight = 1;

  std::size_t size() const {
    if (z) return z->size();
    return s ? s->size() : 0;
  }
  bool Find(std::string_view m, double* score) const {
    if (z) {
      std::optional<double> v = z->Score(m);
      if (!v) return false;
      *score = *v;
      return true;
    }
    if (s && s->Contains(m)) {
      *score = 1.0;
      return true;
    }
    return false;
  }
  // fn(member, score) for every entry; the member view lives only during the call.
  template <typename F>
  void ForEach(F&& fn) const {
    if (z) {
      z->ForRange(0, z->size(), false, [&](std::string_view m, double sc) { fn(m, sc); });
    } else if (s) {
      s->ForEach([&](std::string_view m) { fn(m, 1.0); });
    }
  }
};

// Folds `v` into `*target`. A sum that comes out NaN (inf + -inf) counts as 0, as in Redis;
// MIN and MAX compare with `<` / `>`, so a NaN `v` leaves the target as it was.
void AggregateInto(double* target, double v, Aggregate agg) {
  switch (agg) {
    case Aggregate::kSum:
      *target += v;
      if (std::isnan(*target)) *target = 0.0;
      break;
    case Aggregate::kMin:
      if (v < *target) *target = v;
      break;
    case Aggregate::kMax:
      if (v > *target) *target = v;
      break;
  }
}

struct MemberHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Key positions of "numkeys key [key ...]" commands, numkeys at `at` (and, for the STORE
// forms, the destination just before it). Like Redis's GETKEYS: no keys at all when numkeys
// is malformed, below 1, or larger than the arguments that follow it.
void NumKeysPositions(std::span<const std::string_view> args, std::size_t at, bool dest,
                      std::vector<int>* out) {
  std::int64_t n;
  if (args.size() <= at || !ParseInt64(args[at], &n) || n < 1 ||
      static_cast<std::uint64_t>(n) > args.size() - at - 1) {
    return;
  }
  if (dest) out->push_back(static_cast<int>(at - 1));
  for (std::int64_t i = 0; i < n; ++i) out->push_back(static_cast<int>(at + 1 + i));
}

void StoreAlgebraKeys(std::span<const std::string_view> args, std::vector<int>* out) {
  NumKeysPositions(args, 2, true, out);
}

void ReadAlgebraKeys(std::span<const std::string_view> args, std::vector<int>* out) {
  NumKeysPositions(args, 1, false, out);
}

// The shared body, in Redis's order of checks: numkeys, then every input's type, then the
// options; `store` puts the result in args[1], `card_only` (ZINTERCARD) counts it.
void AlgebraCommand(CommandContext& ctx, AlgebraOp op, bool store, bool card_only = false) {
  const auto& args = ctx.args;
  const std::size_t at = store ? 2 : 1;
  std::int64_t numkeys;
  if (!ParseInt64(args[at], &numkeys)) return ctx.reply.Error(kErrNotInteger);
  if (numkeys < 1) {
    std::string msg = "ERR at least 1 input key is needed for '";
    msg += ToLower(args[0]);
    msg += "' command";
    return ctx.reply.Error(msg);
  }
  if (static_cast<std::uint64_t>(numkeys) > args.size() - at - 1) {
    return ctx.reply.Error(kErrSyntax);
  }
  const auto n = static_cast<std::size_t>(numkeys);
  std::vector<AlgebraInput> in(n);
  for (std::size_t i = 0; i < n; ++i) {
    ValueRef v = ctx.ks->Find(ctx.db, args[at + 1 + i]);
    if (!v) continue;
    if (v.type == ValueType::kZSet) {
      in[i].z = static_cast<const ZSetObject*>(v.obj);
    } else if (v.type == ValueType::kSet) {
      in[i].s = static_cast<const SetObject*>(v.obj);
    } else {
      return ctx.reply.Error(kErrWrongType);
    }
  }

  Aggregate agg = Aggregate::kSum;
  bool withscores = false;
  std::int64_t limit = 0;  // ZINTERCARD: 0 is no limit
  for (std::size_t j = at + 1 + n; j < args.size();) {
    const std::size_t remaining = args.size() - j;
    if (card_only) {
      if (remaining >= 2 && EqualsIgnoreCase(args[j], "limit")) {
        if (!ParseInt64(args[j + 1], &limit) || limit < 0) {
          return ctx.reply.Error("ERR LIMIT can't be negative");
        }
        j += 2;
      } else {
        return ctx.reply.Error(kErrSyntax);
      }
    } else if (op != AlgebraOp::kDiff && remaining > n && EqualsIgnoreCase(args[j], "weights")) {
      ++j;
      for (std::size_t i = 0; i < n; ++i, ++j) {
        if (!ParseDouble(args[j], &in[i].weight)) {
          return ctx.reply.Error("ERR weight value is not a float");
        }
      }
    } else if (op != AlgebraOp::kDiff && remaining >= 2 &&
               EqualsIgnoreCase(args[j], "aggregate")) {
      std::string_view a = args[j + 1];
      if (EqualsIgnoreCase(a, "sum")) {
        agg = Aggregate::kSum;
      } else if (EqualsIgnoreCase(a, "min")) {
        agg = Aggregate::kMin;
      } else if (EqualsIgnoreCase(a, "max")) {
        agg = Aggregate::kMax;
      } else {
        return ctx.reply.Error(kErrSyntax);
      }
      j += 2;
    } else if (!store && EqualsIgnoreCase(args[j], "withscores")) {
      withscores = true;
      ++j;
    } else {
      return ctx.reply.Error(kErrSyntax);
    }
  }

  // Union and intersection visit the inputs smallest first (a stable order: inputs of equal
  // size keep their argument order). Sums of doubles depend on that order, so this is part
  // of the result, not only of the cost.
  if (op != AlgebraOp::kDiff) {
    std::stable_sort(in.begin(), in.end(), [](const AlgebraInput& a, const AlgebraInput& b) {
      return a.size() < b.size();
    });
  }

  std::vector<std::pair<std::string, double>> out;
  std::uint64_t card = 0;
  switch (op) {
    case AlgebraOp::kUnion: {
      std::unordered_map<std::string, double, MemberHash, std::equal_to<>> acc;
      acc.reserve(in.back().size());
      for (const AlgebraInput& src : in) {
        src.ForEach([&](std::string_view m, double s) {
          double score = src.weight * s;
          if (std::isnan(score)) score = 0;
          auto it = acc.find(m);
          if (it == acc.end()) {
            acc.emplace(std::string(m), score);
          } else {
            AggregateInto(&it->second, score, agg);
          }
        });
      }
      out.reserve(acc.size());
      for (auto& [m, s] : acc) out.emplace_back(m, s);
      break;
    }
    case AlgebraOp::kInter:
      in[0].ForEach([&](std::string_view m, double s) {
        if (card_only && limit > 0 && card >= static_cast<std::uint64_t>(limit)) return;
        double score = in[0].weight * s;
        if (std::isnan(score)) score = 0;
        for (std::size_t j = 1; j < n; ++j) {
          double v;
          if (!in[j].Find(m, &v)) return;
          AggregateInto(&score, v * in[j].weight, agg);
        }
        ++card;
        if (!card_only) out.emplace_back(std::string(m), score);
      });
      break;
    case AlgebraOp::kDiff:
      in[0].ForEach([&](std::string_view m, double s) {
        double unused;
        for (std::size_t j = 1; j < n; ++j) {
          if (in[j].Find(m, &unused)) return;
        }
        out.emplace_back(std::string(m), s);
      });
      break;
  }
  if (card_only) return ctx.reply.Integer(static_cast<std::int64_t>(card));

  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return types::ZLess(a.second, a.first, b.second, b.first);
  });
  if (!store) {
    RangeHeader(ctx.reply, out.size(), withscores);
    for (const auto& [m, s] : out) EmitEntry(ctx.reply, m, s, withscores);
    return;
  }
  // The destination is replaced whatever it held (and loses its TTL); an empty result
  // deletes it. The encoding follows the result's size and longest member.
  std::string_view dest = args[1];
  if (out.empty()) {
    if (ctx.ks->Delete(ctx.db, dest)) ctx.SignalModified(dest);
    return ctx.reply.Integer(0);
  }
  std::size_t maxlen = 0;
  for (const auto& e : out) maxlen = std::max(maxlen, e.first.size());
  auto z = std::make_unique<ZSetObject>(out.size(), maxlen);
  for (const auto& [m, s] : out) z->Insert(m, s);
  ctx.ks->SetObject(ctx.db, dest, std::move(z), kNoExpire);
  ctx.SignalModified(dest);
  ctx.reply.Integer(static_cast<std::int64_t>(out.size()));
}

void CmdZUnionStore(CommandContext& ctx) { AlgebraCommand(ctx, AlgebraOp::kUnion, true); }
void CmdZInterStore(CommandContext& ctx) { AlgebraCommand(ctx, AlgebraOp::kInter, true); }
void CmdZDiffStore(CommandContext& ctx) { AlgebraCommand(ctx, AlgebraOp::kDiff, true); }
void CmdZUnion(CommandContext& ctx) { AlgebraCommand(ctx, AlgebraOp::kUnion, false); }
void CmdZInter(CommandContext& ctx) { AlgebraCommand(ctx, AlgebraOp::kInter, false); }
void CmdZDiff(CommandContext& ctx) { AlgebraCommand(ctx, AlgebraOp::kDiff, false); }
void CmdZInterCard(CommandContext& ctx) { AlgebraCommand(ctx, AlgebraOp::kInter, false, true); }

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
  table->Add("zadd", -4, kCmdWrite | kCmdDenyOom | kCmdFast, CmdZAdd).Keys(1, 1, 1);
  table->Add("zincrby", 4, kCmdWrite | kCmdDenyOom | kCmdFast, CmdZIncrBy).Keys(1, 1, 1);
  table->Add("zrem", -3, kCmdWrite | kCmdFast, CmdZRem).Keys(1, 1, 1);
  table->Add("zscore", 3, kReadFast, CmdZScore).Keys(1, 1, 1);
  table->Add("zmscore", -3, kReadFast, CmdZMScore).Keys(1, 1, 1);
  table->Add("zcard", 2, kReadFast, CmdZCard).Keys(1, 1, 1);
  table->Add("zrank", 3, kReadFast, CmdZRank).Keys(1, 1, 1);
  table->Add("zrevrank", 3, kReadFast, CmdZRevRank).Keys(1, 1, 1);
  table->Add("zpopmin", -2, kCmdWrite | kCmdFast, CmdZPopMin).Keys(1, 1, 1);
  table->Add("zpopmax", -2, kCmdWrite | kCmdFast, CmdZPopMax).Keys(1, 1, 1);
  table->Add("zrange", -4, kCmdReadOnly, CmdZRange).Keys(1, 1, 1);
  table->Add("zrevrange", -4, kCmdReadOnly, CmdZRevRange).Keys(1, 1, 1);
  table->Add("zrangebyscore", -4, kCmdReadOnly, CmdZRangeByScore).Keys(1, 1, 1);
  table->Add("zrevrangebyscore", -4, kCmdReadOnly, CmdZRevRangeByScore).Keys(1, 1, 1);
  table->Add("zrangebylex", -4, kCmdReadOnly, CmdZRangeByLex).Keys(1, 1, 1);
  table->Add("zrevrangebylex", -4, kCmdReadOnly, CmdZRevRangeByLex).Keys(1, 1, 1);
  table->Add("zcount", 4, kReadFast, CmdZCount).Keys(1, 1, 1);
  table->Add("zlexcount", 4, kReadFast, CmdZLexCount).Keys(1, 1, 1);
  table->Add("zmpop", -4, kCmdWrite, CmdZMPop).KeysBy(ZMPopKeys);
  constexpr std::uint32_t kBlock = kCmdWrite | kCmdNoScript | kCmdBlocking | kCmdFast;
  table->Add("bzpopmin", -3, kBlock, CmdBZPopMin).Keys(1, -2, 1);
  table->Add("bzpopmax", -3, kBlock, CmdBZPopMax).Keys(1, -2, 1);
  table->Add("bzmpop", -5, kCmdWrite | kCmdBlocking, CmdBZMPop).KeysBy(BZMPopKeys);
  table->Add("zrandmember", -2, kCmdReadOnly | kCmdRandom, CmdZRandMember).Keys(1, 1, 1);
  table->Add("zscan", -3, kCmdReadOnly | kCmdRandom, CmdZScan).Keys(1, 1, 1);
  table->Add("zremrangebyrank", 4, kCmdWrite, CmdZRemRangeByRank).Keys(1, 1, 1);
  table->Add("zremrangebyscore", 4, kCmdWrite, CmdZRemRangeByScore).Keys(1, 1, 1);
  table->Add("zremrangebylex", 4, kCmdWrite, CmdZRemRangeByLex).Keys(1, 1, 1);
  table->Add("zrangestore", -5, kCmdWrite | kCmdDenyOom, CmdZRangeStore).Keys(1, 2, 1);
  constexpr std::uint32_t kStore = kCmdWrite | kCmdDenyOom;
  table->Add("zunionstore", -4, kStore, CmdZUnionStore).Keys(1, 1, 1).KeysBy(StoreAlgebraKeys);
  table->Add("zinterstore", -4, kStore, CmdZInterStore).Keys(1, 1, 1).KeysBy(StoreAlgebraKeys);
  table->Add("zdiffstore", -4, kStore, CmdZDiffStore).Keys(1, 1, 1).KeysBy(StoreAlgebraKeys);
  table->Add("zunion", -3, kCmdReadOnly, CmdZUnion).KeysBy(ReadAlgebraKeys);
  table->Add("zinter", -3, kCmdReadOnly, CmdZInter).KeysBy(ReadAlgebraKeys);
  table->Add("zdiff", -3, kCmdReadOnly, CmdZDiff).KeysBy(ReadAlgebraKeys);
  table->Add("zintercard", -3, kCmdReadOnly, CmdZInterCard).KeysBy(ReadAlgebraKeys);
}

}  // namespace strata
