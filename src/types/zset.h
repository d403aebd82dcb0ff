// The sorted set value: members ordered by (score, member bytes), unique members.
//
// Two representations, as Redis's OBJECT ENCODING reports them:
//  - "listpack": one exactly-sized buffer of sorted entries [varint len][member][score],
//    the score an integer varint when it is integral (else a tagged 8-byte double), for
//    small sets (at most zset-max-listpack-entries entries, each member at most
//    zset-max-listpack-value bytes). Operations are linear scans over a few KB.
//  - "skiplist": a skiplist with span counts (O(log n) insert, delete, rank, and rank of a
//    score/lex bound) plus an open-addressing member -> node hash set.
// Conversion is one way (listpack -> skiplist), as in Redis.
//
// Every range query is expressed through ranks: a bound becomes "how many leading entries
// lie below it" (CountBelow), so ranges by score, lex and rank share one iteration path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "strata/function_ref.h"
#include "strata/status.h"
#include "strata/value.h"

namespace strata::types {

class ZSetObject final : public Object {
 public:
  static constexpr ValueType kType = ValueType::kZSet;

  // An empty set; starts as a skiplist when `size_hint` or `max_member_len` already exceed
  // the listpack limits (or the entries limit is 0).
  explicit ZSetObject(std::size_t size_hint = 0, std::size_t max_member_len = 0);
  ~ZSetObject() override;
  ZSetObject(const ZSetObject&) = delete;
  ZSetObject& operator=(const ZSetObject&) = delete;

  ValueType type() const override { return kType; }
  std::string_view encoding() const override { return sl_ ? "skiplist" : "listpack"; }
  std::size_t MemoryUsage() const override;
  std::unique_ptr<Object> Clone() const override;
  void Encode(std::string* out) const override;
  static StatusOr<std::unique_ptr<ZSetObject>> Decode(std::string_view in);

  std::size_t size() const;
  bool is_listpack() const { return sl_ == nullptr; }

  std::optional<double> Score(std::string_view member) const;
  // Inserts `member` (must be absent). Converts to a skiplist first if needed.
  void Insert(std::string_view member, double score);
  // Changes the score of a present member from `old_score` to `score`.
  void Update(std::string_view member, double old_score, double score);
  bool Remove(std::string_view member);
  // Ascending 0-based rank, nullopt when absent.
  std::optional<std::size_t> Rank(std::string_view member) const;

  // Calls fn(member, score) for `count` entries starting at ascending rank `start`, going
  // up, or (reverse) going down from rank `start`. The range must be valid.
  void ForRange(std::size_t start, std::size_t count, bool reverse,
                FunctionRef<void(std::string_view, double)> fn) const;
  // Removes the entries of ascending ranks [start, end).
  void RemoveRange(std::size_t start, std::size_t end);
  // One ZSCAN step: a listpack is visited whole (returns cursor 0); a skiplist visits hash
  // buckets by home slot in reverse-binary cursor order, so members present for a whole scan
  // are seen at least once even if the table grows meanwhile. Returns the next cursor.
  std::uint64_t Scan(std::uint64_t cursor, std::size_t count,
                     FunctionRef<void(std::string_view, double)> fn) const;
  // The length of the longest prefix (in ascending order) whose entries all satisfy
  // `below(score, member)`; the predicate must be monotone (true then false) over the set.
  std::size_t CountBelow(FunctionRef<bool(double, std::string_view)> below) const;

 private:
  struct SkipList;
  void ConvertToSkipList();
  // Listpack helpers.
  struct LpEntry {
    std::string_view member;
    double score;
    std::size_t next;  // offset of the following entry
  };
  LpEntry LpAt(std::size_t off) const;
  std::size_t LpFind(std::string_view member) const;  // npos when absent
  std::size_t LpOffsetOfRank(std::size_t rank) const;
  void LpInsert(std::string_view member, double score);
  // Replaces lp_[off, off+erase) with `ins`, keeping the buffer exactly sized (as a listpack
  // is): small sets are many, so slack capacity would dominate their memory.
  void LpSplice(std::size_t off, std::size_t erase, std::string_view ins);
  static void LpAppendEntry(std::string* out, std::string_view member, double score);

  char* lp_ = nullptr;  // listpack entries (when sl_ is null), malloc'ed
  std::uint32_t lp_bytes_ = 0;
  std::uint32_t lp_count_ = 0;
  SkipList* sl_ = nullptr;
};

// Redis's order of sorted set entries: by score, then by member bytes (shorter first on a
// common prefix).
inline bool ZLess(double s1, std::string_view m1, double s2, std::string_view m2) {
  return s1 < s2 || (s1 == s2 && m1 < m2);
}

}  // namespace strata::types
