// The HASH type: field → value maps with Redis's two encodings.
//
// "listpack": small hashes live in one contiguous buffer of (varint length, field, varint
// length, value) records in insertion order; an update keeps the record's position, a
// delete removes it (HGETALL order matches Redis's listpack). No per-entry allocations.
// "hashtable": past hash-max-listpack-entries entries, or once a field or value is longer
// than hash-max-listpack-value, the hash converts (one way, as Redis) to a chained hash
// table whose nodes hold field and value in a single allocation. Its bucket array is a
// power of two, so HSCAN's reverse-binary cursor stays valid across resizes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/status.h"
#include "strata/value.h"

namespace strata::types {

class HashObject final : public Object {
 public:
  static constexpr ValueType kType = ValueType::kHash;
  using Entry = std::pair<std::string_view, std::string_view>;

  HashObject() = default;
  ~HashObject() override;
  HashObject(const HashObject&) = delete;
  HashObject& operator=(const HashObject&) = delete;

  ValueType type() const override { return kType; }
  std::string_view encoding() const override { return ht_ ? "hashtable" : "listpack"; }
  std::size_t MemoryUsage() const override;
  std::unique_ptr<Object> Clone() const override;
  void Encode(std::string* out) const override;
  static StatusOr<std::unique_ptr<HashObject>> Decode(std::string_view in);

  std::size_t size() const { return count_; }
  bool is_listpack() const { return !ht_; }

  // The value of `field`; the view is valid until the next mutation.
  std::optional<std::string_view> Get(std::string_view field) const;
  // Sets `field` to `value`; returns true if the field is new. Converts to the hashtable
  // encoding first when either is longer than hash-max-listpack-value, and afterwards when
  // the hash has more than hash-max-listpack-entries entries.
  bool Set(std::string_view field, std::string_view value);
  // Returns whether the field existed.
  bool Delete(std::string_view field);
  void ConvertToHashtable();

  // Calls f(field, value) for every entry, in listpack order or bucket order.
  template <typename F>
  void ForEach(F&& f) const {
    if (!ht_) {
      const char* p = buf_;
      const char* end = buf_ + len_;
      while (p < end) {
        std::string_view fld = ReadRecord(&p);
        std::string_view val = ReadRecord(&p);
        f(fld, val);
      }
      return;
    }
    for (std::size_t b = 0, n = num_buckets(); b < n; ++b) {
      for (const Node* node = buckets_[b]; node; node = node->next) f(node->field(), node->value());
    }
  }
  std::vector<Entry> Entries() const;

  // HSCAN over the hashtable encoding: visits the bucket `cursor` designates and returns
  // the next cursor (0 when the walk is complete). Every entry present for the whole walk is
  // visited at least once, even if the table resizes between calls.
  template <typename F>
  std::uint64_t ScanBucket(std::uint64_t cursor, F&& f) const {
    const std::uint64_t mask = num_buckets() - 1;
    for (const Node* node = buckets_[cursor & mask]; node; node = node->next) {
      f(node->field(), node->value());
    }
    return NextCursor(cursor, mask);
  }

  // One entry chosen uniformly enough (Redis's quality: random bucket, then random chain
  // member). Precondition: size() > 0.
  Entry RandomEntry(std::mt19937_64& rng) const;

 private:
  struct Node {
    Node* next;
    std::uint32_t flen, vlen;
    char* data() { return reinterpret_cast<char*>(this + 1); }
    const char* data() const { return reinterpret_cast<const char*>(this + 1); }
    std::string_view field() const { return {data(), flen}; }
    std::string_view value() const { return {data() + flen, vlen}; }
  };

  static std::string_view ReadRecord(const char** p) {
    const auto* u = reinterpret_cast<const unsigned char*>(*p);
    std::size_t n = 0;
    int shift = 0;
    while (*u & 0x80) {
      n |= static_cast<std::size_t>(*u++ & 0x7f) << shift;
      shift += 7;
    }
    n |= static_cast<std::size_t>(*u++) << shift;
    std::string_view s(reinterpret_cast<const char*>(u), n);
    *p = reinterpret_cast<const char*>(u) + n;
    return s;
  }
  static std::uint64_t NextCursor(std::uint64_t v, std::uint64_t mask);

  std::size_t num_buckets() const { return std::size_t{1} << bits_; }
  // Listpack helpers.
  const char* FindRecord(std::string_view field) const;  // start of the field's record
  // Replaces buf_[pos, pos + old_len) with the record of `a` and, if given, of `*b`.
  void Splice(std::size_t pos, std::size_t old_len, std::string_view a, const std::string_view* b);
  // Hashtable helpers.
  Node** FindSlot(std::string_view field) const;
  void Resize(unsigned bits);
  void InsertNode(Node* node);
  static Node* NewNode(std::string_view field, std::string_view value);

  // Listpack: buf_/len_/cap_. Hashtable: buckets_ (2^bits_ of them).
  union {
    char* buf_ = nullptr;
    Node** buckets_;
  };
  std::uint32_t len_ = 0, cap_ = 0;
  std::uint64_t count_ : 56 = 0;
  std::uint64_t bits_ : 7 = 0;
  std::uint64_t ht_ : 1 = 0;
};

}  // namespace strata::types
