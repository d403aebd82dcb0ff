// Connection commands: PING ECHO QUIT SELECT AUTH HELLO RESET CLIENT.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "commands/command.h"
#include "commands/help_reply.h"
#include "commands/util.h"
#include "state/server_state.h"

namespace strata {
namespace {

// What HELLO reports; clients check `version` to enable features, so it names the Redis
// release whose behaviour Strata follows.
constexpr std::string_view kRedisVersion = "7.0.15";

constexpr std::string_view kErrWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
constexpr std::string_view kErrHelloNoAuth =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
    "HELLO AUTH <user> <pass> option can be used to authenticate the client and select the "
    "RESP protocol version at the same time";
constexpr std::string_view kErrBadClientName =
    "ERR Client names cannot contain spaces, newlines or special characters.";

// Client names and library attributes are printable ASCII without spaces, so that CLIENT
// LIST stays parseable.
bool ValidClientAttribute(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '!' && c <= '~'; });
}

// Compares secrets without an early exit, so timing does not reveal the matching prefix.
bool SecretEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

// Checks a user/password pair against the only user, "default". With no password
// configured the default user accepts any password, as Redis's "nopass" user does.
bool CheckCredentials(ServerState& server, std::string_view user, std::string_view pass) {
  if (user != "default") return false;
  std::string required = server.runtime().GetRequirePass();
  return required.empty() || SecretEquals(pass, required);
}

void MarkAuthenticated(CommandContext& ctx) {
  ctx.client.authenticated = true;
  ctx.client.conn->SetAuthenticated(true);
}

void CmdPing(CommandContext& ctx) {
  if (ctx.args.size() > 2) {
    ctx.reply.Error("ERR wrong number of arguments for 'ping' command");
    return;
  }
  if (ctx.client.subscribed() && !ctx.reply.resp3()) {
    // A RESP2 subscriber reads every reply as a pub/sub frame: Redis answers ["pong", arg].
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk("pong");
    ctx.reply.Bulk(ctx.args.size() == 2 ? ctx.args[1] : std::string_view());
  } else if (ctx.args.size() == 2) {
    ctx.reply.Bulk(ctx.args[1]);
  } else {
    ctx.reply.SimpleString("PONG");
  }
}

void CmdEcho(CommandContext& ctx) { ctx.reply.Bulk(ctx.args[1]); }

void CmdQuit(CommandContext& ctx) {
  ctx.reply.Ok();
  ctx.client.conn->CloseAfterReply();
}

void CmdSelect(CommandContext& ctx) {
  std::int64_t db = 0;
  if (!ParseInt64(ctx.args[1], &db)) {
    ctx.reply.Error(kErrNotInteger);
    return;
  }
  // Redis reads the index as a C int first, with its own range message.
  if (db < INT32_MIN || db > INT32_MAX) {
    ctx.reply.Error("ERR value is out of range, value must between -2147483648 and 2147483647");
    return;
  }
  if (db < 0 || db >= ctx.engine.num_databases()) {
    ctx.reply.Error(kErrDbIndex);
    return;
  }
  ctx.client.db = static_cast<int>(db);
  ctx.reply.Ok();
}

void CmdAuth(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  std::string_view user = "default";
  std::string_view pass = ctx.args[1];
  if (ctx.args.size() == 3) {
    user = ctx.args[1];
    pass = ctx.args[2];
  } else if (ctx.server.runtime().GetRequirePass().empty()) {
    // The one-argument form only makes sense when a password is configured.
    ctx.reply.Error(
        "ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?");
    return;
  }
  if (!CheckCredentials(ctx.server, user, pass)) {
    ctx.reply.Error(kErrWrongPass);
    return;
  }
  MarkAuthenticated(ctx);
  ctx.reply.Ok();
}

void CmdHello(CommandContext& ctx) {
  std::int64_t version = 0;
  std::size_t next = 1;
  if (ctx.args.size() >= 2) {
    if (!ParseInt64(ctx.args[1], &version)) {
      ctx.reply.Error("ERR Protocol version is not an integer or out of range");
      return;
    }
    if (version < 2 || version > 3) {
      ctx.reply.Error("NOPROTO unsupported protocol version");
      return;
    }
    next = 2;
  }
  bool has_auth = false, has_name = false;
  std::string_view user, pass, name;
  for (std::size_t i = next; i < ctx.args.size(); ++i) {
    std::size_t more = ctx.args.size() - 1 - i;
    if (EqualsIgnoreCase(ctx.args[i], "auth") && more >= 2) {
      has_auth = true;
      user = ctx.args[i + 1];
      pass = ctx.args[i + 2];
      i += 2;
    } else if (EqualsIgnoreCase(ctx.args[i], "setname") && more >= 1) {
      has_name = true;
      name = ctx.args[i + 1];
      if (!ValidClientAttribute(name)) {
        ctx.reply.Error(kErrBadClientName);
        return;
      }
      i += 1;
    } else {
      ctx.reply.Error("ERR Syntax error in HELLO option '" + std::string(ctx.args[i]) + "'");
      return;
    }
  }
  if (has_auth) {
    if (!CheckCredentials(ctx.server, user, pass)) {
      ctx.reply.Error(kErrWrongPass);
      return;
    }
    MarkAuthenticated(ctx);
  }
  if (!ctx.client.authenticated.load()) {
    if (!ctx.server.runtime().GetRequirePass().empty()) {
      ctx.reply.Error(kErrHelloNoAuth);
      return;
    }
    MarkAuthenticated(ctx);  // the password was removed at run time
  }
  if (has_name) {
    std::lock_guard<std::mutex> l(ctx.client.mu);
    ctx.client.name = std::string(name);
  }
  if (version != 0) {
    ctx.client.resp3 = version == 3;
    ctx.reply.set_resp3(version == 3);  // HELLO itself answers in the new protocol
  }
  ctx.reply.MapHeader(7);
  ctx.reply.Bulk("server");
  ctx.reply.Bulk("redis");
  ctx.reply.Bulk("version");
  ctx.reply.Bulk(kRedisVersion);
  ctx.reply.Bulk("proto");
  ctx.reply.Integer(ctx.client.resp3.load() ? 3 : 2);
  ctx.reply.Bulk("id");
  ctx.reply.Integer(static_cast<std::int64_t>(ctx.client.id));
  ctx.reply.Bulk("mode");
  ctx.reply.Bulk("standalone");
  ctx.reply.Bulk("role");
  ctx.reply.Bulk("master");
  ctx.reply.Bulk("modules");
  ctx.reply.ArrayHeader(0);
}

// RESET: back to the state of a fresh connection (database 0, RESP2, no name, replies on,
// and unauthenticated again when a password is required).
// MONITOR: from now on this client receives every command the server runs.
void CmdMonitor(CommandContext& ctx) {
  ClientState& c = ctx.client;
  if (c.monitor.exchange(true)) return;  // already monitoring: Redis replies nothing
  ctx.server.monitors().Add(c.self.lock());
  ctx.reply.Ok();
}

void CmdReset(CommandContext& ctx) {
  ClientState& c = ctx.client;
  c.db = 0;
  c.resp3 = false;
  ctx.reply.set_resp3(false);
  c.reply_mode = ReplyMode::kOn;
  c.no_evict = false;
  c.multi = MultiState();
  ctx.server.watches().UnwatchAll(&c.watch);
  UnsubscribeAll(ctx.server, c);
  if (c.monitor.exchange(false)) ctx.server.monitors().Remove(&c);
  {
    std::lock_guard<std::mutex> l(c.mu);
    c.name.clear();
  }
  bool need_auth = !ctx.server.runtime().GetRequirePass().empty();
  c.authenticated = !need_auth;
  c.conn->SetAuthenticated(!need_auth);
  ctx.reply.SimpleString("RESET");
}

// ---------------------------------------------------------------------------------------
// CLIENT

// One CLIENT LIST line (without the trailing newline). `self_cmd` is set when `c` is the
// client running this command; its live buffers can then be read safely.
std::string ClientLine(const ClientState& c, std::int64_t now_ms, const CommandContext* self,
                       std::string_view self_cmd) {
  std::string peer, local, name, lib_name, lib_ver;
  int fd = -1;
  std::size_t qbuf = 0, argv_mem = 0;
  {
    std::lock_guard<std::mutex> l(c.mu);
    if (c.conn != nullptr) {
      peer = c.conn->PeerAddress();
      local = c.conn->LocalAddress();
      fd = c.conn->Fd();
      // Buffers of other connections belong to their threads; only our own is read.
      if (self != nullptr) qbuf = c.conn->QueryBufferBytes();
    }
    name = c.name;
    lib_name = c.lib_name;
    lib_ver = c.lib_ver;
  }
  std::string cmd = "NULL";
  std::int64_t idle = (now_ms - c.last_interaction_ms.load()) / 1000;
  if (self != nullptr) {
    cmd = std::string(self_cmd);
    idle = 0;
    for (std::string_view a : self->args) argv_mem += a.size();
  } else if (const CommandSpec* last = c.last_command.load(); last != nullptr) {
    cmd = last->full_name();
  }
  constexpr std::size_t kReplyBufferSize = 1024;
  std::size_t tot_mem = sizeof(ClientState) + kReplyBufferSize + qbuf + argv_mem;
  std::string line;
  line.reserve(320);
  line += "id=" + std::to_string(c.id);
  line += " addr=" + peer;
  line += " laddr=" + local;
  line += " fd=" + std::to_string(fd);
  line += " name=" + name;
  line += " age=" + std::to_string((now_ms - c.created_ms) / 1000);
  line += " idle=" + std::to_string(std::max<std::int64_t>(idle, 0));
  line += c.monitor.load() ? " flags=O" : c.subscribed() ? " flags=P" : " flags=N";
  line += " db=" + std::to_string(c.db.load());
  line += " sub=" + std::to_string(c.subscription_count(PubSubKind::kChannel));
  line += " psub=" + std::to_string(c.subscription_count(PubSubKind::kPattern));
  line += " ssub=" + std::to_string(c.subscription_count(PubSubKind::kShard));
  line += " multi=-1";
  line += " qbuf=" + std::to_string(qbuf);
  line += " qbuf-free=0";
  line += " argv-mem=" + std::to_string(argv_mem);
  line += " multi-mem=0";
  line += " rbs=" + std::to_string(kReplyBufferSize) + " rbp=0";
  line += " obl=0 oll=0 omem=0";
  line += " tot-mem=" + std::to_string(tot_mem);
  line += " events=r";
  line += " cmd=" + cmd;
  line += " user=default redir=-1";
  line += std::string(" resp=") + (c.resp3.load() ? "3" : "2");
  line += " lib-name=" + lib_name;
  line += " lib-ver=" + lib_ver;
  return line;
}

std::string ClientLineFor(CommandContext& ctx, const ClientState& c, std::int64_t now_ms,
                          std::string_view self_cmd) {
  bool is_self = &c == &ctx.client;
  return ClientLine(c, now_ms, is_self ? &ctx : nullptr, self_cmd);
}

// Client types as CLIENT LIST / KILL TYPE name them. Strata has no replication: a client is
// a pubsub client while it has subscriptions, a normal one otherwise.
enum class ClientType { kNormal, kReplica, kMaster, kPubSub, kUnknown };

ClientType TypeOf(const ClientState& c) {
  return c.subscribed() ? ClientType::kPubSub : ClientType::kNormal;
}

ClientType ParseClientType(std::string_view s) {
  if (EqualsIgnoreCase(s, "normal")) return ClientType::kNormal;
  if (EqualsIgnoreCase(s, "slave") || EqualsIgnoreCase(s, "replica")) return ClientType::kReplica;
  if (EqualsIgnoreCase(s, "master")) return ClientType::kMaster;
  if (EqualsIgnoreCase(s, "pubsub")) return ClientType::kPubSub;
  return ClientType::kUnknown;
}

void CmdClientId(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<std::int64_t>(ctx.client.id));
}

void CmdClientSetName(CommandContext& ctx) {
  if (!ValidClientAttribute(ctx.args[2])) {
    ctx.reply.Error(kErrBadClientName);
    return;
  }
  {
    std::lock_guard<std::mutex> l(ctx.client.mu);
    ctx.client.name = std::string(ctx.args[2]);
  }
  ctx.reply.Ok();
}

void CmdClientGetName(CommandContext& ctx) {
  std::string name = ctx.client.GetName();
  if (name.empty()) {
    ctx.reply.Null();
  } else {
    ctx.reply.Bulk(name);
  }
}

// CLIENT SETINFO LIB-NAME|LIB-VER value (as in Redis 7.2).
void CmdClientSetInfo(CommandContext& ctx) {
  std::string_view attr = ctx.args[2];
  std::string_view value = ctx.args[3];
  std::string* field = nullptr;
  if (EqualsIgnoreCase(attr, "lib-name")) {
    field = &ctx.client.lib_name;
  } else if (EqualsIgnoreCase(attr, "lib-ver")) {
    field = &ctx.client.lib_ver;
  } else {
    ctx.reply.Error("ERR Unrecognized option '" + std::string(attr) + "'");
    return;
  }
  if (!ValidClientAttribute(value)) {
    ctx.reply.Error("ERR " + std::string(attr) +
                    " cannot contain spaces, newlines or special characters.");
    return;
  }
  {
    std::lock_guard<std::mutex> l(ctx.client.mu);
    *field = std::string(value);
  }
  ctx.reply.Ok();
}

void CmdClientInfo(CommandContext& ctx) {
  ctx.reply.Verbatim(ClientLineFor(ctx, ctx.client, UnixTimeMs(), "client|info") + "\n");
}

void CmdClientList(CommandContext& ctx) {
  std::optional<ClientType> only_type;
  std::vector<std::int64_t> ids;
  bool by_id = false;
  if (ctx.args.size() == 4 && EqualsIgnoreCase(ctx.args[2], "type")) {
    ClientType type = ParseClientType(ctx.args[3]);
    if (type == ClientType::kUnknown) {
      ctx.reply.Error("ERR Unknown client type '" + std::string(ctx.args[3]) + "'");
      return;
    }
    only_type = type;
  } else if (ctx.args.size() >= 4 && EqualsIgnoreCase(ctx.args[2], "id")) {
    by_id = true;
    for (std::size_t i = 3; i < ctx.args.size(); ++i) {
      std::int64_t id = 0;
      if (!ParseInt64(ctx.args[i], &id)) {
        ctx.reply.Error("ERR Invalid client ID");
        return;
      }
      ids.push_back(id);
    }
  } else if (ctx.args.size() != 2) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  std::int64_t now = UnixTimeMs();
  auto clients = ctx.server.Clients();  // ordered by id
  std::string out;
  auto append = [&](const ClientState& c) {
    if (only_type && TypeOf(c) != *only_type) return;
    out += ClientLineFor(ctx, c, now, "client|list");
    out += '\n';
  };
  if (by_id) {
    for (std::int64_t id : ids) {
      for (const auto& c : clients) {
        if (static_cast<std::int64_t>(c->id) == id) append(*c);
      }
    }
  } else {
    for (const auto& c : clients) append(*c);
  }
  ctx.reply.Verbatim(out);
}

// Closes `c`: our own connection after this reply, any other one at once. Another thread
// closes the other connection; its client leaves the client list and its subscriptions
// here, before the reply, so that what the killer asks next never sees it (as in Redis,
// which frees the client at once).
void KillClient(CommandContext& ctx, ClientState& c) {
  if (&c == &ctx.client) {
    c.conn->CloseAfterReply();
    return;
  }
  std::lock_guard<std::mutex> l(c.mu);
  if (c.conn == nullptr) return;
  c.conn->RequestClose();
  ctx.server.RemoveClient(c.id);
  ctx.server.pubsub().Forget(&c);
}

struct KillFilter {
  std::string addr, laddr;
  bool has_addr = false, has_laddr = false, has_id = false, has_type = false;
  std::uint64_t id = 0;
  ClientType type = ClientType::kNormal;
  bool skipme = true;
};

// Parses the filter form of CLIENT KILL; on error replies and returns false.
bool ParseKillFilter(CommandContext& ctx, KillFilter* f) {
  for (std::size_t i = 2; i < ctx.args.size(); i += 2) {
    if (i + 1 >= ctx.args.size()) {
      ctx.reply.Error(kErrSyntax);
      return false;
    }
    std::string_view opt = ctx.args[i];
    std::string_view val = ctx.args[i + 1];
    if (EqualsIgnoreCase(opt, "id")) {
      std::int64_t id = 0;
      if (!ParseInt64(val, &id) || id < 1) {
        ctx.reply.Error("ERR client-id should be greater than 0");
        return false;
      }
      f->has_id = true;
      f->id = static_cast<std::uint64_t>(id);
    } else if (EqualsIgnoreCase(opt, "type")) {
      f->type = ParseClientType(val);
      if (f->type == ClientType::kUnknown) {
        ctx.reply.Error("ERR Unknown client type '" + std::string(val) + "'");
        return false;
      }
      f->has_type = true;
    } else if (EqualsIgnoreCase(opt, "addr")) {
      f->has_addr = true;
      f->addr = std::string(val);
    } else if (EqualsIgnoreCase(opt, "laddr")) {
      f->has_laddr = true;
      f->laddr = std::string(val);
    } else if (EqualsIgnoreCase(opt, "user")) {
      if (val != "default") {
        ctx.reply.Error("ERR No such user '" + std::string(val) + "'");
        return false;
      }
    } else if (EqualsIgnoreCase(opt, "skipme")) {
      if (EqualsIgnoreCase(val, "yes")) {
        f->skipme = true;
      } else if (EqualsIgnoreCase(val, "no")) {
        f->skipme = false;
      } else {
        ctx.reply.Error(kErrSyntax);
        return false;
      }
    } else {
      ctx.reply.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

bool KillMatches(const KillFilter& f, const ClientState& c, const ClientState& self) {
  if (f.has_id && c.id != f.id) return false;
  if (f.has_type && f.type != TypeOf(c)) return false;
  if (f.skipme && &c == &self) return false;
  if (f.has_addr || f.has_laddr) {
    std::lock_guard<std::mutex> l(c.mu);
    if (c.conn == nullptr) return false;
    if (f.has_addr && c.conn->PeerAddress() != f.addr) return false;
    if (f.has_laddr && c.conn->LocalAddress() != f.laddr) return false;
  }
  return true;
}

void CmdClientKill(CommandContext& ctx) {
  KillFilter filter;
  bool old_form = ctx.args.size() == 3;
  if (old_form) {
    // CLIENT KILL ip:port — may name the caller itself.
    filter.has_addr = true;
    filter.addr = std::string(ctx.args[2]);
    filter.skipme = false;
  } else if (!ParseKillFilter(ctx, &filter)) {
    return;
  }
  std::int64_t killed = 0;
  for (const auto& c : ctx.server.Clients()) {
    if (!KillMatches(filter, *c, ctx.client)) continue;
    KillClient(ctx, *c);
    ++killed;
  }
  if (!old_form) {
    ctx.reply.Integer(killed);
  } else if (killed == 0) {
    ctx.reply.Error("ERR No such client");
  } else {
    ctx.reply.Ok();
  }
}

void CmdClientPause(CommandContext& ctx) {
  std::int64_t timeout = 0;
  if (!ParseInt64(ctx.args[2], &timeout)) {
    ctx.reply.Error("ERR timeout is not an integer or out of range");
    return;
  }
  if (timeout < 0) {
    ctx.reply.Error("ERR timeout is negative");
    return;
  }
  bool writes_only = false;
  if (ctx.args.size() == 4) {
    if (EqualsIgnoreCase(ctx.args[3], "write")) {
      writes_only = true;
    } else if (!EqualsIgnoreCase(ctx.args[3], "all")) {
      ctx.reply.Error("ERR CLIENT PAUSE mode must be WRITE or ALL");
      return;
    }
  } else if (ctx.args.size() > 4) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  std::int64_t now = UnixTimeMs();
  std::int64_t until = timeout > INT64_MAX - now ? INT64_MAX : now + timeout;
  // A pause already running is never shortened, nor relaxed from ALL to WRITE.
  std::int64_t current = ctx.server.pause_until_ms();
  if (current > now) {
    until = std::max(until, current);
    writes_only = writes_only && ctx.server.pause_writes_only();
  }
  ctx.server.Pause(until, writes_only);
  ctx.reply.Ok();
}

void CmdClientUnpause(CommandContext& ctx) {
  ctx.server.Unpause();
  ctx.reply.Ok();
}

void CmdClientReply(CommandContext& ctx) {
  std::string_view mode = ctx.args[2];
  if (EqualsIgnoreCase(mode, "on")) {
    ctx.client.reply_mode = ReplyMode::kOn;
    ctx.reply.Ok();
  } else if (EqualsIgnoreCase(mode, "off")) {
    ctx.client.reply_mode = ReplyMode::kOff;
  } else if (EqualsIgnoreCase(mode, "skip")) {
    // SKIP while OFF changes nothing: everything is dropped already.
    if (ctx.client.reply_mode != ReplyMode::kOff) ctx.client.reply_mode = ReplyMode::kSkip;
  } else {
    ctx.reply.Error(kErrSyntax);
  }
}

void CmdClientNoEvict(CommandContext& ctx) {
  if (EqualsIgnoreCase(ctx.args[2], "on")) {
    ctx.client.no_evict = true;
  } else if (EqualsIgnoreCase(ctx.args[2], "off")) {
    ctx.client.no_evict = false;
  } else {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  ctx.reply.Ok();
}

// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends another client's blocking command as if it had
// timed out, or with an error.
void CmdClientUnblock(CommandContext& ctx) {
  if (ctx.args.size() > 4) return ReplySubcommandSyntaxError(ctx, "CLIENT");
  std::int64_t id;
  if (!ParseInt64(ctx.args[2], &id)) return ctx.reply.Error(kErrNotInteger);
  bool as_error = false;
  if (ctx.args.size() == 4) {
    if (EqualsIgnoreCase(ctx.args[3], "error")) {
      as_error = true;
    } else if (!EqualsIgnoreCase(ctx.args[3], "timeout")) {
      return ctx.reply.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    }
  }
  for (const auto& c : ctx.server.Clients()) {
    if (c->id != static_cast<std::uint64_t>(id)) continue;
    std::lock_guard<std::mutex> l(c->mu);
    std::shared_ptr<BlockedClient> blocked = c->blocked;
    if (!blocked || c->conn == nullptr || !ctx.server.blocking().Finish(blocked)) break;
    c->blocked.reset();
    std::string out;
    ReplyBuilder reply(&out);
    if (as_error) {
      reply.set_resp3(blocked->resp3);
      reply.Error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
    } else {
      blocked->WriteTimeoutReply(reply);
    }
    c->conn->Resume(std::move(out));
    return ctx.reply.Integer(1);
  }
  ctx.reply.Integer(0);
}

void CmdClientHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "CLIENT",
            {
                "GETNAME",
                "    Reply with the name given to this connection, or null if it has none.",
                "ID",
                "    Reply with the numeric ID of this connection.",
                "INFO",
                "    Describe this connection in the format of a CLIENT LIST line.",
                "KILL <ip:port>",
                "    Close the connection whose peer address is <ip:port>.",
                "KILL <filter> <value> [<filter> <value> ...]",
                "    Close every connection that matches all the filters and reply with how",
                "    many were closed. Filters:",
                "    * ID <client-id>",
                "    * ADDR <ip:port>: the peer's address.",
                "    * LADDR <ip:port>: the local address the connection was accepted on.",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "    * USER <username>",
                "    * SKIPME (YES|NO): whether to spare the calling connection (YES by",
                "      default).",
                "LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB) | ID <client-id> [<client-id> ...]]",
                "    Describe connections, one per line: all of them, those of one type, or",
                "    those with the given IDs.",
                "UNBLOCK <client-id> [TIMEOUT|ERROR]",
                "    End the blocking command of another client as if it timed out (the",
                "    default), or with an error.",
                "UNPAUSE",
                "    End a pause started by CLIENT PAUSE.",
                "PAUSE <timeout> [WRITE|ALL]",
                "    Hold back commands from clients for <timeout> milliseconds: every",
                "    command (ALL, the default) or only those that write (WRITE).",
                "REPLY (ON|OFF|SKIP)",
                "    Turn replies to this connection on or off, or drop only the next one.",
                "SETNAME <name>",
                "    Name this connection; an empty <name> removes the name.",
                "SETINFO (LIB-NAME|LIB-VER) <value>",
                "    Record the client library's name or version, as CLIENT LIST shows it.",
                "NO-EVICT (ON|OFF)",
                "    Set or clear the no-evict flag of this connection.",
            });
}

}  // namespace

void RegisterConnectionCommands(CommandTable* table) {
  constexpr std::uint32_t kAnyState = kCmdStale | kCmdLoading;
  constexpr std::uint32_t kPreAuth =
      kCmdNoAuth | kCmdFast | kCmdNoScript | kCmdAllowBusy | kAnyState;
  table->Add("ping", -1, kCmdFast | kCmdSubscribedContext, CmdPing);
  table->Add("echo", 2, kCmdFast | kAnyState, CmdEcho);
  table->Add("quit", -1, kPreAuth | kCmdTxControl | kCmdSubscribedContext, CmdQuit);
  table->Add("select", 2, kCmdFast | kAnyState, CmdSelect);
  table->Add("auth", -2, kPreAuth, CmdAuth);
  table->Add("hello", -1, kPreAuth, CmdHello);
  table->Add("reset", 1, kPreAuth | kCmdTxControl | kCmdSubscribedContext, CmdReset);
  table->Add("monitor", 1, kCmdAdmin | kCmdNoScript | kAnyState, CmdMonitor);

  constexpr std::uint32_t kClientFlags = kCmdNoScript | kAnyState;
  auto& client = table->Add("client", -2, 0, nullptr);
  client.Sub("id", 2, kClientFlags, CmdClientId);
  client.Sub("setname", 3, kClientFlags, CmdClientSetName);
  client.Sub("getname", 2, kClientFlags, CmdClientGetName);
  client.Sub("setinfo", 4, kClientFlags, CmdClientSetInfo);
  client.Sub("info", 2, kClientFlags, CmdClientInfo);
  client.Sub("list", -2, kClientFlags | kCmdAdmin, CmdClientList);
  client.Sub("kill", -3, kClientFlags | kCmdAdmin, CmdClientKill);
  client.Sub("pause", -3, kClientFlags | kCmdAdmin, CmdClientPause);
  client.Sub("unpause", 2, kClientFlags | kCmdAdmin, CmdClientUnpause);
  client.Sub("unblock", -3, kClientFlags | kCmdAdmin, CmdClientUnblock);
  client.Sub("reply", 3, kClientFlags, CmdClientReply);
  client.Sub("no-evict", 3, kClientFlags | kCmdAdmin, CmdClientNoEvict);
  client.Sub("help", 2, kCmdLoading | kCmdStale, CmdClientHelp);
}

}  // namespace strata
