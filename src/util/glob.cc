#include "util/glob.h"

#include <cstddef>

namespace strata {
namespace {

// ASCII-only lowering of a (possibly negative) char value, as tolower() in the C locale.
int LowerChar(int c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

bool SameChar(char a, char b, bool nocase) {
  return nocase ? LowerChar(a) == LowerChar(b) : a == b;
}

// Matches one bracket expression; `*p`/`*plen` point just past '[' and are left on its
// closing ']' (or on its last byte when the pattern ends inside the bracket).
bool MatchBracket(const char** pp, std::size_t* pplen, char c, bool nocase) {
  const char* p = *pp;
  std::size_t plen = *pplen;
  bool negate = plen > 0 && p[0] == '^';
  if (negate) {
    ++p;
    --plen;
  }
  bool match = false;
  while (true) {
    if (plen >= 2 && p[0] == '\\') {
      ++p;
      --plen;
      if (p[0] == c) match = true;
    } else if (plen > 0 && p[0] == ']') {
      break;
    } else if (plen == 0) {
      // Unterminated: step back so the caller's advance lands exactly on the end.
      --p;
      ++plen;
      break;
    } else if (plen >= 3 && p[1] == '-') {
      // Range bounds compare as (signed) char values, so bytes >= 0x80 sort below ASCII.
      int lo = static_cast<signed char>(p[0]);
      int hi = static_cast<signed char>(p[2]);
      int v = static_cast<signed char>(c);
      if (lo > hi) std::swap(lo, hi);
      if (nocase) {
        lo = LowerChar(lo);
        hi = LowerChar(hi);
        v = LowerChar(v);
      }
      p += 2;
      plen -= 2;
      if (v >= lo && v <= hi) match = true;
    } else if (SameChar(p[0], c, nocase)) {
      match = true;
    }
    ++p;
    --plen;
  }
  *pp = p;
  *pplen = plen;
  return negate ? !match : match;
}

// `skip_longer` is set once a '*' has proved that the rest of the pattern matches no
// suffix of the string: an earlier '*' consuming more cannot help either, which keeps
// patterns like "a*a*a*a*b" linear-ish instead of exponential.
bool GlobMatchImpl(const char* p, std::size_t plen, const char* s, std::size_t slen, bool nocase,
                   bool* skip_longer, int nesting) {
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
          if (GlobMatchImpl(p + 1, plen - 1, s, slen, nocase, skip_longer, nesting + 1)) {
            return true;
          }
          if (*skip_longer) return false;
          ++s;
          --slen;
        }
        *skip_longer = true;
        return false;
      case '?':
        ++s;
        --slen;
        break;
      case '[':
        ++p;
        --plen;
        if (!MatchBracket(&p, &plen, s[0], nocase)) return false;
        ++s;
        --slen;
        break;
      case '\\':
        if (plen >= 2) {
          ++p;
          --plen;
        }
        [[fallthrough]];
      default:
        if (!SameChar(p[0], s[0], nocase)) return false;
        ++s;
        --slen;
        break;
    }
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
  bool skip_longer = false;
  return GlobMatchImpl(pattern.data(), pattern.size(), str.data(), str.size(), nocase, &skip_longer,
                       0);
}

}  // namespace strata
