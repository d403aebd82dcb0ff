#include "command_generator_watch.h"

#include <random>
#include <sstream>
#include <utility>

#include "command_generator.h"

namespace strata::test {
namespace {

using Args = WatchCase::Args;

// "RPUSH k a b" -> {"RPUSH", "k", "a", "b"}. The cases need no binary or empty arguments
// except where written as "''".
Args Words(const std::string& line) {
  Args out;
  std::istringstream in(line);
  std::string w;
  while (in >> w) out.push_back(w == "''" ? std::string() : w);
  return out;
}

std::vector<Args> Lines(const std::vector<std::string>& lines) {
  std::vector<Args> out;
  for (const auto& l : lines) out.push_back(Words(l));
  return out;
}

// The states the primary key `k` is put in before a command runs on it: absent, each type,
// and with a TTL (so that writes keeping, replacing or clearing a TTL are covered).
struct KeyState {
  const char* name;
  std::vector<std::string> setup;
};

const std::vector<KeyState>& KStates() {
  static const std::vector<KeyState> states = {
      {"absent", {}},
      {"string", {"SET k 10"}},
      {"list", {"RPUSH k a b c"}},
      {"hash", {"HSET k f 1 g 2"}},
      {"set", {"SADD k a b c"}},
      {"zset", {"ZADD k 1 a 2 b 3 c"}},
      {"string+ttl", {"SET k 10 EX 100000"}},
      {"list+ttl", {"RPUSH k a", "EXPIRE k 100000"}},
      // one element: a pop or remove empties the collection, which deletes the key
      {"list of 1", {"RPUSH k a"}},
      {"hash of 1", {"HSET k f 1"}},
      {"set of 1", {"SADD k a"}},
      {"zset of 1", {"ZADD k 1 a"}},
      // a stream with a group that has delivered its first entry to consumer c
      {"stream", {"XADD k 1-1 a 1", "XADD k 2-1 b 2", "XGROUP CREATE k g 0",
                  "XREADGROUP GROUP g c COUNT 1 STREAMS k >"}},
      {"stream of 1", {"XADD k 1-1 a 1"}},
  };
  return states;
}

// One command form, run against `k` in every KStates() state. A form that names a second
// key `d` is also run with only `d` watched; `extra` sets `d` (and others) up.
struct Form {
  std::string line;
  std::vector<std::string> extra = {};
  bool random_reply = false;
  bool unordered_reply = false;
};

const std::vector<Form>& Forms() {
  static const std::vector<Form> forms = {
      // strings
      {"SET k 10"}, {"SET k 11"}, {"SET k 10 KEEPTTL"}, {"SET k v NX"}, {"SET k v XX"},
      {"SET k 10 GET"}, {"SET k v EX 100"}, {"SET k v EX 0"}, {"SET k v EXAT 1"},
      {"SET k v PXAT 4102444800000"}, {"SETNX k v"}, {"SETEX k 100 v"}, {"SETEX k 0 v"},
      {"PSETEX k 100000 v"}, {"GETSET k 10"}, {"GETDEL k"}, {"GETEX k"}, {"GETEX k PERSIST"},
      {"GETEX k EX 100"}, {"GETEX k PXAT 1"}, {"APPEND k ''"}, {"APPEND k x"},
      {"SETRANGE k 0 ''"}, {"SETRANGE k 5 ''"}, {"SETRANGE k 0 1"}, {"SETRANGE k 3 x"},
      {"INCR k"}, {"INCRBY k 0"}, {"DECR k"}, {"DECRBY k 0"}, {"INCRBYFLOAT k 0"},
      {"INCRBYFLOAT k 1.5"}, {"INCRBY k abc"}, {"MSET k 10"}, {"MSET a 1 k 10"},
      {"MSETNX k 1"}, {"MSETNX a 1 k 1"}, {"MSETNX k 1 a 1", {"SET a 1"}},
      // keyspace
      {"DEL k"}, {"DEL zz"}, {"UNLINK k"}, {"UNLINK zz k"}, {"EXPIRE k 100"}, {"EXPIRE k -1"},
      {"EXPIRE k 0"}, {"EXPIRE k 100 NX"}, {"EXPIRE k 100 XX"}, {"EXPIRE k 100 GT"},
      {"EXPIRE k 100 LT"}, {"EXPIRE k 200000 GT"}, {"EXPIRE k abc"}, {"PEXPIRE k 100000"},
      {"PEXPIRE k 0"}, {"PEXPIRE k 1 XX"}, {"EXPIREAT k 1"}, {"EXPIREAT k 4102444800"},
      {"EXPIREAT k 4102444800 NX"}, {"PEXPIREAT k 1"}, {"PEXPIREAT k 4102444800000 LT"},
      {"PERSIST k"}, {"RENAME k k"}, {"RENAME k d"}, {"RENAME k d", {"SET d x"}},
      {"RENAMENX k k"}, {"RENAMENX k d"}, {"RENAMENX k d", {"SET d x"}}, {"MOVE k 1"},
      {"MOVE k 1", {"SELECT 1", "SET k x", "SELECT 0"}}, {"MOVE k 0"}, {"MOVE k 99"},
      {"COPY k d"}, {"COPY k d", {"SET d x"}}, {"COPY k d REPLACE", {"SET d x"}}, {"COPY k k"},
      {"COPY k d DB 1"}, {"FLUSHDB"}, {"FLUSHALL"}, {"SWAPDB 0 1"}, {"SWAPDB 0 0"},
      {"SWAPDB 1 2"}, {"SWAPDB 0 1", {"SELECT 1", "SET k x", "SELECT 0"}},
      // lists
      {"LPUSH k x"}, {"RPUSH k x"}, {"LPUSHX k x"}, {"RPUSHX k x"}, {"LPOP k"}, {"LPOP k 0"},
      {"LPOP k 1"}, {"LPOP k 10"}, {"LPOP k -1"}, {"RPOP k"}, {"RPOP k 0"}, {"RPOP k 2"},
      {"LREM k 0 zz"}, {"LREM k 0 a"}, {"LREM k 1 b"}, {"LSET k 0 a"}, {"LSET k 0 x"},
      {"LSET k 10 x"}, {"LTRIM k 0 -1"}, {"LTRIM k 0 100"}, {"LTRIM k 1 -1"}, {"LTRIM k 5 10"},
      {"LINSERT k BEFORE zz x"}, {"LINSERT k AFTER a x"}, {"LMOVE k d LEFT RIGHT"},
      {"LMOVE k d LEFT RIGHT", {"SET d x"}}, {"LMOVE k d LEFT RIGHT", {"RPUSH d z"}},
      {"LMOVE k k LEFT RIGHT"}, {"LMOVE k k LEFT LEFT"}, {"RPOPLPUSH k d"}, {"RPOPLPUSH k k"},
      {"LMPOP 1 k LEFT"}, {"LMPOP 2 zz k RIGHT COUNT 2"}, {"LMPOP 1 k LEFT COUNT 0"},
      {"BLPOP k 0.01"}, {"BRPOP zz k 0.01"}, {"BLMOVE k d LEFT LEFT 0.01"},
      {"BLMOVE k k RIGHT LEFT 0.01"}, {"BRPOPLPUSH k d 0.01"}, {"BLMPOP 0.01 1 k LEFT"},
      {"BLMPOP 0.01 1 k RIGHT COUNT 5"},
      // hashes
      {"HSET k f 1"}, {"HSET k f x"}, {"HSET k n 1"}, {"HSET k f 1 g 2"}, {"HMSET k f 1"},
      {"HMSET k n 1"}, {"HSETNX k f 1"}, {"HSETNX k n 1"}, {"HDEL k zz"}, {"HDEL k f"},
      {"HDEL k f g"}, {"HINCRBY k f 0"}, {"HINCRBY k n 1"}, {"HINCRBY k f abc"},
      {"HINCRBYFLOAT k f 0"}, {"HINCRBYFLOAT k f 0.5"},
      // sets
      {"SADD k a"}, {"SADD k x"}, {"SADD k a b c"}, {"SREM k zz"}, {"SREM k a"},
      {"SREM k a b c"}, {"SPOP k 0"}, {"SPOP k", {}, true}, {"SPOP k 1", {}, true},
      {"SPOP k 10", {}, false, true}, {"SMOVE k d a"}, {"SMOVE k d zz"}, {"SMOVE k k a"},
      {"SMOVE k d a", {"SADD d a"}}, {"SMOVE k d a", {"SET d x"}}, {"SINTERSTORE d k"},
      {"SINTERSTORE d zz", {"SADD d a"}}, {"SINTERSTORE d k", {"SADD d a b c"}},
      {"SUNIONSTORE d k"}, {"SUNIONSTORE k k"}, {"SDIFFSTORE d k k", {"SADD d a"}},
      {"SDIFFSTORE d zz"}, {"SDIFFSTORE d k"},
      // sorted sets
      {"ZADD k 1 a"}, {"ZADD k 5 a"}, {"ZADD k NX 5 a"}, {"ZADD k XX 5 zz"},
      {"ZADD k XX CH 1 a"}, {"ZADD k GT 0 a"}, {"ZADD k LT 0 a"}, {"ZADD k INCR 0 a"},
      {"ZADD k 1 x"}, {"ZADD k abc a"}, {"ZINCRBY k 0 a"}, {"ZINCRBY k 1 a"}, {"ZREM k zz"},
      {"ZREM k a"}, {"ZREM k a b c"}, {"ZREMRANGEBYSCORE k 10 20"},
      {"ZREMRANGEBYSCORE k -inf +inf"}, {"ZREMRANGEBYRANK k 5 10"}, {"ZREMRANGEBYRANK k 0 0"},
      {"ZREMRANGEBYLEX k [x [z"}, {"ZREMRANGEBYLEX k - +"}, {"ZPOPMIN k"}, {"ZPOPMIN k 0"},
      {"ZPOPMAX k 2"}, {"ZPOPMAX k 10"}, {"ZMPOP 1 k MIN"}, {"ZMPOP 2 zz k MAX COUNT 5"},
      {"BZPOPMIN k 0.01"}, {"BZPOPMAX zz k 0.01"}, {"BZMPOP 0.01 1 k MAX"},
      {"ZRANGESTORE d k 0 -1"}, {"ZRANGESTORE d k 5 10", {"ZADD d 1 a"}},
      {"ZRANGESTORE d k 5 10"}, {"ZUNIONSTORE d 1 k"}, {"ZUNIONSTORE k 1 k"},
      {"ZINTERSTORE d 2 k zz", {"ZADD d 1 a"}}, {"ZINTERSTORE d 1 k"}, {"ZDIFFSTORE d 1 k"},
      {"ZDIFFSTORE d 2 k k", {"ZADD d 1 a"}},
      // streams (explicit IDs: an automatic one would differ between the servers)
      {"XADD k 5-1 f v"}, {"XADD k 1-1 f v"}, {"XADD k NOMKSTREAM 5-1 f v"},
      {"XADD k MAXLEN 0 5-1 f v"}, {"XADD k 5-* f v"}, {"XDEL k 1-1"}, {"XDEL k 9-9"},
      {"XTRIM k MAXLEN 0"}, {"XTRIM k MAXLEN 100"}, {"XTRIM k MINID ~ 9"}, {"XSETID k 5-5"},
      {"XSETID k 0-1"}, {"XGROUP CREATE k g2 0"}, {"XGROUP CREATE k g2 $ MKSTREAM"},
      {"XGROUP SETID k g 0"}, {"XGROUP DESTROY k g"}, {"XGROUP CREATECONSUMER k g x"},
      {"XGROUP DELCONSUMER k g c"}, {"XREADGROUP GROUP g r STREAMS k >"},
      {"XREADGROUP GROUP g c STREAMS k 0"}, {"XREADGROUP GROUP g c NOACK STREAMS k >"},
      {"XACK k g 1-1"}, {"XACK k g 9-9"}, {"XCLAIM k g d 0 1-1 JUSTID"},
      {"XAUTOCLAIM k g d 0 0 JUSTID"}, {"XRANGE k - +"}, {"XREAD STREAMS k 0"},
      // reads: never abort
      {"GET k"}, {"EXISTS k"}, {"TYPE k"},
  };
  return forms;
}

bool NamesKey(const Args& args, const std::string& key) {
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == key) return true;
  }
  return false;
}

// Cases that involve several databases, expiry while watched, or whole-database commands;
// written out one by one because the interesting part is the combination.
void AddExplicitCases(std::vector<WatchCase>* out) {
  auto add = [out](std::string label, std::vector<std::string> setup, int db,
                   std::vector<std::string> watched, std::vector<std::string> writer,
                   int expire_wait_ms = 0) {
    WatchCase c;
    c.label = std::move(label);
    c.setup = Lines(setup);
    c.watch_db = db;
    c.watched = std::move(watched);
    c.writer = Lines(writer);
    c.expire_wait_ms = expire_wait_ms;
    out->push_back(std::move(c));
  };
  // Same key name, other database: not the watched key.
  add("SET in other db", {"SET k 1"}, 1, {"k"}, {"SET k 2"});
  add("SET in watched db 1", {}, 1, {"k"}, {"SELECT 1", "SET k 2"});
  add("MOVE into watched db", {"SET k 1"}, 1, {"k"}, {"MOVE k 1"});
  add("MOVE into watched db, target exists", {"SET k 1", "SELECT 1", "SET k 2"}, 1, {"k"},
      {"MOVE k 1"});
  add("MOVE out of watched db 1", {"SELECT 1", "SET k 1"}, 1, {"k"}, {"SELECT 1", "MOVE k 0"});
  add("COPY into watched db", {"SET k 1"}, 1, {"d"}, {"COPY k d DB 1"});
  add("COPY into watched db, target exists", {"SET k 1", "SELECT 1", "SET d 2"}, 1, {"d"},
      {"COPY k d DB 1"});
  add("COPY REPLACE into watched db", {"SET k 1", "SELECT 1", "SET d 2"}, 1, {"d"},
      {"COPY k d DB 1 REPLACE"});
  add("RENAME in db 1", {"SELECT 1", "SET k 1"}, 1, {"d"}, {"SELECT 1", "RENAME k d"});
  add("FLUSHDB of another db", {"SELECT 1", "SET k 1"}, 1, {"k"}, {"FLUSHDB"});
  add("FLUSHDB of watched db 1", {"SELECT 1", "SET k 1"}, 1, {"k"}, {"SELECT 1", "FLUSHDB"});
  add("FLUSHDB, watched absent", {"SET a 1"}, 0, {"k"}, {"FLUSHDB"});
  add("FLUSHALL, watched absent in db 1", {"SET k 1"}, 1, {"k"}, {"FLUSHALL"});
  add("FLUSHALL, watched in db 1", {"SELECT 1", "SET k 1"}, 1, {"k"}, {"FLUSHALL"});
  add("SWAPDB 0 1, k only in db 1", {"SELECT 1", "SET k 1"}, 0, {"k"}, {"SWAPDB 0 1"});
  add("SWAPDB 1 0, k in both", {"SET k 0", "SELECT 1", "SET k 1"}, 0, {"k"}, {"SWAPDB 1 0"});
  add("SWAPDB 1 2, watched in 1", {"SELECT 2", "SET k 1"}, 1, {"k"}, {"SWAPDB 1 2"});
  add("SWAPDB 1 2, watched in 0", {"SELECT 2", "SET k 1"}, 0, {"k"}, {"SWAPDB 1 2"});
  add("SWAPDB 0 1, neither has k", {"SET a 1"}, 0, {"k"}, {"SWAPDB 0 1"});
  // Expiry while watched: Redis 7.0 aborts when a key that existed at WATCH time has expired
  // by EXEC, whether or not anything touched it meanwhile.
  add("expired while watched", {"SET k 1 PX 300"}, 0, {"k"}, {}, 300);
  add("expired while watched, then read", {"SET k 1 PX 300"}, 0, {"k"}, {"GET k"}, 300);
  add("expired while watched, then set", {"SET k 1 PX 300"}, 0, {"k"}, {"SET k 2"}, 300);
  add("expired while watched in db 1", {"SELECT 1", "SET k 1 PX 300"}, 1, {"k"}, {}, 300);
  add("expired while watched, then FLUSHDB", {"SET k 1 PX 300"}, 0, {"k"}, {"FLUSHDB"}, 300);
  add("expired while watched, then SWAPDB", {"SET k 1 PX 300"}, 0, {"k"}, {"SWAPDB 0 1"},
      300);
  add("other key expired while watched", {"SET a 1 PX 300", "SET k 1"}, 0, {"k"}, {}, 300);
  add("expired list while watched", {"RPUSH k a", "PEXPIRE k 300"}, 0, {"k"}, {"LPOP k 0"},
      300);
  // Writes inside the writer's own transaction signal when its EXEC runs them.
  add("writer's MULTI with a no-op", {"RPUSH k a"}, 0, {"k"}, {"MULTI", "LPOP k 0", "EXEC"});
  add("writer's MULTI with a write", {"RPUSH k a"}, 0, {"k"}, {"MULTI", "LPOP k", "EXEC"});
  add("writer's MULTI discarded", {"RPUSH k a"}, 0, {"k"}, {"MULTI", "LPOP k", "DISCARD"});
  // A key that never existed and was never written.
  add("watched absent, untouched", {}, 0, {"k"}, {});
  add("watch several, one written", {"SET a 1", "SET k 1"}, 0, {"a", "k", "zz"},
      {"SET zz 1"});
}

// A third client blocked on a key is served by the writer's push: serving it is a write of
// its own (the popped source, BLMOVE's destination) that signals as Redis does.
void AddBlockedCases(std::vector<WatchCase>* out) {
  struct Blocked {
    const char* blocked;
    const char* writer;
    std::vector<std::string> watched;
  };
  const std::vector<Blocked> cases = {
      {"BLPOP k 0", "RPUSH k a", {"k"}},
      {"BLMOVE k d LEFT RIGHT 0", "RPUSH k a", {"d"}},
      {"BLMOVE k d LEFT RIGHT 0", "RPUSH k a", {"k"}},
      {"BRPOPLPUSH k k 0", "RPUSH k a", {"k"}},
      {"BLMPOP 0 1 k LEFT COUNT 2", "RPUSH k a b c", {"k"}},
      {"BZPOPMIN k 0", "ZADD k 1 a", {"k"}},
      {"BZMPOP 0 1 k MAX", "ZADD k 1 a 2 b", {"k"}},
      {"BLPOP k 0", "SET d 1", {"k"}},
  };
  for (const Blocked& b : cases) {
    WatchCase c;
    c.label = std::string(b.blocked) + " served by " + b.writer;
    c.watched = b.watched;
    c.blocked = Words(b.blocked);
    c.writer = {Words(b.writer)};
    if (std::string(b.writer).rfind("SET", 0) == 0) c.writer.push_back(Words("RPUSH k z"));
    out->push_back(std::move(c));
  }
}

}  // namespace

std::vector<WatchCase> SystematicWatchCases() {
  std::vector<WatchCase> out;
  for (const Form& f : Forms()) {
    const Args writer = Words(f.line);
    std::vector<std::vector<std::string>> watch_sets = {{"k"}};
    if (NamesKey(writer, "d")) watch_sets.push_back({"d"});
    for (const KeyState& st : KStates()) {
      for (const auto& watched : watch_sets) {
        WatchCase c;
        c.label = f.line + " | k=" + st.name;
        if (!f.extra.empty()) c.label += " after " + f.extra.front() + "...";
        if (watched.front() != "k") c.label += " | watching d";
        c.setup = Lines(st.setup);
        for (const auto& e : f.extra) c.setup.push_back(Words(e));
        c.watched = watched;
        c.writer = {writer};
        c.random_reply = f.random_reply;
        c.unordered_reply = f.unordered_reply;
        out.push_back(std::move(c));
      }
    }
  }
  AddExplicitCases(&out);
  AddBlockedCases(&out);
  return out;
}

std::vector<WatchCase> RandomWatchCases(std::uint64_t seed, std::size_t count) {
  CommandGenerator gen(seed);
  std::mt19937_64 rng(seed ^ 0x57A7C11ULL);
  auto uniform = [&rng](std::size_t lo, std::size_t hi) {
    return std::uniform_int_distribution<std::size_t>(lo, hi)(rng);
  };
  const auto& keys = CommandGenerator::Keys();
  std::vector<WatchCase> out;
  for (std::size_t i = 0; i < count; ++i) {
    WatchCase c;
    c.label = "random #" + std::to_string(i);
    for (std::size_t n = uniform(0, 12); n > 0; --n) c.setup.push_back(gen.NextSingle().args);
    c.watch_db = uniform(0, 5) == 0 ? 1 : 0;
    for (std::size_t n = uniform(1, 3); n > 0; --n) {
      c.watched.push_back(keys[uniform(0, keys.size() - 1)]);
    }
    for (std::size_t n = uniform(1, 3); n > 0; --n) c.writer.push_back(gen.NextSingle().args);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace strata::test
