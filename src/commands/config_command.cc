// CONFIG GET/SET/RESETSTAT/REWRITE/HELP and the table of parameters they know.
#include "commands/config_command.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command.h"
#include "commands/help_reply.h"
#include "commands/info_command.h"
#include "commands/util.h"
#include "state/server_state.h"
#include "types/encoding_limits.h"
#include "util/glob.h"
#include "util/notify_flags.h"

namespace strata {
namespace {

enum class ParamKind {
  kInt,        // a strict integer in [min, max]
  kMemory,     // a byte count with optional unit (1k, 1kb, 1mb, 1gb...) in [min, max]
  kBool,       // yes / no
  kEnum,       // one of `choices`
  kString,     // anything
  kSave,       // "<seconds> <changes> ..." pairs, or ""
  kImmutable,  // readable only
  kProtected,  // readable only (Redis's protected configs: enable-protected-configs no)
};

struct ConfigParam {
  std::string_view name;
  std::string_view alias;  // the pre-7.0 name (hash-max-ziplist-entries...), or ""
  ParamKind kind;
  std::string_view default_value;
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::vector<std::string_view> choices = {};
  // Parameters backed by live server state; the others live in RuntimeConfig::extra.
  std::string (*get)(ServerState&) = nullptr;
  void (*apply)(ServerState&, std::int64_t number, const std::string& text) = nullptr;
  // Extra validation for a parameter whose value must match the running server (bind,
  // port); returns an error reason or "".
  std::string (*check)(ServerState&, const std::string& text) = nullptr;
};

constexpr std::int64_t kLongMax = INT64_MAX;
constexpr std::int64_t kIntMax = 2147483647;

// The encoding thresholds live in types::Limits(), where the collection types read them.
using EncLimits = types::EncodingLimits;
using LimitField = std::atomic<std::int64_t> EncLimits::*;
template <LimitField F>
std::string GetLimit(ServerState&) {
  return std::to_string((types::Limits().*F).load());
}
template <LimitField F>
void SetLimit(ServerState&, std::int64_t v, const std::string&) {
  (types::Limits().*F).store(v);
}

std::string GetMaxClients(ServerState& s) { return std::to_string(s.runtime().maxclients.load()); }
void SetMaxClients(ServerState& s, std::int64_t v, const std::string&) {
  s.runtime().maxclients = static_cast<int>(std::min<std::int64_t>(v, kIntMax));
}
std::string GetTimeout(ServerState& s) { return std::to_string(s.runtime().timeout.load()); }
void SetTimeout(ServerState& s, std::int64_t v, const std::string&) {
  s.runtime().timeout = static_cast<int>(v);
}
std::string GetRequirePass(ServerState& s) { return s.runtime().GetRequirePass(); }
void SetRequirePass(ServerState& s, std::int64_t, const std::string& text) {
  std::lock_guard<std::mutex> l(s.runtime().mu);
  s.runtime().requirepass = text;
}
std::string GetProtoMaxBulkLen(ServerState& s) {
  return std::to_string(s.runtime().proto_max_bulk_len.load());
}
void SetProtoMaxBulkLen(ServerState& s, std::int64_t v, const std::string&) {
  s.runtime().proto_max_bulk_len = v;
}
std::string GetQueryBufferLimit(ServerState& s) {
  return std::to_string(s.runtime().client_query_buffer_limit.load());
}
void SetQueryBufferLimit(ServerState& s, std::int64_t v, const std::string&) {
  s.runtime().client_query_buffer_limit = v;
}
std::string GetBusyThreshold(ServerState& s) {
  return std::to_string(s.scripts().busy_threshold_ms().load());
}
void SetBusyThreshold(ServerState& s, std::int64_t v, const std::string&) {
  s.scripts().busy_threshold_ms() = v;
}
std::string GetDatabases(ServerState& s) { return std::to_string(s.engine().num_databases()); }
std::string GetBind(ServerState& s) { return s.initial_config().server.bind; }
std::string GetPort(ServerState& s) { return std::to_string(s.port()); }
std::string GetDir(ServerState& s) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(s.initial_config().storage.dir, ec);
  return ec ? s.initial_config().storage.dir : abs.lexically_normal().string();
}
bool ParseMemory(std::string_view s, std::int64_t* out);

// client-output-buffer-limit: groups of "<class> <hard> <soft> <soft seconds>" for the
// classes normal, replica (slave) and pubsub; a class left out keeps its limits. Only the
// pubsub class acts: Strata has no replicas, and a normal client's output is bounded by the
// connection not reading while it writes.
struct OutputLimit {
  std::int64_t hard = 0, soft = 0, seconds = 0;
};
constexpr std::string_view kOutputClasses[] = {"normal", "slave", "pubsub"};
constexpr std::string_view kDefaultOutputLimits =
    "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";

// Parses `text` over `limits` (indexed as kOutputClasses); returns Redis's error or "".
std::string ParseOutputLimits(std::string_view text, OutputLimit* limits) {
  std::vector<std::string_view> words;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t sp = text.find(' ', i);
    if (sp == std::string_view::npos) sp = text.size();
    if (sp > i) words.push_back(text.substr(i, sp - i));
    i = sp + 1;
  }
  if (words.empty() || words.size() % 4 != 0) {
    return "Wrong number of arguments in buffer limit configuration.";
  }
  for (std::size_t w = 0; w < words.size(); w += 4) {
    int cls = -1;
    for (int c = 0; c < 3; ++c) {
      if (EqualsIgnoreCase(words[w], kOutputClasses[c])) cls = c;
    }
    if (EqualsIgnoreCase(words[w], "replica")) cls = 1;
    if (cls < 0) return "Invalid client class specified in buffer limit configuration.";
    OutputLimit l;
    if (!ParseMemory(words[w + 1], &l.hard) || !ParseMemory(words[w + 2], &l.soft) ||
        !ParseInt64(words[w + 3], &l.seconds) || l.seconds < 0) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    limits[cls] = l;
  }
  return "";
}

std::string GetOutputLimits(ServerState& s) {
  std::lock_guard<std::mutex> l(s.runtime().mu);
  auto it = s.runtime().extra.find("client-output-buffer-limit");
  return it == s.runtime().extra.end() ? std::string(kDefaultOutputLimits) : it->second;
}
std::string GetNotifyEvents(ServerState& s) {
  return FormatNotifyFlags(s.keyspace_events().flags());
}
std::string CheckNotifyEvents(ServerState&, const std::string& text) {
  std::uint32_t flags;
  return ParseNotifyFlags(text, &flags) ? "" : "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
}
void SetNotifyEvents(ServerState& s, std::int64_t, const std::string& text) {
  std::uint32_t flags = 0;
  ParseNotifyFlags(text, &flags);  // validated by CheckNotifyEvents
  s.keyspace_events().set_flags(flags);
}
std::string CheckOutputLimits(ServerState&, const std::string& text) {
  OutputLimit limits[3];
  return ParseOutputLimits(text, limits);
}
void SetOutputLimits(ServerState& s, std::int64_t, const std::string& text) {
  OutputLimit limits[3];
  ParseOutputLimits(GetOutputLimits(s), limits);
  ParseOutputLimits(text, limits);  // validated by CheckOutputLimits
  std::string normalized;
  for (int c = 0; c < 3; ++c) {
    if (c > 0) normalized += ' ';
    normalized += std::string(kOutputClasses[c]) + " " + std::to_string(limits[c].hard) + " " +
                  std::to_string(limits[c].soft) + " " + std::to_string(limits[c].seconds);
  }
  RuntimeConfig& rt = s.runtime();
  rt.pubsub_hard_limit = limits[2].hard;
  rt.pubsub_soft_limit = limits[2].soft;
  rt.pubsub_soft_seconds = limits[2].seconds;
  std::lock_guard<std::mutex> l(rt.mu);
  rt.extra["client-output-buffer-limit"] = normalized;
}

// `save` is checkpoint.schedule.
std::string GetSave(ServerState& s) { return FormatSchedule(s.saver().schedule()); }
void SetSave(ServerState& s, std::int64_t, const std::string& text) {
  auto rules = ParseSchedule(text);  // already validated by ParseSave
  if (rules.ok()) s.saver().set_schedule(std::move(rules).value());
}
// The listener cannot move at run time: only the current address is accepted.
std::string CheckBind(ServerState& s, const std::string& text) {
  return text == GetBind(s) ? "" : "Failed to bind to specified addresses.";
}
std::string CheckPort(ServerState& s, const std::string& text) {
  return text == GetPort(s) ? "" : "Unable to listen on this port";
}

const std::vector<ConfigParam>& ConfigParams() {
  static const std::vector<ConfigParam> params = {
      {"maxclients", "", ParamKind::kInt, "", 1, 4294967295ll, {}, GetMaxClients, SetMaxClients},
      {"timeout", "", ParamKind::kInt, "", 0, kIntMax, {}, GetTimeout, SetTimeout},
      {"requirepass", "", ParamKind::kString, "", 0, 0, {}, GetRequirePass, SetRequirePass},
      {"proto-max-bulk-len",
       "",
       ParamKind::kMemory,
       "",
       1 << 20,
       kLongMax,
       {},
       GetProtoMaxBulkLen,
       SetProtoMaxBulkLen},
      {"client-query-buffer-limit",
       "",
       ParamKind::kMemory,
       "",
       1 << 20,
       kLongMax,
       {},
       GetQueryBufferLimit,
       SetQueryBufferLimit},
      {"client-output-buffer-limit", "", ParamKind::kString, "", 0, 0, {}, GetOutputLimits,
       SetOutputLimits, CheckOutputLimits},
      {"databases", "", ParamKind::kImmutable, "", 0, 0, {}, GetDatabases},
      {"notify-keyspace-events", "", ParamKind::kString, "", 0, 0, {}, GetNotifyEvents,
       SetNotifyEvents, CheckNotifyEvents},
      {"bind", "", ParamKind::kString, "", 0, 0, {}, GetBind, nullptr, CheckBind},
      {"port", "", ParamKind::kInt, "", 0, 65535, {}, GetPort, nullptr, CheckPort},
      {"dir", "", ParamKind::kProtected, "", 0, 0, {}, GetDir},
      {"dbfilename", "", ParamKind::kProtected, "dump.rdb"},
      {"daemonize", "", ParamKind::kImmutable, "no"},
      {"save", "", ParamKind::kSave, "", 0, 0, {}, GetSave, SetSave},
      {"appendonly", "", ParamKind::kBool, "no"},
      {"appendfsync", "", ParamKind::kEnum, "everysec", 0, 0, {"everysec", "always", "no"}},
      {"maxmemory", "", ParamKind::kMemory, "0", 0, kLongMax},
      {"maxmemory-policy",
       "",
       ParamKind::kEnum,
       "noeviction",
       0,
       0,
       {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru",
        "allkeys-lfu", "allkeys-random", "noeviction"}},
      {"maxmemory-samples", "", ParamKind::kInt, "5", 1, kIntMax},
      {"loglevel", "", ParamKind::kEnum, "notice", 0, 0, {"debug", "verbose", "notice", "warning"}},
      {"hz", "", ParamKind::kInt, "10", 0, kIntMax},
      {"tcp-keepalive", "", ParamKind::kInt, "300", 0, kIntMax},
      {"lazyfree-lazy-eviction", "", ParamKind::kBool, "no"},
      {"lazyfree-lazy-expire", "", ParamKind::kBool, "no"},
      {"lazyfree-lazy-server-del", "", ParamKind::kBool, "no"},
      {"lazyfree-lazy-user-del", "", ParamKind::kBool, "no"},
      {"lazyfree-lazy-user-flush", "", ParamKind::kBool, "no"},
      {"slowlog-log-slower-than", "", ParamKind::kInt, "10000", -1, kLongMax},
      {"slowlog-max-len", "", ParamKind::kInt, "128", 0, kLongMax},
      {"latency-monitor-threshold", "", ParamKind::kInt, "0", 0, kLongMax},
      {"busy-reply-threshold", "lua-time-limit", ParamKind::kInt, "5000", 0, kLongMax, {},
       GetBusyThreshold, SetBusyThreshold},
      // Encoding thresholds, read by the collection types (OBJECT ENCODING follows them).
      // 512 is the built-in default of redis-server 7.0 (its sample redis.conf says 128).
      {"hash-max-listpack-entries", "hash-max-ziplist-entries", ParamKind::kInt, "512", 0,
       kLongMax, {},
       GetLimit<&EncLimits::hash_max_listpack_entries>, SetLimit<&EncLimits::hash_max_listpack_entries>},
      {"hash-max-listpack-value", "hash-max-ziplist-value", ParamKind::kMemory, "64", 0, kLongMax,
       {},
       GetLimit<&EncLimits::hash_max_listpack_value>, SetLimit<&EncLimits::hash_max_listpack_value>},
      {"list-max-listpack-size", "list-max-ziplist-size", ParamKind::kInt, "-2", -kIntMax - 1,
       kIntMax, {},
       GetLimit<&EncLimits::list_max_listpack_size>, SetLimit<&EncLimits::list_max_listpack_size>},
      {"list-compress-depth", "", ParamKind::kInt, "0", 0, kIntMax},
      {"set-max-intset-entries", "", ParamKind::kInt, "512", 0, kLongMax, {},
       GetLimit<&EncLimits::set_max_intset_entries>, SetLimit<&EncLimits::set_max_intset_entries>},
      {"zset-max-listpack-entries", "zset-max-ziplist-entries", ParamKind::kInt, "128", 0,
       kLongMax, {},
       GetLimit<&EncLimits::zset_max_listpack_entries>, SetLimit<&EncLimits::zset_max_listpack_entries>},
      {"zset-max-listpack-value", "zset-max-ziplist-value", ParamKind::kMemory, "64", 0, kLongMax,
       {},
       GetLimit<&EncLimits::zset_max_listpack_value>, SetLimit<&EncLimits::zset_max_listpack_value>},
      {"hll-sparse-max-bytes", "", ParamKind::kMemory, "3000", 0, kLongMax},
      {"stream-node-max-bytes", "", ParamKind::kMemory, "4096", 0, kLongMax, {},
       GetLimit<&EncLimits::stream_node_max_bytes>, SetLimit<&EncLimits::stream_node_max_bytes>},
      {"stream-node-max-entries", "", ParamKind::kInt, "100", 0, kLongMax, {},
       GetLimit<&EncLimits::stream_node_max_entries>,
       SetLimit<&EncLimits::stream_node_max_entries>},
      {"activerehashing", "", ParamKind::kBool, "yes"},
  };
  return params;
}

std::string ConfigValue(ServerState& s, const ConfigParam& p) {
  if (p.get != nullptr) return p.get(s);
  return ExtraConfig(s, std::string(p.name), p.default_value);
}

// Redis's memtoull: digits with an optional unit (b, k, kb, m, mb, g, gb; case-insensitive).
bool ParseMemory(std::string_view s, std::int64_t* out) {
  std::size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  if (digits == 0 || digits > 19) return false;
  std::string unit = ToLower(s.substr(digits));
  static const std::pair<std::string_view, std::uint64_t> kUnits[] = {
      {"", 1},        {"b", 1},        {"k", 1000},          {"kb", 1024},
      {"m", 1000000}, {"mb", 1 << 20}, {"g", 1000000000ull}, {"gb", 1ull << 30}};
  std::uint64_t mul = 0;
  for (const auto& [name, m] : kUnits) {
    if (unit == name) mul = m;
  }
  if (mul == 0) return false;
  std::uint64_t v = std::strtoull(std::string(s.substr(0, digits)).c_str(), nullptr, 10);
  if (v > static_cast<std::uint64_t>(INT64_MAX) / mul) return false;
  *out = static_cast<std::int64_t>(v * mul);
  return true;
}

// Redis's save syntax: pairs of "<seconds> <changes>" separated by single spaces, seconds
// at least 1; "" disables. Returns false if malformed; `normalized` gets Redis's form.
bool ParseSave(std::string_view text, std::string* normalized) {
  normalized->clear();
  if (text.empty()) return true;
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t sp = text.find(' ', start);
    parts.emplace_back(text.substr(start, sp == std::string_view::npos ? sp : sp - start));
    if (sp == std::string_view::npos) break;
    start = sp + 1;
  }
  if (parts.size() % 2 != 0) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (part.empty()) return false;
    char* end = nullptr;
    long long v = std::strtoll(part.c_str(), &end, 10);
    if (*end != '\0') return false;
    if ((i % 2 == 0 && v < 1) || (i % 2 == 1 && v < 0)) return false;
    if (!normalized->empty()) *normalized += ' ';
    *normalized += std::to_string(v);
  }
  return true;
}

// Validates `value` for `p`. On success returns "" and fills the normalized text and the
// number (for numeric kinds); otherwise returns Redis's reason.
std::string ValidateConfig(ServerState& s, const ConfigParam& p, std::string_view value,
                           std::string* text, std::int64_t* number) {
  *text = std::string(value);
  *number = 0;
  auto range_error = [&p]() {
    return "argument must be between " + std::to_string(p.min) + " and " + std::to_string(p.max) +
           " inclusive";
  };
  switch (p.kind) {
    case ParamKind::kImmutable:
      return "can't set immutable config";
    case ParamKind::kProtected:
      return "can't set protected config";
    case ParamKind::kInt:
      if (!ParseInt64(value, number)) return "argument couldn't be parsed into an integer";
      if (*number < p.min || *number > p.max) return range_error();
      *text = std::to_string(*number);
      break;
    case ParamKind::kMemory:
      if (!ParseMemory(value, number)) return "argument must be a memory value";
      if (*number < p.min || *number > p.max) return range_error();
      *text = std::to_string(*number);
      break;
    case ParamKind::kBool:
      if (EqualsIgnoreCase(value, "yes")) {
        *text = "yes";
      } else if (EqualsIgnoreCase(value, "no")) {
        *text = "no";
      } else {
        return "argument must be 'yes' or 'no'";
      }
      break;
    case ParamKind::kEnum: {
      auto it = std::find_if(p.choices.begin(), p.choices.end(),
                             [&](std::string_view c) { return EqualsIgnoreCase(c, value); });
      if (it == p.choices.end()) {
        std::string list;
        for (std::string_view c : p.choices) {
          if (!list.empty()) list += ", ";
          list += c;
        }
        return "argument(s) must be one of the following: " + list;
      }
      *text = std::string(*it);
      break;
    }
    case ParamKind::kString:
      break;
    case ParamKind::kSave:
      if (!ParseSave(value, text)) return "Invalid save parameters";
      break;
  }
  if (p.check != nullptr) return p.check(s, *text);
  return "";
}

const ConfigParam* FindParam(std::string_view name) {
  for (const auto& p : ConfigParams()) {
    if (EqualsIgnoreCase(p.name, name) || (!p.alias.empty() && EqualsIgnoreCase(p.alias, name))) {
      return &p;
    }
  }
  return nullptr;
}

}  // namespace

std::string ExtraConfig(ServerState& s, const std::string& name, std::string_view fallback) {
  std::lock_guard<std::mutex> l(s.runtime().mu);
  auto it = s.runtime().extra.find(name);
  return it == s.runtime().extra.end() ? std::string(fallback) : it->second;
}

void CmdConfigGet(CommandContext& ctx) {
  std::vector<std::pair<std::string, std::string>> found;
  auto add = [&](std::string_view name, const ConfigParam& p) {
    for (const auto& f : found) {
      if (f.first == name) return;
    }
    found.emplace_back(std::string(name), ConfigValue(ctx.server, p));
  };
  for (std::size_t a = 2; a < ctx.args.size(); ++a) {
    std::string_view pattern = ctx.args[a];
    if (pattern.find_first_of("*?[") == std::string_view::npos) {
      // An exact name is answered under the spelling the client used, as Redis does.
      if (const ConfigParam* p = FindParam(pattern)) add(pattern, *p);
      continue;
    }
    for (const auto& p : ConfigParams()) {
      if (GlobMatch(pattern, p.name, true)) add(p.name, p);
      if (!p.alias.empty() && GlobMatch(pattern, p.alias, true)) add(p.alias, p);
    }
  }
  ctx.reply.MapHeader(found.size());
  for (const auto& [name, value] : found) {
    ctx.reply.Bulk(name);
    ctx.reply.Bulk(value);
  }
}

// CONFIG SET name value [name value ...]: all pairs are validated before any is applied,
// so a failing pair leaves every parameter unchanged.
void CmdConfigSet(CommandContext& ctx) {
  if (ctx.args.size() % 2 != 0) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  struct Change {
    const ConfigParam* param;
    std::string text;
    std::int64_t number;
  };
  std::vector<Change> changes;
  auto fail = [&](std::string_view name, const std::string& reason) {
    ctx.reply.Error("ERR CONFIG SET failed (possibly related to argument '" + std::string(name) +
                    "') - " + reason);
  };
  for (std::size_t i = 2; i < ctx.args.size(); i += 2) {
    const ConfigParam* p = FindParam(ctx.args[i]);
    if (p == nullptr) {
      ctx.reply.Error("ERR Unknown option or number of arguments for CONFIG SET - '" +
                      std::string(ctx.args[i]) + "'");
      return;
    }
    for (const Change& c : changes) {
      if (c.param == p) {
        fail(ctx.args[i], "duplicate parameter");
        return;
      }
    }
    Change change{p, "", 0};
    std::string reason =
        ValidateConfig(ctx.server, *p, ctx.args[i + 1], &change.text, &change.number);
    if (!reason.empty()) {
      fail(ctx.args[i], reason);
      return;
    }
    changes.push_back(std::move(change));
  }
  for (const Change& c : changes) {
    if (c.param->apply != nullptr) {
      c.param->apply(ctx.server, c.number, c.text);
    } else if (c.param->get == nullptr) {
      std::lock_guard<std::mutex> l(ctx.server.runtime().mu);
      ctx.server.runtime().extra[std::string(c.param->name)] = c.text;
    }
  }
  ctx.reply.Ok();
}

void CmdConfigResetStat(CommandContext& ctx) {
  for (const CommandSpec* spec : AllCommandSpecs()) {
    spec->stats.Reset();
  }
  ServerStats& st = ctx.server.stats();
  st.total_connections_received = 0;
  st.total_commands_processed.Reset();
  st.rejected_connections = 0;
  st.total_error_replies.Reset();
  ctx.server.error_stats().Reset();
  st.net_input_bytes.Reset();
  st.net_output_bytes.Reset();
  st.unexpected_error_replies = 0;
  ctx.engine.ResetStats();
  ResetPeakMemory();
  ctx.reply.Ok();
}

void CmdConfigRewrite(CommandContext& ctx) {
  if (ctx.server.initial_config().file.empty()) {
    ctx.reply.Error("ERR The server is running without a config file");
  } else {
    // The TOML file has its own layout; rewriting it from Redis-style parameters is not
    // supported.
    ctx.reply.Error("ERR Rewriting config file: CONFIG REWRITE is not supported by Strata");
  }
}

void CmdConfigHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "CONFIG",
            {
                "GET <pattern> [<pattern> ...]",
                "    Reply with every parameter whose name matches a glob <pattern>, and its",
                "    value.",
                "SET <parameter> <value> [<parameter> <value> ...]",
                "    Change parameters at run time. If any value is rejected, none is changed.",
                "RESETSTAT",
                "    Zero the counters that INFO reports.",
                "REWRITE",
                "    Not supported: Strata does not write its TOML config file back.",
            });
}
}  // namespace strata
