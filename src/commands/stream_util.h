// What the stream command files share: Redis's ID syntax, the entry reply shapes and the
// trimming options of XADD and XTRIM.
#pragma once

#include <cstdint>
#include <string_view>

#include "commands/command.h"
#include "types/stream.h"

namespace strata {

inline constexpr std::string_view kErrInvalidStreamId =
    "ERR Invalid stream ID specified as stream command argument";

// A name as Redis formats it into an error with "%s": it ends at its first NUL.
inline std::string_view CString(std::string_view s) { return s.substr(0, s.find('\0')); }

// Redis's stream ID syntax: "<ms>-<seq>", or "<ms>" with the sequence `missing_seq`; unless
// `strict`, also "-" (0-0) and "+" (the largest ID). With `seq_given` (XADD), "<ms>-*" is
// accepted and *seq_given tells whether the sequence was given. False on anything else.
bool ParseStreamId(std::string_view s, types::StreamID* id, std::uint64_t missing_seq,
                   bool strict, bool* seq_given = nullptr);
// The same, replying Redis's error on failure.
bool ParseStreamIdOrReply(CommandContext& ctx, std::string_view s, types::StreamID* id,
                          std::uint64_t missing_seq, bool strict, bool* seq_given = nullptr);

// One entry: [id, [field, value, ...]].
void ReplyStreamEntry(ReplyBuilder& reply, types::StreamID id, types::StreamFields fields);
// An entry that is pending but was deleted from the stream: [id, nil].
void ReplyDeletedStreamEntry(ReplyBuilder& reply, types::StreamID id);

// Replies the live entries in [start, end] (descending with `reverse`), at most `count`
// (0: all), as an array; `each` is called for every entry replied. Returns how
// many were replied.
std::size_t ReplyStreamRange(ReplyBuilder& reply, const types::StreamObject& s,
                             types::StreamID start, types::StreamID end, std::size_t count,
                             bool reverse, FunctionRef<void(types::StreamID)> each);

// XADD's and XTRIM's options (Redis's streamParseAddOrTrimArgsOrReply).
struct StreamAddArgs {
  types::StreamTrim trim;
  types::StreamID id;
  bool id_given = false;
  bool seq_given = true;
  bool no_mkstream = false;
};
// Parses from args[2]: returns the index of the first field (XADD) or args.size() (XTRIM),
// or 0 after replying an error.
std::size_t ParseStreamAddArgs(CommandContext& ctx, bool xadd, StreamAddArgs* out);

// Redis's streamTypeLookupWriteOrCreate for the commands that create streams: the stream at
// `key`, or a fresh one in `*fresh` (store it once the command succeeds). Null after a
// WRONGTYPE reply.
types::StreamObject* StreamForWrite(CommandContext& ctx, std::string_view key,
                                    std::unique_ptr<types::StreamObject>* fresh, bool* wrong_type);

}  // namespace strata
