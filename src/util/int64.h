// Decimal int64 text with Redis's rules. Shared by the command families (arguments, replies)
// and the collections (a set member that reads as a canonical integer is stored as one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace strata {

// Redis's string2ll: optional '-', no '+', no leading zeros (except "0"), no spaces,
// must fit in int64.
bool ParseInt64(std::string_view s, std::int64_t* out);

// Formats an integer into `buf` (at least 21 bytes); returns the length.
std::size_t FormatInt64(std::int64_t v, char* buf);

}  // namespace strata
