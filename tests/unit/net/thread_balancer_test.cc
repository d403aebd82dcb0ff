#include "net/thread_balancer.h"

#include "net/worker.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>

namespace strata::net {
namespace {

LoadSample Oversubscribed() { return {.run = 1.3, .wait = 0.6, .busiest = 0.7, .idle_cores = 0}; }
LoadSample Saturated() {
  return {.run = 0.95, .wait = 0.01, .busiest = 0.95, .idle_cores = 1.0, .busiest_clients = 50};
}
LoadSample Quiet() { return {.run = 0.1, .wait = 0.0, .busiest = 0.1, .idle_cores = 1.8}; }

TEST(ThreadBalancerTest, ParksOneThreadAfterConsecutiveOversubscribedTicks) {
  ThreadBalancer b(3, 3);
  EXPECT_EQ(b.Decide(Oversubscribed()), 3) << "one tick is not enough";
  EXPECT_EQ(b.Decide(Oversubscribed()), 2);
  // Cooldown: no change however the next ticks look.
  for (int i = 0; i < ThreadBalancer::kCooldownTicks; ++i) EXPECT_EQ(b.Decide(Oversubscribed()), 2);
  EXPECT_EQ(b.Decide(Oversubscribed()), 2);
  EXPECT_EQ(b.Decide(Oversubscribed()), 1);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(b.Decide(Oversubscribed()), 1) << "never below one";
}

TEST(ThreadBalancerTest, AnInterruptedStreakStartsOver) {
  ThreadBalancer b(2, 2);
  EXPECT_EQ(b.Decide(Oversubscribed()), 2);
  EXPECT_EQ(b.Decide(Quiet()), 2);
  EXPECT_EQ(b.Decide(Oversubscribed()), 2);
  EXPECT_EQ(b.Decide(Oversubscribed()), 1);
}

TEST(ThreadBalancerTest, AnIdleServerIsNotParked) {
  ThreadBalancer b(2, 2);
  // Waiting twice as long as it ran, but it hardly ran: nothing to gain.
  LoadSample idle{.run = 0.05, .wait = 0.1, .busiest = 0.05, .idle_cores = 1.9};
  for (int i = 0; i < 10; ++i) EXPECT_EQ(b.Decide(idle), 2);
}

TEST(ThreadBalancerTest, UnparksWhenAThreadIsSaturatedAndACoreIdle) {
  ThreadBalancer b(2, 1);
  for (int i = 1; i < ThreadBalancer::kUnparkTicks; ++i) EXPECT_EQ(b.Decide(Saturated()), 1);
  EXPECT_EQ(b.Decide(Saturated()), 2);
  // Past the cooldown and a whole unpark streak more.
  for (int i = 0; i <= ThreadBalancer::kCooldownTicks + ThreadBalancer::kUnparkTicks; ++i) {
    EXPECT_EQ(b.Decide(Saturated()), 2) << "never above the configured threads";
  }
}

TEST(ThreadBalancerTest, OneClientSaturatingAThreadDoesNotUnpark) {
  // redis-cli --pipe loading a big key: the thread is saturated and a core idle, but one
  // connection cannot be split, so a second thread would only contend.
  ThreadBalancer b(2, 1);
  LoadSample bulk_load = Saturated();
  bulk_load.busiest_clients = 1;
  for (int i = 0; i < 50; ++i) EXPECT_EQ(b.Decide(bulk_load), 1);
  EXPECT_EQ(b.Decide(Saturated()), 1) << "a new streak starts with several clients";
}

TEST(ThreadBalancerTest, StaysParkedWhileNoCoreIsIdle) {
  // One thread saturated beside a client that takes the other core (the benchmark case).
  ThreadBalancer b(2, 1);
  LoadSample busy_machine{.run = 0.97, .wait = 0.02, .busiest = 0.97, .idle_cores = 0.1};
  for (int i = 0; i < 50; ++i) EXPECT_EQ(b.Decide(busy_machine), 1);
}

TEST(ThreadBalancerTest, ResetStartsACooldown) {
  ThreadBalancer b(2, 2);
  b.Reset(1);
  for (int i = 0; i < ThreadBalancer::kCooldownTicks; ++i) EXPECT_EQ(b.Decide(Saturated()), 1);
  EXPECT_EQ(b.active(), 1);
}

// Measured on two cores: the server's thread, redis-benchmark and a subscriber process
// waited 0.615 s for a CPU in 2.134 s of running (29%).
TEST(SpinGovernorTest, StopsPollingWhileOtherProcessesWantTheCores) {
  SpinGovernor g;
  EXPECT_TRUE(g.Decide(Quiet()));
  EXPECT_TRUE(g.Decide(Saturated())) << "a busy thread with a core to itself keeps polling";
  EXPECT_FALSE(g.Decide({.run = 0.71, .wait = 0.205}));
  // Held off for a while whatever the samples say (polling itself hid the contention).
  for (int i = 0; i < SpinGovernor::kHoldTicks; ++i) EXPECT_FALSE(g.Decide(Quiet())) << i;
  EXPECT_TRUE(g.Decide(Quiet())) << "then tried again";
  EXPECT_FALSE(g.Decide(Oversubscribed()));
}

TEST(SpinGovernorTest, AnIdleServerIsNotJudged) {
  SpinGovernor g;
  // Waiting a lot of very little running says nothing about the cores.
  EXPECT_TRUE(g.Decide({.run = 0.05, .wait = 0.05}));
}

TEST(WorkerTickTest, CountsEachClientOncePerTick) {
  Worker w(nullptr);  // the count needs no environment
  std::uint32_t a = 0, b = 0, fresh = 0;
  w.NoteClient(&a);
  w.NoteClient(&a);
  w.NoteClient(&b);
  EXPECT_EQ(w.EndTick(), 2) << "two clients, however many requests";
  EXPECT_EQ(w.EndTick(), 0) << "a tick without requests";
  w.NoteClient(&a);
  w.NoteClient(&fresh);
  EXPECT_EQ(w.EndTick(), 2) << "a client counts again in a later tick";
}

TEST(LoadProbeTest, ReadsThisThreadsSchedulerAccounting) {
  LoadProbe probe;
  pid_t tid = static_cast<pid_t>(::gettid());
  LoadSample s;
  ASSERT_TRUE(probe.Sample({&tid, 1}, &s));
  EXPECT_EQ(s.run, 0.0) << "the first call only takes the readings";
  // Spin so the second reading has run time to show.
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
  volatile std::uint64_t x = 0;
  while (std::chrono::steady_clock::now() < until) x = x + 1;
  ASSERT_TRUE(probe.Sample({&tid, 1}, &s));
  EXPECT_GT(s.run, 0.0);
  EXPECT_GE(s.idle_cores, 0.0);
  pid_t missing = 0x7ffffff0;
  EXPECT_FALSE(probe.Sample({&missing, 1}, &s));
}

}  // namespace
}  // namespace strata::net
