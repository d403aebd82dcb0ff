// ReplyBuilder encodings (RESP2 and RESP3) and the double formatting Redis 7.0.15 uses.
// Expected strings were taken from a real redis-server 7.0.15 (ZSCORE for doubles,
// INCRBYFLOAT for long doubles, HELLO 3 for the RESP3 shapes).
#include "protocol/reply_builder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace strata::test {
namespace {

class ReplyBuilderTest : public ::testing::Test {
 protected:
  std::string Render(bool resp3, void (*fn)(ReplyBuilder&)) {
    std::string out;
    ReplyBuilder rb(&out);
    rb.set_resp3(resp3);
    fn(rb);
    return out;
  }
};

TEST_F(ReplyBuilderTest, ScalarsAreTheSameInBothVersions) {
  for (bool resp3 : {false, true}) {
    EXPECT_EQ(Render(resp3, [](ReplyBuilder& r) { r.Ok(); }), "+OK\r\n");
    EXPECT_EQ(Render(resp3, [](ReplyBuilder& r) { r.SimpleString("PONG"); }), "+PONG\r\n");
    EXPECT_EQ(Render(resp3, [](ReplyBuilder& r) { r.Integer(-42); }), ":-42\r\n");
    EXPECT_EQ(Render(resp3, [](ReplyBuilder& r) { r.Integer(INT64_MIN); }),
              ":-9223372036854775808\r\n");
    EXPECT_EQ(Render(resp3, [](ReplyBuilder& r) { r.Bulk(std::string_view("a\0\r\n", 4)); }),
              std::string("$4\r\na\0\r\n\r\n", 10));
    EXPECT_EQ(Render(resp3, [](ReplyBuilder& r) { r.Bulk(""); }), "$0\r\n\r\n");
    EXPECT_EQ(Render(resp3, [](ReplyBuilder& r) { r.ArrayHeader(3); }), "*3\r\n");
  }
}

TEST_F(ReplyBuilderTest, ErrorsAreSanitizedAndCounted) {
  std::string out;
  ReplyBuilder rb(&out);
  rb.Error("ERR bad\r\nthing");
  rb.Error("WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT_EQ(out,
            "-ERR bad  thing\r\n"
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  EXPECT_EQ(rb.errors(), 2u);
}

TEST_F(ReplyBuilderTest, Nulls) {
  EXPECT_EQ(Render(false, [](ReplyBuilder& r) { r.Null(); }), "$-1\r\n");
  EXPECT_EQ(Render(false, [](ReplyBuilder& r) { r.NullArray(); }), "*-1\r\n");
  EXPECT_EQ(Render(true, [](ReplyBuilder& r) { r.Null(); }), "_\r\n");
  EXPECT_EQ(Render(true, [](ReplyBuilder& r) { r.NullArray(); }), "_\r\n");
}

TEST_F(ReplyBuilderTest, MapSetPush) {
  EXPECT_EQ(Render(false, [](ReplyBuilder& r) { r.MapHeader(7); }), "*14\r\n");
  EXPECT_EQ(Render(true, [](ReplyBuilder& r) { r.MapHeader(7); }), "%7\r\n");
  EXPECT_EQ(Render(false, [](ReplyBuilder& r) { r.SetHeader(0); }), "*0\r\n");
  EXPECT_EQ(Render(true, [](ReplyBuilder& r) { r.SetHeader(0); }), "~0\r\n");
  EXPECT_EQ(Render(false, [](ReplyBuilder& r) { r.PushHeader(3); }), "*3\r\n");
  EXPECT_EQ(Render(true, [](ReplyBuilder& r) { r.PushHeader(3); }), ">3\r\n");
}

TEST_F(ReplyBuilderTest, Doubles) {
  EXPECT_EQ(Render(false, [](ReplyBuilder& r) { r.Double(1.1); }), "$18\r\n1.1000000000000001\r\n");
  EXPECT_EQ(Render(true, [](ReplyBuilder& r) { r.Double(1.1); }), ",1.1000000000000001\r\n");
  EXPECT_EQ(Render(false, [](ReplyBuilder& r) { r.Double(-0.0); }), "$2\r\n-0\r\n");
  EXPECT_EQ(Render(true, [](ReplyBuilder& r) { r.Double(-0.0); }), ",-0\r\n");
  EXPECT_EQ(Render(false, [](ReplyBuilder& r) { r.Double(INFINITY); }), "$3\r\ninf\r\n");
  EXPECT_EQ(Render(true, [](ReplyBuilder& r) { r.Double(INFINITY); }), ",inf\r\n");
  EXPECT_EQ(Render(true, [](ReplyBuilder& r) { r.Double(-INFINITY); }), ",-inf\r\n");
  EXPECT_EQ(Render(true, [](ReplyBuilder& r) { r.Double(1e300); }), ",1.0000000000000001e+300\r\n");
}

TEST_F(ReplyBuilderTest, Bools) {
  EXPECT_EQ(Render(false, [](ReplyBuilder& r) { r.Bool(true); }), ":1\r\n");
  EXPECT_EQ(Render(false, [](ReplyBuilder& r) { r.Bool(false); }), ":0\r\n");
  EXPECT_EQ(Render(true, [](ReplyBuilder& r) { r.Bool(true); }), "#t\r\n");
  EXPECT_EQ(Render(true, [](ReplyBuilder& r) { r.Bool(false); }), "#f\r\n");
}

TEST_F(ReplyBuilderTest, Verbatim) {
  EXPECT_EQ(Render(false, [](ReplyBuilder& r) { r.Verbatim("a\r\nb"); }), "$4\r\na\r\nb\r\n");
  EXPECT_EQ(Render(true, [](ReplyBuilder& r) { r.Verbatim("a\r\nb"); }), "=8\r\ntxt:a\r\nb\r\n");
  EXPECT_EQ(Render(true, [](ReplyBuilder& r) { r.Verbatim(""); }), "=4\r\ntxt:\r\n");
}

TEST_F(ReplyBuilderTest, BulkArray) {
  std::vector<std::string_view> items = {"a", "", "ccc"};
  std::string out;
  ReplyBuilder rb(&out);
  rb.BulkArray(items);
  EXPECT_EQ(out, "*3\r\n$1\r\na\r\n$0\r\n\r\n$3\r\nccc\r\n");
  out.clear();
  rb.BulkArray({});
  EXPECT_EQ(out, "*0\r\n");
}

// ---- FormatDouble: what ZSCORE prints (%.17g, integers without a fraction) ----

TEST(FormatDoubleTest, MatchesRedisZscore) {
  EXPECT_EQ(FormatDouble(INFINITY), "inf");
  EXPECT_EQ(FormatDouble(-INFINITY), "-inf");
  EXPECT_EQ(FormatDouble(0.0), "0");
  EXPECT_EQ(FormatDouble(-0.0), "-0");
  EXPECT_EQ(FormatDouble(3.0), "3");
  EXPECT_EQ(FormatDouble(-7.0), "-7");
  EXPECT_EQ(FormatDouble(2.5), "2.5");
  EXPECT_EQ(FormatDouble(1.1), "1.1000000000000001");
  EXPECT_EQ(FormatDouble(0.1), "0.10000000000000001");
  EXPECT_EQ(FormatDouble(-0.0001), "-0.0001");
  EXPECT_EQ(FormatDouble(1e300), "1.0000000000000001e+300");
  EXPECT_EQ(FormatDouble(-1e300), "-1.0000000000000001e+300");
  EXPECT_EQ(FormatDouble(1e-300), "1e-300");
  EXPECT_EQ(FormatDouble(1.5e-7), "1.4999999999999999e-07");
  EXPECT_EQ(FormatDouble(-1.5e-7), "-1.4999999999999999e-07");
  EXPECT_EQ(FormatDouble(5e-324), "4.9406564584124654e-324");
  EXPECT_EQ(FormatDouble(3.14159265358979323846), "3.1415926535897931");
  EXPECT_EQ(FormatDouble(1.7976931348623157e308), "1.7976931348623157e+308");
  // Integers: exact up to 17 digits, exponent beyond.
  EXPECT_EQ(FormatDouble(4503599627370495.0), "4503599627370495");
  EXPECT_EQ(FormatDouble(-4503599627370495.0), "-4503599627370495");
  EXPECT_EQ(FormatDouble(4503599627370496.0), "4503599627370496");
  EXPECT_EQ(FormatDouble(1e15), "1000000000000000");
  EXPECT_EQ(FormatDouble(1e16), "10000000000000000");
  EXPECT_EQ(FormatDouble(1e17), "1e+17");
  EXPECT_EQ(FormatDouble(123456789012345678.0), "1.2345678901234568e+17");
}

TEST(FormatDoubleTest, RoundTrips) {
  for (double v : {1.1, 0.1, 1e300, 1e-300, 5e-324, 3.14159, -2.5e-10, 123456.789}) {
    EXPECT_EQ(std::strtod(FormatDouble(v).c_str(), nullptr), v) << v;
  }
}

// ---- FormatLongDouble: what INCRBYFLOAT prints (no exponent, <= 17 decimals) ----

long double Ld(const char* s) { return std::strtold(s, nullptr); }

TEST(FormatLongDoubleTest, MatchesRedisIncrbyfloat) {
  EXPECT_EQ(FormatLongDouble(Ld("1.1")), "1.1");
  EXPECT_EQ(FormatLongDouble(Ld("3.0")), "3");
  EXPECT_EQ(FormatLongDouble(Ld("0")), "0");
  EXPECT_EQ(FormatLongDouble(Ld("-0")), "0");
  EXPECT_EQ(FormatLongDouble(Ld("0.1")), "0.1");
  EXPECT_EQ(FormatLongDouble(Ld("2.5")), "2.5");
  EXPECT_EQ(FormatLongDouble(Ld("-0.0001")), "-0.0001");
  EXPECT_EQ(FormatLongDouble(Ld("1.5e-7")), "0.00000015");
  EXPECT_EQ(FormatLongDouble(Ld("1e-300")), "0");  // below 17 decimals
  EXPECT_EQ(FormatLongDouble(Ld("5e-324")), "0");
  EXPECT_EQ(FormatLongDouble(Ld("3.14159265358979323846")), "3.14159265358979324");
  EXPECT_EQ(FormatLongDouble(Ld("123456789012345678")), "123456789012345678");
  EXPECT_EQ(FormatLongDouble(Ld("4503599627370496")), "4503599627370496");
  EXPECT_EQ(FormatLongDouble(Ld("1e17")), "100000000000000000");
  EXPECT_EQ(FormatLongDouble(Ld("1e300")),
            "1000000000000000000008997324079559193870523944273290747938260082321265646596180935"
            "7558491520837504971903503725086142748359035925561846729839130962605207486462873271"
            "3564184365329408425510760601678972665293237003055138294762099454029477278188962060"
            "6179267611627097410650567187386105690089424915104006144");
  EXPECT_EQ(FormatLongDouble(Ld("-1e300")).substr(0, 25), "-100000000000000000000899");
}

TEST(FormatLongDoubleTest, Infinity) {
  EXPECT_EQ(FormatLongDouble(std::numeric_limits<long double>::infinity()), "inf");
  EXPECT_EQ(FormatLongDouble(-std::numeric_limits<long double>::infinity()), "-inf");
}

}  // namespace
}  // namespace strata::test
