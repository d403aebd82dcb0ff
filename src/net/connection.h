// One client connection: reads requests, parses them incrementally, hands each to its
// Session and writes the replies of everything one read produced in one write. It lives on
// one worker at a time; between requests it may move to another (MoveTo) when the worker is
// shedding connections (thread_balancer.h).
#pragma once

#include <asio.hpp>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "net/net_env.h"
#include "net/session.h"
#include "protocol/resp_parser.h"

namespace strata::net {

class Worker;

class Connection final : public ConnectionControl, public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::ip::tcp::socket socket, Worker* worker, const NetEnv* env);
  ~Connection() override;

  void Start(std::unique_ptr<Session> session);
  // Writes pending replies, then reads again (called by the worker after a read turn).
  void FlushAndRead() {
    flush_scheduled_ = false;
    Flush();
    DoRead();
  }
  // Closes the socket now (connection thread only).
  void Close();
  std::int64_t last_activity_ms() const { return last_activity_ms_; }
  // In a blocking command: exempt from the idle timeout, as in Redis.
  bool blocked() const { return blocked_; }
  Session* session() { return session_.get(); }

  // ConnectionControl
  void CloseAfterReply() override { close_after_reply_ = true; }
  void RequestClose() override;
  void SetAuthenticated(bool authenticated) override { parser_.set_authenticated(authenticated); }
  std::string PeerAddress() const override { return peer_; }
  std::string LocalAddress() const override { return local_; }
  int Fd() const override { return fd_; }
  std::size_t QueryBufferBytes() const override { return in_end_ - in_begin_; }
  std::size_t OutputBufferBytes() const override { return out_.size(); }
  void Resume(std::string reply) override;
  void ResumePending() override;
  void Push(std::string_view frame) override;
  void LendThread() override;
  void ReclaimThread() override;
  void SetPubSubClass(bool on) override {
    pubsub_class_.store(on, std::memory_order_relaxed);
    soft_since_ms_ = 0;
  }

 private:
  // Moves pushed frames into the output and writes them (connection thread).
  void DrainPushed();
  // Whether the pending output breaks the pubsub class's limits (if it is in that class).
  bool OverOutputLimits();
  void DoRead();
  // Moves to `to` (between requests: no read, write or timer outstanding); the next read
  // is issued by `to`'s thread.
  void MoveTo(Worker* to);
  Worker* worker() const { return worker_.load(std::memory_order_relaxed); }
  // Runs `fn` on the thread of the worker that owns the connection when `fn` runs, following
  // a move (for calls from other threads).
  void PostToOwner(std::function<void()> fn);
  void OnRead(const asio::error_code& ec, std::size_t n);
  // Parses and executes every complete command in the input buffer.
  void ProcessInput();
  void Flush();
  void OnWritten(const asio::error_code& ec, std::size_t n);
  // Makes room for more input; false if the query buffer limit would be exceeded.
  bool ReserveInput();
  // The close after a last reply (a protocol error, QUIT): the peer may still be sending,
  // and closing with its input unread makes the kernel answer with a reset, which can
  // destroy the reply before the peer reads it. So only the write side is shut (the reply,
  // then FIN), and input is read and dropped until the peer closes, for at most kLingerMs.
  void LingerThenClose();
  void DrainWhileLingering();
  static constexpr int kLingerMs = 1000;
  bool lingering_ = false;

  asio::ip::tcp::socket socket_;
  std::atomic<Worker*> worker_;
  const NetEnv* env_;
  std::unique_ptr<Session> session_;
  RespParser parser_;

  std::unique_ptr<char[]> in_;
  std::size_t in_cap_ = 0;
  std::size_t in_begin_ = 0;  // first unconsumed byte
  std::size_t in_end_ = 0;    // end of valid data

  std::string out_;      // replies being built
  std::string writing_;  // replies being written
  ReplyBuilder reply_;

  bool reading_ = false;
  bool writing_active_ = false;
  bool close_after_reply_ = false;
  bool closed_ = false;
  bool paused_ = false;  // waiting on a retry timer
  bool pending_ = false;  // waiting for the engine to load a command's keys
  bool blocked_ = false;  // in a blocking command (input is still read, not processed)
  void ArmBlockTimer(std::int64_t ms);
  void EndBlock();
  bool flush_scheduled_ = false;  // queued in the worker's end-of-turn flush
  asio::steady_timer retry_timer_;
  std::int64_t last_activity_ms_ = 0;
  std::uint32_t seen_tick_ = 0;  // the worker's balancer tick of this client's last request
  // Pub/sub frames from other threads (Push), until DrainPushed runs on ours.
  std::mutex push_mu_;
  std::string pushed_;           // GUARDED_BY(push_mu_)
  bool push_posted_ = false;     // GUARDED_BY(push_mu_): a DrainPushed is on its way
  bool push_overflow_ = false;   // GUARDED_BY(push_mu_): pushed_ passed the hard limit
  std::atomic<bool> pubsub_class_{false};  // read by Push on other threads
  std::int64_t soft_since_ms_ = 0;  // when the output went above the soft limit, or 0
  Worker* lent_to_ = nullptr;  // LendThread: the worker whose loop a helper runs
  std::string peer_, local_;
  int fd_ = -1;
};

}  // namespace strata::net
