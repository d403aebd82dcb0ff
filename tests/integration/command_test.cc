// COMMAND / COMMAND COUNT / INFO / DOCS / LIST / GETKEYS / HELP against strata-server, with
// redis-server 7 as the reference for command metadata and for the hints redis-cli builds
// from COMMAND DOCS.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

// Sends one command over a fresh raw connection and returns its whole RESP2 reply, as bytes
// and parsed. (hiredis 0.14 refuses replies nested deeper than 7 levels, which COMMAND DOCS
// has, e.g. for CLIENT KILL, so the docs are fetched this way.)
Reply RawCmd(int port, const std::vector<std::string>& args, std::string* bytes = nullptr) {
  RawConnection conn(port);
  Reply out;
  out.type = REDIS_REPLY_ERROR;
  out.str = "<no reply>";
  if (!conn.ok() || !conn.Send(RespCommand(args))) return out;
  std::string buf;
  for (int i = 0; i < 100; ++i) {
    bool closed = false;
    buf += conn.ReadFor(100, &closed);
    Reply r;
    std::size_t end = 0;
    int rc = ParseResp2(buf, 0, &end, &r);
    if (rc == 1) {
      if (bytes != nullptr) *bytes = buf.substr(0, end);
      return r;
    }
    if (rc < 0) {
      out.str = "<not RESP2: " + buf.substr(0, 200) + ">";
      return out;
    }
    if (closed) break;
  }
  return out;
}

// A RESP2 map (flat key/value array) as a std::map, keys being the even elements.
std::map<std::string, Reply> AsMap(const Reply& r) {
  std::map<std::string, Reply> m;
  for (std::size_t i = 0; i + 1 < r.elements.size(); i += 2)
    m[r.elements[i].str] = r.elements[i + 1];
  return m;
}

// The COMMAND INFO entries of a COMMAND reply, subcommands included, by full name.
void IndexInfo(const Reply& entries, std::map<std::string, Reply>* out) {
  for (const Reply& e : entries.elements) {
    if (e.type != REDIS_REPLY_ARRAY || e.elements.size() != 10) continue;
    (*out)[e.elements[0].str] = e;
    IndexInfo(e.elements[9], out);
  }
}

// The same rendering redis-cli 7 applies to a COMMAND DOCS argument map to build its hints.
std::string RenderArg(const Reply& arg);

std::string RenderArgs(const Reply& args, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < args.elements.size(); ++i) {
    if (i > 0) out += sep;
    out += RenderArg(args.elements[i]);
  }
  return out;
}

std::string RenderArg(const Reply& arg) {
  auto m = AsMap(arg);
  std::string type = m["type"].str;
  std::string token = m.count("token") ? m["token"].str : "";
  bool optional = false, multiple = false, multiple_token = false;
  for (const Reply& f : m["flags"].elements) {
    optional |= f.str == "optional";
    multiple |= f.str == "multiple";
    multiple_token |= f.str == "multiple_token";
  }
  std::string repeat;
  if (type == "oneof") {
    repeat = RenderArgs(m["arguments"], "|");
  } else if (type == "block") {
    repeat = RenderArgs(m["arguments"], " ");
  } else if (type != "pure-token") {
    repeat = m["name"].str;
  }
  if (!token.empty() && type != "pure-token") token += " ";
  std::string out = (optional ? "[" : "") + token + repeat;
  if (multiple) out += " [" + (multiple_token ? token : std::string()) + repeat + " ...]";
  if (optional) out += "]";
  return out;
}

// Checks one argument map with the same type expectations redis-cli asserts on (a wrong
// reply type there aborts redis-cli at start-up).
void CheckDocArg(const std::string& where, const Reply& arg) {
  static const std::set<std::string> kTypes = {
      "key", "string", "integer", "double", "pattern", "unix-time", "pure-token", "oneof", "block"};
  static const std::set<std::string> kFlags = {"optional", "multiple", "multiple_token"};
  ASSERT_EQ(arg.type, REDIS_REPLY_ARRAY) << where;
  ASSERT_EQ(arg.elements.size() % 2, 0u) << where;
  for (std::size_t i = 0; i < arg.elements.size(); i += 2) {
    EXPECT_EQ(arg.elements[i].type, REDIS_REPLY_STRING) << where;
  }
  auto m = AsMap(arg);
  ASSERT_EQ(m.count("name"), 1u) << where;
  ASSERT_EQ(m.count("type"), 1u) << where;
  EXPECT_EQ(m["name"].type, REDIS_REPLY_STRING) << where;
  EXPECT_FALSE(m["name"].str.empty()) << where;
  EXPECT_EQ(m["type"].type, REDIS_REPLY_STRING) << where;
  EXPECT_TRUE(kTypes.count(m["type"].str)) << where << " type " << m["type"].str;
  std::string here = where + "/" + m["name"].str;
  if (m.count("token")) {
    EXPECT_EQ(m["token"].type, REDIS_REPLY_STRING) << here;
  }
  if (m["type"].str == "pure-token") {
    EXPECT_EQ(m.count("token"), 1u) << here << " pure-token without a token";
  }
  if (m["type"].str == "key") {
    EXPECT_EQ(m["key_spec_index"].type, REDIS_REPLY_INTEGER) << here;
  }
  if (m.count("flags")) {
    ASSERT_EQ(m["flags"].type, REDIS_REPLY_ARRAY) << here;
    EXPECT_FALSE(m["flags"].elements.empty()) << here;
    for (const Reply& f : m["flags"].elements) {
      EXPECT_EQ(f.type, REDIS_REPLY_STATUS) << here;
      EXPECT_TRUE(kFlags.count(f.str)) << here << " flag " << f.str;
    }
  }
  bool nested = m["type"].str == "oneof" || m["type"].str == "block";
  EXPECT_EQ(m.count("arguments") == 1, nested) << here;
  if (nested) {
    ASSERT_EQ(m["arguments"].type, REDIS_REPLY_ARRAY) << here;
    EXPECT_FALSE(m["arguments"].elements.empty()) << here;
    for (const Reply& a : m["arguments"].elements) CheckDocArg(here, a);
  }
}

void CheckDocEntry(const std::string& name, const Reply& doc) {
  ASSERT_EQ(doc.type, REDIS_REPLY_ARRAY) << name;
  ASSERT_EQ(doc.elements.size() % 2, 0u) << name;
  auto m = AsMap(doc);
  for (const char* field : {"summary", "since", "group", "complexity"}) {
    ASSERT_EQ(m.count(field), 1u) << name << " has no " << field;
    EXPECT_EQ(m[field].type, REDIS_REPLY_STRING) << name << " " << field;
    EXPECT_FALSE(m[field].str.empty()) << name << " " << field;
  }
  if (m.count("arguments")) {
    ASSERT_EQ(m["arguments"].type, REDIS_REPLY_ARRAY) << name;
    for (const Reply& a : m["arguments"].elements) CheckDocArg(name, a);
  }
  if (m.count("subcommands")) {
    const Reply& subs = m["subcommands"];
    ASSERT_EQ(subs.type, REDIS_REPLY_ARRAY) << name;
    for (std::size_t i = 0; i + 1 < subs.elements.size(); i += 2) {
      EXPECT_EQ(subs.elements[i].str.rfind(name + "|", 0), 0u) << subs.elements[i].str;
      CheckDocEntry(subs.elements[i].str, subs.elements[i + 1]);
    }
  }
}

// The hint text redis-cli shows for every command and subcommand in a COMMAND DOCS reply.
void CollectHints(const Reply& docs, std::map<std::string, std::string>* out) {
  for (std::size_t i = 0; i + 1 < docs.elements.size(); i += 2) {
    auto m = AsMap(docs.elements[i + 1]);
    (*out)[docs.elements[i].str] = RenderArgs(m["arguments"], " ");
    if (m.count("subcommands")) CollectHints(m["subcommands"], out);
  }
}

class CommandTest : public BothClientsTest<CommandTest> {
 protected:
  // True when strata knows `name` ("get" or "config|get").
  bool Registered(const std::string& name) {
    Reply r = s_->Cmd({"COMMAND", "INFO", name});
    return r.elements.size() == 1 && !r.elements[0].is_nil();
  }
};

TEST_F(CommandTest, CountEqualsNumberOfEntries) {
  Reply all = RawCmd(strata()->port(), {"COMMAND"});
  ASSERT_EQ(all.type, REDIS_REPLY_ARRAY);
  Reply count = s_->Cmd("COMMAND COUNT");
  ASSERT_EQ(count.type, REDIS_REPLY_INTEGER);
  EXPECT_EQ(count.integer, static_cast<long long>(all.elements.size()));
  EXPECT_EQ(RawCmd(strata()->port(), {"COMMAND", "INFO"}).elements.size(), all.elements.size());
  // Every entry has the 10 fields of Redis 7 and a distinct name.
  std::set<std::string> names;
  for (const Reply& e : all.elements) {
    ASSERT_EQ(e.elements.size(), 10u) << e.ToString();
    EXPECT_TRUE(names.insert(e.elements[0].str).second) << e.elements[0].str;
  }
  EXPECT_TRUE(names.count("command"));
}

TEST_F(CommandTest, InfoShapeOfGetSetMset) {
  struct Expect {
    std::string name;
    long long arity, first, last, step;
    std::vector<std::string> flags, categories;
  };
  const Expect kExpect[] = {
      {"get", 2, 1, 1, 1, {"readonly", "fast"}, {"@read", "@string", "@fast"}},
      {"set", -3, 1, 1, 1, {"write", "denyoom"}, {"@write", "@string", "@slow"}},
      {"mset", -3, 1, -1, 2, {"write", "denyoom"}, {"@write", "@string", "@slow"}},
  };
  for (const Expect& x : kExpect) {
    if (!Registered(x.name)) {
      GTEST_SKIP() << x.name << " is not registered yet";
    }
    Reply r = s_->Cmd({"COMMAND", "INFO", x.name});
    ASSERT_EQ(r.elements.size(), 1u);
    const Reply& e = r.elements[0];
    ASSERT_EQ(e.elements.size(), 10u);
    EXPECT_EQ(e.elements[0].type, REDIS_REPLY_STRING);
    EXPECT_EQ(e.elements[0].str, x.name);
    EXPECT_EQ(e.elements[1].integer, x.arity) << x.name;
    std::vector<std::string> flags, cats;
    for (const Reply& f : e.elements[2].elements) {
      EXPECT_EQ(f.type, REDIS_REPLY_STATUS);
      flags.push_back(f.str);
    }
    for (const Reply& c : e.elements[6].elements) {
      EXPECT_EQ(c.type, REDIS_REPLY_STATUS);
      cats.push_back(c.str);
    }
    EXPECT_EQ(flags, x.flags) << x.name;
    EXPECT_EQ(cats, x.categories) << x.name;
    EXPECT_EQ(e.elements[3].integer, x.first) << x.name;
    EXPECT_EQ(e.elements[4].integer, x.last) << x.name;
    EXPECT_EQ(e.elements[5].integer, x.step) << x.name;
    EXPECT_EQ(e.elements[7].type, REDIS_REPLY_ARRAY);  // tips
    // One key spec starting at the first key, with the same range Redis reports.
    ASSERT_EQ(e.elements[8].elements.size(), 1u) << x.name;
    auto spec = AsMap(e.elements[8].elements[0]);
    auto begin = AsMap(AsMap(spec["begin_search"])["spec"]);
    auto find = AsMap(AsMap(spec["find_keys"])["spec"]);
    EXPECT_EQ(AsMap(spec["begin_search"])["type"].str, "index");
    EXPECT_EQ(begin["index"].integer, 1);
    EXPECT_EQ(find["lastkey"].integer, x.last == -1 ? -1 : 0);
    EXPECT_EQ(find["keystep"].integer, x.step);
    EXPECT_TRUE(e.elements[9].elements.empty());
  }
}

TEST_F(CommandTest, InfoUnknownIsNilAndSubcommandNames) {
  Reply r = s_->Cmd({"COMMAND", "INFO", "get", "nosuchcommand", "command|count", "COMMAND|Info",
                     "command|nosuch", "nosuch|count"});
  ASSERT_EQ(r.elements.size(), 6u);
  EXPECT_TRUE(r.elements[1].is_nil());
  EXPECT_EQ(r.elements[2].elements[0].str, "command|count");
  EXPECT_EQ(r.elements[2].elements[1].integer, 2);
  EXPECT_EQ(r.elements[3].elements[0].str, "command|info");
  EXPECT_TRUE(r.elements[4].is_nil());
  EXPECT_TRUE(r.elements[5].is_nil());
  // The container lists its subcommands as full entries.
  Reply c = s_->Cmd("COMMAND INFO command");
  ASSERT_EQ(c.elements.size(), 1u);
  std::set<std::string> subs;
  for (const Reply& s : c.elements[0].elements[9].elements) subs.insert(s.elements[0].str);
  EXPECT_EQ(subs, (std::set<std::string>{"command|count", "command|info", "command|docs",
                                         "command|list", "command|getkeys", "command|getkeysandflags", "command|help"}));
}

// Arity and key positions of every command (and subcommand) both servers know must be
// Redis's, field by field.
TEST_F(CommandTest, InfoMatchesRedisForSharedCommands) {
  std::map<std::string, Reply> ours, theirs;
  IndexInfo(RawCmd(strata()->port(), {"COMMAND"}), &ours);
  IndexInfo(RawCmd(redis()->port(), {"COMMAND"}), &theirs);
  int compared = 0;
  for (const auto& [name, e] : ours) {
    auto it = theirs.find(name);
    if (it == theirs.end()) continue;
    const Reply& t = it->second;
    EXPECT_EQ(e.elements[1].integer, t.elements[1].integer) << name << " arity";
    EXPECT_EQ(e.elements[3].integer, t.elements[3].integer) << name << " first key";
    EXPECT_EQ(e.elements[4].integer, t.elements[4].integer) << name << " last key";
    EXPECT_EQ(e.elements[5].integer, t.elements[5].integer) << name << " step";
    ++compared;
  }
  EXPECT_GE(compared, 7);  // at least COMMAND and its subcommands
  std::vector<std::string> missing;
  for (const auto& [name, e] : theirs) {
    (void)e;
    if (ours.count(name) == 0) missing.push_back(name);
  }
  RecordProperty("compared", compared);
  std::cout << "[          ] compared " << compared << " commands with redis-server; "
            << missing.size() << " of redis's are not registered in strata\n";
}

// COMMAND INFO of every command both servers know is Redis's byte for byte: flags, ACL
// categories, tips and the key specs with their per-key flags. A container (CONFIG, OBJECT...)
// is compared field by field without its subcommand list, which Redis prints in its hash
// table's order and which lists subcommands we do not have; each subcommand is compared on
// its own.
TEST_F(CommandTest, InfoIsRedisByteForByte) {
  Reply names = RawCmd(strata()->port(), {"COMMAND", "LIST"});
  ASSERT_EQ(names.type, REDIS_REPLY_ARRAY);
  std::vector<std::string> args = {"COMMAND", "INFO"};
  for (const Reply& n : names.elements) args.push_back(n.str);
  std::string ours_bytes, theirs_bytes;
  Reply ours = RawCmd(strata()->port(), args, &ours_bytes);
  Reply theirs = RawCmd(redis()->port(), args, &theirs_bytes);
  ASSERT_EQ(ours.elements.size(), names.elements.size());
  ASSERT_EQ(theirs.elements.size(), names.elements.size());
  // Each entry's own bytes: skip the outer "*<n>\r\n" and walk the elements.
  std::size_t ours_pos = ours_bytes.find("\r\n") + 2, theirs_pos = theirs_bytes.find("\r\n") + 2;
  int compared = 0;
  for (std::size_t i = 0; i < names.elements.size(); ++i) {
    const std::string& name = names.elements[i].str;
    Reply e, t;
    std::size_t ours_end = 0, theirs_end = 0;
    ASSERT_EQ(ParseResp2(ours_bytes, ours_pos, &ours_end, &e), 1) << name;
    ASSERT_EQ(ParseResp2(theirs_bytes, theirs_pos, &theirs_end, &t), 1) << name;
    std::string ours_entry = ours_bytes.substr(ours_pos, ours_end - ours_pos);
    std::string theirs_entry = theirs_bytes.substr(theirs_pos, theirs_end - theirs_pos);
    ours_pos = ours_end;
    theirs_pos = theirs_end;
    if (t.is_nil()) continue;  // newer than Redis 7.0 (CLIENT SETINFO)
    ASSERT_EQ(e.elements.size(), 10u) << name;
    ASSERT_EQ(t.elements.size(), 10u) << name;
    if (t.elements[9].elements.empty()) {
      EXPECT_EQ(ours_entry, theirs_entry)
          << name << "\nours:    " << e.ToString() << "\nredis's: " << t.ToString();
    } else {
      for (std::size_t f = 0; f < 9; ++f) EXPECT_EQ(e.elements[f], t.elements[f]) << name;
    }
    ++compared;
  }
  EXPECT_GE(compared, 150);
}

TEST_F(CommandTest, DocsAreWellFormedForEveryCommand) {
  Reply docs = RawCmd(strata()->port(), {"COMMAND", "DOCS"});
  ASSERT_EQ(docs.type, REDIS_REPLY_ARRAY) << docs.str;
  Reply count = s_->Cmd("COMMAND COUNT");
  EXPECT_EQ(static_cast<long long>(docs.elements.size()), 2 * count.integer);
  for (std::size_t i = 0; i + 1 < docs.elements.size(); i += 2) {
    ASSERT_EQ(docs.elements[i].type, REDIS_REPLY_STRING);
    CheckDocEntry(docs.elements[i].str, docs.elements[i + 1]);
  }
}

TEST_F(CommandTest, DocsOfSelectedCommands) {
  // Unknown names are left out; known ones come in the order asked.
  Reply r = s_->Cmd({"COMMAND", "DOCS", "nosuch", "command|list", "command"});
  ASSERT_EQ(r.elements.size(), 4u);
  EXPECT_EQ(r.elements[0].str, "command|list");
  EXPECT_EQ(r.elements[2].str, "command");
  auto list = AsMap(r.elements[1]);
  EXPECT_EQ(list["since"].str, "7.0.0");
  EXPECT_EQ(list["group"].str, "server");
  auto cmd = AsMap(r.elements[3]);
  EXPECT_EQ(cmd["subcommands"].elements.size(), 14u);  // 7 subcommands, as Redis 7.0
  EXPECT_EQ(s_->Cmd("COMMAND DOCS nosuch").elements.size(), 0u);
  if (!Registered("set")) GTEST_SKIP() << "set is not registered yet";
  Reply set = s_->Cmd("COMMAND DOCS set");
  ASSERT_EQ(set.elements.size(), 2u);
  auto m = AsMap(set.elements[1]);
  EXPECT_EQ(m["group"].str, "string");
  EXPECT_EQ(m["since"].str, "1.0.0");
  EXPECT_EQ(RenderArgs(m["arguments"], " "),
            "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|"
            "PXAT unix-time-milliseconds|KEEPTTL]");
  auto key = AsMap(m["arguments"].elements[0]);
  EXPECT_EQ(key["type"].str, "key");
  EXPECT_EQ(key["key_spec_index"].integer, 0);
}

// redis-cli turns COMMAND DOCS into input hints; for every command both servers document,
// the hint must come out the same.
TEST_F(CommandTest, DocsHintsMatchRedis) {
  std::map<std::string, std::string> ours, theirs;
  CollectHints(RawCmd(strata()->port(), {"COMMAND", "DOCS"}), &ours);
  CollectHints(RawCmd(redis()->port(), {"COMMAND", "DOCS"}), &theirs);
  int compared = 0;
  for (const auto& [name, hint] : ours) {
    auto it = theirs.find(name);
    // Redis 7.0 documents no arguments for a few commands (DEBUG, COMMAND GETKEYS); ours
    // may be more helpful there.
    if (it == theirs.end() || it->second.empty()) continue;
    EXPECT_EQ(hint, it->second) << name;
    ++compared;
  }
  EXPECT_GE(compared, 3);
}

TEST_F(CommandTest, Resp3ShapesMatchRedis) {
  RawConnection ours(strata()->port());
  RawConnection theirs(redis()->port());
  ASSERT_TRUE(ours.ok() && theirs.ok());
  const std::string hello = "*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n";
  ours.Send(hello);
  theirs.Send(hello);
  std::string our_hello = ours.ReadFor(100);
  theirs.ReadFor(100);
  if (our_hello.empty() || our_hello[0] != '%') GTEST_SKIP() << "HELLO 3 is not available yet";
  for (std::string name : {"get", "command"}) {
    if (!Registered(name)) continue;
    std::string request = "*3\r\n$7\r\nCOMMAND\r\n$4\r\nINFO\r\n$" + std::to_string(name.size()) +
                          "\r\n" + name + "\r\n";
    ours.Send(request);
    theirs.Send(request);
    std::string mine = ours.ReadFor(100);
    std::string reference = theirs.ReadFor(100);
    // The head (name, arity, flags set, key positions, categories set) is byte-identical.
    std::size_t head = reference.find("~", reference.find("+@"));
    ASSERT_NE(head, std::string::npos);
    EXPECT_EQ(mine.substr(0, head), reference.substr(0, head)) << name;
  }
  ours.Send("*3\r\n$7\r\nCOMMAND\r\n$4\r\nDOCS\r\n$13\r\ncommand|count\r\n");
  EXPECT_EQ(ours.ReadFor(100).substr(0, 28), "%1\r\n$13\r\ncommand|count\r\n%4\r\n");
}

TEST_F(CommandTest, GetKeys) {
  auto keys = [&](const std::vector<std::string>& cmd) {
    std::vector<std::string> args = {"COMMAND", "GETKEYS"};
    args.insert(args.end(), cmd.begin(), cmd.end());
    return s_->Cmd(args);
  };
  if (Registered("mset")) {
    EXPECT_EQ(keys({"MSET", "a", "1", "b", "2"}).ToString(),
              r_->Cmd("COMMAND GETKEYS MSET a 1 b 2").ToString());
    EXPECT_EQ(keys({"mset", "a", "1", "b", "2"}).elements.size(), 2u);
  }
  if (Registered("set")) {
    Reply r = keys({"SET", "k", "v", "EX", "10"});
    ASSERT_EQ(r.elements.size(), 1u);
    EXPECT_EQ(r.elements[0].str, "k");
  }
  if (Registered("get")) {
    EXPECT_EQ(keys({"get", "k"}).ToString(), r_->Cmd("COMMAND GETKEYS get k").ToString());
    EXPECT_EQ(keys({"GET", "a", "b"}).str, "ERR Invalid number of arguments specified for command");
  }
  EXPECT_EQ(keys({"nosuch", "a"}).str, "ERR Invalid command specified");
  EXPECT_EQ(keys({"command", "nosuch"}).str, "ERR Invalid command specified");
  EXPECT_EQ(keys({"command", "count"}).str, "ERR The command has no key arguments");
  // The arity of COMMAND GETKEYS itself is checked by the dispatcher.
  EXPECT_EQ(s_->Cmd("COMMAND GETKEYS get").str,
            "ERR wrong number of arguments for 'command|getkeys' command");
  if (Registered("memory|usage")) {
    EXPECT_EQ(keys({"memory", "usage", "k"}).ToString(), "[\"k\"]");
    EXPECT_EQ(keys({"memory", "usage"}).str,
              "ERR Invalid number of arguments specified for command");
  }
}

TEST_F(CommandTest, ListAndFilters) {
  Reply all = s_->Cmd("COMMAND LIST");
  ASSERT_EQ(all.type, REDIS_REPLY_ARRAY);
  std::set<std::string> names;
  for (const Reply& n : all.elements) names.insert(n.str);
  EXPECT_EQ(names.size(), all.elements.size());
  EXPECT_TRUE(names.count("command|getkeys"));
  std::map<std::string, Reply> info;
  IndexInfo(RawCmd(strata()->port(), {"COMMAND"}), &info);
  EXPECT_EQ(info.size(), names.size());  // commands and subcommands alike

  Reply pat = s_->Cmd("COMMAND LIST FILTERBY PATTERN COMMAND*");
  std::set<std::string> pat_names;
  for (const Reply& n : pat.elements) pat_names.insert(n.str);
  EXPECT_EQ(pat_names,
            (std::set<std::string>{"command", "command|count", "command|info", "command|docs",
                                   "command|list", "command|getkeys", "command|getkeysandflags", "command|help"}));
  Reply conn = s_->Cmd("COMMAND LIST FILTERBY ACLCAT CONNECTION");
  std::set<std::string> conn_names;
  for (const Reply& n : conn.elements) conn_names.insert(n.str);
  EXPECT_TRUE(conn_names.count("command|docs"));
  if (Registered("get")) {
    Reply str = s_->Cmd("COMMAND LIST FILTERBY aclcat string");
    EXPECT_NE(std::find_if(str.elements.begin(), str.elements.end(),
                           [](const Reply& n) { return n.str == "get"; }),
              str.elements.end());
  }
  EXPECT_EQ(s_->Cmd("COMMAND LIST FILTERBY ACLCAT nosuch").elements.size(), 0u);
  EXPECT_EQ(s_->Cmd("COMMAND LIST FILTERBY MODULE x").elements.size(), 0u);
  for (const char* bad : {"COMMAND LIST foo", "COMMAND LIST FILTERBY PATTERN",
                          "COMMAND LIST FILTERBY foo bar", "COMMAND LIST FILTERBY PATTERN a b"}) {
    EXPECT_EQ(s_->Cmd(bad).str, "ERR syntax error") << bad;
    EXPECT_EQ(r_->Cmd(bad).str, "ERR syntax error") << bad;
  }
}

TEST_F(CommandTest, HelpAndErrors) {
  Reply help = s_->Cmd("COMMAND HELP");
  ASSERT_EQ(help.type, REDIS_REPLY_ARRAY);
  ASSERT_GE(help.elements.size(), 4u);
  EXPECT_EQ(help.elements[0].str, r_->Cmd("COMMAND HELP").elements[0].str);
  for (const Reply& line : help.elements) EXPECT_EQ(line.type, REDIS_REPLY_STATUS);
  EXPECT_EQ(help.elements.back().str, "    Print this help.");
  for (const char* cmd : {"COMMAND COUNT x", "COMMAND foo", "COMMAND HELP x", "command getkeys"}) {
    EXPECT_EQ(s_->Cmd(cmd).ToString(), r_->Cmd(cmd).ToString()) << cmd;
  }
}

}  // namespace
}  // namespace strata::test
