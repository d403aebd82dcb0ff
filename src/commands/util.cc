#include "commands/util.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace strata {

bool ParseInt64(std::string_view s, std::int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  if (s.size() == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  std::size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    i = 1;
    if (s.size() == 1) return false;
  }
  if (s[i] < '1' || s[i] > '9') return false;
  std::uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    if (v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + static_cast<std::uint64_t>(s[i] - '0');
  }
  if (negative) {
    if (v > static_cast<std::uint64_t>(INT64_MAX) + 1) return false;
    *out = static_cast<std::int64_t>(0 - v);
  } else {
    if (v > static_cast<std::uint64_t>(INT64_MAX)) return false;
    *out = static_cast<std::int64_t>(v);
  }
  return true;
}

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

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
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

namespace {

bool GlobMatchImpl(const char* p, std::size_t plen, const char* s, std::size_t slen, bool nocase,
                   int nesting) {
  // Bound recursion like Redis does, to avoid pathological patterns.
  if (nesting > 1000) return false;
  while (plen && slen) {
    switch (p[0]) {
      case '*':
        while (plen > 1 && p[1] == '*') {
          ++p;
          --plen;
        }
        if (plen == 1) return true;
        while (slen) {
          if (GlobMatchImpl(p + 1, plen - 1, s, slen, nocase, nesting + 1)) return true;
          ++s;
          --slen;
        }
        return false;
      case '?':
        ++s;
        --slen;
        break;
      case '[': {
        ++p;
        --plen;
        bool negate = plen && p[0] == '^';
        if (negate) {
          ++p;
          --plen;
        }
        bool match = false;
        while (true) {
          if (plen == 0) {
            break;
          } else if (p[0] == '\\' && plen >= 2) {
            ++p;
            --plen;
            if (p[0] == s[0]) match = true;
          } else if (p[0] == ']') {
            break;
          } else if (plen >= 3 && p[1] == '-') {
            unsigned char start = static_cast<unsigned char>(p[0]);
            unsigned char end = static_cast<unsigned char>(p[2]);
            unsigned char c = static_cast<unsigned char>(s[0]);
            if (start > end) std::swap(start, end);
            if (nocase) {
              start = static_cast<unsigned char>(std::tolower(start));
              end = static_cast<unsigned char>(std::tolower(end));
              c = static_cast<unsigned char>(std::tolower(c));
            }
            p += 2;
            plen -= 2;
            if (c >= start && c <= end) match = true;
          } else {
            if (!nocase) {
              if (p[0] == s[0]) match = true;
            } else if (std::tolower(static_cast<unsigned char>(p[0])) ==
                       std::tolower(static_cast<unsigned char>(s[0]))) {
              match = true;
            }
          }
          ++p;
          --plen;
        }
        if (negate) match = !match;
        if (!match) return false;
        ++s;
        --slen;
        if (plen == 0) {
          // Pattern ended inside a bracket: Redis treats the bracket as closed here.
          continue;
        }
        break;
      }
      case '\\':
        if (plen >= 2) {
          ++p;
          --plen;
        }
        [[fallthrough]];
      default:
        if (!nocase) {
          if (p[0] != s[0]) return false;
        } else if (std::tolower(static_cast<unsigned char>(p[0])) !=
                   std::tolower(static_cast<unsigned char>(s[0]))) {
          return false;
        }
        ++s;
        --slen;
        break;
    }
    if (plen == 0) break;
    ++p;
    --plen;
    if (slen == 0) {
      while (plen && *p == '*') {
        ++p;
        --plen;
      }
      break;
    }
  }
  return plen == 0 && slen == 0;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  return GlobMatchImpl(pattern.data(), pattern.size(), str.data(), str.size(), nocase, 0);
}

std::size_t FormatInt64(std::int64_t v, char* buf) {
  auto [end, ec] = std::to_chars(buf, buf + 21, v);
  (void)ec;
  return static_cast<std::size_t>(end - buf);
}

}  // namespace strata
