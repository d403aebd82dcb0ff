// Wall-clock time for every layer (expiry, idle stamps, logs of durations).
#pragma once

#include <cstdint>

namespace strata {

// Milliseconds since the Unix epoch.
std::int64_t UnixTimeMs();
// The same from the kernel's coarse clock (a few ms resolution, much cheaper): for idle and
// last-interaction stamps taken on every command.
std::int64_t CoarseUnixTimeMs();
// Microseconds of a monotonic clock, for durations (INFO commandstats).
std::uint64_t MonotonicUs();

}  // namespace strata
