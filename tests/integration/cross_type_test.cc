// Every type against every other: each command of every family is sent, in a valid form,
// to a key of each type it does not handle (and to one it does), on strata-server and on
// redis-server; the replies must be identical (WRONGTYPE where Redis says so, and whatever
// Redis answers where it does not check the type, e.g. a STORE destination). The keyspace
// commands of the core issue are then run on a key of every type.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using Cmd = std::vector<std::string>;

class CrossTypeTest : public BothClientsTest<CrossTypeTest> {
 protected:
  // One key of each type (and a missing one), rebuilt before every command so that a
  // command that changes or deletes its key does not affect the next.
  void Reset() {
    BothAll({
        {"DEL", "x:string", "x:list", "x:hash", "x:set", "x:zset", "x:none", "x:dst"},
        {"SET", "x:string", "12"},
        {"RPUSH", "x:list", "a", "b", "c"},
        {"HSET", "x:hash", "f", "1", "g", "2"},
        {"SADD", "x:set", "1", "2", "3"},  // an intset: replies in a fixed order
        {"ZADD", "x:zset", "1", "a", "2", "b", "3", "c"},
    });
  }

  static const std::vector<std::string>& Keys() {
    static const std::vector<std::string> keys = {"x:string", "x:list", "x:hash",
                                                  "x:set",    "x:zset", "x:none"};
    return keys;
  }

  // Sends `form` with every "$" replaced by each key in turn (and "@" by a second key that
  // is always the list, for two-key commands), resetting the keys before each.
  void AgainstEveryType(const Cmd& form) {
    for (const std::string& key : Keys()) {
      Reset();
      Cmd cmd;
      for (const std::string& a : form) cmd.push_back(a == "$" ? key : a);
      Both(cmd);
      // What the command left behind must match too.
      Both({"TYPE", key});
    }
  }
};

TEST_F(CrossTypeTest, StringCommands) {
  for (const Cmd& form : std::vector<Cmd>{
           {"GET", "$"}, {"SET", "$", "v", "GET"}, {"GETSET", "$", "v"}, {"GETDEL", "$"},
           {"GETEX", "$", "PERSIST"}, {"APPEND", "$", "v"}, {"STRLEN", "$"}, {"INCR", "$"},
           {"DECRBY", "$", "2"}, {"INCRBYFLOAT", "$", "1.5"}, {"GETRANGE", "$", "0", "1"},
           {"SETRANGE", "$", "1", "v"}, {"MGET", "$", "x:string"}, {"LCS", "$", "x:string"},
           {"SETNX", "$", "v"}, {"SET", "$", "v", "XX"}}) {
    AgainstEveryType(form);
  }
}

TEST_F(CrossTypeTest, ListCommands) {
  for (const Cmd& form : std::vector<Cmd>{
           {"LPUSH", "$", "v"}, {"RPUSHX", "$", "v"}, {"LPOP", "$"}, {"RPOP", "$", "2"},
           {"LLEN", "$"}, {"LRANGE", "$", "0", "-1"}, {"LINDEX", "$", "0"},
           {"LSET", "$", "0", "v"}, {"LINSERT", "$", "BEFORE", "a", "v"}, {"LREM", "$", "0", "a"},
           {"LTRIM", "$", "0", "1"}, {"LPOS", "$", "a"}, {"LMOVE", "$", "x:dst", "LEFT", "LEFT"},
           {"LMOVE", "x:list", "$", "LEFT", "RIGHT"}, {"RPOPLPUSH", "$", "x:dst"},
           {"LMPOP", "1", "$", "LEFT"}, {"BLPOP", "$", "0.01"}, {"BRPOP", "$", "0.01"},
           {"BLMOVE", "$", "x:dst", "LEFT", "LEFT", "0.01"}, {"BLMPOP", "0.01", "1", "$", "LEFT"}}) {
    AgainstEveryType(form);
  }
}

TEST_F(CrossTypeTest, HashCommands) {
  for (const Cmd& form : std::vector<Cmd>{
           {"HSET", "$", "f", "v"}, {"HSETNX", "$", "f", "v"}, {"HGET", "$", "f"},
           {"HMGET", "$", "f", "g"}, {"HMSET", "$", "f", "v"}, {"HDEL", "$", "f"}, {"HLEN", "$"},
           {"HEXISTS", "$", "f"}, {"HGETALL", "$"}, {"HKEYS", "$"}, {"HVALS", "$"},
           {"HINCRBY", "$", "f", "1"}, {"HINCRBYFLOAT", "$", "f", "1.5"}, {"HSTRLEN", "$", "f"},
           {"HRANDFIELD", "$", "0"}, {"HSCAN", "$", "0"}}) {
    AgainstEveryType(form);
  }
}

TEST_F(CrossTypeTest, SetCommands) {
  for (const Cmd& form : std::vector<Cmd>{
           {"SADD", "$", "7"}, {"SREM", "$", "1"}, {"SMEMBERS", "$"}, {"SISMEMBER", "$", "1"},
           {"SMISMEMBER", "$", "1", "9"}, {"SCARD", "$"}, {"SPOP", "$", "0"},
           {"SRANDMEMBER", "$", "0"}, {"SMOVE", "$", "x:dst", "1"}, {"SMOVE", "x:set", "$", "1"},
           {"SINTER", "$", "x:set"}, {"SINTERCARD", "2", "x:set", "$"}, {"SUNION", "x:set", "$"},
           {"SDIFF", "x:set", "$"}, {"SINTERSTORE", "x:dst", "$", "x:set"},
           {"SUNIONSTORE", "$", "x:set"}, {"SDIFFSTORE", "x:dst", "x:set", "$"},
           {"SSCAN", "$", "0"}}) {
    AgainstEveryType(form);
  }
}

TEST_F(CrossTypeTest, SortedSetCommands) {
  for (const Cmd& form : std::vector<Cmd>{
           {"ZADD", "$", "1", "m"}, {"ZINCRBY", "$", "1", "a"}, {"ZREM", "$", "a"},
           {"ZSCORE", "$", "a"}, {"ZMSCORE", "$", "a", "z"}, {"ZCARD", "$"},
           {"ZCOUNT", "$", "-inf", "+inf"}, {"ZLEXCOUNT", "$", "-", "+"},
           {"ZRANGE", "$", "0", "-1", "WITHSCORES"}, {"ZRANGESTORE", "x:dst", "$", "0", "-1"},
           {"ZRANGESTORE", "$", "x:zset", "0", "-1"}, {"ZREVRANGE", "$", "0", "-1"},
           {"ZRANGEBYSCORE", "$", "-inf", "+inf"}, {"ZRANGEBYLEX", "$", "-", "+"},
           {"ZRANK", "$", "a"}, {"ZREVRANK", "$", "a"}, {"ZPOPMIN", "$"}, {"ZPOPMAX", "$", "2"},
           {"ZMPOP", "1", "$", "MIN"}, {"ZREMRANGEBYRANK", "$", "0", "0"},
           {"ZREMRANGEBYSCORE", "$", "1", "1"}, {"ZREMRANGEBYLEX", "$", "-", "+"},
           {"ZUNIONSTORE", "x:dst", "2", "x:zset", "$"}, {"ZINTERSTORE", "$", "1", "x:zset"},
           {"ZDIFFSTORE", "x:dst", "2", "$", "x:zset"}, {"ZUNION", "2", "$", "x:zset"},
           {"ZINTER", "2", "x:zset", "$"}, {"ZDIFF", "2", "$", "x:zset"},
           {"ZINTERCARD", "2", "$", "x:zset"}, {"ZRANDMEMBER", "$", "0"}, {"ZSCAN", "$", "0"}}) {
    AgainstEveryType(form);
  }
}

// TYPE, SCAN ... TYPE, COPY, RENAME, MOVE, OBJECT and MEMORY USAGE on every type.
TEST_F(CrossTypeTest, KeyspaceCommandsOnEveryType) {
  for (const std::string& key : Keys()) {
    Reset();
    BothAll({
        {"TYPE", key},
        {"OBJECT", "ENCODING", key},
        {"EXISTS", key},
        {"COPY", key, "x:dst"},
        {"TYPE", "x:dst"},
        {"OBJECT", "ENCODING", "x:dst"},
        {"COPY", key, "x:dst"},
        {"COPY", key, "x:dst", "REPLACE"},
        {"EXPIRE", key, "100"},
        {"TTL", key},
        {"PERSIST", key},
        {"RENAME", key, "x:renamed"},
        {"TYPE", "x:renamed"},
        {"EXISTS", key},
        {"MOVE", "x:renamed", "1"},
        {"SELECT", "1"},
        {"TYPE", "x:renamed"},
        {"DEL", "x:renamed"},
        {"SELECT", "0"},
    });
    // MEMORY USAGE is each server's own estimate: only its presence is compared.
    Reply ours = s_->Cmd({"MEMORY", "USAGE", "x:dst"});
    Reply theirs = r_->Cmd({"MEMORY", "USAGE", "x:dst"});
    EXPECT_EQ(ours.type, theirs.type) << key;
    if (ours.type == REDIS_REPLY_INTEGER) {
      EXPECT_GT(ours.integer, 0) << key;
    }
  }
  // The copies are deep: changing one leaves the other alone.
  Reset();
  BothAll({
      {"COPY", "x:list", "x:dst"},
      {"RPUSH", "x:dst", "z"},
      {"LRANGE", "x:list", "0", "-1"},
      {"DEL", "x:dst"},
      {"COPY", "x:zset", "x:dst"},
      {"ZADD", "x:dst", "9", "z"},
      {"ZRANGE", "x:zset", "0", "-1"},
  });
  // SCAN TYPE picks each type out (a single key per type, so the order cannot differ).
  Reset();
  for (const char* type : {"string", "list", "hash", "set", "zset", "stream"}) {
    Reply ours = s_->Cmd({"SCAN", "0", "MATCH", "x:*", "COUNT", "1000", "TYPE", type});
    Reply theirs = r_->Cmd({"SCAN", "0", "MATCH", "x:*", "COUNT", "1000", "TYPE", type});
    ASSERT_EQ(ours.elements.size(), 2u) << type;
    ASSERT_EQ(theirs.elements.size(), 2u) << type;
    EXPECT_EQ(ours.elements[1], theirs.elements[1]) << type;
  }
}

}  // namespace
}  // namespace strata::test
