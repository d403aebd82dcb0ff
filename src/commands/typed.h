// Typed lookups for the collection families: find a key, check its type, answer WRONGTYPE.
#pragma once

#include <string_view>

#include "commands/command.h"
#include "commands/util.h"

namespace strata {

// The outcome of looking up a key that must hold a `T` (a collection type with a static
// `kType`).
template <typename T>
struct TypedLookup {
  T* obj = nullptr;        // the collection; nullptr when the key is absent or wrong-typed
  bool wrong_type = false;  // the key holds another type; WRONGTYPE was already replied
  std::int64_t expire_at_ms = kNoExpire;
};

// Looks `key` up in the selected database. On a type mismatch replies WRONGTYPE.
template <typename T>
TypedLookup<T> FindTyped(CommandContext& ctx, std::string_view key) {
  TypedLookup<T> r;
  ValueRef v = ctx.ks->Find(ctx.db, key);
  if (!v) return r;
  if (v.type != T::kType) {
    r.wrong_type = true;
    ctx.reply.Error(kErrWrongType);
    return r;
  }
  r.obj = static_cast<T*>(v.obj);
  r.expire_at_ms = v.expire_at_ms;
  return r;
}

// After a command mutated `obj` in place: deletes the key when the collection became empty
// (Redis never keeps empty collections), otherwise tells the engine it changed.
template <typename T>
void CommitTyped(CommandContext& ctx, std::string_view key, T* obj) {
  if (obj->size() == 0) {
    ctx.ks->Delete(ctx.db, key);
  } else {
    ctx.ks->ObjectChanged(ctx.db, key);
  }
}

}  // namespace strata
