// Set commands against a real strata-server, compared with Debian's redis-server 7.0.
// Hashtable-encoded sets have no defined member order, so those replies are compared
// sorted; intsets reply in ascending order and are compared exactly. Random commands are
// checked for their properties only.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using Cmd = std::vector<std::string>;

// "prefix" + number, spelled so that GCC 12 does not warn (-Wrestrict false positive).
std::string Name(const char* prefix, long long i) {
  std::string s(prefix);
  s += std::to_string(i);
  return s;
}

std::vector<std::string> Strs(const Reply& r) {
  std::vector<std::string> out;
  for (const Reply& e : r.elements) out.push_back(e.str);
  return out;
}

std::vector<std::string> SortedStrs(const Reply& r) {
  auto v = Strs(r);
  std::sort(v.begin(), v.end());
  return v;
}

class SetTest : public BothClientsTest<SetTest> {
 protected:
  Reply S(const Cmd& cmd) { return s_->Cmd(cmd); }
  // Both servers, the reply's elements compared as an unordered collection.
  void BothSorted(const Cmd& cmd) {
    Reply a = s_->Cmd(cmd), b = r_->Cmd(cmd);
    EXPECT_EQ(a.type, b.type) << PrintableCommand(cmd);
    EXPECT_EQ(a.str, b.str) << PrintableCommand(cmd);
    EXPECT_EQ(SortedStrs(a), SortedStrs(b)) << PrintableCommand(cmd);
  }
};

TEST_F(SetTest, AddRemoveMembership) {
  BothAll({
      {"DEL", "set:a"},
      {"SADD", "set:a", "3", "1", "2", "2"},
      {"SADD", "set:a", "1"},
      {"SMEMBERS", "set:a"},
      {"SCARD", "set:a"},
      {"SISMEMBER", "set:a", "2"},
      {"SISMEMBER", "set:a", "9"},
      {"SISMEMBER", "set:a", "x"},
      {"SMISMEMBER", "set:a", "1", "x", "3", "02"},
      {"OBJECT", "ENCODING", "set:a"},
      {"SREM", "set:a", "2", "9", "x"},
      {"SMEMBERS", "set:a"},
      {"SREM", "set:a", "1", "3"},
      {"EXISTS", "set:a"},
      {"SREM", "set:a", "1"},
      {"SMEMBERS", "set:a"},
      {"SCARD", "set:a"},
      {"SISMEMBER", "set:a", "1"},
      {"SMISMEMBER", "set:a", "1", "2"},
      {"SADD", "set:a", "x", "y"},
      {"OBJECT", "ENCODING", "set:a"},
      {"SREM", "set:a", "x", "y", "z"},
      {"EXISTS", "set:a"},
      {"TYPE", "set:a"},
  });
  BothAll({{"SADD", "set:a", "b", "a", "c"}, {"TYPE", "set:a"}});
  BothSorted({"SMEMBERS", "set:a"});
}

TEST_F(SetTest, EncodingTransitions) {
  BothAll({
      {"DEL", "set:e1", "set:e2"},
      {"SADD", "set:e1", "1", "-5", "100000", "-9223372036854775808", "9223372036854775807"},
      {"OBJECT", "ENCODING", "set:e1"},
      {"SMEMBERS", "set:e1"},
      {"SADD", "set:e1", "hello"},
      {"OBJECT", "ENCODING", "set:e1"},
      {"SREM", "set:e1", "hello"},
      {"OBJECT", "ENCODING", "set:e1"},  // one-way
  });
  BothSorted({"SMEMBERS", "set:e1"});
  // Integer-looking strings that are not canonical must not stay intset.
  for (std::string m : {"01", "+1", " 1", "-0", "1 ", "9223372036854775808", "0x1", "1.0"}) {
    BothAll({{"DEL", "set:nc"}, {"SADD", "set:nc", "5", m}, {"OBJECT", "ENCODING", "set:nc"},
             {"SISMEMBER", "set:nc", m}, {"SISMEMBER", "set:nc", "1"}});
    BothAll({{"DEL", "set:nc"}, {"SADD", "set:nc", m}, {"OBJECT", "ENCODING", "set:nc"}});
  }
  // Count over set-max-intset-entries (512).
  Cmd add = {"SADD", "set:e2"};
  for (int i = 0; i < 512; ++i) add.push_back(std::to_string(i * 3 - 700));
  BothAll({add, {"OBJECT", "ENCODING", "set:e2"}, {"SCARD", "set:e2"}, {"SMEMBERS", "set:e2"},
           {"SADD", "set:e2", "-700"}, {"OBJECT", "ENCODING", "set:e2"},
           {"SADD", "set:e2", "100000"}, {"OBJECT", "ENCODING", "set:e2"},
           {"SCARD", "set:e2"}, {"SISMEMBER", "set:e2", "-1"}, {"SISMEMBER", "set:e2", "-700"}});
}

TEST_F(SetTest, BinarySafeMembers) {
  std::string nul("a\0b", 3), crlf("x\r\ny"), empty;
  BothAll({{"DEL", "set:bin"},
           {"SADD", "set:bin", nul, crlf, empty, "a"},
           {"SCARD", "set:bin"},
           {"SISMEMBER", "set:bin", nul},
           {"SISMEMBER", "set:bin", std::string("a\0c", 3)},
           {"SISMEMBER", "set:bin", empty},
           {"SMISMEMBER", "set:bin", crlf, "a", "b"},
           {"SREM", "set:bin", nul}});
  BothSorted({"SMEMBERS", "set:bin"});
  BothSorted({"SSCAN", "set:bin", "0", "COUNT", "100"});
}

TEST_F(SetTest, WrongTypeAndArity) {
  BothAll({{"DEL", "set:str", "set:w"}, {"SET", "set:str", "v"}, {"SADD", "set:w", "1"}});
  const std::vector<Cmd> cmds = {
      {"SADD", "set:str", "a"}, {"SREM", "set:str", "a"}, {"SMEMBERS", "set:str"},
      {"SISMEMBER", "set:str", "a"}, {"SMISMEMBER", "set:str", "a"}, {"SCARD", "set:str"},
      {"SPOP", "set:str"}, {"SPOP", "set:str", "2"}, {"SPOP", "set:str", "0"},
      {"SRANDMEMBER", "set:str"}, {"SRANDMEMBER", "set:str", "2"},
      {"SMOVE", "set:str", "set:w", "a"}, {"SMOVE", "set:w", "set:str", "1"},
      {"SMOVE", "set:nosuch", "set:str", "1"}, {"SINTER", "set:w", "set:str"},
      {"SINTER", "set:nosuch", "set:str"}, {"SUNION", "set:str"}, {"SDIFF", "set:nosuch", "set:str"},
      {"SINTERSTORE", "set:d", "set:nosuch", "set:str"}, {"SUNIONSTORE", "set:d", "set:str"},
      {"SDIFFSTORE", "set:d", "set:w", "set:str"}, {"SINTERCARD", "2", "set:w", "set:str"},
      {"SSCAN", "set:str", "0"}, {"SSCAN", "set:str", "x"}, {"GET", "set:w"},
      {"SMEMBERS", "set:w"}, {"EXISTS", "set:d"},
      // arity
      {"SADD", "set:w"}, {"SREM", "set:w"}, {"SMEMBERS"}, {"SISMEMBER", "set:w"},
      {"SMISMEMBER", "set:w"}, {"SCARD"}, {"SPOP"}, {"SPOP", "set:w", "1", "2"},
      {"SRANDMEMBER"}, {"SRANDMEMBER", "set:w", "1", "2"}, {"SMOVE", "a", "b"}, {"SINTER"},
      {"SINTERCARD", "1"}, {"SUNIONSTORE", "set:d"}, {"SSCAN", "set:w"},
  };
  for (const Cmd& c : cmds) Both(c);
}

TEST_F(SetTest, SPopProperties) {
  BothAll({{"DEL", "set:p", "set:ph"},
           {"SPOP", "set:p"}, {"SPOP", "set:p", "3"}, {"SPOP", "set:p", "-1"},
           {"SPOP", "set:p", "x"}, {"SADD", "set:p", "1"}, {"SPOP", "set:p", "0"},
           {"SPOP", "set:p", "-1"}, {"SPOP", "set:p", "1.5"}, {"SPOP", "set:p"},
           {"EXISTS", "set:p"}});
  // Popping more than there is returns the whole set (ascending for intsets).
  BothAll({{"SADD", "set:p", "5", "3", "9"}, {"SPOP", "set:p", "10"}, {"EXISTS", "set:p"}});
  for (bool ints : {true, false}) {
    std::set<std::string> model;
    Cmd add = {"SADD", "set:ph"};
    for (int i = 0; i < 300; ++i) {
      std::string m = ints ? std::to_string(i * 11) : Name("m", i);
      add.push_back(m);
      model.insert(m);
    }
    S({"DEL", "set:ph"});
    S(add);
    std::set<std::string> popped;
    Reply one = S({"SPOP", "set:ph"});
    ASSERT_EQ(one.type, REDIS_REPLY_STRING);
    popped.insert(one.str);
    for (int n : {0, 1, 7, 50, 100}) {
      Reply r = S({"SPOP", "set:ph", std::to_string(n)});
      ASSERT_EQ(r.elements.size(), static_cast<std::size_t>(n));
      for (const auto& m : Strs(r)) EXPECT_TRUE(popped.insert(m).second) << m;
    }
    EXPECT_EQ(S({"SCARD", "set:ph"}).integer, 300 - 159);
    Reply rest = S({"SPOP", "set:ph", "1000"});
    EXPECT_EQ(rest.elements.size(), 141u);
    for (const auto& m : Strs(rest)) EXPECT_TRUE(popped.insert(m).second) << m;
    EXPECT_EQ(popped, model);
    EXPECT_EQ(S({"EXISTS", "set:ph"}).integer, 0);
  }
}

// After popping most members the encoding is kept (no conversion back to intset).
TEST_F(SetTest, SPopKeepsEncoding) {
  Cmd add = {"SADD", "set:pe"};
  for (int i = 0; i < 520; ++i) add.push_back(std::to_string(i));
  // Redis rebuilds the set when at most a sixth remains (remaining * 5 <= count): 434 of
  // 520 and more.
  for (std::string pop : {"515", "1", "433", "434"}) {
    BothAll({{"DEL", "set:pe"}, add, {"OBJECT", "ENCODING", "set:pe"}});
    EXPECT_EQ(S({"SPOP", "set:pe", pop}).elements.size(), std::stoul(pop));
    r_->Cmd({"SPOP", "set:pe", pop});
    BothAll({{"OBJECT", "ENCODING", "set:pe"}, {"SCARD", "set:pe"}});
  }
  BothAll({{"DEL", "set:pe"}, {"SADD", "set:pe", "1", "2", "3", "4", "5", "6", "7", "8"}});
  S({"SPOP", "set:pe", "7"});
  r_->Cmd({"SPOP", "set:pe", "7"});
  BothAll({{"OBJECT", "ENCODING", "set:pe"}, {"SCARD", "set:pe"}});
}

TEST_F(SetTest, SRandMemberProperties) {
  BothAll({{"DEL", "set:r", "set:rh"},
           {"SRANDMEMBER", "set:r"}, {"SRANDMEMBER", "set:r", "5"}, {"SRANDMEMBER", "set:r", "-5"},
           {"SRANDMEMBER", "set:r", "x"}, {"SRANDMEMBER", "set:r", "-9223372036854775808"},
           {"SADD", "set:r", "4", "2", "8"}, {"SRANDMEMBER", "set:r", "0"},
           {"SRANDMEMBER", "set:r", "3"}, {"SRANDMEMBER", "set:r", "100"},
           {"SRANDMEMBER", "set:r", "-9223372036854775808"}, {"SRANDMEMBER", "set:r", "x"}});
  for (bool ints : {true, false}) {
    std::set<std::string> model;
    Cmd add = {"SADD", "set:rh"};
    for (int i = 0; i < 200; ++i) {
      std::string m = ints ? std::to_string(i) : Name("r", i);
      add.push_back(m);
      model.insert(m);
    }
    S({"DEL", "set:rh"});
    S(add);
    EXPECT_TRUE(model.count(S({"SRANDMEMBER", "set:rh"}).str));
    for (int n : {1, 5, 60, 150, 199, 200, 500}) {
      Reply r = S({"SRANDMEMBER", "set:rh", std::to_string(n)});
      std::set<std::string> got;
      for (const auto& m : Strs(r)) {
        EXPECT_TRUE(model.count(m)) << m;
        got.insert(m);
      }
      EXPECT_EQ(r.elements.size(), static_cast<std::size_t>(std::min(n, 200)));
      EXPECT_EQ(got.size(), r.elements.size());  // distinct
    }
    Reply neg = S({"SRANDMEMBER", "set:rh", "-1000"});
    ASSERT_EQ(neg.elements.size(), 1000u);
    std::set<std::string> distinct;
    for (const auto& m : Strs(neg)) {
      EXPECT_TRUE(model.count(m));
      distinct.insert(m);
    }
    EXPECT_LT(distinct.size(), 1000u);  // repetitions happen
    EXPECT_EQ(S({"SCARD", "set:rh"}).integer, 200);
  }
}

TEST_F(SetTest, SMove) {
  BothAll({
      {"DEL", "set:m1", "set:m2", "set:mstr"},
      {"SMOVE", "set:m1", "set:m2", "a"},
      {"SADD", "set:m1", "1", "2", "a"},
      {"SMOVE", "set:m1", "set:m2", "zz"},
      {"SMOVE", "set:m1", "set:m2", "1"},
      {"SMEMBERS", "set:m2"},
      {"OBJECT", "ENCODING", "set:m2"},
      {"SMOVE", "set:m1", "set:m2", "a"},
      {"OBJECT", "ENCODING", "set:m2"},
      {"SMOVE", "set:m1", "set:m1", "2"},
      {"SMOVE", "set:m1", "set:m1", "9"},
      {"SMOVE", "set:m2", "set:m1", "1"},
  });
  BothSorted({"SMEMBERS", "set:m1"});  // a hashtable: order unspecified
  BothAll({
      {"SMOVE", "set:m2", "set:m1", "a"},
      {"EXISTS", "set:m2"},
      {"SMOVE", "set:m1", "set:m2", "2"},
      {"SMOVE", "set:m1", "set:m2", "1"},
      {"SMOVE", "set:m1", "set:m2", "a"},
      {"EXISTS", "set:m1"},
      {"SCARD", "set:m2"},
      {"SET", "set:mstr", "x"},
      {"SMOVE", "set:mstr", "set:m2", "a"},
      {"SMOVE", "set:m2", "set:mstr", "a"},
      {"SMOVE", "set:m2", "set:mstr", "nonmember"},
      {"SMOVE", "set:nosuch", "set:mstr", "a"},
      {"SCARD", "set:m2"},
  });
}

TEST_F(SetTest, AlgebraIntsets) {
  BothAll({
      {"DEL", "set:x", "set:y", "set:z", "set:d"},
      {"SADD", "set:x", "1", "2", "3", "4", "5"},
      {"SADD", "set:y", "4", "5", "6", "2"},
      {"SADD", "set:z", "5", "2", "100"},
      {"SINTER", "set:x", "set:y"},
      {"SINTER", "set:x", "set:y", "set:z"},
      {"SINTER", "set:x", "set:nosuch"},
      {"SINTER", "set:x", "set:x"},
      {"SUNION", "set:x", "set:y", "set:z", "set:nosuch"},
      {"SUNION", "set:nosuch"},
      {"SDIFF", "set:x", "set:y"},
      {"SDIFF", "set:x", "set:nosuch"},
      {"SDIFF", "set:nosuch", "set:x"},
      {"SDIFF", "set:x", "set:x"},
      {"SINTERSTORE", "set:d", "set:x", "set:y"},
      {"SMEMBERS", "set:d"},
      {"OBJECT", "ENCODING", "set:d"},
      {"SUNIONSTORE", "set:d", "set:x", "set:y", "set:z"},
      {"SMEMBERS", "set:d"},
      {"SDIFFSTORE", "set:d", "set:x", "set:y", "set:z"},
      {"SMEMBERS", "set:d"},
      // Empty results delete the destination.
      {"SINTERSTORE", "set:d", "set:x", "set:nosuch"},
      {"EXISTS", "set:d"},
      {"SET", "set:d", "string", "EX", "100"},
      {"SDIFFSTORE", "set:d", "set:x", "set:x"},
      {"EXISTS", "set:d"},
      // The destination is overwritten whatever its type, and loses its TTL.
      {"SET", "set:d", "string", "EX", "100"},
      {"SUNIONSTORE", "set:d", "set:z"},
      {"TYPE", "set:d"},
      {"TTL", "set:d"},
      {"SMEMBERS", "set:d"},
      // The destination may be a source.
      {"SUNIONSTORE", "set:d", "set:d", "set:x"},
      {"SMEMBERS", "set:d"},
      {"SINTERSTORE", "set:d", "set:d", "set:y"},
      {"SMEMBERS", "set:d"},
      {"SUNIONSTORE", "set:d", "set:nosuch"},
      {"EXISTS", "set:d"},
  });
}

TEST_F(SetTest, AlgebraHashtablesAndEncodings) {
  BothAll({
      {"DEL", "set:hx", "set:hy", "set:hd"},
      {"SADD", "set:hx", "a", "b", "c", "1", "2"},
      {"SADD", "set:hy", "b", "c", "d", "2", "3"},
  });
  for (const Cmd& c : std::vector<Cmd>{{"SINTER", "set:hx", "set:hy"},
                                       {"SUNION", "set:hx", "set:hy"},
                                       {"SDIFF", "set:hx", "set:hy"},
                                       {"SDIFF", "set:hy", "set:hx"}})
    BothSorted(c);
  // Results that are all integers become intsets, others hashtables.
  for (const Cmd& c : std::vector<Cmd>{{"SDIFFSTORE", "set:hd", "set:hy", "set:hx"},
                                       {"SINTERSTORE", "set:hd", "set:hx", "set:hy"},
                                       {"SUNIONSTORE", "set:hd", "set:hx", "set:hy"}}) {
    Both(c);
    Both({"OBJECT", "ENCODING", "set:hd"});
    BothSorted({"SMEMBERS", "set:hd"});
  }
  BothAll({{"SREM", "set:hx", "a", "b", "c"}, {"SREM", "set:hy", "b", "c", "d"},
           {"SINTERSTORE", "set:hd", "set:hx", "set:hy"}, {"OBJECT", "ENCODING", "set:hd"},
           {"SMEMBERS", "set:hd"}});
}

TEST_F(SetTest, SInterCard) {
  BothAll({
      {"DEL", "set:c1", "set:c2", "set:cs"},
      {"SADD", "set:c1", "a", "b", "c", "d", "1"},
      {"SADD", "set:c2", "b", "c", "d", "e", "1"},
      {"SINTERCARD", "1", "set:c1"},
      {"SINTERCARD", "2", "set:c1", "set:c2"},
      {"SINTERCARD", "2", "set:c1", "set:c2", "LIMIT", "0"},
      {"SINTERCARD", "2", "set:c1", "set:c2", "LIMIT", "2"},
      {"SINTERCARD", "2", "set:c1", "set:c2", "limit", "10"},
      {"SINTERCARD", "2", "set:c1", "set:c2", "LIMIT", "1", "LIMIT", "3"},
      {"SINTERCARD", "2", "set:c1", "set:nosuch"},
      {"SINTERCARD", "1", "set:nosuch"},
      {"SINTERCARD", "0", "set:c1"},
      {"SINTERCARD", "-1", "set:c1"},
      {"SINTERCARD", "x", "set:c1"},
      {"SINTERCARD", "3", "set:c1", "set:c2"},
      {"SINTERCARD", "2", "set:c1", "set:c2", "LIMIT", "-1"},
      {"SINTERCARD", "2", "set:c1", "set:c2", "LIMIT", "x"},
      {"SINTERCARD", "2", "set:c1", "set:c2", "LIMIT"},
      {"SINTERCARD", "2", "set:c1", "set:c2", "FOO", "1"},
      {"SINTERCARD", "1", "set:c1", "set:c2"},
      {"SET", "set:cs", "x"},
      {"SINTERCARD", "2", "set:nosuch", "set:cs"},
      {"COMMAND", "GETKEYS", "SINTERCARD", "2", "set:c1", "set:c2", "LIMIT", "1"},
  });
}

TEST_F(SetTest, SScan) {
  BothAll({
      {"DEL", "set:s", "set:sh"},
      {"SSCAN", "set:s", "0"},
      {"SSCAN", "set:s", "x"},
      {"SSCAN", "set:s", "0", "COUNT", "0"},
      {"SADD", "set:s", "10", "3", "7", "100", "-4"},
      {"SSCAN", "set:s", "0"},
      {"SSCAN", "set:s", "0", "COUNT", "1"},
      {"SSCAN", "set:s", "12345", "COUNT", "2"},
      {"SSCAN", "set:s", "0", "MATCH", "1*"},
      {"SSCAN", "set:s", "0", "match", "*", "count", "3"},
      {"SSCAN", "set:s", "0", "COUNT", "0"},
      {"SSCAN", "set:s", "0", "COUNT", "x"},
      {"SSCAN", "set:s", "0", "MATCH"},
      {"SSCAN", "set:s", "0", "TYPE", "set"},
      {"SSCAN", "set:s", "0", "FOO", "bar"},
      {"SSCAN", "set:s", " 0"},
      {"SSCAN", "set:s", "1x"},
      {"SSCAN", "set:s", "99999999999999999999"},
  });
  std::set<std::string> model;
  Cmd add = {"SADD", "set:sh"};
  for (int i = 0; i < 500; ++i) {
    add.push_back(Name("k", i));
    model.insert(Name("k", i));
  }
  Both(add);
  BothSorted({"SSCAN", "set:sh", "0", "COUNT", "100000"});
  BothSorted({"SSCAN", "set:sh", "0", "MATCH", "k1?", "COUNT", "100000"});
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    Reply r = S({"SSCAN", "set:sh", cursor, "COUNT", "20"});
    ASSERT_EQ(r.elements.size(), 2u);
    cursor = r.elements[0].str;
    for (const auto& m : Strs(r.elements[1])) seen.insert(m);
    ASSERT_LT(++calls, 1000);
  } while (cursor != "0");
  EXPECT_EQ(seen, model);
  EXPECT_GT(calls, 5);
}

TEST_F(SetTest, Resp3Shapes) {
  BothAll({{"DEL", "set:r3", "set:r3h"}, {"SADD", "set:r3", "3", "1", "2"},
           {"SADD", "set:r3h", "only"}});
  std::string batch;
  for (const Cmd& c : std::vector<Cmd>{
           {"SMEMBERS", "set:r3"}, {"SMEMBERS", "set:nosuch"}, {"SINTER", "set:r3", "set:r3"},
           {"SUNION", "set:r3"}, {"SDIFF", "set:r3", "set:nosuch"}, {"SMISMEMBER", "set:r3", "1", "7"},
           {"SISMEMBER", "set:r3", "1"}, {"SRANDMEMBER", "set:nosuch"},
           {"SRANDMEMBER", "set:r3", "10"}, {"SRANDMEMBER", "set:r3", "0"},
           {"SRANDMEMBER", "set:nosuch", "3"}, {"SPOP", "set:nosuch"},
           {"SPOP", "set:nosuch", "2"}, {"SPOP", "set:r3", "0"}, {"SPOP", "set:r3h", "5"},
           {"SSCAN", "set:r3", "0"}, {"SINTERCARD", "1", "set:r3"}, {"SCARD", "set:r3"},
           {"SPOP", "set:r3", "10"}})
    batch += RespCommand(c);
  EXPECT_EQ(Resp3Replies(strata()->port(), batch), Resp3Replies(redis()->port(), batch));
}

TEST_F(SetTest, CopyAndMemoryUsage) {
  BothAll({{"DEL", "set:cp", "set:cp2"}, {"SADD", "set:cp", "a", "b"},
           {"COPY", "set:cp", "set:cp2"}, {"SREM", "set:cp", "a"}, {"SCARD", "set:cp2"},
           {"OBJECT", "ENCODING", "set:cp2"}});
  Cmd add = {"SADD", "set:mu"};
  for (int i = 0; i < 1000; ++i) add.push_back(Name("member:", i));
  Both({"DEL", "set:mu"});
  Both(add);
  long long ours = S({"MEMORY", "USAGE", "set:mu"}).integer;
  long long theirs = r_->Cmd({"MEMORY", "USAGE", "set:mu"}).integer;
  EXPECT_GT(ours, 0);
  EXPECT_LE(ours, theirs);
  // Small sets of both encodings: per-key overhead must not exceed Redis's either.
  for (int n : {1, 5, 100, 512}) {
    for (bool ints : {true, false}) {
      Cmd small = {"SADD", "set:mu"};
      for (int i = 0; i < n; ++i) small.push_back(ints ? std::to_string(i) : Name("m", i));
      BothAll({{"DEL", "set:mu"}, small, {"OBJECT", "ENCODING", "set:mu"}});
      EXPECT_LE(S({"MEMORY", "USAGE", "set:mu"}).integer,
                r_->Cmd({"MEMORY", "USAGE", "set:mu"}).integer) << n << " " << ints;
    }
  }
}

}  // namespace
}  // namespace strata::test
