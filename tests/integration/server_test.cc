// Server commands: INFO, CONFIG GET/SET/RESETSTAT/REWRITE/HELP, TIME, LASTSAVE, DEBUG,
// FUNCTION and SHUTDOWN.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

// INFO text → section title → (field → value).
using InfoMap = std::map<std::string, std::map<std::string, std::string>>;

InfoMap ParseInfo(const std::string& text) {
  InfoMap out;
  std::string section;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find("\r\n", pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 2;
    if (line.empty()) continue;
    if (line[0] == '#') {
      section = line.substr(2);
      out[section];
      continue;
    }
    std::size_t colon = line.find(':');
    if (colon != std::string::npos) out[section][line.substr(0, colon)] = line.substr(colon + 1);
  }
  return out;
}

// CONFIG GET's flat array → name → value.
std::map<std::string, std::string> ConfigMap(const Reply& r) {
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i + 1 < r.elements.size(); i += 2) {
    out[r.elements[i].str] = r.elements[i + 1].str;
  }
  return out;
}

class ServerTest : public BothServersTest<ServerTest> {
 public:
  static std::vector<std::string> RedisArgs() { return {"--enable-debug-command", "yes"}; }
};

TEST_F(ServerTest, InfoDefaultHasEverySection) {
  Client c(port());
  Reply r = c.Cmd("INFO");
  ASSERT_EQ(r.type, REDIS_REPLY_STRING) << r.ToString();
  const std::string& text = r.str;
  EXPECT_EQ(text.rfind("# Server\r\nredis_version:7.0.15\r\n", 0), 0u) << text;
  ASSERT_GE(text.size(), 2u);
  EXPECT_EQ(text.substr(text.size() - 2), "\r\n");
  EXPECT_EQ(text.find("\n\n"), std::string::npos);  // CRLF line ends only
  InfoMap info = ParseInfo(text);
  for (const char* s : {"Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                        "Cluster", "Keyspace"}) {
    EXPECT_TRUE(info.count(s)) << s;
    // Sections are separated by one blank line.
    if (std::string(s) != "Server") {
      EXPECT_NE(text.find(std::string("\r\n\r\n# ") + s + "\r\n"), std::string::npos) << s;
    }
  }
  EXPECT_FALSE(info.count("Commandstats"));  // only with all / everything
}

TEST_F(ServerTest, InfoServerFields) {
  Client c(port());
  auto s = ParseInfo(c.Cmd("INFO server").str)["Server"];
  EXPECT_EQ(s["redis_version"], "7.0.15");
  EXPECT_EQ(s["redis_mode"], "standalone");
  EXPECT_EQ(s["arch_bits"], "64");
  EXPECT_EQ(s["process_id"], std::to_string(strata()->pid()));
  EXPECT_EQ(s["tcp_port"], std::to_string(port()));
  EXPECT_EQ(s["run_id"].size(), 40u);
  EXPECT_EQ(s["run_id"].find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(s["os"].find("Linux"), std::string::npos);
  EXPECT_FALSE(s["strata_version"].empty());
  EXPECT_NE(s["executable"].find("strata-server"), std::string::npos) << s["executable"];
  EXPECT_TRUE(s.count("config_file"));
  EXPECT_TRUE(s.count("uptime_in_seconds"));
  EXPECT_TRUE(s.count("uptime_in_days"));
}

TEST_F(ServerTest, InfoMemoryFields) {
  Client c(port());
  auto m = ParseInfo(c.Cmd("INFO memory").str)["Memory"];
  EXPECT_GT(std::stoll(m["used_memory"]), 0);
  EXPECT_GT(std::stoll(m["used_memory_rss"]), 0);
  EXPECT_GE(std::stoll(m["used_memory_peak"]), std::stoll(m["used_memory"]));
  EXPECT_FALSE(m["used_memory_human"].empty());
  EXPECT_EQ(m["maxmemory"], "0");
  EXPECT_EQ(m["maxmemory_policy"], "noeviction");
  const std::string& allocator = m["mem_allocator"];
  // jemalloc in normal builds; libc under the sanitizers.
  EXPECT_TRUE(allocator == "jemalloc-5.3.0" || allocator == "libc") << allocator;
  if (allocator != "libc") {
    EXPECT_GT(std::stoll(m["allocator_allocated"]), 0);
    EXPECT_GE(std::stoll(m["allocator_active"]), std::stoll(m["allocator_allocated"]));
    EXPECT_GT(std::stoll(m["allocator_resident"]), 0);
  }
  for (const char* k : {"allocator_frag_ratio", "allocator_rss_ratio", "rss_overhead_ratio",
                        "mem_fragmentation_ratio"}) {
    EXPECT_NE(m[k].find('.'), std::string::npos) << k;
  }
}

TEST_F(ServerTest, InfoPersistenceAndReplication) {
  Client c(port());
  InfoMap info = ParseInfo(c.Cmd("INFO persistence replication").str);
  ASSERT_EQ(info.size(), 2u);
  auto p = info["Persistence"];
  EXPECT_EQ(p["loading"], "0");
  EXPECT_EQ(p["rdb_bgsave_in_progress"], "0");
  EXPECT_EQ(p["rdb_last_bgsave_status"], "ok");
  EXPECT_EQ(p["aof_enabled"], "0");
  EXPECT_EQ(p["rdb_last_save_time"], std::to_string(c.Cmd("LASTSAVE").integer));
  EXPECT_TRUE(p.count("rdb_changes_since_last_save"));
  EXPECT_EQ(info["Replication"]["role"], "master");
  EXPECT_EQ(info["Replication"]["connected_slaves"], "0");
}

TEST_F(ServerTest, InfoStatsCount) {
  Client c(port());
  auto before = ParseInfo(c.Cmd("INFO stats").str)["Stats"];
  ASSERT_EQ(c.Cmd("SET info-stats-key v").str, "OK");
  ASSERT_EQ(c.Cmd("GET info-stats-key").str, "v");
  ASSERT_TRUE(c.Cmd("GET info-stats-missing").is_nil());
  ASSERT_TRUE(c.Cmd("NOSUCHCOMMAND").is_error());
  auto after = ParseInfo(c.Cmd("INFO stats").str)["Stats"];
  auto grew = [&](const char* k) { return std::stoll(after[k]) - std::stoll(before[k]); };
  EXPECT_GE(grew("total_commands_processed"), 4);
  EXPECT_GE(grew("keyspace_hits"), 1);
  EXPECT_GE(grew("keyspace_misses"), 1);
  EXPECT_GE(grew("total_error_replies"), 1);
  EXPECT_GE(grew("total_net_input_bytes"), 1);
  for (const char* k :
       {"total_connections_received", "instantaneous_ops_per_sec", "rejected_connections",
        "expired_keys", "evicted_keys", "instantaneous_input_kbps"}) {
    EXPECT_TRUE(after.count(k)) << k;
  }
  auto cpu = ParseInfo(c.Cmd("INFO cpu").str)["CPU"];
  EXPECT_NE(cpu["used_cpu_user"].find('.'), std::string::npos);
  EXPECT_TRUE(cpu.count("used_cpu_sys"));
  auto clients = ParseInfo(c.Cmd("INFO clients").str)["Clients"];
  EXPECT_GE(std::stoll(clients["connected_clients"]), 1);
  EXPECT_EQ(clients["maxclients"], "10000");
}

TEST_F(ServerTest, InfoKeyspace) {
  Client c(port());
  ASSERT_EQ(c.Cmd("SELECT 9").str, "OK");
  ASSERT_EQ(c.Cmd("SET ks-a 1").str, "OK");
  ASSERT_EQ(c.Cmd("SET ks-b 1 EX 1000").str, "OK");
  auto ks = ParseInfo(c.Cmd("INFO keyspace").str)["Keyspace"];
  ASSERT_TRUE(ks.count("db9"));
  EXPECT_EQ(ks["db9"].rfind("keys=2,expires=1,avg_ttl=", 0), 0u) << ks["db9"];
  EXPECT_FALSE(ks.count("db10"));  // empty databases are not listed
}

TEST_F(ServerTest, InfoSectionSelection) {
  Client c(port());
  InfoMap two = ParseInfo(c.Cmd("INFO SERVER clients").str);
  EXPECT_EQ(two.size(), 2u);
  EXPECT_TRUE(two.count("Server") && two.count("Clients"));
  EXPECT_EQ(c.Cmd("INFO nosuchsection").str, "");
  InfoMap all = ParseInfo(c.Cmd("INFO all").str);
  EXPECT_TRUE(all.count("Commandstats"));
  EXPECT_TRUE(all.count("Keyspace"));
  InfoMap everything = ParseInfo(c.Cmd("INFO everything").str);
  EXPECT_TRUE(everything.count("Commandstats"));
  InfoMap def = ParseInfo(c.Cmd("INFO default").str);
  EXPECT_FALSE(def.count("Commandstats"));
  EXPECT_TRUE(def.count("Memory"));
}

// Strata's own section, written by the engine: only when asked for, and after every Redis
// section under all/everything (Redis answers an unknown section with nothing).
TEST_F(ServerTest, InfoStorageIsTheEnginesOwnSection) {
  Client c(port());
  ASSERT_EQ(c.Cmd("SET storage-k v").str, "OK");
  InfoMap storage = ParseInfo(c.Cmd("INFO storage").str);
  ASSERT_EQ(storage.size(), 1u);
  ASSERT_TRUE(storage.count("Storage"));
  EXPECT_EQ(storage["Storage"]["storage_engine"], "memory");
  EXPECT_GE(std::stoll(storage["Storage"]["storage_keys"]), 1);
  EXPECT_GT(std::stoll(storage["Storage"]["storage_dataset_bytes"]), 0);
  EXPECT_FALSE(ParseInfo(c.Cmd("INFO").str).count("Storage"));
  EXPECT_FALSE(ParseInfo(c.Cmd("INFO default").str).count("Storage"));
  for (const char* every : {"INFO all", "INFO everything"}) {
    std::string text = c.Cmd(every).str;
    std::size_t at = text.find("# Storage\r\n");
    ASSERT_NE(at, std::string::npos) << every;
    EXPECT_EQ(text.find("\r\n# ", at + 1), std::string::npos) << every << ": not the last section";
  }
}

// The per-database overhead is the engine's own figure: the index grows with the keys, and
// only keys with an expiry cost expiry overhead.
TEST_F(ServerTest, MemoryStatsOverheadComesFromTheEngine) {
  Client c(port());
  ASSERT_EQ(c.Cmd("SELECT 13").str, "OK");
  ASSERT_EQ(c.Cmd("FLUSHDB").str, "OK");
  ASSERT_EQ(c.Cmd("SET persistent v").str, "OK");
  auto db13 = [&](std::string_view field) {
    Reply r = c.Cmd("MEMORY STATS");
    for (std::size_t i = 0; i + 1 < r.elements.size(); i += 2) {
      if (r.elements[i].str != "db.13") continue;
      const Reply& m = r.elements[i + 1];
      for (std::size_t j = 0; j + 1 < m.elements.size(); j += 2) {
        if (m.elements[j].str == field) return m.elements[j + 1].integer;
      }
    }
    return -1LL;
  };
  const long long main_one = db13("overhead.hashtable.main");
  EXPECT_GT(main_one, 0);
  EXPECT_EQ(db13("overhead.hashtable.expires"), 0);
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(c.Cmd("SET vol:" + std::to_string(i) + " v EX 1000").str, "OK");
  }
  EXPECT_GT(db13("overhead.hashtable.main"), main_one);
  EXPECT_GT(db13("overhead.hashtable.expires"), 0);
  ASSERT_EQ(c.Cmd("FLUSHDB").str, "OK");
}

TEST_F(ServerTest, InfoIsVerbatimInResp3) {
  RawConnection c(port());
  ASSERT_TRUE(c.ok());
  c.Send(RespCommand({"HELLO", "3"}));
  c.ReadFor(200);
  c.Send(RespCommand({"INFO", "cluster"}));
  EXPECT_EQ(c.Read(41), "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n");
}

TEST_F(ServerTest, CommandStatsAndResetStat) {
  Client c(port());
  ASSERT_EQ(c.Cmd("CONFIG RESETSTAT").str, "OK");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(c.Cmd("PING").str, "PONG");
  ASSERT_TRUE(c.Cmd("CONFIG GET").is_error());           // rejected (arity)
  ASSERT_TRUE(c.Cmd("CONFIG SET nosuch 1").is_error());  // failed
  auto stats = ParseInfo(c.Cmd("INFO commandstats").str)["Commandstats"];
  ASSERT_TRUE(stats.count("cmdstat_ping"));
  EXPECT_EQ(stats["cmdstat_ping"].rfind("calls=3,usec=", 0), 0u) << stats["cmdstat_ping"];
  EXPECT_NE(stats["cmdstat_ping"].find(",usec_per_call="), std::string::npos);
  EXPECT_NE(stats["cmdstat_ping"].find(",rejected_calls=0,failed_calls=0"), std::string::npos);
  EXPECT_NE(stats["cmdstat_config|get"].find("calls=0,"), std::string::npos);
  EXPECT_NE(stats["cmdstat_config|get"].find("rejected_calls=1,failed_calls=0"), std::string::npos);
  EXPECT_NE(stats["cmdstat_config|set"].find("rejected_calls=0,failed_calls=1"), std::string::npos);
  auto st = ParseInfo(c.Cmd("INFO stats").str)["Stats"];
  EXPECT_EQ(st["total_error_replies"], "2");

  ASSERT_EQ(c.Cmd("CONFIG RESETSTAT").str, "OK");
  stats = ParseInfo(c.Cmd("INFO commandstats").str)["Commandstats"];
  EXPECT_FALSE(stats.count("cmdstat_ping"));
  EXPECT_FALSE(stats.count("cmdstat_config|get"));
  st = ParseInfo(c.Cmd("INFO stats").str)["Stats"];
  EXPECT_EQ(st["total_error_replies"], "0");
  EXPECT_EQ(st["keyspace_hits"], "0");
  EXPECT_EQ(st["total_connections_received"], "0");
}

TEST_F(ServerTest, ConfigGetMatchesRedis) {
  ExpectSameAsRedis({
      // redis-benchmark asks these two at start-up.
      {"CONFIG", "GET", "save"},
      {"CONFIG", "GET", "appendonly"},
      {"CONFIG", "GET", "maxclients"},
      {"CONFIG", "GET", "timeout"},
      {"CONFIG", "GET", "databases"},
      {"CONFIG", "GET", "requirepass"},
      {"CONFIG", "GET", "proto-max-bulk-len"},
      {"CONFIG", "GET", "client-query-buffer-limit"},
      {"CONFIG", "GET", "maxmemory"},
      {"CONFIG", "GET", "maxmemory-policy"},
      {"CONFIG", "GET", "hash-max-listpack-entries"},
      {"CONFIG", "GET", "hash-max-ziplist-value"},
      {"CONFIG", "GET", "list-max-listpack-size"},
      {"CONFIG", "GET", "set-max-intset-entries"},
      {"CONFIG", "GET", "zset-max-ziplist-entries"},
      {"CONFIG", "GET", "MAXCLIENTS"},
      {"CONFIG", "GET", "no-such-param"},
      {"CONFIG", "GET"},
  });
}

TEST_F(ServerTest, ConfigGetGlobsAndMultiplePatterns) {
  Client c(port());
  auto m = ConfigMap(c.Cmd("CONFIG GET zset-max-*"));
  EXPECT_EQ(m.size(), 4u);
  EXPECT_EQ(m["zset-max-listpack-entries"], "128");
  EXPECT_EQ(m["zset-max-ziplist-entries"], "128");
  EXPECT_EQ(m["zset-max-listpack-value"], "64");
  EXPECT_EQ(m["zset-max-ziplist-value"], "64");
  Reply multi = c.Cmd("CONFIG GET maxclients timeout maxclients");
  EXPECT_EQ(multi.elements.size(), 4u);  // each parameter once
  auto mm = ConfigMap(multi);
  EXPECT_EQ(mm["maxclients"], "10000");
  EXPECT_EQ(mm["timeout"], "0");
  auto port_dir = ConfigMap(c.Cmd("CONFIG GET port dir bind"));
  EXPECT_EQ(port_dir["port"], std::to_string(port()));
  EXPECT_EQ(port_dir["bind"], "127.0.0.1");
  EXPECT_EQ(port_dir["dir"].front(), '/');
  EXPECT_GT(ConfigMap(c.Cmd("CONFIG GET *")).size(), 20u);
}

TEST_F(ServerTest, ConfigSetErrorsMatchRedis) {
  ExpectSameAsRedis({
      {"CONFIG", "SET", "foo", "bar"},
      {"CONFIG", "SET", "maxclients", "abc"},
      {"CONFIG", "SET", "maxclients", "0"},
      {"CONFIG", "SET", "maxclients", "99999999999"},
      {"CONFIG", "SET", "maxclients", " 5"},
      {"CONFIG", "SET", "timeout", "-1"},
      {"CONFIG", "SET", "timeout", "1.5"},
      {"CONFIG", "SET", "timeout", "+5"},
      {"CONFIG", "SET", "databases", "5"},
      {"CONFIG", "SET", "daemonize", "yes"},
      {"CONFIG", "SET", "dir", "/nonexistent"},
      {"CONFIG", "SET", "maxclients", "100", "maxclients", "200"},
      {"CONFIG", "SET", "timeout", "5", "foo", "1"},
      {"CONFIG", "SET", "timeout"},
      {"CONFIG", "SET", "a", "b", "c"},
      {"CONFIG", "SET", "proto-max-bulk-len", "10"},
      {"CONFIG", "SET", "client-query-buffer-limit", "1"},
      {"CONFIG", "SET", "maxmemory", "abc"},
      {"CONFIG", "SET", "maxmemory", "-1"},
      {"CONFIG", "SET", "save", "abc"},
      {"CONFIG", "SET", "save", "100"},
      {"CONFIG", "SET", "save", "-1 1"},
      {"CONFIG", "SET", "save", " 100 10"},
      {"CONFIG", "SET", "appendonly", "maybe"},
      {"CONFIG", "SET", "maxmemory-policy", "foo"},
      {"CONFIG", "SET", "hash-max-listpack-entries", "-1"},
      {"CONFIG", "SET", "hash-max-listpack-value", "abc"},
      {"CONFIG", "SET", "list-max-listpack-size", "abc"},
      {"CONFIG", "SET", "loglevel", "foo"},
      {"CONFIG", "SET", "appendfsync", "foo"},
      {"CONFIG", "SET", "maxmemory-samples", "0"},
      {"CONFIG", "NOSUCH"},
      {"CONFIG", "REWRITE"},
      // A failed CONFIG SET changes nothing.
      {"CONFIG", "GET", "timeout"},
      {"CONFIG", "GET", "maxclients"},
  });
  ExpectHelpReply(Client(port()).Cmd("CONFIG HELP"), "CONFIG",
                  {"GET", "SET", "RESETSTAT", "REWRITE"});
}

TEST_F(ServerTest, ConfigSetRoundTripsMatchRedis) {
  ExpectSameAsRedis({
      {"CONFIG", "SET", "save", "3600 1 300 100"},
      {"CONFIG", "GET", "save"},
      {"CONFIG", "SET", "save", ""},
      {"CONFIG", "GET", "save"},
      {"CONFIG", "SET", "maxmemory", "1gb"},
      {"CONFIG", "GET", "maxmemory"},
      {"CONFIG", "SET", "maxmemory", "1k"},
      {"CONFIG", "GET", "maxmemory"},
      {"CONFIG", "SET", "maxmemory", "0"},
      {"CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU"},
      {"CONFIG", "GET", "maxmemory-policy"},
      {"CONFIG", "SET", "maxmemory-policy", "noeviction"},
      {"CONFIG", "SET", "hash-max-ziplist-entries", "100"},
      {"CONFIG", "GET", "hash-max-listpack-entries"},
      {"CONFIG", "GET", "hash-max-ziplist-entries"},
      {"CONFIG", "SET", "hash-max-listpack-entries", "128"},
      {"CONFIG", "SET", "list-max-ziplist-size", "-3"},
      {"CONFIG", "GET", "list-max-listpack-size"},
      {"CONFIG", "SET", "list-max-ziplist-size", "-2"},
      {"CONFIG", "SET", "proto-max-bulk-len", "1mb"},
      {"CONFIG", "GET", "proto-max-bulk-len"},
      {"CONFIG", "SET", "proto-max-bulk-len", "512mb"},
      {"CONFIG", "SET", "timeout", "0", "maxclients", "10000"},
      {"CONFIG", "SET", "appendonly", "NO"},
      {"CONFIG", "GET", "appendonly"},
      {"CONFIG", "SET", "requirepass", ""},
  });
}

TEST_F(ServerTest, ConfigResp3IsAMap) {
  RawConnection c(port());
  ASSERT_TRUE(c.ok());
  c.Send(RespCommand({"HELLO", "3"}));
  c.ReadFor(200);
  c.Send(RespCommand({"CONFIG", "GET", "save", "timeout"}));
  EXPECT_EQ(c.Read(40), "%2\r\n$4\r\nsave\r\n$0\r\n\r\n$7\r\ntimeout\r\n$1\r\n0\r\n");
}

TEST_F(ServerTest, TimeAndLastSave) {
  Client c(port());
  Reply t = c.Cmd("TIME");
  ASSERT_EQ(t.elements.size(), 2u) << t.ToString();
  long long secs = std::stoll(t.elements[0].str);
  long long usecs = std::stoll(t.elements[1].str);
  long long now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  EXPECT_LE(std::llabs(now - secs), 5);
  EXPECT_GE(usecs, 0);
  EXPECT_LT(usecs, 1000000);
  Reply last = c.Cmd("LASTSAVE");
  ASSERT_EQ(last.type, REDIS_REPLY_INTEGER);
  EXPECT_LE(last.integer, now + 1);
  EXPECT_GT(last.integer, now - 3600);
  EXPECT_TRUE(c.Cmd("TIME x").is_error());
}

TEST_F(ServerTest, DebugAndFunctionMatchRedis) {
  ExpectSameAsRedis({
      {"DEBUG", "SLEEP", "0"},
      {"DEBUG", "SLEEP", "0.01"},
      {"DEBUG", "SLEEP"},
      {"DEBUG", "SET-ACTIVE-EXPIRE", "0"},
      {"DEBUG", "SET-ACTIVE-EXPIRE", "1"},
      {"DEBUG", "SET-ACTIVE-EXPIRE"},
      {"DEBUG", "NOSUCH"},
      {"DEBUG", "JMAP"},
      {"DEBUG", "LOG", "hello from the test"},
      {"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"},
      {"DEBUG", "CHANGE-REPL-ID"},
      {"DEBUG", "PROTOCOL", "string"},
      {"DEBUG", "PROTOCOL", "double"},
      {"DEBUG", "PROTOCOL", "bignum"},
      {"DEBUG", "PROTOCOL", "map"},
      {"DEBUG", "PROTOCOL", "attrib"},
      {"DEBUG", "PROTOCOL", "push"},
      {"DEBUG", "PROTOCOL", "true"},
      {"DEBUG", "PROTOCOL", "nosuch"},
      {"DEBUG"},
      {"FUNCTION", "FLUSH"},
      {"FUNCTION", "FLUSH", "ASYNC"},
      {"FUNCTION", "FLUSH", "sync"},
      {"FUNCTION", "FLUSH", "foo"},
      {"FUNCTION", "FLUSH", "a", "b"},
      {"FUNCTION", "LIST"},
      {"FUNCTION", "LIST", "WITHCODE"},
      {"FUNCTION", "LIST", "LIBRARYNAME", "x*"},
      {"FUNCTION", "LIST", "LIBRARYNAME"},
      {"FUNCTION", "LIST", "WITHCODE", "WITHCODE"},
      {"FUNCTION", "LIST", "foo"},
      {"SHUTDOWN", "foo"},
      {"SHUTDOWN", "ABORT"},
      {"SHUTDOWN", "NOSAVE", "SAVE"},
      {"SHUTDOWN", "ABORT", "NOW"},
  });
}

TEST_F(ServerTest, DebugProtocolResp3MatchesRedis) {
  std::string batch;
  for (const char* type : {"string", "integer", "double", "bignum", "null", "array", "set", "map",
                           "attrib", "push", "verbatim", "true", "false"}) {
    batch += RespCommand({"DEBUG", "PROTOCOL", type});
  }
  std::string got = Resp3Replies(strata()->port(), batch);
  std::string want = Resp3Replies(redis()->port(), batch);
  EXPECT_EQ(got, want);
}

TEST_F(ServerTest, DebugSetActiveExpireStopsBackgroundExpiry) {
  Client c(port());
  ASSERT_EQ(c.Cmd("SELECT 11").str, "OK");
  ASSERT_EQ(c.Cmd("DEBUG SET-ACTIVE-EXPIRE 0").str, "OK");
  ASSERT_EQ(c.Cmd("SET ae-key v PX 1").str, "OK");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  // Nobody touched the key and the sweep is off: it is still counted.
  auto ks = ParseInfo(c.Cmd("INFO keyspace").str)["Keyspace"];
  EXPECT_EQ(ks["db11"].rfind("keys=1,", 0), 0u) << ks["db11"];
  // Lazy expiry still applies on access.
  EXPECT_TRUE(c.Cmd("GET ae-key").is_nil());
  ASSERT_EQ(c.Cmd("DEBUG SET-ACTIVE-EXPIRE 1").str, "OK");
}

// Waits for `pid` to exit without reaping it (the harness reaps it later); returns its exit
// code, or -1 if it is still running after `timeout_ms` or was killed by a signal.
int WaitExitCode(pid_t pid, int timeout_ms) {
  for (int waited = 0; waited <= timeout_ms; waited += 20) {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == pid) {
      return info.si_code == CLD_EXITED ? info.si_status : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

TEST(ServerShutdownTest, NoSaveStopsTheServer) {
  std::string err;
  auto server = ServerProcess::StartStrata({}, &err);
  ASSERT_NE(server, nullptr) << err;
  RawConnection c(server->port());
  ASSERT_TRUE(c.ok());
  c.Send(RespCommand({"SHUTDOWN", "NOSAVE"}));
  bool closed = false;
  EXPECT_EQ(c.ReadFor(5000, &closed), "");  // no reply: the connection just closes
  EXPECT_TRUE(closed);
  EXPECT_EQ(WaitExitCode(server->pid(), 5000), 0);
}

TEST(ServerShutdownTest, PlainShutdownExitsWithZero) {
  std::string err;
  auto server = ServerProcess::StartStrata({}, &err);
  ASSERT_NE(server, nullptr) << err;
  Client c(server->port());
  Reply r = c.Cmd("SHUTDOWN");
  EXPECT_FALSE(r.type == REDIS_REPLY_STATUS) << r.ToString();  // no reply, only a close
  EXPECT_EQ(WaitExitCode(server->pid(), 5000), 0);
}

// A shutdown whose save fails is refused, and the server keeps serving (Redis's rule);
// FORCE exits anyway.
TEST(ServerShutdownTest, FailedSaveKeepsServerRunningUnlessForced) {
  std::string err;
  auto server = ServerProcess::StartStrata({"--set", "checkpoint.dir=/dev/null/sub"}, &err);
  ASSERT_NE(server, nullptr) << err;
  Client c(server->port());
  EXPECT_EQ(c.Cmd("SHUTDOWN SAVE").str, "ERR Errors trying to SHUTDOWN. Check logs.");
  EXPECT_EQ(c.Cmd("PING").str, "PONG");
  EXPECT_EQ(c.Cmd("SET k v").str, "OK");  // writes are not left paused
  EXPECT_TRUE(server->Alive());
  EXPECT_NE(server->Log().find("Error trying to save the DB, can't exit."), std::string::npos)
      << server->Log();
  c.Cmd("SHUTDOWN SAVE FORCE");
  for (int i = 0; i < 200 && server->Alive(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_FALSE(server->Alive());
}

}  // namespace
}  // namespace strata::test
