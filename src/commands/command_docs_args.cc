// A small recursive-descent parser from the synopsis text to the COMMAND DOCS argument tree.
#include "commands/command_docs_args.h"

#include <cctype>
#include <optional>

namespace strata {
namespace {

enum class TokKind { kOpenOpt, kCloseOpt, kOpenReq, kCloseReq, kPipe, kEllipsis, kLabel, kWord };

struct Tok {
  TokKind kind;
  std::string_view text;
};

bool IsDelimiter(char c) {
  return c == '[' || c == ']' || c == '<' || c == '>' || c == '|' ||
         std::isspace(static_cast<unsigned char>(c));
}

std::vector<Tok> Tokenize(std::string_view s) {
  std::vector<Tok> toks;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    TokKind single = TokKind::kWord;
    switch (c) {
      case '[':
        single = TokKind::kOpenOpt;
        break;
      case ']':
        single = TokKind::kCloseOpt;
        break;
      case '<':
        single = TokKind::kOpenReq;
        break;
      case '>':
        single = TokKind::kCloseReq;
        break;
      case '|':
        single = TokKind::kPipe;
        break;
      default:
        break;
    }
    if (single != TokKind::kWord) {
      toks.push_back({single, s.substr(i, 1)});
      ++i;
      continue;
    }
    std::size_t start = i;
    while (i < s.size() && !IsDelimiter(s[i])) ++i;
    std::string_view word = s.substr(start, i - start);
    bool after_open = !toks.empty() && (toks.back().kind == TokKind::kOpenOpt ||
                                        toks.back().kind == TokKind::kOpenReq);
    if (word == "...") {
      toks.push_back({TokKind::kEllipsis, word});
    } else if (after_open && word.size() > 1 && word.back() == ':') {
      toks.push_back({TokKind::kLabel, word.substr(0, word.size() - 1)});
    } else {
      toks.push_back({TokKind::kWord, word});
    }
  }
  return toks;
}

// A literal token has letters, all upper case ("NX", "NO-EVICT", "LIB-NAME"), or is a lone
// symbol ("*", "=", "~": XADD's ID and trimming operators).
bool IsLiteral(std::string_view word) {
  bool letter = false;
  for (char c : word) {
    if (std::islower(static_cast<unsigned char>(c))) return false;
    if (std::isupper(static_cast<unsigned char>(c))) letter = true;
  }
  return letter || word == "*" || word == "=" || word == "~";
}

std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsKnownType(std::string_view t) {
  return t == "key" || t == "string" || t == "integer" || t == "double" || t == "pattern" ||
         t == "unix-time";
}

bool LooksLikeKey(std::string_view name) {
  if (name == "newkey" || name == "source" || name == "destination") return true;
  if (name.substr(0, 3) != "key") return false;
  for (char c : name.substr(3)) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

DocArg ValueArg(std::string_view word) {
  DocArg arg;
  std::size_t colon = word.rfind(':');
  if (colon != std::string_view::npos && IsKnownType(word.substr(colon + 1))) {
    arg.name = std::string(word.substr(0, colon));
    arg.type = std::string(word.substr(colon + 1));
    return arg;
  }
  arg.name = std::string(word);
  if (LooksLikeKey(word)) {
    arg.type = "key";
  } else if (word == "pattern") {
    arg.type = "pattern";
  } else {
    arg.type = "string";
  }
  return arg;
}

// One parsed argument together with the synopsis words it came from; repetition
// ("x [x ...]") is recognised by comparing those words.
struct Item {
  DocArg arg;
  std::vector<std::string_view> words;
  std::size_t token_words = 0;  // leading words that are the argument's own token
};

// What a bracketed group parsed to: an argument, or a repetition "[x ...]" of `repeated`.
struct Group {
  bool is_repeat = false;
  Item item;
  std::vector<Item> repeated;
  std::string label;
};

std::string JoinNames(const std::vector<DocArg>& args) {
  std::string out;
  for (const auto& a : args) {
    if (!out.empty()) out += '-';
    out += a.name;
  }
  return out;
}

DocArg MakeBlock(std::vector<Item>& items, const std::string& label) {
  DocArg block;
  block.type = "block";
  for (auto& it : items) block.args.push_back(std::move(it.arg));
  block.name = label.empty() ? JoinNames(block.args) : label;
  return block;
}

std::vector<std::string_view> Concat(const std::vector<Item>& items) {
  std::vector<std::string_view> out;
  for (const auto& it : items) out.insert(out.end(), it.words.begin(), it.words.end());
  return out;
}

class Parser {
 public:
  explicit Parser(std::vector<Tok> toks) : toks_(std::move(toks)) {}

  bool ParseAll(std::vector<DocArg>* out, std::string* error) {
    bool ellipsis = false;
    std::vector<Item> items = ParseSeq(&ellipsis);
    if (error_.empty() && ellipsis) Fail("'...' outside a group");
    if (error_.empty() && pos_ < toks_.size()) Fail("unexpected '" + Text() + "'");
    if (!error_.empty()) {
      *error = error_;
      return false;
    }
    for (auto& it : items) out->push_back(std::move(it.arg));
    return true;
  }

 private:
  bool AtEnd() const { return pos_ >= toks_.size(); }
  TokKind Kind() const { return toks_[pos_].kind; }
  std::string Text() const { return AtEnd() ? "end" : std::string(toks_[pos_].text); }
  void Fail(const std::string& why) {
    if (error_.empty()) error_ = why + " at word " + std::to_string(pos_);
  }
  bool AtSeqEnd() const {
    return AtEnd() || Kind() == TokKind::kCloseOpt || Kind() == TokKind::kCloseReq ||
           Kind() == TokKind::kPipe;
  }

  // A sequence of arguments up to a closing bracket, '|' or the end. *ellipsis is set when
  // the sequence ends with "...".
  std::vector<Item> ParseSeq(bool* ellipsis) {
    std::vector<Item> items;
    while (error_.empty() && !AtSeqEnd()) {
      if (Kind() == TokKind::kEllipsis) {
        ++pos_;
        *ellipsis = true;
        if (!AtSeqEnd()) Fail("'...' must end a group");
        break;
      }
      if (Kind() == TokKind::kOpenOpt || Kind() == TokKind::kOpenReq) {
        Group g = ParseGroup();
        if (g.is_repeat) {
          MergeRepeat(std::move(g), &items);
        } else {
          items.push_back(std::move(g.item));
        }
      } else if (Kind() == TokKind::kWord && IsLiteral(toks_[pos_].text)) {
        items.push_back(ParseTokenArg());
      } else if (Kind() == TokKind::kWord) {
        items.push_back(Item{ValueArg(toks_[pos_].text), {toks_[pos_].text}, 0});
        ++pos_;
      } else {
        Fail("unexpected '" + Text() + "'");
      }
    }
    return items;
  }

  // "TOKEN", "TOKEN value", "TOKEN <group>" or "TOKEN v1 v2..." (a block).
  Item ParseTokenArg() {
    std::string_view token = toks_[pos_].text;
    std::size_t start = pos_++;
    std::vector<Item> values;
    while (error_.empty() && !AtSeqEnd()) {
      if (Kind() == TokKind::kWord && !IsLiteral(toks_[pos_].text)) {
        values.push_back(Item{ValueArg(toks_[pos_].text), {toks_[pos_].text}, 0});
        ++pos_;
      } else if (Kind() == TokKind::kOpenReq) {
        Group g = ParseGroup();
        if (g.is_repeat) {
          Fail("repetition right after a token");
          break;
        }
        values.push_back(std::move(g.item));
      } else {
        break;
      }
    }
    Item item;
    for (std::size_t i = start; i < pos_; ++i) item.words.push_back(toks_[i].text);
    item.token_words = 1;
    if (values.empty()) {
      item.arg.name = Lowercase(token);
      item.arg.type = "pure-token";
    } else if (values.size() == 1) {
      item.arg = std::move(values[0].arg);
    } else {
      item.arg = MakeBlock(values, Lowercase(token));
    }
    item.arg.token = std::string(token);
    return item;
  }

  // "[...]" or "<...>", with alternatives and an optional leading label.
  Group ParseGroup() {
    bool optional = Kind() == TokKind::kOpenOpt;
    TokKind close = optional ? TokKind::kCloseOpt : TokKind::kCloseReq;
    std::size_t start = pos_++;
    Group g;
    if (!AtEnd() && Kind() == TokKind::kLabel) g.label = std::string(toks_[pos_++].text);
    std::vector<std::vector<Item>> alternatives;
    bool ellipsis = false;
    while (error_.empty()) {
      bool alt_ellipsis = false;
      alternatives.push_back(ParseSeq(&alt_ellipsis));
      ellipsis = ellipsis || alt_ellipsis;
      if (AtEnd()) {
        Fail("unclosed group");
      } else if (Kind() == TokKind::kPipe) {
        ++pos_;
        continue;
      } else if (Kind() != close) {
        Fail("mismatched bracket");
      } else {
        ++pos_;
      }
      break;
    }
    if (!error_.empty()) return g;
    for (const auto& alt : alternatives) {
      if (alt.empty()) Fail("empty group or alternative");
    }
    if (!error_.empty()) return g;
    if (ellipsis) {
      if (alternatives.size() != 1) Fail("'...' inside alternatives");
      g.is_repeat = true;
      g.repeated = std::move(alternatives[0]);
      return g;
    }
    for (std::size_t i = start; i < pos_; ++i) g.item.words.push_back(toks_[i].text);
    DocArg& arg = g.item.arg;
    if (alternatives.size() > 1) {
      arg.type = "oneof";
      for (auto& alt : alternatives) {
        if (alt.size() == 1) {
          arg.args.push_back(std::move(alt[0].arg));
        } else {
          arg.args.push_back(MakeBlock(alt, ""));
        }
      }
      arg.name = g.label.empty() ? JoinNames(arg.args) : g.label;
    } else if (alternatives[0].size() == 1 && g.label.empty()) {
      arg = std::move(alternatives[0][0].arg);
    } else {
      arg = MakeBlock(alternatives[0], g.label);
    }
    if (optional) arg.optional = true;
    return g;
  }

  // Folds "[x ...]" into the preceding x (making it multiple), or stands alone as an
  // optional repeated argument when nothing before it matches.
  void MergeRepeat(Group g, std::vector<Item>* items) {
    std::vector<std::string_view> unit = Concat(g.repeated);
    std::size_t n = g.repeated.size();
    if (items->size() >= n) {
      std::vector<std::string_view> tail_words;
      for (std::size_t i = items->size() - n; i < items->size(); ++i) {
        const auto& w = (*items)[i].words;
        tail_words.insert(tail_words.end(), w.begin(), w.end());
      }
      if (tail_words == unit) {
        std::vector<Item> tail(std::make_move_iterator(items->end() - static_cast<long>(n)),
                               std::make_move_iterator(items->end()));
        items->resize(items->size() - n);
        Item merged;
        merged.words = unit;
        if (n == 1) {
          merged.arg = std::move(tail[0].arg);
          merged.arg.multiple_token = !merged.arg.token.empty();
        } else {
          merged.arg = MakeBlock(tail, g.label);
        }
        merged.arg.multiple = true;
        items->push_back(std::move(merged));
        return;
      }
    }
    if (n == 1 && !items->empty()) {
      Item& last = items->back();
      std::vector<std::string_view> value_words(
          last.words.begin() + static_cast<long>(last.token_words), last.words.end());
      if (last.token_words > 0 && value_words == unit) {
        last.arg.multiple = true;  // "TOKEN v [v ...]": only the value repeats
        return;
      }
    }
    Item standalone;
    standalone.words = unit;
    standalone.arg = n == 1 ? std::move(g.repeated[0].arg) : MakeBlock(g.repeated, g.label);
    standalone.arg.optional = true;
    standalone.arg.multiple = true;
    items->push_back(std::move(standalone));
  }

  std::vector<Tok> toks_;
  std::size_t pos_ = 0;
  std::string error_;
};

void AppendHint(const DocArg& arg, std::string* out);

void AppendJoined(const std::vector<DocArg>& args, std::string_view sep, std::string* out) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out->append(sep);
    AppendHint(args[i], out);
  }
}

void AppendHint(const DocArg& arg, std::string* out) {
  std::string repeat;
  if (arg.type == "oneof") {
    AppendJoined(arg.args, "|", &repeat);
  } else if (arg.type == "block") {
    AppendJoined(arg.args, " ", &repeat);
  } else if (arg.type != "pure-token") {
    repeat = arg.name.empty() ? "\"\"" : arg.name;
  }
  std::string token = arg.token;
  if (!token.empty() && arg.type != "pure-token") token += ' ';
  if (arg.optional) out->push_back('[');
  out->append(token).append(repeat);
  if (arg.multiple) {
    out->append(" [");
    if (arg.multiple_token) out->append(token);
    out->append(repeat).append(" ...]");
  }
  if (arg.optional) out->push_back(']');
}

}  // namespace

bool ParseArgSynopsis(std::string_view synopsis, std::vector<DocArg>* out, std::string* error) {
  return Parser(Tokenize(synopsis)).ParseAll(out, error);
}

std::string RenderCliHint(const std::vector<DocArg>& args) {
  std::string out;
  AppendJoined(args, " ", &out);
  return out;
}

}  // namespace strata
