// The log's two formats: text lines, and JSON objects that stay valid whatever a name or a
// reason contains (quotes, backslashes, control characters, invalid UTF-8).
#include <gtest/gtest.h>

#include <string>

#include "net/log.h"
#include "net/stats.h"

using namespace net;

namespace {

const timespec kNoon{1767355201, 234567890};  // 2026-01-02 12:00:01.234 UTC

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

}  // namespace

TEST(LogFormat, JsonEscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_string("plain"), "\"plain\"");
  EXPECT_EQ(json_string("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(json_string("a\\b"), "\"a\\\\b\"");
  EXPECT_EQ(json_string("l1\nl2\r\t"), "\"l1\\nl2\\r\\t\"");
  EXPECT_EQ(json_string(std::string("nul\0bel\a", 8)), "\"nul\\u0000bel\\u0007\"");
  EXPECT_EQ(json_string("esc\x1b[0m del\x7f"), "\"esc\\u001b[0m del\\u007f\"");
}

TEST(LogFormat, JsonKeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(json_string("Jos\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "\"Jos\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  EXPECT_EQ(json_string("bad\xff"), "\"bad\\ufffd\"");
  EXPECT_EQ(json_string("cut\xc3"), "\"cut\\ufffd\"");                             // truncated sequence
  EXPECT_EQ(json_string("\xc0\xaf"), "\"\\ufffd\\ufffd\"");                        // overlong '/'
  EXPECT_EQ(json_string("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");             // surrogate
  EXPECT_EQ(json_string("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // above U+10FFFF
}

// C1 controls (8-bit CSI, NEL) are valid in JSON strings, but a log read in a terminal would
// act on them: escaped as the text format escapes them.
TEST(LogFormat, JsonEscapesC1Controls) {
  EXPECT_EQ(json_string("csi\xc2\x9b"
                        "2J nel\xc2\x85"),
            "\"csi\\u009b2J nel\\u0085\"");
  EXPECT_EQ(json_string("nbsp\xc2\xa0"), "\"nbsp\xc2\xa0\"") << "U+00A0 is not a control";
}

TEST(LogFormat, JsonLineHasTimestampLevelEventMessageAndTypedFields) {
  std::string line = format_log_line(LogFormat::Json, LogLevel::Warn, "refused", "refused 10.0.0.1:5: full",
                                     {{"peer", "10.0.0.1:5"}, {"count", 42}, {"seconds", 1.5}}, kNoon);
  EXPECT_EQ(line,
            "{\"ts\":\"2026-01-02T12:00:01.234Z\",\"level\":\"warn\",\"event\":\"refused\","
            "\"msg\":\"refused 10.0.0.1:5: full\",\"peer\":\"10.0.0.1:5\",\"count\":42,\"seconds\":1.500}\n");
}

TEST(LogFormat, JsonFieldsAreEscapedToo) {
  std::string line =
      format_log_line(LogFormat::Json, LogLevel::Info, "login", "name a\"b", {{"name", "a\"b\\"}}, kNoon);
  EXPECT_NE(line.find("\"msg\":\"name a\\\"b\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"name\":\"a\\\"b\\\\\"}"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per event";
}

TEST(LogFormat, TextLineIsStampLevelAndMessage) {
  std::string line = format_log_line(LogFormat::Text, LogLevel::Info, "connect", "connect 127.0.0.1:9",
                                     {{"peer", "127.0.0.1:9"}}, kNoon);
  // The stamp is local time: check its shape, not its hour.
  ASSERT_EQ(line.size(), std::string("2026-01-02 12:00:01 [info] connect 127.0.0.1:9\n").size()) << line;
  EXPECT_EQ(line.substr(19), " [info] connect 127.0.0.1:9\n");
  EXPECT_EQ(line.substr(0, 8), "2026-01-");
}

TEST(LogFormat, LevelsFilterInOrder) {
  set_log_level(LogLevel::Warn);
  EXPECT_TRUE(log_enabled(LogLevel::Error));
  EXPECT_TRUE(log_enabled(LogLevel::Warn));
  EXPECT_FALSE(log_enabled(LogLevel::Info));
  EXPECT_FALSE(log_enabled(LogLevel::Debug));
  set_log_level(LogLevel::Debug);
  EXPECT_TRUE(log_enabled(LogLevel::Debug));
  set_log_level(LogLevel::Info);
  EXPECT_EQ(to_string(LogLevel::Error), "error");
  EXPECT_EQ(to_string(LogLevel::Debug), "debug");
}

TEST(StatsLine, NamesEveryCounterOnceInAFixedOrder) {
  Stats s;
  s.connections_total = 40;
  s.logins = 30;
  s.failed_logins = 2;
  s.lines_in = 100;
  s.deliveries_out = 900;
  s.bytes_in = 5000;
  s.bytes_out = 60000;
  s.dropped_slow = 1;
  s.flood_pauses = 3;
  s.flood_paused_seconds = 2.25;
  s.auth_timeouts = 4;
  s.refused_full = 5;
  s.refused_per_ip = 6;
  s.refused_locked = 7;
  EXPECT_EQ(stats_message(s, 12, 61.5),
            "stats connections=12 connections_total=40 logins=30 failed_logins=2 lines_in=100 deliveries_out=900 "
            "bytes_in=5000 bytes_out=60000 dropped_slow=1 flood_pauses=3 flood_paused_seconds=2.250 "
            "auth_timeouts=4 refused_full=5 refused_per_ip=6 refused_locked=7 uptime_seconds=61.500");
}

TEST(LogFormat, TextLineEscapesControlCharactersSoNoLineCanBeForged) {
  std::string message = "bad value '1\x1b[31m\r\n2026-01-02 12:00:02 [info] FAKE\t\x7f' \\x1b";
  std::string line = format_log_line(LogFormat::Text, LogLevel::Error, "e", message, {}, kNoon);
  EXPECT_EQ(line.substr(19), " [error] bad value '1\\x1b[31m\\r\\n2026-01-02 12:00:02 [info] FAKE\\t\\x7f' \\\\x1b\n");
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per event";
}

TEST(LogFormat, TextLineKeepsUtf8ButEscapesC1ControlsAndInvalidBytes) {
  std::string line = format_log_line(LogFormat::Text, LogLevel::Info, "e",
                                     "Jos\xc3\xa9 \xc2\x9b"
                                     "2J bad\xff",
                                     {}, kNoon);
  EXPECT_EQ(line.substr(19), " [info] Jos\xc3\xa9 \\u009b2J bad\\xff\n");
}
