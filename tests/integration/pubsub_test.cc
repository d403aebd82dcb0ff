// Pub/sub: SUBSCRIBE PSUBSCRIBE SSUBSCRIBE and their UNSUBSCRIBEs, PUBLISH SPUBLISH PUBSUB,
// the RESP2 subscribed mode and RESP3 pushes, byte for byte against redis-server; delivery
// across network threads with exact receiver counts and per-publisher order; CLIENT LIST,
// INFO and the pubsub output buffer limit.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using std::string_literals::operator""s;

// The end of the RESP2/RESP3 frame starting at buf[pos], or npos while incomplete.
std::size_t FrameEnd(const std::string& buf, std::size_t pos) {
  if (pos >= buf.size()) return std::string::npos;
  std::size_t eol = buf.find("\r\n", pos);
  if (eol == std::string::npos) return std::string::npos;
  char type = buf[pos];
  long long n = (type == '_' ) ? 0 : std::atoll(buf.c_str() + pos + 1);
  std::size_t next = eol + 2;
  switch (type) {
    case '$':
    case '=':
    case '!':
      if (n < 0) return next;
      return buf.size() >= next + n + 2 ? next + n + 2 : std::string::npos;
    case '*':
    case '>':
    case '~':
    case '%': {
      long long items = type == '%' ? 2 * n : n;
      for (long long i = 0; i < items; ++i) {
        next = FrameEnd(buf, next);
        if (next == std::string::npos) return next;
      }
      return next;
    }
    default:  // + - : _ , # (
      return next;
  }
}

// Reads from `c` until `frames` whole frames arrived (up to 10 s); returns their bytes.
std::string ReadFrames(RawConnection& c, std::size_t frames, std::string* buf) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (true) {
    std::size_t pos = 0, count = 0;
    while (count < frames) {
      std::size_t end = FrameEnd(*buf, pos);
      if (end == std::string::npos) break;
      pos = end;
      ++count;
    }
    if (count == frames) {
      std::string out = buf->substr(0, pos);
      buf->erase(0, pos);
      return out;
    }
    if (std::chrono::steady_clock::now() > deadline) return "<timeout after: " + *buf + ">";
    std::string more = c.Read(1, 100);
    *buf += more;
  }
}

std::string Resp(const std::vector<std::vector<std::string>>& commands) {
  std::string out;
  for (const auto& cmd : commands) out += RespCommand(cmd);
  return out;
}

class PubSubTest : public BothServersTest<PubSubTest> {
 protected:
  // Sends `commands` in one write on a fresh connection to each server and expects the same
  // `frames` frames back, byte for byte, after the first `skip` (a HELLO reply, whose client
  // id differs).
  void ExpectSameFrames(const std::vector<std::vector<std::string>>& commands, std::size_t frames,
                        std::size_t skip = 0) {
    RawConnection s(strata()->port()), r(redis()->port());
    ASSERT_TRUE(s.ok() && r.ok());
    std::string sbuf, rbuf;
    s.Send(Resp(commands));
    r.Send(Resp(commands));
    ReadFrames(s, skip, &sbuf);
    ReadFrames(r, skip, &rbuf);
    EXPECT_EQ(ReadFrames(s, frames - skip, &sbuf), ReadFrames(r, frames - skip, &rbuf));
  }
};

TEST_F(PubSubTest, Resp2SubscribedModeRepliesAsRedis) {
  ExpectSameFrames({{"SUBSCRIBE", "a", "b"},
                    {"GET", "x"},
                    {"PING"},
                    {"PING", "hi"},
                    {"PSUBSCRIBE", "h*"},
                    {"UNSUBSCRIBE", "a"},
                    {"UNSUBSCRIBE", "zz"},
                    {"UNSUBSCRIBE", "b"},
                    {"PUNSUBSCRIBE"},
                    {"UNSUBSCRIBE"},
                    {"PUNSUBSCRIBE"},
                    {"SSUBSCRIBE", "s", "t"},
                    {"MULTI"},
                    {"PUBSUB", "NUMSUB", "a"},
                    {"SUNSUBSCRIBE", "t"},
                    {"SUNSUBSCRIBE", "s"},
                    {"SUNSUBSCRIBE"},
                    {"PING"},
                    {"GET", "x"}},
                   21);
}

TEST_F(PubSubTest, ArgumentErrorsAndPubSubCommandsAsRedis) {
  ExpectSameFrames({{"SUBSCRIBE"},
                    {"PSUBSCRIBE"},
                    {"SSUBSCRIBE"},
                    {"PUBLISH", "a"},
                    {"SPUBLISH", "a", "b", "c"},
                    {"PUBSUB"},
                    {"PUBSUB", "FOO"},
                    {"PUBSUB", "CHANNELS", "a", "b"},
                    {"PUBSUB", "SHARDCHANNELS", "a", "b"},
                    {"PUBSUB", "NUMPAT", "x"},
                    {"PUBSUB", "NUMSUB"},
                    {"PUBSUB", "NUMSUB", "nobody", "none"},
                    {"PUBSUB", "SHARDNUMSUB", "nobody"},
                    {"PUBSUB", "NUMPAT"},
                    {"PUBSUB", "CHANNELS"},
                    {"PUBSUB", "SHARDCHANNELS", "*"},
                    {"PUBLISH", "nobody", "hello"},
                    {"SPUBLISH", "nobody", "hello"}},
                   18);
}

TEST_F(PubSubTest, Resp3PushesAndCommandsWhileSubscribed) {
  // The publisher's own message comes before its PUBLISH reply, as in Redis.
  ExpectSameFrames({{"HELLO", "3"},
                    {"SUBSCRIBE", "a"},
                    {"PSUBSCRIBE", "*"},
                    {"SET", "k", "v"},
                    {"GET", "k"},
                    {"PING"},
                    {"PUBLISH", "a", "hello"},
                    {"SSUBSCRIBE", "s"},
                    {"SPUBLISH", "s", "shard"},
                    {"UNSUBSCRIBE", "zz"},
                    {"PUNSUBSCRIBE"},
                    {"UNSUBSCRIBE"},
                    {"SUNSUBSCRIBE"},
                    {"DEL", "k"}},
                   17, 1);
}

TEST_F(PubSubTest, MessagesReachSubscribersAsRedisSendsThem) {
  for (ServerProcess* server : {strata(), redis()}) {
    SCOPED_TRACE(server == strata() ? "strata" : "redis");
    RawConnection sub2(server->port()), sub3(server->port());
    std::string b2, b3;
    sub2.Send(Resp({{"SUBSCRIBE", "news"}, {"PSUBSCRIBE", "n*", "x"}}));
    sub3.Send(Resp({{"HELLO", "3"}, {"SUBSCRIBE", "news"}, {"SSUBSCRIBE", "news"}}));
    ReadFrames(sub2, 3, &b2);
    ReadFrames(sub3, 3, &b3);
    Client pub(server->port());
    // sub2 twice (channel and pattern), sub3 once; the shard subscription is another space.
    EXPECT_EQ(pub.Cmd({"PUBLISH", "news", std::string("a\0b", 3)}).integer, 3);
    EXPECT_EQ(pub.Cmd({"SPUBLISH", "news", "s"}).integer, 1);
    EXPECT_EQ(pub.Cmd({"PUBLISH", "nothing", "p"}).integer, 1);
    EXPECT_EQ(ReadFrames(sub2, 3, &b2),
              "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$3\r\na\0b\r\n"
              "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$3\r\na\0b\r\n"
              "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$7\r\nnothing\r\n$1\r\np\r\n"s);
    EXPECT_EQ(ReadFrames(sub3, 2, &b3),
              ">3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$3\r\na\0b\r\n"
              ">3\r\n$8\r\nsmessage\r\n$4\r\nnews\r\n$1\r\ns\r\n"s);
    Reply numsub = pub.Cmd({"PUBSUB", "NUMSUB", "news", "x"});
    EXPECT_EQ(numsub.ToString(), "[\"news\", (integer) 2, \"x\", (integer) 0]");
    EXPECT_EQ(pub.Cmd("PUBSUB NUMPAT").integer, 2);
    EXPECT_EQ(pub.Cmd({"PUBSUB", "SHARDNUMSUB", "news"}).ToString(),
              "[\"news\", (integer) 1]");
    Reply channels = pub.Cmd({"PUBSUB", "CHANNELS", "n*"});
    EXPECT_EQ(channels.ToString(), "[\"news\"]");
  }
}

// Every subscriber gets every message of every publisher, each publisher's in the order it
// published them, and PUBLISH counts exactly, with the clients spread over network threads.
TEST(PubSubThreadsTest, DeliveryAcrossThreadsKeepsEachPublishersOrder) {
  std::string error;
  auto server = ServerProcess::StartStrata(
      {"--threads", "4", "--set", "server.adaptive_threads=false"}, &error);
  ASSERT_NE(server, nullptr) << error;
  constexpr int kSubscribers = 8, kPublishers = 3, kMessages = 500;
  std::vector<std::unique_ptr<RawConnection>> subs;
  std::vector<std::string> bufs(kSubscribers);
  for (int i = 0; i < kSubscribers; ++i) {
    subs.push_back(std::make_unique<RawConnection>(server->port()));
    // Half by channel, half by pattern.
    subs.back()->Send(Resp({{i % 2 == 0 ? "SUBSCRIBE" : "PSUBSCRIBE", i % 2 == 0 ? "feed" : "fe?d"}}));
    ReadFrames(*subs.back(), 1, &bufs[i]);
  }
  std::vector<std::thread> publishers;
  std::vector<int> wrong_counts(kPublishers, 0);
  for (int p = 0; p < kPublishers; ++p) {
    publishers.emplace_back([&, p] {
      Client c(server->port());
      for (int m = 0; m < kMessages; ++m) {
        Reply r = c.Cmd({"PUBLISH", "feed", std::to_string(p) + ":" + std::to_string(m)});
        if (r.integer != kSubscribers) ++wrong_counts[p];
      }
    });
  }
  for (auto& t : publishers) t.join();
  for (int p = 0; p < kPublishers; ++p) EXPECT_EQ(wrong_counts[p], 0) << "publisher " << p;
  for (int i = 0; i < kSubscribers; ++i) {
    std::string frames = ReadFrames(*subs[i], kPublishers * kMessages, &bufs[i]);
    std::vector<int> next(kPublishers, 0);
    std::size_t pos = 0;
    int got = 0;
    while (pos < frames.size()) {
      std::size_t end = FrameEnd(frames, pos);
      ASSERT_NE(end, std::string::npos);
      std::string frame = frames.substr(pos, end - pos);
      pos = end;
      // The payload is the last bulk: "<publisher>:<sequence>".
      std::size_t body = frame.rfind("$");
      std::string payload = frame.substr(frame.find("\r\n", body) + 2);
      payload.resize(payload.size() - 2);
      int p = std::stoi(payload.substr(0, payload.find(':')));
      int m = std::stoi(payload.substr(payload.find(':') + 1));
      ASSERT_EQ(m, next[p]) << "subscriber " << i << " publisher " << p;
      ++next[p];
      ++got;
    }
    EXPECT_EQ(got, kPublishers * kMessages) << "subscriber " << i;
  }
}

TEST(PubSubClientsTest, ClientListInfoAndKillByType) {
  std::string error;
  auto server = ServerProcess::StartStrata({}, &error);
  ASSERT_NE(server, nullptr) << error;
  RawConnection sub(server->port());
  std::string buf;
  sub.Send(Resp({{"CLIENT", "SETNAME", "listener"},
                 {"SUBSCRIBE", "a", "b"},
                 {"PSUBSCRIBE", "p*"},
                 {"SSUBSCRIBE", "s"}}));
  ReadFrames(sub, 5, &buf);
  Client c(server->port());
  std::string list = c.Cmd({"CLIENT", "LIST", "TYPE", "pubsub"}).str;
  EXPECT_NE(list.find("name=listener"), std::string::npos) << list;
  EXPECT_NE(list.find("flags=P db=0 sub=2 psub=1 ssub=1 "), std::string::npos) << list;
  EXPECT_EQ(c.Cmd({"CLIENT", "LIST", "TYPE", "normal"}).str.find("listener"), std::string::npos);
  std::string info = c.Cmd("INFO stats").str;
  EXPECT_NE(info.find("pubsub_channels:2\r\n"), std::string::npos) << info;
  EXPECT_NE(info.find("pubsub_patterns:1\r\n"), std::string::npos) << info;
  EXPECT_NE(info.find("pubsubshard_channels:1\r\n"), std::string::npos) << info;
  EXPECT_EQ(c.Cmd({"CLIENT", "KILL", "TYPE", "pubsub"}).integer, 1);
  // Gone as soon as the kill is answered, as in Redis: from the list and from every channel.
  EXPECT_EQ(c.Cmd("CLIENT LIST").str.find("listener"), std::string::npos);
  EXPECT_EQ(c.Cmd({"PUBLISH", "a", "x"}).integer, 0);
  EXPECT_EQ(c.Cmd("PUBSUB NUMPAT").integer, 0);
  EXPECT_EQ(c.Cmd("PUBSUB SHARDCHANNELS").elements.size(), 0u);
  EXPECT_TRUE(sub.WaitClosed());
  // RESET leaves subscribed mode.
  RawConnection again(server->port());
  again.Send(Resp({{"SUBSCRIBE", "a"}, {"RESET"}, {"GET", "x"}}));
  EXPECT_EQ(ReadFrames(again, 3, &buf),
            "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n+RESET\r\n$-1\r\n");
  EXPECT_EQ(c.Cmd({"PUBLISH", "a", "x"}).integer, 0);
}

// (A normal-class limit is left alone: Redis would then close the test's own connection.)
TEST_F(PubSubTest, OutputBufferLimitConfigAsRedis) {
  Client s(strata()->port()), r(redis()->port());
  for (const char* v : {"pubsub 1 2", "foo 1 2 3", "pubsub x 2 3", "pubsub 1mb 2 -3",
                               "pubsub 64mb 16mb 90", "replica 1mb 2mb 3 normal 0 0 0",
                               "pubsub 32mb 8mb 60 slave 268435456 67108864 60"}) {
    ExpectSameReply(&s, &r, {"CONFIG", "SET", "client-output-buffer-limit", v});
    ExpectSameReply(&s, &r, {"CONFIG", "GET", "client-output-buffer-limit"});
  }
}

// The server under test is built like this test. Under AddressSanitizer freed memory waits in
// its quarantine (256 MB by default) instead of going back to the system, which RSS sees.
#if defined(__SANITIZE_ADDRESS__)
constexpr std::int64_t kAllocatorQuarantine = 256ll << 20;
#else
constexpr std::int64_t kAllocatorQuarantine = 0;
#endif

// A subscriber that never reads is disconnected at the pubsub hard limit (32 MB by
// default), so publishing 1 GB to it leaves the server's memory bounded.
TEST(PubSubLimitsTest, SubscriberThatNeverReadsIsDisconnected) {
  std::string error;
  auto server = ServerProcess::StartStrata({}, &error);
  ASSERT_NE(server, nullptr) << error;
  RawConnection sub(server->port());
  std::string buf;
  sub.Send(Resp({{"SUBSCRIBE", "firehose"}}));
  ReadFrames(sub, 1, &buf);
  Client pub(server->port());
  std::int64_t rss_before = server->RssBytes();
  std::int64_t rss_peak = rss_before;
  const std::string payload(1 << 20, 'x');
  int sent = 0, last_receivers = 1;
  for (; sent < 1024 && last_receivers > 0; ++sent) {
    last_receivers = static_cast<int>(pub.Cmd({"PUBLISH", "firehose", payload}).integer);
    rss_peak = std::max(rss_peak, server->RssBytes());
  }
  EXPECT_EQ(last_receivers, 0) << "still subscribed after " << sent << " MB";
  std::cout << "[          ] subscriber dropped after " << sent << " MB published\n";
  EXPECT_LT(sent, 1024);
  // Keep publishing the rest of the gigabyte: nobody is left to hold it.
  for (; sent < 1024; ++sent) pub.Cmd({"PUBLISH", "firehose", payload});
  rss_peak = std::max(rss_peak, server->RssBytes());
  EXPECT_LT(rss_peak - rss_before, (100ll << 20) + kAllocatorQuarantine)
      << "RSS grew from " << rss_before;
  std::cout << "[          ] 1 GB published; RSS " << (rss_before >> 20) << " MB before, peak "
            << (rss_peak >> 20) << " MB\n";
  EXPECT_TRUE(sub.WaitClosed(10000));
  EXPECT_NE(server->Log().find("output buffer limit"), std::string::npos);
  EXPECT_EQ(pub.Cmd("PING").str, "PONG");
}

}  // namespace
}  // namespace strata::test
