#include "types/decode.h"

#include "types/hash.h"
#include "types/list.h"
#include "types/set.h"
#include "types/stream.h"
#include "types/zset.h"

namespace strata::types {
namespace {

template <typename T>
StatusOr<std::unique_ptr<Object>> Widen(StatusOr<std::unique_ptr<T>> r) {
  if (!r.ok()) return r.status();
  // No command leaves an empty collection under a key, and commands rely on it: an empty
  // one can only come from a damaged or crafted encoding.
  if (r.value()->size() == 0) return Status::Corruption("empty collection");
  return std::unique_ptr<Object>(std::move(r).value());
}

}  // namespace

StatusOr<std::unique_ptr<Object>> DecodeObject(ValueType type, std::string_view bytes) {
  switch (type) {
    case ValueType::kList:
      return Widen(ListObject::Decode(bytes));
    case ValueType::kHash:
      return Widen(HashObject::Decode(bytes));
    case ValueType::kSet:
      return Widen(SetObject::Decode(bytes));
    case ValueType::kZSet:
      return Widen(ZSetObject::Decode(bytes));
    case ValueType::kStream: {
      // A stream may be empty: it stays under its key until deleted.
      auto s = StreamObject::Decode(bytes);
      if (!s.ok()) return s.status();
      return std::unique_ptr<Object>(std::move(s).value());
    }
    case ValueType::kString:
    case ValueType::kNone:
      break;
  }
  return Status::InvalidArgument("no object decoder for value type " +
                                 std::to_string(static_cast<int>(type)));
}

}  // namespace strata::types
