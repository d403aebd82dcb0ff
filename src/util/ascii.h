// Byte-string helpers that every layer needs (command names and options are ASCII and
// case-insensitive in Redis).
#pragma once

#include <string_view>

namespace strata {

// Equal ignoring ASCII case, as Redis's strcasecmp in the C locale.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace strata
