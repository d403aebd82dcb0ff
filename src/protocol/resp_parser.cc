#include "protocol/resp_parser.h"

#include <cstring>

namespace strata {
namespace {

// Parses a signed decimal integer occupying all of [p, p+len) with Redis's string2ll
// rules: no empty string, no '+', no leading zeros ("0" alone is fine, "-0" is not), no
// overflow. `*01` and `$04` are protocol errors in Redis, so they must be here too.
bool ParseLength(const char* p, std::size_t len, std::int64_t* out) {
  if (len == 0 || len > 20) return false;
  if (len == 1 && p[0] == '0') {
    *out = 0;
    return true;
  }
  bool negative = false;
  std::size_t i = 0;
  if (p[0] == '-') {
    negative = true;
    i = 1;
  }
  if (i >= len || p[i] < '1' || p[i] > '9') return false;
  std::uint64_t v = 0;
  for (; i < len; ++i) {
    if (p[i] < '0' || p[i] > '9') return false;
    if (v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + static_cast<std::uint64_t>(p[i] - '0');
  }
  if (negative) {
    if (v > static_cast<std::uint64_t>(INT64_MAX) + 1) return false;
    *out = static_cast<std::int64_t>(0 - v);
  } else {
    if (v > static_cast<std::uint64_t>(INT64_MAX)) return false;
    *out = static_cast<std::int64_t>(v);
  }
  return true;
}

// Finds the '\r' that ends a length line starting at `p`. Returns its offset, or
// `avail` when the line is not complete yet (no '\r', or the '\r' is the last byte and its
// '\n' has not arrived). `*too_long` is set when the line is, or is bound to become, longer
// than `max`: the answer does not depend on how the bytes were split across reads.
std::size_t FindLengthLine(const char* p, std::size_t avail, std::size_t max, bool* too_long) {
  // Never scan further than a legal line could reach.
  std::size_t scan = avail < max + 1 ? avail : max + 1;
  const char* cr = static_cast<const char*>(std::memchr(p, '\r', scan));
  if (cr == nullptr) {
    *too_long = avail > max;
    return avail;
  }
  auto len = static_cast<std::size_t>(cr - p);
  *too_long = len > max;
  return len + 1 < avail ? len : avail;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// isspace(): what is skipped between arguments and what must follow a closing quote.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
// Inside an unquoted argument only these end it, so "a\vb" is one argument, as in Redis.
bool EndsBareArg(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

void RespParser::Reset() {
  in_multibulk_ = false;
  pos_ = 0;
  remaining_ = 0;
  bulk_len_ = -1;
  spans_.clear();
  wanted_ = 0;
}

RespParser::Result RespParser::Fail(std::string msg) {
  error_ = std::move(msg);
  Reset();
  return Result::kError;
}

RespParser::Result RespParser::Parse(const char* data, std::size_t size, std::size_t* consumed) {
  *consumed = 0;
  wanted_ = 0;
  if (in_multibulk_) return ParseMultibulk(data, size, consumed);
  if (size == 0) return Result::kNeedMore;
  if (data[0] == '*') return ParseMultibulk(data, size, consumed);
  return ParseInline(data, size, consumed);
}

RespParser::Result RespParser::ParseMultibulk(const char* data, std::size_t size,
                                              std::size_t* consumed) {
  if (!in_multibulk_) {
    bool too_long = false;
    std::size_t line_len = FindLengthLine(data, size, limits_.max_inline_len, &too_long);
    if (too_long) return Fail("Protocol error: too big mbulk count string");
    if (line_len == size) return Result::kNeedMore;
    std::int64_t count = 0;
    if (!ParseLength(data + 1, line_len - 1, &count) || count > INT32_MAX) {
      return Fail("Protocol error: invalid multibulk length");
    }
    if (count > 10 && !limits_.authenticated) {
      return Fail("Protocol error: unauthenticated multibulk length");
    }
    if (count > limits_.max_multibulk_len) return Fail("Protocol error: invalid multibulk length");
    std::size_t header = line_len + 2;
    if (count <= 0) {
      *consumed = header;
      return Result::kEmpty;
    }
    in_multibulk_ = true;
    pos_ = header;
    remaining_ = count;
    bulk_len_ = -1;
    spans_.clear();
    spans_.reserve(static_cast<std::size_t>(count < 1024 ? count : 1024));
  }

  while (remaining_ > 0) {
    if (bulk_len_ < 0) {
      if (pos_ >= size) return Result::kNeedMore;
      const char* start = data + pos_;
      std::size_t avail = size - pos_;
      bool too_long = false;
      std::size_t line_len = FindLengthLine(start, avail, limits_.max_inline_len, &too_long);
      if (too_long) return Fail("Protocol error: too big bulk count string");
      if (line_len == avail) return Result::kNeedMore;
      if (start[0] != '$') {
        return Fail(std::string("Protocol error: expected '$', got '") + start[0] + "'");
      }
      std::int64_t len = 0;
      if (!ParseLength(start + 1, line_len - 1, &len) || len < 0 ||
          len > limits_.max_bulk_len) {
        return Fail("Protocol error: invalid bulk length");
      }
      if (len > 16384 && !limits_.authenticated) {
        return Fail("Protocol error: unauthenticated bulk length");
      }
      bulk_len_ = len;
      pos_ += line_len + 2;
    }
    std::size_t need = pos_ + static_cast<std::size_t>(bulk_len_) + 2;
    if (size < need) {
      wanted_ = need;
      return Result::kNeedMore;
    }
    // Like Redis, the two bytes after the payload are skipped without being checked.
    spans_.emplace_back(pos_, static_cast<std::size_t>(bulk_len_));
    pos_ = need;
    bulk_len_ = -1;
    --remaining_;
  }

  args_.clear();
  for (const auto& [off, len] : spans_) args_.emplace_back(data + off, len);
  *consumed = pos_;
  in_multibulk_ = false;
  pos_ = 0;
  spans_.clear();
  return Result::kCommand;
}

RespParser::Result RespParser::ParseInline(const char* data, std::size_t size,
                                           std::size_t* consumed) {
  const char* nl = static_cast<const char*>(std::memchr(data, '\n', size));
  if (nl == nullptr) {
    if (size > limits_.max_inline_len) return Fail("Protocol error: too big inline request");
    return Result::kNeedMore;
  }
  std::size_t line_len = static_cast<std::size_t>(nl - data);
  if (line_len > limits_.max_inline_len) return Fail("Protocol error: too big inline request");
  std::string_view line(data, line_len);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  *consumed = line_len + 1;
  if (!SplitInlineArgs(line, &inline_args_)) {
    return Fail("Protocol error: unbalanced quotes in request");
  }
  if (inline_args_.empty()) return Result::kEmpty;
  args_.clear();
  for (const auto& a : inline_args_) args_.emplace_back(a);
  return Result::kCommand;
}

bool SplitInlineArgs(std::string_view line, std::vector<std::string>* out) {
  out->clear();
  std::size_t i = 0;
  const std::size_t n = line.size();
  while (true) {
    while (i < n && IsSpace(line[i])) ++i;
    if (i >= n) return true;
    std::string current;
    bool in_double = false, in_single = false, done = false;
    while (!done) {
      if (in_double) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && HexValue(line[i + 2]) >= 0 &&
            HexValue(line[i + 3]) >= 0) {
          current += static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3]));
          i += 3;
        } else if (c == '\\' && i + 1 < n) {
          ++i;
          switch (line[i]) {
            case 'n': current += '\n'; break;
            case 'r': current += '\r'; break;
            case 't': current += '\t'; break;
            case 'b': current += '\b'; break;
            case 'a': current += '\a'; break;
            default: current += line[i]; break;
          }
        } else if (c == '"') {
          // A closing quote must be followed by a space or the end.
          if (i + 1 < n && !IsSpace(line[i + 1])) return false;
          done = true;
        } else {
          current += c;
        }
      } else if (in_single) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          ++i;
          current += '\'';
        } else if (c == '\'') {
          if (i + 1 < n && !IsSpace(line[i + 1])) return false;
          done = true;
        } else {
          current += c;
        }
      } else {
        if (i >= n) break;
        char c = line[i];
        if (EndsBareArg(c)) {
          done = true;
        } else if (c == '"') {
          in_double = true;
        } else if (c == '\'') {
          in_single = true;
        } else {
          current += c;
        }
      }
      if (i < n) ++i;
    }
    out->push_back(std::move(current));
  }
}

}  // namespace strata
