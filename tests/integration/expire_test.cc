// Expiry commands (EXPIRE PEXPIRE EXPIREAT PEXPIREAT with NX/XX/GT/LT, TTL PTTL EXPIRETIME
// PEXPIRETIME PERSIST), lazy expiry and the background sweep. Deterministic replies are
// compared with a real redis-server; remaining times are checked against bounds.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using Args = std::vector<std::string>;

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class ExpireTest : public BothClientsTest<ExpireTest> {
 protected:
  // Every test starts from empty databases on both servers.
  void SetUp() override {
    BothClientsTest::SetUp();
    if (!HasFatalFailure()) Both({"FLUSHALL"});
  }
};

const std::string kBin("exp\0key\n", 8);

TEST_F(ExpireTest, OptionErrors) {
  BothAll({
      {"SET", "a", "1"},
      {"EXPIRE", "a", "100", "NX", "XX"},
      {"EXPIRE", "a", "100", "NX", "GT"},
      {"EXPIRE", "a", "100", "NX", "LT"},
      {"EXPIRE", "a", "100", "GT", "LT"},
      {"EXPIRE", "a", "100", "lt", "gt"},
      {"PEXPIRE", "a", "100", "nx", "xx"},
      {"EXPIREAT", "a", "100", "GT", "LT"},
      {"PEXPIREAT", "a", "100", "NX", "LT"},
      {"EXPIRE", "a", "100", "foo"},
      {"EXPIRE", "a", "100", "NX", "foo"},
      {"EXPIRE", "a", "abc", "foo"},  // options are checked before the number
      {"EXPIRE", "a", "abc", "NX", "XX"},
      {"EXPIRE", "a", "abc"},
      {"EXPIRE", "a", "1.5"},
      {"EXPIRE", "a", ""},
      {"EXPIRE", "nokey", "abc"},
      {"EXPIRE", "nokey", "100", "foo"},
      {"EXPIRE", "a", "100", "NX", "NX"},  // repeating an option is fine
      {"TTL", "a"},
      {"EXPIRE", "a"},
      {"TTL"},
      {"TTL", "a", "b"},
      {"PERSIST"},
      {"EXPIRETIME"},
  });
}

TEST_F(ExpireTest, OverflowErrors) {
  BothAll({
      {"SET", "a", "1"},
      {"EXPIRE", "a", "9223372036854775807"},
      {"EXPIRE", "a", "-9223372036854775808"},
      {"EXPIRE", "a", "9223372036854776"},
      {"EXPIRE", "a", "9223372036854775"},  // fits after *1000, overflows adding now
      {"EXPIRE", "a", "92233720368547758"},
      {"PEXPIRE", "a", "9223372036854775807"},
      {"PEXPIRE", "a", "9223372036854770000"},
      {"EXPIREAT", "a", "9223372036854775807"},
      {"EXPIREAT", "a", "9223372036854776"},
      {"EXPIRE", "nokey", "9223372036854775807"},  // checked before the key
      {"EXPIRE", "a", "9223372036854775808"},      // not an int64 at all
      {"EXISTS", "a"},
      {"PEXPIREAT", "a", "9223372036854775807"},  // the largest time is accepted
      {"PEXPIRETIME", "a"},
      {"EXPIRETIME", "a"},
      {"PERSIST", "a"},
      {"TTL", "a"},
  });
}

TEST_F(ExpireTest, MissingAndPersistentKeys) {
  BothAll({
      {"TTL", "nokey"},
      {"PTTL", "nokey"},
      {"EXPIRETIME", "nokey"},
      {"PEXPIRETIME", "nokey"},
      {"PERSIST", "nokey"},
      {"EXPIRE", "nokey", "100"},
      {"PEXPIRE", "nokey", "100"},
      {"EXPIREAT", "nokey", "100"},
      {"PEXPIREAT", "nokey", "100", "GT"},
      {"EXISTS", "nokey"},
      {"SET", "p", "v"},
      {"TTL", "p"},
      {"PTTL", "p"},
      {"EXPIRETIME", "p"},
      {"PEXPIRETIME", "p"},
      {"PERSIST", "p"},
      {"SET", kBin, "v"},
      {"EXPIRE", kBin, "100"},
      {"TTL", kBin},
      {"PERSIST", kBin},
      {"PERSIST", kBin},
      {"TTL", kBin},
  });
}

TEST_F(ExpireTest, PastTimesDeleteTheKey) {
  BothAll({
      {"SET", "a", "1"},
      {"EXPIRE", "a", "-1"},
      {"EXISTS", "a"},
      {"SET", "a", "1"},
      {"EXPIRE", "a", "0"},
      {"EXISTS", "a"},
      {"SET", "a", "1"},
      {"PEXPIRE", "a", "-100"},
      {"EXISTS", "a"},
      {"SET", "a", "1"},
      {"EXPIREAT", "a", "1"},
      {"GET", "a"},
      {"SET", "a", "1"},
      {"PEXPIREAT", "a", "-1"},  // negative absolute times are simply in the past
      {"EXISTS", "a"},
      {"SET", "a", "1"},
      {"PEXPIREAT", "a", "-2"},
      {"EXISTS", "a"},
      {"SET", "a", "1"},
      {"PEXPIREAT", "a", "-9223372036854775808"},
      {"EXISTS", "a"},
      {"SET", "a", "1"},
      {"EXPIRE", "a", "-9223372036854775"},
      {"EXISTS", "a"},
      {"SET", "a", "1"},
      {"EXPIRE", "a", "0", "NX"},
      {"EXISTS", "a"},
      {"SET", "a", "1"},
      {"EXPIRE", "a", "0", "XX"},  // XX fails first: the key stays
      {"EXISTS", "a"},
      {"DBSIZE"},
  });
}

TEST_F(ExpireTest, NxXxGtLt) {
  BothAll({
      {"SET", "a", "1"},
      {"EXPIRE", "a", "100", "XX"},  // no TTL yet
      {"EXPIRE", "a", "100", "GT"},  // persistent counts as infinite
      {"TTL", "a"},
      {"EXPIRE", "a", "100", "LT"},  // ... and LT sets it
      {"TTL", "a"},
      {"EXPIRE", "a", "200", "NX"},  // already has one
      {"TTL", "a"},
      {"EXPIRE", "a", "200", "XX"},
      {"TTL", "a"},
      {"EXPIRE", "a", "100", "GT"},
      {"EXPIRE", "a", "199", "GT"},  // (equality is timing-dependent for relative times;
                                     // the absolute forms below check it)
      {"EXPIREAT", "a", "4000000000"},
      {"EXPIREAT", "a", "4000000000", "GT"},  // equal is not greater
      {"EXPIRE", "a", "200"},
      {"EXPIRE", "a", "300", "GT"},
      {"TTL", "a"},
      {"EXPIRE", "a", "300", "LT"},  // equal is not less
      {"EXPIRE", "a", "400", "LT"},
      {"EXPIRE", "a", "50", "LT"},
      {"TTL", "a"},
      {"EXPIRE", "a", "60", "XX", "GT"},
      {"TTL", "a"},
      {"EXPIRE", "a", "10", "XX", "LT"},
      {"TTL", "a"},
      {"PERSIST", "a"},
      {"EXPIRE", "a", "10", "NX"},
      {"TTL", "a"},
      {"SET", "b", "1"},
      {"PEXPIRE", "b", "100000", "NX"},
      {"PEXPIRE", "b", "100000", "NX"},
      {"EXPIREAT", "b", "4000000000", "GT"},
      {"EXPIRETIME", "b"},
      {"PEXPIREAT", "b", "4000000000000", "LT"},  // equal
      {"PEXPIREAT", "b", "3999999999999", "LT"},
      {"PEXPIRETIME", "b"},
      {"EXPIRETIME", "b"},  // rounded to the nearest second
  });
}

TEST_F(ExpireTest, AbsoluteTimesAreExact) {
  std::int64_t at = NowMs() / 1000 + 5000;
  BothAll({
      {"SET", "a", "1"},
      {"EXPIREAT", "a", std::to_string(at)},
      {"EXPIRETIME", "a"},
      {"PEXPIRETIME", "a"},
      {"PEXPIREAT", "a", std::to_string(at * 1000 + 499)},
      {"EXPIRETIME", "a"},
      {"PEXPIREAT", "a", std::to_string(at * 1000 + 500)},
      {"EXPIRETIME", "a"},
      {"PEXPIRETIME", "a"},
  });
}

TEST_F(ExpireTest, RelativeTimesAreWithinBounds) {
  s_->Cmd("SET a 1");
  EXPECT_EQ(s_->Cmd("EXPIRE a 100").integer, 1);
  Reply ttl = s_->Cmd("TTL a");
  EXPECT_GE(ttl.integer, 99);
  EXPECT_LE(ttl.integer, 100);
  Reply pttl = s_->Cmd("PTTL a");
  EXPECT_GT(pttl.integer, 90000);
  EXPECT_LE(pttl.integer, 100000);
  std::int64_t before = NowMs();
  EXPECT_EQ(s_->Cmd("PEXPIRE a 5000").integer, 1);
  std::int64_t after = NowMs();
  std::int64_t pexpiretime = s_->Cmd("PEXPIRETIME a").integer;
  EXPECT_GE(pexpiretime, before + 5000);
  EXPECT_LE(pexpiretime, after + 5000);
  // Expiry works the same in other databases and survives being read.
  s_->Cmd("SELECT 9");
  s_->Cmd("SET b 1");
  EXPECT_EQ(s_->Cmd("EXPIRE b 50").integer, 1);
  s_->Cmd("GET b");
  EXPECT_GE(s_->Cmd("TTL b").integer, 49);
  s_->Cmd("SELECT 0");
  EXPECT_EQ(s_->Cmd("TTL b").integer, -2);
}

TEST_F(ExpireTest, WritesClearOrKeepTtl) {
  BothAll({
      {"SET", "a", "1"},
      {"EXPIRE", "a", "1000"},
      {"SET", "a", "2"},  // SET drops the TTL
      {"TTL", "a"},
      {"EXPIRE", "a", "1000"},
      {"APPEND", "a", "x"},  // edits keep it
      {"TTL", "a"},
      {"INCR", "n"},
      {"EXPIRE", "n", "1000"},
      {"INCR", "n"},
      {"TTL", "n"},
      {"SETRANGE", "a", "0", "zz"},
      {"TTL", "a"},
      {"GETSET", "a", "new"},
      {"TTL", "a"},
  });
}

TEST_F(ExpireTest, LazyExpiry) {
  for (Client* c : {s_.get(), r_.get()}) {
    c->Cmd("SET a 1");
    c->Cmd("SET b 1");
    c->Cmd(Args{"SET", kBin, "1"});
    EXPECT_EQ(c->Cmd("PEXPIRE a 30").integer, 1);
    EXPECT_EQ(c->Cmd("PEXPIRE b 30").integer, 1);
    EXPECT_EQ(c->Cmd(Args{"PEXPIRE", kBin, "30"}).integer, 1);
    c->Cmd("SET sentinel 1 PX 30");
  }
  for (Client* c : {s_.get(), r_.get()}) ASSERT_TRUE(WaitUntilGone(*c, "sentinel"));
  BothAll({
      {"GET", "a"},
      {"EXISTS", "b"},
      {"TTL", kBin},
      {"PTTL", "a"},
      {"PERSIST", "b"},
      {"EXPIRE", "b", "100"},
      {"RENAME", "a", "c"},
      {"TYPE", kBin},
      {"OBJECT", "ENCODING", "b"},
      {"KEYS", "*"},
      {"DBSIZE"},
  });
}

// Keys nobody touches again still go away: the engine's background sweep reclaims them.
TEST_F(ExpireTest, ActiveExpiryEmptiesUntouchedKeys) {
  constexpr int kKeys = 2000;
  // No sweep while the keys are written: however slowly that goes, none is reclaimed
  // before DBSIZE has counted them all.
  ASSERT_EQ(s_->Cmd("DEBUG SET-ACTIVE-EXPIRE 0").str, "OK");
  for (int i = 0; i < kKeys; ++i) {
    s_->Append(Args{
        "SET",
        "vol:" + std::to_string(i),
        "v",
    });
    s_->Append(Args{"PEXPIRE", "vol:" + std::to_string(i), "100"});
  }
  s_->Append(Args{"SELECT", "3"});
  for (int i = 0; i < 100; ++i) {
    s_->Append(Args{"SET", "db3:" + std::to_string(i), "v"});
    s_->Append(Args{"PEXPIRE", "db3:" + std::to_string(i), "100"});
  }
  s_->Append(Args{"SET", "keep", "v"});
  s_->Append(Args{"SELECT", "0"});
  s_->Append(Args{"SET", "keep", "v"});
  s_->Append(Args{"EXPIRE", "keep2", "1000"});
  for (int i = 0; i < 2 * kKeys + 200 + 5; ++i) s_->Read();
  EXPECT_EQ(s_->Cmd("DBSIZE").integer, kKeys + 1);
  ASSERT_EQ(s_->Cmd("DEBUG SET-ACTIVE-EXPIRE 1").str, "OK");

  // Poll DBSIZE only (it never expires anything itself); generous deadline, no timing
  // assertion.
  std::int64_t size = -1;
  for (int i = 0; i < 200 && size != 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    size = s_->Cmd("DBSIZE").integer;
  }
  EXPECT_EQ(size, 1);
  EXPECT_EQ(s_->Cmd("GET keep").str, "v");
  s_->Cmd("SELECT 3");
  size = -1;
  for (int i = 0; i < 200 && size != 1; ++i) {
    size = s_->Cmd("DBSIZE").integer;
    if (size != 1) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(size, 1);
  s_->Cmd("SELECT 0");
}

TEST_F(ExpireTest, TtlFollowsKeyThroughRenameMoveCopy) {
  BothAll({
      {"SET", "a", "1"},
      {"EXPIRE", "a", "500"},
      {"RENAME", "a", "b"},
      {"TTL", "b"},
      {"COPY", "b", "c"},
      {"TTL", "c"},
      {"MOVE", "c", "1"},
      {"SELECT", "1"},
      {"TTL", "c"},
      {"PERSIST", "c"},
      {"SELECT", "0"},
      {"TTL", "b"},
      {"SWAPDB", "0", "1"},
      {"TTL", "c"},
      {"TTL", "b"},
  });
}

}  // namespace
}  // namespace strata::test
