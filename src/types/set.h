// The Redis SET value. Two representations, as in Redis 7.0:
//  - "intset": while every member is a canonical int64 (Redis's string2ll rules) and there
//    are at most set-max-intset-entries of them, a sorted array of integers stored at the
//    narrowest width (2, 4 or 8 bytes) that holds them all, behind a 4-byte count;
//  - "hashtable": otherwise, an open-addressing (linear probing) table of 8-byte slots, each
//    a pointer to a heap blob [varint length][bytes] with 16 hash bits in the pointer's
//    unused top bits, so most failed probes never touch the blob.
// Conversion is one-way (intset -> hashtable), like Redis's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "strata/status.h"
#include "strata/value.h"

namespace strata::types {

class SetObject final : public Object {
 public:
  static constexpr ValueType kType = ValueType::kSet;

  SetObject() = default;
  ~SetObject() override;
  SetObject(const SetObject&) = delete;
  SetObject& operator=(const SetObject&) = delete;

  ValueType type() const override { return kType; }
  std::string_view encoding() const override { return intset() ? "intset" : "hashtable"; }
  std::size_t MemoryUsage() const override;
  std::unique_ptr<Object> Clone() const override;
  void Encode(std::string* out) const override;
  static StatusOr<std::unique_ptr<SetObject>> Decode(std::string_view in);

  std::size_t size() const { return intset() ? IntCount() : hdr()->size; }
  bool is_intset() const { return intset(); }

  // True when `m` was not a member yet.
  bool Add(std::string_view m);
  // True when `m` was a member.
  bool Remove(std::string_view m);
  bool Contains(std::string_view m) const;

  // Calls f(std::string_view) for every member: ascending for intsets, table order else.
  // The view is valid only during the call. The set must not change meanwhile.
  template <typename F>
  void ForEach(F&& f) const {
    char buf[24];
    if (intset()) {
      for (std::size_t i = 0, n = IntCount(); i < n; ++i) f(IntView(IntAt(i), buf));
    } else {
      const std::uint64_t* tbl = slots();
      for (std::size_t i = 0, n = cap(); i < n; ++i)
        if (tbl[i] != 0) f(BlobView(tbl[i]));
    }
  }
  std::vector<std::string> Members() const;

  // A uniformly random member (the set must not be empty).
  std::string RandomMember(std::mt19937_64& rng) const;
  // Removes and returns a uniformly random member (the set must not be empty).
  std::string PopRandom(std::mt19937_64& rng);

  // One SSCAN step over a hashtable set: calls f for the members of some home buckets and
  // returns the next cursor (0 when done). Uses Redis's reverse-binary cursor so that a
  // member present during the whole iteration is returned at least once across resizes.
  template <typename F>
  std::uint64_t ScanStep(std::uint64_t cursor, std::size_t count, F&& f) const {
    if (intset()) return 0;
    const std::uint64_t* tbl = slots();
    std::uint64_t mask = cap() - 1;
    std::size_t visited = 0;
    do {
      std::size_t home = cursor & mask;
      // Members with home bucket `home` sit in the run of full slots starting there.
      for (std::size_t i = home; tbl[i] != 0; i = (i + 1) & mask) {
        std::string_view m = BlobView(tbl[i]);
        if ((Hash(m) & mask) == home) {
          f(m);
          ++visited;
        }
      }
      cursor |= ~mask;
      cursor = ReverseBits(ReverseBits(cursor) + 1);
    } while (cursor != 0 && visited < count);
    return cursor;
  }

 private:
  static std::string_view IntView(std::int64_t v, char* buf);
  static std::string_view BlobView(std::uint64_t slot);
  static std::uint64_t Hash(std::string_view m);
  static std::uint64_t ReverseBits(std::uint64_t v);

  struct TableHdr {
    std::size_t size;
    std::size_t blob_bytes;  // bytes held by member blobs
    std::size_t cap_log2;
  };
  bool intset() const { return (data_ & 1) == 0; }
  char* base() const { return reinterpret_cast<char*>(data_ & ~std::uintptr_t{7}); }
  TableHdr* hdr() const { return reinterpret_cast<TableHdr*>(base()); }
  std::uint64_t* slots() const {
    return reinterpret_cast<std::uint64_t*>(base() + sizeof(TableHdr));
  }
  std::size_t cap() const { return std::size_t{1} << hdr()->cap_log2; }

  // Intset helpers.
  unsigned width() const { return 2u << ((data_ >> 1) & 3); }
  std::uint32_t IntCount() const;
  std::int64_t IntAt(std::size_t i) const;
  bool IntFind(std::int64_t v, std::size_t* pos) const;
  void IntInsert(std::size_t pos, std::int64_t v);
  void IntErase(std::size_t pos);
  void ConvertToTable();

  // Hashtable helpers.
  // The slot holding `m` (hash `h`), or kNotFound.
  std::size_t TableFind(std::string_view m, std::uint64_t h) const;
  void TableInsertNew(std::string_view m, std::uint64_t h);
  void TableInsertSlot(std::uint64_t slot, std::uint64_t h);
  void TableEraseAt(std::size_t i);
  void NewTable(std::size_t cap);  // replaces data_ with an empty table
  void Rehash(std::size_t new_cap);

  // The whole state, so that the object is 16 bytes like Redis's robj. 0: an empty intset.
  // Otherwise an 8-aligned allocation plus tag bits: bit 0 set means a hashtable, laid out
  // [TableHdr][slots]; an intset is [uint32 count][integers] with the width coded in bits
  // 1-2 (0: 2 bytes, 1: 4, 2: 8).
  std::uintptr_t data_ = 0;
};

}  // namespace strata::types
