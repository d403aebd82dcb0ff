// Keyspace and expiry commands: DEL EXISTS TYPE RENAME SCAN EXPIRE TTL ... (Redis's db.c,
// expire.c).
#include "commands/command.h"
#include "commands/util.h"

namespace strata {
namespace {

void CmdDel(CommandContext& ctx) {
  std::int64_t n = 0;
  for (std::size_t i = 1; i < ctx.args.size(); ++i) n += ctx.ks->Delete(ctx.db, ctx.args[i]);
  ctx.reply.Integer(n);
}

}  // namespace

void RegisterKeyspaceCommands(CommandTable* table) {
  table->Add("del", -2, kCmdWrite, CmdDel).Keys(1, -1, 1);
}

}  // namespace strata
