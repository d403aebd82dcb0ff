#include "types/stream.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <vector>

#include "types/codec.h"
#include "types/encoding_limits.h"

namespace strata::types {
namespace {

constexpr std::uint8_t kFormatVersion = 1;

// Entry flags, one byte at the start of each entry.
constexpr std::uint8_t kFlagDeleted = 1;
constexpr std::uint8_t kFlagSameFields = 2;

// Redis caps a stream listpack at 1 GB whatever stream-node-max-bytes says.
constexpr std::uint64_t kListpackMaxBytes = 1ull << 30;

// --- Redis's listpack sizes, to split nodes where Redis does ---------------------------

std::uint64_t LpIntSize(std::int64_t v) {
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= INT16_MIN && v <= INT16_MAX) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= INT32_MIN && v <= INT32_MAX) return 5;
  return 9;
}

// The bytes one listpack element takes: its encoding and data, then its back-length.
std::uint64_t LpElement(std::uint64_t encoded) {
  std::uint64_t back = encoded <= 127 ? 1 : encoded < 16383 ? 2 : encoded < 2097151 ? 3
                       : encoded < 268435455 ? 4 : 5;
  return encoded + back;
}

std::uint64_t LpInt(std::int64_t v) { return LpElement(LpIntSize(v)); }

// A listpack stores a string that is the canonical form of a 64-bit integer as that integer.
std::uint64_t LpString(std::string_view s) {
  if (!s.empty() && s.size() <= 20 && !(s.size() > 1 && s[0] == '0') && s != "-" &&
      !(s[0] == '-' && s.size() > 1 && s[1] == '0')) {
    std::int64_t v;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size()) return LpInt(v);
  }
  const std::uint64_t n = s.size();
  return LpElement(n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n);
}

// --- entry layout within a node's buffer -------------------------------------------------
// [flags u8][varint ms - master.ms][varint seq - master.seq, wrapping]
// then, with kFlagSameFields, the values of the master's fields, else [varint n] and n
// field/value pairs; every string as [varint length][bytes].

struct ParsedEntry {
  std::size_t flags_offset = 0;
  std::uint8_t flags = 0;
  StreamID id;
};

}  // namespace

struct StreamObject::Node {
  StreamID master;  // the first entry's ID, the node's key
  StreamID last;    // the last entry appended, deleted or not
  std::uint32_t live = 0;
  std::uint32_t deleted = 0;
  std::uint32_t master_fields = 0;
  std::size_t entries_offset = 0;  // where the entries start in `buf`
  // The listpack Redis would have, less its live/deleted counters (their size changes).
  std::uint64_t lp_rest = 0;
  std::string buf;  // the master's field names, then the entries

  std::uint64_t RedisBytes() const { return lp_rest + LpInt(live) + LpInt(deleted); }

  // Reads the master field names into `out`.
  void MasterFields(std::vector<std::string_view>* out) const {
    out->clear();
    Reader r(buf);
    std::uint64_t n = 0;
    r.GetVarint(&n);
    for (std::uint64_t i = 0; i < n; ++i) {
      std::string_view f;
      r.GetBytes(&f);
      out->push_back(f);
    }
  }

  // Parses the entry at *pos (which must be < buf.size()); with `fields`, also its flattened
  // fields (the master names taken from `master`). Advances *pos past it.
  void Parse(std::size_t* pos, ParsedEntry* e, const std::vector<std::string_view>* master_names,
             std::vector<std::string_view>* fields) const {
    e->flags_offset = *pos;
    Reader r(std::string_view(buf).substr(*pos));
    std::uint64_t dms = 0, dseq = 0, n = 0;
    r.GetByte(&e->flags);
    r.GetVarint(&dms);
    r.GetVarint(&dseq);
    e->id = {master.ms + dms, master.seq + dseq};
    if (fields != nullptr) fields->clear();
    std::string_view s;
    if (e->flags & kFlagSameFields) {
      for (std::uint32_t i = 0; i < master_fields; ++i) {
        r.GetBytes(&s);
        if (fields != nullptr) {
          fields->push_back((*master_names)[i]);
          fields->push_back(s);
        }
      }
    } else {
      r.GetVarint(&n);
      for (std::uint64_t i = 0; i < 2 * n; ++i) {
        r.GetBytes(&s);
        if (fields != nullptr) fields->push_back(s);
      }
    }
    *pos = buf.size() - r.remaining();
  }

  std::size_t Memory() const { return sizeof(Node) + buf.capacity() + 48; }
};

// --- StreamID ----------------------------------------------------------------------------

bool StreamID::Increment() {
  if (seq != UINT64_MAX) {
    ++seq;
    return true;
  }
  if (ms == UINT64_MAX) return false;
  ++ms;
  seq = 0;
  return true;
}

bool StreamID::Decrement() {
  if (seq != 0) {
    --seq;
    return true;
  }
  if (ms == 0) return false;
  --ms;
  seq = UINT64_MAX;
  return true;
}

void StreamID::AppendTo(std::string* out) const {
  char buf[24];
  out->append(buf, std::to_chars(buf, buf + sizeof(buf), ms).ptr);
  out->push_back('-');
  out->append(buf, std::to_chars(buf, buf + sizeof(buf), seq).ptr);
}

std::string StreamID::ToString() const {
  std::string s;
  AppendTo(&s);
  return s;
}

// --- groups -----------------------------------------------------------------------------

StreamConsumer* StreamGroup::FindConsumer(std::string_view name) const {
  auto it = consumers.find(name);
  return it == consumers.end() ? nullptr : it->second.get();
}

StreamConsumer* StreamGroup::LookupOrCreateConsumer(std::string_view name, std::int64_t now_ms,
                                                    bool* created) {
  auto it = consumers.find(name);
  *created = it == consumers.end();
  if (!*created) return it->second.get();
  auto c = std::make_unique<StreamConsumer>();
  c->name = std::string(name);
  c->seen_time_ms = now_ms;
  StreamConsumer* raw = c.get();
  consumers.emplace(c->name, std::move(c));
  return raw;
}

std::size_t StreamGroup::DeleteConsumer(std::string_view name) {
  auto it = consumers.find(name);
  if (it == consumers.end()) return 0;
  const std::size_t pending = it->second->pel.size();
  for (const auto& [id, p] : it->second->pel) pel.erase(id);
  consumers.erase(it);
  return pending;
}

StreamPending* StreamGroup::Assign(StreamID id, StreamConsumer* consumer,
                                   std::int64_t delivery_time_ms, std::uint64_t delivery_count) {
  StreamPending& p = pel[id];
  if (p.consumer != nullptr && p.consumer != consumer) p.consumer->pel.erase(id);
  p.consumer = consumer;
  p.delivery_time_ms = delivery_time_ms;
  p.delivery_count = delivery_count;
  consumer->pel[id] = &p;
  return &p;
}

bool StreamGroup::Acknowledge(StreamID id) {
  auto it = pel.find(id);
  if (it == pel.end()) return false;
  if (it->second.consumer != nullptr) it->second.consumer->pel.erase(id);
  pel.erase(it);
  return true;
}

// --- the stream ---------------------------------------------------------------------------

namespace {
std::atomic<std::uint64_t> next_stream_serial{1};
}  // namespace

StreamObject::StreamObject()
    : serial_(next_stream_serial.fetch_add(1, std::memory_order_relaxed)) {}
StreamObject::~StreamObject() = default;

std::size_t StreamObject::MemoryUsage() const {
  std::size_t bytes = sizeof(*this);
  for (const auto& [id, node] : nodes_) bytes += node->Memory();
  for (const auto& [name, g] : groups_) {
    bytes += sizeof(StreamGroup) + name.capacity() + 48 + g->pel.size() * 80;
    for (const auto& [cname, c] : g->consumers) {
      bytes += sizeof(StreamConsumer) + cname.capacity() * 2 + 48 + c->pel.size() * 64;
    }
  }
  return bytes;
}

std::unique_ptr<Object> StreamObject::Clone() const {
  auto s = std::make_unique<StreamObject>();
  for (const auto& [id, node] : nodes_) s->nodes_.emplace(id, std::make_unique<Node>(*node));
  s->length_ = length_;
  s->last_id_ = last_id_;
  s->max_deleted_id_ = max_deleted_id_;
  s->entries_added_ = entries_added_;
  s->first_id_ = first_id_;
  for (const auto& [name, g] : groups_) {
    StreamGroup* copy = s->CreateGroup(name, g->last_delivered, g->entries_read);
    for (const auto& [cname, c] : g->consumers) {
      bool created;
      StreamConsumer* cc = copy->LookupOrCreateConsumer(cname, c->seen_time_ms, &created);
      for (const auto& [id, p] : c->pel) copy->Assign(id, cc, p->delivery_time_ms, p->delivery_count);
    }
  }
  return s;
}

void StreamObject::Append(StreamID id, StreamFields fields) {
  const std::uint32_t nfields = static_cast<std::uint32_t>(fields.size() / 2);
  std::uint64_t raw_bytes = 0;  // what Redis weighs against stream-node-max-bytes
  for (std::string_view f : fields) raw_bytes += f.size();

  Node* node = nodes_.empty() ? nullptr : nodes_.rbegin()->second.get();
  if (node != nullptr) {
    const EncodingLimits& l = Limits();
    std::uint64_t max_bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(0, l.stream_node_max_bytes.load()));
    if (max_bytes == 0 || max_bytes > kListpackMaxBytes) max_bytes = kListpackMaxBytes;
    const std::int64_t max_entries = l.stream_node_max_entries.load();
    if (node->RedisBytes() + raw_bytes >= max_bytes ||
        (max_entries > 0 && node->live + node->deleted >= static_cast<std::uint64_t>(max_entries))) {
      node->buf.shrink_to_fit();  // sealed: no more appends
      node = nullptr;
    }
  }
  if (node == nullptr) {
    auto fresh = std::make_unique<Node>();
    fresh->master = id;
    fresh->master_fields = nfields;
    PutVarint(&fresh->buf, nfields);
    // Listpack header and end byte, the field count, the names, the master terminator.
    fresh->lp_rest = 7 + LpInt(nfields) + LpInt(0);
    for (std::uint32_t i = 0; i < nfields; ++i) {
      PutBytes(&fresh->buf, fields[2 * i]);
      fresh->lp_rest += LpString(fields[2 * i]);
    }
    fresh->entries_offset = fresh->buf.size();
    node = fresh.get();
    nodes_.emplace(id, std::move(fresh));
  }

  bool same = nfields == node->master_fields;
  if (same) {
    Reader r(node->buf);
    std::uint64_t n;
    r.GetVarint(&n);
    for (std::uint32_t i = 0; i < nfields && same; ++i) {
      std::string_view f;
      r.GetBytes(&f);
      same = f == fields[2 * i];
    }
  }
  std::string& b = node->buf;
  b.push_back(static_cast<char>(same ? kFlagSameFields : 0));
  PutVarint(&b, id.ms - node->master.ms);
  PutVarint(&b, id.seq - node->master.seq);  // wraps when seq < master's; undone on read
  std::uint64_t lp = LpInt(same ? kFlagSameFields : 0) +
                     LpInt(static_cast<std::int64_t>(id.ms - node->master.ms)) +
                     LpInt(static_cast<std::int64_t>(id.seq - node->master.seq));
  if (same) {
    for (std::uint32_t i = 0; i < nfields; ++i) {
      PutBytes(&b, fields[2 * i + 1]);
      lp += LpString(fields[2 * i + 1]);
    }
    lp += LpInt(nfields + 3);  // lp-count
  } else {
    PutVarint(&b, nfields);
    lp += LpInt(nfields);
    for (std::string_view f : fields) {
      PutBytes(&b, f);
      lp += LpString(f);
    }
    lp += LpInt(2 * nfields + 4);
  }
  node->lp_rest += lp;
  node->last = id;
  ++node->live;
  ++wakes_;
  if (length_ == 0) first_id_ = id;
  ++length_;
  last_id_ = id;
  ++entries_added_;
}

StreamObject::Nodes::const_iterator StreamObject::NodeFor(StreamID id) const {
  auto it = nodes_.upper_bound(id);
  if (it == nodes_.begin()) return nodes_.end();
  return std::prev(it);
}

bool StreamObject::Delete(StreamID id) {
  auto it = NodeFor(id);
  if (it == nodes_.end() || id > it->second->last) return false;
  Node& node = *it->second;
  std::size_t pos = node.entries_offset;
  ParsedEntry e;
  while (pos < node.buf.size()) {
    node.Parse(&pos, &e, nullptr, nullptr);
    if (e.id > id) return false;
    if (e.id < id) continue;
    if (e.flags & kFlagDeleted) return false;
    node.buf[e.flags_offset] = static_cast<char>(e.flags | kFlagDeleted);
    --node.live;
    ++node.deleted;
    --length_;
    if (node.live == 0) nodes_.erase(it);
    if (id > max_deleted_id_) max_deleted_id_ = id;
    if (id == first_id_) RefreshFirstId();
    if (length_ == 0) first_id_ = {};
    return true;
  }
  return false;
}

void StreamObject::RefreshFirstId() {
  auto first = FirstEntryId();
  first_id_ = first ? *first : StreamID{};
}

std::uint64_t StreamObject::Trim(const StreamTrim& trim) {
  using Strategy = StreamTrim::Strategy;
  if (trim.strategy == Strategy::kNone) return 0;
  std::uint64_t removed = 0;
  for (auto it = nodes_.begin(); it != nodes_.end();) {
    if (trim.strategy == Strategy::kMaxLen && length_ <= trim.max_len) break;
    Node& node = *it->second;
    if (trim.limit != 0 && removed + node.live > trim.limit) break;
    const bool whole = trim.strategy == Strategy::kMaxLen ? length_ - node.live >= trim.max_len
                                                           : node.last < trim.min_id;
    if (whole) {
      length_ -= node.live;
      removed += node.live;
      it = nodes_.erase(it);
      continue;
    }
    if (trim.approx) break;
    // Within the node: flag entries deleted from its start until the condition holds.
    std::size_t pos = node.entries_offset;
    ParsedEntry e;
    while (pos < node.buf.size()) {
      node.Parse(&pos, &e, nullptr, nullptr);
      const bool stop = trim.strategy == Strategy::kMaxLen ? length_ <= trim.max_len
                                                           : e.id >= trim.min_id;
      if (stop) break;
      if (e.flags & kFlagDeleted) continue;
      node.buf[e.flags_offset] = static_cast<char>(e.flags | kFlagDeleted);
      --node.live;
      ++node.deleted;
      --length_;
      ++removed;
    }
    break;  // the rest of the stream is past the trim point
  }
  if (removed > 0) RefreshFirstId();
  return removed;
}

void StreamObject::ForRange(StreamID start, StreamID end, bool reverse,
                            FunctionRef<bool(StreamID, StreamFields)> fn) const {
  if (start > end || nodes_.empty()) return;
  std::vector<std::string_view> names, fields;
  ParsedEntry e;
  if (!reverse) {
    auto it = NodeFor(start);
    if (it == nodes_.end()) it = nodes_.begin();
    for (; it != nodes_.end() && it->first <= end; ++it) {
      const Node& node = *it->second;
      if (node.last < start) continue;
      node.MasterFields(&names);
      std::size_t pos = node.entries_offset;
      while (pos < node.buf.size()) {
        node.Parse(&pos, &e, &names, &fields);
        if (e.id > end) return;
        if (e.id < start || (e.flags & kFlagDeleted)) continue;
        if (!fn(e.id, fields)) return;
      }
    }
    return;
  }
  // Backwards: a node's entries are read forward, so note where each one in range starts.
  std::vector<std::size_t> offsets;
  auto it = NodeFor(end);
  if (it == nodes_.end()) return;
  for (;;) {
    const Node& node = *it->second;
    if (node.last < start) return;
    offsets.clear();
    std::size_t pos = node.entries_offset;
    while (pos < node.buf.size()) {
      std::size_t at = pos;
      node.Parse(&pos, &e, nullptr, nullptr);
      if (e.id > end) break;
      if (e.id >= start && !(e.flags & kFlagDeleted)) offsets.push_back(at);
    }
    if (!offsets.empty()) node.MasterFields(&names);
    for (auto o = offsets.rbegin(); o != offsets.rend(); ++o) {
      std::size_t p = *o;
      node.Parse(&p, &e, &names, &fields);
      if (!fn(e.id, fields)) return;
    }
    if (it == nodes_.begin() || node.master <= start) return;
    --it;
  }
}

bool StreamObject::Lookup(StreamID id, FunctionRef<void(StreamFields)> fn) const {
  bool found = false;
  ForRange(id, id, false, [&](StreamID, StreamFields fields) {
    found = true;
    fn(fields);
    return false;
  });
  return found;
}

std::optional<StreamID> StreamObject::FirstEntryId() const {
  std::optional<StreamID> out;
  ForRange(StreamID::Min(), StreamID::Max(), false, [&](StreamID id, StreamFields) {
    out = id;
    return false;
  });
  return out;
}

std::optional<StreamID> StreamObject::LastEntryId() const {
  std::optional<StreamID> out;
  ForRange(StreamID::Min(), StreamID::Max(), true, [&](StreamID id, StreamFields) {
    out = id;
    return false;
  });
  return out;
}

std::int64_t StreamObject::EstimateEntriesRead(StreamID id) const {
  constexpr std::int64_t kUnknown = StreamGroup::kUnknownEntriesRead;
  const auto added = static_cast<std::int64_t>(entries_added_);
  if (entries_added_ == 0) return 0;  // nothing was ever added: every ID counts 0
  if (length_ == 0 && id <= last_id_) return added;
  if (id == last_id_) return added;
  if (id > last_id_) return kUnknown;  // a future ID
  const bool no_gaps = max_deleted_id_.IsZero() || max_deleted_id_ < first_id_;
  if (no_gaps) {
    const auto len = static_cast<std::int64_t>(length_);
    if (id < first_id_) return added - len;
    if (id == first_id_) return added - len + 1;
  }
  return kUnknown;  // before a deletion, or an ID inside the stream: cannot be told
}

bool StreamObject::RangeHasTombstones(StreamID start, StreamID end) const {
  if (length_ == 0 || max_deleted_id_.IsZero()) return false;
  if (first_id_ > max_deleted_id_) return false;  // the last deletion is before the first entry
  return start <= max_deleted_id_ && max_deleted_id_ <= end;
}

StreamGroup* StreamObject::FindGroup(std::string_view name) const {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : it->second.get();
}

StreamGroup* StreamObject::CreateGroup(std::string_view name, StreamID last_delivered,
                                       std::int64_t entries_read) {
  if (groups_.find(name) != groups_.end()) return nullptr;
  auto g = std::make_unique<StreamGroup>();
  g->last_delivered = last_delivered;
  g->entries_read = entries_read;
  StreamGroup* raw = g.get();
  groups_.emplace(std::string(name), std::move(g));
  return raw;
}

bool StreamObject::DestroyGroup(std::string_view name) {
  auto it = groups_.find(name);
  if (it == groups_.end()) return false;
  groups_.erase(it);
  ++wakes_;
  return true;
}

// --- codec ------------------------------------------------------------------------------
// [version][length][last id][max deleted id][entries added][first id][node count]
// nodes: [master id][buffer bytes]
// [group count] groups: [name][last delivered][entries read + 1][pel count]
//   pel: [id][delivery time][delivery count]
//   [consumer count] consumers: [name][seen time][pel count] ids
// An ID is two varints. Node buffers are walked on decode, so a damaged one is refused.

namespace {

void PutId(std::string* out, StreamID id) {
  PutVarint(out, id.ms);
  PutVarint(out, id.seq);
}

bool GetId(Reader* r, StreamID* id) { return r->GetVarint(&id->ms) && r->GetVarint(&id->seq); }

}  // namespace

void StreamObject::Encode(std::string* out) const {
  out->push_back(static_cast<char>(kFormatVersion));
  PutVarint(out, length_);
  PutId(out, last_id_);
  PutId(out, max_deleted_id_);
  PutVarint(out, entries_added_);
  PutId(out, first_id_);
  PutVarint(out, nodes_.size());
  for (const auto& [id, node] : nodes_) {
    PutId(out, id);
    PutBytes(out, node->buf);
  }
  PutVarint(out, groups_.size());
  for (const auto& [name, g] : groups_) {
    PutBytes(out, name);
    PutId(out, g->last_delivered);
    // Shifted by one so that "unknown" (-1) is 0; unsigned, so INT64_MAX cannot overflow.
    PutVarint(out, static_cast<std::uint64_t>(g->entries_read) + 1);
    PutVarint(out, g->pel.size());
    for (const auto& [id, p] : g->pel) {
      PutId(out, id);
      PutVarint(out, static_cast<std::uint64_t>(p.delivery_time_ms));
      PutVarint(out, p.delivery_count);
    }
    PutVarint(out, g->consumers.size());
    for (const auto& [cname, c] : g->consumers) {
      PutBytes(out, cname);
      PutVarint(out, static_cast<std::uint64_t>(c->seen_time_ms));
      PutVarint(out, c->pel.size());
      for (const auto& [id, p] : c->pel) PutId(out, id);
    }
  }
}

StatusOr<std::unique_ptr<StreamObject>> StreamObject::Decode(std::string_view in) {
  auto bad = [](const char* what) { return Status::Corruption(std::string("stream: ") + what); };
  Reader r(in);
  std::uint8_t version;
  if (!r.GetByte(&version) || version != kFormatVersion) return bad("unknown format version");
  auto s = std::make_unique<StreamObject>();
  std::uint64_t length, nodes;
  if (!r.GetVarint(&length) || !GetId(&r, &s->last_id_) || !GetId(&r, &s->max_deleted_id_) ||
      !r.GetVarint(&s->entries_added_) || !GetId(&r, &s->first_id_) || !r.GetCount(&nodes, 3)) {
    return bad("bad header");
  }
  std::optional<StreamID> prev;  // the last entry ID seen, deleted ones included
  for (std::uint64_t i = 0; i < nodes; ++i) {
    auto node = std::make_unique<Node>();
    std::string_view buf;
    if (!GetId(&r, &node->master) || !r.GetBytes(&buf)) return bad("truncated node");
    node->buf.assign(buf);
    // Walk the buffer with a checking reader before any unchecked parse touches it.
    Reader b(buf);
    std::uint64_t nfields;
    if (!b.GetCount(&nfields)) return bad("bad master entry");
    node->master_fields = static_cast<std::uint32_t>(nfields);
    node->lp_rest = 7 + LpInt(static_cast<std::int64_t>(nfields)) + LpInt(0);
    std::string_view f;
    for (std::uint64_t k = 0; k < nfields; ++k) {
      if (!b.GetBytes(&f)) return bad("bad master entry");
      node->lp_rest += LpString(f);
    }
    node->entries_offset = buf.size() - b.remaining();
    bool first_entry = true;
    while (!b.done()) {
      std::uint8_t flags;
      StreamID delta;
      if (!b.GetByte(&flags) || (flags & ~(kFlagDeleted | kFlagSameFields)) != 0 ||
          !GetId(&b, &delta)) {
        return bad("bad entry");
      }
      StreamID id{node->master.ms + delta.ms, node->master.seq + delta.seq};
      if ((first_entry && id != node->master) || (prev && id <= *prev)) return bad("IDs out of order");
      first_entry = false;
      std::uint64_t n = nfields, strings;
      if (!(flags & kFlagSameFields) && (!b.GetCount(&n) || n == 0)) return bad("bad entry");
      strings = (flags & kFlagSameFields) ? n : 2 * n;
      std::uint64_t lp = LpInt(flags & kFlagSameFields) + LpInt(static_cast<std::int64_t>(delta.ms)) +
                         LpInt(static_cast<std::int64_t>(delta.seq)) +
                         ((flags & kFlagSameFields) ? LpInt(static_cast<std::int64_t>(n + 3))
                                                    : LpInt(static_cast<std::int64_t>(n)) +
                                                          LpInt(static_cast<std::int64_t>(2 * n + 4)));
      for (std::uint64_t k = 0; k < strings; ++k) {
        if (!b.GetBytes(&f)) return bad("bad entry");
        lp += LpString(f);
      }
      node->lp_rest += lp;
      (flags & kFlagDeleted) ? ++node->deleted : ++node->live;
      node->last = id;
      prev = id;
    }
    // A node may hold only deleted entries (an exact MINID trim can leave one, as in Redis),
    // but never none at all.
    if (node->live == 0 && node->deleted == 0) return bad("node without entries");
    s->length_ += node->live;
    StreamID key = node->master;
    s->nodes_.emplace(key, std::move(node));
  }
  if (s->length_ != length || (prev && *prev > s->last_id_)) return bad("inconsistent length");
  auto first = s->FirstEntryId();
  if (first.value_or(StreamID{}) != s->first_id_) return bad("inconsistent first ID");

  std::uint64_t groups;
  if (!r.GetCount(&groups, 4)) return bad("bad group count");
  for (std::uint64_t i = 0; i < groups; ++i) {
    std::string_view name;
    StreamID last;
    std::uint64_t entries_read, pel;
    if (!r.GetBytes(&name) || !GetId(&r, &last) || !r.GetVarint(&entries_read) ||
        !r.GetCount(&pel, 4)) {
      return bad("bad group");
    }
    // Any int64 round-trips: a counter set near its limit may have wrapped, as in Redis.
    StreamGroup* g = s->CreateGroup(name, last, static_cast<std::int64_t>(entries_read - 1));
    if (g == nullptr) return bad("duplicate group");
    for (std::uint64_t k = 0; k < pel; ++k) {
      StreamID id;
      StreamPending p;
      std::uint64_t time;
      if (!GetId(&r, &id) || !r.GetVarint(&time) || !r.GetVarint(&p.delivery_count)) {
        return bad("bad pending entry");
      }
      p.delivery_time_ms = static_cast<std::int64_t>(time);
      if (!g->pel.emplace(id, p).second) return bad("duplicate pending entry");
    }
    std::uint64_t consumers, owned = 0;
    if (!r.GetCount(&consumers, 3)) return bad("bad consumer count");
    for (std::uint64_t k = 0; k < consumers; ++k) {
      std::string_view cname;
      std::uint64_t seen, cpel;
      if (!r.GetBytes(&cname) || !r.GetVarint(&seen) || !r.GetCount(&cpel, 2)) {
        return bad("bad consumer");
      }
      bool created;
      StreamConsumer* c = g->LookupOrCreateConsumer(cname, static_cast<std::int64_t>(seen), &created);
      if (!created) return bad("duplicate consumer");
      for (std::uint64_t j = 0; j < cpel; ++j) {
        StreamID id;
        if (!GetId(&r, &id)) return bad("bad consumer pending entry");
        auto it = g->pel.find(id);
        if (it == g->pel.end() || it->second.consumer != nullptr) {
          return bad("consumer pending entry not in the group's");
        }
        it->second.consumer = c;
        c->pel.emplace(id, &it->second);
        ++owned;
      }
    }
    if (owned != g->pel.size()) return bad("pending entry without a consumer");
  }
  if (!r.done()) return bad("trailing bytes");
  return s;
}

}  // namespace strata::types
