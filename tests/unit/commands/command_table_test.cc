// The command table's two descriptions of where keys are — the fixed positions of Keys()
// (or a KeysBy finder) and Redis 7's key specs — must name the same arguments, and every
// key argument must get its intent from exactly one spec.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"

namespace strata {
namespace {

void ForEachCommand(void (*check)(const CommandSpec&)) {
  for (const auto& c : CommandTable::Get().commands()) {
    check(*c);
    for (const auto& sub : c->subcommands) check(*sub);
  }
}

// Argument lists of `spec` from its minimal arity up to a few more arguments. For commands
// whose keys follow a numkeys argument, that argument is set to every count that fits.
std::vector<std::vector<std::string>> SampleArgs(const CommandSpec& spec) {
  std::vector<std::vector<std::string>> out;
  int min_argc = spec.arity >= 0 ? spec.arity : -spec.arity;
  int max_argc = spec.arity >= 0 ? spec.arity : min_argc + 7;
  for (int argc = min_argc; argc <= max_argc; ++argc) {
    std::vector<std::string> args;
    for (int i = 0; i < argc; ++i) args.push_back(std::string("a").append(std::to_string(i)));
    if (spec.parent == nullptr) {
      args[0] = spec.name;
    } else {
      args[0] = spec.parent->name;
      args[1] = spec.name.substr(spec.parent->name.size() + 1);
    }
    const KeySpec* keynum = nullptr;
    for (const KeySpec& ks : spec.key_specs) {
      if (ks.find == KeySpec::Find::kKeyNum) keynum = &ks;
    }
    if (keynum == nullptr) {
      out.push_back(args);
      continue;
    }
    std::size_t at = static_cast<std::size_t>(keynum->index + keynum->keynumidx);
    if (at >= args.size()) continue;
    for (int n = 1; n < argc; ++n) {
      args[at] = std::to_string(n);
      out.push_back(args);
    }
  }
  return out;
}

std::string Join(const std::vector<std::string>& args) {
  std::string s;
  for (const auto& a : args) s += a + " ";
  return s;
}

TEST(CommandTableTest, KeySpecsCoverExactlyTheKeyPositions) {
  ForEachCommand([](const CommandSpec& spec) {
    bool has_keys = spec.first_key > 0 || spec.keys_finder != nullptr;
    EXPECT_EQ(has_keys, !spec.key_specs.empty()) << spec.name;
    for (const auto& argv : SampleArgs(spec)) {
      std::vector<std::string_view> args(argv.begin(), argv.end());
      std::vector<int> positions;
      spec.KeyPositions(args, &positions);
      std::vector<int> covered;
      bool keynum_found = false, has_keynum = false;
      for (int p = 0; p < static_cast<int>(args.size()); ++p) {
        int specs = 0;
        for (const KeySpec& ks : spec.key_specs) {
          bool covers = ks.Covers(args, p);
          specs += covers ? 1 : 0;
          has_keynum |= ks.find == KeySpec::Find::kKeyNum;
          keynum_found |= covers && ks.find == KeySpec::Find::kKeyNum;
        }
        EXPECT_LE(specs, 1) << spec.name << ": argument " << p << " in two key specs";
        if (specs > 0) covered.push_back(p);
      }
      // A numkeys that announces more keys than there are makes the whole command keyless
      // (COMMAND GETKEYS refuses it, as Redis does), the destination of a STORE included.
      if (has_keynum && !keynum_found) covered.clear();
      EXPECT_EQ(positions, covered) << spec.name << " with " << Join(argv);
    }
  });
}

TEST(CommandTableTest, EveryKeySpecSaysWhatHappensToItsKeys) {
  ForEachCommand([](const CommandSpec& spec) {
    for (const KeySpec& ks : spec.key_specs) {
      int kinds = 0;
      for (std::uint32_t f : {kKsRO, kKsRW, kKsOW, kKsRM}) kinds += (ks.flags & f) != 0 ? 1 : 0;
      if ((ks.flags & kKsNotKey) != 0) {
        // Shard channels (SSUBSCRIBE, SPUBLISH): arguments that pick a cluster slot but are
        // no data, so nothing happens to them; Redis's spec carries only not_key.
        EXPECT_EQ(ks.flags, kKsNotKey) << spec.name;
        continue;
      }
      EXPECT_EQ(kinds, 1) << spec.name << ": one of RO, RW, OW, RM";
      EXPECT_EQ((ks.flags & kKsVariableFlags) != 0, spec.intent_finder != nullptr) << spec.name;
    }
  });
}

TEST(CommandTableTest, IntentsFollowRedisFlags) {
  EXPECT_EQ(IntentFromKeySpecFlags(kKsRO), KeyIntent::kMeta);
  EXPECT_EQ(IntentFromKeySpecFlags(kKsRO | kKsAccess), KeyIntent::kRead);
  EXPECT_EQ(IntentFromKeySpecFlags(kKsOW | kKsUpdate), KeyIntent::kOverwrite);
  EXPECT_EQ(IntentFromKeySpecFlags(kKsRM | kKsDelete), KeyIntent::kOverwrite);
  EXPECT_EQ(IntentFromKeySpecFlags(kKsRW | kKsInsert), KeyIntent::kWrite);

  // Per key, not per command: COPY reads its source and writes its destination; LMOVE
  // changes both; ZUNIONSTORE overwrites its destination and reads its sources.
  struct Case {
    std::vector<std::string_view> args;
    std::vector<KeyIntent> intents;
  };
  const Case kCases[] = {
      {{"copy", "s", "d"}, {KeyIntent::kRead, KeyIntent::kWrite}},  // see CopyAccess
      {{"lmove", "s", "d", "left", "right"}, {KeyIntent::kWrite, KeyIntent::kWrite}},
      {{"zunionstore", "d", "2", "a", "b"},
       {KeyIntent::kOverwrite, KeyIntent::kRead, KeyIntent::kRead}},
      {{"sdiffstore", "d", "a", "b"}, {KeyIntent::kOverwrite, KeyIntent::kRead, KeyIntent::kRead}},
      {{"rename", "s", "d"}, {KeyIntent::kWrite, KeyIntent::kOverwrite}},
      {{"exists", "a", "b"}, {KeyIntent::kMeta, KeyIntent::kMeta}},
      {{"set", "k", "v"}, {KeyIntent::kOverwrite}},
      {{"set", "k", "v", "GET"}, {KeyIntent::kWrite}},
      {{"del", "a"}, {KeyIntent::kOverwrite}},
      {{"get", "a"}, {KeyIntent::kRead}},
  };
  for (const Case& c : kCases) {
    const CommandSpec* spec = CommandTable::Get().Find(c.args[0]);
    ASSERT_NE(spec, nullptr) << c.args[0];
    std::vector<KeyAccess> access;
    spec->KeyAccesses(c.args, 0, &access);
    std::vector<KeyIntent> intents;
    for (const KeyAccess& a : access) intents.push_back(a.intent);
    EXPECT_EQ(intents, c.intents) << c.args[0];
  }
}

}  // namespace
}  // namespace strata
