#include "commands/command_docs_args.h"

#include <gtest/gtest.h>

#include "commands/command.h"
#include "commands/command_docs_table.h"

namespace strata {
namespace {

std::vector<DocArg> Parse(std::string_view text) {
  std::vector<DocArg> args;
  std::string error;
  EXPECT_TRUE(ParseArgSynopsis(text, &args, &error)) << text << ": " << error;
  return args;
}

TEST(CommandDocsArgsTest, SetSynopsis) {
  auto args = Parse(
      "key value [condition: NX | XX] [GET] [expiration: EX seconds:integer | "
      "PX milliseconds:integer | EXAT unix-time-seconds:unix-time | "
      "PXAT unix-time-milliseconds:unix-time | KEEPTTL]");
  ASSERT_EQ(args.size(), 5u);
  EXPECT_EQ(args[0].name, "key");
  EXPECT_EQ(args[0].type, "key");
  EXPECT_EQ(args[1].type, "string");
  EXPECT_EQ(args[2].name, "condition");
  EXPECT_EQ(args[2].type, "oneof");
  EXPECT_TRUE(args[2].optional);
  ASSERT_EQ(args[2].args.size(), 2u);
  EXPECT_EQ(args[2].args[0].name, "nx");
  EXPECT_EQ(args[2].args[0].type, "pure-token");
  EXPECT_EQ(args[2].args[0].token, "NX");
  EXPECT_EQ(args[3].type, "pure-token");
  EXPECT_TRUE(args[3].optional);
  const DocArg& exp = args[4];
  EXPECT_EQ(exp.name, "expiration");
  ASSERT_EQ(exp.args.size(), 5u);
  EXPECT_EQ(exp.args[0].name, "seconds");
  EXPECT_EQ(exp.args[0].type, "integer");
  EXPECT_EQ(exp.args[0].token, "EX");
  EXPECT_EQ(exp.args[2].type, "unix-time");
  EXPECT_EQ(exp.args[4].type, "pure-token");
  EXPECT_EQ(RenderCliHint(args),
            "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|"
            "PXAT unix-time-milliseconds|KEEPTTL]");
}

TEST(CommandDocsArgsTest, Repetitions) {
  auto mset = Parse("key value [data: key value ...]");
  ASSERT_EQ(mset.size(), 1u);
  EXPECT_EQ(mset[0].name, "data");
  EXPECT_EQ(mset[0].type, "block");
  EXPECT_TRUE(mset[0].multiple);
  EXPECT_FALSE(mset[0].optional);
  EXPECT_EQ(RenderCliHint(mset), "key value [key value ...]");

  auto del = Parse("key [key ...]");
  ASSERT_EQ(del.size(), 1u);
  EXPECT_TRUE(del[0].multiple);
  EXPECT_EQ(RenderCliHint(del), "key [key ...]");

  auto info = Parse("[section [section ...]]");
  ASSERT_EQ(info.size(), 1u);
  EXPECT_TRUE(info[0].optional);
  EXPECT_TRUE(info[0].multiple);
  EXPECT_EQ(RenderCliHint(info), "[section [section ...]]");

  // Only the value repeats after the token...
  auto ids = Parse("[ID client-id:integer [client-id:integer ...]]");
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids[0].token, "ID");
  EXPECT_EQ(ids[0].type, "integer");
  EXPECT_TRUE(ids[0].multiple);
  EXPECT_FALSE(ids[0].multiple_token);
  EXPECT_EQ(RenderCliHint(ids), "[ID client-id [client-id ...]]");

  // ...or the token with it.
  auto gets = Parse("key [GET pattern [GET pattern ...]]");
  ASSERT_EQ(gets.size(), 2u);
  EXPECT_EQ(gets[1].type, "pattern");
  EXPECT_TRUE(gets[1].multiple_token);
  EXPECT_EQ(RenderCliHint(gets), "key [GET pattern [GET pattern ...]]");

  // A repetition with nothing before it stands alone, optional.
  auto alone = Parse("[arg ...]");
  ASSERT_EQ(alone.size(), 1u);
  EXPECT_TRUE(alone[0].optional && alone[0].multiple);
}

TEST(CommandDocsArgsTest, TokensWithGroupsAndBlocks) {
  auto list = Parse("[FILTERBY <filter: MODULE module-name | ACLCAT category | PATTERN pattern>]");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].type, "oneof");
  EXPECT_EQ(list[0].name, "filter");
  EXPECT_EQ(list[0].token, "FILTERBY");
  EXPECT_TRUE(list[0].optional);
  EXPECT_EQ(list[0].args[2].type, "pattern");
  EXPECT_EQ(RenderCliHint(list), "[FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]");

  auto hello = Parse("[arguments: protover:integer [AUTH username password] [SETNAME clientname]]");
  ASSERT_EQ(hello.size(), 1u);
  EXPECT_EQ(hello[0].type, "block");
  EXPECT_EQ(hello[0].name, "arguments");
  ASSERT_EQ(hello[0].args.size(), 3u);
  EXPECT_EQ(hello[0].args[1].type, "block");
  EXPECT_EQ(hello[0].args[1].token, "AUTH");
  EXPECT_EQ(hello[0].args[1].args.size(), 2u);
  EXPECT_EQ(RenderCliHint(hello), "[protover [AUTH username password] [SETNAME clientname]]");

  // "ip:port" is a name, not a typed value; "yes/no" too.
  auto kill = Parse("[ADDR ip:port] [SKIPME yes/no]");
  EXPECT_EQ(kill[0].name, "ip:port");
  EXPECT_EQ(kill[0].type, "string");
  EXPECT_EQ(kill[1].name, "yes/no");
}

TEST(CommandDocsArgsTest, RejectsMalformedSynopses) {
  for (std::string_view bad :
       {"[a", "a ]", "<a | b]", "a ...", "[]", "[a | ]", "[a | b ...]", "<a>>"}) {
    std::vector<DocArg> args;
    std::string error;
    EXPECT_FALSE(ParseArgSynopsis(bad, &args, &error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
  std::vector<DocArg> args;
  std::string error;
  EXPECT_TRUE(ParseArgSynopsis("", &args, &error));
  EXPECT_TRUE(args.empty());
}

TEST(CommandDocsArgsTest, EveryTableEntryParses) {
  for (const DocEntry* entry : DocEntries()) {
    const DocEntry& e = *entry;
    std::vector<DocArg> args;
    std::string error;
    EXPECT_TRUE(ParseArgSynopsis(e.arguments, &args, &error)) << e.name << ": " << error;
    EXPECT_FALSE(e.summary.empty()) << e.name;
    EXPECT_FALSE(e.since.empty()) << e.name;
    EXPECT_FALSE(e.group.empty()) << e.name;
    EXPECT_FALSE(e.complexity.empty()) << e.name;
    EXPECT_EQ(FindDocEntry(e.name), &e) << e.name << " is listed twice";
  }
}

TEST(CommandDocsArgsTest, AppliedToTheCommandTable) {
  const CommandTable& table = CommandTable::Get();
  const CommandSpec* command = table.Find("command");
  ASSERT_NE(command, nullptr);
  EXPECT_EQ(command->doc.since, "2.8.13");
  EXPECT_EQ(command->categories, (std::vector<std::string_view>{"@slow", "@connection"}));
  for (const auto& c : table.commands()) {
    EXPECT_FALSE(c->categories.empty()) << c->name;
    for (const auto& sub : c->subcommands) EXPECT_FALSE(sub->categories.empty()) << sub->name;
  }
  if (const CommandSpec* get = table.Find("get")) {
    EXPECT_EQ(get->categories, (std::vector<std::string_view>{"@read", "@string", "@fast"}));
  }
  if (const CommandSpec* client = table.Find("client")) {
    if (const CommandSpec* kill = CommandTable::FindSub(client, "kill")) {
      EXPECT_EQ(kill->doc.arguments, FindDocEntry("client|kill")->arguments);
    }
  }
}

// The longest synopsis: redis-cli must show the same hint as for redis-server.
TEST(CommandDocsArgsTest, ClientKillHint) {
  const DocEntry* kill = FindDocEntry("client|kill");
  ASSERT_NE(kill, nullptr);
  std::vector<DocArg> args;
  std::string error;
  ASSERT_TRUE(ParseArgSynopsis(kill->arguments, &args, &error)) << error;
  ASSERT_EQ(args.size(), 1u);
  EXPECT_EQ(args[0].name, "filter");
  ASSERT_EQ(args[0].args.size(), 2u);
  EXPECT_EQ(args[0].args[1].name, "new-format");
  EXPECT_TRUE(args[0].args[1].multiple);
  const std::string filters =
      "[ID client-id]|[TYPE NORMAL|MASTER|SLAVE|REPLICA|PUBSUB]|[USER username]|"
      "[ADDR ip:port]|[LADDR ip:port]|[SKIPME yes/no]";
  EXPECT_EQ(RenderCliHint(args), "ip:port|" + filters + " [" + filters + " ...]");
}

}  // namespace
}  // namespace strata
