// The argument tree of COMMAND DOCS, parsed from the compact synopsis our docs table keeps
// (CommandDoc::arguments). redis-cli builds its input hints from this tree, so its shape must
// match what Redis 7 sends: each argument has a name, a type (key, string, integer, double,
// pattern, unix-time, pure-token, oneof, block), an optional token, the flags optional /
// multiple / multiple_token, and nested arguments for oneof and block.
//
// Synopsis grammar (Redis's documentation style plus two small annotations):
//   UPPER            a literal token (pure-token), or the token of the value(s) that follow:
//                    "EX seconds" is one argument; "LIMIT offset count" is a block.
//   name             a value; type "key" for key/keyN/newkey/source/destination, "pattern"
//                    for pattern, else "string"; "name:integer" (or :double, :pattern,
//                    :unix-time, :key, :string) sets the type explicitly.
//   [ ... ]          optional; "<...>" required group; "a | b" alternatives (oneof).
//   [label: ...]     names a group (oneof/block); otherwise a name is derived.
//   x [x ...]        x repeated (multiple); "TOKEN v [TOKEN v ...]" sets multiple_token,
//                    "TOKEN v [v ...]" repeats only the value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strata {

struct DocArg {
  std::string name;
  std::string type;   // key string integer double pattern unix-time pure-token oneof block
  std::string token;  // empty: no token
  bool optional = false;
  bool multiple = false;
  bool multiple_token = false;
  std::vector<DocArg> args;  // for oneof and block
};

// Parses `synopsis` into `out`. Returns false (with a reason in *error) on malformed input.
bool ParseArgSynopsis(std::string_view synopsis, std::vector<DocArg>* out, std::string* error);

// Renders the arguments the way redis-cli 7 turns a COMMAND DOCS tree into its hint text
// (e.g. "key value [NX|XX] [GET]"); used by tests to compare with redis-server.
std::string RenderCliHint(const std::vector<DocArg>& args);

}  // namespace strata
