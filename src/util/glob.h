// Redis's glob matching (stringmatchlen), shared by KEYS/SCAN MATCH (applied inside the
// storage engines), the collection scans, CONFIG GET and COMMAND LIST FILTERBY PATTERN.
#pragma once

#include <string_view>

namespace strata {

// Redis's stringmatchlen glob matching (*, ?, [...], \ escapes), optionally nocase.
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

// A KEYS / SCAN MATCH pattern applied to a key: Redis special-cases a lone "*" to match
// every key, the empty one included (GlobMatch("*", "") is false).
inline bool KeyMatches(std::string_view pattern, std::string_view key) {
  return (pattern.size() == 1 && pattern[0] == '*') || GlobMatch(pattern, key);
}

}  // namespace strata
