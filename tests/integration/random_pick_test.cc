// Random picks (HRANDFIELD, SRANDMEMBER, ZRANDMEMBER with a negative count, which draws
// with repetition) must be uniform over the elements in every encoding: a chi-square test
// over many draws, with a threshold a uniform pick exceeds with probability below 1e-6.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

class RandomPickTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = ServerProcess::StartStrata({}, &error_); }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { ASSERT_NE(server_, nullptr) << error_; }

  // Chi-square of the counts of `draws` (one element per draw; with `withvalues` every
  // second reply is a value and skipped) against a uniform pick over `n` elements.
  static double ChiSquare(const Reply& draws, std::size_t n, bool pairs = false) {
    std::map<std::string, long> counts;
    long total = 0;
    for (std::size_t i = 0; i < draws.elements.size(); i += pairs ? 2 : 1) {
      ++counts[draws.elements[i].str];
      ++total;
    }
    EXPECT_LE(counts.size(), n) << "drew elements that are not in the key";
    double expected = static_cast<double>(total) / static_cast<double>(n);
    double chi = 0;
    for (const auto& [member, c] : counts) chi += (c - expected) * (c - expected) / expected;
    chi += static_cast<double>(n - counts.size()) * expected;  // each missing one: (0-e)^2/e
    return chi;
  }
  // The chi-square value a uniform pick over `n` categories stays below with probability
  // about 1 - 1e-6 (Wilson-Hilferty approximation, z = 4.75).
  static double Threshold(std::size_t n) {
    double k = static_cast<double>(n - 1);
    double t = 1 - 2 / (9 * k) + 4.75 * std::sqrt(2 / (9 * k));
    return k * t * t * t;
  }

  static inline std::unique_ptr<ServerProcess> server_;
  static inline std::string error_;
};

constexpr std::size_t kElements = 600;  // past every listpack and intset limit: a hash table
constexpr int kDraws = 200000;

TEST_F(RandomPickTest, HRandFieldIsUniformOverAHashTable) {
  Client c(server_->port());
  std::vector<std::string> hset = {"HSET", "h"};
  for (std::size_t i = 0; i < kElements; ++i) {
    hset.push_back("field:" + std::to_string(i));
    hset.push_back("v");
  }
  c.Cmd(hset);
  ASSERT_EQ(c.Cmd({"OBJECT", "ENCODING", "h"}).str, "hashtable");
  double chi = ChiSquare(c.Cmd({"HRANDFIELD", "h", std::to_string(-kDraws)}), kElements);
  EXPECT_LT(chi, Threshold(kElements));
  double chi_values =
      ChiSquare(c.Cmd({"HRANDFIELD", "h", std::to_string(-kDraws), "WITHVALUES"}), kElements, true);
  EXPECT_LT(chi_values, Threshold(kElements));
  std::cout << "[          ] HRANDFIELD chi-square " << chi << " and " << chi_values
            << " (threshold " << Threshold(kElements) << ")\n";
}

TEST_F(RandomPickTest, SRandMemberIsUniformInEveryEncoding) {
  Client c(server_->port());
  constexpr std::size_t kInts = 400;  // within set-max-intset-entries (512)
  std::vector<std::string> strings = {"SADD", "s:str"}, ints = {"SADD", "s:int"};
  for (std::size_t i = 0; i < kElements; ++i) strings.push_back("member:" + std::to_string(i));
  for (std::size_t i = 0; i < kInts; ++i) ints.push_back(std::to_string(i * 7));
  c.Cmd(strings);
  c.Cmd(ints);
  ASSERT_EQ(c.Cmd({"OBJECT", "ENCODING", "s:str"}).str, "hashtable");
  ASSERT_EQ(c.Cmd({"OBJECT", "ENCODING", "s:int"}).str, "intset");
  EXPECT_LT(ChiSquare(c.Cmd({"SRANDMEMBER", "s:str", std::to_string(-kDraws)}), kElements),
            Threshold(kElements));
  EXPECT_LT(ChiSquare(c.Cmd({"SRANDMEMBER", "s:int", std::to_string(-kDraws)}), kInts),
            Threshold(kInts));
}

TEST_F(RandomPickTest, ZRandMemberIsUniformOverASkiplist) {
  Client c(server_->port());
  std::vector<std::string> zadd = {"ZADD", "z"};
  for (std::size_t i = 0; i < kElements; ++i) {
    zadd.push_back(std::to_string(i % 17));
    zadd.push_back("member:" + std::to_string(i));
  }
  c.Cmd(zadd);
  ASSERT_EQ(c.Cmd({"OBJECT", "ENCODING", "z"}).str, "skiplist");
  double chi = ChiSquare(c.Cmd({"ZRANDMEMBER", "z", std::to_string(-kDraws)}), kElements);
  EXPECT_LT(chi, Threshold(kElements));
}

// RANDOMKEY over a database whose keys are spread unevenly over the engine's shards.
TEST_F(RandomPickTest, RandomKeyIsUniform) {
  Client c(server_->port());
  constexpr std::size_t kKeys = 300;
  constexpr int kCalls = 90000;
  c.Cmd("SELECT 5");
  c.Cmd("FLUSHDB");
  for (std::size_t i = 0; i < kKeys; ++i) c.Append({"SET", "key:" + std::to_string(i), "v"});
  for (std::size_t i = 0; i < kKeys; ++i) c.Read();
  Reply draws;
  draws.type = REDIS_REPLY_ARRAY;
  for (int i = 0; i < kCalls; ++i) c.Append({"RANDOMKEY"});
  for (int i = 0; i < kCalls; ++i) draws.elements.push_back(c.Read());
  double chi = ChiSquare(draws, kKeys);
  EXPECT_LT(chi, Threshold(kKeys));
  std::cout << "[          ] RANDOMKEY chi-square " << chi << " (threshold " << Threshold(kKeys)
            << ")\n";
  c.Cmd("FLUSHDB");
}

}  // namespace
}  // namespace strata::test
