// ZSet commands. (Being written: registers nothing yet.)
#include "commands/command.h"

namespace strata {

void RegisterZSetCommands(CommandTable* table) { (void)table; }

}  // namespace strata
