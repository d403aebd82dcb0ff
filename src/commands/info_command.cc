// INFO: its sections (server, clients, memory, ... keyspace) and the handler.
#include "commands/info_command.h"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "commands/allocator_stats.h"
#include "commands/command.h"
#include "commands/config_command.h"
#include "commands/util.h"
#include "state/server_state.h"

namespace strata {
namespace {

constexpr std::string_view kRedisVersion = "7.0.15";

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
      .Add("strata_threads", s.threads())
      .Add("strata_active_threads", s.active_threads());
  return sec.Take();
}

std::string InfoClients(ServerState& s) {
  Section sec("Clients");
  sec.Add("connected_clients", static_cast<std::uint64_t>(s.ClientCount()))
      .Add("cluster_connections", 0)
      .Add("maxclients", s.runtime().maxclients.load())
      .Add("client_recent_max_input_buffer", 0)
      .Add("client_recent_max_output_buffer", 0)
      .Add("blocked_clients", static_cast<std::uint64_t>(s.blocking().blocked_clients()))
      .Add("tracking_clients", 0)
      .Add("clients_in_timeout_table", 0);
  return sec.Take();
}
std::string InfoMemory(ServerState& s) {
  AllocatorStats m = ReadAllocatorStats();
  std::uint64_t rss = ProcessRssBytes();
  std::uint64_t peak = UpdatePeak(m.allocated);
  InfoFields engine;
  s.engine().WriteInfo(kInfoMemory, engine);
  std::uint64_t dataset = engine.GetU64("used_memory_dataset");
  std::uint64_t total_system =
      static_cast<std::uint64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
  std::int64_t maxmemory = std::atoll(ExtraConfig(s, "maxmemory", "0").c_str());
  Section sec("Memory");
  const Scripts::Figures& lua = s.scripts().figures();
  const std::size_t lua_bytes = lua.vm_bytes.load(std::memory_order_relaxed);
  const std::size_t script_bytes = lua.script_bytes.load(std::memory_order_relaxed);
  const std::size_t cached_scripts = lua.scripts.load(std::memory_order_relaxed);
  const std::size_t functions_vm = lua.functions_vm_bytes.load(std::memory_order_relaxed);
  const std::size_t function_bytes = lua.function_bytes.load(std::memory_order_relaxed);
  sec.Add("used_memory", m.allocated)
      .Add("used_memory_human", HumanBytes(static_cast<double>(m.allocated)))
      .Add("used_memory_rss", rss)
      .Add("used_memory_rss_human", HumanBytes(static_cast<double>(rss)))
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
      .Add("used_memory_lua", lua_bytes)
      .Add("used_memory_vm_eval", lua_bytes)
      .Add("used_memory_lua_human", HumanBytes(static_cast<double>(lua_bytes)))
      .Add("used_memory_scripts_eval", script_bytes)
      .Add("number_of_cached_scripts", cached_scripts)
      .Add("number_of_functions", lua.functions.load(std::memory_order_relaxed))
      .Add("number_of_libraries", lua.libraries.load(std::memory_order_relaxed))
      .Add("used_memory_vm_functions", functions_vm)
      .Add("used_memory_vm_total", lua_bytes + functions_vm)
      .Add("used_memory_vm_total_human", HumanBytes(static_cast<double>(lua_bytes + functions_vm)))
      .Add("used_memory_functions", function_bytes)
      .Add("used_memory_scripts", script_bytes + function_bytes)
      .Add("used_memory_scripts_human", HumanBytes(static_cast<double>(script_bytes + function_bytes)))
      .Add("maxmemory", maxmemory)
      .Add("maxmemory_human", HumanBytes(static_cast<double>(maxmemory)))
      .Add("maxmemory_policy", ExtraConfig(s, "maxmemory-policy", "noeviction"))
      .Add("allocator_frag_ratio", Fixed(Ratio(m.active, m.allocated), 2))
      .Add("allocator_frag_bytes", Diff(m.active, m.allocated))
      .Add("allocator_rss_ratio", Fixed(Ratio(m.resident, m.active), 2))
      .Add("allocator_rss_bytes", Diff(m.resident, m.active))
      .Add("rss_overhead_ratio", Fixed(Ratio(rss, m.resident), 2))
      .Add("rss_overhead_bytes", Diff(rss, m.resident))
      .Add("mem_fragmentation_ratio", Fixed(Ratio(rss, m.allocated), 2))
      .Add("mem_fragmentation_bytes", Diff(rss, m.allocated))
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

std::string InfoPersistence(ServerState& s) {
  Saver& saver = s.saver();
  Section sec("Persistence");
  const bool loading = s.is_loading();
  sec.Add("loading", loading ? 1 : 0)
      .Add("async_loading", 0)
      .Add("current_cow_peak", 0)
      .Add("current_cow_size", 0)
      .Add("current_cow_size_age", 0)
      .Add("current_fork_perc", "0.00")
      .Add("current_save_keys_processed", saver.current_save_keys_processed())
      .Add("current_save_keys_total", saver.current_save_keys_total())
      .Add("rdb_changes_since_last_save", saver.changes_since_save())
      .Add("rdb_bgsave_in_progress", saver.in_progress() ? 1 : 0)
      .Add("rdb_last_save_time", saver.last_save_time())
      .Add("rdb_last_bgsave_status", saver.last_bgsave_ok() ? "ok" : "err")
      .Add("rdb_last_bgsave_time_sec", saver.last_bgsave_time_sec())
      .Add("rdb_current_bgsave_time_sec", saver.current_bgsave_time_sec())
      .Add("rdb_saves", saver.saves())
      .Add("rdb_last_cow_size", 0)
      .Add("rdb_last_load_keys_expired", s.last_load_keys_expired())
      .Add("rdb_last_load_keys_loaded", s.last_load_keys_loaded())
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
  if (loading) {
    // Redis 7.0 appends these while it loads. A checkpoint records no memory figure, hence
    // loading_rdb_used_mem 0. The ETA extrapolates the rate so far (1 s before any data).
    const ServerState::Loading& l = s.loading();
    const std::uint64_t total = l.total_bytes.load(), done = std::min(l.loaded_bytes.load(), total);
    const std::int64_t elapsed = UnixTimeMs() / 1000 - l.start_time.load();
    const std::uint64_t remaining = total ? total - done : 1;
    const std::int64_t eta =
        elapsed > 0 ? static_cast<std::int64_t>(static_cast<std::uint64_t>(elapsed) * remaining /
                                                (done + 1))
                    : 1;
    char perc[32];
    std::snprintf(perc, sizeof(perc), "%.2f",
                  total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 0.0);
    sec.Add("loading_start_time", l.start_time.load())
        .Add("loading_total_bytes", total)
        .Add("loading_rdb_used_mem", 0)
        .Add("loading_loaded_bytes", done)
        .Add("loading_loaded_perc", perc)
        .Add("loading_eta_seconds", eta);
  }
  // Strata's own: the last checkpoint written (SAVE, BGSAVE, schedule or shutdown).
  sec.Add("checkpoint_last_duration_ms", saver.last_save_duration_ms())
      .Add("checkpoint_last_bytes", saver.last_save_bytes())
      .Add("checkpoint_last_keys", saver.last_save_keys());
  return sec.Take();
}

std::string InfoStats(ServerState& s) {
  ServerStats& st = s.stats();
  // The engine's counters, placed by name where Redis prints them.
  InfoFields es;
  s.engine().WriteInfo(kInfoStats, es);
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
      .Add("expired_keys", es.Get("expired_keys"))
      .Add("expired_stale_perc", "0.00")
      .Add("expired_time_cap_reached_count", 0)
      .Add("expire_cycle_cpu_milliseconds", 0)
      .Add("evicted_keys", es.Get("evicted_keys"))
      .Add("evicted_clients", 0)
      .Add("total_eviction_exceeded_time", 0)
      .Add("current_eviction_exceeded_time", 0)
      .Add("keyspace_hits", es.Get("keyspace_hits"))
      .Add("keyspace_misses", es.Get("keyspace_misses"))
      .Add("pubsub_channels", static_cast<std::uint64_t>(s.pubsub().Count(PubSubKind::kChannel)))
      .Add("pubsub_patterns", static_cast<std::uint64_t>(s.pubsub().Count(PubSubKind::kPattern)))
      .Add("pubsubshard_channels", static_cast<std::uint64_t>(s.pubsub().Count(PubSubKind::kShard)))
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
std::string InfoCommandStats(ServerState&) {
  Section sec("Commandstats");
  for (const CommandSpec* spec : AllCommandSpecs()) {
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

std::string InfoErrorStats(ServerState& s) {
  Section sec("Errorstats");
  for (const auto& [code, count] : s.error_stats().Snapshot()) {
    sec.Add("errorstat_" + code, "count=" + std::to_string(count));
  }
  return sec.Take();
}

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

// Strata's own section, written by the engine. Redis answers an unknown section name with
// nothing, so clients never see it unless they ask for it (or for all/everything, where it
// comes after every Redis section).
std::string InfoStorage(ServerState& s) {
  InfoFields fields;
  s.engine().WriteInfo(kInfoStorage, fields);
  Section sec("Storage");
  for (const auto& [name, value] : fields.fields()) sec.Add(name, value);
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
    {"storage", InfoStorage, false},
};

}  // namespace

std::vector<const CommandSpec*> AllCommandSpecs() {
  std::vector<const CommandSpec*> specs;
  for (const auto& c : CommandTable::Get().commands()) {
    if (c->handler != nullptr || c->subcommands.empty()) specs.push_back(c.get());
    for (const auto& sub : c->subcommands) specs.push_back(sub.get());
  }
  std::sort(specs.begin(), specs.end(),
            [](const CommandSpec* a, const CommandSpec* b) { return a->name < b->name; });
  return specs;
}

void ResetPeakMemory() { g_peak_memory = ReadAllocatorStats().allocated; }

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

}  // namespace strata
