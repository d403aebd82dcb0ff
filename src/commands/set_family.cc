// Set commands (Redis 7.0 semantics): membership, random access, algebra and SSCAN over
// types::SetObject.
#include <cerrno>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "commands/command.h"
#include "commands/command_docs_table.h"
#include "commands/typed.h"
#include "commands/util.h"
#include "types/set.h"

namespace strata {
namespace {

using types::SetObject;

void ReplyMembers(CommandContext& ctx, const SetObject& s) {
  ctx.reply.SetHeader(s.size());
  s.ForEach([&](std::string_view m) { ctx.reply.Bulk(m); });
}

// ---- single-key commands --------------------------------------------------------------

void CmdSAdd(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  auto t = FindTypedForWrite<SetObject>(ctx, key);
  if (t.wrong_type) return;
  std::int64_t added = 0;
  if (t.obj == nullptr) {
    auto s = std::make_unique<SetObject>();
    for (std::size_t i = 2; i < ctx.args.size(); ++i) added += s->Add(ctx.args[i]);
    ctx.ks->SetObject(ctx.db, key, std::move(s), kNoExpire);
    ctx.SignalModified(key);
    ctx.Notify(kNotifySet, "sadd", key);
  } else {
    for (std::size_t i = 2; i < ctx.args.size(); ++i) added += t.obj->Add(ctx.args[i]);
    if (added > 0) {
      ctx.SignalModified(key);
      ctx.Notify(kNotifySet, "sadd", key);
    }
  }
  ctx.reply.Integer(added);
}

void CmdSRem(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  auto t = FindTypedForWrite<SetObject>(ctx, key);
  if (t.wrong_type) return;
  std::int64_t removed = 0;
  if (t.obj != nullptr) {
    for (std::size_t i = 2; i < ctx.args.size() && t.obj->size() > 0; ++i)
      removed += t.obj->Remove(ctx.args[i]);
    if (removed > 0) CommitTyped(ctx, key, t.obj, {kNotifySet, "srem"});
  }
  ctx.reply.Integer(removed);
}

void CmdSMembers(CommandContext& ctx) {
  auto t = FindTyped<SetObject>(ctx, ctx.args[1]);
  if (t.wrong_type) return;
  if (t.obj == nullptr) {
    ctx.reply.SetHeader(0);
    return;
  }
  ReplyMembers(ctx, *t.obj);
}

void CmdSIsMember(CommandContext& ctx) {
  auto t = FindTyped<SetObject>(ctx, ctx.args[1]);
  if (t.wrong_type) return;
  ctx.reply.Integer(t.obj != nullptr && t.obj->Contains(ctx.args[2]) ? 1 : 0);
}

void CmdSMIsMember(CommandContext& ctx) {
  auto t = FindTyped<SetObject>(ctx, ctx.args[1]);
  if (t.wrong_type) return;
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (std::size_t i = 2; i < ctx.args.size(); ++i)
    ctx.reply.Integer(t.obj != nullptr && t.obj->Contains(ctx.args[i]) ? 1 : 0);
}

void CmdSCard(CommandContext& ctx) {
  auto t = FindTyped<SetObject>(ctx, ctx.args[1]);
  if (t.wrong_type) return;
  ctx.reply.Integer(t.obj == nullptr ? 0 : static_cast<std::int64_t>(t.obj->size()));
}

void CmdSPop(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  if (ctx.args.size() > 3) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  if (ctx.args.size() == 2) {
    auto t = FindTypedForWrite<SetObject>(ctx, key);
    if (t.wrong_type) return;
    if (t.obj == nullptr) {
      ctx.reply.Null();
      return;
    }
    ctx.reply.Bulk(t.obj->PopRandom(CommandRng()));
    CommitTyped(ctx, key, t.obj, {kNotifySet, "spop"});
    return;
  }
  std::int64_t count;
  if (!ParseInt64(ctx.args[2], &count) || count < 0) {
    ctx.reply.Error("ERR value is out of range, must be positive");
    return;
  }
  auto t = FindTypedForWrite<SetObject>(ctx, key);
  if (t.wrong_type) return;
  if (t.obj == nullptr || count == 0) {
    ctx.reply.SetHeader(0);
    return;
  }
  if (static_cast<std::uint64_t>(count) >= t.obj->size()) {
    ReplyMembers(ctx, *t.obj);
    ctx.ks->Delete(ctx.db, key);
    ctx.SignalModified(key);
    ctx.Notify(kNotifySet, "spop", key);
    ctx.Notify(kNotifyGeneric, "del", key);
    return;
  }
  ctx.reply.SetHeader(count);
  std::size_t before = t.obj->size();
  for (std::int64_t i = 0; i < count; ++i) ctx.reply.Bulk(t.obj->PopRandom(CommandRng()));
  auto remaining = before - static_cast<std::uint64_t>(count);
  if (remaining * 5 <= static_cast<std::uint64_t>(count) && !t.obj->is_intset()) {
    // When at most a sixth remains, Redis rebuilds the set from the remaining members, so
    // their encoding is chosen afresh (a hashtable of a few integers becomes an intset).
    auto rebuilt = std::make_unique<SetObject>();
    t.obj->ForEach([&](std::string_view m) { rebuilt->Add(m); });
    ctx.ks->SetObject(ctx.db, key, std::move(rebuilt), kKeepExpire);
    ctx.SignalModified(key);
    ctx.Notify(kNotifySet, "spop", key);
    return;
  }
  CommitTyped(ctx, key, t.obj, {kNotifySet, "spop"});
}

void CmdSRandMember(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  if (ctx.args.size() == 2) {
    auto t = FindTyped<SetObject>(ctx, ctx.args[1]);
    if (t.wrong_type) return;
    if (t.obj == nullptr) {
      ctx.reply.Null();
    } else {
      ctx.reply.Bulk(t.obj->RandomMember(CommandRng()));
    }
    return;
  }
  std::int64_t count;
  if (auto err = ParseRandomCount(ctx.args[2], &count); !err.empty()) {
    ctx.reply.Error(err);
    return;
  }
  auto t = FindTyped<SetObject>(ctx, ctx.args[1]);
  if (t.wrong_type) return;
  if (t.obj == nullptr || count == 0) {
    ctx.reply.ArrayHeader(0);
    return;
  }
  const SetObject& s = *t.obj;
  auto& rng = CommandRng();
  if (count < 0) {  // repetitions allowed: independent draws
    ctx.reply.ArrayHeader(static_cast<std::size_t>(-count));
    for (std::int64_t i = 0; i < -count; ++i) ctx.reply.Bulk(s.RandomMember(rng));
    return;
  }
  auto n = static_cast<std::uint64_t>(count);
  if (n >= s.size()) {
    ctx.reply.ArrayHeader(s.size());
    s.ForEach([&](std::string_view m) { ctx.reply.Bulk(m); });
    return;
  }
  ctx.reply.ArrayHeader(n);
  if (n * 3 > s.size()) {
    // A large share of the set: a partial shuffle of all members.
    std::vector<std::string> all = s.Members();
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t j = i + rng() % (all.size() - i);
      std::swap(all[i], all[j]);
      ctx.reply.Bulk(all[i]);
    }
    return;
  }
  // A small share: draw until enough distinct members came up.
  std::unordered_set<std::string> seen;
  while (seen.size() < n) {
    std::string m = s.RandomMember(rng);
    if (seen.insert(m).second) ctx.reply.Bulk(m);
  }
}

void CmdSMove(CommandContext& ctx) {
  std::string_view src = ctx.args[1], dst = ctx.args[2], member = ctx.args[3];
  WriteRef sv = ctx.ks->FindForWrite(ctx.db, src);
  if (!sv) {
    ctx.reply.Integer(0);
    return;
  }
  WriteRef dv = ctx.ks->FindForWrite(ctx.db, dst);
  if (sv.type != ValueType::kSet || (dv && dv.type != ValueType::kSet)) {
    ctx.reply.Error(kErrWrongType);
    return;
  }
  auto* s = static_cast<SetObject*>(sv.obj);
  if (src == dst) {
    ctx.reply.Integer(s->Contains(member) ? 1 : 0);
    return;
  }
  if (!s->Remove(member)) {
    ctx.reply.Integer(0);
    return;
  }
  // An existing destination takes the member first: CommitTyped may delete the source, and
  // a view lives only until its own key is written. A new one is made after, as Redis
  // does, so its "new" event follows the source's.
  bool added = true;
  if (dv) added = static_cast<SetObject*>(dv.obj)->Add(member);
  CommitTyped(ctx, src, s, {kNotifySet, "srem"});
  if (!dv) {
    auto d = std::make_unique<SetObject>();
    d->Add(member);
    ctx.ks->SetObject(ctx.db, dst, std::move(d), kNoExpire);
  }
  if (added) {  // Redis signals the destination only if it grew
    ctx.SignalModified(dst);
    ctx.Notify(kNotifySet, "sadd", dst);
  }
  ctx.reply.Integer(1);
}

// ---- algebra --------------------------------------------------------------------------

// Looks up every key of args[first..]; missing keys give nullptr. False (WRONGTYPE
// replied) when any key holds another type: Redis checks all keys before computing.
bool LoadSets(CommandContext& ctx, std::size_t first, std::size_t last,
              std::vector<const SetObject*>* sets) {
  for (std::size_t i = first; i < last; ++i) {
    ValueRef v = ctx.ks->Find(ctx.db, ctx.args[i]);
    if (v && v.type != ValueType::kSet) {
      ctx.reply.Error(kErrWrongType);
      return false;
    }
    sets->push_back(v ? static_cast<const SetObject*>(v.obj) : nullptr);
  }
  return true;
}

enum class SetOp { kInter, kUnion, kDiff };

// Calls f(member) for each member of the intersection, smallest set first, until f returns
// false.
template <typename F>
void ForEachInter(std::vector<const SetObject*> sets, F&& f) {
  for (const SetObject* s : sets)
    if (s == nullptr) return;
  std::sort(sets.begin(), sets.end(),
            [](const SetObject* a, const SetObject* b) { return a->size() < b->size(); });
  bool go = true;
  sets[0]->ForEach([&](std::string_view m) {
    if (!go) return;
    for (std::size_t i = 1; i < sets.size(); ++i)
      if (sets[i] != sets[0] && !sets[i]->Contains(m)) return;
    go = f(m);
  });
}

std::unique_ptr<SetObject> Compute(SetOp op, const std::vector<const SetObject*>& sets) {
  auto out = std::make_unique<SetObject>();
  switch (op) {
    case SetOp::kInter:
      ForEachInter(sets, [&](std::string_view m) { out->Add(m); return true; });
      break;
    case SetOp::kUnion:
      for (const SetObject* s : sets)
        if (s != nullptr) s->ForEach([&](std::string_view m) { out->Add(m); });
      break;
    case SetOp::kDiff:
      if (sets[0] == nullptr) break;
      sets[0]->ForEach([&](std::string_view m) {
        for (std::size_t i = 1; i < sets.size(); ++i)
          if (sets[i] != nullptr && sets[i]->Contains(m)) return;
        out->Add(m);
      });
      break;
  }
  return out;
}

void SetOpReply(CommandContext& ctx, SetOp op) {
  std::vector<const SetObject*> sets;
  if (!LoadSets(ctx, 1, ctx.args.size(), &sets)) return;
  if (op == SetOp::kInter) {
    // Replied straight from the smallest set's walk, as Redis does (intsets: ascending).
    std::vector<std::string> members;
    ForEachInter(sets, [&](std::string_view m) { members.emplace_back(m); return true; });
    ctx.reply.SetHeader(members.size());
    for (const std::string& m : members) ctx.reply.Bulk(m);
    return;
  }
  ReplyMembers(ctx, *Compute(op, sets));
}

void SetOpStore(CommandContext& ctx, SetOp op) {
  std::vector<const SetObject*> sets;
  if (!LoadSets(ctx, 2, ctx.args.size(), &sets)) return;
  std::unique_ptr<SetObject> result = Compute(op, sets);
  std::string_view dst = ctx.args[1];
  auto n = static_cast<std::int64_t>(result->size());
  if (n == 0) {
    if (ctx.ks->Delete(ctx.db, dst)) {
      ctx.SignalModified(dst);
      ctx.Notify(kNotifyGeneric, "del", dst);
    }
  } else {
    ctx.ks->SetObject(ctx.db, dst, std::move(result), kNoExpire);
    ctx.SignalModified(dst);
    ctx.Notify(kNotifySet,
               op == SetOp::kInter ? "sinterstore" : op == SetOp::kUnion ? "sunionstore" : "sdiffstore",
               dst);
  }
  ctx.reply.Integer(n);
}

void CmdSInter(CommandContext& ctx) { SetOpReply(ctx, SetOp::kInter); }
void CmdSUnion(CommandContext& ctx) { SetOpReply(ctx, SetOp::kUnion); }
void CmdSDiff(CommandContext& ctx) { SetOpReply(ctx, SetOp::kDiff); }
void CmdSInterStore(CommandContext& ctx) { SetOpStore(ctx, SetOp::kInter); }
void CmdSUnionStore(CommandContext& ctx) { SetOpStore(ctx, SetOp::kUnion); }
void CmdSDiffStore(CommandContext& ctx) { SetOpStore(ctx, SetOp::kDiff); }

// SINTERCARD numkeys key [key ...]: the keys, when numkeys is valid (else none; the handler
// replies the error).
void SInterCardKeys(std::span<const std::string_view> args, std::vector<int>* out) {
  std::int64_t n;
  if (args.size() < 2 || !ParseInt64(args[1], &n) || n < 1 ||
      n > static_cast<std::int64_t>(args.size()) - 2)
    return;
  for (std::int64_t i = 0; i < n; ++i) out->push_back(static_cast<int>(2 + i));
}

void CmdSInterCard(CommandContext& ctx) {
  std::int64_t numkeys;
  if (!ParseInt64(ctx.args[1], &numkeys) || numkeys < 1) {
    ctx.reply.Error("ERR numkeys should be greater than 0");
    return;
  }
  if (numkeys > static_cast<std::int64_t>(ctx.args.size()) - 2) {
    ctx.reply.Error("ERR Number of keys can't be greater than number of args");
    return;
  }
  std::size_t end = 2 + static_cast<std::size_t>(numkeys);
  std::int64_t limit = 0;
  for (std::size_t j = end; j < ctx.args.size(); j += 2) {
    if (EqualsIgnoreCase(ctx.args[j], "limit") && j + 1 < ctx.args.size()) {
      if (!ParseInt64(ctx.args[j + 1], &limit) || limit < 0) {
        ctx.reply.Error("ERR LIMIT can't be negative");
        return;
      }
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  std::vector<const SetObject*> sets;
  if (!LoadSets(ctx, 2, end, &sets)) return;
  std::int64_t n = 0;
  ForEachInter(sets, [&](std::string_view) { return ++n != limit; });
  ctx.reply.Integer(n);
}

// ---- SSCAN ----------------------------------------------------------------------------


void CmdSScan(CommandContext& ctx) {
  ElementScan scan;
  const SetObject* set = BeginElementScan<SetObject>(ctx, &scan);
  if (set == nullptr) return;
  std::vector<std::string> found;
  auto take = [&](std::string_view m) {
    if (scan.Matches(m)) found.emplace_back(m);
  };
  std::uint64_t next = 0;
  if (set->is_intset()) {
    set->ForEach(take);  // compact sets are returned whole, as Redis does
  } else {
    next = set->ScanStep(scan.cursor, scan.count, take);
  }
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(next));
  ctx.reply.ArrayHeader(found.size());
  for (const std::string& m : found) ctx.reply.Bulk(m);
}

constexpr std::string_view kNondet = "nondeterministic_output";
constexpr std::string_view kNondetOrder = "nondeterministic_output_order";
constexpr std::string_view kInterCx =
    "O(N*M) worst case, N being the smallest set's size and M the number of sets";
constexpr std::string_view kUnionCx = "O(N), N being the total number of members of all sets";

// clang-format off
// name, since, group, complexity, extra categories, tips, summary, arguments.
const DocEntry kSetDocs[] = {
  {"sadd", "1.0.0", "set", "O(1) per member added", "@set", "",
   "Add members to a set, creating it when absent", "key member [member ...]"},
  {"srem", "1.0.0", "set", "O(N), N being the number of members to remove", "@set", "",
   "Remove members from a set", "key member [member ...]"},
  {"smembers", "1.0.0", "set", "O(N), N being the set's size", "@set", kNondetOrder,
   "Return every member of a set", "key"},
  {"sismember", "1.0.0", "set", "O(1)", "@set", "",
   "Tell whether a value belongs to a set", "key member"},
  {"smismember", "6.2.0", "set", "O(N), N being the number of values checked", "@set", "",
   "Tell, for each of several values, whether it belongs to a set", "key member [member ...]"},
  {"scard", "1.0.0", "set", "O(1)", "@set", "", "Return the number of members of a set", "key"},
  {"spop", "1.0.0", "set", "O(1) without count, else O(N), N being count", "@set", kNondet,
   "Remove random members from a set and return them", "key [count:integer]"},
  {"srandmember", "1.0.0", "set", "O(1) without count, else O(N), N being |count|", "@set",
   kNondet, "Return random members of a set without removing them", "key [count:integer]"},
  {"smove", "1.0.0", "set", "O(1)", "@set", "",
   "Move a member from one set to another", "source destination member"},
  {"sinter", "1.0.0", "set", kInterCx, "@set", kNondetOrder,
   "Return the members common to all given sets", "key [key ...]"},
  {"sintercard", "7.0.0", "set", kInterCx, "@set", "",
   "Return the size of the intersection of sets, optionally capped",
   "numkeys:integer key [key ...] [LIMIT limit:integer]"},
  {"sunion", "1.0.0", "set", kUnionCx, "@set", kNondetOrder,
   "Return the members found in any of the given sets", "key [key ...]"},
  {"sdiff", "1.0.0", "set", kUnionCx, "@set", kNondetOrder,
   "Return the members of the first set found in none of the others", "key [key ...]"},
  {"sinterstore", "1.0.0", "set", kInterCx, "@set", "",
   "Store the intersection of sets at a key", "destination key [key ...]"},
  {"sunionstore", "1.0.0", "set", kUnionCx, "@set", "",
   "Store the union of sets at a key", "destination key [key ...]"},
  {"sdiffstore", "1.0.0", "set", kUnionCx, "@set", "",
   "Store the difference of the first set and the others at a key",
   "destination key [key ...]"},
  {"sscan", "2.8.0", "set", "O(1) per call, O(N) for a full iteration", "@set", kNondet,
   "Walk the members of a set incrementally",
   "key cursor:integer [MATCH pattern] [COUNT count:integer]"},
};
// clang-format on

}  // namespace

void RegisterSetCommands(CommandTable* table) {
  AddDocEntries(kSetDocs);
  table->Add("sadd", -3, kCmdWrite | kCmdDenyOom | kCmdFast, CmdSAdd)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsInsert});
  table->Add("srem", -3, kCmdWrite | kCmdFast, CmdSRem).Keys(1, 1, 1).Specs({kKsRW | kKsDelete});
  table->Add("smembers", 2, kCmdReadOnly, CmdSMembers).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  // RO without ACCESS in Redis, but the size and membership are in the value: read it.
  table->Add("sismember", 3, kCmdReadOnly | kCmdFast, CmdSIsMember)
      .Keys(1, 1, 1)
      .Specs({kKsRO})
      .Intent(KeyIntent::kRead);
  table->Add("smismember", -3, kCmdReadOnly | kCmdFast, CmdSMIsMember)
      .Keys(1, 1, 1)
      .Specs({kKsRO | kKsAccess});
  table->Add("scard", 2, kCmdReadOnly | kCmdFast, CmdSCard)
      .Keys(1, 1, 1)
      .Specs({kKsRO})
      .Intent(KeyIntent::kRead);
  table->Add("spop", -2, kCmdWrite | kCmdFast | kCmdRandom, CmdSPop)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsAccess | kKsDelete});
  table->Add("srandmember", -2, kCmdReadOnly | kCmdRandom, CmdSRandMember)
      .Keys(1, 1, 1)
      .Specs({kKsRO | kKsAccess});
  table->Add("smove", 4, kCmdWrite | kCmdFast, CmdSMove)
      .Keys(1, 2, 1)
      .Specs({kKsRW | kKsAccess | kKsDelete, kKsRW | kKsInsert});
  table->Add("sinter", -2, kCmdReadOnly, CmdSInter).Keys(1, -1, 1).Specs({kKsRO | kKsAccess});
  table->Add("sintercard", -3, kCmdReadOnly, CmdSInterCard)
      .KeysBy(SInterCardKeys)
      .NumKeysSpec(1, kKsRO | kKsAccess);
  table->Add("sunion", -2, kCmdReadOnly, CmdSUnion).Keys(1, -1, 1).Specs({kKsRO | kKsAccess});
  table->Add("sdiff", -2, kCmdReadOnly, CmdSDiff).Keys(1, -1, 1).Specs({kKsRO | kKsAccess});
  table->Add("sinterstore", -3, kCmdWrite | kCmdDenyOom, CmdSInterStore)
      .Keys(1, -1, 1)
      .Specs({kKsRW | kKsUpdate, kKsRO | kKsAccess});
  table->Add("sunionstore", -3, kCmdWrite | kCmdDenyOom, CmdSUnionStore)
      .Keys(1, -1, 1)
      .Specs({kKsOW | kKsUpdate, kKsRO | kKsAccess});
  table->Add("sdiffstore", -3, kCmdWrite | kCmdDenyOom, CmdSDiffStore)
      .Keys(1, -1, 1)
      .Specs({kKsOW | kKsUpdate, kKsRO | kKsAccess});
  table->Add("sscan", -3, kCmdReadOnly | kCmdRandom, CmdSScan)
      .Keys(1, 1, 1)
      .Specs({kKsRO | kKsAccess});
}

}  // namespace strata
