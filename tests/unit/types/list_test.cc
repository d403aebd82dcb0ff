#include "types/list.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <string>
#include <vector>

#include "types/encoding_limits.h"

namespace strata::types {
namespace {

std::vector<std::string> Items(const ListObject& l) {
  std::vector<std::string> out;
  l.Visit(0, false, [&](std::size_t i, std::string_view e) {
    EXPECT_EQ(i, out.size());
    out.emplace_back(e);
    return true;
  });
  return out;
}

void ExpectSame(const ListObject& l, const std::deque<std::string>& m) {
  ASSERT_EQ(l.size(), m.size());
  EXPECT_EQ(Items(l), std::vector<std::string>(m.begin(), m.end()));
  std::vector<std::string> back;
  if (!m.empty()) {
    l.Visit(m.size() - 1, true, [&](std::size_t, std::string_view e) {
      back.emplace_back(e);
      return true;
    });
  }
  EXPECT_EQ(back, std::vector<std::string>(m.rbegin(), m.rend()));
}

std::string RandomValue(std::mt19937_64& rng) {
  static const char kAlpha[] = "ab\r\n\0xyz";
  std::size_t len = rng() % 8 == 0 ? rng() % 400 : rng() % 6;
  std::string s;
  for (std::size_t i = 0; i < len; ++i) s.push_back(kAlpha[rng() % (sizeof(kAlpha) - 1)]);
  return s;
}

// Random operations against a std::deque model, under several chunk limits; the encoding
// must round-trip at every checkpoint.
TEST(ListObjectTest, RandomOpsMatchDequeAndRoundTrip) {
  std::int64_t saved = Limits().list_max_listpack_size.load();
  for (std::int64_t fill : {-2, -1, 3, 1}) {
    Limits().list_max_listpack_size = fill;
    std::mt19937_64 rng(1234 + fill);
    ListObject l;
    std::deque<std::string> m;
    for (int step = 0; step < 6000; ++step) {
      int op = static_cast<int>(rng() % 10);
      std::string v = RandomValue(rng);
      if (op <= 2 || m.empty()) {
        if (rng() & 1) { l.PushFront(v); m.push_front(v); }
        else { l.PushBack(v); m.push_back(v); }
      } else if (op == 3) {
        std::string got;
        if (rng() & 1) { l.PopFront(&got); EXPECT_EQ(got, m.front()); m.pop_front(); }
        else { l.PopBack(&got); EXPECT_EQ(got, m.back()); m.pop_back(); }
      } else if (op == 4) {
        std::size_t i = rng() % m.size();
        EXPECT_EQ(l.At(i), m[i]);
      } else if (op == 5) {
        std::size_t i = rng() % m.size();
        l.Set(i, v);
        m[i] = v;
      } else if (op == 6) {
        std::size_t i = rng() % (m.size() + 1);
        l.Insert(i, v);
        m.insert(m.begin() + static_cast<std::ptrdiff_t>(i), v);
      } else if (op == 7 && rng() % 20 == 0) {
        std::size_t f = rng() % (m.size() + 1);
        std::size_t b = rng() % (m.size() - f + 1);
        l.Trim(f, b);
        m.erase(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(f));
        m.erase(m.end() - static_cast<std::ptrdiff_t>(b), m.end());
      } else if (op == 8) {
        std::vector<std::size_t> idx;
        for (std::size_t i = 0; i < m.size(); ++i) if (rng() % 50 == 0) idx.push_back(i);
        l.RemoveIndexes(idx);
        for (auto it = idx.rbegin(); it != idx.rend(); ++it) {
          m.erase(m.begin() + static_cast<std::ptrdiff_t>(*it));
        }
      } else if (step % 500 == 0) {
        ExpectSame(l, m);
        std::string enc;
        l.Encode(&enc);
        auto dec = ListObject::Decode(enc);
        ASSERT_TRUE(dec.ok()) << dec.status().ToString();
        ExpectSame(**dec, m);
        auto copy = l.Clone();
        ExpectSame(static_cast<const ListObject&>(*copy), m);
        EXPECT_GT(l.MemoryUsage(), 0u);
      }
    }
    ExpectSame(l, m);
  }
  Limits().list_max_listpack_size = saved;
}

TEST(ListObjectTest, EncodingIsQuicklistAndTypeIsList) {
  ListObject l;
  l.PushBack("a");
  EXPECT_EQ(l.encoding(), "quicklist");
  EXPECT_EQ(l.type(), ValueType::kList);
}

TEST(ListObjectTest, ManyChunksIndexAndTrim) {
  ListObject l;
  for (int i = 0; i < 20000; ++i) l.PushBack(std::to_string(i));
  for (int i : {0, 1, 999, 10000, 19998, 19999}) EXPECT_EQ(l.At(i), std::to_string(i));
  l.Trim(5000, 5000);
  EXPECT_EQ(l.size(), 10000u);
  EXPECT_EQ(l.At(0), "5000");
  EXPECT_EQ(l.At(9999), "14999");
  // Memory stays close to the payload (about 5 bytes + 2 length bytes per element).
  EXPECT_LT(l.MemoryUsage(), 10000u * 12);
}

TEST(ListObjectTest, DecodeRejectsCorruptInput) {
  ListObject l;
  for (int i = 0; i < 50; ++i) l.PushBack(std::string(static_cast<std::size_t>(i), 'x'));
  std::string enc;
  l.Encode(&enc);
  for (std::size_t n = 0; n < enc.size(); ++n) {
    EXPECT_FALSE(ListObject::Decode(enc.substr(0, n)).ok()) << n;
  }
  EXPECT_FALSE(ListObject::Decode(enc + "x").ok());
  std::string bad = enc;
  bad[0] = 9;  // unknown version
  EXPECT_FALSE(ListObject::Decode(bad).ok());
  std::string huge("\x01\xff\xff\xff\xff\x0f", 6);  // count far beyond the input
  EXPECT_FALSE(ListObject::Decode(huge).ok());
  EXPECT_TRUE(ListObject::Decode(enc).ok());
}

}  // namespace
}  // namespace strata::types
