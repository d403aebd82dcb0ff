// FUNCTION LOAD LIST DELETE FLUSH DUMP RESTORE STATS KILL HELP. FCALL runs the functions
// (scripting_family.cc); the libraries themselves are state/functions.*.
#include <mutex>

#include "commands/command.h"
#include "commands/command_docs_table.h"
#include "commands/help_reply.h"
#include "commands/util.h"
#include "state/server_state.h"
#include "util/clock.h"
#include "util/glob.h"

namespace strata {
namespace {

// After a change to the libraries (holding vm_mu). The checkpoint schedule counts it as a
// change to the dataset, as every successful write command.
void Changed(CommandContext& ctx) { ctx.server.scripts().UpdateFigures(); }

void CmdFunctionLoad(CommandContext& ctx) {
  bool replace = false;
  for (std::size_t i = 2; i + 1 < ctx.args.size(); ++i) {
    if (!EqualsIgnoreCase(ctx.args[i], "replace")) {
      ctx.reply.Error("ERR Unknown option given: " + std::string(ctx.args[i]));
      return;
    }
    replace = true;
  }
  Scripts& scripts = ctx.server.scripts();
  std::lock_guard<std::mutex> l(scripts.vm_mu());
  auto name = scripts.functions().Load(ctx.args.back(), replace);
  if (!name.ok()) {
    ctx.reply.Error("ERR " + name.status().message());
    return;
  }
  Changed(ctx);
  ctx.reply.Bulk(*name);
}

void CmdFunctionList(CommandContext& ctx) {
  bool with_code = false;
  std::string_view pattern;
  bool have_pattern = false;
  for (std::size_t i = 2; i < ctx.args.size(); ++i) {
    if (EqualsIgnoreCase(ctx.args[i], "withcode") && !with_code) {
      with_code = true;
    } else if (EqualsIgnoreCase(ctx.args[i], "libraryname") && !have_pattern) {
      if (i + 1 == ctx.args.size()) {
        ctx.reply.Error("ERR library name argument was not given");
        return;
      }
      pattern = ctx.args[++i];
      have_pattern = true;
    } else {
      ctx.reply.Error("ERR Unknown argument " + std::string(ctx.args[i]));
      return;
    }
  }
  Scripts& scripts = ctx.server.scripts();
  std::lock_guard<std::mutex> l(scripts.vm_mu());
  std::vector<const FunctionLibraries::Library*> shown;
  for (const auto& [name, lib] : scripts.functions().libraries()) {
    if (!have_pattern || GlobMatch(pattern, name)) shown.push_back(&lib);
  }
  ReplyBuilder& r = ctx.reply;
  r.ArrayHeader(shown.size());
  for (const FunctionLibraries::Library* lib : shown) {
    r.MapHeader(with_code ? 4 : 3);
    r.Bulk("library_name");
    r.Bulk(lib->name);
    r.Bulk("engine");
    r.Bulk("LUA");
    r.Bulk("functions");
    r.ArrayHeader(lib->functions.size());
    // Newest first, as Redis lists them.
    for (auto fn = lib->functions.rbegin(); fn != lib->functions.rend(); ++fn) {
      r.MapHeader(3);
      r.Bulk("name");
      r.Bulk(fn->name);
      r.Bulk("description");
      if (fn->has_description) {
        r.Bulk(fn->description);
      } else {
        r.Null();
      }
      r.Bulk("flags");
      std::vector<std::string_view> flags;
      for (std::size_t bit = 0; bit < std::size(lua::kFunctionFlagNames); ++bit) {
        if (fn->flags & (1u << bit)) flags.push_back(lua::kFunctionFlagNames[bit]);
      }
      r.SetHeader(flags.size());
      for (std::string_view flag : flags) r.SimpleString(flag);
    }
    if (with_code) {
      r.Bulk("library_code");
      r.Bulk(lib->code);
    }
  }
}

void CmdFunctionDelete(CommandContext& ctx) {
  Scripts& scripts = ctx.server.scripts();
  std::lock_guard<std::mutex> l(scripts.vm_mu());
  if (Status s = scripts.functions().Delete(ctx.args[2]); !s.ok()) {
    ctx.reply.Error("ERR " + s.message());
    return;
  }
  Changed(ctx);
  ctx.reply.Ok();
}

void CmdFunctionFlush(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    ReplySubcommandSyntaxError(ctx, "FUNCTION");
    return;
  }
  if (ctx.args.size() == 3 && !EqualsIgnoreCase(ctx.args[2], "async") &&
      !EqualsIgnoreCase(ctx.args[2], "sync")) {
    ctx.reply.Error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    return;
  }
  Scripts& scripts = ctx.server.scripts();
  std::lock_guard<std::mutex> l(scripts.vm_mu());
  scripts.functions().Flush();
  Changed(ctx);
  ctx.reply.Ok();
}

void CmdFunctionDump(CommandContext& ctx) {
  Scripts& scripts = ctx.server.scripts();
  std::lock_guard<std::mutex> l(scripts.vm_mu());
  ctx.reply.Bulk(scripts.functions().Dump());
}

void CmdFunctionRestore(CommandContext& ctx) {
  if (ctx.args.size() > 4) {
    ReplySubcommandSyntaxError(ctx, "FUNCTION");
    return;
  }
  auto policy = FunctionLibraries::RestorePolicy::kAppend;
  if (ctx.args.size() == 4) {
    std::string_view p = ctx.args[3];
    if (EqualsIgnoreCase(p, "flush")) {
      policy = FunctionLibraries::RestorePolicy::kFlush;
    } else if (EqualsIgnoreCase(p, "replace")) {
      policy = FunctionLibraries::RestorePolicy::kReplace;
    } else if (!EqualsIgnoreCase(p, "append")) {
      ctx.reply.Error(
          "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
      return;
    }
  }
  Scripts& scripts = ctx.server.scripts();
  std::lock_guard<std::mutex> l(scripts.vm_mu());
  if (Status s = scripts.functions().Restore(ctx.args[2], policy); !s.ok()) {
    ctx.reply.Error("ERR " + s.message());
    return;
  }
  Changed(ctx);
  ctx.reply.Ok();
}

// Runs beside a busy script (allow-busy): reads only what the script publishes for it.
void CmdFunctionStats(CommandContext& ctx) {
  Scripts& scripts = ctx.server.scripts();
  Scripts::Running& running = scripts.running();
  ReplyBuilder& r = ctx.reply;
  r.MapHeader(2);
  r.Bulk("running_script");
  {
    std::lock_guard<std::mutex> l(running.info_mu);
    if (!running.active.load() || running.command.empty()) {
      r.Null();
    } else {
      r.MapHeader(3);
      r.Bulk("name");
      r.Bulk(running.function.load() ? std::string(running.name) : "f_" + std::string(running.name));
      r.Bulk("command");
      r.BulkArray(running.command);
      r.Bulk("duration_ms");
      r.Integer(UnixTimeMs() - running.start_ms.load());
    }
  }
  const Scripts::Figures& figures = scripts.figures();
  r.Bulk("engines");
  r.MapHeader(1);
  r.Bulk("LUA");
  r.MapHeader(2);
  r.Bulk("libraries_count");
  r.Integer(static_cast<std::int64_t>(figures.libraries.load()));
  r.Bulk("functions_count");
  r.Integer(static_cast<std::int64_t>(figures.functions.load()));
}

void CmdFunctionKill(CommandContext& ctx) { KillScript(ctx, true); }

void CmdFunctionHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "FUNCTION",
            {"LOAD [REPLACE] <code>",
             "    Load the library whose `#!lua name=<name>` line opens <code> and reply with",
             "    its name; REPLACE swaps out a loaded library of that name.",
             "DELETE <library>",
             "    Remove one library and its functions.",
             "LIST [LIBRARYNAME <pattern>] [WITHCODE]",
             "    Describe the loaded libraries (optionally those whose name matches <pattern>):",
             "    engine, functions with their flags and descriptions, and with WITHCODE the code.",
             "STATS",
             "    The script running now (name, command, milliseconds so far), or nil, and how",
             "    many libraries and functions are loaded.",
             "KILL",
             "    Stop the running function, if it has not written anything yet.",
             "FLUSH [ASYNC|SYNC]",
             "    Remove every library (both modes do it at once).",
             "DUMP",
             "    Every library as one payload in Redis's format, for RESTORE.",
             "RESTORE <payload> [FLUSH|APPEND|REPLACE]",
             "    Load the libraries of a DUMP payload: FLUSH drops the loaded ones first,",
             "    APPEND (the default) refuses a name already loaded, REPLACE lets the payload's",
             "    library win. Nothing changes unless every library loads."});
}

void CmdFunction(CommandContext& ctx) { (void)ctx; }

// clang-format off
const DocEntry kFunctionDocs[] = {
  {"function", "7.0.0", "scripting", "Depends on subcommand.", "", "",
   "A container for function commands", ""},
  {"function|load", "7.0.0", "scripting", "O(1) (considering compilation time is redundant)",
   "@scripting", "request_policy:all_shards response_policy:all_succeeded",
   "Create a function with the given arguments (name, code, description)",
   "[REPLACE] function-code"},
  {"function|list", "7.0.0", "scripting", "O(N) where N is the number of functions",
   "@scripting", "nondeterministic_output_order",
   "List information about all the functions",
   "[LIBRARYNAME library-name-pattern:string] [WITHCODE]"},
  {"function|delete", "7.0.0", "scripting", "O(1)", "@scripting",
   "request_policy:all_shards response_policy:all_succeeded",
   "Delete a function by name", "library-name"},
  {"function|flush", "7.0.0", "scripting", "O(N) where N is the number of functions deleted",
   "@scripting", "request_policy:all_shards response_policy:all_succeeded",
   "Deleting all functions", "[async: ASYNC | SYNC]"},
  {"function|dump", "7.0.0", "scripting", "O(N) where N is the number of functions",
   "@scripting", "", "Dump all functions into a serialized binary payload", ""},
  {"function|restore", "7.0.0", "scripting",
   "O(N) where N is the number of functions on the payload", "@scripting",
   "request_policy:all_shards response_policy:all_succeeded",
   "Restore all the functions on the given payload", "serialized-value [policy: FLUSH | APPEND | REPLACE]"},
  {"function|stats", "7.0.0", "scripting", "O(1)", "@scripting",
   "nondeterministic_output request_policy:all_shards response_policy:special",
   "Return information about the function currently running (name, description, duration)", ""},
  {"function|kill", "7.0.0", "scripting", "O(1)", "@scripting",
   "request_policy:all_shards response_policy:one_succeeded",
   "Kill the function currently in execution.", ""},
  {"function|help", "7.0.0", "scripting", "O(1)", "@scripting", "",
   "Show helpful text about the different subcommands", ""},
};
// clang-format on

}  // namespace

void RegisterFunctionCommands(CommandTable* table) {
  AddDocEntries(kFunctionDocs);
  CommandSpec& function = table->Add("function", -2, 0, CmdFunction);
  function.Sub("load", -3, kCmdWrite | kCmdDenyOom | kCmdNoScript, CmdFunctionLoad);
  function.Sub("list", -2, kCmdNoScript, CmdFunctionList);
  function.Sub("delete", 3, kCmdWrite | kCmdNoScript, CmdFunctionDelete);
  function.Sub("flush", -2, kCmdWrite | kCmdNoScript, CmdFunctionFlush);
  function.Sub("dump", 2, kCmdNoScript, CmdFunctionDump);
  function.Sub("restore", -3, kCmdWrite | kCmdDenyOom | kCmdNoScript, CmdFunctionRestore);
  function.Sub("stats", 2, kCmdNoScript | kCmdAllowBusy | kCmdRandom, CmdFunctionStats);
  function.Sub("kill", 2, kCmdNoScript | kCmdAllowBusy, CmdFunctionKill);
  function.Sub("help", 2, kCmdLoading | kCmdStale, CmdFunctionHelp);
}

}  // namespace strata
