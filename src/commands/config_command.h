// CONFIG's handlers, and the lookup of stored parameters that INFO reports.
#pragma once

#include <string>
#include <string_view>

#include "commands/command.h"

namespace strata {

void CmdConfigGet(CommandContext& ctx);
void CmdConfigSet(CommandContext& ctx);
void CmdConfigResetStat(CommandContext& ctx);
void CmdConfigRewrite(CommandContext& ctx);
void CmdConfigHelp(CommandContext& ctx);

// The value of a parameter stored by CONFIG SET (one not backed by live server state), or
// `fallback` if it was never set.
std::string ExtraConfig(ServerState& s, const std::string& name, std::string_view fallback);

}  // namespace strata
