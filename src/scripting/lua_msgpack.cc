// The `cmsgpack` library Redis gives scripts (BullMQ's scripts use it): pack, unpack,
// unpack_one, unpack_limit, with the encodings Redis's picks (smallest integer form, float32
// when exact, str8 for short strings, tables as arrays when their keys are exactly 1..n).
#include <lua.hpp>

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "scripting/lua_libs.h"

namespace strata::lua {
namespace {

constexpr int kMaxNesting = 16;  // deeper tables are packed as nil, as Redis does

void PutBig(std::string* out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PackInt(std::string* out, std::int64_t n) {
  if (n >= 0) {
    auto u = static_cast<std::uint64_t>(n);
    if (u <= 127) {
      out->push_back(static_cast<char>(u));
    } else if (u <= 0xff) {
      out->push_back(static_cast<char>(0xcc));
      PutBig(out, u, 1);
    } else if (u <= 0xffff) {
      out->push_back(static_cast<char>(0xcd));
      PutBig(out, u, 2);
    } else if (u <= 0xffffffffULL) {
      out->push_back(static_cast<char>(0xce));
      PutBig(out, u, 4);
    } else {
      out->push_back(static_cast<char>(0xcf));
      PutBig(out, u, 8);
    }
    return;
  }
  auto u = static_cast<std::uint64_t>(n);
  if (n >= -32) {
    out->push_back(static_cast<char>(n));
  } else if (n >= -128) {
    out->push_back(static_cast<char>(0xd0));
    PutBig(out, u, 1);
  } else if (n >= -32768) {
    out->push_back(static_cast<char>(0xd1));
    PutBig(out, u, 2);
  } else if (n >= INT32_MIN) {
    out->push_back(static_cast<char>(0xd2));
    PutBig(out, u, 4);
  } else {
    out->push_back(static_cast<char>(0xd3));
    PutBig(out, u, 8);
  }
}

void PackNumber(std::string* out, lua_Number n) {
  if (!std::isinf(n) && n >= -9223372036854775808.0 && n < 9223372036854775808.0 &&
      static_cast<lua_Number>(static_cast<std::int64_t>(n)) == n) {
    PackInt(out, static_cast<std::int64_t>(n));
    return;
  }
  float f = static_cast<float>(n);
  if (static_cast<double>(f) == n) {
    std::uint32_t bits;
    std::memcpy(&bits, &f, 4);
    out->push_back(static_cast<char>(0xca));
    PutBig(out, bits, 4);
  } else {
    std::uint64_t bits;
    std::memcpy(&bits, &n, 8);
    out->push_back(static_cast<char>(0xcb));
    PutBig(out, bits, 8);
  }
}

void PackHeader(std::string* out, std::size_t n, unsigned char fix, int fix_max,
                unsigned char c16, unsigned char c32) {
  if (n <= static_cast<std::size_t>(fix_max)) {
    out->push_back(static_cast<char>(fix | n));
  } else if (n <= 0xffff) {
    out->push_back(static_cast<char>(c16));
    PutBig(out, n, 2);
  } else {
    out->push_back(static_cast<char>(c32));
    PutBig(out, n, 4);
  }
}

// Whether the table on top has exactly the keys 1..n (the empty table included).
bool IsArray(lua_State* L) {
  int top = lua_gettop(L);
  long count = 0;
  lua_Number max = 0;
  lua_pushnil(L);
  while (lua_next(L, top) != 0) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TNUMBER) {
      lua_settop(L, top);
      return false;
    }
    lua_Number n = lua_tonumber(L, -1);
    if (n <= 0 || static_cast<lua_Number>(static_cast<long long>(n)) != n) {
      lua_settop(L, top);
      return false;
    }
    if (n > max) max = n;
    ++count;
  }
  lua_settop(L, top);
  return max == static_cast<lua_Number>(count);
}

void Pack(lua_State* L, std::string* out, int level) {
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      std::size_t len;
      const char* p = lua_tolstring(L, -1, &len);
      if (len < 32) {
        out->push_back(static_cast<char>(0xa0 | len));
      } else if (len <= 0xff) {
        out->push_back(static_cast<char>(0xd9));
        PutBig(out, len, 1);
      } else if (len <= 0xffff) {
        out->push_back(static_cast<char>(0xda));
        PutBig(out, len, 2);
      } else {
        out->push_back(static_cast<char>(0xdb));
        PutBig(out, len, 4);
      }
      out->append(p, len);
      return;
    }
    case LUA_TBOOLEAN:
      out->push_back(static_cast<char>(lua_toboolean(L, -1) ? 0xc3 : 0xc2));
      return;
    case LUA_TNUMBER:
      PackNumber(out, lua_tonumber(L, -1));
      return;
    case LUA_TTABLE:
      if (level < kMaxNesting && lua_checkstack(L, 3)) break;
      [[fallthrough]];
    default:
      out->push_back(static_cast<char>(0xc0));
      return;
  }
  int t = lua_gettop(L);
  if (IsArray(L)) {
    std::size_t n = lua_objlen(L, t);
    PackHeader(out, n, 0x90, 15, 0xdc, 0xdd);
    for (std::size_t i = 1; i <= n; ++i) {
      lua_rawgeti(L, t, static_cast<int>(i));
      Pack(L, out, level + 1);
      lua_pop(L, 1);
    }
    return;
  }
  std::size_t n = 0;
  lua_pushnil(L);
  while (lua_next(L, t) != 0) {
    ++n;
    lua_pop(L, 1);
  }
  PackHeader(out, n, 0x80, 15, 0xde, 0xdf);
  lua_pushnil(L);
  while (lua_next(L, t) != 0) {
    lua_pushvalue(L, -2);
    Pack(L, out, level + 1);  // the key
    lua_pop(L, 1);
    Pack(L, out, level + 1);  // the value
    lua_pop(L, 1);
  }
}

int LPack(lua_State* L) {
  int argc = lua_gettop(L);
  if (argc == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  std::string out;
  for (int i = 1; i <= argc; ++i) {
    lua_pushvalue(L, i);
    Pack(L, &out, 0);
    lua_pop(L, 1);
  }
  lua_pushlstring(L, out.data(), out.size());
  return 1;
}

struct Cursor {
  const unsigned char* p;
  std::size_t left;
  enum { kOk, kEof, kBadFormat } err = kOk;

  bool Need(std::size_t n) {
    if (left < n) {
      err = kEof;
      return false;
    }
    return true;
  }
  std::uint64_t Big(std::size_t at, int bytes) const {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | p[at + static_cast<std::size_t>(i)];
    return v;
  }
  void Skip(std::size_t n) {
    p += n;
    left -= n;
  }
};

void Unpack(lua_State* L, Cursor* c);

void UnpackString(lua_State* L, Cursor* c, std::size_t header, std::size_t len) {
  if (!c->Need(header + len)) return;
  lua_pushlstring(L, reinterpret_cast<const char*>(c->p + header), len);
  c->Skip(header + len);
}

void UnpackArray(lua_State* L, Cursor* c, std::size_t header, std::size_t n) {
  c->Skip(header);
  lua_newtable(L);
  for (std::size_t i = 1; i <= n; ++i) {
    Unpack(L, c);
    if (c->err != Cursor::kOk) return;
    lua_rawseti(L, -2, static_cast<int>(i));
  }
}

void UnpackMap(lua_State* L, Cursor* c, std::size_t header, std::size_t n) {
  c->Skip(header);
  lua_newtable(L);
  for (std::size_t i = 0; i < n; ++i) {
    Unpack(L, c);
    if (c->err != Cursor::kOk) return;
    Unpack(L, c);
    if (c->err != Cursor::kOk) return;
    if (lua_isnil(L, -2)) {
      lua_pop(L, 2);  // a nil key cannot be stored
      continue;
    }
    lua_rawset(L, -3);
  }
}

void Unpack(lua_State* L, Cursor* c) {
  if (!c->Need(1)) return;
  if (!lua_checkstack(L, 4)) {
    c->err = Cursor::kBadFormat;
    return;
  }
  unsigned char b = c->p[0];
  auto number = [&](std::size_t bytes, auto convert) {
    if (!c->Need(1 + bytes)) return;
    lua_pushnumber(L, convert(c->Big(1, static_cast<int>(bytes))));
    c->Skip(1 + bytes);
  };
  if (b <= 0x7f) {
    lua_pushnumber(L, b);
    c->Skip(1);
  } else if (b >= 0xe0) {
    lua_pushnumber(L, static_cast<signed char>(b));
    c->Skip(1);
  } else if ((b & 0xe0) == 0xa0) {
    UnpackString(L, c, 1, b & 0x1f);
  } else if ((b & 0xf0) == 0x90) {
    UnpackArray(L, c, 1, b & 0x0f);
  } else if ((b & 0xf0) == 0x80) {
    UnpackMap(L, c, 1, b & 0x0f);
  } else {
    switch (b) {
      case 0xc0: lua_pushnil(L); c->Skip(1); break;
      case 0xc2: lua_pushboolean(L, 0); c->Skip(1); break;
      case 0xc3: lua_pushboolean(L, 1); c->Skip(1); break;
      case 0xcc: number(1, [](std::uint64_t v) { return static_cast<lua_Number>(v); }); break;
      case 0xcd: number(2, [](std::uint64_t v) { return static_cast<lua_Number>(v); }); break;
      case 0xce: number(4, [](std::uint64_t v) { return static_cast<lua_Number>(v); }); break;
      case 0xcf: number(8, [](std::uint64_t v) { return static_cast<lua_Number>(v); }); break;
      case 0xd0: number(1, [](std::uint64_t v) { return static_cast<lua_Number>(static_cast<std::int8_t>(v)); }); break;
      case 0xd1: number(2, [](std::uint64_t v) { return static_cast<lua_Number>(static_cast<std::int16_t>(v)); }); break;
      case 0xd2: number(4, [](std::uint64_t v) { return static_cast<lua_Number>(static_cast<std::int32_t>(v)); }); break;
      case 0xd3: number(8, [](std::uint64_t v) { return static_cast<lua_Number>(static_cast<std::int64_t>(v)); }); break;
      case 0xca:
        number(4, [](std::uint64_t v) {
          auto bits = static_cast<std::uint32_t>(v);
          float f;
          std::memcpy(&f, &bits, 4);
          return static_cast<lua_Number>(f);
        });
        break;
      case 0xcb:
        number(8, [](std::uint64_t v) {
          double d;
          std::memcpy(&d, &v, 8);
          return d;
        });
        break;
      case 0xc4:
      case 0xd9:
        if (c->Need(2)) UnpackString(L, c, 2, c->Big(1, 1));
        break;
      case 0xc5:
      case 0xda:
        if (c->Need(3)) UnpackString(L, c, 3, c->Big(1, 2));
        break;
      case 0xc6:
      case 0xdb:
        if (c->Need(5)) UnpackString(L, c, 5, c->Big(1, 4));
        break;
      case 0xdc:
        if (c->Need(3)) UnpackArray(L, c, 3, c->Big(1, 2));
        break;
      case 0xdd:
        if (c->Need(5)) UnpackArray(L, c, 5, c->Big(1, 4));
        break;
      case 0xde:
        if (c->Need(3)) UnpackMap(L, c, 3, c->Big(1, 2));
        break;
      case 0xdf:
        if (c->Need(5)) UnpackMap(L, c, 5, c->Big(1, 4));
        break;
      default:
        c->err = Cursor::kBadFormat;
        break;
    }
  }
}

int UnpackFull(lua_State* L, lua_Integer limit, lua_Integer offset) {
  std::size_t len;
  const char* s = luaL_checklstring(L, 1, &len);
  bool all = limit == 0;
  if (offset < 0 || limit < 0) {
    return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.",
                      static_cast<int>(offset), static_cast<int>(len));
  }
  if (static_cast<std::size_t>(offset) > len) {
    return luaL_error(L, "Start offset %d greater than input length %d.",
                      static_cast<int>(offset), static_cast<int>(len));
  }
  if (all) limit = INT_MAX;
  Cursor c{reinterpret_cast<const unsigned char*>(s) + offset,
           len - static_cast<std::size_t>(offset)};
  int count = 0;
  for (; c.left > 0 && count < limit; ++count) {
    Unpack(L, &c);
    if (c.err == Cursor::kEof) return luaL_error(L, "Missing bytes in input.");
    if (c.err == Cursor::kBadFormat) return luaL_error(L, "Bad data format in input.");
  }
  if (!all) {
    lua_pushinteger(L, c.left == 0 ? -1 : static_cast<lua_Integer>(len - c.left));
    lua_insert(L, 2);
    ++count;
  }
  return count;
}

int LUnpack(lua_State* L) { return UnpackFull(L, 0, 0); }
int LUnpackOne(lua_State* L) { return UnpackFull(L, 1, luaL_optinteger(L, 2, 0)); }
int LUnpackLimit(lua_State* L) {
  lua_Integer limit = luaL_checkinteger(L, 2);
  return UnpackFull(L, limit, luaL_optinteger(L, 3, 0));
}

}  // namespace

int OpenMsgpack(lua_State* L) {
  static const luaL_Reg kFuncs[] = {{"pack", LPack},
                                    {"unpack", LUnpack},
                                    {"unpack_one", LUnpackOne},
                                    {"unpack_limit", LUnpackLimit},
                                    {nullptr, nullptr}};
  lua_newtable(L);
  luaL_register(L, nullptr, kFuncs);
  lua_pushstring(L, "_NAME");
  lua_pushstring(L, "cmsgpack");
  lua_rawset(L, -3);
  lua_pushstring(L, "_VERSION");
  lua_pushstring(L, "lua-cmsgpack 0.4.0");
  lua_rawset(L, -3);
  return 1;
}

}  // namespace strata::lua
