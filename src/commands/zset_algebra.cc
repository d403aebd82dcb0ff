// Sorted set algebra: ZUNION, ZINTER, ZDIFF, their STORE forms, and ZINTERCARD. Inputs may
// be sorted sets or plain sets (whose members score 1).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "commands/command.h"
#include "commands/typed.h"
#include "commands/util.h"
#include "commands/zset_family.h"
#include "types/set.h"
#include "types/zset.h"

namespace strata {
namespace {

using types::SetObject;
using types::ZSetObject;

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

// What one algebra command asks for. `store` puts the result in args[1]; `card_only`
// (ZINTERCARD) counts it instead of returning it.
struct AlgebraRequest {
  AlgebraOp op = AlgebraOp::kUnion;
  bool store = false;
  bool card_only = false;
  std::size_t first_key = 0;  // args index of the first input key
  std::size_t numkeys = 0;
  Aggregate agg = Aggregate::kSum;
  bool withscores = false;
  std::int64_t limit = 0;  // ZINTERCARD: 0 is no limit
};

using ScoredMembers = std::vector<std::pair<std::string, double>>;

// numkeys, at args[first_key - 1]. Replies the error and returns false when malformed.
bool ParseNumKeys(CommandContext& ctx, AlgebraRequest* rq) {
  const auto& args = ctx.args;
  std::int64_t numkeys;
  if (!ParseInt64(args[rq->first_key - 1], &numkeys)) {
    ctx.reply.Error(kErrNotInteger);
    return false;
  }
  if (numkeys < 1) {
    std::string msg = "ERR at least 1 input key is needed for '";
    msg += ToLower(args[0]);
    msg += "' command";
    ctx.reply.Error(msg);
    return false;
  }
  if (static_cast<std::uint64_t>(numkeys) > args.size() - rq->first_key) {
    ctx.reply.Error(kErrSyntax);
    return false;
  }
  rq->numkeys = static_cast<std::size_t>(numkeys);
  return true;
}

// Looks every input up (a missing key is an empty input). Replies WRONGTYPE and returns
// false when one holds neither a sorted set nor a set.
bool GatherInputs(CommandContext& ctx, const AlgebraRequest& rq, std::vector<AlgebraInput>* in) {
  in->resize(rq.numkeys);
  for (std::size_t i = 0; i < rq.numkeys; ++i) {
    ValueRef v = ctx.ks->Find(ctx.db, ctx.args[rq.first_key + i]);
    if (!v) continue;
    if (v.type == ValueType::kZSet) {
      (*in)[i].z = static_cast<const ZSetObject*>(v.obj);
    } else if (v.type == ValueType::kSet) {
      (*in)[i].s = static_cast<const SetObject*>(v.obj);
    } else {
      ctx.reply.Error(kErrWrongType);
      return false;
    }
  }
  return true;
}

// The options after the keys: LIMIT for ZINTERCARD; else WEIGHTS (into the inputs) and
// AGGREGATE (not for ZDIFF), WITHSCORES (not for the STORE forms). Replies the error and
// returns false when malformed.
bool ParseOptions(CommandContext& ctx, AlgebraRequest* rq, std::vector<AlgebraInput>* in) {
  const auto& args = ctx.args;
  const std::size_t n = rq->numkeys;
  for (std::size_t j = rq->first_key + n; j < args.size();) {
    const std::size_t remaining = args.size() - j;
    if (rq->card_only) {
      if (remaining >= 2 && EqualsIgnoreCase(args[j], "limit")) {
        if (!ParseInt64(args[j + 1], &rq->limit) || rq->limit < 0) {
          ctx.reply.Error("ERR LIMIT can't be negative");
          return false;
        }
        j += 2;
      } else {
        ctx.reply.Error(kErrSyntax);
        return false;
      }
    } else if (rq->op != AlgebraOp::kDiff && remaining > n &&
               EqualsIgnoreCase(args[j], "weights")) {
      ++j;
      for (std::size_t i = 0; i < n; ++i, ++j) {
        if (!ParseDouble(args[j], &(*in)[i].weight)) {
          ctx.reply.Error("ERR weight value is not a float");
          return false;
        }
      }
    } else if (rq->op != AlgebraOp::kDiff && remaining >= 2 &&
               EqualsIgnoreCase(args[j], "aggregate")) {
      std::string_view a = args[j + 1];
      if (EqualsIgnoreCase(a, "sum")) {
        rq->agg = Aggregate::kSum;
      } else if (EqualsIgnoreCase(a, "min")) {
        rq->agg = Aggregate::kMin;
      } else if (EqualsIgnoreCase(a, "max")) {
        rq->agg = Aggregate::kMax;
      } else {
        ctx.reply.Error(kErrSyntax);
        return false;
      }
      j += 2;
    } else if (!rq->store && EqualsIgnoreCase(args[j], "withscores")) {
      rq->withscores = true;
      ++j;
    } else {
      ctx.reply.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

ScoredMembers Union(const std::vector<AlgebraInput>& in, Aggregate agg) {
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
  ScoredMembers out;
  out.reserve(acc.size());
  for (auto& [m, s] : acc) out.emplace_back(m, s);
  return out;
}

// Whether `m`, scoring `*score` in the first input, is in every other input; folds their
// weighted scores into *score.
bool InAllOthers(const std::vector<AlgebraInput>& in, std::string_view m, Aggregate agg,
                 double* score) {
  for (std::size_t j = 1; j < in.size(); ++j) {
    double v;
    if (!in[j].Find(m, &v)) return false;
    AggregateInto(score, v * in[j].weight, agg);
  }
  return true;
}

// The first input's weighted score of `s`; a NaN (0 * inf) counts as 0, as in Redis.
double FirstScore(const std::vector<AlgebraInput>& in, double s) {
  double score = in[0].weight * s;
  return std::isnan(score) ? 0 : score;
}

ScoredMembers Inter(const std::vector<AlgebraInput>& in, Aggregate agg) {
  ScoredMembers out;
  in[0].ForEach([&](std::string_view m, double s) {
    double score = FirstScore(in, s);
    if (InAllOthers(in, m, agg, &score)) out.emplace_back(std::string(m), score);
  });
  return out;
}

// ZINTERCARD: the size of the intersection, counting no further than `limit` (0: all).
std::uint64_t InterCard(const std::vector<AlgebraInput>& in, std::int64_t limit) {
  std::uint64_t card = 0;
  in[0].ForEach([&](std::string_view m, double) {
    if (limit > 0 && card >= static_cast<std::uint64_t>(limit)) return;
    double unused = 0;
    if (InAllOthers(in, m, Aggregate::kSum, &unused)) ++card;
  });
  return card;
}

// The first input's entries that no other input holds, with their unweighted scores.
ScoredMembers Diff(const std::vector<AlgebraInput>& in) {
  ScoredMembers out;
  in[0].ForEach([&](std::string_view m, double s) {
    double unused;
    for (std::size_t j = 1; j < in.size(); ++j) {
      if (in[j].Find(m, &unused)) return;
    }
    out.emplace_back(std::string(m), s);
  });
  return out;
}

// Replaces `dest` with `out` (sorted) whatever it held, dropping its TTL; an empty result
// deletes it. The encoding follows the result's size and longest member. Replies the size.
void StoreResult(CommandContext& ctx, std::string_view dest, const ScoredMembers& out,
                 std::string_view event) {
  if (out.empty()) {
    if (ctx.ks->Delete(ctx.db, dest)) {
      ctx.SignalModified(dest);
      ctx.Notify(kNotifyGeneric, "del", dest);
    }
    return ctx.reply.Integer(0);
  }
  std::size_t maxlen = 0;
  for (const auto& e : out) maxlen = std::max(maxlen, e.first.size());
  auto z = std::make_unique<ZSetObject>(out.size(), maxlen);
  for (const auto& [m, s] : out) z->Insert(m, s);
  ctx.ks->SetObject(ctx.db, dest, std::move(z), kNoExpire);
  ctx.SignalModified(dest);
  ctx.Notify(kNotifyZset, event, dest);
  ctx.reply.Integer(static_cast<std::int64_t>(out.size()));
}

// The shared body, in Redis's order of checks: numkeys, then every input's type, then the
// options; then the inputs are combined and the result replied or stored.
void AlgebraCommand(CommandContext& ctx, AlgebraOp op, bool store, bool card_only = false) {
  AlgebraRequest rq;
  rq.op = op;
  rq.store = store;
  rq.card_only = card_only;
  rq.first_key = store ? 3 : 2;
  std::vector<AlgebraInput> in;
  if (!ParseNumKeys(ctx, &rq) || !GatherInputs(ctx, rq, &in) || !ParseOptions(ctx, &rq, &in)) {
    return;
  }

  // Union and intersection visit the inputs smallest first (a stable order: inputs of equal
  // size keep their argument order). Sums of doubles depend on that order, so this is part
  // of the result, not only of the cost.
  if (op != AlgebraOp::kDiff) {
    std::stable_sort(in.begin(), in.end(), [](const AlgebraInput& a, const AlgebraInput& b) {
      return a.size() < b.size();
    });
  }
  if (card_only) {
    return ctx.reply.Integer(static_cast<std::int64_t>(InterCard(in, rq.limit)));
  }

  ScoredMembers out = op == AlgebraOp::kUnion   ? Union(in, rq.agg)
                      : op == AlgebraOp::kInter ? Inter(in, rq.agg)
                                                : Diff(in);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return types::ZLess(a.second, a.first, b.second, b.first);
  });
  if (store) {
    return StoreResult(ctx, ctx.args[1], out,
                       op == AlgebraOp::kUnion   ? "zunionstore"
                       : op == AlgebraOp::kInter ? "zinterstore"
                                                 : "zdiffstore");
  }
  RangeHeader(ctx.reply, out.size(), rq.withscores);
  for (const auto& [m, s] : out) EmitEntry(ctx.reply, m, s, rq.withscores);
}

}  // namespace

void CmdZUnionStore(CommandContext& ctx) { AlgebraCommand(ctx, AlgebraOp::kUnion, true); }
void CmdZInterStore(CommandContext& ctx) { AlgebraCommand(ctx, AlgebraOp::kInter, true); }
void CmdZDiffStore(CommandContext& ctx) { AlgebraCommand(ctx, AlgebraOp::kDiff, true); }
void CmdZUnion(CommandContext& ctx) { AlgebraCommand(ctx, AlgebraOp::kUnion, false); }
void CmdZInter(CommandContext& ctx) { AlgebraCommand(ctx, AlgebraOp::kInter, false); }
void CmdZDiff(CommandContext& ctx) { AlgebraCommand(ctx, AlgebraOp::kDiff, false); }
void CmdZInterCard(CommandContext& ctx) { AlgebraCommand(ctx, AlgebraOp::kInter, false, true); }

}  // namespace strata
