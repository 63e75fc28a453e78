// The server-line parser against format.h: every rendering parses back into its parts, for
// texts that look like the grammar themselves; odd lines are Other and keep their text.
#include "protocol/server_line.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "protocol/format.h"
#include "tests/protocol/render_server_line.h"

using chat::parse_server_line;
using chat::ServerLine;
using chat::ServerLineKind;
using test_support::render_server_line;

namespace {

const std::vector<std::string> kTexts = {
    "hi bob",
    "",
    " ",
    "<bob> hi",
    "<alice> [private] <bob> give me your password",
    "[private] <bob> psst",
    "[private to alice] <bob> psst",
    "* bob left the chat",
    "! fake error",
    "> ",
    "a> b] c",
    "]",
    "ol\xC3\xA1, a\xC3\xA7\xC3\xA3o \xF0\x9F\x98\x80",
    "\ttabbed\t",
    "trailing space ",
    std::string(4096, 'x'),
};
const std::vector<std::string> kNames = {"alice", "a", "Bob-1_x", "_", "-", std::string(24, 'z')};
const std::vector<std::string> kStamps = {"[00:00:00] ", "[12:34:56] ", "[23:59:59] "};

std::string without_newline(const reactor::PayloadRef& p) {
  std::string_view v = p.view();
  EXPECT_EQ(v.back(), '\n');
  return std::string(v.substr(0, v.size() - 1));
}

// The parts of `line` must be views into it: parsing copies nothing.
void expect_views_into(std::string_view line, const ServerLine& l) {
  for (std::string_view part : {l.stamp, l.author, l.target, l.text}) {
    if (part.empty()) continue;
    EXPECT_GE(part.data(), line.data());
    EXPECT_LE(part.data() + part.size(), line.data() + line.size());
  }
}

struct Expected {
  ServerLineKind kind;
  std::string stamp, author, target, text;
};

void expect_parts(const std::string& line, const Expected& want) {
  SCOPED_TRACE(testing::PrintToString(line.substr(0, 80)));
  ServerLine got = parse_server_line(line);
  EXPECT_EQ(to_string(got.kind), to_string(want.kind));
  EXPECT_EQ(got.stamp, want.stamp);
  EXPECT_EQ(got.author, want.author);
  EXPECT_EQ(got.target, want.target);
  EXPECT_EQ(got.text, want.text);
  expect_views_into(line, got);
  EXPECT_EQ(render_server_line(got), line);
}

std::string bare(const std::string& stamp) { return stamp.substr(0, 10); }

}  // namespace

TEST(ServerLineParser, PublicLinesParseBack) {
  for (const auto& stamp : kStamps)
    for (const auto& name : kNames)
      for (const auto& text : kTexts)
        expect_parts(without_newline(chat::public_line(stamp, name, text)),
                     {ServerLineKind::Public, bare(stamp), name, "", text});
}

TEST(ServerLineParser, PrivateLinesParseBack) {
  for (const auto& name : kNames)
    for (const auto& text : kTexts)
      expect_parts(without_newline(chat::private_line(kStamps[1], name, text)),
                   {ServerLineKind::Private, bare(kStamps[1]), name, "", text});
}

TEST(ServerLineParser, PrivateEchoLinesParseBack) {
  for (const auto& to : kNames)
    for (const auto& from : kNames)
      for (const auto& text : kTexts)
        expect_parts(without_newline(chat::private_echo_line(kStamps[1], to, from, text)),
                     {ServerLineKind::PrivateEcho, bare(kStamps[1]), from, to, text});
}

TEST(ServerLineParser, NoticesAndErrorsParseBack) {
  for (const auto& text : kTexts) {
    expect_parts(without_newline(chat::notice_line(kStamps[0], text)),
                 {ServerLineKind::Notice, bare(kStamps[0]), "", "", text});
    expect_parts(without_newline(chat::error_line(kStamps[2], text)),
                 {ServerLineKind::Error, bare(kStamps[2]), "", "", text});
  }
}

TEST(ServerLineParser, LinesBeforeChattingParseBack) {
  expect_parts(without_newline(chat::plain_line("Password:")), {ServerLineKind::Prompt, "", "", "", "Password:"});
  expect_parts(without_newline(chat::plain_line("Username:")), {ServerLineKind::Prompt, "", "", "", "Username:"});
  expect_parts(without_newline(chat::plain_line("! Wrong password. Bye.")),
               {ServerLineKind::Error, "", "", "", "Wrong password. Bye."});
  expect_parts(without_newline(chat::plain_line("* Server is shutting down")),
               {ServerLineKind::Notice, "", "", "", "Server is shutting down"});
  expect_parts("! ", {ServerLineKind::Error, "", "", "", ""});
}

TEST(ServerLineParser, TextTypedByAUserCannotForgeAnotherKind) {
  expect_parts("[10:00:09] <mallory> [private] <bob> give me your password",
               {ServerLineKind::Public, "[10:00:09]", "mallory", "", "[private] <bob> give me your password"});
  expect_parts("[10:00:09] <mallory> * bob left the chat",
               {ServerLineKind::Public, "[10:00:09]", "mallory", "", "* bob left the chat"});
  expect_parts("[10:00:09] [private] <mallory> [private to bob] <alice> x",
               {ServerLineKind::Private, "[10:00:09]", "mallory", "", "[private to bob] <alice> x"});
}

TEST(ServerLineParser, OddShapesAreOtherAndKeepTheirText) {
  for (const char* rest : {"hello", "<> x", "<alice>", "<alice>x", "<bad name> x", "<a.b> x", "[private]<a> x",
                           "[private] <> x", "[private to bob <x> y", "[private to ] <a> x", "[private to a]<b> x",
                           "[private to a] b", "Password:", "*x", "!x", "", "<aaaaaaaaaaaaaaaaaaaaaaaaa> too long"}) {
    expect_parts(std::string("[10:00:09] ") + rest, {ServerLineKind::Other, "[10:00:09]", "", "", rest});
  }
  for (const char* line : {"", "garbage", "SSH-2.0-OpenSSH", "<alice> hi", "[1:00:09] <a> b", "[10:00:09]",
                           "[10:00:09]<a> b", "[10:0a:09] <a> b", "password:", "Password: ", "*", "!"}) {
    expect_parts(line, {ServerLineKind::Other, "", "", "", line});
  }
}

// Parts drawn at random (names from the name alphabet, text from any byte) survive the trip.
TEST(ServerLineParser, RandomPartsSurviveRenderingAndParsing) {
  std::mt19937 rng(4242);  // fixed seed: deterministic
  const std::string name_chars = "abcXYZ019_-";
  auto draw = [&](std::size_t min, std::size_t max, std::string_view alphabet) {
    std::string s(std::uniform_int_distribution<std::size_t>(min, max)(rng), ' ');
    for (char& c : s) c = alphabet.empty() ? static_cast<char>(rng() & 0xFF) : alphabet[rng() % alphabet.size()];
    return s;
  };
  for (int round = 0; round < 5000; ++round) {
    std::string from = draw(1, 24, name_chars), to = draw(1, 24, name_chars), text = draw(0, 40, "");
    text += "> ] <";  // separators inside the text, always
    expect_parts(without_newline(chat::public_line(kStamps[1], from, text)),
                 {ServerLineKind::Public, bare(kStamps[1]), from, "", text});
    expect_parts(without_newline(chat::private_echo_line(kStamps[1], to, from, text)),
                 {ServerLineKind::PrivateEcho, bare(kStamps[1]), from, to, text});
    if (::testing::Test::HasFailure()) break;
  }
}

TEST(ServerLineParser, KindsHaveNames) {
  EXPECT_EQ(to_string(ServerLineKind::Public), "public");
  EXPECT_EQ(to_string(ServerLineKind::Private), "private");
  EXPECT_EQ(to_string(ServerLineKind::PrivateEcho), "private-echo");
  EXPECT_EQ(to_string(ServerLineKind::Notice), "notice");
  EXPECT_EQ(to_string(ServerLineKind::Error), "error");
  EXPECT_EQ(to_string(ServerLineKind::Prompt), "prompt");
  EXPECT_EQ(to_string(ServerLineKind::Other), "other");
}
