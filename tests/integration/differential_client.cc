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
