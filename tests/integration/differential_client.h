// The wire side of the differential tests: a pipelining RESP2 client that keeps each
// reply's exact bytes, and the rules by which two servers' replies count as equal
// (CompareMode). Shared by the seeded command stream and the WATCH scenarios.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "command_generator.h"
#include "harness.h"

namespace strata::test {

// The value of environment variable `name` as a number (any base strtoull accepts), or
// `fallback` when unset or empty.
std::uint64_t EnvNumber(const char* name, std::uint64_t fallback);

std::string Abbrev(const std::string& s, std::size_t max = 300);

// One reply as it came off the wire: its exact bytes and the decoded form. Exact
// comparison uses the bytes, because a decoder folds distinctions a client can see (hiredis,
// for instance, turns both "$-1" and "*-1" into one nil type).
struct WireReply {
  std::string raw;  // empty for replies synthesized by the test (SCAN iteration)
  Reply decoded;
  bool lost = false;  // connection closed, timed out, or sent something that is not RESP2
};

// A pipelining RESP2 client on a raw socket that keeps every reply's exact bytes.
class RespClient {
 public:
  explicit RespClient(int port) : conn_(port) {}
  bool ok() const { return conn_.ok(); }

  void Append(const std::vector<std::string>& args) { pending_ += RespCommand(args); }
  bool Flush();
  WireReply Read();
  WireReply Cmd(const std::vector<std::string>& args) {
    Append(args);
    return Read();
  }

 private:
  static constexpr int kReadTimeoutMs = 10000;
  RawConnection conn_;
  std::string pending_;  // encoded commands not yet sent
  std::string buf_;      // received bytes not yet parsed
};

// Whether two replies to the same command count as equal under `mode`.
bool RepliesMatch(CompareMode mode, const WireReply& a, const WireReply& b);

// Printable form of a reply for a failure report; the raw bytes are added when the decoded
// forms look alike.
std::string Describe(const WireReply& w, const WireReply& other);

}  // namespace strata::test
