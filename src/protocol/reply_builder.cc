#include "protocol/reply_builder.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace strata {

void ReplyBuilder::Header(char type, std::int64_t n) {
  char buf[24];
  buf[0] = type;
  auto [end, ec] = std::to_chars(buf + 1, buf + sizeof(buf) - 2, n);
  (void)ec;
  end[0] = '\r';
  end[1] = '\n';
  out_->append(buf, static_cast<std::size_t>(end + 2 - buf));
}

void ReplyBuilder::SimpleString(std::string_view s) {
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyBuilder::Error(std::string_view msg) {
  if (observer_ != nullptr) observer_->OnError(msg.substr(0, msg.find(' ')));
  WriteError(msg);
}

void ReplyBuilder::ErrorCountedElsewhere(std::string_view msg) { WriteError(msg); }

void ReplyBuilder::WriteError(std::string_view msg) {
  ++errors_;
  out_->push_back('-');
  std::size_t start = out_->size();
  out_->append(msg);
  for (std::size_t i = start; i < out_->size(); ++i) {
    if ((*out_)[i] == '\r' || (*out_)[i] == '\n') (*out_)[i] = ' ';
  }
  out_->append("\r\n", 2);
}

void ReplyBuilder::Integer(std::int64_t v) { Header(':', v); }

void ReplyBuilder::Bulk(std::string_view s) {
  Header('$', static_cast<std::int64_t>(s.size()));
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyBuilder::Null() {
  if (resp3_) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("$-1\r\n", 5);
  }
}

void ReplyBuilder::NullArray() {
  if (resp3_) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("*-1\r\n", 5);
  }
}

void ReplyBuilder::ArrayHeader(std::size_t n) { Header('*', static_cast<std::int64_t>(n)); }

void ReplyBuilder::MapHeader(std::size_t n) {
  if (resp3_) {
    Header('%', static_cast<std::int64_t>(n));
  } else {
    Header('*', static_cast<std::int64_t>(2 * n));
  }
}

void ReplyBuilder::SetHeader(std::size_t n) {
  Header(resp3_ ? '~' : '*', static_cast<std::int64_t>(n));
}

void ReplyBuilder::PushHeader(std::size_t n) {
  Header(resp3_ ? '>' : '*', static_cast<std::int64_t>(n));
}

void ReplyBuilder::Double(double v) {
  if (resp3_) {
    out_->push_back(',');
    out_->append(FormatDouble(v));
    out_->append("\r\n", 2);
  } else {
    Bulk(FormatDouble(v));
  }
}

void ReplyBuilder::Bool(bool v) {
  if (resp3_) {
    out_->append(v ? "#t\r\n" : "#f\r\n", 4);
  } else {
    out_->append(v ? ":1\r\n" : ":0\r\n", 4);
  }
}

void ReplyBuilder::Verbatim(std::string_view text) {
  if (resp3_) {
    Header('=', static_cast<std::int64_t>(text.size() + 4));
    out_->append("txt:", 4);
    out_->append(text);
    out_->append("\r\n", 2);
  } else {
    Bulk(text);
  }
}

void ReplyBuilder::BulkArray(std::span<const std::string_view> items) {
  ArrayHeader(items.size());
  for (auto item : items) Bulk(item);
}

std::string FormatDouble(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "nan";
  char buf[64];
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  // Integers below 2^52 in magnitude print without a fraction, as Redis's d2string.
  if (v > -4503599627370495.0 && v < 4503599627370496.0 &&
      v == static_cast<double>(static_cast<long long>(v))) {
    return std::to_string(static_cast<long long>(v));
  }
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

std::string FormatLongDouble(long double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[5120];
  int len = std::snprintf(buf, sizeof(buf), "%.17Lf", v);
  if (len <= 0 || static_cast<std::size_t>(len) >= sizeof(buf)) return "0";
  std::string s(buf, static_cast<std::size_t>(len));
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s.size() == 2 && s[0] == '-' && s[1] == '0') return std::string(1, '0');
  return s;
}

}  // namespace strata
