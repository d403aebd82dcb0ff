// What every pop that may block shares (BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH in
// list_family.cc; BZPOPMIN, BZPOPMAX, BZMPOP in zset_pop.cc), and the non-blocking MPOPs
// that have the same "first non-empty key" shape. A blocking pop first tries exactly like
// its non-blocking twin; with nothing to pop it answers null at once inside MULTI/EXEC,
// else it waits on its keys (state/blocking.h) and is served by the thread that changed one.
//
// The family supplies only the pop itself: `pop(reply, key, obj)` replies what it takes
// from the non-empty collection `obj` stored at `key` and removes it. The same function
// serves the immediate attempt and the blocked client, so the two replies cannot drift.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command.h"
#include "commands/typed.h"
#include "commands/util.h"
#include "state/server_state.h"

namespace strata {

using ServeFn =
    std::function<ServeResult(Keyspace& ks, std::string_view ready_key, ReplyBuilder& reply)>;

// Suspends the client in a blocking command that found nothing to pop: it waits on `keys`
// (of the selected database) until `try_serve` serves it from one of them after a change, or
// `timeout_ms` passes (0: forever), when it gets a null array. Inside MULTI/EXEC it never
// waits: it gets a null reply at once, a null bulk string with `null_bulk_in_multi` (BLMOVE,
// BRPOPLPUSH), else a null array, as Redis replies. Call from the handler, with the keys
// still locked.
inline void BlockOnKeys(CommandContext& ctx, std::vector<std::string> keys,
                        std::vector<std::string> extra_keys, std::int64_t timeout_ms,
                        bool null_bulk_in_multi, ServeFn try_serve) {
  if (ctx.in_transaction) return null_bulk_in_multi ? ctx.reply.Null() : ctx.reply.NullArray();
  auto waiter = std::make_shared<BlockedClient>();
  waiter->db = ctx.db;
  waiter->keys = std::move(keys);
  waiter->extra_keys = std::move(extra_keys);
  waiter->resp3 = ctx.client.resp3.load(std::memory_order_relaxed);
  waiter->try_serve = std::move(try_serve);
  waiter->client = ctx.client.self;
  ctx.server.blocking().Block(waiter);
  ctx.client.block_request = std::move(waiter);
  ctx.client.block_timeout_ms = timeout_ms;
}

// The `T` at `key` for a blocked client being served, or nullptr with *miss telling why it
// keeps waiting (absent, or another type).
template <typename T>
T* ReadyToServe(Keyspace& ks, int db, std::string_view key, ServeResult* miss) {
  WriteRef v = ks.FindForWrite(db, key);
  if (v.type == T::kType) return static_cast<T*>(v.obj);
  *miss = v ? ServeResult::kSkip : ServeResult::kEmpty;
  return nullptr;
}

// Pops with `pop` from the first of `keys` that holds a `T`. Returns false when all are
// absent (nothing replied) or after replying WRONGTYPE for the first of another type
// (*wrong_type set).
template <typename T, typename PopFn>
bool PopFirstNonEmpty(CommandContext& ctx, std::span<const std::string_view> keys,
                      const PopFn& pop, KeyEvent event, bool* wrong_type) {
  *wrong_type = false;
  for (std::string_view key : keys) {
    auto found = FindTypedForWrite<T>(ctx, key);
    if (found.wrong_type) {
      *wrong_type = true;
      return false;
    }
    if (!found.obj) continue;
    pop(ctx.reply, key, found.obj);
    CommitTyped(ctx, key, found.obj, event);
    return true;
  }
  return false;
}

// Pops now from the first non-empty key; with none, blocks on all of them (a null array
// inside MULTI/EXEC) and pops the same way when one is ready.
template <typename T, typename PopFn>
void PopOrBlock(CommandContext& ctx, std::span<const std::string_view> keys,
                std::int64_t timeout_ms, PopFn pop, KeyEvent event) {
  bool wrong_type;
  if (PopFirstNonEmpty<T>(ctx, keys, pop, event, &wrong_type) || wrong_type) return;
  const int db = ctx.db;
  KeyspaceEvents* events = &ctx.server.keyspace_events();
  BlockOnKeys(ctx, std::vector<std::string>(keys.begin(), keys.end()), {}, timeout_ms, false,
              [db, events, event, pop = std::move(pop)](Keyspace& ks, std::string_view key,
                                                        ReplyBuilder& reply) {
                ServeResult miss;
                T* obj = ReadyToServe<T>(ks, db, key, &miss);
                if (obj == nullptr) return miss;
                pop(reply, key, obj);
                CommitTyped(ks, db, key, obj, *events, event);
                return ServeResult::kServed;
              });
}

// BLPOP, BRPOP, BZPOPMIN, BZPOPMAX: "key [key ...] timeout".
template <typename T, typename PopFn>
void BlockingPopCommand(CommandContext& ctx, PopFn pop, KeyEvent event) {
  std::int64_t timeout;
  if (auto err = ParseBlockTimeout(ctx.args.back(), &timeout); !err.empty()) {
    return ctx.reply.Error(err);
  }
  PopOrBlock<T>(ctx, ctx.args.subspan(1, ctx.args.size() - 2), timeout, std::move(pop), event);
}

// LMPOP and ZMPOP, or with `blocking` BLMPOP and BZMPOP (the timeout first):
// "[timeout] numkeys key [key ...] <word_a | word_b> [COUNT count]", replying
// [key, [popped ...]]. Here `pop(reply, obj, word_a, n)` replies and removes the inner
// array's `n` entries (n <= obj's size), from the end word_a (or word_b) names.
// `event_a` / `event_b`: what a pop from the end word_a / word_b names publishes.
template <typename T, typename MultiPopFn>
void MultiPopCommand(CommandContext& ctx, std::string_view word_a, std::string_view word_b,
                     bool blocking, MultiPopFn pop, KeyEvent event_a, KeyEvent event_b) {
  // Redis checks numkeys, the direction and COUNT before the timeout.
  MultiPopArgs a;
  if (auto err = ParseMultiPop(blocking ? ctx.args.subspan(1) : ctx.args, word_a, word_b, &a);
      !err.empty()) {
    return ctx.reply.Error(err);
  }
  auto pop_n = [pop = std::move(pop), word_a = a.word_a, count = a.count](
                   ReplyBuilder& reply, std::string_view key, T* obj) {
    const std::size_t n = std::min(count, obj->size());
    reply.ArrayHeader(2);
    reply.Bulk(key);
    reply.ArrayHeader(n);
    pop(reply, obj, word_a, n);
  };
  const KeyEvent event = a.word_a ? event_a : event_b;
  if (!blocking) {
    bool wrong_type;
    if (!PopFirstNonEmpty<T>(ctx, a.keys, pop_n, event, &wrong_type) && !wrong_type) {
      ctx.reply.NullArray();
    }
    return;
  }
  std::int64_t timeout;
  if (auto err = ParseBlockTimeout(ctx.args[1], &timeout); !err.empty()) {
    return ctx.reply.Error(err);
  }
  PopOrBlock<T>(ctx, a.keys, timeout, std::move(pop_n), event);
}

}  // namespace strata
