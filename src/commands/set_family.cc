// Set commands. (Being written: registers nothing yet.)
#include "commands/command.h"

namespace strata {

void RegisterSetCommands(CommandTable* table) { (void)table; }

}  // namespace strata
