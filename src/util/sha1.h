// SHA-1 (FIPS 180-4), for naming scripts as Redis does (EVALSHA, redis.sha1hex). Not for
// security.
#pragma once

#include <string>
#include <string_view>

namespace strata {

// The digest of `data` as 40 lower-case hex digits.
std::string Sha1Hex(std::string_view data);

}  // namespace strata
