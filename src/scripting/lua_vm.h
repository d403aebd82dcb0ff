// The Lua 5.1 interpreter that runs EVAL scripts, sandboxed as Redis 7 does it: no os, io,
// loadfile, dofile, require or print; globals and library tables read-only; the `redis`
// table; cjson and bit. It knows nothing of commands: a script's redis.call goes to a
// ScriptHost, which answers with a RESP reply that the VM converts to Lua values.
//
// Not thread-safe: one script runs at a time (state/script_gate.h); the owner of the gate
// owns the VM.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply_builder.h"
#include "strata/status.h"

struct lua_State;

namespace strata::lua {

// What a running script reaches outside the VM.
class ScriptHost {
 public:
  virtual ~ScriptHost() = default;
  // Runs one command for redis.call/pcall and appends its RESP reply (RESP3 if `resp3`) to
  // `out`. A command refused before it runs (unknown, arity, not allowed) is answered with
  // an error reply too, and false: that error was not counted in errorstats.
  virtual bool Call(std::span<const std::string_view> args, bool resp3, std::string* out) = 0;
  // redis.log at `level` (0 debug .. 3 warning).
  virtual void Log(int level, std::string_view message) = 0;
  // Called from inside the script every 100,000 Lua instructions: true stops the script
  // with `*error` (SCRIPT KILL).
  virtual bool Interrupt(std::string* error) = 0;
  // The script has stopped running; its reply is written next.
  virtual void Finished() {}
};

// Redis's process-wide PRNG behind math.random (the rand48 generator, in the state Redis
// starts with), so that scripts see the same sequence as on Redis. It outlives SCRIPT FLUSH.
struct Rand48 {
  std::uint64_t x = 0x1234ABCD330EULL;
  std::int32_t Next();
  void Seed(std::int32_t seed) { x = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(seed)) << 16) | 0x330E; }
};

// Flags of a registered function (redis.register_function's `flags`).
enum FunctionFlag : std::uint32_t {
  kFnNoWrites = 1,
  kFnAllowOom = 2,
  kFnAllowStale = 4,
  kFnNoCluster = 8,
  kFnAllowCrossSlotKeys = 16,
};
// The flags' names, in the order FUNCTION LIST shows them; bit i is 1 << i.
inline constexpr const char* kFunctionFlagNames[] = {"no-writes", "allow-oom", "allow-stale",
                                                     "no-cluster", "allow-cross-slot-keys"};

// Redis's rule for library and function names alike: letters, digits and '_', at least
// one; and its text for a name that breaks it (7.0 says "Library" for function names too).
bool ValidFunctionName(std::string_view name);
inline constexpr std::string_view kInvalidNameError =
    "Library names can only contain letters, numbers, or underscores(_) and must be at least "
    "one character long";

// One interpreter: EVAL's (scripts cached by SHA) or the function libraries' (Redis keeps
// the two apart too, so SCRIPT FLUSH and FUNCTION FLUSH each reset only their own).
class Vm {
 public:
  enum class Kind { kScripts, kFunctions };
  Vm(Rand48* rand, Kind kind = Kind::kScripts);
  ~Vm();
  Vm(const Vm&) = delete;
  Vm& operator=(const Vm&) = delete;

  // SHA1 of `body` in lower-case hex (what EVALSHA names a script by).
  static std::string Sha1Hex(std::string_view body);

  // Compiles `body` unless it is cached; sets `*sha`. On a syntax error, Redis's text
  // ("Error compiling script (new function): user_script:1: ...").
  Status Load(std::string_view body, std::string* sha);
  bool Has(std::string_view sha) const;
  std::size_t cached_scripts() const;
  // Bytes the interpreter holds (INFO used_memory_lua) and the cached bodies' size.
  std::size_t memory_bytes() const;
  std::size_t scripts_bytes() const { return scripts_bytes_; }

  struct RunOptions {
    std::span<const std::string_view> keys;
    std::span<const std::string_view> args;
    bool resp3_client = false;  // the caller's protocol, for the final reply
  };
  // Runs the cached script `sha` (it must exist) and writes its reply to `reply`.
  void Run(std::string_view sha, const RunOptions& options, ScriptHost* host, ReplyBuilder& reply);

  // Function libraries (Kind::kFunctions only).
  struct FunctionDef {
    std::string name;
    std::string description;
    bool has_description = false;
    std::uint32_t flags = 0;  // FunctionFlag bits
  };
  // Runs a library's code (what follows its `#!lua` line) where only redis.register_function,
  // redis.log and the version fields exist, for at most `timeout_ms`. On success what it
  // registered is staged, to be committed or discarded, and described in `*defs`; on
  // failure, Redis's text ("Error compiling function: ...", "Error registering functions:
  // ...", "No functions registered").
  Status StageLibrary(std::string_view code, std::int64_t timeout_ms,
                      std::vector<FunctionDef>* defs);
  // The staged library becomes `library` (replacing one of that name).
  void CommitStaged(std::string_view library);
  void DiscardStaged();
  void DropLibrary(std::string_view library);
  // Calls `function` of `library` (both must exist) with KEYS and ARGV as its arguments.
  void RunFunction(std::string_view library, std::string_view function,
                   const RunOptions& options, ScriptHost* host, ReplyBuilder& reply);

 private:
  void Open();
  void OpenFunctions();
  // Calls the function below its `nargs` arguments on the stack, under the error handler
  // pushed just below it; `name` is what errors call the script.
  void CallPrepared(int nargs, std::string_view name, ScriptHost* host, ReplyBuilder& reply);
  lua_State* L_ = nullptr;
  Rand48* rand_;
  std::size_t scripts_ = 0;
  std::size_t scripts_bytes_ = 0;
  int runs_since_gc_ = 0;
};

}  // namespace strata::lua
