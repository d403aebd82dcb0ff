// Checkpoint round trip at scale: every type, binary keys and values, TTLs, all 16
// databases, 1M keys (100k under sanitizers; STRATA_ROUNDTRIP_KEYS overrides). SAVE,
// restart on the same checkpoints, and a full dump (SCAN plus type-specific reads and
// PEXPIRETIME, pipelined) must be identical before and after.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness.h"

#if defined(__SANITIZE_ADDRESS__)
#define STRATA_RT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STRATA_RT_SANITIZED 1
#endif
#endif
#ifndef STRATA_RT_SANITIZED
#define STRATA_RT_SANITIZED 0
#endif

namespace strata::test {
namespace {

using Args = std::vector<std::string>;
using Clock = std::chrono::steady_clock;

constexpr int kDatabases = 16;
constexpr std::size_t kBatch = 1000;         // commands per pipelined batch
constexpr std::uint64_t kSeed = 0x5eed2026c0ffeeULL;
constexpr std::size_t kLargeElements = 10000;
constexpr std::size_t kLargeString = 100 * 1024;

const std::string kBin("rt\0bin\r\n\xff", 9);

std::size_t Scale() {
  if (const char* env = std::getenv("STRATA_ROUNDTRIP_KEYS")) {
    long long n = std::strtoll(env, nullptr, 10);
    if (n > 0) return static_cast<std::size_t>(n);
  }
  return STRATA_RT_SANITIZED ? 100000 : 1000000;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// splitmix64: one independent, deterministic stream per key.
struct Rng {
  std::uint64_t s;
  std::uint64_t Next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t Below(std::uint64_t n) { return Next() % n; }
  // `n` bytes of any value (0x00, \r, \n and 0xff included).
  std::string Bytes(std::size_t n) {
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(Next() & 0xff);
    return out;
  }
  std::string Text(std::size_t n) {
    static const char kAlpha[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-_";
    std::string out(n, 'a');
    for (auto& c : out) c = kAlpha[Below(sizeof(kAlpha) - 1)];
    return out;
  }
  std::string Integer() {
    switch (Below(4)) {
      case 0: return std::to_string(static_cast<std::int64_t>(Below(1000)));
      case 1: return std::to_string(-static_cast<std::int64_t>(Below(1000000)));
      case 2: return std::to_string(static_cast<std::int64_t>(Next()));  // full int64 range
      default: return std::to_string(static_cast<std::int64_t>(Below(1ULL << 40)));
    }
  }
  // A collection element: mostly text, some integers, some binary.
  std::string Element() {
    std::uint64_t r = Below(10);
    if (r < 2) return Integer();
    if (r < 3) return kBin + Bytes(Below(12));
    return Text(1 + Below(20));
  }
  std::string Score() {
    static const std::array<const char*, 10> kSpecial = {
        "-inf", "+inf", "1.5", "1e-300", "-1e300", "0", "-2.5", "0.1", "3", "1e-310"};
    if (Below(4) == 0) return kSpecial[Below(kSpecial.size())];
    char buf[64];
    double d = static_cast<double>(static_cast<std::int64_t>(Next() >> 11)) / 1e6 - 4e9;
    std::snprintf(buf, sizeof(buf), "%.17g", d);
    return buf;
  }
};

enum Kind { kString, kList, kHash, kIntSet, kSet, kZset, kKinds };
const char* const kTypeNames[] = {"string", "list", "hash", "set", "set", "zset"};

struct Expected {
  std::array<std::size_t, kDatabases> keys{};
  std::size_t by_type[kKinds] = {};
  std::size_t with_ttl = 0;
};

// Key `i`'s name: mostly "k:<i>", some binary (\0, \r\n, 0xff).
std::string KeyName(std::size_t i, Rng& rng) {
  if (rng.Below(100) < 6) return kBin + "k" + std::to_string(i) + std::string("\xff\0", 2);
  return "k:" + std::to_string(i);
}

// The commands that create key `i` (it lives in database i % 16), and its expected type and
// TTL in *expected. Deterministic in (kSeed, i, n, base_ms).
std::vector<Args> BuildKey(std::size_t i, std::size_t n, std::int64_t base_ms,
                           Expected* expected) {
  Rng rng{kSeed ^ (static_cast<std::uint64_t>(i) * 0xd1b54a32d192ed03ULL)};
  const std::string key = KeyName(i, rng);
  std::vector<Args> cmds;
  const std::size_t large_stride = std::max<std::size_t>(n / 8, 1);
  const std::size_t bigstr_stride = std::max<std::size_t>(n / 20, 1);
  Kind kind = kString;
  std::size_t elements = 0;
  bool large = n >= 64 && i % large_stride == 3;
  if (large) {
    static const Kind kLargeKinds[] = {kList, kHash, kIntSet, kSet, kZset, kList, kHash, kZset};
    kind = kLargeKinds[(i / large_stride) % 8];
    elements = kLargeElements;
  } else if (n >= 64 && i % bigstr_stride == 7) {
    cmds.push_back({"SET", key, rng.Bytes(kLargeString)});
  } else if (rng.Below(100) < 85) {
    std::uint64_t r = rng.Below(100);
    std::string value;
    if (r < 8) {
      value = rng.Bytes(rng.Below(40)) + kBin;
    } else if (r < 20) {
      value = rng.Integer();
    } else if (r < 23) {
      value = "";
    } else {
      value = rng.Text(1 + rng.Below(60));
    }
    cmds.push_back({"SET", key, value});
  } else {
    kind = static_cast<Kind>(1 + rng.Below(kKinds - 1));
    elements = 3 + rng.Below(48);  // 3..50
    // Sorted sets also in skiplist sizes (past zset-max-listpack-entries = 128).
    if (kind == kZset && rng.Below(3) == 0) elements = 129 + rng.Below(100);
  }
  if (kind != kString) {
    Args cmd;
    switch (kind) {
      case kList:
        cmd = {"RPUSH", key};
        for (std::size_t e = 0; e < elements; ++e) cmd.push_back(rng.Element());
        break;
      case kHash:
        cmd = {"HSET", key};
        for (std::size_t e = 0; e < elements; ++e) {
          cmd.push_back(e % 9 == 4 ? kBin + std::to_string(e) : "f" + std::to_string(e));
          // Now and then a value past hash-max-listpack-value (64 bytes).
          cmd.push_back(rng.Below(80) == 0 ? rng.Text(70 + rng.Below(50)) : rng.Element());
        }
        break;
      case kIntSet:
        cmd = {"SADD", key};
        for (std::size_t e = 0; e < elements; ++e) cmd.push_back(rng.Integer());
        break;
      case kSet:
        cmd = {"SADD", key};
        for (std::size_t e = 0; e < elements; ++e) {
          cmd.push_back(e % 5 == 0 ? kBin + std::to_string(e) : "m" + std::to_string(e) + rng.Text(3));
        }
        break;
      case kZset:
        cmd = {"ZADD", key};
        for (std::size_t e = 0; e < elements; ++e) {
          cmd.push_back(rng.Score());
          cmd.push_back(e % 7 == 0 ? kBin + std::to_string(e) : "z" + std::to_string(e));
        }
        break;
      default:
        break;
    }
    cmds.push_back(std::move(cmd));
  }
  if (rng.Below(5) == 0) {  // ~20% expire 2..7 hours from now
    const std::int64_t at = base_ms + static_cast<std::int64_t>(rng.Below(5ULL * 3600 * 1000));
    cmds.push_back({"PEXPIREAT", key, std::to_string(at)});
    ++expected->with_ttl;
  }
  ++expected->keys[i % kDatabases];
  ++expected->by_type[kind];
  return cmds;
}

// Sends commands in pipelined batches of kBatch; counts error replies and keeps the first.
struct Pipeline {
  explicit Pipeline(Client& client) : c(client) {}
  Client& c;
  std::size_t queued = 0;
  std::size_t errors = 0;
  std::string first_error;
  std::vector<Args> heads;  // command name and key of each queued command, for errors

  void Add(const Args& cmd) {
    c.Append(cmd);
    heads.push_back(Args(cmd.begin(), cmd.begin() + std::min<std::size_t>(cmd.size(), 2)));
    if (++queued >= kBatch) Flush();
  }
  void Flush() {
    for (std::size_t q = 0; q < queued; ++q) {
      Reply r = c.Read();
      if (r.is_error()) {
        if (errors++ == 0) first_error = PrintableCommand(heads[q]) + " ... -> " + r.ToString();
      }
    }
    queued = 0;
    heads.clear();
  }
};

// Binary-safe, unambiguous rendering of a reply (length-prefixed strings).
void Encode(const Reply& r, std::string* out) {
  switch (r.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      *out += '$';
      *out += std::to_string(r.str.size());
      *out += ':';
      *out += r.str;
      break;
    case REDIS_REPLY_ERROR:
      *out += "-";
      *out += r.str;
      *out += '\n';
      break;
    case REDIS_REPLY_INTEGER:
      *out += ':';
      *out += std::to_string(r.integer);
      *out += ';';
      break;
    case REDIS_REPLY_NIL:
      *out += "_";
      break;
    case REDIS_REPLY_ARRAY:
      *out += '*';
      *out += std::to_string(r.elements.size());
      *out += '[';
      for (const auto& e : r.elements) Encode(e, out);
      *out += ']';
      break;
    default:
      *out += "?" + std::to_string(r.type);
  }
}

std::string Printable(const std::string& s, std::size_t limit = 160) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < limit; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 32 && c < 127 && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > limit) out += "...(" + std::to_string(s.size()) + " bytes)";
  return out + "\"";
}

struct DbDump {
  std::vector<std::pair<std::string, std::string>> entries;  // sorted by key
  long long dbsize = -1;
  std::uint64_t digest = 0;
  std::size_t ttls = 0;
  std::size_t by_type[kKinds] = {};  // kIntSet stays 0: sets count as kSet
  // "type/encoding" -> keys (OBJECT ENCODING): shows which encodings the data covered. Not
  // part of the comparison, which is about the data.
  std::map<std::string, std::size_t> encodings;
};

std::uint64_t Digest(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](const std::string& s) {
    std::string len = std::to_string(s.size()) + ":";
    for (unsigned char c : len) h = (h ^ c) * 1099511628211ULL;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  };
  for (const auto& [k, v] : entries) {
    mix(k);
    mix(v);
  }
  return h;
}

// One database: SCAN COUNT 1000 for the keys, then pipelined TYPE, then pipelined
// type-specific reads and PEXPIRETIME.
DbDump DumpDb(Client& c, int db) {
  DbDump d;
  EXPECT_EQ(c.Cmd(Args{"SELECT", std::to_string(db)}).str, "OK");
  std::vector<std::string> keys;
  std::string cursor = "0";
  do {
    Reply r = c.Cmd(Args{"SCAN", cursor, "COUNT", "1000"});
    EXPECT_EQ(r.elements.size(), 2u) << r.ToString();
    if (r.elements.size() != 2) break;
    cursor = r.elements[0].str;
    for (auto& k : r.elements[1].elements) keys.push_back(std::move(k.str));
  } while (cursor != "0");
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());  // SCAN may repeat keys
  d.dbsize = c.Cmd(Args{"DBSIZE"}).integer;

  std::vector<std::string> types(keys.size());
  for (std::size_t start = 0; start < keys.size(); start += kBatch) {
    const std::size_t end = std::min(keys.size(), start + kBatch);
    for (std::size_t i = start; i < end; ++i) c.Append(Args{"TYPE", keys[i]});
    for (std::size_t i = start; i < end; ++i) types[i] = c.Read().str;
  }

  d.entries.reserve(keys.size());
  const std::size_t per_batch = kBatch / 3;  // three commands per key
  for (std::size_t start = 0; start < keys.size(); start += per_batch) {
    const std::size_t end = std::min(keys.size(), start + per_batch);
    for (std::size_t i = start; i < end; ++i) {
      const std::string& k = keys[i];
      const std::string& t = types[i];
      if (t == "string") {
        c.Append(Args{"GET", k});
      } else if (t == "list") {
        c.Append(Args{"LRANGE", k, "0", "-1"});
      } else if (t == "hash") {
        c.Append(Args{"HGETALL", k});
      } else if (t == "set") {
        c.Append(Args{"SMEMBERS", k});
      } else if (t == "zset") {
        c.Append(Args{"ZRANGE", k, "0", "-1", "WITHSCORES"});
      } else {
        c.Append(Args{"ECHO", "unexpected type"});
      }
      c.Append(Args{"PEXPIRETIME", k});
      c.Append(Args{"OBJECT", "ENCODING", k});
    }
    for (std::size_t i = start; i < end; ++i) {
      const std::string& t = types[i];
      Reply value = c.Read();
      Reply ttl = c.Read();
      ++d.encodings[t + "/" + c.Read().str];
      if (t == "hash") {
        std::vector<std::pair<std::string, std::string>> pairs;
        for (std::size_t e = 0; e + 1 < value.elements.size(); e += 2) {
          pairs.emplace_back(std::move(value.elements[e].str), std::move(value.elements[e + 1].str));
        }
        std::sort(pairs.begin(), pairs.end());
        value.elements.clear();
        for (auto& [f, v] : pairs) {
          value.elements.push_back(Reply{REDIS_REPLY_STRING, std::move(f), 0, {}});
          value.elements.push_back(Reply{REDIS_REPLY_STRING, std::move(v), 0, {}});
        }
      } else if (t == "set") {
        std::sort(value.elements.begin(), value.elements.end(),
                  [](const Reply& a, const Reply& b) { return a.str < b.str; });
      }
      std::string rendered = t;
      rendered += ' ';
      Encode(ttl, &rendered);
      rendered += ' ';
      Encode(value, &rendered);
      if (ttl.type == REDIS_REPLY_INTEGER && ttl.integer >= 0) ++d.ttls;
      for (int kind = kString; kind < kKinds; ++kind) {
        if (kind != kIntSet && t == kTypeNames[kind]) ++d.by_type[kind];
      }
      d.entries.emplace_back(keys[i], std::move(rendered));
    }
  }
  d.digest = Digest(d.entries);
  return d;
}

std::vector<DbDump> DumpAll(Client& c) {
  std::vector<DbDump> out;
  for (int db = 0; db < kDatabases; ++db) out.push_back(DumpDb(c, db));
  c.Cmd(Args{"SELECT", "0"});
  return out;
}

std::map<std::string, std::size_t> Encodings(const std::vector<DbDump>& dumps) {
  std::map<std::string, std::size_t> out;
  for (const auto& d : dumps) {
    for (const auto& [e, count] : d.encodings) out[e] += count;
  }
  return out;
}

std::string ToString(const std::map<std::string, std::size_t>& m) {
  std::string out;
  for (const auto& [k, v] : m) out += (out.empty() ? "" : " ") + k + "=" + std::to_string(v);
  return out;
}

std::size_t TotalKeys(const std::vector<DbDump>& dumps) {
  std::size_t n = 0;
  for (const auto& d : dumps) n += d.entries.size();
  return n;
}

// Shows the first few keys that differ between two dumps of one database.
std::string FirstDifferences(const DbDump& a, const DbDump& b, std::size_t limit = 5) {
  std::string out;
  std::size_t shown = 0, i = 0, j = 0;
  while ((i < a.entries.size() || j < b.entries.size()) && shown < limit) {
    if (j >= b.entries.size() || (i < a.entries.size() && a.entries[i].first < b.entries[j].first)) {
      out += "  key " + Printable(a.entries[i].first) + " missing after restart; was " +
             Printable(a.entries[i].second) + "\n";
      ++i, ++shown;
    } else if (i >= a.entries.size() || b.entries[j].first < a.entries[i].first) {
      out += "  key " + Printable(b.entries[j].first) + " appeared after restart: " +
             Printable(b.entries[j].second) + "\n";
      ++j, ++shown;
    } else {
      if (a.entries[i].second != b.entries[j].second) {
        out += "  key " + Printable(a.entries[i].first) + "\n    before: " +
               Printable(a.entries[i].second) + "\n    after:  " + Printable(b.entries[j].second) +
               "\n";
        ++shown;
      }
      ++i, ++j;
    }
  }
  return out;
}

TEST(CheckpointRoundTripTest, MillionKeysEveryTypeAllDatabases) {
  const std::size_t n = Scale();
  std::printf("[roundtrip] scale: %zu keys over %d databases%s\n", n, kDatabases,
              STRATA_RT_SANITIZED ? " (sanitizer build)" : "");
  std::fflush(stdout);

  std::string error;
  auto first = ServerProcess::StartStrata({}, &error);
  ASSERT_NE(first, nullptr) << error;
  const std::int64_t base_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch()).count() +
      2LL * 3600 * 1000;

  Expected expected;
  std::vector<DbDump> before;
  {
    Client c(first->port(), 300.0);
    ASSERT_TRUE(c.connected()) << c.error();

    auto t = Clock::now();
    Pipeline p(c);
    for (int db = 0; db < kDatabases; ++db) {
      p.Add(Args{"SELECT", std::to_string(db)});
      for (std::size_t i = static_cast<std::size_t>(db); i < n; i += kDatabases) {
        for (const auto& cmd : BuildKey(i, n, base_ms, &expected)) p.Add(cmd);
      }
    }
    p.Flush();
    ASSERT_EQ(p.errors, 0u) << "first error: " << p.first_error;
    c.Cmd(Args{"SELECT", "0"});
    std::printf("[roundtrip] fill: %.2f s (with_ttl=%zu strings=%zu lists=%zu hashes=%zu "
                "intsets=%zu sets=%zu zsets=%zu)\n",
                Seconds(t), expected.with_ttl, expected.by_type[kString], expected.by_type[kList],
                expected.by_type[kHash], expected.by_type[kIntSet], expected.by_type[kSet],
                expected.by_type[kZset]);
    std::fflush(stdout);

    t = Clock::now();
    before = DumpAll(c);
    std::printf("[roundtrip] dump before: %.2f s, %zu keys\n", Seconds(t), TotalKeys(before));
    std::fflush(stdout);

    // The dump sees what was written: every key, its type and its TTL, in every encoding.
    const auto encodings = Encodings(before);
    std::printf("[roundtrip] encodings: %s\n", ToString(encodings).c_str());
    // (Lists are always "quicklist", as in Redis 7.0.)
    for (const char* e : {"string/embstr", "string/int", "string/raw", "list/quicklist",
                          "hash/listpack", "hash/hashtable", "set/intset", "set/hashtable",
                          "zset/listpack", "zset/skiplist"}) {
      EXPECT_GT(encodings.count(e) ? encodings.at(e) : 0, 0u) << e << " not covered";
    }
    ASSERT_EQ(TotalKeys(before), n);
    std::size_t ttls = 0, by_type[kKinds] = {};
    for (int db = 0; db < kDatabases; ++db) {
      EXPECT_EQ(before[db].entries.size(), expected.keys[db]) << "db " << db;
      EXPECT_EQ(before[db].dbsize, static_cast<long long>(expected.keys[db])) << "db " << db;
      ttls += before[db].ttls;
      for (int k = 0; k < kKinds; ++k) by_type[k] += before[db].by_type[k];
    }
    EXPECT_EQ(ttls, expected.with_ttl);
    EXPECT_EQ(by_type[kString], expected.by_type[kString]);
    EXPECT_EQ(by_type[kList], expected.by_type[kList]);
    EXPECT_EQ(by_type[kHash], expected.by_type[kHash]);
    EXPECT_EQ(by_type[kSet], expected.by_type[kSet] + expected.by_type[kIntSet]);
    EXPECT_EQ(by_type[kZset], expected.by_type[kZset]);

    t = Clock::now();
    EXPECT_EQ(c.Cmd(Args{"SAVE"}).ToString(), "OK");
    std::printf("[roundtrip] SAVE: %.2f s\n", Seconds(t));
    std::fflush(stdout);
  }

  auto t = Clock::now();
  EXPECT_EQ(first->Stop(), 0);
  const double stop_s = Seconds(t);
  t = Clock::now();
  auto second = ServerProcess::StartStrata(SameCheckpoints(*first), &error);
  ASSERT_NE(second, nullptr) << error;
  std::printf("[roundtrip] stop: %.2f s, restart (until PING is not -LOADING): %.2f s\n", stop_s,
              Seconds(t));
  std::fflush(stdout);

  Client c(second->port(), 300.0);
  ASSERT_TRUE(c.connected()) << c.error();
  t = Clock::now();
  std::vector<DbDump> after = DumpAll(c);
  std::printf("[roundtrip] dump after: %.2f s, %zu keys\n", Seconds(t), TotalKeys(after));
  std::printf("[roundtrip] encodings after restart: %s\n", ToString(Encodings(after)).c_str());
  std::fflush(stdout);

  ASSERT_EQ(after.size(), before.size());
  for (int db = 0; db < kDatabases; ++db) {
    const DbDump& a = before[db];
    const DbDump& b = after[db];
    std::printf("[roundtrip] db %2d: %zu keys, digest %016" PRIx64 " / %016" PRIx64 "\n", db,
                a.entries.size(), a.digest, b.digest);
    EXPECT_EQ(b.dbsize, a.dbsize) << "DBSIZE of db " << db;
    EXPECT_EQ(b.entries.size(), a.entries.size()) << "keys in db " << db;
    EXPECT_EQ(b.digest, a.digest) << "digest of db " << db;
    EXPECT_TRUE(a.entries == b.entries) << "db " << db << " differs; first differences:\n"
                                        << FirstDifferences(a, b);
  }
  std::fflush(stdout);
  EXPECT_EQ(PersistenceField(c, "rdb_last_load_keys_loaded"), std::to_string(n));
}

}  // namespace
}  // namespace strata::test
