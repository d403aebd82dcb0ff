// Memory and size limits of the real server: huge announced lengths and endless lines are
// rejected without the server's memory following them, proto_max_bulk_len and
// client_query_buffer_limit behave like Redis's proto-max-bulk-len and
// client-query-buffer-limit. The memory assertions are bounds on growth, not timings.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace strata::test {
namespace {

using Args = std::vector<std::string>;
constexpr std::int64_t kMB = 1 << 20;
constexpr std::int64_t kMaxGrowth = 100 * kMB;

// Virtual size of a process (VmSize), which shows an allocation even before its pages are
// touched; RSS alone would miss a huge buffer the server reserved but has not filled yet.
std::int64_t VirtualBytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (in >> key) {
    if (key == "VmSize:") {
      std::int64_t kb = 0;
      in >> kb;
      return kb * 1024;
    }
    std::string rest;
    std::getline(in, rest);
  }
  return -1;
}

// A client that keeps sending while watching for the server's reply or close, so it can
// stop as soon as the server gives up on it (RawConnection::Send blocks until all is sent).
class Streamer {
 public:
  explicit Streamer(int port) : fd_(ConnectLoopback(port)) {}
  ~Streamer() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }

  struct Result {
    std::string reply;
    bool closed = false;        // the server closed (FIN or reset)
    std::int64_t sent = 0;      // bytes the server accepted from us
    std::int64_t peak_rss = 0;  // the server's largest RSS seen while sending
    std::int64_t peak_vm = 0;   // and its largest virtual size
  };

  // Sends `head`, then `filler` repeatedly until `total` bytes went out or the server
  // replied or closed. Samples the server's memory along the way. If `pause_ms` > 0, waits
  // that long between fillers (a slow client).
  Result Stream(const std::string& head, const std::string& filler, std::int64_t total,
                const ServerProcess& server, int pause_ms = 0) {
    Result r;
    std::string pending = head;
    std::int64_t since_sample = 0;
    auto sample = [&] {
      r.peak_rss = std::max(r.peak_rss, server.RssBytes());
      r.peak_vm = std::max(r.peak_vm, VirtualBytes(server.pid()));
    };
    sample();
    while (!r.closed) {
      if (pending.empty()) {
        if (r.sent >= total) break;
        if (pause_ms > 0) {
          std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
        }
        pending = filler;
      }
      pollfd p{fd_, POLLIN | POLLOUT, 0};
      if (::poll(&p, 1, 5000) <= 0) break;  // stuck: the caller's assertions will say so
      if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
        if (!ReadSome(&r)) break;
        if (!r.reply.empty()) break;  // the server answered; it is about to close
        continue;
      }
      ssize_t n = ::send(fd_, pending.data(), pending.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        r.closed = true;  // EPIPE / ECONNRESET
        break;
      }
      pending.erase(0, static_cast<std::size_t>(n));
      r.sent += n;
      since_sample += n;
      if (since_sample >= 8 * kMB) {
        since_sample = 0;
        sample();
      }
    }
    sample();
    // Collect the rest of the reply and the close.
    while (!r.closed) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 2000) <= 0) break;
      if (!ReadSome(&r)) break;
    }
    sample();
    return r;
  }

 private:
  // Reads what is available; false when the connection ended.
  bool ReadSome(Result* r) {
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
    if (n > 0) {
      r->reply.append(buf, static_cast<std::size_t>(n));
      return true;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    r->closed = true;
    return false;
  }

  int fd_ = -1;
};

class LimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    server_ = ServerProcess::StartStrata({}, &err);
    ASSERT_NE(server_, nullptr) << err;
    // Warm up so the baseline includes the server's normal working set.
    Client c(server_->port());
    ASSERT_EQ(c.Cmd("PING").str, "PONG");
    base_rss_ = server_->RssBytes();
    base_vm_ = VirtualBytes(server_->pid());
    ASSERT_GT(base_rss_, 0);
    ASSERT_GT(base_vm_, 0);
  }

  // Streams and checks: the expected protocol error, a closed connection, bounded memory.
  void ExpectRejectedWithBoundedMemory(const std::string& head, const std::string& filler,
                                       std::int64_t total, const std::string& error) {
    Streamer s(server_->port());
    ASSERT_TRUE(s.ok());
    Streamer::Result r = s.Stream(head, filler, total, *server_);
    EXPECT_EQ(r.reply, "-ERR Protocol error: " + error + "\r\n");
    EXPECT_TRUE(r.closed);
    EXPECT_LT(r.sent, total) << "the server never gave up on the request";
    std::int64_t rss_growth = r.peak_rss - base_rss_;
    std::int64_t vm_growth = r.peak_vm - base_vm_;
    std::printf(
        "[ memory   ] %s: sent %lld bytes; RSS %lld -> peak %lld (+%lld KB), "
        "VmSize +%lld KB\n",
        error.c_str(), static_cast<long long>(r.sent), static_cast<long long>(base_rss_),
        static_cast<long long>(r.peak_rss), static_cast<long long>(rss_growth / 1024),
        static_cast<long long>(vm_growth / 1024));
    EXPECT_LT(rss_growth, kMaxGrowth);
    EXPECT_TRUE(server_->Alive());
    Client c(server_->port());
    EXPECT_EQ(c.Cmd("PING").str, "PONG");
  }

  std::unique_ptr<ServerProcess> server_;
  std::int64_t base_rss_ = 0;
  std::int64_t base_vm_ = 0;
};

TEST_F(LimitsTest, HugeBulkHeaderRejected) {
  ExpectRejectedWithBoundedMemory("*1\r\n$2147483648\r\n", std::string(kMB, 'x'), 2048 * kMB,
                                  "invalid bulk length");
}

TEST_F(LimitsTest, TooManyArgumentsRejected) {
  ExpectRejectedWithBoundedMemory("*1048577\r\n", std::string(kMB, 'x'), 2048 * kMB,
                                  "invalid multibulk length");
}

TEST_F(LimitsTest, TwoGigabyteInlineLineRejected) {
  // 2 GB without a newline, in 1 MB chunks; the server must stop at the 64 KiB line limit.
  ExpectRejectedWithBoundedMemory("", std::string(kMB, 'A'), 2048 * kMB, "too big inline request");
}

TEST_F(LimitsTest, EndlessCountLinesRejected) {
  ExpectRejectedWithBoundedMemory("*", std::string(kMB, '1'), 2048 * kMB,
                                  "too big mbulk count string");
  ExpectRejectedWithBoundedMemory("*1\r\n$", std::string(kMB, '1'), 2048 * kMB,
                                  "too big bulk count string");
}

TEST_F(LimitsTest, AnnouncedBulkIsNotAllocatedUpFront) {
  // 512 MB announced (the largest legal bulk), then 8 MB trickled in slowly. The server may
  // hold what arrived, but must not reserve the announced size before the data is there.
  Streamer s(server_->port());
  ASSERT_TRUE(s.ok());
  constexpr std::int64_t kTrickle = 8 * kMB;
  Streamer::Result r = s.Stream("*1\r\n$536870912\r\n", std::string(256 * 1024, 'y'), kTrickle,
                                *server_, /*pause_ms=*/20);
  EXPECT_EQ(r.reply, "");
  EXPECT_FALSE(r.closed);
  EXPECT_GE(r.sent, kTrickle);
  std::int64_t rss_growth = r.peak_rss - base_rss_;
  std::int64_t vm_growth = r.peak_vm - base_vm_;
  std::printf(
      "[ memory   ] 512 MB bulk announced, %lld bytes sent: RSS +%lld KB, "
      "VmSize +%lld KB\n",
      static_cast<long long>(r.sent), static_cast<long long>(rss_growth / 1024),
      static_cast<long long>(vm_growth / 1024));
  EXPECT_LT(rss_growth, kMaxGrowth);
  // Virtual size catches a reservation whose pages were never touched.
  EXPECT_LT(vm_growth, kMaxGrowth);
}

TEST(LimitsConfigTest, ProtoMaxBulkLen) {
  std::string err;
  auto server = ServerProcess::StartStrata({"--set", "limits.proto_max_bulk_len=1MB"}, &err);
  ASSERT_NE(server, nullptr) << err;

  RawConnection conn(server->port());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE(conn.Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2097152\r\n"));
  bool closed = false;
  EXPECT_EQ(conn.ReadFor(1000, &closed), "-ERR Protocol error: invalid bulk length\r\n");
  EXPECT_TRUE(closed);

  // Exactly 1 MB is still allowed.
  Client c(server->port());
  ASSERT_TRUE(c.connected());
  EXPECT_EQ(c.Cmd(Args{"SET", "k", std::string(kMB, 'v')}).str, "OK");
  EXPECT_EQ(c.Cmd(Args{"STRLEN", "k"}).integer, kMB);

  // Redis with the same setting answers the same.
  auto redis = ServerProcess::StartRedis({"--proto-max-bulk-len", "1mb"}, &err);
  ASSERT_NE(redis, nullptr) << err;
  RawConnection rconn(redis->port());
  ASSERT_TRUE(rconn.Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2097152\r\n"));
  EXPECT_EQ(rconn.ReadFor(1000, &closed), "-ERR Protocol error: invalid bulk length\r\n");
  EXPECT_TRUE(closed);
}

// What a client gets when its pending query passes client_query_buffer_limit: Redis closes
// it without a reply.
struct QueryLimitOutcome {
  std::string reply;
  bool closed = false;
};

QueryLimitOutcome SendOversizedValue(int port) {
  std::string value(2 * kMB, 'q');
  std::string request = RespCommand({"SET", "bq", value});
  QueryLimitOutcome out;
  RawConnection conn(port);
  EXPECT_TRUE(conn.ok());
  conn.Send(request);  // fails half-way when the server closes first; that is expected
  out.reply = conn.ReadFor(1000, &out.closed);
  return out;
}

TEST(LimitsConfigTest, ClientQueryBufferLimit) {
  std::string err;
  auto server = ServerProcess::StartStrata({"--set", "limits.client_query_buffer_limit=1MB"}, &err);
  ASSERT_NE(server, nullptr) << err;
  auto redis = ServerProcess::StartRedis({"--client-query-buffer-limit", "1mb"}, &err);
  ASSERT_NE(redis, nullptr) << err;

  for (ServerProcess* s : {server.get(), redis.get()}) {
    SCOPED_TRACE(s == server.get() ? "strata" : "redis");
    // A 2 MB value: the pending query passes 1 MB, the client is closed with no reply.
    QueryLimitOutcome o = SendOversizedValue(s->port());
    EXPECT_EQ(o.reply, "");
    EXPECT_TRUE(o.closed);

    // 2 MB in total, pipelined in one write, but never more than 200 KB pending: fine.
    RawConnection conn(s->port());
    ASSERT_TRUE(conn.ok());
    std::string request;
    std::string value(200 * 1024, 'p');
    for (int i = 0; i < 10; ++i) {
      request += RespCommand({"SET", std::string("p").append(std::to_string(i)), value});
    }
    ASSERT_TRUE(conn.Send(request));
    std::string expected;
    for (int i = 0; i < 10; ++i) expected += "+OK\r\n";
    EXPECT_EQ(conn.Read(expected.size(), 5000), expected);

    Client c(s->port());
    EXPECT_EQ(c.Cmd("PING").str, "PONG");
    EXPECT_TRUE(c.Cmd(Args{"GET", "bq"}).is_nil());  // the oversized SET never ran
  }
}

}  // namespace
}  // namespace strata::test
