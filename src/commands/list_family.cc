// List commands. (Being written: registers nothing yet.)
#include "commands/command.h"

namespace strata {

void RegisterListCommands(CommandTable* table) { (void)table; }

}  // namespace strata
