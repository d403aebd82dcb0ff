// WATCH scenarios for the differential test: client A watches keys, client B runs writes,
// then A runs MULTI; PING; EXEC. Redis aborts the EXEC exactly when a watched key was
// signalled as modified (signalModifiedKey, FLUSHDB/FLUSHALL/SWAPDB touching it) or expired
// while watched, so comparing the EXEC outcome with redis-server's checks that every
// command signals where Redis does, including its no-op forms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace strata::test {

struct WatchCase {
  using Args = std::vector<std::string>;

  std::string label;        // for failure reports, e.g. "LPOP k 0 | k=list"
  std::vector<Args> setup;  // run by B, from db 0, on freshly flushed servers
  int watch_db = 0;         // A selects it, then watches `watched`
  std::vector<std::string> watched;
  // > 0: after A's WATCH, wait (by polling) until a key set with this PX in watch_db has
  // expired, so that watched keys set up with a TTL at most this long have expired too.
  int expire_wait_ms = 0;
  // Empty, or a blocking command a third client C runs in db 0 after A's WATCH and before
  // the writer; C must be blocked before the writer starts, and a writer must serve it.
  Args blocked;
  std::vector<Args> writer;  // run by B, from db 0, after A's WATCH
  // Writer replies that are random in Redis (SPOP of one of several members): only the
  // EXEC outcome is compared.
  bool random_reply = false;
  // Writer replies that are arrays in hash-table order: compared as multisets.
  bool unordered_reply = false;
};

// Edge cases for every write command Strata implements (each case's writer names the
// command it covers), over keys of every type and state.
std::vector<WatchCase> SystematicWatchCases();

// `count` cases drawn from the seeded random command stream (CommandGenerator): random
// setup, random watched keys, random writer commands.
std::vector<WatchCase> RandomWatchCases(std::uint64_t seed, std::size_t count);

}  // namespace strata::test
