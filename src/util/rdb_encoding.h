// The pieces of Redis's RDB serialization that payloads share (FUNCTION DUMP today, DUMP
// and RDB files later): length-prefixed strings, and the payload footer (RDB version, then
// CRC-64 of everything before it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace strata::rdb {

// The RDB version Redis 7.0 writes; payloads of newer versions are refused, as Redis does.
inline constexpr std::uint16_t kVersion = 10;

void PutLength(std::string* out, std::uint64_t len);
// A string as Redis writes one uncompressed (Redis reads it whatever its length).
void PutString(std::string* out, std::string_view s);
// Reads a string at `*pos` in any of Redis's encodings (raw, integer, LZF) and advances
// `*pos`. False if the input is malformed or truncated.
bool ReadString(std::string_view in, std::size_t* pos, std::string* out);

// Appends the footer: version (2 bytes, little-endian) and CRC-64 (8 bytes, little-endian).
void AppendFooter(std::string* payload);
// Checks the footer of `payload`; on success `*body` is what precedes it.
bool CheckFooter(std::string_view payload, std::string_view* body);

}  // namespace strata::rdb
