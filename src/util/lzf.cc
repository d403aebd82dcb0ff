#include "util/lzf.h"

namespace strata {

// The format: a control byte below 32 starts a run of (ctrl + 1) literal bytes; otherwise its
// top three bits are a match length minus 2 (7 means "add the next byte"), and its low five
// bits with the following byte are the distance back minus 1.
bool LzfDecompress(std::string_view in, std::size_t expected_len, std::string* out) {
  out->clear();
  out->reserve(expected_len);
  std::size_t i = 0;
  while (i < in.size()) {
    const unsigned ctrl = static_cast<unsigned char>(in[i++]);
    if (ctrl < 32) {
      const std::size_t run = ctrl + 1;
      if (in.size() - i < run || out->size() + run > expected_len) return false;
      out->append(in.substr(i, run));
      i += run;
      continue;
    }
    std::size_t len = ctrl >> 5;
    if (len == 7) {
      if (i >= in.size()) return false;
      len += static_cast<unsigned char>(in[i++]);
    }
    len += 2;
    if (i >= in.size()) return false;
    const std::size_t back = ((ctrl & 0x1f) << 8) + static_cast<unsigned char>(in[i++]) + 1;
    if (back > out->size() || out->size() + len > expected_len) return false;
    // Byte by byte: the match may overlap what it produces (a run of one repeated byte).
    std::size_t from = out->size() - back;
    for (std::size_t k = 0; k < len; ++k) out->push_back((*out)[from + k]);
  }
  return out->size() == expected_len;
}

}  // namespace strata
