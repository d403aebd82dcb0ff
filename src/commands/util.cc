#include "commands/util.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "util/clock.h"

namespace strata {

bool ParseLongDouble(std::string_view s, long double* out) {
  if (s.empty() || s.size() >= 5120) return false;
  if (std::isspace(static_cast<unsigned char>(s[0]))) return false;
  std::string buf(s);
  char* end = nullptr;
  errno = 0;
  long double v = std::strtold(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size()) return false;
  if (std::isspace(static_cast<unsigned char>(buf.back()))) return false;
  if (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || v == 0)) {
    // Redis rejects overflow; underflow to tiny values is accepted by its string2ld only if
    // not zero. Treat both as invalid like Redis 7.0 (errno == ERANGE fails).
    return false;
  }
  if (std::isnan(v)) return false;
  *out = v;
  return true;
}

bool ParseScanCursor(std::string_view arg, std::uint64_t* cursor) {
  std::string text(arg);
  if (!text.empty() && std::isspace(static_cast<unsigned char>(text[0]))) return false;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return false;
  *cursor = v;
  return true;
}

std::pair<std::size_t, std::size_t> IndexRange(std::size_t len, std::int64_t start,
                                               std::int64_t stop) {
  const auto n = static_cast<std::int64_t>(len);
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  if (start < 0) start = 0;
  if (start > stop || start >= n) return {0, 0};
  if (stop >= n) stop = n - 1;
  return {static_cast<std::size_t>(start), static_cast<std::size_t>(stop + 1)};
}

std::string_view ParseMultiPop(std::span<const std::string_view> args, std::string_view word_a,
                               std::string_view word_b, MultiPopArgs* out) {
  std::int64_t n;
  if (!ParseInt64(args[1], &n) || n <= 0) return "ERR numkeys should be greater than 0";
  // The keys, then at least the direction.
  if (n > static_cast<std::int64_t>(args.size()) - 3) return kErrSyntax;
  const std::size_t where = 2 + static_cast<std::size_t>(n);
  if (EqualsIgnoreCase(args[where], word_a)) {
    out->word_a = true;
  } else if (EqualsIgnoreCase(args[where], word_b)) {
    out->word_a = false;
  } else {
    return kErrSyntax;
  }
  bool has_count = false;
  for (std::size_t i = where + 1; i < args.size(); ++i) {
    std::int64_t count;
    if (has_count || i + 1 >= args.size() || !EqualsIgnoreCase(args[i], "count")) {
      return kErrSyntax;
    }
    if (!ParseInt64(args[++i], &count) || count <= 0) return "ERR count should be greater than 0";
    out->count = static_cast<std::size_t>(count);
    has_count = true;
  }
  out->keys = args.subspan(2, static_cast<std::size_t>(n));
  return "";
}

void NumKeysPositions(std::span<const std::string_view> args, std::size_t at, bool dest,
                      std::vector<int>* out) {
  std::int64_t n;
  if (args.size() <= at || !ParseInt64(args[at], &n) || n < 1 ||
      static_cast<std::uint64_t>(n) > args.size() - at - 1) {
    return;
  }
  if (dest) out->push_back(static_cast<int>(at - 1));
  for (std::int64_t i = 0; i < n; ++i) out->push_back(static_cast<int>(at + 1 + i));
}

std::string_view ParseRandomCount(std::string_view s, std::int64_t* count) {
  if (!ParseInt64(s, count)) return kErrNotInteger;
  if (*count == INT64_MIN) {
    return "ERR value is out of range, value must between -9223372036854775807 and "
           "9223372036854775807";
  }
  return "";
}

std::mt19937_64& CommandRng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

std::string_view ParseBlockTimeout(std::string_view s, std::int64_t* timeout_ms) {
  long double seconds;
  if (!ParseLongDouble(s, &seconds)) return "ERR timeout is not a float or out of range";
  long double ms = seconds * 1000.0L;
  // Redis converts with a plain cast: anything beyond the int64 range (inf included) comes
  // out as INT64_MIN there and is reported as negative.
  if (!(ms < 9223372036854775807.0L && ms > -9223372036854775807.0L)) {
    return "ERR timeout is negative";
  }
  // Rounded up, as Redis 7 does: 0.001 s is 0.99999... ms in binary, and a timeout that
  // truncated to 0 would mean "block forever".
  auto t = static_cast<std::int64_t>(std::ceil(ms));
  if (t < 0) return "ERR timeout is negative";
  if (t > INT64_MAX - UnixTimeMs()) return "ERR timeout is out of range";
  *timeout_ms = t;
  return "";
}

bool ParseDouble(std::string_view s, double* out) {
  if (s.empty() || s.size() > 5000) return false;
  if (std::isspace(static_cast<unsigned char>(s[0]))) return false;
  std::string buf(s);
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size()) return false;
  if (std::isspace(static_cast<unsigned char>(buf.back()))) return false;
  if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || v == 0)) return false;
  if (std::isnan(v)) return false;
  *out = v;
  return true;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace strata
