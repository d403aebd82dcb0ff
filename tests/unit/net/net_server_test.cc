// Connections moving between network threads when threads are parked and brought back
// (NetServer::SetActiveThreads): a client keeps its connection, its half-received command,
// and the calls other threads make on it (ResumePending, RequestClose).
#include "net/net_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "net/worker.h"

namespace strata::net {
namespace {

// WHO answers the worker that ran it; PEND goes pending and is resumed from another thread;
// MARK hands the connection to the test (TestSession::marked), which closes it.
class TestSession : public Session {
 public:
  explicit TestSession(ConnectionControl* conn) : conn_(conn) {}
  SessionAction OnCommand(std::span<const std::string_view> args, ReplyBuilder& reply) override {
    if (args[0] == "WHO") {
      reply.Bulk(std::to_string(reinterpret_cast<std::uintptr_t>(Worker::Current())));
    } else if (args[0] == "PEND") {
      if (!resumed_) {
        resumed_ = true;
        std::thread([c = conn_] {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          c->ResumePending();
        }).detach();
        return {SessionAction::kPending, 0};
      }
      resumed_ = false;
      reply.SimpleString("RESUMED");
    } else if (args[0] == "N" && args.size() == 2) {
      reply.Bulk(args[1]);
    } else if (args[0] == "MARK") {
      marked.store(conn_);
      reply.SimpleString("OK");
    } else {
      reply.Error("ERR unknown");
    }
    return {};
  }
  void OnClose() override {}
  bool OnBlockTimeout(ReplyBuilder&) override { return true; }
  bool authenticated() const override { return true; }

  static inline std::atomic<ConnectionControl*> marked{nullptr};

 private:
  ConnectionControl* conn_;
  bool resumed_ = false;
};

class TestFactory : public SessionFactory {
 public:
  std::unique_ptr<Session> NewSession(ConnectionControl* conn) override {
    return std::make_unique<TestSession>(conn);
  }
};

class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  void Send(const std::string& bytes) {
    ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
  }
  // One reply line (simple string, error, or a bulk's header plus its payload); "" at EOF.
  std::string ReadReply() {
    std::string line = ReadLine();
    if (line.empty() || line[0] != '$') return line;
    return ReadLine();
  }
  // Several commands in one write, each "N <i>".
  void SendNumbers(int from, int count) {
    std::string out;
    for (int i = from; i < from + count; ++i) {
      std::string n = std::to_string(i);
      out += "*2\r\n$1\r\nN\r\n$" + std::to_string(n.size()) + "\r\n" + n + "\r\n";
    }
    Send(out);
  }
  std::string Call(const std::string& cmd) {
    Send("*1\r\n$" + std::to_string(cmd.size()) + "\r\n" + cmd + "\r\n");
    return ReadReply();
  }

 private:
  std::string ReadLine() {
    std::string line;
    char c;
    while (::recv(fd_, &c, 1, 0) == 1) {
      if (c == '\n') return line;
      if (c != '\r') line += c;
    }
    return line;
  }
  int fd_ = -1;
  bool connected_ = false;
};

class NetServerMoveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.proto_max_bulk_len = &bulk_len_;
    env_.client_query_buffer_limit = &qbuf_;
    env_.maxclients = &maxclients_;
    env_.timeout = &timeout_;
    env_.pubsub_hard_limit = &pubsub_hard_;
    env_.pubsub_soft_limit = &pubsub_soft_;
    env_.pubsub_soft_seconds = &pubsub_soft_seconds_;
    env_.net_input_bytes = &in_;
    env_.net_output_bytes = &out_;
    env_.total_connections_received = &received_;
    env_.rejected_connections = &rejected_;
    env_.client_count = [] { return std::size_t{0}; };
    env_.every_second = [] {};
    NetOptions options;
    options.port = 0;
    options.threads = 2;
    options.cores = 2;
    server_ = std::make_unique<NetServer>(options, env_, &factory_);
    ASSERT_TRUE(server_->Listen().ok());
    thread_ = std::thread([this] { server_->Run(); });
  }
  void TearDown() override {
    server_->Stop();
    thread_.join();
  }
  // Sends WHO on every client until `done` holds for the set of workers answering (each
  // round lets connections between requests move), at most 200 rounds.
  template <class Pred>
  std::set<std::string> WhoUntil(std::vector<std::unique_ptr<Client>>& clients, Pred done) {
    std::set<std::string> who;
    for (int round = 0; round < 200; ++round) {
      who.clear();
      for (auto& c : clients) who.insert(c->Call("WHO"));
      if (done(who)) break;
    }
    return who;
  }

  std::atomic<std::int64_t> bulk_len_{512 << 20}, qbuf_{1 << 30};
  std::atomic<std::int64_t> pubsub_hard_{32 << 20}, pubsub_soft_{8 << 20}, pubsub_soft_seconds_{60};
  std::atomic<int> maxclients_{1000}, timeout_{0};
  StripedCounter in_, out_;
  std::atomic<std::uint64_t> received_{0}, rejected_{0};
  NetEnv env_;
  TestFactory factory_;
  std::unique_ptr<NetServer> server_;
  std::thread thread_;
};

TEST_F(NetServerMoveTest, ConnectionsMoveOffAParkedThreadAndBack) {
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 6; ++i) {
    clients.push_back(std::make_unique<Client>(server_->port()));
    ASSERT_TRUE(clients.back()->connected());
  }
  auto two = [](const std::set<std::string>& w) { return w.size() == 2; };
  auto one = [](const std::set<std::string>& w) { return w.size() == 1; };
  ASSERT_EQ(WhoUntil(clients, two).size(), 2u) << "round-robin over both threads";

  // Half a command waits in one connection's buffer while it moves.
  clients[1]->Send("*1\r\n$3\r\nWH");
  server_->SetActiveThreads(1);
  std::vector<std::unique_ptr<Client>> others;
  for (std::size_t i = 0; i < clients.size(); ++i) {
    if (i != 1) others.push_back(std::move(clients[i]));
  }
  std::set<std::string> parked = WhoUntil(others, one);
  ASSERT_EQ(parked.size(), 1u) << "every connection ends up on the one active thread";
  EXPECT_GT(server_->moved_connections(), 0u);
  EXPECT_EQ(server_->active_threads(), 1);
  clients[1]->Send("O\r\n");
  std::string split = clients[1]->ReadReply();
  ASSERT_FALSE(split.empty()) << "the command split across the move is answered";
  EXPECT_NE(split[0], '-');
  EXPECT_EQ(clients[1]->Call("WHO"), *parked.begin());

  // New connections go to the active thread only.
  Client fresh(server_->port());
  EXPECT_EQ(fresh.Call("WHO"), *parked.begin());

  // Calls from other threads follow the connection.
  EXPECT_EQ(others[0]->Call("PEND"), "+RESUMED");
  EXPECT_EQ(others[1]->Call("MARK"), "+OK");
  TestSession::marked.load()->RequestClose();  // from the test's thread
  EXPECT_EQ(others[1]->ReadReply(), "") << "closed from another thread";
  others.erase(others.begin() + 1);

  // Brought back, the thread gets a share of the connections.
  server_->SetActiveThreads(2);
  std::set<std::string> back = WhoUntil(others, two);
  EXPECT_EQ(back.size(), 2u);
  EXPECT_EQ(others[0]->Call("PEND"), "+RESUMED");
}

// Pipelined clients keep getting every reply, in order, while threads are parked and
// brought back over and over.
TEST_F(NetServerMoveTest, PipelinesSurviveMovesBackAndForth) {
  constexpr int kClients = 8, kBatches = 300, kDepth = 16;
  std::atomic<int> done{0};
  std::atomic<int> mismatches{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      Client client(server_->port());
      for (int b = 0; b < kBatches && client.connected(); ++b) {
        client.SendNumbers(b * kDepth, kDepth);
        for (int i = 0; i < kDepth; ++i) {
          if (client.ReadReply() != std::to_string(b * kDepth + i)) mismatches.fetch_add(1);
        }
      }
      done.fetch_add(1);
    });
  }
  int flips = 0;
  while (done.load() < kClients) {
    server_->SetActiveThreads(flips % 2 == 0 ? 1 : 2);
    ++flips;
    std::this_thread::yield();
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_GT(flips, 1);
  EXPECT_GT(server_->moved_connections(), 0u) << "the clients did move";
}

}  // namespace
}  // namespace strata::net
