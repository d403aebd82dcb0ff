#include "types/list.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "types/codec.h"
#include "types/encoding_limits.h"

namespace strata::types {

namespace {

using list_detail::ReadBack;
using list_detail::ReadFwd;
using list_detail::VarintLen;

constexpr std::uint8_t kFormatVersion = 1;
// Redis caps count-limited quicklist nodes at this many bytes too.
constexpr std::size_t kSafetyBytes = 8192;

std::size_t EntrySize(std::size_t len) { return len + 2 * VarintLen(len); }

// Writes "varint(len) bytes reversed-varint(len)" at dst.
void WriteEntry(char* dst, std::string_view v) {
  std::uint64_t len = v.size();
  char tmp[10];
  std::size_t n = 0;
  do {
    std::uint8_t b = len & 0x7f;
    len >>= 7;
    if (len) b |= 0x80;
    tmp[n++] = static_cast<char>(b);
  } while (len);
  std::memcpy(dst, tmp, n);
  std::memcpy(dst + n, v.data(), v.size());
  // The trailing copy is stored mirrored so a backward reader meets the low bits first.
  char* back = dst + n + v.size();
  for (std::size_t i = 0; i < n; ++i) back[i] = tmp[n - 1 - i];
}

// Byte budget of one chunk for list-max-listpack-size (-1..-5 = 4..64 KB; positive: the
// entry count limit plus the safety byte limit).
bool OverLimit(std::size_t bytes, std::size_t count) {
  std::int64_t fill = Limits().list_max_listpack_size.load(std::memory_order_relaxed);
  if (fill < 0) {
    int level = static_cast<int>(std::min<std::int64_t>(-fill, 5));
    return bytes > (std::size_t{4096} << (level - 1));
  }
  return count > static_cast<std::size_t>(std::max<std::int64_t>(fill, 1)) ||
         bytes > kSafetyBytes;
}

}  // namespace

ListObject::~ListObject() {
  for (Chunk& c : chunks_) FreeChunk(c);
}

ListObject::ListObject(const ListObject& o) : Object(), size_(o.size_) {
  for (const Chunk& c : o.chunks_) {
    Chunk n;
    n.cap = n.end = c.bytes();
    n.count = c.count;
    n.data = static_cast<char*>(std::malloc(n.cap ? n.cap : 1));
    std::memcpy(n.data, c.data + c.begin, n.cap);
    chunks_.push_back(n);
  }
}

void ListObject::FreeChunk(Chunk& c) {
  std::free(c.data);
  c = Chunk{};
}

void ListObject::Reserve(Chunk& c, std::uint32_t need, bool front) {
  if (front ? c.begin >= need : c.cap - c.end >= need) return;
  std::uint32_t used = c.bytes();
  // Grow by half the content so a run of pushes at one end costs amortized O(1).
  std::uint32_t slack = std::max<std::uint32_t>(used / 2, 16);
  std::uint32_t cap = used + need + slack;
  char* data = static_cast<char*>(std::malloc(cap));
  std::uint32_t begin = front ? need + slack : 0;
  if (used) std::memcpy(data + begin, c.data + c.begin, used);
  std::free(c.data);
  c.data = data;
  c.cap = cap;
  c.begin = begin;
  c.end = begin + used;
}

void ListObject::ShrinkToFit(Chunk& c) {
  std::uint32_t used = c.bytes();
  if (c.cap == used || used == 0) return;
  char* data = static_cast<char*>(std::malloc(used));
  std::memcpy(data, c.data + c.begin, used);
  std::free(c.data);
  c.data = data;
  c.cap = c.end = used;
  c.begin = 0;
}

bool ListObject::Fits(const Chunk& c, std::size_t entry_bytes) {
  return c.count == 0 || !OverLimit(c.bytes() + entry_bytes, c.count + 1);
}

void ListObject::PushBack(std::string_view v) {
  std::size_t es = EntrySize(v.size());
  if (chunks_.empty() || !Fits(chunks_.back(), es)) {
    if (!chunks_.empty()) ShrinkToFit(chunks_.back());
    chunks_.emplace_back();
  }
  Chunk& c = chunks_.back();
  Reserve(c, static_cast<std::uint32_t>(es), false);
  WriteEntry(c.data + c.end, v);
  c.end += static_cast<std::uint32_t>(es);
  ++c.count;
  ++size_;
}

void ListObject::PushFront(std::string_view v) {
  std::size_t es = EntrySize(v.size());
  if (chunks_.empty() || !Fits(chunks_.front(), es)) {
    if (!chunks_.empty()) ShrinkToFit(chunks_.front());
    chunks_.emplace_front();
  }
  Chunk& c = chunks_.front();
  Reserve(c, static_cast<std::uint32_t>(es), true);
  c.begin -= static_cast<std::uint32_t>(es);
  WriteEntry(c.data + c.begin, v);
  ++c.count;
  ++size_;
}

void ListObject::PopFront(std::string* out) {
  Chunk& c = chunks_.front();
  const char* next;
  std::string_view e = ReadFwd(c.data + c.begin, &next);
  if (out) out->assign(e);
  c.begin = static_cast<std::uint32_t>(next - c.data);
  --size_;
  if (--c.count == 0) {
    FreeChunk(c);
    chunks_.pop_front();
  }
}

void ListObject::PopBack(std::string* out) {
  Chunk& c = chunks_.back();
  const char* start;
  std::string_view e = ReadBack(c.data + c.end, &start);
  if (out) out->assign(e);
  c.end = static_cast<std::uint32_t>(start - c.data);
  --size_;
  if (--c.count == 0) {
    FreeChunk(c);
    chunks_.pop_back();
  }
}

std::size_t ListObject::Locate(std::size_t index, std::size_t* within) const {
  if (index < size_ / 2) {
    std::size_t ci = 0;
    while (index >= chunks_[ci].count) index -= chunks_[ci++].count;
    *within = index;
    return ci;
  }
  std::size_t from_end = size_ - 1 - index;  // 0 = last element
  std::size_t ci = chunks_.size() - 1;
  while (from_end >= chunks_[ci].count) from_end -= chunks_[ci--].count;
  *within = chunks_[ci].count - 1 - from_end;
  return ci;
}

std::uint32_t ListObject::EntryOffset(const Chunk& c, std::size_t k) {
  const char* p;
  if (k <= c.count / 2) {
    p = c.data + c.begin;
    for (std::size_t i = 0; i < k; ++i) ReadFwd(p, &p);
  } else {
    p = c.data + c.end;
    for (std::size_t i = c.count; i > k; --i) ReadBack(p, &p);
  }
  return static_cast<std::uint32_t>(p - c.data);
}

std::string_view ListObject::At(std::size_t index) const {
  std::size_t within;
  const Chunk& c = chunks_[Locate(index, &within)];
  const char* next;
  return ReadFwd(c.data + EntryOffset(c, within), &next);
}

void ListObject::Splice(std::size_t ci, std::uint32_t off, std::uint32_t len,
                        std::string_view repl, int dcount) {
  Chunk& c = chunks_[ci];
  std::uint32_t head = off - c.begin, tail = c.end - off - len;
  std::uint32_t used = head + static_cast<std::uint32_t>(repl.size()) + tail;
  char* data = static_cast<char*>(std::malloc(used ? used : 1));
  std::memcpy(data, c.data + c.begin, head);
  std::memcpy(data + head, repl.data(), repl.size());
  std::memcpy(data + head + repl.size(), c.data + off + len, tail);
  std::free(c.data);
  c.data = data;
  c.cap = c.end = used;
  c.begin = 0;
  c.count += dcount;
  size_ += dcount;
  if (c.count == 0) {
    FreeChunk(c);
    chunks_.erase(chunks_.begin() + static_cast<std::ptrdiff_t>(ci));
    return;
  }
  // Split in halves until every piece respects the limit (one entry always fits).
  while (chunks_[ci].count > 1 && OverLimit(chunks_[ci].bytes(), chunks_[ci].count)) {
    Chunk& big = chunks_[ci];
    std::uint32_t mid = EntryOffset(big, big.count / 2);
    Chunk right;
    right.cap = right.end = big.end - mid;
    right.count = big.count - big.count / 2;
    right.data = static_cast<char*>(std::malloc(right.cap));
    std::memcpy(right.data, big.data + mid, right.cap);
    big.end = mid;
    big.count /= 2;
    ShrinkToFit(big);
    chunks_.insert(chunks_.begin() + static_cast<std::ptrdiff_t>(ci) + 1, right);
  }
}

void ListObject::Set(std::size_t index, std::string_view v) {
  std::size_t within;
  std::size_t ci = Locate(index, &within);
  const Chunk& c = chunks_[ci];
  std::uint32_t off = EntryOffset(c, within);
  const char* next;
  ReadFwd(c.data + off, &next);
  std::string enc(EntrySize(v.size()), '\0');
  WriteEntry(enc.data(), v);
  Splice(ci, off, static_cast<std::uint32_t>(next - (c.data + off)), enc, 0);
}

void ListObject::Insert(std::size_t index, std::string_view v) {
  if (index == 0) return PushFront(v);
  if (index >= size_) return PushBack(v);
  std::size_t within;
  std::size_t ci = Locate(index, &within);
  std::string enc(EntrySize(v.size()), '\0');
  WriteEntry(enc.data(), v);
  Splice(ci, EntryOffset(chunks_[ci], within), 0, enc, 1);
}

void ListObject::RemoveIndexes(const std::vector<std::size_t>& sorted) {
  if (sorted.empty()) return;
  std::deque<Chunk> out;
  std::size_t k = 0, base = 0;
  std::string tmp;
  for (Chunk& c : chunks_) {
    std::size_t n = c.count;
    if (k == sorted.size() || sorted[k] >= base + n) {
      out.push_back(c);
      base += n;
      continue;
    }
    tmp.clear();
    std::uint32_t kept = 0;
    const char* p = c.data + c.begin;
    for (std::size_t i = 0; i < n; ++i) {
      const char* next;
      ReadFwd(p, &next);
      if (k < sorted.size() && sorted[k] == base + i) {
        ++k;
        --size_;
      } else {
        tmp.append(p, next);
        ++kept;
      }
      p = next;
    }
    FreeChunk(c);
    if (kept) {
      Chunk nc;
      nc.cap = nc.end = static_cast<std::uint32_t>(tmp.size());
      nc.count = kept;
      nc.data = static_cast<char*>(std::malloc(tmp.size()));
      std::memcpy(nc.data, tmp.data(), tmp.size());
      out.push_back(nc);
    }
    base += n;
  }
  chunks_.swap(out);  // `out` now holds plain copies of freed/moved chunks: nothing to free
}

void ListObject::Trim(std::size_t front, std::size_t back) {
  while (front && front >= chunks_.front().count) {
    front -= chunks_.front().count;
    size_ -= chunks_.front().count;
    FreeChunk(chunks_.front());
    chunks_.pop_front();
  }
  if (front) {
    Chunk& c = chunks_.front();
    c.begin = EntryOffset(c, front);
    c.count -= static_cast<std::uint32_t>(front);
    size_ -= front;
  }
  while (back && back >= chunks_.back().count) {
    back -= chunks_.back().count;
    size_ -= chunks_.back().count;
    FreeChunk(chunks_.back());
    chunks_.pop_back();
  }
  if (back) {
    Chunk& c = chunks_.back();
    c.end = EntryOffset(c, c.count - back);
    c.count -= static_cast<std::uint32_t>(back);
    size_ -= back;
  }
}

std::size_t ListObject::MemoryUsage() const {
  std::size_t n = sizeof(*this) + chunks_.size() * sizeof(Chunk);
  for (const Chunk& c : chunks_) n += c.cap;
  return n;
}

std::unique_ptr<Object> ListObject::Clone() const { return std::make_unique<ListObject>(*this); }

void ListObject::Encode(std::string* out) const {
  out->push_back(static_cast<char>(kFormatVersion));
  PutVarint(out, size_);
  Visit(0, false, [out](std::size_t, std::string_view e) {
    PutBytes(out, e);
    return true;
  });
}

StatusOr<std::unique_ptr<ListObject>> ListObject::Decode(std::string_view in) {
  Reader r(in);
  std::uint8_t version;
  if (!r.GetByte(&version) || version != kFormatVersion) {
    return Status::Corruption("list: unknown format version");
  }
  std::uint64_t n;
  if (!r.GetCount(&n, 1)) return Status::Corruption("list: bad element count");
  auto list = std::make_unique<ListObject>();
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string_view e;
    if (!r.GetBytes(&e)) return Status::Corruption("list: truncated element");
    list->PushBack(e);
  }
  if (!r.done()) return Status::Corruption("list: trailing bytes");
  return list;
}

}  // namespace strata::types
