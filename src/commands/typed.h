// Typed lookups for the collection families: find a key, check its type, answer WRONGTYPE.
#pragma once

#include <cstdint>
#include <string_view>

#include "commands/command.h"
#include "commands/util.h"
#include "state/keyspace_events.h"
#include "util/glob.h"

namespace strata {

// The outcome of looking up a key that must hold a `T` (a collection type with a static
// `kType`): `Obj` is `const T` for reads, `T` for writes.
template <typename Obj>
struct TypedLookup {
  Obj* obj = nullptr;       // the collection; nullptr when the key is absent or wrong-typed
  bool wrong_type = false;  // the key holds another type; WRONGTYPE was already replied
  std::int64_t expire_at_ms = kNoExpire;
};

// Looks `key` up for reading in the selected database. On a type mismatch replies
// WRONGTYPE.
template <typename T>
TypedLookup<const T> FindTyped(CommandContext& ctx, std::string_view key) {
  TypedLookup<const T> r;
  ValueRef v = ctx.ks->Find(ctx.db, key);
  if (!v) return r;
  if (v.type != T::kType) {
    r.wrong_type = true;
    ctx.reply.Error(kErrWrongType);
    return r;
  }
  r.obj = static_cast<const T*>(v.obj);
  r.expire_at_ms = v.expire_at_ms;
  return r;
}

// Looks `key` up for changing in place (Keyspace::FindForWrite). On a type mismatch
// replies WRONGTYPE.
template <typename T>
TypedLookup<T> FindTypedForWrite(Keyspace& ks, int db, std::string_view key,
                                 ReplyBuilder* reply) {
  TypedLookup<T> r;
  WriteRef v = ks.FindForWrite(db, key);
  if (!v) return r;
  if (v.type != T::kType) {
    r.wrong_type = true;
    if (reply != nullptr) reply->Error(kErrWrongType);
    return r;
  }
  r.obj = static_cast<T*>(v.obj);
  r.expire_at_ms = v.expire_at_ms;
  return r;
}

template <typename T>
TypedLookup<T> FindTypedForWrite(CommandContext& ctx, std::string_view key) {
  return FindTypedForWrite<T>(*ctx.ks, ctx.db, key, &ctx.reply);
}

// The keyspace event a write publishes (class and Redis's name), e.g. {kNotifyList, "lpop"}.
struct KeyEvent {
  std::uint32_t type;
  std::string_view name;
};

// After `obj` was changed in place: publishes `event`, then deletes the key when the
// collection became empty (Redis never keeps empty collections; a "del" event follows) and
// signals the change, as Redis does after every write that took effect. This form serves a
// blocked client, outside any command's context.
template <typename T>
void CommitTyped(Keyspace& ks, int db, std::string_view key, const T* obj,
                 KeyspaceEvents& events, KeyEvent event) {
  events.Notify(event.type, event.name, db, key);
  if (obj->size() == 0) {
    ks.Delete(db, key);
    events.Notify(kNotifyGeneric, "del", db, key);
  }
  ks.SignalModified(db, key);
}

template <typename T>
void CommitTyped(CommandContext& ctx, std::string_view key, const T* obj, KeyEvent event) {
  ctx.Notify(event.type, event.name, key);
  if (obj->size() == 0) {
    ctx.ks->Delete(ctx.db, key);
    ctx.Notify(kNotifyGeneric, "del", key);
  }
  ctx.SignalModified(key);
}

// HSCAN/SSCAN/ZSCAN key cursor [MATCH pattern] [COUNT count], in Redis's order of checks:
// the cursor, then the key (missing: an empty scan is replied; wrong type: WRONGTYPE), then
// the options.
struct ElementScan {
  std::uint64_t cursor = 0;
  std::size_t count = 10;
  std::string_view pattern;
  bool use_pattern = false;  // "*" matches everything, the empty string included

  bool Matches(std::string_view s) const { return !use_pattern || GlobMatch(pattern, s); }
};

// Returns the collection to scan, or nullptr once a reply was written.
template <typename T>
const T* BeginElementScan(CommandContext& ctx, ElementScan* scan) {
  if (!ParseScanCursor(ctx.args[2], &scan->cursor)) {
    ctx.reply.Error("ERR invalid cursor");
    return nullptr;
  }
  auto found = FindTyped<T>(ctx, ctx.args[1]);
  if (found.wrong_type) return nullptr;
  if (found.obj == nullptr) {
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk("0");
    ctx.reply.ArrayHeader(0);
    return nullptr;
  }
  for (std::size_t i = 3; i < ctx.args.size(); i += 2) {
    const bool has_value = i + 1 < ctx.args.size();
    std::int64_t count;
    if (has_value && EqualsIgnoreCase(ctx.args[i], "count")) {
      if (!ParseInt64(ctx.args[i + 1], &count)) {
        ctx.reply.Error(kErrNotInteger);
        return nullptr;
      }
      if (count < 1) {
        ctx.reply.Error(kErrSyntax);
        return nullptr;
      }
      scan->count = static_cast<std::size_t>(count);
    } else if (has_value && EqualsIgnoreCase(ctx.args[i], "match")) {
      scan->pattern = ctx.args[i + 1];
      scan->use_pattern = scan->pattern != "*";
    } else {
      ctx.reply.Error(kErrSyntax);
      return nullptr;
    }
  }
  return found.obj;
}

}  // namespace strata
