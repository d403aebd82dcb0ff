// What the two halves of the VM share (lua_vm.cc: the sandbox and EVAL scripts;
// lua_functions.cc: function libraries). Not for use outside src/scripting.
#pragma once

#include <lua.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scripting/lua_vm.h"
#include "strata/status.h"

namespace strata::lua::detail {

extern char kScriptEnvKey;  // registry: the globals proxy scripts and functions see

// What the running code's C callbacks need. A library being loaded has no host.
struct RunState {
  ScriptHost* host = nullptr;
  int resp = 2;  // redis.setresp
  Rand48* rand = nullptr;
  std::string scratch;  // the reply of the current redis.call
  std::vector<Vm::FunctionDef>* staging = nullptr;  // FUNCTION LOAD: what it registered
  std::int64_t load_deadline_ms = 0;
};

RunState* CurrentRun(lua_State* L);
void SetCurrentRun(lua_State* L, RunState* run);

int ErrorHandler(lua_State* L);  // message handler: errors become Redis's error tables
void Hook(lua_State* L, lua_Debug* ar);  // count hook: SCRIPT KILL, busy, load timeout
int MissingGlobal(lua_State* L);  // __index raising Redis's "nonexistent global" error
int ReadonlyNewIndex(lua_State* L);
int RaiseError(lua_State* L, std::string_view message);
int RedisLog(lua_State* L);

void PushArray(lua_State* L, std::span<const std::string_view> items);
// Compiles `code` as chunk `chunk` and pushes the function; on a syntax error pushes nothing
// and returns Redis's text: `error_prefix` then Lua's message.
Status Compile(lua_State* L, std::string_view code, const char* chunk,
               std::string_view error_prefix);
void SetFunction(lua_State* L, const char* name, lua_CFunction fn);
void SetNumber(lua_State* L, const char* name, double v);
void MarkReadonly(lua_State* L, int index);
// Pushes a new metatable that refuses writes with Redis's error and hides itself.
void PushReadonlyMetatable(lua_State* L);
void PushReadonlyProxy(lua_State* L, int index);

}  // namespace strata::lua::detail
