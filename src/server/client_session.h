// The command dispatcher for one client: looks the command up in the table, checks arity,
// authentication and pauses centrally, locks the command's keys through the storage engine
// and runs its handler.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "commands/command.h"
#include "net/session.h"
#include "state/server_state.h"

namespace strata {

class ClientSession final : public net::Session, public TransactionRunner {
 public:
  ClientSession(ServerState* server, net::ConnectionControl* conn);
  ~ClientSession() override;

  net::SessionAction OnCommand(std::span<const std::string_view> args, ReplyBuilder& reply) override;
  void OnClose() override;
  void OnBatchBegin() override;
  void OnBatchEnd() override;
  bool OnBlockTimeout(ReplyBuilder& reply) override;
  bool authenticated() const override { return client_->authenticated.load(); }
  // EXEC: runs the queued commands atomically (TransactionRunner), with the keys that
  // CollectAccess named locked in ctx.ks.
  void Exec(CommandContext& ctx) override;

 private:
  // Replies `error` to a command refused before it ran; inside MULTI this also dooms the
  // transaction (EXEC will answer EXECABORT), as in Redis.
  void Reject(ReplyBuilder& reply, const CommandSpec* spec, std::string_view error);
  // The statistics of one executed command (INFO commandstats and stats, and a successful
  // write's count towards rdb_changes_since_last_save).
  void RecordCall(const CommandSpec* spec, std::uint64_t usec, std::uint64_t errors);
  // Shows an executed command to the MONITOR clients.
  void Monitor(const CommandSpec* spec, std::span<const std::string_view> args);
  // Whether a WATCHed key changed since WATCH; the keys must be locked in `ks`.
  bool WatchBroken(Keyspace& ks);
  void EndTransaction();
  // Runs a looked-up, arity-checked command with its keys prefetched and locked. Returns
  // false, without running it, when the engine must load its keys first: the connection
  // then waits for ResumePending and hands the same command in again.
  bool Execute(const CommandSpec* spec, std::span<const std::string_view> args,
               ReplyBuilder& reply);
  // Runs a keyspace-wide command (KEYS, SCAN) one bounded step; false when it is not done:
  // the connection then suspends until the engine's wake-up or, to let the thread serve
  // other connections, until its own turn comes again, and hands the command in again.
  bool RunSteps(const CommandSpec* spec, CommandContext& ctx);
  // Serves the clients blocked on keys the command just ran changed.
  void ServeBlocked();
  // What `spec` with `args` touches: its keys with their intents, or (*all) the whole
  // keyspace. For EXEC, the union of the queued commands and the watched keys.
  void CollectAccess(const CommandSpec* spec, std::span<const std::string_view> args,
                     std::vector<KeyAccess>* out, bool* all) const;

  ServerState* server_;
  std::shared_ptr<ClientState> client_;
  const CommandTable& table_;
  const CommandSpec* exec_spec_;  // EXEC: refusing it ends the transaction
  const CommandSpec* select_spec_;  // SELECT inside MULTI changes the db of what follows
  std::vector<KeyAccess> access_;  // scratch
  // The keyspace-wide command running in steps, and its progress.
  const CommandSpec* steps_spec_ = nullptr;
  CommandSteps steps_;
  // Time a suspended command has run so far (INFO commandstats counts it when it is done).
  std::uint64_t suspended_usec_ = 0;
  // Waits for this client's pending prefetch; outlives the session while one is in flight.
  class PrefetchWait;
  PrefetchWait* prefetch_;
};

class ClientSessionFactory final : public net::SessionFactory {
 public:
  explicit ClientSessionFactory(ServerState* server) : server_(server) {}
  std::unique_ptr<net::Session> NewSession(net::ConnectionControl* conn) override {
    return std::make_unique<ClientSession>(server_, conn);
  }

 private:
  ServerState* server_;
};

}  // namespace strata
