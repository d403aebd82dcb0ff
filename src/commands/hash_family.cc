// Hash commands. (Being written: registers nothing yet.)
#include "commands/command.h"

namespace strata {

void RegisterHashCommands(CommandTable* table) { (void)table; }

}  // namespace strata
