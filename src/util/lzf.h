// LZF decompression, for the compressed strings Redis writes in DUMP payloads and RDB files.
#pragma once

#include <string>
#include <string_view>

namespace strata {

// Decompresses `in`, which must expand to exactly `expected_len` bytes, into `*out`. False
// on malformed input (a back reference before the start, output overflow, a short result).
bool LzfDecompress(std::string_view in, std::size_t expected_len, std::string* out);

}  // namespace strata
