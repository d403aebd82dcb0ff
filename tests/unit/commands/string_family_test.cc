// String command handlers run directly against a memory engine: WRONGTYPE on keys of
// other types (created here with a stand-in collection object), RESP3 reply shapes and the
// proto-max-bulk-len limits, without a network in between.
#include <gtest/gtest.h>

#include "engines/test_access.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"
#include "state/server_state.h"
#include "storage/memory/memory_engine.h"
#include "strata/config.h"

namespace strata {
namespace {

// A minimal collection, enough to occupy a key with a non-string type.
class FakeList final : public Object {
 public:
  ValueType type() const override { return ValueType::kList; }
  std::string_view encoding() const override { return "listpack"; }
  std::size_t MemoryUsage() const override { return 0; }
  std::unique_ptr<Object> Clone() const override { return std::make_unique<FakeList>(); }
  void Encode(std::string* out) const override { out->append("fake"); }
};

constexpr std::string_view kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

class StringFamilyTest : public ::testing::Test {
 protected:
  StringFamilyTest() : engine_(16), state_(Config{}, &engine_) {}

  // Runs one command the way the dispatcher does (its keys locked) and returns the raw
  // reply bytes.
  std::string Run(const std::vector<std::string>& argv) {
    std::vector<std::string_view> args(argv.begin(), argv.end());
    const CommandSpec* spec = CommandTable::Get().Find(args[0]);
    EXPECT_NE(spec, nullptr) << argv[0];
    if (spec == nullptr) return "";
    EXPECT_TRUE(spec->ArityOk(args.size())) << argv[0];
    std::string out;
    ReplyBuilder reply(&out);
    reply.set_resp3(resp3_);
    CommandContext ctx{args, reply, client_, state_, engine_, nullptr, 0};
    std::vector<int> positions;
    spec->KeyPositions(args, &positions);
    std::vector<std::string_view> keys;
    for (int p : positions) keys.push_back(args[static_cast<std::size_t>(p)]);
    engine_.Execute(AccessSet{testing::WriteAccess(keys), false}, [&](Keyspace& ks) {
      ctx.ks = &ks;
      spec->handler(ctx);
    });
    return out;
  }

  void MakeList(std::string_view key) {
    std::string_view keys[] = {key};
    engine_.Execute(AccessSet{testing::WriteAccess(keys), false}, [&](Keyspace& ks) {
      ks.SetObject(0, key, std::make_unique<FakeList>(), kNoExpire);
    });
  }

  ValueType TypeOf(std::string_view key) {
    std::string_view keys[] = {key};
    ValueType t = ValueType::kNone;
    engine_.Execute(AccessSet{testing::WriteAccess(keys), false}, [&](Keyspace& ks) { t = ks.Peek(0, key).type; });
    return t;
  }

  memory::MemoryEngine engine_;
  ServerState state_;
  ClientState client_;
  bool resp3_ = false;
};

TEST_F(StringFamilyTest, WrongTypeEverywhereRedisChecksIt) {
  MakeList("l");
  Run({"SET", "s", "abc"});
  const std::vector<std::vector<std::string>> cmds = {
      {"GET", "l"},
      {"SET", "l", "v", "GET"},
      {"SET", "l", "v", "NX", "GET"},
      {"SET", "l", "v", "XX", "GET"},
      {"GETSET", "l", "v"},
      {"GETDEL", "l"},
      {"GETEX", "l"},
      {"GETEX", "l", "PERSIST"},
      {"GETEX", "l", "EX", "0"},  // type is checked before the expiry value
      {"APPEND", "l", "v"},
      {"STRLEN", "l"},
      {"INCR", "l"},
      {"DECR", "l"},
      {"INCRBY", "l", "2"},
      {"DECRBY", "l", "2"},
      {"INCRBYFLOAT", "l", "1.5"},
      {"GETRANGE", "l", "0", "-1"},
      {"SUBSTR", "l", "0", "-1"},
      {"SETRANGE", "l", "0", "x"},
      {"SETRANGE", "l", "0", ""},
  };
  for (const auto& cmd : cmds) EXPECT_EQ(Run(cmd), kWrongType) << cmd[0];
  // The list survived every refused command.
  EXPECT_EQ(TypeOf("l"), ValueType::kList);
}

TEST_F(StringFamilyTest, WrongTypeOrderingAndExceptions) {
  MakeList("l");
  Run({"SET", "s", "abc"});
  // Argument errors that Redis checks before the lookup win.
  EXPECT_EQ(Run({"INCRBY", "l", "x"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(Run({"GETRANGE", "l", "x", "1"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(Run({"SETRANGE", "l", "-1", "x"}), "-ERR offset is out of range\r\n");
  EXPECT_EQ(Run({"SET", "l", "v", "GET", "EX", "0"}),
            "-ERR invalid expire time in 'set' command\r\n");
  EXPECT_EQ(Run({"SET", "l", "v", "FOO", "GET"}), "-ERR syntax error\r\n");
  // MGET answers nil for other types; LCS has its own message.
  EXPECT_EQ(Run({"MGET", "l", "s", "missing"}), "*3\r\n$-1\r\n$3\r\nabc\r\n$-1\r\n");
  EXPECT_EQ(Run({"LCS", "l", "s"}), "-ERR The specified keys must contain string values\r\n");
  EXPECT_EQ(Run({"LCS", "s", "l", "LEN", "IDX"}),
            "-ERR The specified keys must contain string values\r\n");
  // Existence checks count any type.
  EXPECT_EQ(Run({"SETNX", "l", "v"}), ":0\r\n");
  EXPECT_EQ(Run({"MSETNX", "n", "v", "l", "v"}), ":0\r\n");
  EXPECT_EQ(Run({"SET", "l", "v", "NX"}), "$-1\r\n");
  EXPECT_EQ(TypeOf("l"), ValueType::kList);
  EXPECT_EQ(TypeOf("n"), ValueType::kNone);
  // Plain SET, SET XX, SETEX, MSET and GETSET-free writes replace any type.
  EXPECT_EQ(Run({"SET", "l", "v", "XX"}), "+OK\r\n");
  EXPECT_EQ(Run({"GET", "l"}), "$1\r\nv\r\n");
  MakeList("l");
  EXPECT_EQ(Run({"SETEX", "l", "100", "w"}), "+OK\r\n");
  EXPECT_EQ(TypeOf("l"), ValueType::kString);
  MakeList("l");
  EXPECT_EQ(Run({"MSET", "l", "x"}), "+OK\r\n");
  EXPECT_EQ(Run({"GET", "l"}), "$1\r\nx\r\n");
}

TEST_F(StringFamilyTest, LcsIdxIsAMapUnderResp3) {
  Run({"MSET", "a", "ohmytext", "b", "mynewtext"});
  resp3_ = true;
  EXPECT_EQ(Run({"LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"}),
            "%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
            "$3\r\nlen\r\n:6\r\n");
  resp3_ = false;
  EXPECT_EQ(Run({"LCS", "a", "b", "IDX"}),
            "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n"
            "*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n");
  EXPECT_EQ(Run({"LCS", "a", "b"}), "$6\r\nmytext\r\n");
  EXPECT_EQ(Run({"LCS", "a", "b", "LEN"}), ":6\r\n");
  EXPECT_EQ(Run({"LCS", "a", "missing"}), "$0\r\n\r\n");
}

TEST_F(StringFamilyTest, NullsUnderResp3) {
  resp3_ = true;
  EXPECT_EQ(Run({"GET", "missing"}), "_\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "XX"}), "_\r\n");
  EXPECT_EQ(Run({"MGET", "missing"}), "*1\r\n_\r\n");
}

TEST_F(StringFamilyTest, ProtoMaxBulkLenLimits) {
  state_.runtime().proto_max_bulk_len = 10;
  constexpr std::string_view kTooBig =
      "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
  EXPECT_EQ(Run({"SETRANGE", "k", "10", "x"}), kTooBig);
  EXPECT_EQ(Run({"SETRANGE", "k", "9", "xy"}), kTooBig);
  EXPECT_EQ(Run({"SETRANGE", "k", "9223372036854775807", "xy"}), kTooBig);
  EXPECT_EQ(Run({"SETRANGE", "k", "9", "x"}), ":10\r\n");
  EXPECT_EQ(Run({"GET", "k"}), std::string("$10\r\n\0\0\0\0\0\0\0\0\0x\r\n", 17));
  EXPECT_EQ(Run({"APPEND", "k", "y"}), kTooBig);
  EXPECT_EQ(Run({"APPEND", "k", ""}), ":10\r\n");
  EXPECT_EQ(Run({"SETRANGE", "k", "0", "abc"}), ":10\r\n");
  EXPECT_EQ(Run({"APPEND", "new", "0123456789abc"}), ":13\r\n");  // new keys are not checked
  // LCS: (|a|+1)·(|b|+1) four-byte cells must fit in the limit.
  state_.runtime().proto_max_bulk_len = 16;
  Run({"MSET", "a", "x", "b", "x"});
  EXPECT_EQ(Run({"LCS", "a", "b", "LEN"}), ":1\r\n");
  Run({"SET", "b", "xy"});
  EXPECT_EQ(Run({"LCS", "a", "b", "LEN"}),
            "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n");
}

TEST_F(StringFamilyTest, CounterFormattingAndTtlKept) {
  EXPECT_EQ(Run({"SET", "c", "41", "PX", "100000"}), "+OK\r\n");
  EXPECT_EQ(Run({"INCR", "c"}), ":42\r\n");
  EXPECT_EQ(Run({"INCRBYFLOAT", "c", "0.5"}), "$4\r\n42.5\r\n");
  EXPECT_EQ(Run({"APPEND", "c", "1"}), ":5\r\n");
  EXPECT_EQ(Run({"SETRANGE", "c", "0", "9"}), ":5\r\n");
  std::string_view keys[] = {"c"};
  std::int64_t expire = 0;
  engine_.Execute(AccessSet{testing::WriteAccess(keys), false},
                  [&](Keyspace& ks) { expire = ks.Peek(0, "c").expire_at_ms; });
  EXPECT_GT(expire, 0);  // every write above kept the expiry
  EXPECT_EQ(Run({"GET", "c"}), "$5\r\n92.51\r\n");
  EXPECT_EQ(Run({"SET", "c", "-9223372036854775808"}), "+OK\r\n");
  EXPECT_EQ(Run({"INCRBY", "c", "9223372036854775807"}), ":-1\r\n");
  EXPECT_EQ(Run({"GET", "c"}), "$2\r\n-1\r\n");
  EXPECT_EQ(Run({"SET", "f", "3.0e3"}), "+OK\r\n");
  EXPECT_EQ(Run({"INCRBYFLOAT", "f", "-1.5"}), "$6\r\n2998.5\r\n");
  EXPECT_EQ(Run({"INCRBYFLOAT", "f", "-2998.5"}), "$1\r\n0\r\n");
}

TEST_F(StringFamilyTest, RegisteredLikeRedis) {
  struct Expect {
    const char* name;
    int arity;
    std::uint32_t flags;
    int first, last, step;
  };
  constexpr std::uint32_t kW = kCmdWrite | kCmdDenyOom;
  constexpr std::uint32_t kWF = kW | kCmdFast;
  constexpr std::uint32_t kRF = kCmdReadOnly | kCmdFast;
  const Expect expected[] = {
      {"get", 2, kRF, 1, 1, 1},
      {"set", -3, kW, 1, 1, 1},
      {"setnx", 3, kWF, 1, 1, 1},
      {"setex", 4, kW, 1, 1, 1},
      {"psetex", 4, kW, 1, 1, 1},
      {"getset", 3, kWF, 1, 1, 1},
      {"getdel", 2, kCmdWrite | kCmdFast, 1, 1, 1},
      {"getex", -2, kCmdWrite | kCmdFast, 1, 1, 1},
      {"mget", -2, kRF, 1, -1, 1},
      {"mset", -3, kW, 1, -1, 2},
      {"msetnx", -3, kW, 1, -1, 2},
      {"append", 3, kWF, 1, 1, 1},
      {"strlen", 2, kRF, 1, 1, 1},
      {"incr", 2, kWF, 1, 1, 1},
      {"decr", 2, kWF, 1, 1, 1},
      {"incrby", 3, kWF, 1, 1, 1},
      {"decrby", 3, kWF, 1, 1, 1},
      {"incrbyfloat", 3, kWF, 1, 1, 1},
      {"getrange", 4, kCmdReadOnly, 1, 1, 1},
      {"setrange", 4, kW, 1, 1, 1},
      {"substr", 4, kCmdReadOnly, 1, 1, 1},
      {"lcs", -3, kCmdReadOnly, 1, 2, 1},
  };
  constexpr std::uint32_t kChecked = kCmdWrite | kCmdReadOnly | kCmdFast | kCmdDenyOom;
  for (const Expect& e : expected) {
    const CommandSpec* spec = CommandTable::Get().Find(e.name);
    ASSERT_NE(spec, nullptr) << e.name;
    EXPECT_EQ(spec->arity, e.arity) << e.name;
    EXPECT_EQ(spec->flags & kChecked, e.flags) << e.name;
    EXPECT_EQ(spec->first_key, e.first) << e.name;
    EXPECT_EQ(spec->last_key, e.last) << e.name;
    EXPECT_EQ(spec->step, e.step) << e.name;
  }
}

}  // namespace
}  // namespace strata
