#include "types/codec.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace strata::types {
namespace {

TEST(CodecTest, RoundTrip) {
  std::mt19937_64 rng(7);
  std::string buf;
  std::vector<std::uint64_t> ints;
  std::vector<std::string> strs;
  for (int i = 0; i < 1000; ++i) {
    std::uint64_t v = rng() >> (rng() % 64);
    ints.push_back(v);
    PutVarint(&buf, v);
    std::string s(rng() % 300, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    strs.push_back(s);
    PutBytes(&buf, s);
  }
  PutVarint(&buf, std::numeric_limits<std::uint64_t>::max());
  PutDouble(&buf, -0.25);
  Reader r(buf);
  for (int i = 0; i < 1000; ++i) {
    std::uint64_t v;
    std::string_view s;
    ASSERT_TRUE(r.GetVarint(&v));
    EXPECT_EQ(v, ints[static_cast<std::size_t>(i)]);
    ASSERT_TRUE(r.GetBytes(&s));
    EXPECT_EQ(s, strs[static_cast<std::size_t>(i)]);
  }
  std::uint64_t max;
  ASSERT_TRUE(r.GetVarint(&max));
  EXPECT_EQ(max, std::numeric_limits<std::uint64_t>::max());
  double d;
  ASSERT_TRUE(r.GetDouble(&d));
  EXPECT_EQ(d, -0.25);
  EXPECT_TRUE(r.done());
}

TEST(CodecTest, RejectsTruncatedAndOversized) {
  std::string buf;
  PutBytes(&buf, "hello world");
  for (std::size_t n = 0; n < buf.size(); ++n) {
    Reader r(std::string_view(buf).substr(0, n));
    std::string_view s;
    EXPECT_FALSE(r.GetBytes(&s)) << n;
  }
  std::string eleven(11, '\xff');  // a varint that never ends within 64 bits
  Reader r(eleven);
  std::uint64_t v;
  EXPECT_FALSE(r.GetVarint(&v));
  std::string count;
  PutVarint(&count, 1000);  // claims 1000 elements, has none
  Reader rc(count);
  EXPECT_FALSE(rc.GetCount(&v));
}

}  // namespace
}  // namespace strata::types
