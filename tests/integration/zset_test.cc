// Sorted set commands against a real strata-server, compared reply by reply with Debian's
// redis-server 7.0.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using Cmd = std::vector<std::string>;

class ZSetTest : public BothClientsTest<ZSetTest> {};

// prefix + number (appending avoids a GCC 12 -Wrestrict false positive of operator+).
std::string Cat(std::string prefix, long long n) {
  prefix += std::to_string(n);
  return prefix;
}

TEST_F(ZSetTest, ZAddBasicsAndFlags) {
  BothAll({
      {"DEL", "zset:a"},
      {"ZADD", "zset:a", "1", "one", "2", "two", "3", "three"},
      {"ZADD", "zset:a", "1", "one", "5", "two"},
      {"ZADD", "zset:a", "CH", "1", "one", "6", "two", "7", "four"},
      {"ZRANGE", "zset:a", "0", "-1", "WITHSCORES"},
      {"ZADD", "zset:a", "NX", "100", "one", "8", "five"},
      {"ZADD", "zset:a", "XX", "100", "one", "8", "six"},
      {"ZADD", "zset:a", "XX", "CH", "101", "one", "8", "six"},
      {"ZADD", "zset:a", "GT", "CH", "50", "one", "200", "two"},
      {"ZADD", "zset:a", "LT", "CH", "50", "one", "300", "two"},
      {"ZADD", "zset:a", "gt", "xx", "ch", "60", "one", "1", "zzz"},
      {"ZRANGE", "zset:a", "0", "-1", "WITHSCORES"},
      {"ZADD", "zset:a", "INCR", "5", "one"},
      {"ZADD", "zset:a", "INCR", "5", "newone"},
      {"ZADD", "zset:a", "NX", "INCR", "5", "one"},
      {"ZADD", "zset:a", "XX", "INCR", "5", "missing"},
      {"ZADD", "zset:a", "GT", "INCR", "-1", "one"},
      {"ZADD", "zset:a", "LT", "INCR", "-1", "one"},
      {"ZADD", "zset:a", "INCR", "0", "one"},
      {"ZADD", "zset:a", "INCR", "inf", "one"},
      {"ZADD", "zset:a", "INCR", "-inf", "one"},
      {"ZSCORE", "zset:a", "one"},
      {"ZADD", "zset:a", "1", "one", "-0", "one"},
      {"ZADD", "zset:nokey", "XX", "1", "a"},
      {"ZADD", "zset:nokey", "XX", "INCR", "1", "a"},
      {"EXISTS", "zset:nokey"},
      {"ZCARD", "zset:a"},
  });
}

// Score bounds go through strtod on a C string in Redis: a NUL byte ends the bound.
TEST_F(ZSetTest, ScoreBoundsStopAtANulByte) {
  const std::string nul("\0", 1);
  BothAll({{"DEL", "zn"},
           {"ZADD", "zn", "1", "a", "6", "b", "7", "c"},
           {"ZCOUNT", "zn", "6", nul},
           {"ZCOUNT", "zn", "6" + nul + "junk", "+inf"},
           {"ZCOUNT", "zn", "(" + nul, "7"},
           {"ZRANGEBYSCORE", "zn", "-inf", "6" + nul + "9"},
           {"ZREMRANGEBYSCORE", "zn", "7" + nul, "7"},
           {"ZRANGE", "zn", "0", "+inf" + nul, "BYSCORE"},
           {"ZCOUNT", "zn", "x" + nul, "1"},
           {"DEL", "zn"}});
}

TEST_F(ZSetTest, ZAddErrors) {
  BothAll({
      {"DEL", "zset:e"},
      {"ZADD", "zset:e", "1"},
      {"ZADD", "zset:e", "1", "a", "2"},
      {"ZADD", "zset:e", "NX"},
      {"ZADD", "zset:e", "NX", "XX", "1", "a"},
      {"ZADD", "zset:e", "GT", "NX", "1", "a"},
      {"ZADD", "zset:e", "LT", "NX", "1", "a"},
      {"ZADD", "zset:e", "GT", "LT", "1", "a"},
      {"ZADD", "zset:e", "XX", "NX", "GT", "LT", "1", "a"},
      {"ZADD", "zset:e", "INCR", "1", "a", "2", "b"},
      {"ZADD", "zset:e", "nan", "a"},
      {"ZADD", "zset:e", "1", "a", "abc", "b"},
      {"ZADD", "zset:e", "1e400", "a"},
      {"ZADD", "zset:e", " 1", "a"},
      {"ZADD", "zset:e", "", "a"},
      {"ZADD", "zset:e", "FOO", "1", "a"},
      {"EXISTS", "zset:e"},
      {"ZADD", "zset:e", "inf", "a"},
      {"ZADD", "zset:e", "INCR", "-inf", "a"},
      {"ZINCRBY", "zset:e", "-inf", "a"},
      {"ZINCRBY", "zset:e", "nan", "a"},
      {"ZINCRBY", "zset:e", "x", "a"},
      {"ZINCRBY", "zset:e", "1"},
      {"ZSCORE", "zset:e", "a"},
  });
}

TEST_F(ZSetTest, FloatFormatting) {
  BothAll({
      {"DEL", "zset:f"},
      {"ZADD", "zset:f", "1.1", "a", "0.1", "b", "1e300", "c", "inf", "d", "-inf", "e", "-0",
       "f", "42", "g", "-17", "h", "1.5e-300", "i", "123456789012345678", "j"},
      {"ZINCRBY", "zset:f", "0.2", "b"},
      {"ZINCRBY", "zset:f", "1", "g"},
      {"ZINCRBY", "zset:f", "2.5", "new"},
      {"ZSCORE", "zset:f", "a"},
      {"ZSCORE", "zset:f", "b"},
      {"ZSCORE", "zset:f", "f"},
      {"ZMSCORE", "zset:f", "a", "c", "d", "e", "nope", "j"},
      {"ZRANGE", "zset:f", "0", "-1", "WITHSCORES"},
      {"ZRANGEBYSCORE", "zset:f", "-inf", "+inf", "WITHSCORES"},
      {"ZINCRBY", "zset:f", "-inf", "d"},
      {"ZINCRBY", "zset:f", "1", "d"},
      // -0: the listpack stores it as 0, the skiplist keeps the sign.
      {"ZADD", "zset:f", "INCR", "-0", "z0"},
      {"ZSCORE", "zset:f", "z0"},
      {"CONFIG", "SET", "zset-max-listpack-entries", "0"},
      {"DEL", "zset:f2"},
      {"ZADD", "zset:f2", "-0", "a", "1.1", "b"},
      {"ZINCRBY", "zset:f2", "-0", "c"},
      {"ZRANGE", "zset:f2", "0", "-1", "WITHSCORES"},
      {"CONFIG", "SET", "zset-max-listpack-entries", "128"},
  });
}

TEST_F(ZSetTest, PointCommands) {
  BothAll({
      {"DEL", "zset:p"},
      {"ZADD", "zset:p", "1", "a", "2", "b", "3", "c", "3", "bb"},
      {"ZSCORE", "zset:p", "b"},
      {"ZSCORE", "zset:p", "x"},
      {"ZSCORE", "zset:none", "x"},
      {"ZMSCORE", "zset:p", "a", "x", "c"},
      {"ZMSCORE", "zset:none", "a", "b"},
      {"ZMSCORE", "zset:p"},
      {"ZCARD", "zset:p"},
      {"ZCARD", "zset:none"},
      {"ZRANK", "zset:p", "a"},
      {"ZRANK", "zset:p", "c"},
      {"ZRANK", "zset:p", "bb"},
      {"ZRANK", "zset:p", "x"},
      {"ZRANK", "zset:none", "x"},
      {"ZREVRANK", "zset:p", "a"},
      {"ZREVRANK", "zset:p", "c"},
      {"ZREVRANK", "zset:p", "x"},
      {"ZRANK", "zset:p"},
      {"ZREM", "zset:p", "a", "x", "a"},
      {"ZREM", "zset:none", "a"},
      {"ZREM", "zset:p"},
      {"ZREM", "zset:p", "b", "c", "bb"},
      {"EXISTS", "zset:p"},
      {"ZCARD", "zset:p"},
  });
}

TEST_F(ZSetTest, PopMinMax) {
  BothAll({
      {"DEL", "zset:pop"},
      {"ZADD", "zset:pop", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"},
      {"ZPOPMIN", "zset:pop"},
      {"ZPOPMAX", "zset:pop"},
      {"ZPOPMIN", "zset:pop", "2"},
      {"ZPOPMAX", "zset:pop", "0"},
      {"ZPOPMIN", "zset:pop", "-1"},
      {"ZPOPMIN", "zset:pop", "abc"},
      {"ZPOPMIN", "zset:pop", "1", "2"},
      {"ZPOPMAX", "zset:pop", "10"},
      {"EXISTS", "zset:pop"},
      {"ZPOPMIN", "zset:pop"},
      {"ZPOPMAX", "zset:pop", "3"},
      {"ZADD", "zset:pop", "1", "a", "2", "b", "3", "c"},
      {"ZPOPMAX", "zset:pop", "2"},
      {"ZPOPMIN", "zset:pop", "1"},
      {"EXISTS", "zset:pop"},
  });
}

TEST_F(ZSetTest, MPop) {
  BothAll({
      {"DEL", "zset:m1", "zset:m2", "zset:mstr"},
      {"ZADD", "zset:m2", "1", "a", "2", "b", "3", "c", "4", "d"},
      {"ZMPOP", "0", "zset:m1", "MIN"},
      {"ZMPOP", "-1", "zset:m1", "MIN"},
      {"ZMPOP", "x", "zset:m1", "MIN"},
      {"ZMPOP", "2", "zset:m1", "MIN"},
      {"ZMPOP", "9999999999", "zset:m1", "MIN"},
      {"ZMPOP", "2", "zset:m1", "zset:m2", "FOO"},
      {"ZMPOP", "2", "zset:m1", "zset:m2", "MIN", "COUNT", "0"},
      {"ZMPOP", "2", "zset:m1", "zset:m2", "MIN", "COUNT", "x"},
      {"ZMPOP", "2", "zset:m1", "zset:m2", "MIN", "COUNT", "1", "COUNT", "2"},
      {"ZMPOP", "2", "zset:m1", "zset:m2", "MIN", "COUNT"},
      {"ZMPOP", "1", "zset:m1", "MIN"},
      {"ZMPOP", "2", "zset:m1", "zset:m2", "min"},
      {"ZMPOP", "2", "zset:m1", "zset:m2", "MAX", "count", "2"},
      {"SET", "zset:mstr", "x"},
      {"ZMPOP", "2", "zset:m2", "zset:mstr", "MIN", "COUNT", "10"},
      {"EXISTS", "zset:m2"},
      {"ZMPOP", "2", "zset:m2", "zset:mstr", "MIN"},
      {"ZMPOP", "2", "zset:m1", "zset:m2", "MAX"},
      {"COMMAND", "GETKEYS", "ZMPOP", "2", "a", "b", "MIN"},
      // Key positions follow Redis's rule for numkeys, even where the command then fails.
      {"COMMAND", "GETKEYS", "ZMPOP", "3", "a", "b", "MIN"},
      {"COMMAND", "GETKEYS", "ZMPOP", "4", "a", "b", "MIN"},
      {"COMMAND", "GETKEYS", "ZMPOP", "2", "a", "b"},
      {"COMMAND", "GETKEYS", "BZMPOP", "0", "2", "a", "b"},
      {"COMMAND", "GETKEYS", "BZMPOP", "0", "3", "a", "b", "MIN"},
  });
  std::string batch;
  for (const Cmd& c : std::vector<Cmd>{{"ZADD", "zset:m3", "1.5", "a", "2", "b"},
                                       {"ZMPOP", "1", "zset:m3", "MIN"},
                                       {"ZMPOP", "1", "zset:m3", "MAX", "COUNT", "5"},
                                       {"ZMPOP", "1", "zset:m3", "MAX"}}) {
    batch += RespCommand(c);
  }
  std::string got = Resp3Replies(strata()->port(), batch);
  EXPECT_EQ(got, Resp3Replies(redis()->port(), batch));
  EXPECT_NE(got.find(",1.5\r\n"), std::string::npos) << got;
}

TEST_F(ZSetTest, RandMember) {
  BothAll({
      {"DEL", "zset:rm"},
      {"ZRANDMEMBER", "zset:rm"},
      {"ZRANDMEMBER", "zset:rm", "3"},
      {"ZRANDMEMBER", "zset:rm", "-3", "WITHSCORES"},
      {"ZADD", "zset:rm", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"},
      {"ZRANDMEMBER", "zset:rm", "0"},
      {"ZRANDMEMBER", "zset:rm", "x"},
      {"ZRANDMEMBER", "zset:rm", "1", "FOO"},
      {"ZRANDMEMBER", "zset:rm", "1", "WITHSCORES", "x"},
      {"ZRANDMEMBER", "zset:rm", "-9223372036854775808"},
      {"ZRANDMEMBER", "zset:rm", "-9223372036854775807", "WITHSCORES"},
      {"ZRANDMEMBER", "zset:rm", "-4611686018427387904", "WITHSCORES"},
  });
  const std::map<std::string, std::string> scores = {
      {"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}, {"e", "5"}};
  Reply one = s_->Cmd(Cmd{"ZRANDMEMBER", "zset:rm"});
  EXPECT_EQ(scores.count(one.str), 1u) << one.str;
  for (long long count : {3LL, 5LL, 9LL, -3LL, -12LL}) {
    for (bool ws : {false, true}) {
      Cmd cmd = {"ZRANDMEMBER", "zset:rm", std::to_string(count)};
      if (ws) cmd.push_back("WITHSCORES");
      Reply r = s_->Cmd(cmd);
      std::size_t want = count < 0 ? static_cast<std::size_t>(-count)
                                   : std::min<std::size_t>(static_cast<std::size_t>(count), 5);
      ASSERT_EQ(r.elements.size(), ws ? 2 * want : want);
      std::set<std::string> seen;
      for (std::size_t i = 0; i < r.elements.size(); i += ws ? 2 : 1) {
        const std::string& m = r.elements[i].str;
        ASSERT_EQ(scores.count(m), 1u) << m;
        if (ws) {
          EXPECT_EQ(r.elements[i + 1].str, scores.at(m));
        }
        seen.insert(m);
      }
      // Positive counts give distinct members.
      if (count > 0) {
        EXPECT_EQ(seen.size(), want);
      }
    }
  }
}

TEST_F(ZSetTest, Scan) {
  std::string bin("x\r\n\0y", 5);
  BothAll({
      {"DEL", "zset:sc", "zset:scstr"},
      {"ZSCAN", "zset:sc", "0"},
      {"ZADD", "zset:sc", "1.1", "a", "2", "b", "-0", "c", "inf", "d", "1e300", "e", "3", bin},
      {"ZSCAN", "zset:sc", "0"},
      {"ZSCAN", "zset:sc", "0", "COUNT", "1"},
      {"ZSCAN", "zset:sc", "0", "MATCH", "[a-c]"},
      {"ZSCAN", "zset:sc", "0", "MATCH", "*", "COUNT", "100"},
      {"ZSCAN", "zset:sc", "123"},
      {"ZSCAN", "zset:sc", "-1"},
      {"ZSCAN", "zset:sc", "x"},
      {"ZSCAN", "zset:sc", " 0"},
      {"ZSCAN", "zset:sc", "0", "COUNT", "0"},
      {"ZSCAN", "zset:sc", "0", "COUNT", "x"},
      {"ZSCAN", "zset:sc", "0", "COUNT"},
      {"ZSCAN", "zset:sc", "0", "TYPE", "zset"},
      {"ZSCAN", "zset:sc"},
      {"SET", "zset:scstr", "x"},
      {"ZSCAN", "zset:scstr", "0"},
  });
  // A skiplist: cursors differ from Redis's, but a full scan returns every member exactly
  // with its score as ZRANGE formats it.
  Both({"DEL", "zset:scbig"});
  Cmd add = {"ZADD", "zset:scbig"};
  for (int i = 0; i < 1000; ++i) {
    add.push_back(Cat("", i) + ".1");
    add.push_back(Cat("member:", i));
  }
  Both(add);
  Reply all = r_->Cmd(Cmd{"ZRANGE", "zset:scbig", "0", "-1", "WITHSCORES"});
  std::map<std::string, std::string> want;
  for (std::size_t i = 0; i + 1 < all.elements.size(); i += 2) {
    want[all.elements[i].str] = all.elements[i + 1].str;
  }
  ASSERT_EQ(want.size(), 1000u);
  std::map<std::string, std::string> got;
  std::string cursor = "0";
  int calls = 0;
  do {
    Reply r = s_->Cmd(Cmd{"ZSCAN", "zset:scbig", cursor, "COUNT", "7"});
    ASSERT_EQ(r.elements.size(), 2u);
    cursor = r.elements[0].str;
    for (std::size_t i = 0; i + 1 < r.elements[1].elements.size(); i += 2) {
      got[r.elements[1].elements[i].str] = r.elements[1].elements[i + 1].str;
    }
    ASSERT_LT(++calls, 2000);
  } while (cursor != "0");
  EXPECT_EQ(got, want);
  EXPECT_GT(calls, 10);
  Reply m = s_->Cmd(Cmd{"ZSCAN", "zset:scbig", "0", "MATCH", "member:99*", "COUNT", "100000"});
  EXPECT_EQ(m.elements[0].str, "0");
  EXPECT_EQ(m.elements[1].elements.size(), 22u);  // 99, 990..999: 11 members
}

TEST_F(ZSetTest, RangeByRank) {
  BothAll({
      {"DEL", "zset:r"},
      {"ZADD", "zset:r", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"},
      {"ZRANGE", "zset:r", "0", "-1"},
      {"ZRANGE", "zset:r", "1", "3", "WITHSCORES"},
      {"ZRANGE", "zset:r", "-2", "-1"},
      {"ZRANGE", "zset:r", "-100", "100"},
      {"ZRANGE", "zset:r", "3", "1"},
      {"ZRANGE", "zset:r", "5", "10"},
      {"ZRANGE", "zset:r", "0", "1", "REV"},
      {"ZRANGE", "zset:r", "0", "-1", "REV", "WITHSCORES"},
      {"ZREVRANGE", "zset:r", "0", "1"},
      {"ZREVRANGE", "zset:r", "1", "-2", "WITHSCORES"},
      {"ZREVRANGE", "zset:r", "0", "-1", "REV"},
      {"ZRANGE", "zset:r", "0", "1", "LIMIT", "0", "1"},
      {"ZRANGE", "zset:r", "0", "1", "LIMIT", "0", "-1"},
      {"ZRANGE", "zset:r", "0", "1", "LIMIT", "0"},
      {"ZRANGE", "zset:r", "a", "1"},
      {"ZRANGE", "zset:r", "0", "1", "FOO"},
      {"ZRANGE", "zset:r", "0", "1", "WITHSCORES", "WITHSCORES"},
      {"ZRANGE", "zset:r", "0", "1", "REV", "REV"},
      {"ZRANGE", "zset:r", "0", "1", "BYSCORE", "BYLEX"},
      {"ZRANGE", "zset:none", "0", "-1"},
      {"ZREVRANGE", "zset:none", "0", "-1"},
  });
}

TEST_F(ZSetTest, RangeByScore) {
  BothAll({
      {"DEL", "zset:s"},
      {"ZADD", "zset:s", "1", "a", "2", "b", "2", "bb", "3", "c", "4", "d", "-inf", "m",
       "inf", "p"},
      {"ZRANGEBYSCORE", "zset:s", "-inf", "+inf"},
      {"ZRANGEBYSCORE", "zset:s", "2", "3", "WITHSCORES"},
      {"ZRANGEBYSCORE", "zset:s", "(2", "3"},
      {"ZRANGEBYSCORE", "zset:s", "2", "(3"},
      {"ZRANGEBYSCORE", "zset:s", "(2", "(2"},
      {"ZRANGEBYSCORE", "zset:s", "2", "2"},
      {"ZRANGEBYSCORE", "zset:s", "3", "2"},
      {"ZRANGEBYSCORE", "zset:s", "-inf", "(-inf"},
      {"ZRANGEBYSCORE", "zset:s", "inf", "inf"},
      {"ZRANGEBYSCORE", "zset:s", "", "("},
      {"ZRANGEBYSCORE", "zset:s", " 1", "2"},
      {"ZRANGEBYSCORE", "zset:s", "-inf", "+inf", "LIMIT", "1", "3"},
      {"ZRANGEBYSCORE", "zset:s", "-inf", "+inf", "LIMIT", "1", "-1"},
      {"ZRANGEBYSCORE", "zset:s", "-inf", "+inf", "LIMIT", "-1", "2"},
      {"ZRANGEBYSCORE", "zset:s", "-inf", "+inf", "LIMIT", "10", "2"},
      {"ZRANGEBYSCORE", "zset:s", "-inf", "+inf", "LIMIT", "2", "0"},
      {"ZRANGEBYSCORE", "zset:s", "-inf", "+inf", "WITHSCORES", "LIMIT", "2", "2"},
      {"ZRANGEBYSCORE", "zset:s", "-inf", "+inf", "LIMIT", "x", "2"},
      {"ZRANGEBYSCORE", "zset:s", "a", "2"},
      {"ZRANGEBYSCORE", "zset:s", "1", "nan"},
      {"ZRANGEBYSCORE", "zset:s", "((1", "2"},
      {"ZRANGEBYSCORE", "zset:s", "1", "2", "REV"},
      {"ZRANGEBYSCORE", "zset:s", "1", "2", "BYSCORE"},
      {"ZREVRANGEBYSCORE", "zset:s", "+inf", "-inf"},
      {"ZREVRANGEBYSCORE", "zset:s", "3", "(1", "WITHSCORES"},
      {"ZREVRANGEBYSCORE", "zset:s", "1", "3"},
      {"ZREVRANGEBYSCORE", "zset:s", "+inf", "-inf", "LIMIT", "1", "2"},
      {"ZRANGE", "zset:s", "(1", "3", "BYSCORE"},
      {"ZRANGE", "zset:s", "3", "(1", "BYSCORE", "REV", "WITHSCORES"},
      {"ZRANGE", "zset:s", "3", "1", "BYSCORE", "REV", "LIMIT", "1", "1"},
      {"ZRANGE", "zset:s", "1", "3", "byscore", "limit", "0", "2", "withscores"},
      {"ZRANGEBYSCORE", "zset:none", "-inf", "+inf"},
      {"ZCOUNT", "zset:s", "-inf", "+inf"},
      {"ZCOUNT", "zset:s", "(1", "3"},
      {"ZCOUNT", "zset:s", "3", "1"},
      {"ZCOUNT", "zset:s", "x", "1"},
      {"ZCOUNT", "zset:none", "1", "2"},
  });
}

TEST_F(ZSetTest, RangeByLex) {
  BothAll({
      {"DEL", "zset:l"},
      {"ZADD", "zset:l", "0", "a", "0", "b", "0", "c", "0", "cc", "0", "d", "0", "e"},
      {"ZRANGEBYLEX", "zset:l", "-", "+"},
      {"ZRANGEBYLEX", "zset:l", "[b", "[d"},
      {"ZRANGEBYLEX", "zset:l", "(b", "(d"},
      {"ZRANGEBYLEX", "zset:l", "[c", "(c"},
      {"ZRANGEBYLEX", "zset:l", "+", "-"},
      {"ZRANGEBYLEX", "zset:l", "-", "-"},
      {"ZRANGEBYLEX", "zset:l", "[", "[c"},
      {"ZRANGEBYLEX", "zset:l", "-", "+", "LIMIT", "1", "2"},
      {"ZRANGEBYLEX", "zset:l", "-", "+", "LIMIT", "-1", "2"},
      {"ZRANGEBYLEX", "zset:l", "b", "[d"},
      {"ZRANGEBYLEX", "zset:l", "", "[d"},
      {"ZRANGEBYLEX", "zset:l", "-", "+", "WITHSCORES"},
      {"ZREVRANGEBYLEX", "zset:l", "+", "-"},
      {"ZREVRANGEBYLEX", "zset:l", "[d", "(b"},
      {"ZREVRANGEBYLEX", "zset:l", "+", "-", "LIMIT", "1", "2"},
      {"ZRANGE", "zset:l", "[b", "[d", "BYLEX"},
      {"ZRANGE", "zset:l", "[d", "[b", "BYLEX", "REV", "LIMIT", "0", "2"},
      {"ZRANGE", "zset:l", "-", "+", "BYLEX", "WITHSCORES"},
      {"ZRANGEBYLEX", "zset:none", "-", "+"},
      {"ZLEXCOUNT", "zset:l", "-", "+"},
      {"ZLEXCOUNT", "zset:l", "(b", "[d"},
      {"ZLEXCOUNT", "zset:l", "x", "+"},
      {"ZLEXCOUNT", "zset:none", "-", "+"},
  });
}

TEST_F(ZSetTest, RemoveRanges) {
  const Cmd fill = {"ZADD", "zset:rr", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f"};
  BothAll({
      {"DEL", "zset:rr"},
      fill,
      {"ZREMRANGEBYRANK", "zset:rr", "1", "2"},
      {"ZREMRANGEBYRANK", "zset:rr", "-1", "-1"},
      {"ZREMRANGEBYRANK", "zset:rr", "5", "10"},
      {"ZREMRANGEBYRANK", "zset:rr", "2", "1"},
      {"ZREMRANGEBYRANK", "zset:rr", "x", "1"},
      {"ZRANGE", "zset:rr", "0", "-1"},
      {"ZREMRANGEBYRANK", "zset:rr", "-100", "100"},
      {"EXISTS", "zset:rr"},
      fill,
      {"ZREMRANGEBYSCORE", "zset:rr", "(1", "3"},
      {"ZREMRANGEBYSCORE", "zset:rr", "5", "4"},
      {"ZREMRANGEBYSCORE", "zset:rr", "x", "4"},
      {"ZRANGE", "zset:rr", "0", "-1"},
      {"ZREMRANGEBYSCORE", "zset:rr", "-inf", "+inf"},
      {"EXISTS", "zset:rr"},
      {"DEL", "zset:rr"},
      {"ZADD", "zset:rr", "0", "a", "0", "b", "0", "c", "0", "d"},
      {"ZREMRANGEBYLEX", "zset:rr", "(a", "[c"},
      {"ZREMRANGEBYLEX", "zset:rr", "a", "[c"},
      {"ZREMRANGEBYLEX", "zset:rr", "+", "-"},
      {"ZRANGE", "zset:rr", "0", "-1"},
      {"ZREMRANGEBYLEX", "zset:rr", "-", "+"},
      {"EXISTS", "zset:rr"},
      {"ZREMRANGEBYRANK", "zset:none", "0", "1"},
      {"ZREMRANGEBYSCORE", "zset:none", "0", "1"},
      {"ZREMRANGEBYLEX", "zset:none", "-", "+"},
  });
}

TEST_F(ZSetTest, RangeStore) {
  BothAll({
      {"DEL", "zset:src", "zset:dst"},
      {"ZADD", "zset:src", "1", "a", "2", "b", "3", "c", "4", "d"},
      {"SET", "zset:dst", "string"},
      {"ZRANGESTORE", "zset:dst", "zset:src", "1", "2"},
      {"TYPE", "zset:dst"},
      {"ZRANGE", "zset:dst", "0", "-1", "WITHSCORES"},
      {"ZRANGESTORE", "zset:dst", "zset:src", "0", "-1", "REV"},
      {"ZRANGE", "zset:dst", "0", "-1", "WITHSCORES"},
      {"ZRANGESTORE", "zset:dst", "zset:src", "(1", "+inf", "BYSCORE", "LIMIT", "1", "5"},
      {"ZRANGE", "zset:dst", "0", "-1", "WITHSCORES"},
      {"ZRANGESTORE", "zset:dst", "zset:src", "[c", "-", "BYLEX", "REV"},
      {"ZRANGE", "zset:dst", "0", "-1", "WITHSCORES"},
      {"ZRANGESTORE", "zset:dst", "zset:src", "0", "1", "WITHSCORES"},
      {"ZRANGESTORE", "zset:dst", "zset:src", "0", "1", "LIMIT", "0", "1"},
      {"ZRANGESTORE", "zset:dst", "zset:src", "x", "1", "BYSCORE"},
      {"ZRANGESTORE", "zset:dst", "zset:src", "5", "10"},
      {"EXISTS", "zset:dst"},
      {"ZRANGESTORE", "zset:dst", "zset:src", "0", "0"},
      {"ZRANGESTORE", "zset:dst", "zset:none", "0", "-1"},
      {"EXISTS", "zset:dst"},
      {"SET", "zset:strsrc", "x"},
      {"ZRANGESTORE", "zset:dst", "zset:strsrc", "0", "-1"},
      {"EXPIRE", "zset:src", "100"},
      {"ZRANGESTORE", "zset:src", "zset:src", "1", "-1"},
      {"TTL", "zset:src"},
      {"ZRANGE", "zset:src", "0", "-1", "WITHSCORES"},
      {"CONFIG", "SET", "zset-max-listpack-entries", "2"},
      {"DEL", "zset:big2"},
      {"ZADD", "zset:big2", "1", "a", "2", "b", "3", "c"},
      {"OBJECT", "ENCODING", "zset:big2"},
      {"ZRANGESTORE", "zset:dst", "zset:big2", "0", "1"},
      {"OBJECT", "ENCODING", "zset:dst"},
      {"ZRANGESTORE", "zset:dst", "zset:big2", "0", "-1"},
      {"OBJECT", "ENCODING", "zset:dst"},
      {"CONFIG", "SET", "zset-max-listpack-entries", "128"},
  });
}

TEST_F(ZSetTest, EqualScoresAndBinaryMembers) {
  std::string bin1("a\r\nb", 4), bin2("a\0b", 3), bin3("\xff\x00", 2);
  BothAll({
      {"DEL", "zset:bin"},
      {"ZADD", "zset:bin", "1", bin1, "1", bin2, "1", bin3, "1", "a", "1", "", "0", "zz"},
      {"ZRANGE", "zset:bin", "0", "-1", "WITHSCORES"},
      {"ZSCORE", "zset:bin", bin2},
      {"ZRANK", "zset:bin", bin3},
      {"ZRANK", "zset:bin", ""},
      {"ZRANGEBYLEX", "zset:bin", "[a", "+"},
      {"ZREM", "zset:bin", bin1},
      {"ZRANGE", "zset:bin", "0", "-1"},
  });
}

TEST_F(ZSetTest, WrongType) {
  Both({"SET", "zset:str", "x"});
  const std::vector<Cmd> cmds = {
      {"ZADD", "zset:str", "1", "a"},
      {"ZINCRBY", "zset:str", "1", "a"},
      {"ZREM", "zset:str", "a"},
      {"ZSCORE", "zset:str", "a"},
      {"ZMSCORE", "zset:str", "a"},
      {"ZCARD", "zset:str"},
      {"ZRANK", "zset:str", "a"},
      {"ZREVRANK", "zset:str", "a"},
      {"ZPOPMIN", "zset:str"},
      {"ZPOPMAX", "zset:str", "0"},
      {"ZPOPMIN", "zset:str", "x"},
      {"ZRANGE", "zset:str", "0", "1"},
      {"ZREVRANGE", "zset:str", "0", "1"},
      {"ZRANGEBYSCORE", "zset:str", "0", "1"},
      {"ZREVRANGEBYSCORE", "zset:str", "0", "1"},
      {"ZRANGEBYLEX", "zset:str", "-", "+"},
      {"ZREVRANGEBYLEX", "zset:str", "+", "-"},
      {"ZCOUNT", "zset:str", "0", "1"},
      {"ZLEXCOUNT", "zset:str", "-", "+"},
      {"ZADD", "zset:str", "x", "a"},
      {"ZREMRANGEBYRANK", "zset:str", "0", "1"},
      {"ZREMRANGEBYSCORE", "zset:str", "0", "1"},
      {"ZREMRANGEBYLEX", "zset:str", "-", "+"},
      {"ZREMRANGEBYRANK", "zset:str", "x", "1"},
      {"ZRANGESTORE", "zset:dst2", "zset:str", "0", "1"},
      {"ZMPOP", "1", "zset:str", "MIN"},
      {"ZRANDMEMBER", "zset:str"},
      {"ZRANDMEMBER", "zset:str", "2"},
      {"ZSCAN", "zset:str", "0"},
  };
  for (const auto& c : cmds) Both(c);
  BothAll({
      {"GET", "zset:str"},
      {"DEL", "zset:z"},
      {"ZADD", "zset:z", "1", "a"},
      {"GET", "zset:z"},
      {"TYPE", "zset:z"},
      {"APPEND", "zset:z", "x"},
  });
}

TEST_F(ZSetTest, EncodingTransitions) {
  BothAll({
      {"CONFIG", "SET", "zset-max-listpack-entries", "4"},
      {"CONFIG", "SET", "zset-max-listpack-value", "8"},
      {"DEL", "zset:enc1", "zset:enc2", "zset:enc3", "zset:enc4"},
      {"ZADD", "zset:enc1", "1", "a", "2", "b", "3", "c", "4", "d"},
      {"OBJECT", "ENCODING", "zset:enc1"},
      {"ZADD", "zset:enc1", "5", "e"},
      {"OBJECT", "ENCODING", "zset:enc1"},
      {"ZREM", "zset:enc1", "a", "b", "c"},
      {"OBJECT", "ENCODING", "zset:enc1"},
      {"ZADD", "zset:enc2", "1", "12345678"},
      {"OBJECT", "ENCODING", "zset:enc2"},
      {"ZADD", "zset:enc2", "1", "123456789"},
      {"OBJECT", "ENCODING", "zset:enc2"},
      {"ZADD", "zset:enc3", "1", "123456789"},
      {"OBJECT", "ENCODING", "zset:enc3"},
      {"ZADD", "zset:enc4", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"},
      {"OBJECT", "ENCODING", "zset:enc4"},
      {"ZRANGE", "zset:enc4", "0", "-1", "WITHSCORES"},
      {"CONFIG", "SET", "zset-max-listpack-entries", "0"},
      {"DEL", "zset:enc5"},
      {"ZADD", "zset:enc5", "1", "a"},
      {"OBJECT", "ENCODING", "zset:enc5"},
      {"CONFIG", "SET", "zset-max-listpack-entries", "128"},
      {"CONFIG", "SET", "zset-max-listpack-value", "64"},
      {"DEL", "zset:enc6"},
      {"ZADD", "zset:enc6", "1", "a"},
      {"OBJECT", "ENCODING", "zset:enc6"},
      {"COPY", "zset:enc1", "zset:enc7"},
      {"OBJECT", "ENCODING", "zset:enc7"},
      {"ZRANGE", "zset:enc7", "0", "-1", "WITHSCORES"},
      {"DEL", "zset:enc7"},
  });
}

TEST_F(ZSetTest, LargeSetRandomQueries) {
  std::mt19937_64 rng(42);
  Both({"DEL", "zset:big"});
  const int n = 3000;
  for (int base = 0; base < n; base += 500) {
    Cmd add = {"ZADD", "zset:big"};
    for (int i = base; i < base + 500; ++i) {
      add.push_back(Cat(Cat("", static_cast<int>(rng() % 1000)) + ".", rng() % 10));
      add.push_back(Cat("m", rng() % 5000));
    }
    Both(add);
  }
  Both({"OBJECT", "ENCODING", "zset:big"});
  Both({"ZCARD", "zset:big"});
  for (int q = 0; q < 60; ++q) {
    std::string a = std::to_string(static_cast<int>(rng() % 3200) - 100);
    std::string b = std::to_string(static_cast<int>(rng() % 3200) - 100);
    std::string lo = std::to_string(rng() % 1000), hi = std::to_string(rng() % 1000);
    std::string m = Cat("m", rng() % 5000);
    Both({"ZRANGE", "zset:big", a, b, "WITHSCORES"});
    Both({"ZREVRANGE", "zset:big", a, b});
    Both({"ZRANGEBYSCORE", "zset:big", Cat("(", std::stoll(lo)), hi, "LIMIT", std::to_string(rng() % 20), "10"});
    Both({"ZREVRANGEBYSCORE", "zset:big", hi, lo, "WITHSCORES", "LIMIT", "3", "5"});
    Both({"ZCOUNT", "zset:big", lo, Cat("(", std::stoll(hi))});
    Both({"ZRANK", "zset:big", m});
    Both({"ZREVRANK", "zset:big", m});
    Both({"ZSCORE", "zset:big", m});
    Both({"ZINCRBY", "zset:big", std::to_string(static_cast<int>(rng() % 100) - 50), m});
    if (q % 10 == 0) Both({"ZPOPMIN", "zset:big", "3"});
    if (q % 10 == 5) Both({"ZPOPMAX", "zset:big", "2"});
    if (q % 7 == 0) Both({"ZREM", "zset:big", m, Cat("m", rng() % 5000)});
  }
  Both({"ZRANGE", "zset:big", "0", "-1", "WITHSCORES"});
}

TEST_F(ZSetTest, Resp3Shapes) {
  std::string batch;
  const std::vector<Cmd> cmds = {
      {"DEL", "zset:r3"},
      {"ZADD", "zset:r3", "1.5", "a", "2", "b", "3", "c", "4", "d"},
      {"ZSCORE", "zset:r3", "a"},
      {"ZSCORE", "zset:r3", "x"},
      {"ZMSCORE", "zset:r3", "a", "x"},
      {"ZINCRBY", "zset:r3", "1", "a"},
      {"ZADD", "zset:r3", "INCR", "1", "b"},
      {"ZADD", "zset:r3", "NX", "INCR", "1", "b"},
      {"ZRANGE", "zset:r3", "0", "-1", "WITHSCORES"},
      {"ZRANGE", "zset:r3", "0", "-1"},
      {"ZREVRANGEBYSCORE", "zset:r3", "+inf", "-inf", "WITHSCORES"},
      {"ZRANK", "zset:r3", "x"},
      {"ZPOPMIN", "zset:r3"},
      {"ZPOPMAX", "zset:r3", "1"},
      {"ZPOPMIN", "zset:r3", "5"},
      {"ZPOPMIN", "zset:r3"},
  };
  for (const auto& c : cmds) batch += RespCommand(c);
  std::string got = Resp3Replies(strata()->port(), batch);
  EXPECT_EQ(got, Resp3Replies(redis()->port(), batch));
  // Scores are RESP3 doubles; WITHSCORES entries are [member, score] pairs.
  EXPECT_NE(got.find(",1.5\r\n"), std::string::npos) << got;
  EXPECT_NE(got.find("*2\r\n$1\r\na\r\n,2.5\r\n"), std::string::npos) << got;
}

TEST_F(ZSetTest, BlockingPopsAreRegistered) {
  // The blocking pops are covered in blocking_test.cc; here only their immediate replies.
  BothAll({
      {"DEL", "zset:x", "zset:y"},
      {"ZADD", "zset:x", "1.5", "a", "2", "b", "3", "c"},
      {"BZPOPMIN", "zset:y", "zset:x", "0"},
      {"BZPOPMAX", "zset:x", "0"},
      {"BZMPOP", "0", "2", "zset:y", "zset:x", "MIN", "COUNT", "5"},
      {"EXISTS", "zset:x"},
  });
}

}  // namespace
}  // namespace strata::test
