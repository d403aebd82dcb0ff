// Stream commands on the entries (XADD XLEN XRANGE XREVRANGE XDEL XTRIM XSETID) and XREAD
// without BLOCK, held to Debian's redis-server 7.0.15 reply for reply: every option and
// error, the odd ID syntaxes strtoull lets through, where trimming stops (node boundaries
// by entry count and by bytes), streams in MULTI and in scripts, and the keyspace commands
// on a stream key. Blocking reads are in stream_blocking_test.cc.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using Cmd = std::vector<std::string>;

// A command line split at single spaces; for arguments with spaces or empty ones, build
// the vector by hand.
Cmd Words(std::string_view line) {
  Cmd out;
  std::size_t at = 0;
  while (at <= line.size()) {
    std::size_t end = line.find(' ', at);
    if (end == std::string_view::npos) end = line.size();
    out.emplace_back(line.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

// Concatenation by appending (operator+ on std::string trips a GCC 12 -Wrestrict false
// positive).
std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

class StreamTest : public BothClientsTest<StreamTest> {
 protected:
  void Lines(std::initializer_list<std::string_view> lines) {
    for (std::string_view l : lines) Both(Words(l));
  }
  void ConfigBoth(const std::string& name, const std::string& value) {
    Both({"CONFIG", "SET", name, value});
  }
  void TearDown() override {
    if (s_ == nullptr || r_ == nullptr) return;
    ConfigBoth("stream-node-max-entries", "100");
    ConfigBoth("stream-node-max-bytes", "4096");
  }
  // Whether Strata knows `name` (the consumer-group commands arrive separately).
  bool StrataHas(const std::string& name) {
    Reply r = s_->Cmd(Cmd{"COMMAND", "INFO", name});
    return r.elements.size() == 1 && r.elements[0].type == REDIS_REPLY_ARRAY;
  }
  // The named fields of XINFO STREAM `key` on both servers, which must agree.
  void SameInfoFields(const std::string& key, const std::vector<std::string>& names) {
    if (!StrataHas("xinfo")) return;
    Reply s = s_->Cmd(Cmd{"XINFO", "STREAM", key});
    Reply r = r_->Cmd(Cmd{"XINFO", "STREAM", key});
    for (const std::string& name : names) {
      EXPECT_EQ(Field(s, name), Field(r, name)) << "XINFO STREAM " << key << " " << name;
    }
  }
  static std::string Field(const Reply& info, const std::string& name) {
    for (std::size_t i = 0; i + 1 < info.elements.size(); i += 2) {
      if (info.elements[i].str == name) return info.elements[i + 1].ToString();
    }
    return "<no " + name + ">";
  }
  // The stream `key` made anew with the entries 1-0 .. n-0, each "f v".
  void TenEntries(const std::string& key, int n = 10) {
    Both({"DEL", key});
    for (int i = 1; i <= n; ++i) Both({"XADD", key, std::to_string(i) + "-0", "f", "v"});
  }
};

// ---- XADD -----------------------------------------------------------------------------

TEST_F(StreamTest, XaddIdForms) {
  Lines({
      "DEL s s3 new fut str",
      "XADD s 1-1 a 1",
      "XADD s 1-1 a 1",
      "XADD s 1-* a 1",
      "XADD s 0-* a 1",
      "XADD s 1 a 1",
      "XADD s 2 a 1 b 2",
      "XADD s 2-* f v",
      "XADD s 3-0 a 1 a 2",
      "XADD s 99-0 maxlen 1 a 1",
      "XADD s NoMkStream 100-0 a 1",
      "XADD s nomkstream maxlen 100 nomkstream 105-0 a 1",
      "XADD s 106-0 a 1 maxlen 2",
      "XADD s 007-08 a 1",
      "XADD s +200 a 1",
      "XADD new 0-* a 1",
      "XADD new 0-* a 1",
      "XADD s3 1 a 1",
      "XRANGE s - +",
      "XRANGE new - +",
  });
  Both({"XADD", "s", "300-0", "", "", "bin\x01", std::string("a\0b", 3)});
  Both({"XADD", "s", " 400", "f", "v"});
  Both({"XRANGE", "s", "300", "+"});
  // "*" takes the next ID after a last ID in the future, so its reply is deterministic.
  Lines({
      "XADD fut 1-0 a 1",
      "XSETID fut 99999999999999-5",
      "XADD fut * a 1",
      "XSETID fut 99999999999999-18446744073709551615",
      "XADD fut * a 1",
      "XADD fut 99999999999999-* a 1",
      "XADD fut 100000000000000-* a 1",
      "XRANGE fut - +",
  });
  // On a fresh stream "*" is the clock's millisecond, sequence 0.
  const auto now = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  Both({"DEL", "clock"});
  const long long before = now();
  Reply id = s_->Cmd(Cmd{"XADD", "clock", "*", "f", "v"});
  const long long after = now();
  ASSERT_EQ(id.type, REDIS_REPLY_STRING) << id.ToString();
  const long long ms = std::stoll(id.str);
  EXPECT_TRUE(ms >= before && ms <= after) << id.str;
  EXPECT_EQ(id.str.substr(id.str.find('-')), "-0");
}

TEST_F(StreamTest, XaddErrors) {
  Lines({
      "DEL s str nokey",
      "XADD s 5-0 a 1",
      "SET str x",
      "XADD s",
      "XADD s *",
      "XADD s * a",
      "XADD s 6-1 a",
      "XADD s 6-1 a 1 b",
      "XADD str 5-1 a",
      "XADD str 5-1 a 1",
      "XADD str 0-0 a 1",
      "XADD str 0 a 1",
      "XADD str 00-00 a 1",
      "XADD str 0-* a 1",
      "XADD s 0-0 a 1",
      "XADD nokey NOMKSTREAM 0-0 a 1",
      "XADD str NOMKSTREAM * a 1",
      "XADD nokey NOMKSTREAM * a 1",
      "EXISTS nokey",
      "XADD s maxlen ~ * a 1",
      "XADD s maxlen 18446744073709551615 * a 1",
      "XADD s maxlen -1 * a 1",
      "XADD s maxlen abc * a 1",
      "XADD s maxlen = * a b",
      "XADD s maxlen = 2",
      "XADD s maxlen = 2 *",
      "XADD s maxlen = 2 * a",
      "XADD s minid -1 * a 1",
      "XADD s minid + 100-0 a 1",
      "XADD s minid - 100-0 a 1",
      "XADD s minid (5 100-0 a 1",
      "XADD s minid 5-* 100-0 a 1",
      "XADD s maxlen 1 minid 5 101-0 a 1",
      "XADD s maxlen 1 maxlen 2 101-0 a 1",
      "XADD s minid 1 minid 2 101-0 a 1",
      "XADD s LIMIT 0 101-0 a 1",
      "XADD s LIMIT 5 101-0 a 1",
      "XADD s LIMIT -5 101-0 a 1",
      "XADD s LIMIT x 101-0 a 1",
      "XADD s maxlen 5 LIMIT 5 101-0 a 1",
      "XADD s maxlen = 5 LIMIT 5 101-0 a 1",
      "XADD s maxlen = 5 LIMIT 0 101-0 a 1",
      "XADD s LIMIT 5 maxlen 5 101-0 a 1",
      "XADD s MAXLEN a b",
      "XADD s LIMIT 5",
      "XADD s limit 5 a b",
      "XADD s 1-0-0 a b",
      "XADD s 0x10 a b",
      "XADD s -1 a b",
      "XADD s 5- a b",
      "XADD s 18446744073709551616-0 a b",
      "XADD s 1-18446744073709551616 a b",
      "XADD s *-1 a b",
      "XADD s - a b",
      "XADD s + a b",
      "XADD s (7 a b",
      "XADD s -0 a b",
      "XADD s 7-+1 a b",
      "XADD s 5-0 a 1",
      "XADD s 4-* a 1",
      "XRANGE s - +",
      "EXISTS nokey",
  });
  for (const char* id : {"", "8 ", "\t9", "9\n"}) Both({"XADD", "s", id, "a", "b"});
  // IDs of up to 127 bytes parse; longer ones do not, whatever they hold.
  Both({"XADD", "s", Cat({std::string(123, '0'), "10-0"}), "a", "b"});
  Both({"XADD", "s", Cat({std::string(124, '0'), "11-0"}), "a", "b"});
  Both({"XADD", "s", Cat({std::string(125, '0'), "12"}), "a", "b"});
  Both({"XADD", "s", Cat({std::string(126, '0'), "13"}), "a", "b"});
  Both({"XRANGE", "s", "-", "+"});
}

TEST_F(StreamTest, XaddOnceTheLastIdIsExhausted) {
  Lines({
      "DEL ex ex2 ex3 ex4",
      "XADD ex 18446744073709551615-18446744073709551615 a 1",
      "XADD ex * a 1",
      "XADD ex 18446744073709551615-* a 1",
      "XADD ex 5-5 a 1",
      "XADD ex 0-0 a 1",
      "XADD ex2 18446744073709551615-18446744073709551614 a 1",
      "XADD ex2 18446744073709551615-* a 1",
      "XADD ex2 18446744073709551615-* a 1",
      "XADD ex3 18446744073709551615-18446744073709551614 a 1",
      "XADD ex3 * a 1",
      "XADD ex3 * a 1",
      "XDEL ex3 18446744073709551615-18446744073709551615",
      "XADD ex3 * a 1",
      "XLEN ex3",
      "XADD ex4 5-18446744073709551615 a 1",
      "XADD ex4 6-* a 1",
      "XADD ex4 4-* a 1",
      "XRANGE ex4 - +",
  });
  // "<ms>-*" on a last ID whose sequence is at its maximum: redis-server 7.0.15 picks its
  // error text from a stale errno (either one below, depending on what failed before), so
  // only Strata's own answer is checked.
  Lines({"DEL ex5", "XADD ex5 5-18446744073709551615 a 1"});
  Reply r = s_->Cmd(Words("XADD ex5 5-* a 1"));
  EXPECT_EQ(r.str, "ERR The ID specified in XADD is equal or smaller than the target stream top "
                   "item") << r.ToString();
}

TEST_F(StreamTest, XaddTrims) {
  ConfigBoth("stream-node-max-entries", "3");
  for (const char* opts : {"MAXLEN 5", "MAXLEN = 5", "MAXLEN ~ 5", "MAXLEN ~ 7", "MAXLEN ~ 0",
                           "MAXLEN 0", "MAXLEN ~ 0 LIMIT 2", "MAXLEN ~ 0 LIMIT 3",
                           "MAXLEN ~ 0 LIMIT 0", "MINID 5", "MINID ~ 5", "MINID ~ 7",
                           "MINID 100", "MINID ~ 100", "MINID ~ 100 LIMIT 6", "minid = 3",
                           "MAXLEN 100", "LIMIT 4 MAXLEN ~ 1"}) {
    TenEntries("t");
    std::string add = "XADD t ";
    add.append(opts).append(" 11-0 g w");
    Both(Words(add));
    Lines({"XLEN t", "XRANGE t - + COUNT 2", "XREVRANGE t + - COUNT 1", "EXISTS t"});
    SameInfoFields("t", {"length", "radix-tree-keys", "recorded-first-entry-id",
                         "max-deleted-entry-id", "entries-added"});
  }
  // Without LIMIT, "~" removes at most 100 * stream-node-max-entries entries (none when it
  // is 0, which means no limit).
  ConfigBoth("stream-node-max-entries", "1");
  TenEntries("big", 150);
  Lines({"XADD big MAXLEN ~ 0 151-0 f v", "XLEN big", "XRANGE big - + COUNT 1"});
  ConfigBoth("stream-node-max-entries", "0");
  TenEntries("big", 150);
  Lines({"XADD big MAXLEN ~ 0 151-0 f v", "XLEN big", "XTRIM big MAXLEN ~ 0", "XLEN big"});
}

// ---- XLEN, XRANGE, XREVRANGE -------------------------------------------------------------

TEST_F(StreamTest, XlenAndArity) {
  Lines({
      "DEL t str nokey", "SET str x", "XADD t 1-0 a 1", "XADD t 2-0 a 1",
      "XLEN t", "XLEN nokey", "XLEN str", "XLEN", "XLEN t extra",
      "XRANGE t", "XRANGE t -", "XREVRANGE t +", "XDEL t", "XTRIM t", "XTRIM t MAXLEN",
      "XSETID", "XSETID t", "XREAD", "XREAD STREAMS", "XREAD STREAMS t",
  });
}

TEST_F(StreamTest, XrangeBoundsAndCount) {
  Lines({
      "DEL t str nokey", "SET str x",
      "XADD t 1-0 a 1", "XADD t 1-1 b 2", "XADD t 2-0 c 3 d 4", "XADD t 2-5 e 5", "XADD t 3-0 f 6",
      "XRANGE t - +", "XREVRANGE t + -", "XRANGE t 1 1", "XRANGE t (1 2", "XRANGE t - (0",
      "XRANGE t 0-0 0-0", "XREVRANGE t 2 1", "XREVRANGE t - +", "XRANGE t 3 2", "XREVRANGE t 2 3",
      "XREVRANGE t (0-0 (18446744073709551615-18446744073709551615",
      "XRANGE t (18446744073709551615-18446744073709551615 +", "XRANGE t - (0-0",
      "XRANGE t (18446744073709551615-18446744073709551615 (0-0",
      "XRANGE t (18446744073709551615-18446744073709551615 bad", "XRANGE t bad (0-0",
      "XREVRANGE t bad (18446744073709551615-18446744073709551615", "XREVRANGE t 2 bad",
      "XREVRANGE t bad 2",
      "XRANGE t ( +", "XRANGE t (- +", "XRANGE t - (+", "XRANGE t ((1 +", "XRANGE t (+5 +",
      "XRANGE t (1-0 (3-0", "XREVRANGE t (3-0 (1-0", "XREVRANGE t + (2-5", "XREVRANGE t (2-5 -",
      "XRANGE t (1-18446744073709551615 +", "XREVRANGE t (2-0 -", "XRANGE t (2 (3",
      "XRANGE t - + COUNT 2", "XRANGE t - + COUNT 0", "XRANGE t - + COUNT -1",
      "XRANGE t - + COUNT -9223372036854775808", "XRANGE t - + COUNT 9223372036854775807",
      "XRANGE t - + COUNT 9223372036854775808", "XRANGE t 5 + COUNT 0", "XRANGE t 5 + COUNT 1",
      "XRANGE nokey - + COUNT 0", "XRANGE nokey - +", "XREVRANGE t + - COUNT 2",
      "XREVRANGE t + - count 0", "XRANGE t - + COUNT", "XRANGE t - + COUNT x",
      "XRANGE t - + COUNT 1 COUNT 3", "XRANGE t - + COUNT 1 COUNT x", "XRANGE t - + count 2 foo",
      "XRANGE t - + foo", "XRANGE t - + foo 1",
      "XRANGE str - +", "XRANGE str bad +", "XRANGE str - + foo", "XRANGE str - + COUNT 0",
      "XREVRANGE str + -",
      "XDEL t 2-0", "XRANGE t - +", "XREVRANGE t + -", "XRANGE t 2 2", "XRANGE t 2-0 2-0",
      "XREVRANGE t 2-0 2-0", "XRANGE t 2-0 + COUNT 1", "XREVRANGE t 2-0 - COUNT 1",
  });
}

// What strtoull accepts (a sign, leading zeros, leading blanks) is a valid ID part; what
// it stops at, an overflow, or more than 127 bytes is not.
TEST_F(StreamTest, XrangeIdSyntax) {
  Lines({"DEL t", "XADD t 1-0 a 1", "XADD t 2-0 b 2", "XADD t 7-8 c 3"});
  for (std::string id : {"+5", "007", "007-08", "-0", "-1", "+", "-", "2-*", "*", "1-0-0", "0x1",
                         "1e2", "18446744073709551615", "18446744073709551616", "1-+8", "1--1",
                         "2-", "-2", "+-1", "++1", "0-18446744073709551615",
                         "18446744073709551615-18446744073709551615", " 2", "\t2", "2 ", " ",
                         "", "(", "( 1", "(\t1", "(007", "(-1"}) {
    Both({"XRANGE", "t", id, "+"});
    Both({"XRANGE", "t", "-", id});
    Both({"XREVRANGE", "t", id, "-"});
  }
  for (std::size_t zeros : {124, 125, 126, 127, 200}) {
    Both({"XRANGE", "t", Cat({std::string(zeros, '0'), "2"}), "+"});
    Both({"XRANGE", "t", Cat({"(", std::string(zeros, '0'), "2"}), "+"});
  }
  Both({"XRANGE", "t", std::string("2\0", 2), "+"});
}

// Random streams (small nodes, deleted entries, varying fields) read with random bounds,
// inclusive and exclusive, forwards and backwards, with and without COUNT.
TEST_F(StreamTest, RandomRanges) {
  std::mt19937 rnd(7);
  auto pick = [&](int n) { return static_cast<int>(rnd() % static_cast<unsigned>(n)); };
  for (int entries : {1, 2, 3, 5, 0}) {
    ConfigBoth("stream-node-max-entries", std::to_string(entries));
    Both({"DEL", "q"});
    std::vector<std::pair<int, int>> ids;
    int ms = 1;
    for (int i = 0; i < 60; ++i) {
      ms += std::vector<int>{0, 0, 1, 2}[pick(4)];
      const int seq = !ids.empty() && ids.back().first == ms ? ids.back().second + 1 + pick(3)
                                                              : pick(4);
      ids.emplace_back(ms, seq);
      Cmd add = {"XADD", "q", Cat({std::to_string(ms), "-", std::to_string(seq)})};
      for (int f = 0, n = 1 + pick(4); f < n; ++f) {
        add.insert(add.end(), {std::string(1, static_cast<char>('a' + pick(4))),
                               std::to_string(pick(1000))});
      }
      Both(add);
    }
    for (int i = 0; i < 20; ++i) {
      const auto& [m, q] = ids[static_cast<std::size_t>(pick(60))];
      Both({"XDEL", "q", Cat({std::to_string(m), "-", std::to_string(q)})});
    }
    auto bound = [&] {
      const auto& [m, q] = ids[static_cast<std::size_t>(pick(60))];
      const std::string ms_part = std::to_string(m + pick(3) - 1);
      const std::string seq_part = std::to_string(q + (q > 0 ? pick(3) - 1 : 0));
      switch (pick(6)) {
        case 0: return std::string(pick(2) ? "-" : "+");
        case 1: return ms_part;
        case 2: return Cat({"(", ms_part});
        case 3: return Cat({"(", std::to_string(m), "-", seq_part});
        default: return Cat({std::to_string(m), "-", seq_part});
      }
    };
    for (int i = 0; i < 150; ++i) {
      const std::string a = bound(), b = bound();
      Cmd range = {"XRANGE", "q", a, b}, rev = {"XREVRANGE", "q", b, a};
      if (pick(3) == 0) {
        const std::string n = std::to_string(1 + pick(10));
        range.insert(range.end(), {"COUNT", n});
        rev.insert(rev.end(), {"COUNT", n});
      }
      Both(range);
      Both(rev);
    }
  }
}

// WATCH sees what Redis signals: a stream that changed (XADD, XDEL or XTRIM that removed
// something), not XSETID, a failed or empty write, or a read.
TEST_F(StreamTest, WatchSeesChanges) {
  for (const char* line :
       {"XADD k 3-0 a 1", "XADD k 1-0 a 1", "XADD k NOMKSTREAM 3-0 a 1", "XADD k MAXLEN 0 3-0 a 1",
        "XDEL k 9-0", "XDEL k 1-0", "XDEL k bad", "XTRIM k MAXLEN 5", "XTRIM k MAXLEN 0",
        "XTRIM k MAXLEN ~ 0", "XSETID k 2-0", "XSETID k 5-0 ENTRIESADDED 9", "XSETID k 1-0",
        "XLEN k", "XRANGE k - +", "XREAD STREAMS k 0", "XADD other 1-0 a 1"}) {
    SCOPED_TRACE(line);
    Lines({"DEL k other", "XADD k 1-0 a 1", "XADD k 2-0 a 1", "WATCH k"});
    {
      Client s(port()), r(redis()->port());
      ExpectSameReply(&s, &r, Words(line));
    }
    Lines({"MULTI", "PING", "EXEC"});
  }
}

// ---- XDEL ------------------------------------------------------------------------------

TEST_F(StreamTest, Xdel) {
  Lines({
      "DEL d str nokey", "SET str x",
      "XADD d 1-0 a 1", "XADD d 2-0 a 1", "XADD d 3-0 a 1",
      // One bad ID anywhere: an error, and nothing is deleted.
      "XDEL d 1-0 bad 2-0", "XDEL d 1-0 2-0 -", "XDEL d + 1-0", "XDEL d 1-0 (2", "XDEL d 1-* 2-0",
      "XLEN d", "XRANGE d - +",
      "XDEL d 1 1 1-0", "XDEL d 9-0", "XDEL d 3", "XLEN d",
      "XDEL nokey 1-0", "XDEL nokey bad", "XDEL str 1-0", "XDEL str bad",
      // Deleting every entry keeps the key, and its last ID.
      "XDEL d 2-0", "XLEN d", "EXISTS d", "TYPE d", "XRANGE d - +", "XADD d 3-0 a 1",
      "XADD d 4-0 a 1", "XRANGE d - +",
      "XDEL d 18446744073709551615-18446744073709551615",
      "XADD d 18446744073709551615-18446744073709551615 a 1",
      "XDEL d 18446744073709551615-18446744073709551615", "XADD d * a 1", "XLEN d",
  });
  SameInfoFields("d", {"length", "last-generated-id", "max-deleted-entry-id", "entries-added",
                       "recorded-first-entry-id"});
}

// ---- XTRIM -----------------------------------------------------------------------------

TEST_F(StreamTest, XtrimOptionsAndErrors) {
  Lines({
      "DEL t str nokey", "SET str x", "XADD t 1-0 a 1", "XADD t 2-0 a 1",
      "XTRIM t MAXLEN 1 x", "XTRIM t NOMKSTREAM MAXLEN 1", "XTRIM t * MAXLEN 1",
      "XTRIM t MAXLEN 1 MINID 1", "XTRIM t MAXLEN 1 MAXLEN 1", "XTRIM t MAXLEN -1",
      "XTRIM t MAXLEN x", "XTRIM t MAXLEN 18446744073709551615", "XTRIM t MINID bad",
      "XTRIM t MINID -", "XTRIM t MINID +", "XTRIM t MINID (5", "XTRIM t MINID 5-*",
      "XTRIM t MAXLEN 1 LIMIT 5", "XTRIM t MAXLEN = 1 LIMIT 5", "XTRIM t MAXLEN = 1 LIMIT 0",
      "XTRIM t MAXLEN ~ 1 LIMIT -1", "XTRIM t MAXLEN ~ 1 LIMIT x", "XTRIM t LIMIT 5",
      "XTRIM t LIMIT 0", "XTRIM t LIMIT 5 MAXLEN ~ 1", "XTRIM t MAXLEN ~", "XTRIM t MAXLEN =",
      "XTRIM t MAXLEN ~ 1 LIMIT", "XTRIM t maxlen ~ 1 limit 1 limit 2", "XTRIM t MAXLEN ~ 1 x",
      "XTRIM t LIMIT", "XTRIM t FOO", "XTRIM t MAXLEN ~ ~ 1",
      "XTRIM nokey MAXLEN 1 LIMIT 5", "XTRIM nokey MAXLEN 1", "XTRIM str MAXLEN 1",
      "XTRIM str MAXLEN 1 LIMIT 5", "XTRIM str MAXLEN x",
      "XTRIM t MAXLEN 5", "XTRIM t minid = 2", "XTRIM t MaxLen 0", "XLEN t", "EXISTS t",
      "XTRIM t MAXLEN 0", "XADD t 2-0 a 1", "XADD t 3-0 a 1", "XRANGE t - +",
  });
}

// Stream 1-0 .. 10-0 in nodes of three: [1-3][4-6][7-9][10]. "~" removes whole nodes only,
// and LIMIT stops before a node that would pass it.
TEST_F(StreamTest, XtrimStopsAtNodeBoundaries) {
  ConfigBoth("stream-node-max-entries", "3");
  for (const char* opts :
       {"MAXLEN ~ 5", "MAXLEN ~ 7", "MAXLEN ~ 8", "MAXLEN ~ 9", "MAXLEN ~ 10", "MAXLEN ~ 3",
        "MAXLEN ~ 0", "MAXLEN ~ 0 LIMIT 5", "MAXLEN ~ 0 LIMIT 6", "MAXLEN ~ 0 LIMIT 0",
        "MAXLEN ~ 4 LIMIT 3", "MAXLEN ~ 4 LIMIT 2", "MAXLEN ~ 1 LIMIT 1000", "MAXLEN 5",
        "MAXLEN = 5", "MINID ~ 5", "MINID ~ 7", "MINID ~ 4", "MINID ~ 11", "MINID ~ 10 LIMIT 3",
        "MINID 5", "MINID = 5", "MINID 11", "MINID 0", "MINID 10-1"}) {
    TenEntries("t");
    Both(Words(std::string("XTRIM t ") + opts));
    Lines({"XLEN t", "XRANGE t - + COUNT 1", "EXISTS t", "XADD t 11-0 g w", "XRANGE t - +"});
    SameInfoFields("t", {"length", "radix-tree-keys", "recorded-first-entry-id"});
  }
  // Deleted entries still take their place in a node, and a node of deleted entries only is
  // gone.
  TenEntries("t");
  Lines({"XDEL t 4-0 5-0 6-0 7-0", "XTRIM t MAXLEN ~ 5", "XLEN t", "XTRIM t MAXLEN ~ 2",
         "XLEN t", "XRANGE t - +"});
  TenEntries("t");
  Lines({"XTRIM t MINID 3", "XDEL t 3-0", "XTRIM t MAXLEN ~ 6", "XLEN t", "XRANGE t - +"});
}

// Nodes also end where their listpack would pass stream-node-max-bytes, which depends on
// how Redis encodes each value (integers, 6/12/32-bit string headers) and on whether an
// entry has the node's first field names. Seeded random streams; where "~" stops must match.
TEST_F(StreamTest, XtrimStopsAtNodeBoundariesBySize) {
  std::mt19937 rnd(20240611);
  auto pick = [&](int n) { return static_cast<int>(rnd() % static_cast<unsigned>(n)); };
  const std::vector<std::string> odd = {"-", "01", "-0", "18446744073709551615",
                                        "9223372036854775807", "-9223372036854775808",
                                        "9223372036854775808", "127", "128", "-4096", "4095"};
  for (int bytes : {1, 60, 100, 300, 1000, 4096}) {
    for (int entries : {0, 3, 100}) {
      ConfigBoth("stream-node-max-bytes", std::to_string(bytes));
      ConfigBoth("stream-node-max-entries", std::to_string(entries));
      for (int round = 0; round < 2; ++round) {
        Both({"DEL", "b"});
        const int n = 10 + pick(50);
        for (int i = 1; i <= n; ++i) {
          std::string v;
          switch (pick(4)) {
            case 0: v.assign(std::vector<int>{1, 50, 63, 64, 200, 4095, 4096, 5000}[pick(8)], 'x');
                    break;
            case 1: v = std::to_string(static_cast<long long>(rnd()) * (pick(2) ? 1 : -1000));
                    break;
            case 2: v = odd[pick(static_cast<int>(odd.size()))]; break;
            default: v = Cat({"v", std::to_string(i)});
          }
          Cmd add = {"XADD", "b", Cat({std::to_string(i / 3 + 1), "-", std::to_string(i)})};
          add.insert(add.end(), {pick(8) ? "f" : "h", v});
          if (pick(3) == 0) add.insert(add.end(), {Cat({"g", std::to_string(pick(2))}), "w"});
          Both(add);
          if (pick(10) == 0) {
            Both({"XDEL", "b", Cat({std::to_string((i - 1) / 3 + 1), "-", std::to_string(i - 1)})});
          }
        }
        const std::string maxlen = std::to_string(pick(n)), minid = std::to_string(pick(n / 3 + 2));
        const std::string maxlen2 = std::to_string(pick(n)), limit = std::to_string(pick(20));
        for (const Cmd& trim : {Cmd{"XTRIM", "b", "MAXLEN", "~", maxlen},
                                Cmd{"XTRIM", "b", "MINID", "~", minid},
                                Cmd{"XTRIM", "b", "MAXLEN", "~", maxlen2, "LIMIT", limit}}) {
          Both(trim);
          Lines({"XLEN b", "XRANGE b - + COUNT 1"});
        }
        Both({"XADD", "b", "MAXLEN", "~", std::to_string(pick(20)), "1000-0", "f", "v"});
        Lines({"XLEN b"});
        SameInfoFields("b", {"length", "radix-tree-keys", "recorded-first-entry-id"});
      }
    }
  }
}

// ---- XSETID ----------------------------------------------------------------------------

TEST_F(StreamTest, Xsetid) {
  Lines({
      "DEL s str nokey", "SET str x",
      "XSETID nokey 1-0", "XSETID nokey bad", "XSETID str 1-0", "XSETID str bad",
      "XSETID nokey 1-0 ENTRIESADDED -1", "XSETID nokey 1-0 MAXDELETEDID 2-0",
      "XADD s 5-0 a 1", "XADD s 6-0 a 1",
      "XSETID s bad", "XSETID s -", "XSETID s +", "XSETID s 5-*", "XSETID s (7", "XSETID s 4-0",
      "XSETID s 6-0", "XSETID s 6", "XSETID s 7-0", "XADD s 7-0 a 1", "XADD s 7-1 a 1",
      "XSETID s 100-0 ENTRIESADDED", "XSETID s 100-0 ENTRIESADDED x",
      "XSETID s 100-0 ENTRIESADDED -1", "XSETID s 100-0 ENTRIESADDED 0",
      "XSETID s 100-0 ENTRIESADDED 2", "XSETID s 100-0 ENTRIESADDED 3",
      "XSETID s 100-0 ENTRIESADDED 18446744073709551615",
      "XSETID s 100-0 MAXDELETEDID", "XSETID s 100-0 MAXDELETEDID bad",
      "XSETID s 100-0 MAXDELETEDID 200-0", "XSETID s 100-0 MAXDELETEDID 100-1",
      "XSETID s 100-0 MAXDELETEDID -", "XSETID s 100-0 MAXDELETEDID 100-0",
      "XSETID s 100-0 FOO 1", "XSETID s 100-0 ENTRIESADDED 5 MAXDELETEDID 50-0 extra",
      "XSETID s 100-0 MAXDELETEDID 200-0 ENTRIESADDED -1",
      "XSETID s 100-0 ENTRIESADDED -1 MAXDELETEDID 200-0",
      "XSETID s 1-0 ENTRIESADDED 1 MAXDELETEDID 200-0",
      "XSETID s 100-0 entriesadded 9 entriesadded 10",
  });
  SameInfoFields("s", {"last-generated-id", "max-deleted-entry-id", "entries-added"});
  Lines({
      "XSETID s 100-0 ENTRIESADDED 12 MAXDELETEDID 50-0", "XADD s 99-5 a 1", "XADD s 100-* a 1",
  });
  SameInfoFields("s", {"last-generated-id", "max-deleted-entry-id", "entries-added"});
  Lines({
      "XSETID s 18446744073709551615-18446744073709551615", "XADD s * a 1",
      "XADD s 18446744073709551615-* a 1",
      // An empty stream may go back, to 0-0 even.
      "XDEL s 5-0 6-0 7-0 7-1 100-1", "XLEN s", "XSETID s 1-0", "XSETID s 0-0",
      "XSETID s 0-0 ENTRIESADDED 0 MAXDELETEDID 0-0", "XADD s 0-* a 1", "XRANGE s - +",
  });
  SameInfoFields("s", {"last-generated-id", "max-deleted-entry-id", "entries-added",
                       "recorded-first-entry-id"});
}

// ---- XREAD without BLOCK ---------------------------------------------------------------

TEST_F(StreamTest, XreadArgumentErrors) {
  Lines({
      "DEL a b str nokey", "XADD a 1-0 f 1", "XADD a 2-0 f 2", "XADD b 1-0 g 1", "SET str x",
      "XREAD STREAMS a 0 0", "XREAD STREAMS a b 0", "XREAD STREAMS a b 0 0 0",
      "XREAD COUNT x STREAMS a 0", "XREAD COUNT STREAMS a 0", "XREAD COUNT 5",
      "XREAD COUNT 5 STREAMS",
      "XREAD BLOCK x STREAMS a 0", "XREAD BLOCK -1 STREAMS a 0", "XREAD BLOCK 1.5 STREAMS a 0",
      "XREAD BLOCK", "XREAD BLOCK 10", "XREAD FOO STREAMS a 0", "XREAD STREAMS a 0 COUNT 1",
      "XREAD GROUP g c STREAMS a 0", "XREAD NOACK STREAMS a 0", "XREAD GROUP g STREAMS a 0",
      "XREAD GROUP g c", "XREAD STREAMS a >", "XREAD STREAMS a bad", "XREAD STREAMS nokey bad",
      "XREAD STREAMS a -", "XREAD STREAMS a +", "XREAD STREAMS a (1", "XREAD STREAMS a 0-*",
      "XREAD STREAMS str 0", "XREAD STREAMS str bad", "XREAD STREAMS a str 0 0",
      "XREAD STREAMS a str 0 bad", "XREAD STREAMS a b bad 0", "XREAD STREAMS str a 0 bad",
      "XREAD STREAMS STREAMS 0", "XREAD STREAMS a STREAMS 0 0",
      // Which error wins: options are read left to right, each failing at once.
      "XREAD BLOCK x COUNT y STREAMS a 0", "XREAD COUNT y BLOCK x STREAMS a 0",
      "XREAD BLOCK -1 FOO STREAMS a 0", "XREAD FOO BLOCK -1 STREAMS a 0",
      "XREAD COUNT x STREAMS a", "XREAD BLOCK x STREAMS a", "XREAD NOACK COUNT x STREAMS a 0",
      "XREAD COUNT x NOACK STREAMS a 0", "XREAD STREAMS str 0 0", "XREAD STREAMS a b > 0",
      "XREAD BLOCK 10 STREAMS str 0", "XREAD BLOCK 10 STREAMS a str $ $",
      "XREADGROUP GROUP g c STREAMS a", "XREADGROUP STREAMS a >", "XREADGROUP GROUP g STREAMS a >",
      "XREADGROUP COUNT 1 STREAMS a >", "XREADGROUP GROUP g c STREAMS str >",
      "XREADGROUP GROUP g c STREAMS nokey >", "XREADGROUP GROUP g c BLOCK x STREAMS nokey >",
      "XREADGROUP GROUP g c BLOCK -1 STREAMS nokey >", "XREADGROUP GROUP g c COUNT x STREAMS a >",
      "XREADGROUP GROUP g c NOACK FOO STREAMS a >", "XREADGROUP GROUP g c STREAMS a b > >",
  });
}

TEST_F(StreamTest, XreadStreams) {
  Lines({
      "DEL a b nokey", "XADD a 1-0 f 1", "XADD a 2-0 f 2", "XADD b 1-0 g 1 h 2",
      "XREAD STREAMS a 0", "XREAD STREAMS a b 0 0", "XREAD STREAMS b a 0 0",
      "XREAD COUNT 1 STREAMS a b 0 0", "XREAD COUNT 0 STREAMS a b 0 0",
      "XREAD COUNT -1 STREAMS a b 0 0", "XREAD COUNT 1 COUNT 2 STREAMS a 0",
      "XREAD STREAMS a b nokey 0 0 0", "XREAD STREAMS nokey a 0 1", "XREAD STREAMS a a 0 1",
      "XREAD STREAMS a 1", "XREAD STREAMS a 1-0", "XREAD STREAMS a 2-0", "XREAD STREAMS a 2",
      "XREAD STREAMS a 18446744073709551615-18446744073709551615", "XREAD STREAMS a $",
      "XREAD STREAMS nokey $", "XREAD STREAMS nokey 0", "XREAD STREAMS a b $ 0",
      "xread count 1 block 1 streams a 0", "XREAD BLOCK 1 COUNT 1 STREAMS a b 1 0",
      "XREAD BLOCK 9223372036854775807 STREAMS a 0", "XREAD STREAMS a +5",
      "XDEL a 2-0", "XREAD STREAMS a 1", "XREAD STREAMS a 0",
      // Answering at once, XREAD looks past the last live entry, not the last ID: nothing
      // comes after a deleted tail or a raised last ID.
      "XREAD STREAMS a 1-0", "XSETID a 5-0", "XREAD STREAMS a 1-0", "XREAD STREAMS a 4-0",
  });
}

// In RESP3 XREAD answers a map of key to entries; the entries (and XRANGE's) stay arrays,
// and "nothing" is a RESP3 null. Compared byte for byte.
TEST_F(StreamTest, XreadAndXrangeResp3) {
  std::string batch;
  for (const char* line :
       {"DEL a b nokey", "XADD a 1-0 f 1", "XADD a 2-0 f 2", "XADD b 1-0 g 1 h 2",
        "XREAD STREAMS a b 0 0", "XREAD COUNT 1 STREAMS a b 0 0", "XREAD STREAMS a nokey 0 0",
        "XREAD STREAMS a b $ $", "XREAD STREAMS nokey 0", "XREAD BLOCK 1 STREAMS a $",
        "XRANGE a - +", "XREVRANGE a + -", "XRANGE a - + COUNT 0", "XRANGE nokey - +",
        "XADD nokey NOMKSTREAM 1-0 a 1", "XLEN a", "XDEL a 1-0", "XTRIM a MAXLEN 0",
        "XSETID a 5-0", "XRANGE a - +", "XREAD STREAMS a 0"}) {
    batch += RespCommand(Words(line));
  }
  const std::string got = Resp3Replies(port(), batch);
  EXPECT_EQ(got, Resp3Replies(redis()->port(), batch));
  EXPECT_NE(got.find("%2\r\n$1\r\na\r\n*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n"), std::string::npos)
      << got;
}

// ---- streams in transactions and scripts ------------------------------------------------

TEST_F(StreamTest, InsideMultiExec) {
  Lines({
      "DEL m m2 str", "SET str x", "MULTI", "XADD m 1-0 a 1", "XADD m 2-0 b 2 c 3",
      "XREAD BLOCK 0 STREAMS m $", "XREAD BLOCK 0 STREAMS m 0", "XREAD BLOCK 0 STREAMS nothing 0",
      "XRANGE m - +", "XREVRANGE m + - COUNT 1", "XLEN m", "XDEL m 1-0", "XTRIM m MAXLEN 0",
      "XADD m 1-5 a 1", "XADD str 3-0 a 1", "XSETID m 10-0", "XADD m 10-* a 1", "XLEN m", "EXEC",
      // An error found when queueing aborts the transaction, as for every command.
      "MULTI", "XADD m2 1-0 a 1", "XADD m2 2-0", "EXEC", "EXISTS m2",
  });
}

TEST_F(StreamTest, InsideScripts) {
  auto eval = [&](const std::string& body) { Both({"EVAL", body, "0"}); };
  Both({"DEL", "k", "nokey", "str"});
  Both({"SET", "str", "x"});
  eval("redis.call('XADD','k','1-0','a','1'); redis.call('XADD','k','2-0','b','2','c','3');"
       " return redis.call('XRANGE','k','-','+')");
  for (const char* body : {
           "return redis.call('XREAD','STREAMS','k','0')",
           "return redis.call('XREAD','COUNT','1','STREAMS','k','0')",
           "return redis.call('XREAD','STREAMS','k','$')",
           "return redis.call('XREAD','STREAMS','nokey','0')",
           "return redis.call('XRANGE','k','-','+','COUNT','0')",
           "return redis.call('XRANGE','nokey','-','+')",
           "return redis.call('XREVRANGE','k','+','-','COUNT','1')",
           "return redis.call('XLEN','k')",
           "return redis.call('XADD','nokey','NOMKSTREAM','*','a','1')",
           "return type(redis.call('XADD','nokey','NOMKSTREAM','*','a','1'))",
           "return redis.pcall('XADD','k','1-0','a','1')",
           "return redis.pcall('XADD','k','0-0','a','1')",
           "return redis.pcall('XADD','str','3-0','a','1')",
           "return redis.pcall('XRANGE','k','bad','+')",
           "return redis.call('XADD','k','MAXLEN','1','3-0','d','4')",
           "return redis.call('XRANGE','k','-','+')",
           "return redis.call('XTRIM','k','MAXLEN','0')",
           "return redis.call('XSETID','k','9-0')",
           "return redis.call('XADD','k','9-*','e','5')",
           "return redis.call('XDEL','k','9-1','9-2')",
           "return redis.call('XREVRANGE','k','+','-')",
           "return redis.pcall('XREAD','BLOCK','0','STREAMS','k','$')",
           "return redis.pcall('XREAD','COUNT','x','BLOCK','0','STREAMS','k','0')",
           "return redis.pcall('XREAD','BLOCK','0','COUNT','x','STREAMS','k','0')",
           "return redis.pcall('XREADGROUP','GROUP','g','c','BLOCK','0','STREAMS','k','>')",
           "redis.call('XADD','k','10-0','a','1'); redis.setresp(3);"
           " return redis.call('XREAD','STREAMS','k','0')",
           "redis.setresp(3); local r = redis.call('XREAD','STREAMS','k','0');"
           " return r['map']['k'][1][1]",
           "redis.setresp(3); return redis.call('XREAD','STREAMS','nokey','0')",
           "redis.setresp(3); return redis.call('XRANGE','k','-','+','COUNT','0')",
       }) {
    eval(body);
  }
  // An error from redis.call names the script; its text up to there is Redis's.
  Reply s = s_->Cmd(Cmd{"EVAL", "return redis.call('XREAD','BLOCK','0','STREAMS','k','$')", "0"});
  EXPECT_EQ(s.str.rfind("ERR XREAD command is not allowed with BLOCK option from scripts", 0), 0u)
      << s.ToString();
}

// The other types' commands refuse a stream, and the stream commands refuse them; a write
// of another type over a stream replaces it.
TEST_F(StreamTest, WrongType) {
  Lines({
      "FLUSHALL", "XADD s 1-0 a 1", "LPUSH l x", "HSET h f v", "ZADD z 1 m", "SADD t m",
      "GET s", "SET s v GET", "GETDEL s", "STRLEN s", "APPEND s x", "INCR s", "SETRANGE s 0 x",
      "LPUSH s x", "LLEN s", "SADD s x", "SINTERSTORE d s", "HSET s f v", "ZADD s 1 m",
      "ZUNIONSTORE d 1 s", "BLPOP s 0", "BZPOPMIN s 0", "LMOVE s d LEFT LEFT", "SETNX s 1",
      "MSETNX s 1 u 2",
  });
  for (const char* key : {"l", "h", "z", "t"}) {
    for (const char* cmd : {"XADD # 1-0 a 1", "XADD # NOMKSTREAM * a 1", "XLEN #", "XRANGE # - +",
                            "XREVRANGE # + -", "XDEL # 1-0", "XTRIM # MAXLEN 0", "XSETID # 1-0",
                            "XREAD STREAMS # 0", "XREAD STREAMS s # 0 0"}) {
      std::string line(cmd);
      line.replace(line.find('#'), 1, key);
      Both(Words(line));
    }
  }
  Lines({"XADD s 2-0 b 2", "SET s v", "TYPE s", "XADD s 3-0 a 1", "HSET h2 f v",
         "XADD h3 1-0 a 1", "RENAME h2 h3", "TYPE h3", "XLEN h3"});
}

// ---- the keyspace commands on a stream ---------------------------------------------------

TEST_F(StreamTest, KeyspaceCommandsOnAStream) {
  Lines({
      "FLUSHALL", "XADD g 1-0 a 1", "XADD g 2-0 b 2",
      "TYPE g", "OBJECT ENCODING g", "EXISTS g", "COPY g g2", "XRANGE g2 - +", "XADD g2 3-0 c 3",
      "XLEN g", "XLEN g2", "COPY g g2", "COPY g g2 REPLACE", "XLEN g2", "XADD g2 2-* c 3",
      "COPY g g3 DB 1", "SELECT 1", "XRANGE g3 - +", "TYPE g3", "SELECT 0",
      "MOVE g2 1", "MOVE g 1", "SELECT 1", "XLEN g2", "XADD g2 1-0 x y", "SELECT 0",
      "RENAME g g4", "XLEN g4", "XRANGE g4 - +", "RENAMENX g4 g5", "EXPIRE g5 100", "TTL g5",
      "PERSIST g5", "TTL g5", "SCAN 0 TYPE stream", "SCAN 0 TYPE STREAM", "SET str x",
      "SCAN 0 TYPE string", "DEL str", "RANDOMKEY", "UNLINK g5", "EXISTS g5", "RANDOMKEY",
      "XADD e 1-0 a 1", "SET e x", "TYPE e", "XADD e 2-0 a 1", "DEL e",
      "SELECT 1", "FLUSHDB", "SELECT 0",
  });
  // A stream emptied by XDEL or XTRIM, or created with MAXLEN 0, stays a key.
  Lines({
      "XADD e MAXLEN 0 1-0 a 1", "EXISTS e", "TYPE e", "XLEN e", "XRANGE e - +",
      "XREAD STREAMS e 0", "XADD e 1-0 a 1", "XADD e 2-0 a 1", "XDEL e 2-0", "EXISTS e",
      "OBJECT ENCODING e", "RENAME e e2", "EXISTS e e2", "XLEN e2", "DBSIZE", "DEL e2",
      "XADD e3 1-0 a 1", "XTRIM e3 MINID 5", "EXISTS e3", "COPY e3 e4", "TYPE e4", "DBSIZE",
  });
  SameInfoFields("e4", {"length", "last-generated-id", "entries-added", "recorded-first-entry-id"});
}

}  // namespace
}  // namespace strata::test
