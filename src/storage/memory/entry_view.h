// How the memory engine's files read an Entry through the seam's types.
#pragma once

#include <cstdint>

#include "storage/memory/entry.h"
#include "strata/storage_engine.h"

namespace strata::memory {

inline bool Expired(const Entry* e, std::int64_t now_ms) {
  return e->has_expire() && e->expire() <= now_ms;
}

// A read view of the entry, valid while the entry is neither changed nor freed.
inline ValueRef RefOf(const Entry* e) {
  ValueRef ref;
  ref.type = e->type();
  if (ref.type == ValueType::kString) {
    ref.str = e->str();
    ref.str_raw = (e->flags() & Entry::kRaw) != 0;
    ref.str_not_int = (e->flags() & Entry::kNotInt) != 0;
  } else {
    ref.obj = e->obj();
  }
  ref.expire_at_ms = e->expire();
  return ref;
}

}  // namespace strata::memory
