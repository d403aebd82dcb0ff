// Hash commands: HSET HSETNX HGET HMGET HMSET HDEL HLEN HEXISTS HGETALL HKEYS HVALS HINCRBY
// HINCRBYFLOAT HSTRLEN HRANDFIELD HSCAN.
//
// As in the string family, commands that answer with data look keys up with Find (a
// keyspace hit or miss); write commands inspect with Peek. A new hash is built off the
// keyspace and stored once it holds something, so a failed write never leaves a key behind.
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "commands/command.h"
#include "commands/command_docs_table.h"
#include "commands/typed.h"
#include "commands/util.h"
#include "types/hash.h"

namespace strata {
namespace {

using types::HashObject;

constexpr std::string_view kErrHashNotInt = "ERR hash value is not an integer";
constexpr std::string_view kErrHashNotFloat = "ERR hash value is not a float";
constexpr std::string_view kErrNanOrInf = "ERR increment would produce NaN or Infinity";
constexpr std::string_view kErrIncrNanOrInf = "ERR value is NaN or Infinity";
constexpr std::string_view kErrOutOfRange = "ERR value is out of range";

// A hash about to be written: the stored one, or a fresh one that Commit stores.
struct WriteTarget {
  HashObject* h = nullptr;
  std::unique_ptr<HashObject> fresh;
  bool wrong_type = false;
};

WriteTarget LookupForWrite(CommandContext& ctx, std::string_view key) {
  WriteTarget t;
  WriteRef v = ctx.ks->FindForWrite(ctx.db, key);
  if (v && v.type != ValueType::kHash) {
    t.wrong_type = true;
    ctx.reply.Error(kErrWrongType);
  } else if (v) {
    t.h = static_cast<HashObject*>(v.obj);
  } else {
    t.fresh = std::make_unique<HashObject>();
    t.h = t.fresh.get();
  }
  return t;
}

void Commit(CommandContext& ctx, std::string_view key, WriteTarget& t, std::string_view event) {
  if (!t.fresh) {
    CommitTyped(ctx, key, t.h, {kNotifyHash, event});
  } else if (t.h->size() > 0) {
    ctx.ks->SetObject(ctx.db, key, std::move(t.fresh), kNoExpire);
    ctx.SignalModified(key);
    ctx.Notify(kNotifyHash, event, key);
  }
}

// HSET / HMSET: Redis checks the pairing in the command, naming the command as called.
bool SetPairs(CommandContext& ctx, std::string_view name, std::int64_t* added) {
  if (ctx.args.size() % 2 != 0) {
    ctx.reply.Error("ERR wrong number of arguments for '" + std::string(name) + "' command");
    return false;
  }
  WriteTarget t = LookupForWrite(ctx, ctx.args[1]);
  if (t.wrong_type) return false;
  *added = 0;
  for (std::size_t i = 2; i < ctx.args.size(); i += 2) {
    *added += t.h->Set(ctx.args[i], ctx.args[i + 1]);
  }
  Commit(ctx, ctx.args[1], t, "hset");
  return true;
}

void CmdHSet(CommandContext& ctx) {
  std::int64_t added;
  if (SetPairs(ctx, "hset", &added)) ctx.reply.Integer(added);
}

void CmdHMSet(CommandContext& ctx) {
  std::int64_t added;
  if (SetPairs(ctx, "hmset", &added)) ctx.reply.Ok();
}

void CmdHSetNx(CommandContext& ctx) {
  WriteTarget t = LookupForWrite(ctx, ctx.args[1]);
  if (t.wrong_type) return;
  if (t.h->Get(ctx.args[2])) {
    ctx.reply.Integer(0);
    return;
  }
  t.h->Set(ctx.args[2], ctx.args[3]);
  Commit(ctx, ctx.args[1], t, "hset");
  ctx.reply.Integer(1);
}

void CmdHGet(CommandContext& ctx) {
  auto r = FindTyped<HashObject>(ctx, ctx.args[1]);
  if (r.wrong_type) return;
  auto v = r.obj ? r.obj->Get(ctx.args[2]) : std::nullopt;
  if (v) {
    ctx.reply.Bulk(*v);
  } else {
    ctx.reply.Null();
  }
}

void CmdHMGet(CommandContext& ctx) {
  auto r = FindTyped<HashObject>(ctx, ctx.args[1]);
  if (r.wrong_type) return;
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (std::size_t i = 2; i < ctx.args.size(); ++i) {
    auto v = r.obj ? r.obj->Get(ctx.args[i]) : std::nullopt;
    if (v) {
      ctx.reply.Bulk(*v);
    } else {
      ctx.reply.Null();
    }
  }
}

void CmdHDel(CommandContext& ctx) {
  WriteRef v = ctx.ks->FindForWrite(ctx.db, ctx.args[1]);
  if (v && v.type != ValueType::kHash) {
    ctx.reply.Error(kErrWrongType);
    return;
  }
  std::int64_t deleted = 0;
  if (v) {
    auto* h = static_cast<HashObject*>(v.obj);
    for (std::size_t i = 2; i < ctx.args.size() && h->size() > 0; ++i) {
      deleted += h->Delete(ctx.args[i]);
    }
    if (deleted > 0) CommitTyped(ctx, ctx.args[1], h, {kNotifyHash, "hdel"});
  }
  ctx.reply.Integer(deleted);
}

void CmdHLen(CommandContext& ctx) {
  auto r = FindTyped<HashObject>(ctx, ctx.args[1]);
  if (r.wrong_type) return;
  ctx.reply.Integer(r.obj ? static_cast<std::int64_t>(r.obj->size()) : 0);
}

void CmdHExists(CommandContext& ctx) {
  auto r = FindTyped<HashObject>(ctx, ctx.args[1]);
  if (r.wrong_type) return;
  ctx.reply.Integer(r.obj && r.obj->Get(ctx.args[2]) ? 1 : 0);
}

void CmdHStrLen(CommandContext& ctx) {
  auto r = FindTyped<HashObject>(ctx, ctx.args[1]);
  if (r.wrong_type) return;
  auto v = r.obj ? r.obj->Get(ctx.args[2]) : std::nullopt;
  ctx.reply.Integer(v ? static_cast<std::int64_t>(v->size()) : 0);
}

enum class Part { kFields, kValues, kBoth };

void ReplyAll(CommandContext& ctx, Part part) {
  auto r = FindTyped<HashObject>(ctx, ctx.args[1]);
  if (r.wrong_type) return;
  const std::size_t n = r.obj ? r.obj->size() : 0;
  if (part == Part::kBoth) {
    ctx.reply.MapHeader(n);  // RESP3 map, RESP2 flat array
  } else {
    ctx.reply.ArrayHeader(n);
  }
  if (n == 0) return;
  r.obj->ForEach([&](std::string_view f, std::string_view v) {
    if (part != Part::kValues) ctx.reply.Bulk(f);
    if (part != Part::kFields) ctx.reply.Bulk(v);
  });
}

void CmdHGetAll(CommandContext& ctx) { ReplyAll(ctx, Part::kBoth); }
void CmdHKeys(CommandContext& ctx) { ReplyAll(ctx, Part::kFields); }
void CmdHVals(CommandContext& ctx) { ReplyAll(ctx, Part::kValues); }

void CmdHIncrBy(CommandContext& ctx) {
  std::int64_t incr;
  if (!ParseInt64(ctx.args[3], &incr)) {
    ctx.reply.Error(kErrNotInteger);
    return;
  }
  WriteTarget t = LookupForWrite(ctx, ctx.args[1]);
  if (t.wrong_type) return;
  std::int64_t cur = 0;
  if (auto v = t.h->Get(ctx.args[2]); v && !ParseInt64(*v, &cur)) {
    ctx.reply.Error(kErrHashNotInt);
    return;
  }
  if ((incr < 0 && cur < 0 && incr < std::numeric_limits<std::int64_t>::min() - cur) ||
      (incr > 0 && cur > 0 && incr > std::numeric_limits<std::int64_t>::max() - cur)) {
    ctx.reply.Error(kErrOverflow);
    return;
  }
  cur += incr;
  char buf[24];
  t.h->Set(ctx.args[2], std::string_view(buf, FormatInt64(cur, buf)));
  Commit(ctx, ctx.args[1], t, "hincrby");
  ctx.reply.Integer(cur);
}

void CmdHIncrByFloat(CommandContext& ctx) {
  long double incr;
  if (!ParseLongDouble(ctx.args[3], &incr)) {
    ctx.reply.Error(kErrNotFloat);
    return;
  }
  if (std::isnan(incr) || std::isinf(incr)) {
    ctx.reply.Error(kErrIncrNanOrInf);
    return;
  }
  WriteTarget t = LookupForWrite(ctx, ctx.args[1]);
  if (t.wrong_type) return;
  long double cur = 0;
  if (auto v = t.h->Get(ctx.args[2]); v && !ParseLongDouble(*v, &cur)) {
    ctx.reply.Error(kErrHashNotFloat);
    return;
  }
  cur += incr;
  if (std::isnan(cur) || std::isinf(cur)) {
    ctx.reply.Error(kErrNanOrInf);
    return;
  }
  std::string text = FormatLongDouble(cur);
  t.h->Set(ctx.args[2], text);
  Commit(ctx, ctx.args[1], t, "hincrbyfloat");
  ctx.reply.Bulk(text);
}

// ---- HRANDFIELD ----------------------------------------------------------------------

void ReplyRandomEntry(CommandContext& ctx, HashObject::Entry e, bool withvalues) {
  if (withvalues && ctx.reply.resp3()) ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(e.first);
  if (withvalues) ctx.reply.Bulk(e.second);
}

void ReplyEntriesHeader(CommandContext& ctx, std::size_t n, bool withvalues) {
  ctx.reply.ArrayHeader(withvalues && !ctx.reply.resp3() ? 2 * n : n);
}

void CmdHRandField(CommandContext& ctx) {
  if (ctx.args.size() == 2) {
    auto r = FindTyped<HashObject>(ctx, ctx.args[1]);
    if (r.wrong_type) return;
    if (r.obj == nullptr) {
      ctx.reply.Null();
    } else {
      ctx.reply.Bulk(r.obj->RandomEntry(CommandRng()).first);
    }
    return;
  }
  std::int64_t count;
  if (auto err = ParseRandomCount(ctx.args[2], &count); !err.empty()) {
    ctx.reply.Error(err);
    return;
  }
  if (ctx.args.size() > 4 ||
      (ctx.args.size() == 4 && !EqualsIgnoreCase(ctx.args[3], "withvalues"))) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  const bool withvalues = ctx.args.size() == 4;
  constexpr std::int64_t kHalf = std::numeric_limits<std::int64_t>::max() / 2;
  if (withvalues && (count < -kHalf || count > kHalf)) {
    ctx.reply.Error(kErrOutOfRange);
    return;
  }
  auto r = FindTyped<HashObject>(ctx, ctx.args[1]);
  if (r.wrong_type) return;
  if (r.obj == nullptr || count == 0) {
    ctx.reply.ArrayHeader(0);
    return;
  }
  const HashObject* h = r.obj;
  auto& rng = CommandRng();
  const std::size_t size = h->size();
  if (count < 0 || count == 1) {  // repetitions allowed
    const auto n = static_cast<std::uint64_t>(count < 0 ? -count : count);
    ReplyEntriesHeader(ctx, n, withvalues);
    if (h->is_listpack()) {  // index once instead of walking the buffer per pick
      std::vector<HashObject::Entry> all = h->Entries();
      for (std::uint64_t i = 0; i < n; ++i) ReplyRandomEntry(ctx, all[rng() % size], withvalues);
    } else {
      for (std::uint64_t i = 0; i < n; ++i) ReplyRandomEntry(ctx, h->RandomEntry(rng), withvalues);
    }
    return;
  }
  const auto n = static_cast<std::uint64_t>(count);
  if (n >= size) {
    ReplyEntriesHeader(ctx, size, withvalues);
    h->ForEach([&](std::string_view f, std::string_view v) {
      ReplyRandomEntry(ctx, {f, v}, withvalues);
    });
    return;
  }
  ReplyEntriesHeader(ctx, n, withvalues);
  if (h->is_listpack() || n * 3 > size) {
    // A partial Fisher-Yates shuffle of all entries.
    std::vector<HashObject::Entry> all = h->Entries();
    for (std::size_t i = 0; i < n; ++i) {
      std::swap(all[i], all[i + rng() % (size - i)]);
      ReplyRandomEntry(ctx, all[i], withvalues);
    }
    return;
  }
  // Few picks from a big table: sample until n distinct fields came up.
  std::unordered_set<const char*> seen;
  while (seen.size() < n) {
    HashObject::Entry e = h->RandomEntry(rng);
    if (seen.insert(e.first.data()).second) ReplyRandomEntry(ctx, e, withvalues);
  }
}

// ---- HSCAN ---------------------------------------------------------------------------


void CmdHScan(CommandContext& ctx) {
  ElementScan scan;
  const HashObject* h = BeginElementScan<HashObject>(ctx, &scan);
  if (h == nullptr) return;
  std::uint64_t cursor = scan.cursor;
  const auto count = static_cast<std::int64_t>(scan.count);
  std::vector<HashObject::Entry> found;
  auto collect = [&](std::string_view f, std::string_view v) {
    if (scan.Matches(f)) found.emplace_back(f, v);
  };
  if (h->is_listpack()) {  // small hashes come back whole, as in Redis
    h->ForEach(collect);
    cursor = 0;
  } else {
    // Stop after `count` visited entries (before MATCH filtering), or after 10·count
    // empty buckets, as Redis bounds one call's work.
    std::uint64_t budget = static_cast<std::uint64_t>(count) * 10;
    std::size_t visited = 0;
    do {
      cursor = h->ScanBucket(cursor, [&](std::string_view f, std::string_view v) {
        ++visited;
        collect(f, v);
      });
    } while (cursor != 0 && visited < static_cast<std::uint64_t>(count) && --budget > 0);
  }
  char buf[24];
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::string_view(buf, std::snprintf(buf, sizeof(buf), "%llu",
                                                       static_cast<unsigned long long>(cursor))));
  ctx.reply.ArrayHeader(2 * found.size());
  for (const auto& [f, v] : found) {
    ctx.reply.Bulk(f);
    ctx.reply.Bulk(v);
  }
}

constexpr std::string_view kO1 = "O(1)";
constexpr std::string_view kOSize = "O(N) where N is the size of the hash.";

const DocEntry kHashDocs[] = {
    {"hset", "2.0.0", "hash", "O(1) for each field/value pair added, so O(N) to add N field/value "
     "pairs when the command is called with multiple field/value pairs.", "@hash", "",
     "Set one or more fields of a hash, creating it if needed",
     "key field value [field_value: field value ...]"},
    {"hsetnx", "2.0.0", "hash", kO1, "@hash", "",
     "Set a hash field only when the field is not there yet", "key field value"},
    {"hget", "2.0.0", "hash", kO1, "@hash", "", "Return the value of one hash field", "key field"},
    {"hmget", "2.0.0", "hash", "O(N) where N is the number of fields being requested.", "@hash",
     "", "Return the values of several hash fields", "key field [field ...]"},
    {"hmset", "2.0.0", "hash", "O(N) where N is the number of fields being set.", "@hash", "",
     "Set several hash fields (older form of HSET that replies OK)",
     "key field value [field_value: field value ...]"},
    {"hdel", "2.0.0", "hash", "O(N) where N is the number of fields to be removed.", "@hash", "",
     "Remove fields from a hash, deleting the key once it is empty", "key field [field ...]"},
    {"hlen", "2.0.0", "hash", kO1, "@hash", "", "Count the fields of a hash", "key"},
    {"hexists", "2.0.0", "hash", kO1, "@hash", "", "Tell whether a hash has a field", "key field"},
    {"hgetall", "2.0.0", "hash", kOSize, "@hash", "nondeterministic_output_order",
     "Return every field of a hash with its value", "key"},
    {"hkeys", "2.0.0", "hash", kOSize, "@hash", "nondeterministic_output_order",
     "Return the field names of a hash", "key"},
    {"hvals", "2.0.0", "hash", kOSize, "@hash", "nondeterministic_output_order",
     "Return the values stored in a hash", "key"},
    {"hincrby", "2.0.0", "hash", kO1, "@hash", "",
     "Add an integer to the integer held in a hash field", "key field increment:integer"},
    {"hincrbyfloat", "2.6.0", "hash", kO1, "@hash", "",
     "Add a floating-point number to the number held in a hash field",
     "key field increment:double"},
    {"hstrlen", "3.2.0", "hash", kO1, "@hash", "",
     "Return the byte length of a hash field's value", "key field"},
    {"hrandfield", "6.2.0", "hash", "O(N) where N is the number of fields returned", "@hash",
     "nondeterministic_output", "Pick random fields of a hash, optionally with their values",
     "key [options: count:integer [WITHVALUES]]"},
    {"hscan", "2.8.0", "hash",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
     "the cursor to return back to 0. N is the number of elements inside the collection..",
     "@hash", "nondeterministic_output", "Walk the fields and values of a hash incrementally",
     "key cursor:integer [MATCH pattern] [COUNT count:integer]"},
};

}  // namespace

void RegisterHashCommands(CommandTable* table) {
  AddDocEntries(kHashDocs);
  constexpr std::uint32_t kWriteFast = kCmdWrite | kCmdFast | kCmdDenyOom;
  constexpr std::uint32_t kReadFast = kCmdReadOnly | kCmdFast;
  table->Add("hset", -4, kWriteFast, CmdHSet).Keys(1, 1, 1).Specs({kKsRW | kKsUpdate});
  table->Add("hsetnx", 4, kWriteFast, CmdHSetNx).Keys(1, 1, 1).Specs({kKsRW | kKsInsert});
  table->Add("hmset", -4, kWriteFast, CmdHMSet).Keys(1, 1, 1).Specs({kKsRW | kKsUpdate});
  table->Add("hget", 3, kReadFast, CmdHGet).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("hmget", -3, kReadFast, CmdHMGet).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("hdel", -3, kCmdWrite | kCmdFast, CmdHDel).Keys(1, 1, 1).Specs({kKsRW | kKsDelete});
  // Redis flags HLEN, HEXISTS, HSTRLEN RO without ACCESS (metadata), but the length or a
  // field is in the value, which Stat does not give: they read it.
  table->Add("hlen", 2, kReadFast, CmdHLen).Keys(1, 1, 1).Specs({kKsRO}).Intent(KeyIntent::kRead);
  table->Add("hexists", 3, kReadFast, CmdHExists)
      .Keys(1, 1, 1)
      .Specs({kKsRO})
      .Intent(KeyIntent::kRead);
  table->Add("hstrlen", 3, kReadFast, CmdHStrLen)
      .Keys(1, 1, 1)
      .Specs({kKsRO})
      .Intent(KeyIntent::kRead);
  table->Add("hgetall", 2, kCmdReadOnly, CmdHGetAll).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("hkeys", 2, kCmdReadOnly, CmdHKeys).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("hvals", 2, kCmdReadOnly, CmdHVals).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("hincrby", 4, kWriteFast, CmdHIncrBy)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsAccess | kKsUpdate});
  table->Add("hincrbyfloat", 4, kWriteFast, CmdHIncrByFloat)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsAccess | kKsUpdate});
  table->Add("hrandfield", -2, kCmdReadOnly, CmdHRandField)
      .Keys(1, 1, 1)
      .Specs({kKsRO | kKsAccess});
  table->Add("hscan", -3, kCmdReadOnly, CmdHScan).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
}

}  // namespace strata
