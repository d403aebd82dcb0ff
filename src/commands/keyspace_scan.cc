// Commands that look at a whole database rather than at named keys: KEYS SCAN RANDOMKEY
// DBSIZE, with Redis 7.0's replies (its db.c). They have no key positions and call the
// engine's keyspace-wide methods, which lock shard by shard; inside EXEC they run under the
// transaction's whole-keyspace lock instead.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "commands/command.h"
#include "commands/util.h"

namespace strata {
namespace {

// Keys KEYS examines per step. Between steps the connection lets its thread serve others,
// so one KEYS on a large keyspace delays them by one step, not by the whole walk.
constexpr std::size_t kKeysStep = 1024;

// The engine waker for a step that may go pending; none where the command must finish now.
PrefetchWaker* StepWaker(const CommandContext& ctx) {
  return ctx.steps != nullptr ? ctx.steps->waker : nullptr;
}

// What KEYS has found so far.
struct KeysProgress final : CommandProgress {
  std::uint64_t cursor = 0;
  // A scan may return a key twice (across a resize); each is replied once, in the order
  // first seen. The views point into `seen`, whose nodes do not move.
  std::unordered_set<std::string> seen;
  std::vector<std::string_view> order;
};

// KEYS is a scan to the end: in bounded steps when the dispatcher can suspend the
// connection between them, in one go inside a transaction. Unlike Redis's, a KEYS that runs
// in steps is not atomic: a key added or removed meanwhile may or may not be in the reply.
void CmdKeys(CommandContext& ctx) {
  KeysProgress local;
  KeysProgress* p = &local;
  if (ctx.steps != nullptr) {
    if (ctx.steps->progress == nullptr) ctx.steps->progress = std::make_unique<KeysProgress>();
    p = static_cast<KeysProgress*>(ctx.steps->progress.get());
  }
  ScanOptions options;
  options.count = kKeysStep;
  options.match = ctx.args[1];
  do {
    ScanResult r = ctx.engine.Scan(
        ctx.db, p->cursor, options,
        [&](std::string_view key, const KeyInfo&, const ValueRef*) {
          auto [it, added] = p->seen.emplace(key);
          if (added) p->order.push_back(*it);
        },
        StepWaker(ctx));
    if (r.pending) {
      ctx.steps->next = CommandSteps::Next::kWait;
      return;
    }
    p->cursor = r.cursor;
    if (p->cursor != 0 && ctx.steps != nullptr) {
      ctx.steps->next = CommandSteps::Next::kYield;
      return;
    }
  } while (p->cursor != 0);
  ctx.reply.ArrayHeader(p->order.size());
  for (std::string_view k : p->order) ctx.reply.Bulk(k);
}

void CmdScan(CommandContext& ctx) {
  std::uint64_t cursor = 0;
  if (!ParseScanCursor(ctx.args[1], &cursor)) {
    ctx.reply.Error("ERR invalid cursor");
    return;
  }
  ScanOptions options;
  std::int64_t count = 10;
  // As in Redis, the last MATCH and the last TYPE given are the ones that apply.
  for (std::size_t j = 2; j < ctx.args.size(); j += 2) {
    bool has_value = j + 1 < ctx.args.size();
    std::string_view opt = ctx.args[j];
    if (EqualsIgnoreCase(opt, "count") && has_value) {
      if (!ParseInt64(ctx.args[j + 1], &count)) {
        ctx.reply.Error(kErrNotInteger);
        return;
      }
      if (count < 1) {
        ctx.reply.Error(kErrSyntax);
        return;
      }
    } else if (EqualsIgnoreCase(opt, "match") && has_value) {
      options.match = ctx.args[j + 1];
    } else if (EqualsIgnoreCase(opt, "type") && has_value) {
      // An unknown name is kNone, which no key has: Redis walks on and returns nothing.
      options.type = ValueTypeFromName(ctx.args[j + 1]);
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  options.count = static_cast<std::size_t>(count);
  std::vector<std::string> keys;
  ScanResult r = ctx.engine.Scan(
      ctx.db, cursor, options,
      [&](std::string_view key, const KeyInfo&, const ValueRef*) { keys.emplace_back(key); },
      StepWaker(ctx));
  if (r.pending) {
    ctx.steps->next = CommandSteps::Next::kWait;  // asked again with the same cursor
    return;
  }
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(r.cursor));
  ctx.reply.ArrayHeader(keys.size());
  for (const std::string& k : keys) ctx.reply.Bulk(k);
}

void CmdRandomKey(CommandContext& ctx) {
  std::string key;
  if (ctx.engine.RandomKey(ctx.db, &key)) {
    ctx.reply.Bulk(key);
  } else {
    ctx.reply.Null();
  }
}

void CmdDbSize(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<std::int64_t>(ctx.engine.DbSize(ctx.db)));
}

}  // namespace

void RegisterKeyspaceScanCommands(CommandTable* table) {
  table->Add("keys", 2, kCmdReadOnly | kCmdKeyspace, CmdKeys);
  table->Add("scan", -2, kCmdReadOnly | kCmdRandom | kCmdKeyspace, CmdScan);
  table->Add("randomkey", 1, kCmdReadOnly | kCmdRandom | kCmdKeyspace, CmdRandomKey);
  table->Add("dbsize", 1, kCmdReadOnly | kCmdFast | kCmdKeyspace, CmdDbSize);
}

}  // namespace strata
