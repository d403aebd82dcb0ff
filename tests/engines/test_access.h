// Unit tests of the memory engine lock keys without caring about intents or databases:
// this builds the AccessSet keys for them (every key written, in database `db`).
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "strata/storage_engine.h"

namespace strata::testing {

inline std::vector<KeyAccess> WriteAccess(std::span<const std::string_view> keys, int db = 0) {
  std::vector<KeyAccess> out;
  for (std::string_view k : keys) out.push_back({db, k, KeyIntent::kWrite});
  return out;
}

}  // namespace strata::testing
