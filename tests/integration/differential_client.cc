#include "differential_client.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

namespace strata::test {
namespace {

// KEYS: order-free comparison.
Reply Sorted(Reply r) {
  if (r.type == REDIS_REPLY_ARRAY) {
    std::sort(r.elements.begin(), r.elements.end(), [](const Reply& a, const Reply& b) {
      return a.type != b.type ? a.type < b.type : a.str < b.str;
    });
  }
  return r;
}

// HGETALL-style arrays of (field, value) pairs as a sorted list of encoded pairs (callers
// compare arrays of odd length exactly instead).
std::vector<std::string> SortedPairs(const Reply& r) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i + 1 < r.elements.size(); i += 2) {
    const Reply& f = r.elements[i];
    const Reply& v = r.elements[i + 1];
    out.push_back(std::to_string(f.str.size()) + ":" + f.ToString() + "=" + v.ToString());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool Exact(const WireReply& a, const WireReply& b) {
  if (!a.raw.empty() && !b.raw.empty()) return a.raw == b.raw;
  return a.decoded == b.decoded;
}

// A RESP2 reply as a tree that keeps everything its bytes say (a null bulk string and a null
// array stay apart, which Reply folds into one nil), so that masking a few values leaves an
// otherwise byte-exact comparison.
struct RawNode {
  char kind = 0;      // '+', '-', ':', '$' or '*'
  std::string text;   // the line after the kind, or a bulk string's bytes
  bool null = false;  // "$-1" / "*-1"
  std::vector<RawNode> kids;
};

bool ParseRaw(const std::string& buf, std::size_t* pos, RawNode* out, int depth = 0) {
  if (depth > 64 || *pos >= buf.size()) return false;
  const std::size_t eol = buf.find("\r\n", *pos);
  if (eol == std::string::npos) return false;
  out->kind = buf[*pos];
  std::string line = buf.substr(*pos + 1, eol - *pos - 1);
  *pos = eol + 2;
  switch (out->kind) {
    case '+':
    case '-':
    case ':':
      out->text = std::move(line);
      return true;
    case '$':
    case '*': {
      const long long n = std::strtoll(line.c_str(), nullptr, 10);
      if (n < 0) {
        out->null = true;
        return true;
      }
      if (out->kind == '$') {
        if (buf.size() < *pos + static_cast<std::size_t>(n) + 2) return false;
        out->text = buf.substr(*pos, static_cast<std::size_t>(n));
        *pos += static_cast<std::size_t>(n) + 2;
        return true;
      }
      out->kids.resize(static_cast<std::size_t>(n));
      for (auto& k : out->kids) {
        if (!ParseRaw(buf, pos, &k, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

void Serialize(const RawNode& n, std::string* out) {
  *out += n.kind;
  if (n.null) {
    *out += "-1\r\n";
    return;
  }
  if (n.kind == '$') {
    *out += std::to_string(n.text.size()) + "\r\n" + n.text + "\r\n";
  } else if (n.kind == '*') {
    *out += std::to_string(n.kids.size()) + "\r\n";
    for (const auto& k : n.kids) Serialize(k, out);
  } else {
    *out += n.text + "\r\n";
  }
}

void Mask(RawNode* n) {
  n->kind = '+';
  n->text = "<masked>";
  n->null = false;
  n->kids.clear();
}

bool IsName(const RawNode& n) { return !n.null && (n.kind == '$' || n.kind == '+'); }

// XINFO STREAM [FULL] and XINFO CONSUMERS reply with name/value lists (RESP2: flat arrays).
// The values of the names below are clock readings, or Redis's radix-tree node count; under
// "pending" (XINFO STREAM FULL) each group entry is [id, consumer, delivery time, count] and
// each consumer entry [id, delivery time, count].
void MaskStreamInfo(RawNode* n) {
  if (n->kind != '*' || n->null) return;
  auto& kids = n->kids;
  bool named = kids.size() % 2 == 0 && !kids.empty();
  for (std::size_t i = 0; named && i < kids.size(); i += 2) named = IsName(kids[i]);
  if (named) {
    for (std::size_t i = 0; i < kids.size(); i += 2) {
      const std::string& name = kids[i].text;
      RawNode& value = kids[i + 1];
      if (name == "idle" || name == "seen-time" || name == "active-time" || name == "inactive" ||
          name == "radix-tree-nodes") {
        Mask(&value);
      } else if (name == "pending" && value.kind == '*') {
        for (auto& p : value.kids) {
          if (p.kind == '*' && p.kids.size() == 4) Mask(&p.kids[2]);
          if (p.kind == '*' && p.kids.size() == 3) Mask(&p.kids[1]);
        }
      } else {
        MaskStreamInfo(&value);
      }
    }
    return;
  }
  for (auto& k : kids) MaskStreamInfo(&k);
}

// XPENDING's extended form: [id, consumer, idle, delivery count] per entry.
void MaskPendingIdle(RawNode* n) {
  if (n->kind != '*') return;
  for (auto& e : n->kids) {
    if (e.kind == '*' && e.kids.size() == 4 && e.kids[2].kind == ':') Mask(&e.kids[2]);
  }
}

// Both replies with `mask` applied, compared byte for byte; replies that do not parse are
// compared as they are.
bool MaskedEqual(const WireReply& a, const WireReply& b, void (*mask)(RawNode*)) {
  RawNode x, y;
  std::size_t pa = 0, pb = 0;
  if (a.raw.empty() || b.raw.empty() || !ParseRaw(a.raw, &pa, &x) || !ParseRaw(b.raw, &pb, &y)) {
    return Exact(a, b);
  }
  mask(&x);
  mask(&y);
  std::string sx, sy;
  Serialize(x, &sx);
  Serialize(y, &sy);
  return sx == sy;
}

}  // namespace

std::uint64_t EnvNumber(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return std::strtoull(v, nullptr, 0);
}

std::string Abbrev(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  return s.substr(0, max) + "...(" + std::to_string(s.size()) + " chars)";
}

bool RespClient::Flush() {
  bool sent = pending_.empty() || conn_.Send(pending_);
  pending_.clear();
  return sent;
}

WireReply RespClient::Read() {
  WireReply w;
  if (!Flush()) {
    w.lost = true;
    return w;
  }
  for (;;) {
    std::size_t end = 0;
    Reply r;
    int rc = ParseResp2(buf_, 0, &end, &r);
    if (rc == 1) {
      w.raw = buf_.substr(0, end);
      buf_.erase(0, end);
      w.decoded = std::move(r);
      return w;
    }
    std::string more = rc < 0 ? std::string() : conn_.Read(1, kReadTimeoutMs);
    if (more.empty()) {
      w.lost = true;
      w.raw = buf_.substr(0, 200);
      return w;
    }
    buf_ += more;
  }
}

bool RepliesMatch(CompareMode mode, const WireReply& a, const WireReply& b) {
  const Reply& x = a.decoded;
  const Reply& y = b.decoded;
  switch (mode) {
    case CompareMode::kUnordered:
      if (x.type == REDIS_REPLY_ARRAY && y.type == REDIS_REPLY_ARRAY) {
        return Sorted(x) == Sorted(y);
      }
      return Exact(a, b);
    case CompareMode::kUnorderedPairs:
      if (x.type == REDIS_REPLY_ARRAY && y.type == REDIS_REPLY_ARRAY &&
          x.elements.size() % 2 == 0 && y.elements.size() % 2 == 0) {
        return x.elements.size() == y.elements.size() && SortedPairs(x) == SortedPairs(y);
      }
      return Exact(a, b);
    case CompareMode::kTtlSeconds:
    case CompareMode::kTtlMillis: {
      if (x.type == REDIS_REPLY_INTEGER && y.type == REDIS_REPLY_INTEGER && x.integer >= 0 &&
          y.integer >= 0) {
        long long tolerance = mode == CompareMode::kTtlSeconds ? 1 : 1000;
        long long diff = x.integer > y.integer ? x.integer - y.integer : y.integer - x.integer;
        return diff <= tolerance;
      }
      return Exact(a, b);
    }
    case CompareMode::kStreamInfo:
      return MaskedEqual(a, b, MaskStreamInfo);
    case CompareMode::kPendingIdle:
      return MaskedEqual(a, b, MaskPendingIdle);
    default:
      return Exact(a, b);
  }
}

std::string Describe(const WireReply& w, const WireReply& other) {
  std::string s = Abbrev(w.decoded.ToString());
  if (w.decoded.ToString() == other.decoded.ToString() && w.raw != other.raw) {
    s += "   raw: " + PrintableCommand({w.raw});
  }
  return s;
}

}  // namespace strata::test
