// COMMAND, COMMAND COUNT / INFO / DOCS / LIST / GETKEYS / HELP: every reply is generated from
// the command table (CommandTable::Get()) and the docs attached to it, in Redis 7's shapes.
#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command.h"
#include "commands/command_docs_args.h"
#include "commands/command_docs_table.h"
#include "commands/util.h"
#include "util/glob.h"

namespace strata {
namespace {

// ---------------------------------------------------------------------------------------
// COMMAND INFO entries

// Redis's flag names, in the order COMMAND INFO lists them.
struct FlagName {
  CommandFlag flag;
  std::string_view name;
};
constexpr FlagName kFlagNames[] = {
    {kCmdWrite, "write"},
    {kCmdReadOnly, "readonly"},
    {kCmdDenyOom, "denyoom"},
    {kCmdAdmin, "admin"},
    {kCmdPubSub, "pubsub"},
    {kCmdNoScript, "noscript"},
    {kCmdBlocking, "blocking"},
    {kCmdLoading, "loading"},
    {kCmdStale, "stale"},
    {kCmdSkipMonitor, "skip_monitor"},
    {kCmdSkipSlowlog, "skip_slowlog"},
    {kCmdFast, "fast"},
    {kCmdNoAuth, "no_auth"},
    {kCmdNoMandatoryKeys, "no_mandatory_keys"},
    {kCmdNoAsyncLoading, "no_async_loading"},
    {kCmdNoMulti, "no_multi"},
};

void WriteFlags(CommandContext& ctx, const CommandSpec& spec) {
  std::vector<std::string_view> names;
  for (const FlagName& f : kFlagNames) {
    if (spec.has_flag(f.flag)) names.push_back(f.name);
  }
  // movablekeys and allow_busy come last in Redis's order.
  if (spec.keys_finder != nullptr) names.push_back("movablekeys");
  if (spec.has_flag(kCmdAllowBusy)) names.push_back("allow_busy");
  ctx.reply.SetHeader(names.size());
  for (std::string_view n : names) ctx.reply.SimpleString(n);
}

// One step of a key spec, "begin_search" or "find_keys": {type, spec} with the spec's
// integer fields.
void WriteKeySpecStep(ReplyBuilder& r, std::string_view step, std::string_view type,
                      std::initializer_list<std::pair<std::string_view, int>> fields) {
  r.Bulk(step);
  r.MapHeader(2);
  r.Bulk("type");
  r.Bulk(type);
  r.Bulk("spec");
  r.MapHeader(fields.size());
  for (const auto& [name, value] : fields) {
    r.Bulk(name);
    r.Integer(value);
  }
}

// Redis's key-spec flag names, in the order COMMAND INFO lists them.
constexpr std::pair<KeySpecFlag, std::string_view> kKeySpecFlagNames[] = {
    {kKsRO, "RO"},
    {kKsRW, "RW"},
    {kKsOW, "OW"},
    {kKsRM, "RM"},
    {kKsAccess, "access"},
    {kKsUpdate, "update"},
    {kKsInsert, "insert"},
    {kKsDelete, "delete"},
    {kKsNotKey, "not_key"},
    {kKsIncomplete, "incomplete"},
    {kKsVariableFlags, "variable_flags"},
};

// A set of key-spec flags, as COMMAND INFO and GETKEYSANDFLAGS write them.
void WriteKeySpecFlags(ReplyBuilder& r, std::uint32_t flags) {
  std::size_t n = 0;
  for (const auto& [flag, name] : kKeySpecFlagNames) n += (flags & flag) != 0 ? 1 : 0;
  r.SetHeader(n);
  for (const auto& [flag, name] : kKeySpecFlagNames) {
    if ((flags & flag) != 0) r.SimpleString(name);
  }
}

void WriteKeySpecs(CommandContext& ctx, const CommandSpec& spec) {
  ReplyBuilder& r = ctx.reply;
  r.SetHeader(spec.key_specs.size());
  for (const KeySpec& ks : spec.key_specs) {
    r.MapHeader(ks.notes.empty() ? 3 : 4);
    if (!ks.notes.empty()) {
      r.Bulk("notes");
      r.Bulk(ks.notes);
    }
    r.Bulk("flags");
    WriteKeySpecFlags(r, ks.flags);
    if (ks.keyword.empty()) {
      WriteKeySpecStep(r, "begin_search", "index", {{"index", ks.index}});
    } else {
      r.Bulk("begin_search");
      r.MapHeader(2);
      r.Bulk("type");
      r.Bulk("keyword");
      r.Bulk("spec");
      r.MapHeader(2);
      r.Bulk("keyword");
      r.Bulk(ks.keyword);
      r.Bulk("startfrom");
      r.Integer(ks.startfrom);
    }
    if (ks.find == KeySpec::Find::kKeyNum) {
      WriteKeySpecStep(
          r, "find_keys", "keynum",
          {{"keynumidx", ks.keynumidx}, {"firstkey", ks.firstkey}, {"keystep", ks.keystep}});
    } else {
      WriteKeySpecStep(r, "find_keys", "range",
                       {{"lastkey", ks.lastkey}, {"keystep", ks.keystep}, {"limit", ks.limit}});
    }
  }
}

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    std::size_t sp = s.find(' ');
    if (sp != 0) out.push_back(s.substr(0, sp));
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp + 1);
  }
  return out;
}

void WriteTips(CommandContext& ctx, const CommandSpec& spec) {
  std::vector<std::string_view> tips;
  if (const DocEntry* e = FindDocEntry(spec.name)) tips = SplitSpaces(e->tips);
  constexpr std::string_view kNondet = "nondeterministic_output";
  if (spec.has_flag(kCmdRandom) && std::find(tips.begin(), tips.end(), kNondet) == tips.end()) {
    tips.push_back(kNondet);
  }
  ctx.reply.SetHeader(tips.size());
  for (std::string_view t : tips) ctx.reply.Bulk(t);
}

// The 10-element COMMAND INFO entry of `spec` (subcommands nested).
void WriteInfo(CommandContext& ctx, const CommandSpec& spec) {
  ReplyBuilder& r = ctx.reply;
  r.ArrayHeader(10);
  r.Bulk(spec.name);
  r.Integer(spec.arity);
  WriteFlags(ctx, spec);
  r.Integer(spec.first_key);
  r.Integer(spec.last_key);
  r.Integer(spec.step);
  r.SetHeader(spec.categories.size());
  for (std::string_view c : spec.categories) r.SimpleString(c);
  WriteTips(ctx, spec);
  WriteKeySpecs(ctx, spec);
  if (spec.subcommands.empty()) {
    r.SetHeader(0);
  } else {
    r.ArrayHeader(spec.subcommands.size());
    for (const auto& sub : spec.subcommands) WriteInfo(ctx, *sub);
  }
}

// "get", "config|get" (any case) → the spec; nullptr when unknown.
const CommandSpec* LookupFullName(std::string_view name) {
  const CommandTable& table = CommandTable::Get();
  std::size_t bar = name.find('|');
  if (bar == std::string_view::npos) return table.Find(name);
  const CommandSpec* parent = table.Find(name.substr(0, bar));
  if (parent == nullptr) return nullptr;
  return CommandTable::FindSub(parent, name.substr(bar + 1));
}

// ---------------------------------------------------------------------------------------
// COMMAND DOCS entries

void WriteDocArgs(CommandContext& ctx, const std::vector<DocArg>& args, int* next_key,
                  int key_specs);

void WriteDocArg(CommandContext& ctx, const DocArg& arg, int* next_key, int key_specs) {
  ReplyBuilder& r = ctx.reply;
  bool has_key_index = arg.type == "key" && key_specs > 0;
  std::vector<std::string_view> flags;
  if (arg.optional) flags.push_back("optional");
  if (arg.multiple) flags.push_back("multiple");
  if (arg.multiple_token) flags.push_back("multiple_token");
  std::size_t fields = 2 + (has_key_index ? 1 : 0) + (arg.token.empty() ? 0 : 1) +
                       (flags.empty() ? 0 : 1) + (arg.args.empty() ? 0 : 1);
  r.MapHeader(fields);
  r.Bulk("name");
  r.Bulk(arg.name);
  r.Bulk("type");
  r.Bulk(arg.type);
  if (has_key_index) {
    r.Bulk("key_spec_index");
    r.Integer(std::min(*next_key, key_specs - 1));
    ++*next_key;
  }
  if (!arg.token.empty()) {
    r.Bulk("token");
    r.Bulk(arg.token);
  }
  if (!flags.empty()) {
    r.Bulk("flags");
    r.SetHeader(flags.size());
    for (std::string_view f : flags) r.SimpleString(f);
  }
  if (!arg.args.empty()) {
    r.Bulk("arguments");
    WriteDocArgs(ctx, arg.args, next_key, key_specs);
  }
}

void WriteDocArgs(CommandContext& ctx, const std::vector<DocArg>& args, int* next_key,
                  int key_specs) {
  ctx.reply.ArrayHeader(args.size());
  for (const DocArg& a : args) WriteDocArg(ctx, a, next_key, key_specs);
}

// The documentation map of one command: summary, since, group, complexity, arguments and
// subcommands (a map of the same shape), leaving out what is empty.
void WriteDocs(CommandContext& ctx, const CommandSpec& spec) {
  ReplyBuilder& r = ctx.reply;
  const CommandDoc& doc = spec.doc;
  std::vector<DocArg> args;
  std::string error;
  if (!ParseArgSynopsis(doc.arguments, &args, &error)) args.clear();  // checked at start-up
  std::pair<std::string_view, std::string_view> text_fields[] = {{"summary", doc.summary},
                                                                 {"since", doc.since},
                                                                 {"group", doc.group},
                                                                 {"complexity", doc.complexity}};
  std::size_t fields = (args.empty() ? 0 : 1) + (spec.subcommands.empty() ? 0 : 1);
  for (const auto& f : text_fields) fields += f.second.empty() ? 0 : 1;
  r.MapHeader(fields);
  for (const auto& f : text_fields) {
    if (f.second.empty()) continue;
    r.Bulk(f.first);
    r.Bulk(f.second);
  }
  if (!args.empty()) {
    r.Bulk("arguments");
    int next_key = 0;
    WriteDocArgs(ctx, args, &next_key, static_cast<int>(spec.key_specs.size()));
  }
  if (!spec.subcommands.empty()) {
    r.Bulk("subcommands");
    r.MapHeader(spec.subcommands.size());
    for (const auto& sub : spec.subcommands) {
      r.Bulk(sub->name);
      WriteDocs(ctx, *sub);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Handlers

void CmdCommand(CommandContext& ctx) {
  const auto& commands = CommandTable::Get().commands();
  ctx.reply.ArrayHeader(commands.size());
  for (const auto& c : commands) WriteInfo(ctx, *c);
}

void CmdCommandCount(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<std::int64_t>(CommandTable::Get().commands().size()));
}

void CmdCommandInfo(CommandContext& ctx) {
  if (ctx.args.size() == 2) {
    CmdCommand(ctx);
    return;
  }
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (std::size_t i = 2; i < ctx.args.size(); ++i) {
    const CommandSpec* spec = LookupFullName(ctx.args[i]);
    if (spec == nullptr) {
      ctx.reply.Null();
    } else {
      WriteInfo(ctx, *spec);
    }
  }
}

void CmdCommandDocs(CommandContext& ctx) {
  std::vector<const CommandSpec*> specs;
  if (ctx.args.size() == 2) {
    for (const auto& c : CommandTable::Get().commands()) specs.push_back(c.get());
  } else {
    // Unknown names are left out (not nil), as Redis does.
    for (std::size_t i = 2; i < ctx.args.size(); ++i) {
      if (const CommandSpec* spec = LookupFullName(ctx.args[i])) specs.push_back(spec);
    }
  }
  ctx.reply.MapHeader(specs.size());
  for (const CommandSpec* spec : specs) {
    ctx.reply.Bulk(spec->name);
    WriteDocs(ctx, *spec);
  }
}

enum class ListFilter { kNone, kModule, kAclCat, kPattern };

bool ListMatches(const CommandSpec& spec, ListFilter filter, std::string_view value) {
  switch (filter) {
    case ListFilter::kNone:
      return true;
    case ListFilter::kModule:
      return false;  // no modules: nothing belongs to one
    case ListFilter::kAclCat:
      for (std::string_view c : spec.categories) {
        if (EqualsIgnoreCase(c.substr(1), value)) return true;
      }
      return false;
    case ListFilter::kPattern:
      return GlobMatch(value, spec.name, /*nocase=*/true);
  }
  return false;
}

// COMMAND LIST lists subcommands ("config|get") as well as top-level commands.
void CollectNames(const CommandSpec& spec, ListFilter filter, std::string_view value,
                  std::vector<std::string_view>* out) {
  if (ListMatches(spec, filter, value)) out->push_back(spec.name);
  for (const auto& sub : spec.subcommands) CollectNames(*sub, filter, value, out);
}

void CmdCommandList(CommandContext& ctx) {
  ListFilter filter = ListFilter::kNone;
  std::string_view value;
  if (ctx.args.size() == 5 && EqualsIgnoreCase(ctx.args[2], "filterby")) {
    value = ctx.args[4];
    if (EqualsIgnoreCase(ctx.args[3], "module")) {
      filter = ListFilter::kModule;
    } else if (EqualsIgnoreCase(ctx.args[3], "aclcat")) {
      filter = ListFilter::kAclCat;
    } else if (EqualsIgnoreCase(ctx.args[3], "pattern")) {
      filter = ListFilter::kPattern;
    }
  }
  if (ctx.args.size() != 2 && filter == ListFilter::kNone) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  std::vector<std::string_view> names;
  for (const auto& c : CommandTable::Get().commands()) CollectNames(*c, filter, value, &names);
  ctx.reply.BulkArray(names);
}

// The key-spec flags of key argument `pos` of `target`, as GETKEYSANDFLAGS reports them: a
// spec with variable flags (SET) resolved the way the arguments make it.
std::uint32_t KeyFlagsAt(const CommandSpec& spec, std::span<const std::string_view> target,
                         int pos) {
  for (const KeySpec& ks : spec.key_specs) {
    if (!ks.Covers(target, pos)) continue;
    if ((ks.flags & kKsVariableFlags) == 0) return ks.flags;
    if (spec.IntentAt(target, pos) == KeyIntent::kOverwrite) return kKsOW | kKsUpdate;
    return ks.flags & ~kKsVariableFlags;
  }
  return 0;
}

// COMMAND GETKEYS and GETKEYSANDFLAGS.
void GetKeys(CommandContext& ctx, bool with_flags) {
  std::span<const std::string_view> target = ctx.args.subspan(2);
  const CommandTable& table = CommandTable::Get();
  const CommandSpec* spec = table.Find(target[0]);
  if (spec != nullptr && !spec->subcommands.empty() && target.size() >= 2) {
    spec = CommandTable::FindSub(spec, target[1]);
  }
  if (spec == nullptr) {
    ctx.reply.Error("ERR Invalid command specified");
    return;
  }
  // Redis checks for key arguments before the arity.
  if (spec->first_key <= 0 && spec->keys_finder == nullptr) {
    ctx.reply.Error("ERR The command has no key arguments");
    return;
  }
  if (!spec->ArityOk(target.size())) {
    ctx.reply.Error("ERR Invalid number of arguments specified for command");
    return;
  }
  std::vector<int> positions;
  spec->KeyPositions(target, &positions);
  if (positions.empty()) {
    // EVAL and FCALL may well have no keys.
    if (spec->has_flag(kCmdNoMandatoryKeys)) {
      ctx.reply.ArrayHeader(0);
    } else {
      ctx.reply.Error("ERR Invalid arguments specified for command");
    }
    return;
  }
  ctx.reply.ArrayHeader(positions.size());
  for (int p : positions) {
    if (!with_flags) {
      ctx.reply.Bulk(target[static_cast<std::size_t>(p)]);
      continue;
    }
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(target[static_cast<std::size_t>(p)]);
    WriteKeySpecFlags(ctx.reply, KeyFlagsAt(*spec, target, p));
  }
}

void CmdCommandGetKeys(CommandContext& ctx) { GetKeys(ctx, false); }
void CmdCommandGetKeysAndFlags(CommandContext& ctx) { GetKeys(ctx, true); }

void CmdCommandHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "(no subcommand)",
      "    Describe every command of this server.",
      "COUNT",
      "    Return how many commands this server has.",
      "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
      "    Return the names of the commands, optionally filtered.",
      "INFO [<command-name> ...]",
      "    Describe the given commands (all of them when no name is given).",
      "DOCS [<command-name> ...]",
      "    Return the documentation of the given commands (all of them when no name is",
      "    given).",
      "GETKEYS <full-command>",
      "    Return the key arguments of a complete command line.",
      "GETKEYSANDFLAGS <full-command>",
      "    Return the key arguments of a complete command line, each with its access flags.",
      "HELP",
      "    Print this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.SimpleString(line);
}

}  // namespace

void RegisterCommandCommands(CommandTable* table) {
  constexpr std::uint32_t kFlags = kCmdLoading | kCmdStale;
  CommandSpec& cmd = table->Add("command", -1, kFlags, CmdCommand);
  cmd.Sub("count", 2, kFlags, CmdCommandCount);
  cmd.Sub("info", -2, kFlags, CmdCommandInfo);
  cmd.Sub("docs", -2, kFlags, CmdCommandDocs);
  cmd.Sub("list", -2, kFlags, CmdCommandList);
  cmd.Sub("getkeys", -4, kFlags, CmdCommandGetKeys);
  cmd.Sub("getkeysandflags", -4, kFlags, CmdCommandGetKeysAndFlags);
  cmd.Sub("help", 2, kFlags, CmdCommandHelp);
}

}  // namespace strata
