// Integration-test harness: starts real server processes (strata-server, and redis-server
// for differential tests) on free loopback ports, stops them by PID, and talks to them with
// hiredis or raw sockets.
#pragma once

#include <hiredis/hiredis.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace strata::test {

// A port that was free when asked (bound to 127.0.0.1:0 and released).
int FreePort();

class ServerProcess {
 public:
  // Starts strata-server on a free port with a fresh temporary --dir; `extra` is appended
  // to the command line. Waits until it accepts connections. Returns nullptr on failure
  // (with the reason in *error).
  static std::unique_ptr<ServerProcess> StartStrata(const std::vector<std::string>& extra = {},
                                                    std::string* error = nullptr);
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

 private:
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
  std::string Read(std::size_t n, int timeout_ms = 2000);
  // Reads whatever arrives within `timeout_ms` (until idle), and whether the peer closed.
  std::string ReadFor(int timeout_ms, bool* closed = nullptr);
  // True if the peer closed the connection within `timeout_ms`.
  bool WaitClosed(int timeout_ms = 2000);

 private:
  int fd_ = -1;
};

// Path of the strata-server binary under test.
std::string StrataBinary();

}  // namespace strata::test
