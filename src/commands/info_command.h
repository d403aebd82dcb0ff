// INFO's handler, and the INFO figures that CONFIG RESETSTAT resets.
#pragma once

#include <vector>

#include "commands/command.h"

namespace strata {

void CmdInfo(CommandContext& ctx);

// All commands and subcommands, sorted by full name (a stable INFO commandstats).
std::vector<const CommandSpec*> AllCommandSpecs();

// Restarts INFO's used_memory_peak from the current allocation.
void ResetPeakMemory();

}  // namespace strata
