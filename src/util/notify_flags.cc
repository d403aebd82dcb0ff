#include "util/notify_flags.h"

namespace strata {

bool ParseNotifyFlags(std::string_view text, std::uint32_t* flags) {
  std::uint32_t f = 0;
  for (char c : text) {
    switch (c) {
      case 'A': f |= kNotifyAll; break;
      case 'g': f |= kNotifyGeneric; break;
      case '$': f |= kNotifyString; break;
      case 'l': f |= kNotifyList; break;
      case 's': f |= kNotifySet; break;
      case 'h': f |= kNotifyHash; break;
      case 'z': f |= kNotifyZset; break;
      case 'x': f |= kNotifyExpired; break;
      case 'e': f |= kNotifyEvicted; break;
      case 't': f |= kNotifyStream; break;
      case 'm': f |= kNotifyKeyMiss; break;
      case 'd': f |= kNotifyModule; break;
      case 'n': f |= kNotifyNew; break;
      case 'K': f |= kNotifyKeyspace; break;
      case 'E': f |= kNotifyKeyevent; break;
      default: return false;
    }
  }
  *flags = f;
  return true;
}

std::string FormatNotifyFlags(std::uint32_t flags) {
  std::string out;
  if ((flags & kNotifyAll) == kNotifyAll) {
    out += 'A';  // (Redis 7.0 then leaves 'n' out, and so do we)
  } else {
    static constexpr std::pair<NotifyFlag, char> kLetters[] = {
        {kNotifyGeneric, 'g'}, {kNotifyString, '$'}, {kNotifyList, 'l'},    {kNotifySet, 's'},
        {kNotifyHash, 'h'},    {kNotifyZset, 'z'},   {kNotifyExpired, 'x'}, {kNotifyEvicted, 'e'},
        {kNotifyStream, 't'},  {kNotifyModule, 'd'}, {kNotifyNew, 'n'}};
    for (const auto& [flag, letter] : kLetters) {
      if (flags & flag) out += letter;
    }
  }
  if (flags & kNotifyKeyspace) out += 'K';
  if (flags & kNotifyKeyevent) out += 'E';
  if (flags & kNotifyKeyMiss) out += 'm';
  return out;
}

}  // namespace strata
