#include "types/zset.h"

#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <unordered_set>
#include <vector>

#include "types/codec.h"
#include "types/encoding_limits.h"

namespace strata::types {
namespace {

constexpr std::uint8_t kFormatVersion = 1;
constexpr int kMaxLevel = 32;
constexpr std::size_t kNpos = static_cast<std::size_t>(-1);

std::uint64_t NextRandom() {
  thread_local std::uint64_t s = 0x9E3779B97F4A7C15ull ^ reinterpret_cast<std::uintptr_t>(&s);
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

// P(level > k) = 4^-k, as Redis's skiplist.
int RandomLevel() {
  int level = 1;
  std::uint64_t r = NextRandom();
  while (level < kMaxLevel && (r & 3) == 0) {
    ++level;
    r >>= 2;
    if (r == 0) r = NextRandom();
  }
  return level;
}

bool ListpackFits(std::size_t entries, std::size_t member_len) {
  const auto& l = Limits();
  return static_cast<std::int64_t>(entries) <= l.zset_max_listpack_entries.load() &&
         static_cast<std::int64_t>(member_len) <= l.zset_max_listpack_value.load();
}

std::size_t HashOf(std::string_view s) { return std::hash<std::string_view>{}(s); }

}  // namespace

// ---- Skiplist ----------------------------------------------------------------------------

struct ZSetObject::SkipList {
  // A node is one allocation: this header, `level` Levels, then the member bytes.
  struct Level;
  struct Node {
    double score;
    Node* backward;
    std::uint32_t len;
    std::uint8_t level;
    Level* levels() { return reinterpret_cast<Level*>(this + 1); }
    std::string_view member() {
      return {reinterpret_cast<const char*>(levels() + level), len};
    }
  };
  struct Level {
    Node* next;
    std::size_t span;  // entries skipped by following `next` (rank distance)
  };

  Node* head;
  Node* tail = nullptr;
  std::size_t length = 0;
  int level = 1;
  // Member -> node: open addressing with linear probing, capacity a power of two.
  Node** slots = nullptr;
  std::size_t cap = 0;

  static Node* NewNode(int lvl, double score, std::string_view member) {
    std::size_t bytes = sizeof(Node) + sizeof(Level) * static_cast<std::size_t>(lvl) + member.size();
    auto* n = static_cast<Node*>(::operator new(bytes));
    n->score = score;
    n->backward = nullptr;
    n->len = static_cast<std::uint32_t>(member.size());
    n->level = static_cast<std::uint8_t>(lvl);
    for (int i = 0; i < lvl; ++i) n->levels()[i] = {nullptr, 0};
    if (!member.empty()) std::memcpy(n->levels() + lvl, member.data(), member.size());
    return n;
  }
  static std::size_t NodeBytes(const Node* n) {
    return sizeof(Node) + sizeof(Level) * n->level + n->len;
  }

  SkipList() { head = NewNode(kMaxLevel, 0, {}); }
  ~SkipList() {
    Node* x = head->levels()[0].next;
    while (x) {
      Node* next = x->levels()[0].next;
      ::operator delete(x);
      x = next;
    }
    ::operator delete(head);
    delete[] slots;
  }

  // -- hash set --
  Node* Find(std::string_view m) const {
    if (!cap) return nullptr;
    for (std::size_t i = HashOf(m) & (cap - 1);; i = (i + 1) & (cap - 1)) {
      Node* n = slots[i];
      if (!n) return nullptr;
      if (n->member() == m) return n;
    }
  }
  void HashPut(Node* n) {
    std::size_t i = HashOf(n->member()) & (cap - 1);
    while (slots[i]) i = (i + 1) & (cap - 1);
    slots[i] = n;
  }
  void HashGrowFor(std::size_t entries) {
    if (entries * 4 <= cap * 3) return;
    std::size_t ncap = cap ? cap * 2 : 16;
    while (entries * 4 > ncap * 3) ncap *= 2;
    Node** old = slots;
    std::size_t ocap = cap;
    slots = new Node*[ncap]();
    cap = ncap;
    for (std::size_t i = 0; i < ocap; ++i) {
      if (old[i]) HashPut(old[i]);
    }
    delete[] old;
  }
  void HashErase(Node* n) {
    std::size_t mask = cap - 1;
    std::size_t i = HashOf(n->member()) & mask;
    while (slots[i] != n) i = (i + 1) & mask;
    // Backward-shift deletion keeps every probe chain unbroken without tombstones.
    for (std::size_t j = (i + 1) & mask; slots[j]; j = (j + 1) & mask) {
      std::size_t home = HashOf(slots[j]->member()) & mask;
      bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
      if (movable) {
        slots[i] = slots[j];
        i = j;
      }
    }
    slots[i] = nullptr;
  }

  // -- ordered list --
  void Link(Node* n) {
    Node* update[kMaxLevel];
    std::size_t rank[kMaxLevel];
    Node* x = head;
    for (int i = level - 1; i >= 0; --i) {
      rank[i] = i == level - 1 ? 0 : rank[i + 1];
      while (x->levels()[i].next &&
             ZLess(x->levels()[i].next->score, x->levels()[i].next->member(), n->score,
                   n->member())) {
        rank[i] += x->levels()[i].span;
        x = x->levels()[i].next;
      }
      update[i] = x;
    }
    int lvl = n->level;
    if (lvl > level) {
      for (int i = level; i < lvl; ++i) {
        rank[i] = 0;
        update[i] = head;
        update[i]->levels()[i].span = length;
      }
      level = lvl;
    }
    for (int i = 0; i < lvl; ++i) {
      n->levels()[i].next = update[i]->levels()[i].next;
      update[i]->levels()[i].next = n;
      n->levels()[i].span = update[i]->levels()[i].span - (rank[0] - rank[i]);
      update[i]->levels()[i].span = (rank[0] - rank[i]) + 1;
    }
    for (int i = lvl; i < level; ++i) update[i]->levels()[i].span++;
    n->backward = update[0] == head ? nullptr : update[0];
    if (n->levels()[0].next) {
      n->levels()[0].next->backward = n;
    } else {
      tail = n;
    }
    ++length;
  }

  void Unlink(Node* n) {
    Node* update[kMaxLevel];
    Node* x = head;
    for (int i = level - 1; i >= 0; --i) {
      while (x->levels()[i].next && x->levels()[i].next != n &&
             ZLess(x->levels()[i].next->score, x->levels()[i].next->member(), n->score,
                   n->member())) {
        x = x->levels()[i].next;
      }
      update[i] = x;
    }
    for (int i = 0; i < level; ++i) {
      if (update[i]->levels()[i].next == n) {
        update[i]->levels()[i].span += n->levels()[i].span - 1;
        update[i]->levels()[i].next = n->levels()[i].next;
      } else {
        update[i]->levels()[i].span -= 1;
      }
    }
    if (n->levels()[0].next) {
      n->levels()[0].next->backward = n->backward;
    } else {
      tail = n->backward;
    }
    while (level > 1 && head->levels()[level - 1].next == nullptr) --level;
    --length;
  }

  void Insert(std::string_view m, double score) {
    Node* n = NewNode(RandomLevel(), score, m);
    HashGrowFor(length + 1);
    HashPut(n);
    Link(n);
  }

  void Erase(Node* n) {
    HashErase(n);
    Unlink(n);
    ::operator delete(n);
  }

  // The node of ascending rank `r` (0-based, r < length).
  Node* AtRank(std::size_t r) const {
    std::size_t traversed = 0;
    std::size_t want = r + 1;
    Node* x = head;
    for (int i = level - 1; i >= 0; --i) {
      while (x->levels()[i].next && traversed + x->levels()[i].span <= want) {
        traversed += x->levels()[i].span;
        x = x->levels()[i].next;
      }
      if (traversed == want) return x;
    }
    return nullptr;
  }

  std::size_t RankOf(Node* n) const {
    std::size_t rank = 0;
    Node* x = head;
    for (int i = level - 1; i >= 0; --i) {
      while (x->levels()[i].next &&
             !ZLess(n->score, n->member(), x->levels()[i].next->score,
                    x->levels()[i].next->member())) {
        rank += x->levels()[i].span;
        x = x->levels()[i].next;
      }
      if (x == n) return rank - 1;
    }
    return rank - 1;
  }
};

// ---- ZSetObject ----------------------------------------------------------------------------

ZSetObject::ZSetObject(std::size_t size_hint, std::size_t max_member_len) {
  if (Limits().zset_max_listpack_entries.load() <= 0 ||
      !ListpackFits(size_hint, max_member_len)) {
    sl_ = new SkipList();
  }
}

ZSetObject::~ZSetObject() {
  delete sl_;
  std::free(lp_);
}

// Score forms in the listpack: kIntScore + zigzag varint for integral values that a double
// holds exactly (|v| < 2^53, not -0), else kDoubleScore + 8 bytes.
// Short decimals (1.5, 0.25) are kDoubleScore+k with the varint of score*10^k.
constexpr std::uint8_t kIntScore = 0;
constexpr std::uint8_t kDoubleScore = 1;
constexpr std::array<double, 7> kPow10 = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
constexpr double kExactIntLimit = 9007199254740992.0;  // 2^53

void ZSetObject::LpAppendEntry(std::string* out, std::string_view member, double score) {
  PutBytes(out, member);
  auto put_int = [&](std::uint8_t tag, double v) {
    auto i = static_cast<std::int64_t>(v);
    out->push_back(static_cast<char>(tag));
    PutVarint(out, (static_cast<std::uint64_t>(i) << 1) ^ static_cast<std::uint64_t>(i >> 63));
  };
  if (!(score == 0 && std::signbit(score))) {
    // m / 10^k is correctly rounded, as is the parse of the decimal text, so a score that
    // equals m / 10^k for an exact integer m reads back bit for bit.
    for (std::uint8_t k = 0; k < kPow10.size(); ++k) {
      double m = std::nearbyint(score * kPow10[k]);
      if (m > -kExactIntLimit && m < kExactIntLimit && m / kPow10[k] == score) {
        return put_int(k == 0 ? kIntScore : static_cast<std::uint8_t>(kDoubleScore + k), m);
      }
    }
  }
  out->push_back(static_cast<char>(kDoubleScore));
  PutDouble(out, score);
}

void ZSetObject::LpSplice(std::size_t off, std::size_t erase, std::string_view ins) {
  std::size_t tail = lp_bytes_ - off - erase;
  std::size_t nsize = lp_bytes_ - erase + ins.size();
  if (nsize == 0) {
    std::free(lp_);
    lp_ = nullptr;
    lp_bytes_ = 0;
    return;
  }
  if (ins.size() > erase) {
    auto* p = static_cast<char*>(std::realloc(lp_, nsize));
    if (!p) std::abort();  // out of memory, as operator new would
    lp_ = p;
    std::memmove(lp_ + off + ins.size(), lp_ + off + erase, tail);
    std::memcpy(lp_ + off, ins.data(), ins.size());
  } else {
    if (!ins.empty()) std::memcpy(lp_ + off, ins.data(), ins.size());
    std::memmove(lp_ + off + ins.size(), lp_ + off + erase, tail);
    if (auto* p = static_cast<char*>(std::realloc(lp_, nsize))) lp_ = p;
  }
  lp_bytes_ = static_cast<std::uint32_t>(nsize);
}

std::size_t ZSetObject::size() const { return sl_ ? sl_->length : lp_count_; }

ZSetObject::LpEntry ZSetObject::LpAt(std::size_t off) const {
  // Entries were validated on the way in (Insert or Decode), so no bounds checks here.
  std::uint64_t len = 0;
  int shift = 0;
  std::size_t p = off;
  for (;;) {
    auto b = static_cast<std::uint8_t>(lp_[p++]);
    len |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  LpEntry e;
  e.member = std::string_view(lp_ + p, len);
  p += len;
  auto tag = static_cast<std::uint8_t>(lp_[p++]);
  if (tag == kDoubleScore) {
    std::memcpy(&e.score, lp_ + p, sizeof(double));
    p += sizeof(double);
  } else {
    std::uint64_t z = 0;
    shift = 0;
    for (;;) {
      auto b = static_cast<std::uint8_t>(lp_[p++]);
      z |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
      shift += 7;
    }
    e.score = static_cast<double>(static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1)));
    if (tag > kDoubleScore) e.score /= kPow10[tag - kDoubleScore];
  }
  e.next = p;
  return e;
}

std::size_t ZSetObject::LpFind(std::string_view member) const {
  for (std::size_t off = 0; off < lp_bytes_;) {
    LpEntry e = LpAt(off);
    if (e.member == member) return off;
    off = e.next;
  }
  return kNpos;
}

std::size_t ZSetObject::LpOffsetOfRank(std::size_t rank) const {
  std::size_t off = 0;
  for (std::size_t i = 0; i < rank && off < lp_bytes_; ++i) off = LpAt(off).next;
  return off;
}

void ZSetObject::LpInsert(std::string_view member, double score) {
  // Redis's listpack keeps scores as text that it stores as an integer when it can, which
  // turns -0 into 0; the skiplist keeps -0. Match both.
  if (score == 0) score = 0;
  std::size_t off = 0;
  while (off < lp_bytes_) {
    LpEntry e = LpAt(off);
    if (ZLess(score, member, e.score, e.member)) break;
    off = e.next;
  }
  std::string entry;
  LpAppendEntry(&entry, member, score);
  LpSplice(off, 0, entry);
  ++lp_count_;
}

void ZSetObject::ConvertToSkipList() {
  auto* sl = new SkipList();
  sl->HashGrowFor(lp_count_);
  for (std::size_t off = 0; off < lp_bytes_;) {
    LpEntry e = LpAt(off);
    sl->Insert(e.member, e.score);
    off = e.next;
  }
  sl_ = sl;
  std::free(lp_);
  lp_ = nullptr;
  lp_bytes_ = 0;
  lp_count_ = 0;
}

std::optional<double> ZSetObject::Score(std::string_view member) const {
  if (sl_) {
    SkipList::Node* n = sl_->Find(member);
    if (!n) return std::nullopt;
    return n->score;
  }
  std::size_t off = LpFind(member);
  if (off == kNpos) return std::nullopt;
  return LpAt(off).score;
}

void ZSetObject::Insert(std::string_view member, double score) {
  // The byte cap keeps offsets in 32 bits (Redis caps a listpack at 1 GB as well).
  if (!sl_ && (!ListpackFits(lp_count_ + 1, member.size()) ||
               lp_bytes_ + member.size() + 32 > (std::size_t{1} << 30))) {
    ConvertToSkipList();
  }
  if (sl_) {
    sl_->Insert(member, score);
  } else {
    LpInsert(member, score);
  }
}

void ZSetObject::Update(std::string_view member, double old_score, double score) {
  (void)old_score;
  if (!sl_) {
    Remove(member);
    LpInsert(member, score);
    return;
  }
  SkipList::Node* n = sl_->Find(member);
  SkipList::Node* prev = n->backward;
  SkipList::Node* next = n->levels()[0].next;
  // Still in order with its neighbours: change the score in place (no relinking).
  if ((!prev || ZLess(prev->score, prev->member(), score, member)) &&
      (!next || ZLess(score, member, next->score, next->member()))) {
    n->score = score;
    return;
  }
  sl_->Unlink(n);
  n->score = score;
  sl_->Link(n);
}

bool ZSetObject::Remove(std::string_view member) {
  if (sl_) {
    SkipList::Node* n = sl_->Find(member);
    if (!n) return false;
    sl_->Erase(n);
    return true;
  }
  std::size_t off = LpFind(member);
  if (off == kNpos) return false;
  LpSplice(off, LpAt(off).next - off, {});
  --lp_count_;
  return true;
}

std::optional<std::size_t> ZSetObject::Rank(std::string_view member) const {
  if (sl_) {
    SkipList::Node* n = sl_->Find(member);
    if (!n) return std::nullopt;
    return sl_->RankOf(n);
  }
  std::size_t rank = 0;
  for (std::size_t off = 0; off < lp_bytes_; ++rank) {
    LpEntry e = LpAt(off);
    if (e.member == member) return rank;
    off = e.next;
  }
  return std::nullopt;
}

void ZSetObject::ForRange(std::size_t start, std::size_t count, bool reverse,
                          FunctionRef<void(std::string_view, double)> fn) const {
  if (count == 0) return;
  if (sl_) {
    SkipList::Node* n = sl_->AtRank(start);
    for (std::size_t i = 0; i < count && n; ++i) {
      fn(n->member(), n->score);
      n = reverse ? n->backward : n->levels()[0].next;
    }
    return;
  }
  if (!reverse) {
    std::size_t off = LpOffsetOfRank(start);
    for (std::size_t i = 0; i < count && off < lp_bytes_; ++i) {
      LpEntry e = LpAt(off);
      fn(e.member, e.score);
      off = e.next;
    }
    return;
  }
  // Entries only chain forwards: note the offsets of ranks [start-count+1, start] first.
  std::size_t first = start + 1 - count;
  std::vector<std::size_t> offs;
  offs.reserve(count);
  std::size_t off = LpOffsetOfRank(first);
  for (std::size_t i = 0; i < count && off < lp_bytes_; ++i) {
    offs.push_back(off);
    off = LpAt(off).next;
  }
  for (auto it = offs.rbegin(); it != offs.rend(); ++it) {
    LpEntry e = LpAt(*it);
    fn(e.member, e.score);
  }
}

void ZSetObject::RemoveRange(std::size_t start, std::size_t end) {
  if (start >= end) return;
  if (sl_) {
    SkipList::Node* n = sl_->AtRank(start);
    for (std::size_t i = start; i < end && n; ++i) {
      SkipList::Node* next = n->levels()[0].next;
      sl_->Erase(n);
      n = next;
    }
    return;
  }
  std::size_t from = LpOffsetOfRank(start);
  std::size_t to = from;
  for (std::size_t i = start; i < end && to < lp_bytes_; ++i) to = LpAt(to).next;
  LpSplice(from, to - from, {});
  lp_count_ -= static_cast<std::uint32_t>(end - start);
}

std::size_t ZSetObject::CountBelow(FunctionRef<bool(double, std::string_view)> below) const {
  if (sl_) {
    std::size_t rank = 0;
    SkipList::Node* x = sl_->head;
    for (int i = sl_->level - 1; i >= 0; --i) {
      while (x->levels()[i].next &&
             below(x->levels()[i].next->score, x->levels()[i].next->member())) {
        rank += x->levels()[i].span;
        x = x->levels()[i].next;
      }
    }
    return rank;
  }
  std::size_t rank = 0;
  for (std::size_t off = 0; off < lp_bytes_; ++rank) {
    LpEntry e = LpAt(off);
    if (!below(e.score, e.member)) break;
    off = e.next;
  }
  return rank;
}

namespace {
std::uint64_t ReverseBits(std::uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
  v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((v & 0x0F0F0F0F0F0F0F0Full) << 4);
  return __builtin_bswap64(v);
}
}  // namespace

std::uint64_t ZSetObject::Scan(std::uint64_t cursor, std::size_t count,
                               FunctionRef<void(std::string_view, double)> fn) const {
  if (!sl_) {
    ForRange(0, size(), false, fn);
    return 0;
  }
  if (sl_->cap == 0) return 0;
  std::size_t mask = sl_->cap - 1;
  std::size_t emitted = 0, steps = 0;
  do {
    // Linear probing keeps every member between its home slot and the next empty slot.
    std::size_t home = cursor & mask;
    for (std::size_t i = home; sl_->slots[i]; i = (i + 1) & mask) {
      SkipList::Node* n = sl_->slots[i];
      if ((HashOf(n->member()) & mask) == home) {
        fn(n->member(), n->score);
        ++emitted;
      }
    }
    cursor |= ~static_cast<std::uint64_t>(mask);
    cursor = ReverseBits(ReverseBits(cursor) + 1);
  } while (cursor != 0 && emitted < count && ++steps < count * 10);
  return cursor;
}

std::size_t ZSetObject::MemoryUsage() const {
  std::size_t total = sizeof(*this);
  if (!sl_) return total + lp_bytes_;
  total += sizeof(SkipList) + sl_->cap * sizeof(void*) + SkipList::NodeBytes(sl_->head);
  for (SkipList::Node* n = sl_->head->levels()[0].next; n; n = n->levels()[0].next) {
    total += SkipList::NodeBytes(n);
  }
  return total;
}

std::unique_ptr<Object> ZSetObject::Clone() const {
  auto copy = std::make_unique<ZSetObject>();
  if (!sl_) {
    if (copy->sl_) {
      delete copy->sl_;
      copy->sl_ = nullptr;
    }
    copy->LpSplice(0, 0, std::string_view(lp_, lp_bytes_));
    copy->lp_count_ = lp_count_;
    return copy;
  }
  if (!copy->sl_) copy->sl_ = new SkipList();
  copy->sl_->HashGrowFor(sl_->length);
  for (SkipList::Node* n = sl_->head->levels()[0].next; n; n = n->levels()[0].next) {
    copy->sl_->Insert(n->member(), n->score);
  }
  return copy;
}

// Format: version byte, encoding byte (0 listpack, 1 skiplist), entry count, then the
// entries in ascending order as (bytes member, double score).
void ZSetObject::Encode(std::string* out) const {
  out->push_back(static_cast<char>(kFormatVersion));
  out->push_back(sl_ ? 1 : 0);
  PutVarint(out, size());
  ForRange(0, size(), false, [&](std::string_view m, double s) {
    PutBytes(out, m);
    PutDouble(out, s);
  });
}

StatusOr<std::unique_ptr<ZSetObject>> ZSetObject::Decode(std::string_view in) {
  Reader r(in);
  std::uint8_t version, enc;
  std::uint64_t n;
  if (!r.GetByte(&version) || version != kFormatVersion) {
    return Status::Corruption("zset: unknown format version");
  }
  if (!r.GetByte(&enc) || enc > 1) return Status::Corruption("zset: bad encoding");
  if (!r.GetCount(&n, 1 + sizeof(double))) return Status::Corruption("zset: bad count");
  auto z = std::make_unique<ZSetObject>();
  if (enc == 1 && !z->sl_) z->sl_ = new SkipList();
  if (enc == 0 && z->sl_) {
    delete z->sl_;
    z->sl_ = nullptr;
  }
  std::string lp;  // the listpack being rebuilt
  std::unordered_set<std::string_view> seen;  // listpack duplicates (skiplist uses its hash)
  std::string_view prev_member;
  double prev_score = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string_view m;
    double s;
    if (!r.GetBytes(&m) || !r.GetDouble(&s)) return Status::Corruption("zset: truncated");
    if (std::isnan(s) || m.size() > UINT32_MAX ||
        (i > 0 && !ZLess(prev_score, prev_member, s, m))) {
      return Status::Corruption("zset: entries out of order");
    }
    if (z->sl_) {
      if (z->sl_->Find(m)) return Status::Corruption("zset: duplicate member");
      z->sl_->Insert(m, s);
    } else {
      if (!seen.insert(m).second) return Status::Corruption("zset: duplicate member");
      LpAppendEntry(&lp, m, s);
      ++z->lp_count_;
    }
    prev_member = m;
    prev_score = s;
  }
  if (!r.done()) return Status::Corruption("zset: trailing bytes");
  if (!lp.empty()) z->LpSplice(0, 0, lp);
  return z;
}

}  // namespace strata::types
