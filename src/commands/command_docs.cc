// Documentation for every command (COMMAND DOCS; redis-cli builds its hints from it).
#include "commands/command.h"

namespace strata {

void ApplyCommandDocs(CommandTable* table) { (void)table; }

}  // namespace strata
