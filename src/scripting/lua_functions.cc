// Function libraries in the functions interpreter, as Redis 7.0 runs them
// (function_lua.c): a library's code runs once, at FUNCTION LOAD, against an API holding
// only redis.register_function, redis.log and the version fields; the functions it
// registers run later against the full script API.
//
// Every library's code gets one globals table, empty and read-only. Its (hidden) metatable
// points reads at the load API while a library loads and at the script globals otherwise,
// so a function defined at load time sees the full API when it is called.
#include <cctype>
#include <cstring>

#include "scripting/lua_convert.h"
#include "scripting/lua_internal.h"
#include "util/clock.h"

namespace strata::lua {
namespace {

using namespace detail;

char kLibrariesKey;      // registry: library name -> {function name -> function}
char kStagedKey;         // registry: the functions of the library being loaded
char kLibraryMetaKey;    // registry: the metatable of the libraries' globals table
char kLoadApiKey;        // registry: what library code sees while it loads
char kLibraryGlobalsKey; // registry: the libraries' globals table

// __index of a read-only table whose missing fields are errors: (proxy, key) with the real
// table as upvalue.
int IndexOrMissing(lua_State* L) {
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  if (!lua_isnil(L, -1)) return 1;
  return MissingGlobal(L);
}

void PushRegistry(lua_State* L, char* key) {
  lua_pushlightuserdata(L, key);
  lua_rawget(L, LUA_REGISTRYINDEX);
}

void SetRegistry(lua_State* L, char* key) {  // value on top
  lua_pushlightuserdata(L, key);
  lua_insert(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);
}

// Points the libraries' globals at the table on top of the stack (popped).
void SetLibraryIndex(lua_State* L) {
  PushRegistry(L, &kLibraryMetaKey);
  lua_pushstring(L, "__index");
  lua_pushvalue(L, -3);
  lua_rawset(L, -3);
  lua_pop(L, 2);
}

// Reads the flags table at `index` into `*flags`; false if a flag is unknown.
bool ReadFlags(lua_State* L, int index, std::uint32_t* flags) {
  *flags = 0;
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    const char* name = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : nullptr;
    lua_pop(L, 1);
    std::uint32_t bit = 0;
    for (std::size_t i = 0; name != nullptr && i < std::size(kFunctionFlagNames); ++i) {
      if (std::strcmp(name, kFunctionFlagNames[i]) == 0) bit = 1u << i;
    }
    if (bit == 0) {
      lua_pop(L, 1);
      return false;
    }
    *flags |= bit;
  }
  return true;
}

// Everything but raising the error, which must happen once no C++ object is alive.
const char* Register(lua_State* L, RunState* run) {
  const int argc = lua_gettop(L);
  Vm::FunctionDef def;
  int callback = 0;
  if (argc == 1) {
    if (!lua_istable(L, 1)) {
      return "calling redis.register_function with a single argument is only applicable to "
             "Lua table (representing named arguments).";
    }
    bool have_name = false, have_callback = false;
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
      const char* key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
      if (std::strcmp(key, "function_name") == 0) {
        if (!lua_isstring(L, -1)) return "function_name argument given to redis.register_function must be a string";
        def.name = lua_tostring(L, -1);
        have_name = true;
      } else if (std::strcmp(key, "description") == 0) {
        if (!lua_isstring(L, -1)) return "description argument given to redis.register_function must be a string";
        def.description = lua_tostring(L, -1);
        def.has_description = true;
      } else if (std::strcmp(key, "callback") == 0) {
        if (!lua_isfunction(L, -1)) return "callback argument given to redis.register_function must be a function";
        have_callback = true;
      } else if (std::strcmp(key, "flags") == 0) {
        if (!lua_istable(L, -1)) return "flags argument to redis.register_function must be a table representing function flags";
        if (!ReadFlags(L, lua_gettop(L), &def.flags)) return "unknown flag given";
      } else {
        return "unknown argument given to redis.register_function";
      }
      lua_pop(L, 1);
    }
    if (!have_name) return "redis.register_function must get a function name argument";
    if (!have_callback) return "redis.register_function must get a callback argument";
    lua_pushstring(L, "callback");
    lua_rawget(L, 1);
    callback = lua_gettop(L);
  } else if (argc == 2) {
    if (!lua_isstring(L, 1)) return "first argument to redis.register_function must be a string";
    if (!lua_isfunction(L, 2)) return "second argument to redis.register_function must be a function";
    def.name = lua_tostring(L, 1);
    callback = 2;
  } else {
    return "wrong number of arguments to redis.register_function";
  }
  if (!ValidFunctionName(def.name)) return kInvalidNameError.data();
  for (const Vm::FunctionDef& other : *run->staging) {
    if (other.name == def.name) return "Function already exists in the library";
  }
  PushRegistry(L, &kStagedKey);
  lua_pushlstring(L, def.name.data(), def.name.size());
  lua_pushvalue(L, callback);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  run->staging->push_back(std::move(def));
  return nullptr;
}

int RegisterFunction(lua_State* L) {
  RunState* run = CurrentRun(L);
  const char* error = run != nullptr && run->staging != nullptr
                          ? Register(L, run)
                          : "redis.register_function can only be called on FUNCTION LOAD command";
  if (error != nullptr) return RaiseError(L, error);
  return 0;
}

}  // namespace

bool ValidFunctionName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

void Vm::OpenFunctions() {
  lua_State* L = L_;
  lua_newtable(L);
  SetRegistry(L, &kLibrariesKey);

  // The load API: `redis` with register_function, log and the version fields; anything
  // else is a missing global.
  lua_newtable(L);  // the real load-time redis table
  SetFunction(L, "register_function", RegisterFunction);
  SetFunction(L, "log", RedisLog);
  SetNumber(L, "LOG_DEBUG", 0);
  SetNumber(L, "LOG_VERBOSE", 1);
  SetNumber(L, "LOG_NOTICE", 2);
  SetNumber(L, "LOG_WARNING", 3);
  lua_getglobal(L, "redis");
  lua_getfield(L, -1, "REDIS_VERSION");
  lua_setfield(L, -3, "REDIS_VERSION");
  lua_getfield(L, -1, "REDIS_VERSION_NUM");
  lua_setfield(L, -3, "REDIS_VERSION_NUM");
  lua_pop(L, 1);
  lua_newtable(L);  // its proxy
  PushReadonlyMetatable(L);
  lua_pushstring(L, "__index");
  lua_pushvalue(L, -4);
  lua_pushcclosure(L, IndexOrMissing, 1);
  lua_rawset(L, -3);
  lua_setmetatable(L, -2);
  MarkReadonly(L, -1);
  lua_newtable(L);  // the load API's globals: {redis = proxy}, missing names raise
  lua_pushstring(L, "redis");
  lua_pushvalue(L, -3);
  lua_rawset(L, -3);
  lua_newtable(L);
  lua_pushstring(L, "__index");
  lua_pushcfunction(L, MissingGlobal);
  lua_rawset(L, -3);
  lua_setmetatable(L, -2);
  SetRegistry(L, &kLoadApiKey);
  lua_pop(L, 2);

  // The libraries' globals: empty and read-only, reading through the metatable's __index.
  lua_newtable(L);
  PushReadonlyMetatable(L);
  lua_pushvalue(L, -1);
  SetRegistry(L, &kLibraryMetaKey);
  lua_setmetatable(L, -2);
  MarkReadonly(L, -1);
  SetRegistry(L, &kLibraryGlobalsKey);
  PushRegistry(L, &kScriptEnvKey);
  SetLibraryIndex(L);
}

Status Vm::StageLibrary(std::string_view code, std::int64_t timeout_ms,
                        std::vector<FunctionDef>* defs) {
  lua_State* L = L_;
  defs->clear();
  STRATA_RETURN_IF_ERROR(Compile(L, code, "@user_function", "Error compiling function: "));
  PushRegistry(L, &kLibraryGlobalsKey);
  lua_setfenv(L, -2);
  lua_newtable(L);
  SetRegistry(L, &kStagedKey);
  PushRegistry(L, &kLoadApiKey);
  SetLibraryIndex(L);

  lua_pushcfunction(L, ErrorHandler);
  lua_insert(L, -2);
  const int handler = lua_gettop(L) - 1;
  RunState run;
  run.rand = rand_;
  run.staging = defs;
  run.load_deadline_ms = UnixTimeMs() + timeout_ms;
  SetCurrentRun(L, &run);
  lua_sethook(L, Hook, LUA_MASKCOUNT, 100000);
  const int rc = lua_pcall(L, 0, 0, handler);
  lua_sethook(L, nullptr, 0, 0);
  SetCurrentRun(L, nullptr);
  PushRegistry(L, &kScriptEnvKey);
  SetLibraryIndex(L);

  Status status;
  if (rc != 0) {
    std::string err = "unknown error";
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) err = lua_tostring(L, -1);
      lua_pop(L, 1);
    } else if (lua_isstring(L, -1)) {
      err = lua_tostring(L, -1);
    }
    status = Status::InvalidArgument("Error registering functions: " + err);
  } else if (defs->empty()) {
    status = Status::InvalidArgument("No functions registered");
  }
  lua_settop(L, handler - 1);
  if (!status.ok()) {
    defs->clear();
    lua_pushnil(L);
    SetRegistry(L, &kStagedKey);
  }
  return status;
}

void Vm::CommitStaged(std::string_view library) {
  lua_State* L = L_;
  PushRegistry(L, &kLibrariesKey);
  lua_pushlstring(L, library.data(), library.size());
  PushRegistry(L, &kStagedKey);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  lua_pushnil(L);
  SetRegistry(L, &kStagedKey);
}

void Vm::DiscardStaged() {
  lua_pushnil(L_);
  SetRegistry(L_, &kStagedKey);
}

void Vm::DropLibrary(std::string_view library) {
  lua_State* L = L_;
  PushRegistry(L, &kLibrariesKey);
  lua_pushlstring(L, library.data(), library.size());
  lua_pushnil(L);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

void Vm::RunFunction(std::string_view library, std::string_view function,
                     const RunOptions& options, ScriptHost* host, ReplyBuilder& reply) {
  lua_State* L = L_;
  lua_pushcfunction(L, ErrorHandler);
  PushRegistry(L, &kLibrariesKey);
  lua_pushlstring(L, library.data(), library.size());
  lua_rawget(L, -2);
  lua_pushlstring(L, function.data(), function.size());
  lua_rawget(L, -2);
  lua_replace(L, -3);
  lua_pop(L, 1);
  PushArray(L, options.keys);
  PushArray(L, options.args);
  CallPrepared(2, function, host, reply);
}

}  // namespace strata::lua
