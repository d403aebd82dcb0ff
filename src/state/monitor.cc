#include "state/monitor.h"

#include <sys/time.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "state/server_state.h"
#include "util/ascii.h"

namespace strata {
namespace {

// Redis's sdscatrepr: the argument in double quotes, with \\ \" \n \r \t \a \b and \xHH
// for the other unprintable bytes.
void AppendRepr(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\\': out->append("\\\\"); break;
      case '"': out->append("\\\""); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\a': out->append("\\a"); break;
      case '\b': out->append("\\b"); break;
      default:
        if (std::isprint(c)) {
          out->push_back(ch);
        } else {
          char hex[5];
          std::snprintf(hex, sizeof hex, "\\x%02x", c);
          out->append(hex);
        }
    }
  }
  out->push_back('"');
}

// Which arguments hold secrets: every argument of AUTH, the two after HELLO's AUTH.
bool Redacted(std::span<const std::string_view> args, std::size_t i) {
  if (EqualsIgnoreCase(args[0], "auth")) return i >= 1;
  if (EqualsIgnoreCase(args[0], "hello")) {
    for (std::size_t a = 2; a < args.size(); ++a) {
      if (EqualsIgnoreCase(args[a], "auth")) return i == a + 1 || i == a + 2;
    }
  }
  return false;
}

}  // namespace

std::string MonitorRegistry::FormatLine(std::int64_t unix_us, int db, std::string_view origin,
                                        std::span<const std::string_view> args) {
  char head[96];
  std::snprintf(head, sizeof head, "+%lld.%06lld [%d ", static_cast<long long>(unix_us / 1000000),
                static_cast<long long>(unix_us % 1000000), db);
  std::string line = head;
  line.append(origin);
  line += "] ";
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i > 0) line.push_back(' ');
    AppendRepr(&line, Redacted(args, i) ? std::string_view("(redacted)") : args[i]);
  }
  line += "\r\n";
  return line;
}

void MonitorRegistry::Add(std::shared_ptr<ClientState> client) {
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& m : monitors_) {
    if (m == client) return;
  }
  monitors_.push_back(std::move(client));
  count_.store(static_cast<int>(monitors_.size()), std::memory_order_relaxed);
}

void MonitorRegistry::Remove(const ClientState* client) {
  if (!active()) return;
  std::lock_guard<std::mutex> l(mu_);
  std::erase_if(monitors_, [client](const auto& m) { return m.get() == client; });
  count_.store(static_cast<int>(monitors_.size()), std::memory_order_relaxed);
}

void MonitorRegistry::Feed(int db, std::string_view origin, std::span<const std::string_view> args) {
  if (args.empty()) return;
  timeval tv;
  gettimeofday(&tv, nullptr);
  std::string line = FormatLine(static_cast<std::int64_t>(tv.tv_sec) * 1000000 + tv.tv_usec, db,
                                origin, args);
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& m : monitors_) {
    // A monitor's connection is live while `conn` is set under its lock (OnClose clears it).
    std::lock_guard<std::mutex> cl(m->mu);
    if (m->conn != nullptr) m->conn->Push(line);
  }
}

}  // namespace strata
