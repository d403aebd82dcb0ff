// Protocol-level behaviour of the real server: malformed requests get Redis's exact error
// and a closed connection, inline commands, pipelining, binary safety. Where Redis 7.0.15
// behaves the same, the bytes are compared with a real redis-server.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using Args = std::vector<std::string>;
constexpr int kReadMs = 1000;

struct RawResult {
  std::string bytes;
  bool closed = false;
};

// Sends `request` on a fresh connection and collects what comes back until the server
// closes or goes quiet.
RawResult Exchange(int port, const std::string& request, int idle_ms = kReadMs) {
  RawConnection conn(port);
  EXPECT_TRUE(conn.ok());
  RawResult r;
  if (!conn.ok()) return r;
  EXPECT_TRUE(conn.Send(request));
  r.bytes = conn.ReadFor(idle_ms, &r.closed);
  return r;
}

// Sends `request` followed by an ECHO of a marker and reads until the marker's reply (or
// a close): no idle timeout decides when the reply is complete. Returns the replies to
// `request` alone.
RawResult ExchangeOpen(int port, const std::string& request) {
  static const std::string kMarker = "$12\r\n__end-mark__\r\n";
  RawConnection conn(port);
  EXPECT_TRUE(conn.ok());
  RawResult r;
  if (!conn.ok()) return r;
  EXPECT_TRUE(conn.Send(request + "ECHO __end-mark__\r\n"));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!r.closed && std::chrono::steady_clock::now() < deadline) {
    r.bytes += conn.ReadFor(50, &r.closed);
    if (r.bytes.size() >= kMarker.size() &&
        r.bytes.compare(r.bytes.size() - kMarker.size(), kMarker.size(), kMarker) == 0) {
      r.bytes.resize(r.bytes.size() - kMarker.size());
      return r;
    }
  }
  ADD_FAILURE() << "no end marker; got \"" << r.bytes << "\"";
  return r;
}

class ProtocolTest : public BothServersTest<ProtocolTest> {};

struct MalformedCase {
  std::string request;
  std::string reply;  // the complete expected reply bytes
};

// Requests Redis 7.0.15 and Strata answer identically: a protocol error, then close.
const std::vector<MalformedCase>& SharedMalformedCases() {
  static const std::vector<MalformedCase> cases = {
      {"*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
      {"*\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
      {"*2147483648\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
      {"*01\r\n$1\r\na\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
      {"*+1\r\n$4\r\nPING\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
      {"*-0\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
      {"*1\r\n$-1\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
      {"*1\r\n$abc\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
      {"*1\r\n$\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
      {"*1\r\n$04\r\nPING\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
      {"*1\r\n$2147483648\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
      {"*1\r\n$536870913\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
      {"*1\r\nx\r\n", "-ERR Protocol error: expected '$', got 'x'\r\n"},
      {"*2\r\n$4\r\nECHO\r\n:5\r\n", "-ERR Protocol error: expected '$', got ':'\r\n"},
      {"SET \"a\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
      {"SET 'a\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
      {"SET \"a\"b c\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
      {std::string(70000, 'A'), "-ERR Protocol error: too big inline request\r\n"},
      {"*1" + std::string(70000, '1'), "-ERR Protocol error: too big mbulk count string\r\n"},
      {"*1\r\n$" + std::string(70000, '1'), "-ERR Protocol error: too big bulk count string\r\n"},
      // Replies to the commands before the bad one arrive first.
      {"PING\r\n*1\r\nx\r\n", "+PONG\r\n-ERR Protocol error: expected '$', got 'x'\r\n"},
  };
  return cases;
}

TEST_F(ProtocolTest, MalformedInputGetsErrorAndClose) {
  for (const auto& c : SharedMalformedCases()) {
    SCOPED_TRACE(c.request.substr(0, 40));
    RawResult r = Exchange(strata()->port(), c.request);
    EXPECT_EQ(r.bytes, c.reply);
    EXPECT_TRUE(r.closed);
  }
  // The server is fine afterwards.
  Client client(strata()->port());
  EXPECT_EQ(client.Cmd("PING").str, "PONG");
}

TEST_F(ProtocolTest, MalformedInputMatchesRedis) {
  for (const auto& c : SharedMalformedCases()) {
    SCOPED_TRACE(c.request.substr(0, 40));
    RawResult ours = Exchange(strata()->port(), c.request);
    RawResult theirs = Exchange(redis()->port(), c.request);
    EXPECT_EQ(ours.bytes, theirs.bytes);
    EXPECT_EQ(ours.closed, theirs.closed);
  }
}

TEST_F(ProtocolTest, TooManyArgumentsRejected) {
  // Our deliberate limit of 1024*1024 arguments (Redis 7.0.15 would wait for them).
  RawResult r = Exchange(strata()->port(), "*1048577\r\n");
  EXPECT_EQ(r.bytes, "-ERR Protocol error: invalid multibulk length\r\n");
  EXPECT_TRUE(r.closed);
  // At the limit the server waits for the arguments instead.
  r = Exchange(strata()->port(), "*1048576\r\n", 300);
  EXPECT_EQ(r.bytes, "");
  EXPECT_FALSE(r.closed);
}

TEST_F(ProtocolTest, EmptyRequestsAreSkipped) {
  const std::string request = "\r\n\n   \r\n*0\r\n*-1\r\n*-5\r\nPING\r\n";
  RawResult ours = ExchangeOpen(strata()->port(), request);
  EXPECT_EQ(ours.bytes, "+PONG\r\n");
  EXPECT_FALSE(ours.closed);
  RawResult theirs = ExchangeOpen(redis()->port(), request);
  EXPECT_EQ(ours.bytes, theirs.bytes);
}

TEST_F(ProtocolTest, InlineCommands) {
  RawConnection conn(strata()->port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE(conn.Send("SET inl:a b\r\n"));
  EXPECT_EQ(conn.Read(5), "+OK\r\n");
  ASSERT_TRUE(conn.Send("GET inl:a\r\n"));
  EXPECT_EQ(conn.Read(7), "$1\r\nb\r\n");
  ASSERT_TRUE(conn.Send("GET inl:a\n"));  // a bare LF ends a line too
  EXPECT_EQ(conn.Read(7), "$1\r\nb\r\n");
  // Quoted arguments with spaces and escapes.
  ASSERT_TRUE(conn.Send("SET \"inl:my key\" 'hello world'\r\n"));
  EXPECT_EQ(conn.Read(5), "+OK\r\n");
  ASSERT_TRUE(conn.Send("SET inl:esc \"a\\x41\\n\\\"q\\\"\"\r\n"));
  EXPECT_EQ(conn.Read(5), "+OK\r\n");

  Client client(strata()->port());
  EXPECT_EQ(client.Cmd(Args{"GET", "inl:my key"}).str, "hello world");
  EXPECT_EQ(client.Cmd(Args{"GET", "inl:esc"}).str, "aA\n\"q\"");
}

TEST_F(ProtocolTest, InlineRepliesMatchRedis) {
  const std::vector<std::string> requests = {
      "SET inl2:k \"v w\"\r\nGET inl2:k\r\n",
      "ECHO \"\\x41\\x4a\\x4\\n\"\r\n",
      "ECHO 'a\\'b'\r\n",
      "ECHO a\vb\r\n",
      "ECHO a\"b c\"\r\n",
      "ECHO \"\"\r\nECHO ''\r\n",
      "  ECHO   x  \r\n",
  };
  for (const auto& req : requests) {
    SCOPED_TRACE(req);
    RawResult ours = ExchangeOpen(strata()->port(), req);
    RawResult theirs = ExchangeOpen(redis()->port(), req);
    EXPECT_FALSE(ours.bytes.empty());
    EXPECT_EQ(ours.bytes, theirs.bytes);
    EXPECT_FALSE(ours.closed);
  }
}

TEST_F(ProtocolTest, TenThousandPipelinedCommandsInOneWrite) {
  constexpr int kCommands = 10000;
  std::string request, expected;
  for (int i = 0; i < kCommands; ++i) {
    // Alternate encodings and commands so an out-of-order reply is visible.
    const std::string n = std::to_string(i);
    if (i % 3 == 0) {
      request += RespCommand({"INCR", "pipe:counter"});
      expected += ':';
      expected += std::to_string(i / 3 + 1);
      expected += "\r\n";
    } else if (i % 3 == 1) {
      request += RespCommand({"ECHO", std::string("m").append(n)});
      expected += RespBulk(std::string("m").append(n));
    } else {
      request += std::string("ECHO i").append(n).append("\r\n");
      expected += RespBulk(std::string("i").append(n));
    }
  }
  RawConnection conn(strata()->port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE(conn.Send(request));  // one write() of the whole pipeline
  std::string got = conn.Read(expected.size(), 20000);
  EXPECT_EQ(got.size(), expected.size());
  EXPECT_TRUE(got == expected) << "replies differ or are out of order";
  // Nothing extra.
  bool closed = true;
  EXPECT_EQ(conn.ReadFor(200, &closed), "");
  EXPECT_FALSE(closed);
}

TEST_F(ProtocolTest, BinarySafeKeysAndValues) {
  Client client(strata()->port());
  ASSERT_TRUE(client.connected());
  const std::string key("bin:\r\n\0key", 10);
  const std::string value("\0\r\n$3\r\n*1\r\n\0", 12);
  EXPECT_EQ(client.Cmd(Args{"SET", key, value}).str, "OK");
  EXPECT_EQ(client.Cmd(Args{"GET", key}).str, value);
  EXPECT_EQ(client.Cmd(Args{"STRLEN", key}).integer, static_cast<long long>(value.size()));

  // Every byte value, in a value of 1 MB.
  std::string big(1 << 20, '\0');
  std::mt19937 rng(1);
  for (auto& c : big) c = static_cast<char>(rng() & 0xff);
  EXPECT_EQ(client.Cmd(Args{"SET", "bin:big", big}).str, "OK");
  Reply r = client.Cmd(Args{"GET", "bin:big"});
  EXPECT_EQ(r.str.size(), big.size());
  EXPECT_TRUE(r.str == big);

  // The same over a raw connection, with the request split at awkward points.
  RawConnection conn(strata()->port());
  ASSERT_TRUE(conn.ok());
  std::string req = RespCommand({"SET", "bin:raw", value});
  for (std::size_t i = 0; i < req.size(); i += 3) ASSERT_TRUE(conn.Send(req.substr(i, 3)));
  EXPECT_EQ(conn.Read(5), "+OK\r\n");
  ASSERT_TRUE(conn.Send(RespCommand({"GET", "bin:raw"})));
  EXPECT_EQ(conn.Read(RespBulk(value).size()), RespBulk(value));
}

TEST_F(ProtocolTest, CommandSplitAcrossWrites) {
  RawConnection conn(strata()->port());
  ASSERT_TRUE(conn.ok());
  std::string req =
      RespCommand({"SET", "split:k", std::string(100000, 'z')}) + RespCommand({"GET", "split:k"});
  // Byte by byte for the header, then in uneven pieces.
  std::size_t i = 0;
  for (; i < 30; ++i) ASSERT_TRUE(conn.Send(req.substr(i, 1)));
  for (std::size_t step = 997; i < req.size(); i += step)
    ASSERT_TRUE(conn.Send(req.substr(i, step)));
  std::string expected = "+OK\r\n" + RespBulk(std::string(100000, 'z'));
  EXPECT_EQ(conn.Read(expected.size(), 5000), expected);
}

class ProtocolAuthTest : public BothServersTest<ProtocolAuthTest> {
 public:
  static std::vector<std::string> StrataArgs() { return {"--set", "server.requirepass=secret"}; }
  static std::vector<std::string> RedisArgs() { return {"--requirepass", "secret"}; }
};

TEST_F(ProtocolAuthTest, UnauthenticatedLimitsMatchRedis) {
  const std::vector<MalformedCase> cases = {
      {"*11\r\n", "-ERR Protocol error: unauthenticated multibulk length\r\n"},
      {"*1\r\n$16385\r\n", "-ERR Protocol error: unauthenticated bulk length\r\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.request);
    RawResult ours = Exchange(strata()->port(), c.request);
    EXPECT_EQ(ours.bytes, c.reply);
    EXPECT_TRUE(ours.closed);
    RawResult theirs = Exchange(redis()->port(), c.request);
    EXPECT_EQ(ours.bytes, theirs.bytes);
    EXPECT_EQ(ours.closed, theirs.closed);
  }
  // Within the limits: NOAUTH, connection open.
  RawResult ours = Exchange(strata()->port(), "*10\r\n$4\r\nPING\r\n", 300);
  EXPECT_EQ(ours.bytes, "");
  EXPECT_FALSE(ours.closed);

  // After AUTH the limits are lifted on that connection.
  RawConnection conn(strata()->port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE(conn.Send(RespCommand({"AUTH", "secret"})));
  EXPECT_EQ(conn.Read(5), "+OK\r\n");
  std::string big(20000, 'b');
  ASSERT_TRUE(conn.Send(RespCommand({"MSET", "a1", "1", "a2", "2", "a3", "3", "a4", "4", "a5", "5",
                                     "a6", big})));  // 13 arguments
  EXPECT_EQ(conn.Read(5), "+OK\r\n");
  ASSERT_TRUE(conn.Send(RespCommand({"ECHO", big})));
  EXPECT_EQ(conn.Read(RespBulk(big).size()), RespBulk(big));
}

}  // namespace
}  // namespace strata::test
