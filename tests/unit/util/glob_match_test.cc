// GlobMatch against Redis 7.0's stringmatchlen. The expected answers were taken from a real
// redis-server (KEYS <pattern> with only <string> stored), including its quirks: "*" alone
// is special-cased by KEYS/SCAN, unterminated brackets, and ranges compared as signed chars.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "util/glob.h"

namespace strata {
namespace {

struct GlobCase {
  std::string_view pattern;
  std::string_view str;
  bool match;
};

// {pattern, string, Redis's answer}
constexpr GlobCase kCases[] = {
    {std::string_view("*", 1), std::string_view("", 0), true},
    {std::string_view("*", 1), std::string_view("abc", 3), true},
    {std::string_view("**", 2), std::string_view("", 0), false},
    {std::string_view("?", 1), std::string_view("", 0), false},
    {std::string_view("?", 1), std::string_view("a", 1), true},
    {std::string_view("?", 1), std::string_view("ab", 2), false},
    {std::string_view("a?c", 3), std::string_view("abc", 3), true},
    {std::string_view("[a-c]", 5), std::string_view("b", 1), true},
    {std::string_view("[a-c]", 5), std::string_view("d", 1), false},
    {std::string_view("[c-a]", 5), std::string_view("b", 1), true},
    {std::string_view("[^a]", 4), std::string_view("a", 1), false},
    {std::string_view("[^a]", 4), std::string_view("b", 1), true},
    {std::string_view("[^a]", 4), std::string_view("", 0), false},
    {std::string_view("\\*", 2), std::string_view("*", 1), true},
    {std::string_view("\\*", 2), std::string_view("a", 1), false},
    {std::string_view("a\\", 2), std::string_view("a\\", 2), true},
    {std::string_view("a\\", 2), std::string_view("a", 1), false},
    {std::string_view("[", 1), std::string_view("a", 1), false},
    {std::string_view("[", 1), std::string_view("[", 1), false},
    {std::string_view("a[", 2), std::string_view("a", 1), false},
    {std::string_view("a[", 2), std::string_view("a[", 2), false},
    {std::string_view("[a", 2), std::string_view("a", 1), true},
    {std::string_view("[a", 2), std::string_view("b", 1), false},
    {std::string_view("[^", 2), std::string_view("x", 1), true},
    {std::string_view("[^", 2), std::string_view("", 0), false},
    {std::string_view("[]", 2), std::string_view("]", 1), false},
    {std::string_view("[]]", 3), std::string_view("]", 1), false},
    {std::string_view("[\\]]", 4), std::string_view("]", 1), true},
    {std::string_view("[\\", 2), std::string_view("\\", 1), true},
    {std::string_view("[a-", 3), std::string_view("a", 1), true},
    {std::string_view("[a-", 3), std::string_view("-", 1), true},
    {std::string_view("[a-]", 4), std::string_view("-", 1), false},
    {std::string_view("[-a]", 4), std::string_view("-", 1), true},
    {std::string_view("h*llo", 5), std::string_view("heeeello", 8), true},
    {std::string_view("h*llo", 5), std::string_view("hllo", 4), true},
    {std::string_view("h*llo", 5), std::string_view("hellox", 6), false},
    {std::string_view("*a*b*c", 6), std::string_view("xaybzc", 6), true},
    {std::string_view("*a*b*c", 6), std::string_view("xaybz", 5), false},
    {std::string_view("[abc", 4), std::string_view("c", 1), true},
    {std::string_view("[a-\xff"
                      "]",
                      5),
     std::string_view("\xff", 1), true},
    {std::string_view("[a-\xff"
                      "]",
                      5),
     std::string_view("b", 1), false},
    {std::string_view("[a-\xff"
                      "]",
                      5),
     std::string_view("A", 1), true},
    {std::string_view("[\x80-\xff"
                      "]",
                      5),
     std::string_view("\x90", 1), true},
    {std::string_view("[\x80-\xff"
                      "]",
                      5),
     std::string_view("a", 1), false},
    {std::string_view("a*", 2), std::string_view("a", 1), true},
    {std::string_view("*a", 2), std::string_view("a", 1), true},
    {std::string_view("a**", 3), std::string_view("a", 1), true},
    {std::string_view("?*", 2), std::string_view("", 0), false},
    {std::string_view("\\", 1), std::string_view("\\", 1), true},
    {std::string_view("\\a", 2), std::string_view("a", 1), true},
    {std::string_view("[\\a]", 4), std::string_view("a", 1), true},
    {std::string_view("*[", 2), std::string_view("x", 1), false},
    {std::string_view("x[a-c", 5), std::string_view("xb", 2), true},
    {std::string_view("[ab-]", 5), std::string_view("-", 1), false},
    {std::string_view("[!a]", 4), std::string_view("b", 1), false},
    {std::string_view("[!a]", 4), std::string_view("!", 1), true},
    {std::string_view("a\x00"
                      "*",
                      3),
     std::string_view("a\x00"
                      "b",
                      3),
     true},
    {std::string_view("*\\", 2), std::string_view("a\\", 2), true},
};

TEST(GlobMatchTest, MatchesRedisOnTrickyPatterns) {
  for (const GlobCase& c : kCases) {
    // "*" alone is KEYS/SCAN's match-everything shortcut; stringmatchlen itself says no for
    // the empty string, and so must GlobMatch.
    bool expected = c.match;
    if (c.pattern == "*" && c.str.empty()) expected = false;
    EXPECT_EQ(GlobMatch(c.pattern, c.str), expected)
        << "pattern '" << c.pattern << "' string '" << c.str << "'";
  }
}

TEST(GlobMatchTest, NoCase) {
  EXPECT_TRUE(GlobMatch("HeLLo", "hello", true));
  EXPECT_FALSE(GlobMatch("HeLLo", "hello", false));
  EXPECT_TRUE(GlobMatch("[A-C]x", "bX", true));
  EXPECT_FALSE(GlobMatch("[A-C]x", "bX", false));
  EXPECT_TRUE(GlobMatch("max*", "MAXMEMORY-policy", true));
  EXPECT_TRUE(GlobMatch("[^A]", "b", true));
  EXPECT_FALSE(GlobMatch("[^A]", "a", true));
}

// Redis bounds the recursion: each '*' that is not last nests one level, at most 1000.
TEST(GlobMatchTest, NestingLimitLikeRedis) {
  std::string key(3000, 'a');
  auto stars = [](int n) {
    std::string p;
    for (int i = 0; i < n; ++i) p += "a*";
    return p;
  };
  EXPECT_TRUE(GlobMatch(stars(1000), key));
  EXPECT_TRUE(GlobMatch(stars(1001), key));
  EXPECT_FALSE(GlobMatch(stars(1002), key));
}

// Without Redis's "skip longer matches" rule this pattern takes exponential time; with it the
// test finishes at once (no timing assertion: a hang would show as a test timeout).
TEST(GlobMatchTest, PathologicalPatternTerminates) {
  std::string key(60, 'a');
  std::string pattern;
  for (int i = 0; i < 20; ++i) pattern += "a*";
  pattern += "b";
  EXPECT_FALSE(GlobMatch(pattern, key));
  EXPECT_TRUE(GlobMatch(pattern, key + "b"));
}

}  // namespace
}  // namespace strata
