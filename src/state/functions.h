// The function libraries (FUNCTION LOAD ... FCALL): part of the dataset, unlike the script
// cache. Each library is its `#!lua name=<name>` code and the functions that code
// registered; the functions interpreter holds them compiled.
//
// Not thread-safe, except Payload(): use it holding Scripts::vm_mu().
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "scripting/lua_vm.h"
#include "strata/status.h"

namespace strata {

class FunctionLibraries {
 public:
  struct Library {
    std::string name;
    std::string code;  // as loaded, `#!lua` line included
    std::vector<lua::Vm::FunctionDef> functions;  // in registration order
  };
  struct Found {
    const Library* library = nullptr;
    const lua::Vm::FunctionDef* function = nullptr;
  };
  enum class RestorePolicy { kAppend, kReplace, kFlush };

  // How long a library's code may run while it loads (Redis's fixed limit).
  static constexpr std::int64_t kLoadTimeoutMs = 500;

  explicit FunctionLibraries(lua::Rand48* rand);

  lua::Vm& vm() { return *state_.vm; }

  // FUNCTION LOAD [REPLACE]: the library's name, or Redis's error text (without "ERR ").
  StatusOr<std::string> Load(std::string_view code, bool replace);
  Status Delete(std::string_view name);  // "Library not found"
  void Flush();
  // FUNCTION DUMP: Redis's payload (one RDB_OPCODE_FUNCTION2 entry per library, then the
  // RDB version and CRC-64), which Redis's FUNCTION RESTORE accepts, and ours Redis's.
  std::string Dump() const;
  // FUNCTION RESTORE: all or nothing.
  Status Restore(std::string_view payload, RestorePolicy policy);

  Found Find(std::string_view function) const;
  const std::map<std::string, Library, std::less<>>& libraries() const {
    return state_.libraries;
  }
  std::size_t function_count() const { return state_.by_function.size(); }
  std::size_t code_bytes() const {
    std::size_t n = 0;
    for (const auto& entry : state_.libraries) n += entry.second.code.size();
    return n;
  }

  // Dump() as of the last change, for checkpoints; thread-safe, never waits for a script.
  std::string Payload() const;

 private:
  struct State {
    std::unique_ptr<lua::Vm> vm;
    std::map<std::string, Library, std::less<>> libraries;
    // function name -> (library name, index in its functions)
    std::map<std::string, std::pair<std::string, std::size_t>, std::less<>> by_function;
  };
  State Fresh() const;
  // Compiles and registers `code` into `state`; Redis's error text on failure, with the
  // "already exists" texts of FUNCTION LOAD (`restoring` = false) or RESTORE.
  StatusOr<std::string> Add(State& state, std::string_view code, bool replace, bool restoring);
  static void Remove(State& state, std::string_view name);
  void Published();  // after every change: refresh the payload

  lua::Rand48* rand_;
  State state_;
  mutable std::mutex payload_mu_;
  std::string payload_;  // GUARDED_BY(payload_mu_)
};

}  // namespace strata
