// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT against redis-server: reply conversions both
// ways, errors raised inside scripts and their texts, the sandbox, NOSCRIPT, read-only
// refusals, and the script cache.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

class ScriptingTest : public BothServersTest<ScriptingTest> {
 protected:
  void SetUp() override {
    BothServersTest::SetUp();
    strata_client_ = std::make_unique<Client>(strata()->port());
    redis_client_ = std::make_unique<Client>(redis()->port());
    Same({"FLUSHALL"});
    Same({"SCRIPT", "FLUSH"});
  }
  Reply Same(const std::vector<std::string>& args) {
    return ExpectSameReply(strata_client_.get(), redis_client_.get(), args);
  }
  // EVAL of `body` with the given keys and args on both servers.
  Reply Eval(const std::string& body, std::vector<std::string> keys = {},
             std::vector<std::string> args = {}) {
    std::vector<std::string> cmd = {"EVAL", body, std::to_string(keys.size())};
    cmd.insert(cmd.end(), keys.begin(), keys.end());
    cmd.insert(cmd.end(), args.begin(), args.end());
    return Same(cmd);
  }
  std::unique_ptr<Client> strata_client_, redis_client_;
};

TEST_F(ScriptingTest, LuaValuesBecomeRedisReplies) {
  Eval("return 1");
  Eval("return -7.9");         // numbers truncate
  Eval("return 1e20");         // out of range: the smallest integer, as Redis
  Eval("return 'a\\0b'");      // binary-safe strings
  Eval("return true");
  Eval("return false");
  Eval("return nil");
  Eval("return {1, 2, 3.7, 'a', nil, 4}");  // an array ends at the first nil
  Eval("return {1, {2, {3, 'x'}}, {}}");
  Eval("return {ok = 'FINE'}");
  Eval("return {ok = 'two\\r\\nlines'}");
  Eval("return {err = 'My Error'}");
  Eval("return {err = '-CODE lead dash'}");
  Eval("return redis.status_reply('PONG')");
  Eval("return redis.error_reply('bad')");
  Eval("return redis.error_reply('MY custom code')");
  Eval("return redis.error_reply('-X')");
  Eval("return {double = 3.5}");
  Eval("return {big_number = '123456789012345678901234567890'}");
  Eval("return {map = {a = 1}}");
  Eval("return {set = {x = true}}");
  Eval("return {1, loadstring, 3}");  // a function converts to nil, inside an array too
  Eval("return {{ok = 'nested'}, {err = 'ERR nested'}}");
}

TEST_F(ScriptingTest, RedisRepliesBecomeLuaValues) {
  Same({"SET", "s", "hello"});
  Same({"RPUSH", "l", "a", "b", "c"});
  Same({"HSET", "h", "f", "v"});
  Eval("return redis.call('GET', 's')");
  Eval("return redis.call('GET', 'missing') == false");
  Eval("return type(redis.call('GET', 'missing'))");
  Eval("return redis.call('LRANGE', 'l', 0, -1)");
  Eval("return redis.call('SET', 'x', 1)");  // status reply comes back as {ok='OK'}
  Eval("return redis.call('SET', 'x', 1)['ok']");
  Eval("return redis.call('INCRBY', 'n', 5) + 1");
  Eval("return redis.call('INCRBYFLOAT', 'f', 1.5)");
  Eval("return redis.call('EXISTS', 'nope', 's')");
  Eval("return redis.call('HGETALL', 'h')");
  Eval("return type(redis.call('PING'))");
  Eval("return redis.pcall('INCR', 's')");  // error reply as {err=...}
  Eval("return redis.pcall('INCR', 's')['err']");
  Eval("local t = redis.pcall('NOSUCH') return t['err']");
  Eval("return redis.call('SET', KEYS[1], ARGV[1])", {"k1"}, {"v1"});
  Eval("return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}", {"a", "b"}, {"c", "d"});
  Eval("return redis.call('GET', KEYS[1])", {"k1"});
  // Numbers as arguments are formatted as Redis does.
  Eval("redis.call('SET', 'num', 3.25) return redis.call('GET', 'num')");
  Eval("redis.call('SET', 'num', 10) return redis.call('GET', 'num')");
  for (const char* n : {"100000", "1e15", "1e16", "1e17", "-0.0", "0.5", "1e-5", "-7.25",
                        "12345678901234567890", "1/0", "-1/0"}) {
    Eval("redis.call('SET', 'num', " + std::string(n) + ") return redis.call('GET', 'num')");
  }
  Eval("return redis.call('SET', 'num', {})");
  Eval("return redis.call()");
  Eval("return redis.pcall()");
}

TEST_F(ScriptingTest, Resp3RepliesAfterSetresp) {
  const std::string batch =
      RespCommand({"HSET", "h3", "a", "1"}) + RespCommand({"SADD", "s3", "m"}) +
      RespCommand({"EVAL", "redis.setresp(3) return redis.call('HGETALL', 'h3')", "0"}) +
      RespCommand({"EVAL", "redis.setresp(3) return redis.call('SMEMBERS', 's3')", "0"}) +
      RespCommand({"EVAL", "redis.setresp(3) local r = redis.call('HGETALL', 'h3') return r.map.a", "0"}) +
      RespCommand({"EVAL", "redis.setresp(3) return redis.call('GET', 'none') == nil", "0"}) +
      RespCommand({"EVAL", "redis.setresp(3) return true", "0"}) +
      RespCommand({"EVAL", "redis.setresp(3) return false", "0"}) +
      RespCommand({"EVAL", "return false", "0"}) + RespCommand({"EVAL", "return {double = 2.5}", "0"}) +
      RespCommand({"EVAL", "return {map = {k = 'v'}}", "0"}) +
      RespCommand({"EVAL", "return {set = {m = true}}", "0"}) +
      RespCommand({"EVAL", "return {big_number = '12345'}", "0"}) +
      RespCommand({"EVAL", "redis.setresp(3) return redis.call('ZSCORE', 'none', 'm')", "0"}) +
      RespCommand({"EVAL", "redis.setresp(4)", "0"}) + RespCommand({"DEL", "h3", "s3"});
  EXPECT_EQ(Resp3Replies(strata()->port(), batch), Resp3Replies(redis()->port(), batch));
}

TEST_F(ScriptingTest, ErrorsRaisedInsideScripts) {
  Same({"SET", "str", "x"});
  Eval("return redis.call('NOSUCH')");
  Eval("return redis.call('GET')");
  Eval("return redis.call('INCR', 'str')");
  Eval("return redis.call('LPUSH', 'str', 1)");
  Eval("return redis.call('MULTI')");
  Eval("return redis.call('BLPOP', 'l', 0)");
  Eval("return redis.call('SUBSCRIBE', 'c')");
  Eval("return redis.call('EVAL', 'return 1', 0)");
  Eval("return redis.call('CONFIG', 'NOSUCH')");
  Eval("error('boom')");
  Eval("error({err = 'ERR table error'})");
  Eval("error()");
  Eval("\nlocal x = nil\nreturn x.field");  // the line number of the failure
  Eval("return 1 +");                      // syntax error
  Eval("return redis.error_reply(1)");
  Eval("return redis.sha1hex()");
  Eval("redis.log(redis.LOG_WARNING)");
  Eval("redis.log(99, 'x')");
  Eval("local function f() return f() + 1 end return f()");  // Lua stack overflow
  Eval("return pcall(function() redis.call('INCR', 'str') end)");
  Eval("local ok, e = pcall(function() redis.call('INCR', 'str') end) return e");
}

TEST_F(ScriptingTest, SandboxAsRedis7) {
  Eval("x = 1");
  Eval("return x");
  Eval("return os");
  Eval("return io");
  Eval("return print");
  Eval("return require");
  Eval("return loadfile");
  Eval("return dofile");
  Eval("return debug");
  Eval("return setfenv");
  Eval("return getfenv");
  Eval("return newproxy");
  Eval("rawset(_G, 'y', 1)");
  Eval("redis.call = nil");
  Eval("string.foo = 1");
  Eval("table.insert = nil");
  Eval("math.floor = nil");
  Eval("cjson.encode = nil");
  Eval("_G.x = 1");
  Eval("local t = {} t.x = 1 return t.x");  // own tables stay writable
  Eval("return type(loadstring)..type(pcall)..type(unpack)..type(coroutine)");
  Eval("local f = loadstring('return 41') return f() + 1");
  Eval("return {type(cjson), type(bit), type(redis.sha1hex), _VERSION}");
  Eval("return cjson.encode({1, 2, {a = 1}})");
  Eval("return cjson.decode('[1,2,{\"a\":3}]')[3].a");
  Eval("return bit.band(0xff, 0x0f) + bit.bor(1, 2) + bit.lshift(1, 4)");
  Eval("return bit.tohex(65535)");
  Eval("return string.format('%d %s %5.2f', 3, 'x', 1.5)");
  Eval("return tostring(0.1)");
  Eval("return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM, redis.LOG_DEBUG, redis.LOG_WARNING}");
  Eval("return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_REPLICA, redis.REPL_ALL}");
  Eval("return redis.breakpoint()");
  Eval("return redis.debug('x')");
  Eval("return redis.set_repl(redis.REPL_ALL)");
  Eval("return redis.replicate_commands()");
  Eval("return redis.sha1hex('')");
  Eval("return redis.sha1hex('The quick brown fox jumps over the lazy dog')");
  Eval("math.randomseed(42) return {tostring(math.random()), math.random(10), math.random(5, 9)}");
  Eval("return math.random(0)");
}

TEST_F(ScriptingTest, CmsgpackAsRedis) {
  // Every encoding Redis's packer picks, compared byte for byte through a hex dump.
  const std::string hex =
      "local function hex(s) return (s:gsub('.', function(c) "
      "return string.format('%02x', string.byte(c)) end)) end ";
  for (const char* values :
       {"0", "127", "128", "255", "256", "65535", "65536", "4294967295", "4294967296", "-1",
        "-32", "-33", "-128", "-129", "-32768", "-32769", "-2147483648", "-2147483649",
        "1.5", "0.1", "1e300", "-0.25", "true", "false", "nil", "'short'",
        "string.rep('a', 31)", "string.rep('b', 32)", "string.rep('c', 255)",
        "string.rep('d', 256)", "string.rep('e', 70000)", "{}", "{1, 2, 3}", "{a = 1}",
        "{1, 2, nil, 4}", "{[1] = 'x', [3] = 'y'}", "{{{{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}}}}",
        "1, 'two', {3}", "string.rep('x', 20), {k = {1, 2}}"}) {
    Eval(hex + "return hex(cmsgpack.pack(" + values + "))");
    Eval("return {cmsgpack.unpack(cmsgpack.pack(" + std::string(values) + "))}");
  }
  std::vector<std::string> hexes = {"c0", "c2c3", "cc80", "cdffff", "d0ff", "d3ffffffffffffffff",
                                    "ca3fc00000", "cb3fb999999999999a", "a3616263", "d90161",
                                    "c403616263", "93010203", "81a161a162", "dc000101",
                                    "de0001a161a162", "9301", "d9", "c1", "a5616263"};
  for (const std::string& h : hexes) {
    Eval("local s = ARGV[1]:gsub('..', function(x) return string.char(tonumber(x, 16)) end) "
         "return {cmsgpack.unpack(s)}",
         {}, {h});
  }
  Eval("local p = cmsgpack.pack(1, 2, 3) return {cmsgpack.unpack_one(p)}");
  Eval("local p = cmsgpack.pack(1, 2, 3) return {cmsgpack.unpack_one(p, 1)}");
  Eval("local p = cmsgpack.pack(1, 2, 3) return {cmsgpack.unpack_one(p, 2)}");
  Eval("local p = cmsgpack.pack(1, 2, 3) return {cmsgpack.unpack_limit(p, 2)}");
  Eval("local p = cmsgpack.pack(1, 2, 3) return {cmsgpack.unpack_limit(p, 1, 1)}");
  Eval("return cmsgpack.unpack_one('', 5)");
  Eval("return cmsgpack.unpack_limit('', -1)");
  Eval("return cmsgpack.pack()");
}

TEST_F(ScriptingTest, StructAsRedis) {
  const std::string hex =
      "local function hex(s) return (s:gsub('.', function(c) "
      "return string.format('%02x', string.byte(c)) end)) end ";
  for (const char* call :
       {"struct.pack('>I2', 258)", "struct.pack('<I2', 258)", "struct.pack('>i4', -2)",
        "struct.pack('<bBhHlL', -1, 255, -2, 65535, -3, 7)", "struct.pack('>d', 1.5)",
        "struct.pack('<f', 0.5)", "struct.pack('s', 'abc')", "struct.pack('c5', 'abcdefg')",
        "struct.pack('!4 b i4', 1, 2)", "struct.pack('>I3', 65536 * 3 + 1)",
        "struct.pack('x')", "struct.pack('>i8', -1)"}) {
    Eval(hex + "return hex(" + call + ")");
  }
  Eval("return {struct.unpack('>I2', '\1\2')}");
  Eval("return {struct.unpack('<i4', struct.pack('<i4', -123456))}");
  Eval("return {struct.unpack('>d', struct.pack('>d', 2.25))}");
  Eval("return {struct.unpack('s', 'ab\0cd')}");
  Eval("return {struct.unpack('b c0', struct.pack('b', 3) .. 'xyz')}");
  Eval("return {struct.unpack('>I2', 'abcd', 3)}");
  Eval("return {struct.size('>I2 i4 d'), struct.size('!8 b d')}");
  Eval("return struct.size('s')");
  Eval("return struct.size('c0')");
  Eval("return struct.unpack('>I4', 'ab')");
  Eval("return struct.unpack('s', 'abc')");
  Eval("return struct.pack('y', 1)");
  Eval("return struct.pack('!3')");
  Eval("return struct.pack('i40', 1)");
  Eval("return struct.unpack('c0', 'abc')");
}

TEST_F(ScriptingTest, ScriptCacheAndEvalsha) {
  Reply sha = Same({"SCRIPT", "LOAD", "return 'loaded'"});
  ASSERT_EQ(sha.str.size(), 40u);
  Same({"EVALSHA", sha.str, "0"});
  std::string upper = sha.str;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Same({"EVALSHA", upper, "0"});
  Same({"EVALSHA_RO", sha.str, "0"});
  Same({"SCRIPT", "EXISTS", sha.str, "ffffffffffffffffffffffffffffffffffffffff", "abc"});
  Same({"EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"});
  Same({"EVALSHA", "short", "0"});
  Same({"EVAL", "return 'cached by eval'", "0"});
  Same({"SCRIPT", "EXISTS", "4f1cbd8c3ac3a4ea7d6d6d4e1a4d3cd3b0a8ecd5"});
  Same({"SCRIPT", "LOAD", "return +"});
  Same({"SCRIPT", "FLUSH", "ASYNC"});
  Same({"SCRIPT", "FLUSH", "SYNC"});
  Same({"SCRIPT", "FLUSH", "BAD"});
  Same({"SCRIPT", "EXISTS", sha.str});
  Same({"EVALSHA", sha.str, "0"});
  Same({"SCRIPT", "KILL"});
  Same({"SCRIPT", "NOSUCH"});
  Same({"SCRIPT"});
  ExpectHelpReply(strata_client_->Cmd("SCRIPT HELP"), "SCRIPT",
                  {"EXISTS", "FLUSH", "KILL", "LOAD"});
}

// The value of `field` in INFO `section`, or "" if absent.
std::string InfoField(Client& c, const std::string& section, const std::string& field) {
  std::string info = c.Cmd(std::vector<std::string>{"INFO", section}).str;
  std::size_t at = info.find("\r\n" + field + ":");
  if (at == std::string::npos) return "";
  at += field.size() + 3;
  return info.substr(at, info.find("\r\n", at) - at);
}

TEST_F(ScriptingTest, InfoCountsCachedScripts) {
  Same({"SCRIPT", "LOAD", "return 1"});
  Same({"EVAL", "return 2", "0"});
  Same({"EVAL", "return 2", "0"});
  EXPECT_EQ(InfoField(*strata_client_, "memory", "number_of_cached_scripts"), "2");
  EXPECT_EQ(InfoField(*redis_client_, "memory", "number_of_cached_scripts"), "2");
  EXPECT_GT(std::stoll(InfoField(*strata_client_, "memory", "used_memory_lua")), 0);
  EXPECT_EQ(InfoField(*strata_client_, "memory", "used_memory_scripts"),
            std::to_string(std::string("return 1").size() + std::string("return 2").size()));
  Same({"SCRIPT", "FLUSH"});
  EXPECT_EQ(InfoField(*strata_client_, "memory", "number_of_cached_scripts"), "0");
}

TEST_F(ScriptingTest, ErrorstatsCountEachErrorOnceAsRedis) {
  Same({"CONFIG", "RESETSTAT"});
  Same({"SET", "str", "x"});
  Same({"INCR", "str"});
  Same({"NOSUCH"});
  Same({"GET"});
  Same({"LPUSH", "str", "a"});
  Eval("return redis.call('INCR', 'str')");
  Eval("return redis.pcall('INCR', 'str')");
  Eval("error('boom')");
  Eval("local r = redis.pcall('INCR', 'str') return 1");
  Eval("return {err = 'MYERR custom'}");
  Eval("return redis.call('NOSUCH')");
  Eval("return redis.pcall('LPUSH', 'str', 1)");
  Same({"EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"});
  EXPECT_EQ(strata_client_->Cmd(std::vector<std::string>{"INFO", "errorstats"}).str,
            redis_client_->Cmd(std::vector<std::string>{"INFO", "errorstats"}).str);
  EXPECT_EQ(InfoField(*strata_client_, "stats", "total_error_replies"),
            InfoField(*redis_client_, "stats", "total_error_replies"));
  for (const char* cmd : {"cmdstat_incr", "cmdstat_eval", "cmdstat_lpush"}) {
    std::string s = InfoField(*strata_client_, "commandstats", cmd);
    std::string r = InfoField(*redis_client_, "commandstats", cmd);
    // usec differs; calls, rejected_calls and failed_calls must not.
    EXPECT_EQ(s.substr(0, s.find(',')), r.substr(0, r.find(','))) << cmd;
    EXPECT_EQ(s.substr(s.find("rejected_calls")), r.substr(r.find("rejected_calls"))) << cmd;
  }
}

TEST_F(ScriptingTest, NumkeysAndArity) {
  Same({"EVAL", "return 1"});
  Same({"EVAL", "return 1", "-1"});
  Same({"EVAL", "return 1", "2", "a"});
  Same({"EVAL", "return 1", "x"});
  Same({"EVAL", "return #KEYS", "1", "a", "b"});
  Same({"EVALSHA", "x"});
  Same({"COMMAND", "GETKEYS", "EVAL", "return 1", "2", "a", "b", "c"});
  Same({"COMMAND", "GETKEYS", "EVALSHA_RO", "abc", "1", "k"});
}

TEST_F(ScriptingTest, ReadOnlyScriptsRefuseWrites) {
  Same({"SET", "k", "v"});
  Same({"EVAL_RO", "return redis.call('GET', KEYS[1])", "1", "k"});
  Same({"EVAL_RO", "return redis.call('SET', KEYS[1], 'x')", "1", "k"});
  Same({"EVAL_RO", "return redis.pcall('DEL', KEYS[1])", "1", "k"});
  Same({"GET", "k"});
  Reply sha = Same({"SCRIPT", "LOAD", "return redis.call('INCR', 'counter')"});
  Same({"EVALSHA_RO", sha.str, "0"});
  Same({"EVALSHA", sha.str, "0"});
}

TEST_F(ScriptingTest, SelectInsideAScriptStaysInTheScript) {
  Eval("redis.call('SELECT', 5) redis.call('SET', 'in5', 'x') return redis.call('GET', 'in5')");
  Same({"GET", "in5"});
  Same({"SELECT", "5"});
  Same({"GET", "in5"});
  Same({"DEL", "in5"});
  Same({"SELECT", "0"});
}

TEST_F(ScriptingTest, ScriptsInsideMultiExec) {
  Same({"MULTI"});
  Same({"EVAL", "return redis.call('INCR', KEYS[1])", "1", "tx"});
  Same({"EVAL", "return redis.call('INCR', 'undeclared')", "0"});
  Same({"EVAL", "return redis.call('DBSIZE')", "0"});
  Same({"EXEC"});
}

TEST_F(ScriptingTest, WritesWakeBlockedClientsAndWatch) {
  Client watcher_s(strata()->port()), watcher_r(redis()->port());
  ExpectSameReply(&watcher_s, &watcher_r, {"WATCH", "w"});
  Eval("return redis.call('SET', 'w', 1)");
  ExpectSameReply(&watcher_s, &watcher_r, {"MULTI"});
  ExpectSameReply(&watcher_s, &watcher_r, {"GET", "w"});
  ExpectSameReply(&watcher_s, &watcher_r, {"EXEC"});  // nil: the script changed w
}

}  // namespace
}  // namespace strata::test
