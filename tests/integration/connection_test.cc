// Connection commands: PING ECHO QUIT SELECT AUTH HELLO RESET CLIENT, RESP3 after HELLO 3,
// authentication with requirepass, and the maxclients / idle timeout limits.
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

// The exact bytes Redis 7.0 sends for HELLO (a map in RESP3, a flat array in RESP2).
std::string HelloReply(int proto, long long id) {
  std::string body = RespBulk("server") + RespBulk("redis") + RespBulk("version") +
                     RespBulk("7.0.15") + RespBulk("proto") + ":" + std::to_string(proto) + "\r\n" +
                     RespBulk("id") + ":" + std::to_string(id) + "\r\n" + RespBulk("mode") +
                     RespBulk("standalone") + RespBulk("role") + RespBulk("master") +
                     RespBulk("modules") + "*0\r\n";
  return (proto == 3 ? "%7\r\n" : "*14\r\n") + body;
}

// Sends `cmd` and reads until `expected.size()` bytes arrived (or 2 s passed).
std::string RoundTrip(RawConnection& c, const std::vector<std::string>& cmd, std::size_t expected) {
  c.Send(RespCommand(cmd));
  return c.Read(expected);
}

// Parses one CLIENT LIST line into its fields.
std::map<std::string, std::string> ParseClientLine(const std::string& line) {
  std::map<std::string, std::string> fields;
  std::size_t pos = 0;
  while (pos < line.size()) {
    std::size_t sp = line.find(' ', pos);
    if (sp == std::string::npos) sp = line.size();
    std::string item = line.substr(pos, sp - pos);
    std::size_t eq = item.find('=');
    if (eq != std::string::npos) fields[item.substr(0, eq)] = item.substr(eq + 1);
    pos = sp + 1;
  }
  return fields;
}

// Checks one CLIENT LIST / CLIENT INFO line: Redis 7's fields in Redis's order, numeric
// fields numeric, fixed fields at their fixed values.
void ExpectClientLineShape(const std::string& line) {
  ASSERT_FALSE(line.empty());
  ASSERT_EQ(line.back(), '\n') << line;
  static const std::vector<std::pair<std::string, std::string>> kFields = {
      {"id", "#"},        {"addr", "127.0.0.1:#"}, {"laddr", "127.0.0.1:#"}, {"fd", "#"},
      {"name", "*"},      {"age", "#"},            {"idle", "#"},           {"flags", "\\w+"},
      {"db", "#"},        {"sub", "0"},            {"psub", "0"},           {"ssub", "0"},
      {"multi", "-1"},    {"qbuf", "#"},           {"qbuf-free", "#"},      {"argv-mem", "#"},
      {"multi-mem", "0"}, {"rbs", "#"},            {"rbp", "#"},            {"obl", "#"},
      {"oll", "#"},       {"omem", "#"},           {"tot-mem", "#"},        {"events", "r"},
      {"cmd", "*"},       {"user", "default"},     {"redir", "-1"},         {"resp", "2|3"},
      {"lib-name", "*"},  {"lib-ver", "*"}};
  auto is_number = [](const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
  };
  std::vector<std::string> items;
  std::size_t pos = 0;
  const std::string body = line.substr(0, line.size() - 1);
  while (pos <= body.size()) {
    std::size_t sp = body.find(' ', pos);
    if (sp == std::string::npos) sp = body.size();
    items.push_back(body.substr(pos, sp - pos));
    pos = sp + 1;
  }
  ASSERT_EQ(items.size(), kFields.size()) << line;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& [key, shape] = kFields[i];
    ASSERT_EQ(items[i].rfind(key + "=", 0), 0u) << "field " << i << " of: " << line;
    std::string value = items[i].substr(key.size() + 1);
    if (shape == "*") {
      EXPECT_EQ(value.find(' '), std::string::npos) << line;
    } else if (shape == "#") {
      EXPECT_TRUE(is_number(value)) << key << " in: " << line;
    } else if (shape == "\\w+") {
      EXPECT_FALSE(value.empty()) << line;
      for (char c : value) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '_') << line;
    } else if (shape == "2|3") {
      EXPECT_TRUE(value == "2" || value == "3") << line;
    } else if (shape == "127.0.0.1:#") {
      EXPECT_EQ(value.rfind("127.0.0.1:", 0), 0u) << line;
      EXPECT_TRUE(is_number(value.substr(10))) << line;
    } else {
      EXPECT_EQ(value, shape) << key << " in: " << line;
    }
  }
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

class ConnectionTest : public BothServersTest<ConnectionTest> {};

TEST_F(ConnectionTest, PingEchoSelectMatchRedis) {
  ExpectSameAsRedis({
      {"PING"},
      {"PING", "hello world"},
      {"PING", "a", "b"},
      {"ECHO", std::string("bin\0\r\nary", 9)},
      {"ECHO"},
      {"ECHO", "a", "b"},
      {"SELECT", "15"},
      {"SELECT", "16"},
      {"SELECT", "-1"},
      {"SELECT", "abc"},
      {"SELECT", "0"},
  });
}

TEST_F(ConnectionTest, HelloAndAuthErrorsMatchRedis) {
  ExpectSameAsRedis({
      {"HELLO", "4"},
      {"HELLO", "1"},
      {"HELLO", "abc"},
      {"HELLO", "2", "foo"},
      {"HELLO", "2", "AUTH", "default"},
      {"HELLO", "2", "SETNAME"},
      {"HELLO", "2", "SETNAME", "a b"},
      {"HELLO", "2", "AUTH", "nobody", "x"},
      {"AUTH", "x"},
      {"AUTH", "default", "anything"},
      {"AUTH", "nobody", "x"},
      {"AUTH", "a", "b", "c"},
      {"AUTH"},
  });
}

TEST_F(ConnectionTest, HelloResp2ReportsServerFields) {
  Client c(port());
  long long id = c.Cmd("CLIENT ID").integer;
  Reply hello = c.Cmd("HELLO 2");
  ASSERT_EQ(hello.type, REDIS_REPLY_ARRAY) << hello.ToString();
  ASSERT_EQ(hello.elements.size(), 14u);
  std::map<std::string, Reply> fields;
  for (std::size_t i = 0; i + 1 < hello.elements.size(); i += 2) {
    fields[hello.elements[i].str] = hello.elements[i + 1];
  }
  EXPECT_EQ(fields["server"].str, "redis");
  EXPECT_EQ(fields["version"].str, "7.0.15");
  EXPECT_EQ(fields["proto"].integer, 2);
  EXPECT_EQ(fields["id"].integer, id);
  EXPECT_EQ(fields["mode"].str, "standalone");
  EXPECT_EQ(fields["role"].str, "master");
  EXPECT_EQ(fields["modules"].type, REDIS_REPLY_ARRAY);
  EXPECT_TRUE(fields["modules"].elements.empty());
  // Without a version HELLO keeps the protocol and still answers.
  EXPECT_EQ(c.Cmd("HELLO").elements.size(), 14u);
}

TEST_F(ConnectionTest, Resp3AfterHello3) {
  RawConnection c(port());
  ASSERT_TRUE(c.ok());
  std::string id_reply = RoundTrip(c, {"CLIENT", "ID"}, 3);
  ASSERT_EQ(id_reply.front(), ':');
  long long id = std::stoll(id_reply.substr(1));

  std::string want = HelloReply(3, id);
  EXPECT_EQ(RoundTrip(c, {"HELLO", "3"}, want.size()), want);
  EXPECT_EQ(RoundTrip(c, {"PING"}, 7), "+PONG\r\n");
  // Nulls are RESP3 nulls.
  EXPECT_EQ(RoundTrip(c, {"GET", "connection-test-missing"}, 3), "_\r\n");
  EXPECT_EQ(RoundTrip(c, {"CLIENT", "GETNAME"}, 3), "_\r\n");
  // CONFIG GET is a map.
  EXPECT_EQ(RoundTrip(c, {"CONFIG", "GET", "appendonly"}, 29),
            "%1\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
  // INFO and CLIENT INFO are verbatim strings.
  c.Send(RespCommand({"INFO", "server"}));
  std::string info = c.ReadFor(300);
  EXPECT_EQ(info.rfind("=", 0), 0u) << info;
  EXPECT_NE(info.find("\r\ntxt:# Server\r\nredis_version:7.0.15\r\n"), std::string::npos) << info;
  c.Send(RespCommand({"CLIENT", "INFO"}));
  std::string client_info = c.ReadFor(300);
  EXPECT_NE(client_info.find("\r\ntxt:id=" + std::to_string(id) + " "), std::string::npos);
  EXPECT_NE(client_info.find(" resp=3 "), std::string::npos) << client_info;
  // HELLO 2 switches back, answering in RESP2 already.
  want = HelloReply(2, id);
  EXPECT_EQ(RoundTrip(c, {"HELLO", "2"}, want.size()), want);
  EXPECT_EQ(RoundTrip(c, {"GET", "connection-test-missing"}, 5), "$-1\r\n");
}

TEST_F(ConnectionTest, Resp3BytesMatchRedis) {
  // Commands whose RESP3 replies hold no per-connection data are byte-identical.
  const std::vector<std::vector<std::string>> commands = {
      {"PING"},
      {"ECHO", "x"},
      {"CLIENT", "GETNAME"},
      {"CLIENT", "SETNAME", "n1"},
      {"CLIENT", "GETNAME"},
      {"CONFIG", "GET", "save"},
      {"CONFIG", "GET", "maxmemory-policy"},
      {"CONFIG", "GET", "nosuchparam"},
      {"CLIENT", "LIST", "TYPE", "master"},
      {"HELLO", "5"},
      {"CLIENT", "NOSUCH"},
  };
  std::string batch;
  for (const auto& cmd : commands) batch += RespCommand(cmd);
  std::string got = Resp3Replies(strata()->port(), batch);
  std::string want = Resp3Replies(redis()->port(), batch);
  EXPECT_EQ(got, want);
}

TEST_F(ConnectionTest, HelloSetNameAndResetRestoresDefaults) {
  RawConnection c(port());
  ASSERT_TRUE(c.ok());
  c.Send(RespCommand({"HELLO", "3", "SETNAME", "worker-1"}));
  std::string hello = c.ReadFor(200);
  ASSERT_EQ(hello.rfind("%7\r\n", 0), 0u) << hello;
  EXPECT_EQ(RoundTrip(c, {"CLIENT", "GETNAME"}, 14), "$8\r\nworker-1\r\n");
  EXPECT_EQ(RoundTrip(c, {"SELECT", "5"}, 5), "+OK\r\n");
  c.Send(RespCommand({"CLIENT", "REPLY", "OFF"}));
  c.Send(RespCommand({"PING"}));
  // RESET answers even with replies off, and turns them back on.
  EXPECT_EQ(RoundTrip(c, {"RESET"}, 8), "+RESET\r\n");
  EXPECT_EQ(RoundTrip(c, {"CLIENT", "GETNAME"}, 5), "$-1\r\n");  // RESP2 again, no name
  c.Send(RespCommand({"CLIENT", "INFO"}));
  std::string info = c.ReadFor(300);
  EXPECT_NE(info.find(" db=0 "), std::string::npos) << info;
  EXPECT_NE(info.find(" resp=2 "), std::string::npos) << info;
}

TEST_F(ConnectionTest, QuitRepliesAndCloses) {
  RawConnection c(port());
  ASSERT_TRUE(c.ok());
  c.Send(RespCommand({"QUIT"}) + RespCommand({"PING"}));
  bool closed = false;
  EXPECT_EQ(c.ReadFor(2000, &closed), "+OK\r\n");
  EXPECT_TRUE(closed);
}

TEST_F(ConnectionTest, ClientIdNameAndErrorsMatchRedis) {
  Client c(port());
  Reply id1 = c.Cmd("CLIENT ID");
  Client other(port());
  Reply id2 = other.Cmd("CLIENT ID");
  ASSERT_EQ(id1.type, REDIS_REPLY_INTEGER);
  EXPECT_GT(id2.integer, id1.integer);  // ids grow with each connection
  ExpectSameAsRedis({
      {"CLIENT", "GETNAME"},
      {"CLIENT", "SETNAME", "my-name"},
      {"CLIENT", "GETNAME"},
      {"CLIENT", "SETNAME", "has space"},
      {"CLIENT", "SETNAME", "new\nline"},
      {"CLIENT", "SETNAME", std::string("\x01", 1)},
      {"CLIENT", "SETNAME", ""},
      {"CLIENT", "GETNAME"},
      {"CLIENT", "SETNAME"},
      {"CLIENT", "INFO", "x"},
      {"CLIENT", "LIST", "TYPE", "foo"},
      {"CLIENT", "LIST", "TYPE", "pubsub"},
      {"CLIENT", "LIST", "ID"},
      {"CLIENT", "LIST", "ID", "abc"},
      {"CLIENT", "LIST", "ID", "0", "-1"},
      {"CLIENT", "LIST", "foo"},
      {"CLIENT", "LIST", "TYPE", "normal", "ID", "1"},
      {"CLIENT", "KILL", "1.2.3.4:5"},
      {"CLIENT", "KILL", "ID", "999999"},
      {"CLIENT", "KILL", "ID", "abc"},
      {"CLIENT", "KILL", "ID", "0"},
      {"CLIENT", "KILL", "foo", "bar"},
      {"CLIENT", "KILL", "SKIPME", "maybe"},
      {"CLIENT", "KILL", "USER", "nobody"},
      {"CLIENT", "KILL", "TYPE", "bogus"},
      {"CLIENT", "KILL", "ID", "1", "TYPE"},
      {"CLIENT", "KILL", "TYPE", "master"},
      {"CLIENT", "KILL", "ADDR", "1.2.3.4:5", "SKIPME", "yes"},
      {"CLIENT", "PAUSE"},
      {"CLIENT", "PAUSE", "abc"},
      {"CLIENT", "PAUSE", "-1"},
      {"CLIENT", "PAUSE", "10", "foo"},
      {"CLIENT", "UNPAUSE"},
      {"CLIENT", "REPLY", "maybe"},
      {"CLIENT", "REPLY"},
      {"CLIENT", "NO-EVICT", "maybe"},
      {"CLIENT", "NO-EVICT", "on"},
      {"CLIENT", "NO-EVICT", "OFF"},
      {"CLIENT", "NOSUCH"},
      {"CLIENT"},
  });
}

TEST_F(ConnectionTest, ClientSetInfo) {
  Client c(port());
  EXPECT_EQ(c.Cmd("CLIENT SETINFO LIB-NAME redis-py").str, "OK");
  EXPECT_EQ(c.Cmd("CLIENT SETINFO lib-ver 5.0.1").str, "OK");
  EXPECT_EQ(c.Cmd("CLIENT SETINFO foo bar").str, "ERR Unrecognized option 'foo'");
  EXPECT_EQ(c.Cmd({"CLIENT", "SETINFO", "lib-name", "a b"}).str,
            "ERR lib-name cannot contain spaces, newlines or special characters.");
  EXPECT_TRUE(c.Cmd("CLIENT SETINFO lib-name").is_error());
  std::string info = c.Cmd("CLIENT INFO").str;
  ASSERT_FALSE(info.empty());
  auto fields = ParseClientLine(info.substr(0, info.size() - 1));  // without the '\n'
  EXPECT_EQ(fields["lib-name"], "redis-py");
  EXPECT_EQ(fields["lib-ver"], "5.0.1");
}

TEST_F(ConnectionTest, ClientInfoLineFormat) {
  Client c(port());
  ASSERT_EQ(c.Cmd("CLIENT SETNAME info-test").str, "OK");
  ASSERT_EQ(c.Cmd("SELECT 3").str, "OK");
  long long id = c.Cmd("CLIENT ID").integer;
  std::string info = c.Cmd("CLIENT INFO").str;
  ASSERT_FALSE(info.empty());
  EXPECT_EQ(info.back(), '\n');
  // Redis 7's field order and value shapes (checked by hand: GCC 12 warns inside
  // std::regex under the sanitizer build).
  ExpectClientLineShape(info);
  auto fields = ParseClientLine(info.substr(0, info.size() - 1));
  EXPECT_EQ(fields["id"], std::to_string(id));
  EXPECT_EQ(fields["name"], "info-test");
  EXPECT_EQ(fields["db"], "3");
  EXPECT_EQ(fields["flags"], "N");
  EXPECT_EQ(fields["cmd"], "client|info");
  EXPECT_EQ(fields["argv-mem"], "10");  // "client" + "info"
  EXPECT_EQ(fields["laddr"], "127.0.0.1:" + std::to_string(port()));
  EXPECT_EQ(fields["resp"], "2");
}

TEST_F(ConnectionTest, ClientListShowsEveryClientAndFilters) {
  Client a(port());
  Client b(port());
  ASSERT_EQ(b.Cmd("CLIENT SETNAME list-b").str, "OK");
  ASSERT_EQ(b.Cmd("PING").str, "PONG");
  long long id_a = a.Cmd("CLIENT ID").integer;
  long long id_b = b.Cmd("CLIENT ID").integer;

  std::string all = a.Cmd("CLIENT LIST").str;
  std::map<long long, std::map<std::string, std::string>> by_id;
  for (const auto& line : Lines(all)) {
    auto fields = ParseClientLine(line);
    by_id[std::stoll(fields["id"])] = fields;
  }
  ASSERT_TRUE(by_id.count(id_a)) << all;
  ASSERT_TRUE(by_id.count(id_b)) << all;
  EXPECT_EQ(by_id[id_a]["cmd"], "client|list");
  EXPECT_EQ(by_id[id_b]["name"], "list-b");
  EXPECT_EQ(by_id[id_b]["cmd"], "client|id");  // its last command
  // Lines come in id order.
  long long prev = 0;
  for (const auto& [id, fields] : by_id) {
    EXPECT_GT(id, prev);
    prev = id;
  }

  std::string only_b = a.Cmd({"CLIENT", "LIST", "ID", std::to_string(id_b)}).str;
  ASSERT_EQ(Lines(only_b).size(), 1u) << only_b;
  EXPECT_EQ(ParseClientLine(Lines(only_b)[0])["name"], "list-b");
  std::string both =
      a.Cmd({"CLIENT", "LIST", "ID", std::to_string(id_b), std::to_string(id_a), "999999"}).str;
  auto lines = Lines(both);
  ASSERT_EQ(lines.size(), 2u) << both;
  EXPECT_EQ(ParseClientLine(lines[0])["id"], std::to_string(id_b));  // in the order asked
  EXPECT_EQ(ParseClientLine(lines[1])["id"], std::to_string(id_a));
  std::string normal = a.Cmd("CLIENT LIST TYPE normal").str;
  EXPECT_NE(normal.find("id=" + std::to_string(id_b) + " "), std::string::npos);
  EXPECT_EQ(a.Cmd("CLIENT LIST TYPE replica").str, "");
}

TEST_F(ConnectionTest, ClientKillById) {
  Client killer(port());
  RawConnection victim(port());
  ASSERT_TRUE(victim.ok());
  std::string id_reply = RoundTrip(victim, {"CLIENT", "ID"}, 3);
  std::string id = id_reply.substr(1, id_reply.find('\r') - 1);
  EXPECT_EQ(killer.Cmd({"CLIENT", "KILL", "ID", id}).integer, 1);
  // Gone from the list as soon as the kill is answered, as in Redis (redis-py's
  // test_client_kill lists the clients right after), and a second kill finds nothing.
  EXPECT_EQ(killer.Cmd({"CLIENT", "LIST", "ID", id}).str, "");
  EXPECT_EQ(killer.Cmd({"CLIENT", "KILL", "ID", id}).integer, 0);
  EXPECT_TRUE(victim.WaitClosed(3000));
}

TEST_F(ConnectionTest, ClientKillByAddressOldAndNewForm) {
  Client killer(port());
  RawConnection v1(port());
  RawConnection v2(port());
  ASSERT_TRUE(v1.ok() && v2.ok());
  auto addr_of = [&](RawConnection& v) {
    v.Send(RespCommand({"CLIENT", "INFO"}));
    return ParseClientLine(v.ReadFor(300))["addr"];
  };
  std::string addr1 = addr_of(v1);
  std::string addr2 = addr_of(v2);
  ASSERT_FALSE(addr1.empty());
  // Old form: CLIENT KILL ip:port answers OK.
  EXPECT_EQ(killer.Cmd({"CLIENT", "KILL", addr1}).str, "OK");
  EXPECT_TRUE(v1.WaitClosed(3000));
  // New form: counts, and LADDR must match too.
  EXPECT_EQ(killer.Cmd({"CLIENT", "KILL", "ADDR", addr2, "LADDR", "127.0.0.1:1"}).integer, 0);
  EXPECT_EQ(killer
                .Cmd({"CLIENT", "KILL", "ADDR", addr2, "LADDR",
                      "127.0.0.1:" + std::to_string(port()), "USER", "default"})
                .integer,
            1);
  EXPECT_TRUE(v2.WaitClosed(3000));
}

TEST_F(ConnectionTest, ClientKillSkipMe) {
  RawConnection self(port());
  ASSERT_TRUE(self.ok());
  self.Send(RespCommand({"CLIENT", "INFO"}));
  std::string addr = ParseClientLine(self.ReadFor(300))["addr"];
  // SKIPME defaults to yes: killing by our own address kills nobody.
  EXPECT_EQ(RoundTrip(self, {"CLIENT", "KILL", "ADDR", addr}, 4), ":0\r\n");
  // With SKIPME no the reply is still sent, then the connection closes.
  self.Send(RespCommand({"CLIENT", "KILL", "ADDR", addr, "SKIPME", "no"}));
  bool closed = false;
  EXPECT_EQ(self.ReadFor(2000, &closed), ":1\r\n");
  EXPECT_TRUE(closed);
}

TEST_F(ConnectionTest, ClientPauseWriteHoldsWritesOnly) {
  Client admin(port());
  RawConnection other(port());
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(admin.Cmd("CLIENT PAUSE 100000 WRITE").str, "OK");
  // Reads go through during a WRITE pause.
  EXPECT_EQ(RoundTrip(other, {"GET", "pause-key"}, 5), "$-1\r\n");
  // A write waits...
  other.Send(RespCommand({"SET", "pause-key", "v"}));
  EXPECT_EQ(other.ReadFor(300), "");
  // ...until the pause ends.
  EXPECT_EQ(admin.Cmd("CLIENT UNPAUSE").str, "OK");
  EXPECT_EQ(other.Read(5, 5000), "+OK\r\n");
  EXPECT_EQ(RoundTrip(other, {"GET", "pause-key"}, 7), "$1\r\nv\r\n");
}

TEST_F(ConnectionTest, ClientPauseAllHoldsEverythingUntilItExpires) {
  Client admin(port());
  RawConnection other(port());
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(admin.Cmd("CLIENT PAUSE 1500 ALL").str, "OK");
  other.Send(RespCommand({"PING"}));
  EXPECT_EQ(other.ReadFor(200), "");            // held...
  EXPECT_EQ(other.Read(7, 5000), "+PONG\r\n");  // ...and released when the timeout passes
}

TEST_F(ConnectionTest, ClientReplyOffSkipOn) {
  RawConnection c(port());
  ASSERT_TRUE(c.ok());
  c.Send(RespCommand({"CLIENT", "REPLY", "OFF"}) + RespCommand({"PING"}) +
         RespCommand({"ECHO", "dropped"}) + RespCommand({"CLIENT", "REPLY", "ON"}) +
         RespCommand({"ECHO", "after-on"}));
  EXPECT_EQ(c.Read(5 + 14, 2000), "+OK\r\n$8\r\nafter-on\r\n");
  c.Send(RespCommand({"CLIENT", "REPLY", "SKIP"}) + RespCommand({"ECHO", "skipped"}) +
         RespCommand({"ECHO", "shown"}));
  EXPECT_EQ(c.Read(11, 2000), "$5\r\nshown\r\n");
  EXPECT_EQ(c.ReadFor(100), "");
}

TEST_F(ConnectionTest, ClientHelpListsSubcommands) {
  Client c(port());
  Reply help = c.Cmd("CLIENT HELP");
  ASSERT_GT(help.elements.size(), 10u);
  ExpectHelpReply(help, "CLIENT",
                  {"KILL", "LIST", "PAUSE", "REPLY", "SETNAME", "SETINFO", "NO-EVICT"});
}

// ---------------------------------------------------------------------------------------
// requirepass

class ConnectionAuthTest : public BothServersTest<ConnectionAuthTest> {
 public:
  static std::vector<std::string> StrataArgs() { return {"--set", "server.requirepass=pw"}; }
  static std::vector<std::string> RedisArgs() { return {"--requirepass", "pw"}; }
};

TEST_F(ConnectionAuthTest, FlowMatchesRedis) {
  const std::vector<std::vector<std::string>> commands = {
      {"PING"},
      {"GET", "k"},
      {"CLIENT", "ID"},
      {"HELLO"},
      {"HELLO", "3"},
      {"HELLO", "2", "SETNAME", "x"},
      {"HELLO", "2", "AUTH", "default", "wrong"},
      {"HELLO", "2", "AUTH", "nobody", "pw"},
      {"AUTH", "wrong"},
      {"AUTH", "nobody", "pw"},
      {"AUTH", "default", "wrong"},
      {"AUTH", "pw"},
      {"PING"},
      {"CLIENT", "SETNAME", "authed"},
      {"RESET"},
      {"PING"},
      {"CLIENT", "GETNAME"},
      {"AUTH", "default", "pw"},
      {"CLIENT", "GETNAME"},
      {"ECHO", "ok"},
  };
  ExpectSameAsRedis(commands);
}

TEST_F(ConnectionAuthTest, HelloNoAuthText) {
  Client c(strata()->port());
  EXPECT_EQ(c.Cmd("HELLO 3").str,
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
            "HELLO AUTH <user> <pass> option can be used to authenticate the client and select "
            "the RESP protocol version at the same time");
  EXPECT_EQ(c.Cmd("PING").str, "NOAUTH Authentication required.");
}

TEST_F(ConnectionAuthTest, HelloAuthAuthenticatesAndSwitchesProtocol) {
  RawConnection c(strata()->port());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(RoundTrip(c, {"CLIENT", "ID"}, 34), "-NOAUTH Authentication required.\r\n");
  c.Send(RespCommand({"HELLO", "3", "AUTH", "default", "pw", "SETNAME", "r3"}));
  std::string hello = c.ReadFor(300);
  ASSERT_EQ(hello.rfind("%7\r\n", 0), 0u) << hello;
  std::size_t id_pos = hello.find("$2\r\nid\r\n:");
  ASSERT_NE(id_pos, std::string::npos);
  long long id = std::stoll(hello.substr(id_pos + 9));
  EXPECT_EQ(hello, HelloReply(3, id));
  EXPECT_EQ(RoundTrip(c, {"CLIENT", "GETNAME"}, 8), "$2\r\nr3\r\n");
  EXPECT_EQ(RoundTrip(c, {"GET", "missing"}, 3), "_\r\n");
}

TEST_F(ConnectionAuthTest, QuitAllowedBeforeAuth) {
  RawConnection c(strata()->port());
  ASSERT_TRUE(c.ok());
  c.Send(RespCommand({"QUIT"}));
  bool closed = false;
  EXPECT_EQ(c.ReadFor(2000, &closed), "+OK\r\n");
  EXPECT_TRUE(closed);
}

TEST_F(ConnectionAuthTest, UnauthenticatedBigRequestsAreProtocolErrors) {
  {
    RawConnection c(strata()->port());
    c.Send("*20000\r\n");
    bool closed = false;
    EXPECT_EQ(c.ReadFor(2000, &closed),
              "-ERR Protocol error: unauthenticated multibulk length\r\n");
    EXPECT_TRUE(closed);
  }
  {
    RawConnection c(strata()->port());
    c.Send("*1\r\n$100000\r\n");
    bool closed = false;
    EXPECT_EQ(c.ReadFor(2000, &closed), "-ERR Protocol error: unauthenticated bulk length\r\n");
    EXPECT_TRUE(closed);
  }
  {
    // After AUTH the same sizes are fine.
    RawConnection c(strata()->port());
    EXPECT_EQ(RoundTrip(c, {"AUTH", "pw"}, 5), "+OK\r\n");
    std::string big(100000, 'x');
    EXPECT_EQ(RoundTrip(c, {"ECHO", big}, big.size() + 10), "$100000\r\n" + big + "\r\n");
  }
}

TEST_F(ConnectionAuthTest, ConfigSetRequirePassAtRunTime) {
  Client admin(strata()->port());
  ASSERT_EQ(admin.Cmd("AUTH pw").str, "OK");
  ASSERT_EQ(admin.Cmd("CONFIG SET requirepass other").str, "OK");
  {
    Client c(strata()->port());
    EXPECT_EQ(c.Cmd("PING").str, "NOAUTH Authentication required.");
    EXPECT_EQ(c.Cmd("AUTH pw").str,
              "WRONGPASS invalid username-password pair or user is disabled.");
    EXPECT_EQ(c.Cmd("AUTH other").str, "OK");
  }
  EXPECT_EQ(admin.Cmd("PING").str, "PONG");  // authenticated clients stay so
  ASSERT_EQ(admin.Cmd({"CONFIG", "SET", "requirepass", ""}).str, "OK");
  {
    Client c(strata()->port());
    EXPECT_EQ(c.Cmd("PING").str, "PONG");
  }
  ASSERT_EQ(admin.Cmd("CONFIG SET requirepass pw").str, "OK");
}

// ---------------------------------------------------------------------------------------
// maxclients and idle timeout

TEST(ConnectionLimitsTest, MaxClientsRejectsTheNextConnection) {
  std::string err;
  auto server = ServerProcess::StartStrata({"--set", "server.maxclients=3"}, &err);
  ASSERT_NE(server, nullptr) << err;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<Client>(server->port()));
    ASSERT_EQ(clients.back()->Cmd("PING").str, "PONG");
  }
  RawConnection extra(server->port());
  ASSERT_TRUE(extra.ok());
  bool closed = false;
  EXPECT_EQ(extra.ReadFor(2000, &closed), "-ERR max number of clients reached\r\n");
  EXPECT_TRUE(closed);
  Reply info = clients[0]->Cmd("INFO stats");
  EXPECT_NE(info.str.find("rejected_connections:1\r\n"), std::string::npos) << info.str;
  // Once a slot frees up, a new client gets in.
  clients.pop_back();
  Reply pong;
  for (int attempt = 0; attempt < 50; ++attempt) {
    Client again(server->port());
    pong = again.Cmd("PING");
    if (pong.str == "PONG") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(pong.str, "PONG");
}

TEST(ConnectionLimitsTest, ConfigSetMaxClientsApplies) {
  std::string err;
  auto server = ServerProcess::StartStrata({}, &err);
  ASSERT_NE(server, nullptr) << err;
  Client a(server->port());
  EXPECT_EQ(a.Cmd("CONFIG SET maxclients 1").str, "OK");
  EXPECT_EQ(a.Cmd("CONFIG GET maxclients").elements.at(1).str, "1");
  RawConnection b(server->port());
  EXPECT_EQ(b.ReadFor(2000), "-ERR max number of clients reached\r\n");
}

TEST(ConnectionLimitsTest, IdleTimeoutClosesIdleClientsOnly) {
  std::string err;
  auto server = ServerProcess::StartStrata({"--set", "server.timeout=1"}, &err);
  ASSERT_NE(server, nullptr) << err;
  RawConnection idle(server->port());
  RawConnection busy(server->port());
  ASSERT_TRUE(idle.ok() && busy.ok());
  // The busy client talks every 200 ms for 2.5 s; the idle one says nothing.
  for (int i = 0; i < 12; ++i) {
    ASSERT_EQ(RoundTrip(busy, {"PING"}, 7), "+PONG\r\n") << "busy client closed after " << i;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(idle.WaitClosed(5000));
  EXPECT_EQ(RoundTrip(busy, {"PING"}, 7), "+PONG\r\n");
}

TEST(ConnectionLimitsTest, ConfigSetTimeoutApplies) {
  std::string err;
  auto server = ServerProcess::StartStrata({}, &err);
  ASSERT_NE(server, nullptr) << err;
  RawConnection idle(server->port());
  ASSERT_TRUE(idle.ok());
  {
    Client admin(server->port());
    ASSERT_EQ(admin.Cmd("CONFIG SET timeout 1").str, "OK");
  }
  EXPECT_TRUE(idle.WaitClosed(6000));
}

}  // namespace
}  // namespace strata::test
