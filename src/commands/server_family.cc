// Server commands: INFO CONFIG TIME LASTSAVE DEBUG FUNCTION SHUTDOWN.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#ifdef STRATA_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#else
#include <malloc.h>
#endif

#include "commands/command.h"
#include "commands/util.h"
#include "server/server_state.h"
#include "storage/memory/memory_engine.h"
#include "util/log.h"

namespace strata {
namespace {

constexpr std::string_view kRedisVersion = "7.0.15";

void ReplyHelp(CommandContext& ctx, std::string_view command,
               const std::vector<std::string_view>& lines) {
  ctx.reply.ArrayHeader(lines.size() + 3);
  ctx.reply.SimpleString(std::string(command) +
                         " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : lines) ctx.reply.SimpleString(line);
  ctx.reply.SimpleString("HELP");
  ctx.reply.SimpleString("    Prints this help.");
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

// Redis's bytesToHuman: "1021.26K", "12.16M", "200B".
std::string HumanBytes(double n) {
  static const char* kUnits[] = {"B", "K", "M", "G", "T", "P"};
  if (n < 1024) return std::to_string(static_cast<std::uint64_t>(n)) + "B";
  int unit = 0;
  while (n >= 1024 && unit < 5) {
    n /= 1024;
    ++unit;
  }
  return Fixed(n, 2) + kUnits[unit];
}

// ---------------------------------------------------------------------------------------
// INFO

// Process memory figures. With jemalloc they come from its statistics (refreshed by
// bumping the epoch); otherwise from glibc's mallinfo2.
struct MemoryFigures {
  std::uint64_t allocated = 0;  // bytes handed out to the program (used_memory)
  std::uint64_t active = 0;     // bytes in pages the allocator uses
  std::uint64_t resident = 0;   // bytes the allocator keeps resident
  std::uint64_t rss = 0;        // the process's resident set
  std::string allocator = "libc";
};

std::uint64_t ProcessRss() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

MemoryFigures ReadMemory() {
  MemoryFigures m;
#ifdef STRATA_HAVE_JEMALLOC
  std::uint64_t epoch = 1;
  std::size_t len = sizeof(epoch);
  mallctl("epoch", &epoch, &len, &epoch, len);
  auto stat = [](const char* name) -> std::uint64_t {
    std::size_t value = 0;
    std::size_t sz = sizeof(value);
    return mallctl(name, &value, &sz, nullptr, 0) == 0 ? value : 0;
  };
  m.allocated = stat("stats.allocated");
  m.active = stat("stats.active");
  m.resident = stat("stats.resident");
  const char* version = nullptr;
  std::size_t vlen = sizeof(version);
  if (mallctl("version", &version, &vlen, nullptr, 0) == 0 && version != nullptr) {
    std::string v(version);
    m.allocator = "jemalloc-" + v.substr(0, v.find('-'));
  } else {
    m.allocator = "jemalloc";
  }
#else
  struct mallinfo2 mi = mallinfo2();
  m.allocated = mi.uordblks + mi.hblkhd;
  m.active = mi.arena + mi.hblkhd;
  m.resident = m.active;
#endif
  m.rss = ProcessRss();
  return m;
}

std::atomic<std::uint64_t> g_peak_memory{0};

std::uint64_t UpdatePeak(std::uint64_t used) {
  std::uint64_t peak = g_peak_memory.load();
  while (used > peak && !g_peak_memory.compare_exchange_weak(peak, used)) {
  }
  return std::max(peak, used);
}

double Ratio(std::uint64_t a, std::uint64_t b) {
  return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
}

std::int64_t Diff(std::uint64_t a, std::uint64_t b) {
  return static_cast<std::int64_t>(a) - static_cast<std::int64_t>(b);
}

// Builds one section: "# Name\r\nkey:value\r\n...".
class Section {
 public:
  explicit Section(std::string_view title) { (text_ += "# ").append(title) += "\r\n"; }
  Section& Add(std::string_view key, std::string_view value) {
    text_.append(key) += ':';
    text_.append(value) += "\r\n";
    return *this;
  }
  Section& Add(std::string_view key, std::int64_t value) { return Add(key, std::to_string(value)); }
  Section& Add(std::string_view key, std::uint64_t value) {
    return Add(key, std::to_string(value));
  }
  Section& Add(std::string_view key, int value) { return Add(key, std::to_string(value)); }
  Section& Line(std::string_view line) {
    text_.append(line) += "\r\n";
    return *this;
  }
  std::string Take() { return std::move(text_); }

 private:
  std::string text_;
};

std::string ExecutablePath() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.string();
}

std::string InfoServer(ServerState& s) {
  struct utsname u;
  std::string os = "unknown";
  if (uname(&u) == 0) os = std::string(u.sysname) + " " + u.release + " " + u.machine;
  std::int64_t now_ms = UnixTimeMs();
  std::int64_t uptime = (now_ms - s.start_time_ms()) / 1000;
  auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  Section sec("Server");
  sec.Add("redis_version", kRedisVersion)
      .Add("strata_version", STRATA_VERSION)
      .Add("redis_git_sha1", "00000000")
      .Add("redis_git_dirty", 0)
      .Add("redis_build_id", "0")
      .Add("redis_mode", "standalone")
      .Add("os", os)
      .Add("arch_bits", static_cast<int>(sizeof(void*) * 8))
      .Add("monotonic_clock", "POSIX clock_gettime")
      .Add("multiplexing_api", "epoll")
      .Add("atomicvar_api", "c11-builtin")
      .Add("gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                              std::to_string(__GNUC_PATCHLEVEL__))
      .Add("process_id", static_cast<std::int64_t>(getpid()))
      .Add("process_supervised", "no")
      .Add("run_id", s.run_id())
      .Add("tcp_port", s.port())
      .Add("server_time_usec", static_cast<std::int64_t>(now_us))
      .Add("uptime_in_seconds", uptime)
      .Add("uptime_in_days", uptime / 86400)
      .Add("hz", 10)
      .Add("configured_hz", 10)
      .Add("lru_clock", static_cast<std::int64_t>((now_ms / 1000) & ((1 << 24) - 1)))
      .Add("executable", ExecutablePath())
      .Add("config_file", s.initial_config().file)
      .Add("io_threads_active", 0)
      .Add("strata_engine", s.engine().name())
      .Add("strata_threads", s.threads());
  return sec.Take();
}

std::string InfoClients(ServerState& s) {
  Section sec("Clients");
  sec.Add("connected_clients", static_cast<std::uint64_t>(s.ClientCount()))
      .Add("cluster_connections", 0)
      .Add("maxclients", s.runtime().maxclients.load())
      .Add("client_recent_max_input_buffer", 0)
      .Add("client_recent_max_output_buffer", 0)
      .Add("blocked_clients", 0)
      .Add("tracking_clients", 0)
      .Add("clients_in_timeout_table", 0);
  return sec.Take();
}

std::string ExtraConfig(ServerState& s, const std::string& name, std::string_view fallback);

std::string InfoMemory(ServerState& s) {
  MemoryFigures m = ReadMemory();
  std::uint64_t peak = UpdatePeak(m.allocated);
  std::uint64_t dataset = s.engine().GetStats().dataset_bytes;
  std::uint64_t total_system =
      static_cast<std::uint64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
  std::int64_t maxmemory = std::atoll(ExtraConfig(s, "maxmemory", "0").c_str());
  Section sec("Memory");
  sec.Add("used_memory", m.allocated)
      .Add("used_memory_human", HumanBytes(static_cast<double>(m.allocated)))
      .Add("used_memory_rss", m.rss)
      .Add("used_memory_rss_human", HumanBytes(static_cast<double>(m.rss)))
      .Add("used_memory_peak", peak)
      .Add("used_memory_peak_human", HumanBytes(static_cast<double>(peak)))
      .Add("used_memory_peak_perc", Fixed(100.0 * Ratio(m.allocated, peak), 2) + "%")
      .Add("used_memory_overhead", m.allocated > dataset ? m.allocated - dataset : 0)
      .Add("used_memory_startup", 0)
      .Add("used_memory_dataset", dataset)
      .Add("used_memory_dataset_perc", Fixed(100.0 * Ratio(dataset, m.allocated), 2) + "%")
      .Add("allocator_allocated", m.allocated)
      .Add("allocator_active", m.active)
      .Add("allocator_resident", m.resident)
      .Add("total_system_memory", total_system)
      .Add("total_system_memory_human", HumanBytes(static_cast<double>(total_system)))
      .Add("used_memory_lua", 0)
      .Add("used_memory_scripts", 0)
      .Add("number_of_cached_scripts", 0)
      .Add("number_of_functions", 0)
      .Add("number_of_libraries", 0)
      .Add("maxmemory", maxmemory)
      .Add("maxmemory_human", HumanBytes(static_cast<double>(maxmemory)))
      .Add("maxmemory_policy", ExtraConfig(s, "maxmemory-policy", "noeviction"))
      .Add("allocator_frag_ratio", Fixed(Ratio(m.active, m.allocated), 2))
      .Add("allocator_frag_bytes", Diff(m.active, m.allocated))
      .Add("allocator_rss_ratio", Fixed(Ratio(m.resident, m.active), 2))
      .Add("allocator_rss_bytes", Diff(m.resident, m.active))
      .Add("rss_overhead_ratio", Fixed(Ratio(m.rss, m.resident), 2))
      .Add("rss_overhead_bytes", Diff(m.rss, m.resident))
      .Add("mem_fragmentation_ratio", Fixed(Ratio(m.rss, m.allocated), 2))
      .Add("mem_fragmentation_bytes", Diff(m.rss, m.allocated))
      .Add("mem_not_counted_for_evict", 0)
      .Add("mem_replication_backlog", 0)
      .Add("mem_total_replication_buffers", 0)
      .Add("mem_clients_slaves", 0)
      .Add("mem_clients_normal", 0)
      .Add("mem_cluster_links", 0)
      .Add("mem_aof_buffer", 0)
      .Add("mem_allocator", m.allocator)
      .Add("active_defrag_running", 0)
      .Add("lazyfree_pending_objects", 0)
      .Add("lazyfreed_objects", 0);
  return sec.Take();
}

// Writes since start-up, approximated by the successful calls of write commands (Strata
// has no checkpoints yet, so nothing was ever saved).
std::uint64_t ChangesSinceSave() {
  std::uint64_t n = 0;
  auto count = [&n](const CommandSpec& spec) {
    if (spec.has_flag(kCmdWrite)) n += spec.stats.calls() - spec.stats.failed_calls();
  };
  for (const auto& c : CommandTable::Get().commands()) {
    count(*c);
    for (const auto& sub : c->subcommands) count(*sub);
  }
  return n;
}

std::string InfoPersistence(ServerState& s) {
  Section sec("Persistence");
  sec.Add("loading", 0)
      .Add("async_loading", 0)
      .Add("current_cow_peak", 0)
      .Add("current_cow_size", 0)
      .Add("current_cow_size_age", 0)
      .Add("current_fork_perc", "0.00")
      .Add("current_save_keys_processed", 0)
      .Add("current_save_keys_total", 0)
      .Add("rdb_changes_since_last_save", ChangesSinceSave())
      .Add("rdb_bgsave_in_progress", 0)
      .Add("rdb_last_save_time", s.last_save_time())
      .Add("rdb_last_bgsave_status", "ok")
      .Add("rdb_last_bgsave_time_sec", -1)
      .Add("rdb_current_bgsave_time_sec", -1)
      .Add("rdb_saves", 0)
      .Add("rdb_last_cow_size", 0)
      .Add("rdb_last_load_keys_expired", 0)
      .Add("rdb_last_load_keys_loaded", 0)
      .Add("aof_enabled", 0)
      .Add("aof_rewrite_in_progress", 0)
      .Add("aof_rewrite_scheduled", 0)
      .Add("aof_last_rewrite_time_sec", -1)
      .Add("aof_current_rewrite_time_sec", -1)
      .Add("aof_last_bgrewrite_status", "ok")
      .Add("aof_rewrites", 0)
      .Add("aof_rewrites_consecutive_failures", 0)
      .Add("aof_last_write_status", "ok")
      .Add("aof_last_cow_size", 0)
      .Add("module_fork_in_progress", 0)
      .Add("module_fork_last_cow_size", 0);
  return sec.Take();
}

std::string InfoStats(ServerState& s) {
  ServerStats& st = s.stats();
  EngineStats es = s.engine().GetStats();
  ServerState::Rates rates = s.InstantaneousRates();
  Section sec("Stats");
  sec.Add("total_connections_received", st.total_connections_received.load())
      .Add("total_commands_processed", st.total_commands_processed.Sum())
      .Add("instantaneous_ops_per_sec", static_cast<std::int64_t>(rates.ops_per_sec + 0.5))
      .Add("total_net_input_bytes", st.net_input_bytes.Sum())
      .Add("total_net_output_bytes", st.net_output_bytes.Sum())
      .Add("total_net_repl_input_bytes", 0)
      .Add("total_net_repl_output_bytes", 0)
      .Add("instantaneous_input_kbps", Fixed(rates.input_kbps, 2))
      .Add("instantaneous_output_kbps", Fixed(rates.output_kbps, 2))
      .Add("instantaneous_input_repl_kbps", "0.00")
      .Add("instantaneous_output_repl_kbps", "0.00")
      .Add("rejected_connections", st.rejected_connections.load())
      .Add("sync_full", 0)
      .Add("sync_partial_ok", 0)
      .Add("sync_partial_err", 0)
      .Add("expired_keys", es.expired_keys)
      .Add("expired_stale_perc", "0.00")
      .Add("expired_time_cap_reached_count", 0)
      .Add("expire_cycle_cpu_milliseconds", 0)
      .Add("evicted_keys", es.evicted_keys)
      .Add("evicted_clients", 0)
      .Add("total_eviction_exceeded_time", 0)
      .Add("current_eviction_exceeded_time", 0)
      .Add("keyspace_hits", es.keyspace_hits)
      .Add("keyspace_misses", es.keyspace_misses)
      .Add("pubsub_channels", 0)
      .Add("pubsub_patterns", 0)
      .Add("pubsubshard_channels", 0)
      .Add("latest_fork_usec", 0)
      .Add("total_forks", 0)
      .Add("migrate_cached_sockets", 0)
      .Add("slave_expires_tracked_keys", 0)
      .Add("active_defrag_hits", 0)
      .Add("active_defrag_misses", 0)
      .Add("active_defrag_key_hits", 0)
      .Add("active_defrag_key_misses", 0)
      .Add("total_active_defrag_time", 0)
      .Add("current_active_defrag_time", 0)
      .Add("tracking_total_keys", 0)
      .Add("tracking_total_items", 0)
      .Add("tracking_total_prefixes", 0)
      .Add("unexpected_error_replies", st.unexpected_error_replies.load())
      .Add("total_error_replies", st.total_error_replies.Sum())
      .Add("dump_payload_sanitizations", 0)
      .Add("total_reads_processed", 0)
      .Add("total_writes_processed", 0)
      .Add("io_threaded_reads_processed", 0)
      .Add("io_threaded_writes_processed", 0)
      .Add("reply_buffer_shrinks", 0)
      .Add("reply_buffer_expands", 0);
  return sec.Take();
}

std::string InfoReplication(ServerState& s) {
  Section sec("Replication");
  sec.Add("role", "master")
      .Add("connected_slaves", 0)
      .Add("master_failover_state", "no-failover")
      .Add("master_replid", s.run_id())
      .Add("master_replid2", std::string(40, '0'))
      .Add("master_repl_offset", 0)
      .Add("second_repl_offset", -1)
      .Add("repl_backlog_active", 0)
      .Add("repl_backlog_size", 1048576)
      .Add("repl_backlog_first_byte_offset", 0)
      .Add("repl_backlog_histlen", 0);
  return sec.Take();
}

std::string Seconds(const timeval& tv) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(tv.tv_sec),
                static_cast<long>(tv.tv_usec));
  return buf;
}

std::string InfoCpu(ServerState&) {
  struct rusage self {
  }, children{}, thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);  // the network thread answering
  Section sec("CPU");
  sec.Add("used_cpu_sys", Seconds(self.ru_stime))
      .Add("used_cpu_user", Seconds(self.ru_utime))
      .Add("used_cpu_sys_children", Seconds(children.ru_stime))
      .Add("used_cpu_user_children", Seconds(children.ru_utime))
      .Add("used_cpu_sys_main_thread", Seconds(thread.ru_stime))
      .Add("used_cpu_user_main_thread", Seconds(thread.ru_utime));
  return sec.Take();
}

std::string InfoModules(ServerState&) { return Section("Modules").Take(); }

// All commands and subcommands, sorted by full name, for a stable INFO commandstats.
std::vector<const CommandSpec*> AllSpecs() {
  std::vector<const CommandSpec*> specs;
  for (const auto& c : CommandTable::Get().commands()) {
    if (c->handler != nullptr || c->subcommands.empty()) specs.push_back(c.get());
    for (const auto& sub : c->subcommands) specs.push_back(sub.get());
  }
  std::sort(specs.begin(), specs.end(),
            [](const CommandSpec* a, const CommandSpec* b) { return a->name < b->name; });
  return specs;
}

std::string InfoCommandStats(ServerState&) {
  Section sec("Commandstats");
  for (const CommandSpec* spec : AllSpecs()) {
    const CommandStats& st = spec->stats;
    std::uint64_t calls = st.calls(), rejected = st.rejected_calls(), failed = st.failed_calls(),
                  usec = st.usec();
    if (calls == 0 && rejected == 0 && failed == 0) continue;
    double per_call = calls == 0 ? 0.0 : static_cast<double>(usec) / static_cast<double>(calls);
    sec.Add("cmdstat_" + spec->name,
            "calls=" + std::to_string(calls) + ",usec=" + std::to_string(usec) + ",usec_per_call=" +
                Fixed(per_call, 2) + ",rejected_calls=" + std::to_string(rejected) +
                ",failed_calls=" + std::to_string(failed));
  }
  return sec.Take();
}

std::string InfoErrorStats(ServerState&) { return Section("Errorstats").Take(); }

std::string InfoCluster(ServerState&) {
  Section sec("Cluster");
  sec.Add("cluster_enabled", 0);
  return sec.Take();
}

std::string InfoKeyspace(ServerState& s) {
  Section sec("Keyspace");
  StorageEngine& engine = s.engine();
  for (int db = 0; db < engine.num_databases(); ++db) {
    DbStats st = engine.GetDbStats(db);
    if (st.keys == 0) continue;
    sec.Add("db" + std::to_string(db), "keys=" + std::to_string(st.keys) +
                                           ",expires=" + std::to_string(st.expires) +
                                           ",avg_ttl=" + std::to_string(st.avg_ttl_ms));
  }
  return sec.Take();
}

struct InfoSectionDef {
  std::string_view name;
  std::string (*render)(ServerState&);
  bool in_default;  // part of INFO / INFO default (the rest only with all/everything)
};

constexpr InfoSectionDef kInfoSections[] = {
    {"server", InfoServer, true},
    {"clients", InfoClients, true},
    {"memory", InfoMemory, true},
    {"persistence", InfoPersistence, true},
    {"stats", InfoStats, true},
    {"replication", InfoReplication, true},
    {"cpu", InfoCpu, true},
    {"modules", InfoModules, true},
    {"commandstats", InfoCommandStats, false},
    {"errorstats", InfoErrorStats, true},
    {"cluster", InfoCluster, true},
    {"keyspace", InfoKeyspace, true},
};

void CmdInfo(CommandContext& ctx) {
  constexpr std::size_t kCount = std::size(kInfoSections);
  bool wanted[kCount] = {};
  if (ctx.args.size() == 1) {
    for (std::size_t i = 0; i < kCount; ++i) wanted[i] = kInfoSections[i].in_default;
  }
  for (std::size_t a = 1; a < ctx.args.size(); ++a) {
    std::string_view arg = ctx.args[a];
    bool every = EqualsIgnoreCase(arg, "all") || EqualsIgnoreCase(arg, "everything");
    bool def = EqualsIgnoreCase(arg, "default");
    for (std::size_t i = 0; i < kCount; ++i) {
      if (every || (def && kInfoSections[i].in_default) ||
          EqualsIgnoreCase(arg, kInfoSections[i].name)) {
        wanted[i] = true;
      }
    }
  }
  std::string text;
  for (std::size_t i = 0; i < kCount; ++i) {
    if (!wanted[i]) continue;
    if (!text.empty()) text += "\r\n";
    text += kInfoSections[i].render(ctx.server);
  }
  ctx.reply.Verbatim(text);
}

// ---------------------------------------------------------------------------------------
// CONFIG

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
std::string GetDatabases(ServerState& s) { return std::to_string(s.engine().num_databases()); }
std::string GetBind(ServerState& s) { return s.initial_config().server.bind; }
std::string GetPort(ServerState& s) { return std::to_string(s.port()); }
std::string GetDir(ServerState& s) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(s.initial_config().storage.dir, ec);
  return ec ? s.initial_config().storage.dir : abs.lexically_normal().string();
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
      {"databases", "", ParamKind::kImmutable, "", 0, 0, {}, GetDatabases},
      {"bind", "", ParamKind::kString, "", 0, 0, {}, GetBind, nullptr, CheckBind},
      {"port", "", ParamKind::kInt, "", 0, 65535, {}, GetPort, nullptr, CheckPort},
      {"dir", "", ParamKind::kProtected, "", 0, 0, {}, GetDir},
      {"dbfilename", "", ParamKind::kProtected, "dump.rdb"},
      {"daemonize", "", ParamKind::kImmutable, "no"},
      {"save", "", ParamKind::kSave, ""},
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
      {"busy-reply-threshold", "lua-time-limit", ParamKind::kInt, "5000", 0, kLongMax},
      // Encoding thresholds: accepted and stored; OBJECT ENCODING may consult them.
      // 512 is the built-in default of redis-server 7.0 (its sample redis.conf says 128).
      {"hash-max-listpack-entries", "hash-max-ziplist-entries", ParamKind::kInt, "512", 0,
       kLongMax},
      {"hash-max-listpack-value", "hash-max-ziplist-value", ParamKind::kMemory, "64", 0, kLongMax},
      {"list-max-listpack-size", "list-max-ziplist-size", ParamKind::kInt, "-2", -kIntMax - 1,
       kIntMax},
      {"list-compress-depth", "", ParamKind::kInt, "0", 0, kIntMax},
      {"set-max-intset-entries", "", ParamKind::kInt, "512", 0, kLongMax},
      {"zset-max-listpack-entries", "zset-max-ziplist-entries", ParamKind::kInt, "128", 0,
       kLongMax},
      {"zset-max-listpack-value", "zset-max-ziplist-value", ParamKind::kMemory, "64", 0, kLongMax},
      {"hll-sparse-max-bytes", "", ParamKind::kMemory, "3000", 0, kLongMax},
      {"stream-node-max-bytes", "", ParamKind::kMemory, "4096", 0, kLongMax},
      {"stream-node-max-entries", "", ParamKind::kInt, "100", 0, kLongMax},
      {"activerehashing", "", ParamKind::kBool, "yes"},
  };
  return params;
}

// The value of a stored (extra) parameter, or its default.
std::string ExtraConfig(ServerState& s, const std::string& name, std::string_view fallback) {
  std::lock_guard<std::mutex> l(s.runtime().mu);
  auto it = s.runtime().extra.find(name);
  return it == s.runtime().extra.end() ? std::string(fallback) : it->second;
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
  for (const CommandSpec* spec : AllSpecs()) {
    spec->stats.Reset();
  }
  ServerStats& st = ctx.server.stats();
  st.total_connections_received = 0;
  st.total_commands_processed.Reset();
  st.rejected_connections = 0;
  st.total_error_replies.Reset();
  st.net_input_bytes.Reset();
  st.net_output_bytes.Reset();
  st.unexpected_error_replies = 0;
  ctx.engine.ResetStats();
  g_peak_memory = ReadMemory().allocated;
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
                "GET <pattern>",
                "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>",
                "    Set the configuration <directive> to <value>.",
                "RESETSTAT",
                "    Reset statistics reported by the INFO command.",
                "REWRITE",
                "    Rewrite the configuration file.",
            });
}

// ---------------------------------------------------------------------------------------
// TIME LASTSAVE

void CmdTime(CommandContext& ctx) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(us / 1000000));
  ctx.reply.Bulk(std::to_string(us % 1000000));
}

void CmdLastSave(CommandContext& ctx) { ctx.reply.Integer(ctx.server.last_save_time()); }

// ---------------------------------------------------------------------------------------
// DEBUG: the subset that is useful for tests and harmless in production.

void DebugSubcommandError(CommandContext& ctx) {
  ctx.reply.Error("ERR unknown subcommand or wrong number of arguments for '" +
                  std::string(ctx.args[1].substr(0, 128)) + "'. Try DEBUG HELP.");
}

// DEBUG PROTOCOL <type>: a sample reply of each RESP type, for client tests.
void DebugProtocol(CommandContext& ctx) {
  std::string_view type = ctx.args[2];
  ReplyBuilder& r = ctx.reply;
  std::string* out = r.buffer();
  if (EqualsIgnoreCase(type, "string")) {
    r.Bulk("Hello World");
  } else if (EqualsIgnoreCase(type, "integer")) {
    r.Integer(12345);
  } else if (EqualsIgnoreCase(type, "double")) {
    if (r.resp3()) {
      out->append(",3.141\r\n");
    } else {
      r.Bulk("3.141");
    }
  } else if (EqualsIgnoreCase(type, "bignum")) {
    constexpr std::string_view kBig = "1234567999999999999999999999999999999";
    if (r.resp3()) {
      (out->append("(").append(kBig)) += "\r\n";
    } else {
      r.Bulk(kBig);
    }
  } else if (EqualsIgnoreCase(type, "null")) {
    r.Null();
  } else if (EqualsIgnoreCase(type, "array") || EqualsIgnoreCase(type, "set")) {
    if (EqualsIgnoreCase(type, "set")) {
      r.SetHeader(3);
    } else {
      r.ArrayHeader(3);
    }
    for (int i = 0; i < 3; ++i) r.Integer(i);
  } else if (EqualsIgnoreCase(type, "map")) {
    r.MapHeader(3);
    for (int i = 0; i < 3; ++i) {
      r.Integer(i);
      r.Bool(i == 1);
    }
  } else if (EqualsIgnoreCase(type, "attrib")) {
    if (r.resp3()) {
      out->append("|1\r\n");
      r.Bulk("key-popularity");
      r.ArrayHeader(2);
      r.Bulk("key:123");
      r.Integer(90);
    }
    r.Bulk("Some real reply following the attribute");
  } else if (EqualsIgnoreCase(type, "push")) {
    if (!r.resp3()) {
      r.Error("ERR RESP2 is not supported by this command");
      return;
    }
    r.PushHeader(2);
    r.Bulk("server-cpu-usage");
    r.Integer(42);
    r.Bulk("Some real reply following the push reply");
  } else if (EqualsIgnoreCase(type, "verbatim")) {
    r.Verbatim("This is a verbatim\nstring");
  } else if (EqualsIgnoreCase(type, "true") || EqualsIgnoreCase(type, "false")) {
    r.Bool(EqualsIgnoreCase(type, "true"));
  } else {
    r.Error(
        "ERR Wrong protocol type name. Please use one of the following: "
        "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
  }
}

void CmdDebug(CommandContext& ctx) {
  std::string_view sub = ctx.args[1];
  std::size_t argc = ctx.args.size();
  if (EqualsIgnoreCase(sub, "help") && argc == 2) {
    ReplyHelp(ctx, "DEBUG",
              {
                  "CHANGE-REPL-ID",
                  "    Accepted for compatibility; does nothing.",
                  "LOG <message>",
                  "    Write <message> to the server log.",
                  "PROTOCOL <type>",
                  "    Reply with a test value of the specified type. <type> can be: string,",
                  "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
                  "    true, false.",
                  "QUICKLIST-PACKED-THRESHOLD <size>",
                  "    Accepted for compatibility; does nothing.",
                  "SET-ACTIVE-EXPIRE <0|1>",
                  "    Setting it to 0 disables expiring keys in background when they are not",
                  "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back "
                  "the",
                  "    default.",
                  "SLEEP <seconds>",
                  "    Stop the server for <seconds>. Decimals allowed.",
              });
  } else if (EqualsIgnoreCase(sub, "sleep") && argc == 3) {
    // Like Redis: strtod semantics, so a malformed value sleeps for 0 s. Only the thread
    // running this connection sleeps.
    double secs = std::strtod(std::string(ctx.args[2]).c_str(), nullptr);
    if (secs > 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(static_cast<std::int64_t>(secs * 1e6)));
    }
    ctx.reply.Ok();
  } else if (EqualsIgnoreCase(sub, "set-active-expire") && argc == 3) {
    bool on = std::atoi(std::string(ctx.args[2]).c_str()) != 0;
    if (auto* memory = dynamic_cast<memory::MemoryEngine*>(&ctx.engine)) {
      memory->set_active_expire(on);
    }
    ctx.reply.Ok();
  } else if (EqualsIgnoreCase(sub, "log") && argc == 3) {
    LogWarning("DEBUG LOG: " + std::string(ctx.args[2]));
    ctx.reply.Ok();
  } else if (EqualsIgnoreCase(sub, "protocol") && argc == 3) {
    DebugProtocol(ctx);
  } else if ((EqualsIgnoreCase(sub, "change-repl-id") && argc == 2) ||
             (EqualsIgnoreCase(sub, "quicklist-packed-threshold") && argc == 3)) {
    ctx.reply.Ok();
  } else {
    DebugSubcommandError(ctx);
  }
}

// ---------------------------------------------------------------------------------------
// FUNCTION: Strata has no functions, so FLUSH has nothing to do and LIST finds nothing.

void CmdFunctionFlush(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    ctx.reply.Error("ERR unknown subcommand or wrong number of arguments for '" +
                    std::string(ctx.args[1]) + "'. Try FUNCTION HELP.");
    return;
  }
  if (ctx.args.size() == 3 && !EqualsIgnoreCase(ctx.args[2], "async") &&
      !EqualsIgnoreCase(ctx.args[2], "sync")) {
    ctx.reply.Error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    return;
  }
  ctx.reply.Ok();
}

void CmdFunctionList(CommandContext& ctx) {
  bool with_code = false, has_pattern = false;
  for (std::size_t i = 2; i < ctx.args.size(); ++i) {
    std::string_view arg = ctx.args[i];
    if (!with_code && EqualsIgnoreCase(arg, "withcode")) {
      with_code = true;
    } else if (!has_pattern && EqualsIgnoreCase(arg, "libraryname")) {
      if (i + 1 >= ctx.args.size()) {
        ctx.reply.Error("ERR library name argument was not given");
        return;
      }
      has_pattern = true;
      ++i;
    } else {
      ctx.reply.Error("ERR Unknown argument " + std::string(arg));
      return;
    }
  }
  ctx.reply.ArrayHeader(0);
}

void CmdFunctionHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "FUNCTION",
            {
                "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
                "    Return general information on all the libraries:",
                "    * Library name",
                "    * The engine used to run the Library",
                "    * Library description",
                "    * Functions list",
                "    * Library code (if WITHCODE is given)",
                "    It also possible to get only function that matches a pattern using",
                "    LIBRARYNAME argument.",
                "FLUSH [ASYNC|SYNC]",
                "    Delete all the libraries.",
                "    When called without the optional mode argument, the behavior is",
                "    determined by the lazyfree-lazy-user-flush configuration directive.",
                "    Valid modes are:",
                "    * ASYNC: Asynchronously flush the libraries.",
                "    * SYNC: Synchronously flush the libraries.",
            });
}

// ---------------------------------------------------------------------------------------
// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]

void CmdShutdown(CommandContext& ctx) {
  bool nosave = false, save = false, abort = false, other = false;
  for (std::size_t i = 1; i < ctx.args.size(); ++i) {
    std::string_view a = ctx.args[i];
    if (EqualsIgnoreCase(a, "nosave")) {
      nosave = true;
    } else if (EqualsIgnoreCase(a, "save")) {
      save = true;
    } else if (EqualsIgnoreCase(a, "now") || EqualsIgnoreCase(a, "force")) {
      other = true;
    } else if (EqualsIgnoreCase(a, "abort")) {
      abort = true;
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  if ((abort && (nosave || save || other)) || (nosave && save)) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  if (abort) {
    // A shutdown here is immediate, so there is never one in progress to abort.
    ctx.reply.Error("ERR No shutdown in progress.");
    return;
  }
  if (save) {
    LogWarning(
        "SHUTDOWN SAVE refused: this server has no checkpoints to save the dataset to; "
        "use SHUTDOWN NOSAVE to stop it");
    ctx.reply.Error("ERR Errors trying to SHUTDOWN. Check logs.");
    return;
  }
  LogWarning("User requested shutdown...");
  if (ctx.server.request_shutdown) ctx.server.request_shutdown();
  ctx.client.conn->CloseAfterReply();
}

}  // namespace

void RegisterServerCommands(CommandTable* table) {
  constexpr std::uint32_t kAnyState = kCmdLoading | kCmdStale;
  table->Add("info", -1, kAnyState | kCmdRandom, CmdInfo);
  auto& config = table->Add("config", -2, 0, nullptr);
  config.Sub("get", -3, kCmdAdmin | kCmdNoScript | kAnyState, CmdConfigGet);
  config.Sub("set", -4, kCmdAdmin | kCmdNoScript | kAnyState, CmdConfigSet);
  config.Sub("resetstat", 2, kCmdAdmin | kCmdNoScript | kAnyState, CmdConfigResetStat);
  config.Sub("rewrite", 2, kCmdAdmin | kCmdNoScript | kAnyState, CmdConfigRewrite);
  config.Sub("help", 2, kAnyState, CmdConfigHelp);
  table->Add("time", 1, kCmdFast | kAnyState | kCmdRandom, CmdTime);
  table->Add("lastsave", 1, kCmdFast | kAnyState | kCmdRandom, CmdLastSave);
  table->Add("debug", -2, kCmdAdmin | kCmdNoScript | kAnyState, CmdDebug);
  auto& function = table->Add("function", -2, 0, nullptr);
  function.Sub("flush", -2, kCmdWrite | kCmdNoScript, CmdFunctionFlush);
  function.Sub("list", -2, kCmdNoScript, CmdFunctionList);
  function.Sub("help", 2, kAnyState, CmdFunctionHelp);
  table->Add("shutdown", -1,
             kCmdAdmin | kCmdNoScript | kAnyState | kCmdNoMulti | kCmdAllowBusy, CmdShutdown);
}

}  // namespace strata
