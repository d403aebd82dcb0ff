// ReplyHelp: the reply to a container command's HELP subcommand, in Redis's layout.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"

namespace strata {

// Redis's addReplyHelp: a header naming `command`, the caller's `lines`, then the HELP entry
// every container command ends with.
// Redis's addReplySubcommandSyntaxError: a subcommand given the wrong arguments. The
// subcommand is named as typed, cut like Redis's "%.128s" (at a NUL, or after 128 bytes).
inline void ReplySubcommandSyntaxError(CommandContext& ctx, std::string_view command) {
  std::string_view typed = ctx.args[1].substr(0, ctx.args[1].find('\0')).substr(0, 128);
  ctx.reply.Error("ERR unknown subcommand or wrong number of arguments for '" +
                  std::string(typed) + "'. Try " + std::string(command) + " HELP.");
}

inline void ReplyHelp(CommandContext& ctx, std::string_view command,
                      const std::vector<std::string_view>& lines) {
  ctx.reply.ArrayHeader(lines.size() + 3);
  ctx.reply.SimpleString(std::string(command) +
                         " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : lines) ctx.reply.SimpleString(line);
  ctx.reply.SimpleString("HELP");
  ctx.reply.SimpleString("    Prints this help.");
}

}  // namespace strata
