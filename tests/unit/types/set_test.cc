// SetObject: encodings and their transitions, the random/scan helpers, and the codec
// (round trips against a std::set model, corrupt input rejected).
#include "types/set.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "types/encoding_limits.h"

namespace strata::types {
namespace {

// "prefix" + number, spelled so that GCC 12 does not warn (-Wrestrict false positive).
std::string Name(const char* prefix, long long i) {
  std::string s(prefix);
  s += std::to_string(i);
  return s;
}

std::set<std::string> AsSet(const SetObject& s) {
  std::set<std::string> out;
  s.ForEach([&](std::string_view m) { out.emplace(m); });
  return out;
}

TEST(SetObjectTest, IntsetStaysSortedAcrossWidths) {
  SetObject s;
  for (const char* m : {"5", "-3", "70000", "1", "-9223372036854775808", "9223372036854775807"})
    EXPECT_TRUE(s.Add(m));
  EXPECT_FALSE(s.Add("5"));
  EXPECT_EQ(s.encoding(), "intset");
  std::vector<std::string> want = {"-9223372036854775808", "-3", "1", "5", "70000",
                                   "9223372036854775807"};
  EXPECT_EQ(s.Members(), want);
  EXPECT_TRUE(s.Contains("70000"));
  EXPECT_FALSE(s.Contains("07"));
  EXPECT_TRUE(s.Remove("-3"));
  EXPECT_FALSE(s.Remove("-3"));
  EXPECT_EQ(s.size(), 5u);
}

TEST(SetObjectTest, NonCanonicalIntegersConvert) {
  for (const char* m : {"01", "+1", " 1", "-0", "1 ", "abc", "9223372036854775808"}) {
    SetObject s;
    s.Add("1");
    EXPECT_TRUE(s.Add(m)) << m;
    EXPECT_EQ(s.encoding(), "hashtable") << m;
    EXPECT_TRUE(s.Contains(m));
    EXPECT_TRUE(s.Contains("1"));
  }
}

TEST(SetObjectTest, ConvertsOverTheEntryLimit) {
  std::int64_t limit = Limits().set_max_intset_entries.load();
  SetObject s;
  for (std::int64_t i = 0; i < limit; ++i) s.Add(std::to_string(i * 7));
  EXPECT_EQ(s.encoding(), "intset");
  EXPECT_FALSE(s.Add("0"));
  EXPECT_EQ(s.encoding(), "intset");
  s.Add("-1");
  EXPECT_EQ(s.encoding(), "hashtable");
  EXPECT_EQ(s.size(), static_cast<std::size_t>(limit + 1));
  for (std::int64_t i = 0; i < limit; ++i) EXPECT_TRUE(s.Contains(std::to_string(i * 7)));
}

TEST(SetObjectTest, HashtableGrowsAndShrinks) {
  SetObject s;
  for (int i = 0; i < 5000; ++i) s.Add(Name("m", i));
  EXPECT_EQ(s.size(), 5000u);
  std::size_t big = s.MemoryUsage();
  for (int i = 0; i < 4990; ++i) ASSERT_TRUE(s.Remove(Name("m", i)));
  EXPECT_LT(s.MemoryUsage(), big / 10);
  for (int i = 4990; i < 5000; ++i) EXPECT_TRUE(s.Contains(Name("m", i)));
  EXPECT_EQ(s.size(), 10u);
}

TEST(SetObjectTest, BinaryMembers) {
  SetObject s;
  std::string a("a\0b", 3), b("\r\n"), e;
  EXPECT_TRUE(s.Add(a));
  EXPECT_TRUE(s.Add(b));
  EXPECT_TRUE(s.Add(e));
  EXPECT_TRUE(s.Add(std::string(300, 'x')));
  EXPECT_FALSE(s.Add(a));
  EXPECT_TRUE(s.Contains(e));
  EXPECT_FALSE(s.Contains("a"));
  EXPECT_EQ(AsSet(s), (std::set<std::string>{a, b, e, std::string(300, 'x')}));
}

TEST(SetObjectTest, PopRandomEmptiesBothEncodings) {
  std::mt19937_64 rng(7);
  for (bool ints : {true, false}) {
    SetObject s;
    std::set<std::string> model;
    for (int i = 0; i < 100; ++i) {
      std::string m = ints ? std::to_string(i) : Name("k", i);
      s.Add(m);
      model.insert(m);
    }
    EXPECT_TRUE(model.count(s.RandomMember(rng)));
    std::set<std::string> popped;
    while (s.size() > 0) EXPECT_TRUE(popped.insert(s.PopRandom(rng)).second);
    EXPECT_EQ(popped, model);
  }
}

TEST(SetObjectTest, ScanVisitsEveryMember) {
  SetObject s;
  std::set<std::string> model;
  for (int i = 0; i < 1000; ++i) {
    s.Add(Name("s", i));
    model.insert(Name("s", i));
  }
  std::set<std::string> seen;
  std::uint64_t cursor = 0;
  int calls = 0;
  do {
    cursor = s.ScanStep(cursor, 10, [&](std::string_view m) { seen.emplace(m); });
    // Resizing mid-scan must not lose members present throughout.
    if (calls == 20) {
      for (int i = 0; i < 3000; ++i) s.Add(Name("extra", i));
    }
    ++calls;
  } while (cursor != 0);
  for (const auto& m : model) EXPECT_TRUE(seen.count(m)) << m;
}

TEST(SetObjectTest, CloneIsDeep) {
  SetObject s;
  s.Add("x");
  s.Add("y");
  auto c = s.Clone();
  s.Remove("x");
  auto* cs = static_cast<SetObject*>(c.get());
  EXPECT_TRUE(cs->Contains("x"));
  EXPECT_EQ(cs->size(), 2u);
  EXPECT_EQ(cs->encoding(), "hashtable");
}

TEST(SetObjectTest, CodecRoundTripProperty) {
  std::mt19937_64 rng(12345);
  for (int round = 0; round < 200; ++round) {
    SetObject s;
    std::set<std::string> model;
    bool ints_only = rng() % 2;
    int ops = static_cast<int>(rng() % 700);
    for (int i = 0; i < ops; ++i) {
      std::string m = ints_only || rng() % 8
                          ? std::to_string(static_cast<std::int64_t>(rng() % 2000) - 1000)
                          : Name("v", rng() % 500);
      if (rng() % 3 == 0) {
        EXPECT_EQ(s.Remove(m), model.erase(m) == 1);
      } else {
        EXPECT_EQ(s.Add(m), model.insert(m).second);
      }
    }
    ASSERT_EQ(AsSet(s), model);
    std::string enc;
    s.Encode(&enc);
    auto d = SetObject::Decode(enc);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(AsSet(**d), model);
    EXPECT_EQ((*d)->encoding(), s.encoding());
    if (s.is_intset()) {
      EXPECT_EQ((*d)->Members(), s.Members());
    }
    auto c = s.Clone();
    std::string enc2;
    c->Encode(&enc2);
    EXPECT_EQ(enc2, enc);
    // Every strict prefix is rejected.
    for (std::size_t cut = 0; cut < enc.size(); cut += 1 + enc.size() / 50)
      EXPECT_FALSE(SetObject::Decode(std::string_view(enc).substr(0, cut)).ok()) << cut;
  }
}

TEST(SetObjectTest, DecodeRejectsCorruption) {
  EXPECT_FALSE(SetObject::Decode("").ok());
  EXPECT_FALSE(SetObject::Decode(std::string("\x02\x00\x00", 3)).ok());  // version
  EXPECT_FALSE(SetObject::Decode(std::string("\x01\x05\x00", 3)).ok());  // encoding
  EXPECT_FALSE(SetObject::Decode(std::string("\x01\x00\x02\x04\x02", 5)).ok());  // unordered
  EXPECT_FALSE(SetObject::Decode(std::string("\x01\x01\x02\x01x\x01x", 7)).ok());  // dup
  EXPECT_FALSE(SetObject::Decode(std::string("\x01\x01\x7f\x01x", 5)).ok());  // count
  EXPECT_FALSE(SetObject::Decode(std::string("\x01\x00\x01\x02\x00", 5)).ok());  // trailing
  EXPECT_TRUE(SetObject::Decode(std::string("\x01\x00\x01\x02", 4)).ok());
  std::mt19937_64 rng(99);
  SetObject s;
  for (int i = 0; i < 50; ++i) s.Add(Name("m", i));
  std::string enc;
  s.Encode(&enc);
  for (int i = 0; i < 2000; ++i) {  // random byte flips must never crash
    std::string bad = enc;
    bad[rng() % bad.size()] = static_cast<char>(rng());
    (void)SetObject::Decode(bad).ok();
  }
}

}  // namespace
}  // namespace strata::types
