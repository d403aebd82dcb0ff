#include "util/rdb_encoding.h"

#include <charconv>

#include "util/crc64.h"
#include "util/lzf.h"

namespace strata::rdb {
namespace {

// Length encodings, by the top two bits of the first byte.
constexpr unsigned k6Bit = 0, k14Bit = 1, kLong = 2, kSpecial = 3;
constexpr unsigned char k32Bit = 0x80, k64Bit = 0x81;
// Special encodings (kSpecial), by the low six bits.
constexpr unsigned kInt8 = 0, kInt16 = 1, kInt32 = 2, kLzf = 3;

void PutBigEndian(std::string* out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool GetBigEndian(std::string_view in, std::size_t* pos, int bytes, std::uint64_t* v) {
  if (in.size() - *pos < static_cast<std::size_t>(bytes)) return false;
  *v = 0;
  for (int i = 0; i < bytes; ++i) *v = (*v << 8) | static_cast<unsigned char>(in[(*pos)++]);
  return true;
}

// Reads a length; `*special` is set (and `*len` is the encoding) for kSpecial.
bool GetLength(std::string_view in, std::size_t* pos, std::uint64_t* len, bool* special) {
  *special = false;
  if (*pos >= in.size()) return false;
  const unsigned char first = static_cast<unsigned char>(in[(*pos)++]);
  switch (first >> 6) {
    case k6Bit:
      *len = first & 0x3f;
      return true;
    case k14Bit:
      if (*pos >= in.size()) return false;
      *len = (static_cast<std::uint64_t>(first & 0x3f) << 8) | static_cast<unsigned char>(in[(*pos)++]);
      return true;
    case kLong:
      if (first == k32Bit) return GetBigEndian(in, pos, 4, len);
      if (first == k64Bit) return GetBigEndian(in, pos, 8, len);
      return false;
    default:
      *special = true;
      *len = first & 0x3f;
      return true;
  }
}

bool GetLittleEndian(std::string_view in, std::size_t* pos, int bytes, std::int64_t* v) {
  if (in.size() - *pos < static_cast<std::size_t>(bytes)) return false;
  std::uint64_t u = 0;
  for (int i = 0; i < bytes; ++i) {
    u |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[*pos + i])) << (8 * i);
  }
  *pos += static_cast<std::size_t>(bytes);
  // Sign-extend from the encoded width.
  const int shift = 64 - 8 * bytes;
  *v = static_cast<std::int64_t>(u << shift) >> shift;
  return true;
}

}  // namespace

void PutLength(std::string* out, std::uint64_t len) {
  if (len < (1u << 6)) {
    out->push_back(static_cast<char>((k6Bit << 6) | len));
  } else if (len < (1u << 14)) {
    out->push_back(static_cast<char>((k14Bit << 6) | (len >> 8)));
    out->push_back(static_cast<char>(len & 0xff));
  } else if (len <= UINT32_MAX) {
    out->push_back(static_cast<char>(k32Bit));
    PutBigEndian(out, len, 4);
  } else {
    out->push_back(static_cast<char>(k64Bit));
    PutBigEndian(out, len, 8);
  }
}

void PutString(std::string* out, std::string_view s) {
  PutLength(out, s.size());
  out->append(s);
}

bool ReadString(std::string_view in, std::size_t* pos, std::string* out) {
  std::uint64_t len;
  bool special;
  if (!GetLength(in, pos, &len, &special)) return false;
  if (!special) {
    if (in.size() - *pos < len) return false;
    out->assign(in.substr(*pos, len));
    *pos += len;
    return true;
  }
  if (len == kLzf) {
    std::uint64_t clen, ulen;
    bool s1, s2;
    if (!GetLength(in, pos, &clen, &s1) || !GetLength(in, pos, &ulen, &s2) || s1 || s2) {
      return false;
    }
    if (in.size() - *pos < clen || ulen > (1ULL << 32)) return false;
    if (!LzfDecompress(in.substr(*pos, clen), ulen, out)) return false;
    *pos += clen;
    return true;
  }
  const int width = len == kInt8 ? 1 : len == kInt16 ? 2 : len == kInt32 ? 4 : 0;
  std::int64_t v;
  if (width == 0 || !GetLittleEndian(in, pos, width, &v)) return false;
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
  (void)ec;
  out->assign(digits, end);
  return true;
}

void AppendFooter(std::string* payload) {
  payload->push_back(static_cast<char>(kVersion & 0xff));
  payload->push_back(static_cast<char>(kVersion >> 8));
  std::uint64_t crc = Crc64(0, *payload);
  for (int i = 0; i < 8; ++i) payload->push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
}

bool CheckFooter(std::string_view payload, std::string_view* body) {
  if (payload.size() < 10) return false;
  const std::size_t footer = payload.size() - 10;
  const unsigned version = static_cast<unsigned char>(payload[footer]) |
                           (static_cast<unsigned>(static_cast<unsigned char>(payload[footer + 1])) << 8);
  if (version > kVersion) return false;
  std::uint64_t crc = 0;
  for (int i = 0; i < 8; ++i) {
    crc |= static_cast<std::uint64_t>(static_cast<unsigned char>(payload[footer + 2 + i])) << (8 * i);
  }
  if (Crc64(0, payload.substr(0, footer + 2)) != crc) return false;
  *body = payload.substr(0, footer);
  return true;
}

}  // namespace strata::rdb
