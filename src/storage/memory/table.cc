#include "storage/memory/table.h"

#include <cstdlib>
#include <cstring>
#include <utility>

#include "util/chain_pick.h"
#include "util/hash.h"

namespace strata::memory {
namespace {
constexpr std::size_t kMinBuckets = 4;
const std::uint64_t kSeed = [] {
  // Per-process seed; the address of a static differs between runs under ASLR.
  static int anchor;
  return reinterpret_cast<std::uintptr_t>(&anchor) * 0x9E3779B97F4A7C15ull;
}();
}  // namespace

std::uint64_t Table::Hash(std::string_view key) { return HashBytes(key, kSeed); }

Table::~Table() { Clear(); }

Table::Table(Table&& o) noexcept
    : bytes_used(std::exchange(o.bytes_used, 0)),
      snap_db(o.snap_db),
      buckets_(std::exchange(o.buckets_, nullptr)),
      mask_(std::exchange(o.mask_, 0)),
      size_(std::exchange(o.size_, 0)),
      expires_(std::exchange(o.expires_, 0)) {}

Table& Table::operator=(Table&& o) noexcept {
  if (this != &o) {
    Clear();
    buckets_ = std::exchange(o.buckets_, nullptr);
    mask_ = std::exchange(o.mask_, 0);
    size_ = std::exchange(o.size_, 0);
    expires_ = std::exchange(o.expires_, 0);
    bytes_used = std::exchange(o.bytes_used, 0);
    snap_db = o.snap_db;
  }
  return *this;
}

Entry* Table::Find(std::uint64_t hash, std::string_view key) const {
  if (buckets_ == nullptr) return nullptr;
  for (Entry* e = buckets_[hash & mask_]; e != nullptr; e = e->next()) {
    std::string_view k = e->key();
    if (k.size() == key.size() && std::memcmp(k.data(), key.data(), k.size()) == 0) return e;
  }
  return nullptr;
}

void Table::Insert(std::uint64_t hash, Entry* e) {
  if (buckets_ == nullptr) {
    Resize(kMinBuckets);
  } else if (size_ >= mask_ + 1) {
    Resize((mask_ + 1) * 2);
  }
  Entry*& head = buckets_[hash & mask_];
  e->set_next(head);
  head = e;
  ++size_;
  if (e->has_expire()) ++expires_;
}

void Table::Replace(std::uint64_t hash, Entry* old, Entry* e) {
  for (Entry** link = &buckets_[hash & mask_]; *link != nullptr;) {
    if (*link == old) {
      e->set_next(old->next());
      *link = e;
      if (old->has_expire()) --expires_;
      if (e->has_expire()) ++expires_;
      return;
    }
    link = reinterpret_cast<Entry**>(*link);  // `next` is the entry's first field
  }
}

Entry* Table::Remove(std::uint64_t hash, std::string_view key) {
  if (buckets_ == nullptr) return nullptr;
  for (Entry** link = &buckets_[hash & mask_]; *link != nullptr;) {
    Entry* e = *link;
    std::string_view k = e->key();
    if (k.size() == key.size() && std::memcmp(k.data(), key.data(), k.size()) == 0) {
      *link = e->next();
      --size_;
      if (e->has_expire()) --expires_;
      MaybeShrink();
      return e;
    }
    link = reinterpret_cast<Entry**>(e);
  }
  return nullptr;
}

void Table::Clear() {
  if (buckets_ == nullptr) return;
  for (std::size_t i = 0; i <= mask_; ++i) {
    for (Entry* e = buckets_[i]; e != nullptr;) {
      Entry* next = e->next();
      Entry::Free(e);
      e = next;
    }
  }
  std::free(buckets_);
  buckets_ = nullptr;
  mask_ = 0;
  size_ = 0;
  expires_ = 0;
  bytes_used = 0;
}

Entry* Table::RandomEntry(std::uint64_t (*rand)()) const {
  if (size_ == 0) return nullptr;
  // The load stays above 1/8, so this takes at most 64 tries on average.
  return UniformChainPick(buckets_, mask_, [](Entry* e) { return e->next(); }, rand);
}

void Table::Resize(std::size_t new_buckets) {
  auto** nb = static_cast<Entry**>(std::calloc(new_buckets, sizeof(Entry*)));
  if (nb == nullptr) return;  // keep the old table; longer chains are still correct
  std::size_t new_mask = new_buckets - 1;
  if (buckets_ != nullptr) {
    for (std::size_t i = 0; i <= mask_; ++i) {
      for (Entry* e = buckets_[i]; e != nullptr;) {
        Entry* next = e->next();
        std::size_t b = Hash(e->key()) & new_mask;
        e->set_next(nb[b]);
        nb[b] = e;
        e = next;
      }
    }
    std::free(buckets_);
  }
  buckets_ = nb;
  mask_ = new_mask;
}

void Table::MaybeShrink() {
  if (size_ == 0) {
    std::free(buckets_);
    buckets_ = nullptr;
    mask_ = 0;
    return;
  }
  std::size_t buckets = mask_ + 1;
  if (buckets > kMinBuckets && size_ * 8 < buckets) {
    std::size_t target = kMinBuckets;
    while (target < size_ * 2) target *= 2;
    Resize(target);
  }
}

}  // namespace strata::memory
