// Streams through a checkpoint at scale (issue 11, acceptance 3): 100 streams of 10,000
// entries each (1,000 under sanitizers and on the checking engine;
// STRATA_STREAM_ROUNDTRIP_ENTRIES overrides) with
// consumer groups, PELs and consumers, tombstones, trimmed and emptied streams, binary key
// names and field values, and nodes cut at several stream-node-max-entries / -bytes settings.
// SAVE, restart on the same checkpoints, and everything each stream holds must read back
// identically: XINFO STREAM FULL COUNT 0 (every entry, group, PEL entry and consumer, with
// their delivery counts and times), XINFO GROUPS / CONSUMERS, XPENDING, XRANGE / XREVRANGE
// spot checks, XLEN, TYPE, OBJECT ENCODING and PEXPIRETIME. --check-checkpoint must count the
// streams.
//
// Only elapsed times are masked (XINFO CONSUMERS' idle, XPENDING's idle: they grow while the
// server restarts). The seen and delivery times XINFO STREAM FULL shows are stored instants,
// carried by the checkpoint, and compared exactly.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness.h"

#if defined(__SANITIZE_ADDRESS__)
#define STRATA_SRT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STRATA_SRT_SANITIZED 1
#endif
#endif
#ifndef STRATA_SRT_SANITIZED
#define STRATA_SRT_SANITIZED 0
#endif

namespace strata::test {
namespace {

using Args = std::vector<std::string>;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kStreams = 100;
constexpr std::size_t kBatch = 2000;  // commands per pipelined batch
constexpr int kOtherKeys = 12;        // keys of other types next to the streams
const char* const kGroups[] = {"g0", "g1", "g2"};
const char* const kConsumers[] = {"alice", "bob", "carol", "dave"};
const std::string kBin("s\0b\r\n\xff", 6);

std::size_t EntriesPerStream() {
  if (const char* env = std::getenv("STRATA_STREAM_ROUNDTRIP_ENTRIES")) {
    long long n = std::strtoll(env, nullptr, 10);
    if (n > 0) return static_cast<std::size_t>(n);
  }
  // The checking engine (strata-server-slow) compares every value a command reads before
  // and after it, so filling a stream costs the square of its length there: 90 s for the
  // full scale. The codec and the load are the same at 1,000 entries; the scale is the
  // real engine's run.
  const bool checking_engine = StrataBinary().find("strata-server-slow") != std::string::npos;
  return STRATA_SRT_SANITIZED || checking_engine ? 1000 : 10000;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// splitmix64: one deterministic stream of choices per stream key.
struct Rng {
  std::uint64_t s;
  std::uint64_t Next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t Below(std::uint64_t n) { return Next() % n; }
};

// `prefix` followed by `rest`, built by appending: GCC 12 warns (-Wrestrict, falsely) on
// `"literal" + std::string`.
std::string Cat(std::string prefix, const std::string& rest) {
  prefix += rest;
  return prefix;
}

std::string Key(std::size_t s) {
  // Some key names are binary (NUL, CR LF, 0xff).
  return Cat(s % 7 == 3 ? kBin + "stream" : "stream:", std::to_string(s));
}

std::string Id(std::uint64_t ms, std::uint64_t seq) {
  return std::to_string(ms) + "-" + std::to_string(seq);
}

// Entry i of stream s: IDs grow, several per millisecond, sequence numbers sometimes huge.
std::string EntryId(std::size_t s, std::size_t i) {
  const std::uint64_t ms = 1700000000000ULL + s * 1000000ULL + i / 3;
  const std::uint64_t seq = i % 3 == 2 ? 18446744073709551000ULL + s : i % 3;
  return Id(ms, seq);
}

// Sends commands in pipelined batches; counts error replies and keeps the first few.
struct Pipeline {
  explicit Pipeline(Client& client) : c(client) {}
  Client& c;
  std::vector<Args> heads;  // the first arguments of each queued command, for errors
  std::size_t errors = 0;
  std::string first_errors;

  void Add(Args cmd) {
    c.Append(cmd);
    cmd.resize(std::min<std::size_t>(cmd.size(), 4));
    heads.push_back(std::move(cmd));
    if (heads.size() >= kBatch) Flush();
  }
  void Flush() {
    for (const Args& head : heads) {
      Reply r = c.Read();
      if (r.is_error() && errors++ < 5) {
        first_errors += PrintableCommand(head) + "... -> " + r.ToString() + "\n";
      }
    }
    heads.clear();
  }
};

// Fills stream s: entries, then groups with consumers and pending entries, then deletions,
// acknowledgements, claims and trims, each stream a different mix.
void BuildStream(Pipeline& p, std::size_t s, std::size_t entries) {
  Rng rng{0x57e4a11ULL ^ (s * 0x9e3779b97f4a7c15ULL)};
  const std::string key = Key(s);
  for (std::size_t i = 0; i < entries; ++i) {
    Args cmd = {"XADD", key, EntryId(s, i)};
    const std::uint64_t r = rng.Below(20);
    if (r < 14) {
      // The master entry's fields: Redis and Strata store only the values.
      cmd.insert(cmd.end(), {"event", i % 5 == 0 ? "created" : "updated", "n",
                             std::to_string(rng.Below(1000000))});
    } else if (r < 17) {
      cmd.insert(cmd.end(), {"payload", kBin + std::to_string(rng.Next()), "", "empty name"});
    } else if (r < 19) {
      cmd.insert(cmd.end(), {"n", std::to_string(static_cast<std::int64_t>(rng.Next()))});
    } else {
      cmd.insert(cmd.end(), {"big", std::string(100 + rng.Below(300), 'x'), "n", "1"});
    }
    p.Add(std::move(cmd));
  }
  const std::size_t kind = s % 10;
  if (kind != 9) {  // one stream in ten has no groups
    // g0 from the start, g1 from the middle (ENTRIESREAD given), g2 from the end.
    p.Add({"XGROUP", "CREATE", key, "g0", "0"});
    p.Add({"XGROUP", "CREATE", key, "g1", EntryId(s, entries / 2), "ENTRIESREAD",
           std::to_string(entries / 2 + 1)});
    p.Add({"XGROUP", "CREATE", key, "g2", "$"});
    p.Add({"XGROUP", "CREATECONSUMER", key, "g2", "idle-consumer"});
    // Deliveries: PEL entries for every consumer of g0 and g1, some NOACK reads.
    for (int round = 0; round < 6; ++round) {
      for (const char* consumer : kConsumers) {
        for (const char* group : {"g0", "g1"}) {
          Args read = {"XREADGROUP", "GROUP", group,
                       consumer,     "COUNT", std::to_string(20 + rng.Below(60))};
          if (round == 5 && rng.Below(2) == 0) read.push_back("NOACK");
          read.insert(read.end(), {"STREAMS", key, ">"});
          p.Add(std::move(read));
        }
      }
    }
    // Re-deliveries of a consumer's own history: delivery counts above 1.
    p.Add({"XREADGROUP", "GROUP", "g0", "alice", "COUNT", "30", "STREAMS", key, "0"});
    p.Add({"XREADGROUP", "GROUP", "g0", "alice", "COUNT", "10", "STREAMS", key, "0"});
    // Acknowledge about a third of g0's first deliveries.
    Args ack = {"XACK", key, "g0"};
    for (std::size_t i = 0; i < 600 && i < entries; i += 3) ack.push_back(EntryId(s, i));
    p.Add(std::move(ack));
    // Claims to other consumers: with a retry count, with JUSTID, and one forced in.
    p.Add({"XCLAIM", key, "g0", "carol", "0", EntryId(s, 1), EntryId(s, 4), EntryId(s, 7),
           "RETRYCOUNT", "7"});
    p.Add({"XCLAIM", key, "g1", "dave", "0", EntryId(s, entries / 2 + 1),
           EntryId(s, entries / 2 + 2), "JUSTID"});
    p.Add({"XCLAIM", key, "g2", "eve", "0", EntryId(s, entries - 1), "FORCE", "IDLE", "5000"});
    p.Add({"XAUTOCLAIM", key, "g1", "bob", "0", "0", "COUNT", "25"});
    p.Add({"XGROUP", "DELCONSUMER", key, "g1", "carol"});
  }
  // Tombstones: entries deleted here and there, pending ones among them.
  Args del = {"XDEL", key};
  for (std::size_t n = 0; n < 40; ++n) del.push_back(EntryId(s, rng.Below(entries)));
  del.push_back(EntryId(s, 2));  // pending in g0 (carol's)
  p.Add(std::move(del));
  switch (kind) {
    case 3:  // the oldest entries trimmed away exactly (the first entry moves)
      p.Add({"XTRIM", key, "MINID", EntryId(s, entries / 10)});
      break;
    case 4:  // whole nodes trimmed
      p.Add({"XTRIM", key, "MAXLEN", "~", std::to_string(entries * 3 / 4)});
      break;
    case 5:  // every entry gone: an empty stream whose groups still hold pending entries
      p.Add({"XTRIM", key, "MAXLEN", "0"});
      break;
    case 6:  // counters set by XSETID
      p.Add({"XSETID", key, Id(1800000000000ULL + s, 5), "ENTRIESADDED",
             std::to_string(entries * 10), "MAXDELETEDID", Id(1750000000000ULL, 1)});
      break;
    case 7:  // with a TTL
      p.Add({"PEXPIREAT", key, "4102444800000"});
      break;
    default:
      break;
  }
}

// Names in XINFO's name/value replies whose values are elapsed times.
bool ElapsedField(const std::string& name) {
  return name == "idle" || name == "inactive" || name == "active-time";
}

// A binary-safe rendering of a reply, with the elapsed times of name/value lists (and of
// XPENDING's extended entries, with `pending_idle`) replaced by "~".
void Render(const Reply& r, std::string* out, bool pending_idle = false) {
  auto tagged = [out](char tag, const std::string& text, char end) {
    out->push_back(tag);
    out->append(text);
    out->push_back(end);
  };
  switch (r.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      tagged('$', std::to_string(r.str.size()), ':');
      out->append(r.str);
      return;
    case REDIS_REPLY_ERROR:
      tagged('-', r.str, '\n');
      return;
    case REDIS_REPLY_INTEGER:
      tagged(':', std::to_string(r.integer), ';');
      return;
    case REDIS_REPLY_NIL:
      out->push_back('_');
      return;
    case REDIS_REPLY_ARRAY:
      break;
    default:
      tagged('?', std::to_string(r.type), ';');
      return;
  }
  tagged('*', std::to_string(r.elements.size()), '[');
  const bool pending_entry =
      pending_idle && r.elements.size() == 4 && r.elements[2].type == REDIS_REPLY_INTEGER;
  for (std::size_t i = 0; i < r.elements.size(); ++i) {
    const Reply& e = r.elements[i];
    const bool masked = (pending_entry && i == 2) ||
                        (i % 2 == 1 && r.elements[i - 1].type == REDIS_REPLY_STRING &&
                         ElapsedField(r.elements[i - 1].str) && e.type == REDIS_REPLY_INTEGER);
    if (masked) {
      out->push_back('~');
    } else {
      Render(e, out, pending_idle && !pending_entry);
    }
  }
  out->push_back(']');
}

// Everything read back from one stream, rendered; `parts` names each piece so that a
// difference can be located.
struct StreamDump {
  std::vector<std::pair<std::string, std::string>> parts;
};

// Reads every stream with pipelined commands; one stream's replies are rendered before the
// next stream's are read, so that the largest reply in memory is one stream's.
std::vector<StreamDump> DumpStreams(Client& c, std::size_t entries) {
  std::vector<StreamDump> out(kStreams);
  for (std::size_t s = 0; s < kStreams; ++s) {
    const std::string key = Key(s);
    std::vector<std::pair<std::string, Args>> cmds = {
        {"TYPE", {"TYPE", key}},
        {"OBJECT ENCODING", {"OBJECT", "ENCODING", key}},
        {"XLEN", {"XLEN", key}},
        {"PEXPIRETIME", {"PEXPIRETIME", key}},
        {"XINFO STREAM", {"XINFO", "STREAM", key}},
        {"XINFO STREAM FULL", {"XINFO", "STREAM", key, "FULL", "COUNT", "0"}},
        {"XINFO GROUPS", {"XINFO", "GROUPS", key}},
        {"XRANGE head", {"XRANGE", key, "-", "+", "COUNT", "50"}},
        {"XREVRANGE tail", {"XREVRANGE", key, "+", "-", "COUNT", "50"}},
        {"XRANGE middle",
         {"XRANGE", key, Cat("(", EntryId(s, entries / 2)), EntryId(s, entries / 2 + 300)}},
        {"XRANGE by ms",
         {"XRANGE", key, std::to_string(1700000000000ULL + s * 1000000ULL + 10),
          std::to_string(1700000000000ULL + s * 1000000ULL + 12)}},
    };
    for (const char* g : kGroups) {
      cmds.push_back({std::string("XPENDING ") + g, {"XPENDING", key, g}});
      cmds.push_back(
          {std::string("XPENDING extended ") + g, {"XPENDING", key, g, "-", "+", "1000000"}});
      cmds.push_back({std::string("XINFO CONSUMERS ") + g, {"XINFO", "CONSUMERS", key, g}});
    }
    for (const auto& [name, args] : cmds) c.Append(args);
    for (const auto& [name, args] : cmds) {
      std::string rendered;
      Render(c.Read(), &rendered, name.rfind("XPENDING extended", 0) == 0);
      out[s].parts.emplace_back(name, std::move(rendered));
    }
  }
  return out;
}

// The piece of a rendering around its first difference from another.
std::string Around(const std::string& a, const std::string& b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  const std::size_t from = i > 120 ? i - 120 : 0;
  return "at byte " + std::to_string(i) + ": " + PrintableCommand({a.substr(from, 300)});
}

std::string CheckpointFile(const ServerProcess& server) {
  std::string file;
  for (const auto& e : std::filesystem::directory_iterator(server.dir() + "/data/checkpoints")) {
    if (e.path().extension() == ".strata") file = e.path().string();
  }
  return file;
}

TEST(StreamCheckpointTest, HundredStreamsWithGroupsSurviveSaveAndRestart) {
  const std::size_t entries = EntriesPerStream();
  ASSERT_GE(entries, 100u) << "STRATA_STREAM_ROUNDTRIP_ENTRIES: at least 100";
  const auto started = Clock::now();
  std::string error;
  auto first = ServerProcess::StartStrata({}, &error);
  ASSERT_NE(first, nullptr) << error;

  std::vector<StreamDump> before;
  {
    Client c(first->port(), 300.0);
    ASSERT_TRUE(c.connected()) << c.error();
    auto t = Clock::now();
    Pipeline p(c);
    for (std::size_t s = 0; s < kStreams; ++s) {
      // Node sizes differ between streams (Redis's default, small nodes, nodes cut by bytes):
      // the nodes a checkpoint carries are the ones the stream had.
      static const Args kNodeConfigs[] = {{"CONFIG", "SET", "stream-node-max-entries", "100"},
                                          {"CONFIG", "SET", "stream-node-max-entries", "7"},
                                          {"CONFIG", "SET", "stream-node-max-entries", "0"}};
      p.Add(kNodeConfigs[s % 3]);
      p.Add({"CONFIG", "SET", "stream-node-max-bytes", s % 3 == 2 ? "700" : "4096"});
      BuildStream(p, s, entries);
    }
    p.Add({"CONFIG", "SET", "stream-node-max-entries", "100"});
    p.Add({"CONFIG", "SET", "stream-node-max-bytes", "4096"});
    // Keys of other types beside them.
    for (int i = 0; i < kOtherKeys; ++i) {
      const std::string k = Cat("other:", std::to_string(i));
      if (i % 2 == 0) {
        p.Add({"SET", k, "v"});
      } else {
        p.Add({"HSET", k, "f", "v"});
      }
    }
    p.Flush();
    ASSERT_EQ(p.errors, 0u) << "first errors:\n" << p.first_errors;
    std::printf("[stream roundtrip] fill: %zu streams of %zu entries in %.2f s\n", kStreams,
                entries, Seconds(t));

    t = Clock::now();
    before = DumpStreams(c, entries);
    std::printf("[stream roundtrip] dump before: %.2f s\n", Seconds(t));

    // The data covers what it should: tombstones, an empty stream with groups, PELs that
    // hold deleted entries, and several nodes per stream.
    std::size_t tombstoned = 0, empty = 0, with_groups = 0;
    for (std::size_t s = 0; s < kStreams; ++s) {
      Reply info = c.Cmd(Args{"XINFO", "STREAM", Key(s)});
      std::map<std::string, Reply> f;
      for (std::size_t i = 0; i + 1 < info.elements.size(); i += 2) {
        f[info.elements[i].str] = info.elements[i + 1];
      }
      ASSERT_EQ(f.count("length"), 1u) << info.ToString();
      if (f["max-deleted-entry-id"].str != "0-0") ++tombstoned;
      if (f["length"].integer == 0) ++empty;
      if (f["groups"].integer > 0) ++with_groups;
      if (s % 10 == 5) {
        EXPECT_EQ(f["length"].integer, 0) << Key(s);
      } else if (s % 3 == 1) {  // seven entries a node
        EXPECT_GT(f["radix-tree-keys"].integer, static_cast<long long>(entries / 20)) << Key(s);
      }
    }
    EXPECT_EQ(tombstoned, kStreams);
    EXPECT_EQ(empty, kStreams / 10);
    EXPECT_EQ(with_groups, kStreams - kStreams / 10);

    t = Clock::now();
    ASSERT_EQ(c.Cmd(Args{"SAVE"}).ToString(), "OK");
    std::printf("[stream roundtrip] SAVE: %.2f s\n", Seconds(t));
  }
  EXPECT_EQ(first->Stop(), 0);

  // --check-checkpoint counts the streams.
  const std::string file = CheckpointFile(*first);
  ASSERT_FALSE(file.empty()) << "no checkpoint in " << first->dir();
  std::string out;
  EXPECT_EQ(RunStrata("--check-checkpoint '" + file + "'", &out), 0) << out;
  EXPECT_NE(out.find(": intact"), std::string::npos) << out;
  EXPECT_NE(out.find("keys: " + std::to_string(kStreams + kOtherKeys)), std::string::npos) << out;
  EXPECT_NE(out.find("db0: keys=" + std::to_string(kStreams + kOtherKeys) +
                     " string=6 list=0 "
                     "hash=6 set=0 zset=0 stream=100"),
            std::string::npos)
      << out;

  auto t = Clock::now();
  auto second = ServerProcess::StartStrata(SameCheckpoints(*first), &error);
  ASSERT_NE(second, nullptr) << error;
  std::printf("[stream roundtrip] restart: %.2f s\n", Seconds(t));
  Client c(second->port(), 300.0);
  ASSERT_TRUE(c.connected()) << c.error();
  t = Clock::now();
  const std::vector<StreamDump> after = DumpStreams(c, entries);
  std::printf("[stream roundtrip] dump after: %.2f s\n", Seconds(t));

  std::size_t bytes = 0, differences = 0;
  for (std::size_t s = 0; s < kStreams; ++s) {
    ASSERT_EQ(after[s].parts.size(), before[s].parts.size());
    for (std::size_t k = 0; k < before[s].parts.size(); ++k) {
      const auto& [name, was] = before[s].parts[k];
      const std::string& is = after[s].parts[k].second;
      bytes += was.size();
      if (was != is && differences++ < 10) {
        ADD_FAILURE() << PrintableCommand({Key(s)}) << " " << name << " differs after restart "
                      << "\n  before " << Around(was, is) << "\n  after  " << Around(is, was);
      }
    }
  }
  EXPECT_EQ(differences, 0u);
  EXPECT_EQ(PersistenceField(c, "rdb_last_load_keys_loaded"),
            std::to_string(kStreams + kOtherKeys));

  // The restored streams go on where they were: a group reads on from its last delivered
  // entry, and the last ID still bounds new ones.
  const std::string key = Key(0);
  Reply next = c.Cmd(Args{"XREADGROUP", "GROUP", "g2", "zed", "STREAMS", key, ">"});
  EXPECT_EQ(next.ToString(), "(nil)") << "g2 was created at the last entry";
  EXPECT_EQ(c.Cmd(Args{"XADD", key, EntryId(0, entries - 1), "f", "v"}).str,
            "ERR The ID specified in XADD is equal or smaller than the target stream top item");
  EXPECT_EQ(c.Cmd(Args{"XADD", key, Id(1799999999999ULL, 0), "f", "v"}).str, "1799999999999-0");
  next = c.Cmd(Args{"XREADGROUP", "GROUP", "g2", "zed", "STREAMS", key, ">"});
  EXPECT_NE(next.ToString().find("1799999999999-0"), std::string::npos) << next.ToString();
  std::printf("[stream roundtrip] %zu bytes of replies compared; total %.2f s\n", bytes,
              Seconds(started));
}

}  // namespace
}  // namespace strata::test
