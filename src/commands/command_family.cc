// COMMAND, COMMAND COUNT / INFO / DOCS / LIST / GETKEYS: generated from the command table.
#include "commands/command.h"
#include "commands/util.h"

namespace strata {

void RegisterCommandCommands(CommandTable* table) { (void)table; }

}  // namespace strata
