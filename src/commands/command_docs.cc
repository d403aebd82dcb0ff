// Documentation for every command (COMMAND DOCS; redis-cli builds its hints from it) and the
// ACL categories COMMAND INFO reports. The table is keyed by name so that it can describe
// commands before (or without) their registration; names nobody registered are skipped.
#include <algorithm>
#include <string>

#include "commands/command.h"
#include "commands/command_docs_args.h"
#include "commands/command_docs_table.h"
#include "util/log.h"

namespace strata {
namespace {

// Shorthand for the most common complexities and tip sets.
constexpr std::string_view kO1 = "O(1)";
constexpr std::string_view kSubDep = "Depends on the subcommand.";
constexpr std::string_view kMultiShardSum = "request_policy:multi_shard response_policy:agg_sum";
constexpr std::string_view kAllShardsOk = "request_policy:all_shards response_policy:all_succeeded";
constexpr std::string_view kNondet = "nondeterministic_output";
constexpr std::string_view kNondetOrder = "nondeterministic_output_order";
// clang-format off
// name, since, group, complexity, extra categories, tips, summary, arguments.
const DocEntry kDocs[] = {
  // ---- strings ----
  {"get", "1.0.0", "string", kO1, "@string", "", "Return the string stored at a key", "key"},
  {"set", "1.0.0", "string", kO1, "@string", "",
   "Store a string at a key, optionally with an expiry and conditions",
   "key value [condition: NX | XX] [GET] "
   "[expiration: EX seconds:integer | PX milliseconds:integer | "
   "EXAT unix-time-seconds:unix-time | PXAT unix-time-milliseconds:unix-time | KEEPTTL]"},
  {"setnx", "1.0.0", "string", kO1, "@string", "",
   "Store a string at a key only when the key is absent", "key value"},
  {"setex", "2.0.0", "string", kO1, "@string", "",
   "Store a string at a key with a time to live in seconds", "key seconds:integer value"},
  {"psetex", "2.6.0", "string", kO1, "@string", "",
   "Store a string at a key with a time to live in milliseconds",
   "key milliseconds:integer value"},
  {"getset", "1.0.0", "string", kO1, "@string", "",
   "Store a string at a key and return the previous string", "key value"},
  {"getdel", "6.2.0", "string", kO1, "@string", "",
   "Return the string stored at a key and remove the key", "key"},
  {"getex", "6.2.0", "string", kO1, "@string", "",
   "Return the string stored at a key and change or clear its expiry",
   "key [expiration: EX seconds:integer | PX milliseconds:integer | "
   "EXAT unix-time-seconds:unix-time | PXAT unix-time-milliseconds:unix-time | PERSIST]"},
  {"mget", "1.0.0", "string", "O(N), N being the number of keys", "@string",
   "request_policy:multi_shard", "Return the strings stored at several keys", "key [key ...]"},
  {"mset", "1.0.1", "string", "O(N), N being the number of keys", "@string",
   "request_policy:multi_shard response_policy:all_succeeded",
   "Store strings at several keys at once", "key value [key_value: key value ...]"},
  {"msetnx", "1.0.1", "string", "O(N), N being the number of keys", "@string",
   "request_policy:multi_shard response_policy:agg_min",
   "Store strings at several keys only when none of them exists",
   "key value [key_value: key value ...]"},
  {"append", "2.0.0", "string", "O(1) amortized", "@string", "",
   "Append a string to the value of a key", "key value"},
  {"strlen", "2.2.0", "string", kO1, "@string", "",
   "Return the length of the string stored at a key", "key"},
  {"incr", "1.0.0", "string", kO1, "@string", "", "Add one to the integer stored at a key", "key"},
  {"decr", "1.0.0", "string", kO1, "@string", "",
   "Subtract one from the integer stored at a key", "key"},
  {"incrby", "1.0.0", "string", kO1, "@string", "",
   "Add an integer to the integer stored at a key", "key increment:integer"},
  {"decrby", "1.0.0", "string", kO1, "@string", "",
   "Subtract an integer from the integer stored at a key", "key decrement:integer"},
  {"incrbyfloat", "2.6.0", "string", kO1, "@string", "",
   "Add a floating-point number to the number stored at a key", "key increment:double"},
  {"getrange", "2.4.0", "string", "O(N), N being the length of the returned part", "@string", "",
   "Return part of the string stored at a key", "key start:integer end:integer"},
  {"setrange", "2.2.0", "string", "O(1) plus copying the new part", "@string", "",
   "Overwrite part of the string stored at a key from an offset on",
   "key offset:integer value"},
  {"substr", "1.0.0", "string", "O(N), N being the length of the returned part", "@string", "",
   "Return part of the string stored at a key (older name of GETRANGE)",
   "key start:integer end:integer"},
  {"lcs", "7.0.0", "string", "O(N*M), N and M being the lengths of the two strings", "@string",
   "", "Find the longest common subsequence of two strings",
   "key1 key2 [LEN] [IDX] [MINMATCHLEN len:integer] [WITHMATCHLEN]"},

  // ---- keys ----
  {"del", "1.0.0", "generic", "O(N), N being the number of keys (and their elements)",
   "@keyspace", kMultiShardSum, "Remove keys", "key [key ...]"},
  {"unlink", "4.0.0", "generic", "O(1) per key; memory is reclaimed in the background",
   "@keyspace", kMultiShardSum, "Remove keys, freeing their memory in the background",
   "key [key ...]"},
  {"exists", "1.0.0", "generic", "O(N), N being the number of keys", "@keyspace",
   kMultiShardSum, "Count how many of the given keys exist", "key [key ...]"},
  {"type", "1.0.0", "generic", kO1, "@keyspace", "",
   "Return the type of the value stored at a key", "key"},
  {"rename", "1.0.0", "generic", kO1, "@keyspace", "", "Give a key a new name", "key newkey"},
  {"renamenx", "1.0.0", "generic", kO1, "@keyspace", "",
   "Give a key a new name only when that name is free", "key newkey"},
  {"keys", "1.0.0", "generic", "O(N), N being the number of keys in the database",
   "@keyspace @dangerous", "request_policy:all_shards nondeterministic_output_order",
   "List the keys that match a glob pattern", "pattern"},
  {"scan", "2.8.0", "generic", "O(1) per call, O(N) for a full iteration", "@keyspace",
   "nondeterministic_output request_policy:special", "Walk the keyspace incrementally",
   "cursor:integer [MATCH pattern] [COUNT count:integer] [TYPE type]"},
  {"randomkey", "1.0.0", "generic", kO1, "@keyspace",
   "request_policy:all_shards nondeterministic_output", "Return a key picked at random", ""},
  {"dbsize", "1.0.0", "server", kO1, "@keyspace",
   "request_policy:all_shards response_policy:agg_sum",
   "Return the number of keys in the selected database", ""},
  {"flushdb", "1.0.0", "server", "O(N), N being the number of keys in the database",
   "@keyspace @dangerous", kAllShardsOk, "Remove every key of the selected database",
   "[async: ASYNC | SYNC]"},
  {"flushall", "1.0.0", "server", "O(N), N being the number of keys in all databases",
   "@keyspace @dangerous", kAllShardsOk, "Remove every key of every database",
   "[async: ASYNC | SYNC]"},
  {"copy", "6.2.0", "generic", "O(N) for collections, N being the number of elements; O(1) "
   "for strings", "@keyspace", "", "Duplicate the value of a key under another key",
   "source destination [DB destination-db:integer] [REPLACE]"},
  {"move", "1.0.0", "generic", kO1, "@keyspace", "", "Move a key to another database",
   "key db:integer"},
  {"touch", "3.2.1", "generic", "O(N), N being the number of keys", "@keyspace",
   kMultiShardSum, "Update the last access time of keys and count the existing ones",
   "key [key ...]"},
  {"select", "1.0.0", "connection", kO1, "@connection", "",
   "Switch the connection to another database", "index:integer"},
  {"swapdb", "4.0.0", "server", "O(N), N being the clients watching or blocked on either "
   "database", "@keyspace @dangerous", "", "Exchange the contents of two databases",
   "index1:integer index2:integer"},
  {"object", "2.2.3", "generic", kSubDep, "", "", "Inspect the internals of stored values", ""},
  {"object|encoding", "2.2.3", "generic", kO1, "@keyspace", kNondet,
   "Return the internal encoding of the value stored at a key", "key"},
  {"object|refcount", "2.2.3", "generic", kO1, "@keyspace", kNondet,
   "Return the reference count of the value stored at a key", "key"},
  {"object|idletime", "2.2.3", "generic", kO1, "@keyspace", kNondet,
   "Return the seconds since the key was last read or written", "key"},
  {"object|freq", "4.0.0", "generic", kO1, "@keyspace", kNondet,
   "Return the logarithmic access-frequency counter of a key", "key"},
  {"object|help", "6.2.0", "generic", kO1, "@keyspace", "",
   "List the OBJECT subcommands", ""},
  {"memory", "4.0.0", "server", kSubDep, "", "", "Inspect memory usage", ""},
  {"memory|usage", "4.0.0", "server", "O(N), N being the number of samples", "", "",
   "Estimate the bytes a key and its value take", "key [SAMPLES count:integer]"},
  {"memory|doctor", "4.0.0", "server", kO1, "", "nondeterministic_output "
   "request_policy:all_shards response_policy:special", "Report memory problems", ""},
  {"memory|stats", "4.0.0", "server", kO1, "", "nondeterministic_output "
   "request_policy:all_shards response_policy:special", "Report memory usage details", ""},
  {"memory|purge", "4.0.0", "server", "Depends on the allocator", "", kAllShardsOk,
   "Ask the allocator to return free memory to the system", ""},
  {"memory|malloc-stats", "4.0.0", "server", "Depends on the allocator", "",
   "nondeterministic_output request_policy:all_shards response_policy:special",
   "Report the allocator's internal statistics", ""},
  {"memory|help", "4.0.0", "server", kO1, "", "", "List the MEMORY subcommands", ""},
  {"expire", "1.0.0", "generic", kO1, "@keyspace", "",
   "Give a key a time to live in seconds",
   "key seconds:integer [condition: NX | XX | GT | LT]"},
  {"pexpire", "2.6.0", "generic", kO1, "@keyspace", "",
   "Give a key a time to live in milliseconds",
   "key milliseconds:integer [condition: NX | XX | GT | LT]"},
  {"expireat", "1.2.0", "generic", kO1, "@keyspace", "",
   "Make a key expire at a Unix time in seconds",
   "key unix-time-seconds:unix-time [condition: NX | XX | GT | LT]"},
  {"pexpireat", "2.6.0", "generic", kO1, "@keyspace", "",
   "Make a key expire at a Unix time in milliseconds",
   "key unix-time-milliseconds:unix-time [condition: NX | XX | GT | LT]"},
  {"ttl", "1.0.0", "generic", kO1, "@keyspace", kNondet,
   "Return the remaining time to live of a key in seconds", "key"},
  {"pttl", "2.6.0", "generic", kO1, "@keyspace", kNondet,
   "Return the remaining time to live of a key in milliseconds", "key"},
  {"persist", "2.2.0", "generic", kO1, "@keyspace", "", "Remove the expiry of a key", "key"},
  {"expiretime", "7.0.0", "generic", kO1, "@keyspace", "",
   "Return the Unix time in seconds at which a key expires", "key"},
  {"pexpiretime", "7.0.0", "generic", kO1, "@keyspace", "",
   "Return the Unix time in milliseconds at which a key expires", "key"},

  // ---- connection ----
  {"ping", "1.0.0", "connection", kO1, "@connection", kAllShardsOk,
   "Check that the server answers", "[message]"},
  {"echo", "1.0.0", "connection", kO1, "@connection", "", "Reply with the given string",
   "message"},
  {"quit", "1.0.0", "connection", kO1, "@connection", "", "Close the connection", ""},
  {"reset", "6.2.0", "connection", kO1, "@connection", "",
   "Return the connection to its initial state", ""},
  {"monitor", "1.0.0", "server", "O(1) per command shown to each monitor", "", "",
   "Stream every command the server runs to this connection", ""},
  {"hello", "6.0.0", "connection", kO1, "@connection", "",
   "Negotiate the protocol version, optionally authenticating and naming the connection",
   "[arguments: protover:integer [AUTH username password] [SETNAME clientname]]"},
  {"auth", "1.0.0", "connection", "O(N), N being the number of passwords of the user",
   "@connection", "", "Authenticate the connection", "[username] password"},
  {"client", "2.4.0", "connection", kSubDep, "", "", "Inspect and control client connections",
   ""},
  {"client|id", "5.0.0", "connection", kO1, "@connection", "",
   "Return the ID of this connection", ""},
  {"client|setname", "2.6.9", "connection", kO1, "@connection", "",
   "Give this connection a name", "connection-name"},
  {"client|getname", "2.6.9", "connection", kO1, "@connection", "",
   "Return the name of this connection", ""},
  {"client|list", "2.4.0", "connection", "O(N), N being the number of connections",
   "@connection", kNondet, "Describe the open connections",
   "[TYPE <normal_master_replica_pubsub: NORMAL | MASTER | REPLICA | PUBSUB>] "
   "[ID client-id:integer [client-id:integer ...]]"},
  {"client|info", "6.2.0", "connection", kO1, "@connection", kNondet,
   "Describe this connection", ""},
  {"client|setinfo", "7.2.0", "connection", kO1, "@connection", "",
   "Record the client library name or version for this connection",
   "<attr: LIB-NAME libname | LIB-VER libver>"},
  {"client|kill", "2.4.0", "connection", "O(N), N being the number of connections",
   "@connection", "", "Close other connections",
   // Either the old "ip:port" form or any number of filters.
   "<filter: ip:port | <new-format: [ID client-id:integer] | "
   "[TYPE <normal_master_slave_pubsub: NORMAL | MASTER | SLAVE | REPLICA | PUBSUB>] | [USER username] | "
   "[ADDR ip:port] | [LADDR ip:port] | [SKIPME yes/no]> "
   "[<new-format: [ID client-id:integer] | "
   "[TYPE <normal_master_slave_pubsub: NORMAL | MASTER | SLAVE | REPLICA | PUBSUB>] | [USER username] | "
   "[ADDR ip:port] | [LADDR ip:port] | [SKIPME yes/no]> ...]>"},
  {"client|unblock", "5.0.0", "connection", "O(log N) where N is the number of client connections",
   "@connection @dangerous", "", "End another client's blocking command early",
   "client-id:integer [timeout_error: TIMEOUT | ERROR]"},
  {"client|pause", "2.9.50", "connection", kO1, "@connection", "",
   "Hold back commands from clients for a while", "timeout:integer [mode: WRITE | ALL]"},
  {"client|unpause", "6.2.0", "connection", "O(N), N being the number of paused clients",
   "@connection", "", "Let paused clients continue", ""},
  {"client|reply", "3.2.0", "connection", kO1, "@connection", "",
   "Choose whether the server replies to this connection", "<on_off_skip: ON | OFF | SKIP>"},
  {"client|no-evict", "7.0.0", "connection", kO1, "@connection", "",
   "Exempt this connection from client eviction, or not", "<enabled: ON | OFF>"},
  {"client|help", "5.0.0", "connection", kO1, "@connection", "",
   "List the CLIENT subcommands", ""},

  // ---- server ----
  {"info", "1.0.0", "server", kO1, "@dangerous",
   "nondeterministic_output request_policy:all_shards response_policy:special",
   "Report server information and statistics", "[section [section ...]]"},
  {"config", "2.0.0", "server", kSubDep, "", "", "Read and change the configuration", ""},
  {"config|get", "2.0.0", "server", "O(N), N being the number of parameters", "", "",
   "Return the values of configuration parameters", "parameter [parameter ...]"},
  {"config|set", "2.0.0", "server", "O(N), N being the number of parameters", "",
   "request_policy:all_nodes response_policy:all_succeeded",
   "Change configuration parameters at run time",
   "parameter value [parameter_value: parameter value ...]"},
  {"config|resetstat", "2.0.0", "server", kO1, "", "",
   "Reset the statistics reported by INFO", ""},
  {"config|rewrite", "2.8.0", "server", kO1, "", "",
   "Write the running configuration back to the configuration file", ""},
  {"config|help", "5.0.0", "server", kO1, "", "", "List the CONFIG subcommands", ""},
  {"time", "2.6.0", "server", kO1, "", kNondet,
   "Return the server time as seconds and microseconds", ""},
  {"save", "1.0.0", "server", "O(N), N being the number of keys in all databases",
   "@admin @dangerous", "", "Write a checkpoint of the dataset to disk synchronously",
   ""},
  {"bgsave", "1.0.0", "server", kO1, "@admin @dangerous", "",
   "Write a checkpoint of the dataset to disk in the background", "[SCHEDULE]"},
  {"lastsave", "1.0.0", "server", kO1, "@admin @dangerous", kNondet,
   "Return the Unix time of the last successful save", ""},
  {"debug", "1.0.0", "server", kSubDep, "@dangerous", "", "Debugging helpers", ""},
  {"shutdown", "1.0.0", "server", "O(N) when saving, N being the number of keys; else O(1)",
   "@dangerous", "", "Stop the server, optionally saving first",
   "[nosave_save: NOSAVE | SAVE] [NOW] [FORCE] [ABORT]"},
  {"command", "2.8.13", "server", "O(N), N being the number of commands", "@connection",
   kNondetOrder, "Describe every command", ""},
  {"command|count", "2.8.13", "server", kO1, "@connection", "",
   "Return the number of commands", ""},
  {"command|info", "2.8.13", "server", "O(N), N being the number of commands asked for",
   "@connection", kNondetOrder, "Describe the given commands, or all of them",
   "[command-name [command-name ...]]"},
  {"command|docs", "7.0.0", "server", "O(N), N being the number of commands asked for",
   "@connection", kNondetOrder, "Return the documentation of the given commands, or all",
   "[command-name [command-name ...]]"},
  {"command|list", "7.0.0", "server", "O(N), N being the number of commands", "@connection",
   kNondetOrder, "List command names, optionally filtered",
   "[FILTERBY <filterby: MODULE module-name | ACLCAT category | PATTERN pattern>]"},
  {"command|getkeys", "2.8.13", "server", "O(N) where N is the number of arguments to the command",
   "@connection", "", "Extract keys given a full Redis command", ""},
  {"command|getkeysandflags", "7.0.0", "server", "O(N) where N is the number of arguments to the command",
   "@connection", "", "Extract keys and access flags given a full Redis command", ""},
  {"command|help", "5.0.0", "server", kO1, "@connection", "",
   "List the COMMAND subcommands", ""},
};
// clang-format on

constexpr std::string_view kAclCategories[] = {
    "@keyspace",   "@read",        "@write",    "@set",         "@sortedset", "@list",
    "@hash",       "@string",      "@bitmap",   "@hyperloglog", "@geo",       "@stream",
    "@pubsub",     "@admin",       "@fast",     "@slow",        "@blocking",  "@dangerous",
    "@connection", "@transaction", "@scripting"};

std::size_t CategoryRank(std::string_view c) {
  auto it = std::find(std::begin(kAclCategories), std::end(kAclCategories), c);
  return static_cast<std::size_t>(it - std::begin(kAclCategories));
}

// A view of `c` that lives as long as the process (the canonical table entry, or the
// docs-table text it came from).
void AddCategory(std::string_view c, std::vector<std::string_view>* out) {
  std::size_t rank = CategoryRank(c);
  if (rank < std::size(kAclCategories)) c = kAclCategories[rank];
  if (std::find(out->begin(), out->end(), c) == out->end()) out->push_back(c);
}

// The categories Redis derives from command flags, plus the explicit ones, in Redis's order.
void ApplyCategories(const DocEntry* entry, CommandSpec* spec) {
  std::vector<std::string_view>& cats = spec->categories;
  if (spec->has_flag(kCmdWrite)) AddCategory("@write", &cats);
  // As Redis, read-only scripting commands (EVAL_RO...) are not in @read.
  bool scripting = entry != nullptr && entry->categories.find("@scripting") != std::string_view::npos;
  if (spec->has_flag(kCmdReadOnly) && !scripting) AddCategory("@read", &cats);
  if (spec->has_flag(kCmdAdmin)) {
    AddCategory("@admin", &cats);
    AddCategory("@dangerous", &cats);
  }
  if (spec->has_flag(kCmdPubSub)) AddCategory("@pubsub", &cats);
  AddCategory(spec->has_flag(kCmdFast) ? "@fast" : "@slow", &cats);
  if (spec->has_flag(kCmdBlocking)) AddCategory("@blocking", &cats);
  if (entry != nullptr) {
    std::string_view rest = entry->categories;
    while (!rest.empty()) {
      std::size_t sp = rest.find(' ');
      std::string_view word = rest.substr(0, sp);
      if (!word.empty()) AddCategory(word, &cats);
      rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
    }
  }
  std::stable_sort(cats.begin(), cats.end(), [](std::string_view a, std::string_view b) {
    return CategoryRank(a) < CategoryRank(b);
  });
}

void ApplyDoc(CommandSpec* spec) {
  const DocEntry* entry = FindDocEntry(spec->name);
  if (entry != nullptr) {
    spec->doc.summary = entry->summary;
    spec->doc.since = entry->since;
    spec->doc.group = entry->group;
    spec->doc.complexity = entry->complexity;
    spec->doc.arguments = entry->arguments;
    std::vector<DocArg> parsed;
    std::string error;
    if (!ParseArgSynopsis(spec->doc.arguments, &parsed, &error)) {
      // A table defect: drop the arguments rather than send a malformed tree.
      LogWarning("bad argument synopsis for '" + spec->name + "': " + error);
      spec->doc.arguments = {};
    }
  }
  ApplyCategories(entry, spec);
  for (auto& sub : spec->subcommands) ApplyDoc(sub.get());
}

}  // namespace

namespace {
// Entries added by the families that keep their documentation beside their code.
std::vector<std::span<const DocEntry>>& FamilyDocs() {
  static std::vector<std::span<const DocEntry>> docs;
  return docs;
}
}  // namespace

void AddDocEntries(std::span<const DocEntry> entries) { FamilyDocs().push_back(entries); }

std::vector<const DocEntry*> DocEntries() {
  CommandTable::Get();  // the families add their entries while the table is built
  std::vector<const DocEntry*> all;
  for (const DocEntry& e : kDocs) all.push_back(&e);
  for (auto span : FamilyDocs()) {
    for (const DocEntry& e : span) all.push_back(&e);
  }
  return all;
}

const DocEntry* FindDocEntry(std::string_view name) {
  for (const DocEntry& e : kDocs) {
    if (e.name == name) return &e;
  }
  for (auto span : FamilyDocs()) {
    for (const DocEntry& e : span) {
      if (e.name == name) return &e;
    }
  }
  return nullptr;
}

void ApplyCommandDocs(CommandTable* table) {
  for (auto& cmd : table->mutable_commands()) ApplyDoc(cmd.get());
}

}  // namespace strata
