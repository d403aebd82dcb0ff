// Test helper: drives a RespParser the way a connection does. Bytes arrive in chunks and
// are appended to one buffer; whatever the parser consumes is dropped from the front, and
// the unconsumed tail stays a prefix of the next call's data (the parser's contract).
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "protocol/resp_parser.h"

namespace strata::test {

struct ParseOutcome {
  std::vector<std::vector<std::string>> commands;
  int empties = 0;           // kEmpty results (blank lines, *0, *-1)
  bool failed = false;       // a kError was returned (parsing stops there, like the server)
  std::string error;         // its text
  std::size_t pending = 0;   // bytes left unconsumed at the end (an incomplete command)
  std::size_t consumed = 0;  // bytes consumed in total

  bool operator==(const ParseOutcome& o) const {
    return commands == o.commands && empties == o.empties && failed == o.failed &&
           error == o.error && pending == o.pending && consumed == o.consumed;
  }
};

inline std::string Describe(const ParseOutcome& o) {
  std::string s =
      "commands=" + std::to_string(o.commands.size()) + " empties=" + std::to_string(o.empties) +
      " failed=" + (o.failed ? "yes(" + o.error + ")" : std::string("no")) +
      " pending=" + std::to_string(o.pending) + " consumed=" + std::to_string(o.consumed);
  return s;
}

// Encodes `args` as one RESP multibulk request.
inline std::string Multibulk(const std::vector<std::string>& args) {
  // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on "*" + ...
  std::string s(1, '*');
  s += std::to_string(args.size());
  s += "\r\n";
  for (const auto& a : args) {
    s += '$';
    s += std::to_string(a.size());
    s += "\r\n";
    s += a;
    s += "\r\n";
  }
  return s;
}

// Returns the size of the next chunk given how many bytes are left.
using ChunkFn = std::function<std::size_t(std::size_t left)>;

// Feeds `input` in chunks chosen by `next_chunk`. Checks the parser's invariants on every
// call (they are what keeps the connection from looping or losing bytes): kNeedMore
// consumes nothing, kCommand/kEmpty consume at least one byte and never more than given.
inline ParseOutcome Drive(const std::string& input, const ChunkFn& next_chunk,
                          const ParserLimits& limits = ParserLimits{}) {
  RespParser parser(limits);
  ParseOutcome out;
  std::string buf;
  std::size_t fed = 0;
  while (fed < input.size() && !out.failed) {
    std::size_t n = next_chunk(input.size() - fed);
    if (n == 0) n = 1;
    if (n > input.size() - fed) n = input.size() - fed;
    buf.append(input, fed, n);
    fed += n;
    while (!buf.empty()) {
      std::size_t consumed = 12345;
      auto r = parser.Parse(buf.data(), buf.size(), &consumed);
      if (r == RespParser::Result::kNeedMore) {
        EXPECT_EQ(consumed, 0u);
        break;
      }
      if (r == RespParser::Result::kError) {
        out.failed = true;
        out.error = parser.error();
        EXPECT_FALSE(out.error.empty());
        break;
      }
      EXPECT_GT(consumed, 0u) << "no progress: the connection would spin";
      EXPECT_LE(consumed, buf.size());
      if (consumed == 0 || consumed > buf.size()) {
        out.failed = true;
        out.error = "<invariant broken>";
        break;
      }
      if (r == RespParser::Result::kCommand) {
        std::vector<std::string> cmd;
        for (auto a : parser.args()) cmd.emplace_back(a);
        EXPECT_FALSE(cmd.empty());
        out.commands.push_back(std::move(cmd));
      } else {
        ++out.empties;
      }
      out.consumed += consumed;
      buf.erase(0, consumed);
    }
  }
  out.pending = out.failed ? 0 : buf.size();
  return out;
}

inline ParseOutcome ParseAtOnce(const std::string& input, const ParserLimits& limits = {}) {
  return Drive(
      input, [](std::size_t left) { return left; }, limits);
}

inline ParseOutcome ParseByteByByte(const std::string& input, const ParserLimits& limits = {}) {
  return Drive(
      input, [](std::size_t) { return std::size_t{1}; }, limits);
}

}  // namespace strata::test
