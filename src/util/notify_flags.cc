#include "util/notify_flags.h"

#include <utility>

namespace strata {
namespace {

// Every class letter but 'A' (the alias), in the order CONFIG GET writes the classes.
constexpr std::pair<NotifyFlag, char> kLetters[] = {
    {kNotifyGeneric, 'g'}, {kNotifyString, '$'},   {kNotifyList, 'l'},     {kNotifySet, 's'},
    {kNotifyHash, 'h'},    {kNotifyZset, 'z'},     {kNotifyExpired, 'x'},  {kNotifyEvicted, 'e'},
    {kNotifyStream, 't'},  {kNotifyModule, 'd'},   {kNotifyNew, 'n'},      {kNotifyKeyspace, 'K'},
    {kNotifyKeyevent, 'E'}, {kNotifyKeyMiss, 'm'}};

}  // namespace

bool ParseNotifyFlags(std::string_view text, std::uint32_t* flags) {
  std::uint32_t f = 0;
  for (char c : text) {
    if (c == 'A') {
      f |= kNotifyAll;
      continue;
    }
    std::uint32_t bit = 0;
    for (const auto& [flag, letter] : kLetters) {
      if (letter == c) bit = flag;
    }
    if (bit == 0) return false;
    f |= bit;
  }
  *flags = f;
  return true;
}

std::string FormatNotifyFlags(std::uint32_t flags) {
  std::string out;
  const bool all = (flags & kNotifyAll) == kNotifyAll;
  if (all) out += 'A';  // (Redis 7.0 then leaves 'n' out, and so do we)
  for (const auto& [flag, letter] : kLetters) {
    const bool keys = flag == kNotifyKeyspace || flag == kNotifyKeyevent || flag == kNotifyKeyMiss;
    if ((flags & flag) && (keys || !all)) out += letter;
  }
  return out;
}

}  // namespace strata
