#include "types/zset.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "types/encoding_limits.h"

namespace strata::types {
namespace {

using Entries = std::vector<std::pair<std::string, double>>;

Entries All(const ZSetObject& z, bool reverse = false) {
  Entries out;
  if (z.size() == 0) return out;
  z.ForRange(reverse ? z.size() - 1 : 0, z.size(), reverse,
             [&](std::string_view m, double s) { out.emplace_back(std::string(m), s); });
  return out;
}

// The model: member -> score, and the expected order.
Entries Sorted(const std::map<std::string, double>& model) {
  std::set<std::pair<double, std::string>> order;
  for (const auto& [m, s] : model) order.emplace(s, m);
  Entries out;
  for (const auto& [s, m] : order) out.emplace_back(m, s);
  return out;
}

// Restores the CONFIG thresholds a test changed.
struct LimitsGuard {
  std::int64_t entries = Limits().zset_max_listpack_entries.load();
  std::int64_t value = Limits().zset_max_listpack_value.load();
  ~LimitsGuard() {
    Limits().zset_max_listpack_entries = entries;
    Limits().zset_max_listpack_value = value;
  }
};

std::string RandomMember(std::mt19937_64& rng) {
  std::string m(rng() % 6, '\0');
  for (char& c : m) c = static_cast<char>("ab\0\r\n\xff"[rng() % 6]);
  return m;
}

// Random operations against a std::map model, checking order, ranks, bounds and the codec.
void RunModel(std::uint64_t seed, int ops) {
  std::mt19937_64 rng(seed);
  ZSetObject z;
  std::map<std::string, double> model;
  for (int i = 0; i < ops; ++i) {
    std::string m = RandomMember(rng);
    // Mostly small integers (compact listpack form), some fractions and extremes.
    const double odd[] = {0.5, -2.25, 1e300, -1e300, 9007199254740993.0, -0.0,
                          std::numeric_limits<double>::infinity(),
                          -std::numeric_limits<double>::infinity(), -4503599627370497.0,
                          0.1, 0.1 + 0.2, 1.1, -123.456789, 1e-7, 4503599627.3701};
    double score = rng() % 4 == 0 ? odd[rng() % 15]
                                  : static_cast<double>(static_cast<int>(rng() % 7) - 3);
    int op = static_cast<int>(rng() % 10);
    auto cur = z.Score(m);
    ASSERT_EQ(cur.has_value(), model.count(m) == 1);
    if (op < 6) {
      if (cur) {
        z.Update(m, *cur, score);
      } else {
        z.Insert(m, score);
      }
      model[m] = score;
    } else if (op < 8) {
      EXPECT_EQ(z.Remove(m), model.erase(m) == 1);
    } else if (op == 8 && z.size() > 0) {
      std::size_t a = rng() % z.size(), b = a + rng() % (z.size() - a + 1);
      Entries sorted = Sorted(model);
      for (std::size_t k = a; k < b; ++k) model.erase(sorted[k].first);
      z.RemoveRange(a, b);
    } else {
      // Score bound: CountBelow equals the model's count of smaller scores.
      std::size_t below = 0;
      for (const auto& [mm, s] : model) below += s < score;
      EXPECT_EQ(z.CountBelow([&](double s, std::string_view) { return s < score; }), below);
    }
    ASSERT_EQ(z.size(), model.size());
  }
  Entries want = Sorted(model);
  ASSERT_EQ(All(z), want);
  Entries rev(want.rbegin(), want.rend());
  ASSERT_EQ(All(z, true), rev);
  for (std::size_t r = 0; r < want.size(); ++r) {
    EXPECT_EQ(z.Rank(want[r].first), r);
    EXPECT_EQ(z.Score(want[r].first), want[r].second);
  }
  std::string enc;
  z.Encode(&enc);
  auto back = ZSetObject::Decode(enc);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(All(**back), want);
  EXPECT_EQ((*back)->encoding(), z.encoding());
  auto clone = z.Clone();
  EXPECT_EQ(All(static_cast<const ZSetObject&>(*clone)), want);
  EXPECT_EQ(clone->encoding(), z.encoding());
  // Every strict prefix of the encoding is rejected.
  for (std::size_t n = 0; n < enc.size(); ++n) {
    EXPECT_FALSE(ZSetObject::Decode(std::string_view(enc).substr(0, n)).ok()) << n;
  }
}

TEST(ZSetObjectTest, ListpackModel) {
  LimitsGuard g;
  Limits().zset_max_listpack_entries = 1000;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) RunModel(seed, 300);
}

TEST(ZSetObjectTest, SkiplistModel) {
  LimitsGuard g;
  Limits().zset_max_listpack_entries = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) RunModel(seed, 300);
}

TEST(ZSetObjectTest, ConvertsOneWayAtThresholds) {
  LimitsGuard g;
  Limits().zset_max_listpack_entries = 3;
  Limits().zset_max_listpack_value = 4;
  ZSetObject z;
  z.Insert("a", 1);
  z.Insert("b", 2);
  z.Insert("c", 3);
  EXPECT_EQ(z.encoding(), "listpack");
  z.Insert("d", 4);
  EXPECT_EQ(z.encoding(), "skiplist");
  z.Remove("d");
  z.Remove("c");
  EXPECT_EQ(z.encoding(), "skiplist");
  ZSetObject y;
  y.Insert("long!", 1);
  EXPECT_EQ(y.encoding(), "skiplist");
  EXPECT_EQ(All(z), (Entries{{"a", 1}, {"b", 2}}));
}

TEST(ZSetObjectTest, OrderIsScoreThenBytes) {
  ZSetObject z;
  z.Insert("b", 1);
  z.Insert("ab", 1);
  z.Insert("a", 1);
  z.Insert(std::string("\xff", 1), 0);
  z.Insert("z", -1);
  EXPECT_EQ(All(z), (Entries{{"z", -1}, {"\xff", 0}, {"a", 1}, {"ab", 1}, {"b", 1}}));
}

std::string Member(int i) {
  std::string s = "m";
  s += std::to_string(i);
  return s;
}

TEST(ZSetObjectTest, LargeSkiplistRanks) {
  ZSetObject z;
  const int n = 20000;
  for (int i = n - 1; i >= 0; --i) z.Insert(Member(i), i);
  EXPECT_EQ(z.encoding(), "skiplist");
  EXPECT_EQ(z.Rank("m12345"), 12345u);
  EXPECT_EQ(z.CountBelow([](double s, std::string_view) { return s < 777; }), 777u);
  Entries got;
  z.ForRange(500, 3, false, [&](std::string_view m, double s) { got.emplace_back(m, s); });
  EXPECT_EQ(got, (Entries{{"m500", 500}, {"m501", 501}, {"m502", 502}}));
  z.RemoveRange(0, 10000);
  EXPECT_EQ(z.size(), 10000u);
  EXPECT_EQ(z.Rank("m12345"), 2345u);
  EXPECT_FALSE(z.Score("m5").has_value());
  EXPECT_GT(z.MemoryUsage(), 10000u * 40);
}

// SCAN's guarantee: members present for the whole scan are returned, even while the set
// grows (table resizes) and other members are deleted (entries shift in the table).
TEST(ZSetObjectTest, ScanSurvivesGrowthAndDeletes) {
  ZSetObject z;
  for (int i = 0; i < 3000; ++i) z.Insert(Member(i), i);
  std::set<std::string> seen;
  std::uint64_t cursor = 0;
  int step = 0, next_new = 3000;
  do {
    cursor = z.Scan(cursor, 5, [&](std::string_view m, double) { seen.emplace(m); });
    // Delete some members of the volatile range [2000, 3000) and add new ones.
    z.Remove(Member(2000 + (step * 7) % 1000));
    for (int k = 0; k < 20; ++k) z.Insert(Member(next_new++), 0);
    ++step;
  } while (cursor != 0);
  for (int i = 0; i < 2000; ++i) EXPECT_EQ(seen.count(Member(i)), 1u) << i;
}

TEST(ZSetObjectTest, DecodeRejectsCorruptInput) {
  ZSetObject z;
  z.Insert("a", 1);
  z.Insert("b", 2);
  std::string enc;
  z.Encode(&enc);
  ASSERT_TRUE(ZSetObject::Decode(enc).ok());
  std::string bad = enc;
  bad[0] = 9;  // unknown version
  EXPECT_FALSE(ZSetObject::Decode(bad).ok());
  EXPECT_FALSE(ZSetObject::Decode(enc + "x").ok());  // trailing bytes
  // Entries out of order (b before a) and duplicates are rejected.
  std::string swapped;
  swapped.push_back(1);
  swapped.push_back(0);
  swapped.push_back(2);
  auto put = [&](std::string_view m, double s) {
    swapped.push_back(static_cast<char>(m.size()));
    swapped.append(m);
    swapped.append(reinterpret_cast<const char*>(&s), sizeof(s));
  };
  put("b", 2);
  put("a", 1);
  EXPECT_FALSE(ZSetObject::Decode(swapped).ok());
  std::string dup = swapped.substr(0, 3);
  swapped = dup;
  put("a", 1);
  put("a", 1);
  EXPECT_FALSE(ZSetObject::Decode(swapped).ok());
  swapped = dup;
  put("a", std::nan(""));
  put("b", 1);
  EXPECT_FALSE(ZSetObject::Decode(swapped).ok());
}

}  // namespace
}  // namespace strata::types
