#include "server/client_session.h"

#include <mutex>
#include <utility>

#include "commands/util.h"

namespace strata {
namespace {

// Redis's text: the name and up to 128 bytes of arguments, each quoted. Redis formats
// them as C strings, so each is cut at its first NUL byte before the limits apply.
std::string UnknownCommandError(std::span<const std::string_view> args) {
  auto c_string = [](std::string_view s) { return s.substr(0, s.find('\0')); };
  std::string msg = "ERR unknown command '";
  msg.append(c_string(args[0]).substr(0, 128));
  msg += "', with args beginning with: ";
  std::string list;
  for (std::size_t i = 1; i < args.size() && list.size() < 128; ++i) {
    std::size_t room = 128 - list.size();
    list += '\'';
    list.append(c_string(args[i]).substr(0, room));
    list += "' ";
  }
  return msg + list;
}

}  // namespace

// The session's PrefetchWaker. The engine may complete a prefetch after the connection is
// gone, so this is not part of the session: a session destroyed while a prefetch is in
// flight abandons it, and PrefetchDone then releases the pins and deletes it.
class ClientSession::PrefetchWait final : public PrefetchWaker {
 public:
  PrefetchWait(StorageEngine* engine, std::weak_ptr<ClientState> client)
      : engine_(engine), client_(std::move(client)) {}

  // Pins the keys of `access`. True when they are resident now; false when the engine
  // loads them first (the connection is resumed when it is done).
  bool Start(const AccessSet& access) {
    if (state_.load(std::memory_order_acquire) == kDone) {
      // Handed in again after a wait: keep the keys pinned until the command ran.
      held_ = pins_;
      pins_ = PinSet();
    }
    state_.store(kPending, std::memory_order_relaxed);
    if (engine_->Prefetch(access, &pins_, this)) {
      state_.store(kIdle, std::memory_order_relaxed);
      return true;
    }
    return false;
  }

  // After a wait ended: its error, if the engine could not load the keys (then nothing is
  // pinned and the command fails). OK otherwise, or when there was no wait.
  Status TakeError() {
    if (state_.load(std::memory_order_acquire) != kDone || status_.ok()) return Status::OK();
    state_.store(kIdle, std::memory_order_relaxed);
    return std::exchange(status_, Status::OK());
  }

  // The waker for an engine call other than Prefetch that may go pending (a keyspace-wide
  // Scan); Disarm it when the call did not go pending.
  PrefetchWaker* Arm() {
    state_.store(kPending, std::memory_order_relaxed);
    return this;
  }
  void Disarm() {
    int expected = kPending;
    state_.compare_exchange_strong(expected, kIdle, std::memory_order_acq_rel);
  }

  // The command ran: its keys may leave RAM again.
  void Release() {
    if (!pins_.empty()) engine_->ReleasePins(&pins_);
    if (!held_.empty()) engine_->ReleasePins(&held_);
  }

  // The session is going away.
  void Abandon() {
    int expected = kPending;
    if (state_.compare_exchange_strong(expected, kAbandoned, std::memory_order_acq_rel)) {
      return;  // PrefetchDone finishes it
    }
    if (status_.ok()) Release();
    delete this;
  }

  void PrefetchDone(Status status) override {
    status_ = std::move(status);
    int expected = kPending;
    if (state_.compare_exchange_strong(expected, kDone, std::memory_order_acq_rel)) {
      if (std::shared_ptr<ClientState> client = client_.lock()) {
        std::lock_guard<std::mutex> l(client->mu);
        if (client->conn != nullptr) client->conn->ResumePending();
      }
      return;
    }
    if (status_.ok()) Release();  // abandoned meanwhile
    delete this;
  }

 private:
  enum State : int { kIdle, kPending, kDone, kAbandoned };
  StorageEngine* engine_;
  std::weak_ptr<ClientState> client_;
  std::atomic<int> state_{kIdle};
  Status status_;  // written by PrefetchDone before it publishes kDone
  PinSet pins_;    // what the last Prefetch pinned
  PinSet held_;    // what the wait before it pinned, until the command ran
};

ClientSession::ClientSession(ServerState* server, net::ConnectionControl* conn)
    : server_(server),
      client_(std::make_shared<ClientState>()),
      table_(CommandTable::Get()),
      exec_spec_(table_.Find("exec")),
      select_spec_(table_.Find("select")) {
  client_->id = server->NextClientId();
  client_->self = client_;
  client_->conn = conn;
  client_->created_ms = UnixTimeMs();
  client_->last_interaction_ms = client_->created_ms;
  client_->authenticated = server->runtime().GetRequirePass().empty();
  client_->runner = this;
  prefetch_ = new PrefetchWait(&server->engine(), client_);
  server->AddClient(client_);
}

ClientSession::~ClientSession() {
  server_->watches().UnwatchAll(&client_->watch);
  prefetch_->Abandon();
}

void ClientSession::OnClose() {
  server_->watches().UnwatchAll(&client_->watch);
  // Before `conn` is cleared: a registered subscriber must have a live connection.
  UnsubscribeAll(*server_, *client_);
  if (client_->monitor.exchange(false)) server_->monitors().Remove(client_.get());
  std::shared_ptr<BlockedClient> blocked;
  {
    std::lock_guard<std::mutex> l(client_->mu);
    blocked = std::move(client_->blocked);
  }
  if (blocked) {
    // If another thread is serving it right now, that thread unregisters it.
    blocked->abandoned.store(true);
    server_->blocking().Finish(blocked);
  }
  server_->RemoveClient(client_->id);
  // Other threads (CLIENT KILL, CLIENT LIST) use `conn` only while holding `mu`; once it is
  // null under the lock they leave the connection alone, so it may be destroyed.
  std::lock_guard<std::mutex> l(client_->mu);
  client_->conn = nullptr;
}

void ClientSession::OnBatchBegin() {
  server_->scripts().gate().EnterBatch();
  server_->engine().BeginBatch();
}

void ClientSession::OnBatchEnd() {
  server_->engine().EndBatch();
  server_->scripts().gate().LeaveBatch();
}

net::SessionAction ClientSession::OnCommand(std::span<const std::string_view> args,
                                            ReplyBuilder& reply) {
  reply.set_resp3(client_->resp3.load(std::memory_order_relaxed));
  reply.set_error_observer(&server_->error_stats());
  const CommandSpec* spec = table_.Find(args[0]);
  if (spec == nullptr) {
    Reject(reply, nullptr, UnknownCommandError(args));
    return {};
  }
  if (!spec->subcommands.empty() && spec->ArityOk(args.size()) && args.size() >= 2) {
    const CommandSpec* sub = CommandTable::FindSub(spec, args[1]);
    if (sub == nullptr) {
      std::string_view sub_name = args[1].substr(0, args[1].find('\0'));  // C-string, as Redis
      Reject(reply, nullptr,
             "ERR unknown subcommand '" + std::string(sub_name.substr(0, 128)) + "'. Try " +
                 ToUpper(spec->name) + " HELP.");
      return {};
    }
    spec = sub;
  }
  if (!spec->ArityOk(args.size())) {
    Reject(reply, spec, "ERR wrong number of arguments for '" + spec->name + "' command");
    return {};
  }
  if (!client_->authenticated.load(std::memory_order_relaxed) && !spec->has_flag(kCmdNoAuth)) {
    if (!server_->runtime().GetRequirePass().empty()) {
      Reject(reply, spec, "NOAUTH Authentication required.");
      return {};
    }
    client_->authenticated = true;  // the password was removed at run time
  }
  if (client_->subscribed() && !client_->resp3.load(std::memory_order_relaxed) &&
      !spec->has_flag(kCmdSubscribedContext)) {
    Reject(reply, spec,
           "ERR Can't execute '" + spec->full_name() +
               "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
               "this context");
    return {};
  }
  // As in Redis, checked before queuing: inside MULTI the refusal also aborts the EXEC.
  if (!spec->has_flag(kCmdLoading) && server_->is_loading()) {
    Reject(reply, spec, "LOADING Redis is loading the dataset in memory");
    return {};
  }
  // Waits while a script runs on another thread; once it runs past busy-reply-threshold,
  // only the commands Redis allows then get through.
  if (ScriptGate& gate = server_->scripts().gate(); gate.Contended()) {
    // The shard lock this batch kept could be the next one the script needs.
    server_->engine().EndBatch();
    ScriptGate::Pass pass = gate.Wait();
    server_->engine().BeginBatch();
    if (pass == ScriptGate::Pass::kBusy && !spec->has_flag(kCmdAllowBusy)) {
      Reject(reply, spec, server_->scripts().busy_error());
      return {};
    }
  }
  if (client_->multi.active && !spec->has_flag(kCmdTxControl)) {
    if (spec->has_flag(kCmdNoMulti)) {
      Reject(reply, spec, "ERR Command not allowed inside a transaction");
      return {};
    }
    client_->multi.queue.push_back({spec, std::vector<std::string>(args.begin(), args.end())});
    reply.SimpleString("QUEUED");
    return {};
  }
  // An EXEC counts as a write when it would run one (CLIENT PAUSE WRITE holds it, as Redis).
  // A script that may write (EVAL, not EVAL_RO) counts as one too, as in Redis.
  auto may_write = [](const CommandSpec* s) {
    return s->has_flag(kCmdWrite) || (s->has_flag(kCmdScript) && !s->has_flag(kCmdReadOnly));
  };
  bool is_write = may_write(spec);
  if (spec == exec_spec_) {
    for (const QueuedCommand& q : client_->multi.queue) is_write |= may_write(q.spec);
  }
  if (std::int64_t wait = server_->PauseRemainingMs(is_write); wait > 0) {
    if (!spec->has_flag(kCmdNoAuth) || is_write) {
      return {net::SessionAction::kRetryLater, wait < 50 ? wait : 50};
    }
  }

  std::string* out = reply.buffer();
  std::size_t out_before = out->size();
  ReplyMode mode = client_->reply_mode;
  std::uint64_t errors_before = reply.errors();
  std::uint64_t start = MonotonicUs();

  if (!Execute(spec, args, reply)) {
    suspended_usec_ += MonotonicUs() - start;
    return {net::SessionAction::kPending, 0};
  }

  std::uint64_t elapsed = MonotonicUs() - start + std::exchange(suspended_usec_, 0);
  std::uint64_t errors = reply.errors() - errors_before;
  RecordCall(spec, elapsed, errors);
  if (server_->monitors().active()) Monitor(spec, args);
  client_->last_command.store(spec, std::memory_order_relaxed);
  client_->last_interaction_ms.store(CoarseUnixTimeMs(), std::memory_order_relaxed);

  // CLIENT REPLY OFF / SKIP: drop what this command wrote. A command that turned replies
  // back on (CLIENT REPLY ON, RESET) keeps its own reply, as in Redis.
  ReplyMode after = client_->reply_mode;
  if (after == ReplyMode::kOff || (mode == ReplyMode::kSkip && after == ReplyMode::kSkip)) {
    out->resize(out_before);
    if (after == ReplyMode::kSkip) client_->reply_mode = ReplyMode::kOn;
  }
  if (client_->block_request) {
    std::int64_t timeout = client_->block_timeout_ms;
    std::lock_guard<std::mutex> l(client_->mu);
    client_->blocked = std::move(client_->block_request);
    return {net::SessionAction::kBlocked, timeout};
  }
  return {};
}

bool ClientSession::OnBlockTimeout(ReplyBuilder& reply) {
  std::shared_ptr<BlockedClient> blocked;
  {
    std::lock_guard<std::mutex> l(client_->mu);
    blocked = client_->blocked;
  }
  if (!blocked || !server_->blocking().Finish(blocked)) return false;
  {
    std::lock_guard<std::mutex> l(client_->mu);
    client_->blocked.reset();
  }
  blocked->WriteTimeoutReply(reply);
  return true;
}

bool ClientSession::Execute(const CommandSpec* spec, std::span<const std::string_view> args,
                            ReplyBuilder& reply) {
  StorageEngine& engine = server_->engine();
  CommandContext ctx{args, reply, *client_, *server_, engine, nullptr,
                     client_->db.load(std::memory_order_relaxed)};
  access_.clear();
  bool all = false;
  CollectAccess(spec, args, &access_, &all);
  if (!all && access_.empty()) {
    // A keyless command may wait for other threads (SAVE, CLIENT PAUSE, DEBUG SLEEP), which
    // could need the shard the batch kept.
    engine.EndBatch();
    bool done = true;
    if (spec->has_flag(kCmdKeyspace)) {
      done = RunSteps(spec, ctx);
    } else {
      spec->handler(ctx);
      ServeBlocked();
    }
    engine.BeginBatch();
    return done;
  }
  AccessSet access{access_, all};
  if (!all) {
    if (Status error = prefetch_->TakeError(); !error.ok()) {
      reply.Error("ERR " + error.message());
      return true;
    }
    if (!prefetch_->Start(access)) {
      engine.EndBatch();  // the connection is suspended until the engine has the keys
      return false;
    }
  }
  if (spec->has_flag(kCmdScript)) {
    // Its declared keys are resident now; the script runs unlocked, made atomic by the
    // script gate (its calls lock their own keys), so the batch's lock is let go too.
    engine.EndBatch();
    spec->handler(ctx);
    ServeBlocked();
    prefetch_->Release();
    engine.BeginBatch();
    return true;
  }
  engine.Execute(access, [&](Keyspace& ks) {
    ctx.ks = &ks;
    spec->handler(ctx);
  });
  // Still holding the pins: the keys this command pushed to are resident, so the clients
  // blocked on them are served now, before this command's reply, as in Redis.
  ServeBlocked();
  if (!all) prefetch_->Release();
  return true;
}

bool ClientSession::RunSteps(const CommandSpec* spec, CommandContext& ctx) {
  if (steps_spec_ != spec) {
    steps_ = CommandSteps();
    steps_spec_ = spec;
  }
  if (Status error = prefetch_->TakeError(); !error.ok()) {
    steps_ = CommandSteps();
    steps_spec_ = nullptr;
    ctx.reply.Error("ERR " + error.message());
    return true;
  }
  steps_.next = CommandSteps::Next::kDone;
  steps_.waker = prefetch_->Arm();
  ctx.steps = &steps_;
  spec->handler(ctx);
  switch (steps_.next) {
    case CommandSteps::Next::kWait:
      return false;  // the engine's wake-up resumes the connection
    case CommandSteps::Next::kYield: {
      prefetch_->Disarm();
      // Posted behind the events already waiting on this thread: they are served first,
      // then the connection hands the command in again.
      std::lock_guard<std::mutex> l(client_->mu);
      if (client_->conn != nullptr) client_->conn->ResumePending();
      return false;
    }
    case CommandSteps::Next::kDone:
      break;
  }
  prefetch_->Disarm();
  steps_ = CommandSteps();
  steps_spec_ = nullptr;
  ServeBlocked();
  return true;
}

void ClientSession::ServeBlocked() {
  // Serving takes the ready keys' locks one waiter at a time, so it needs this thread's
  // locks released, the one a batch kept included.
  if (BlockingRegistry::HasReady()) {
    StorageEngine& engine = server_->engine();
    engine.EndBatch();
    server_->blocking().ServeReady(engine);
    engine.BeginBatch();
  }
}

void ClientSession::CollectAccess(const CommandSpec* spec, std::span<const std::string_view> args,
                                  std::vector<KeyAccess>* out, bool* all) const {
  int db = client_->db.load(std::memory_order_relaxed);
  // Alone, a keyspace-wide command calls the engine's keyspace-wide methods, which lock
  // what they need as they go; only inside EXEC must it hold everything.
  if (spec->has_flag(kCmdKeyspace)) return;
  if (spec != exec_spec_) {
    spec->KeyAccesses(args, db, out);
    return;
  }
  const MultiState& multi = client_->multi;
  if (!multi.active || multi.aborted) return;  // EXEC fails without touching data
  std::vector<std::string_view> argv;
  for (const QueuedCommand& q : multi.queue) {
    if (q.spec->has_flag(kCmdKeyspace) || q.spec->has_flag(kCmdScript)) {
      *all = true;  // a script may touch any key
      return;
    }
    argv.assign(q.args.begin(), q.args.end());
    if (q.spec == select_spec_) {
      // The keys of the commands after it are in the database it selects.
      std::int64_t index;
      if (ParseInt64(argv[1], &index) && index >= 0 && index < server_->engine().num_databases()) {
        db = static_cast<int>(index);
      }
      continue;
    }
    q.spec->KeyAccesses(argv, db, out);
  }
  for (const WatchSet::Key& k : client_->watch.keys) {
    out->push_back({k.db, k.key, KeyIntent::kMeta});
  }
}

void ClientSession::Monitor(const CommandSpec* spec, std::span<const std::string_view> args) {
  // As Redis: after the command ran, so SELECT shows the database it selected.
  if (!spec->shown_to_monitors()) return;
  server_->monitors().Feed(client_->db.load(std::memory_order_relaxed), client_->PeerAddress(),
                           args);
}

void ClientSession::RecordCall(const CommandSpec* spec, std::uint64_t usec,
                               std::uint64_t errors) {
  spec->stats.RecordCall(usec, errors > 0);
  // Error replies were counted as they were written (ReplyBuilder's ErrorObserver).
  if (errors == 0 && spec->has_flag(kCmdWrite)) {
    server_->saver().CountChange();
  }
  server_->stats().total_commands_processed.Add(1);
}

void ClientSession::Reject(ReplyBuilder& reply, const CommandSpec* spec, std::string_view error) {
  if (spec != nullptr) spec->stats.RecordRejected();
  if (spec != nullptr && spec == exec_spec_) {
    // A refused EXEC ends the transaction (and the WATCHes), inside MULTI or not.
    std::string_view reason = error.substr(0, 4) == "ERR " ? error.substr(4) : error;
    reply.Error("EXECABORT Transaction discarded because of: " + std::string(reason));
    EndTransaction();
    return;
  }
  reply.Error(error);
  if (client_->multi.active) client_->multi.aborted = true;
}

bool ClientSession::WatchBroken(Keyspace& ks) {
  const WatchSet& watch = client_->watch;
  if (watch.dirty.load(std::memory_order_acquire)) return true;
  // A key that existed at WATCH and is gone now without a write expired meanwhile, which
  // Redis counts as a change.
  for (const WatchSet::Key& k : watch.keys) {
    if (k.live_at_watch && !ks.Stat(k.db, k.key)) return true;
  }
  return false;
}

void ClientSession::EndTransaction() {
  client_->multi = MultiState();
  server_->watches().UnwatchAll(&client_->watch);
}

void ClientSession::Exec(CommandContext& ctx) {
  MultiState& multi = client_->multi;
  ReplyBuilder& reply = ctx.reply;
  if (!multi.active) {
    reply.Error("ERR EXEC without MULTI");
    return;
  }
  if (multi.aborted) {
    EndTransaction();
    reply.Error("EXECABORT Transaction discarded because of previous errors.");
    return;
  }
  // The dispatcher locked what CollectAccess asked for: every queued command's keys and the
  // watched keys, or the whole keyspace when a queued command works on all of it.
  bool broken = ctx.ks != nullptr ? WatchBroken(*ctx.ks)
                                  : client_->watch.dirty.load(std::memory_order_acquire);
  if (broken) {
    reply.NullArray();
    EndTransaction();
    return;
  }
  std::vector<QueuedCommand> queue = std::move(multi.queue);
  reply.ArrayHeader(queue.size());
  std::vector<std::string_view> argv;
  std::vector<int> positions;
  for (const QueuedCommand& q : queue) {
    argv.assign(q.args.begin(), q.args.end());
    positions.clear();
    q.spec->KeyPositions(argv, &positions);
    // Keyless commands get no Keyspace, as outside a transaction; keyspace-wide ones run
    // under the whole-keyspace lock and reuse it.
    bool keyed = !positions.empty() || q.spec->has_flag(kCmdKeyspace) ||
                 q.spec->has_flag(kCmdScript);
    CommandContext qctx{argv, reply, *client_, *server_, ctx.engine, keyed ? ctx.ks : nullptr,
                        client_->db.load(std::memory_order_relaxed), true};
    std::uint64_t errors_before = reply.errors();
    std::uint64_t start = MonotonicUs();
    q.spec->handler(qctx);
    std::uint64_t errors = reply.errors() - errors_before;
    RecordCall(q.spec, MonotonicUs() - start, errors);
    if (server_->monitors().active()) Monitor(q.spec, argv);
  }
  EndTransaction();  // clients blocked on keys pushed to here are served after EXEC returns
}

}  // namespace strata
