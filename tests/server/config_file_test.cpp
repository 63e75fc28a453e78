// The config file's syntax: key = value, full-line comments, trimming, quotes, duplicates.
#include "bin/chat_server/config_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

using chat_server::ConfigEntry;
using chat_server::parse_config_text;
using chat_server::read_config_file;

namespace {

std::vector<ConfigEntry> parsed(const std::string& text) {
  std::vector<ConfigEntry> entries;
  std::string error;
  EXPECT_TRUE(parse_config_text(text, entries, error)) << error;
  return entries;
}

std::string error_of(const std::string& text) {
  std::vector<ConfigEntry> entries;
  std::string error;
  EXPECT_FALSE(parse_config_text(text, entries, error)) << text;
  return error;
}

}  // namespace

TEST(ConfigFile, KeysValuesAndLineNumbers) {
  auto e = parsed("# a comment\n\nport = 6000\n  max-line=64  \n\t# indented comment\nbind =\t::1\n");
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].key, "port");
  EXPECT_EQ(e[0].value, "6000");
  EXPECT_EQ(e[0].line, 3);
  EXPECT_EQ(e[1].key, "max-line");
  EXPECT_EQ(e[1].value, "64");
  EXPECT_EQ(e[1].line, 4);
  EXPECT_EQ(e[2].value, "::1");
  EXPECT_EQ(e[2].line, 6);
}

TEST(ConfigFile, HashAfterAValueIsPartOfIt) {
  auto e = parsed("password = se#cret # not a comment\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].value, "se#cret # not a comment");
}

TEST(ConfigFile, OnlyTheFirstEqualsSeparates) {
  auto e = parsed("password = a=b\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].value, "a=b");
}

TEST(ConfigFile, QuotesAreRemovedAndKeepSpaces) {
  auto e = parsed("password = \"  spaced  \"\nmotd = \"\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].value, "  spaced  ");
  EXPECT_EQ(e[1].value, "\"");  // a lone quote is just a character
}

TEST(ConfigFile, CrlfAndNoFinalNewline) {
  auto e = parsed("port = 1\r\nrate = 2");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].value, "1");
  EXPECT_EQ(e[1].value, "2");
  EXPECT_TRUE(parsed("").empty());
  EXPECT_TRUE(parsed("\n\n# only comments\n").empty());
}

TEST(ConfigFile, EmptyValueIsKeptForTheOptionToJudge) {
  auto e = parsed("motd =\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].value, "");
}

TEST(ConfigFile, SyntaxErrorsNameTheLine) {
  EXPECT_EQ(error_of("port = 1\njust words\n"), "2: expected 'key = value'");
  EXPECT_EQ(error_of("= 5\n"), "1: expected 'key = value'");
  EXPECT_EQ(error_of("max line = 5\n"), "1: expected 'key = value'");
}

TEST(ConfigFile, ARepeatedKeyIsAnError) {
  EXPECT_EQ(error_of("port = 1\n\nport = 2\n"), "3: 'port' is already set on line 1");
}

TEST(ConfigFile, FileErrorsNameTheFile) {
  std::vector<ConfigEntry> entries;
  std::string error;
  EXPECT_FALSE(read_config_file("/nonexistent/chat.conf", entries, error));
  EXPECT_NE(error.find("/nonexistent/chat.conf: "), std::string::npos) << error;
  EXPECT_FALSE(read_config_file("/tmp", entries, error));
  EXPECT_NE(error.find("/tmp: "), std::string::npos) << error;

  std::string path = "/tmp/config-file-test-" + std::to_string(getpid());
  std::ofstream(path) << "port = 1\nnonsense\n";
  EXPECT_FALSE(read_config_file(path, entries, error));
  EXPECT_EQ(error, path + ":2: expected 'key = value'");
  unlink(path.c_str());
}
