#include "util/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace strata {
namespace {

// Bit-at-a-time reference, to cross-check the sliced implementation.
std::uint32_t Slow(std::string_view s) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : s) {
    c ^= b;
    for (int i = 0; i < 8; ++i) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
  }
  return ~c;
}

TEST(Crc32cTest, KnownVectors) {
  EXPECT_EQ(Crc32c(""), 0u);
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c("a"), 0xC1D04330u);
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);       // RFC 3720 B.4
  EXPECT_EQ(Crc32c(std::string(32, '\xff')), 0x62A8AB43u);     // RFC 3720 B.4
  std::string inc;
  for (int i = 0; i < 32; ++i) inc.push_back(static_cast<char>(i));
  EXPECT_EQ(Crc32c(inc), 0x46DD794Eu);  // RFC 3720 B.4, incrementing bytes
}

TEST(Crc32cTest, MatchesBitwiseReferenceAndExtends) {
  std::string s;
  std::uint32_t x = 12345;
  for (int i = 0; i < 1000; ++i) {
    x = x * 1103515245u + 12345u;
    s.push_back(static_cast<char>(x >> 16));
  }
  for (std::size_t len = 0; len < s.size(); len += 37) {
    std::string_view part(s.data(), len);
    EXPECT_EQ(Crc32c(part), Slow(part)) << len;
    for (std::size_t cut = 0; cut <= len; cut += 13) {
      EXPECT_EQ(Crc32cExtend(Crc32c(part.substr(0, cut)), part.data() + cut, len - cut),
                Crc32c(part));
    }
  }
}

}  // namespace
}  // namespace strata
