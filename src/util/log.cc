#include "util/log.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace strata {

void Log(LogLevel level, std::string_view message) {
  using namespace std::chrono;
  auto now = system_clock::now();
  std::time_t secs = system_clock::to_time_t(now);
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[64];
  std::snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  const char* name = "INFO";
  switch (level) {
    case LogLevel::kDebug: name = "DEBUG"; break;
    case LogLevel::kInfo: name = "INFO"; break;
    case LogLevel::kWarning: name = "WARN"; break;
    case LogLevel::kError: name = "ERROR"; break;
  }
  std::string line = std::string(stamp) + " " + name + " " + std::string(message) + "\n";
  // One write() per line keeps lines from different threads whole.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

std::string Mb(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

double MbPerSec(std::uint64_t bytes, std::int64_t ms) {
  return ms > 0 ? static_cast<double>(bytes) / (1024.0 * 1024.0) / (static_cast<double>(ms) / 1000.0)
                : 0.0;
}

}  // namespace strata
