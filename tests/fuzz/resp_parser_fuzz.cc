// libFuzzer target for RespParser (ASan + UBSan + fuzzer). Build and run:
//
//   cmake -S . -B build-fuzz -G Ninja -DSTRATA_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
//         -DCMAKE_BUILD_TYPE=RelWithDebInfo
//   ninja -C build-fuzz resp_parser_fuzz
//   mkdir -p /tmp/resp-corpus
//   ./build-fuzz/tests/fuzz/resp_parser_fuzz /tmp/resp-corpus -max_total_time=120 -max_len=4096
//
// The first input bytes pick the parser limits and a chunking; the rest is the request
// stream. Each input is parsed twice, at once and in chunks the way a connection feeds
// it (unconsumed bytes stay a prefix of the next call), and the two must agree. Any
// violated invariant aborts, which libFuzzer reports as a crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "protocol/resp_parser.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

struct Outcome {
  std::vector<std::vector<std::string>> commands;
  int empties = 0;
  bool failed = false;
  std::string error;
  std::size_t consumed = 0;

  bool operator==(const Outcome&) const = default;
};

// Feeds `input` in chunks of `chunk` bytes (0 = all at once).
Outcome Run(const std::string& input, const strata::ParserLimits& limits, std::size_t chunk) {
  strata::RespParser parser(limits);
  Outcome out;
  std::string buf;
  std::size_t fed = 0;
  while (fed < input.size() && !out.failed) {
    std::size_t n = chunk == 0 ? input.size() - fed : std::min(chunk, input.size() - fed);
    buf.append(input, fed, n);
    fed += n;
    while (!buf.empty()) {
      std::size_t consumed = 0;
      auto r = parser.Parse(buf.data(), buf.size(), &consumed);
      if (r == strata::RespParser::Result::kNeedMore) {
        Check(consumed == 0, "kNeedMore consumed bytes");
        break;
      }
      if (r == strata::RespParser::Result::kError) {
        Check(parser.error().rfind("Protocol error: ", 0) == 0, "error text");
        out.failed = true;
        out.error = parser.error();
        break;
      }
      Check(consumed > 0, "no progress");
      Check(consumed <= buf.size(), "consumed past the end");
      if (r == strata::RespParser::Result::kCommand) {
        Check(!parser.args().empty(), "command without arguments");
        std::vector<std::string> cmd;
        for (auto a : parser.args()) {
          // Multibulk arguments are views into `buf`; touching them lets ASan check that.
          cmd.emplace_back(a);
        }
        out.commands.push_back(std::move(cmd));
      } else {
        ++out.empties;
      }
      out.consumed += consumed;
      buf.erase(0, consumed);
    }
  }
  if (!out.failed) Check(out.consumed + buf.size() == input.size(), "bytes lost");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  strata::ParserLimits limits;
  const std::uint8_t mode = data[0];
  if (mode & 1) {
    // Small limits reach the limit paths with short inputs.
    limits.max_inline_len = 8 + (data[1] & 0x7f);
    limits.max_bulk_len = data[1];
    limits.max_multibulk_len = 1 + (data[1] & 0x0f);
  }
  limits.authenticated = (mode & 2) == 0;
  const std::size_t chunk = 1 + ((mode >> 2) & 0x1f);
  std::string input(reinterpret_cast<const char*>(data) + 2, size - 2);

  Outcome whole = Run(input, limits, 0);
  Outcome chunked = Run(input, limits, chunk);
  Check(whole == chunked, "result depends on chunking");
  return 0;
}
