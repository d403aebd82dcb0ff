// Hash commands against a real strata-server: differential checks against Debian's
// redis-server 7.0 (replies must be identical; hashtable-encoded replies compared as
// unordered), plus properties of the random commands (HRANDFIELD, HSCAN cursors).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using Cmd = std::vector<std::string>;

// prefix + n (operator+ on std::string trips a GCC 12 -Wrestrict false positive).
std::string Name(const std::string& prefix, long n) {
  std::string s(prefix);
  s.append(std::to_string(n));
  return s;
}

class HashTest : public BothClientsTest<HashTest> {
 protected:
  Reply S(const Cmd& cmd) { return s_->Cmd(cmd); }
  Reply R(const Cmd& cmd) { return r_->Cmd(cmd); }

  // Sends `cmd` to both; the replies are flat field/value arrays that must hold the same
  // pairs in any order.
  void BothUnorderedPairs(const Cmd& cmd) {
    Reply s = S(cmd), r = R(cmd);
    EXPECT_EQ(s.type, r.type) << PrintableCommand(cmd);
    EXPECT_EQ(Pairs(s), Pairs(r)) << PrintableCommand(cmd);
  }
  // Same for flat arrays of single items (HKEYS, HVALS).
  void BothUnordered(const Cmd& cmd) {
    Reply s = S(cmd), r = R(cmd);
    EXPECT_EQ(s.type, r.type) << PrintableCommand(cmd);
    EXPECT_EQ(Items(s), Items(r)) << PrintableCommand(cmd);
  }
  void ConfigBoth(const std::string& name, const std::string& value) {
    Both({"CONFIG", "SET", name, value});
  }
  void RestoreDefaults() {
    ConfigBoth("hash-max-listpack-entries", "512");
    ConfigBoth("hash-max-listpack-value", "64");
  }

  static std::multiset<std::string> Items(const Reply& r) {
    std::multiset<std::string> out;
    for (const Reply& e : r.elements) out.insert(e.str);
    return out;
  }
  static std::map<std::string, std::string> Pairs(const Reply& r) {
    std::map<std::string, std::string> out;
    for (std::size_t i = 0; i + 1 < r.elements.size(); i += 2) {
      EXPECT_TRUE(out.emplace(r.elements[i].str, r.elements[i + 1].str).second);
    }
    return out;
  }
};

// ---- basics --------------------------------------------------------------------------

TEST_F(HashTest, SetGetAndFriends) {
  BothAll({
      {"DEL", "hash:b", "hash:none"},
      {"HSET", "hash:b", "a", "1", "b", "2", "c", "3"},
      {"HSET", "hash:b", "b", "22", "d", "4"},
      {"HGET", "hash:b", "b"},
      {"HGET", "hash:b", "zz"},
      {"HGET", "hash:none", "a"},
      {"HMGET", "hash:b", "a", "zz", "d", "a"},
      {"HMGET", "hash:none", "a", "b"},
      {"HLEN", "hash:b"},
      {"HLEN", "hash:none"},
      {"HEXISTS", "hash:b", "a"},
      {"HEXISTS", "hash:b", "zz"},
      {"HEXISTS", "hash:none", "a"},
      {"HSTRLEN", "hash:b", "b"},
      {"HSTRLEN", "hash:b", "zz"},
      {"HSTRLEN", "hash:none", "zz"},
      {"HGETALL", "hash:b"},  // listpack: insertion order, updates keep their place
      {"HKEYS", "hash:b"},
      {"HVALS", "hash:b"},
      {"HGETALL", "hash:none"},
      {"HKEYS", "hash:none"},
      {"HVALS", "hash:none"},
      {"HSETNX", "hash:b", "a", "new"},
      {"HSETNX", "hash:b", "e", "5"},
      {"HSETNX", "hash:none2", "x", "y"},
      {"HGETALL", "hash:none2"},
      {"HMSET", "hash:b", "f", "6", "a", "11"},
      {"HGETALL", "hash:b"},
      {"OBJECT", "ENCODING", "hash:b"},
      {"TYPE", "hash:b"},
      {"DEL", "hash:none2"},
  });
}

TEST_F(HashTest, ArityAndPairing) {
  BothAll({
      {"HSET", "hash:ar", "f"},
      {"HSET", "hash:ar", "f", "v", "g"},
      {"HMSET", "hash:ar", "f", "v", "g"},
      {"HSET", "hash:ar"},
      {"HSETNX", "hash:ar", "f"},
      {"HGET", "hash:ar"},
      {"HMGET", "hash:ar"},
      {"HDEL", "hash:ar"},
      {"HLEN", "hash:ar", "x"},
      {"HGETALL"},
      {"HINCRBY", "hash:ar", "f"},
      {"HRANDFIELD"},
      {"HSCAN", "hash:ar"},
      {"EXISTS", "hash:ar"},
  });
}

TEST_F(HashTest, DeleteRemovesEmptiedKey) {
  BothAll({
      {"DEL", "hash:d"},
      {"HDEL", "hash:d", "a"},
      {"HSET", "hash:d", "a", "1", "b", "2", "c", "3"},
      {"HDEL", "hash:d", "a", "a", "zz"},
      {"HGETALL", "hash:d"},
      {"HSET", "hash:d", "a", "9"},
      {"HGETALL", "hash:d"},
      {"HDEL", "hash:d", "b", "c", "a", "x"},
      {"EXISTS", "hash:d"},
      {"HLEN", "hash:d"},
  });
}

TEST_F(HashTest, WrongType) {
  Both({"SET", "hash:str", "x"});
  for (const Cmd& c : std::vector<Cmd>{
           {"HSET", "hash:str", "f", "v"},
           {"HSETNX", "hash:str", "f", "v"},
           {"HMSET", "hash:str", "f", "v"},
           {"HGET", "hash:str", "f"},
           {"HMGET", "hash:str", "f"},
           {"HDEL", "hash:str", "f"},
           {"HLEN", "hash:str"},
           {"HEXISTS", "hash:str", "f"},
           {"HGETALL", "hash:str"},
           {"HKEYS", "hash:str"},
           {"HVALS", "hash:str"},
           {"HINCRBY", "hash:str", "f", "1"},
           {"HINCRBY", "hash:str", "f", "x"},  // the increment is checked first
           {"HINCRBYFLOAT", "hash:str", "f", "1"},
           {"HINCRBYFLOAT", "hash:str", "f", "x"},
           {"HSTRLEN", "hash:str", "f"},
           {"HRANDFIELD", "hash:str"},
           {"HRANDFIELD", "hash:str", "2"},
           {"HRANDFIELD", "hash:str", "2", "bad"},
           {"HSCAN", "hash:str", "0"},
           {"HSCAN", "hash:str", "x"},
           {"HSET", "hash:str", "odd"},
       }) {
    Both(c);
  }
  BothAll({
      {"HSET", "hash:h", "f", "v"},
      {"GET", "hash:h"},
      {"INCR", "hash:h"},
      {"GET", "hash:str"},
      {"DEL", "hash:str", "hash:h"},
  });
}

TEST_F(HashTest, BinarySafe) {
  const std::string f1("a\r\nb\0c", 6), v1("\0\r\n\xff", 4), f2("", 0), v2("x\0", 2);
  BothAll({
      {"DEL", "hash:bin"},
      {"HSET", "hash:bin", f1, v1, f2, v2},
      {"HGET", "hash:bin", f1},
      {"HGET", "hash:bin", f2},
      {"HGET", "hash:bin", std::string("a\r\nb", 4)},
      {"HSTRLEN", "hash:bin", f1},
      {"HGETALL", "hash:bin"},
      {"HINCRBY", "hash:bin", std::string("n\0", 2), "5"},
      {"HEXISTS", "hash:bin", std::string("n", 1)},
      {"HSCAN", "hash:bin", "0"},
      {"DEL", "hash:bin"},
  });
}

// ---- HINCRBY / HINCRBYFLOAT ----------------------------------------------------------

TEST_F(HashTest, IncrBy) {
  BothAll({
      {"DEL", "hash:i"},
      {"HINCRBY", "hash:i", "n", "5"},
      {"HINCRBY", "hash:i", "n", "-7"},
      {"HINCRBY", "hash:i", "n", "x"},
      {"HINCRBY", "hash:i", "n", " 1"},
      {"HINCRBY", "hash:i", "n", "9223372036854775808"},
      {"HSET", "hash:i", "big", "9223372036854775806", "s", "abc", "sp", " 1", "neg",
       "-9223372036854775807"},
      {"HINCRBY", "hash:i", "big", "1"},
      {"HINCRBY", "hash:i", "big", "1"},
      {"HINCRBY", "hash:i", "neg", "-1"},
      {"HINCRBY", "hash:i", "neg", "-1"},
      {"HINCRBY", "hash:i", "s", "1"},
      {"HINCRBY", "hash:i", "sp", "1"},
      {"HGETALL", "hash:i"},
      {"HINCRBY", "hash:none", "n", "x"},
      {"EXISTS", "hash:none"},
      {"DEL", "hash:i"},
  });
}

TEST_F(HashTest, IncrByFloat) {
  BothAll({
      {"DEL", "hash:f"},
      {"HINCRBYFLOAT", "hash:f", "x", "10.5"},
      {"HINCRBYFLOAT", "hash:f", "x", "0.1"},
      {"HINCRBYFLOAT", "hash:f", "y", "5.0e3"},
      {"HINCRBYFLOAT", "hash:f", "y", "-5000"},
      {"HINCRBYFLOAT", "hash:f", "z", "1e100"},
      {"HINCRBYFLOAT", "hash:f", "w", "1.7e308"},
      {"HINCRBYFLOAT", "hash:f", "w", "1.7e308"},
      {"HINCRBYFLOAT", "hash:f", "t", "-1.5e-10"},
      {"HINCRBYFLOAT", "hash:f", "x", "abc"},
      {"HINCRBYFLOAT", "hash:f", "x", "inf"},
      {"HINCRBYFLOAT", "hash:f", "x", "-inf"},
      {"HINCRBYFLOAT", "hash:f", "x", "nan"},
      {"HINCRBYFLOAT", "hash:f", "x", ""},
      {"HSET", "hash:f", "s", "abc", "n", "3"},
      {"HINCRBYFLOAT", "hash:f", "s", "1"},
      {"HINCRBYFLOAT", "hash:f", "n", "1.5"},
      {"HINCRBY", "hash:f", "x", "1"},
      {"OBJECT", "ENCODING", "hash:f"},
      {"HINCRBYFLOAT", "hash:none", "x", "inf"},
      {"EXISTS", "hash:none"},
  });
  BothUnorderedPairs({"HGETALL", "hash:f"});  // hashtable since the 1e100 result
  Both({"DEL", "hash:f"});
}

// ---- encodings -----------------------------------------------------------------------

TEST_F(HashTest, EncodingThresholds) {
  ConfigBoth("hash-max-listpack-entries", "4");
  ConfigBoth("hash-max-listpack-value", "8");
  BothAll({
      {"DEL", "hash:e1", "hash:e2", "hash:e3", "hash:e4"},
      {"HSET", "hash:e1", "a", "1", "b", "2", "c", "3", "d", "4"},
      {"OBJECT", "ENCODING", "hash:e1"},
      {"HSET", "hash:e1", "e", "5"},
      {"OBJECT", "ENCODING", "hash:e1"},
      {"HDEL", "hash:e1", "a", "b", "c"},
      {"OBJECT", "ENCODING", "hash:e1"},  // never back
      {"HSET", "hash:e2", "f", "12345678"},
      {"OBJECT", "ENCODING", "hash:e2"},
      {"HSET", "hash:e2", "f", "123456789"},
      {"OBJECT", "ENCODING", "hash:e2"},
      {"HSET", "hash:e3", "123456789", "v"},
      {"OBJECT", "ENCODING", "hash:e3"},
      {"HSET", "hash:e4", "f", "1"},
      {"HSETNX", "hash:e4", "f", "123456789"},  // an existing field: no conversion
      {"OBJECT", "ENCODING", "hash:e4"},
      {"HINCRBYFLOAT", "hash:e4", "g", "1e20"},  // a long result converts
      {"OBJECT", "ENCODING", "hash:e4"},
      {"HINCRBY", "hash:e1", "123456789", "1"},
  });
  BothUnorderedPairs({"HGETALL", "hash:e1"});
  BothUnorderedPairs({"HGETALL", "hash:e4"});
  BothUnordered({"HKEYS", "hash:e1"});
  BothUnordered({"HVALS", "hash:e1"});
  ConfigBoth("hash-max-listpack-entries", "0");
  BothAll({{"HSET", "hash:e5", "a", "1"}, {"OBJECT", "ENCODING", "hash:e5"}});
  RestoreDefaults();

  // The default thresholds: 512 entries, 64-byte values.
  Both({"DEL", "hash:e1", "hash:e2", "hash:e3", "hash:e4", "hash:e5"});
  Cmd hset = {"HSET", "hash:e1"};
  for (int i = 0; i < 512; ++i) {
    hset.push_back(Name("f", i));
    hset.push_back(std::to_string(i));
  }
  BothAll({hset, {"OBJECT", "ENCODING", "hash:e1"}, {"HGETALL", "hash:e1"},
           {"HSET", "hash:e1", "one more", "x"}, {"OBJECT", "ENCODING", "hash:e1"},
           {"HSET", "hash:e2", "f", std::string(64, 'v')}, {"OBJECT", "ENCODING", "hash:e2"},
           {"HSET", "hash:e2", "f", std::string(65, 'v')}, {"OBJECT", "ENCODING", "hash:e2"},
           {"HLEN", "hash:e1"}});
  BothUnorderedPairs({"HGETALL", "hash:e1"});
  Both({"DEL", "hash:e1", "hash:e2"});
}

// ---- HRANDFIELD ----------------------------------------------------------------------

TEST_F(HashTest, RandFieldErrorsAndEdges) {
  BothAll({
      {"DEL", "hash:r", "hash:none"},
      {"HRANDFIELD", "hash:none"},
      {"HRANDFIELD", "hash:none", "3"},
      {"HRANDFIELD", "hash:none", "-3", "WITHVALUES"},
      {"HSET", "hash:r", "a", "1", "b", "2", "c", "3"},
      {"HRANDFIELD", "hash:r", "0"},
      {"HRANDFIELD", "hash:r", "0", "withvalues"},
      {"HRANDFIELD", "hash:r", "x"},
      {"HRANDFIELD", "hash:r", "1", "foo"},
      {"HRANDFIELD", "hash:r", "1", "withvalues", "x"},
      {"HRANDFIELD", "hash:r", "-9223372036854775808"},
      {"HRANDFIELD", "hash:r", "-9223372036854775807", "WITHVALUES"},
      {"HRANDFIELD", "hash:r", "4611686018427387904", "WITHVALUES"},
      {"HRANDFIELD", "hash:none", "-9223372036854775808"},
      {"HRANDFIELD", "hash:none", "x", "y"},
  });
}

TEST_F(HashTest, RandFieldProperties) {
  for (const char* entries : {"512", "2"}) {  // listpack, then hashtable
    ConfigBoth("hash-max-listpack-entries", entries);
    Both({"DEL", "hash:rp"});
    std::map<std::string, std::string> model;
    Cmd hset = {"HSET", "hash:rp"};
    for (int i = 0; i < 30; ++i) {
      model[Name("k", i)] = Name("v", i);
      hset.push_back(Name("k", i));
      hset.push_back(Name("v", i));
    }
    Both(hset);
    Reply one = S({"HRANDFIELD", "hash:rp"});
    EXPECT_TRUE(model.count(one.str)) << one.str;
    for (long count : {1L, 5L, 12L, 29L, 30L, 100L}) {
      Reply r = S({"HRANDFIELD", "hash:rp", std::to_string(count)});
      std::set<std::string> distinct;
      for (const Reply& e : r.elements) {
        EXPECT_TRUE(model.count(e.str));
        distinct.insert(e.str);
      }
      EXPECT_EQ(r.elements.size(), std::min<std::size_t>(count, 30));
      EXPECT_EQ(distinct.size(), r.elements.size());
      Reply wv = S({"HRANDFIELD", "hash:rp", std::to_string(count), "WITHVALUES"});
      ASSERT_EQ(wv.elements.size(), 2 * std::min<std::size_t>(count, 30));
      std::set<std::string> fields;
      for (std::size_t i = 0; i < wv.elements.size(); i += 2) {
        EXPECT_EQ(model[wv.elements[i].str], wv.elements[i + 1].str);
        fields.insert(wv.elements[i].str);
      }
      EXPECT_EQ(fields.size(), wv.elements.size() / 2);
    }
    Reply rep = S({"HRANDFIELD", "hash:rp", "-100"});
    EXPECT_EQ(rep.elements.size(), 100u);
    for (const Reply& e : rep.elements) EXPECT_TRUE(model.count(e.str));
    Reply repv = S({"HRANDFIELD", "hash:rp", "-50", "withvalues"});
    ASSERT_EQ(repv.elements.size(), 100u);
    for (std::size_t i = 0; i < repv.elements.size(); i += 2) {
      EXPECT_EQ(model[repv.elements[i].str], repv.elements[i + 1].str);
    }
  }
  RestoreDefaults();
  Both({"DEL", "hash:rp"});
}

// ---- HSCAN ---------------------------------------------------------------------------

TEST_F(HashTest, ScanListpackAndErrors) {
  BothAll({
      {"DEL", "hash:s", "hash:none"},
      {"HSCAN", "hash:none", "0"},
      {"HSCAN", "hash:none", "0", "COUNT", "x"},  // options unchecked for a missing key
      {"HSCAN", "hash:none", "x"},
      {"HSET", "hash:s", "a1", "1", "b1", "2", "a2", "3"},
      {"HSCAN", "hash:s", "0"},
      {"HSCAN", "hash:s", "0", "MATCH", "a*"},
      {"HSCAN", "hash:s", "0", "match", "a*", "count", "1"},
      {"HSCAN", "hash:s", "0", "MATCH", "zz*"},
      {"HSCAN", "hash:s", "17"},
      {"HSCAN", "hash:s", "-1"},
      {"HSCAN", "hash:s", "18446744073709551615"},
      {"HSCAN", "hash:s", "18446744073709551616"},
      {"HSCAN", "hash:s", " 1"},
      {"HSCAN", "hash:s", "1x"},
      {"HSCAN", "hash:s", "0", "COUNT", "0"},
      {"HSCAN", "hash:s", "0", "COUNT", "-1"},
      {"HSCAN", "hash:s", "0", "COUNT", "x"},
      {"HSCAN", "hash:s", "0", "COUNT"},
      {"HSCAN", "hash:s", "0", "MATCH"},
      {"HSCAN", "hash:s", "0", "TYPE", "string"},
      {"HSCAN", "hash:s", "0", "foo", "bar"},
      {"DEL", "hash:s"},
  });
}

TEST_F(HashTest, ScanHashtableFullIteration) {
  Both({"DEL", "hash:big"});
  std::map<std::string, std::string> model;
  Cmd hset = {"HSET", "hash:big"};
  for (int i = 0; i < 1000; ++i) {
    model[Name("field:", i)] = std::to_string(i * 7);
    hset.push_back(Name("field:", i));
    hset.push_back(std::to_string(i * 7));
  }
  BothAll({hset, {"OBJECT", "ENCODING", "hash:big"}});
  BothUnorderedPairs({"HGETALL", "hash:big"});
  BothUnordered({"HKEYS", "hash:big"});
  for (const char* count : {"10", "1", "333"}) {
    std::map<std::string, std::string> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
      Reply r = S({"HSCAN", "hash:big", cursor, "COUNT", count});
      ASSERT_EQ(r.elements.size(), 2u);
      cursor = r.elements[0].str;
      for (std::size_t i = 0; i + 1 < r.elements[1].elements.size(); i += 2) {
        seen[r.elements[1].elements[i].str] = r.elements[1].elements[i + 1].str;
      }
      ASSERT_LT(++calls, 5000);
    } while (cursor != "0");
    EXPECT_EQ(seen, model) << "COUNT " << count;
  }
  // MATCH filters what a full walk returns.
  std::set<std::string> matched;
  std::string cursor = "0";
  do {
    Reply r = S({"HSCAN", "hash:big", cursor, "MATCH", "field:1?"});
    cursor = r.elements[0].str;
    for (std::size_t i = 0; i < r.elements[1].elements.size(); i += 2) {
      matched.insert(r.elements[1].elements[i].str);
    }
  } while (cursor != "0");
  EXPECT_EQ(matched.size(), 10u);
  Both({"DEL", "hash:big"});
}

// ---- RESP3 ---------------------------------------------------------------------------

TEST_F(HashTest, Resp3Shapes) {
  // hiredis 0.14 cannot decode RESP3, so the replies are compared byte for byte.
  Both({"DEL", "hash:r3", "hash:one", "hash:none"});
  Both({"HSET", "hash:r3", "a", "1", "b", "2"});
  Both({"HSET", "hash:one", "f", "v"});  // one field: HRANDFIELD's output is deterministic
  std::string batch;
  for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
           {"HGETALL", "hash:r3"},
           {"HGETALL", "hash:none"},
           {"HGET", "hash:none", "a"},
           {"HMGET", "hash:r3", "a", "x"},
           {"HRANDFIELD", "hash:none"},
           {"HRANDFIELD", "hash:none", "2", "WITHVALUES"},
           {"HRANDFIELD", "hash:r3", "0", "WITHVALUES"},
           {"HRANDFIELD", "hash:one", "1", "WITHVALUES"},
           {"HRANDFIELD", "hash:one", "-3", "WITHVALUES"},
           {"HRANDFIELD", "hash:one", "-2"},
           {"HSCAN", "hash:r3", "0"},
           {"HINCRBYFLOAT", "hash:r3", "f", "1.5"},
           {"HGETALL", "hash:r3"},
       }) {
    batch += RespCommand(cmd);
  }
  std::string ours = Resp3Replies(port(), batch);
  std::string theirs = Resp3Replies(redis()->port(), batch);
  EXPECT_FALSE(ours.empty());
  EXPECT_EQ(ours, theirs);
  EXPECT_NE(ours.find("%2\r\n"), std::string::npos) << "HGETALL is a map in RESP3";
  Both({"DEL", "hash:r3", "hash:one"});
}

}  // namespace
}  // namespace strata::test
