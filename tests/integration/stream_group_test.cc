// Consumer groups and XINFO against a real strata-server: every command is sent to Debian's
// redis-server 7.0 too and the replies must be identical, in RESP2 and RESP3. Idle times,
// delivery times and seen times depend on when each server ran the command: they are
// compared with a slack of a few seconds (RESP2) or masked (RESP3 bytes); everything else,
// radix-tree-nodes included, is compared exactly. Explicit IDs keep the rest deterministic.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using Cmd = std::vector<std::string>;

// Two servers never run the same command at the same millisecond; the test's own pace is
// far below this.
constexpr long long kTimeSlackMs = 5000;

bool LooksLikeId(const Reply& r) {
  if (r.type != REDIS_REPLY_STRING) return false;
  const std::size_t dash = r.str.find('-');
  return dash != std::string::npos && dash > 0 && dash + 1 < r.str.size() &&
         r.str.find_first_not_of("0123456789-") == std::string::npos;
}

// Which elements of an array are times: the value after an "idle" or "seen-time" field, the
// third of an XPENDING / XINFO FULL pending row [id, consumer, time, count], the second of a
// consumer's pending row [id, time, count].
std::vector<bool> TimeSlots(const Reply& r) {
  std::vector<bool> slots(r.elements.size(), false);
  const auto& e = r.elements;
  for (std::size_t i = 0; i + 1 < e.size(); ++i) {
    if (e[i].type == REDIS_REPLY_STRING && (e[i].str == "idle" || e[i].str == "seen-time")) {
      slots[i + 1] = true;
    }
  }
  if (e.size() == 4 && LooksLikeId(e[0]) && e[1].type == REDIS_REPLY_STRING &&
      e[2].type == REDIS_REPLY_INTEGER && e[3].type == REDIS_REPLY_INTEGER) {
    slots[2] = true;
  }
  if (e.size() == 3 && LooksLikeId(e[0]) && e[1].type == REDIS_REPLY_INTEGER &&
      e[2].type == REDIS_REPLY_INTEGER) {
    slots[1] = true;
  }
  return slots;
}

// Equal replies, the time slots within kTimeSlackMs of each other.
bool SameUpToTimes(const Reply& ours, const Reply& theirs) {
  if (ours.type != theirs.type || ours.str != theirs.str ||
      ours.elements.size() != theirs.elements.size()) {
    return false;
  }
  if (ours.type == REDIS_REPLY_INTEGER) return ours.integer == theirs.integer;
  const std::vector<bool> slots = TimeSlots(theirs);
  for (std::size_t i = 0; i < ours.elements.size(); ++i) {
    const Reply& a = ours.elements[i];
    const Reply& b = theirs.elements[i];
    if (slots[i] && a.type == REDIS_REPLY_INTEGER && b.type == REDIS_REPLY_INTEGER) {
      if (a.integer < 0 || std::llabs(a.integer - b.integer) > kTimeSlackMs) return false;
    } else if (!SameUpToTimes(a, b)) {
      return false;
    }
  }
  return true;
}

// Replaces the integer after each `field` (a RESP bulk string) with "X".
std::string MaskIntsAfter(const std::string& bytes, const std::string& field) {
  std::string marker = "$";
  marker.append(std::to_string(field.size())).append("\r\n").append(field).append("\r\n:");
  std::string out;
  std::size_t pos = 0;
  for (std::size_t at = bytes.find(marker); at != std::string::npos; at = bytes.find(marker, pos)) {
    const std::size_t from = at + marker.size();
    out.append(bytes, pos, from - pos).push_back('X');
    pos = bytes.find("\r\n", from);
    if (pos == std::string::npos) return out;
  }
  return out.append(bytes, pos, std::string::npos);
}

class StreamGroupTest : public BothClientsTest<StreamGroupTest> {
 protected:
  // Sends `cmd` to both; equal replies apart from times within the slack.
  Reply Timed(const Cmd& cmd) {
    Reply s = s_->Cmd(cmd), r = r_->Cmd(cmd);
    EXPECT_TRUE(SameUpToTimes(s, r)) << PrintableCommand(cmd) << "\n  strata: " << s.ToString()
                                     << "\n  redis:  " << r.ToString();
    return s;
  }
  void TimedAll(const std::vector<Cmd>& cmds) {
    for (const Cmd& c : cmds) Timed(c);
  }
  // Every sequence is compared as Timed: the idle times some of them show are the only
  // values allowed to differ.
  void BothAll(const std::vector<Cmd>& cmds) { TimedAll(cmds); }
  void ConfigBoth(const std::string& name, const std::string& value) {
    Both({"CONFIG", "SET", name, value});
  }
  // A stream `key` with entries 1-1 .. n-1 (field f<i>, value v<i>).
  void MakeStream(const std::string& key, int n) {
    Both({"DEL", key});
    for (int i = 1; i <= n; ++i) {
      const std::string ms = std::to_string(i);
      Both({"XADD", key, ms + "-1", "f" + ms, "v" + ms});
    }
  }
  // RESP3 replies of `cmds` from both servers, with seen times and idle times masked.
  void ExpectSameResp3(const std::vector<Cmd>& cmds) {
    std::string batch;
    for (const Cmd& c : cmds) batch += RespCommand(c);
    auto masked = [&](int port) {
      return MaskIntsAfter(MaskIntsAfter(Resp3Replies(port, batch), "seen-time"), "idle");
    };
    const std::string ours = masked(port());
    EXPECT_FALSE(ours.empty());
    EXPECT_EQ(ours, masked(redis()->port()));
  }
};

// ---- XGROUP -----------------------------------------------------------------------------

TEST_F(StreamGroupTest, CreateChecksInRedisOrder) {
  BothAll({
      {"DEL", "sg:c", "sg:none", "sg:str"},
      {"SET", "sg:str", "x"},
      {"XGROUP", "CREATE", "sg:none", "g", "$"},
      {"XGROUP", "CREATE", "sg:none", "g", "$", "MKSTREAM", "extra"},
      {"XGROUP", "CREATE", "sg:none", "g", "$", "ENTRIESREAD"},
      {"XGROUP", "CREATE", "sg:none", "g", "$", "ENTRIESREAD", "x"},
      {"XGROUP", "CREATE", "sg:none", "g", "$", "ENTRIESREAD", "-2"},
      {"XGROUP", "CREATE", "sg:none", "g", "$", "ENTRIESREAD", "-1"},
      // Nine arguments: every option parses, then the shape is refused; nothing is made.
      {"XGROUP", "CREATE", "sg:none", "g", "$", "MKSTREAM", "MKSTREAM", "MKSTREAM", "MKSTREAM"},
      {"XGROUP", "CREATE", "sg:none", "g", "bad", "MKSTREAM"},
      {"XGROUP", "CREATE", "sg:none", "g", "-", "MKSTREAM"},
      {"XGROUP", "CREATE", "sg:none", "g", "+", "MKSTREAM"},
      {"XGROUP", "CREATE", "sg:none", "g", "0-*", "MKSTREAM"},
      {"EXISTS", "sg:none"},
      {"XGROUP", "CREATE", "sg:str", "g", "$"},
      {"XGROUP", "CREATE", "sg:str", "g", "bad"},
      {"XGROUP", "CREATE", "sg:str", "g", "$", "ENTRIESREAD", "x"},
      {"XGROUP", "CREATE", "sg:str", "g", "$", "MKSTREAM"},
      {"XGROUP", "CREATE"},
      {"XGROUP", "FOO", "sg:c", "g"},
      {"XGROUP"},
      {"XADD", "sg:c", "1-1", "a", "1"},
      {"XADD", "sg:c", "2-1", "b", "2"},
      {"XGROUP", "CREATE", "sg:c", "g", "$"},
      {"XGROUP", "CREATE", "sg:c", "g", "0"},
      {"XGROUP", "create", "sg:c", "g2", "0", "entriesread", "5"},
      {"XGROUP", "CREATE", "sg:c", "g3", "1-1", "ENTRIESREAD", "0", "MKSTREAM"},
      {"XGROUP", "CREATE", "sg:c", "g4", "99"},
      {"XGROUP", "CREATE", "sg:c", "g5", "bad", "FOO"},
      {"XGROUP", "CREATE", "sg:c", "g5", "0", "ENTRIESREAD", "5", "ENTRIESREAD", "7"},
      {"XGROUP", "CREATE", "sg:c", "", "0"},
      {"XINFO", "GROUPS", "sg:c"},
      {"XGROUP", "CREATE", "sg:new", "g", "$", "MKSTREAM"},
      {"XGROUP", "CREATE", "sg:new", "g", "$", "MKSTREAM"},
      {"TYPE", "sg:new"},
      {"XLEN", "sg:new"},
      {"XINFO", "STREAM", "sg:new"},
      {"XINFO", "GROUPS", "sg:new"},
      {"DEL", "sg:c", "sg:new", "sg:str"},
  });
}

TEST_F(StreamGroupTest, SetIdDestroyAndConsumers) {
  MakeStream("sg:s", 2);
  BothAll({
      {"SET", "sg:str", "x"},
      {"XGROUP", "CREATE", "sg:s", "g", "0"},
      {"XGROUP", "SETID", "sg:str", "g", "$"},
      {"XGROUP", "SETID", "sg:none", "g", "$"},
      {"XGROUP", "DESTROY", "sg:none", "g"},
      {"XGROUP", "CREATECONSUMER", "sg:none", "g", "c"},
      {"XGROUP", "DELCONSUMER", "sg:none", "g", "c"},
      {"XGROUP", "DELCONSUMER", "sg:str", "g", "c"},
      {"XGROUP", "SETID", "sg:s", "nog", "$"},
      {"XGROUP", "SETID", "sg:s", "g", "0", "ENTRIESREAD"},
      {"XGROUP", "SETID", "sg:s", "g", "0", "FOO", "5"},
      {"XGROUP", "SETID", "sg:s", "g", "1", "ENTRIESREAD", "2", "x"},
      // ENTRIESREAD is read before the ID.
      {"XGROUP", "SETID", "sg:s", "g", "bad", "ENTRIESREAD", "x"},
      {"XGROUP", "SETID", "sg:s", "g", "bad", "ENTRIESREAD", "-5"},
      {"XGROUP", "SETID", "sg:s", "g", "bad"},
      {"XGROUP", "SETID", "sg:s", "g", "(1"},
      {"XGROUP", "SETID", "sg:s", "g", "5-*"},
      {"XGROUP", "SETID", "sg:s", "g", "-"},
      {"XINFO", "GROUPS", "sg:s"},
      {"XGROUP", "SETID", "sg:s", "g", "+"},
      {"XINFO", "GROUPS", "sg:s"},
      {"XGROUP", "SETID", "sg:s", "g", "1-1", "ENTRIESREAD", "1"},
      {"XINFO", "GROUPS", "sg:s"},
      {"XGROUP", "setid", "sg:s", "g", "$"},  // without ENTRIESREAD the counter is unknown
      {"XINFO", "GROUPS", "sg:s"},
      {"XGROUP", "SETID", "sg:s", "g", "0", "entriesread", "-1"},
      {"XGROUP", "CREATECONSUMER", "sg:s", "nog", "c"},
      {"XGROUP", "CREATECONSUMER", "sg:s", "g", "c"},
      {"XGROUP", "CREATECONSUMER", "sg:s", "g", "c"},
      {"XGROUP", "CREATECONSUMER", "sg:s", "g", "d"},
      {"XCLAIM", "sg:s", "g", "d", "0", "1-1", "2-1", "FORCE", "JUSTID"},
      {"XGROUP", "DELCONSUMER", "sg:s", "g", "c"},
      {"XGROUP", "DELCONSUMER", "sg:s", "g", "c"},
      {"XGROUP", "DELCONSUMER", "sg:s", "nog", "c"},
      {"XGROUP", "DELCONSUMER", "sg:s", "g", "d"},  // its two pending entries go with it
      {"XPENDING", "sg:s", "g"},
      {"XGROUP", "CREATECONSUMER", "sg:s", "g"},
      {"XGROUP", "DELCONSUMER", "sg:s", "g", "c", "x"},
      {"XGROUP", "DESTROY", "sg:s", "nog"},
      {"XGROUP", "DESTROY", "sg:s", "g"},
      {"XGROUP", "DESTROY", "sg:s", "g"},
      {"XGROUP", "DESTROY", "sg:s"},
      {"XINFO", "GROUPS", "sg:s"},
      {"DEL", "sg:s", "sg:str"},
  });
}

TEST_F(StreamGroupTest, Help) {
  for (Client* c : {s_.get(), r_.get()}) {
    ExpectHelpReply(c->Cmd(Cmd{"XGROUP", "HELP"}), "XGROUP",
                    {"CREATE", "CREATECONSUMER", "DELCONSUMER", "DESTROY", "SETID"});
    ExpectHelpReply(c->Cmd(Cmd{"XINFO", "help"}), "XINFO", {"CONSUMERS", "GROUPS", "STREAM"});
  }
  BothAll({{"XGROUP", "HELP", "x"}, {"XINFO", "HELP", "x"}, {"XINFO"}, {"XINFO", "FOO", "k"}});
}

// ---- XACK, XPENDING ---------------------------------------------------------------------

TEST_F(StreamGroupTest, AckAndPending) {
  MakeStream("sg:p", 6);
  BothAll({
      {"SET", "sg:str", "x"},
      {"XGROUP", "CREATE", "sg:p", "g", "0"},
      {"XGROUP", "CREATE", "sg:p", "empty", "$"},
      {"XCLAIM", "sg:p", "g", "alice", "0", "1-1", "2-1", "3-1", "FORCE", "JUSTID"},
      {"XCLAIM", "sg:p", "g", "bob", "0", "4-1", "5-1", "FORCE", "JUSTID", "TIME", "1000"},
      {"XGROUP", "CREATECONSUMER", "sg:p", "g", "carol"},
      {"XPENDING", "sg:p", "g"},
      {"XPENDING", "sg:p", "empty"},
      {"XPENDING", "sg:none", "g"},
      {"XPENDING", "sg:str", "g"},
      {"XPENDING", "sg:p", "nog"},
      {"XPENDING", "sg:p", "g", "x"},
      {"XPENDING", "sg:p", "g", "-", "+"},
      {"XPENDING", "sg:p", "g", "-", "+", "10", "c", "extra", "extra", "extra"},
      {"XPENDING", "sg:p", "g", "-", "+", "x"},
      {"XPENDING", "sg:p", "g", "bad", "+", "10"},
      {"XPENDING", "sg:p", "g", "-", "bad", "10"},
      {"XPENDING", "sg:p", "g", "(bad", "+", "10"},
      {"XPENDING", "sg:p", "g", "(-", "+", "10"},
      {"XPENDING", "sg:p", "g", "-", "(0-0", "10"},
      {"XPENDING", "sg:p", "g", "(18446744073709551615-18446744073709551615", "+", "10"},
      {"XPENDING", "sg:p", "g", "IDLE", "x", "-", "+", "10"},
      {"XPENDING", "sg:p", "g", "IDLE", "0", "-", "+"},
      {"XPENDING", "sg:p", "g", "IDLE", "5", "-"},
      {"XPENDING", "sg:p", "g", "IDLE", "0", "-", "+", "10", "c", "extra"},
      {"XPENDING", "sg:p", "g", "IDLE", "0", "-", "+", "x", "c"},
      {"XPENDING", "sg:none", "g", "-", "+", "x"},
      {"XPENDING", "sg:none", "g", "-", "+", "10"},
      {"XPENDING", "sg:str", "g", "bad", "+", "10"},
      {"XPENDING", "sg:str", "g", "-", "+", "10"},
      {"XPENDING", "sg:p", "g", "-", "+", "0"},
      {"XPENDING", "sg:p", "g", "-", "+", "-5"},
      {"XPENDING", "sg:p", "g", "-", "+", "10", "nobody"},
  });
  TimedAll({
      {"XPENDING", "sg:p", "g", "-", "+", "10"},
      {"XPENDING", "sg:p", "g", "-", "+", "2"},
      {"XPENDING", "sg:p", "g", "(1-1", "(5-1", "10"},
      {"XPENDING", "sg:p", "g", "2", "4", "10"},
      {"XPENDING", "sg:p", "g", "-", "+", "10", "bob"},
      {"XPENDING", "sg:p", "g", "-", "+", "10", "bob", "ignored", "ignored"},
      {"XPENDING", "sg:p", "g", "-", "+", "1", "alice"},
      {"XPENDING", "sg:p", "g", "idle", "600000", "-", "+", "10"},  // only bob's (TIME 1000)
      {"XPENDING", "sg:p", "g", "IDLE", "-5", "-", "+", "10", "alice"},
  });
  BothAll({
      {"XACK", "sg:none", "g", "1-1"},
      {"XACK", "sg:none", "g", "bad"},  // no key: nothing to acknowledge, nothing parsed
      {"XACK", "sg:str", "g", "bad"},
      {"XACK", "sg:p", "nog", "bad"},
      {"XACK", "sg:p", "g", "bad"},
      {"XACK", "sg:p", "g", "1-1", "bad"},  // all or nothing
      {"XACK", "sg:p", "g", "-"},
      {"XACK", "sg:p", "g"},
      {"XPENDING", "sg:p", "g"},
      {"XACK", "sg:p", "g", "1-1", "1-1", "4-1", "9-9", "3"},
      {"XPENDING", "sg:p", "g"},
      {"XACK", "sg:p", "g", "2-1", "3-1", "5-1"},
      {"XPENDING", "sg:p", "g"},
      {"XINFO", "GROUPS", "sg:p"},
      {"DEL", "sg:p", "sg:str"},
  });
}

// ---- XCLAIM -----------------------------------------------------------------------------

TEST_F(StreamGroupTest, ClaimOptionsAndErrors) {
  MakeStream("sg:x", 5);
  BothAll({
      {"SET", "sg:str", "x"},
      {"XGROUP", "CREATE", "sg:x", "g", "0"},
      {"XCLAIM", "sg:x", "g", "alice", "0", "1-1", "2-1", "3-1", "4-1", "5-1", "FORCE", "TIME",
       "1000", "RETRYCOUNT", "0"},
      {"XCLAIM", "sg:none", "g", "c", "0", "1-1"},
      {"XCLAIM", "sg:str", "g", "c", "0", "1-1"},
      {"XCLAIM", "sg:x", "nog", "c", "0", "1-1"},
      {"XCLAIM", "sg:none", "g", "c", "x", "bad"},  // the key and group come first
      {"XCLAIM", "sg:x", "g", "c", "x", "1-1"},
      {"XCLAIM", "sg:x", "g", "c", "0", "bad"},
      {"XCLAIM", "sg:x", "g", "c", "0", "1-1", "bad"},
      {"XCLAIM", "sg:x", "g", "c", "0", "1-1", "IDLE"},
      {"XCLAIM", "sg:x", "g", "c", "0", "1-1", "IDLE", "x"},
      {"XCLAIM", "sg:x", "g", "c", "0", "1-1", "TIME", "x"},
      {"XCLAIM", "sg:x", "g", "c", "0", "1-1", "RETRYCOUNT", "x"},
      {"XCLAIM", "sg:x", "g", "c", "0", "1-1", "LASTID", "x"},
      {"XCLAIM", "sg:x", "g", "c", "0", "1-1", "LASTID"},
      {"XCLAIM", "sg:x", "g", "c", "0", "1-1", "FORCE", "2-1"},
      {"XCLAIM", "sg:x", "g", "c", "0", "-"},
      {"XCLAIM", "sg:x", "g", "c", "0", "+"},
      {"XCLAIM", "sg:x", "g", "c", "0", "1"},  // 1-0: not pending, nothing claimed
      {"XINFO", "CONSUMERS", "sg:x", "g"},     // ... and no consumer made
      {"XCLAIM", "sg:x", "g", "c", "0", "1-1", "RETRYCOUNT", "7", "JUSTID"},
      {"XCLAIM", "sg:x", "g", "c", "0", "1-1", "1-1", "JUSTID"},      // JUSTID: count unchanged
      {"XCLAIM", "sg:x", "g", "c", "-5", "2-1", "RETRYCOUNT", "-5"},  // negative: +1
      {"XCLAIM", "sg:x", "g", "c", "0", "3-1", "RETRYCOUNT", "18446744073709551615"},
      // Minimum idle time: alice's 4-1 and 5-1 were delivered at TIME 1000, long ago.
      {"XCLAIM", "sg:x", "g", "d", "600000", "1-1", "4-1", "JUSTID"},
      {"XCLAIM", "sg:x", "g", "d", "600000", "4-1", "JUSTID"},
      {"XINFO", "GROUPS", "sg:x"},
      {"XCLAIM", "sg:x", "g", "d", "0", "1-1", "LASTID", "9-9", "JUSTID"},
      {"XINFO", "GROUPS", "sg:x"},
      {"XCLAIM", "sg:x", "g", "d", "0", "1-1", "LASTID", "0-1", "JUSTID"},  // never backwards
      {"XINFO", "GROUPS", "sg:x"},
  });
  TimedAll({
      {"XPENDING", "sg:x", "g", "-", "+", "10"},
      // A time in the future, or an idle time before the epoch, means now.
      {"XCLAIM", "sg:x", "g", "c", "0", "2-1", "TIME", "99999999999999"},
      {"XCLAIM", "sg:x", "g", "c", "0", "3-1", "IDLE", "-5", "JUSTID"},
      {"XCLAIM", "sg:x", "g", "c", "0", "4-1", "IDLE", "99999999999999", "JUSTID"},
      {"XCLAIM", "sg:x", "g", "c", "0", "4-1", "IDLE", "-9223372036854775808", "JUSTID"},
      {"XCLAIM", "sg:x", "g", "c", "0", "5-1", "IDLE", "100000", "IDLE", "200000", "JUSTID"},
      {"XPENDING", "sg:x", "g", "-", "+", "10"},
      {"XPENDING", "sg:x", "g", "IDLE", "150000", "-", "+", "10"},
      {"XINFO", "CONSUMERS", "sg:x", "g"},
  });
  // Deleted entries leave the PEL when claimed and are not returned; FORCE does not bring
  // a deleted entry into it.
  BothAll({
      {"XDEL", "sg:x", "2-1", "4-1"},
      {"XCLAIM", "sg:x", "g", "e", "0", "2-1", "3-1", "9-9", "JUSTID"},
      {"XCLAIM", "sg:x", "g", "e", "0", "4-1", "FORCE"},
      {"XPENDING", "sg:x", "g"},
      {"XADD", "sg:x", "7-1", "g", "7"},
      {"XCLAIM", "sg:x", "g", "e", "999999", "7-1", "FORCE", "JUSTID"},  // new: count 1
      {"XCLAIM", "sg:x", "g", "e", "0", "7-1", "FORCE"},
      {"XCLAIM", "sg:x", "g", "f", "0", "6-1", "FORCE"},  // never added: not claimed
      {"XINFO", "CONSUMERS", "sg:x", "g"},
      {"DEL", "sg:x", "sg:str"},
  });
}

// ---- XAUTOCLAIM -------------------------------------------------------------------------

TEST_F(StreamGroupTest, AutoClaimCursorCountAndDeletedEntries) {
  MakeStream("sg:a", 6);
  BothAll({
      {"SET", "sg:str", "x"},
      {"XGROUP", "CREATE", "sg:a", "g", "0"},
      {"XCLAIM", "sg:a", "g", "alice", "0", "1-1", "2-1", "3-1", "4-1", "5-1", "6-1", "FORCE",
       "JUSTID"},
      {"XAUTOCLAIM", "sg:none", "g", "c", "0", "0"},
      {"XAUTOCLAIM", "sg:str", "g", "c", "0", "0"},
      {"XAUTOCLAIM", "sg:a", "nog", "c", "0", "0"},
      {"XAUTOCLAIM", "sg:a", "g", "c", "x", "0"},
      {"XAUTOCLAIM", "sg:a", "g", "c", "0", "bad"},
      {"XAUTOCLAIM", "sg:a", "g", "c", "0", "(bad"},
      {"XAUTOCLAIM", "sg:a", "g", "c", "0", "(18446744073709551615-18446744073709551615"},
      {"XAUTOCLAIM", "sg:a", "g", "c", "0", "0", "COUNT"},
      {"XAUTOCLAIM", "sg:a", "g", "c", "0", "0", "COUNT", "0"},
      {"XAUTOCLAIM", "sg:a", "g", "c", "0", "0", "COUNT", "-1"},
      {"XAUTOCLAIM", "sg:a", "g", "c", "0", "0", "COUNT", "x"},
      {"XAUTOCLAIM", "sg:a", "g", "c", "0", "0", "COUNT", "576460752303423488"},
      {"XAUTOCLAIM", "sg:a", "g", "c", "0", "0", "COUNT", "576460752303423487"},
      {"XAUTOCLAIM", "sg:a", "g", "c", "0", "0", "FOO"},
      // The arguments are checked before the key.
      {"XAUTOCLAIM", "sg:none", "g", "c", "x", "bad"},
      {"XAUTOCLAIM", "sg:none", "g", "c", "0", "0", "FOO"},
      {"XAUTOCLAIM", "sg:str", "g", "c", "0", "0", "COUNT", "0"},
      {"XAUTOCLAIM", "sg:none", "g", "c", "0", "0", "COUNT", "576460752303423487"},
      {"XAUTOCLAIM", "sg:a", "g", "c", "0", "+"},
      {"XAUTOCLAIM", "sg:a", "g", "c", "999999999", "0"},  // nothing idle enough: no consumer
      {"XINFO", "CONSUMERS", "sg:a", "g"},
      {"XDEL", "sg:a", "1-1", "2-1", "4-1"},
      // A deleted entry is dropped from the PEL, reported, and counts against COUNT.
      {"XAUTOCLAIM", "sg:a", "g", "bob", "0", "0", "COUNT", "1"},
      {"XAUTOCLAIM", "sg:a", "g", "bob", "0", "0", "COUNT", "1"},
      {"XAUTOCLAIM", "sg:a", "g", "bob", "0", "0", "COUNT", "1"},
      {"XAUTOCLAIM", "sg:a", "g", "bob", "0", "(3-1", "COUNT", "1", "JUSTID"},
      {"XPENDING", "sg:a", "g"},
      {"XDEL", "sg:a", "6-1"},
      {"XAUTOCLAIM", "sg:a", "g", "carol", "-5", "-", "JUSTID", "COUNT", "10", "JUSTID"},
      {"XAUTOCLAIM", "sg:a", "g", "carol", "0", "0"},
      {"XPENDING", "sg:a", "g"},
  });
  TimedAll({
      {"XPENDING", "sg:a", "g", "-", "+", "10"},
      {"XINFO", "CONSUMERS", "sg:a", "g"},
  });
  Both({"DEL", "sg:a", "sg:str"});
}

// At most COUNT * 10 pending entries are looked at per call; the cursor says where to go on.
TEST_F(StreamGroupTest, AutoClaimScansAtMostTenTimesCount) {
  MakeStream("sg:b", 25);
  Cmd force = {"XCLAIM", "sg:b", "g", "alice", "0"};
  for (int i = 1; i <= 25; ++i) force.push_back(std::to_string(i) + "-1");
  force.insert(force.end(), {"FORCE", "JUSTID"});
  BothAll({
      {"XGROUP", "CREATE", "sg:b", "g", "0"},
      force,
      {"XCLAIM", "sg:b", "g", "alice", "0", "7-1", "18-1", "JUSTID", "TIME", "1000"},
      {"XAUTOCLAIM", "sg:b", "g", "bob", "600000", "0", "COUNT", "1"},
      {"XAUTOCLAIM", "sg:b", "g", "bob", "600000", "11-1", "COUNT", "1"},
      {"XAUTOCLAIM", "sg:b", "g", "bob", "600000", "21-1", "COUNT", "1"},
      {"XAUTOCLAIM", "sg:b", "g", "bob", "600000", "0", "COUNT", "2", "JUSTID"},
      {"XAUTOCLAIM", "sg:b", "g", "bob", "600000", "0", "COUNT", "3", "JUSTID"},
      {"XPENDING", "sg:b", "g"},
      {"DEL", "sg:b"},
  });
}

// ---- XINFO ------------------------------------------------------------------------------

TEST_F(StreamGroupTest, InfoStreamPlainAndFull) {
  ConfigBoth("stream-node-max-entries", "4");
  MakeStream("sg:i", 12);
  BothAll({
      {"SET", "sg:str", "x"},
      {"XINFO", "STREAM", "sg:none"},
      {"XINFO", "STREAM", "sg:none", "foo"},
      {"XINFO", "STREAM", "sg:str"},
      {"XINFO", "STREAM", "sg:str", "foo"},
      {"XINFO", "GROUPS", "sg:none"},
      {"XINFO", "GROUPS", "sg:str"},
      {"XINFO", "CONSUMERS", "sg:none", "g"},
      {"XINFO", "CONSUMERS", "sg:str", "g"},
      {"XINFO", "CONSUMERS", "sg:i", "nog"},
      {"XINFO", "STREAM"},
      {"XINFO", "GROUPS", "sg:i", "x"},
      {"XINFO", "CONSUMERS", "sg:i"},
      {"XINFO", "STREAM", "sg:i", "foo"},
      {"XINFO", "STREAM", "sg:i", "FULL", "foo"},
      {"XINFO", "STREAM", "sg:i", "FULL", "COUNT"},
      {"XINFO", "STREAM", "sg:i", "FULL", "COUNT", "x"},
      {"XINFO", "STREAM", "sg:i", "FULL", "COUNT", "1", "extra"},
      {"XINFO", "STREAM", "sg:i", "FULL", "COUNTX", "1"},
      {"XINFO", "STREAM", "sg:i", "FULLX", "COUNT", "1"},
      {"XINFO", "STREAM", "sg:i"},
      {"XINFO", "STREAM", "sg:i", "FULL"},  // 10 entries by default
      {"XINFO", "STREAM", "sg:i", "full", "count", "0"},
      {"XINFO", "STREAM", "sg:i", "FULL", "COUNT", "-1"},
      {"XINFO", "STREAM", "sg:i", "FULL", "COUNT", "2"},
      {"XINFO", "GROUPS", "sg:i"},
      // Deletions: the first entry, the recorded first ID, the node counts follow.
      {"XDEL", "sg:i", "1-1", "2-1"},
      {"XINFO", "STREAM", "sg:i"},
      {"XDEL", "sg:i", "3-1", "4-1"},
      {"XINFO", "STREAM", "sg:i"},
      {"XDEL", "sg:i", "12-1"},
      {"XINFO", "STREAM", "sg:i"},
      {"XTRIM", "sg:i", "MAXLEN", "3"},
      {"XINFO", "STREAM", "sg:i"},
      {"XTRIM", "sg:i", "MAXLEN", "0"},
      {"XINFO", "STREAM", "sg:i"},
      {"XINFO", "STREAM", "sg:i", "FULL"},
  });
  // radix-tree-nodes follows the key bytes of every node: IDs far apart, close together, at
  // byte boundaries.
  Both({"DEL", "sg:r"});
  const char* ids[] = {"1-0", "255-0", "256-0", "256-7", "65535-1", "65536-0",
                       "1700000000000-0", "1700000000000-1", "1700000000001-0",
                       "1700000065536-0", "1700000065536-300", "1700016777216-0"};
  for (const char* id : ids) {
    Both({"XADD", "sg:r", id, "f", "v"});
    Both({"XADD", "sg:r", std::string(id).substr(0, std::string(id).find('-')) + "-*", "f", "v"});
    Both({"XINFO", "STREAM", "sg:r"});
  }
  BothAll({
      {"XDEL", "sg:r", "256-0", "256-1", "256-7", "256-8"},
      {"XINFO", "STREAM", "sg:r"},
      {"XTRIM", "sg:r", "MINID", "~", "1700000000001"},
      {"XINFO", "STREAM", "sg:r"},
      {"DEL", "sg:i", "sg:r", "sg:str"},
  });
  ConfigBoth("stream-node-max-entries", "100");
}

TEST_F(StreamGroupTest, InfoFullWithGroupsAndConsumers) {
  MakeStream("sg:f", 4);
  BothAll({
      {"XGROUP", "CREATE", "sg:f", "g", "0"},
      {"XGROUP", "CREATE", "sg:f", "g2", "$"},
      {"XCLAIM", "sg:f", "g", "alice", "0", "1-1", "2-1", "FORCE", "TIME", "1000"},
      {"XCLAIM", "sg:f", "g", "bob", "0", "3-1", "FORCE", "TIME", "2000", "RETRYCOUNT", "4"},
      {"XGROUP", "CREATECONSUMER", "sg:f", "g", "carol"},
      {"XDEL", "sg:f", "2-1"},  // still pending: FULL lists it
  });
  TimedAll({
      {"XINFO", "STREAM", "sg:f", "FULL"},
      {"XINFO", "STREAM", "sg:f", "FULL", "COUNT", "1"},
      {"XINFO", "CONSUMERS", "sg:f", "g"},
      {"XINFO", "CONSUMERS", "sg:f", "g2"},
  });
  ExpectSameResp3({
      {"XINFO", "STREAM", "sg:f"},
      {"XINFO", "STREAM", "sg:f", "FULL"},
      {"XINFO", "STREAM", "sg:f", "FULL", "COUNT", "1"},
      {"XINFO", "GROUPS", "sg:f"},
      {"XINFO", "CONSUMERS", "sg:f", "g"},
      {"XINFO", "STREAM", "sg:none"},
  });
  Both({"DEL", "sg:f"});
}

// entries-read and lag, as Redis derives them from the stream's counters.
TEST_F(StreamGroupTest, InfoGroupsLagAndEntriesRead) {
  MakeStream("sg:l", 4);
  BothAll({
      {"DEL", "sg:le"},
      {"XGROUP", "CREATE", "sg:le", "g0", "0", "MKSTREAM"},
      {"XGROUP", "CREATE", "sg:le", "g1", "5"},
      {"XINFO", "GROUPS", "sg:le"},
      {"XGROUP", "CREATE", "sg:l", "a", "0"},
      {"XGROUP", "CREATE", "sg:l", "b", "1-1"},
      {"XGROUP", "CREATE", "sg:l", "c", "2-1"},
      {"XGROUP", "CREATE", "sg:l", "d", "$"},
      {"XGROUP", "CREATE", "sg:l", "e", "0-5"},
      {"XGROUP", "CREATE", "sg:l", "f", "1-5"},
      {"XGROUP", "CREATE", "sg:l", "g", "2-1", "ENTRIESREAD", "2"},
      {"XGROUP", "CREATE", "sg:l", "h", "3-1", "ENTRIESREAD", "3"},
      {"XGROUP", "CREATE", "sg:l", "i", "9-1", "ENTRIESREAD", "3"},
      {"XGROUP", "CREATE", "sg:l", "j", "0", "ENTRIESREAD", "5"},  // a negative lag
      {"XINFO", "GROUPS", "sg:l"},
      {"XDEL", "sg:l", "1-1"},
      {"XINFO", "GROUPS", "sg:l"},
      {"XDEL", "sg:l", "3-1"},
      {"XINFO", "GROUPS", "sg:l"},
      {"XGROUP", "SETID", "sg:l", "h", "3-1", "ENTRIESREAD", "100"},
      {"XINFO", "GROUPS", "sg:l"},
      {"XDEL", "sg:l", "2-1", "4-1"},
      {"XINFO", "GROUPS", "sg:l"},
      {"XADD", "sg:l", "5-1", "f", "v"},
      {"XINFO", "GROUPS", "sg:l"},
      {"XSETID", "sg:l", "9-1", "ENTRIESADDED", "40"},
      {"XINFO", "GROUPS", "sg:l"},
      {"XINFO", "STREAM", "sg:l", "FULL"},
      {"DEL", "sg:l", "sg:le"},
  });
}

// ---- RESP3, events, WATCH, transactions ----------------------------------------------------

TEST_F(StreamGroupTest, Resp3Shapes) {
  MakeStream("sg:3", 3);
  BothAll({
      {"XGROUP", "CREATE", "sg:3", "g", "0"},
      {"XGROUP", "CREATE", "sg:3", "empty", "$"},
      {"XCLAIM", "sg:3", "g", "alice", "0", "1-1", "3-1", "FORCE", "JUSTID", "TIME", "1000"},
      {"XDEL", "sg:e3"},
      {"XADD", "sg:e3", "1-1", "a", "1"},
      {"XDEL", "sg:e3", "1-1"},
      {"XGROUP", "CREATE", "sg:e3", "g", "7"},
  });
  ExpectSameResp3({
      {"XPENDING", "sg:3", "g"},
      {"XPENDING", "sg:3", "empty"},
      {"XPENDING", "sg:3", "g", "IDLE", "999999999999999", "-", "+", "10"},
      {"XINFO", "STREAM", "sg:3"},
      {"XINFO", "STREAM", "sg:3", "FULL"},
      {"XINFO", "STREAM", "sg:e3"},
      {"XINFO", "STREAM", "sg:e3", "FULL"},
      {"XINFO", "GROUPS", "sg:3"},
      {"XINFO", "GROUPS", "sg:e3"},
      {"XINFO", "CONSUMERS", "sg:3", "g"},
      {"XINFO", "CONSUMERS", "sg:3", "empty"},
      {"XCLAIM", "sg:3", "g", "bob", "0", "1-1", "TIME", "1000"},
      {"XCLAIM", "sg:3", "g", "bob", "0", "3-1", "JUSTID", "TIME", "1000"},
      {"XAUTOCLAIM", "sg:3", "g", "carol", "0", "0", "COUNT", "1", "JUSTID"},
      {"XAUTOCLAIM", "sg:3", "g", "carol", "0", "0"},
      {"XACK", "sg:3", "g", "1-1"},
      {"XGROUP", "CREATECONSUMER", "sg:3", "g", "dave"},
      {"XGROUP", "DELCONSUMER", "sg:3", "g", "carol"},
      {"XGROUP", "SETID", "sg:3", "g", "$"},
      {"XGROUP", "DESTROY", "sg:3", "g"},
  });
  Both({"DEL", "sg:3", "sg:e3"});
}

// The events each command publishes, Redis's: the XGROUP subcommands' own, and
// xgroup-createconsumer for a consumer XCLAIM or XAUTOCLAIM makes; XACK, XCLAIM and
// XAUTOCLAIM publish nothing else.
TEST_F(StreamGroupTest, KeyspaceEvents) {
  auto run = [](ServerProcess* p) {
    Client c(p->port()), sub(p->port());
    c.Cmd(Cmd{"CONFIG", "SET", "notify-keyspace-events", "KEA"});
    sub.Cmd(Cmd{"PSUBSCRIBE", "__keyevent@0__:*"});
    sub.Cmd(Cmd{"SUBSCRIBE", "sg:mark"});
    std::string out;
    for (const Cmd& cmd : std::vector<Cmd>{
             {"DEL", "sg:ev", "sg:ev2"},
             {"XADD", "sg:ev", "1-1", "a", "1"},
             {"XADD", "sg:ev", "2-1", "b", "2"},
             {"XGROUP", "CREATE", "sg:ev", "g", "0"},
             {"XGROUP", "CREATE", "sg:ev", "g", "0"},
             {"XGROUP", "CREATE", "sg:ev2", "g", "0", "MKSTREAM"},
             {"XGROUP", "CREATECONSUMER", "sg:ev", "g", "c1"},
             {"XGROUP", "CREATECONSUMER", "sg:ev", "g", "c1"},
             {"XCLAIM", "sg:ev", "g", "c2", "0", "1-1"},
             {"XCLAIM", "sg:ev", "g", "c3", "0", "1-1", "FORCE"},
             {"XCLAIM", "sg:ev", "g", "c3", "0", "1-1", "LASTID", "5-5"},
             {"XCLAIM", "sg:ev", "g", "c4", "0", "1-1", "JUSTID"},
             {"XAUTOCLAIM", "sg:ev", "g", "c5", "0", "0"},
             {"XAUTOCLAIM", "sg:ev", "g", "c6", "0", "5"},
             {"XACK", "sg:ev", "g", "1-1"},
             {"XGROUP", "SETID", "sg:ev", "g", "0"},
             {"XGROUP", "DELCONSUMER", "sg:ev", "g", "c1"},
             {"XGROUP", "DELCONSUMER", "sg:ev", "g", "zz"},
             {"XGROUP", "DESTROY", "sg:ev", "g"},
             {"XGROUP", "DESTROY", "sg:ev", "g"},
             {"DEL", "sg:ev", "sg:ev2"},
         }) {
      out += PrintableCommand(cmd) + " -> " + c.Cmd(cmd).ToString() + "\n";
      c.Cmd(Cmd{"PUBLISH", "sg:mark", "x"});
      for (Reply m = sub.Read(); m.elements.size() == 4; m = sub.Read()) {
        out += "  " + m.elements[2].str + " " + m.elements[3].str + "\n";
      }
    }
    c.Cmd(Cmd{"CONFIG", "SET", "notify-keyspace-events", ""});
    return out;
  };
  const std::string ours = run(strata());
  EXPECT_EQ(ours, run(redis()));
  EXPECT_NE(ours.find("xgroup-createconsumer"), std::string::npos) << ours;
}

// Whether a WATCH of the stream survives `cmd` run by another client: "kept" or "aborted".
std::string WatchAfter(ServerProcess* p, const Cmd& cmd) {
  Client a(p->port()), b(p->port());
  for (const Cmd& s : std::vector<Cmd>{{"DEL", "sg:w", "sg:wn"},
                                       {"XADD", "sg:w", "1-1", "a", "1"},
                                       {"XADD", "sg:w", "2-1", "a", "1"},
                                       {"XGROUP", "CREATE", "sg:w", "g", "0"},
                                       {"XCLAIM", "sg:w", "g", "c", "0", "1-1", "FORCE"}}) {
    b.Cmd(s);
  }
  a.Cmd(Cmd{"WATCH", cmd[0] == "XGROUP" ? cmd[2] : cmd[1]});
  b.Cmd(cmd);
  a.Cmd(Cmd{"MULTI"});
  a.Cmd(Cmd{"PING"});
  const std::string out = a.Cmd(Cmd{"EXEC"}).is_nil() ? "aborted" : "kept";
  b.Cmd(Cmd{"DEL", "sg:w", "sg:wn"});
  return out;
}

// WATCH as in Redis 7.0: a stream made by MKSTREAM aborts it; a change to a group does not
// (Redis signals those only to blocked readers: Keyspace::SignalReady), nor does a group
// command that changes nothing.
TEST_F(StreamGroupTest, WatchSeesOnlyWhatRedisSignals) {
  for (const Cmd& cmd : std::vector<Cmd>{
           {"XACK", "sg:w", "g", "9-9"},
           {"XCLAIM", "sg:w", "g", "d", "0", "9-9"},
           {"XCLAIM", "sg:w", "g", "d", "9999999", "1-1", "LASTID", "0-0"},
           {"XAUTOCLAIM", "sg:w", "g", "d", "0", "5"},
           {"XGROUP", "CREATE", "sg:w", "g", "0"},
           {"XGROUP", "CREATECONSUMER", "sg:w", "g", "c"},
           {"XGROUP", "DELCONSUMER", "sg:w", "g", "zz"},
           {"XGROUP", "DESTROY", "sg:w", "zz"},
           {"XPENDING", "sg:w", "g", "-", "+", "10"},
           {"XINFO", "STREAM", "sg:w", "FULL"},
           {"XGROUP", "CREATE", "sg:wn", "g", "0", "MKSTREAM"},
           {"XACK", "sg:w", "g", "1-1"},
           {"XCLAIM", "sg:w", "g", "d", "0", "1-1", "JUSTID"},
           {"XCLAIM", "sg:w", "g", "d", "0", "9-9", "LASTID", "5-5"},
           {"XAUTOCLAIM", "sg:w", "g", "d", "0", "0"},
           {"XGROUP", "CREATE", "sg:w", "g2", "0"},
           {"XGROUP", "SETID", "sg:w", "g", "0"},
           {"XGROUP", "CREATECONSUMER", "sg:w", "g", "x"},
           {"XGROUP", "DELCONSUMER", "sg:w", "g", "c"},
           {"XGROUP", "DESTROY", "sg:w", "g"},
           {"XREADGROUP", "GROUP", "g", "r", "STREAMS", "sg:w", ">"},
           {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "sg:w", "0"},
       }) {
    EXPECT_EQ(WatchAfter(strata(), cmd), WatchAfter(redis(), cmd)) << PrintableCommand(cmd);
  }
}

TEST_F(StreamGroupTest, InsideMultiExec) {
  MakeStream("sg:m", 3);
  BothAll({
      {"MULTI"},
      {"XGROUP", "CREATE", "sg:m", "g", "0"},
      {"XCLAIM", "sg:m", "g", "alice", "0", "1-1", "2-1", "FORCE", "JUSTID"},
      {"XACK", "sg:m", "g", "1-1"},
      {"XPENDING", "sg:m", "g"},
      {"XGROUP", "CREATE", "sg:m", "g", "0"},
      {"XINFO", "GROUPS", "sg:m"},
      {"EXEC"},
      {"DEL", "sg:m"},
  });
}

// A destroyed group wakes its blocked XREADGROUP readers with Redis's error.
TEST_F(StreamGroupTest, DestroyWakesBlockedGroupReaders) {
  auto run = [](ServerProcess* p) {
    Client c(p->port()), reader(p->port());
    c.Cmd(Cmd{"DEL", "sg:bl"});
    c.Cmd(Cmd{"XGROUP", "CREATE", "sg:bl", "g", "$", "MKSTREAM"});
    auto blocked = std::async(std::launch::async, [&reader] {
      return reader.Cmd(
          {"XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "sg:bl", ">"});
    });
    for (int i = 0; i < 1000 && c.Cmd(Cmd{"INFO", "clients"}).str.find("blocked_clients:1") ==
                                    std::string::npos;
         ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::string out = c.Cmd(Cmd{"XGROUP", "DESTROY", "sg:bl", "g"}).ToString();
    out.append(" ").append(blocked.get().ToString());
    c.Cmd(Cmd{"DEL", "sg:bl"});
    return out;
  };
  const std::string ours = run(strata());
  EXPECT_EQ(ours, run(redis()));
  EXPECT_NE(ours.find("NOGROUP"), std::string::npos) << ours;
}

// ---- failover -------------------------------------------------------------------------------

// Two consumers share a group's work; one dies with entries unacknowledged, and the other
// takes them over with XAUTOCLAIM once they have been idle long enough, page by page.
TEST_F(StreamGroupTest, FailoverWithAutoClaim) {
  MakeStream("sg:jobs", 8);
  BothAll({
      {"XGROUP", "CREATE", "sg:jobs", "workers", "0"},
      {"XREADGROUP", "GROUP", "workers", "alice", "COUNT", "5", "STREAMS", "sg:jobs", ">"},
      {"XREADGROUP", "GROUP", "workers", "bob", "COUNT", "2", "STREAMS", "sg:jobs", ">"},
      {"XACK", "sg:jobs", "workers", "1-1", "6-1", "7-1"},  // alice did one job, bob both
      {"XPENDING", "sg:jobs", "workers"},
      // Alice dies. Bob looks too early: nothing has been idle for a minute.
      {"XAUTOCLAIM", "sg:jobs", "workers", "bob", "60000", "0"},
      {"XDEL", "sg:jobs", "3-1"},  // one of her jobs was cancelled meanwhile
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  TimedAll({
      {"XPENDING", "sg:jobs", "workers", "IDLE", "200", "-", "+", "10", "alice"},
      {"XAUTOCLAIM", "sg:jobs", "workers", "bob", "200", "0", "COUNT", "2"},
      {"XAUTOCLAIM", "sg:jobs", "workers", "bob", "200", "4-1", "COUNT", "2"},
      {"XPENDING", "sg:jobs", "workers"},
      {"XPENDING", "sg:jobs", "workers", "-", "+", "10"},
      {"XINFO", "CONSUMERS", "sg:jobs", "workers"},
  });
  BothAll({
      {"XACK", "sg:jobs", "workers", "2-1", "4-1", "5-1"},
      {"XREADGROUP", "GROUP", "workers", "bob", "STREAMS", "sg:jobs", ">"},
      {"XACK", "sg:jobs", "workers", "8-1"},
      {"XPENDING", "sg:jobs", "workers"},
      {"XGROUP", "DELCONSUMER", "sg:jobs", "workers", "alice"},
      {"XINFO", "GROUPS", "sg:jobs"},
      {"DEL", "sg:jobs"},
  });
}

}  // namespace
}  // namespace strata::test
