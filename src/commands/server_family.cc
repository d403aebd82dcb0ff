// Server commands: TIME SAVE LASTSAVE DEBUG FUNCTION SHUTDOWN, and the registration of all server
// commands (INFO and CONFIG are in info_command.cc and config_command.cc).
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>

#include "checkpoint/checkpoint.h"
#include "commands/command.h"
#include "commands/config_command.h"
#include "commands/help_reply.h"
#include "commands/info_command.h"
#include "commands/util.h"
#include "state/server_state.h"
#include "util/log.h"

namespace strata {
namespace {

// ---------------------------------------------------------------------------------------
// TIME SAVE LASTSAVE

void CmdTime(CommandContext& ctx) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(us / 1000000));
  ctx.reply.Bulk(std::to_string(us % 1000000));
}

// SAVE: a checkpoint written before the reply. The dataset is read as a point-in-time
// snapshot, so other clients are served meanwhile (Redis's SAVE stops them all).
void CmdSave(CommandContext& ctx) {
  Status s = ctx.server.saver().SaveNow();
  if (s.code() == Status::Code::kBusy) {
    ctx.reply.Error("ERR " + s.message());
  } else if (!s.ok()) {
    ctx.reply.Error("ERR");  // Redis answers a failed SAVE with a bare "ERR"
  } else {
    ctx.reply.Ok();
  }
}

// BGSAVE [SCHEDULE]: a checkpoint written by a background thread; it holds the dataset as
// it was at this moment. Inside MULTI/EXEC it starts right after the transaction, as Redis
// schedules it there.
void CmdBgSave(CommandContext& ctx) {
  if (ctx.args.size() > 2 || (ctx.args.size() == 2 && !EqualsIgnoreCase(ctx.args[1], "schedule"))) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  Saver& saver = ctx.server.saver();
  if (saver.in_progress()) {
    ctx.reply.Error("ERR Background save already in progress");
  } else if (ctx.in_transaction) {
    saver.ScheduleBackground();
    ctx.reply.SimpleString("Background saving scheduled");
  } else if (saver.StartBackground()) {
    ctx.reply.SimpleString("Background saving started");
  } else {
    ctx.reply.Error("ERR Background save already in progress");
  }
}

void CmdLastSave(CommandContext& ctx) { ctx.reply.Integer(ctx.server.saver().last_save_time()); }

// ---------------------------------------------------------------------------------------
// DEBUG: the subset that is useful for tests and harmless in production.

void DebugSubcommandError(CommandContext& ctx) { ReplySubcommandSyntaxError(ctx, "DEBUG"); }

// DEBUG PROTOCOL <type>: a sample reply of each RESP type, for client tests.
void DebugProtocol(CommandContext& ctx) {
  std::string_view type = ctx.args[2];
  ReplyBuilder& r = ctx.reply;
  std::string* out = r.buffer();
  if (EqualsIgnoreCase(type, "string")) {
    r.Bulk("Hello World");
  } else if (EqualsIgnoreCase(type, "integer")) {
    r.Integer(12345);
  } else if (EqualsIgnoreCase(type, "double")) {
    if (r.resp3()) {
      out->append(",3.141\r\n");
    } else {
      r.Bulk("3.141");
    }
  } else if (EqualsIgnoreCase(type, "bignum")) {
    constexpr std::string_view kBig = "1234567999999999999999999999999999999";
    if (r.resp3()) {
      (out->append("(").append(kBig)) += "\r\n";
    } else {
      r.Bulk(kBig);
    }
  } else if (EqualsIgnoreCase(type, "null")) {
    r.Null();
  } else if (EqualsIgnoreCase(type, "array") || EqualsIgnoreCase(type, "set")) {
    if (EqualsIgnoreCase(type, "set")) {
      r.SetHeader(3);
    } else {
      r.ArrayHeader(3);
    }
    for (int i = 0; i < 3; ++i) r.Integer(i);
  } else if (EqualsIgnoreCase(type, "map")) {
    r.MapHeader(3);
    for (int i = 0; i < 3; ++i) {
      r.Integer(i);
      r.Bool(i == 1);
    }
  } else if (EqualsIgnoreCase(type, "attrib")) {
    if (r.resp3()) {
      out->append("|1\r\n");
      r.Bulk("key-popularity");
      r.ArrayHeader(2);
      r.Bulk("key:123");
      r.Integer(90);
    }
    r.Bulk("Some real reply following the attribute");
  } else if (EqualsIgnoreCase(type, "push")) {
    if (!r.resp3()) {
      r.Error("ERR RESP2 is not supported by this command");
      return;
    }
    r.PushHeader(2);
    r.Bulk("server-cpu-usage");
    r.Integer(42);
    r.Bulk("Some real reply following the push reply");
  } else if (EqualsIgnoreCase(type, "verbatim")) {
    r.Verbatim("This is a verbatim\nstring");
  } else if (EqualsIgnoreCase(type, "true") || EqualsIgnoreCase(type, "false")) {
    r.Bool(EqualsIgnoreCase(type, "true"));
  } else {
    r.Error(
        "ERR Wrong protocol type name. Please use one of the following: "
        "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
  }
}

void CmdDebug(CommandContext& ctx) {
  std::string_view sub = ctx.args[1];
  std::size_t argc = ctx.args.size();
  if (EqualsIgnoreCase(sub, "help") && argc == 2) {
    ReplyHelp(ctx, "DEBUG",
              {
                  "CHANGE-REPL-ID",
                  "    Accepted for compatibility; does nothing.",
                  "LOG <message>",
                  "    Write <message> to the server log as a warning.",
                  "PROTOCOL <type>",
                  "    Reply with a sample value of the given RESP <type>: string, integer,",
                  "    double, bignum, null, array, set, map, attrib, push, verbatim, true or",
                  "    false.",
                  "QUICKLIST-PACKED-THRESHOLD <size>",
                  "    Accepted for compatibility; does nothing.",
                  "SET-ACTIVE-EXPIRE <0|1>",
                  "    0 stops the background sweep of expired keys, so keys expire only when",
                  "    accessed; 1 turns the sweep back on (the default).",
                  "SLEEP <seconds>",
                  "    Block the calling connection's thread for <seconds> (may be fractional).",
              });
  } else if (EqualsIgnoreCase(sub, "sleep") && argc == 3) {
    // Like Redis: strtod semantics, so a malformed value sleeps for 0 s. Only the thread
    // running this connection sleeps.
    double secs = std::strtod(std::string(ctx.args[2]).c_str(), nullptr);
    if (secs > 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(static_cast<std::int64_t>(secs * 1e6)));
    }
    ctx.reply.Ok();
  } else if (EqualsIgnoreCase(sub, "set-active-expire") && argc == 3) {
    bool on = std::atoi(std::string(ctx.args[2]).c_str()) != 0;
    ctx.engine.SetActiveExpire(on);
    ctx.reply.Ok();
  } else if (EqualsIgnoreCase(sub, "log") && argc == 3) {
    LogWarning("DEBUG LOG: " + std::string(ctx.args[2]));
    ctx.reply.Ok();
  } else if (EqualsIgnoreCase(sub, "protocol") && argc == 3) {
    DebugProtocol(ctx);
  } else if ((EqualsIgnoreCase(sub, "change-repl-id") && argc == 2) ||
             (EqualsIgnoreCase(sub, "quicklist-packed-threshold") && argc == 3)) {
    ctx.reply.Ok();
  } else {
    DebugSubcommandError(ctx);
  }
}

// ---------------------------------------------------------------------------------------
// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]

void CmdShutdown(CommandContext& ctx) {
  bool nosave = false, save = false, abort = false, force = false, other = false;
  for (std::size_t i = 1; i < ctx.args.size(); ++i) {
    std::string_view a = ctx.args[i];
    if (EqualsIgnoreCase(a, "nosave")) {
      nosave = true;
    } else if (EqualsIgnoreCase(a, "save")) {
      save = true;
    } else if (EqualsIgnoreCase(a, "now")) {
      other = true;
    } else if (EqualsIgnoreCase(a, "force")) {
      force = other = true;
    } else if (EqualsIgnoreCase(a, "abort")) {
      abort = true;
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  if ((abort && (nosave || save || other)) || (nosave && save)) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  if (abort) {
    // A shutdown here is immediate, so there is never one in progress to abort.
    ctx.reply.Error("ERR No shutdown in progress.");
    return;
  }
  if (ctx.server.scripts().gate().busy()) {
    // Only SHUTDOWN NOSAVE may stop a busy script (it is killed, written or not).
    if (!nosave) {
      ctx.reply.Error(ctx.server.scripts().busy_error());
      return;
    }
    ctx.server.scripts().running().kill = true;
  }
  LogWarning("User requested shutdown...");
  if (Status st = ctx.server.PrepareShutdown(save, nosave); !st.ok() && !force) {
    ctx.reply.Error("ERR Errors trying to SHUTDOWN. Check logs.");
    return;
  }
  if (ctx.server.request_shutdown) ctx.server.request_shutdown();
  ctx.client.conn->CloseAfterReply();
}

}  // namespace

void RegisterServerCommands(CommandTable* table) {
  constexpr std::uint32_t kAnyState = kCmdLoading | kCmdStale;
  table->Add("info", -1, kAnyState | kCmdRandom | kCmdKeyspace, CmdInfo);
  auto& config = table->Add("config", -2, 0, nullptr);
  config.Sub("get", -3, kCmdAdmin | kCmdNoScript | kAnyState, CmdConfigGet);
  config.Sub("set", -4, kCmdAdmin | kCmdNoScript | kAnyState, CmdConfigSet);
  config.Sub("resetstat", 2, kCmdAdmin | kCmdNoScript | kAnyState | kCmdKeyspace,
             CmdConfigResetStat);
  config.Sub("rewrite", 2, kCmdAdmin | kCmdNoScript | kAnyState, CmdConfigRewrite);
  config.Sub("help", 2, kAnyState, CmdConfigHelp);
  table->Add("time", 1, kCmdFast | kAnyState | kCmdRandom, CmdTime);
  table->Add("save", 1, kCmdAdmin | kCmdNoScript | kCmdNoAsyncLoading | kCmdNoMulti, CmdSave);
  table->Add("bgsave", -1, kCmdAdmin | kCmdNoScript | kCmdNoAsyncLoading, CmdBgSave);
  table->Add("lastsave", 1, kCmdFast | kAnyState | kCmdRandom, CmdLastSave);
  table->Add("debug", -2, kCmdAdmin | kCmdNoScript | kAnyState, CmdDebug);
  table->Add("shutdown", -1,
             kCmdAdmin | kCmdNoScript | kAnyState | kCmdNoMulti | kCmdAllowBusy, CmdShutdown);
}

}  // namespace strata
