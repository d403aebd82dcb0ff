// Seeded random command stream for the differential test (strata-server vs redis-server).
//
// The generator produces string, key and TTL commands in valid and invalid forms over a
// small key space so that commands interact. Everything it emits is chosen so that a
// correct server's reply is a pure function of the command history, with two documented
// exceptions the comparator handles: TTL-style integer replies (tolerance) and key
// enumerations (order-free). See CompareMode.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace strata::test {

// How the replies of the two servers to one command are compared.
enum class CompareMode {
  kExact,          // type and content identical
  kUnordered,      // arrays compared as multisets (KEYS: order is an implementation detail)
  kTtlSeconds,     // TTL/EXPIRETIME: non-negative integers may differ by <= 1 (s)
  kTtlMillis,      // PTTL/PEXPIRETIME: non-negative integers may differ by <= 1000 (ms)
  kScanIteration,  // args are "SCAN 0 ..."; drive the full cursor loop, compare key sets
};

struct GeneratedCommand {
  std::vector<std::string> args;
  CompareMode mode = CompareMode::kExact;
  // Coverage bucket, e.g. "SET", "OBJECT ENCODING", "arity:GET", "unknown".
  std::string label;
};

class CommandGenerator {
 public:
  explicit CommandGenerator(std::uint64_t seed);
  // The builder table captures `this`.
  CommandGenerator(const CommandGenerator&) = delete;
  CommandGenerator& operator=(const CommandGenerator&) = delete;

  GeneratedCommand Next();

  // The key space the generator draws from (shared with the final-state check).
  static const std::vector<std::string>& Keys();

 private:
  // --- building blocks ---
  std::uint64_t Uniform(std::uint64_t lo, std::uint64_t hi);  // inclusive
  std::int64_t UniformSigned(std::int64_t lo, std::int64_t hi);
  bool Chance(double p);
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Uniform(0, v.size() - 1)];
  }

  std::string Key();
  std::string Value();
  std::string IntegerString();
  std::string FloatString();
  std::string RandomBytes(std::size_t len, bool binary);
  std::string DbIndex();
  std::string Casing(const std::string& word);  // random upper/lower/mixed case
  std::string SmallIndex();                     // GETRANGE-style offsets

  // Expiry values. Relative ones are unique and far apart (see .cc), absolute ones fixed.
  std::string RelativeSeconds();
  std::string RelativeMillis();
  std::string AbsoluteSeconds();
  std::string AbsoluteMillis();
  std::int64_t FreshRelativeSeconds();

  // --- one builder per command family ---
  GeneratedCommand Set();
  GeneratedCommand GetEx();
  GeneratedCommand Expire(const std::string& name, bool millis, bool absolute);
  GeneratedCommand Ttl(const std::string& name, CompareMode mode);
  GeneratedCommand SetExLike(const std::string& name, bool millis);
  GeneratedCommand IncrLike(const std::string& name);
  GeneratedCommand MultiKey(const std::string& name, std::size_t max_keys);
  GeneratedCommand MSet(const std::string& name);
  GeneratedCommand Range(const std::string& name);
  GeneratedCommand SetRange();
  GeneratedCommand Lcs();
  GeneratedCommand Copy();
  GeneratedCommand Move();
  GeneratedCommand Select();
  GeneratedCommand SwapDb();
  GeneratedCommand Flush(const std::string& name);
  GeneratedCommand KeysCmd();
  GeneratedCommand Scan();
  GeneratedCommand ObjectCmd();
  GeneratedCommand WrongArity();
  GeneratedCommand Unknown();

  struct Entry {
    double weight;  // relative frequency
    std::function<GeneratedCommand()> build;
  };
  void BuildTable();

  std::vector<Entry> table_;
  std::deque<GeneratedCommand> pending_;  // emitted before drawing a new command
  double total_weight_ = 0;
  std::mt19937_64 rng_;
  std::set<std::int64_t> used_relative_;  // seconds already handed out as relative expiries
};

}  // namespace strata::test
