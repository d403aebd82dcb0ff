#include "commands/stream_util.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "commands/util.h"
#include "types/encoding_limits.h"

namespace strata {

using types::StreamID;
using types::StreamObject;

namespace {

// Redis's string2ull: a canonical integer that is not negative, else whatever strtoull
// takes whole in base 10 without overflow (so "+5", " 5" and "007" pass, as in Redis).
bool ParseU64LikeRedis(const char* s, std::uint64_t* out) {
  std::int64_t v;
  if (ParseInt64(s, &v)) {
    if (v < 0) return false;
    *out = static_cast<std::uint64_t>(v);
    return true;
  }
  errno = 0;
  char* end = nullptr;
  unsigned long long u = std::strtoull(s, &end, 10);
  if (errno == EINVAL || errno == ERANGE || *s == '\0' || *end != '\0') return false;
  *out = u;
  return true;
}

}  // namespace

bool ParseStreamId(std::string_view s, StreamID* id, std::uint64_t missing_seq, bool strict,
                   bool* seq_given) {
  char buf[128];
  if (s.size() > sizeof(buf) - 1) return false;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  if (strict && s.size() == 1 && (s[0] == '-' || s[0] == '+')) return false;
  if (seq_given != nullptr) *seq_given = true;
  if (s == "-") {
    *id = StreamID::Min();
    return true;
  }
  if (s == "+") {
    *id = StreamID::Max();
    return true;
  }
  // Like Redis, the ID ends at the first NUL and splits at the first '-'.
  char* dash = std::strchr(buf, '-');
  if (dash != nullptr) *dash = '\0';
  std::uint64_t ms, seq;
  if (!ParseU64LikeRedis(buf, &ms)) return false;
  if (dash == nullptr) {
    seq = missing_seq;
  } else if (seq_given != nullptr && std::strcmp(dash + 1, "*") == 0) {
    seq = 0;
    *seq_given = false;
  } else if (!ParseU64LikeRedis(dash + 1, &seq)) {
    return false;
  }
  *id = {ms, seq};
  return true;
}

bool ParseStreamIdOrReply(CommandContext& ctx, std::string_view s, StreamID* id,
                          std::uint64_t missing_seq, bool strict, bool* seq_given) {
  if (ParseStreamId(s, id, missing_seq, strict, seq_given)) return true;
  ctx.reply.Error(kErrInvalidStreamId);
  return false;
}

void ReplyStreamEntry(ReplyBuilder& reply, StreamID id, types::StreamFields fields) {
  reply.ArrayHeader(2);
  std::string s;
  id.AppendTo(&s);
  reply.Bulk(s);
  reply.BulkArray(fields);
}

void ReplyDeletedStreamEntry(ReplyBuilder& reply, StreamID id) {
  reply.ArrayHeader(2);
  reply.Bulk(id.ToString());
  reply.NullArray();
}

std::size_t ReplyStreamRange(ReplyBuilder& reply, const StreamObject& s, StreamID start,
                             StreamID end, std::size_t count, bool reverse,
                             FunctionRef<void(StreamID)> each) {
  // The count is known only at the end: the entries go to a side buffer first.
  std::string body;
  ReplyBuilder entries(&body);
  entries.set_resp3(reply.resp3());
  std::size_t n = 0;
  s.ForRange(start, end, reverse, [&](StreamID id, types::StreamFields fields) {
    ReplyStreamEntry(entries, id, fields);
    each(id);
    return ++n != count;
  });
  reply.ArrayHeader(n);
  reply.buffer()->append(body);
  return n;
}

std::size_t ParseStreamAddArgs(CommandContext& ctx, bool xadd, StreamAddArgs* out) {
  using Strategy = types::StreamTrim::Strategy;
  auto& args = ctx.args;
  types::StreamTrim& trim = out->trim;
  bool limit_given = false;
  std::size_t i = 2;
  for (; i < args.size(); ++i) {
    const std::size_t more = args.size() - 1 - i;
    std::string_view opt = args[i];
    if (xadd && opt == "*") break;
    const bool maxlen = EqualsIgnoreCase(opt, "maxlen");
    if ((maxlen || EqualsIgnoreCase(opt, "minid")) && more > 0) {
      if (trim.strategy != Strategy::kNone) {
        ctx.reply.Error("ERR syntax error, MAXLEN and MINID options at the same time are not "
                        "compatible");
        return 0;
      }
      trim.approx = false;
      if (more >= 2 && (args[i + 1] == "~" || args[i + 1] == "=")) {
        trim.approx = args[i + 1] == "~";
        ++i;
      }
      if (maxlen) {
        std::int64_t n;
        if (!ParseInt64(args[i + 1], &n)) {
          ctx.reply.Error(kErrNotInteger);
          return 0;
        }
        if (n < 0) {
          ctx.reply.Error("ERR The MAXLEN argument must be >= 0.");
          return 0;
        }
        trim.max_len = static_cast<std::uint64_t>(n);
        trim.strategy = Strategy::kMaxLen;
      } else {
        if (!ParseStreamIdOrReply(ctx, args[i + 1], &trim.min_id, 0, true)) return 0;
        trim.strategy = Strategy::kMinId;
      }
      ++i;
    } else if (EqualsIgnoreCase(opt, "limit") && more > 0) {
      std::int64_t n;
      if (!ParseInt64(args[i + 1], &n)) {
        ctx.reply.Error(kErrNotInteger);
        return 0;
      }
      if (n < 0) {
        ctx.reply.Error("ERR The LIMIT argument must be >= 0.");
        return 0;
      }
      trim.limit = static_cast<std::uint64_t>(n);
      limit_given = true;
      ++i;
    } else if (xadd && EqualsIgnoreCase(opt, "nomkstream")) {
      out->no_mkstream = true;
    } else if (xadd) {
      // Anything else is the ID, or a syntax error reported as a bad ID.
      if (!ParseStreamIdOrReply(ctx, opt, &out->id, 0, true, &out->seq_given)) return 0;
      out->id_given = true;
      break;
    } else {
      ctx.reply.Error(kErrSyntax);
      return 0;
    }
  }
  if (trim.limit != 0 && trim.strategy == Strategy::kNone) {
    ctx.reply.Error("ERR syntax error, LIMIT cannot be used without specifying a trimming "
                    "strategy");
    return 0;
  }
  if (!xadd && trim.strategy == Strategy::kNone) {
    ctx.reply.Error("ERR syntax error, XTRIM must be called with a trimming strategy");
    return 0;
  }
  if (limit_given) {
    if (!trim.approx) {
      ctx.reply.Error("ERR syntax error, LIMIT cannot be used without the special ~ option");
      return 0;
    }
  } else if (trim.approx) {
    // Without LIMIT an approximate trim does a bounded amount of work, as in Redis.
    trim.limit = static_cast<std::uint64_t>(
        std::max<std::int64_t>(0, 100 * types::Limits().stream_node_max_entries.load()));
  } else {
    trim.limit = 0;  // exact trimming is never limited
  }
  return xadd ? std::min(i + 1, args.size()) : args.size();
}

StreamObject* StreamForWrite(CommandContext& ctx, std::string_view key,
                             std::unique_ptr<StreamObject>* fresh, bool* wrong_type) {
  *wrong_type = false;
  WriteRef v = ctx.ks->FindForWrite(ctx.db, key);
  if (v && v.type != ValueType::kStream) {
    *wrong_type = true;
    ctx.reply.Error(kErrWrongType);
    return nullptr;
  }
  if (v) return static_cast<StreamObject*>(v.obj);
  *fresh = std::make_unique<StreamObject>();
  return fresh->get();
}

}  // namespace strata
