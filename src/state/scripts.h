// Server-wide scripting state: the Lua VM with its script cache, the gate that makes a
// script atomic, and the running script as SCRIPT KILL and BUSY replies see it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>

#include "scripting/lua_vm.h"
#include "state/functions.h"
#include "state/script_gate.h"

namespace strata {

struct ClientState;

class Scripts {
 public:
  Scripts() : vm_(std::make_unique<lua::Vm>(&rand_)) { UpdateFigures(); }

  ScriptGate& gate() { return gate_; }
  // The VM; use it while holding vm_mu().
  lua::Vm& vm() { return *vm_; }
  std::mutex& vm_mu() { return vm_mu_; }
  // SCRIPT FLUSH: a new interpreter, with nothing cached (call holding vm_mu()).
  void ResetVm() { vm_ = std::make_unique<lua::Vm>(&rand_); }
  // The function libraries and their interpreter; use them holding vm_mu().
  FunctionLibraries& functions() { return functions_; }

  // The script running now, for SCRIPT KILL and the busy check.
  struct Running {
    std::atomic<bool> active{false};
    std::atomic<bool> kill{false};   // SCRIPT KILL asked
    std::atomic<bool> wrote{false};  // it ran a write command: it cannot be killed
    std::atomic<std::int64_t> start_ms{0};
    std::atomic<bool> function{false};  // FCALL: FUNCTION KILL stops it, not SCRIPT KILL
    // What FUNCTION STATS shows: the function's name, or the script's SHA (shown as
    // f_<sha>, Redis's name for it), and the command.
    std::mutex info_mu;
    std::string_view name;                      // GUARDED_BY(info_mu)
    std::span<const std::string_view> command;  // GUARDED_BY(info_mu)
  };
  Running& running() { return running_; }
  // The BUSY reply while a script runs past the threshold: it names the KILL that stops it.
  const char* busy_error() const {
    return running_.function.load()
               ? "BUSY Redis is busy running a script. You can only call FUNCTION KILL or "
                 "SHUTDOWN NOSAVE."
               : "BUSY Redis is busy running a script. You can only call SCRIPT KILL or "
                 "SHUTDOWN NOSAVE.";
  }
  // INFO memory's scripting figures, refreshed after each script load or run (INFO must not
  // wait for the VM while a script runs).
  struct Figures {
    std::atomic<std::size_t> vm_bytes{0};
    std::atomic<std::size_t> scripts{0};
    std::atomic<std::size_t> script_bytes{0};
    std::atomic<std::size_t> functions_vm_bytes{0};
    std::atomic<std::size_t> libraries{0};
    std::atomic<std::size_t> functions{0};
    std::atomic<std::size_t> function_bytes{0};  // the libraries' code
  };
  Figures& figures() { return figures_; }
  // After a run (holding vm_mu()): refreshes the figures now and then.
  void AfterRun() {
    if (++runs_ % 64 == 0) {
      UpdateFigures();  // the VM's size costs a little more than the counts
    } else {
      UpdateCounts();
    }
  }
  // The client a script's calls run as (Redis's Lua client), made on first use by the
  // commands layer (this header cannot complete the type); use holding vm_mu().
  std::shared_ptr<ClientState>& script_client() { return script_client_; }
  void UpdateFigures() {  // call holding vm_mu()
    figures_.vm_bytes.store(vm_->memory_bytes(), std::memory_order_relaxed);
    figures_.functions_vm_bytes.store(functions_.vm().memory_bytes(), std::memory_order_relaxed);
    figures_.libraries.store(functions_.libraries().size(), std::memory_order_relaxed);
    figures_.functions.store(functions_.function_count(), std::memory_order_relaxed);
    figures_.function_bytes.store(functions_.code_bytes(), std::memory_order_relaxed);
    UpdateCounts();
  }
  void UpdateCounts() {  // call holding vm_mu()
    figures_.scripts.store(vm_->cached_scripts(), std::memory_order_relaxed);
    figures_.script_bytes.store(vm_->scripts_bytes(), std::memory_order_relaxed);
  }
  // busy-reply-threshold (alias lua-time-limit), milliseconds; 0 = never busy.
  std::atomic<std::int64_t>& busy_threshold_ms() { return busy_threshold_ms_; }

 private:
  ScriptGate gate_;
  lua::Rand48 rand_;
  std::mutex vm_mu_;
  std::unique_ptr<lua::Vm> vm_;
  FunctionLibraries functions_{&rand_};
  Running running_;
  Figures figures_;
  std::uint64_t runs_ = 0;  // GUARDED_BY(vm_mu_)
  std::shared_ptr<ClientState> script_client_;
  std::atomic<std::int64_t> busy_threshold_ms_{5000};
};

}  // namespace strata
