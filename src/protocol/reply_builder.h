// Builds RESP2 or RESP3 replies into an output buffer. The protocol version is a property
// of the connection (HELLO 3 switches it); callers write one logical reply shape and the
// builder renders it for the client's version.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace strata {

// Told of every error reply that counts in the server's statistics (INFO errorstats).
class ErrorObserver {
 public:
  virtual ~ErrorObserver() = default;
  // `code` is the error's first word ("ERR", "WRONGTYPE").
  virtual void OnError(std::string_view code) = 0;
};

class ReplyBuilder {
 public:
  explicit ReplyBuilder(std::string* out) : out_(out) {}

  void set_resp3(bool v) { resp3_ = v; }
  bool resp3() const { return resp3_; }

  void SimpleString(std::string_view s);
  void Ok() { out_->append("+OK\r\n", 5); }
  // `msg` carries Redis's prefix ("ERR ...", "WRONGTYPE ..."); CR/LF become spaces.
  void Error(std::string_view msg);
  // An error already counted where it arose (a script returning a command's error): it
  // still marks the command failed (errors()), but the observer is not told again.
  void ErrorCountedElsewhere(std::string_view msg);
  void set_error_observer(ErrorObserver* observer) { observer_ = observer; }
  ErrorObserver* error_observer() const { return observer_; }
  void Integer(std::int64_t v);
  void Bulk(std::string_view s);
  void Null();       // RESP2 $-1, RESP3 _
  void NullArray();  // RESP2 *-1, RESP3 _
  void ArrayHeader(std::size_t n);
  void MapHeader(std::size_t n);  // RESP2: an array of 2n
  void SetHeader(std::size_t n);  // RESP2: an array
  void PushHeader(std::size_t n); // RESP2: an array
  // RESP3 double; RESP2 a bulk string formatted as Redis does.
  void Double(double v);
  void Bool(bool v);  // RESP2 :1 / :0
  // RESP3 verbatim string (INFO, CLIENT LIST...), RESP2 bulk.
  void Verbatim(std::string_view text);
  void BulkArray(std::span<const std::string_view> items);

  // The number of error replies written (INFO stats total_error_replies).
  std::uint64_t errors() const { return errors_; }
  std::string* buffer() { return out_; }

 private:
  void Header(char type, std::int64_t n);

  void WriteError(std::string_view msg);

  std::string* out_;
  ErrorObserver* observer_ = nullptr;
  bool resp3_ = false;
  std::uint64_t errors_ = 0;
};

// Formats a double the way Redis 7 replies with one: "inf", "-inf", integers without ".0",
// otherwise the shortest of %.17g that round-trips.
std::string FormatDouble(double v);
// Long-double form used by INCRBYFLOAT (up to 17 significant digits, no exponent, trailing
// zeros removed), as Redis's ld2string in LD_STR_HUMAN mode.
std::string FormatLongDouble(long double v);

}  // namespace strata
