// ReplyHelp: the reply to a container command's HELP subcommand, in Redis's layout.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"

namespace strata {

// Redis's addReplyHelp: a header naming `command`, the caller's `lines`, then the HELP entry
// every container command ends with.
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
