#include "storage/memory/entry.h"

#include <malloc.h>

#include <cstdio>

namespace strata::memory {
namespace {

std::size_t VarintSize(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

char* PutVarint(char* p, std::uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

const char* GetVarint(const char* p, std::uint64_t* v) {
  std::uint64_t result = 0;
  int shift = 0;
  while (true) {
    auto b = static_cast<unsigned char>(*p++);
    result |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  *v = result;
  return p;
}

void* AllocOrDie(std::size_t n) {
  void* p = std::malloc(n);
  if (p == nullptr) {
    // Out of memory: no reply can be built either; fail loudly rather than corrupt data.
    std::fprintf(stderr, "strata: out of memory allocating %zu bytes\n", n);
    std::abort();
  }
  return p;
}

// Writes the common prefix (header, expiry, key); returns the value position.
char* WritePrefix(char* p, std::string_view key, ValueType type, std::uint8_t flags,
                  std::int64_t expire) {
  std::memset(p, 0, 14);
  p[12] = static_cast<char>(type);
  if (expire != kNoExpire) flags |= Entry::kHasExpire;
  p[13] = static_cast<char>(flags);
  char* w = p + 14;
  if (expire != kNoExpire) {
    std::memcpy(w, &expire, 8);
    w += 8;
  }
  w = PutVarint(w, key.size());
  if (!key.empty()) std::memcpy(w, key.data(), key.size());
  return w + key.size();
}

std::size_t PrefixSize(std::string_view key, std::int64_t expire) {
  return 14 + (expire != kNoExpire ? 8 : 0) + VarintSize(key.size()) + key.size();
}

}  // namespace

Entry* Entry::NewString(std::string_view key, std::string_view value, std::int64_t expire,
                        std::size_t cap, bool force_slack) {
  bool slack = force_slack || cap > value.size();
  if (cap < value.size()) cap = value.size();
  std::size_t size = PrefixSize(key, expire) +
                     (slack ? 16 + cap : VarintSize(value.size()) + value.size());
  char* p = static_cast<char*>(AllocOrDie(size));
  char* w = WritePrefix(p, key, ValueType::kString, slack ? (kSlack | kRaw) : 0, expire);
  if (slack) {
    std::uint64_t len = value.size(), c = cap;
    std::memcpy(w, &len, 8);
    std::memcpy(w + 8, &c, 8);
    w += 16;
  } else {
    w = PutVarint(w, value.size());
  }
  if (!value.empty()) std::memcpy(w, value.data(), value.size());
  return reinterpret_cast<Entry*>(p);
}

Entry* Entry::NewObject(std::string_view key, std::unique_ptr<Object> obj, std::int64_t expire) {
  std::size_t size = PrefixSize(key, expire) + sizeof(Object*);
  char* p = static_cast<char*>(AllocOrDie(size));
  char* w = WritePrefix(p, key, obj->type(), 0, expire);
  Object* raw = obj.release();
  std::memcpy(w, &raw, sizeof(raw));
  return reinterpret_cast<Entry*>(p);
}

void Entry::Free(Entry* e) {
  if (e->type() != ValueType::kString) delete e->obj();
  std::free(e);
}

std::string_view Entry::SlowKey(const char* varint) {
  std::uint64_t len;
  const char* p = GetVarint(varint, &len);
  return {p, static_cast<std::size_t>(len)};
}

std::size_t Entry::value_offset() const {
  std::uint64_t len;
  const char* p = GetVarint(bytes() + key_offset(), &len);
  return static_cast<std::size_t>(p - bytes()) + static_cast<std::size_t>(len);
}

std::string_view Entry::str() const {
  const char* p = bytes() + value_offset();
  std::uint64_t len;
  if (flags() & kSlack) {
    std::memcpy(&len, p, 8);
    p += 16;
  } else {
    p = GetVarint(p, &len);
  }
  return {p, static_cast<std::size_t>(len)};
}

std::size_t Entry::str_capacity() const {
  if (!(flags() & kSlack)) return str().size();
  std::uint64_t cap;
  std::memcpy(&cap, bytes() + value_offset() + 8, 8);
  return static_cast<std::size_t>(cap);
}

char* Entry::mutable_str() { return const_cast<char*>(str().data()); }

void Entry::set_str_len(std::size_t len) {
  std::uint64_t v = len;
  std::memcpy(bytes() + value_offset(), &v, 8);
}

Object* Entry::obj() const {
  Object* o;
  std::memcpy(&o, bytes() + value_offset(), sizeof(o));
  return o;
}

void Entry::SetObject(std::unique_ptr<Object> o) {
  Object* raw = o.release();
  std::memcpy(bytes() + value_offset(), &raw, sizeof(raw));
}

std::unique_ptr<Object> Entry::TakeObject() {
  Object* o = obj();
  Object* null = nullptr;
  std::memcpy(bytes() + value_offset(), &null, sizeof(null));
  return std::unique_ptr<Object>(o);
}

std::size_t Entry::AllocatedBytes() const {
  return malloc_usable_size(const_cast<Entry*>(this));
}

}  // namespace strata::memory
