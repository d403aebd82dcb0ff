// Bounded randomized test of RespParser (runs in CI; a few seconds). Random and mutated
// requests are fed in random chunk sizes. The parser must never crash or spin, every call
// must parse a command, ask for more, or fail, and the result must not depend on how the
// bytes were split. The open-ended version is tests/fuzz/resp_parser_fuzz.cc (libFuzzer).
//
// STRATA_FUZZ_SEED=<n> reproduces one run; STRATA_FUZZ_ITERATIONS=<n> changes its length.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "parse_driver.h"
#include "protocol/resp_parser.h"

namespace strata::test {
namespace {

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}

  std::size_t Uniform(std::size_t lo, std::size_t hi) {
    return std::uniform_int_distribution<std::size_t>(lo, hi)(rng_);
  }
  bool OneIn(std::size_t n) { return Uniform(0, n - 1) == 0; }

  std::string RandomBytes(std::size_t n) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(Uniform(0, 255));
    return s;
  }

  // Bytes that tend to matter to the parser.
  char InterestingChar() {
    static const char kChars[] = {'*',  '$', '\r', '\n', '"', '\'', '\\', 'x', ' ',
                                  '\t', '-', '0',  '1',  '9', '\0', '\v', 'A', 'f'};
    return kChars[Uniform(0, sizeof(kChars) - 1)];
  }

  std::string Argument() {
    switch (Uniform(0, 3)) {
      case 0:
        return "";
      case 1:
        return RandomBytes(Uniform(1, 40));
      case 2:
        return std::string(Uniform(1, 300), 'v');
      default: {
        std::string s;
        for (std::size_t i = Uniform(1, 12); i > 0; --i) s += InterestingChar();
        return s;
      }
    }
  }

  std::string MultibulkCommand(std::vector<std::string>* args_out) {
    std::vector<std::string> args;
    for (std::size_t i = Uniform(1, 6); i > 0; --i) args.push_back(Argument());
    std::string s = Multibulk(args);
    if (args_out) *args_out = std::move(args);
    return s;
  }

  std::string InlineLine() {
    static const char* kPieces[] = {"SET", "GET",     " ",     "  ", "\t",   "\"",
                                    "'",   "\\x4",    "\\x41", "\\", "\\\"", "\\'",
                                    "a b", "\"q q\"", "'s s'", "\v", "k"};
    std::string s;
    for (std::size_t i = Uniform(0, 10); i > 0; --i) s += kPieces[Uniform(0, 16)];
    s += OneIn(3) ? "\n" : "\r\n";
    return s;
  }

  std::string HugeNumberHeader() {
    static const char* kNums[] = {"2147483648",
                                  "2147483647",
                                  "1048577",
                                  "1048576",
                                  "-1",
                                  "-0",
                                  "01",
                                  "+1",
                                  "9223372036854775807",
                                  "9223372036854775808",
                                  "18446744073709551616",
                                  "-9223372036854775808",
                                  "536870912",
                                  "536870913",
                                  "",
                                  "1 "};
    std::string n = kNums[Uniform(0, 15)];
    return OneIn(2) ? "*" + n + "\r\n" : "*1\r\n$" + n + "\r\n";
  }

  // A stream of several requests, each valid, mutated, truncated or random.
  std::string Stream() {
    std::string s;
    for (std::size_t i = Uniform(1, 8); i > 0; --i) {
      switch (Uniform(0, 6)) {
        case 0:
        case 1:
          s += MultibulkCommand(nullptr);
          break;
        case 2:
          s += InlineLine();
          break;
        case 3:
          s += HugeNumberHeader();
          break;
        case 4:
          s += RandomBytes(Uniform(1, 64));
          break;
        case 5:
          s += OneIn(2) ? "*0\r\n" : "*-1\r\n";
          break;
        default:
          s += "\r\n";
          break;
      }
    }
    Mutate(&s);
    return s;
  }

  void Mutate(std::string* s) {
    if (s->empty()) return;
    for (std::size_t i = Uniform(0, 3); i > 0; --i) {
      std::size_t pos = Uniform(0, s->size() - 1);
      switch (Uniform(0, 4)) {
        case 0:
          (*s)[pos] = static_cast<char>((*s)[pos] ^ (1 << Uniform(0, 7)));
          break;
        case 1:
          (*s)[pos] = InterestingChar();
          break;
        case 2:
          s->insert(pos, 1, InterestingChar());
          break;
        case 3:
          s->erase(pos, Uniform(1, 4));
          break;
        default:
          s->resize(pos);
          break;  // truncate
      }
      if (s->empty()) return;
    }
  }

  ParserLimits Limits() {
    ParserLimits limits;
    // Small limits make the "too big" and "invalid length" paths reachable with short inputs.
    if (OneIn(2)) {
      limits.max_inline_len = Uniform(4, 200);
      limits.max_bulk_len = static_cast<std::int64_t>(Uniform(0, 100));
      limits.max_multibulk_len = static_cast<std::int64_t>(Uniform(1, 8));
    }
    limits.authenticated = !OneIn(4);
    return limits;
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

std::uint64_t EnvOr(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

// Parsing the same bytes at once, byte by byte and in random chunks gives one outcome.
TEST(RespParserFuzzTest, RandomStreamsInRandomChunks) {
  const std::uint64_t seed = EnvOr("STRATA_FUZZ_SEED", 20240601);
  const std::uint64_t iterations = EnvOr("STRATA_FUZZ_ITERATIONS", 100000);
  Generator gen(seed);
  // Stop early on a slow machine; the iteration count is the normal bound.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(6);
  std::uint64_t done = 0, commands = 0, errors = 0;
  for (; done < iterations && std::chrono::steady_clock::now() < deadline; ++done) {
    std::string input = gen.Stream();
    ParserLimits limits = gen.Limits();
    ParseOutcome whole = ParseAtOnce(input, limits);
    ParseOutcome chunked = Drive(
        input, [&](std::size_t) { return gen.Uniform(1, 32); }, limits);
    ASSERT_EQ(whole, chunked) << "seed " << seed << " iteration " << done
                              << "\nat once: " << Describe(whole)
                              << "\nchunked: " << Describe(chunked);
    if (done % 16 == 0) {
      ParseOutcome bytes = ParseByteByByte(input, limits);
      ASSERT_EQ(whole, bytes) << "seed " << seed << " iteration " << done;
    }
    // Everything consumed or pending, nothing lost.
    if (!whole.failed) {
      ASSERT_EQ(whole.consumed + whole.pending, input.size());
    } else {
      ASSERT_TRUE(whole.error.rfind("Protocol error: ", 0) == 0) << whole.error;
    }
    commands += whole.commands.size();
    errors += whole.failed ? 1 : 0;
  }
  // The generator must actually reach both outcomes, or the test proves little.
  EXPECT_GT(done, 1000u);
  EXPECT_GT(commands, done / 4);
  EXPECT_GT(errors, done / 20);
  RecordProperty("iterations", std::to_string(done));
}

// Valid multibulk commands survive any chunking exactly.
TEST(RespParserFuzzTest, ValidCommandsRoundTrip) {
  Generator gen(EnvOr("STRATA_FUZZ_SEED", 7));
  for (int round = 0; round < 2000; ++round) {
    std::string input;
    std::vector<std::vector<std::string>> expected;
    for (std::size_t i = gen.Uniform(1, 10); i > 0; --i) {
      std::vector<std::string> args;
      input += gen.MultibulkCommand(&args);
      expected.push_back(std::move(args));
    }
    ParseOutcome o = Drive(input, [&](std::size_t) { return gen.Uniform(1, 64); });
    ASSERT_FALSE(o.failed) << o.error;
    ASSERT_EQ(o.commands, expected);
    ASSERT_EQ(o.pending, 0u);
  }
}

// Long garbage never makes the parser wait forever: past the line limit it fails.
TEST(RespParserFuzzTest, GarbageWithoutNewlinesFails) {
  Generator gen(EnvOr("STRATA_FUZZ_SEED", 99));
  for (int round = 0; round < 200; ++round) {
    std::string input = gen.RandomBytes(70 * 1024);
    for (auto& c : input) {
      if (c == '\n' || c == '\r') c = 'x';
    }
    if (gen.OneIn(3)) input[0] = '*';
    if (gen.OneIn(3)) input = "*1\r\n$" + input;
    ParseOutcome o = Drive(input, [&](std::size_t) { return gen.Uniform(1, 16384); });
    ASSERT_TRUE(o.failed);
    ASSERT_TRUE(o.error.rfind("Protocol error: ", 0) == 0) << o.error;
  }
}

}  // namespace
}  // namespace strata::test
