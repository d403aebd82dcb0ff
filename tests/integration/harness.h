// Integration-test harness: starts real server processes (strata-server, and redis-server
// for differential tests) on free loopback ports, stops them by PID, and talks to them with
// hiredis or raw sockets. BothServersTest / BothClientsTest are the fixtures for suites that
// compare strata-server's replies with redis-server's.
#pragma once

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace strata::test {

// A port that was free when asked (bound to 127.0.0.1:0 and released).
int FreePort();

// A blocking TCP socket connected to 127.0.0.1:`port`, or -1. The caller closes it.
int ConnectLoopback(int port);

class ServerProcess {
 public:
  // Starts strata-server on a free port with a fresh temporary --dir; `extra` is appended
  // to the command line. Waits until it answers PING with something other than -LOADING
  // (its checkpoint is restored), or with `serving` false only until it accepts
  // connections. Returns nullptr on failure (with the reason in *error).
  static std::unique_ptr<ServerProcess> StartStrata(const std::vector<std::string>& extra = {},
                                                    std::string* error = nullptr,
                                                    bool serving = true);
  // Starts Debian's redis-server on a free port with persistence off.
  static std::unique_ptr<ServerProcess> StartRedis(const std::vector<std::string>& extra = {},
                                                   std::string* error = nullptr);
  ~ServerProcess();  // SIGTERM, then SIGKILL after 5 s; always by PID

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }
  // The server's stderr so far (strata logs there).
  std::string Log() const;
  // Resident set size in bytes, from /proc.
  std::int64_t RssBytes() const;
  bool Alive() const;
  // Sends SIGTERM and waits; returns the exit status (or -1).
  int Stop();
  // Waits up to `timeout_ms` for the process to exit by itself; returns its exit status, or
  // -1 if it is still running.
  int WaitExit(int timeout_ms);
  // Crashes the server (SIGKILL) and reaps it, so that no stale PID is signalled later.
  void Kill();

 private:
  // A server's command line, given the port and the fresh temporary directory it gets.
  using CommandLine = std::vector<std::string> (*)(int port, const std::string& dir);

  // Spawns `command` + `extra` and waits until the port accepts connections (and, if
  // `serving`, PING is not refused with -LOADING). A server that exits early most likely
  // lost its port to someone else, so this retries on new ports.
  static std::unique_ptr<ServerProcess> Start(CommandLine command,
                                              const std::vector<std::string>& extra,
                                              std::string* error, bool serving);

  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
  std::string log_path_;
};

// A decoded reply, comparable across servers.
struct Reply {
  int type = 0;  // REDIS_REPLY_* from hiredis
  std::string str;
  long long integer = 0;
  std::vector<Reply> elements;

  bool is_error() const { return type == REDIS_REPLY_ERROR; }
  bool is_nil() const { return type == REDIS_REPLY_NIL; }
  // e.g. "(integer) 3", "\"abc\"", "(error) ERR ...", "[1) ..., 2) ...]"
  std::string ToString() const;
  bool operator==(const Reply& o) const;
};

// Lets GoogleTest show a Reply as ToString() does in assertion messages, instead of bytes.
void PrintTo(const Reply& reply, std::ostream* os);

// Parses one RESP2 reply starting at buf[pos], for tests that read replies off a raw socket
// (to see the exact bytes, or because hiredis refuses deeply nested replies). Returns 1 and
// sets *end past the reply when it is complete, 0 when more bytes are needed, -1 when the
// bytes are not RESP2.
int ParseResp2(const std::string& buf, std::size_t pos, std::size_t* end, Reply* out);

// RESP encodings: a command as an array of bulk strings, and one bulk string.
std::string RespCommand(const std::vector<std::string>& args);
std::string RespBulk(const std::string& s);

// Printable rendering of a command for failure messages: quoted arguments with
// non-printable bytes as \xNN (so binary arguments show), long arguments abbreviated.
std::string PrintableCommand(const std::vector<std::string>& args);

class Client {
 public:
  explicit Client(int port, double timeout_s = 10.0);
  ~Client();
  bool connected() const { return ctx_ != nullptr && ctx_->err == 0; }
  std::string error() const { return ctx_ ? ctx_->errstr : "no context"; }

  // Sends one command (binary-safe arguments) and waits for its reply.
  Reply Cmd(const std::vector<std::string>& args);
  // Convenience: splits on spaces (no binary data).
  Reply Cmd(const std::string& line);
  // Pipelining: queue, then read replies in order.
  void Append(const std::vector<std::string>& args);
  Reply Read();

  redisContext* raw() { return ctx_; }

 private:
  redisContext* ctx_ = nullptr;
};

// A plain TCP connection for protocol-level tests (RESP3, malformed input, inline).
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  bool ok() const { return fd_ >= 0; }
  bool Send(const std::string& data);
  // Reads until `n` bytes arrived, the peer closed, or `timeout_ms` passed.
  // Generous by default: a loaded CI machine must not turn a slow reply into a failure.
  std::string Read(std::size_t n, int timeout_ms = 10000);
  // Reads whatever arrives within `timeout_ms` (until idle), and whether the peer closed.
  std::string ReadFor(int timeout_ms, bool* closed = nullptr);
  // True if the peer closed the connection within `timeout_ms`.
  bool WaitClosed(int timeout_ms = 2000);

 private:
  int fd_ = -1;
};

// Checks a container command's HELP reply: an array of status lines in Redis's layout
// (the "<COMMAND> <subcommand> ... Subcommands are:" header, an entry at the start of a line
// for each of `subcommands`, and the closing HELP entry). The prose in between is ours, so
// only the shape is compared with Redis, never the words.
void ExpectHelpReply(const Reply& help, const std::string& command,
                     const std::vector<std::string>& subcommands);

// Path of the strata-server binary under test.
std::string StrataBinary();

// Runs strata-server with `args` (shell words, quoted by the caller) and waits; returns its
// exit code and puts its stdout and stderr in *output.
int RunStrata(const std::string& args, std::string* output);
// The value of `field` in `INFO persistence` ("" if absent).
std::string PersistenceField(Client& c, const std::string& field);
// Polls `EXISTS key` until the key is gone (up to 10 s); false if it never went. Tests that
// wait for keys to expire give a sentinel key the same TTL after the keys they care about,
// and wait for the sentinel: asking about it leaves the other keys untouched.
bool WaitUntilGone(Client& c, const std::string& key);
// Restart arguments: a new server reading (and writing) the checkpoints of `first`, followed
// by `more`.
std::vector<std::string> SameCheckpoints(const ServerProcess& first,
                                         std::vector<std::string> more = {});

// Sends HELLO 3 and then `batch` (RESP-encoded commands, in one write) on a new connection,
// and returns the bytes of the replies to `batch`: RESP3 replies are compared byte for byte
// because hiredis does not decode every RESP3 type.
std::string Resp3Replies(int port, const std::string& batch);

// Sends `args` to both servers on the given connections and expects equal replies; a
// mismatch names the command and shows both replies. Returns Strata's reply, for tests that
// check it further.
Reply ExpectSameReply(Client* strata, Client* redis, const std::vector<std::string>& args);

// A fixture with one strata-server and one redis-server shared by all tests of a suite, for
// tests that compare the two. It is a CRTP base, `class FooTest : public
// BothServersTest<FooTest>`, because each instantiation has its own static servers: suites
// must not share servers, as each may start them with other flags. A suite that needs flags
// hides StrataArgs() / RedisArgs() with public static functions of its own.
template <typename Suite>
class BothServersTest : public ::testing::Test {
 public:
  static std::vector<std::string> StrataArgs() { return {}; }
  static std::vector<std::string> RedisArgs() { return {}; }

  static void SetUpTestSuite() {
    strata_ = ServerProcess::StartStrata(Suite::StrataArgs(), &strata_error_);
    redis_ = ServerProcess::StartRedis(Suite::RedisArgs(), &redis_error_);
  }
  static void TearDownTestSuite() {
    strata_.reset();
    redis_.reset();
  }

 protected:
  // Checked per test (not only per suite) so that every test of a suite whose servers did
  // not start fails with the reason, rather than dereferencing a null server.
  void SetUp() override {
    ASSERT_NE(strata_, nullptr) << "strata-server did not start: " << strata_error_;
    ASSERT_NE(redis_, nullptr) << "redis-server did not start: " << redis_error_;
  }

  static ServerProcess* strata() { return strata_.get(); }
  static ServerProcess* redis() { return redis_.get(); }
  static int port() { return strata_->port(); }

  // Runs the commands, in order, on one new connection to each server and expects equal
  // replies. New connections keep per-connection state (SELECT, HELLO, names) of earlier
  // tests out of the comparison.
  static void ExpectSameAsRedis(const std::vector<std::vector<std::string>>& commands) {
    Client s(strata_->port());
    Client r(redis_->port());
    ASSERT_TRUE(s.connected()) << s.error();
    ASSERT_TRUE(r.connected()) << r.error();
    for (const auto& cmd : commands) ExpectSameReply(&s, &r, cmd);
  }

 private:
  static inline std::unique_ptr<ServerProcess> strata_;
  static inline std::unique_ptr<ServerProcess> redis_;
  static inline std::string strata_error_;
  static inline std::string redis_error_;
};

// BothServersTest plus one connection to each server per test (s_ to Strata, r_ to Redis),
// for suites that compare command by command on the same two connections, so that state a
// command leaves on its connection (SELECT, MULTI) applies to the next.
template <typename Suite>
class BothClientsTest : public BothServersTest<Suite> {
 protected:
  void SetUp() override {
    BothServersTest<Suite>::SetUp();
    if (this->HasFatalFailure()) return;
    s_ = std::make_unique<Client>(this->strata()->port());
    r_ = std::make_unique<Client>(this->redis()->port());
    ASSERT_TRUE(s_->connected()) << s_->error();
    ASSERT_TRUE(r_->connected()) << r_->error();
  }

  // Sends `args` to both servers; their replies must be equal. Returns Strata's.
  Reply Both(const std::vector<std::string>& args) {
    return ExpectSameReply(s_.get(), r_.get(), args);
  }
  void BothAll(const std::vector<std::vector<std::string>>& commands) {
    for (const auto& args : commands) Both(args);
  }

  std::unique_ptr<Client> s_;
  std::unique_ptr<Client> r_;
};

}  // namespace strata::test
