// FUNCTION and FCALL against redis-server: libraries and their metadata line, what library
// code may touch while it loads, errors and their texts, FUNCTION LIST/DELETE/FLUSH/STATS,
// DUMP and RESTORE both ways between the servers, and libraries surviving a restart.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using V = std::vector<std::string>;

class FunctionTest : public BothServersTest<FunctionTest> {
 protected:
  void SetUp() override {
    BothServersTest::SetUp();
    strata_client_ = std::make_unique<Client>(strata()->port());
    redis_client_ = std::make_unique<Client>(redis()->port());
    Same({"FLUSHALL"});
    Same({"FUNCTION", "FLUSH"});
  }
  Reply Same(const std::vector<std::string>& args) {
    return ExpectSameReply(strata_client_.get(), redis_client_.get(), args);
  }
  // FUNCTION LOAD of `body` under the metadata line of library `name`.
  Reply Load(const std::string& body, const std::string& name = "lib") {
    return Same({"FUNCTION", "LOAD", "#!lua name=" + name + "\n" + body});
  }
  // FUNCTION LIST on both, compared with libraries and functions sorted by name: Redis lists
  // both in hash-table order (its COMMAND INFO tips say nondeterministic_output_order).
  void SameList(const std::vector<std::string>& args) {
    Reply s = strata_client_->Cmd(args);
    Reply r = redis_client_->Cmd(args);
    EXPECT_EQ(Sorted(s).ToString(), Sorted(r).ToString()) << RespCommand(args);
  }
  static Reply Sorted(Reply list) {
    auto by_name = [](const Reply& a, const Reply& b) {
      return a.elements.size() > 1 && b.elements.size() > 1 &&
             a.elements[1].str < b.elements[1].str;
    };
    for (Reply& lib : list.elements) {
      for (std::size_t i = 0; i + 1 < lib.elements.size(); i += 2) {
        if (lib.elements[i].str == "functions") {
          std::sort(lib.elements[i + 1].elements.begin(), lib.elements[i + 1].elements.end(),
                    by_name);
        }
      }
    }
    std::sort(list.elements.begin(), list.elements.end(), by_name);
    return list;
  }
  std::unique_ptr<Client> strata_client_, redis_client_;
};

TEST_F(FunctionTest, LoadAndCall) {
  Load(
      "local function set(keys, args) return redis.call('SET', keys[1], args[1]) end\n"
      "redis.register_function('set_it', set)\n"
      "redis.register_function{function_name = 'get_it', callback = function(keys)\n"
      "  return redis.call('GET', keys[1]) end, flags = {'no-writes'}, description = 'reads'}\n"
      "redis.register_function('echo', function(keys, args) return {keys, args, #keys, #args} end)\n"
      "local calls = 0\n"
      "redis.register_function('count', function() calls = calls + 1 return calls end)");
  Same({"FCALL", "set_it", "1", "k", "v"});
  Same({"FCALL", "get_it", "1", "k"});
  Same({"FCALL_RO", "get_it", "1", "k"});
  Same({"FCALL_RO", "set_it", "1", "k", "v"});  // needs no-writes
  Same({"FCALL", "echo", "0"});
  Same({"FCALL", "echo", "2", "a", "b", "c"});
  Same({"FCALL", "count", "0"});
  Same({"FCALL", "count", "0"});  // upvalues live between calls
  Same({"FCALL", "nope", "0"});
  Same({"FCALL", "nope", "x"});
  Same({"FCALL", "echo", "x"});
  Same({"FCALL", "echo", "-1"});
  Same({"FCALL", "echo", "99999999999999999999"});
  Same({"FCALL", "echo", "3", "a"});
  Same({"FCALL", "echo"});
  SameList({"FUNCTION", "LIST", "LIBRARYNAME", "lib"});
  SameList({"FUNCTION", "LIST", "WITHCODE"});
  Same({"FUNCTION", "STATS"});
}

TEST_F(FunctionTest, WhatLibraryCodeSeesWhileItLoads) {
  const char* bodies[] = {
      "redis.register_function('f', function() return 1 end) local x = redis.call",
      "local x = redis.setresp",
      "local s = string.format('%d', 1)",
      "local t = tostring(1)",
      "error('boom')",
      "x = 1",
      "redis.x = 1",
      "return 1 +",
      "",  // registers nothing
      "redis.register_function('f', function() return 1 end) redis.register_function('f', function() end)",
      "redis.register_function('bad name', function() end)",
      "redis.register_function('', function() end)",
      "redis.register_function('f', 1)",
      "redis.register_function(1, function() return 'one' end)",  // numbers are strings
      "redis.register_function('f', function() end, 3)",
      "redis.register_function()",
      "redis.register_function({callback = function() end})",
      "redis.register_function({function_name = 'f'})",
      "redis.register_function({function_name = 'f', callback = function() end, flags = 'no-writes'})",
      "redis.register_function({function_name = 'f', callback = function() end, flags = {'bad'}})",
      "redis.register_function({function_name = 'f', callback = function() end, other = 1})",
      "redis.register_function({function_name = 'f', callback = function() end, flags = {'no-writes', "
      "'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'}, description = 'all'})",
      "redis.register_function('f', 'not a function')",
      "redis.log(redis.LOG_NOTICE, 'loading') redis.register_function('f', function() return "
      "redis.REDIS_VERSION_NUM end)",
      "while true do end",  // stopped after 500 ms, as Redis
      "local function r(n) return r(n + 1) + 1 end r(1)",  // Lua's stack overflows
  };
  for (const char* body : bodies) {
    SCOPED_TRACE(body);
    Same({"FUNCTION", "FLUSH"});
    Load(body);
    SameList({"FUNCTION", "LIST"});
    Same({"FCALL", "f", "0"});
    Same({"FCALL", "1", "0"});
  }
}

TEST_F(FunctionTest, WhatFunctionsSeeWhenCalled) {
  const char* bodies[] = {
      "return redis.call('PING')",
      "return KEYS",
      "return _G",
      "x = 1",
      "return redis.register_function",
      "return redis.setresp(3)",
      "error('boom')",
      "return redis.error_reply('MY failure')",
      "return string.format('%s-%d', 'a', 2)",
      "return cjson.encode({1, 2})",
      "return redis.sha1hex('x')",
      "return math.random(100)",
      "return redis.call('SET', 'w', 1)",
  };
  for (const char* body : bodies) {
    SCOPED_TRACE(body);
    Same({"FUNCTION", "FLUSH"});
    Load(std::string("redis.register_function('f', function(keys, args) ") + body + " end)\n" +
         "redis.register_function{function_name = 'ro', callback = function(keys, args) " + body +
         " end, flags = {'no-writes'}}");
    Same({"FCALL", "f", "0"});
    Same({"FCALL", "ro", "0"});
    Same({"FCALL_RO", "ro", "0"});
  }
}

TEST_F(FunctionTest, MetadataLineAndLibraries) {
  const char* heads[] = {"#!lua name=a\n", "#!LUA name=a\n", "#!lua  name=a \n", "#!js name=a\n",
                         "#!lua\n", "#!lua name=a name=b\n", "#!lua foo=bar\n", "#!lua name=\n",
                         "#!lua name=a-b\n", "no metadata\n", "#!lua name=a", "#!\n", "#!lua NAME=a\n"};
  for (const char* head : heads) {
    SCOPED_TRACE(head);
    Same({"FUNCTION", "FLUSH"});
    Same({"FUNCTION", "LOAD", std::string(head) + "redis.register_function('f', function() return 1 end)"});
  }
  Same({"FUNCTION", "FLUSH"});
  Load("redis.register_function('f1', function() return 1 end)", "one");
  Load("redis.register_function('f1b', function() return 1 end)", "one");  // exists
  Same({"FUNCTION", "LOAD", "REPLACE", "#!lua name=one\nredis.register_function('f1b', function() return 'b' end)"});
  Same({"FCALL", "f1", "0"});  // replaced: gone
  Same({"FCALL", "f1b", "0"});
  Load("redis.register_function('f1b', function() return 2 end)", "two");  // taken by 'one'
  Same({"FUNCTION", "LOAD", "REPLACE", "#!lua name=two\nredis.register_function('f1b', function() return 2 end)"});
  Same({"FUNCTION", "LOAD", "BAD", "#!lua name=two\nredis.register_function('g', function() return 2 end)"});
  Same({"FUNCTION", "LOAD", "REPLACE", "REPLACE", "x"});
  // A failed REPLACE keeps the old library.
  Same({"FUNCTION", "LOAD", "REPLACE", "#!lua name=one\nerror('no')"});
  Same({"FCALL", "f1b", "0"});
  Load("redis.register_function('f2', function() return 2 end)", "two");
  SameList({"FUNCTION", "LIST", "LIBRARYNAME", "t*"});
  SameList({"FUNCTION", "LIST"});
  Same({"FUNCTION", "LIST", "LIBRARYNAME", "nomatch"});
  Same({"FUNCTION", "LIST", "LIBRARYNAME"});
  Same({"FUNCTION", "LIST", "WITHCODE", "WITHCODE"});
  Same({"FUNCTION", "LIST", "LIBRARYNAME", "a", "LIBRARYNAME", "b"});
  Same({"FUNCTION", "LIST", "foo"});
  Same({"FUNCTION", "STATS"});
  Same({"FUNCTION", "DELETE", "nope"});
  Same({"FUNCTION", "DELETE", "one"});
  Same({"FCALL", "f1b", "0"});
  Same({"FUNCTION", "DELETE"});
  Same({"FUNCTION", "FLUSH", "ASYNC"});
  Same({"FUNCTION", "FLUSH", "SYNC"});
  Same({"FUNCTION", "FLUSH", "bad"});
  Same({"FUNCTION", "FLUSH", "a", "b"});
  Same({"FUNCTION", "LIST"});
  Same({"FUNCTION", "STATS"});
  Same({"FUNCTION", "KILL"});
  // The words are ours; the layout and the subcommands are Redis's.
  ExpectHelpReply(strata_client_->Cmd(V{"FUNCTION", "HELP"}), "FUNCTION",
                  {"LOAD", "DELETE", "LIST", "STATS", "KILL", "FLUSH", "DUMP", "RESTORE"});
  ExpectHelpReply(redis_client_->Cmd(V{"FUNCTION", "HELP"}), "FUNCTION",
                  {"LOAD", "DELETE", "LIST", "STATS", "KILL", "FLUSH", "DUMP", "RESTORE"});
  Same({"FUNCTION", "NOSUCH"});
  Same({"COMMAND", "INFO", "FCALL", "FCALL_RO"});
  for (const char* sub : {"LOAD", "LIST", "DELETE", "FLUSH", "DUMP", "RESTORE", "STATS", "KILL", "HELP"}) {
    Same({"COMMAND", "INFO", std::string("FUNCTION|") + sub});
    Same({"COMMAND", "DOCS", std::string("FUNCTION|") + sub});
  }
  Same({"COMMAND", "GETKEYS", "FCALL", "f", "0"});
  Same({"COMMAND", "GETKEYSANDFLAGS", "EVAL", "return 1", "0"});
  Same({"COMMAND", "GETKEYSANDFLAGS", "SET", "a", "b"});
  Same({"COMMAND", "GETKEYSANDFLAGS", "SET", "a", "b", "GET"});
  Same({"COMMAND", "GETKEYSANDFLAGS", "LMOVE", "a", "b", "LEFT", "RIGHT"});
  Same({"COMMAND", "GETKEYSANDFLAGS", "PING", "x"});
  Same({"COMMAND", "GETKEYSANDFLAGS", "GET"});
  Same({"COMMAND", "DOCS", "FCALL", "FCALL_RO"});
  Same({"COMMAND", "GETKEYS", "FCALL", "f", "2", "a", "b", "c"});
  Same({"COMMAND", "GETKEYSANDFLAGS", "FCALL_RO", "f", "1", "a", "b"});
  Same({"EVAL", "return redis.call('FUNCTION', 'LIST')", "0"});
  Same({"EVAL", "return redis.call('FCALL', 'x', 0)", "0"});
}

// Each server's DUMP restores on the other; policies, collisions and damaged payloads.
TEST_F(FunctionTest, DumpAndRestoreBothWays) {
  Load("redis.register_function('fa', function() return 'a' end)", "a");
  Load("-- " + std::string(400, 'x') +  // long enough for Redis to compress it
           "\nredis.register_function('fb', function() return 'b' end)",
       "b");
  const std::string from_strata = strata_client_->Cmd(V{"FUNCTION", "DUMP"}).str;
  const std::string from_redis = redis_client_->Cmd(V{"FUNCTION", "DUMP"}).str;
  ASSERT_FALSE(from_strata.empty());
  ASSERT_FALSE(from_redis.empty());
  for (const std::string* payload : {&from_strata, &from_redis}) {
    SCOPED_TRACE(payload == &from_strata ? "Strata's payload" : "Redis's payload");
    Same({"FUNCTION", "FLUSH"});
    Same({"FUNCTION", "RESTORE", *payload});
    Same({"FCALL", "fa", "0"});
    Same({"FCALL", "fb", "0"});
    Same({"FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "a"});
    // One library of the payload already there, so the collision reported is determined.
    Same({"FUNCTION", "DELETE", "b"});
    Same({"FUNCTION", "RESTORE", *payload});  // APPEND: a exists
    Same({"FUNCTION", "RESTORE", *payload, "APPEND"});
    Same({"FCALL", "fb", "0"});
    Same({"FUNCTION", "RESTORE", *payload, "REPLACE"});
    Same({"FUNCTION", "RESTORE", *payload, "FLUSH"});
    Same({"FUNCTION", "DELETE", "a"});
    Load("redis.register_function('fa', function() return 'c' end)", "c");
    Same({"FUNCTION", "RESTORE", *payload, "REPLACE"});  // fa belongs to c
    Same({"FCALL", "fa", "0"});
    Same({"FUNCTION", "RESTORE", *payload, "BAD"});
    Same({"FUNCTION", "RESTORE", *payload, "FLUSH", "x"});
    Same({"FUNCTION", "RESTORE", *payload, "FLUSH"});
    Same({"FCALL", "fa", "0"});
    std::string damaged = *payload;
    damaged[5] = static_cast<char>(damaged[5] ^ 1);
    Same({"FUNCTION", "RESTORE", damaged});
    Same({"FUNCTION", "RESTORE", payload->substr(0, 12)});
  }
  Same({"FUNCTION", "RESTORE", ""});
  Same({"FUNCTION", "RESTORE", "garbage that is long enough"});
  Same({"FUNCTION", "FLUSH"});
  Same({"FUNCTION", "DUMP"});  // no libraries: just the footer
}

// An FCALL that runs past busy-reply-threshold: others get the BUSY text naming FUNCTION
// KILL, SCRIPT KILL refuses it, FUNCTION STATS shows it and FUNCTION KILL stops it.
TEST(FunctionBusyTest, FunctionKillAndStats) {
  struct Run {
    std::string busy, script_kill, function_kill, reply, after, stats_name, stats_command;
  };
  auto run = [](ServerProcess* server) {
    Run out;
    Client setup(server->port());
    setup.Cmd(V{"CONFIG", "SET", "busy-reply-threshold", "100"});
    setup.Cmd(V{"FUNCTION", "FLUSH"});
    setup.Cmd(V{"FUNCTION", "LOAD",
                "#!lua name=spin\nredis.register_function('spin', function() local i = 0 "
                "while true do i = i + 1 end end)"});
    Client other(server->port());
    other.Cmd(V{"PING"});
    Client runner(server->port(), 60);
    runner.Append(V{"FCALL", "spin", "1", "key"});
    std::thread t([&] { out.reply = runner.Read().ToString(); });
    for (int i = 0; i < 4000; ++i) {
      Reply r = other.Cmd(V{"PING"});
      if (r.is_error()) {
        out.busy = r.ToString();
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    Reply stats = other.Cmd(V{"FUNCTION", "STATS"});
    if (stats.elements.size() == 4 && stats.elements[1].elements.size() == 6) {
      out.stats_name = stats.elements[1].elements[1].str;
      out.stats_command = stats.elements[1].elements[3].ToString();
    }
    out.script_kill = other.Cmd(V{"SCRIPT", "KILL"}).ToString();
    out.function_kill = other.Cmd(V{"FUNCTION", "KILL"}).ToString();
    t.join();
    out.after = other.Cmd(V{"FUNCTION", "KILL"}).ToString();
    return out;
  };
  std::string error;
  auto strata = ServerProcess::StartStrata({"--threads", "2"}, &error);
  ASSERT_NE(strata, nullptr) << error;
  auto redis = ServerProcess::StartRedis({}, &error);
  ASSERT_NE(redis, nullptr) << error;
  Run s = run(strata.get());
  Run r = run(redis.get());
  EXPECT_NE(s.busy.find("FUNCTION KILL"), std::string::npos) << s.busy;
  EXPECT_EQ(s.busy, r.busy);
  EXPECT_EQ(s.script_kill, r.script_kill);
  EXPECT_EQ(s.function_kill, r.function_kill);
  EXPECT_EQ(s.reply, r.reply);
  EXPECT_EQ(s.after, r.after);
  EXPECT_EQ(s.stats_name, "spin");
  EXPECT_EQ(s.stats_name, r.stats_name);
  EXPECT_EQ(s.stats_command, r.stats_command);
}

// Libraries are part of the dataset: a checkpoint carries them, a restart brings them back,
// and --check-checkpoint counts them.
TEST(FunctionCheckpointTest, LibrariesSurviveARestart) {
  std::string error;
  auto first = ServerProcess::StartStrata({}, &error);
  ASSERT_NE(first, nullptr) << error;
  std::string listing;
  {
    Client c(first->port());
    ASSERT_EQ(c.Cmd(V{"FUNCTION", "LOAD",
                      "#!lua name=counter\nredis.register_function{function_name = 'bump', "
                      "callback = function(keys) return redis.call('INCR', keys[1]) end, "
                      "description = 'adds one'}\nredis.register_function{function_name = 'peek', "
                      "callback = function(keys) return redis.call('GET', keys[1]) end, flags = "
                      "{'no-writes'}}"})
                  .str,
              "counter");
    ASSERT_EQ(c.Cmd(V{"FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('o', "
                                          "function() return 'o' end)"})
                  .str,
              "other");
    EXPECT_EQ(c.Cmd(V{"FCALL", "bump", "1", "n"}).integer, 1);
    listing = c.Cmd(V{"FUNCTION", "LIST", "WITHCODE"}).ToString();
    EXPECT_EQ(c.Cmd(V{"SAVE"}).str, "OK");
  }
  EXPECT_EQ(first->Stop(), 0);

  auto second = ServerProcess::StartStrata(SameCheckpoints(*first), &error);
  ASSERT_NE(second, nullptr) << error;
  Client c(second->port());
  // The restart serves the libraries once loading is over.
  Reply bumped;
  for (int i = 0; i < 2000; ++i) {
    bumped = c.Cmd(V{"FCALL", "bump", "1", "n"});
    if (!bumped.is_error() || bumped.str.rfind("LOADING", 0) != 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(bumped.integer, 2) << bumped.ToString();
  EXPECT_EQ(c.Cmd(V{"FCALL_RO", "peek", "1", "n"}).str, "2");
  EXPECT_EQ(c.Cmd(V{"FUNCTION", "LIST", "WITHCODE"}).ToString(), listing);
  EXPECT_EQ(c.Cmd(V{"FCALL", "o", "0"}).str, "o");

  std::string out;
  std::string file;
  for (const auto& entry :
       std::filesystem::directory_iterator(first->dir() + "/data/checkpoints")) {
    if (entry.path().extension() == ".strata") file = entry.path().string();
  }
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(RunStrata("--check-checkpoint '" + file + "'", &out), 0) << out;
  EXPECT_NE(out.find("format version: 3"), std::string::npos) << out;
  EXPECT_NE(out.find("function libraries: 2 (functions: 3)"), std::string::npos) << out;
}

}  // namespace
}  // namespace strata::test
