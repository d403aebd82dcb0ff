// Incremental RESP request parser: multibulk (`*N\r\n$L\r\n...`) and inline commands.
//
// Zero-copy: a multibulk command's arguments are views into the caller's buffer. The
// parser is resumable: when a command is incomplete it remembers how far it got, so a
// large command arriving in many reads is scanned once, not once per read.
//
// Contract with the caller (the connection): between calls, the bytes of the command being
// parsed must stay a prefix of `data` (the buffer may move or grow; offsets are relative to
// the start of `data`). After kCommand, the caller consumes `consumed` bytes; args() stay
// valid until the caller changes those bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

struct ParserLimits {
  std::int64_t max_bulk_len = 512ll << 20;    // proto-max-bulk-len
  std::int64_t max_multibulk_len = 1 << 20;   // arguments per command
  std::size_t max_inline_len = 64 * 1024;     // an inline command or a length line
  // Before AUTH (when a password is required) Redis accepts only small requests.
  bool authenticated = true;
};

class RespParser {
 public:
  enum class Result {
    kCommand,   // a complete command; see args() and consumed
    kEmpty,     // `consumed` bytes held no command (blank inline line, *0, *-1); go on
    kNeedMore,  // incomplete; call again with more data. `consumed` is 0.
    kError,     // protocol error; see error(). The connection must reply and close.
  };

  explicit RespParser(const ParserLimits& limits) : limits_(limits) {}

  Result Parse(const char* data, std::size_t size, std::size_t* consumed);

  std::span<const std::string_view> args() const { return args_; }
  // Redis's text without the "-ERR " prefix, e.g. "Protocol error: invalid bulk length".
  const std::string& error() const { return error_; }
  // While kNeedMore: the total bytes of `data` needed before parsing can progress (a hint
  // for sizing the read buffer); 0 if unknown.
  std::size_t bytes_wanted() const { return wanted_; }

  void set_authenticated(bool v) { limits_.authenticated = v; }
  void set_max_bulk_len(std::int64_t v) { limits_.max_bulk_len = v; }
  void Reset();

 private:
  Result ParseMultibulk(const char* data, std::size_t size, std::size_t* consumed);
  Result ParseInline(const char* data, std::size_t size, std::size_t* consumed);
  Result Fail(std::string msg);

  ParserLimits limits_;
  // Resumable multibulk state.
  bool in_multibulk_ = false;
  std::size_t pos_ = 0;           // next byte to parse, relative to the command start
  std::int64_t remaining_ = 0;    // arguments still to read
  std::int64_t bulk_len_ = -1;    // length of the bulk being read, -1 if at a `$` line
  std::vector<std::pair<std::size_t, std::size_t>> spans_;  // (offset, length) per argument

  std::vector<std::string_view> args_;
  std::vector<std::string> inline_args_;  // inline commands are unescaped, so owned
  std::string error_;
  std::size_t wanted_ = 0;
};

// Splits an inline command line the way redis-cli and Redis do: whitespace separates
// arguments; "double quotes" support \n \r \t \b \a \\ \" and \xHH; 'single quotes' support
// \'. Returns false on unbalanced quotes.
bool SplitInlineArgs(std::string_view line, std::vector<std::string>* out);

}  // namespace strata
