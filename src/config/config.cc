#include "strata/config.h"

#include <cctype>
#include <functional>
#include <algorithm>
#include <map>
#include <sstream>
#include <thread>

// Debian's toml++ library is built with exceptions; they are caught here and never leave
// this file.
#include <toml++/toml.h>

#include "util/notify_flags.h"

namespace strata {
namespace {

// Where a value came from, for error messages.
struct Origin {
  std::string where;  // a file name or "--set"
};

Status ConfigError(const Origin& origin, std::string_view key, std::string_view reason) {
  return Status::InvalidArgument(origin.where + ": " + std::string(key) + ": " +
                                 std::string(reason));
}

std::string Describe(const toml::node& node) {
  std::ostringstream out;
  if (node.is_string()) {
    out << '"' << node.as_string()->get() << '"';
  } else if (node.is_table()) {
    out << "a table";
  } else if (node.is_array()) {
    out << "an array";
  } else {
    node.visit([&](auto&& v) { out << v; });
  }
  return out.str();
}

using Setter = std::function<Status(const toml::node&, const Origin&, std::string_view key)>;

Setter IntSetter(int* field, std::int64_t min, std::int64_t max) {
  return [=](const toml::node& node, const Origin& origin, std::string_view key) -> Status {
    auto v = node.value<std::int64_t>();
    if (!node.is_integer() || !v || *v < min || *v > max) {
      return ConfigError(origin, key,
                         "expected an integer from " + std::to_string(min) + " to " +
                             std::to_string(max) + ", got " + Describe(node));
    }
    *field = static_cast<int>(*v);
    return Status::OK();
  };
}

Setter StringSetter(std::string* field, std::vector<std::string> allowed = {}) {
  return [=](const toml::node& node, const Origin& origin, std::string_view key) -> Status {
    if (!node.is_string()) {
      return ConfigError(origin, key, "expected a string, got " + Describe(node));
    }
    std::string value = node.as_string()->get();
    if (!allowed.empty()) {
      bool ok = false;
      std::string list;
      for (const auto& a : allowed) {
        ok = ok || a == value;
        list += (list.empty() ? "\"" : ", \"") + a + "\"";
      }
      if (!ok) return ConfigError(origin, key, "expected one of " + list + ", got \"" + value + "\"");
    }
    *field = std::move(value);
    return Status::OK();
  };
}

Setter BoolSetter(bool* field) {
  return [=](const toml::node& node, const Origin& origin, std::string_view key) -> Status {
    if (!node.is_boolean()) {
      return ConfigError(origin, key, "expected true or false, got " + Describe(node));
    }
    *field = node.as_boolean()->get();
    return Status::OK();
  };
}

Setter SizeSetter(std::int64_t* field, std::int64_t min) {
  return [=](const toml::node& node, const Origin& origin, std::string_view key) -> Status {
    std::int64_t bytes = -1;
    if (node.is_integer()) {
      bytes = node.as_integer()->get();
    } else if (node.is_string()) {
      auto parsed = ParseSize(node.as_string()->get());
      if (!parsed.ok()) return ConfigError(origin, key, parsed.status().message());
      bytes = *parsed;
    } else {
      return ConfigError(origin, key,
                         "expected a size such as \"512MB\" or an integer, got " + Describe(node));
    }
    if (bytes < min) {
      return ConfigError(origin, key, "must be at least " + std::to_string(min) + " bytes");
    }
    *field = bytes;
    return Status::OK();
  };
}

Setter ScheduleSetter(std::string* field) {
  return [=](const toml::node& node, const Origin& origin, std::string_view key) -> Status {
    if (!node.is_string()) {
      return ConfigError(origin, key,
                         "expected a string of \"<seconds> <changes>\" pairs, got " + Describe(node));
    }
    auto rules = ParseSchedule(node.as_string()->get());
    if (!rules.ok()) return ConfigError(origin, key, rules.status().message());
    *field = FormatSchedule(*rules);
    return Status::OK();
  };
}

Setter NotifySetter(std::string* field) {
  return [=](const toml::node& node, const Origin& origin, std::string_view key) -> Status {
    if (!node.is_string()) {
      return ConfigError(origin, key, "expected a string of event class letters, got " + Describe(node));
    }
    const std::string& text = node.as_string()->get();
    std::uint32_t flags;
    if (!ParseNotifyFlags(text, &flags)) {
      return ConfigError(origin, key,
                         "invalid event class character in \"" + text +
                             "\" (use the letters of \"Ag$lshzxeKEtmdn\")");
    }
    *field = text;
    return Status::OK();
  };
}

std::map<std::string, Setter> Schema(Config* c) {
  return {
      {"server.bind", StringSetter(&c->server.bind)},
      {"server.port", IntSetter(&c->server.port, 0, 65535)},
      {"server.threads", IntSetter(&c->server.threads, 0, 1024)},
      {"server.requirepass", StringSetter(&c->server.requirepass)},
      {"server.maxclients", IntSetter(&c->server.maxclients, 1, 1000000)},
      {"server.timeout", IntSetter(&c->server.timeout, 0, 100000000)},
      {"server.busy_poll_us", IntSetter(&c->server.busy_poll_us, 0, 1000000)},
      {"server.adaptive_threads", BoolSetter(&c->server.adaptive_threads)},
      {"server.databases", IntSetter(&c->server.databases, 1, 1000000)},
      {"server.notify_keyspace_events", NotifySetter(&c->server.notify_keyspace_events)},
      {"limits.proto_max_bulk_len", SizeSetter(&c->limits.proto_max_bulk_len, 1 << 20)},
      {"limits.client_query_buffer_limit",
       SizeSetter(&c->limits.client_query_buffer_limit, 1 << 20)},
      {"storage.engine", StringSetter(&c->storage.engine, {"memory", "hybridlog", "cloud"})},
      {"storage.dir", StringSetter(&c->storage.dir)},
      {"checkpoint.dir", StringSetter(&c->checkpoint.dir)},
      {"checkpoint.schedule", ScheduleSetter(&c->checkpoint.schedule)},
      {"checkpoint.keep", IntSetter(&c->checkpoint.keep, 1, 1000000)},
      {"checkpoint.restore_on_start", BoolSetter(&c->checkpoint.restore_on_start)},
      {"checkpoint.on_corrupt", StringSetter(&c->checkpoint.on_corrupt, {"refuse", "previous"})},
      {"checkpoint.key_load_delay_us", IntSetter(&c->checkpoint.key_load_delay_us, 0, 1000000)},
  };
}

Status ApplyTable(const toml::table& root, const Origin& origin,
                  const std::map<std::string, Setter>& schema) {
  for (const auto& [section, node] : root) {
    std::string section_name(section.str());
    const toml::table* table = node.as_table();
    if (!table) {
      return ConfigError(origin, section_name,
                         "unknown top-level key (expected a section such as [server])");
    }
    for (const auto& [key, value] : *table) {
      std::string path = section_name + "." + std::string(key.str());
      auto it = schema.find(path);
      if (it == schema.end()) return ConfigError(origin, path, "unknown key");
      STRATA_RETURN_IF_ERROR(it->second(value, origin, path));
    }
  }
  return Status::OK();
}

}  // namespace

StatusOr<std::int64_t> ParseSize(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  std::size_t digits_start = i;
  std::int64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (value > (INT64_MAX - 9) / 10) return Status::InvalidArgument("size is too large");
    value = value * 10 + (text[i] - '0');
    ++i;
  }
  if (i == digits_start) {
    return Status::InvalidArgument("expected a size such as \"512MB\", got \"" + text + "\"");
  }
  std::string unit;
  for (; i < text.size(); ++i) {
    if (!std::isspace(static_cast<unsigned char>(text[i]))) {
      unit += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    }
  }
  static const std::map<std::string, int> kShift = {
      {"", 0},   {"b", 0},   {"k", 10},   {"kb", 10},  {"kib", 10}, {"m", 20},
      {"mb", 20}, {"mib", 20}, {"g", 30}, {"gb", 30},  {"gib", 30}, {"t", 40},
      {"tb", 40}, {"tib", 40}};
  auto it = kShift.find(unit);
  if (it == kShift.end()) {
    return Status::InvalidArgument("unknown size unit in \"" + text +
                                   "\" (use B, KB, MB, GB or TB)");
  }
  if (it->second > 0 && value > (INT64_MAX >> it->second)) {
    return Status::InvalidArgument("size is too large");
  }
  return value << it->second;
}

StatusOr<std::vector<SaveRule>> ParseSchedule(std::string_view text) {
  std::vector<std::int64_t> numbers;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    std::size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(i, end - i);
    std::int64_t v = 0;
    for (char ch : word) {
      if (ch < '0' || ch > '9' || v > (INT64_MAX - 9) / 10) {
        return Status::InvalidArgument("expected \"<seconds> <changes>\" pairs of integers, got \"" +
                                       std::string(word) + "\"");
      }
      v = v * 10 + (ch - '0');
    }
    numbers.push_back(v);
    i = end;
  }
  if (numbers.size() % 2 != 0) {
    return Status::InvalidArgument("expected \"<seconds> <changes>\" pairs, got an odd number of values");
  }
  std::vector<SaveRule> rules;
  for (std::size_t k = 0; k < numbers.size(); k += 2) {
    if (numbers[k] < 1) return Status::InvalidArgument("seconds must be at least 1");
    rules.push_back({numbers[k], numbers[k + 1]});
  }
  return rules;
}

std::string FormatSchedule(const std::vector<SaveRule>& rules) {
  std::string out;
  for (const SaveRule& r : rules) {
    if (!out.empty()) out += ' ';
    out += std::to_string(r.seconds) + " " + std::to_string(r.changes);
  }
  return out;
}

StatusOr<Config> LoadConfig(const std::string& file, const std::vector<ConfigOverride>& overrides) {
  Config config;
  config.file = file;
  const auto schema = Schema(&config);

  if (!file.empty()) {
    toml::table parsed;
    try {
      parsed = toml::parse_file(file);
    } catch (const toml::parse_error& err) {
      return Status::InvalidArgument(
          file + ":" + std::to_string(err.source().begin.line) + ":" +
          std::to_string(err.source().begin.column) + ": " + std::string(err.description()));
    }
    STRATA_RETURN_IF_ERROR(ApplyTable(parsed, Origin{file}, schema));
  }

  for (const auto& o : overrides) {
    Origin origin{"--set " + o.path + "=" + o.value};
    auto dot = o.path.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == o.path.size()) {
      return ConfigError(origin, o.path, "expected section.key=value");
    }
    // A value that parses as TOML keeps its type (7000 is an integer); anything else is a
    // plain string (so --set storage.engine=memory works without quotes).
    toml::table root;
    toml::table as_toml;
    bool is_toml = true;
    try {
      as_toml = toml::parse("v = " + o.value);
    } catch (const toml::parse_error&) {
      is_toml = false;
    }
    toml::table section;
    if (is_toml && as_toml.contains("v") && as_toml.size() == 1) {
      section.insert(o.path.substr(dot + 1), *as_toml.get("v"));
    } else {
      section.insert(o.path.substr(dot + 1), o.value);
    }
    root.insert(o.path.substr(0, dot), std::move(section));
    STRATA_RETURN_IF_ERROR(ApplyTable(root, origin, schema));
  }
  return config;
}

int MachineCores() {
  unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

// Why one core is left over by default: the kernel's network stack and, often, clients on the
// same host need CPU too. With a thread on every core, a thread preempted by them stalls all
// of its connections for a scheduler time slice (milliseconds) while holding their place in
// line, and threads contending for a hot key's shard lock run slower than one thread alone
// (measurements: docs/architecture.md, "Threads").
int ResolveThreads(const ServerConfig& config) {
  if (config.threads > 0) return config.threads;
  return std::max(1, MachineCores() - 1);
}

}  // namespace strata
