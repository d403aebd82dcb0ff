#include "scripting/lua_convert.h"

#include <lua.hpp>

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace strata::lua {
namespace {

void SetField(lua_State* L, const char* name) {  // value on top; table below it
  lua_pushstring(L, name);
  lua_insert(L, -2);
  lua_rawset(L, -3);
}

// The error table on top came from a command's error reply, already counted in errorstats;
// Redis marks it with this field so that returning it does not count it twice.
void MarkCounted(lua_State* L) {
  lua_pushboolean(L, 1);
  SetField(L, "ignore_error_stats_update");
}

bool Counted(lua_State* L, int index) {
  lua_pushstring(L, "ignore_error_stats_update");
  lua_rawget(L, index);
  bool counted = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return counted;
}

std::string_view Line(std::string_view* in) {
  std::size_t end = in->find("\r\n");
  if (end == std::string_view::npos) end = in->size();
  std::string_view line = in->substr(0, end);
  in->remove_prefix(std::min(in->size(), end + 2));
  return line;
}

std::int64_t ToInt(std::string_view s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// One reply element from the front of `*in`.
void PushOne(lua_State* L, std::string_view* in, bool resp3) {
  if (in->empty()) {
    lua_pushboolean(L, 0);
    return;
  }
  char type = (*in)[0];
  in->remove_prefix(1);
  std::string_view line = Line(in);
  lua_checkstack(L, 8);
  switch (type) {
    case '+':
      lua_newtable(L);
      lua_pushlstring(L, line.data(), line.size());
      SetField(L, "ok");
      return;
    case '-': {
      std::string err = "-";
      err.append(line);
      PushErrorBuff(L, err);
      MarkCounted(L);
      return;
    }
    case ':':
      lua_pushnumber(L, static_cast<lua_Number>(ToInt(line)));
      return;
    case '$':
    case '=': {
      std::int64_t len = ToInt(line);
      if (len < 0) {
        lua_pushboolean(L, 0);
        return;
      }
      std::string_view body = in->substr(0, static_cast<std::size_t>(len));
      in->remove_prefix(std::min(in->size(), static_cast<std::size_t>(len) + 2));
      if (type == '$') {
        lua_pushlstring(L, body.data(), body.size());
        return;
      }
      lua_newtable(L);
      lua_newtable(L);
      std::string_view format = body.substr(0, 3), text = body.substr(std::min<std::size_t>(4, body.size()));
      lua_pushlstring(L, format.data(), format.size());
      SetField(L, "format");
      lua_pushlstring(L, text.data(), text.size());
      SetField(L, "string");
      SetField(L, "verbatim_string");
      return;
    }
    case '*':
    case '>': {
      std::int64_t n = ToInt(line);
      if (n < 0) {
        lua_pushboolean(L, 0);
        return;
      }
      lua_newtable(L);
      for (std::int64_t i = 1; i <= n; ++i) {
        PushOne(L, in, resp3);
        lua_rawseti(L, -2, static_cast<int>(i));
      }
      return;
    }
    case '%':
    case '~': {
      std::int64_t n = ToInt(line);
      lua_newtable(L);
      lua_newtable(L);
      for (std::int64_t i = 0; i < n; ++i) {
        PushOne(L, in, resp3);
        if (type == '%') {
          PushOne(L, in, resp3);
        } else {
          lua_pushboolean(L, 1);
        }
        lua_rawset(L, -3);
      }
      SetField(L, type == '%' ? "map" : "set");
      return;
    }
    case '_':
      lua_pushnil(L);
      return;
    case '#':
      lua_pushboolean(L, line == "t");
      return;
    case ',':
      lua_newtable(L);
      lua_pushnumber(L, std::strtod(std::string(line).c_str(), nullptr));
      SetField(L, "double");
      return;
    case '(':
      lua_newtable(L);
      lua_pushlstring(L, line.data(), line.size());
      SetField(L, "big_number");
      return;
    default:
      lua_pushboolean(L, 0);
      return;
  }
}

// Lua numbers become integers by truncation; like the C cast on x86, what does not fit
// (and NaN) becomes the smallest integer.
std::int64_t Truncate(lua_Number v) {
  if (!(v > -9223372036854775808.0 && v < 9223372036854775808.0)) return INT64_MIN;
  return static_cast<std::int64_t>(v);
}

// The string field `name` of the table at `index`, if there is one.
bool StringField(lua_State* L, int index, const char* name, std::string* out) {
  lua_pushstring(L, name);
  lua_rawget(L, index);
  bool ok = lua_type(L, -1) == LUA_TSTRING;
  if (ok) {
    std::size_t len;
    const char* p = lua_tolstring(L, -1, &len);
    out->assign(p, len);
  }
  lua_pop(L, 1);
  return ok;
}

std::string Sanitize(std::string s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return s;
}

void Write(lua_State* L, int index, bool script_resp3, ReplyBuilder& reply) {
  index = index < 0 ? lua_gettop(L) + index + 1 : index;
  if (!lua_checkstack(L, 4)) {
    reply.Error("ERR reached lua stack limit");
    return;
  }
  switch (lua_type(L, index)) {
    case LUA_TSTRING: {
      std::size_t len;
      const char* p = lua_tolstring(L, index, &len);
      reply.Bulk(std::string_view(p, len));
      return;
    }
    case LUA_TBOOLEAN:
      if (script_resp3) {
        reply.Bool(lua_toboolean(L, index));
      } else if (lua_toboolean(L, index)) {
        reply.Integer(1);
      } else {
        reply.Null();
      }
      return;
    case LUA_TNUMBER:
      reply.Integer(Truncate(lua_tonumber(L, index)));
      return;
    case LUA_TTABLE:
      break;
    default:
      reply.Null();
      return;
  }
  std::string s;
  if (StringField(L, index, "err", &s)) {
    if (Counted(L, index)) {
      reply.ErrorCountedElsewhere(s);
    } else {
      reply.Error(s);
    }
    return;
  }
  if (StringField(L, index, "ok", &s)) {
    reply.SimpleString(Sanitize(std::move(s)));
    return;
  }
  lua_pushstring(L, "double");
  lua_rawget(L, index);
  if (lua_type(L, -1) == LUA_TNUMBER) {
    double d = lua_tonumber(L, -1);
    lua_pop(L, 1);
    reply.Double(d);
    return;
  }
  lua_pop(L, 1);
  if (StringField(L, index, "big_number", &s)) {
    s = Sanitize(std::move(s));
    if (reply.resp3()) {
      reply.buffer()->append("(" + s + "\r\n");
    } else {
      reply.Bulk(s);
    }
    return;
  }
  for (const char* kind : {"map", "set"}) {
    lua_pushstring(L, kind);
    lua_rawget(L, index);
    if (lua_type(L, -1) != LUA_TTABLE) {
      lua_pop(L, 1);
      continue;
    }
    int t = lua_gettop(L);
    std::size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, t) != 0) {
      ++n;
      lua_pop(L, 1);
    }
    bool map = kind[0] == 'm';
    if (map) {
      reply.MapHeader(n);
    } else {
      reply.SetHeader(n);
    }
    lua_pushnil(L);
    while (lua_next(L, t) != 0) {
      Write(L, -2, script_resp3, reply);
      if (map) Write(L, -1, script_resp3, reply);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return;
  }
  lua_pushstring(L, "verbatim_string");
  lua_rawget(L, index);
  if (lua_type(L, -1) == LUA_TTABLE) {
    std::string format, text;
    int t = lua_gettop(L);
    if (StringField(L, t, "format", &format) && StringField(L, t, "string", &text) &&
        format.size() == 3) {
      lua_pop(L, 1);
      if (reply.resp3()) {
        std::string body = format + ":" + text;
        reply.buffer()->append("=" + std::to_string(body.size()) + "\r\n" + body + "\r\n");
      } else {
        reply.Bulk(text);
      }
      return;
    }
  }
  lua_pop(L, 1);
  // An array: elements 1, 2, ... up to the first nil.
  std::size_t n = 0;
  for (;;) {
    lua_rawgeti(L, index, static_cast<int>(n + 1));
    bool nil = lua_isnil(L, -1);
    lua_pop(L, 1);
    if (nil) break;
    ++n;
  }
  reply.ArrayHeader(n);
  for (std::size_t i = 1; i <= n; ++i) {
    lua_rawgeti(L, index, static_cast<int>(i));
    Write(L, -1, script_resp3, reply);
    lua_pop(L, 1);
  }
}

}  // namespace

void PushErrorBuff(lua_State* L, std::string_view err) {
  std::string_view code = "ERR", msg = err;
  if (!err.empty() && err[0] == '-') {
    std::size_t space = err.find(' ');
    if (space == std::string_view::npos) {
      msg = err.substr(1);
    } else {
      code = err.substr(1, space - 1);
      msg = err.substr(space + 1);
    }
  }
  while (!msg.empty() && (msg.front() == '\r' || msg.front() == '\n')) msg.remove_prefix(1);
  while (!msg.empty() && (msg.back() == '\r' || msg.back() == '\n')) msg.remove_suffix(1);
  std::string text(code);
  text += ' ';
  text.append(msg);
  lua_newtable(L);
  lua_pushlstring(L, text.data(), text.size());
  SetField(L, "err");
}

void PushErrorReply(lua_State* L, std::string_view frame) {
  std::size_t end = frame.find("\r\n");
  PushErrorBuff(L, frame.substr(0, end));
  MarkCounted(L);
}

void PushReply(lua_State* L, std::string_view frame, bool resp3) { PushOne(L, &frame, resp3); }

void WriteReply(lua_State* L, int index, bool script_resp3, ReplyBuilder& reply) {
  Write(L, index, script_resp3, reply);
}

void WriteRunError(lua_State* L, int index, std::string_view sha, ReplyBuilder& reply) {
  index = index < 0 ? lua_gettop(L) + index + 1 : index;
  if (!lua_istable(L, index)) {
    const char* msg = lua_tostring(L, index);
    std::string text = msg != nullptr ? msg : "execution failure";
    reply.Error("ERR Error running script " + std::string(sha) + ", " + text.substr(0, 100));
    return;
  }
  std::string msg;
  if (!StringField(L, index, "err", &msg)) msg = "ERR unknown error";
  std::string source;
  bool has_source = StringField(L, index, "source", &source);
  lua_pushstring(L, "line");
  lua_rawget(L, index);
  bool has_line = lua_type(L, -1) == LUA_TNUMBER;
  long line = has_line ? static_cast<long>(lua_tonumber(L, -1)) : 0;
  lua_pop(L, 1);
  if (has_source && has_line) {
    msg += " script: " + std::string(sha) + ", on " + source + ":" + std::to_string(line) + ".";
  }
  if (Counted(L, index)) {
    reply.ErrorCountedElsewhere(msg);
  } else {
    reply.Error(msg);
  }
}

}  // namespace strata::lua
