#include "types/set.h"

#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "types/codec.h"
#include "types/encoding_limits.h"
#include "util/hash.h"
#include "util/int64.h"

namespace strata::types {
namespace {

// Slots keep the blob pointer in the low 48 bits (user-space addresses on x86-64 and
// AArch64 Linux) and 16 hash bits above it.
constexpr std::uint64_t kPtrMask = (std::uint64_t{1} << 48) - 1;
constexpr int kTagShift = 48;
constexpr std::size_t kMinCap = 8;
constexpr std::size_t kNotFound = static_cast<std::size_t>(-1);
constexpr std::uint8_t kCodecVersion = 1;
constexpr std::uint8_t kCodecIntset = 0, kCodecTable = 1;

// Per-process seed, so that members chosen to collide cannot be prepared offline.
const std::uint64_t kSeed = std::random_device{}() * 0x9e3779b97f4a7c15ull ^ std::random_device{}();

std::uint8_t WidthFor(std::int64_t v) {
  if (v >= std::numeric_limits<std::int16_t>::min() && v <= std::numeric_limits<std::int16_t>::max())
    return 2;
  if (v >= std::numeric_limits<std::int32_t>::min() && v <= std::numeric_limits<std::int32_t>::max())
    return 4;
  return 8;
}

// The smallest table that holds `n` members at a load of at most one half.
std::size_t CapFor(std::size_t n) {
  std::size_t cap = kMinCap;
  while (cap < n * 2) cap *= 2;
  return cap;
}

char* BlobPtr(std::uint64_t slot) { return reinterpret_cast<char*>(slot & kPtrMask); }

std::size_t BlobAllocSize(const char* p) { return malloc_usable_size(const_cast<char*>(p)); }

char* NewBlob(std::string_view m) {
  char hdr[10];
  std::size_t h = 0;
  for (std::uint64_t v = m.size(); ; v >>= 7) {
    hdr[h++] = static_cast<char>((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
    if (v < 0x80) break;
  }
  char* p = static_cast<char*>(std::malloc(h + m.size()));
  if (p == nullptr) std::abort();
  // The slot format needs the pointer to fit in 48 bits; fail loudly rather than corrupt
  // a set on a platform with wider user-space addresses (e.g. 5-level paging).
  if ((reinterpret_cast<std::uintptr_t>(p) >> kTagShift) != 0) {
    std::fprintf(stderr, "strata: a heap address exceeds 48 bits; sets cannot store it\n");
    std::abort();
  }
  std::memcpy(p, hdr, h);
  if (!m.empty()) std::memcpy(p + h, m.data(), m.size());
  return p;
}

}  // namespace

static_assert(sizeof(SetObject) == 16, "as small as Redis's robj");

namespace {
constexpr std::uintptr_t kTableTag = 1;
std::uintptr_t WidthCode(unsigned w) { return w == 2 ? 0 : w == 4 ? 2 : 4; }

std::int64_t LoadInt(const char* p, unsigned w) {
  switch (w) {
    case 2: { std::int16_t v; std::memcpy(&v, p, 2); return v; }
    case 4: { std::int32_t v; std::memcpy(&v, p, 4); return v; }
    default: { std::int64_t v; std::memcpy(&v, p, 8); return v; }
  }
}

void StoreInt(char* p, unsigned w, std::int64_t v) {
  switch (w) {
    case 2: { auto x = static_cast<std::int16_t>(v); std::memcpy(p, &x, 2); break; }
    case 4: { auto x = static_cast<std::int32_t>(v); std::memcpy(p, &x, 4); break; }
    default: std::memcpy(p, &v, 8);
  }
}
}  // namespace

SetObject::~SetObject() {
  if (!intset()) {
    const std::uint64_t* tbl = slots();
    for (std::size_t i = 0, n = cap(); i < n; ++i)
      if (tbl[i] != 0) std::free(BlobPtr(tbl[i]));
  }
  std::free(base());
}

std::string_view SetObject::IntView(std::int64_t v, char* buf) {
  return {buf, FormatInt64(v, buf)};
}

std::string_view SetObject::BlobView(std::uint64_t slot) {
  const char* p = BlobPtr(slot);
  std::uint64_t len = 0;
  int shift = 0;
  while (true) {
    auto b = static_cast<std::uint8_t>(*p++);
    len |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
    shift += 7;
  }
  return {p, static_cast<std::size_t>(len)};
}

std::uint64_t SetObject::Hash(std::string_view m) { return HashBytes(m, kSeed); }

std::uint64_t SetObject::ReverseBits(std::uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
  v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
  v = ((v >> 4) & 0x0f0f0f0f0f0f0f0full) | ((v & 0x0f0f0f0f0f0f0f0full) << 4);
  return __builtin_bswap64(v);
}

// ---- intset ---------------------------------------------------------------------------

std::uint32_t SetObject::IntCount() const {
  if (data_ == 0) return 0;
  std::uint32_t n;
  std::memcpy(&n, base(), 4);
  return n;
}

std::int64_t SetObject::IntAt(std::size_t i) const {
  unsigned w = width();
  return LoadInt(base() + 4 + i * w, w);
}

bool SetObject::IntFind(std::int64_t v, std::size_t* pos) const {
  std::size_t lo = 0, hi = IntCount();
  while (lo < hi) {
    std::size_t mid = (lo + hi) / 2;
    std::int64_t x = IntAt(mid);
    if (x == v) {
      *pos = mid;
      return true;
    }
    if (x < v) lo = mid + 1; else hi = mid;
  }
  *pos = lo;
  return false;
}

void SetObject::IntInsert(std::size_t pos, std::int64_t v) {
  std::uint32_t n = IntCount();
  unsigned old_w = width(), w = std::max<unsigned>(old_w, WidthFor(v));
  char* p = static_cast<char*>(std::realloc(base(), 4 + (std::size_t{n} + 1) * w));
  if (p == nullptr) std::abort();
  char* ints = p + 4;
  if (w > old_w) {
    // Widen from the back so that nothing is overwritten before it is read.
    for (std::size_t i = n; i-- > 0;) StoreInt(ints + i * w, w, LoadInt(ints + i * old_w, old_w));
  }
  std::memmove(ints + (pos + 1) * w, ints + pos * w, (n - pos) * w);
  StoreInt(ints + pos * w, w, v);
  ++n;
  std::memcpy(p, &n, 4);
  data_ = reinterpret_cast<std::uintptr_t>(p) | WidthCode(w);
}

void SetObject::IntErase(std::size_t pos) {
  std::uint32_t n = IntCount();
  unsigned w = width();
  char* p = base();
  if (n == 1) {
    std::free(p);
    data_ = 0;
    return;
  }
  std::memmove(p + 4 + pos * w, p + 4 + (pos + 1) * w, (n - pos - 1) * w);
  --n;
  std::memcpy(p, &n, 4);
  if (char* q = static_cast<char*>(std::realloc(p, 4 + std::size_t{n} * w))) p = q;
  data_ = reinterpret_cast<std::uintptr_t>(p) | WidthCode(w);
}

void SetObject::ConvertToTable() {
  std::uint32_t n = IntCount();
  unsigned w = width();
  char* old = base();
  NewTable(CapFor(n + 1));
  char buf[24];
  for (std::size_t i = 0; i < n; ++i) {
    std::string_view m = IntView(LoadInt(old + 4 + i * w, w), buf);
    TableInsertNew(m, Hash(m));
  }
  std::free(old);
}

// ---- hashtable ------------------------------------------------------------------------

std::size_t SetObject::TableFind(std::string_view m, std::uint64_t h) const {
  const std::uint64_t* tbl = slots();
  std::size_t mask = cap() - 1;
  std::uint64_t tag = h >> kTagShift;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    std::uint64_t s = tbl[i];
    if (s == 0) return kNotFound;
    if ((s >> kTagShift) == tag && BlobView(s) == m) return i;
  }
}

void SetObject::TableInsertSlot(std::uint64_t slot, std::uint64_t h) {
  std::uint64_t* tbl = slots();
  std::size_t mask = cap() - 1;
  std::size_t i = h & mask;
  while (tbl[i] != 0) i = (i + 1) & mask;
  tbl[i] = slot;
}

void SetObject::TableInsertNew(std::string_view m, std::uint64_t h) {
  // Grow at a load of three quarters: linear probing degrades quickly beyond it.
  if ((hdr()->size + 1) * 4 > cap() * 3) Rehash(cap() * 2);
  char* p = NewBlob(m);
  hdr()->blob_bytes += BlobAllocSize(p);
  TableInsertSlot(reinterpret_cast<std::uint64_t>(p) | ((h >> kTagShift) << kTagShift), h);
  ++hdr()->size;
}

void SetObject::TableEraseAt(std::size_t i) {
  std::uint64_t* tbl = slots();
  char* p = BlobPtr(tbl[i]);
  hdr()->blob_bytes -= BlobAllocSize(p);
  std::free(p);
  --hdr()->size;
  // Backward-shift deletion: pull later members of the run into the hole when the hole
  // lies between their home bucket and where they sit, so no tombstones are needed.
  std::size_t mask = cap() - 1;
  std::size_t j = i;
  while (true) {
    j = (j + 1) & mask;
    if (tbl[j] == 0) break;
    std::size_t home = Hash(BlobView(tbl[j])) & mask;
    if (((j - home) & mask) >= ((j - i) & mask)) {
      tbl[i] = tbl[j];
      i = j;
    }
  }
  tbl[i] = 0;
  if (cap() > kMinCap && hdr()->size * 8 < cap()) Rehash(CapFor(hdr()->size));
}

void SetObject::NewTable(std::size_t cap) {
  auto* h = static_cast<TableHdr*>(std::calloc(1, sizeof(TableHdr) + cap * sizeof(std::uint64_t)));
  if (h == nullptr) std::abort();
  h->cap_log2 = static_cast<std::size_t>(__builtin_ctzll(cap));
  data_ = reinterpret_cast<std::uintptr_t>(h) | kTableTag;
}

void SetObject::Rehash(std::size_t new_cap) {
  TableHdr* old = hdr();
  const std::uint64_t* old_slots = slots();
  std::size_t old_cap = cap();
  NewTable(new_cap);
  hdr()->size = old->size;
  hdr()->blob_bytes = old->blob_bytes;
  for (std::size_t i = 0; i < old_cap; ++i)
    if (old_slots[i] != 0) TableInsertSlot(old_slots[i], Hash(BlobView(old_slots[i])));
  std::free(old);
}

// ---- public operations ----------------------------------------------------------------

bool SetObject::Add(std::string_view m) {
  if (intset()) {
    std::int64_t v;
    if (ParseInt64(m, &v)) {
      std::size_t pos;
      if (IntFind(v, &pos)) return false;
      std::int64_t limit = Limits().set_max_intset_entries.load(std::memory_order_relaxed);
      if (static_cast<std::int64_t>(IntCount()) + 1 <= limit && IntCount() < UINT32_MAX) {
        IntInsert(pos, v);
        return true;
      }
    }
    ConvertToTable();
  }
  std::uint64_t h = Hash(m);
  if (TableFind(m, h) != kNotFound) return false;
  TableInsertNew(m, h);
  return true;
}

bool SetObject::Remove(std::string_view m) {
  if (intset()) {
    std::int64_t v;
    std::size_t pos;
    if (!ParseInt64(m, &v) || !IntFind(v, &pos)) return false;
    IntErase(pos);
    return true;
  }
  std::size_t i = TableFind(m, Hash(m));
  if (i == kNotFound) return false;
  TableEraseAt(i);
  return true;
}

bool SetObject::Contains(std::string_view m) const {
  if (intset()) {
    std::int64_t v;
    std::size_t pos;
    return ParseInt64(m, &v) && IntFind(v, &pos);
  }
  return TableFind(m, Hash(m)) != kNotFound;
}

std::vector<std::string> SetObject::Members() const {
  std::vector<std::string> out;
  out.reserve(size());
  ForEach([&](std::string_view m) { out.emplace_back(m); });
  return out;
}

std::string SetObject::RandomMember(std::mt19937_64& rng) const {
  if (intset()) {
    char buf[24];
    return std::string(IntView(IntAt(rng() % IntCount()), buf));
  }
  // The load stays at or above one eighth, so this takes a few tries on average.
  const std::uint64_t* tbl = slots();
  while (true) {
    std::uint64_t s = tbl[rng() & (cap() - 1)];
    if (s != 0) return std::string(BlobView(s));
  }
}

std::string SetObject::PopRandom(std::mt19937_64& rng) {
  if (intset()) {
    std::size_t pos = rng() % IntCount();
    char buf[24];
    std::string m(IntView(IntAt(pos), buf));
    IntErase(pos);
    return m;
  }
  const std::uint64_t* tbl = slots();
  while (true) {
    std::size_t i = rng() & (cap() - 1);
    if (tbl[i] == 0) continue;
    std::string m(BlobView(tbl[i]));
    TableEraseAt(i);
    return m;
  }
}

std::size_t SetObject::MemoryUsage() const {
  if (intset()) return sizeof(*this) + (data_ == 0 ? 0 : 4 + IntCount() * width());
  return sizeof(*this) + sizeof(TableHdr) + cap() * sizeof(std::uint64_t) + hdr()->blob_bytes;
}

std::unique_ptr<Object> SetObject::Clone() const {
  auto c = std::make_unique<SetObject>();
  if (data_ == 0) return c;
  if (intset()) {
    std::size_t bytes = 4 + std::size_t{IntCount()} * width();
    char* p = static_cast<char*>(std::malloc(bytes));
    if (p == nullptr) std::abort();
    std::memcpy(p, base(), bytes);
    c->data_ = reinterpret_cast<std::uintptr_t>(p) | (data_ & 7);
    return c;
  }
  // Same slots, same order: only the blobs are copied.
  c->NewTable(cap());
  c->hdr()->size = hdr()->size;
  const std::uint64_t* from = slots();
  std::uint64_t* to = c->slots();
  for (std::size_t i = 0, n = cap(); i < n; ++i) {
    if (from[i] == 0) continue;
    char* p = NewBlob(BlobView(from[i]));
    c->hdr()->blob_bytes += BlobAllocSize(p);
    to[i] = reinterpret_cast<std::uint64_t>(p) | (from[i] & ~kPtrMask);
  }
  return c;
}

// Format: version byte, encoding byte, member count, then the members: intsets as
// ascending zigzag varints, hashtables as length-prefixed byte strings.
void SetObject::Encode(std::string* out) const {
  out->push_back(static_cast<char>(kCodecVersion));
  out->push_back(static_cast<char>(intset() ? kCodecIntset : kCodecTable));
  PutVarint(out, size());
  if (intset()) {
    for (std::size_t i = 0, n = IntCount(); i < n; ++i) {
      std::int64_t v = IntAt(i);
      PutVarint(out, (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
    }
  } else {
    ForEach([&](std::string_view m) { PutBytes(out, m); });
  }
}

StatusOr<std::unique_ptr<SetObject>> SetObject::Decode(std::string_view in) {
  Reader r(in);
  std::uint8_t version, enc;
  std::uint64_t n;
  if (!r.GetByte(&version) || version != kCodecVersion) return Status::Corruption("set: bad version");
  if (!r.GetByte(&enc) || (enc != kCodecIntset && enc != kCodecTable))
    return Status::Corruption("set: bad encoding");
  if (!r.GetCount(&n)) return Status::Corruption("set: bad count");
  auto s = std::make_unique<SetObject>();
  if (enc == kCodecIntset) {
    std::vector<std::int64_t> vals;
    vals.reserve(n);
    unsigned w = 2;
    for (std::uint64_t i = 0; i < n; ++i) {
      std::uint64_t z;
      if (!r.GetVarint(&z)) return Status::Corruption("set: truncated");
      auto v = static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
      if (!vals.empty() && v <= vals.back()) return Status::Corruption("set: unordered intset");
      vals.push_back(v);
      w = std::max<unsigned>(w, WidthFor(v));
    }
    if (n > 0) {
      if (n > std::numeric_limits<std::uint32_t>::max()) return Status::Corruption("set: too big");
      char* p = static_cast<char*>(std::malloc(4 + n * w));
      if (p == nullptr) return Status::Corruption("set: out of memory");
      auto count = static_cast<std::uint32_t>(n);
      std::memcpy(p, &count, 4);
      for (std::size_t i = 0; i < n; ++i) StoreInt(p + 4 + i * w, w, vals[i]);
      s->data_ = reinterpret_cast<std::uintptr_t>(p) | WidthCode(w);
    }
  } else {
    s->NewTable(CapFor(n));
    for (std::uint64_t i = 0; i < n; ++i) {
      std::string_view m;
      if (!r.GetBytes(&m)) return Status::Corruption("set: truncated");
      std::uint64_t h = Hash(m);
      if (s->TableFind(m, h) != kNotFound) return Status::Corruption("set: duplicate member");
      s->TableInsertNew(m, h);
    }
  }
  if (!r.done()) return Status::Corruption("set: trailing bytes");
  return s;
}

}  // namespace strata::types
