#include <gtest/gtest.h>

#include "harness.h"

namespace strata::test {

TEST(SmokeTest, PingSetGet) {
  std::string err;
  auto server = ServerProcess::StartStrata({}, &err);
  ASSERT_NE(server, nullptr) << err;
  Client c(server->port());
  ASSERT_TRUE(c.connected()) << c.error();
  EXPECT_EQ(c.Cmd("PING").str, "PONG");
  EXPECT_EQ(c.Cmd({"SET", std::string("k\r\n\0x", 5), std::string("v\0\r\n", 4)}).str, "OK");
  EXPECT_EQ(c.Cmd({"GET", std::string("k\r\n\0x", 5)}).str, std::string("v\0\r\n", 4));
  EXPECT_TRUE(c.Cmd("GET nosuch").is_nil());
}

}  // namespace strata::test
