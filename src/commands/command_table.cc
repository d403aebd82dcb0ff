#include <algorithm>
#include <cstring>

#include "commands/command.h"
#include "commands/util.h"

namespace strata {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }


}  // namespace

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
  if (positions.empty()) return;
  KeyIntent intent = IntentFor(args);
  for (int p : positions) out->push_back({db, args[static_cast<std::size_t>(p)], intent});
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

void CommandTable::Index() {
  sorted_.clear();
  for (auto& c : commands_) sorted_.emplace_back(c->name, c.get());
  std::sort(sorted_.begin(), sorted_.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  if (name.size() > 64) return nullptr;
  char buf[64];
  for (std::size_t i = 0; i < name.size(); ++i) buf[i] = Lower(name[i]);
  std::string_view lower(buf, name.size());
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), lower,
                             [](const auto& a, std::string_view b) { return a.first < b; });
  if (it == sorted_.end() || it->first != lower) return nullptr;
  return it->second;
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
  RegisterTransactionCommands(table);
  ApplyCommandDocs(table);
  table->Index();
  return *table;
}

const CommandTable& CommandTable::Get() {
  static const CommandTable& table = BuildCommandTable();
  return table;
}

}  // namespace strata
