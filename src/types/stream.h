// The stream value: entries (an ID and a field/value list each) in strictly increasing ID
// order, plus the consumer groups with their pending entries lists (PEL) and consumers.
//
// Entries live in nodes, each a compact byte buffer of up to stream-node-max-entries
// entries, indexed by the ID of the node's first entry (an ordered map), so an append at the
// tail and a range read from either end cost O(log nodes + returned). Within a node IDs are
// stored as varint deltas from that first ("master") entry, and an entry whose field names
// are the master's stores only its values — Redis's listpack layout in spirit, so the memory
// per entry is no more than Redis's. A deleted entry keeps its place with a flag until its
// whole node is empty, as in Redis.
//
// Node boundaries follow Redis's rule exactly (a new node when the tail node holds
// stream-node-max-entries entries, deleted ones included, or its listpack would pass
// stream-node-max-bytes; the listpack size Redis would have is tracked per node), because
// they are visible: XADD/XTRIM with `~` remove whole nodes only, and XINFO STREAM reports
// the node count as radix-tree-keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "strata/function_ref.h"
#include "strata/status.h"
#include "strata/value.h"

namespace strata::types {

struct StreamID {
  std::uint64_t ms = 0;
  std::uint64_t seq = 0;

  auto operator<=>(const StreamID&) const = default;
  bool IsZero() const { return ms == 0 && seq == 0; }
  static constexpr StreamID Min() { return {0, 0}; }
  static constexpr StreamID Max() { return {UINT64_MAX, UINT64_MAX}; }
  // The ID right after / before this one; false (unchanged) at Max() / Min().
  bool Increment();
  bool Decrement();
  // "<ms>-<seq>".
  std::string ToString() const;
  void AppendTo(std::string* out) const;
};

// An entry's fields and values, flattened: f1, v1, f2, v2... Views into the stream; valid
// only during the callback that receives them.
using StreamFields = std::span<const std::string_view>;

struct StreamConsumer;

// One delivered, not yet acknowledged entry of a group (Redis's streamNACK).
struct StreamPending {
  StreamConsumer* consumer = nullptr;  // its owner; never null in a consistent group
  std::int64_t delivery_time_ms = 0;   // Unix ms of the last delivery
  std::uint64_t delivery_count = 0;
};

struct StreamConsumer {
  std::string name;
  std::int64_t seen_time_ms = 0;  // Unix ms of its last read or claim
  // Its share of the group's PEL, in ID order; the values point into StreamGroup::pel.
  std::map<StreamID, StreamPending*> pel;
};

struct StreamGroup {
  // Redis's SCG_INVALID_ENTRIES_READ: the group's read counter is not known.
  static constexpr std::int64_t kUnknownEntriesRead = -1;

  StreamID last_delivered;
  std::int64_t entries_read = kUnknownEntriesRead;
  std::map<StreamID, StreamPending> pel;
  // Ordered by name bytes, as Redis lists them.
  std::map<std::string, std::unique_ptr<StreamConsumer>, std::less<>> consumers;

  StreamConsumer* FindConsumer(std::string_view name) const;
  // The consumer `name`, created (seen now) if missing; *created tells which.
  StreamConsumer* LookupOrCreateConsumer(std::string_view name, std::int64_t now_ms,
                                         bool* created);
  // Deletes a consumer with its pending entries; returns how many it had.
  std::size_t DeleteConsumer(std::string_view name);
  // Adds or re-assigns `id` in the PEL to `consumer` with the given delivery data.
  StreamPending* Assign(StreamID id, StreamConsumer* consumer, std::int64_t delivery_time_ms,
                        std::uint64_t delivery_count);
  // Drops `id` from the PEL (and its owner's); false if it was not pending.
  bool Acknowledge(StreamID id);
};

// How XADD's and XTRIM's trimming is asked for.
struct StreamTrim {
  enum class Strategy : std::uint8_t { kNone, kMaxLen, kMinId };
  Strategy strategy = Strategy::kNone;
  std::uint64_t max_len = 0;  // kMaxLen
  StreamID min_id;            // kMinId
  bool approx = false;        // `~`: whole nodes only
  std::uint64_t limit = 0;    // most entries removed; 0 = no limit
};

class StreamObject final : public Object {
 public:
  static constexpr ValueType kType = ValueType::kStream;

  StreamObject();
  ~StreamObject() override;
  StreamObject(const StreamObject&) = delete;
  StreamObject& operator=(const StreamObject&) = delete;

  ValueType type() const override { return kType; }
  std::string_view encoding() const override { return "stream"; }
  std::size_t MemoryUsage() const override;
  std::unique_ptr<Object> Clone() const override;
  void Encode(std::string* out) const override;
  static StatusOr<std::unique_ptr<StreamObject>> Decode(std::string_view in);

  // Live entries (XLEN). A stream stays under its key when it becomes empty.
  std::size_t size() const { return length_; }
  // Nodes holding entries (XINFO's radix-tree-keys).
  std::size_t node_count() const { return nodes_.size(); }
  // Each node's key (its first entry's ID), ascending: XINFO STREAM derives from them the
  // size of the radix tree Redis would index the nodes with (radix-tree-nodes).
  void ForEachNodeKey(FunctionRef<void(StreamID)> fn) const {
    for (const auto& node : nodes_) fn(node.first);
  }

  StreamID last_id() const { return last_id_; }
  StreamID max_deleted_id() const { return max_deleted_id_; }
  std::uint64_t entries_added() const { return entries_added_; }
  // Redis's recorded first entry ID: the first live entry's, 0-0 when empty.
  StreamID first_id() const { return first_id_; }
  // XSETID.
  void set_last_id(StreamID id) { last_id_ = id; }
  void set_max_deleted_id(StreamID id) { max_deleted_id_ = id; }
  void set_entries_added(std::uint64_t n) { entries_added_ = n; }

  // What Redis wakes a blocked reader for, seen from the stream: it changes with every
  // Append and every group destroyed, and differs between any two stream objects (a copy
  // included). A reader compares it to tell those from the writes Redis leaves it waiting
  // through (XSETID, XGROUP SETID, XACK ...). Not persisted.
  struct WakeStamp {
    std::uint64_t object = 0;  // 0: no stream
    std::uint64_t wakes = 0;
    bool operator==(const WakeStamp&) const = default;
  };
  WakeStamp wake_stamp() const { return {serial_, wakes_}; }

  // Appends an entry; `id` must be greater than last_id() and `fields` non-empty and even.
  // Advances last_id and entries_added.
  void Append(StreamID id, StreamFields fields);
  // XDEL of one ID: true if it was a live entry (then max_deleted_id and first_id follow).
  bool Delete(StreamID id);
  // Redis's trimming (streamTrim): returns how many entries were removed.
  std::uint64_t Trim(const StreamTrim& trim);

  // Visits the live entries with start <= ID <= end, ascending (or, with `reverse`,
  // descending), until `fn` returns false.
  void ForRange(StreamID start, StreamID end, bool reverse,
                FunctionRef<bool(StreamID, StreamFields)> fn) const;
  // Calls `fn` with the fields of live entry `id`; false if there is no such entry.
  bool Lookup(StreamID id, FunctionRef<void(StreamFields)> fn) const;
  // The first / last live entry's ID.
  std::optional<StreamID> FirstEntryId() const;
  std::optional<StreamID> LastEntryId() const;

  // Redis's streamEstimateDistanceFromFirstEverEntry: the entries_read counter a group whose
  // last delivered ID is `id` would have, or kUnknownEntriesRead.
  std::int64_t EstimateEntriesRead(StreamID id) const;
  // Whether a deleted entry may lie in [start, end] (Redis's streamRangeHasTombstones).
  bool RangeHasTombstones(StreamID start, StreamID end) const;

  using Groups = std::map<std::string, std::unique_ptr<StreamGroup>, std::less<>>;
  const Groups& groups() const { return groups_; }
  StreamGroup* FindGroup(std::string_view name) const;
  // nullptr if a group of that name exists.
  StreamGroup* CreateGroup(std::string_view name, StreamID last_delivered,
                           std::int64_t entries_read);
  bool DestroyGroup(std::string_view name);

 private:
  struct Node;
  using Nodes = std::map<StreamID, std::unique_ptr<Node>>;
  // The node that holds `id` if any entry of it does: the last node starting at or before it.
  Nodes::const_iterator NodeFor(StreamID id) const;
  void RefreshFirstId();

  Nodes nodes_;
  std::size_t length_ = 0;
  StreamID last_id_;
  StreamID max_deleted_id_;
  std::uint64_t entries_added_ = 0;
  StreamID first_id_;
  Groups groups_;
  std::uint64_t serial_;  // unique per object, never 0
  std::uint64_t wakes_ = 0;
};

}  // namespace strata::types
