// EVAL EVALSHA EVAL_RO EVALSHA_RO SCRIPT. A script runs on the network thread that received
// it, owning the script gate (state/script_gate.h): no other command runs anywhere until
// it ends, so its calls are atomic together whatever keys they touch, declared or not. Each
// call locks its own keys through the engine like a plain command.
#include <condition_variable>
#include <mutex>

#include "commands/command.h"
#include "commands/command_docs_table.h"
#include "commands/help_reply.h"
#include "commands/util.h"
#include "state/server_state.h"
#include "util/clock.h"
#include "util/log.h"

namespace strata {
namespace {

// Waits for a prefetch of keys the script did not declare (engines whose data is not all
// in RAM). The script holds the gate meanwhile: like Redis blocked on a slow script.
class PrefetchLatch final : public PrefetchWaker {
 public:
  void PrefetchDone(Status status) override {
    std::lock_guard<std::mutex> l(mu_);
    status_ = std::move(status);
    done_ = true;
    cv_.notify_all();
  }
  Status Wait() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [this] { return done_; });
    return status_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  Status status_;
};

// Runs a script's redis.call / redis.pcall.
class Host final : public lua::ScriptHost {
 public:
  Host(CommandContext& outer, ClientState* script_client, bool read_only)
      : outer_(outer), client_(script_client), read_only_(read_only) {}

  bool Call(std::span<const std::string_view> args, bool resp3, std::string* out) override {
    const CommandTable& table = CommandTable::Get();
    const CommandSpec* spec = table.Find(args[0]);
    if (spec != nullptr && !spec->subcommands.empty() && args.size() >= 2) {
      const CommandSpec* sub = CommandTable::FindSub(spec, args[1]);
      if (sub == nullptr) {
        out->append("-ERR Unknown Redis command called from script\r\n");
        return false;
      }
      spec = sub;
    }
    if (spec == nullptr) {
      out->append("-ERR Unknown Redis command called from script\r\n");
      return false;
    }
    if (!spec->ArityOk(args.size())) {
      out->append("-ERR Wrong number of args calling Redis command from script\r\n");
      return false;
    }
    if (spec->has_flag(kCmdNoScript)) {
      out->append("-ERR This Redis command is not allowed from script\r\n");
      return false;
    }
    if (spec->has_flag(kCmdWrite)) {
      if (read_only_) {
        out->append("-ERR Write commands are not allowed from read-only scripts.\r\n");
        return false;
      }
      outer_.server.scripts().running().wrote.store(true);
    }
    ReplyBuilder reply(out);
    reply.set_resp3(resp3);
    // A failing call counts in errorstats here, as Redis counts it; the script's own reply
    // repeating that error does not count again.
    reply.set_error_observer(outer_.reply.error_observer());
    client_->resp3.store(resp3, std::memory_order_relaxed);
    const int db = client_->db.load(std::memory_order_relaxed);
    CommandContext ctx{args, reply, *client_, outer_.server, outer_.engine, nullptr, db, true, true};
    std::uint64_t errors_before = reply.errors();
    std::uint64_t start = MonotonicUs();
    Run(spec, ctx);
    spec->stats.RecordCall(MonotonicUs() - start, reply.errors() > errors_before);
    outer_.server.stats().total_commands_processed.Add(1);
    MonitorRegistry& monitors = outer_.server.monitors();
    if (monitors.active() && spec->shown_to_monitors()) {
      monitors.Feed(client_->db.load(std::memory_order_relaxed), "lua", args);
    }
    return true;
  }

  void Log(int level, std::string_view message) override {
    if (level >= 3) {
      LogWarning(std::string(message));
    } else if (level >= 2) {
      LogInfo(std::string(message));
    }
  }

  bool Interrupt(std::string* error) override {
    Scripts& scripts = outer_.server.scripts();
    Scripts::Running& running = scripts.running();
    if (running.kill.load()) {
      *error = "Script killed by user with SCRIPT KILL...";
      return true;
    }
    std::int64_t threshold = scripts.busy_threshold_ms().load(std::memory_order_relaxed);
    if (threshold > 0 && !scripts.gate().busy() && scripts.gate().held_by_this_thread() &&
        UnixTimeMs() - running.start_ms.load() >= threshold) {
      LogWarning("Slow script detected: still in execution after " + std::to_string(threshold) +
                 " milliseconds. You can try killing the script using the SCRIPT KILL command.");
      scripts.gate().SetBusy(true);
      // This thread is held up: its other connections get their BUSY replies (and can send
      // SCRIPT KILL) from a helper thread meanwhile.
      if (outer_.client.conn != nullptr) {
        lent_ = outer_.client.conn;
        lent_->LendThread();
      }
    }
    return false;
  }

  void Finished() override {
    if (lent_ != nullptr) std::exchange(lent_, nullptr)->ReclaimThread();
  }

 private:
  void Run(const CommandSpec* spec, CommandContext& ctx) {
    if (outer_.ks != nullptr) {
      // Inside EXEC: the transaction holds the whole keyspace.
      ctx.ks = outer_.ks;
      spec->handler(ctx);
      return;
    }
    StorageEngine& engine = outer_.engine;
    if (spec->has_flag(kCmdKeyspace)) {
      engine.Execute(AccessSet{{}, true}, [&](Keyspace& ks) {
        ctx.ks = &ks;
        spec->handler(ctx);
      });
      return;
    }
    access_.clear();
    spec->KeyAccesses(ctx.args, ctx.db, &access_);
    if (access_.empty()) {
      spec->handler(ctx);
      return;
    }
    AccessSet access{access_, false};
    PinSet pins;
    if (!latch_) latch_ = std::make_unique<PrefetchLatch>();
    if (!engine.Prefetch(access, &pins, latch_.get())) {
      // The engine's loader may need the shard this script's batch kept.
      engine.EndBatch();
      Status s = latch_->Wait();
      engine.BeginBatch();
      latch_.reset();  // a latch is used once
      if (!s.ok()) {
        ctx.reply.Error("ERR " + s.message());
        return;
      }
    }
    engine.Execute(access, [&](Keyspace& ks) {
      ctx.ks = &ks;
      spec->handler(ctx);
    });
    engine.ReleasePins(&pins);
  }

  CommandContext& outer_;
  ClientState* client_;
  bool read_only_;
  std::vector<KeyAccess> access_;
  net::ConnectionControl* lent_ = nullptr;
  // Handed to the engine's Prefetch; made again only after a prefetch went pending.
  std::unique_ptr<PrefetchLatch> latch_;
};

// numkeys of EVAL-like commands; false after replying with Redis's error (FCALL words a
// malformed number its own way).
bool ParseNumKeys(CommandContext& ctx, bool fcall, std::size_t* numkeys) {
  std::int64_t n;
  if (!ParseInt64(ctx.args[2], &n)) {
    ctx.reply.Error(fcall ? "ERR Bad number of keys provided"
                          : "ERR value is not an integer or out of range");
    return false;
  }
  if (n < 0) {
    ctx.reply.Error("ERR Number of keys can't be negative");
    return false;
  }
  if (static_cast<std::uint64_t>(n) > ctx.args.size() - 3) {
    ctx.reply.Error("ERR Number of keys can't be greater than number of args");
    return false;
  }
  *numkeys = static_cast<std::size_t>(n);
  return true;
}

enum class Target { kScript, kScriptBySha, kFunction };

// What to run, found holding vm_mu(); false after replying with the error.
struct Resolved {
  std::string sha;                  // scripts
  FunctionLibraries::Found found;   // functions
};

bool Resolve(CommandContext& ctx, Target target, bool read_only, std::size_t* numkeys,
             Resolved* out) {
  Scripts& scripts = ctx.server.scripts();
  if (target == Target::kFunction) {
    FunctionLibraries::Found* found = &out->found;
    *found = scripts.functions().Find(ctx.args[1]);
    if (found->function == nullptr) {
      ctx.reply.Error("ERR Function not found");
      return false;
    }
    if (!ParseNumKeys(ctx, true, numkeys)) return false;
    if (read_only && !(found->function->flags & lua::kFnNoWrites)) {
      ctx.reply.Error("ERR Can not execute a script with write flag using *_ro command.");
      return false;
    }
    return true;
  }
  lua::Vm& vm = scripts.vm();
  if (target == Target::kScriptBySha) {
    out->sha = ToLower(ctx.args[1]);
    if (out->sha.size() != 40 || !vm.Has(out->sha)) {
      ctx.reply.Error("NOSCRIPT No matching script. Please use EVAL.");
      return false;
    }
  } else if (Status s = vm.Load(ctx.args[1], &out->sha); !s.ok()) {
    ctx.reply.Error("ERR " + s.message());
    return false;
  }
  return true;
}

// EVAL, EVALSHA, FCALL and their _RO forms.
void RunScript(CommandContext& ctx, Target target, bool read_only) {
  std::size_t numkeys = 0;
  if (target != Target::kFunction && !ParseNumKeys(ctx, false, &numkeys)) return;
  // EVAL is shown before the calls it makes (they follow as "lua"), as Redis does.
  if (ctx.server.monitors().active()) {
    ctx.server.monitors().Feed(ctx.db, ctx.client.PeerAddress(), ctx.args);
  }
  Scripts& scripts = ctx.server.scripts();
  // Inside EXEC the transaction already excludes everyone (it holds every key).
  const bool gated = ctx.ks == nullptr;
  if (gated) scripts.gate().Acquire();
  {
    std::lock_guard<std::mutex> vm_lock(scripts.vm_mu());
    Resolved what;
    if (!Resolve(ctx, target, read_only, &numkeys, &what)) {
      if (gated) scripts.gate().Release();
      return;
    }
    const bool function = target == Target::kFunction;
    // A function without no-writes may write even through FCALL_RO's refusal above; one
    // with it may not write whichever command called it.
    const FunctionLibraries::Found& found = what.found;
    const bool no_writes = function ? (found.function->flags & lua::kFnNoWrites) != 0 : read_only;
    Scripts::Running& running = scripts.running();
    running.kill = false;
    running.wrote = false;
    running.function = function;
    running.start_ms = UnixTimeMs();
    {
      std::lock_guard<std::mutex> l(running.info_mu);
      running.name = function ? std::string_view(found.function->name) : what.sha;
      running.command = ctx.args;
    }
    running.active = true;
    std::shared_ptr<ClientState>& script_client = scripts.script_client();
    if (!script_client) script_client = std::make_shared<ClientState>();
    script_client->db = ctx.db;
    script_client->authenticated = true;
    Host host(ctx, script_client.get(), no_writes);
    lua::Vm::RunOptions options;
    options.keys = ctx.args.subspan(3, numkeys);
    options.args = ctx.args.subspan(3 + numkeys);
    options.resp3_client = ctx.reply.resp3();
    // Consecutive calls on one key's shard (SET k then GET k) take its lock once, as a
    // pipeline's commands do; nobody else runs meanwhile anyway.
    if (gated) ctx.engine.BeginBatch();
    if (function) {
      scripts.functions().vm().RunFunction(found.library->name, found.function->name, options,
                                           &host, ctx.reply);
    } else {
      scripts.vm().Run(what.sha, options, &host, ctx.reply);
    }
    if (gated) ctx.engine.EndBatch();
    running.active = false;
    {
      std::lock_guard<std::mutex> l(running.info_mu);
      running.name = {};
      running.command = {};
    }
    scripts.AfterRun();
  }
  if (gated) scripts.gate().Release();
}

void CmdEval(CommandContext& ctx) { RunScript(ctx, Target::kScript, false); }
void CmdEvalSha(CommandContext& ctx) { RunScript(ctx, Target::kScriptBySha, false); }
void CmdEvalRo(CommandContext& ctx) { RunScript(ctx, Target::kScript, true); }
void CmdEvalShaRo(CommandContext& ctx) { RunScript(ctx, Target::kScriptBySha, true); }
void CmdFcall(CommandContext& ctx) { RunScript(ctx, Target::kFunction, false); }
void CmdFcallRo(CommandContext& ctx) { RunScript(ctx, Target::kFunction, true); }

void CmdScriptLoad(CommandContext& ctx) {
  Scripts& scripts = ctx.server.scripts();
  std::lock_guard<std::mutex> l(scripts.vm_mu());
  std::string sha;
  if (Status s = scripts.vm().Load(ctx.args[2], &sha); !s.ok()) {
    ctx.reply.Error("ERR " + s.message());
    return;
  }
  scripts.UpdateFigures();
  ctx.reply.Bulk(sha);
}

void CmdScriptExists(CommandContext& ctx) {
  Scripts& scripts = ctx.server.scripts();
  std::lock_guard<std::mutex> l(scripts.vm_mu());
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (std::size_t i = 2; i < ctx.args.size(); ++i) {
    std::string sha = ToLower(ctx.args[i]);
    ctx.reply.Integer(sha.size() == 40 && scripts.vm().Has(sha) ? 1 : 0);
  }
}

void CmdScriptFlush(CommandContext& ctx) {
  if (ctx.args.size() > 3 ||
      (ctx.args.size() == 3 && !EqualsIgnoreCase(ctx.args[2], "async") &&
       !EqualsIgnoreCase(ctx.args[2], "sync"))) {
    ctx.reply.Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    return;
  }
  Scripts& scripts = ctx.server.scripts();
  std::lock_guard<std::mutex> l(scripts.vm_mu());
  scripts.ResetVm();
  scripts.UpdateFigures();
  ctx.reply.Ok();
}

}  // namespace

// SCRIPT KILL and FUNCTION KILL: each stops only its own kind of script.
void KillScript(CommandContext& ctx, bool function_kill) {
  Scripts& scripts = ctx.server.scripts();
  Scripts::Running& running = scripts.running();
  if (!running.active.load()) {
    ctx.reply.Error("NOTBUSY No scripts in execution right now.");
    return;
  }
  if (running.wrote.load()) {
    ctx.reply.Error(
        "UNKILLABLE Sorry the script already executed write commands against the dataset. You "
        "can either wait the script termination or kill the server in a hard way using the "
        "SHUTDOWN NOSAVE command.");
    return;
  }
  if (running.function.load() != function_kill) {
    ctx.reply.Error(scripts.busy_error());
    return;
  }
  running.kill = true;
  ctx.reply.Ok();
}

namespace {

void CmdScriptKill(CommandContext& ctx) { KillScript(ctx, false); }

void CmdScriptHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "SCRIPT",
            {"EXISTS <sha1> [<sha1> ...]",
             "    For each SHA1, 1 if that script is in the cache, else 0.",
             "FLUSH [ASYNC|SYNC]",
             "    Empty the script cache (both modes do it at once).",
             "KILL",
             "    Stop the running script, if it has not written anything yet.",
             "LOAD <script>",
             "    Compile a script into the cache and reply with its SHA1, without running it."});
}

void CmdScript(CommandContext& ctx) { (void)ctx; }

// clang-format off
const DocEntry kScriptingDocs[] = {
  {"eval", "2.6.0", "scripting", "Depends on the script that is executed.", "@scripting", "",
   "Execute a Lua script server side", "script numkeys:integer [key [key ...]] [arg [arg ...]]"},
  {"evalsha", "2.6.0", "scripting", "Depends on the script that is executed.", "@scripting", "",
   "Execute a Lua script server side", "sha1 numkeys:integer [key [key ...]] [arg [arg ...]]"},
  {"eval_ro", "7.0.0", "scripting", "Depends on the script that is executed.", "@scripting", "",
   "Execute a read-only Lua script server side", "script numkeys:integer [key [key ...]] [arg [arg ...]]"},
  {"evalsha_ro", "7.0.0", "scripting", "Depends on the script that is executed.", "@scripting", "",
   "Execute a read-only Lua script server side", "sha1 numkeys:integer [key [key ...]] [arg [arg ...]]"},
  {"fcall", "7.0.0", "scripting", "Depends on the function that is executed.", "@scripting", "",
   "Invoke a function", "function numkeys:integer [key [key ...]] [arg [arg ...]]"},
  {"fcall_ro", "7.0.0", "scripting", "Depends on the function that is executed.", "@scripting", "",
   "Invoke a read-only function", "function numkeys:integer [key [key ...]] [arg [arg ...]]"},
  {"script", "2.6.0", "scripting", "Depends on subcommand.", "", "",
   "A container for Lua scripts management commands", ""},
  {"script|load", "2.6.0", "scripting", "O(N) with N being the length in bytes of the script body.",
   "@scripting", "request_policy:all_nodes response_policy:all_succeeded",
   "Load the specified Lua script into the script cache.", "script"},
  {"script|exists", "2.6.0", "scripting", "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).",
   "@scripting", "request_policy:all_shards response_policy:agg_logical_and",
   "Check existence of scripts in the script cache.", "sha1 [sha1 ...]"},
  {"script|flush", "2.6.0", "scripting", "O(N) with N being the number of scripts in cache",
   "@scripting", "request_policy:all_nodes response_policy:all_succeeded",
   "Remove all the scripts from the script cache.", "[ASYNC | SYNC]"},
  {"script|kill", "2.6.0", "scripting", "O(1)", "@scripting",
   "request_policy:all_shards response_policy:one_succeeded",
   "Kill the script currently in execution.", ""},
  {"script|help", "5.0.0", "scripting", "O(1)", "@scripting", "",
   "Show helpful text about the different subcommands", ""},
};
// clang-format on

}  // namespace

void RegisterScriptingCommands(CommandTable* table) {
  AddDocEntries(kScriptingDocs);
  constexpr KeysFinder kNumKeys = NumKeysFinder<2, false>;
  constexpr std::uint32_t kEval =
      kCmdNoScript | kCmdSkipMonitor | kCmdStale | kCmdScript | kCmdNoMandatoryKeys;
  constexpr std::string_view kWorstRW =
      "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE";
  constexpr std::string_view kWorstRO =
      "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS";
  table->Add("eval", -3, kEval, CmdEval)
      .KeysBy(kNumKeys)
      .NumKeysSpec(2, kKsRW | kKsAccess | kKsUpdate)
      .SpecNotes(kWorstRW);
  table->Add("evalsha", -3, kEval, CmdEvalSha)
      .KeysBy(kNumKeys)
      .NumKeysSpec(2, kKsRW | kKsAccess | kKsUpdate);
  table->Add("eval_ro", -3, kEval | kCmdReadOnly, CmdEvalRo)
      .KeysBy(kNumKeys)
      .NumKeysSpec(2, kKsRO | kKsAccess)
      .SpecNotes(kWorstRO);
  table->Add("evalsha_ro", -3, kEval | kCmdReadOnly, CmdEvalShaRo)
      .KeysBy(kNumKeys)
      .NumKeysSpec(2, kKsRO | kKsAccess);
  table->Add("fcall", -3, kEval, CmdFcall)
      .KeysBy(kNumKeys)
      .NumKeysSpec(2, kKsRW | kKsAccess | kKsUpdate)
      .SpecNotes(kWorstRW);
  table->Add("fcall_ro", -3, kEval | kCmdReadOnly, CmdFcallRo)
      .KeysBy(kNumKeys)
      .NumKeysSpec(2, kKsRO | kKsAccess)
      .SpecNotes(kWorstRO);
  CommandSpec& script = table->Add("script", -2, 0, CmdScript);
  script.Sub("load", 3, kCmdNoScript | kCmdStale, CmdScriptLoad);
  script.Sub("exists", -3, kCmdNoScript, CmdScriptExists);
  script.Sub("flush", -2, kCmdNoScript, CmdScriptFlush);
  script.Sub("kill", 2, kCmdNoScript | kCmdAllowBusy, CmdScriptKill);
  script.Sub("help", 2, kCmdLoading | kCmdStale, CmdScriptHelp);
}

}  // namespace strata
