// Our documentation table for COMMAND DOCS / COMMAND INFO, keyed by command name
// ("set", "config|get"). ApplyCommandDocs copies it into the CommandSpecs; the COMMAND family
// reads the fields CommandSpec has no room for (tips) from here.
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace strata {

struct DocEntry {
  std::string_view name;   // lower case, "parent|sub" for subcommands
  std::string_view since;  // the Redis version that introduced it
  std::string_view group;  // "string", "generic", "connection", "server"...
  std::string_view complexity;
  // ACL categories beyond those implied by the flags (@write, @read, @admin, @fast/@slow...),
  // space separated: "@string", "@keyspace @dangerous".
  std::string_view categories;
  // Command tips, space separated: "nondeterministic_output request_policy:all_shards".
  std::string_view tips;
  std::string_view summary;
  std::string_view arguments;  // synopsis, see command_docs_args.h
};

// Every entry: the core table's and those the families added.
std::vector<const DocEntry*> DocEntries();
// Adds a family's entries (called from its Register function, before ApplyCommandDocs);
// `entries` must outlive the process's command table (a static array).
void AddDocEntries(std::span<const DocEntry> entries);
// nullptr when the table has no entry for `name` (lower case).
const DocEntry* FindDocEntry(std::string_view name);

}  // namespace strata
