// MULTI EXEC DISCARD WATCH UNWATCH. Queueing happens in the dispatcher (ClientSession),
// which also runs EXEC: it needs the command table and the lock set of the whole queue.
#include "commands/command.h"
#include "commands/command_docs_table.h"
#include "state/server_state.h"

namespace strata {
namespace {

void Unwatch(CommandContext& ctx) { ctx.server.watches().UnwatchAll(&ctx.client.watch); }

void CmdMulti(CommandContext& ctx) {
  if (ctx.client.multi.active) {
    ctx.reply.Error("ERR MULTI calls can not be nested");
    return;
  }
  ctx.client.multi = MultiState();
  ctx.client.multi.active = true;
  ctx.reply.Ok();
}

void CmdExec(CommandContext& ctx) { ctx.client.runner->Exec(ctx); }

void CmdDiscard(CommandContext& ctx) {
  if (!ctx.client.multi.active) {
    ctx.reply.Error("ERR DISCARD without MULTI");
    return;
  }
  ctx.client.multi = MultiState();
  Unwatch(ctx);
  ctx.reply.Ok();
}

void CmdWatch(CommandContext& ctx) {
  if (ctx.client.multi.active) {
    ctx.reply.Error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  for (std::size_t i = 1; i < ctx.args.size(); ++i) {
    bool live = static_cast<bool>(ctx.ks->Stat(ctx.db, ctx.args[i]));
    ctx.server.watches().Watch(&ctx.client.watch, ctx.db, ctx.args[i], live);
  }
  ctx.reply.Ok();
}

void CmdUnwatch(CommandContext& ctx) {
  Unwatch(ctx);
  ctx.reply.Ok();
}

// clang-format off
const DocEntry kTransactionDocs[] = {
  {"multi", "1.2.0", "transactions", "O(1)", "@transaction", "",
   "Start queueing commands for atomic execution by EXEC", ""},
  {"exec", "1.2.0", "transactions", "Depends on commands in the transaction", "@transaction", "",
   "Run the queued commands as one atomic unit", ""},
  {"discard", "2.0.0", "transactions", "O(N), when N is the number of queued commands",
   "@transaction", "", "Drop the queued commands and leave the transaction", ""},
  {"watch", "2.2.0", "transactions", "O(1) for every key.", "@transaction", "",
   "Make the next EXEC fail if any of these keys changes first", "key [key ...]"},
  {"unwatch", "2.2.0", "transactions", "O(1)", "@transaction", "",
   "Stop watching every key watched by this connection", ""},
};
// clang-format on

}  // namespace

void RegisterTransactionCommands(CommandTable* table) {
  AddDocEntries(kTransactionDocs);
  constexpr std::uint32_t kTx = kCmdNoScript | kCmdLoading | kCmdStale;
  table->Add("multi", 1, kTx | kCmdFast | kCmdAllowBusy | kCmdTxControl, CmdMulti);
  table->Add("exec", 1, kTx | kCmdSkipSlowlog | kCmdTxControl, CmdExec);
  table->Add("discard", 1, kTx | kCmdFast | kCmdAllowBusy | kCmdTxControl, CmdDiscard);
  table->Add("watch", -2, kTx | kCmdFast | kCmdAllowBusy | kCmdTxControl, CmdWatch)
      .Keys(1, -1, 1)
      .Specs({kKsRO});
  table->Add("unwatch", 1, kTx | kCmdFast | kCmdAllowBusy, CmdUnwatch);
}

}  // namespace strata
