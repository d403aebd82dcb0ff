// One line per event to stderr: "<UTC time> <LEVEL> <message>". Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace strata {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

void Log(LogLevel level, std::string_view message);
inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarning(std::string_view m) { Log(LogLevel::kWarning, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }

// For progress lines: `bytes` in MiB with one decimal ("12.3"), and a rate in MiB/s over
// `ms` milliseconds (0 when no time has passed).
std::string Mb(std::uint64_t bytes);
double MbPerSec(std::uint64_t bytes, std::int64_t ms);

}  // namespace strata
