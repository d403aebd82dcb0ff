// strata-server's command line: flags → Config → Server.
#include <CLI/CLI.hpp>
#include <csignal>
#include <ctime>
#include <iostream>
#include <thread>

#include "checkpoint/checkpoint.h"
#include "server/server.h"
#include "state/functions.h"
#include "server/server_main.h"
#include "strata/config.h"
#include "util/log.h"

namespace {

// --check-checkpoint: verifies every section and prints what the file holds.
int CheckCheckpoint(const std::string& path) {
  using namespace strata;
  auto r = checkpoint::VerifyCheckpoint(path);
  if (!r.ok()) {
    std::cerr << "strata-server: " << r.status().message() << "\n";
    return 2;
  }
  const checkpoint::Summary& s = *r;
  std::time_t secs = static_cast<std::time_t>(s.created_ms / 1000);
  char when[64] = "?";
  std::tm tm{};
  if (gmtime_r(&secs, &tm) != nullptr) std::strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
  std::cout << "checkpoint " << path << ": intact\n"
            << "format version: " << s.version << "\n"
            << "created: " << when << " (" << s.created_ms << " ms)\n"
            << "bytes: " << s.bytes << "\n"
            << "blocks: " << s.blocks << "\n"
            << "databases: " << s.num_databases << "\n"
            << "keys: " << s.keys << "\n";
  if (!s.server_data.empty()) {
    lua::Rand48 rand;
    FunctionLibraries libraries(&rand);
    Status loaded = libraries.Restore(s.server_data, FunctionLibraries::RestorePolicy::kFlush);
    if (!loaded.ok()) {
      std::cerr << "strata-server: checkpoint " << path
                << ": its function libraries do not load: " << loaded.message() << "\n";
      return 2;
    }
    std::cout << "function libraries: " << libraries.libraries().size()
              << " (functions: " << libraries.function_count() << ")\n";
  }
  static constexpr ValueType kTypes[] = {ValueType::kString, ValueType::kList, ValueType::kHash,
                                         ValueType::kSet, ValueType::kZSet, ValueType::kStream};
  for (std::size_t db = 0; db < s.keys_per_db.size(); ++db) {
    std::uint64_t total = 0;
    for (auto n : s.keys_per_db[db]) total += n;
    if (total == 0) continue;
    std::cout << "db" << db << ": keys=" << total;
    for (ValueType t : kTypes) {
      std::cout << " " << ValueTypeName(t) << "=" << s.keys_per_db[db][static_cast<std::size_t>(t)];
    }
    std::cout << "\n";
  }
  return 0;
}

}  // namespace

namespace strata {

int RunStrataServer(int argc, char** argv) {
  CLI::App app{"Strata: a Redis-compatible key-value server", "strata-server"};
  std::string config_file;
  std::vector<std::string> sets;
  int port = -1;
  int threads = -1;
  std::string bind, dir, restore, check;
  app.add_option("--config,-c", config_file, "TOML configuration file")->check(CLI::ExistingFile);
  app.add_option("--port,-p", port, "TCP port (overrides server.port)")->check(CLI::Range(0, 65535));
  app.add_option("--bind", bind, "address to listen on (overrides server.bind)");
  app.add_option("--threads", threads, "network threads, 0 = one per core less one (overrides server.threads)")
      ->check(CLI::Range(0, 1024));
  app.add_option("--dir", dir, "directory for everything the server writes (storage.dir)");
  app.add_option("--restore", restore, "start from this checkpoint file")
      ->check(CLI::ExistingFile);
  app.add_option("--check-checkpoint", check,
                 "verify a checkpoint file, print a summary and exit (0 if intact)");
  app.add_option("--set", sets, "override any configuration key: --set section.key=value")
      ->type_name("KEY=VALUE");
  app.set_version_flag("--version,-v", std::string("strata-server ") + STRATA_VERSION);
  CLI11_PARSE(app, argc, argv);

  if (!check.empty()) return CheckCheckpoint(check);

  std::vector<ConfigOverride> overrides;
  for (const auto& s : sets) {
    auto eq = s.find('=');
    if (eq == std::string::npos) {
      std::cerr << "strata-server: --set " << s << ": expected section.key=value\n";
      return 1;
    }
    overrides.push_back({s.substr(0, eq), s.substr(eq + 1)});
  }
  auto loaded = LoadConfig(config_file, overrides);
  if (!loaded.ok()) {
    std::cerr << "strata-server: configuration error: " << loaded.status().message() << "\n";
    return 1;
  }
  Config config = std::move(loaded).value();
  if (port >= 0) config.server.port = port;
  if (!bind.empty()) config.server.bind = bind;
  if (threads >= 0) config.server.threads = threads;
  if (!dir.empty()) config.storage.dir = dir;

  // Block the shutdown signals before any thread starts, so every thread inherits the mask
  // and only Server::Run's signal thread receives them (a clean shutdown, not a kill).
  BlockShutdownSignals();
  auto server = Server::Create(config, restore);
  if (!server.ok()) {
    std::cerr << "strata-server: cannot start: " << server.status().message() << "\n";
    return 1;
  }
  LogInfo(std::string("strata-server ") + STRATA_VERSION + " starting: engine=" +
          config.storage.engine + " address=" + config.server.bind + ":" +
          std::to_string((*server)->port()) + " threads=" +
          std::to_string(ResolveThreads(config.server)) + " dir=" + config.storage.dir +
          " config=" + (config.file.empty() ? std::string("(built-in defaults)") : config.file));
  return (*server)->Run();
}

}  // namespace strata
