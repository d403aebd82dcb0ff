// The Redis LIST value: a deque of compact chunks (like Redis's quicklist). Each chunk is one
// contiguous buffer of entries "len | bytes | len-reversed", so both ends of a chunk can be
// read, pushed and popped in O(1) amortized without per-element allocations; the trailing
// reversed length lets us walk a chunk backwards. Chunk size follows list-max-listpack-size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "strata/status.h"
#include "strata/value.h"

namespace strata::types {

class ListObject final : public Object {
 public:
  static constexpr ValueType kType = ValueType::kList;

  ListObject() = default;
  ~ListObject() override;
  ListObject(const ListObject& o);
  ListObject& operator=(const ListObject&) = delete;

  ValueType type() const override { return kType; }
  std::string_view encoding() const override { return "quicklist"; }
  std::size_t MemoryUsage() const override;
  std::unique_ptr<Object> Clone() const override;
  void Encode(std::string* out) const override;
  static StatusOr<std::unique_ptr<ListObject>> Decode(std::string_view in);

  std::size_t size() const { return size_; }

  void PushFront(std::string_view v);
  void PushBack(std::string_view v);
  // Remove the end element, copying it to *out when given. The list must not be empty.
  void PopFront(std::string* out);
  void PopBack(std::string* out);

  // The element at `index` (0 <= index < size()); valid until the next mutation.
  std::string_view At(std::size_t index) const;
  void Set(std::size_t index, std::string_view v);
  // Inserts so that the new element ends up at `index` (0 <= index <= size()).
  void Insert(std::size_t index, std::string_view v);
  // Removes the elements at the given ascending, distinct indexes.
  void RemoveIndexes(const std::vector<std::size_t>& sorted);
  // Drops `front` elements from the head and `back` from the tail (front+back <= size()).
  void Trim(std::size_t front, std::size_t back);

  // Visits elements from `start` forward (or backward when `reverse`, starting at `start`
  // and going to lower indexes) until `fn(index, element)` returns false.
  template <typename Fn>
  void Visit(std::size_t start, bool reverse, Fn&& fn) const;

 private:
  struct Chunk {
    char* data = nullptr;
    std::uint32_t cap = 0, begin = 0, end = 0, count = 0;
    std::uint32_t bytes() const { return end - begin; }
  };
  static void FreeChunk(Chunk& c);
  // Makes room for `need` bytes at the front (or back) of `c`, moving/reallocating.
  static void Reserve(Chunk& c, std::uint32_t need, bool front);
  static void ShrinkToFit(Chunk& c);
  // Whether a chunk holding `c` may take an entry of `entry_bytes` more.
  static bool Fits(const Chunk& c, std::size_t entry_bytes);
  // Replaces bytes [off, off+len) of chunk `ci` with `repl` (count adjusted by `dcount`),
  // splitting the chunk when it grows past the limit.
  void Splice(std::size_t ci, std::uint32_t off, std::uint32_t len, std::string_view repl,
              int dcount);
  // The chunk holding `index` and the index's position inside it.
  std::size_t Locate(std::size_t index, std::size_t* within) const;
  // Byte offset of the `k`-th entry in a chunk.
  static std::uint32_t EntryOffset(const Chunk& c, std::size_t k);

  std::deque<Chunk> chunks_;
  std::size_t size_ = 0;
};

// ---- entry format helpers (inline for the hot paths) ---------------------------------

namespace list_detail {
inline std::size_t VarintLen(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
// Reads an entry starting at p; returns the element and sets *next past it.
inline std::string_view ReadFwd(const char* p, const char** next) {
  std::uint64_t len = 0;
  int shift = 0;
  std::uint8_t b;
  do {
    b = static_cast<std::uint8_t>(*p++);
    len |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80);
  *next = p + len + VarintLen(len);
  return {p, len};
}
// Reads the entry ending at `end`; returns the element and sets *start to its first byte.
inline std::string_view ReadBack(const char* end, const char** start) {
  std::uint64_t len = 0;
  int shift = 0;
  std::uint8_t b;
  const char* p = end;
  do {
    b = static_cast<std::uint8_t>(*--p);
    len |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80);
  const char* data = p - len;
  *start = data - VarintLen(len);
  return {data, len};
}
}  // namespace list_detail

template <typename Fn>
void ListObject::Visit(std::size_t start, bool reverse, Fn&& fn) const {
  if (start >= size_) return;
  std::size_t within;
  std::size_t ci = Locate(start, &within);
  std::size_t idx = start;
  if (!reverse) {
    const char* p = chunks_[ci].data + EntryOffset(chunks_[ci], within);
    for (;;) {
      const Chunk& c = chunks_[ci];
      const char* end = c.data + c.end;
      while (p < end) {
        const char* next;
        std::string_view e = list_detail::ReadFwd(p, &next);
        if (!fn(idx++, e)) return;
        p = next;
      }
      if (++ci == chunks_.size()) return;
      p = chunks_[ci].data + chunks_[ci].begin;
    }
  } else {
    const char* p = chunks_[ci].data + EntryOffset(chunks_[ci], within);
    const char* next;
    list_detail::ReadFwd(p, &next);
    p = next;  // the end of the start entry
    for (;;) {
      const Chunk& c = chunks_[ci];
      const char* begin = c.data + c.begin;
      while (p > begin) {
        const char* s;
        std::string_view e = list_detail::ReadBack(p, &s);
        if (!fn(idx--, e)) return;
        p = s;
      }
      if (ci == 0) return;
      --ci;
      p = chunks_[ci].data + chunks_[ci].end;
    }
  }
}

}  // namespace strata::types
