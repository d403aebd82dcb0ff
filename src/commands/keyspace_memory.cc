// MEMORY and its subcommands, with Redis 7.0's replies (its object.c): USAGE of one key from
// the engine, STATS with the engine's own per-key overhead, and the allocator's view.
#include <malloc.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#ifdef STRATA_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "commands/allocator_stats.h"
#include "commands/command.h"
#include "commands/help_reply.h"
#include "commands/util.h"
#include "state/server_state.h"

namespace strata {
namespace {

void CmdMemoryUsage(CommandContext& ctx) {
  // SAMPLES is accepted for compatibility; sizes here are exact, not sampled.
  for (std::size_t j = 3; j < ctx.args.size(); ++j) {
    if (EqualsIgnoreCase(ctx.args[j], "samples") && j + 1 < ctx.args.size()) {
      std::int64_t samples = 0;
      if (!ParseInt64(ctx.args[j + 1], &samples)) {
        ctx.reply.Error(kErrNotInteger);
        return;
      }
      if (samples < 0) {
        ctx.reply.Error(kErrSyntax);
        return;
      }
      ++j;
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  if (!ctx.ks->Stat(ctx.db, ctx.args[2])) {  // not an access, as Redis's lookup without touch
    ctx.reply.Null();
    return;
  }
  ctx.reply.Integer(static_cast<std::int64_t>(ctx.ks->KeyMemoryUsage(ctx.db, ctx.args[2])));
}

// Like Redis's MEMORY DOCTOR, gives up on an instance below 5 MB; the report is our own.
void CmdMemoryDoctor(CommandContext& ctx) {
  AllocatorStats st = ReadAllocatorStats();
  if (st.allocated < 5u * 1024 * 1024) {
    ctx.reply.Verbatim(
        "Strata memory doctor: this instance uses less than 5 MB, too little for a useful "
        "report.\n");
  } else {
    ctx.reply.Verbatim(
        "Strata memory doctor: no memory problems found. See MEMORY STATS and INFO memory "
        "for the figures.\n");
  }
}

void CmdMemoryMallocStats(CommandContext& ctx) {
#ifdef STRATA_HAVE_JEMALLOC
  std::string out;
  malloc_stats_print(
      [](void* opaque, const char* text) { static_cast<std::string*>(opaque)->append(text); }, &out,
      nullptr);
  ctx.reply.Verbatim(out);
#else
  ctx.reply.Verbatim("Stats not supported for the current allocator");
#endif
}

void CmdMemoryPurge(CommandContext& ctx) {
#ifdef STRATA_HAVE_JEMALLOC
  // Arena index MALLCTL_ARENAS_ALL (4096) addresses every arena at once.
  if (mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0) != 0) {
    ctx.reply.Error("ERR Error purging dirty pages");
    return;
  }
#else
  malloc_trim(0);
#endif
  ctx.reply.Ok();
}

// MEMORY STATS with Redis's field names. Figures come from the allocator and the engine;
// structures Strata does not have (replication backlog, AOF, Lua) report 0.
void CmdMemoryStats(CommandContext& ctx) {
  static std::atomic<std::uint64_t> peak{0};
  AllocatorStats st = ReadAllocatorStats();
  std::uint64_t total = st.allocated;
  std::uint64_t prev = peak.load();
  while (total > prev && !peak.compare_exchange_weak(prev, total)) {
  }
  std::uint64_t peak_bytes = std::max(prev, total);
  std::uint64_t rss = ProcessRssBytes();
  InfoFields engine_memory;
  ctx.engine.WriteInfo(kInfoMemory, engine_memory);
  const std::uint64_t engine_dataset = engine_memory.GetU64("used_memory_dataset");

  struct DbOverhead {
    int db;
    std::uint64_t main;
    std::uint64_t expires;
  };
  std::vector<DbOverhead> dbs;
  std::uint64_t keys = 0, overhead = 0;
  for (int db = 0; db < ctx.engine.num_databases(); ++db) {
    DbStats ds = ctx.engine.GetDbStats(db);
    if (ds.keys == 0) continue;
    keys += ds.keys;
    // What the engine spends to index the keys and their expiries.
    DbOverhead o{db, ds.index_bytes, ds.expires_bytes};
    overhead += o.main + o.expires;
    dbs.push_back(o);
  }
  std::uint64_t dataset = engine_dataset > overhead ? engine_dataset - overhead : 0;
  auto ratio = [](std::uint64_t a, std::uint64_t b) {
    return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
  };
  auto diff = [](std::uint64_t a, std::uint64_t b) {
    return static_cast<std::int64_t>(a) - static_cast<std::int64_t>(b);
  };
  auto field_int = [&](std::string_view name, std::int64_t v) {
    ctx.reply.Bulk(name);
    ctx.reply.Integer(v);
  };
  auto field_double = [&](std::string_view name, double v) {
    ctx.reply.Bulk(name);
    ctx.reply.Double(v);
  };
  auto as_int = [](std::uint64_t v) { return static_cast<std::int64_t>(v); };

  ctx.reply.MapHeader(27 + dbs.size());
  field_int("peak.allocated", as_int(peak_bytes));
  field_int("total.allocated", as_int(total));
  field_int("startup.allocated", 0);
  field_int("replication.backlog", 0);
  field_int("clients.slaves", 0);
  field_int("clients.normal", 0);
  field_int("cluster.links", 0);
  field_int("aof.buffer", 0);
  field_int("lua.caches", 0);
  field_int("functions.caches", 0);
  for (const DbOverhead& o : dbs) {
    ctx.reply.Bulk("db." + std::to_string(o.db));
    ctx.reply.MapHeader(3);
    field_int("overhead.hashtable.main", as_int(o.main));
    field_int("overhead.hashtable.expires", as_int(o.expires));
    field_int("overhead.hashtable.slot-to-keys", 0);
  }
  field_int("overhead.total", as_int(overhead));
  field_int("keys.count", as_int(keys));
  field_int("keys.bytes-per-key", keys == 0 ? 0 : as_int(total / keys));
  field_int("dataset.bytes", as_int(dataset));
  field_double("dataset.percentage", 100.0 * ratio(dataset, total));
  field_double("peak.percentage", 100.0 * ratio(total, peak_bytes));
  field_int("allocator.allocated", as_int(st.allocated));
  field_int("allocator.active", as_int(st.active));
  field_int("allocator.resident", as_int(st.resident));
  field_double("allocator-fragmentation.ratio", ratio(st.active, st.allocated));
  field_int("allocator-fragmentation.bytes", diff(st.active, st.allocated));
  field_double("allocator-rss.ratio", ratio(st.resident, st.active));
  field_int("allocator-rss.bytes", diff(st.resident, st.active));
  field_double("rss-overhead.ratio", ratio(rss, st.resident));
  field_int("rss-overhead.bytes", diff(rss, st.resident));
  field_double("fragmentation", ratio(rss, total));
  field_int("fragmentation.bytes", diff(rss, total));
}

void CmdMemoryHelp(CommandContext& ctx) {
  ReplyHelp(ctx, "MEMORY",
            {
                "DOCTOR",
                "    Reply with a short report on the server's memory use.",
                "MALLOC-STATS",
                "    Reply with the memory allocator's own statistics report.",
                "PURGE",
                "    Ask the memory allocator to hand unused pages back to the system.",
                "STATS",
                "    Reply with a map of memory figures: allocator totals, per-database",
                "    overhead, dataset size.",
                "USAGE <key> [SAMPLES <count>]",
                "    Reply with the number of bytes <key> and its value take. Sizes are exact;",
                "    SAMPLES is accepted and ignored.",
            });
}

}  // namespace

void RegisterKeyspaceMemoryCommands(CommandTable* table) {
  auto& memory = table->Add("memory", -2, 0, nullptr);
  memory.Sub("usage", -3, kCmdReadOnly, CmdMemoryUsage)
      .Keys(2, 2, 1)
      .Specs({kKsRO})
      .Intent(KeyIntent::kRead);  // stronger than Redis's RO: the size needs the value
  memory.Sub("doctor", 2, 0, CmdMemoryDoctor);
  memory.Sub("malloc-stats", 2, 0, CmdMemoryMallocStats);
  memory.Sub("purge", 2, 0, CmdMemoryPurge);
  memory.Sub("stats", 2, kCmdKeyspace, CmdMemoryStats);
  memory.Sub("help", 2, kCmdLoading | kCmdStale, CmdMemoryHelp);
}

}  // namespace strata
