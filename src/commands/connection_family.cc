// Connection commands: PING ECHO QUIT SELECT AUTH HELLO RESET CLIENT.
#include "commands/command.h"
#include "commands/util.h"
#include "server/server_state.h"

namespace strata {
namespace {

void CmdPing(CommandContext& ctx) {
  if (ctx.args.size() > 2) {
    ctx.reply.Error("ERR wrong number of arguments for 'ping' command");
    return;
  }
  if (ctx.args.size() == 2) {
    ctx.reply.Bulk(ctx.args[1]);
  } else {
    ctx.reply.SimpleString("PONG");
  }
}

void CmdEcho(CommandContext& ctx) { ctx.reply.Bulk(ctx.args[1]); }

void CmdQuit(CommandContext& ctx) {
  ctx.reply.Ok();
  ctx.client.conn->CloseAfterReply();
}

void CmdSelect(CommandContext& ctx) {
  std::int64_t db = 0;
  if (!ParseInt64(ctx.args[1], &db)) {
    ctx.reply.Error(kErrNotInteger);
    return;
  }
  if (db < 0 || db >= ctx.engine.num_databases()) {
    ctx.reply.Error(kErrDbIndex);
    return;
  }
  ctx.client.db = static_cast<int>(db);
  ctx.reply.Ok();
}

}  // namespace

void RegisterConnectionCommands(CommandTable* table) {
  table->Add("ping", -1, kCmdFast | kCmdStale | kCmdLoading, CmdPing);
  table->Add("echo", 2, kCmdFast | kCmdStale | kCmdLoading, CmdEcho);
  table->Add("quit", -1,
             kCmdNoAuth | kCmdFast | kCmdStale | kCmdLoading | kCmdNoScript | kCmdAllowBusy,
             CmdQuit);
  table->Add("select", 2, kCmdFast | kCmdStale | kCmdLoading, CmdSelect);
}

}  // namespace strata
