#include "scripting/lua_vm.h"

#include <lua.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "scripting/lua_convert.h"
#include "scripting/lua_internal.h"
#include "scripting/lua_libs.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/sha1.h"

extern "C" {
int luaopen_cjson(lua_State* L);
int luaopen_bit(lua_State* L);
}

namespace strata::lua {
namespace detail {

// Registry keys (addresses are unique).
char kVmKey;
char kScriptsKey;  // sha -> compiled function
char kReadonlyKey;  // set of read-only tables (weak keys)
char kScriptEnvKey;

void SetCurrentRun(lua_State* L, RunState* run) {
  lua_pushlightuserdata(L, &kVmKey);
  if (run != nullptr) {
    lua_pushlightuserdata(L, run);
  } else {
    lua_pushnil(L);
  }
  lua_rawset(L, LUA_REGISTRYINDEX);
}

RunState* CurrentRun(lua_State* L) {
  lua_pushlightuserdata(L, &kVmKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  auto* run = static_cast<RunState*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return run;
}

[[noreturn]] void RaiseReadonly(lua_State* L, bool with_position) {
  if (with_position) luaL_error(L, "Attempt to modify a readonly table");
  lua_pushstring(L, "Attempt to modify a readonly table");
  lua_error(L);
  __builtin_unreachable();
}

int ReadonlyNewIndex(lua_State* L) { RaiseReadonly(L, true); }

int MissingGlobal(lua_State* L) {
  const char* name = lua_tostring(L, 2);
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                    name != nullptr ? name : "?");
}

bool IsReadonly(lua_State* L, int index) {
  index = index < 0 ? lua_gettop(L) + index + 1 : index;
  lua_pushlightuserdata(L, &kReadonlyKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushvalue(L, index);
  lua_rawget(L, -2);
  bool ro = lua_toboolean(L, -1);
  lua_pop(L, 2);
  return ro;
}

// rawset refuses the protected tables, as Redis's patched interpreter does.
int SafeRawset(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  if (IsReadonly(L, 1)) RaiseReadonly(L, false);
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 1;
}

// The message handler of every script call: errors become {err=..., source=..., line=...}
// so that the reply can say where the script failed, as Redis's does.
int ErrorHandler(lua_State* L) {
  lua_Debug ar;
  bool have = lua_getstack(L, 1, &ar) && lua_getinfo(L, "nSl", &ar);
  if (have && std::strcmp(ar.what, "C") == 0) {
    have = lua_getstack(L, 2, &ar) && lua_getinfo(L, "nSl", &ar);
  }
  if (!lua_istable(L, 1)) {
    std::string msg = "ERR ";
    if (lua_isstring(L, 1)) {
      msg += lua_tostring(L, 1);
    } else if (lua_isnil(L, 1)) {
      msg += "nil";
    } else {
      msg += luaL_typename(L, 1);
    }
    lua_newtable(L);
    lua_pushstring(L, "err");
    lua_pushlstring(L, msg.data(), msg.size());
    lua_rawset(L, -3);
    lua_replace(L, 1);
  }
  if (have) {
    lua_pushstring(L, "source");
    lua_pushstring(L, ar.source);
    lua_rawset(L, 1);
    lua_pushstring(L, "line");
    lua_pushinteger(L, ar.currentline);
    lua_rawset(L, 1);
  }
  lua_settop(L, 1);
  return 1;
}

// Raises Redis's error table for `message` (no position: as Redis's C callbacks do).
int RaiseError(lua_State* L, std::string_view message) {
  PushError(L, message);
  return lua_error(L);
}

// Redis's pcall: like Lua's, but an error table comes back as its message string.
int Pcall(lua_State* L) {
  int argc = lua_gettop(L);
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  if (lua_pcall(L, argc - 1, LUA_MULTRET, 0) != 0) {
    lua_remove(L, 1);
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) {
        lua_replace(L, -2);
      } else {
        lua_pop(L, 1);
      }
    }
    lua_pushboolean(L, 0);
    lua_insert(L, 1);
  }
  return lua_gettop(L);
}

// Lua raises errors with longjmp, which skips C++ destructors: everything owning memory
// lives in this function, and the callers raise only after it returned.
bool CallInto(lua_State* L, RunState* run, int argc) {
  constexpr int kInline = 16;
  std::string_view inline_args[kInline];
  std::vector<std::string_view> heap_args;
  std::string_view* args = inline_args;
  if (argc > kInline) {
    heap_args.resize(static_cast<std::size_t>(argc));
    args = heap_args.data();
  }
  // Numeric arguments, as Redis formats them (%.17g); integers, the usual case, without a
  // heap string.
  char digits[kInline][24];
  std::vector<std::string> formatted;
  for (int i = 1; i <= argc; ++i) {
    int t = lua_type(L, i);
    if (t == LUA_TSTRING) {
      std::size_t len;
      const char* p = lua_tolstring(L, i, &len);
      args[i - 1] = std::string_view(p, len);
      continue;
    }
    if (t != LUA_TNUMBER) {
      PushError(L, "Lua redis lib command arguments must be strings or integers");
      return false;
    }
    lua_Number n = lua_tonumber(L, i);
    if (i <= kInline && n >= -1e15 && n <= 1e15 && !(n == 0 && std::signbit(n)) &&
        n == static_cast<lua_Number>(static_cast<long long>(n))) {
      auto [end, ec] = std::to_chars(digits[i - 1], digits[i - 1] + sizeof digits[i - 1],
                                     static_cast<long long>(n));
      (void)ec;
      args[i - 1] = std::string_view(digits[i - 1], static_cast<std::size_t>(end - digits[i - 1]));
      continue;
    }
    if (formatted.empty()) formatted.reserve(static_cast<std::size_t>(argc));
    char text[32];
    int len = std::snprintf(text, sizeof text, "%.17g", n);  // Redis's own format here
    formatted.emplace_back(text, static_cast<std::size_t>(len));
    args[i - 1] = formatted.back();
  }
  std::string& out = run->scratch;
  out.clear();
  const bool ran = run->host->Call(
      std::span<const std::string_view>(args, static_cast<std::size_t>(argc)), run->resp == 3, &out);
  std::string_view reply(out);
  if (!reply.empty() && reply[0] == '-') {
    if (ran) {
      PushErrorReply(L, reply);  // the command's own error, counted when it was written
    } else {
      PushErrorBuff(L, reply.substr(0, reply.find("\r\n")));
    }
    return false;
  }
  PushReply(L, reply, run->resp == 3);
  return true;
}

int CallCommon(lua_State* L, bool raise) {
  RunState* run = CurrentRun(L);
  int argc = lua_gettop(L);
  if (argc == 0) {
    PushError(L, "Please specify at least one argument for this redis lib call");
    return raise ? lua_error(L) : 1;
  }
  if (!CallInto(L, run, argc) && raise) return lua_error(L);
  return 1;
}

int RedisCall(lua_State* L) { return CallCommon(L, true); }
int RedisPcall(lua_State* L) { return CallCommon(L, false); }

int RedisSha1Hex(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseError(L, "wrong number of arguments");
  std::size_t len;
  const char* p = lua_tolstring(L, 1, &len);
  std::string hex = Sha1Hex(std::string_view(p != nullptr ? p : "", p != nullptr ? len : 0));
  lua_pushlstring(L, hex.data(), hex.size());
  return 1;
}

int ReplyTable(lua_State* L, const char* field) {
  if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
    PushError(L, "wrong number or type of arguments");  // returned, not raised
    return 1;
  }
  lua_newtable(L);
  lua_pushstring(L, field);
  lua_pushvalue(L, 1);
  lua_rawset(L, -3);
  return 1;
}

int RedisErrorReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
    PushError(L, "wrong number or type of arguments");  // returned, not raised
    return 1;
  }
  std::size_t len;
  const char* p = lua_tolstring(L, 1, &len);
  std::string err;
  if (len == 0 || p[0] != '-') err = "-";
  err.append(p, len);
  PushErrorBuff(L, err);
  return 1;
}

int RedisStatusReply(lua_State* L) { return ReplyTable(L, "ok"); }

int RedisLog(lua_State* L) {
  int argc = lua_gettop(L);
  if (argc < 2) return RaiseError(L, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, 1)) return RaiseError(L, "First argument must be a number (log level).");
  int level = static_cast<int>(lua_tonumber(L, 1));
  if (level < 0 || level > 3) return RaiseError(L, "Invalid debug level.");
  std::string msg;
  for (int i = 2; i <= argc; ++i) {
    std::size_t len;
    const char* p = lua_tolstring(L, i, &len);
    if (p == nullptr) continue;
    if (i > 2) msg += ' ';
    msg.append(p, len);
  }
  if (ScriptHost* host = CurrentRun(L)->host; host != nullptr) {
    host->Log(level, msg);
  } else if (level >= 3) {  // a library being loaded: nobody to hand it to
    LogWarning(msg);
  } else if (level >= 2) {
    LogInfo(msg);
  }
  return 0;
}

int RedisSetResp(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseError(L, "redis.setresp() requires one argument.");
  int resp = static_cast<int>(lua_tonumber(L, 1));
  if (resp != 2 && resp != 3) return RaiseError(L, "RESP version must be 2 or 3.");
  CurrentRun(L)->resp = resp;
  return 0;
}

int RedisSetRepl(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseError(L, "redis.set_repl() requires one argument.");
  int flags = static_cast<int>(lua_tonumber(L, 1));
  if (flags < 0 || flags > 3) return RaiseError(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
  return 0;  // no replicas: nothing to propagate
}

int RedisReplicateCommands(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

int RedisBreakpoint(lua_State* L) {
  lua_pushboolean(L, 0);  // no debugging session
  return 1;
}

int RedisDebug(lua_State*) { return 0; }

// math.random and math.randomseed over Redis's rand48, as its bundled Lua does.
int MathRandom(lua_State* L) {
  Rand48* rand = CurrentRun(L)->rand;
  constexpr double kMax = 2147483647.0;
  double r = static_cast<double>(rand->Next() % 2147483647) / kMax;
  switch (lua_gettop(L)) {
    case 0:
      lua_pushnumber(L, r);
      break;
    case 1: {
      int u = luaL_checkint(L, 1);
      luaL_argcheck(L, 1 <= u, 1, "interval is empty");
      lua_pushnumber(L, std::floor(r * u) + 1);
      break;
    }
    case 2: {
      int l = luaL_checkint(L, 1);
      int u = luaL_checkint(L, 2);
      luaL_argcheck(L, l <= u, 2, "interval is empty");
      lua_pushnumber(L, std::floor(r * (u - l + 1)) + l);
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments");
  }
  return 1;
}

int MathRandomSeed(lua_State* L) {
  CurrentRun(L)->rand->Seed(static_cast<std::int32_t>(luaL_checkint(L, 1)));
  return 0;
}

bool Interrupted(lua_State* L, RunState* run) {
  std::string error;
  if (!run->host->Interrupt(&error)) return false;
  PushError(L, error);
  return true;
}

void Hook(lua_State* L, lua_Debug*) {
  RunState* run = CurrentRun(L);
  if (run == nullptr) return;
  if (run->host == nullptr) {  // a library being loaded
    if (UnixTimeMs() > run->load_deadline_ms) RaiseError(L, "FUNCTION LOAD timeout");
    return;
  }
  // lua_error only once `error` is gone (longjmp skips destructors).
  if (Interrupted(L, run)) lua_error(L);
}

void PushArray(lua_State* L, std::span<const std::string_view> items) {
  lua_createtable(L, static_cast<int>(items.size()), 0);
  for (std::size_t i = 0; i < items.size(); ++i) {
    lua_pushlstring(L, items[i].data(), items[i].size());
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
}

Status Compile(lua_State* L, std::string_view code, const char* chunk,
               std::string_view error_prefix) {
  if (luaL_loadbuffer(L, code.data(), code.size(), chunk) == 0) return Status::OK();
  std::string msg(error_prefix);
  msg += lua_tostring(L, -1);
  lua_pop(L, 1);
  return Status::InvalidArgument(msg);
}

void SetFunction(lua_State* L, const char* name, lua_CFunction fn) {
  lua_pushstring(L, name);
  lua_pushcfunction(L, fn);
  lua_rawset(L, -3);
}

void SetNumber(lua_State* L, const char* name, double v) {
  lua_pushstring(L, name);
  lua_pushnumber(L, v);
  lua_rawset(L, -3);
}

void MarkReadonly(lua_State* L, int index) {
  index = index < 0 ? lua_gettop(L) + index + 1 : index;
  lua_pushlightuserdata(L, &kReadonlyKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushvalue(L, index);
  lua_pushboolean(L, 1);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

void PushReadonlyMetatable(lua_State* L) {
  lua_newtable(L);
  lua_pushstring(L, "__newindex");
  lua_pushcfunction(L, ReadonlyNewIndex);
  lua_rawset(L, -3);
  lua_pushstring(L, "__metatable");
  lua_pushboolean(L, 0);
  lua_rawset(L, -3);
}

// Pushes a read-only proxy of the table at `index`: reads go through to it, writes raise
// Redis's error, and its metatable is hidden.
void PushReadonlyProxy(lua_State* L, int index) {
  index = index < 0 ? lua_gettop(L) + index + 1 : index;
  lua_newtable(L);  // proxy
  PushReadonlyMetatable(L);
  lua_pushstring(L, "__index");
  lua_pushvalue(L, index);
  lua_rawset(L, -3);
  lua_setmetatable(L, -2);
  MarkReadonly(L, -1);
}

// Replaces the library table global `name` by a read-only proxy of it.
void ProtectLibrary(lua_State* L, const char* name) {
  lua_getglobal(L, name);
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  PushReadonlyProxy(L, -1);
  lua_setglobal(L, name);
  lua_pop(L, 1);
}

}  // namespace detail

using namespace detail;

std::int32_t Rand48::Next() {
  x = (0x5DEECE66DULL * x + 0xB) & ((1ULL << 48) - 1);
  return static_cast<std::int32_t>(x >> 17);
}

Vm::Vm(Rand48* rand, Kind kind) : rand_(rand) {
  Open();
  if (kind == Kind::kFunctions) OpenFunctions();
}

Vm::~Vm() {
  if (L_ != nullptr) lua_close(L_);
}

std::string Vm::Sha1Hex(std::string_view body) { return strata::Sha1Hex(body); }

void Vm::Open() {
  lua_State* L = luaL_newstate();
  L_ = L;
  // The libraries Redis opens; debug only for this set-up, then removed.
  static const luaL_Reg kLibs[] = {{"", luaopen_base},         {LUA_TABLIBNAME, luaopen_table},
                                   {LUA_STRLIBNAME, luaopen_string}, {LUA_MATHLIBNAME, luaopen_math},
                                   {"cjson", luaopen_cjson},   {"bit", luaopen_bit},
                                   {"cmsgpack", OpenMsgpack},  {"struct", OpenStruct}};
  for (const luaL_Reg& lib : kLibs) {
    lua_pushcfunction(L, lib.func);
    lua_pushstring(L, lib.name);
    lua_call(L, 1, 1);
    if (std::strcmp(lib.name, "cjson") == 0 || std::strcmp(lib.name, "cmsgpack") == 0 ||
        std::strcmp(lib.name, "struct") == 0) {
      lua_setglobal(L, lib.name);  // these openers do not register a global
    } else {
      lua_pop(L, 1);
    }
  }
  for (const char* name : {"dofile", "loadfile", "print", "setfenv", "getfenv", "module",
                           "require", "newproxy", "package", "os", "io", "debug"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  lua_pushcfunction(L, SafeRawset);
  lua_setglobal(L, "rawset");
  lua_pushcfunction(L, Pcall);
  lua_setglobal(L, "pcall");

  lua_pushlightuserdata(L, &kScriptsKey);
  lua_newtable(L);
  lua_rawset(L, LUA_REGISTRYINDEX);
  lua_pushlightuserdata(L, &kReadonlyKey);
  lua_newtable(L);
  lua_newtable(L);
  lua_pushstring(L, "__mode");
  lua_pushstring(L, "k");
  lua_rawset(L, -3);
  lua_setmetatable(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);

  lua_getglobal(L, "math");
  SetFunction(L, "random", MathRandom);
  SetFunction(L, "randomseed", MathRandomSeed);
  lua_pop(L, 1);

  lua_newtable(L);  // redis
  SetFunction(L, "call", RedisCall);
  SetFunction(L, "pcall", RedisPcall);
  SetFunction(L, "sha1hex", RedisSha1Hex);
  SetFunction(L, "error_reply", RedisErrorReply);
  SetFunction(L, "status_reply", RedisStatusReply);
  SetFunction(L, "log", RedisLog);
  SetFunction(L, "setresp", RedisSetResp);
  SetFunction(L, "set_repl", RedisSetRepl);
  SetFunction(L, "replicate_commands", RedisReplicateCommands);
  SetFunction(L, "breakpoint", RedisBreakpoint);
  SetFunction(L, "debug", RedisDebug);
  SetNumber(L, "LOG_DEBUG", 0);
  SetNumber(L, "LOG_VERBOSE", 1);
  SetNumber(L, "LOG_NOTICE", 2);
  SetNumber(L, "LOG_WARNING", 3);
  SetNumber(L, "REPL_NONE", 0);
  SetNumber(L, "REPL_AOF", 1);
  SetNumber(L, "REPL_SLAVE", 2);
  SetNumber(L, "REPL_REPLICA", 2);
  SetNumber(L, "REPL_ALL", 3);
  lua_pushstring(L, "REDIS_VERSION");
  lua_pushstring(L, "7.0.15");
  lua_rawset(L, -3);
  SetNumber(L, "REDIS_VERSION_NUM", 0x07000f);
  lua_setglobal(L, "redis");

  for (const char* lib : {"redis", "string", "table", "math", "bit", "cjson", "cmsgpack",
                          "struct", "coroutine"}) {
    ProtectLibrary(L, lib);
  }

  // Scripts see a proxy of the globals: reads fall through to the real table (and from
  // there to an error for names nobody defined); writes are refused.
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  lua_newtable(L);
  lua_pushstring(L, "__index");
  lua_pushcfunction(L, MissingGlobal);
  lua_rawset(L, -3);
  lua_setmetatable(L, -2);  // real globals: unknown names raise
  lua_pushlightuserdata(L, &kScriptEnvKey);
  lua_pushvalue(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);

  PushReadonlyProxy(L, -1);  // what scripts see as their globals
  MarkReadonly(L, -2);
  lua_pushstring(L, "_G");
  lua_pushvalue(L, -2);
  lua_rawset(L, -4);  // real._G = proxy
  lua_pushlightuserdata(L, &kScriptEnvKey);
  lua_pushvalue(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);  // the registry keeps the proxy from now on
  lua_pop(L, 2);
}

Status Vm::Load(std::string_view body, std::string* sha) {
  *sha = Sha1Hex(body);
  if (Has(*sha)) return Status::OK();
  lua_State* L = L_;
  STRATA_RETURN_IF_ERROR(Compile(L, body, "@user_script", "Error compiling script (new function): "));
  lua_pushlightuserdata(L, &kScriptEnvKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_setfenv(L, -2);
  lua_pushlightuserdata(L, &kScriptsKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushlstring(L, sha->data(), sha->size());
  lua_pushvalue(L, -3);
  lua_rawset(L, -3);
  lua_pop(L, 2);
  ++scripts_;
  scripts_bytes_ += body.size();
  return Status::OK();
}

bool Vm::Has(std::string_view sha) const {
  lua_State* L = L_;
  lua_pushlightuserdata(L, &kScriptsKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushlstring(L, sha.data(), sha.size());
  lua_rawget(L, -2);
  bool found = !lua_isnil(L, -1);
  lua_pop(L, 2);
  return found;
}

std::size_t Vm::cached_scripts() const { return scripts_; }

std::size_t Vm::memory_bytes() const {
  return static_cast<std::size_t>(lua_gc(L_, LUA_GCCOUNT, 0)) * 1024 +
         static_cast<std::size_t>(lua_gc(L_, LUA_GCCOUNTB, 0));
}

void Vm::Run(std::string_view sha, const RunOptions& options, ScriptHost* host,
             ReplyBuilder& reply) {
  lua_State* L = L_;
  // KEYS and ARGV are globals, set past the read-only proxy.
  lua_pushstring(L, "KEYS");
  PushArray(L, options.keys);
  lua_rawset(L, LUA_GLOBALSINDEX);
  lua_pushstring(L, "ARGV");
  PushArray(L, options.args);
  lua_rawset(L, LUA_GLOBALSINDEX);
  lua_pushcfunction(L, ErrorHandler);
  lua_pushlightuserdata(L, &kScriptsKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_pushlstring(L, sha.data(), sha.size());
  lua_rawget(L, -2);
  lua_remove(L, -2);
  CallPrepared(0, sha, host, reply);
}

void Vm::CallPrepared(int nargs, std::string_view name, ScriptHost* host, ReplyBuilder& reply) {
  lua_State* L = L_;
  const int handler = lua_gettop(L) - nargs - 1;
  RunState run;
  run.host = host;
  run.rand = rand_;
  SetCurrentRun(L, &run);
  lua_sethook(L, Hook, LUA_MASKCOUNT, 100000);
  int rc = lua_pcall(L, nargs, 1, handler);
  lua_sethook(L, nullptr, 0, 0);
  host->Finished();
  if (rc != 0) {
    WriteRunError(L, -1, name, reply);
  } else {
    WriteReply(L, -1, run.resp == 3, reply);
  }
  lua_settop(L, handler - 1);
  SetCurrentRun(L, nullptr);
  // A step of the collector every 50 runs, as Redis: a step per run costs too much, and
  // leaving it all to Lua's own pacing makes for long full cycles.
  if (++runs_since_gc_ == 50) {
    lua_gc(L, LUA_GCSTEP, 50);
    runs_since_gc_ = 0;
  }
}

}  // namespace strata::lua
