#include "net/net_server.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <asio.hpp>
#include <chrono>
#include <cstdio>

#include "net/thread_balancer.h"
#include "net/worker.h"
#include "util/clock.h"

namespace strata::net {

Worker::Worker(const NetEnv* env) : ctx_(1), env_(env), sweep_timer_(ctx_) {}

namespace {
thread_local Worker* tls_worker = nullptr;
}  // namespace

Worker* Worker::Current() { return tls_worker; }

void Worker::BindThread() {
  tls_worker = this;
  tid_.store(static_cast<pid_t>(::syscall(SYS_gettid)), std::memory_order_release);
}

void Worker::LendLoop() {
  if (helper_.joinable()) return;
  helper_stop_.store(false);
  helper_ = std::thread([this] {
    tls_worker = this;
    while (!helper_stop_.load(std::memory_order_acquire)) {
      if (ctx_.stopped()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      ctx_.run_one_for(std::chrono::milliseconds(5));
    }
  });
}

void Worker::ReclaimLoop() {
  if (!helper_.joinable()) return;
  helper_stop_.store(true, std::memory_order_release);
  helper_.join();
}

void Worker::Add(std::shared_ptr<Connection> conn) { conns_[conn.get()] = std::move(conn); }

std::shared_ptr<Connection> Worker::Detach(Connection* conn) {
  auto it = conns_.find(conn);
  if (it == conns_.end()) return nullptr;
  auto owned = std::move(it->second);
  conns_.erase(it);
  return owned;
}

void Worker::Shed(std::vector<Worker*> targets, long count) {
  shed_to_ = std::move(targets);
  shed_next_ = 0;
  shed_left_ = shed_to_.empty() ? 0 : count;
}

Worker* Worker::TakeShedTarget() {
  if (shed_left_ == 0) return nullptr;
  if (shed_left_ > 0) --shed_left_;
  Worker* to = shed_to_[shed_next_++ % shed_to_.size()];
  if (to == this) return nullptr;
  moved_out_.fetch_add(1, std::memory_order_relaxed);
  return to;
}

void Worker::ScheduleFlush(Connection* conn) {
  pending_flush_.push_back(conn->shared_from_this());
  if (flush_posted_) return;
  flush_posted_ = true;
  // Posted work runs after the completions already queued by this turn's readiness events.
  asio::post(ctx_, [this] { FlushPending(); });
}

void Worker::FlushPending() {
  flush_posted_ = false;
  std::vector<std::shared_ptr<Connection>> batch;
  batch.swap(pending_flush_);
  for (auto& conn : batch) conn->FlushAndRead();
}

void Worker::Remove(Connection* conn) {
  auto it = conns_.find(conn);
  if (it == conns_.end()) return;
  // Destroy after the current handler returns: the connection may be on the call stack.
  auto keep = std::move(it->second);
  conns_.erase(it);
  asio::post(ctx_, [keep = std::move(keep)] {});
}

void Worker::StartTimers() {
  sweep_timer_.expires_after(std::chrono::seconds(1));
  sweep_timer_.async_wait([this](const asio::error_code& ec) {
    if (ec) return;
    SweepIdle();
    env_->every_second();  // INFO instantaneous_ops_per_sec
    StartTimers();
  });
}

void Worker::SweepIdle() {
  int timeout = env_->timeout->load();
  if (timeout <= 0) return;
  std::int64_t now = UnixTimeMs();
  std::vector<Connection*> idle;
  for (auto& [raw, conn] : conns_) {
    if (!conn->blocked() &&
        now - conn->last_activity_ms() > static_cast<std::int64_t>(timeout) * 1000) {
      idle.push_back(raw);
    }
  }
  for (Connection* c : idle) c->Close();
}

void Worker::CloseAll() {
  std::vector<Connection*> all;
  for (auto& [raw, conn] : conns_) all.push_back(raw);
  for (Connection* c : all) c->Close();
}

namespace {

// Runs `ctx` until it is stopped. With spin_us > 0 the thread keeps polling (non-blocking
// epoll_wait) for spin_us after the last event before it blocks. Under load the next request
// then usually finds the thread awake, so the client's send does not have to wake a sleeping
// thread: on loopback that wake-up (an inter-processor interrupt, charged to the sender) is a
// large share of a small request's cost. An idle server still sleeps after spin_us.
// `may_spin` turns the window off while the thread is parked or the active threads fill
// every core.
void RunLoop(asio::io_context& ctx, int spin_us, const std::atomic<bool>* paused,
             const std::atomic<bool>* may_spin) {
  if (spin_us <= 0) {
    ctx.run();
    return;
  }
  using Clock = std::chrono::steady_clock;
  const auto window = std::chrono::microseconds(spin_us);
  auto last_work = Clock::now();
  while (!ctx.stopped()) {
    if (ctx.poll() > 0) {
      last_work = Clock::now();
    } else if ((paused != nullptr && paused->load(std::memory_order_relaxed)) ||
               !may_spin->load(std::memory_order_relaxed) ||
               Clock::now() - last_work >= window) {
      ctx.run_one();  // sleeps until the next event
      last_work = Clock::now();
    }
  }
}

}  // namespace

struct NetServer::Impl {
  NetEnv env;
  SessionFactory* sessions;
  std::vector<std::unique_ptr<Worker>> workers;
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor;
  std::size_t next_worker = 0;
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  int cores = 1;
  // Workers [0, active) take new connections; the rest are parked. Written on worker 0's
  // thread (the acceptor's and the balancer's).
  std::atomic<int> active{1};
  // One 200 ms tick samples the active threads' scheduler accounting for both users of it:
  // the balancer (adaptive threads) and the spin governor (busy polling gives way to other
  // processes that want the cores).
  std::unique_ptr<asio::steady_timer> tick_timer;
  LoadProbe probe;
  std::unique_ptr<ThreadBalancer> balancer;       // null: adaptive threads off
  std::unique_ptr<SpinGovernor> spin_governor;    // null: busy polling off
  bool spin_allowed = true;

  // Worker 0's thread only.
  void SetActive(int n);
  void UpdateSpin();
  void Tick();
  void Balance(LoadSample sample, std::size_t busiest);

  void Accept() {
    int n = active.load(std::memory_order_relaxed);
    Worker* target = workers[next_worker % static_cast<std::size_t>(n)].get();
    next_worker = (next_worker + 1) % static_cast<std::size_t>(n);
    acceptor->async_accept(target->context(), [this, target](const asio::error_code& ec,
                                                             asio::ip::tcp::socket socket) {
      if (ec == asio::error::operation_aborted || stopping) return;
      if (!ec) OnAccept(target, std::move(socket));
      Accept();
    });
  }

  void OnAccept(Worker* target, asio::ip::tcp::socket socket) {
    env.total_connections_received->fetch_add(1, std::memory_order_relaxed);
    if (static_cast<int>(env.client_count()) >= env.maxclients->load()) {
      env.rejected_connections->fetch_add(1, std::memory_order_relaxed);
      static const char kMsg[] = "-ERR max number of clients reached\r\n";
      asio::error_code ignored;
      socket.non_blocking(false, ignored);
      asio::write(socket, asio::buffer(kMsg, sizeof(kMsg) - 1), ignored);
      socket.close(ignored);
      return;
    }
    // The socket belongs to the target worker's context: start it there.
    asio::post(target->context(), [this, target, s = std::move(socket)]() mutable {
      auto conn = std::make_shared<Connection>(std::move(s), target, &env);
      target->Add(conn);
      conn->Start(sessions->NewSession(conn.get()));
    });
  }
};

void NetServer::Impl::SetActive(int n) {
  int old = active.load(std::memory_order_relaxed);
  n = std::clamp(n, 1, static_cast<int>(workers.size()));
  if (n == old) return;
  active.store(n, std::memory_order_relaxed);
  UpdateSpin();
  if (n < old) {
    std::vector<Worker*> keep;
    for (int i = 0; i < n; ++i) keep.push_back(workers[i].get());
    // The parked workers hand every connection to the active ones as it finishes a request;
    // idle connections move on their next request.
    for (int i = n; i < old; ++i) {
      Worker* w = workers[i].get();
      asio::post(w->context(), [w, keep] { w->Shed(keep, -1); });
    }
    return;
  }
  // Back from parking: the active workers give the newcomers their share.
  std::vector<Worker*> to;
  for (int i = old; i < n; ++i) to.push_back(workers[i].get());
  for (int i = 0; i < old; ++i) {
    Worker* w = workers[i].get();
    asio::post(w->context(), [w, to, old, n] {
      long give = static_cast<long>(w->connection_count()) * (n - old) / n;
      w->Shed(to, give);
    });
  }
  for (int i = old; i < n; ++i) {
    Worker* w = workers[i].get();
    asio::post(w->context(), [w] { w->Shed({}, 0); });
  }
}

void NetServer::Impl::UpdateSpin() {
  int n = active.load(std::memory_order_relaxed);
  for (int i = 0; i < static_cast<int>(workers.size()); ++i) {
    workers[i]->may_spin().store(spin_allowed && i < n && n < cores, std::memory_order_relaxed);
  }
}

void NetServer::Impl::Tick() {
  tick_timer->expires_after(std::chrono::milliseconds(200));
  tick_timer->async_wait([this](const asio::error_code& ec) {
    if (ec || stopping) return;
    std::vector<pid_t> tids;
    int n = active.load(std::memory_order_relaxed);
    for (int i = 0; i < n; ++i) tids.push_back(workers[i]->tid());
    LoadSample sample;
    std::size_t busiest = 0;
    if (!probe.Sample(tids, &sample, &busiest)) return;  // no accounting: both stay as they are
    if (spin_governor) {
      bool allowed = spin_governor->Decide(sample);
      if (allowed != spin_allowed) {
        spin_allowed = allowed;
        UpdateSpin();
      }
    }
    if (balancer) Balance(sample, busiest);
    Tick();
  });
}

void NetServer::Impl::Balance(LoadSample sample, std::size_t busiest) {
  int n = active.load(std::memory_order_relaxed);
  for (int i = 0; i < n; ++i) {
    long clients = workers[i]->EndTick();
    if (static_cast<std::size_t>(i) == busiest) sample.busiest_clients = clients;
  }
  int next = balancer->Decide(sample);
  if (next != n) {
    std::fprintf(stderr,
                 "network threads: %d of %zu active (%s: threads ran %.2f s/s, waited %.2f "
                 "s/s, busiest %.2f with %ld clients, %.2f cores idle)\n",
                 next, workers.size(),
                 next < n ? "threads waited for a CPU" : "a thread is saturated, a core idle",
                 sample.run, sample.wait, sample.busiest, sample.busiest_clients,
                 sample.idle_cores);
    SetActive(next);
  }
}

NetServer::NetServer(const NetOptions& options, NetEnv env, SessionFactory* sessions)
    : impl_(std::make_unique<Impl>()), options_(options) {
  impl_->env = std::move(env);
  impl_->sessions = sessions;
  int n = options.threads > 0 ? options.threads : 1;
  for (int i = 0; i < n; ++i) impl_->workers.push_back(std::make_unique<Worker>(&impl_->env));
  impl_->cores = std::max(1, options.cores);
  impl_->active.store(n, std::memory_order_relaxed);
  impl_->UpdateSpin();
}

void NetServer::SetActiveThreads(int n) {
  Impl* impl = impl_.get();
  asio::post(impl->workers[0]->context(), [impl, n] {
    impl->SetActive(n);
    if (impl->balancer) impl->balancer->Reset(impl->active.load(std::memory_order_relaxed));
  });
}

const std::atomic<int>& NetServer::active_threads_counter() const { return impl_->active; }

std::uint64_t NetServer::moved_connections() const {
  std::uint64_t n = 0;
  for (auto& w : impl_->workers) n += w->moved_out();
  return n;
}

NetServer::~NetServer() { Stop(); }

Status NetServer::Listen() {
  asio::error_code ec;
  auto address = asio::ip::make_address(options_.bind, ec);
  if (ec) return Status::InvalidArgument("bad bind address \"" + options_.bind + "\": " + ec.message());
  asio::ip::tcp::endpoint endpoint(address, static_cast<unsigned short>(options_.port));
  auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(impl_->workers[0]->context());
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(511, ec);
  if (ec) {
    return Status::IOError("cannot listen on " + options_.bind + ":" +
                           std::to_string(options_.port) + ": " + ec.message());
  }
  port_ = acceptor->local_endpoint().port();
  impl_->acceptor = std::move(acceptor);
  return Status::OK();
}

void NetServer::Run() {
  impl_->Accept();
  if (options_.adaptive && impl_->workers.size() > 1) {
    impl_->balancer = std::make_unique<ThreadBalancer>(static_cast<int>(impl_->workers.size()),
                                                       impl_->active.load());
  }
  if (options_.busy_poll_us > 0) impl_->spin_governor = std::make_unique<SpinGovernor>();
  if (impl_->balancer || impl_->spin_governor) {
    impl_->tick_timer = std::make_unique<asio::steady_timer>(impl_->workers[0]->context());
    impl_->Tick();
  }
  for (auto& w : impl_->workers) {
    Worker* worker = w.get();
    worker->StartTimers();
    impl_->threads.emplace_back([worker, spin = options_.busy_poll_us,
                                 paused = options_.busy_poll_paused] {
      worker->BindThread();
      auto guard = asio::make_work_guard(worker->context());
      RunLoop(worker->context(), spin, paused, &worker->may_spin());
    });
  }
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

void NetServer::Stop() {
  if (!impl_ || impl_->stopping.exchange(true)) return;
  for (auto& w : impl_->workers) {
    Worker* worker = w.get();
    asio::post(worker->context(), [this, worker] {
      if (worker == impl_->workers[0].get()) {
        asio::error_code ec;
        if (impl_->acceptor) impl_->acceptor->close(ec);
        if (impl_->tick_timer) impl_->tick_timer->cancel();
      }
      worker->CloseAll();
      worker->context().stop();
    });
  }
}

}  // namespace strata::net
