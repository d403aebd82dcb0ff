#include "harness.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace strata::test {

std::string StrataBinary() {
  if (const char* env = std::getenv("STRATA_SERVER_BINARY")) return env;
  return STRATA_SERVER_BINARY;
}

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

int ConnectLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

namespace {

std::string MakeTempDir() {
  char tmpl[] = "/tmp/strata-test-XXXXXX";
  char* d = ::mkdtemp(tmpl);
  return d ? d : "/tmp";
}

// Listening, and (if `serving`) answering PING with anything but -LOADING: a server that
// restores a checkpoint accepts connections before its data is there. (-NOAUTH counts as
// ready: it says nothing about loading.)
bool Ready(int port, bool serving) {
  int fd = ConnectLoopback(port);
  if (fd < 0) return false;
  std::string reply;
  if (serving) {
    timeval tv{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    const char ping[] = "*1\r\n$4\r\nPING\r\n";
    if (::send(fd, ping, sizeof(ping) - 1, MSG_NOSIGNAL) == sizeof(ping) - 1) {
      char buf[256];
      while (reply.find("\r\n") == std::string::npos) {
        ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) break;
        reply.append(buf, static_cast<std::size_t>(n));
      }
    }
  }
  ::close(fd);
  return !serving ||
         (reply.find("\r\n") != std::string::npos && reply.rfind("-LOADING", 0) != 0);
}

pid_t Spawn(const std::vector<std::string>& argv, const std::string& log_path) {
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  // If the test process dies without running its destructors (a crash, an abort under a
  // sanitizer), the server must not outlive it. (The signal follows the forking *thread*;
  // tests start servers from their main thread.)
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(1);  // the parent died before prctl took effect
  int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  ::_exit(127);
}

}  // namespace

std::unique_ptr<ServerProcess> ServerProcess::Start(CommandLine command,
                                                    const std::vector<std::string>& extra,
                                                    std::string* error, bool serving) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto proc = std::unique_ptr<ServerProcess>(new ServerProcess());
    proc->port_ = FreePort();
    proc->dir_ = MakeTempDir();
    proc->log_path_ = proc->dir_ + "/server.log";
    std::vector<std::string> argv = command(proc->port_, proc->dir_);
    for (const auto& e : extra) argv.push_back(e);
    proc->pid_ = Spawn(argv, proc->log_path_);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Ready(proc->port_, serving)) return proc;
      int status = 0;
      if (::waitpid(proc->pid_, &status, WNOHANG) == proc->pid_) {
        proc->pid_ = -1;
        break;  // exited: maybe the port was taken; try another
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (error) *error = proc->Log();
  }
  return nullptr;
}

std::unique_ptr<ServerProcess> ServerProcess::StartStrata(const std::vector<std::string>& extra,
                                                          std::string* error, bool serving) {
  return Start(
      [](int port, const std::string& dir) {
        // No checkpoint schedule, like the reference redis-server's --save '' (tests that
        // need one pass their own --set).
        return std::vector<std::string>{StrataBinary(), "--bind", "127.0.0.1",
                                        "--port",       std::to_string(port),
                                        "--dir",        dir + "/data",
                                        "--set",        "checkpoint.schedule="};
      },
      extra, error, serving);
}

std::unique_ptr<ServerProcess> ServerProcess::StartRedis(const std::vector<std::string>& extra,
                                                         std::string* error) {
  return Start(
      [](int port, const std::string& dir) {
        return std::vector<std::string>{
            "redis-server", "--bind", "127.0.0.1", "--port", std::to_string(port), "--save", "",
            "--appendonly", "no",     "--dir",     dir,      "--daemonize",        "no"};
      },
      extra, error, true);
}

int ServerProcess::WaitExit(int timeout_ms) {
  if (pid_ <= 0) return -1;
  int status = 0;
  for (int waited = 0;; waited += 10) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (waited >= timeout_ms) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  if (int code = WaitExit(5000); pid_ <= 0) return code;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

ServerProcess::~ServerProcess() {
  Stop();
  if (!dir_.empty() && dir_.rfind("/tmp/strata-test-", 0) == 0 && !std::getenv("STRATA_KEEP_TEST_DIRS")) {
    std::string cmd = "rm -rf '" + dir_ + "'";
    int rc = std::system(cmd.c_str());
    (void)rc;
  }
}

std::string ServerProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::int64_t ServerProcess::RssBytes() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/statm");
  std::int64_t size = 0, resident = 0;
  in >> size >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

bool ServerProcess::Alive() const {
  if (pid_ <= 0) return false;
  int status = 0;
  return ::waitpid(pid_, &status, WNOHANG) == 0;
}

// ---- Reply ----

namespace {

// Appends `s` in double quotes with non-printable bytes (and the quote and backslash) as
// \xNN, so binary data shows unambiguously on one line; past `limit` bytes it is cut short
// with a note of its size.
void AppendQuoted(const std::string& s, std::size_t limit, std::string* out) {
  *out += '"';
  for (std::size_t i = 0; i < s.size() && i < limit; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 32 && c < 127 && c != '"' && c != '\\') {
      *out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      *out += buf;
    }
  }
  if (limit < s.size()) *out += "...(" + std::to_string(s.size()) + " bytes)";
  *out += '"';
}

}  // namespace

static Reply Convert(const redisReply* r) {
  Reply out;
  if (r == nullptr) {
    out.type = REDIS_REPLY_ERROR;
    out.str = "<connection error>";
    return out;
  }
  out.type = r->type;
  switch (r->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    default:
      break;
  }
  return out;
}

std::string Reply::ToString() const {
  switch (type) {
    case REDIS_REPLY_STRING: {
      std::string s;
      AppendQuoted(str, str.size(), &s);
      return s;
    }
    case REDIS_REPLY_STATUS: return str;
    case REDIS_REPLY_ERROR: return "(error) " + str;
    case REDIS_REPLY_INTEGER: return "(integer) " + std::to_string(integer);
    case REDIS_REPLY_NIL: return "(nil)";
    case REDIS_REPLY_ARRAY: {
      std::string s = "[";
      for (size_t i = 0; i < elements.size(); ++i) {
        if (i) s += ", ";
        s += elements[i].ToString();
      }
      return s + "]";
    }
  }
  return "(type " + std::to_string(type) + ")";
}

bool Reply::operator==(const Reply& o) const {
  return type == o.type && str == o.str && integer == o.integer && elements == o.elements;
}

void PrintTo(const Reply& reply, std::ostream* os) { *os << reply.ToString(); }

namespace {

bool ParseInteger(const std::string& s, long long* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  *out = std::strtoll(s.c_str(), &end, 10);
  return errno == 0 && end == s.c_str() + s.size();
}

}  // namespace

int ParseResp2(const std::string& buf, std::size_t pos, std::size_t* end, Reply* out) {
  if (pos >= buf.size()) return 0;
  std::size_t eol = buf.find("\r\n", pos);
  if (eol == std::string::npos) return 0;
  const std::string line = buf.substr(pos + 1, eol - pos - 1);
  std::size_t next = eol + 2;
  long long n = 0;
  switch (buf[pos]) {
    case '+':
    case '-':
      out->type = buf[pos] == '+' ? REDIS_REPLY_STATUS : REDIS_REPLY_ERROR;
      out->str = line;
      *end = next;
      return 1;
    case ':':
      if (!ParseInteger(line, &n)) return -1;
      out->type = REDIS_REPLY_INTEGER;
      out->integer = n;
      *end = next;
      return 1;
    case '$':
    case '*':
      if (!ParseInteger(line, &n) || n < -1) return -1;
      if (n == -1) {  // a null bulk string or a null array
        out->type = REDIS_REPLY_NIL;
        *end = next;
        return 1;
      }
      if (buf[pos] == '$') {
        if (buf.size() < next + n + 2) return 0;
        if (buf.compare(next + n, 2, "\r\n") != 0) return -1;
        out->type = REDIS_REPLY_STRING;
        out->str = buf.substr(next, n);
        *end = next + n + 2;
        return 1;
      }
      out->type = REDIS_REPLY_ARRAY;
      for (long long i = 0; i < n; ++i) {
        Reply e;
        int rc = ParseResp2(buf, next, &next, &e);
        if (rc != 1) return rc;
        out->elements.push_back(std::move(e));
      }
      *end = next;
      return 1;
    default:
      return -1;
  }
}

std::string RespBulk(const std::string& s) {
  // Appended piecewise: GCC 12 warns (-Wrestrict, falsely) on `"literal" + std::string`.
  std::string out = "$";
  out += std::to_string(s.size());
  out += "\r\n";
  out += s;
  out += "\r\n";
  return out;
}

std::string RespCommand(const std::vector<std::string>& args) {
  std::string out = "*";
  out += std::to_string(args.size());
  out += "\r\n";
  for (const auto& a : args) out += RespBulk(a);
  return out;
}

std::string PrintableCommand(const std::vector<std::string>& args) {
  std::string out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i) out += ' ';
    const std::string& a = args[i];
    AppendQuoted(a, a.size() > 80 ? 60 : a.size(), &out);
  }
  return out;
}

// ---- Client ----

Client::Client(int port, double timeout_s) {
  timeval tv{static_cast<time_t>(timeout_s), static_cast<suseconds_t>((timeout_s - static_cast<long>(timeout_s)) * 1e6)};
  ctx_ = redisConnectWithTimeout("127.0.0.1", port, tv);
  if (ctx_ != nullptr) redisSetTimeout(ctx_, tv);
}

Client::~Client() {
  if (ctx_) redisFree(ctx_);
}

void Client::Append(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  redisAppendCommandArgv(ctx_, static_cast<int>(args.size()), argv.data(), lens.data());
}

Reply Client::Read() {
  void* raw = nullptr;
  if (redisGetReply(ctx_, &raw) != REDIS_OK) return Convert(nullptr);
  Reply r = Convert(static_cast<redisReply*>(raw));
  freeReplyObject(raw);
  return r;
}

Reply Client::Cmd(const std::vector<std::string>& args) {
  if (!connected()) return Convert(nullptr);
  Append(args);
  return Read();
}

Reply Client::Cmd(const std::string& line) {
  std::vector<std::string> args;
  std::istringstream in(line);
  std::string word;
  while (in >> word) args.push_back(word);
  return Cmd(args);
}

// ---- RawConnection ----

RawConnection::RawConnection(int port) : fd_(ConnectLoopback(port)) {}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Send(const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

std::string RawConnection::Read(std::size_t n, int timeout_ms) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[65536];
  while (out.size() < n) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
    ssize_t r = ::recv(fd_, buf, sizeof(buf), 0);
    if (r <= 0) break;
    out.append(buf, static_cast<size_t>(r));
  }
  return out;
}

std::string RawConnection::ReadFor(int timeout_ms, bool* closed) {
  std::string out;
  if (closed) *closed = false;
  char buf[65536];
  while (true) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) break;
    ssize_t r = ::recv(fd_, buf, sizeof(buf), 0);
    if (r <= 0) {
      if (closed) *closed = true;
      break;
    }
    out.append(buf, static_cast<size_t>(r));
  }
  return out;
}

bool RawConnection::WaitClosed(int timeout_ms) {
  bool closed = false;
  ReadFor(timeout_ms, &closed);
  return closed;
}

// ---- Comparing the two servers ----

std::string Resp3Replies(int port, const std::string& batch) {
  RawConnection c(port);
  EXPECT_TRUE(c.ok()) << "cannot connect to port " << port;
  if (!c.ok()) return "";
  c.Send(RespCommand({"HELLO", "3"}));
  c.ReadFor(200);
  c.Send(batch);
  return c.ReadFor(300);
}

Reply ExpectSameReply(Client* strata, Client* redis, const std::vector<std::string>& args) {
  Reply strata_reply = strata->Cmd(args);
  Reply redis_reply = redis->Cmd(args);
  EXPECT_EQ(strata_reply, redis_reply) << "command: " << PrintableCommand(args);
  return strata_reply;
}

void ExpectHelpReply(const Reply& help, const std::string& command,
                     const std::vector<std::string>& subcommands) {
  ASSERT_EQ(help.type, REDIS_REPLY_ARRAY) << help.ToString();
  ASSERT_GE(help.elements.size(), 3u) << help.ToString();
  EXPECT_EQ(help.elements.front().str,
            command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  std::string all = "\n";
  for (const Reply& line : help.elements) {
    EXPECT_EQ(line.type, REDIS_REPLY_STATUS) << line.ToString();
    all += line.str + "\n";
  }
  for (const std::string& sub : subcommands) {
    EXPECT_NE(all.find("\n" + sub), std::string::npos) << command << " HELP lacks " << sub;
  }
  EXPECT_EQ(help.elements[help.elements.size() - 2].str, "HELP");
  EXPECT_EQ(help.elements.back().str, "    Prints this help.");
}

int RunStrata(const std::string& args, std::string* output) {
  char tmpl[] = "/tmp/strata-run-XXXXXX";
  int fd = ::mkstemp(tmpl);
  if (fd < 0) return -1;
  ::close(fd);
  const std::string out_file = tmpl;
  std::string command = "'";
  command.append(StrataBinary()).append("' ").append(args).append(" > '");
  command.append(out_file).append("' 2>&1");
  int rc = std::system(command.c_str());
  std::ifstream in(out_file);
  std::stringstream ss;
  ss << in.rdbuf();
  *output = ss.str();
  ::unlink(out_file.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string PersistenceField(Client& c, const std::string& field) {
  std::string info = c.Cmd(std::vector<std::string>{"INFO", "persistence"}).str;
  auto pos = info.find("\n" + field + ":");  // the section header comes first
  if (pos == std::string::npos) return "";
  pos += 1 + field.size() + 1;
  return info.substr(pos, info.find("\r\n", pos) - pos);
}

bool WaitUntilGone(Client& c, const std::string& key) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (c.Cmd(std::vector<std::string>{"EXISTS", key}).integer != 0) {
    if (std::chrono::steady_clock::now() > deadline) return false;
  }
  return true;
}

std::vector<std::string> SameCheckpoints(const ServerProcess& first,
                                         std::vector<std::string> more) {
  std::vector<std::string> a{"--set", "checkpoint.dir=" + first.dir() + "/data/checkpoints"};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

}  // namespace strata::test
