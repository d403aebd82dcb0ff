// CRC-32C (Castagnoli polynomial, reflected 0x82F63B78), as used by iSCSI, ext4 and most
// storage formats. Portable slice-by-8 software implementation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace strata {

// Extends `crc` (the result of an earlier call, or 0 to start) with `n` bytes at `data`.
// Crc32c(Crc32c(0, a), b) == Crc32c(0, a + b).
std::uint32_t Crc32cExtend(std::uint32_t crc, const void* data, std::size_t n);

inline std::uint32_t Crc32c(std::string_view bytes) {
  return Crc32cExtend(0, bytes.data(), bytes.size());
}

}  // namespace strata
