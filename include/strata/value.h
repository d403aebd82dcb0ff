// Typed values stored under keys.
//
// Strings are plain bytes owned by the engine. Collections (lists, hashes, sets, sorted
// sets, streams) are heap objects derived from `Object`; every object type has a versioned binary
// codec so that engines that leave RAM (hybridlog, cloud) and checkpoints can serialize it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace strata {

enum class ValueType : std::uint8_t {
  kNone = 0,  // no such key
  kString = 1,
  kList = 2,
  kHash = 3,
  kSet = 4,
  kZSet = 5,
  kStream = 6,
};

// Redis's name for a type, as TYPE and SCAN ... TYPE spell it ("none" for kNone).
std::string_view ValueTypeName(ValueType type);
// Inverse of ValueTypeName; kNone for unknown names.
ValueType ValueTypeFromName(std::string_view name);

// Base of all collection values. An Object is owned by exactly one key in one engine.
// Thread safety: none of its own; the engine's key lock guards it.
class Object {
 public:
  virtual ~Object() = default;
  virtual ValueType type() const = 0;
  // Redis's OBJECT ENCODING answer for the current representation ("listpack", ...).
  virtual std::string_view encoding() const = 0;
  // Approximate heap bytes owned by this object (for MEMORY USAGE and INFO).
  virtual std::size_t MemoryUsage() const = 0;
  // A deep copy (COPY).
  virtual std::unique_ptr<Object> Clone() const = 0;
  // Appends the object's versioned binary encoding to `out`.
  virtual void Encode(std::string* out) const = 0;
};

// Expiry times are absolute Unix times in milliseconds; kNoExpire means "persistent".
inline constexpr std::int64_t kNoExpire = -1;
// Passed where an expiry is set: keep whatever expiry the key already has (none if new).
inline constexpr std::int64_t kKeepExpire = -2;

}  // namespace strata
