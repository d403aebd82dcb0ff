#include "types/hash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "types/encoding_limits.h"

namespace strata::types {
namespace {

using Model = std::map<std::string, std::string>;

// prefix + n (operator+ on std::string trips a GCC 12 -Wrestrict false positive).
std::string Name(std::string_view prefix, std::uint64_t n) {
  std::string s(prefix);
  s.append(std::to_string(n));
  return s;
}

Model Contents(const HashObject& h) {
  Model m;
  h.ForEach([&](std::string_view f, std::string_view v) {
    EXPECT_TRUE(m.emplace(std::string(f), std::string(v)).second) << "duplicate " << f;
  });
  EXPECT_EQ(m.size(), h.size());
  return m;
}

// Restores the process-wide thresholds a test changed.
class HashObjectTest : public ::testing::Test {
 protected:
  void TearDown() override {
    Limits().hash_max_listpack_entries = 512;
    Limits().hash_max_listpack_value = 64;
  }
};

TEST_F(HashObjectTest, ListpackKeepsInsertionOrderAndUpdatesInPlace) {
  HashObject h;
  EXPECT_TRUE(h.Set("a", "1"));
  EXPECT_TRUE(h.Set("b", "2"));
  EXPECT_TRUE(h.Set("c", "3"));
  EXPECT_FALSE(h.Set("b", "a longer value"));
  EXPECT_TRUE(h.Delete("a"));
  EXPECT_FALSE(h.Delete("a"));
  EXPECT_TRUE(h.Set("a", ""));
  std::vector<std::string> order;
  h.ForEach([&](std::string_view f, std::string_view) { order.emplace_back(f); });
  EXPECT_EQ(order, (std::vector<std::string>{"b", "c", "a"}));
  EXPECT_EQ(*h.Get("b"), "a longer value");
  EXPECT_EQ(*h.Get("a"), "");
  EXPECT_FALSE(h.Get("zz").has_value());
  EXPECT_EQ(h.encoding(), "listpack");
}

TEST_F(HashObjectTest, ConvertsAtBothThresholds) {
  Limits().hash_max_listpack_entries = 4;
  Limits().hash_max_listpack_value = 8;
  HashObject h;
  for (int i = 0; i < 4; ++i) h.Set(Name("f", i), "v");
  EXPECT_EQ(h.encoding(), "listpack");
  h.Set("f4", "v");
  EXPECT_EQ(h.encoding(), "hashtable");
  h.Delete("f4");
  h.Delete("f3");
  EXPECT_EQ(h.encoding(), "hashtable");  // one way

  HashObject v;
  v.Set("f", "12345678");
  EXPECT_EQ(v.encoding(), "listpack");
  v.Set("f", "123456789");
  EXPECT_EQ(v.encoding(), "hashtable");
  EXPECT_EQ(*v.Get("f"), "123456789");

  HashObject f;
  f.Set("123456789", "x");
  EXPECT_EQ(f.encoding(), "hashtable");
}

TEST_F(HashObjectTest, HashtableGrowsShrinksAndScans) {
  Limits().hash_max_listpack_entries = 0;
  HashObject h;
  Model model;
  for (int i = 0; i < 5000; ++i) {
    std::string f = Name("field:", i);
    h.Set(f, std::to_string(i));
    model[f] = std::to_string(i);
  }
  EXPECT_EQ(h.encoding(), "hashtable");
  EXPECT_EQ(Contents(h), model);
  // A full cursor walk sees everything, even with the table shrinking midway.
  std::set<std::string> seen;
  std::uint64_t cursor = 0;
  int steps = 0;
  do {
    cursor = h.ScanBucket(cursor, [&](std::string_view f, std::string_view) { seen.emplace(f); });
    if (++steps == 100) {
      for (int i = 0; i < 4900; ++i) {
        std::string f = Name("field:", i);
        h.Delete(f);
        model.erase(f);
        seen.erase(f);
      }
    }
  } while (cursor != 0);
  for (const auto& [f, v] : model) EXPECT_TRUE(seen.count(f)) << f;
  EXPECT_EQ(Contents(h), model);
}

TEST_F(HashObjectTest, RandomEntryIsAMember) {
  std::mt19937_64 rng(3);
  for (int entries : {512, 0}) {
    Limits().hash_max_listpack_entries = entries;
    HashObject h;
    for (int i = 0; i < 50; ++i) h.Set(Name("k", i), Name("v", i));
    std::set<std::string> picked;
    for (int i = 0; i < 2000; ++i) {
      auto [f, v] = h.RandomEntry(rng);
      ASSERT_EQ(*h.Get(f), v);
      picked.emplace(f);
    }
    EXPECT_EQ(picked.size(), 50u);
  }
}

TEST_F(HashObjectTest, RandomOpsRoundTripThroughCodec) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 60; ++round) {
    Limits().hash_max_listpack_entries = static_cast<std::int64_t>(rng() % 40);
    Limits().hash_max_listpack_value = static_cast<std::int64_t>(4 + rng() % 200);
    HashObject h;
    Model model;
    const int ops = static_cast<int>(rng() % 300);
    for (int i = 0; i < ops; ++i) {
      std::string f = Name("f", rng() % 60);
      if (rng() % 4 == 0) {
        EXPECT_EQ(h.Delete(f), model.erase(f) == 1);
      } else {
        std::string v(rng() % (rng() % 8 == 0 ? 300 : 10), '\0');
        for (char& c : v) c = static_cast<char>(rng());
        EXPECT_EQ(h.Set(f, v), model.count(f) == 0);
        model[f] = v;
      }
    }
    ASSERT_EQ(Contents(h), model);
    std::string enc;
    h.Encode(&enc);
    auto decoded = HashObject::Decode(enc);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(Contents(**decoded), model);
    EXPECT_EQ((*decoded)->encoding(), h.encoding());
    if (h.is_listpack()) {  // listpack order survives
      EXPECT_EQ(h.Entries(), (*decoded)->Entries());
    }
    auto clone = h.Clone();
    auto* c = static_cast<HashObject*>(clone.get());
    EXPECT_EQ(Contents(*c), model);
    EXPECT_EQ(c->encoding(), h.encoding());
    EXPECT_GE(h.MemoryUsage(), sizeof(HashObject));
    // Every strict prefix of the encoding is rejected.
    for (std::size_t n = 0; n < enc.size(); n += 1 + enc.size() / 50) {
      EXPECT_FALSE(HashObject::Decode(std::string_view(enc).substr(0, n)).ok()) << n;
    }
  }
}

TEST_F(HashObjectTest, DecodeRejectsCorruptInput) {
  HashObject h;
  h.Set("a", "1");
  h.Set("b", "2");
  std::string enc;
  h.Encode(&enc);
  std::string bad = enc;
  bad[0] = 9;  // version
  EXPECT_FALSE(HashObject::Decode(bad).ok());
  bad = enc;
  bad[1] = 7;  // encoding
  EXPECT_FALSE(HashObject::Decode(bad).ok());
  EXPECT_FALSE(HashObject::Decode(enc + "x").ok());
  // Duplicate fields in both encodings.
  for (char e : {'\0', '\1'}) {
    std::string dup = {'\1', e, '\2', '\1', 'a', '\1', '1', '\1', 'a', '\1', '2'};
    EXPECT_FALSE(HashObject::Decode(dup).ok());
  }
  // A huge count cannot make the decoder allocate.
  std::string huge = {'\1', '\0', '\xff', '\xff', '\xff', '\xff', '\x0f'};
  EXPECT_FALSE(HashObject::Decode(huge).ok());
}

}  // namespace
}  // namespace strata::types
