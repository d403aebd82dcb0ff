// LoadConfig and ParseSize: defaults, a full TOML file, --set overrides, and errors that
// name the file, the key and the reason.
#include "strata/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace strata::test {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "strata-config-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Writes `text` to a file in the temp dir and returns its path.
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  // Loads and expects failure; returns the message.
  std::string ErrorFor(const std::string& file, const std::vector<ConfigOverride>& sets = {}) {
    auto r = LoadConfig(file, sets);
    EXPECT_FALSE(r.ok());
    return r.ok() ? "" : r.status().message();
  }

  std::string dir_;
};

::testing::AssertionResult Contains(const std::string& haystack, const std::string& needle) {
  if (haystack.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "\"" << haystack << "\" does not contain \"" << needle << "\"";
}

TEST_F(ConfigTest, Defaults) {
  auto r = LoadConfig("", {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const Config& c = *r;
  EXPECT_EQ(c.file, "");
  EXPECT_EQ(c.server.bind, "127.0.0.1");
  EXPECT_EQ(c.server.port, 6379);
  EXPECT_EQ(c.server.threads, 0);
  EXPECT_EQ(c.server.requirepass, "");
  EXPECT_EQ(c.server.maxclients, 10000);
  EXPECT_EQ(c.server.timeout, 0);
  EXPECT_EQ(c.server.busy_poll_us, 100);
  EXPECT_TRUE(c.server.adaptive_threads);
  EXPECT_EQ(c.server.databases, 16);
  EXPECT_EQ(c.limits.proto_max_bulk_len, 512ll << 20);
  EXPECT_EQ(c.limits.client_query_buffer_limit, 1ll << 30);
  EXPECT_EQ(c.storage.engine, "memory");
  EXPECT_EQ(c.storage.dir, "./data");
  EXPECT_GE(ResolveThreads(c.server), 1);
}

TEST_F(ConfigTest, FileWithEveryKey) {
  std::string path = Write("full.toml", R"(
# every key there is
[server]
bind = "0.0.0.0"
port = 7001
threads = 3
requirepass = "s3cret"
maxclients = 50
timeout = 300
busy_poll_us = 0
adaptive_threads = false
databases = 4

[limits]
proto_max_bulk_len = "16MB"
client_query_buffer_limit = 2097152

[storage]
engine = "memory"
dir = "/var/lib/strata"
)");
  auto r = LoadConfig(path, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const Config& c = *r;
  EXPECT_EQ(c.file, path);
  EXPECT_EQ(c.server.bind, "0.0.0.0");
  EXPECT_EQ(c.server.port, 7001);
  EXPECT_EQ(c.server.threads, 3);
  EXPECT_EQ(ResolveThreads(c.server), 3);
  EXPECT_EQ(c.server.requirepass, "s3cret");
  EXPECT_EQ(c.server.maxclients, 50);
  EXPECT_EQ(c.server.timeout, 300);
  EXPECT_EQ(c.server.busy_poll_us, 0);
  EXPECT_FALSE(c.server.adaptive_threads);
  EXPECT_EQ(c.server.databases, 4);
  EXPECT_EQ(c.limits.proto_max_bulk_len, 16ll << 20);
  EXPECT_EQ(c.limits.client_query_buffer_limit, 2097152);
  EXPECT_EQ(c.storage.engine, "memory");
  EXPECT_EQ(c.storage.dir, "/var/lib/strata");
}

// The shipped configuration documents the defaults: loading it changes nothing.
TEST_F(ConfigTest, ShippedFileMatchesDefaults) {
  const std::string path = std::string(STRATA_SOURCE_DIR) + "/conf/strata.toml";
  auto shipped = LoadConfig(path, {});
  ASSERT_TRUE(shipped.ok()) << shipped.status().message();
  auto defaults = LoadConfig("", {});
  ASSERT_TRUE(defaults.ok()) << defaults.status().message();
  const Config& s = *shipped;
  const Config& d = *defaults;
  EXPECT_EQ(s.server.bind, d.server.bind);
  EXPECT_EQ(s.server.port, d.server.port);
  EXPECT_EQ(s.server.threads, d.server.threads);
  EXPECT_EQ(s.server.requirepass, d.server.requirepass);
  EXPECT_EQ(s.server.maxclients, d.server.maxclients);
  EXPECT_EQ(s.server.timeout, d.server.timeout);
  EXPECT_EQ(s.server.busy_poll_us, d.server.busy_poll_us);
  EXPECT_EQ(s.server.adaptive_threads, d.server.adaptive_threads);
  EXPECT_EQ(s.server.databases, d.server.databases);
  EXPECT_EQ(s.limits.proto_max_bulk_len, d.limits.proto_max_bulk_len);
  EXPECT_EQ(s.limits.client_query_buffer_limit, d.limits.client_query_buffer_limit);
  EXPECT_EQ(s.storage.engine, d.storage.engine);
  EXPECT_EQ(s.storage.dir, d.storage.dir);
  EXPECT_EQ(s.checkpoint.dir, d.checkpoint.dir);
  EXPECT_EQ(s.checkpoint.keep, d.checkpoint.keep);
  EXPECT_EQ(s.checkpoint.restore_on_start, d.checkpoint.restore_on_start);
  EXPECT_EQ(s.checkpoint.on_corrupt, d.checkpoint.on_corrupt);
}

TEST_F(ConfigTest, CheckpointDefaultsAndKeys) {
  auto d = LoadConfig("", {});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->checkpoint.dir, "");
  EXPECT_EQ(d->checkpoint.keep, 2);
  EXPECT_TRUE(d->checkpoint.restore_on_start);
  EXPECT_EQ(d->checkpoint.on_corrupt, "refuse");
  std::string path = Write("ckpt.toml",
                           "[checkpoint]\ndir = \"/tmp/x\"\nkeep = 5\n"
                           "restore_on_start = false\non_corrupt = \"previous\"\n");
  auto r = LoadConfig(path, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->checkpoint.dir, "/tmp/x");
  EXPECT_EQ(r->checkpoint.keep, 5);
  EXPECT_FALSE(r->checkpoint.restore_on_start);
  EXPECT_EQ(r->checkpoint.on_corrupt, "previous");
  auto o = LoadConfig("", {{"checkpoint.keep", "1"}, {"checkpoint.restore_on_start", "false"}});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->checkpoint.keep, 1);
  EXPECT_FALSE(o->checkpoint.restore_on_start);
}

TEST_F(ConfigTest, CheckpointBadValues) {
  std::string keep0 = Write("k0.toml", "[checkpoint]\nkeep = 0\n");
  EXPECT_EQ(ErrorFor(keep0), keep0 + ": checkpoint.keep: expected an integer from 1 to 1000000, got 0");
  std::string mode = Write("m.toml", "[checkpoint]\non_corrupt = \"ignore\"\n");
  EXPECT_EQ(ErrorFor(mode), mode + ": checkpoint.on_corrupt: expected one of \"refuse\", "
                                   "\"previous\", got \"ignore\"");
  std::string flag = Write("f.toml", "[checkpoint]\nrestore_on_start = \"yes\"\n");
  EXPECT_EQ(ErrorFor(flag),
            flag + ": checkpoint.restore_on_start: expected true or false, got \"yes\"");
  std::string unit = Write("u.toml", "[checkpoint]\nschedule = \"1h\"\n");
  EXPECT_EQ(ErrorFor(unit), unit + ": checkpoint.schedule: expected \"<seconds> <changes>\" "
                                   "pairs of integers, got \"1h\"");
  std::string odd = Write("o.toml", "[checkpoint]\nschedule = \"3600 1 300\"\n");
  EXPECT_EQ(ErrorFor(odd), odd + ": checkpoint.schedule: expected \"<seconds> <changes>\" "
                                 "pairs, got an odd number of values");
  std::string zero = Write("z.toml", "[checkpoint]\nschedule = \"0 1\"\n");
  EXPECT_EQ(ErrorFor(zero), zero + ": checkpoint.schedule: seconds must be at least 1");
  std::string type = Write("t.toml", "[checkpoint]\nschedule = 3600\n");
  EXPECT_EQ(ErrorFor(type), type + ": checkpoint.schedule: expected a string of \"<seconds> "
                                   "<changes>\" pairs, got 3600");
}

TEST_F(ConfigTest, CheckpointScheduleIsNormalized) {
  std::string path = Write("s.toml", "[checkpoint]\nschedule = \"  900 1   60 0 \"\n");
  auto c = LoadConfig(path, {});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->checkpoint.schedule, "900 1 60 0");
  std::string off = Write("off.toml", "[checkpoint]\nschedule = \"\"\n");
  auto c2 = LoadConfig(off, {});
  ASSERT_TRUE(c2.ok()) << c2.status().message();
  EXPECT_EQ(c2->checkpoint.schedule, "");
  EXPECT_EQ(Config{}.checkpoint.schedule, "3600 1 300 100 60 10000");  // Redis's default
}

TEST_F(ConfigTest, PartialFileKeepsOtherDefaults) {
  std::string path = Write("partial.toml", "[server]\nport = 6400\n");
  auto r = LoadConfig(path, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->server.port, 6400);
  EXPECT_EQ(r->server.databases, 16);
  EXPECT_EQ(r->storage.engine, "memory");
}

TEST_F(ConfigTest, UnknownKey) {
  std::string path = Write("k.toml", "[server]\nprot = 1\n");
  std::string msg = ErrorFor(path);
  EXPECT_TRUE(Contains(msg, path));
  EXPECT_TRUE(Contains(msg, "server.prot"));
  EXPECT_TRUE(Contains(msg, "unknown key"));
}

TEST_F(ConfigTest, NotifyKeyspaceEvents) {
  std::string path = Write("n.toml", "[server]\nnotify_keyspace_events = \"KEx\"\n");
  auto r = LoadConfig(path, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->server.notify_keyspace_events, "KEx");
  EXPECT_EQ(Config{}.server.notify_keyspace_events, "");  // Redis's default: no events
  path = Write("n2.toml", "[server]\nnotify_keyspace_events = \"KEq\"\n");
  std::string msg = ErrorFor(path);
  EXPECT_TRUE(Contains(msg, path));
  EXPECT_TRUE(Contains(msg, "server.notify_keyspace_events"));
  EXPECT_TRUE(Contains(msg, "invalid event class character in \"KEq\"")) << msg;
  path = Write("n3.toml", "[server]\nnotify_keyspace_events = 3\n");
  EXPECT_TRUE(Contains(ErrorFor(path), "expected a string of event class letters")) ;
}

TEST_F(ConfigTest, UnknownSection) {
  std::string path = Write("s.toml", "[servr]\nport = 1\n");
  std::string msg = ErrorFor(path);
  EXPECT_TRUE(Contains(msg, path));
  EXPECT_TRUE(Contains(msg, "servr.port"));
  EXPECT_TRUE(Contains(msg, "unknown key"));
}

TEST_F(ConfigTest, TopLevelKey) {
  std::string path = Write("t.toml", "port = 1\n");
  std::string msg = ErrorFor(path);
  EXPECT_TRUE(Contains(msg, path));
  EXPECT_TRUE(Contains(msg, "port"));
  EXPECT_TRUE(Contains(msg, "unknown top-level key"));
}

TEST_F(ConfigTest, WrongType) {
  std::string path = Write("w.toml", "[server]\nport = \"seven\"\n");
  std::string msg = ErrorFor(path);
  EXPECT_TRUE(Contains(msg, path));
  EXPECT_TRUE(Contains(msg, "server.port"));
  EXPECT_TRUE(Contains(msg, "expected an integer from 0 to 65535, got \"seven\""));

  path = Write("w2.toml", "[server]\nbind = 5\n");
  msg = ErrorFor(path);
  EXPECT_TRUE(Contains(msg, "server.bind"));
  EXPECT_TRUE(Contains(msg, "expected a string, got 5"));

  path = Write("w3.toml", "[limits]\nproto_max_bulk_len = true\n");
  msg = ErrorFor(path);
  EXPECT_TRUE(Contains(msg, "limits.proto_max_bulk_len"));
  EXPECT_TRUE(Contains(msg, "expected a size"));
}

TEST_F(ConfigTest, OutOfRange) {
  std::string path = Write("r.toml", "[server]\nport = 70000\n");
  std::string msg = ErrorFor(path);
  EXPECT_TRUE(Contains(msg, path));
  EXPECT_TRUE(Contains(msg, "server.port"));
  EXPECT_TRUE(Contains(msg, "from 0 to 65535, got 70000"));
  // Sizes have a floor: Redis does not allow less than 1 MB for these either.
  path = Write("r2.toml", "[limits]\nproto_max_bulk_len = 1000\n");
  msg = ErrorFor(path);
  EXPECT_TRUE(Contains(msg, "limits.proto_max_bulk_len"));
  EXPECT_TRUE(Contains(msg, "must be at least 1048576 bytes"));
  path = Write("r3.toml", "[server]\nbusy_poll_us = -1\n");
  msg = ErrorFor(path);
  EXPECT_TRUE(Contains(msg, "server.busy_poll_us"));
  EXPECT_TRUE(Contains(msg, "from 0 to 1000000, got -1"));
}

TEST_F(ConfigTest, BadSize) {
  std::string path = Write("z.toml", "[limits]\nclient_query_buffer_limit = \"12XB\"\n");
  std::string msg = ErrorFor(path);
  EXPECT_TRUE(Contains(msg, path));
  EXPECT_TRUE(Contains(msg, "limits.client_query_buffer_limit"));
  EXPECT_TRUE(Contains(msg, "unknown size unit in \"12XB\""));
}

TEST_F(ConfigTest, BadEngineName) {
  std::string path = Write("e.toml", "[storage]\nengine = \"rocks\"\n");
  std::string msg = ErrorFor(path);
  EXPECT_TRUE(Contains(msg, path));
  EXPECT_TRUE(Contains(msg, "storage.engine"));
  EXPECT_TRUE(Contains(msg, "got \"rocks\""));
  EXPECT_TRUE(Contains(msg, "\"memory\""));
}

TEST_F(ConfigTest, TomlSyntaxErrorNamesFileAndLine) {
  std::string path = Write("x.toml", "[server]\nport = = 1\n");
  std::string msg = ErrorFor(path);
  EXPECT_TRUE(Contains(msg, path + ":2:"));
}

TEST_F(ConfigTest, MissingFile) {
  std::string msg = ErrorFor(dir_ + "/does-not-exist.toml");
  EXPECT_TRUE(Contains(msg, "does-not-exist.toml"));
}

TEST_F(ConfigTest, SetOverridesTyped) {
  std::string path = Write("o.toml", "[server]\nport = 7001\n");
  auto r = LoadConfig(path, {{"server.port", "7000"}, {"server.threads", "2"}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->server.port, 7000);  // --set beats the file
  EXPECT_EQ(r->server.threads, 2);
}

TEST_F(ConfigTest, SetOverridesStrings) {
  auto r = LoadConfig("", {{"storage.engine", "memory"},
                           {"storage.dir", "\"/tmp/with space\""},
                           {"server.requirepass", "'quoted pass'"},
                           {"server.bind", "::1"}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->storage.engine, "memory");           // bare string
  EXPECT_EQ(r->storage.dir, "/tmp/with space");     // TOML basic string
  EXPECT_EQ(r->server.requirepass, "quoted pass");  // TOML literal string
  EXPECT_EQ(r->server.bind, "::1");
}

TEST_F(ConfigTest, SetOverridesSizes) {
  auto r = LoadConfig(
      "", {{"limits.proto_max_bulk_len", "1MB"}, {"limits.client_query_buffer_limit", "2097152"}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->limits.proto_max_bulk_len, 1 << 20);
  EXPECT_EQ(r->limits.client_query_buffer_limit, 2 << 20);
}

TEST_F(ConfigTest, SetErrors) {
  std::string msg = ErrorFor("", {{"server.port", "seven"}});
  EXPECT_TRUE(Contains(msg, "--set server.port=seven"));
  EXPECT_TRUE(Contains(msg, "expected an integer"));

  msg = ErrorFor("", {{"server.nope", "1"}});
  EXPECT_TRUE(Contains(msg, "--set server.nope=1"));
  EXPECT_TRUE(Contains(msg, "unknown key"));

  msg = ErrorFor("", {{"port", "1"}});
  EXPECT_TRUE(Contains(msg, "expected section.key=value"));

  msg = ErrorFor("", {{"storage.engine", "bogus"}});
  EXPECT_TRUE(Contains(msg, "storage.engine"));
  EXPECT_TRUE(Contains(msg, "got \"bogus\""));

  msg = ErrorFor("", {{"limits.proto_max_bulk_len", "12XB"}});
  EXPECT_TRUE(Contains(msg, "limits.proto_max_bulk_len"));
  EXPECT_TRUE(Contains(msg, "unknown size unit"));
}

// ---- ParseSize ----

std::int64_t SizeOf(const std::string& text) {
  auto r = ParseSize(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().message();
  return r.ok() ? *r : -1;
}

TEST(ParseSizeTest, UnitsArePowersOf1024) {
  EXPECT_EQ(SizeOf("0"), 0);
  EXPECT_EQ(SizeOf("1048576"), 1048576);
  EXPECT_EQ(SizeOf("100b"), 100);
  EXPECT_EQ(SizeOf("1k"), 1024);
  EXPECT_EQ(SizeOf("4KB"), 4096);
  EXPECT_EQ(SizeOf("512MB"), 512ll << 20);
  EXPECT_EQ(SizeOf("512mb"), 512ll << 20);
  EXPECT_EQ(SizeOf("1gb"), 1ll << 30);
  EXPECT_EQ(SizeOf("1G"), 1ll << 30);
  EXPECT_EQ(SizeOf("2GiB"), 2ll << 30);
  EXPECT_EQ(SizeOf("1TB"), 1ll << 40);
  EXPECT_EQ(SizeOf(" 64 MB "), 64ll << 20);
}

TEST(ParseSizeTest, Invalid) {
  for (const char* bad : {"12XB", "", "MB", "-1", "1.5GB", "abc", "0x10", "1 MBX"}) {
    auto r = ParseSize(bad);
    EXPECT_FALSE(r.ok()) << "\"" << bad << "\" parsed as " << (r.ok() ? *r : 0);
  }
  EXPECT_FALSE(ParseSize("99999999999999999999").ok());  // overflows int64
  EXPECT_FALSE(ParseSize("9999999999TB").ok());
  EXPECT_TRUE(Contains(ParseSize("12XB").status().message(), "12XB"));
}

}  // namespace
}  // namespace strata::test
