#include "util/rdb_encoding.h"

#include <gtest/gtest.h>

#include "util/crc64.h"

namespace strata {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

TEST(Crc64Test, CheckValue) { EXPECT_EQ(Crc64(0, "123456789"), 0xe9c6d914c4b8d9caULL); }

// FUNCTION DUMP of one library, as redis-server 7.0.15 wrote it: its code is LZF-compressed.
TEST(RdbEncodingTest, ReadsRedisFunctionDump) {
  const std::string payload = FromHex(
      "f5c3404b41731023216c7561206e616d653d620a2d2d2078e0ff00e01a001e0a72656469732e7265676973"
      "7465725f66756e6374696f6e28276662272c20e0000e0e292072657475726e203220656e64290a003f4ee3"
      "fedea19084");
  std::string_view body;
  ASSERT_TRUE(rdb::CheckFooter(payload, &body));
  ASSERT_EQ(static_cast<unsigned char>(body[0]), 0xf5);
  std::size_t pos = 1;
  std::string code;
  ASSERT_TRUE(rdb::ReadString(body, &pos, &code));
  EXPECT_EQ(pos, body.size());
  EXPECT_EQ(code, "#!lua name=b\n-- " + std::string(300, 'x') +
                      "\nredis.register_function('fb', function() return 2 end)");
}

TEST(RdbEncodingTest, EmptyDumpFooterMatchesRedis) {
  std::string payload;
  rdb::AppendFooter(&payload);
  EXPECT_EQ(payload, FromHex("0a005d9b5c400f7fa2da"));  // FUNCTION DUMP with no libraries
}

TEST(RdbEncodingTest, StringsRoundTripAtEveryLengthEncoding) {
  for (std::size_t len : {0, 1, 63, 64, 16383, 16384, 70000}) {
    std::string s(len, 'q');
    std::string out;
    rdb::PutString(&out, s);
    std::size_t pos = 0;
    std::string back;
    ASSERT_TRUE(rdb::ReadString(out, &pos, &back)) << len;
    EXPECT_EQ(back, s);
    EXPECT_EQ(pos, out.size());
  }
}

TEST(RdbEncodingTest, IntegerEncodedStrings) {
  std::size_t pos = 0;
  std::string out;
  ASSERT_TRUE(rdb::ReadString(std::string("\xc0\xfe", 2), &pos, &out));
  EXPECT_EQ(out, "-2");
  pos = 0;
  ASSERT_TRUE(rdb::ReadString(std::string("\xc2\x40\xe2\x01\x00", 5), &pos, &out));
  EXPECT_EQ(out, "123456");
}

TEST(RdbEncodingTest, RefusesDamage) {
  std::string payload;
  rdb::PutString(&payload, "hello");
  rdb::AppendFooter(&payload);
  std::string_view body;
  EXPECT_TRUE(rdb::CheckFooter(payload, &body));
  for (std::size_t i = 0; i < payload.size(); ++i) {
    std::string bad = payload;
    bad[i] ^= 0x20;
    EXPECT_FALSE(rdb::CheckFooter(bad, &body)) << i;
  }
  EXPECT_FALSE(rdb::CheckFooter("short", &body));
  // Truncated strings and bad LZF never read past the end.
  std::size_t pos = 0;
  std::string out;
  EXPECT_FALSE(rdb::ReadString(std::string("\x05hel", 4), &pos, &out));
  pos = 0;
  EXPECT_FALSE(rdb::ReadString(std::string("\xc3\x02\x05\x20\x00", 5), &pos, &out));  // back ref past start
  pos = 0;
  EXPECT_FALSE(rdb::ReadString(std::string("\x80\xff\xff\xff\xff", 5), &pos, &out));
}

}  // namespace
}  // namespace strata
