// Sorted set ranges: ZRANGE and its older forms, ZCOUNT/ZLEXCOUNT, ZREMRANGEBY* and
// ZRANGESTORE. Every range (by rank, score or lex) is turned into an interval of ascending
// ranks [lo, hi) with ZSetObject::CountBelow, then read or removed by rank, so a LIMIT query
// on a large set costs O(log n + returned).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command.h"
#include "commands/typed.h"
#include "commands/util.h"
#include "commands/zset_family.h"
#include "types/zset.h"

namespace strata {
namespace {

using types::ZSetObject;

constexpr std::string_view kErrMinMaxFloat = "ERR min or max is not a float";
constexpr std::string_view kErrMinMaxLex = "ERR min or max not valid string range item";

// ---- Range bounds ------------------------------------------------------------------------

struct ScoreBound {
  double v = 0;
  bool exclusive = false;
};

// Redis parses score bounds with plain strtod on the C string (so leading spaces and "" are
// accepted, and the bound ends at a NUL byte: "6\0x" reads as 6), rejecting trailing
// garbage and NaN; "(" marks an exclusive bound.
bool ParseScoreBound(std::string_view s, ScoreBound* b) {
  b->exclusive = !s.empty() && s[0] == '(';
  if (b->exclusive) s.remove_prefix(1);
  std::string buf(s.substr(0, s.find('\0')));
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

}  // namespace

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

namespace {

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
  if (r.second > r.first) {
    CommitTyped(ctx, ctx.args[1], z,
                {kNotifyZset, by == RemoveBy::kRank    ? "zremrangebyrank"
                              : by == RemoveBy::kScore ? "zremrangebyscore"
                                                       : "zremrangebylex"});
  }
  ctx.reply.Integer(static_cast<std::int64_t>(r.second - r.first));
}

}  // namespace

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
    if (ctx.ks->Delete(ctx.db, ctx.args[1])) {
      ctx.SignalModified(ctx.args[1]);
      ctx.Notify(kNotifyGeneric, "del", ctx.args[1]);
    }
    return ctx.reply.Integer(0);
  }
  auto n = static_cast<std::int64_t>(out->size());
  ctx.ks->SetObject(ctx.db, ctx.args[1], std::move(out), kNoExpire);
  ctx.SignalModified(ctx.args[1]);
  ctx.Notify(kNotifyZset, "zrangestore", ctx.args[1]);
  ctx.reply.Integer(n);
}

}  // namespace strata
