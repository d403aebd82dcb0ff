// Building blocks of the collection types' binary encodings (Object::Encode and the
// types' Decode): LEB128 varints and length-prefixed byte strings. Readers never run past
// the input: every Get* returns false on truncated or malformed data.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace strata::types {

inline void PutVarint(std::string* out, std::uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

inline void PutBytes(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}

inline void PutDouble(std::string* out, double d) {
  char buf[sizeof(double)];
  std::memcpy(buf, &d, sizeof(d));
  out->append(buf, sizeof(buf));
}

// A cursor over an encoding being decoded.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  bool GetByte(std::uint8_t* v) {
    if (in_.empty()) return false;
    *v = static_cast<std::uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool GetVarint(std::uint64_t* v) {
    std::uint64_t result = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      std::uint8_t b;
      if (!GetByte(&b)) return false;
      if (shift == 63 && b > 1) return false;  // more than 64 bits
      result |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        *v = result;
        return true;
      }
    }
    return false;
  }
  // The bytes stay in the input buffer; copy them if they must outlive it.
  bool GetBytes(std::string_view* s) {
    std::uint64_t n;
    if (!GetVarint(&n) || n > in_.size()) return false;
    *s = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  bool GetDouble(double* d) {
    if (in_.size() < sizeof(double)) return false;
    std::memcpy(d, in_.data(), sizeof(double));
    in_.remove_prefix(sizeof(double));
    return true;
  }
  // A count of elements still to read: each needs at least `min_bytes` more input, so a
  // corrupt count cannot make the decoder reserve unbounded memory.
  bool GetCount(std::uint64_t* n, std::size_t min_bytes = 1) {
    return GetVarint(n) && *n <= in_.size() / (min_bytes ? min_bytes : 1);
  }
  bool done() const { return in_.empty(); }
  std::size_t remaining() const { return in_.size(); }

 private:
  std::string_view in_;
};

}  // namespace strata::types
