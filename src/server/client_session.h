// The command dispatcher for one client: looks the command up in the table, checks arity,
// authentication and pauses centrally, locks the command's keys through the storage engine
// and runs its handler.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "commands/command.h"
#include "net/session.h"
#include "server/server_state.h"

namespace strata {

class ClientSession final : public net::Session {
 public:
  ClientSession(ServerState* server, ConnectionControl* conn);
  ~ClientSession() override;

  net::SessionAction OnCommand(std::span<const std::string_view> args, ReplyBuilder& reply) override;
  void OnClose() override;
  ClientState& client() override { return *client_; }

 private:
  // Runs a looked-up, arity-checked command with its keys locked.
  void Execute(const CommandSpec* spec, std::span<const std::string_view> args,
               ReplyBuilder& reply);

  ServerState* server_;
  std::shared_ptr<ClientState> client_;
  const CommandTable& table_;
  std::vector<int> key_positions_;         // scratch
  std::vector<std::string_view> keys_;     // scratch
};

class ClientSessionFactory final : public net::SessionFactory {
 public:
  explicit ClientSessionFactory(ServerState* server) : server_(server) {}
  std::unique_ptr<net::Session> NewSession(ConnectionControl* conn) override {
    return std::make_unique<ClientSession>(server_, conn);
  }

 private:
  ServerState* server_;
};

}  // namespace strata
