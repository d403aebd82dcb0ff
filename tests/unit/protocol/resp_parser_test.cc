// RespParser: multibulk and inline requests, resumable parsing, every protocol error.
// Expected error texts are Redis 7.0.15's (checked against a real redis-server).
#include "protocol/resp_parser.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "parse_driver.h"

namespace strata::test {
namespace {

using Cmds = std::vector<std::vector<std::string>>;


// Parses `input` at once, byte by byte, and in several random chunkings; all must agree.
ParseOutcome ParseEveryWay(const std::string& input, const ParserLimits& limits = {}) {
  ParseOutcome whole = ParseAtOnce(input, limits);
  ParseOutcome bytes = ParseByteByByte(input, limits);
  EXPECT_EQ(whole, bytes) << "at once: " << Describe(whole)
                          << "\nbyte by byte: " << Describe(bytes);
  std::mt19937 rng(42);
  for (int round = 0; round < 5; ++round) {
    std::uniform_int_distribution<std::size_t> size(1, 1 + input.size() / 3);
    ParseOutcome chunked = Drive(
        input, [&](std::size_t) { return size(rng); }, limits);
    EXPECT_EQ(whole, chunked) << "at once: " << Describe(whole)
                              << "\nrandom chunks: " << Describe(chunked);
  }
  return whole;
}

// The error a request ends with (parsed every way); "" if none.
std::string ErrorOf(const std::string& input, const ParserLimits& limits = {}) {
  ParseOutcome o = ParseEveryWay(input, limits);
  return o.failed ? o.error : "";
}

// ---- Multibulk ----

TEST(RespParserTest, MultibulkCommand) {
  auto o = ParseEveryWay(Multibulk({"SET", "key", "value"}));
  EXPECT_EQ(o.commands, (Cmds{{"SET", "key", "value"}}));
  EXPECT_FALSE(o.failed);
  EXPECT_EQ(o.pending, 0u);
}

TEST(RespParserTest, MultibulkIsBinarySafe) {
  std::string key("k\r\n\0x", 5);
  std::string value("\0\0\r\n$3\r\n*1\r\n", 13);
  auto o = ParseEveryWay(Multibulk({"SET", key, value}));
  EXPECT_EQ(o.commands, (Cmds{{"SET", key, value}}));
}

TEST(RespParserTest, EmptyBulkArgument) {
  auto o = ParseEveryWay("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n");
  EXPECT_EQ(o.commands, (Cmds{{"ECHO", ""}}));
}

TEST(RespParserTest, PipelinedCommands) {
  std::string in;
  Cmds expected;
  for (int i = 0; i < 50; ++i) {
    std::vector<std::string> cmd = {"SET", "key:" + std::to_string(i), std::string(i, 'v')};
    in += Multibulk(cmd);
    expected.push_back(cmd);
    in += "PING\r\n";  // inline and multibulk can alternate on one connection
    expected.push_back({"PING"});
  }
  auto o = ParseEveryWay(in);
  EXPECT_EQ(o.commands, expected);
  EXPECT_EQ(o.consumed, in.size());
}

TEST(RespParserTest, ZeroAndNegativeCountsAreEmpty) {
  // Redis skips *0 and *-1 (any count <= 0) silently and goes on.
  auto o = ParseEveryWay("*0\r\n*-1\r\n*-5\r\nPING\r\n");
  EXPECT_EQ(o.empties, 3);
  EXPECT_EQ(o.commands, (Cmds{{"PING"}}));
}

TEST(RespParserTest, TrailingBytesAfterBulkAreNotChecked) {
  // Like Redis, the two bytes after a bulk payload are skipped whatever they are.
  auto o = ParseEveryWay("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(o.commands, (Cmds{{"PING"}, {"PING"}}));
}

TEST(RespParserTest, IncompleteCommandIsPending) {
  std::string full = Multibulk({"SET", "k", "v"});
  for (std::size_t cut = 1; cut < full.size(); ++cut) {
    auto o = ParseEveryWay(full.substr(0, cut));
    EXPECT_TRUE(o.commands.empty()) << cut;
    EXPECT_FALSE(o.failed) << cut;
    EXPECT_EQ(o.pending, cut);
  }
}

TEST(RespParserTest, LargeBulkAskedForViaBytesWanted) {
  RespParser parser(ParserLimits{});
  std::string in = "*2\r\n$3\r\nSET\r\n$100000\r\n";
  std::size_t consumed = 0;
  ASSERT_EQ(parser.Parse(in.data(), in.size(), &consumed), RespParser::Result::kNeedMore);
  // The whole command: what was seen so far, the payload and its CRLF.
  EXPECT_EQ(parser.bytes_wanted(), in.size() + 100000 + 2);
  in += std::string(100000, 'x') + "\r\n";
  ASSERT_EQ(parser.Parse(in.data(), in.size(), &consumed), RespParser::Result::kCommand);
  EXPECT_EQ(consumed, in.size());
  ASSERT_EQ(parser.args().size(), 2u);
  EXPECT_EQ(parser.args()[1].size(), 100000u);
}

TEST(RespParserTest, ResumesAfterBufferMoves) {
  // The contract allows the caller's buffer to move between calls (it grows).
  RespParser parser(ParserLimits{});
  std::string full = Multibulk({"SET", "key", std::string(1000, 'z')});
  std::string first = full.substr(0, 600);
  std::size_t consumed = 0;
  ASSERT_EQ(parser.Parse(first.data(), first.size(), &consumed), RespParser::Result::kNeedMore);
  std::string moved = full;  // a different allocation holding the same prefix
  ASSERT_EQ(parser.Parse(moved.data(), moved.size(), &consumed), RespParser::Result::kCommand);
  ASSERT_EQ(parser.args().size(), 3u);
  EXPECT_EQ(parser.args()[2], std::string(1000, 'z'));
  EXPECT_EQ(parser.args()[2].data(), moved.data() + full.size() - 1002);
}

TEST(RespParserTest, ManyArguments) {
  std::vector<std::string> cmd = {"MSET"};
  for (int i = 0; i < 5000; ++i) cmd.push_back(std::to_string(i));
  auto o = ParseEveryWay(Multibulk(cmd));
  ASSERT_EQ(o.commands.size(), 1u);
  EXPECT_EQ(o.commands[0], cmd);
}

TEST(RespParserTest, MaxArgumentCountAccepted) {
  // 1024*1024 arguments is the limit itself, so the header alone is fine.
  auto o = ParseAtOnce("*1048576\r\n");
  EXPECT_FALSE(o.failed);
  EXPECT_EQ(o.pending, 10u);
}

// ---- Multibulk errors ----

TEST(RespParserTest, InvalidMultibulkLength) {
  const std::string kErr = "Protocol error: invalid multibulk length";
  EXPECT_EQ(ErrorOf("*abc\r\n"), kErr);
  EXPECT_EQ(ErrorOf("*\r\n"), kErr);
  EXPECT_EQ(ErrorOf("*2147483648\r\n"), kErr);  // above INT_MAX, as Redis
  EXPECT_EQ(ErrorOf("*99999999999999999999999\r\n"), kErr);
  // Our own bound: at most 1024*1024 arguments (Redis 7.0 accepts up to INT_MAX).
  EXPECT_EQ(ErrorOf("*1048577\r\n"), kErr);
  EXPECT_EQ(ErrorOf("*2147483647\r\n"), kErr);
  // Redis's string2ll rules: no leading zeros, no '+', no "-0".
  EXPECT_EQ(ErrorOf("*01\r\n$1\r\na\r\n"), kErr);
  EXPECT_EQ(ErrorOf("*+1\r\n$4\r\nPING\r\n"), kErr);
  EXPECT_EQ(ErrorOf("*-0\r\n"), kErr);
  EXPECT_EQ(ErrorOf("*1 \r\n"), kErr);
}

TEST(RespParserTest, InvalidBulkLength) {
  const std::string kErr = "Protocol error: invalid bulk length";
  EXPECT_EQ(ErrorOf("*1\r\n$-1\r\n"), kErr);
  EXPECT_EQ(ErrorOf("*1\r\n$abc\r\n"), kErr);
  EXPECT_EQ(ErrorOf("*1\r\n$\r\n"), kErr);
  EXPECT_EQ(ErrorOf("*1\r\n$-0\r\n"), kErr);
  EXPECT_EQ(ErrorOf("*1\r\n$04\r\nPING\r\n"), kErr);
  EXPECT_EQ(ErrorOf("*1\r\n$2147483648\r\n"), kErr);  // > 512 MB default
  EXPECT_EQ(ErrorOf("*1\r\n$536870913\r\n"), kErr);   // 512 MB + 1
  EXPECT_EQ(ErrorOf("*1\r\n$99999999999999999999999\r\n"), kErr);
  // The limit applies to every argument, not only the first.
  EXPECT_EQ(ErrorOf("*2\r\n$3\r\nGET\r\n$-1\r\n"), kErr);
}

TEST(RespParserTest, ProtoMaxBulkLen) {
  ParserLimits limits;
  limits.max_bulk_len = 1 << 20;
  EXPECT_EQ(ErrorOf("*1\r\n$1048577\r\n", limits), "Protocol error: invalid bulk length");
  auto o = ParseAtOnce("*1\r\n$1048576\r\n", limits);
  EXPECT_FALSE(o.failed);
  // The limit can change on a live parser (CONFIG SET proto-max-bulk-len).
  RespParser parser(ParserLimits{});
  parser.set_max_bulk_len(10);
  std::string in = "*1\r\n$11\r\n";
  std::size_t consumed = 0;
  EXPECT_EQ(parser.Parse(in.data(), in.size(), &consumed), RespParser::Result::kError);
  EXPECT_EQ(parser.error(), "Protocol error: invalid bulk length");
}

TEST(RespParserTest, ExpectedDollar) {
  EXPECT_EQ(ErrorOf("*1\r\nx\r\n"), "Protocol error: expected '$', got 'x'");
  EXPECT_EQ(ErrorOf("*2\r\n$3\r\nGET\r\n:1\r\n"), "Protocol error: expected '$', got ':'");
  // A command before the bad one is still returned.
  auto o = ParseEveryWay("PING\r\n*1\r\n*1\r\n");
  EXPECT_EQ(o.commands, (Cmds{{"PING"}}));
  EXPECT_EQ(o.error, "Protocol error: expected '$', got '*'");
}

TEST(RespParserTest, TooBigMbulkCountString) {
  // No CRLF within 64 KiB of the '*'.
  EXPECT_EQ(ErrorOf("*" + std::string(64 * 1024, '1')),
            "Protocol error: too big mbulk count string");
  // Exactly at the limit is still waiting for more.
  auto o = ParseEveryWay("*" + std::string(64 * 1024 - 1, '1'));
  EXPECT_FALSE(o.failed);
}

TEST(RespParserTest, TooBigBulkCountString) {
  EXPECT_EQ(ErrorOf("*1\r\n$" + std::string(64 * 1024, '1')),
            "Protocol error: too big bulk count string");
  EXPECT_EQ(ErrorOf("*1\r\n$" + std::string(70000, '1') + "\r\n"),
            "Protocol error: too big bulk count string");
  EXPECT_FALSE(ParseEveryWay("*1\r\n$" + std::string(64 * 1024 - 1, '1')).failed);
}

TEST(RespParserTest, LineLimitDoesNotDependOnChunking) {
  // A CR arriving without its LF must not change the verdict at the limit.
  std::string line = "*1\r\n$" + std::string(64 * 1024 - 1, '0');
  ParseOutcome o = ParseEveryWay(line + "\r");
  EXPECT_FALSE(o.failed);
  o = ParseEveryWay(line + "\r\n");
  EXPECT_TRUE(o.failed);
  EXPECT_EQ(o.error, "Protocol error: invalid bulk length");  // not "too big"
}

TEST(RespParserTest, UnauthenticatedLimits) {
  ParserLimits anon;
  anon.authenticated = false;
  EXPECT_EQ(ErrorOf("*11\r\n", anon), "Protocol error: unauthenticated multibulk length");
  EXPECT_EQ(ErrorOf("*1\r\n$16385\r\n", anon), "Protocol error: unauthenticated bulk length");
  // At the limits it is fine.
  EXPECT_FALSE(ParseEveryWay("*10\r\n", anon).failed);
  EXPECT_FALSE(ParseEveryWay("*1\r\n$16384\r\n", anon).failed);
  // An invalid length is still reported as invalid first.
  EXPECT_EQ(ErrorOf("*1\r\n$-1\r\n", anon), "Protocol error: invalid bulk length");
  // After AUTH the parser lifts them.
  RespParser parser(anon);
  parser.set_authenticated(true);
  std::string in = "*11\r\n";
  std::size_t consumed = 0;
  EXPECT_EQ(parser.Parse(in.data(), in.size(), &consumed), RespParser::Result::kNeedMore);
}

TEST(RespParserTest, ParserIsUsableAfterReset) {
  RespParser parser(ParserLimits{});
  std::string partial = "*2\r\n$3\r\nGET\r\n";
  std::size_t consumed = 0;
  ASSERT_EQ(parser.Parse(partial.data(), partial.size(), &consumed), RespParser::Result::kNeedMore);
  parser.Reset();
  std::string ping = "PING\r\n";
  ASSERT_EQ(parser.Parse(ping.data(), ping.size(), &consumed), RespParser::Result::kCommand);
  EXPECT_EQ(consumed, ping.size());
  ASSERT_EQ(parser.args().size(), 1u);
  EXPECT_EQ(parser.args()[0], "PING");
}

// ---- Inline ----

TEST(RespParserTest, InlineCommand) {
  auto o = ParseEveryWay("SET a b\r\nGET a\nPING\r\n");
  EXPECT_EQ(o.commands, (Cmds{{"SET", "a", "b"}, {"GET", "a"}, {"PING"}}));
  EXPECT_EQ(o.pending, 0u);
}

TEST(RespParserTest, InlineWhitespace) {
  auto o = ParseEveryWay("  SET \t a   b  \r\n");
  EXPECT_EQ(o.commands, (Cmds{{"SET", "a", "b"}}));
  // Leading \v and \f are skipped (isspace) but inside an argument they are kept: Redis
  // ends a bare argument only at space, \t, \r and \n.
  o = ParseEveryWay("ECHO \v\fx\r\nECHO a\vb\r\n");
  EXPECT_EQ(o.commands, (Cmds{{"ECHO", "x"}, {"ECHO", "a\vb"}}));
}

TEST(RespParserTest, EmptyInlineLines) {
  auto o = ParseEveryWay("\r\n\r\n\n   \r\nPING\r\n");
  EXPECT_EQ(o.empties, 4);
  EXPECT_EQ(o.commands, (Cmds{{"PING"}}));
}

TEST(RespParserTest, InlineQuotes) {
  auto o = ParseEveryWay("SET \"a key\" 'a value'\r\n");
  EXPECT_EQ(o.commands, (Cmds{{"SET", "a key", "a value"}}));
  o = ParseEveryWay("ECHO \"\"\r\nECHO ''\r\n");
  EXPECT_EQ(o.commands, (Cmds{{"ECHO", ""}, {"ECHO", ""}}));
  // A quote in the middle of a bare argument opens a quoted part.
  o = ParseEveryWay("ECHO a\"b c\"\r\n");
  EXPECT_EQ(o.commands, (Cmds{{"ECHO", "ab c"}}));
}

TEST(RespParserTest, InlineEscapes) {
  auto o = ParseEveryWay("ECHO \"\\x41\\x4a\\x4\\n\"\r\n");
  EXPECT_EQ(o.commands, (Cmds{{"ECHO", "AJx4\n"}}));
  o = ParseEveryWay("ECHO \"\\r\\t\\b\\a\\\\\\\"\\z\\x00\"\r\n");
  EXPECT_EQ(o.commands, (Cmds{{"ECHO", std::string("\r\t\b\a\\\"z\0", 8)}}));
  o = ParseEveryWay("ECHO 'a\\'b' 'c\\nd'\r\n");  // single quotes: only \' is special
  EXPECT_EQ(o.commands, (Cmds{{"ECHO", "a'b", "c\\nd"}}));
  o = ParseEveryWay("ECHO \"\\xff\\xFe\"\r\n");
  EXPECT_EQ(o.commands, (Cmds{{"ECHO", "\xff\xfe"}}));
}

TEST(RespParserTest, UnbalancedQuotes) {
  const std::string kErr = "Protocol error: unbalanced quotes in request";
  EXPECT_EQ(ErrorOf("SET \"a\r\n"), kErr);
  EXPECT_EQ(ErrorOf("SET 'a\r\n"), kErr);
  EXPECT_EQ(ErrorOf("SET \"a\"b c\r\n"), kErr);  // closing quote must end the argument
  EXPECT_EQ(ErrorOf("SET 'a'b c\r\n"), kErr);
  EXPECT_EQ(ErrorOf("ECHO \"a\\\r\n"), kErr);  // backslash at the very end
  EXPECT_EQ(ErrorOf("ECHO \"a\v\"x\r\n"), kErr);
}

TEST(RespParserTest, TooBigInlineRequest) {
  const std::string kErr = "Protocol error: too big inline request";
  EXPECT_EQ(ErrorOf(std::string(64 * 1024 + 1, 'A')), kErr);
  EXPECT_EQ(ErrorOf(std::string(100 * 1024, 'A') + "\r\n"), kErr);
  // 64 KiB without a newline is still waiting.
  auto o = ParseEveryWay(std::string(64 * 1024, 'A'));
  EXPECT_FALSE(o.failed);
  EXPECT_EQ(o.pending, 64u * 1024);
}

TEST(RespParserTest, SplitInlineArgsDirect) {
  std::vector<std::string> out;
  ASSERT_TRUE(SplitInlineArgs("", &out));
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(SplitInlineArgs("a \"b c\" 'd'", &out));
  EXPECT_EQ(out, (std::vector<std::string>{"a", "b c", "d"}));
  EXPECT_FALSE(SplitInlineArgs("\"open", &out));
}

}  // namespace
}  // namespace strata::test
