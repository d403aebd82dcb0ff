// CRC-64 as Redis computes it for DUMP payloads and RDB files ("Jones" polynomial
// 0xad93d23594c935a9, reflected, initial value 0, no final XOR; the CRC of the ASCII bytes
// `123456789` is 0xe9c6d914c4b8d9ca).
#pragma once

#include <cstdint>
#include <string_view>

namespace strata {

std::uint64_t Crc64(std::uint64_t crc, std::string_view data);

}  // namespace strata
