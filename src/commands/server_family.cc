// Server commands: INFO CONFIG COMMAND TIME DEBUG SHUTDOWN ... (Redis's server.c, config.c).
#include "commands/command.h"
#include "commands/util.h"
#include "server/server_state.h"

namespace strata {
namespace {

void CmdShutdown(CommandContext& ctx) {
  if (ctx.server.request_shutdown) ctx.server.request_shutdown();
  ctx.client.conn->CloseAfterReply();
}

}  // namespace

void RegisterServerCommands(CommandTable* table) {
  table->Add("shutdown", -1, kCmdAdmin | kCmdNoScript | kCmdLoading, CmdShutdown);
}

}  // namespace strata
