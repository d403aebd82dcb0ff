// Conversions between RESP replies and Lua values, both ways, exactly as Redis 7 makes them
// (script_lua.c): what redis.call hands a script, and what a script's return value becomes.
#pragma once

#include <string_view>

#include "protocol/reply_builder.h"

struct lua_State;

namespace strata::lua {

// Pushes Redis's error table {err="CODE message"}: `err` is "-CODE message" (a reply's
// text) or a bare message, which gets the ERR code.
void PushErrorBuff(lua_State* L, std::string_view err);
inline void PushError(lua_State* L, std::string_view message) { PushErrorBuff(L, message); }
// Pushes the error table of an error reply frame ("-CODE message\r\n").
void PushErrorReply(lua_State* L, std::string_view frame);
// Pushes the Lua value of the RESP reply in `frame` (redis.setresp decides the mapping).
void PushReply(lua_State* L, std::string_view frame, bool resp3);
// Writes the value at `index` as the script's reply. `script_resp3`: redis.setresp(3).
void WriteReply(lua_State* L, int index, bool script_resp3, ReplyBuilder& reply);
// Writes the reply of a script that raised the error at `index`.
void WriteRunError(lua_State* L, int index, std::string_view sha, ReplyBuilder& reply);

}  // namespace strata::lua
