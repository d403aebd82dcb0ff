// The libraries Redis gives scripts that Debian does not package for Lua 5.1: each opener
// pushes its module table (the VM sets the global and makes it read-only).
#pragma once

struct lua_State;

namespace strata::lua {

int OpenMsgpack(lua_State* L);  // cmsgpack
int OpenStruct(lua_State* L);   // struct

}  // namespace strata::lua
