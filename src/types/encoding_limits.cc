#include "types/encoding_limits.h"

namespace strata::types {

EncodingLimits& Limits() {
  static EncodingLimits limits;
  return limits;
}

}  // namespace strata::types
