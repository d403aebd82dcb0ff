// Helpers shared by command families: Redis's error texts and argument parsing with
// Redis's exact rules.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/ascii.h"  // EqualsIgnoreCase
#include "util/int64.h"  // ParseInt64, FormatInt64: every family uses them

namespace strata {

inline constexpr std::string_view kErrWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kErrNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kErrSyntax = "ERR syntax error";
inline constexpr std::string_view kErrNoSuchKey = "ERR no such key";
inline constexpr std::string_view kErrOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kErrDbIndex = "ERR DB index is out of range";

// Redis's string2ld/strtold rules for INCRBYFLOAT and friends: no spaces, finite (unless
// allow_inf), the whole string consumed.
bool ParseLongDouble(std::string_view s, long double* out);
// Redis's getDoubleFromObject: strtod, whole string, not NaN; "inf"/"-inf" accepted.
bool ParseDouble(std::string_view s, double* out);

std::string ToLower(std::string_view s);
std::string ToUpper(std::string_view s);

// Redis's SCAN-family cursor (strtoul): decimal digits, no leading space; a negative number
// wraps around as unsigned.
bool ParseScanCursor(std::string_view arg, std::uint64_t* cursor);

// Redis's start/stop index range over `len` elements (LRANGE, LTRIM, ZRANGE by rank...):
// negative indexes count from the end, the ends are clamped; the result is the ascending
// half-open range [first, last), empty as {0, 0}.
std::pair<std::size_t, std::size_t> IndexRange(std::size_t len, std::int64_t start,
                                               std::int64_t stop);

// LMPOP / ZMPOP (and their blocking forms) after the command name:
// "numkeys key [key ...] <word_a | word_b> [COUNT count]", with Redis's error texts.
struct MultiPopArgs {
  std::span<const std::string_view> keys;
  bool word_a = true;  // the direction given was word_a (LEFT, MIN), not word_b
  std::size_t count = 1;
};
// Parses from args[1]; returns "" or the error to reply.
std::string_view ParseMultiPop(std::span<const std::string_view> args, std::string_view word_a,
                               std::string_view word_b, MultiPopArgs* out);

// Key positions of "numkeys key [key ...]" arguments, numkeys at args[at] (and, with `dest`,
// a destination key just before it). Like Redis's GETKEYS: no keys at all when numkeys is
// malformed, below 1, or larger than the number of arguments that follow it.
void NumKeysPositions(std::span<const std::string_view> args, std::size_t at, bool dest,
                      std::vector<int>* out);
// The same as a CommandSpec::KeysBy finder: NumKeysFinder<1, false> for "ZUNION numkeys
// key ...", <2, true> for "ZUNIONSTORE dest numkeys key ...", <2, false> for "BLMPOP timeout
// numkeys key ...".
template <std::size_t kAt, bool kDest>
void NumKeysFinder(std::span<const std::string_view> args, std::vector<int>* out) {
  NumKeysPositions(args, kAt, kDest, out);
}

// The count of HRANDFIELD / SRANDMEMBER / ZRANDMEMBER: any int64 but INT64_MIN (its
// negation, "that many with repetitions", does not exist). Returns "" or Redis's error text.
std::string_view ParseRandomCount(std::string_view s, std::int64_t* count);

// This thread's random generator for commands that pick at random (SPOP, HRANDFIELD...).
std::mt19937_64& CommandRng();

// A blocking command's timeout argument (seconds, fractional; 0 = forever) in milliseconds.
// Returns "" or Redis's error text for it.
std::string_view ParseBlockTimeout(std::string_view s, std::int64_t* timeout_ms);

}  // namespace strata
