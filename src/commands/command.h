// The declarative command table: name, arity (Redis's sign convention), flags, key positions
// and handler. Arity and unknown commands are checked once, centrally, by the dispatcher —
// never in a handler.
#pragma once

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply_builder.h"
#include "strata/storage_engine.h"
#include "util/notify_flags.h"
#include "util/striped_counter.h"

namespace strata {

class ServerState;
struct ClientState;

enum CommandFlag : std::uint32_t {
  kCmdWrite = 1u << 0,
  kCmdReadOnly = 1u << 1,
  kCmdFast = 1u << 2,
  kCmdAdmin = 1u << 3,
  kCmdNoAuth = 1u << 4,   // allowed before AUTH
  kCmdLoading = 1u << 5,  // allowed while loading a checkpoint
  kCmdStale = 1u << 6,
  kCmdNoScript = 1u << 7,
  // Internal: works on the whole keyspace through the engine's keyspace-wide calls (KEYS,
  // SCAN, DBSIZE, FLUSHDB, SWAPDB, INFO...), so inside EXEC it needs every key locked.
  kCmdKeyspace = 1u << 8,
  kCmdNoMulti = 1u << 9,  // executed at once even inside MULTI (EXEC, DISCARD, WATCH...)
  kCmdDenyOom = 1u << 10,
  kCmdPubSub = 1u << 11,
  kCmdBlocking = 1u << 12,
  kCmdAllowBusy = 1u << 13,
  kCmdSkipMonitor = 1u << 14,
  kCmdRandom = 1u << 15,  // reply may differ between identical calls (doc hint)
  kCmdSkipSlowlog = 1u << 16,
  // Internal (not in COMMAND INFO): runs at once inside MULTI instead of being queued
  // (EXEC DISCARD MULTI WATCH QUIT RESET, as Redis singles them out).
  kCmdTxControl = 1u << 17,
  // Refused while a replica loads a dataset in the background (Redis's async loading); we
  // have no such state, the flag only keeps COMMAND INFO equal to Redis's.
  kCmdNoAsyncLoading = 1u << 18,
  // Internal: allowed to a RESP2 client with subscriptions ((P|S)(UN)SUBSCRIBE, PING, QUIT,
  // RESET); the dispatcher refuses the rest with Redis's error.
  kCmdSubscribedContext = 1u << 19,
  // Internal: runs a script (EVAL, FCALL). The dispatcher prefetches its declared keys but
  // locks none: the script is made atomic by the script gate (state/script_gate.h) and its
  // calls lock their own keys; inside EXEC it needs the whole keyspace.
  kCmdScript = 1u << 20,
  // A command whose key specs may find no key (EVAL with numkeys 0): COMMAND INFO only.
  kCmdNoMandatoryKeys = 1u << 21,
};

// What a command that works in steps keeps between them; each such command derives its own.
struct CommandProgress {
  virtual ~CommandProgress() = default;
};

// Lets a keyspace-wide command (KEYS, SCAN) work in bounded steps, so that a large keyspace
// or an engine that must read from disk never holds the network thread: the connection
// suspends (serving its other clients meanwhile) and hands the same command in again. The
// dispatcher owns it and offers it only where the command may be suspended (not in EXEC).
struct CommandSteps {
  enum class Next : std::uint8_t {
    kDone,   // the command replied
    kYield,  // call again with the same arguments once other connections had their turn
    kWait,   // an engine call given `waker` went pending: call again once it fired
  };
  Next next = Next::kDone;
  // Pass to engine calls that may go pending (StorageEngine::Scan).
  PrefetchWaker* waker = nullptr;
  // Set by the command; kept until it is done (or its connection closes).
  std::unique_ptr<CommandProgress> progress;
};

// Everything a handler may use. Built by the dispatcher for one command.
struct CommandContext {
  std::span<const std::string_view> args;  // args[0] is the command name as sent
  ReplyBuilder& reply;
  ClientState& client;
  ServerState& server;
  StorageEngine& engine;
  // The locked keys' view; null for commands without keys (they call `engine` directly).
  Keyspace* ks = nullptr;
  // Redis's signalModifiedKey for `key` of the selected database (WATCH, blocked clients).
  void SignalModified(std::string_view key) const { ks->SignalModified(db, key); }
  // Redis's notifyKeyspaceEvent: `event` (of class `type`, a NotifyFlag) about `key` of the
  // selected database, or of `in_db`.
  void Notify(std::uint32_t type, std::string_view event, std::string_view key) const {
    NotifyIn(db, type, event, key);
  }
  void NotifyIn(int in_db, std::uint32_t type, std::string_view event,
                std::string_view key) const;
  // The selected database.
  int db = 0;
  // Running inside EXEC: blocking commands must answer at once instead of blocking.
  bool in_transaction = false;
  // Called by a script (redis.call): as in_transaction, and a few commands refuse outright
  // what only makes sense for a client (XREAD BLOCK).
  bool in_script = false;
  // Null when the command must finish in this call (inside EXEC, the whole keyspace is
  // locked and the transaction is atomic).
  CommandSteps* steps = nullptr;
};

// Redis 7's key-spec flags, as COMMAND INFO prints them per key spec. One of RO/RW/OW/RM
// says what happens to the key, ACCESS/UPDATE/INSERT/DELETE refine it.
enum KeySpecFlag : std::uint32_t {
  kKsRO = 1u << 0,      // read-only
  kKsRW = 1u << 1,      // read-write: the old value is read and changed
  kKsOW = 1u << 2,      // overwrite: the old value is replaced whatever it was
  kKsRM = 1u << 3,      // remove: the key is deleted without reading it
  kKsAccess = 1u << 4,  // returns, copies or uses the user data of the key
  kKsUpdate = 1u << 5,
  kKsInsert = 1u << 6,
  kKsDelete = 1u << 7,
  kKsNotKey = 1u << 8,
  kKsIncomplete = 1u << 9,
  kKsVariableFlags = 1u << 10,  // the flags depend on the arguments (SET ... GET)
};

// One Redis 7 key spec: where its keys are (begin_search "index", then find_keys "range" or
// "keynum") and what the command does with them. With `keyword` set, the search begins
// instead after the first `keyword` at or after argument `startfrom` (Redis's "keyword"
// begin_search), and a range's `limit` keeps 1/limit of the arguments after it: XREAD's
// keys, then as many IDs.
struct KeySpec {
  enum class Find : std::uint8_t { kRange, kKeyNum };
  std::uint32_t flags = 0;  // KeySpecFlag bits
  int index = 0;            // begin_search: argument index of the first key (or of numkeys)
  Find find = Find::kRange;
  int lastkey = 0;  // kRange: last key relative to `index`; negative counts from the end
  int keystep = 1;
  int keynumidx = 0;  // kKeyNum: numkeys at index + keynumidx, keys from index + firstkey
  int firstkey = 1;
  std::string_view keyword;  // non-empty: begin_search "keyword"
  int startfrom = 0;
  int limit = 0;
  std::string_view notes;

  // Whether argument `pos` of `args` is one of this spec's keys.
  bool Covers(std::span<const std::string_view> args, int pos) const;
};

// The intent Redis's flags imply: RO without ACCESS needs only metadata, RO with ACCESS
// reads the value, OW and RM (a delete) need no old value, RW reads and writes.
KeyIntent IntentFromKeySpecFlags(std::uint32_t flags);

using CommandHandler = void (*)(CommandContext& ctx);
// Extracts key argument indexes for commands whose keys are not first/last/step regular.
using KeysFinder = void (*)(std::span<const std::string_view> args, std::vector<int>* out);

// Documentation for COMMAND DOCS (redis-cli builds its hints from it).
struct CommandDoc {
  std::string_view summary;
  std::string_view since = "1.0.0";
  std::string_view group = "generic";
  std::string_view complexity;
  // The argument synopsis as Redis documents it, e.g.
  // "key value [NX | XX] [GET] [EX seconds | PX milliseconds | KEEPTTL]".
  std::string_view arguments;
};

// Per-command counters for INFO commandstats, striped per network thread (see
// util/striped_counter.h): every command updates them.
class CommandStats {
 public:
  void RecordCall(std::uint64_t usec, bool failed) {
    c_.Add(kCalls, 1);
    c_.Add(kUsec, usec);
    if (failed) c_.Add(kFailed, 1);
  }
  void RecordRejected() { c_.Add(kRejected, 1); }
  std::uint64_t calls() const { return c_.Sum(kCalls); }
  std::uint64_t usec() const { return c_.Sum(kUsec); }
  std::uint64_t rejected_calls() const { return c_.Sum(kRejected); }
  std::uint64_t failed_calls() const { return c_.Sum(kFailed); }
  void Reset() { c_.Reset(); }

 private:
  enum : std::size_t { kCalls, kUsec, kRejected, kFailed };
  StripedCounters<4> c_;
};

struct CommandSpec {
  std::string name;  // lower case; "parent|sub" for subcommands
  int arity = 0;     // > 0 exact argc, < 0 at least -arity
  std::uint32_t flags = 0;
  int first_key = 0;  // 0: no keys
  int last_key = 0;   // negative counts from the end (-1 = last argument)
  int step = 0;
  CommandHandler handler = nullptr;
  CommandDoc doc;
  KeysFinder keys_finder = nullptr;
  // Redis 7's key specs, in its order; every key position is covered by one of them.
  std::vector<KeySpec> key_specs;
  KeyIntent (*intent_finder)(std::span<const std::string_view> args) = nullptr;
  std::optional<KeyIntent> intent_override;  // Intent(): every key, whatever its spec says
  void (*access_finder)(std::span<const std::string_view> args, int db,
                        std::vector<KeyAccess>* out) = nullptr;
  std::vector<std::unique_ptr<CommandSpec>> subcommands;
  CommandSpec* parent = nullptr;
  // ACL categories reported by COMMAND INFO (e.g. "@string", "@fast").
  std::vector<std::string_view> categories;
  mutable CommandStats stats;

  // Fluent set-up, used by the family Register functions.
  CommandSpec& Keys(int first, int last, int key_step) {
    first_key = first;
    last_key = last;
    step = key_step;
    return *this;
  }
  CommandSpec& KeysBy(KeysFinder finder) {
    keys_finder = finder;
    return *this;
  }
  // The key specs over the keys Keys() declared, one flags value per spec in Redis's order:
  // each spec but the last takes one key, the last takes the rest of the range (so
  // Keys(1, -1, 1).Specs({kKsOW | kKsUpdate, kKsRO | kKsAccess}) is SDIFFSTORE's destination
  // then its sources). Call after Keys().
  CommandSpec& Specs(std::initializer_list<std::uint32_t> flags);
  // Appends a "keynum" spec: numkeys at argument `numkeys_index`, the keys right after it.
  CommandSpec& NumKeysSpec(int numkeys_index, std::uint32_t flags);
  // Appends a "keyword" spec: the keys are the first half of the arguments after `keyword`
  // (searched from argument `startfrom`), as XREAD's and XREADGROUP's STREAMS.
  CommandSpec& KeywordSpec(std::string_view keyword, int startfrom, std::uint32_t flags);
  // Redis's "notes" of the last spec added.
  CommandSpec& SpecNotes(std::string_view notes);
  // Overrides the intent the key-spec flags imply, for every key: when the handler needs
  // less than Redis's flags say (TTL reads only the expiry Redis counts as ACCESS) or more
  // (HLEN needs the value for its length, which Stat does not give). Say why beside it.
  CommandSpec& Intent(KeyIntent intent) {
    intent_override = intent;
    return *this;
  }
  // For commands that touch keys in other databases than the selected one (MOVE, COPY ...
  // DB): lists every key access itself.
  CommandSpec& AccessBy(void (*finder)(std::span<const std::string_view> args, int db,
                                       std::vector<KeyAccess>* out)) {
    access_finder = finder;
    return *this;
  }
  // For commands whose intent depends on the arguments (Redis's VARIABLE_FLAGS: SET
  // without GET is a blind overwrite, with GET a read-modify-write).
  CommandSpec& IntentBy(KeyIntent (*finder)(std::span<const std::string_view> args)) {
    intent_finder = finder;
    return *this;
  }
  // Adds the subcommand "<name>|<sub>" and returns it.
  CommandSpec& Sub(std::string_view sub, int sub_arity, std::uint32_t sub_flags,
                   CommandHandler sub_handler);

  bool has_flag(CommandFlag f) const { return (flags & f) != 0; }
  // Whether MONITOR shows it after it ran: Redis hides administrative commands and those
  // that feed monitors themselves (EVAL shows itself before its calls).
  bool shown_to_monitors() const { return !has_flag(kCmdSkipMonitor) && !has_flag(kCmdAdmin); }
  bool ArityOk(std::size_t argc) const {
    return arity >= 0 ? argc == static_cast<std::size_t>(arity)
                      : argc >= static_cast<std::size_t>(-arity);
  }
  // Appends the indexes of key arguments in `args` to `out`.
  void KeyPositions(std::span<const std::string_view> args, std::vector<int>* out) const;
  // What the command does with key argument `pos` given these arguments: its key spec's
  // intent (kWrite, the strongest, for a position no spec covers).
  KeyIntent IntentAt(std::span<const std::string_view> args, int pos) const;
  // Appends the keys of `args` with their intent, in database `db`.
  void KeyAccesses(std::span<const std::string_view> args, int db,
                   std::vector<KeyAccess>* out) const;
  // "get", or "config|get" for subcommands.
  const std::string& full_name() const { return name; }
};

class CommandTable {
 public:
  // The process-wide table with every command registered.
  static const CommandTable& Get();

  // Adds a top-level command (name in lower case); returns it for further set-up.
  CommandSpec& Add(std::string_view name, int arity, std::uint32_t flags, CommandHandler handler);

  // Case-insensitive lookup of a top-level command; nullptr if unknown.
  const CommandSpec* Find(std::string_view name) const;
  // Case-insensitive lookup of a subcommand of `parent`.
  static const CommandSpec* FindSub(const CommandSpec* parent, std::string_view name);
  const std::vector<std::unique_ptr<CommandSpec>>& commands() const { return commands_; }
  std::vector<std::unique_ptr<CommandSpec>>& mutable_commands() { return commands_; }

 private:
  std::vector<std::unique_ptr<CommandSpec>> commands_;
  // Open-addressing hash index of the lower-case names: one name compare per lookup (the
  // dispatcher and every redis.call resolve a command by name).
  std::vector<const CommandSpec*> slots_;
  std::size_t slot_mask_ = 0;
  void Index();
  friend const CommandTable& BuildCommandTable();
};

// Each family file defines its Register function; command_table.cc calls them all.
void RegisterStringCommands(CommandTable* table);
void RegisterKeyspaceCommands(CommandTable* table);
void RegisterKeyspaceScanCommands(CommandTable* table);  // called by the one above
void RegisterKeyspaceMemoryCommands(CommandTable* table);  // likewise
void RegisterServerCommands(CommandTable* table);
void RegisterConnectionCommands(CommandTable* table);
void RegisterCommandCommands(CommandTable* table);  // COMMAND and its subcommands
void RegisterListCommands(CommandTable* table);
void RegisterHashCommands(CommandTable* table);
void RegisterSetCommands(CommandTable* table);
void RegisterZSetCommands(CommandTable* table);
void RegisterStreamCommands(CommandTable* table);  // XADD XRANGE XDEL XTRIM ...
void RegisterStreamGroupCommands(CommandTable* table);  // XGROUP XACK XPENDING XCLAIM ...
void RegisterStreamInfoCommands(CommandTable* table);   // XINFO; called by the one above
void RegisterStreamReadCommands(CommandTable* table);  // XREAD XREADGROUP
void RegisterTransactionCommands(CommandTable* table);
void RegisterPubSubCommands(CommandTable* table);
void RegisterScriptingCommands(CommandTable* table);  // EVAL, SCRIPT, FCALL
void RegisterFunctionCommands(CommandTable* table);   // FUNCTION
// SCRIPT KILL (`function_kill` false) and FUNCTION KILL: each stops only its own kind.
void KillScript(CommandContext& ctx, bool function_kill);
// Drops every subscription of `client` (connection close, RESET), without replies.
void UnsubscribeAll(ServerState& server, ClientState& client);
// Attaches documentation (summary, since, group, complexity, arguments) and ACL categories
// to every registered command; runs after all Register functions.
void ApplyCommandDocs(CommandTable* table);

}  // namespace strata
