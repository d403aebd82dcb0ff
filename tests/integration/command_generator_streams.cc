// Builders for the stream commands (see command_generator.h).
//
// Determinism rules these builders follow:
//  * No XADD ever asks the server for an ID ("*"): an auto ID is the server's clock. Every
//    ID is explicit, or "<ms>-*", whose sequence follows from the stream alone. The IDs come
//    from one generator-wide clock that only moves forward, so a fresh ID is above the last
//    ID of every stream, and the XADDs that are meant to succeed do, whichever stream they
//    land on. Stale and invalid IDs are mixed in for the error paths.
//  * Nothing blocks: XREAD and XREADGROUP never carry a valid BLOCK (only malformed BLOCK
//    values, refused before anything could wait).
//  * Idle times are clock readings. They are kept out of exact replies: XPENDING's extended
//    form and XINFO STREAM / CONSUMERS are compared with those values masked (kPendingIdle,
//    kStreamInfo), and XPENDING's IDLE filter and the min-idle-time of XCLAIM / XAUTOCLAIM
//    only take values whose outcome cannot depend on timing: 0 (everything), an hour or
//    1,000 days (nothing delivered during the run qualifies). The only pending entries
//    older than the run are those XCLAIM set a day back with IDLE or to the epoch with TIME,
//    far from either threshold.
//  * Field names never collide with the names kStreamInfo masks ("idle", "seen-time"...),
//    so an entry's fields inside XINFO STREAM FULL are never mistaken for them.
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "command_generator.h"

namespace strata::test {
namespace {

std::string Str(std::uint64_t v) { return std::to_string(v); }

std::string Id(std::uint64_t ms, std::uint64_t seq) { return Str(ms) + "-" + Str(seq); }

// How many handed-out IDs RecentStreamId draws from: enough to reach entries that are still
// in the streams, few enough that most picks are.
constexpr std::size_t kRecentIds = 48;

// Touched only by StreamEdges: its sequences drive IDs to the top of the ID space, after
// which no fresh ID would be accepted on that stream.
const char* const kScratchStream = "scratch:stream";

const std::vector<std::string> kStreamFields = {
    "f", "f", "f", "g", "name", "n", "1", "", "x y", "\xc3\xa9", "field-0123456789", "-5"};
const std::vector<std::string> kStreamValues = {"v",
                                                "1",
                                                "-5",
                                                "100",
                                                "0",
                                                "007",
                                                "1.5",
                                                "hello",
                                                "",
                                                "12345678901",
                                                "9223372036854775807",
                                                "-9223372036854775808",
                                                "18446744073709551615",
                                                "a b",
                                                "\xc3\xa9"};
const std::vector<std::string> kGroups = {"g1", "g1", "g1", "g2", "g2", "grp"};
const std::vector<std::string> kConsumers = {"alice", "alice", "bob", "c1", "Alice"};
const std::vector<std::string> kBadIds = {"abc",
                                          "-1",
                                          "1-",
                                          "-",
                                          "+",
                                          "1-2-3",
                                          "18446744073709551616-0",
                                          "1-18446744073709551616",
                                          " 1-1",
                                          "1.5-0",
                                          "",
                                          "(",
                                          "((1-1",
                                          "1-x",
                                          "0x10-1",
                                          "1 -1"};
// Stream commands, lower case (the counts the differential tests report).
const std::vector<std::string> kStreamCommands = {
    "xadd",       "xlen",   "xrange", "xrevrange", "xdel",   "xtrim",      "xsetid", "xread",
    "xreadgroup", "xgroup", "xack",   "xpending",  "xclaim", "xautoclaim", "xinfo"};

// "min-idle-time" / IDLE values that split pending entries by age independently of timing
// (see the header comment).
const std::vector<std::string> kMinIdle = {"0", "0", "0", "3600000"};

}  // namespace

bool CommandGenerator::IsStreamCommand(const std::string& name) {
  std::string lower;
  for (char c : name)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return std::find(kStreamCommands.begin(), kStreamCommands.end(), lower) != kStreamCommands.end();
}

bool CommandGenerator::StreamGroupCommands() {
  // On by default; STRATA_DIFF_STREAM_GROUPS=0 leaves the group commands out, for a server
  // that does not have them yet.
  static const bool enabled = [] {
    const char* v = std::getenv("STRATA_DIFF_STREAM_GROUPS");
    return v == nullptr || *v == '\0' || std::string(v) != "0";
  }();
  return enabled;
}

// ---------------------------------------------------------------- IDs

std::string CommandGenerator::NewStreamId() {
  if (stream_ms_ == 0 || Chance(0.5)) {
    stream_ms_ += Uniform(1, 3);
    stream_seq_ = Uniform(0, 2);
  } else {
    stream_seq_ += Uniform(1, 3);
  }
  std::string id = Id(stream_ms_, stream_seq_);
  recent_stream_ids_.push_back(id);
  if (recent_stream_ids_.size() > kRecentIds) recent_stream_ids_.pop_front();
  return id;
}

std::string CommandGenerator::XAddId() {
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.70) return NewStreamId();
  if (r < 0.78) {
    // "<ms>": sequence 0 of a millisecond no ID used yet.
    NewStreamId();
    stream_ms_ += 1;
    stream_seq_ = 0;
    recent_stream_ids_.push_back(Id(stream_ms_, 0));
    return Str(stream_ms_);
  }
  if (r < 0.88) {
    // "<ms>-*" on the clock's millisecond (the next sequence after the stream's last ID
    // there) or a new one (sequence 0); the clock then moves past whatever it produced.
    NewStreamId();
    const std::uint64_t ms = stream_ms_ + (Chance(0.5) ? 0 : 1);
    stream_ms_ = ms + 1;
    stream_seq_ = 0;
    return Str(ms) + "-*";
  }
  if (r < 0.95) return RecentStreamId();  // stale on the stream that had it, maybe not elsewhere
  return Pick(std::vector<std::string>{"0-0", "0-*", "0", "0-1", "abc", "-1", "1-", "1-2-3",
                                       "18446744073709551616-0", "1-18446744073709551616", " 1-1",
                                       "1.5-0", "", "+", "-", "*-1", "1-*-1"});
}

std::string CommandGenerator::RecentStreamId() {
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (recent_stream_ids_.empty() || r < 0.08) {
    return Pick(std::vector<std::string>{"0-0", "0-1", "1-0", "0", "1", "18446744073709551615",
                                         "18446744073709551615-18446744073709551615"});
  }
  const std::string id = recent_stream_ids_[Uniform(0, recent_stream_ids_.size() - 1)];
  if (r < 0.85) return id;
  if (r < 0.95) return id.substr(0, id.find('-'));  // "<ms>": seq 0, or the last for an end
  return Pick(kBadIds);
}

std::string CommandGenerator::StreamRangeBound(bool start) {
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.25) {
    if (Chance(0.85)) return start ? "-" : "+";
    return start ? "+" : "-";
  }
  if (r < 0.75) return RecentStreamId();
  if (r < 0.93) return RecentStreamId().insert(0, "(");
  if (r < 0.97) {
    // Exclusive bounds that cannot move: Redis's "invalid start/end ID for the interval".
    return start ? "(18446744073709551615-18446744073709551615" : "(0-0";
  }
  return Pick(std::vector<std::string>{"(", "(-", "(+", "((1-1", "abc", "", "-1", "1-x"});
}

std::string CommandGenerator::StreamGroupName() {
  if (Chance(0.96)) return Pick(kGroups);
  return Pick(std::vector<std::string>{"nogroup", "", "G1"});
}

std::string CommandGenerator::StreamConsumerName() {
  if (Chance(0.97)) return Pick(kConsumers);
  return Pick(std::vector<std::string>{"", "c\r\n2"});
}

// 1-3 pairs; most entries use the fields "f" or "f g", as a stream's entries usually share
// their fields (Redis then stores only the values, which changes node sizes).
std::vector<std::string> CommandGenerator::StreamFieldValues() {
  auto value = [this] {
    if (Chance(0.85)) return Pick(kStreamValues);
    return RandomBytes(Uniform(0, 64), Chance(0.5));
  };
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.5) return {"f", value()};
  if (r < 0.7) return {"f", value(), "g", value()};
  std::vector<std::string> out;
  for (std::size_t n = Uniform(1, 3); n > 0; --n) {
    out.push_back(Pick(kStreamFields));
    out.push_back(value());
  }
  return out;
}

// MAXLEN|MINID [=|~] threshold [LIMIT count], or (with `may_be_invalid`, rarely) one of the
// malformed combinations.
std::vector<std::string> CommandGenerator::StreamTrimArgs(bool may_be_invalid) {
  if (may_be_invalid && Chance(0.08)) {
    return Pick(std::vector<std::vector<std::string>>{
        {"MAXLEN", "5", "MINID", "1-1"},
        {"MAXLEN", "=", "5", "LIMIT", "3"},
        {"MAXLEN", "5", "LIMIT", "3"},
        {"LIMIT", "3"},
        {"MAXLEN", "-1"},
        {"MAXLEN", "abc"},
        {"MAXLEN", "~", "1.5"},
        {"MINID", "abc"},
        {"MINID", "~", "-"},
        {"MAXLEN", "~", "5", "LIMIT", "-1"},
        {"MAXLEN", "~", "5", "LIMIT", "abc"},
        {"MAXLEN", "9223372036854775808"},
        {"MAXLEN", "~~", "5"},
    });
  }
  std::vector<std::string> out;
  const bool maxlen = Chance(0.6);
  out.push_back(Casing(maxlen ? "MAXLEN" : "MINID"));
  double op = std::uniform_real_distribution<double>(0, 1)(rng_);
  const bool approx = op >= 0.65;
  if (op >= 0.4) out.push_back(approx ? "~" : "=");
  if (maxlen) {
    out.push_back(Chance(0.93) ? Str(Uniform(0, 30))
                               : Pick(std::vector<std::string>{"0", "100", "9223372036854775807"}));
  } else {
    out.push_back(Chance(0.97) ? RecentStreamId() : "0");
  }
  if (approx && Chance(0.4)) {
    out.push_back(Casing("LIMIT"));
    out.push_back(Str(Uniform(0, 12)));
  }
  return out;
}

// ---------------------------------------------------------------- entries

// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] id field value ...
GeneratedCommand CommandGenerator::XAdd() {
  GeneratedCommand c{{Casing("XADD"), FamilyKey('x')}, CompareMode::kExact, "XADD"};
  std::vector<std::vector<std::string>> options;
  if (Chance(0.08)) options.push_back({Casing("NOMKSTREAM")});
  if (Chance(0.4)) options.push_back(StreamTrimArgs(true));
  std::shuffle(options.begin(), options.end(), rng_);  // Redis takes them in any order
  for (const auto& o : options) c.args.insert(c.args.end(), o.begin(), o.end());
  c.args.push_back(XAddId());
  const auto fv = StreamFieldValues();
  c.args.insert(c.args.end(), fv.begin(), fv.end());
  if (Chance(0.03)) c.args.pop_back();               // a field without its value
  if (Chance(0.02)) c.args.push_back("NOMKSTREAM");  // an option after the ID is a field
  return c;
}

// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
GeneratedCommand CommandGenerator::XTrim() {
  GeneratedCommand c{{Casing("XTRIM"), FamilyKey('x')}, CompareMode::kExact, "XTRIM"};
  if (Chance(0.94)) {
    const auto t = StreamTrimArgs(true);
    c.args.insert(c.args.end(), t.begin(), t.end());
    return c;
  }
  const auto bad = Pick(std::vector<std::vector<std::string>>{{"FOO", "1"},
                                                              {"MAXLEN"},
                                                              {"MAXLEN", "~"},
                                                              {"NOMKSTREAM", "MAXLEN", "1"},
                                                              {"1-1", "x"},
                                                              {"MAXLEN", "1", "FOO"}});
  c.args.insert(c.args.end(), bad.begin(), bad.end());
  return c;
}

// XDEL key id [id ...]
GeneratedCommand CommandGenerator::XDel() {
  GeneratedCommand c{{Casing("XDEL"), FamilyKey('x')}, CompareMode::kExact, "XDEL"};
  for (std::size_t n = Uniform(1, 3); n > 0; --n) c.args.push_back(RecentStreamId());
  return c;
}

// XRANGE key start end [COUNT n] / XREVRANGE key end start [COUNT n]
GeneratedCommand CommandGenerator::XRangeCmd(const std::string& name) {
  const bool rev = name == "XREVRANGE";
  GeneratedCommand c{{Casing(name), FamilyKey('x')}, CompareMode::kExact, name};
  std::string start = StreamRangeBound(true);
  std::string end = StreamRangeBound(false);
  c.args.push_back(rev ? end : start);
  c.args.push_back(rev ? start : end);
  if (Chance(0.55)) {
    c.args.push_back(Casing("COUNT"));
    c.args.push_back(Chance(0.9) ? Str(Uniform(0, 6))
                                 : Pick(std::vector<std::string>{"-1", "abc", "100", "",
                                                                 "9223372036854775807"}));
  }
  if (Chance(0.03)) {
    c.args.push_back(Pick(std::vector<std::string>{"COUNT", "FOO"}));  // syntax errors
  }
  return c;
}

// XSETID key last-id [ENTRIESADDED n] [MAXDELETEDID id]
GeneratedCommand CommandGenerator::XSetId() {
  GeneratedCommand c{{Casing("XSETID"), FamilyKey('x')}, CompareMode::kExact, "XSETID"};
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  // A fresh ID moves the stream's last ID up to the generator's clock: later fresh IDs still
  // land above it. (The top of the ID space, after which no XADD is accepted, is left to
  // StreamEdges' scratch stream.)
  std::string id = r < 0.6 ? NewStreamId() : r < 0.9 ? RecentStreamId() : Pick(kBadIds);
  if (id.rfind("18446744073709551615", 0) == 0) id = "0-1";
  c.args.push_back(id);
  std::vector<std::vector<std::string>> options;
  if (Chance(0.3)) {
    options.push_back({Casing("ENTRIESADDED"),
                       Chance(0.85) ? Str(Uniform(0, 60))
                                    : Pick(std::vector<std::string>{"-1", "abc", "1000000",
                                                                    "9223372036854775807"})});
  }
  if (Chance(0.3)) {
    options.push_back({Casing("MAXDELETEDID"), Chance(0.8) ? RecentStreamId() : "0-0"});
  }
  std::shuffle(options.begin(), options.end(), rng_);
  for (const auto& o : options) c.args.insert(c.args.end(), o.begin(), o.end());
  if (Chance(0.03)) c.args.push_back(Pick(std::vector<std::string>{"ENTRIESADDED", "FOO"}));
  return c;
}

// XREAD [COUNT n] STREAMS key [key ...] id [id ...], never blocking.
GeneratedCommand CommandGenerator::XRead() {
  GeneratedCommand c{{Casing("XREAD")}, CompareMode::kExact, "XREAD"};
  std::vector<std::vector<std::string>> options;
  if (Chance(0.5)) {
    options.push_back({Casing("COUNT"), Chance(0.9) ? Str(Uniform(0, 5))
                                                    : Pick(std::vector<std::string>{"-1", "abc"})});
  }
  if (Chance(0.03)) {
    // Refused before anything could wait.
    options.push_back({Casing("BLOCK"), Pick(std::vector<std::string>{"-1", "abc", "1.5", ""})});
  }
  if (Chance(0.02)) options.push_back({Pick(std::vector<std::string>{"GROUP", "NOACK", "FOO"})});
  std::shuffle(options.begin(), options.end(), rng_);
  for (const auto& o : options) c.args.insert(c.args.end(), o.begin(), o.end());
  c.args.push_back(Casing("STREAMS"));
  const std::size_t n = Uniform(1, 3);
  for (std::size_t i = 0; i < n; ++i) c.args.push_back(FamilyKey('x'));
  for (std::size_t i = 0; i < n; ++i) {
    double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    c.args.push_back(r < 0.35   ? Pick(std::vector<std::string>{"0", "0-0", "$"})
                     : r < 0.97 ? RecentStreamId()
                                : ">");
  }
  if (Chance(0.03)) c.args.pop_back();  // unbalanced
  return c;
}

// ---------------------------------------------------------------- consumer groups

// XREADGROUP GROUP group consumer [COUNT n] [NOACK] STREAMS key [key ...] id [id ...]
GeneratedCommand CommandGenerator::XReadGroup() {
  GeneratedCommand c{{Casing("XREADGROUP")}, CompareMode::kExact, "XREADGROUP"};
  std::vector<std::vector<std::string>> options;
  if (Chance(0.97)) options.push_back({Casing("GROUP"), StreamGroupName(), StreamConsumerName()});
  if (Chance(0.5)) {
    options.push_back({Casing("COUNT"), Chance(0.92)
                                            ? Str(Uniform(0, 4))
                                            : Pick(std::vector<std::string>{"-1", "abc"})});
  }
  if (Chance(0.2)) options.push_back({Casing("NOACK")});
  if (Chance(0.02)) options.push_back({Casing("BLOCK"), Pick(std::vector<std::string>{"-1", "x"})});
  std::shuffle(options.begin(), options.end(), rng_);
  for (const auto& o : options) c.args.insert(c.args.end(), o.begin(), o.end());
  c.args.push_back(Casing("STREAMS"));
  const std::size_t n = Chance(0.8) ? 1 : 2;
  for (std::size_t i = 0; i < n; ++i) c.args.push_back(FamilyKey('x'));
  for (std::size_t i = 0; i < n; ++i) {
    double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    // ">" reads new entries; an ID reads the consumer's own pending ones after it.
    c.args.push_back(r < 0.65 ? ">" : r < 0.85 ? "0" : r < 0.97 ? RecentStreamId() : "$");
  }
  if (Chance(0.02)) c.args.pop_back();  // unbalanced
  return c;
}

// XGROUP CREATE|SETID|DESTROY|CREATECONSUMER|DELCONSUMER, and malformed forms.
GeneratedCommand CommandGenerator::XGroup() {
  const std::string key = FamilyKey('x');
  auto entries_read = [this] {
    return std::vector<std::string>{
        Casing("ENTRIESREAD"),
        Chance(0.85) ? Str(Uniform(0, 40))
                     : Pick(std::vector<std::string>{"-1", "-2", "abc", "9223372036854775807"})};
  };
  auto group_id = [this] {
    double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    return r < 0.3 ? "$" : r < 0.55 ? std::string("0") : RecentStreamId();
  };
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  GeneratedCommand c{{Casing("XGROUP")}, CompareMode::kExact, "XGROUP"};
  if (r < 0.45) {
    c.label = "XGROUP CREATE";
    c.args.insert(c.args.end(), {Casing("CREATE"), key, StreamGroupName(), group_id()});
    std::vector<std::vector<std::string>> options;
    if (Chance(0.5)) options.push_back({Casing("MKSTREAM")});
    if (Chance(0.25)) options.push_back(entries_read());
    std::shuffle(options.begin(), options.end(), rng_);
    for (const auto& o : options) c.args.insert(c.args.end(), o.begin(), o.end());
    if (Chance(0.02)) c.args.push_back("FOO");
  } else if (r < 0.57) {
    c.label = "XGROUP SETID";
    c.args.insert(c.args.end(), {Casing("SETID"), key, StreamGroupName(), group_id()});
    if (Chance(0.3)) {
      const auto e = entries_read();
      c.args.insert(c.args.end(), e.begin(), e.end());
    }
    if (Chance(0.02)) c.args.push_back("MKSTREAM");  // CREATE's only
  } else if (r < 0.63) {
    c.label = "XGROUP DESTROY";
    c.args.insert(c.args.end(), {Casing("DESTROY"), key, StreamGroupName()});
  } else if (r < 0.8) {
    c.label = "XGROUP CREATECONSUMER";
    c.args.insert(c.args.end(),
                  {Casing("CREATECONSUMER"), key, StreamGroupName(), StreamConsumerName()});
  } else if (r < 0.93) {
    c.label = "XGROUP DELCONSUMER";
    c.args.insert(c.args.end(),
                  {Casing("DELCONSUMER"), key, StreamGroupName(), StreamConsumerName()});
  } else {
    // Unknown subcommands and subcommand arities.
    c.label = "XGROUP(invalid)";
    const auto bad = Pick(std::vector<std::vector<std::string>>{
        {"FOO", key},
        {"CREATE", key, "g1"},
        {"CREATE", key},
        {"SETID", key, "g1"},
        {"DESTROY", key},
        {"DESTROY", key, "g1", "x"},
        {"CREATECONSUMER", key, "g1"},
        {"DELCONSUMER", key, "g1", "alice", "x"},
        {"CREATE", key, "g1", "$", "ENTRIESREAD"},
        {"CREATE", key, "g1", "abc"},
        {"SETID", key, "g1", "0", "FOO", "1"},
        {"createconsumer"},
    });
    c.args.insert(c.args.end(), bad.begin(), bad.end());
  }
  return c;
}

// XACK key group id [id ...]
GeneratedCommand CommandGenerator::XAck() {
  GeneratedCommand c{
      {Casing("XACK"), FamilyKey('x'), StreamGroupName()}, CompareMode::kExact, "XACK"};
  for (std::size_t n = Uniform(1, 4); n > 0; --n) c.args.push_back(RecentStreamId());
  return c;
}

// XPENDING key group: the summary (exact), or the extended form [IDLE n] start end count
// [consumer] with each entry's idle time masked.
GeneratedCommand CommandGenerator::XPending() {
  GeneratedCommand c{
      {Casing("XPENDING"), FamilyKey('x'), StreamGroupName()}, CompareMode::kExact, "XPENDING"};
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.45) return c;
  if (r < 0.95) {
    c.mode = CompareMode::kPendingIdle;
    c.label = "XPENDING(extended)";
    if (Chance(0.3)) {
      c.args.push_back(Casing("IDLE"));
      // 0 keeps every entry; 1,000 days keeps only what XCLAIM's TIME put at the epoch
      // (what its IDLE backdated is a day old): never a matter of timing.
      c.args.push_back(Pick(std::vector<std::string>{"0", "0", "-5", "86400000000"}));
    }
    c.args.push_back(StreamRangeBound(true));
    c.args.push_back(StreamRangeBound(false));
    c.args.push_back(Chance(0.9) ? Str(Uniform(0, 6))
                                 : Pick(std::vector<std::string>{"-1", "abc", "100"}));
    if (Chance(0.4)) c.args.push_back(StreamConsumerName());
    return c;
  }
  c.label = "XPENDING(invalid)";
  c.mode = CompareMode::kPendingIdle;  // Redis 7.0 ignores arguments after the consumer
  const auto bad = Pick(std::vector<std::vector<std::string>>{{"-", "+"},
                                                              {"IDLE", "abc", "-", "+", "1"},
                                                              {"IDLE", "0", "-", "+"},
                                                              {"-"},
                                                              {"-", "+", "1", "alice", "extra"},
                                                              {"IDLE", "1.5", "-", "+", "1"}});
  c.args.insert(c.args.end(), bad.begin(), bad.end());
  return c;
}

// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms] [RETRYCOUNT n]
// [FORCE] [JUSTID] [LASTID id]
GeneratedCommand CommandGenerator::XClaim() {
  GeneratedCommand c{
      {Casing("XCLAIM"), FamilyKey('x'), StreamGroupName(), StreamConsumerName(),
       Chance(0.96) ? Pick(kMinIdle) : Pick(std::vector<std::string>{"-1", "abc", "1.5"})},
      CompareMode::kExact,
      "XCLAIM"};
  for (std::size_t n = Uniform(1, 3); n > 0; --n) c.args.push_back(RecentStreamId());
  std::vector<std::vector<std::string>> options;
  if (Chance(0.2)) {
    // Now, or a day back (see kMinIdle): either way on the same side of every threshold.
    options.push_back(
        {Casing("IDLE"), Pick(std::vector<std::string>{"0", "86400000", "-5", "abc"})});
  }
  if (Chance(0.1)) {
    // The epoch (a very old delivery), or the future (taken as now).
    options.push_back(
        {Casing("TIME"), Pick(std::vector<std::string>{"1", "99999999999999", "abc"})});
  }
  if (Chance(0.2)) {
    options.push_back(
        {Casing("RETRYCOUNT"), Pick(std::vector<std::string>{"0", "1", "5", "-1", "abc"})});
  }
  if (Chance(0.2)) options.push_back({Casing("FORCE")});
  if (Chance(0.4)) options.push_back({Casing("JUSTID")});
  if (Chance(0.15)) options.push_back({Casing("LASTID"), RecentStreamId()});
  if (Chance(0.02)) options.push_back({"FOO"});
  std::shuffle(options.begin(), options.end(), rng_);
  for (const auto& o : options) c.args.insert(c.args.end(), o.begin(), o.end());
  return c;
}

// XAUTOCLAIM key group consumer min-idle-time start [COUNT n] [JUSTID]
GeneratedCommand CommandGenerator::XAutoClaim() {
  GeneratedCommand c{
      {Casing("XAUTOCLAIM"), FamilyKey('x'), StreamGroupName(), StreamConsumerName(),
       Chance(0.96) ? Pick(kMinIdle) : Pick(std::vector<std::string>{"-1", "abc"}),
       Chance(0.3) ? Pick(std::vector<std::string>{"0", "0-0", "-", "+"}) : StreamRangeBound(true)},
      CompareMode::kExact,
      "XAUTOCLAIM"};
  if (Chance(0.5)) {
    c.args.push_back(Casing("COUNT"));
    c.args.push_back(Chance(0.9) ? Str(Uniform(1, 5))
                                 : Pick(std::vector<std::string>{"0", "-1", "abc", "100",
                                                                 "9223372036854775807"}));
  }
  if (Chance(0.4)) c.args.push_back(Casing("JUSTID"));
  if (Chance(0.02)) c.args.push_back("FOO");
  return c;
}

// XINFO STREAM key [FULL [COUNT n]] / GROUPS key / CONSUMERS key group. STREAM and
// CONSUMERS carry clock readings, masked by kStreamInfo; GROUPS carries none.
GeneratedCommand CommandGenerator::XInfo() {
  const std::string key = FamilyKey('x');
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (r < 0.35) {
    GeneratedCommand c{
        {Casing("XINFO"), Casing("STREAM"), key}, CompareMode::kStreamInfo, "XINFO STREAM"};
    if (Chance(0.5)) {
      c.label = "XINFO STREAM FULL";
      c.args.push_back(Casing("FULL"));
      if (Chance(0.5)) {
        c.args.push_back(Casing("COUNT"));
        c.args.push_back(Chance(0.9) ? Str(Uniform(0, 4))
                                     : Pick(std::vector<std::string>{"-1", "abc"}));
      }
    }
    return c;
  }
  if (r < 0.7) {
    return {{Casing("XINFO"), Casing("GROUPS"), key}, CompareMode::kExact, "XINFO GROUPS"};
  }
  if (r < 0.92) {
    return {{Casing("XINFO"), Casing("CONSUMERS"), key, StreamGroupName()},
            CompareMode::kStreamInfo,
            "XINFO CONSUMERS"};
  }
  GeneratedCommand c{{Casing("XINFO")}, CompareMode::kExact, "XINFO(invalid)"};
  const auto bad = Pick(std::vector<std::vector<std::string>>{{"FOO", key},
                                                              {"STREAM"},
                                                              {"GROUPS"},
                                                              {"CONSUMERS", key},
                                                              {"STREAM", key, "FOO"},
                                                              {"STREAM", key, "FULL", "COUNT"},
                                                              {"GROUPS", key, "x"},
                                                              {"CONSUMERS", key, "g1", "x"}});
  c.args.insert(c.args.end(), bad.begin(), bad.end());
  return c;
}

// A stream command with an argument count its arity forbids.
GeneratedCommand CommandGenerator::StreamWrongArity() {
  struct Arity {
    const char* name;
    int arity;  // Redis convention: n exact, -n at least n
    bool group;
  };
  static const std::vector<Arity> kArities = {
      {"XADD", -5, false},      {"XLEN", 2, false},       {"XRANGE", -4, false},
      {"XREVRANGE", -4, false}, {"XDEL", -3, false},      {"XTRIM", -4, false},
      {"XSETID", -3, false},    {"XREAD", -4, false},     {"XREADGROUP", -7, true},
      {"XGROUP", -2, true},     {"XACK", -4, true},       {"XPENDING", -3, true},
      {"XCLAIM", -6, true},     {"XAUTOCLAIM", -6, true}, {"XINFO", -2, true}};
  const Arity* a;
  do {
    a = &Pick(kArities);
  } while (a->group && !StreamGroupCommands());
  std::size_t argc;
  if (a->arity > 0) {
    do {
      argc = Uniform(1, a->arity + 2);
    } while (static_cast<int>(argc) == a->arity);
  } else {
    argc = Uniform(1, -a->arity - 1);
  }
  GeneratedCommand c{{Casing(a->name)}, CompareMode::kExact, std::string("arity:") + a->name};
  while (c.args.size() < argc) c.args.push_back(Chance(0.6) ? FamilyKey('x') : RecentStreamId());
  return c;
}

// Sequences at the top of the ID space, on a stream nothing else touches (no fresh ID
// would be accepted there afterwards).
GeneratedCommand CommandGenerator::StreamEdges() {
  using Seq = std::vector<std::vector<std::string>>;
  const std::string s = kScratchStream;
  const std::string top = "18446744073709551615";
  const Seq seq = Pick(std::vector<Seq>{
      // the last sequence number of a millisecond. ("5-*" has no next one there; Redis
      // 7.0.15 picks its error text from a leftover errno, so that one is not compared.)
      {{"DEL", s},
       {"XADD", s, "5-" + top, "f", "v"},
       {"XADD", s, "6-*", "f", "v"},
       {"XRANGE", s, "-", "+"},
       {"XRANGE", s, "(5-" + top, "+"}},
      // the last ID of all: every later XADD is refused, XSETID cannot go back
      {{"DEL", s},
       {"XADD", s, top + "-" + Str(UINT64_MAX - 1), "f", "v"},
       {"XADD", s, top + "-*", "f", "v"},
       {"XADD", s, top + "-*", "f", "v"},
       {"XADD", s, "1-1", "f", "v"},
       {"XADD", s, "MAXLEN", "0", "1-1", "f", "v"},
       {"XLEN", s},
       {"XSETID", s, "1-1"},
       {"XREVRANGE", s, "+", "(" + top + "-0"}},
      // XSETID to the last ID, then XADD; XSETID on an emptied stream may go back
      {{"DEL", s},
       {"XSETID", s, "1-1"},
       {"XADD", s, "1-1", "f", "v"},
       {"XSETID", s, top + "-" + top},
       {"XADD", s, "2-2", "f", "v"},
       {"XADD", s, top + "-*", "f", "v"},
       {"XDEL", s, "1-1"},
       {"XSETID", s, "3-3", "ENTRIESADDED", "0"},
       {"XADD", s, "3-*", "f", "v"},
       {"XLEN", s}},
      // MAXLEN 0 leaves an empty stream under the key
      {{"DEL", s},
       {"XADD", s, "MAXLEN", "0", "7-7", "f", "v"},
       {"EXISTS", s},
       {"XLEN", s},
       {"TYPE", s},
       {"XADD", s, "7-7", "f", "v"},
       {"XADD", s, "0-*", "f", "v"},
       {"XADD", s, "NOMKSTREAM", "8-0", "f", "v"}},
  });
  for (const auto& args : seq) pending_.push_back({args, CompareMode::kExact, "scratch:stream"});
  GeneratedCommand first = std::move(pending_.front());
  pending_.pop_front();
  return first;
}

// CONFIG SET stream-node-max-entries / stream-node-max-bytes: node sizes from one entry per
// node to unlimited, so XADD's and XTRIM's "~", which remove whole nodes only, and XINFO's
// node count see many boundaries.
//
// No byte limit under 200: redis-server 7.0.15 corrupts its heap when streams grow under
// limits of 64 bytes and below (it crashed within 40,000 commands in half the seeds, in
// SMEMBERS of an unrelated set, once the generator switched between 1 and 64 bytes, and
// once between 64 and 100). Limits of 200 bytes and more still split nodes every few
// entries here, as values are up to 64 bytes.
GeneratedCommand CommandGenerator::StreamNodeConfig() {
  if (Chance(0.6)) {
    return {{"CONFIG", "SET", "stream-node-max-entries",
             Pick(std::vector<std::string>{"1", "2", "3", "5", "8", "100", "0"})},
            CompareMode::kExact,
            "CONFIG SET stream-node-max-entries"};
  }
  return {{"CONFIG", "SET", "stream-node-max-bytes",
           Pick(std::vector<std::string>{"200", "256", "400", "700", "4096", "0"})},
          CompareMode::kExact,
          "CONFIG SET stream-node-max-bytes"};
}

// ---------------------------------------------------------------- table

void CommandGenerator::AddStreamBuilders() {
  const double w = options_.stream_weight;
  auto key_only = [this](const char* name) {
    return [this, name] {
      return GeneratedCommand{{Casing(name), FamilyKey('x')}, CompareMode::kExact, name};
    };
  };
  std::vector<Entry> more = {
      {3 * w, [this] { return XAdd(); }},
      {0.7 * w, key_only("XLEN")},
      {1.5 * w, [this] { return XRangeCmd("XRANGE"); }},
      {1 * w, [this] { return XRangeCmd("XREVRANGE"); }},
      {0.8 * w, [this] { return XDel(); }},
      {0.8 * w, [this] { return XTrim(); }},
      {0.4 * w, [this] { return XSetId(); }},
      {1 * w, [this] { return XRead(); }},
      {0.3 * w, [this] { return StreamWrongArity(); }},
      {0.08 * w, [this] { return StreamEdges(); }, false},
      // keyspace commands on stream keys (the generic builders reach them rarely)
      {0.3 * w, key_only("TYPE")},
      {0.2 * w,
       [this] {
         return GeneratedCommand{{Casing("OBJECT"), Casing("ENCODING"), FamilyKey('x')},
                                 CompareMode::kExact,
                                 "OBJECT ENCODING"};
       }},
      {0.15 * w,
       [this] {
         return GeneratedCommand{
             {Casing("COPY"), FamilyKey('x'), FamilyKey('x')}, CompareMode::kExact, "COPY"};
       }},
      {0.15 * w,
       [this] {
         return GeneratedCommand{
             {Casing("RENAME"), FamilyKey('x'), FamilyKey('x')}, CompareMode::kExact, "RENAME"};
       }},
      {0.1 * w,
       [this] {
         return GeneratedCommand{{Casing("DEL"), FamilyKey('x')}, CompareMode::kExact, "DEL"};
       }},
  };
  if (StreamGroupCommands()) {
    std::vector<Entry> groups = {
        {1.5 * w, [this] { return XGroup(); }}, {1.5 * w, [this] { return XReadGroup(); }},
        {0.8 * w, [this] { return XAck(); }},   {0.8 * w, [this] { return XPending(); }},
        {0.6 * w, [this] { return XClaim(); }}, {0.5 * w, [this] { return XAutoClaim(); }},
        {0.6 * w, [this] { return XInfo(); }},
    };
    more.insert(more.end(), groups.begin(), groups.end());
  }
  if (options_.stream_node_config)
    more.push_back({0.05 * w, [this] { return StreamNodeConfig(); }});
  table_.insert(table_.end(), more.begin(), more.end());
}

}  // namespace strata::test
