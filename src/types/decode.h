// Decoding of any collection type's binary encoding (Object::Encode), by type tag.
#pragma once

#include <memory>
#include <string_view>

#include "strata/status.h"
#include "strata/value.h"

namespace strata::types {

// Decodes `bytes` (written by Object::Encode of an object of `type`) into a new object.
// Strings are not objects: kString and kNone are InvalidArgument. Malformed bytes, and an
// empty collection (which no command leaves under a key), are Corruption.
StatusOr<std::unique_ptr<Object>> DecodeObject(ValueType type, std::string_view bytes);

}  // namespace strata::types
