// String commands: GET SET ... (Redis's t_string.c).
#include "commands/command.h"
#include "commands/util.h"

namespace strata {
namespace {

void CmdGet(CommandContext& ctx) {
  ValueRef v = ctx.ks->Find(ctx.db, ctx.args[1]);
  if (!v) {
    ctx.reply.Null();
  } else if (v.type != ValueType::kString) {
    ctx.reply.Error(kErrWrongType);
  } else {
    ctx.reply.Bulk(v.str);
  }
}

void CmdSet(CommandContext& ctx) {
  if (ctx.args.size() != 3) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  ctx.ks->SetString(ctx.db, ctx.args[1], ctx.args[2], kNoExpire);
  ctx.reply.Ok();
}

}  // namespace

void RegisterStringCommands(CommandTable* table) {
  table->Add("get", 2, kCmdReadOnly | kCmdFast, CmdGet).Keys(1, 1, 1);
  table->Add("set", -3, kCmdWrite | kCmdDenyOom, CmdSet).Keys(1, 1, 1);
}

}  // namespace strata
