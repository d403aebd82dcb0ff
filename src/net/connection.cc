#include "net/connection.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include <unistd.h>

#include "net/worker.h"
#include "util/clock.h"
#include "util/log.h"

namespace strata::net {
namespace {

constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::size_t kKeepInputCap = 1 << 20;

std::string Endpoint(const asio::ip::tcp::endpoint& ep) {
  std::string addr = ep.address().to_string();
  if (ep.address().is_v6()) addr = "[" + addr + "]";
  return addr + ":" + std::to_string(ep.port());
}

ParserLimits LimitsFrom(const NetEnv* env) {
  ParserLimits limits;
  limits.max_bulk_len = env->proto_max_bulk_len->load();
  return limits;
}

}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, Worker* worker, const NetEnv* env)
    : socket_(std::move(socket)),
      worker_(worker),
      env_(env),
      parser_(LimitsFrom(env)),
      reply_(&out_),
      retry_timer_(socket_.get_executor()) {
  asio::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  auto remote = socket_.remote_endpoint(ec);
  if (!ec) peer_ = Endpoint(remote);
  auto local = socket_.local_endpoint(ec);
  if (!ec) local_ = Endpoint(local);
  fd_ = socket_.native_handle();
  last_activity_ms_ = UnixTimeMs();
}

Connection::~Connection() = default;

void Connection::Start(std::unique_ptr<Session> session) {
  session_ = std::move(session);
  // Flush's direct write_some must report would_block rather than block the thread.
  asio::error_code ec;
  socket_.non_blocking(true, ec);
  parser_.set_authenticated(session_->authenticated());
  DoRead();
}

void Connection::PostToOwner(std::function<void()> fn) {
  Worker* owner = worker_.load(std::memory_order_acquire);
  asio::post(owner->context(), [self = shared_from_this(), fn = std::move(fn)]() mutable {
    if (self->worker_.load(std::memory_order_acquire) != Worker::Current()) {
      self->PostToOwner(std::move(fn));  // it moved meanwhile
      return;
    }
    fn();
  });
}

void Connection::LendThread() {
  lent_to_ = worker();
  lent_to_->LendLoop();
}

void Connection::ReclaimThread() {
  if (lent_to_ != nullptr) std::exchange(lent_to_, nullptr)->ReclaimLoop();
}

void Connection::RequestClose() {
  PostToOwner([this] { Close(); });
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  // The session lets go first (client registry, subscriptions), so a peer that sees the
  // connection end finds it gone from CLIENT LIST and from PUBSUB NUMSUB.
  if (session_ && !lingering_) session_->OnClose();
  asio::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  retry_timer_.cancel();
  worker()->Remove(this);  // may drop the last owning reference after handlers finish
}

void Connection::LingerThenClose() {
  if (closed_ || lingering_) return;
  if (session_) session_->OnClose();  // gone from CLIENT LIST at once, as on any close
  lingering_ = true;
  asio::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (ec) {
    Close();
    return;
  }
  retry_timer_.cancel();
  retry_timer_.expires_after(std::chrono::milliseconds(kLingerMs));
  retry_timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
    if (!ec) self->Close();
  });
  DrainWhileLingering();
}

void Connection::DrainWhileLingering() {
  if (closed_) return;
  in_begin_ = in_end_ = 0;  // what is left unparsed is dropped with the rest
  if (in_cap_ == 0) {
    in_.reset(new char[kReadChunk]);
    in_cap_ = kReadChunk;
  }
  socket_.async_read_some(asio::buffer(in_.get(), in_cap_),
                          [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
                            if (self->closed_) return;
                            if (ec) {
                              self->Close();  // the peer closed (or the socket failed)
                              return;
                            }
                            self->DrainWhileLingering();
                          });
}

bool Connection::ReserveInput() {
  std::size_t used = in_end_ - in_begin_;
  // Redis closes (without a reply) a client whose pending query passes
  // client-query-buffer-limit.
  auto limit = static_cast<std::size_t>(env_->client_query_buffer_limit->load());
  if (used > limit) return false;
  // Compact: the parser's offsets are relative to in_begin_, so moving is safe.
  if (in_begin_ > 0 && (in_end_ + kReadChunk > in_cap_ || in_begin_ >= in_cap_ / 2)) {
    std::memmove(in_.get(), in_.get() + in_begin_, used);
    in_begin_ = 0;
    in_end_ = used;
  }
  if (in_end_ + kReadChunk <= in_cap_) return true;
  // Grow geometrically with what actually arrived, never straight to the size a bulk header
  // announces: `$536870912` followed by a trickle must not cost 512 MB up-front. Doubling
  // keeps the copying linear; the announced size only caps the step, so a big value does
  // not leave a buffer twice its size behind.
  const std::size_t need = used + kReadChunk;
  std::size_t cap = std::max(need, in_cap_ * 2);
  std::size_t wanted = parser_.bytes_wanted();
  if (wanted > 0) cap = std::min(cap, std::max(need, wanted));
  // One read past the limit is enough to notice that it was exceeded.
  cap = std::min(cap, std::max(need, limit + kReadChunk));
  std::unique_ptr<char[]> bigger(new char[cap]);
  if (used > 0) std::memcpy(bigger.get(), in_.get() + in_begin_, used);
  in_ = std::move(bigger);
  in_cap_ = cap;
  in_end_ = used;
  in_begin_ = 0;
  return true;
}

void Connection::DoRead() {
  if (closed_ || reading_ || paused_ || pending_ || writing_active_ || close_after_reply_ ||
      flush_scheduled_) {
    return;
  }
  // Here nothing is outstanding (no read, write or timer), so the connection can move. A
  // blocked client keeps its timer and stays.
  if (!blocked_) {
    if (Worker* to = worker()->TakeShedTarget()) {
      MoveTo(to);
      return;
    }
  }
  if (!ReserveInput()) {
    // Redis closes a client whose query buffer passes client-query-buffer-limit.
    Close();
    return;
  }
  reading_ = true;
  socket_.async_read_some(
      asio::buffer(in_.get() + in_end_, in_cap_ - in_end_),
      [self = shared_from_this()](const asio::error_code& ec, std::size_t n) {
        self->OnRead(ec, n);
      });
}

void Connection::MoveTo(Worker* to) {
  Worker* from = worker();
  asio::error_code ec;
  auto protocol = socket_.local_endpoint(ec).protocol();
  int fd = ec ? -1 : socket_.release(ec);
  asio::ip::tcp::socket moved(to->context());
  if (!ec) moved.assign(protocol, fd, ec);
  if (ec) {
    if (fd >= 0 && !moved.is_open()) ::close(fd);
    Close();
    return;
  }
  socket_ = std::move(moved);
  retry_timer_ = asio::steady_timer(to->context());
  std::shared_ptr<Connection> self = from->Detach(this);
  worker_.store(to, std::memory_order_release);
  asio::post(to->context(), [self = std::move(self), to] {
    to->Add(self);
    if (self->closed_) return;
    asio::error_code ignored;
    self->socket_.non_blocking(true, ignored);
    self->DoRead();
  });
}

void Connection::OnRead(const asio::error_code& ec, std::size_t n) {
  reading_ = false;
  if (closed_) return;
  if (ec) {
    Close();
    return;
  }
  in_end_ += n;
  env_->net_input_bytes->Add(n);
  last_activity_ms_ = CoarseUnixTimeMs();
  worker()->NoteClient(&seen_tick_);
  ProcessInput();
  if (!flush_scheduled_) {
    flush_scheduled_ = true;
    worker()->ScheduleFlush(this);
  }
}

void Connection::ProcessInput() {
  // CONFIG SET proto-max-bulk-len applies to connections already open, as in Redis.
  parser_.set_max_bulk_len(env_->proto_max_bulk_len->load(std::memory_order_relaxed));
  session_->OnBatchBegin();
  while (!closed_ && !paused_ && !pending_ && !blocked_ && !close_after_reply_) {
    std::size_t consumed = 0;
    auto result = parser_.Parse(in_.get() + in_begin_, in_end_ - in_begin_, &consumed);
    if (result == RespParser::Result::kNeedMore) break;
    if (result == RespParser::Result::kError) {
      reply_.Error("ERR " + parser_.error());
      close_after_reply_ = true;
      break;
    }
    if (result == RespParser::Result::kEmpty) {
      in_begin_ += consumed;
      continue;
    }
    SessionAction action = session_->OnCommand(parser_.args(), reply_);
    if (action.kind == SessionAction::kRetryLater) {
      // Leave the command in the buffer; it is parsed and run again after the delay.
      paused_ = true;
      retry_timer_.expires_after(std::chrono::milliseconds(std::max<std::int64_t>(1, action.delay_ms)));
      retry_timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
        self->paused_ = false;
        if (ec || self->closed_) return;
        self->ProcessInput();
        self->Flush();
        self->DoRead();
      });
      break;
    }
    if (action.kind == SessionAction::kPending) {
      // Like a retry, the command stays in the buffer (which does not move: nothing is read
      // meanwhile) and is parsed again once the engine has its keys.
      pending_ = true;
      break;
    }
    in_begin_ += consumed;
    if (action.kind == SessionAction::kBlocked) {
      blocked_ = true;
      // Beyond ~100 years a deadline is "never" (and would overflow the timer's clock).
      constexpr std::int64_t kForeverMs = 100LL * 366 * 24 * 3600 * 1000;
      if (action.delay_ms > 0 && action.delay_ms < kForeverMs) ArmBlockTimer(action.delay_ms);
      break;
    }
  }
  session_->OnBatchEnd();
  if (in_begin_ == in_end_) {
    in_begin_ = in_end_ = 0;
    // Give back a buffer that one big request grew; idle clients keep a small one.
    if (in_cap_ > kKeepInputCap) {
      in_.reset();
      in_cap_ = 0;
    }
  }
}

void Connection::ArmBlockTimer(std::int64_t ms) {
  retry_timer_.expires_after(std::chrono::milliseconds(ms));
  retry_timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
    if (ec || self->closed_ || !self->blocked_) return;
    if (!self->session_->OnBlockTimeout(self->reply_)) {
      self->ArmBlockTimer(1);  // being served this very moment; look again
      return;
    }
    self->EndBlock();
  });
}

void Connection::EndBlock() {
  blocked_ = false;
  ProcessInput();  // commands pipelined behind the blocking one
  Flush();
  DoRead();
}

void Connection::Resume(std::string reply) {
  PostToOwner([this, reply = std::move(reply)] {
    if (closed_ || !blocked_) return;
    retry_timer_.cancel();
    out_ += reply;
    EndBlock();
  });
}

void Connection::ResumePending() {
  PostToOwner([this] {
    if (closed_ || !pending_) return;
    pending_ = false;
    ProcessInput();
    Flush();
    DoRead();
  });
}

void Connection::Push(std::string_view frame) {
  bool post = false;
  {
    std::lock_guard<std::mutex> l(push_mu_);
    if (push_overflow_) return;
    pushed_.append(frame);
    std::int64_t hard = pubsub_class_.load(std::memory_order_relaxed)
                            ? env_->pubsub_hard_limit->load(std::memory_order_relaxed)
                            : 0;
    if (hard > 0 && pushed_.size() > static_cast<std::size_t>(hard)) {
      // The connection's thread has not kept up with the publishers; it closes the
      // connection when it gets to it. Drop what is queued now rather than let it grow.
      push_overflow_ = true;
      std::string().swap(pushed_);
    }
    post = !std::exchange(push_posted_, true);
  }
  if (post) PostToOwner([this] { DrainPushed(); });
}

void Connection::DrainPushed() {
  std::string frames;
  bool overflow;
  {
    std::lock_guard<std::mutex> l(push_mu_);
    frames.swap(pushed_);
    push_posted_ = false;
    overflow = push_overflow_;
  }
  if (closed_) return;
  if (!overflow) {
    if (out_.empty()) {
      out_.swap(frames);
    } else {
      out_ += frames;
    }
  }
  if (overflow || OverOutputLimits()) {
    // Redis logs this too: the client was not reading what it subscribed to.
    LogWarning("closing client " + peer_ + ": its pending output passed the output buffer limit");
    Close();
    return;
  }
  if (!flush_scheduled_) {
    flush_scheduled_ = true;
    worker()->ScheduleFlush(this);
  }
}

bool Connection::OverOutputLimits() {
  if (!pubsub_class_.load(std::memory_order_relaxed)) return false;
  std::int64_t hard = env_->pubsub_hard_limit->load(std::memory_order_relaxed);
  std::int64_t soft = env_->pubsub_soft_limit->load(std::memory_order_relaxed);
  auto pending = static_cast<std::int64_t>(out_.size() + (writing_active_ ? writing_.size() : 0));
  if (hard > 0 && pending > hard) return true;
  if (soft <= 0 || pending <= soft) {
    soft_since_ms_ = 0;
    return false;
  }
  std::int64_t now = CoarseUnixTimeMs();
  if (soft_since_ms_ == 0) soft_since_ms_ = now;
  return now - soft_since_ms_ >= env_->pubsub_soft_seconds->load(std::memory_order_relaxed) * 1000;
}

void Connection::Flush() {
  if (closed_ || writing_active_) return;
  if (out_.empty()) {
    if (close_after_reply_) LingerThenClose();
    return;
  }
  // Try to write at once: the socket almost always has room, and completing the write here
  // lets the caller re-arm the read in the same turn instead of waiting for a queued write
  // handler (one event-loop hop per request at pipeline depth 1). Only what the socket
  // does not take goes through async_write.
  asio::error_code ec;
  std::size_t sent = socket_.write_some(asio::buffer(out_), ec);
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
    Close();
    return;
  }
  if (ec) sent = 0;
  env_->net_output_bytes->Add(sent);
  if (sent == out_.size()) {
    out_.clear();
    if (close_after_reply_) LingerThenClose();
    return;
  }
  writing_.assign(out_, sent);
  out_.clear();
  writing_active_ = true;
  asio::async_write(socket_, asio::buffer(writing_),
                    [self = shared_from_this()](const asio::error_code& ec, std::size_t n) {
                      self->OnWritten(ec, n);
                    });
}

void Connection::OnWritten(const asio::error_code& ec, std::size_t n) {
  writing_active_ = false;
  env_->net_output_bytes->Add(n);
  // Keep a modest buffer for reuse; release a large one.
  if (writing_.capacity() > (1u << 20)) {
    std::string().swap(writing_);
  } else {
    writing_.clear();
  }
  if (closed_) return;
  if (ec) {
    Close();
    return;
  }
  if (!out_.empty()) {
    Flush();
    return;
  }
  if (close_after_reply_) {
    LingerThenClose();
    return;
  }
  // Input that arrived with the last read but was not processed yet (after a retry).
  if (!paused_ && in_end_ > in_begin_) {
    ProcessInput();
    if (!out_.empty()) {
      Flush();
      return;
    }
  }
  DoRead();
}

}  // namespace strata::net
