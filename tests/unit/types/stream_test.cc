#include "types/stream.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "types/decode.h"
#include "types/encoding_limits.h"

namespace strata::types {
namespace {

// Restores the node-size thresholds a test changed.
struct LimitsGuard {
  std::int64_t entries = Limits().stream_node_max_entries.load();
  std::int64_t bytes = Limits().stream_node_max_bytes.load();
  ~LimitsGuard() {
    Limits().stream_node_max_entries = entries;
    Limits().stream_node_max_bytes = bytes;
  }
};

void Add(StreamObject& s, StreamID id, const std::vector<std::string>& fields) {
  std::vector<std::string_view> views(fields.begin(), fields.end());
  s.Append(id, views);
}

// Joins its arguments (built by appending: GCC 12 warns, falsely, with -Wrestrict on
// `"literal" + std::string`).
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

std::string Num(std::uint64_t v) { return std::to_string(v); }
std::string Num(std::int64_t v) { return std::to_string(v); }

// Everything a stream holds, in one comparable text: its counters, every live entry in both
// directions, the node count, and each group with its PEL and consumers. Two streams with
// equal dumps answer every command alike.
std::string Dump(const StreamObject& s) {
  std::string out =
      Cat("len=", Num(std::uint64_t{s.size()}), " last=", s.last_id().ToString(),
          " maxdel=", s.max_deleted_id().ToString(), " added=", Num(s.entries_added()),
          " first=", s.first_id().ToString(), " nodes=", Num(std::uint64_t{s.node_count()}), "\n");
  auto entry = [&out](StreamID id, StreamFields fields) {
    out += Cat(id.ToString(), ":");
    for (std::string_view f : fields) out += Cat(" ", Num(std::uint64_t{f.size()}), "/", f);
    out += "\n";
    return true;
  };
  s.ForRange(StreamID::Min(), StreamID::Max(), false, entry);
  out += "reverse:\n";
  s.ForRange(StreamID::Min(), StreamID::Max(), true, entry);
  for (const auto& [name, g] : s.groups()) {
    out += Cat("group ", name, " last=", g->last_delivered.ToString(),
               " read=", Num(g->entries_read), "\n");
    for (const auto& [id, p] : g->pel) {
      out += Cat("  pel ", id.ToString(), " owner=", p.consumer ? p.consumer->name : "<none>",
                 " time=", Num(p.delivery_time_ms), " count=", Num(p.delivery_count), "\n");
    }
    for (const auto& [cname, c] : g->consumers) {
      out += Cat("  consumer ", cname, " seen=", Num(c->seen_time_ms), ":");
      for (const auto& [id, p] : c->pel) {
        // The consumer's view must point at the group's own PEL entry.
        auto it = g->pel.find(id);
        out += Cat(" ", id.ToString(), it != g->pel.end() && &it->second == p ? "" : "(dangling)");
      }
      out += "\n";
    }
  }
  return out;
}

std::string Encoded(const StreamObject& s) {
  std::string enc;
  s.Encode(&enc);
  return enc;
}

// Decodes `enc`, expects success, and checks the result dumps as `want` and encodes back to
// the same bytes.
void ExpectRoundTrip(const StreamObject& s) {
  const std::string enc = Encoded(s);
  auto back = StreamObject::Decode(enc);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(Dump(**back), Dump(s));
  EXPECT_EQ(Encoded(**back), enc);
  // Through the type-dispatching decoder the checkpoint loader uses, too (a stream may be
  // empty, unlike the other collections).
  auto obj = DecodeObject(ValueType::kStream, enc);
  ASSERT_TRUE(obj.ok()) << obj.status().ToString();
  ASSERT_EQ((*obj)->type(), ValueType::kStream);
  EXPECT_EQ(Dump(static_cast<const StreamObject&>(**obj)), Dump(s));
}

void ExpectCloneEqual(const StreamObject& s) {
  auto clone = s.Clone();
  ASSERT_EQ(clone->type(), ValueType::kStream);
  const auto& c = static_cast<const StreamObject&>(*clone);
  EXPECT_EQ(Dump(c), Dump(s));
  EXPECT_EQ(Encoded(c), Encoded(s));
}

// Every strict prefix of a valid encoding is refused.
void ExpectTruncationsRefused(const StreamObject& s) {
  const std::string enc = Encoded(s);
  for (std::size_t n = 0; n < enc.size(); ++n) {
    EXPECT_FALSE(StreamObject::Decode(std::string_view(enc).substr(0, n)).ok())
        << "prefix of " << n << " of " << enc.size() << " bytes accepted";
  }
}

// A stream with a bit of everything: several nodes, entries sharing the master's fields and
// not, binary fields, tombstones, a node left with deleted entries only, and groups with
// PELs (pending entries deleted from the stream among them) and consumers, some idle.
std::unique_ptr<StreamObject> Rich() {
  LimitsGuard guard;
  Limits().stream_node_max_entries = 4;
  auto s = std::make_unique<StreamObject>();
  const std::string bin("b\0i\r\n\xff", 6);
  for (std::uint64_t i = 1; i <= 30; ++i) {
    StreamID id{1000 + i / 3, i % 3 == 0 ? 0 : UINT64_MAX - 5 + i % 3};
    if (i % 5 == 0) {
      Add(*s, id, {"other", std::to_string(i), bin, ""});
    } else if (i % 7 == 0) {
      Add(*s, id, {"f", bin + std::to_string(i), "f", "dup"});
    } else {
      Add(*s, id, {"f", std::to_string(i)});
    }
  }
  std::vector<StreamID> ids;
  s->ForRange(StreamID::Min(), StreamID::Max(), false, [&](StreamID id, StreamFields) {
    ids.push_back(id);
    return true;
  });
  // Tombstones inside nodes.
  EXPECT_TRUE(s->Delete(ids[5]));
  EXPECT_TRUE(s->Delete(ids[17]));
  EXPECT_FALSE(s->Delete(ids[5]));
  // The last node's last entry deleted; an exact MINID trim then flags the rest of the first
  // node: as in Redis a node may be left holding deleted entries only.
  EXPECT_TRUE(s->Delete(ids[3]));
  StreamTrim trim;
  trim.strategy = StreamTrim::Strategy::kMinId;
  trim.min_id = ids[3];
  EXPECT_EQ(s->Trim(trim), 3u);

  StreamGroup* g = s->CreateGroup("workers", ids[20], 21);
  StreamGroup* idle =
      s->CreateGroup(std::string("g\0x", 3), StreamID{}, StreamGroup::kUnknownEntriesRead);
  s->CreateGroup("empty", StreamID::Max(), 0);
  EXPECT_NE(g, nullptr);
  EXPECT_NE(idle, nullptr);
  EXPECT_EQ(s->CreateGroup("workers", StreamID{}, 0), nullptr);
  bool created;
  StreamConsumer* alice = g->LookupOrCreateConsumer("alice", 1700000000000, &created);
  StreamConsumer* bob = g->LookupOrCreateConsumer("bob", 1700000000123, &created);
  g->LookupOrCreateConsumer("carol", 5, &created);  // no pending entries
  for (std::size_t i = 4; i < 20; ++i) {
    g->Assign(ids[i], i % 3 == 0 ? bob : alice, 1700000000000 + static_cast<std::int64_t>(i),
              i % 4 + 1);
  }
  // Re-assigned (XCLAIM), acknowledged (XACK), and pending but deleted from the stream.
  g->Assign(ids[7], bob, 1800000000000, 9);
  EXPECT_TRUE(g->Acknowledge(ids[8]));
  EXPECT_FALSE(g->Acknowledge(ids[8]));
  EXPECT_TRUE(s->Delete(ids[10]));
  StreamConsumer* solo = idle->LookupOrCreateConsumer("", 0, &created);
  idle->Assign(ids[25], solo, 0, 1);
  return s;
}

TEST(StreamObjectTest, EmptyStreamsRoundTrip) {
  StreamObject fresh;
  ExpectRoundTrip(fresh);
  ExpectCloneEqual(fresh);
  ExpectTruncationsRefused(fresh);

  // Emptied by XDEL and trimming, with its counters and a group left behind.
  StreamObject emptied;
  Add(emptied, {5, 1}, {"f", "v"});
  Add(emptied, {5, 2}, {"f", "w"});
  EXPECT_TRUE(emptied.Delete({5, 1}));
  StreamTrim trim;
  trim.strategy = StreamTrim::Strategy::kMaxLen;
  trim.max_len = 0;
  EXPECT_EQ(emptied.Trim(trim), 1u);
  EXPECT_EQ(emptied.size(), 0u);
  emptied.CreateGroup("g", {5, 2}, 2);
  ExpectRoundTrip(emptied);
  ExpectCloneEqual(emptied);
  ExpectTruncationsRefused(emptied);

  // XSETID on a stream that never had entries.
  StreamObject set;
  set.set_last_id({UINT64_MAX, UINT64_MAX});
  set.set_max_deleted_id({7, 7});
  set.set_entries_added(UINT64_MAX);
  ExpectRoundTrip(set);
  ExpectCloneEqual(set);
}

TEST(StreamObjectTest, GroupsPelsConsumersAndTombstonesRoundTrip) {
  auto s = Rich();
  EXPECT_GT(s->node_count(), 5u);
  EXPECT_EQ(s->groups().size(), 3u);
  ExpectRoundTrip(*s);
  ExpectCloneEqual(*s);
  ExpectTruncationsRefused(*s);
}

TEST(StreamObjectTest, CloneIsIndependent) {
  auto s = Rich();
  const std::string before = Dump(*s);
  auto clone = s->Clone();
  auto& c = static_cast<StreamObject&>(*clone);
  Add(c, {999999, 0}, {"f", "new"});
  StreamGroup* g = c.FindGroup("workers");
  ASSERT_NE(g, nullptr);
  ASSERT_FALSE(g->pel.empty());
  g->Acknowledge(g->pel.begin()->first);
  g->DeleteConsumer("bob");
  c.DestroyGroup("empty");
  EXPECT_EQ(Dump(*s), before);
  EXPECT_NE(Dump(c), before);
}

TEST(StreamObjectTest, RandomStreamsRoundTrip) {
  LimitsGuard guard;
  std::mt19937_64 rng(20261208);
  for (int round = 0; round < 40; ++round) {
    Limits().stream_node_max_entries = static_cast<std::int64_t>(rng() % 12);
    Limits().stream_node_max_bytes =
        static_cast<std::int64_t>(rng() % 3 == 0 ? 0 : 40 + rng() % 400);
    StreamObject s;
    std::vector<StreamID> ids;
    StreamID id{rng() % 1000, 0};
    const int ops = static_cast<int>(rng() % 400);
    for (int i = 0; i < ops; ++i) {
      const auto op = rng() % 10;
      if (op < 7 || ids.empty()) {
        id.ms += rng() % 3;
        id.seq = id.ms == s.last_id().ms ? s.last_id().seq + 1 + rng() % 3 : rng() % 4;
        std::vector<std::string> fields;
        for (auto n = 1 + rng() % 3; n > 0; --n) {
          fields.push_back(rng() % 2 ? "f" : std::string(rng() % 5, static_cast<char>(rng())));
          fields.push_back(std::to_string(static_cast<std::int64_t>(rng())).substr(0, rng() % 21));
        }
        Add(s, id, fields);
        ids.push_back(id);
      } else if (op < 9) {
        s.Delete(ids[rng() % ids.size()]);
      } else {
        StreamTrim t;
        t.strategy = rng() % 2 ? StreamTrim::Strategy::kMaxLen : StreamTrim::Strategy::kMinId;
        t.max_len = rng() % 20;
        t.min_id = ids[rng() % ids.size()];
        t.approx = rng() % 2 == 0;
        t.limit = t.approx ? rng() % 10 : 0;
        s.Trim(t);
      }
    }
    for (int g = 0; g < static_cast<int>(rng() % 3); ++g) {
      StreamGroup* group = s.CreateGroup(Cat("g", Num(std::int64_t{g})), s.last_id(),
                                         static_cast<std::int64_t>(rng() % 5) - 1);
      bool created;
      for (int c = 0; c < static_cast<int>(rng() % 4); ++c) {
        StreamConsumer* consumer = group->LookupOrCreateConsumer(
            Cat("c", Num(std::int64_t{c})), static_cast<std::int64_t>(rng() >> 20), &created);
        for (int p = 0; p < static_cast<int>(rng() % 6) && !ids.empty(); ++p) {
          group->Assign(ids[rng() % ids.size()], consumer, static_cast<std::int64_t>(rng() >> 20),
                        rng() % 100);
        }
      }
    }
    SCOPED_TRACE(Cat("round ", Num(std::int64_t{round})));
    ExpectRoundTrip(s);
    ExpectCloneEqual(s);
    const std::string enc = Encoded(s);
    for (std::size_t n = 0; n < enc.size(); n += 1 + enc.size() / 64) {
      EXPECT_FALSE(StreamObject::Decode(std::string_view(enc).substr(0, n)).ok()) << n;
    }
  }
}

// Damaged encodings: refused, or (when the damage happens to spell another valid stream)
// accepted as a stream that is consistent in itself — never a crash or an exception. Run
// under the sanitizers, this also proves that no read goes past the input.
TEST(StreamObjectTest, DecodeSurvivesRandomByteFlips) {
  auto rich = Rich();
  StreamObject small;
  Add(small, {1, 1}, {"f", "v"});
  Add(small, {1, 2}, {"g", "w"});
  small.CreateGroup("g", {1, 1}, 1);
  const std::vector<std::string> encodings = {Encoded(*rich), Encoded(small)};
  std::mt19937_64 rng(7);
  std::size_t accepted = 0, tried = 0;
  for (const std::string& enc : encodings) {
    for (int round = 0; round < 4000; ++round) {
      std::string bad = enc;
      for (auto n = 1 + rng() % 3; n > 0; --n) {
        bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
      }
      ++tried;
      StatusOr<std::unique_ptr<StreamObject>> r = Status::Corruption("not decoded");
      EXPECT_NO_THROW(r = StreamObject::Decode(bad));
      if (!r.ok()) continue;
      ++accepted;
      // What was accepted must be usable as any stream is: walked both ways, cloned, and
      // encoded into something that decodes to the same stream.
      const StreamObject& s = **r;
      const std::string dump = Dump(s);
      EXPECT_EQ(dump.find("(dangling)"), std::string::npos) << dump;
      ExpectRoundTrip(s);
      ExpectCloneEqual(s);
      EXPECT_GE(s.MemoryUsage(), sizeof(StreamObject));
    }
  }
  std::printf("stream codec: %zu damaged encodings, %zu accepted as other valid streams\n", tried,
              accepted);
}

TEST(StreamObjectTest, DecodeRefusesInconsistentEncodings) {
  StreamObject s;
  Add(s, {1, 1}, {"f", "v"});
  Add(s, {1, 2}, {"f", "w"});
  StreamGroup* g = s.CreateGroup("g", {1, 2}, 2);
  bool created;
  StreamConsumer* c = g->LookupOrCreateConsumer("c", 1, &created);
  g->Assign({1, 1}, c, 1, 1);
  const std::string enc = Encoded(s);
  ASSERT_TRUE(StreamObject::Decode(enc).ok());
  std::string bad = enc;
  bad[0] = 9;  // format version
  EXPECT_FALSE(StreamObject::Decode(bad).ok());
  EXPECT_FALSE(StreamObject::Decode(enc + "x").ok());  // trailing bytes
  bad = enc;
  bad[1] = 3;  // the length does not match the entries
  EXPECT_FALSE(StreamObject::Decode(bad).ok());
  // A huge node count cannot make the decoder allocate.
  const std::string huge = {'\1', '\0', '\0',   '\0',   '\0',   '\0',   '\0',  '\0',
                            '\0', '\0', '\xff', '\xff', '\xff', '\xff', '\x0f'};
  EXPECT_FALSE(StreamObject::Decode(huge).ok());
  EXPECT_FALSE(StreamObject::Decode("").ok());
}

}  // namespace
}  // namespace strata::types
