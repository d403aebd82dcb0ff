// One key and its value in a single allocation: the memory engine's unit of storage.
//
// Layout (packed, no padding):
//   Entry* next        chain link in the hash table bucket
//   u32   lru          engine clock (seconds) at the last access, for OBJECT IDLETIME
//   u8    type         ValueType
//   u8    flags        kHasExpire | kSlack | kRaw | kNotInt | kSnapMark | kLent
//   [i64  expire]      absolute ms, present iff kHasExpire
//   varint key_len, key bytes
//   string:  kSlack ? (u64 len, u64 cap) : varint len ; then the bytes
//   object:  Object* (owned)
//
// A 14-byte key with a 32-byte value takes 14 + 1 + 14 + 1 + 32 = 62 bytes: one 64-byte
// jemalloc size class. Strings created by SET are exact-size; strings grown by APPEND or
// SETRANGE switch to the slack layout so growth is amortized, as Redis's sds does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include "strata/value.h"

namespace strata::memory {

class Entry {
 public:
  static constexpr std::uint8_t kHasExpire = 1;
  static constexpr std::uint8_t kSlack = 2;   // string stored with explicit capacity
  static constexpr std::uint8_t kRaw = 4;     // OBJECT ENCODING says "raw" (grown in place)
  static constexpr std::uint8_t kNotInt = 8;  // integer-looking, yet not "int" (INCRBYFLOAT)
  // Export bookkeeping: the entry is settled for the running export when this bit equals
  // the engine's current mark (see MemoryEngine::Export).
  static constexpr std::uint8_t kSnapMark = 16;
  // The running export may be reading this entry's collection outside the shard lock (see
  // MemoryEngine::Lend). A hint: the engine's loan table says whether the loan is still out.
  static constexpr std::uint8_t kLent = 32;
  // Bytes of the fixed header every entry starts with (next, lru, type, flags).
  static constexpr std::size_t kHeaderBytes = 14;
  // Flags describing how Redis would encode a string; they follow the value, not the key.
  static constexpr std::uint8_t kEncodingFlags = kRaw | kNotInt;

  // Creates a string entry. `cap` >= value.size() selects the slack layout when larger
  // (or when `force_slack`).
  static Entry* NewString(std::string_view key, std::string_view value, std::int64_t expire,
                          std::size_t cap, bool force_slack);
  static Entry* NewObject(std::string_view key, std::unique_ptr<Object> obj, std::int64_t expire);
  // Destroys the entry and the object it owns.
  static void Free(Entry* e);

  Entry* next() const { return Load<Entry*>(0); }
  void set_next(Entry* n) { Store<Entry*>(0, n); }
  std::uint32_t lru() const { return Load<std::uint32_t>(8); }
  void set_lru(std::uint32_t v) { Store<std::uint32_t>(8, v); }
  ValueType type() const { return static_cast<ValueType>(bytes()[12]); }
  std::uint8_t flags() const { return static_cast<std::uint8_t>(bytes()[13]); }
  void set_flags(std::uint8_t f) { bytes()[13] = static_cast<char>(f); }

  bool has_expire() const { return flags() & kHasExpire; }
  std::int64_t expire() const { return has_expire() ? Load<std::int64_t>(kHeader) : kNoExpire; }
  // Only for entries created with an expiry slot; see WithExpire.
  void set_expire_in_place(std::int64_t v) { Store<std::int64_t>(kHeader, v); }

  // Inline: every probe of a hash chain reads it. Keys under 128 bytes have a one-byte length.
  std::string_view key() const {
    const char* p = bytes() + key_offset();
    auto first = static_cast<unsigned char>(*p);
    if (first < 0x80) return {p + 1, first};
    return SlowKey(p);
  }
  std::string_view str() const;        // type() == kString
  std::size_t str_capacity() const;    // bytes available without reallocation
  char* mutable_str();                 // type() == kString
  void set_str_len(std::size_t len);   // kSlack only, len <= capacity
  Object* obj() const;                 // type() != kString
  std::unique_ptr<Object> TakeObject();  // leaves the entry without an object
  void SetObject(std::unique_ptr<Object> o);  // type() != kString and no object held

  // Bytes allocated for this entry (jemalloc's usable size), excluding any Object.
  std::size_t AllocatedBytes() const;

 private:
  static constexpr std::size_t kHeader = kHeaderBytes;
  Entry() = delete;

  char* bytes() { return reinterpret_cast<char*>(this); }
  const char* bytes() const { return reinterpret_cast<const char*>(this); }
  template <typename T>
  T Load(std::size_t off) const {
    T v;
    std::memcpy(&v, bytes() + off, sizeof(T));
    return v;
  }
  template <typename T>
  void Store(std::size_t off, T v) {
    std::memcpy(bytes() + off, &v, sizeof(T));
  }
  // Offset of the key-length varint.
  std::size_t key_offset() const { return kHeader + (has_expire() ? 8 : 0); }
  static std::string_view SlowKey(const char* varint);
  // Offset of the value part (after the key bytes).
  std::size_t value_offset() const;
};

}  // namespace strata::memory
