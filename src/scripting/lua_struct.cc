// The `struct` library Redis gives scripts: pack, unpack and size of binary records
// described by a format string (endianness < > and alignment !n, integers b B h H l L T
// i[n] I[n], floats f d, strings s c[n], padding x), with Redis's error texts.
#include <lua.hpp>

#include <cctype>
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>

#include "scripting/lua_libs.h"

namespace strata::lua {
namespace {

constexpr int kMaxIntSize = 32;
constexpr int kMaxAlign = 8;

struct Header {
  bool big = false;  // x86: little-endian by default
  int align = 1;
};

int ReadNumber(lua_State* L, const char** fmt, int fallback) {
  if (!std::isdigit(static_cast<unsigned char>(**fmt))) return fallback;
  int a = 0;
  do {
    int digit = **fmt - '0';
    if (a > INT_MAX / 10 || a * 10 > INT_MAX - digit) luaL_error(L, "integral size overflow");
    a = a * 10 + digit;
    ++*fmt;
  } while (std::isdigit(static_cast<unsigned char>(**fmt)));
  return a;
}

std::size_t OptionSize(lua_State* L, char opt, const char** fmt) {
  switch (opt) {
    case 'B': case 'b': return 1;
    case 'H': case 'h': return sizeof(short);
    case 'L': case 'l': return sizeof(long);
    case 'T': return sizeof(std::size_t);
    case 'f': return sizeof(float);
    case 'd': return sizeof(double);
    case 'x': return 1;
    case 'c': return static_cast<std::size_t>(ReadNumber(L, fmt, 1));
    case 'i': case 'I': {
      int size = ReadNumber(L, fmt, sizeof(int));
      if (size > kMaxIntSize) {
        luaL_error(L, "integral size %d is larger than limit of %d", size, kMaxIntSize);
      }
      return static_cast<std::size_t>(size);
    }
    default:
      return 0;
  }
}

std::size_t Padding(std::size_t pos, const Header& h, char opt, std::size_t size) {
  if (size == 0 || opt == 'c') return 0;
  if (size > static_cast<std::size_t>(h.align)) size = static_cast<std::size_t>(h.align);
  return (size - (pos & (size - 1))) & (size - 1);
}

void Control(lua_State* L, char opt, const char** fmt, Header* h) {
  switch (opt) {
    case ' ':
      return;
    case '>':
      h->big = true;
      return;
    case '<':
      h->big = false;
      return;
    case '!': {
      int a = ReadNumber(L, fmt, kMaxAlign);
      if (a <= 0 || (a & (a - 1)) != 0) luaL_error(L, "alignment %d is not a power of 2", a);
      h->align = a;
      return;
    }
    default:
      luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'", opt));
  }
}

// `bytes` of native-order memory in the header's order (x86 is little-endian).
void Order(char* bytes, std::size_t size, const Header& h) {
  if (!h.big) return;
  for (std::size_t i = 0; i < size / 2; ++i) std::swap(bytes[i], bytes[size - 1 - i]);
}

void PutInteger(lua_State* L, std::string* out, int arg, const Header& h, std::size_t size) {
  lua_Number n = luaL_checknumber(L, arg);
  std::uint64_t value = n < 0 ? static_cast<std::uint64_t>(static_cast<std::int64_t>(n))
                              : static_cast<std::uint64_t>(n);
  char buf[kMaxIntSize] = {};
  for (std::size_t i = 0; i < size && i < 8; ++i) {
    char byte = static_cast<char>(value & 0xff);
    buf[h.big ? size - 1 - i : i] = byte;
    value >>= 8;
  }
  out->append(buf, size);
}

lua_Number GetInteger(const char* p, const Header& h, bool is_signed, std::size_t size) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < size; ++i) {
    std::size_t at = h.big ? i : size - 1 - i;
    v = (v << 8) | static_cast<unsigned char>(p[at]);
  }
  if (!is_signed) return static_cast<lua_Number>(v);
  if (size < 8) {
    std::uint64_t mask = ~std::uint64_t{0} << (size * 8 - 1);
    if ((v & mask) != 0) v |= mask;
  }
  return static_cast<lua_Number>(static_cast<std::int64_t>(v));
}

int Pack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  Header h;
  int arg = 2;
  std::size_t total = 0;
  std::string out;
  while (*fmt != '\0') {
    char opt = *fmt++;
    std::size_t size = OptionSize(L, opt, &fmt);
    std::size_t pad = Padding(total, h, opt, size);
    total += pad;
    out.append(pad, '\0');
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        PutInteger(L, &out, arg++, h, size);
        break;
      case 'x':
        out.push_back('\0');
        break;
      case 'f': {
        float f = static_cast<float>(luaL_checknumber(L, arg++));
        char bytes[sizeof f];
        std::memcpy(bytes, &f, sizeof f);
        Order(bytes, sizeof f, h);
        out.append(bytes, sizeof f);
        break;
      }
      case 'd': {
        double d = luaL_checknumber(L, arg++);
        char bytes[sizeof d];
        std::memcpy(bytes, &d, sizeof d);
        Order(bytes, sizeof d, h);
        out.append(bytes, sizeof d);
        break;
      }
      case 'c':
      case 's': {
        std::size_t len;
        const char* s = luaL_checklstring(L, arg++, &len);
        if (size == 0) size = len;
        luaL_argcheck(L, len >= size, arg, "string too short");
        out.append(s, size);
        if (opt == 's') {
          out.push_back('\0');
          ++size;
        }
        break;
      }
      default:
        Control(L, opt, &fmt, &h);
    }
    total += size;
  }
  lua_pushlstring(L, out.data(), out.size());
  return 1;
}

int Unpack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  std::size_t len;
  const char* data = luaL_checklstring(L, 2, &len);
  auto pos = static_cast<std::size_t>(luaL_optinteger(L, 3, 1) - 1);
  luaL_argcheck(L, pos <= len, 3, "offset must be 1 or greater");
  Header h;
  int n = 0;
  while (*fmt != '\0') {
    char opt = *fmt++;
    std::size_t size = OptionSize(L, opt, &fmt);
    pos += Padding(pos, h, opt, size);
    luaL_argcheck(L, pos <= len && size <= len - pos, 2, "data string too short");
    luaL_checkstack(L, 2, "too many results");
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        lua_pushnumber(L, GetInteger(data + pos, h, std::islower(static_cast<unsigned char>(opt)),
                                     size));
        ++n;
        break;
      case 'x':
        break;
      case 'f': {
        char bytes[sizeof(float)];
        std::memcpy(bytes, data + pos, sizeof bytes);
        Order(bytes, sizeof bytes, h);
        float f;
        std::memcpy(&f, bytes, sizeof f);
        lua_pushnumber(L, f);
        ++n;
        break;
      }
      case 'd': {
        char bytes[sizeof(double)];
        std::memcpy(bytes, data + pos, sizeof bytes);
        Order(bytes, sizeof bytes, h);
        double d;
        std::memcpy(&d, bytes, sizeof d);
        lua_pushnumber(L, d);
        ++n;
        break;
      }
      case 'c': {
        if (size == 0) {
          if (n == 0 || !lua_isnumber(L, -1)) luaL_error(L, "format 'c0' needs a previous size");
          size = static_cast<std::size_t>(lua_tonumber(L, -1));
          lua_pop(L, 1);
          --n;
          luaL_argcheck(L, size <= len - pos, 2, "data string too short");
        }
        lua_pushlstring(L, data + pos, size);
        ++n;
        break;
      }
      case 's': {
        const void* end = std::memchr(data + pos, '\0', len - pos);
        if (end == nullptr) luaL_error(L, "unfinished string in data");
        size = static_cast<std::size_t>(static_cast<const char*>(end) - (data + pos)) + 1;
        lua_pushlstring(L, data + pos, size - 1);
        ++n;
        break;
      }
      default:
        Control(L, opt, &fmt, &h);
    }
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos + 1));
  return n + 1;
}

int Size(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  Header h;
  std::size_t pos = 0;
  while (*fmt != '\0') {
    char opt = *fmt++;
    std::size_t size = OptionSize(L, opt, &fmt);
    pos += Padding(pos, h, opt, size);
    if (opt == 's') {
      luaL_argerror(L, 1, "option 's' has no fixed size");
    } else if (opt == 'c' && size == 0) {
      luaL_argerror(L, 1, "option 'c0' has no fixed size");
    }
    if (!std::isalnum(static_cast<unsigned char>(opt))) Control(L, opt, &fmt, &h);
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos));
  return 1;
}

}  // namespace

int OpenStruct(lua_State* L) {
  static const luaL_Reg kFuncs[] = {
      {"pack", Pack}, {"unpack", Unpack}, {"size", Size}, {nullptr, nullptr}};
  lua_newtable(L);
  luaL_register(L, nullptr, kFuncs);
  return 1;
}

}  // namespace strata::lua
