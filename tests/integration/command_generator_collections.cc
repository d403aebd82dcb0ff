// Builders for lists, hashes, sets, sorted sets and transactions (see command_generator.h).
//
// Determinism rules these builders follow:
//  * Set members, hash fields and sorted-set members come from small fixed pools (each entry
//    at most 64 bytes). A collection therefore never holds more distinct elements than its
//    pool, hashes and sorted sets stay listpack-encoded in Redis (replies in insertion / score
//    order), and a count larger than the pool makes SPOP / SRANDMEMBER / HRANDFIELD /
//    ZRANDMEMBER return the whole collection, whose content (not order) is deterministic.
//  * Hash values are at most 64 bytes and HINCRBYFLOAT increments stay far below 1e40, so
//    incremented values stay short and never convert a hash to a hashtable.
//  * Random forms that depend on the RNG of the server (SPOP without count on a set of more
//    than one member, negative counts on multi-element collections) are only generated on a
//    freshly built single-element scratch collection, where the answer is fixed.
//  * Replies that enumerate a hashtable-encoded set are compared as multisets; SSCAN/HSCAN/
//    ZSCAN drive the full cursor loop and compare the element sets.
#include <algorithm>
#include <cctype>

#include "command_generator.h"

namespace strata::test {
namespace {

std::string Str(std::int64_t v) { return std::to_string(v); }

bool EqualsIgnoringCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Scratch keys for the single-element random forms; not in Keys(), so no other builder
// touches them, but they share the key-space naming so SCAN/KEYS see them.
const char* const kScratchSet = "scratch:set";
const char* const kScratchHash = "scratch:hash";
const char* const kScratchZset = "scratch:zset";
// Never written by anything: random commands on it are deterministic (nil / empty).
const char* const kMissingKey = "missing:key";

const std::vector<std::string> kListElements = {
    "a", "b", "c", "x", "1", "2", "10", "-1", "hello", "", "foo bar", std::string("n\0l", 3),
    "\xc3\xa9", "a", "b", "1"};
const std::vector<std::string> kHashFields = {"f1",  "f2",   "f3",    "f4", "name", "age",
                                              "cnt", "1",    "",      "x y", "\xc3\xa9",
                                              "F1",  "f\r\n", "long-field-name-0123456789"};
const std::vector<std::string> kSetMembers = {
    "1",  "2",  "3",  "10", "-5", "0", "9223372036854775807", "-9223372036854775808",
    "42", "a",  "b",  "c",  "007", "1.5", "", "18446744073709551616", "hello", "x y",
    "\xc3\xa9", "+1"};
const std::vector<std::string> kZMembers = {"a", "b",  "c",  "d",  "e",  "m1", "m2",
                                            "x", "y",  "z",  "1",  "2",  "10", "-1",
                                            "",  "aa", "ab", "A",  "a b", "\xc3\xa9"};
const std::vector<std::string> kScores = {"0",   "1",    "2",    "3",    "-1",   "1.1",
                                          "2.5", "-3.5", "10",   "100",  "inf",  "-inf",
                                          "+inf", "1e3", "0.1",  "-0",   "1",    "2",
                                          "1.5", "7",    "1e-3", "-2.25", "3.0", "1e300"};
const std::vector<std::string> kBadScores = {"abc", "nan", "", "1.5x", " 1", "(1", "0x10", "--1"};
// HINCRBYFLOAT increments: bounded so results stay short (see above), plus invalid ones.
const std::vector<std::string> kHashFloatIncrements = {
    "1.5", "-2.25", "0.1", "3", "-7", "1e10", "-1e10", "2.5e-3", ".5", "5.", "0", "-0.0",
    "100", "0.30000000000000004", "inf", "-inf", "nan", "abc", "", "1.5x", " 1", "1e400x"};

}  // namespace

// Each collection family has a few home keys (two of its own and one of the hot keys k0-k4)
// where it lands most of the time, so that most of its commands find the right type; the
// rest of the time any key, which exercises WRONGTYPE and cross-type RENAME/COPY/etc.
std::string CommandGenerator::FamilyKey(char family) {
  // Streams stay home more: most of their commands need a stream that has a group.
  if (!Chance(family == 'x' ? 0.8 : 0.65)) return Key();
  static const std::vector<std::string> kLists = {"list:a", "list:b", "k0"};
  static const std::vector<std::string> kHashes = {"hash:a", "hash:b", "k1"};
  static const std::vector<std::string> kSets = {"set:a", "set:b", "k2"};
  static const std::vector<std::string> kZsets = {"zset:a", "zset:b", "k3"};
  // k4 less often: it is a hot key of the string commands, mostly not a stream.
  static const std::vector<std::string> kStreams = {"stream:a", "stream:b", "stream:a", "stream:b",
                                                    "k4"};
  switch (family) {
    case 'l':
      return Pick(kLists);
    case 'h':
      return Pick(kHashes);
    case 's':
      return Pick(kSets);
    case 'x':
      return Pick(kStreams);
    default:
      return Pick(kZsets);
  }
}

std::string CommandGenerator::ListElement() {
  if (Chance(0.85)) return Pick(kListElements);
  std::string v = Value();
  if (v.size() > 64) v.resize(64);
  return v;
}

std::string CommandGenerator::HashField() { return Pick(kHashFields); }

std::string CommandGenerator::HashValue() {
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.35) return IntegerString();
  if (r < 0.5) {
    return Pick(std::vector<std::string>{"1.5", "-2.25", "0.1", "3.0", "1e10", "inf", "abc",
                                         "1.5x", "10.50", "5.", ".5", "-0.0"});
  }
  if (r < 0.8) return Pick(std::vector<std::string>{"v", "", "hello", "world", "a b", "1 "});
  std::string v = RandomBytes(Uniform(0, 64), Chance(0.3));
  return v;
}

std::string CommandGenerator::SetMember() { return Pick(kSetMembers); }
std::string CommandGenerator::ZMember() { return Pick(kZMembers); }

std::string CommandGenerator::Score() {
  if (Chance(0.93)) return Pick(kScores);
  return Pick(kBadScores);
}

std::string CommandGenerator::ScoreBound() {
  if (Chance(0.92)) {
    return Pick(std::vector<std::string>{"-inf", "+inf", "inf", "0", "1", "(1", "(1.1", "1.1",
                                         "2.5", "(2.5", "10", "(10", "-1", "(-inf", "(+inf",
                                         "100", "3", "(0", "-3.5", "1e3"});
  }
  return Pick(std::vector<std::string>{"abc", "(", "((1", "nan", "(nan", "", "[1", "1x"});
}

std::string CommandGenerator::LexBound() {
  if (Chance(0.92)) {
    return Pick(std::vector<std::string>{"-", "+", "[a", "(a", "[b", "(b", "[m1", "(z", "[z",
                                         "[", "(", "[aa", "(1", "[10", "[A"});
  }
  return Pick(std::vector<std::string>{"a", "", "{a", "-a", "+a", "1"});
}

std::string CommandGenerator::Count() {
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.7) return Str(UniformSigned(0, 5));
  if (r < 0.8) return Pick(std::vector<std::string>{"0", "100", "9223372036854775807"});
  return Pick(std::vector<std::string>{"-1", "-100", "abc", "1.5", "", "9223372036854775808",
                                       "-9223372036854775808"});
}

std::string CommandGenerator::NumKeys(std::size_t actual) {
  if (Chance(0.88)) return Str(static_cast<std::int64_t>(actual));
  return Pick(std::vector<std::string>{"0", "-1", "abc", Str(static_cast<std::int64_t>(actual) + 3),
                                       "9223372036854775807", "1.5"});
}

// ---------------------------------------------------------------- lists

GeneratedCommand CommandGenerator::Push(const std::string& name) {
  GeneratedCommand c{{Casing(name), FamilyKey('l')}, CompareMode::kExact, name};
  std::size_t n = Uniform(1, 4);
  for (std::size_t i = 0; i < n; ++i) c.args.push_back(ListElement());
  return c;
}

// LPOP/RPOP key [count]
GeneratedCommand CommandGenerator::Pop(const std::string& name) {
  GeneratedCommand c{{Casing(name), FamilyKey('l')}, CompareMode::kExact, name};
  if (Chance(0.5)) c.args.push_back(Count());
  if (Chance(0.02)) c.args.push_back("1");  // too many arguments
  return c;
}

// LINSERT key BEFORE|AFTER pivot element
GeneratedCommand CommandGenerator::LInsert() {
  std::string where = Chance(0.95) ? Pick(std::vector<std::string>{"BEFORE", "AFTER"})
                                   : Pick(std::vector<std::string>{"MIDDLE", "", "BEFOREX"});
  return {{Casing("LINSERT"), FamilyKey('l'), Casing(where), ListElement(), ListElement()},
          CompareMode::kExact,
          "LINSERT"};
}

// LPOS key element [RANK r] [COUNT n] [MAXLEN m]
GeneratedCommand CommandGenerator::LPos() {
  GeneratedCommand c{{Casing("LPOS"), FamilyKey('l'), ListElement()}, CompareMode::kExact, "LPOS"};
  std::vector<std::vector<std::string>> groups;
  if (Chance(0.4)) {
    groups.push_back(
        {Casing("RANK"), Chance(0.85) ? Str(UniformSigned(-4, 4))
                                      : Pick(std::vector<std::string>{
                                            "abc", "9223372036854775807",
                                            "-9223372036854775808", "1.5"})});
  }
  if (Chance(0.4)) {
    groups.push_back({Casing("COUNT"), Chance(0.85) ? Str(UniformSigned(0, 5))
                                                    : Pick(std::vector<std::string>{
                                                          "-1", "abc", "1.5"})});
  }
  if (Chance(0.3)) {
    groups.push_back({Casing("MAXLEN"), Chance(0.85) ? Str(UniformSigned(0, 8))
                                                     : Pick(std::vector<std::string>{
                                                           "-1", "abc"})});
  }
  if (Chance(0.04)) groups.push_back({"FOO"});
  std::shuffle(groups.begin(), groups.end(), rng_);
  for (auto& g : groups) c.args.insert(c.args.end(), g.begin(), g.end());
  if (Chance(0.03)) c.args.push_back("RANK");  // option without value
  return c;
}

GeneratedCommand CommandGenerator::LMove() {
  auto side = [this] {
    return Chance(0.96) ? Casing(Pick(std::vector<std::string>{"LEFT", "RIGHT"}))
                        : Pick(std::vector<std::string>{"UP", ""});
  };
  return {{Casing("LMOVE"), FamilyKey('l'), FamilyKey('l'), side(), side()}, CompareMode::kExact, "LMOVE"};
}

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT n]
GeneratedCommand CommandGenerator::LMPop() {
  std::size_t n = Uniform(1, 3);
  GeneratedCommand c{{Casing("LMPOP"), NumKeys(n)}, CompareMode::kExact, "LMPOP"};
  for (std::size_t i = 0; i < n; ++i) c.args.push_back(FamilyKey('l'));
  c.args.push_back(Chance(0.95) ? Casing(Pick(std::vector<std::string>{"LEFT", "RIGHT"}))
                                : "MIDDLE");
  if (Chance(0.5)) {
    c.args.push_back(Casing("COUNT"));
    c.args.push_back(Chance(0.8) ? Str(UniformSigned(1, 5)) : Count());
  }
  if (Chance(0.03)) c.args.push_back("COUNT");
  return c;
}

// ---------------------------------------------------------------- hashes

// HSET/HMSET key f v [f v ...] (sometimes an odd count)
GeneratedCommand CommandGenerator::HSet(const std::string& name) {
  GeneratedCommand c{{Casing(name), FamilyKey('h')}, CompareMode::kExact, name};
  std::size_t pairs = Uniform(1, 3);
  for (std::size_t i = 0; i < pairs; ++i) {
    c.args.push_back(HashField());
    c.args.push_back(HashValue());
  }
  if (Chance(0.05)) c.args.pop_back();
  return c;
}

GeneratedCommand CommandGenerator::HFieldsCmd(const std::string& name) {
  GeneratedCommand c{{Casing(name), FamilyKey('h')}, CompareMode::kExact, name};
  std::size_t n = Uniform(1, 4);
  for (std::size_t i = 0; i < n; ++i) c.args.push_back(HashField());
  return c;
}

GeneratedCommand CommandGenerator::HIncr(const std::string& name) {
  std::string by;
  if (name == "HINCRBY") {
    by = Chance(0.8) ? Str(UniformSigned(-100, 100)) : IntegerString();
  } else {
    by = Pick(kHashFloatIncrements);
  }
  return {{Casing(name), FamilyKey('h'), HashField(), by}, CompareMode::kExact, name};
}

// HRANDFIELD in its deterministic forms only.
GeneratedCommand CommandGenerator::HRandField() {
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.25) {
    // Count 0: always an empty array (after the type check).
    GeneratedCommand c{{Casing("HRANDFIELD"), FamilyKey('h'), "0"}, CompareMode::kExact, "HRANDFIELD"};
    if (Chance(0.3)) c.args.push_back(Casing("WITHVALUES"));
    return c;
  }
  if (r < 0.6) {
    // Count above the field pool: the whole hash, in an unspecified order.
    GeneratedCommand c{{Casing("HRANDFIELD"), FamilyKey('h'), Pick(std::vector<std::string>{"50", "1000"})},
                       CompareMode::kUnordered,
                       "HRANDFIELD(all)"};
    if (Chance(0.5)) {
      c.args.push_back(Casing("WITHVALUES"));
      c.mode = CompareMode::kUnorderedPairs;
    }
    return c;
  }
  if (r < 0.7) {
    GeneratedCommand c{{Casing("HRANDFIELD"), kMissingKey}, CompareMode::kExact,
                       "HRANDFIELD(missing)"};
    if (Chance(0.5)) c.args.push_back(Pick(std::vector<std::string>{"3", "-3", "0"}));
    return c;
  }
  if (r < 0.85) {
    // A single-field scratch hash: even negative counts and no count are deterministic.
    std::string f = HashField();
    pending_.push_back({{"DEL", kScratchHash}, CompareMode::kExact, "scratch:DEL"});
    pending_.push_back({{"HSET", kScratchHash, f, HashValue()}, CompareMode::kExact,
                        "scratch:HSET"});
    GeneratedCommand c{{Casing("HRANDFIELD"), kScratchHash}, CompareMode::kExact,
                       "HRANDFIELD(single)"};
    if (Chance(0.7)) c.args.push_back(Str(UniformSigned(-4, 4)));
    if (c.args.size() == 3 && Chance(0.5)) c.args.push_back(Casing("WITHVALUES"));
    pending_.push_back(c);
    GeneratedCommand first = std::move(pending_.front());
    pending_.pop_front();
    return first;
  }
  // Errors: the count is parsed before anything random happens.
  GeneratedCommand c{{Casing("HRANDFIELD"), FamilyKey('h')}, CompareMode::kExact, "HRANDFIELD(invalid)"};
  switch (Uniform(0, 3)) {
    case 0:
      c.args.push_back(Pick(std::vector<std::string>{"abc", "1.5", ""}));
      break;
    case 1:
      c.args.insert(c.args.end(), {"0", "WITHVALUES", "extra"});
      break;
    case 2:
      c.args.insert(c.args.end(), {"0", "FOO"});
      break;
    default:
      c.args.insert(c.args.end(), {"-9223372036854775808", "WITHVALUES"});
      break;
  }
  return c;
}

// SSCAN/HSCAN/ZSCAN key 0 [MATCH p] [COUNT n], or an invalid form.
GeneratedCommand CommandGenerator::ElementScan(const std::string& name) {
  const char scan_family = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
  if (Chance(0.8)) {
    GeneratedCommand c{{Casing(name), FamilyKey(scan_family), "0"}, CompareMode::kElementScan,
                       name + "(iterate)"};
    if (Chance(0.4)) {
      c.args.push_back(Casing("MATCH"));
      c.args.push_back(Pick(std::vector<std::string>{"*", "a*", "f?", "*1*", "[ab]*", "",
                                                     "\\*", "x*"}));
    }
    if (Chance(0.4)) {
      c.args.push_back(Casing("COUNT"));
      c.args.push_back(Str(UniformSigned(1, 20)));
    }
    return c;
  }
  static const std::vector<std::vector<std::string>> kInvalid = {
      {"abc"}, {"1.5"}, {"18446744073709551616"}, {"0", "COUNT", "0"},
      {"0", "COUNT", "abc"}, {"0", "COUNT"}, {"0", "MATCH"}, {"0", "FOO", "bar"},
      {"0", "TYPE", "string"}};
  GeneratedCommand c{{Casing(name), FamilyKey(scan_family)}, CompareMode::kExact,
                     name + "(invalid)"};
  for (const auto& a : Pick(kInvalid)) c.args.push_back(a);
  return c;
}

// ---------------------------------------------------------------- sets

GeneratedCommand CommandGenerator::SMembersCmd(const std::string& name) {
  GeneratedCommand c{{Casing(name), FamilyKey('s')}, CompareMode::kExact, name};
  std::size_t n = Uniform(1, 4);
  for (std::size_t i = 0; i < n; ++i) c.args.push_back(SetMember());
  return c;
}

GeneratedCommand CommandGenerator::SetAlgebra(const std::string& name) {
  bool store = name.size() > 5 && name.substr(name.size() - 5) == "STORE";
  GeneratedCommand c{{Casing(name)}, store ? CompareMode::kExact : CompareMode::kUnordered, name};
  if (store) c.args.push_back(FamilyKey('s'));
  std::size_t n = Uniform(1, 3);
  for (std::size_t i = 0; i < n; ++i) c.args.push_back(FamilyKey('s'));
  return c;
}

// SINTERCARD numkeys key [key ...] [LIMIT n]
GeneratedCommand CommandGenerator::SInterCard() {
  std::size_t n = Uniform(1, 3);
  GeneratedCommand c{{Casing("SINTERCARD"), NumKeys(n)}, CompareMode::kExact, "SINTERCARD"};
  for (std::size_t i = 0; i < n; ++i) c.args.push_back(FamilyKey('s'));
  if (Chance(0.4)) {
    c.args.push_back(Casing("LIMIT"));
    c.args.push_back(Chance(0.85) ? Str(UniformSigned(0, 5))
                                  : Pick(std::vector<std::string>{"-1", "abc"}));
  }
  return c;
}

// SPOP / SRANDMEMBER in deterministic forms only.
GeneratedCommand CommandGenerator::SPopRandom(const std::string& name) {
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.45) {
    // Count 0 (empty) or above the member pool (the whole set; SPOP deletes it).
    std::string count = Pick(std::vector<std::string>{"0", "0", "50", "1000"});
    return {{Casing(name), FamilyKey('s'), count},
            count == "0" ? CompareMode::kExact : CompareMode::kUnordered,
            name + (count == "0" ? "(0)" : "(all)")};
  }
  if (r < 0.55) {
    GeneratedCommand c{{Casing(name), kMissingKey}, CompareMode::kExact, name + "(missing)"};
    if (Chance(0.5)) c.args.push_back(Pick(std::vector<std::string>{"3", "-3", "0"}));
    if (name == "SPOP" && c.args.size() == 3 && c.args[2] == "-3") c.args[2] = "3";
    return c;
  }
  if (r < 0.8) {
    pending_.push_back({{"DEL", kScratchSet}, CompareMode::kExact, "scratch:DEL"});
    pending_.push_back({{"SADD", kScratchSet, SetMember()}, CompareMode::kExact,
                        "scratch:SADD"});
    GeneratedCommand c{{Casing(name), kScratchSet}, CompareMode::kExact, name + "(single)"};
    if (Chance(0.6)) {
      c.args.push_back(name == "SPOP" ? Str(UniformSigned(0, 4)) : Str(UniformSigned(-4, 4)));
    }
    pending_.push_back(c);
    GeneratedCommand first = std::move(pending_.front());
    pending_.pop_front();
    return first;
  }
  GeneratedCommand c{{Casing(name), FamilyKey('s')}, CompareMode::kExact, name + "(invalid)"};
  switch (Uniform(0, 2)) {
    case 0:
      c.args.push_back(Pick(std::vector<std::string>{"abc", "1.5", "", "-1"}));
      if (name == "SRANDMEMBER" && c.args.back() == "-1") c.args.back() = "x";
      break;
    case 1:
      c.args.insert(c.args.end(), {"1", "2"});
      break;
    default:
      c.args.push_back("-9223372036854775808");
      break;
  }
  return c;
}

// ---------------------------------------------------------------- sorted sets

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
GeneratedCommand CommandGenerator::ZAdd() {
  GeneratedCommand c{{Casing("ZADD"), FamilyKey('z')}, CompareMode::kExact, "ZADD"};
  if (Chance(0.5)) {
    std::vector<std::string> opts;
    double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (r < 0.2) {
      opts.push_back("NX");
    } else if (r < 0.4) {
      opts.push_back("XX");
    }
    double g = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (g < 0.2) {
      opts.push_back("GT");
    } else if (g < 0.4) {
      opts.push_back("LT");
    }
    if (Chance(0.35)) opts.push_back("CH");
    if (Chance(0.25)) opts.push_back("INCR");
    if (Chance(0.05)) opts.push_back(Pick(std::vector<std::string>{"NX", "GT", "XX", "FOO"}));
    std::shuffle(opts.begin(), opts.end(), rng_);
    for (const auto& o : opts) c.args.push_back(Casing(o));
  }
  bool incr = false;
  for (std::size_t i = 2; i < c.args.size(); ++i) {
    if (EqualsIgnoringCase(c.args[i], "INCR")) incr = true;
  }
  std::size_t pairs = incr && Chance(0.9) ? 1 : Uniform(1, 3);
  for (std::size_t i = 0; i < pairs; ++i) {
    c.args.push_back(Score());
    c.args.push_back(ZMember());
  }
  if (Chance(0.04)) c.args.pop_back();
  return c;
}

// ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
GeneratedCommand CommandGenerator::ZRangeGeneric() {
  GeneratedCommand c{{Casing("ZRANGE"), FamilyKey('z')}, CompareMode::kExact, "ZRANGE"};
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  std::string by;
  if (r < 0.45) {
    c.args.push_back(SmallIndex());
    c.args.push_back(SmallIndex());
  } else if (r < 0.75) {
    by = "BYSCORE";
    c.args.push_back(ScoreBound());
    c.args.push_back(ScoreBound());
  } else {
    by = "BYLEX";
    c.args.push_back(LexBound());
    c.args.push_back(LexBound());
  }
  std::vector<std::vector<std::string>> groups;
  if (!by.empty() && Chance(0.97)) groups.push_back({Casing(by)});
  if (Chance(0.3)) groups.push_back({Casing("REV")});
  if ((!by.empty() && Chance(0.35)) || Chance(0.03)) {
    groups.push_back({Casing("LIMIT"), Str(UniformSigned(-1, 4)),
                      Chance(0.9) ? Str(UniformSigned(-1, 5)) : "abc"});
  }
  if ((by != "BYLEX" && Chance(0.4)) || Chance(0.03)) groups.push_back({Casing("WITHSCORES")});
  if (Chance(0.03)) groups.push_back({"FOO"});
  // Options may come in any order (Redis accepts that).
  std::shuffle(groups.begin(), groups.end(), rng_);
  for (auto& g : groups) c.args.insert(c.args.end(), g.begin(), g.end());
  return c;
}

// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
GeneratedCommand CommandGenerator::ZRangeStore() {
  GeneratedCommand c = ZRangeGeneric();
  c.args[0] = Casing("ZRANGESTORE");
  c.args.insert(c.args.begin() + 1, FamilyKey('z'));
  c.label = "ZRANGESTORE";
  return c;  // a stray WITHSCORES is a syntax error here, which is a valid test too
}

// ZRANGEBYSCORE / ZREVRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
GeneratedCommand CommandGenerator::ZRangeByScore(const std::string& name) {
  GeneratedCommand c{{Casing(name), FamilyKey('z'), ScoreBound(), ScoreBound()}, CompareMode::kExact,
                     name};
  std::vector<std::vector<std::string>> groups;
  if (Chance(0.4)) groups.push_back({Casing("WITHSCORES")});
  if (Chance(0.35)) {
    groups.push_back({Casing("LIMIT"), Str(UniformSigned(-1, 4)),
                      Chance(0.9) ? Str(UniformSigned(-1, 5)) : "x"});
  }
  if (Chance(0.03)) groups.push_back({"LIMIT", "0"});
  std::shuffle(groups.begin(), groups.end(), rng_);
  for (auto& g : groups) c.args.insert(c.args.end(), g.begin(), g.end());
  return c;
}

GeneratedCommand CommandGenerator::ZRangeByLex(const std::string& name) {
  GeneratedCommand c{{Casing(name), FamilyKey('z'), LexBound(), LexBound()}, CompareMode::kExact, name};
  if (Chance(0.35)) {
    c.args.insert(c.args.end(), {Casing("LIMIT"), Str(UniformSigned(-1, 4)),
                                 Str(UniformSigned(-1, 5))});
  }
  if (Chance(0.03)) c.args.push_back("WITHSCORES");
  return c;
}

GeneratedCommand CommandGenerator::ZPop(const std::string& name) {
  GeneratedCommand c{{Casing(name), FamilyKey('z')}, CompareMode::kExact, name};
  if (Chance(0.5)) c.args.push_back(Count());
  if (Chance(0.02)) c.args.push_back("1");
  return c;
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT n]
GeneratedCommand CommandGenerator::ZMPop() {
  std::size_t n = Uniform(1, 3);
  GeneratedCommand c{{Casing("ZMPOP"), NumKeys(n)}, CompareMode::kExact, "ZMPOP"};
  for (std::size_t i = 0; i < n; ++i) c.args.push_back(FamilyKey('z'));
  c.args.push_back(Chance(0.95) ? Casing(Pick(std::vector<std::string>{"MIN", "MAX"})) : "MID");
  if (Chance(0.5)) {
    c.args.push_back(Casing("COUNT"));
    c.args.push_back(Chance(0.8) ? Str(UniformSigned(1, 5)) : Count());
  }
  if (Chance(0.03)) c.args.push_back("COUNT");
  return c;
}

GeneratedCommand CommandGenerator::ZRemRange(const std::string& name) {
  GeneratedCommand c{{Casing(name), FamilyKey('z')}, CompareMode::kExact, name};
  if (name == "ZREMRANGEBYRANK") {
    c.args.push_back(SmallIndex());
    c.args.push_back(SmallIndex());
  } else if (name == "ZREMRANGEBYSCORE") {
    c.args.push_back(ScoreBound());
    c.args.push_back(ScoreBound());
  } else {
    c.args.push_back(LexBound());
    c.args.push_back(LexBound());
  }
  return c;
}

// ZRANDMEMBER in deterministic forms only.
GeneratedCommand CommandGenerator::ZRandMember() {
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.25) {
    GeneratedCommand c{{Casing("ZRANDMEMBER"), FamilyKey('z'), "0"}, CompareMode::kExact, "ZRANDMEMBER"};
    if (Chance(0.3)) c.args.push_back(Casing("WITHSCORES"));
    return c;
  }
  if (r < 0.6) {
    GeneratedCommand c{{Casing("ZRANDMEMBER"), FamilyKey('z'), Pick(std::vector<std::string>{"50", "999"})},
                       CompareMode::kUnordered,
                       "ZRANDMEMBER(all)"};
    if (Chance(0.5)) {
      c.args.push_back(Casing("WITHSCORES"));
      c.mode = CompareMode::kUnorderedPairs;
    }
    return c;
  }
  if (r < 0.7) {
    GeneratedCommand c{{Casing("ZRANDMEMBER"), kMissingKey}, CompareMode::kExact,
                       "ZRANDMEMBER(missing)"};
    if (Chance(0.5)) c.args.push_back(Pick(std::vector<std::string>{"3", "-3", "0"}));
    return c;
  }
  if (r < 0.85) {
    pending_.push_back({{"DEL", kScratchZset}, CompareMode::kExact, "scratch:DEL"});
    pending_.push_back({{"ZADD", kScratchZset, Pick(kScores), ZMember()}, CompareMode::kExact,
                        "scratch:ZADD"});
    GeneratedCommand c{{Casing("ZRANDMEMBER"), kScratchZset}, CompareMode::kExact,
                       "ZRANDMEMBER(single)"};
    if (Chance(0.7)) c.args.push_back(Str(UniformSigned(-4, 4)));
    if (c.args.size() == 3 && Chance(0.5)) c.args.push_back(Casing("WITHSCORES"));
    pending_.push_back(c);
    GeneratedCommand first = std::move(pending_.front());
    pending_.pop_front();
    return first;
  }
  GeneratedCommand c{{Casing("ZRANDMEMBER"), FamilyKey('z')}, CompareMode::kExact, "ZRANDMEMBER(invalid)"};
  switch (Uniform(0, 3)) {
    case 0:
      c.args.push_back(Pick(std::vector<std::string>{"abc", "1.5", ""}));
      break;
    case 1:
      c.args.insert(c.args.end(), {"0", "WITHSCORES", "extra"});
      break;
    case 2:
      c.args.insert(c.args.end(), {"0", "FOO"});
      break;
    default:
      c.args.insert(c.args.end(), {"-9223372036854775808", "WITHSCORES"});
      break;
  }
  return c;
}

// ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE dst numkeys key ... [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX]
// and ZUNION/ZINTER/ZDIFF numkeys key ... [WEIGHTS ...] [AGGREGATE ...] [WITHSCORES],
// ZINTERCARD numkeys key ... [LIMIT n].
// DISABLED: these commands are not registered in this worktree yet (being added on another
// branch). The lead enables the table entries in AddCollectionBuilders() after merging.
GeneratedCommand CommandGenerator::ZSetAlgebra(const std::string& name) {
  bool store = name.size() > 5 && name.substr(name.size() - 5) == "STORE";
  bool card = name == "ZINTERCARD";
  bool diff = name.rfind("ZDIFF", 0) == 0;
  GeneratedCommand c{{Casing(name)}, CompareMode::kExact, name};
  if (store) c.args.push_back(FamilyKey('z'));
  std::size_t n = Uniform(1, 3);
  c.args.push_back(NumKeys(n));
  for (std::size_t i = 0; i < n; ++i) c.args.push_back(FamilyKey('z'));
  if (card) {
    if (Chance(0.4)) {
      c.args.insert(c.args.end(), {Casing("LIMIT"), Chance(0.85) ? Str(UniformSigned(0, 5))
                                                                 : "-1"});
    }
    return c;
  }
  if (!diff && Chance(0.35)) {
    c.args.push_back(Casing("WEIGHTS"));
    std::size_t w = Chance(0.93) ? n : n + 1;
    for (std::size_t i = 0; i < w; ++i) {
      c.args.push_back(Pick(std::vector<std::string>{"1", "2", "0", "-1", "1.5", "inf", "-inf",
                                                     "abc"}));
    }
  }
  if (!diff && Chance(0.35)) {
    c.args.push_back(Casing("AGGREGATE"));
    c.args.push_back(Chance(0.95) ? Casing(Pick(std::vector<std::string>{"SUM", "MIN", "MAX"}))
                                  : "AVG");
  }
  if (!store && Chance(0.4)) c.args.push_back(Casing("WITHSCORES"));
  return c;
}

// ---------------------------------------------------------------- transactions

// One command for inside MULTI: any builder that compares exactly and queues nothing itself.
GeneratedCommand CommandGenerator::InMulti() {
  for (;;) {
    double r = std::uniform_real_distribution<double>(0, total_weight_)(rng_);
    const Entry* chosen = &table_.back();
    for (const auto& e : table_) {
      if (r < e.weight) {
        chosen = &e;
        break;
      }
      r -= e.weight;
    }
    if (!chosen->in_multi) continue;
    const std::size_t queued = pending_.size();
    GeneratedCommand c = chosen->build();
    // A follow-up the builder queued (the EXISTS that reaps a key SET with a past PXAT) must
    // run after the command: inside a transaction that is after its EXEC, where Transaction()
    // and Watch() put after_exec_.
    after_exec_.insert(after_exec_.end(), pending_.begin() + static_cast<std::ptrdiff_t>(queued),
                       pending_.end());
    pending_.resize(queued);
    if (c.mode == CompareMode::kExact) return c;
  }
}

// A command that changes `key` (so that a WATCH on it fails), whatever its current type is,
// or does not (a read, or a write that turns out to be a no-op: Redis only invalidates a
// WATCH when the key really changed). Either way the servers must agree.
GeneratedCommand CommandGenerator::WriteTo(const std::string& key) {
  switch (Uniform(0, 10)) {
    case 0:
      return {{"SET", key, Value()}, CompareMode::kExact, "watch:SET"};
    case 1:
      return {{"DEL", key}, CompareMode::kExact, "watch:DEL"};
    case 2:
      return {{"LPUSH", key, ListElement()}, CompareMode::kExact, "watch:LPUSH"};
    case 3:
      return {{"HSET", key, HashField(), HashValue()}, CompareMode::kExact, "watch:HSET"};
    case 4:
      return {{"SADD", key, SetMember()}, CompareMode::kExact, "watch:SADD"};
    case 5:
      return {{"ZADD", key, Pick(kScores), ZMember()}, CompareMode::kExact, "watch:ZADD"};
    case 6:
      return {{"EXPIRE", key, RelativeSeconds()}, CompareMode::kExact, "watch:EXPIRE"};
    case 7:
      return {{"GET", key}, CompareMode::kExact, "watch:GET"};
    case 8:
      return {{"EXISTS", key}, CompareMode::kExact, "watch:EXISTS"};
    case 9:
      return {{"XADD", key, NewStreamId(), "f", "v"}, CompareMode::kExact, "watch:XADD"};
    default:
      return {{"PERSIST", key}, CompareMode::kExact, "watch:PERSIST"};
  }
}

// WATCH k [k2]; [own modification or read]; [UNWATCH]; MULTI; 1-4 commands; EXEC.
GeneratedCommand CommandGenerator::Watch() {
  std::vector<std::string> keys = {Key()};
  if (Chance(0.3)) keys.push_back(Key());
  GeneratedCommand w{{Casing("WATCH")}, CompareMode::kExact, "WATCH"};
  w.args.insert(w.args.end(), keys.begin(), keys.end());
  pending_.push_back(w);
  if (Chance(0.15)) pending_.push_back({{"WATCH", Key()}, CompareMode::kExact, "WATCH"});
  if (Chance(0.6)) pending_.push_back(WriteTo(Pick(keys)));
  if (Chance(0.1)) pending_.push_back(WriteTo(Key()));  // usually an unwatched key
  if (Chance(0.15)) pending_.push_back({{Casing("UNWATCH")}, CompareMode::kExact, "UNWATCH"});
  pending_.push_back({{Casing("MULTI")}, CompareMode::kExact, "MULTI"});
  std::size_t n = Uniform(1, 4);
  for (std::size_t i = 0; i < n; ++i) pending_.push_back(InMulti());
  if (Chance(0.1)) {
    pending_.push_back({{"WATCH", Key()}, CompareMode::kExact, "WATCH(in multi)"});
  }
  pending_.push_back({{Casing(Chance(0.9) ? "EXEC" : "DISCARD")}, CompareMode::kExact,
                      "EXEC/DISCARD"});
  pending_.insert(pending_.end(), after_exec_.begin(), after_exec_.end());
  after_exec_.clear();
  GeneratedCommand first = std::move(pending_.front());
  pending_.pop_front();
  return first;
}

GeneratedCommand CommandGenerator::Transaction() {
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.06) return {{Casing("EXEC")}, CompareMode::kExact, "EXEC(no multi)"};
  if (r < 0.1) return {{Casing("DISCARD")}, CompareMode::kExact, "DISCARD(no multi)"};
  if (r < 0.12) return {{Casing("UNWATCH")}, CompareMode::kExact, "UNWATCH"};
  pending_.push_back({{Casing("MULTI")}, CompareMode::kExact, "MULTI"});
  std::size_t n = Uniform(0, 5);
  if (n == 0 && Chance(0.7)) n = 1;
  std::vector<GeneratedCommand> queued;
  for (std::size_t i = 0; i < n; ++i) queued.push_back(InMulti());
  double kind = std::uniform_real_distribution<double>(0, 1)(rng_);
  std::string end = "EXEC";
  if (kind < 0.15) {
    // A queue-time error: the transaction is aborted (EXECABORT) at EXEC.
    GeneratedCommand bad = Chance(0.5) ? Unknown() : WrongArity();
    bad.label = "tx:queue-error";
    queued.insert(queued.begin() + static_cast<std::ptrdiff_t>(Uniform(0, queued.size())), bad);
  } else if (kind < 0.22) {
    queued.insert(queued.begin() + static_cast<std::ptrdiff_t>(Uniform(0, queued.size())),
                  GeneratedCommand{{"MULTI"}, CompareMode::kExact, "MULTI(nested)"});
  } else if (kind < 0.32) {
    end = "DISCARD";
  } else if (kind < 0.4) {
    queued.insert(queued.begin() + static_cast<std::ptrdiff_t>(Uniform(0, queued.size())),
                  GeneratedCommand{{"WATCH", Key()}, CompareMode::kExact, "WATCH(in multi)"});
  }
  for (auto& q : queued) pending_.push_back(std::move(q));
  pending_.push_back({{Casing(end)}, CompareMode::kExact, end == "EXEC" ? "EXEC" : "DISCARD"});
  pending_.insert(pending_.end(), after_exec_.begin(), after_exec_.end());
  after_exec_.clear();
  GeneratedCommand first = std::move(pending_.front());
  pending_.pop_front();
  return first;
}

// ---------------------------------------------------------------- table

void CommandGenerator::AddCollectionBuilders() {
  auto key_only = [this](const char* name, char family = 0) {
    return [this, name, family] {
      return GeneratedCommand{{Casing(name), family != 0 ? FamilyKey(family) : Key()},
                              CompareMode::kExact, name};
    };
  };
  auto key_idx = [this](const char* name, char family, int n) {
    return [this, name, family, n] {
      GeneratedCommand c{{Casing(name), FamilyKey(family)}, CompareMode::kExact, name};
      for (int i = 0; i < n; ++i) c.args.push_back(SmallIndex());
      return c;
    };
  };
  std::vector<Entry> more = {
      // lists
      {3, [this] { return Push("LPUSH"); }},
      {3, [this] { return Push("RPUSH"); }},
      {1, [this] { return Push("LPUSHX"); }},
      {1, [this] { return Push("RPUSHX"); }},
      {2, [this] { return Pop("LPOP"); }},
      {2, [this] { return Pop("RPOP"); }},
      {1.5, key_only("LLEN", 'l')},
      {3, key_idx("LRANGE", 'l', 2)},
      {1.5, key_idx("LINDEX", 'l', 1)},
      {1.5,
       [this] {
         return GeneratedCommand{{Casing("LSET"), FamilyKey('l'), SmallIndex(), ListElement()},
                                 CompareMode::kExact, "LSET"};
       }},
      {1.5, [this] { return LInsert(); }},
      {1.5,
       [this] {
         return GeneratedCommand{
             {Casing("LREM"), FamilyKey('l'), Chance(0.9) ? Str(UniformSigned(-3, 3)) : "abc",
              ListElement()},
             CompareMode::kExact, "LREM"};
       }},
      {1.5, key_idx("LTRIM", 'l', 2)},
      {2, [this] { return LPos(); }},
      {1.5, [this] { return LMove(); }},
      {1,
       [this] {
         return GeneratedCommand{{Casing("RPOPLPUSH"), FamilyKey('l'), FamilyKey('l')}, CompareMode::kExact,
                                 "RPOPLPUSH"};
       }},
      {1.5, [this] { return LMPop(); }},
      // hashes
      {4, [this] { return HSet("HSET"); }},
      {1.5, [this] { return HSet("HMSET"); }},
      {1.5,
       [this] {
         return GeneratedCommand{{Casing("HSETNX"), FamilyKey('h'), HashField(), HashValue()},
                                 CompareMode::kExact, "HSETNX"};
       }},
      {2.5,
       [this] {
         return GeneratedCommand{{Casing("HGET"), FamilyKey('h'), HashField()}, CompareMode::kExact,
                                 "HGET"};
       }},
      {1.5, [this] { return HFieldsCmd("HMGET"); }},
      {2, [this] { return HFieldsCmd("HDEL"); }},
      {1.5, key_only("HLEN", 'h')},
      {1.5,
       [this] {
         return GeneratedCommand{{Casing("HEXISTS"), FamilyKey('h'), HashField()}, CompareMode::kExact,
                                 "HEXISTS"};
       }},
      {2, key_only("HGETALL", 'h')},
      {1, key_only("HKEYS", 'h')},
      {1, key_only("HVALS", 'h')},
      {2, [this] { return HIncr("HINCRBY"); }},
      {2, [this] { return HIncr("HINCRBYFLOAT"); }},
      {1,
       [this] {
         return GeneratedCommand{{Casing("HSTRLEN"), FamilyKey('h'), HashField()}, CompareMode::kExact,
                                 "HSTRLEN"};
       }},
      {1, [this] { return ElementScan("HSCAN"); }},
      {1, [this] { return HRandField(); }, false},
      // sets
      {4, [this] { return SMembersCmd("SADD"); }},
      {2, [this] { return SMembersCmd("SREM"); }},
      {2,
       [this] {
         return GeneratedCommand{{Casing("SMEMBERS"), FamilyKey('s')}, CompareMode::kUnordered,
                                 "SMEMBERS"};
       }},
      {1.5,
       [this] {
         return GeneratedCommand{{Casing("SISMEMBER"), FamilyKey('s'), SetMember()}, CompareMode::kExact,
                                 "SISMEMBER"};
       }},
      {1.5, [this] { return SMembersCmd("SMISMEMBER"); }},
      {1.5, key_only("SCARD", 's')},
      {1.5,
       [this] {
         return GeneratedCommand{{Casing("SMOVE"), FamilyKey('s'), FamilyKey('s'), SetMember()}, CompareMode::kExact,
                                 "SMOVE"};
       }},
      {1.5, [this] { return SetAlgebra("SINTER"); }},
      {1.5, [this] { return SetAlgebra("SUNION"); }},
      {1.5, [this] { return SetAlgebra("SDIFF"); }},
      {1, [this] { return SetAlgebra("SINTERSTORE"); }},
      {1, [this] { return SetAlgebra("SUNIONSTORE"); }},
      {1, [this] { return SetAlgebra("SDIFFSTORE"); }},
      {1, [this] { return SInterCard(); }},
      {1, [this] { return ElementScan("SSCAN"); }},
      {1, [this] { return SPopRandom("SPOP"); }, false},
      {1, [this] { return SPopRandom("SRANDMEMBER"); }, false},
      // sorted sets
      {5, [this] { return ZAdd(); }},
      {1.5,
       [this] {
         return GeneratedCommand{{Casing("ZINCRBY"), FamilyKey('z'), Score(), ZMember()},
                                 CompareMode::kExact, "ZINCRBY"};
       }},
      {1.5,
       [this] {
         GeneratedCommand c{{Casing("ZREM"), FamilyKey('z')}, CompareMode::kExact, "ZREM"};
         for (std::size_t i = Uniform(1, 3); i > 0; --i) c.args.push_back(ZMember());
         return c;
       }},
      {1.5,
       [this] {
         return GeneratedCommand{{Casing("ZSCORE"), FamilyKey('z'), ZMember()}, CompareMode::kExact,
                                 "ZSCORE"};
       }},
      {1,
       [this] {
         GeneratedCommand c{{Casing("ZMSCORE"), FamilyKey('z')}, CompareMode::kExact, "ZMSCORE"};
         for (std::size_t i = Uniform(1, 3); i > 0; --i) c.args.push_back(ZMember());
         return c;
       }},
      {1.5, key_only("ZCARD", 'z')},
      {1.5,
       [this] {
         return GeneratedCommand{{Casing("ZCOUNT"), FamilyKey('z'), ScoreBound(), ScoreBound()},
                                 CompareMode::kExact, "ZCOUNT"};
       }},
      {1,
       [this] {
         return GeneratedCommand{{Casing("ZLEXCOUNT"), FamilyKey('z'), LexBound(), LexBound()},
                                 CompareMode::kExact, "ZLEXCOUNT"};
       }},
      {4, [this] { return ZRangeGeneric(); }},
      {1, [this] { return ZRangeStore(); }},
      {1,
       [this] {
         GeneratedCommand c{{Casing("ZREVRANGE"), FamilyKey('z'), SmallIndex(), SmallIndex()},
                            CompareMode::kExact, "ZREVRANGE"};
         if (Chance(0.4)) c.args.push_back(Casing("WITHSCORES"));
         return c;
       }},
      {1.5, [this] { return ZRangeByScore("ZRANGEBYSCORE"); }},
      {1, [this] { return ZRangeByScore("ZREVRANGEBYSCORE"); }},
      {1, [this] { return ZRangeByLex("ZRANGEBYLEX"); }},
      {1, [this] { return ZRangeByLex("ZREVRANGEBYLEX"); }},
      {1.5,
       [this] {
         return GeneratedCommand{{Casing("ZRANK"), FamilyKey('z'), ZMember()}, CompareMode::kExact,
                                 "ZRANK"};
       }},
      {1,
       [this] {
         return GeneratedCommand{{Casing("ZREVRANK"), FamilyKey('z'), ZMember()}, CompareMode::kExact,
                                 "ZREVRANK"};
       }},
      {1.5, [this] { return ZPop("ZPOPMIN"); }},
      {1.5, [this] { return ZPop("ZPOPMAX"); }},
      {1, [this] { return ZMPop(); }},
      {1, [this] { return ZRemRange("ZREMRANGEBYRANK"); }},
      {1, [this] { return ZRemRange("ZREMRANGEBYSCORE"); }},
      {1, [this] { return ZRemRange("ZREMRANGEBYLEX"); }},
      {1, [this] { return ElementScan("ZSCAN"); }},
      {1, [this] { return ZRandMember(); }, false},
      {1, [this] { return ZSetAlgebra("ZUNIONSTORE"); }},
      {1, [this] { return ZSetAlgebra("ZINTERSTORE"); }},
      {0.7, [this] { return ZSetAlgebra("ZDIFFSTORE"); }},
      {1, [this] { return ZSetAlgebra("ZUNION"); }},
      {1, [this] { return ZSetAlgebra("ZINTER"); }},
      {0.7, [this] { return ZSetAlgebra("ZDIFF"); }},
      {0.7, [this] { return ZSetAlgebra("ZINTERCARD"); }},
      // keyspace on collection keys (TYPE/DEL/RENAME/COPY/MOVE/EXPIRE/OBJECT already draw
      // from the same keys; these raise their share now that the table is larger)
      {1.5, key_only("TYPE")},
      {1.5,
       [this] {
         return GeneratedCommand{{Casing("OBJECT"), Casing("ENCODING"), Key()},
                                 CompareMode::kExact, "OBJECT ENCODING"};
       }},
      {1, [this] { return Copy(); }},
      {1,
       [this] {
         return GeneratedCommand{{Casing("RENAME"), Key(), Key()}, CompareMode::kExact,
                                 "RENAME"};
       }},
      {1, [this] { return Scan(); }},
      // transactions
      {4, [this] { return Transaction(); }, false},
      {2, [this] { return Watch(); }, false},
  };
  table_.insert(table_.end(), more.begin(), more.end());
}

}  // namespace strata::test
