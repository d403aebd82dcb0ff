#include "strata/value.h"

namespace strata {

std::string_view ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kString: return "string";
    case ValueType::kList: return "list";
    case ValueType::kHash: return "hash";
    case ValueType::kSet: return "set";
    case ValueType::kZSet: return "zset";
    case ValueType::kStream: return "stream";
    case ValueType::kNone: break;
  }
  return "none";
}

ValueType ValueTypeFromName(std::string_view name) {
  for (ValueType t : {ValueType::kString, ValueType::kList, ValueType::kHash, ValueType::kSet,
                      ValueType::kZSet, ValueType::kStream}) {
    if (name.size() == ValueTypeName(t).size()) {
      bool eq = true;
      for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != ValueTypeName(t)[i]) eq = false;
      }
      if (eq) return t;
    }
  }
  return ValueType::kNone;
}

}  // namespace strata
