// strata-server: command line → Config → Server.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <thread>

#include "server/server.h"
#include "strata/config.h"
#include "util/log.h"

int main(int argc, char** argv) {
  using namespace strata;
  CLI::App app{"Strata: a Redis-compatible key-value server", "strata-server"};
  std::string config_file;
  std::vector<std::string> sets;
  int port = -1;
  int threads = -1;
  std::string bind, dir;
  app.add_option("--config,-c", config_file, "TOML configuration file")->check(CLI::ExistingFile);
  app.add_option("--port,-p", port, "TCP port (overrides server.port)")->check(CLI::Range(0, 65535));
  app.add_option("--bind", bind, "address to listen on (overrides server.bind)");
  app.add_option("--threads", threads, "network threads, 0 = one per core (overrides server.threads)")
      ->check(CLI::Range(0, 1024));
  app.add_option("--dir", dir, "directory for everything the server writes (storage.dir)");
  app.add_option("--set", sets, "override any configuration key: --set section.key=value")
      ->type_name("KEY=VALUE");
  app.set_version_flag("--version,-v", std::string("strata-server ") + STRATA_VERSION);
  CLI11_PARSE(app, argc, argv);

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
  auto server = Server::Create(config);
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
