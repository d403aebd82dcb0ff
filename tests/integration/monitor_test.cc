// MONITOR against redis-server: which commands are shown (not rejected or administrative
// ones), in which order (a transaction's commands before its EXEC, EVAL before its calls,
// shown as "lua"), with which database, how arguments are quoted, and AUTH's redaction.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using Args = std::vector<std::string>;

class MonitorTest : public BothServersTest<MonitorTest> {};

// The monitor's lines for `commands` (sent on a second connection), each with its timestamp
// and client port masked; ends at the PING sent last.
std::vector<std::string> Watch(int port, const std::vector<Args>& commands) {
  RawConnection monitor(port);
  monitor.Send(RespCommand({"MONITOR"}));
  std::string got = monitor.Read(5);
  Client c(port);
  for (const Args& cmd : commands) c.Cmd(cmd);
  c.Cmd(Args{"PING", "end"});
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (got.find("\"PING\" \"end\"") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    got += monitor.ReadFor(50);
  }
  static const std::regex kTime(R"(^\+\d+\.\d{6} )");
  static const std::regex kAddr(R"(127\.0\.0\.1:\d+)");
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < got.size()) {
    std::size_t end = got.find("\r\n", at);
    if (end == std::string::npos) break;
    std::string line = got.substr(at, end - at);
    at = end + 2;
    if (!std::regex_search(line, kTime)) {
      lines.push_back("unexpected: " + line);
      continue;
    }
    line = std::regex_replace(line, kTime, "+T ");
    lines.push_back(std::regex_replace(line, kAddr, "ADDR"));
  }
  return lines;
}

TEST_F(MonitorTest, ShowsWhatRedisShows) {
  const std::vector<Args> commands = {
      {"SET", "k", std::string("a b\"c\\\n\r\t\x01\xff", 12)},
      {"GET", "k"},
      {"EVAL", "redis.call('SET', KEYS[1], 1) return redis.call('GET', KEYS[1])", "1", "x"},
      {"AUTH", "secret"},                      // an error, shown and redacted
      {"HELLO", "3", "AUTH", "default", "pw"},  // likewise
      {"CONFIG", "SET", "maxmemory", "0"},     // administrative: not shown
      {"CLIENT", "LIST"},                      // likewise
      {"NOSUCH", "x"},                         // rejected: not shown
      {"GET"},                                 // wrong arity: not shown
      {"MULTI"},
      {"INCR", "c"},
      {"EXEC"},
      {"SELECT", "3"},
      {"SET", "y", "1"},
      {"SELECT", "0"},
  };
  EXPECT_EQ(Watch(strata()->port(), commands), Watch(redis()->port(), commands));
}

TEST_F(MonitorTest, ClientListFlagsAndReset) {
  RawConnection monitor(port());
  monitor.Send(RespCommand({"MONITOR"}));
  EXPECT_EQ(monitor.Read(5), "+OK\r\n");
  Client c(port());
  std::string list = c.Cmd(Args{"CLIENT", "LIST"}).str;
  EXPECT_NE(list.find("flags=O"), std::string::npos) << list;
  monitor.Send(RespCommand({"RESET"}));
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (got.find("+RESET\r\n") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    got += monitor.ReadFor(50);
  }
  ASSERT_NE(got.find("+RESET\r\n"), std::string::npos) << got;
  list = c.Cmd(Args{"CLIENT", "LIST"}).str;
  EXPECT_EQ(list.find("flags=O"), std::string::npos) << list;
  // The SET has run (its reply came back) before the PING is sent, so a monitor would
  // have had its line queued ahead of the PONG.
  c.Cmd(Args{"SET", "after-reset", "1"});
  monitor.Send(RespCommand({"PING"}));
  got.clear();
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (got.find("+PONG\r\n") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    got += monitor.ReadFor(50);
  }
  EXPECT_EQ(got, "+PONG\r\n");  // no longer monitoring
}

}  // namespace
}  // namespace strata::test
