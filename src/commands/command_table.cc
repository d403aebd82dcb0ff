#include <algorithm>
#include <cstring>

#include "commands/command.h"
#include "commands/util.h"
#include "state/server_state.h"

namespace strata {

void CommandContext::NotifyIn(int in_db, std::uint32_t type, std::string_view event,
                              std::string_view key) const {
  // A subscriber running the command itself (RESP3) sees the event before the reply.
  server.keyspace_events().Notify(type, event, in_db, key, &client, reply.buffer());
}
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

KeyIntent IntentFromKeySpecFlags(std::uint32_t flags) {
  if ((flags & kKsRO) != 0) return (flags & kKsAccess) != 0 ? KeyIntent::kRead : KeyIntent::kMeta;
  // RM (DEL, UNLINK) deletes without looking at the value, as a blind overwrite does.
  if ((flags & (kKsOW | kKsRM)) != 0) return KeyIntent::kOverwrite;
  return KeyIntent::kWrite;
}

bool KeySpec::Covers(std::span<const std::string_view> args, int pos) const {
  int argc = static_cast<int>(args.size());
  if (pos < index || pos >= argc) return false;
  int first = index;
  int last = lastkey >= 0 ? index + lastkey : argc + lastkey;
  if (!keyword.empty()) {
    first = -1;
    for (int i = startfrom; i < argc; ++i) {
      if (EqualsIgnoreCase(args[static_cast<std::size_t>(i)], keyword)) {
        first = i + 1;
        break;
      }
    }
    if (first < 0 || pos < first) return false;
    last = argc - 1;
    if (limit > 1) last = first + (last - first + 1) / limit - 1;
    return pos <= last;
  }
  if (find == Find::kKeyNum) {
    std::int64_t numkeys = 0;
    int at = index + keynumidx;
    if (at >= argc || !ParseInt64(args[static_cast<std::size_t>(at)], &numkeys) || numkeys < 1 ||
        numkeys > argc) {
      return false;
    }
    first = index + firstkey;
    last = first + static_cast<int>(numkeys - 1) * keystep;
    if (last >= argc) return false;  // more keys announced than given: no key at all
  }
  return pos >= first && pos <= last && (pos - first) % keystep == 0;
}

CommandSpec& CommandSpec::Specs(std::initializer_list<std::uint32_t> flags) {
  int stride = step > 0 ? step : 1;
  int pos = first_key;
  std::size_t left = flags.size();
  for (std::uint32_t f : flags) {
    KeySpec ks;
    ks.flags = f;
    ks.index = pos;
    if (--left > 0) {
      pos += stride;
    } else {
      ks.lastkey = last_key < 0 ? last_key : last_key - pos;
      ks.keystep = stride;
    }
    key_specs.push_back(ks);
  }
  return *this;
}

CommandSpec& CommandSpec::NumKeysSpec(int numkeys_index, std::uint32_t flags) {
  KeySpec ks;
  ks.flags = flags;
  ks.index = numkeys_index;
  ks.find = KeySpec::Find::kKeyNum;
  key_specs.push_back(ks);
  return *this;
}

CommandSpec& CommandSpec::KeywordSpec(std::string_view keyword, int startfrom,
                                      std::uint32_t flags) {
  KeySpec ks;
  ks.flags = flags;
  ks.keyword = keyword;
  ks.startfrom = startfrom;
  ks.lastkey = -1;
  ks.limit = 2;
  key_specs.push_back(ks);
  return *this;
}

CommandSpec& CommandSpec::SpecNotes(std::string_view notes) {
  key_specs.back().notes = notes;
  return *this;
}

KeyIntent CommandSpec::IntentAt(std::span<const std::string_view> args, int pos) const {
  if (intent_finder != nullptr) return intent_finder(args);
  if (intent_override) return *intent_override;
  for (const KeySpec& ks : key_specs) {
    if (ks.Covers(args, pos)) return IntentFromKeySpecFlags(ks.flags);
  }
  return KeyIntent::kWrite;
}

void CommandSpec::KeyPositions(std::span<const std::string_view> args,
                               std::vector<int>* out) const {
  if (keys_finder != nullptr) {
    keys_finder(args, out);
    return;
  }
  if (first_key <= 0) return;
  int argc = static_cast<int>(args.size());
  int last = last_key >= 0 ? last_key : argc + last_key;
  int stride = step > 0 ? step : 1;
  for (int i = first_key; i <= last && i < argc; i += stride) out->push_back(i);
}

void CommandSpec::KeyAccesses(std::span<const std::string_view> args, int db,
                              std::vector<KeyAccess>* out) const {
  if (access_finder != nullptr) {
    access_finder(args, db, out);
    return;
  }
  // Kept across calls: the dispatcher calls this for every command.
  thread_local std::vector<int> positions;
  positions.clear();
  KeyPositions(args, &positions);
  for (int p : positions) {
    out->push_back({db, args[static_cast<std::size_t>(p)], IntentAt(args, p)});
  }
}

CommandSpec& CommandTable::Add(std::string_view name, int arity, std::uint32_t flags,
                              CommandHandler handler) {
  auto spec = std::make_unique<CommandSpec>();
  spec->name = std::string(name);
  spec->arity = arity;
  spec->flags = flags;
  spec->handler = handler;
  commands_.push_back(std::move(spec));
  return *commands_.back();
}

CommandSpec& CommandSpec::Sub(std::string_view sub_name, int sub_arity, std::uint32_t sub_flags,
                              CommandHandler sub_handler) {
  auto sub = std::make_unique<CommandSpec>();
  sub->name = name + "|" + std::string(sub_name);
  sub->arity = sub_arity;
  sub->flags = sub_flags;
  sub->handler = sub_handler;
  sub->parent = this;
  subcommands.push_back(std::move(sub));
  return *subcommands.back();
}

namespace {

// FNV-1a over the lower-case name.
std::uint64_t NameHash(std::string_view lower) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : lower) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

}  // namespace

void CommandTable::Index() {
  std::size_t slots = 16;
  while (slots < commands_.size() * 4) slots *= 2;  // a load of at most 1/4: short probes
  slots_.assign(slots, nullptr);
  slot_mask_ = slots - 1;
  for (auto& c : commands_) {
    std::size_t i = NameHash(c->name) & slot_mask_;
    while (slots_[i] != nullptr) i = (i + 1) & slot_mask_;
    slots_[i] = c.get();
  }
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  if (name.size() > 64 || slots_.empty()) return nullptr;
  char buf[64];
  for (std::size_t i = 0; i < name.size(); ++i) buf[i] = Lower(name[i]);
  std::string_view lower(buf, name.size());
  for (std::size_t i = NameHash(lower) & slot_mask_; slots_[i] != nullptr; i = (i + 1) & slot_mask_) {
    if (slots_[i]->name == lower) return slots_[i];
  }
  return nullptr;
}

const CommandSpec* CommandTable::FindSub(const CommandSpec* parent, std::string_view name) {
  for (const auto& sub : parent->subcommands) {
    std::string_view short_name = std::string_view(sub->name).substr(parent->name.size() + 1);
    if (EqualsIgnoreCase(short_name, name)) return sub.get();
  }
  return nullptr;
}

const CommandTable& BuildCommandTable() {
  auto* table = new CommandTable();  // lives for the whole process
  RegisterStringCommands(table);
  RegisterKeyspaceCommands(table);
  RegisterServerCommands(table);
  RegisterConnectionCommands(table);
  RegisterCommandCommands(table);
  RegisterListCommands(table);
  RegisterHashCommands(table);
  RegisterSetCommands(table);
  RegisterZSetCommands(table);
  RegisterStreamCommands(table);
  RegisterStreamGroupCommands(table);
  RegisterStreamReadCommands(table);
  RegisterTransactionCommands(table);
  RegisterPubSubCommands(table);
  RegisterScriptingCommands(table);
  RegisterFunctionCommands(table);
  ApplyCommandDocs(table);
  table->Index();
  return *table;
}

const CommandTable& CommandTable::Get() {
  static const CommandTable& table = BuildCommandTable();
  return table;
}

}  // namespace strata
