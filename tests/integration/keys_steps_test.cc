// KEYS over a keyspace larger than one step (the server scans 1024 keys per step and lets
// the network thread serve other connections in between). The server runs one network
// thread, so the other client below shares it with the KEYS. Whatever the interleaving, the
// reply is exactly the key set, and commands pipelined behind KEYS run after it, in order.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using Args = std::vector<std::string>;

constexpr int kKeys = 5000;

class KeysStepsTest : public BothServersTest<KeysStepsTest> {
 public:
  static std::vector<std::string> StrataArgs() { return {"--threads", "1"}; }

 protected:
  void SetUp() override {
    BothServersTest::SetUp();
    if (HasFatalFailure()) return;
    Client c(port());
    ASSERT_TRUE(c.connected()) << c.error();
    c.Cmd(Args{"FLUSHALL"});
    for (int i = 0; i < kKeys; ++i) c.Append(Args{"SET", Key(i), "v"});
    for (int i = 0; i < kKeys; ++i) ASSERT_EQ(c.Read().str, "OK");
  }

  static std::string Key(int i) { return "key:" + std::to_string(i); }

  static std::set<std::string> AllKeys() {
    std::set<std::string> keys;
    for (int i = 0; i < kKeys; ++i) keys.insert(Key(i));
    return keys;
  }

  // The keys of a KEYS reply; fails on duplicates (each key is replied once).
  static std::set<std::string> KeySet(const Reply& r) {
    EXPECT_EQ(r.type, REDIS_REPLY_ARRAY) << r.ToString().substr(0, 200);
    std::set<std::string> keys;
    for (const Reply& k : r.elements) EXPECT_TRUE(keys.insert(k.str).second) << k.str;
    return keys;
  }
};

// Another client keeps issuing commands until the KEYS reply is complete: both finish, and
// the reply is exactly the key set.
TEST_F(KeysStepsTest, KeysWhileAnotherClientIsServed) {
  Client other(port());
  ASSERT_TRUE(other.connected()) << other.error();
  ASSERT_EQ(other.Cmd(Args{"SELECT", "1"}).str, "OK");  // its writes stay out of the KEYS

  RawConnection keys_conn(port());
  ASSERT_TRUE(keys_conn.ok());
  ASSERT_TRUE(keys_conn.Send(RespCommand({"KEYS", "*"})));
  std::string buf;
  Reply reply;
  long long served = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    Reply r = other.Cmd(Args{"INCR", "counter"});
    ASSERT_EQ(r.type, REDIS_REPLY_INTEGER) << r.ToString();
    ASSERT_EQ(r.integer, ++served);
    buf += keys_conn.ReadFor(0);
    std::size_t end = 0;
    reply = Reply();  // a partial parse leaves part of the array behind
    int rc = ParseResp2(buf, 0, &end, &reply);
    ASSERT_NE(rc, -1);
    if (rc == 1) break;
  }
  std::size_t end = 0;
  for (;;) {
    reply = Reply();
    int rc = ParseResp2(buf, 0, &end, &reply);
    ASSERT_NE(rc, -1);
    if (rc == 1) break;
    std::string more = keys_conn.ReadFor(10000);
    ASSERT_FALSE(more.empty()) << "no KEYS reply";
    buf += more;
  }
  EXPECT_EQ(end, buf.size()) << "nothing but the KEYS reply";
  EXPECT_EQ(KeySet(reply), AllKeys());
  EXPECT_GT(served, 0);
  RecordProperty("served_during_keys", static_cast<int>(served));
}

// Commands pipelined behind a KEYS on the same connection wait for it and run in order.
TEST_F(KeysStepsTest, PipelinedCommandsAfterKeysKeepTheirOrder) {
  Client c(port());
  ASSERT_TRUE(c.connected()) << c.error();
  c.Append(Args{"SET", "before", "1"});
  c.Append(Args{"KEYS", "key:1*"});
  c.Append(Args{"DEL", "before"});
  c.Append(Args{"KEYS", "before"});
  c.Append(Args{"DBSIZE"});
  EXPECT_EQ(c.Read().str, "OK");
  std::set<std::string> expected;
  for (int i = 0; i < kKeys; ++i) {
    if (Key(i).rfind("key:1", 0) == 0) expected.insert(Key(i));
  }
  EXPECT_EQ(KeySet(c.Read()), expected);
  EXPECT_EQ(c.Read().integer, 1);
  EXPECT_TRUE(c.Read().elements.empty());
  EXPECT_EQ(c.Read().integer, kKeys);
}

// Inside MULTI/EXEC KEYS runs whole under the transaction's locks.
TEST_F(KeysStepsTest, KeysInsideExecSeesEveryKey) {
  Client c(port());
  ASSERT_TRUE(c.connected()) << c.error();
  ASSERT_EQ(c.Cmd(Args{"MULTI"}).str, "OK");
  ASSERT_EQ(c.Cmd(Args{"KEYS", "*"}).str, "QUEUED");
  ASSERT_EQ(c.Cmd(Args{"SET", "new", "1"}).str, "QUEUED");
  ASSERT_EQ(c.Cmd(Args{"KEYS", "new"}).str, "QUEUED");
  Reply r = c.Cmd(Args{"EXEC"});
  ASSERT_EQ(r.type, REDIS_REPLY_ARRAY) << r.ToString().substr(0, 200);
  ASSERT_EQ(r.elements.size(), 3u);
  EXPECT_EQ(KeySet(r.elements[0]), AllKeys());
  EXPECT_EQ(KeySet(r.elements[2]), std::set<std::string>{"new"});
}

// A client that goes away in the middle of a KEYS leaves the server serving.
TEST_F(KeysStepsTest, ClientClosingDuringKeys) {
  for (int round = 0; round < 20; ++round) {
    RawConnection gone(port());
    ASSERT_TRUE(gone.ok());
    ASSERT_TRUE(gone.Send(RespCommand({"KEYS", "*"})));
  }
  Client c(port());
  ASSERT_TRUE(c.connected()) << c.error();
  EXPECT_EQ(KeySet(c.Cmd(Args{"KEYS", "*"})), AllKeys());
  EXPECT_EQ(c.Cmd(Args{"DBSIZE"}).integer, kKeys);
}

// The reply of a chunked KEYS is what Redis sends: the same keys, in Redis's framing.
TEST_F(KeysStepsTest, SameKeysAsRedis) {
  Client r(redis()->port());
  ASSERT_TRUE(r.connected()) << r.error();
  r.Cmd(Args{"FLUSHALL"});
  for (int i = 0; i < kKeys; ++i) r.Append(Args{"SET", Key(i), "v"});
  for (int i = 0; i < kKeys; ++i) r.Read();
  Client s(port());
  ASSERT_TRUE(s.connected()) << s.error();
  for (const char* pattern : {"*", "key:4?", "key:[12]*9", "nothing*"}) {
    EXPECT_EQ(KeySet(s.Cmd(Args{"KEYS", pattern})), KeySet(r.Cmd(Args{"KEYS", pattern})))
        << pattern;
  }
}

}  // namespace
}  // namespace strata::test
