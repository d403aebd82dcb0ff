// notify-keyspace-events: Redis's event classes and their letters ("KEA", "Elg"...).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace strata {

enum NotifyFlag : std::uint32_t {
  kNotifyKeyspace = 1u << 0,  // K: __keyspace@<db>__:<key> channels
  kNotifyKeyevent = 1u << 1,  // E: __keyevent@<db>__:<event> channels
  kNotifyGeneric = 1u << 2,   // g: DEL, EXPIRE, RENAME...
  kNotifyString = 1u << 3,    // $
  kNotifyList = 1u << 4,      // l
  kNotifySet = 1u << 5,       // s
  kNotifyHash = 1u << 6,      // h
  kNotifyZset = 1u << 7,      // z
  kNotifyExpired = 1u << 8,   // x
  kNotifyEvicted = 1u << 9,   // e
  kNotifyStream = 1u << 10,   // t
  kNotifyKeyMiss = 1u << 11,  // m
  kNotifyModule = 1u << 13,   // d
  kNotifyNew = 1u << 14,      // n
  // A: every class but m and n.
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash |
               kNotifyZset | kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,
};

// Parses Redis's letters; false on any other character.
bool ParseNotifyFlags(std::string_view text, std::uint32_t* flags);
// The letters as CONFIG GET shows them (Redis's order; "A" for all of its classes).
std::string FormatNotifyFlags(std::uint32_t flags);

}  // namespace strata
