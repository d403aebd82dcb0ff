#include "state/functions.h"

#include "util/ascii.h"
#include "util/rdb_encoding.h"

namespace strata {
namespace {

constexpr unsigned char kFunctionOpcode = 245;     // RDB_OPCODE_FUNCTION2
constexpr unsigned char kPreGaFunctionOpcode = 246;  // RDB_OPCODE_FUNCTION_PRE_GA

struct Metadata {
  std::string engine;
  std::string name;
  std::size_t body = 0;  // where the code after the `#!` line starts (at its newline)
};

// The `#!<engine> name=<library>` line, checked in Redis's order and with its texts.
Status ParseMetadata(std::string_view code, Metadata* md) {
  if (code.substr(0, 2) != "#!") return Status::InvalidArgument("Missing library metadata");
  const std::size_t eol = code.find('\n');
  if (eol == std::string_view::npos) return Status::InvalidArgument("Invalid library metadata");
  std::vector<std::string_view> parts;
  std::string_view line = code.substr(0, eol);
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    std::size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) parts.push_back(line.substr(start, i - start));
  }
  if (parts.empty()) return Status::InvalidArgument("Invalid library metadata");
  md->engine = std::string(parts[0].substr(2));
  bool have_name = false;
  for (std::size_t p = 1; p < parts.size(); ++p) {
    if (parts[p].size() >= 5 && EqualsIgnoreCase(parts[p].substr(0, 5), "name=")) {
      if (have_name) {
        return Status::InvalidArgument(
            "Invalid metadata value, name argument was given multiple times");
      }
      md->name = std::string(parts[p].substr(5));
      have_name = true;
      continue;
    }
    return Status::InvalidArgument("Invalid metadata value given: " + std::string(parts[p]));
  }
  if (!have_name) return Status::InvalidArgument("Library name was not given");
  md->body = eol;
  return Status::OK();
}

}  // namespace

FunctionLibraries::FunctionLibraries(lua::Rand48* rand) : rand_(rand), state_(Fresh()) {
  Published();
}

FunctionLibraries::State FunctionLibraries::Fresh() const {
  State state;
  state.vm = std::make_unique<lua::Vm>(rand_, lua::Vm::Kind::kFunctions);
  return state;
}

StatusOr<std::string> FunctionLibraries::Add(State& state, std::string_view code, bool replace,
                                             bool restoring) {
  Metadata md;
  if (Status s = ParseMetadata(code, &md); !s.ok()) return s;
  if (!EqualsIgnoreCase(md.engine, "lua")) {
    return Status::InvalidArgument("Engine '" + md.engine + "' not found");
  }
  if (!lua::ValidFunctionName(md.name)) return Status::InvalidArgument(lua::kInvalidNameError);
  auto existing = state.libraries.find(md.name);
  if (existing != state.libraries.end() && !replace) {
    return Status::InvalidArgument(restoring ? "Library " + md.name + " already exists"
                                             : "Library '" + md.name + "' already exists");
  }
  Library lib;
  lib.name = md.name;
  lib.code = std::string(code);
  if (Status s = state.vm->StageLibrary(code.substr(md.body), kLoadTimeoutMs, &lib.functions);
      !s.ok()) {
    return s;
  }
  for (const lua::Vm::FunctionDef& def : lib.functions) {
    auto other = state.by_function.find(def.name);
    if (other != state.by_function.end() && other->second.first != lib.name) {
      state.vm->DiscardStaged();
      return Status::InvalidArgument("Function " + def.name + " already exists");
    }
  }
  if (existing != state.libraries.end()) Remove(state, md.name);
  state.vm->CommitStaged(lib.name);
  for (std::size_t i = 0; i < lib.functions.size(); ++i) {
    state.by_function[lib.functions[i].name] = {lib.name, i};
  }
  std::string name = lib.name;
  state.libraries.emplace(name, std::move(lib));
  return name;
}

void FunctionLibraries::Remove(State& state, std::string_view name) {
  auto it = state.libraries.find(name);
  if (it == state.libraries.end()) return;
  for (const lua::Vm::FunctionDef& def : it->second.functions) state.by_function.erase(def.name);
  state.vm->DropLibrary(name);
  state.libraries.erase(it);
}

StatusOr<std::string> FunctionLibraries::Load(std::string_view code, bool replace) {
  auto name = Add(state_, code, replace, false);
  if (name.ok()) Published();
  return name;
}

Status FunctionLibraries::Delete(std::string_view name) {
  if (state_.libraries.find(name) == state_.libraries.end()) {
    return Status::NotFound("Library not found");
  }
  Remove(state_, name);
  Published();
  return Status::OK();
}

void FunctionLibraries::Flush() {
  state_ = Fresh();  // a new interpreter: the old one's memory goes with it
  Published();
}

std::string FunctionLibraries::Dump() const {
  std::string out;
  for (const auto& [name, lib] : state_.libraries) {
    out.push_back(static_cast<char>(kFunctionOpcode));
    rdb::PutString(&out, lib.code);
  }
  rdb::AppendFooter(&out);
  return out;
}

Status FunctionLibraries::Restore(std::string_view payload, RestorePolicy policy) {
  std::string_view body;
  if (!rdb::CheckFooter(payload, &body)) {
    return Status::InvalidArgument("DUMP payload version or checksum are wrong");
  }
  std::vector<std::string> codes;
  std::size_t pos = 0;
  while (pos < body.size()) {
    const unsigned char type = static_cast<unsigned char>(body[pos++]);
    if (type == kPreGaFunctionOpcode) {
      return Status::InvalidArgument("Pre-GA function format not supported");
    }
    if (type != kFunctionOpcode) return Status::InvalidArgument("given type is not a function");
    std::string code;
    if (!rdb::ReadString(body, &pos, &code)) {
      return Status::InvalidArgument("failed loading the given functions payload");
    }
    codes.push_back(std::move(code));
  }
  // Built aside and swapped in whole, so that a failure changes nothing.
  State next = Fresh();
  for (const std::string& code : codes) {
    auto added = Add(next, code, false, true);
    if (!added.ok()) return added.status();
  }
  if (policy != RestorePolicy::kFlush) {
    for (const auto& [name, lib] : state_.libraries) {
      if (next.libraries.count(name) != 0) {
        if (policy == RestorePolicy::kAppend) {
          return Status::InvalidArgument("Library " + name + " already exists");
        }
        continue;  // kReplace: the restored one wins
      }
      for (const lua::Vm::FunctionDef& def : lib.functions) {
        if (next.by_function.count(def.name) != 0) {
          return Status::InvalidArgument("Function " + def.name + " already exists");
        }
      }
      auto kept = Add(next, lib.code, false, true);
      if (!kept.ok()) return kept.status();
    }
  }
  state_ = std::move(next);
  Published();
  return Status::OK();
}

FunctionLibraries::Found FunctionLibraries::Find(std::string_view function) const {
  auto it = state_.by_function.find(function);
  if (it == state_.by_function.end()) return {};
  const Library& lib = state_.libraries.find(it->second.first)->second;
  return {&lib, &lib.functions[it->second.second]};
}

std::string FunctionLibraries::Payload() const {
  std::lock_guard<std::mutex> l(payload_mu_);
  return payload_;
}

void FunctionLibraries::Published() {
  std::string payload = state_.libraries.empty() ? std::string() : Dump();
  std::lock_guard<std::mutex> l(payload_mu_);
  payload_.swap(payload);
}

}  // namespace strata
