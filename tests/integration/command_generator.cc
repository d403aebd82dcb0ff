#include "command_generator.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <utility>

namespace strata::test {
namespace {

// Expiry-time design (why the replies stay deterministic):
//  * Relative expiries (EX/PX/SETEX/EXPIRE/...) are drawn from [1e5, 5e7] s, rarely from
//    [2e11, 1e15] s, and every drawn value is at least 100 s away from every earlier one.
//    A key's deadline is "now + value", and "now" drifts by at most the run time (seconds)
//    between two commands, so GT/LT comparisons between two relative deadlines never
//    depend on timing, and nothing expires during the run.
//  * Absolute future times are fixed values >= 2147483647 s, which lie far above every
//    "now + relative" deadline (now + 5e7 s stays below 2^31 until about 2066) and below the
//    huge relative range, so relative-vs-absolute comparisons are also fixed.
//  * Absolute past times (and non-positive relative ones) delete the key at once in both
//    servers, which is deterministic.
// Only the remaining-time replies (TTL/PTTL) and the absolute deadline of a relatively set
// key (EXPIRETIME/PEXPIRETIME) depend on the clock; the comparator allows a small
// tolerance for exactly those integer replies.
constexpr std::uint64_t kRelativeMinS = 100000;
constexpr std::uint64_t kRelativeMaxS = 50000000;
constexpr std::uint64_t kHugeRelativeMinS = 200000000000ULL;
constexpr std::uint64_t kHugeRelativeMaxS = 1000000000000000ULL;
constexpr std::int64_t kRelativeSeparationS = 100;
// Number of collection home keys at the end of Keys().
constexpr std::size_t kHomeKeys = 10;

const std::vector<std::string> kFutureSeconds = {"2147483647", "2147483648", "2500000000",
                                                 "2500000001", "3000000000", "4102444800",
                                                 "9999999999", "99999999999"};
const std::vector<std::string> kPastSeconds = {"0", "1", "1000000000", "1700000000", "-1"};
const std::vector<std::string> kHugeSeconds = {"9223372036854775807", "9223372036854775",
                                               "-9223372036854775808", "9223372036854776"};
const std::vector<std::string> kPastMillis = {"0", "1", "1000000000000", "1700000000000", "-1"};
const std::vector<std::string> kHugeMillis = {"9223372036854775807", "9223372036854775806",
                                              "-9223372036854775808"};
// Not a number, or not an integer: every expiry argument must reject these.
const std::vector<std::string> kBadNumbers = {"abc", "1.5", "", " 5", "5 ", "0x10", "+"};

std::string Str(std::int64_t v) { return std::to_string(v); }

bool EqualsNoCase(const std::string& a, const char* b) {
  std::size_t n = std::char_traits<char>::length(b);
  if (a.size() != n) return false;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// A fixed absolute time (seconds or milliseconds) that lies in the past.
bool IsPastTime(const std::string& v) {
  for (const auto* list : {&kPastSeconds, &kPastMillis}) {
    if (std::find(list->begin(), list->end(), v) != list->end()) return true;
  }
  return false;
}

}  // namespace

const std::vector<std::string>& CommandGenerator::Keys() {
  static const std::vector<std::string> keys = {
      "k0",
      "k1",
      "k2",
      "k3",
      "k4",
      "k5",
      "k6",
      "k7",
      "k8",
      "k9",
      "key:1",
      "key:2",
      "key:10",
      "{user}1",
      "{user}2",
      "counter",
      "float",
      "text",
      "a",
      "b",
      "",  // the empty key is a valid key
      "sp ace",
      "bin\r\nkey",
      std::string("nul\0key", 7),
      std::string("\0", 1),
      "\xff\xfe",
      "*",
      "[a]",
      "k?",
      "\xc3\xa9t\xc3\xa9",
      // home keys of the collection families (see FamilyKey)
      "list:a",
      "list:b",
      "hash:a",
      "hash:b",
      "set:a",
      "set:b",
      "zset:a",
      "zset:b",
      "stream:a",
      "stream:b",
  };
  return keys;
}

CommandGenerator::CommandGenerator(std::uint64_t seed, GeneratorOptions options)
    : rng_(seed), options_(options) {
  BuildTable();
}

std::uint64_t CommandGenerator::Uniform(std::uint64_t lo, std::uint64_t hi) {
  return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng_);
}

std::int64_t CommandGenerator::UniformSigned(std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
}

bool CommandGenerator::Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

std::string CommandGenerator::Casing(const std::string& word) {
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  std::string out = word;
  if (r < 0.65) return out;
  for (char& c : out) {
    bool lower = r < 0.85 || Chance(0.5);
    c = static_cast<char>(lower ? std::tolower(static_cast<unsigned char>(c))
                                : std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string CommandGenerator::Key() {
  const auto& keys = Keys();
  // Half the time one of a few hot keys, so that commands see each other's effects.
  if (Chance(0.5)) return keys[Uniform(0, 7)];
  // The collection families' home keys (the last kHomeKeys) are mostly left to their own
  // family (see FamilyKey), so that they keep their type long enough to grow; other
  // commands still reach them now and then (WRONGTYPE, RENAME/COPY/DEL across types).
  if (Chance(0.75)) return keys[Uniform(0, keys.size() - kHomeKeys - 1)];
  return Pick(keys);
}

std::string CommandGenerator::RandomBytes(std::size_t len, bool binary) {
  std::string s;
  s.reserve(len);
  for (std::size_t i = 0; i < len; ++i) {
    if (binary) {
      s.push_back(static_cast<char>(Uniform(0, 255)));
    } else {
      s.push_back(static_cast<char>('a' + Uniform(0, 25)));
    }
  }
  return s;
}

std::string CommandGenerator::IntegerString() {
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.6) return Str(UniformSigned(-1000, 1000));
  if (r < 0.75) {
    return Pick(std::vector<std::string>{"9223372036854775807", "-9223372036854775808",
                                         "9223372036854775806", "-9223372036854775807",
                                         "4611686018427387904", "-4611686018427387904"});
  }
  if (r < 0.85) return Str(UniformSigned(INT64_MIN / 2, INT64_MAX / 2));
  // Strings that look numeric but are not integers by Redis's rules.
  return Pick(std::vector<std::string>{"9223372036854775808", "-9223372036854775809", "-0", "+1",
                                       "007", " 1", "1 ", "0x10", "1e3", "", "1.0",
                                       "12345678901234567890123"});
}

std::string CommandGenerator::FloatString() {
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.6) {
    return Pick(std::vector<std::string>{"1.5",     "-2.25",
                                         "3.0",     "0.1",
                                         "1e10",    "1.7976931348623157e308",
                                         "inf",     "-inf",
                                         "+inf",    "nan",
                                         "1e-5",    ".5",
                                         "5.",      "1.0e2",
                                         "-0.0",    "0.30000000000000004",
                                         "1e308",   "5e-324",
                                         "abc",     "1.5x",
                                         " 1.5",    "1.5 ",
                                         "3.14159", "-1e300",
                                         "1e400",   "0x1p3",
                                         "100",     "-7",
                                         "10.50",   "2.5e-3"});
  }
  char buf[64];
  double d = std::uniform_real_distribution<double>(-1e6, 1e6)(rng_);
  std::snprintf(buf, sizeof(buf), Chance(0.5) ? "%.6g" : "%.17g", d);
  return buf;
}

std::string CommandGenerator::Value() {
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.30) return IntegerString();
  if (r < 0.45) return FloatString();
  if (r < 0.70) {
    return Pick(std::vector<std::string>{"hello", "world", "", "foo bar", "a", "abc",
                                         "\xc3\xa9t\xc3\xa9", "Hello World", "aaa", "ab"});
  }
  if (r < 0.80) return RandomBytes(Uniform(1, 16), false);
  if (r < 0.95) {
    std::string s = RandomBytes(Uniform(0, 12), true);
    s += Pick(std::vector<std::string>{std::string("\0", 1), "\r\n", "\n", "\r"});
    return s;
  }
  // Occasionally a long value (kept moderate so LCS stays cheap).
  return RandomBytes(Uniform(100, 1500), Chance(0.3));
}

std::string CommandGenerator::DbIndex() {
  if (Chance(0.85)) return Str(UniformSigned(0, 3));
  return Pick(std::vector<std::string>{"15", "16", "-1", "abc", "9223372036854775807", "", "1.0",
                                       "99999999999999999999"});
}

std::string CommandGenerator::SmallIndex() {
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.7) return Str(UniformSigned(-30, 30));
  if (r < 0.8) return Pick(std::vector<std::string>{"0", "-1"});
  if (r < 0.9) {
    return Pick(std::vector<std::string>{"9223372036854775807", "-9223372036854775808",
                                         "2147483648", "-2147483649"});
  }
  return Pick(std::vector<std::string>{"abc", "1.5", "", "9223372036854775808"});
}

std::int64_t CommandGenerator::FreshRelativeSeconds() {
  for (;;) {
    std::int64_t s = Chance(0.05)
                         ? static_cast<std::int64_t>(Uniform(kHugeRelativeMinS, kHugeRelativeMaxS))
                         : static_cast<std::int64_t>(Uniform(kRelativeMinS, kRelativeMaxS));
    auto it = used_relative_.lower_bound(s - kRelativeSeparationS);
    if (it != used_relative_.end() && *it <= s + kRelativeSeparationS) continue;
    used_relative_.insert(s);
    return s;
  }
}

std::string CommandGenerator::RelativeSeconds() { return Str(FreshRelativeSeconds()); }

std::string CommandGenerator::RelativeMillis() {
  return Str(FreshRelativeSeconds() * 1000 + UniformSigned(0, 999));
}

std::string CommandGenerator::AbsoluteSeconds() {
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.7) return Pick(kFutureSeconds);
  if (r < 0.88) return Pick(kPastSeconds);
  return Pick(kHugeSeconds);
}

std::string CommandGenerator::AbsoluteMillis() {
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.7) {
    return Pick(kFutureSeconds) + Pick(std::vector<std::string>{"000", "001", "123", "999"});
  }
  if (r < 0.88) return Pick(kPastMillis);
  return Pick(kHugeMillis);
}

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ts|KEEPTTL], in any order, plus
// invalid combinations.
GeneratedCommand CommandGenerator::Set() {
  GeneratedCommand c{{Casing("SET"), Key(), Value()}, CompareMode::kExact, "SET"};
  if (Chance(0.3)) return c;
  std::vector<std::vector<std::string>> groups;
  if (Chance(0.88)) {
    double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (r < 0.25) {
      groups.push_back({Casing("NX")});
    } else if (r < 0.5) {
      groups.push_back({Casing("XX")});
    }
    if (Chance(0.3)) groups.push_back({Casing("GET")});
    switch (Uniform(0, 5)) {
      case 0:
        groups.push_back({Casing("EX"), RelativeSeconds()});
        break;
      case 1:
        groups.push_back({Casing("PX"), RelativeMillis()});
        break;
      case 2:
        groups.push_back({Casing("EXAT"), AbsoluteSeconds()});
        break;
      case 3:
        groups.push_back({Casing("PXAT"), AbsoluteMillis()});
        break;
      case 4:
        groups.push_back({Casing("KEEPTTL")});
        break;
      default:
        break;
    }
  } else {
    switch (Uniform(0, 9)) {
      case 0:
        groups.push_back({"NX"});
        groups.push_back({"XX"});
        break;
      case 1:
        groups.push_back({"EX", Pick(std::vector<std::string>{"0", "-1"})});
        break;
      case 2:
        groups.push_back({"PX", Pick(std::vector<std::string>{"0", "-5"})});
        break;
      case 3:
        groups.push_back(
            {Pick(std::vector<std::string>{"EX", "PX", "EXAT", "PXAT"}), Pick(kBadNumbers)});
        break;
      case 4:
        groups.push_back({"KEEPTTL"});
        groups.push_back({"EX", RelativeSeconds()});
        break;
      case 5:
        groups.push_back({"EX", RelativeSeconds()});
        groups.push_back({"PX", RelativeMillis()});
        break;
      case 6:
        groups.push_back({Pick(std::vector<std::string>{"FOO", "EXX", "NXX", "PERSIST"})});
        break;
      case 7:
        groups.push_back({"EX", RelativeSeconds()});
        groups.push_back({"EX", "100"});
        break;
      case 8:
        groups.push_back({"EX", Pick(kHugeSeconds)});
        break;
      default:
        break;
    }
  }
  std::shuffle(groups.begin(), groups.end(), rng_);
  for (auto& g : groups) {
    for (auto& a : g) c.args.push_back(a);
  }
  // A value-taking option with its value missing: only "missing" when it comes last.
  if (Chance(0.04)) c.args.push_back(Pick(std::vector<std::string>{"EX", "PX", "EXAT", "PXAT"}));
  // Redis 7.0 stores a key SET with a past EXAT/PXAT and leaves it to lazy or active expiry,
  // so until its background cycle runs DBSIZE still counts it: a timing-dependent reply.
  // Touching the key right away makes Redis reclaim it now; the EXISTS reply itself (0) is
  // deterministic and compared like any other.
  for (std::size_t i = 3; i + 1 < c.args.size(); ++i) {
    bool at = EqualsNoCase(c.args[i], "EXAT") || EqualsNoCase(c.args[i], "PXAT");
    if (at && IsPastTime(c.args[i + 1])) {
      pending_.push_back({{"EXISTS", c.args[1]}, CompareMode::kExact, "EXISTS(reap)"});
      break;
    }
  }
  return c;
}

// GETEX key [EX s|PX ms|EXAT ts|PXAT ts|PERSIST]
GeneratedCommand CommandGenerator::GetEx() {
  GeneratedCommand c{{Casing("GETEX"), Key()}, CompareMode::kExact, "GETEX"};
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.2) return c;
  if (r < 0.85) {
    switch (Uniform(0, 4)) {
      case 0:
        c.args.insert(c.args.end(), {Casing("EX"), RelativeSeconds()});
        break;
      case 1:
        c.args.insert(c.args.end(), {Casing("PX"), RelativeMillis()});
        break;
      case 2:
        c.args.insert(c.args.end(), {Casing("EXAT"), AbsoluteSeconds()});
        break;
      case 3:
        c.args.insert(c.args.end(), {Casing("PXAT"), AbsoluteMillis()});
        break;
      default:
        c.args.push_back(Casing("PERSIST"));
        break;
    }
    return c;
  }
  switch (Uniform(0, 6)) {
    case 0:
      c.args.push_back("EX");
      break;
    case 1:
      c.args.insert(c.args.end(), {"EX", Pick(std::vector<std::string>{"0", "-1"})});
      break;
    case 2:
      c.args.insert(c.args.end(), {"PXAT", Pick(kBadNumbers)});
      break;
    case 3:
      c.args.insert(c.args.end(), {"EX", RelativeSeconds(), "PX", RelativeMillis()});
      break;
    case 4:
      c.args.insert(c.args.end(), {"PERSIST", "EX", RelativeSeconds()});
      break;
    case 5:
      c.args.push_back("FOO");
      break;
    default:
      c.args.insert(c.args.end(), {"EXAT", Pick(kHugeSeconds)});
      break;
  }
  return c;
}

// EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT key time [NX|XX|GT|LT]
GeneratedCommand CommandGenerator::Expire(const std::string& name, bool millis, bool absolute) {
  GeneratedCommand c{{Casing(name), Key()}, CompareMode::kExact, name};
  if (Chance(0.8)) {
    if (absolute) {
      c.args.push_back(millis ? AbsoluteMillis() : AbsoluteSeconds());
    } else {
      c.args.push_back(millis ? RelativeMillis() : RelativeSeconds());
    }
  } else {
    // Non-positive relative times delete the key; the rest are errors.
    c.args.push_back(Pick(std::vector<std::string>{"0", "-1", "-100", "abc", "1.5", "",
                                                   "9223372036854775807", "-9223372036854775808",
                                                   "9223372036854775", "9223372036854775808"}));
  }
  if (Chance(0.55)) return c;
  static const std::vector<std::vector<std::string>> kOptions = {
      {"NX"},       {"XX"},  {"GT"},       {"LT"},       {"NX"},       {"XX"},
      {"GT"},       {"LT"},  {"NX", "XX"}, {"GT", "LT"}, {"NX", "GT"}, {"XX", "GT"},
      {"XX", "LT"}, {"FOO"}, {"GT", "GT"}, {"LT", "NX"}};
  for (const auto& o : Pick(kOptions)) c.args.push_back(Casing(o));
  return c;
}

GeneratedCommand CommandGenerator::Ttl(const std::string& name, CompareMode mode) {
  return {{Casing(name), Key()}, mode, name};
}

// SETEX key seconds value / PSETEX key ms value
GeneratedCommand CommandGenerator::SetExLike(const std::string& name, bool millis) {
  std::string t;
  if (Chance(0.85)) {
    t = millis ? RelativeMillis() : RelativeSeconds();
  } else {
    t = Pick(std::vector<std::string>{"0", "-1", "abc", "", " 5", "9223372036854775807",
                                      "-9223372036854775808", "1.5"});
  }
  return {{Casing(name), Key(), t, Value()}, CompareMode::kExact, name};
}

GeneratedCommand CommandGenerator::IncrLike(const std::string& name) {
  GeneratedCommand c{{Casing(name), Key()}, CompareMode::kExact, name};
  if (name == "INCRBY" || name == "DECRBY") {
    c.args.push_back(IntegerString());
  } else if (name == "INCRBYFLOAT") {
    c.args.push_back(Chance(0.6) ? FloatString() : IntegerString());
  }
  return c;
}

GeneratedCommand CommandGenerator::MultiKey(const std::string& name, std::size_t max_keys) {
  GeneratedCommand c{{Casing(name)}, CompareMode::kExact, name};
  std::size_t n = Uniform(1, max_keys);
  for (std::size_t i = 0; i < n; ++i) c.args.push_back(Key());
  return c;
}

// MSET/MSETNX k v [k v ...], sometimes with an odd argument count.
GeneratedCommand CommandGenerator::MSet(const std::string& name) {
  GeneratedCommand c{{Casing(name)}, CompareMode::kExact, name};
  std::size_t pairs = Uniform(1, 4);
  for (std::size_t i = 0; i < pairs; ++i) {
    c.args.push_back(Key());
    c.args.push_back(Value());
  }
  if (Chance(0.1)) c.args.pop_back();
  return c;
}

// GETRANGE/SUBSTR key start end
GeneratedCommand CommandGenerator::Range(const std::string& name) {
  return {{Casing(name), Key(), SmallIndex(), SmallIndex()}, CompareMode::kExact, name};
}

// SETRANGE key offset value. Offsets stay small unless they are errors: a valid offset near
// 512 MB would make both servers allocate half a gigabyte.
GeneratedCommand CommandGenerator::SetRange() {
  std::string offset;
  std::string value = Chance(0.8) ? RandomBytes(Uniform(0, 12), Chance(0.3)) : Value();
  if (value.size() > 64) value.resize(64);
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.7) {
    offset = Str(UniformSigned(0, 40));
  } else if (r < 0.8) {
    offset = Str(UniformSigned(40, 1000));
  } else if (r < 0.85) {
    offset = Pick(std::vector<std::string>{"-1", "-9223372036854775808"});
  } else if (r < 0.9) {
    offset = "536870911";
    value = "";  // zero-length write at the limit: no allocation, but must be accepted
  } else if (r < 0.95) {
    offset = Pick(std::vector<std::string>{"536870912", "9223372036854775807", "4294967296"});
    // push_back, not `= "x"`: GCC 12 warns (-Wrestrict, falsely) on the assignment here.
    if (value.empty()) value.push_back('x');
  } else {
    offset = Pick(kBadNumbers);
  }
  return {{Casing("SETRANGE"), Key(), offset, value}, CompareMode::kExact, "SETRANGE"};
}

// LCS k1 k2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]
GeneratedCommand CommandGenerator::Lcs() {
  GeneratedCommand c{{Casing("LCS"), Key(), Key()}, CompareMode::kExact, "LCS"};
  if (Chance(0.9)) {
    switch (Uniform(0, 2)) {
      case 0:
        break;
      case 1:
        c.args.push_back(Casing("LEN"));
        break;
      default:
        c.args.push_back(Casing("IDX"));
        if (Chance(0.5)) {
          c.args.insert(c.args.end(),
                        {Casing("MINMATCHLEN"),
                         Pick(std::vector<std::string>{"0", "1", "2", "3", "-1", "100"})});
        }
        if (Chance(0.5)) c.args.push_back(Casing("WITHMATCHLEN"));
        break;
    }
    return c;
  }
  switch (Uniform(0, 3)) {
    case 0:
      c.args.insert(c.args.end(), {"LEN", "IDX"});
      break;
    case 1:
      c.args.insert(c.args.end(), {"IDX", "MINMATCHLEN", "abc"});
      break;
    case 2:
      c.args.insert(c.args.end(), {"IDX", "MINMATCHLEN"});
      break;
    default:
      c.args.push_back("FOO");
      break;
  }
  return c;
}

// COPY src dst [DB n] [REPLACE]
GeneratedCommand CommandGenerator::Copy() {
  GeneratedCommand c{{Casing("COPY"), Key(), Key()}, CompareMode::kExact, "COPY"};
  std::vector<std::vector<std::string>> groups;
  if (Chance(0.4)) groups.push_back({Casing("DB"), DbIndex()});
  if (Chance(0.4)) groups.push_back({Casing("REPLACE")});
  if (Chance(0.05)) groups.push_back({"FOO"});
  std::shuffle(groups.begin(), groups.end(), rng_);
  for (auto& g : groups) c.args.insert(c.args.end(), g.begin(), g.end());
  if (Chance(0.03)) c.args.push_back("DB");  // missing value
  return c;
}

GeneratedCommand CommandGenerator::Move() {
  return {{Casing("MOVE"), Key(), DbIndex()}, CompareMode::kExact, "MOVE"};
}

// Mostly back to db 0 so that most traffic hits one database.
GeneratedCommand CommandGenerator::Select() {
  return {{Casing("SELECT"), Chance(0.5) ? "0" : DbIndex()}, CompareMode::kExact, "SELECT"};
}

GeneratedCommand CommandGenerator::SwapDb() {
  return {{Casing("SWAPDB"), DbIndex(), DbIndex()}, CompareMode::kExact, "SWAPDB"};
}

GeneratedCommand CommandGenerator::Flush(const std::string& name) {
  GeneratedCommand c{{Casing(name)}, CompareMode::kExact, name};
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.3) {
    c.args.push_back(Casing("SYNC"));
  } else if (r < 0.5) {
    c.args.push_back(Casing("ASYNC"));
  } else if (r < 0.6) {
    c.args.push_back("FOO");  // syntax error, flushes nothing
  } else if (r < 0.65) {
    c.args.insert(c.args.end(), {"SYNC", "ASYNC"});
  }
  return c;
}

// KEYS pattern: the reply order is the server's hash-table order, so compare as a set.
GeneratedCommand CommandGenerator::KeysCmd() {
  static const std::vector<std::string> kPatterns = {"*",
                                                     "k*",
                                                     "k?",
                                                     "key:*",
                                                     "key:?",
                                                     "*1*",
                                                     "[a-c]",
                                                     "[^k]*",
                                                     "[!k]*",
                                                     "\\*",
                                                     "*\\?",
                                                     "{user}*",
                                                     "\\{user\\}*",
                                                     "",
                                                     "nomatch*",
                                                     "bin*",
                                                     std::string("nul\0*", 5),
                                                     "[k-a]*",
                                                     "*e*y*",
                                                     "k[0-4]",
                                                     "[",
                                                     "a[",
                                                     "\\",
                                                     "?",
                                                     "??",
                                                     "*[0-9]",
                                                     "\xff*",
                                                     "K*",
                                                     "[[]a]"};
  return {{Casing("KEYS"), Pick(kPatterns)}, CompareMode::kUnordered, "KEYS"};
}

GeneratedCommand CommandGenerator::Scan() {
  if (Chance(0.8)) {
    // A full cursor iteration; cursor values and the split into pages are implementation
    // details, the set of returned keys is not.
    GeneratedCommand c{{Casing("SCAN"), "0"}, CompareMode::kScanIteration, "SCAN(iterate)"};
    if (Chance(0.5)) {
      c.args.push_back(Casing("MATCH"));
      c.args.push_back(Pick(std::vector<std::string>{"*", "k*", "key:?", "*a*", "[ab]", ""}));
    }
    if (Chance(0.5)) {
      c.args.push_back(Casing("COUNT"));
      c.args.push_back(Str(UniformSigned(1, 20)));
    }
    if (Chance(0.3)) {
      c.args.push_back(Casing("TYPE"));
      c.args.push_back(Pick(std::vector<std::string>{"string", "STRING", "list", "hash",
                                                         "set", "zset", "ZSet", "stream"}));
    }
    return c;
  }
  static const std::vector<std::vector<std::string>> kInvalid = {{"SCAN", "abc"},
                                                                 {"SCAN", "18446744073709551616"},
                                                                 {"SCAN", "1.5"},
                                                                 {"SCAN", "0", "COUNT", "0"},
                                                                 {"SCAN", "0", "COUNT", "-3"},
                                                                 {"SCAN", "0", "COUNT", "abc"},
                                                                 {"SCAN", "0", "MATCH"},
                                                                 {"SCAN", "0", "COUNT"},
                                                                 {"SCAN", "0", "FOO", "bar"},
                                                                 {"SCAN", "0", "TYPE"}};
  return {Pick(kInvalid), CompareMode::kExact, "SCAN(invalid)"};
}

GeneratedCommand CommandGenerator::ObjectCmd() {
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.85) {
    return {{Casing("OBJECT"), Casing("ENCODING"), Key()}, CompareMode::kExact, "OBJECT ENCODING"};
  }
  if (r < 0.93) {
    return {{"OBJECT", Pick(std::vector<std::string>{"FOO", "encodings", ""}), Key()},
            CompareMode::kExact,
            "OBJECT(unknown sub)"};
  }
  return {{"OBJECT", "ENCODING"}, CompareMode::kExact, "OBJECT(arity)"};
}

// A known command with an argument count its arity forbids.
GeneratedCommand CommandGenerator::WrongArity() {
  struct Arity {
    const char* name;
    int arity;  // Redis convention: n exact, -n at least n
  };
  static const std::vector<Arity> kArities = {
      {"GET", 2},      {"SETNX", 3},      {"SETEX", 4},       {"PSETEX", 4},   {"GETSET", 3},
      {"GETDEL", 2},   {"APPEND", 3},     {"STRLEN", 2},      {"INCR", 2},     {"DECR", 2},
      {"INCRBY", 3},   {"DECRBY", 3},     {"INCRBYFLOAT", 3}, {"GETRANGE", 4}, {"SUBSTR", 4},
      {"SETRANGE", 4}, {"TYPE", 2},       {"RENAME", 3},      {"RENAMENX", 3}, {"MOVE", 3},
      {"SELECT", 2},   {"DBSIZE", 1},     {"SWAPDB", 3},      {"TTL", 2},      {"PTTL", 2},
      {"PERSIST", 2},  {"EXPIRETIME", 2}, {"PEXPIRETIME", 2}, {"KEYS", 2},     {"RANDOMKEY", 1},
      {"SET", -3},     {"MGET", -2},      {"MSET", -3},       {"MSETNX", -3},  {"DEL", -2},
      {"UNLINK", -2},  {"EXISTS", -2},    {"TOUCH", -2},      {"COPY", -3},    {"EXPIRE", -3},
      {"PEXPIRE", -3}, {"EXPIREAT", -3},  {"PEXPIREAT", -3},  {"GETEX", -2},   {"LCS", -3},
      {"SCAN", -2},    {"OBJECT", -2},
      // lists
      {"LPUSH", -3}, {"RPUSH", -3}, {"LPUSHX", -3}, {"RPUSHX", -3}, {"LPOP", -2}, {"RPOP", -2},
      {"LLEN", 2}, {"LRANGE", 4}, {"LINDEX", 3}, {"LSET", 4}, {"LINSERT", 5}, {"LREM", 4},
      {"LTRIM", 4}, {"LPOS", -3}, {"LMOVE", 5}, {"RPOPLPUSH", 3}, {"LMPOP", -4},
      // hashes
      {"HSET", -4}, {"HSETNX", 4}, {"HGET", 3}, {"HMGET", -3}, {"HMSET", -4}, {"HDEL", -3},
      {"HLEN", 2}, {"HEXISTS", 3}, {"HGETALL", 2}, {"HKEYS", 2}, {"HVALS", 2}, {"HINCRBY", 4},
      {"HINCRBYFLOAT", 4}, {"HSTRLEN", 3}, {"HSCAN", -3}, {"HRANDFIELD", -2},
      // sets
      {"SADD", -3}, {"SREM", -3}, {"SMEMBERS", 2}, {"SISMEMBER", 3}, {"SMISMEMBER", -3},
      {"SCARD", 2}, {"SMOVE", 4}, {"SINTER", -2}, {"SINTERCARD", -3}, {"SUNION", -2},
      {"SDIFF", -2}, {"SINTERSTORE", -3}, {"SUNIONSTORE", -3}, {"SDIFFSTORE", -3},
      {"SSCAN", -3}, {"SPOP", -2}, {"SRANDMEMBER", -2},
      // sorted sets
      {"ZADD", -4}, {"ZINCRBY", 4}, {"ZREM", -3}, {"ZSCORE", 3}, {"ZMSCORE", -3}, {"ZCARD", 2},
      {"ZCOUNT", 4}, {"ZLEXCOUNT", 4}, {"ZRANGE", -4}, {"ZRANGESTORE", -5}, {"ZREVRANGE", -4},
      {"ZRANGEBYSCORE", -4}, {"ZREVRANGEBYSCORE", -4}, {"ZRANGEBYLEX", -4},
      {"ZREVRANGEBYLEX", -4}, {"ZRANK", 3}, {"ZREVRANK", 3}, {"ZPOPMIN", -2}, {"ZPOPMAX", -2},
      {"ZMPOP", -4}, {"ZREMRANGEBYRANK", 4}, {"ZREMRANGEBYSCORE", 4}, {"ZREMRANGEBYLEX", 4},
      {"ZSCAN", -3}, {"ZRANDMEMBER", -2},
      // transactions
      {"MULTI", 1}, {"EXEC", 1}, {"DISCARD", 1}, {"WATCH", -2}, {"UNWATCH", 1}};
  const Arity& a = Pick(kArities);
  std::size_t argc;
  if (a.arity > 0) {
    do {
      argc = Uniform(1, a.arity + 2);
    } while (static_cast<int>(argc) == a.arity);
  } else {
    argc = Uniform(1, -a.arity - 1);
  }
  GeneratedCommand c{{Casing(a.name)}, CompareMode::kExact, std::string("arity:") + a.name};
  while (c.args.size() < argc) c.args.push_back(Chance(0.6) ? Key() : Value());
  return c;
}

GeneratedCommand CommandGenerator::Unknown() {
  GeneratedCommand c{
      {Pick(std::vector<std::string>{"FOO", "GETT", "setx", "", "EXPIREX", "bin\r\ncmd",
                                     std::string("x\0y", 3), "RANDOMKEYS", "GET GET"})},
      CompareMode::kExact,
      "unknown"};
  std::size_t n = Uniform(0, 3);
  for (std::size_t i = 0; i < n; ++i) {
    // Long arguments exercise the truncation in the error text.
    c.args.push_back(Chance(0.1) ? RandomBytes(200, false) : (Chance(0.5) ? Key() : Value()));
  }
  return c;
}

void CommandGenerator::BuildTable() {
  auto simple = [this](const char* name) {
    return [this, name] {
      return GeneratedCommand{{Casing(name), Key()}, CompareMode::kExact, name};
    };
  };
  table_ = {
      // strings
      {6, simple("GET")},
      {9, [this] { return Set(); }},
      {1.5,
       [this] {
         return GeneratedCommand{{Casing("SETNX"), Key(), Value()}, CompareMode::kExact, "SETNX"};
       }},
      {1.5, [this] { return SetExLike("SETEX", false); }},
      {1.5, [this] { return SetExLike("PSETEX", true); }},
      {1.5,
       [this] {
         return GeneratedCommand{{Casing("GETSET"), Key(), Value()}, CompareMode::kExact, "GETSET"};
       }},
      {1.5, simple("GETDEL")},
      {2.5, [this] { return GetEx(); }},
      {2, [this] { return MultiKey("MGET", 5); }},
      {2, [this] { return MSet("MSET"); }},
      {1.5, [this] { return MSet("MSETNX"); }},
      {2.5,
       [this] {
         std::string v = Value();
         if (v.size() > 24) v.resize(24);  // keep strings short enough for cheap LCS
         return GeneratedCommand{{Casing("APPEND"), Key(), v}, CompareMode::kExact, "APPEND"};
       }},
      {2, simple("STRLEN")},
      {2.5, [this] { return IncrLike("INCR"); }},
      {1.5, [this] { return IncrLike("DECR"); }},
      {2.5, [this] { return IncrLike("INCRBY"); }},
      {1.5, [this] { return IncrLike("DECRBY"); }},
      {3, [this] { return IncrLike("INCRBYFLOAT"); }},
      {2, [this] { return Range("GETRANGE"); }},
      {1, [this] { return Range("SUBSTR"); }},
      {2, [this] { return SetRange(); }},
      {1.5, [this] { return Lcs(); }},
      // keyspace
      {2, [this] { return MultiKey("DEL", 3); }},
      {1, [this] { return MultiKey("UNLINK", 3); }},
      {2, [this] { return MultiKey("EXISTS", 4); }},
      {1.5, simple("TYPE")},
      {1.5,
       [this] {
         return GeneratedCommand{{Casing("RENAME"), Key(), Key()}, CompareMode::kExact, "RENAME"};
       }},
      {1.5,
       [this] {
         return GeneratedCommand{
             {Casing("RENAMENX"), Key(), Key()}, CompareMode::kExact, "RENAMENX"};
       }},
      {2, [this] { return Copy(); }},
      {1.5, [this] { return Move(); }},
      {1, [this] { return MultiKey("TOUCH", 3); }},
      {2, [this] { return Select(); }},
      {1,
       [this] {
         return GeneratedCommand{{Casing("DBSIZE")}, CompareMode::kExact, "DBSIZE"};
       }},
      {0.4, [this] { return SwapDb(); }},
      {0.1, [this] { return Flush("FLUSHDB"); }},
      {0.02, [this] { return Flush("FLUSHALL"); }},
      {1.5, [this] { return KeysCmd(); }},
      {1, [this] { return Scan(); }},
      // expiry
      {2, [this] { return Expire("EXPIRE", false, false); }},
      {1.5, [this] { return Expire("PEXPIRE", true, false); }},
      {2, [this] { return Expire("EXPIREAT", false, true); }},
      {1.5, [this] { return Expire("PEXPIREAT", true, true); }},
      {2.5, [this] { return Ttl("TTL", CompareMode::kTtlSeconds); }},
      {2, [this] { return Ttl("PTTL", CompareMode::kTtlMillis); }},
      {1.5, simple("PERSIST")},
      {1.5, [this] { return Ttl("EXPIRETIME", CompareMode::kTtlSeconds); }},
      {1.5, [this] { return Ttl("PEXPIRETIME", CompareMode::kTtlMillis); }},
      {1, [this] { return ObjectCmd(); }},
      // errors
      {2, [this] { return WrongArity(); }},
      {0.7, [this] { return Unknown(); }},
  };
  AddCollectionBuilders();
  AddStreamBuilders();
  for (const auto& e : table_) total_weight_ += e.weight;
}

GeneratedCommand CommandGenerator::Next() {
  if (!pending_.empty()) {
    GeneratedCommand c = std::move(pending_.front());
    pending_.pop_front();
    return c;
  }
  double r = std::uniform_real_distribution<double>(0, total_weight_)(rng_);
  for (const auto& e : table_) {
    if (r < e.weight) return e.build();
    r -= e.weight;
  }
  return table_.back().build();
}

}  // namespace strata::test
