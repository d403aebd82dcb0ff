#include "types/hash.h"

#include <malloc.h>

#include <cstdlib>
#include <new>
#include <unordered_set>

#include "types/codec.h"
#include "types/encoding_limits.h"
#include "util/chain_pick.h"
#include "util/hash.h"

namespace strata::types {
namespace {

constexpr std::uint8_t kFormatVersion = 1;
constexpr std::uint8_t kEncListpack = 0;
constexpr std::uint8_t kEncHashtable = 1;
// The listpack buffer's byte length is 32-bit; convert well before that (Redis caps a
// listpack at 1 GB for the same reason).
constexpr std::size_t kMaxListpackBytes = std::size_t{1} << 30;
constexpr unsigned kMinBits = 2;

std::uint64_t Seed() {
  static const std::uint64_t seed = (std::uint64_t{std::random_device{}()} << 32) ^
                                    std::random_device{}();
  return seed;
}

std::uint64_t HashField(std::string_view s) { return HashBytes(s, Seed()); }

std::size_t VarintSize(std::size_t n) {
  std::size_t k = 1;
  while (n >= 0x80) {
    n >>= 7;
    ++k;
  }
  return k;
}

char* WriteRecord(char* p, std::string_view s) {
  std::size_t n = s.size();
  while (n >= 0x80) {
    *p++ = static_cast<char>((n & 0x7f) | 0x80);
    n >>= 7;
  }
  *p++ = static_cast<char>(n);
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

std::uint64_t Reverse(std::uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
  v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
  v = ((v >> 4) & 0x0f0f0f0f0f0f0f0full) | ((v & 0x0f0f0f0f0f0f0f0full) << 4);
  return __builtin_bswap64(v);
}

// Smallest bucket-count exponent giving a load factor of at most 1.
unsigned BitsFor(std::size_t n) {
  unsigned bits = kMinBits;
  while ((std::size_t{1} << bits) < n) ++bits;
  return bits;
}

void* CheckedAlloc(void* p) {
  if (p == nullptr) std::abort();  // out of memory: Redis aborts as well
  return p;
}

}  // namespace

HashObject::~HashObject() {
  if (!ht_) {
    std::free(buf_);
    return;
  }
  for (std::size_t b = 0, n = num_buckets(); b < n; ++b) {
    for (Node* node = buckets_[b]; node;) {
      Node* next = node->next;
      std::free(node);
      node = next;
    }
  }
  std::free(buckets_);
}

std::size_t HashObject::MemoryUsage() const {
  std::size_t bytes = sizeof(*this);
  if (!ht_) return bytes + cap_;
  bytes += num_buckets() * sizeof(Node*);
  for (std::size_t b = 0, n = num_buckets(); b < n; ++b) {
    for (const Node* node = buckets_[b]; node; node = node->next) {
      bytes += malloc_usable_size(const_cast<Node*>(node));
    }
  }
  return bytes;
}

std::uint64_t HashObject::NextCursor(std::uint64_t v, std::uint64_t mask) {
  // Increment the cursor's reversed bits: visits buckets so that growing or shrinking the
  // table between calls never skips a bucket's entries.
  v |= ~mask;
  v = Reverse(v);
  ++v;
  return Reverse(v);
}

// ---- listpack ------------------------------------------------------------------------

const char* HashObject::FindRecord(std::string_view field) const {
  const char* p = buf_;
  const char* end = buf_ + len_;
  while (p < end) {
    const char* rec = p;
    std::string_view f = ReadRecord(&p);
    if (f == field) return rec;
    ReadRecord(&p);
  }
  return nullptr;
}

void HashObject::Splice(std::size_t pos, std::size_t old_len, std::string_view a,
                        const std::string_view* b) {
  std::size_t add = VarintSize(a.size()) + a.size();
  if (b != nullptr) add += VarintSize(b->size()) + b->size();
  const std::size_t new_len = len_ - old_len + add;
  if (new_len > cap_) {
    buf_ = static_cast<char*>(CheckedAlloc(std::realloc(buf_, new_len)));
    cap_ = static_cast<std::uint32_t>(malloc_usable_size(buf_));
  }
  std::memmove(buf_ + pos + add, buf_ + pos + old_len, len_ - pos - old_len);
  char* p = WriteRecord(buf_ + pos, a);
  if (b != nullptr) WriteRecord(p, *b);
  len_ = static_cast<std::uint32_t>(new_len);
}

// ---- hashtable -----------------------------------------------------------------------

HashObject::Node* HashObject::NewNode(std::string_view field, std::string_view value) {
  void* mem = CheckedAlloc(std::malloc(sizeof(Node) + field.size() + value.size()));
  Node* node = new (mem) Node{nullptr, static_cast<std::uint32_t>(field.size()),
                              static_cast<std::uint32_t>(value.size())};
  if (!field.empty()) std::memcpy(node->data(), field.data(), field.size());
  if (!value.empty()) std::memcpy(node->data() + field.size(), value.data(), value.size());
  return node;
}

HashObject::Node** HashObject::FindSlot(std::string_view field) const {
  Node** slot = &buckets_[HashField(field) & (num_buckets() - 1)];
  while (*slot && (*slot)->field() != field) slot = &(*slot)->next;
  return slot;
}

void HashObject::InsertNode(Node* node) {
  Node** head = &buckets_[HashField(node->field()) & (num_buckets() - 1)];
  node->next = *head;
  *head = node;
}

void HashObject::Resize(unsigned bits) {
  Node** old = buckets_;
  const std::size_t old_n = num_buckets();
  buckets_ = static_cast<Node**>(CheckedAlloc(std::calloc(std::size_t{1} << bits, sizeof(Node*))));
  bits_ = bits;
  for (std::size_t b = 0; b < old_n; ++b) {
    for (Node* node = old[b]; node;) {
      Node* next = node->next;
      InsertNode(node);
      node = next;
    }
  }
  std::free(old);
}

void HashObject::ConvertToHashtable() {
  if (ht_) return;
  char* lp = buf_;
  const char* p = lp;
  const char* end = lp + len_;
  bits_ = BitsFor(count_);
  buckets_ = static_cast<Node**>(CheckedAlloc(std::calloc(num_buckets(), sizeof(Node*))));
  ht_ = 1;
  while (p < end) {
    std::string_view f = ReadRecord(&p);
    std::string_view v = ReadRecord(&p);
    InsertNode(NewNode(f, v));
  }
  std::free(lp);
  len_ = cap_ = 0;
}

// ---- operations ----------------------------------------------------------------------

std::optional<std::string_view> HashObject::Get(std::string_view field) const {
  if (ht_) {
    const Node* node = *FindSlot(field);
    if (node == nullptr) return std::nullopt;
    return node->value();
  }
  const char* p = FindRecord(field);
  if (p == nullptr) return std::nullopt;
  ReadRecord(&p);
  return ReadRecord(&p);
}

bool HashObject::Set(std::string_view field, std::string_view value) {
  const EncodingLimits& limits = Limits();
  if (!ht_) {
    const auto max_len =
        static_cast<std::uint64_t>(limits.hash_max_listpack_value.load(std::memory_order_relaxed));
    if (field.size() > max_len || value.size() > max_len ||
        len_ + field.size() + value.size() + 20 > kMaxListpackBytes) {
      ConvertToHashtable();
    }
  }
  if (!ht_) {
    if (const char* rec = FindRecord(field)) {
      const char* vpos = rec;
      ReadRecord(&vpos);
      const char* vend = vpos;
      ReadRecord(&vend);
      Splice(vpos - buf_, vend - vpos, value, nullptr);
      return false;
    }
    Splice(len_, 0, field, &value);
    ++count_;
    if (static_cast<std::int64_t>(count_) >
        limits.hash_max_listpack_entries.load(std::memory_order_relaxed)) {
      ConvertToHashtable();
    }
    return true;
  }
  Node** slot = FindSlot(field);
  if (Node* old = *slot) {
    if (old->vlen == value.size()) {
      if (!value.empty()) std::memcpy(old->data() + old->flen, value.data(), value.size());
    } else {
      Node* node = NewNode(field, value);
      node->next = old->next;
      *slot = node;
      std::free(old);
    }
    return false;
  }
  *slot = NewNode(field, value);
  ++count_;
  if (count_ > num_buckets()) Resize(bits_ + 1);
  return true;
}

bool HashObject::Delete(std::string_view field) {
  if (!ht_) {
    const char* rec = FindRecord(field);
    if (rec == nullptr) return false;
    const char* end = rec;
    ReadRecord(&end);
    ReadRecord(&end);
    const std::size_t pos = rec - buf_, n = end - rec;
    std::memmove(buf_ + pos, buf_ + pos + n, len_ - pos - n);
    len_ -= static_cast<std::uint32_t>(n);
    --count_;
    return true;
  }
  Node** slot = FindSlot(field);
  Node* node = *slot;
  if (node == nullptr) return false;
  *slot = node->next;
  std::free(node);
  --count_;
  // Shrink below 10% fill, as Redis's dict does, so a drained hash gives memory back.
  if (bits_ > kMinBits && count_ * 10 < num_buckets()) Resize(BitsFor(count_));
  return true;
}

std::vector<HashObject::Entry> HashObject::Entries() const {
  std::vector<Entry> out;
  out.reserve(count_);
  ForEach([&](std::string_view f, std::string_view v) { out.emplace_back(f, v); });
  return out;
}

HashObject::Entry HashObject::RandomEntry(std::mt19937_64& rng) const {
  if (!ht_) {
    std::size_t skip = rng() % count_;
    const char* p = buf_;
    for (;; --skip) {
      std::string_view f = ReadRecord(&p);
      std::string_view v = ReadRecord(&p);
      if (skip == 0) return {f, v};
    }
  }
  const Node* n = UniformChainPick(
      buckets_, num_buckets() - 1, [](const Node* x) { return x->next; }, [&rng] { return rng(); });
  return {n->field(), n->value()};
}

// ---- copy and codec ------------------------------------------------------------------

std::unique_ptr<Object> HashObject::Clone() const {
  auto copy = std::make_unique<HashObject>();
  copy->count_ = count_;
  if (!ht_) {
    if (len_ > 0) {
      copy->buf_ = static_cast<char*>(CheckedAlloc(std::malloc(len_)));
      std::memcpy(copy->buf_, buf_, len_);
      copy->len_ = len_;
      copy->cap_ = static_cast<std::uint32_t>(malloc_usable_size(copy->buf_));
    }
    return copy;
  }
  copy->ht_ = 1;
  copy->bits_ = bits_;
  copy->buckets_ = static_cast<Node**>(CheckedAlloc(std::calloc(num_buckets(), sizeof(Node*))));
  ForEach([&](std::string_view f, std::string_view v) { copy->InsertNode(NewNode(f, v)); });
  return copy;
}

void HashObject::Encode(std::string* out) const {
  out->push_back(static_cast<char>(kFormatVersion));
  out->push_back(static_cast<char>(ht_ ? kEncHashtable : kEncListpack));
  PutVarint(out, count_);
  ForEach([&](std::string_view f, std::string_view v) {
    PutBytes(out, f);
    PutBytes(out, v);
  });
}

StatusOr<std::unique_ptr<HashObject>> HashObject::Decode(std::string_view in) {
  Reader r(in);
  std::uint8_t version, enc;
  std::uint64_t n;
  if (!r.GetByte(&version) || version != kFormatVersion) {
    return Status::Corruption("hash: unknown format version");
  }
  if (!r.GetByte(&enc) || (enc != kEncListpack && enc != kEncHashtable) || !r.GetCount(&n, 2)) {
    return Status::Corruption("hash: bad header");
  }
  auto h = std::make_unique<HashObject>();
  if (enc == kEncHashtable) {
    h->count_ = 0;
    h->ConvertToHashtable();
  }
  std::unordered_set<std::string_view> seen;  // duplicate fields mean corruption
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string_view f, v;
    if (!r.GetBytes(&f) || !r.GetBytes(&v)) return Status::Corruption("hash: truncated");
    if (f.size() > UINT32_MAX || v.size() > UINT32_MAX) return Status::Corruption("hash: entry");
    if (h->ht_) {
      Node** slot = h->FindSlot(f);
      if (*slot) return Status::Corruption("hash: duplicate field");
      *slot = NewNode(f, v);
      if (++h->count_ > h->num_buckets()) h->Resize(h->bits_ + 1);
    } else {
      if (!seen.insert(f).second) return Status::Corruption("hash: duplicate field");
      if (h->len_ + f.size() + v.size() + 20 > kMaxListpackBytes) {
        return Status::Corruption("hash: listpack too large");
      }
      h->Splice(h->len_, 0, f, &v);
      ++h->count_;
    }
  }
  if (!r.done()) return Status::Corruption("hash: trailing bytes");
  return h;
}

}  // namespace strata::types
