// List commands: LPUSH/RPUSH and friends over types::ListObject, and the blocking pops.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "commands/blocking_pop.h"
#include "commands/command.h"
#include "commands/command_docs_table.h"
#include "commands/typed.h"
#include "commands/util.h"
#include "types/list.h"

namespace strata {
namespace {

using types::ListObject;

constexpr std::string_view kErrMustBePositive = "ERR value is out of range, must be positive";
constexpr std::string_view kErrIndexRange = "ERR index out of range";

KeyEvent PopEvent(bool left) { return {kNotifyList, left ? "lpop" : "rpop"}; }

// Parses LEFT/RIGHT; true = left (head).
bool ParseWhere(std::string_view s, bool* left) {
  if (EqualsIgnoreCase(s, "left")) return *left = true;
  if (EqualsIgnoreCase(s, "right")) return !(*left = false);
  return false;
}

void PushGeneric(CommandContext& ctx, bool left, bool only_existing) {
  std::string_view key = ctx.args[1];
  auto l = FindTypedForWrite<ListObject>(ctx, key);
  if (l.wrong_type) return;
  if (!l.obj && only_existing) return ctx.reply.Integer(0);
  std::unique_ptr<ListObject> fresh;
  ListObject* list = l.obj;
  if (!list) {
    fresh = std::make_unique<ListObject>();
    list = fresh.get();
  }
  for (std::size_t i = 2; i < ctx.args.size(); ++i) {
    if (left) list->PushFront(ctx.args[i]);
    else list->PushBack(ctx.args[i]);
  }
  std::size_t n = list->size();
  if (fresh) ctx.ks->SetObject(ctx.db, key, std::move(fresh), kNoExpire);
  ctx.SignalModified(key);
  ctx.Notify(kNotifyList, left ? "lpush" : "rpush", key);
  ctx.reply.Integer(static_cast<std::int64_t>(n));
}

void CmdLPush(CommandContext& ctx) { PushGeneric(ctx, true, false); }
void CmdRPush(CommandContext& ctx) { PushGeneric(ctx, false, false); }
void CmdLPushX(CommandContext& ctx) { PushGeneric(ctx, true, true); }
void CmdRPushX(CommandContext& ctx) { PushGeneric(ctx, false, true); }

// Replies up to `count` elements popped from one end as bulk strings (no header).
void PopInto(ReplyBuilder& reply, ListObject* list, bool left, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    // Reply straight from the chunk, then drop the element: no copy.
    reply.Bulk(list->At(left ? 0 : list->size() - 1));
    if (left) list->PopFront(nullptr);
    else list->PopBack(nullptr);
  }
}

void PopGeneric(CommandContext& ctx, bool left) {
  // Redis declares arity -2 (COMMAND INFO shows it) but accepts at most one count.
  if (ctx.args.size() > 3) {
    return ctx.reply.Error(left ? "ERR wrong number of arguments for 'lpop' command"
                                : "ERR wrong number of arguments for 'rpop' command");
  }
  bool has_count = ctx.args.size() == 3;
  std::int64_t count = 1;
  if (has_count && (!ParseInt64(ctx.args[2], &count) || count < 0)) {
    return ctx.reply.Error(kErrMustBePositive);
  }
  auto l = FindTypedForWrite<ListObject>(ctx, ctx.args[1]);
  if (l.wrong_type) return;
  if (!l.obj) return has_count ? ctx.reply.NullArray() : ctx.reply.Null();
  if (!has_count) {
    PopInto(ctx.reply, l.obj, left, 1);
  } else {
    std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(count), l.obj->size());
    ctx.reply.ArrayHeader(n);
    if (n == 0) return;  // LPOP key 0 changes nothing, and Redis does not signal it
    PopInto(ctx.reply, l.obj, left, n);
  }
  CommitTyped(ctx, ctx.args[1], l.obj, PopEvent(left));
}

void CmdLPop(CommandContext& ctx) { PopGeneric(ctx, true); }
void CmdRPop(CommandContext& ctx) { PopGeneric(ctx, false); }

void CmdLLen(CommandContext& ctx) {
  auto l = FindTyped<ListObject>(ctx, ctx.args[1]);
  if (l.wrong_type) return;
  ctx.reply.Integer(l.obj ? static_cast<std::int64_t>(l.obj->size()) : 0);
}

void CmdLRange(CommandContext& ctx) {
  std::int64_t start, stop;
  if (!ParseInt64(ctx.args[2], &start) || !ParseInt64(ctx.args[3], &stop)) {
    return ctx.reply.Error(kErrNotInteger);
  }
  auto l = FindTyped<ListObject>(ctx, ctx.args[1]);
  if (l.wrong_type) return;
  if (!l.obj) return ctx.reply.ArrayHeader(0);
  auto [first, last] = IndexRange(l.obj->size(), start, stop);
  ctx.reply.ArrayHeader(last - first);
  if (first == last) return;
  l.obj->Visit(first, false, [&](std::size_t i, std::string_view e) {
    ctx.reply.Bulk(e);
    return i + 1 < last;
  });
}

// Maps a Redis index (negative counts from the tail) into [0, len); false if outside.
bool NormalizeIndex(std::int64_t index, std::size_t len, std::size_t* out) {
  auto n = static_cast<std::int64_t>(len);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return false;
  *out = static_cast<std::size_t>(index);
  return true;
}

void CmdLIndex(CommandContext& ctx) {
  auto l = FindTyped<ListObject>(ctx, ctx.args[1]);
  if (l.wrong_type) return;
  if (!l.obj) return ctx.reply.Null();
  std::int64_t index;
  if (!ParseInt64(ctx.args[2], &index)) return ctx.reply.Error(kErrNotInteger);
  std::size_t i;
  if (!NormalizeIndex(index, l.obj->size(), &i)) return ctx.reply.Null();
  ctx.reply.Bulk(l.obj->At(i));
}

void CmdLSet(CommandContext& ctx) {
  auto l = FindTypedForWrite<ListObject>(ctx, ctx.args[1]);
  if (l.wrong_type) return;
  if (!l.obj) return ctx.reply.Error(kErrNoSuchKey);
  std::int64_t index;
  if (!ParseInt64(ctx.args[2], &index)) return ctx.reply.Error(kErrNotInteger);
  std::size_t i;
  if (!NormalizeIndex(index, l.obj->size(), &i)) return ctx.reply.Error(kErrIndexRange);
  l.obj->Set(i, ctx.args[3]);
  ctx.SignalModified(ctx.args[1]);
  ctx.Notify(kNotifyList, "lset", ctx.args[1]);
  ctx.reply.Ok();
}

void CmdLInsert(CommandContext& ctx) {
  bool after;
  if (EqualsIgnoreCase(ctx.args[2], "after")) after = true;
  else if (EqualsIgnoreCase(ctx.args[2], "before")) after = false;
  else return ctx.reply.Error(kErrSyntax);
  auto l = FindTypedForWrite<ListObject>(ctx, ctx.args[1]);
  if (l.wrong_type) return;
  if (!l.obj) return ctx.reply.Integer(0);
  std::string_view pivot = ctx.args[3];
  std::size_t found = SIZE_MAX;
  l.obj->Visit(0, false, [&](std::size_t i, std::string_view e) {
    if (e != pivot) return true;
    found = i;
    return false;
  });
  if (found == SIZE_MAX) return ctx.reply.Integer(-1);
  l.obj->Insert(found + (after ? 1 : 0), ctx.args[4]);
  ctx.SignalModified(ctx.args[1]);
  ctx.Notify(kNotifyList, "linsert", ctx.args[1]);
  ctx.reply.Integer(static_cast<std::int64_t>(l.obj->size()));
}

void CmdLRem(CommandContext& ctx) {
  std::int64_t count;
  if (!ParseInt64(ctx.args[2], &count)) return ctx.reply.Error(kErrNotInteger);
  auto l = FindTypedForWrite<ListObject>(ctx, ctx.args[1]);
  if (l.wrong_type) return;
  if (!l.obj) return ctx.reply.Integer(0);
  std::string_view value = ctx.args[3];
  // |count| as unsigned so that INT64_MIN does not overflow; 0 = no limit.
  std::uint64_t limit = count < 0 ? 0 - static_cast<std::uint64_t>(count)
                                  : static_cast<std::uint64_t>(count);
  std::vector<std::size_t> hits;
  bool reverse = count < 0;
  l.obj->Visit(reverse ? l.obj->size() - 1 : 0, reverse, [&](std::size_t i, std::string_view e) {
    if (e == value) hits.push_back(i);
    return limit == 0 || hits.size() < limit;
  });
  if (reverse) std::reverse(hits.begin(), hits.end());
  l.obj->RemoveIndexes(hits);
  if (!hits.empty()) CommitTyped(ctx, ctx.args[1], l.obj, {kNotifyList, "lrem"});
  ctx.reply.Integer(static_cast<std::int64_t>(hits.size()));
}

void CmdLTrim(CommandContext& ctx) {
  std::int64_t start, stop;
  if (!ParseInt64(ctx.args[2], &start) || !ParseInt64(ctx.args[3], &stop)) {
    return ctx.reply.Error(kErrNotInteger);
  }
  auto l = FindTypedForWrite<ListObject>(ctx, ctx.args[1]);
  if (l.wrong_type) return;
  if (!l.obj) return ctx.reply.Ok();
  const std::size_t len = l.obj->size();
  auto [first, last] = IndexRange(len, start, stop);
  // An empty range drops everything.
  const std::size_t front = first == last ? len : first;
  const std::size_t back = first == last ? 0 : len - last;
  if (front || back) l.obj->Trim(front, back);
  // Redis signals even when every element stays.
  CommitTyped(ctx, ctx.args[1], l.obj, {kNotifyList, "ltrim"});
  ctx.reply.Ok();
}

void CmdLPos(CommandContext& ctx) {
  std::int64_t rank = 1, count = 0, maxlen = 0;
  bool has_count = false;
  for (std::size_t i = 3; i < ctx.args.size(); ++i) {
    std::string_view opt = ctx.args[i];
    bool more = i + 1 < ctx.args.size();
    if (more && EqualsIgnoreCase(opt, "rank")) {
      if (!ParseInt64(ctx.args[++i], &rank)) return ctx.reply.Error(kErrNotInteger);
      if (rank == 0) {
        return ctx.reply.Error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
      }
    } else if (more && EqualsIgnoreCase(opt, "count")) {
      // Redis reads COUNT and MAXLEN as "positive integers": a parse failure gets the same
      // error as a negative value.
      if (!ParseInt64(ctx.args[++i], &count) || count < 0) {
        return ctx.reply.Error("ERR COUNT can't be negative");
      }
      has_count = true;
    } else if (more && EqualsIgnoreCase(opt, "maxlen")) {
      if (!ParseInt64(ctx.args[++i], &maxlen) || maxlen < 0) {
        return ctx.reply.Error("ERR MAXLEN can't be negative");
      }
    } else {
      return ctx.reply.Error(kErrSyntax);
    }
  }
  auto l = FindTyped<ListObject>(ctx, ctx.args[1]);
  if (l.wrong_type) return;
  if (!l.obj) return has_count ? ctx.reply.ArrayHeader(0) : ctx.reply.Null();
  bool reverse = rank < 0;
  // Redis negates the rank with wrap-around: RANK INT64_MIN stays negative and then
  // matches from the first hit (found by comparing against the real server).
  std::int64_t need =
      reverse ? static_cast<std::int64_t>(0 - static_cast<std::uint64_t>(rank)) : rank;
  std::int64_t matches = 0, seen = 0;
  std::vector<std::int64_t> hits;
  std::string_view value = ctx.args[2];
  l.obj->Visit(reverse ? l.obj->size() - 1 : 0, reverse, [&](std::size_t i, std::string_view e) {
    if (maxlen != 0 && seen >= maxlen) return false;
    ++seen;
    if (e == value && ++matches >= need) {
      hits.push_back(static_cast<std::int64_t>(i));
      if (!has_count || (count != 0 && static_cast<std::int64_t>(hits.size()) == count)) {
        return false;
      }
    }
    return true;
  });
  if (!has_count) return hits.empty() ? ctx.reply.Null() : ctx.reply.Integer(hits[0]);
  ctx.reply.ArrayHeader(hits.size());
  for (std::int64_t h : hits) ctx.reply.Integer(h);
}

void MoveGeneric(CommandContext& ctx, bool from_left, bool to_left) {
  std::string_view src = ctx.args[1], dst = ctx.args[2];
  auto s = FindTypedForWrite<ListObject>(ctx, src);
  if (s.wrong_type) return;
  if (!s.obj) return ctx.reply.Null();
  auto d = FindTypedForWrite<ListObject>(ctx, dst);
  if (d.wrong_type) return;
  std::string value;
  if (from_left) s.obj->PopFront(&value);
  else s.obj->PopBack(&value);
  if (d.obj) {
    if (to_left) d.obj->PushFront(value);
    else d.obj->PushBack(value);
  } else {
    auto fresh = std::make_unique<ListObject>();
    fresh->PushBack(value);
    ctx.ks->SetObject(ctx.db, dst, std::move(fresh), kNoExpire);
  }
  // Redis publishes the push before the pop.
  ctx.Notify(kNotifyList, to_left ? "lpush" : "rpush", dst);
  CommitTyped(ctx, src, s.obj, PopEvent(from_left));
  if (dst != src) ctx.SignalModified(dst);
  ctx.reply.Bulk(value);
}

void CmdLMove(CommandContext& ctx) {
  bool from_left, to_left;
  if (!ParseWhere(ctx.args[3], &from_left) || !ParseWhere(ctx.args[4], &to_left)) {
    return ctx.reply.Error(kErrSyntax);
  }
  MoveGeneric(ctx, from_left, to_left);
}

void CmdRPopLPush(CommandContext& ctx) { MoveGeneric(ctx, false, true); }

// [B]LMPOP: LEFT is the first direction word, so it arrives as PopInto's `left`.
void LMPop(CommandContext& ctx, bool blocking) {
  MultiPopCommand<ListObject>(ctx, "left", "right", blocking, PopInto, PopEvent(true),
                              PopEvent(false));
}

void CmdLMPop(CommandContext& ctx) { LMPop(ctx, false); }

// ---------------------------------------------------------------------------------------
// Blocking pops (the scaffolding they share with the sorted sets: blocking_pop.h).

void BlockingPop(CommandContext& ctx, bool left) {
  BlockingPopCommand<ListObject>(
      ctx, [left](ReplyBuilder& reply, std::string_view key, ListObject* list) {
        reply.ArrayHeader(2);
        reply.Bulk(key);
        PopInto(reply, list, left, 1);
      },
      PopEvent(left));
}

void CmdBLPop(CommandContext& ctx) { BlockingPop(ctx, true); }
void CmdBRPop(CommandContext& ctx) { BlockingPop(ctx, false); }

void BlockingMove(CommandContext& ctx, bool from_left, bool to_left, std::string_view timeout_arg) {
  std::int64_t timeout;
  if (auto err = ParseBlockTimeout(timeout_arg, &timeout); !err.empty()) {
    return ctx.reply.Error(err);
  }
  std::string_view src = ctx.args[1], dst = ctx.args[2];
  auto s = FindTypedForWrite<ListObject>(ctx, src);
  if (s.wrong_type) return;
  if (s.obj) return MoveGeneric(ctx, from_left, to_left);
  const int db = ctx.db;
  KeyspaceEvents* events = &ctx.server.keyspace_events();
  BlockOnKeys(ctx, {std::string(src)}, {std::string(dst)}, timeout, true,
              [db, events, from_left, to_left, dst = std::string(dst)](
                  Keyspace& ks, std::string_view key, ReplyBuilder& reply) {
                ServeResult miss;
                ListObject* list = ReadyToServe<ListObject>(ks, db, key, &miss);
                if (list == nullptr) return miss;
                WriteRef d = ks.FindForWrite(db, dst);
                if (d && d.type != ValueType::kList) {
                  reply.Error(kErrWrongType);  // served with the error, as Redis does
                  return ServeResult::kServed;
                }
                std::string value;
                if (from_left) list->PopFront(&value);
                else list->PopBack(&value);
                if (d) {
                  auto* out = static_cast<ListObject*>(d.obj);
                  if (to_left) out->PushFront(value);
                  else out->PushBack(value);
                } else {
                  auto fresh = std::make_unique<ListObject>();
                  fresh->PushBack(value);
                  ks.SetObject(db, dst, std::move(fresh), kNoExpire);
                }
                events->Notify(kNotifyList, to_left ? "lpush" : "rpush", db, dst);
                CommitTyped(ks, db, key, list, *events, PopEvent(from_left));
                if (dst != key) ks.SignalModified(db, dst);
                reply.Bulk(value);
                return ServeResult::kServed;
              });
}

void CmdBLMove(CommandContext& ctx) {
  bool from_left, to_left;
  if (!ParseWhere(ctx.args[3], &from_left) || !ParseWhere(ctx.args[4], &to_left)) {
    return ctx.reply.Error(kErrSyntax);
  }
  BlockingMove(ctx, from_left, to_left, ctx.args[5]);
}

void CmdBRPopLPush(CommandContext& ctx) { BlockingMove(ctx, false, true, ctx.args[3]); }

void CmdBLMPop(CommandContext& ctx) { LMPop(ctx, true); }

constexpr std::string_view kPushCx =
    "O(1) for each element added, so O(N) to add N elements when the command is called with "
    "multiple arguments.";

const DocEntry kListDocs[] = {
    {"lpush", "1.0.0", "list", kPushCx, "@list", "", "Prepend elements to a list",
     "key element [element ...]"},
    {"rpush", "1.0.0", "list", kPushCx, "@list", "", "Append elements to a list",
     "key element [element ...]"},
    {"lpushx", "2.2.0", "list", kPushCx, "@list", "",
     "Prepend elements to a list, only when the list already exists",
     "key element [element ...]"},
    {"rpushx", "2.2.0", "list", kPushCx, "@list", "",
     "Append elements to a list, only when the list already exists",
     "key element [element ...]"},
    {"lpop", "1.0.0", "list", "O(N) where N is the number of elements returned", "@list", "",
     "Remove and return elements from the head of a list", "key [count:integer]"},
    {"rpop", "1.0.0", "list", "O(N) where N is the number of elements returned", "@list", "",
     "Remove and return elements from the tail of a list", "key [count:integer]"},
    {"llen", "1.0.0", "list", "O(1)", "@list", "", "Return the number of elements in a list",
     "key"},
    {"lrange", "1.0.0", "list",
     "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest "
     "end (HEAD or TAIL) for large lists; and N is the number of elements in the specified "
     "range.",
     "@list", "", "Return a slice of a list by index range",
     "key start:integer stop:integer"},
    {"lindex", "1.0.0", "list",
     "O(N) where N is the number of elements to traverse to get to the element at index. This "
     "makes asking for the first or the last element of the list O(1).",
     "@list", "", "Return the list element at an index", "key index:integer"},
    {"lset", "1.0.0", "list",
     "O(N) where N is the length of the list. Setting either the first or the last element of "
     "the list is O(1).",
     "@list", "", "Overwrite the list element at an index", "key index:integer element"},
    {"linsert", "2.2.0", "list",
     "O(N) where N is the number of elements to traverse before seeing the value pivot. This "
     "means that inserting somewhere on the left end on the list (head) can be considered "
     "O(1) and inserting somewhere on the right end (tail) is O(N).",
     "@list", "", "Add an element next to the first occurrence of a pivot element",
     "key <where: BEFORE | AFTER> pivot element"},
    {"lrem", "1.0.0", "list",
     "O(N+M) where N is the length of the list and M is the number of elements removed.",
     "@list", "", "Delete occurrences of an element from a list",
     "key count:integer element"},
    {"ltrim", "1.0.0", "list",
     "O(N) where N is the number of elements to be removed by the operation.", "@list", "",
     "Keep only an index range of a list, dropping the rest", "key start:integer stop:integer"},
    {"lpos", "6.0.6", "list",
     "O(N) where N is the number of elements in the list, for the average case. When searching "
     "for elements near the head or the tail of the list, or when the MAXLEN option is "
     "provided, the command may run in constant time.",
     "@list", "", "Find the positions of an element in a list",
     "key element [RANK rank:integer] [COUNT num-matches:integer] [MAXLEN len:integer]"},
    {"lmove", "6.2.0", "list", "O(1)", "@list", "",
     "Pop an element from one list end and push it onto an end of another list",
     "source destination <wherefrom: LEFT | RIGHT> <whereto: LEFT | RIGHT>"},
    {"rpoplpush", "1.2.0", "list", "O(1)", "@list", "",
     "Pop the last element of a list and push it onto the head of another list",
     "source destination"},
    {"lmpop", "7.0.0", "list",
     "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
     "@list", "", "Pop elements from the first non-empty list among several keys",
     "numkeys:integer key [key ...] <where: LEFT | RIGHT> [COUNT count:integer]"},
    {"blpop", "2.0.0", "list", "O(N) where N is the number of provided keys.",
     "@list @blocking", "",
     "Pop the first element of the first non-empty list, waiting for one if all are empty",
     "key [key ...] timeout:double"},
    {"brpop", "2.0.0", "list", "O(N) where N is the number of provided keys.",
     "@list @blocking", "",
     "Pop the last element of the first non-empty list, waiting for one if all are empty",
     "key [key ...] timeout:double"},
    {"blmove", "6.2.0", "list", "O(1)", "@list", "",
     "Move an element between lists like LMOVE, waiting for one if the source is empty",
     "source destination <wherefrom: LEFT | RIGHT> <whereto: LEFT | RIGHT> timeout:double"},
    {"brpoplpush", "2.2.0", "list", "O(1)", "@list", "",
     "Move the last element of a list to the head of another, waiting if the source is empty",
     "source destination timeout:double"},
    {"blmpop", "7.0.0", "list",
     "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
     "@list @blocking", "",
     "Pop elements from the first non-empty list, waiting for one if all are empty",
     "timeout:double numkeys:integer key [key ...] <where: LEFT | RIGHT> "
     "[COUNT count:integer]"},
};

}  // namespace

void RegisterListCommands(CommandTable* table) {
  AddDocEntries(kListDocs);
  constexpr std::uint32_t kWriteFast = kCmdWrite | kCmdFast;
  constexpr std::uint32_t kPushFlags = kCmdWrite | kCmdFast | kCmdDenyOom;
  table->Add("lpush", -3, kPushFlags, CmdLPush).Keys(1, 1, 1).Specs({kKsRW | kKsInsert});
  table->Add("rpush", -3, kPushFlags, CmdRPush).Keys(1, 1, 1).Specs({kKsRW | kKsInsert});
  table->Add("lpushx", -3, kPushFlags, CmdLPushX).Keys(1, 1, 1).Specs({kKsRW | kKsInsert});
  table->Add("rpushx", -3, kPushFlags, CmdRPushX).Keys(1, 1, 1).Specs({kKsRW | kKsInsert});
  table->Add("lpop", -2, kWriteFast, CmdLPop).Keys(1, 1, 1).Specs({kKsRW | kKsAccess | kKsDelete});
  table->Add("rpop", -2, kWriteFast, CmdRPop).Keys(1, 1, 1).Specs({kKsRW | kKsAccess | kKsDelete});
  // RO without ACCESS in Redis, but the length is in the value (Stat has none): read it.
  table->Add("llen", 2, kCmdReadOnly | kCmdFast, CmdLLen)
      .Keys(1, 1, 1)
      .Specs({kKsRO})
      .Intent(KeyIntent::kRead);
  table->Add("lrange", 4, kCmdReadOnly, CmdLRange).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("lindex", 3, kCmdReadOnly, CmdLIndex).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("lset", 4, kCmdWrite | kCmdDenyOom, CmdLSet).Keys(1, 1, 1).Specs({kKsRW | kKsUpdate});
  table->Add("linsert", 5, kCmdWrite | kCmdDenyOom, CmdLInsert)
      .Keys(1, 1, 1)
      .Specs({kKsRW | kKsInsert});
  table->Add("lrem", 4, kCmdWrite, CmdLRem).Keys(1, 1, 1).Specs({kKsRW | kKsDelete});
  table->Add("ltrim", 4, kCmdWrite, CmdLTrim).Keys(1, 1, 1).Specs({kKsRW | kKsDelete});
  table->Add("lpos", -3, kCmdReadOnly, CmdLPos).Keys(1, 1, 1).Specs({kKsRO | kKsAccess});
  table->Add("lmove", 5, kCmdWrite | kCmdDenyOom, CmdLMove)
      .Keys(1, 2, 1)
      .Specs({kKsRW | kKsAccess | kKsDelete, kKsRW | kKsInsert});
  table->Add("rpoplpush", 3, kCmdWrite | kCmdDenyOom, CmdRPopLPush)
      .Keys(1, 2, 1)
      .Specs({kKsRW | kKsAccess | kKsDelete, kKsRW | kKsInsert});
  table->Add("lmpop", -4, kCmdWrite, CmdLMPop)
      .KeysBy(NumKeysFinder<1, false>)
      .NumKeysSpec(1, kKsRW | kKsAccess | kKsDelete);
  constexpr std::uint32_t kBlock = kCmdWrite | kCmdNoScript | kCmdBlocking;
  table->Add("blpop", -3, kBlock, CmdBLPop).Keys(1, -2, 1).Specs({kKsRW | kKsAccess | kKsDelete});
  table->Add("brpop", -3, kBlock, CmdBRPop).Keys(1, -2, 1).Specs({kKsRW | kKsAccess | kKsDelete});
  table->Add("blmove", 6, kBlock | kCmdDenyOom, CmdBLMove)
      .Keys(1, 2, 1)
      .Specs({kKsRW | kKsAccess | kKsDelete, kKsRW | kKsInsert});
  table->Add("brpoplpush", 4, kBlock | kCmdDenyOom, CmdBRPopLPush)
      .Keys(1, 2, 1)
      .Specs({kKsRW | kKsAccess | kKsDelete, kKsRW | kKsInsert});
  table->Add("blmpop", -5, kCmdWrite | kCmdBlocking, CmdBLMPop)
      .KeysBy(NumKeysFinder<2, false>)
      .NumKeysSpec(2, kKsRW | kKsAccess | kKsDelete);
}

}  // namespace strata
