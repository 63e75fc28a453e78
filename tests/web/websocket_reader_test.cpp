// The frame reader against crafted client frames: messages, fragments, control frames and
// every protocol error with its close code; and the writer's frames as a client reads them.
#include "doors/web/websocket_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "doors/web/websocket_frame.h"
#include "tests/web/client_frames.h"

namespace {

using web::WebSocketEvent;
using Kind = WebSocketEvent::Kind;
namespace cc = web::close_code;

std::vector<WebSocketEvent> read_all(std::string_view bytes, web::WebSocketLimits limits = {}) {
  web::WebSocketReader reader(limits);
  std::vector<WebSocketEvent> events;
  reader.feed(bytes, events);
  return events;
}

WebSocketEvent text(std::string s) { return {Kind::Text, std::move(s), 0}; }
WebSocketEvent error(std::uint16_t code) { return {Kind::Error, "", code}; }

// Compares kinds, data and codes, but not an error's wording.
void expect_events(const std::vector<WebSocketEvent>& got, const std::vector<WebSocketEvent>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].kind, want[i].kind) << i;
    EXPECT_EQ(got[i].code, want[i].code) << i;
    if (want[i].kind != Kind::Error) {
      EXPECT_EQ(got[i].data, want[i].data) << i;
    }
  }
}

TEST(WebSocketReader, TextMessagesOfEveryLengthForm) {
  std::string medium(300, 'm'), large(70000, 'L');
  web::WebSocketLimits limits{100000};
  expect_events(
      read_all(webtest::text("hi") + webtest::text(medium) + webtest::text(large) + webtest::text(""), limits),
      {text("hi"), text(medium), text(large), text("")});
}

TEST(WebSocketReader, SplitAtEveryBytePositionGivesTheSameEvents) {
  std::string stream = webtest::text("olá", false) + webtest::frame(0x9, "p") + webtest::frame(0x0, " ação") +
                       webtest::text("😀") + webtest::close(1000, "bye");
  std::vector<WebSocketEvent> whole = read_all(stream);
  expect_events(whole, {{Kind::Ping, "p", 0}, text("olá ação"), text("😀"), {Kind::Close, "bye", 1000}});
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    web::WebSocketReader reader;
    std::vector<WebSocketEvent> events;
    reader.feed(std::string_view(stream).substr(0, cut), events);
    reader.feed(std::string_view(stream).substr(cut), events);
    EXPECT_EQ(events, whole) << cut;
  }
  web::WebSocketReader bytewise;
  std::vector<WebSocketEvent> events;
  for (char c : stream) bytewise.feed(std::string_view(&c, 1), events);
  EXPECT_EQ(events, whole);
}

TEST(WebSocketReader, ControlFramesBetweenFragments) {
  std::string s = webtest::text("a", false) + webtest::frame(0x9, "ping") + webtest::frame(0x0, "b", false) +
                  webtest::frame(0xA, "") + webtest::frame(0x0, "c");
  expect_events(read_all(s), {{Kind::Ping, "ping", 0}, {Kind::Pong, "", 0}, text("abc")});
}

TEST(WebSocketReader, ProtocolErrorsClose1002) {
  webtest::ClientFrame unmasked;
  unmasked.masked = false;
  webtest::ClientFrame rsv;
  rsv.rsv = 4;
  webtest::ClientFrame long16;
  long16.length_form = 2;
  webtest::ClientFrame long64;
  long64.length_form = 8;
  webtest::ClientFrame top;
  top.length_form = 8;
  top.top_bit = true;
  for (const std::string& bad : {
           webtest::encode(unmasked, "hi"),
           webtest::encode(rsv, "hi"),
           webtest::frame(0x3, "x"),                        // reserved data opcode
           webtest::frame(0xB, "x"),                        // reserved control opcode
           webtest::frame(0x9, "x", false),                 // fragmented ping
           webtest::frame(0x9, std::string(126, 'p')),      // control frame too long
           webtest::frame(0x0, "orphan"),                   // continuation without a message
           webtest::text("a", false) + webtest::text("b"),  // a new message inside one
           webtest::encode(long16, "short"),                // non-minimal 16-bit length
           webtest::encode(long64, std::string(200, 'x')),  // non-minimal 64-bit length
           webtest::encode(top, "x"),                       // 64-bit length, top bit set
           webtest::frame(0x8, "\x03"),                     // close with a 1-byte code
           webtest::close(1005),                            // a code never sent on the wire
           webtest::close(999),
           webtest::close(2000),
       }) {
    std::vector<WebSocketEvent> events = read_all(bad);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().kind, Kind::Error);
    EXPECT_EQ(events.back().code, cc::kProtocolError);
  }
}

TEST(WebSocketReader, AnErrorIsReportedBeforeThePayloadArrives) {
  // Only the first two bytes of an unmasked frame: no need to wait for more.
  expect_events(read_all(webtest::encode(webtest::ClientFrame{.masked = false}, "hello").substr(0, 2)),
                {error(cc::kProtocolError)});
}

TEST(WebSocketReader, MessageSizeLimitIs1009EvenAcrossFragmentsAndBeforeThePayload) {
  web::WebSocketLimits limits{10};
  expect_events(read_all(webtest::text("0123456789"), limits), {text("0123456789")});
  // The header alone announces 11 bytes: refused with no payload read.
  expect_events(read_all(webtest::text("0123456789A").substr(0, 6), limits), {error(cc::kMessageTooBig)});
  expect_events(read_all(webtest::text("01234", false) + webtest::frame(0x0, "56789A"), limits),
                {error(cc::kMessageTooBig)});
  std::string huge = webtest::encode(webtest::ClientFrame{}, std::string(70000, 'x')).substr(0, 14);
  expect_events(read_all(huge, limits), {error(cc::kMessageTooBig)});
}

TEST(WebSocketReader, InvalidUtf8Is1007AndFailsFast) {
  expect_events(read_all(webtest::text("ok\xff")), {error(cc::kInvalidData)});
  expect_events(read_all(webtest::text("\xed\xa0\x80")), {error(cc::kInvalidData)});      // a surrogate
  expect_events(read_all(webtest::text("\xc0\xaf")), {error(cc::kInvalidData)});          // overlong '/'
  expect_events(read_all(webtest::text("\xf4\x90\x80\x80")), {error(cc::kInvalidData)});  // > U+10FFFF
  // A character cut between fragments is fine; a message that ends inside one is not.
  expect_events(read_all(webtest::text("\xc3", false) + webtest::frame(0x0, "\xa1")), {text("\xc3\xa1")});
  expect_events(read_all(webtest::text("\xc3")), {error(cc::kInvalidData)});
  // Fail fast: the invalid first fragment is refused before the message's end arrives.
  expect_events(read_all(webtest::text("\xff", false)), {error(cc::kInvalidData)});
  // The close reason must be UTF-8 too.
  expect_events(read_all(webtest::close(1000, "\xff")), {error(cc::kInvalidData)});
}

TEST(WebSocketReader, BinaryMessagesAre1003) {
  expect_events(read_all(webtest::frame(0x2, "\x00\x01")), {error(cc::kUnsupportedData)});
}

TEST(WebSocketReader, CloseWithoutCodeAndNothingAfterClose) {
  expect_events(read_all(webtest::frame(0x8, "") + webtest::text("after")), {{Kind::Close, "", cc::kNoStatus}});
  expect_events(read_all(webtest::close(4000, "app") + webtest::text("after")), {{Kind::Close, "app", 4000}});
}

TEST(WebSocketFrameWriter, FramesAsAClientReadsThem) {
  webtest::ServerFrame t = webtest::decode_server(web::text_frame("hello").view());
  EXPECT_EQ(t.first_byte, 0x81);
  EXPECT_EQ(t.payload, "hello");
  std::string medium(300, 'm'), large(70000, 'L');
  EXPECT_EQ(webtest::decode_server(web::text_frame(medium).view()).payload, medium);
  EXPECT_EQ(web::text_frame(medium).size(), 300u + 4);
  EXPECT_EQ(webtest::decode_server(web::text_frame(large).view()).payload, large);
  EXPECT_EQ(web::text_frame(large).size(), 70000u + 10);
  EXPECT_EQ(webtest::decode_server(web::ping_frame("p").view()).first_byte, 0x89);
  EXPECT_EQ(webtest::decode_server(web::pong_frame(std::string(200, 'x')).view()).payload.size(), 125u);
  webtest::ServerFrame c = webtest::decode_server(web::close_frame(1009, "message too big").view());
  EXPECT_EQ(c.first_byte, 0x88);
  EXPECT_EQ(c.payload, std::string("\x03\xf1") + "message too big");
}

TEST(WebSocketFrameWriter, OneTextFramePerLineWithoutLineEndings) {
  std::string long_line(400, 'x');
  reactor::PayloadRef framed =
      web::text_frame_per_line(":s 001 ann :Welcome\r\n:s 002 ann :Host\r\n\r\n" + long_line + "\nlast");
  std::vector<webtest::ServerFrame> frames = webtest::decode_server_frames(framed.view());
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(frames[0].first_byte, 0x81);
  EXPECT_EQ(frames[0].payload, ":s 001 ann :Welcome");
  EXPECT_EQ(frames[1].payload, ":s 002 ann :Host");
  EXPECT_EQ(frames[2].payload, long_line);  // an empty line between made no frame
  EXPECT_EQ(frames[3].payload, "last");
  EXPECT_FALSE(web::text_frame_per_line("\r\n"));
  EXPECT_FALSE(web::text_frame_per_line(""));
}

TEST(WebSocketFrameWriter, CloseReasonIsCutAtACharacterBoundary) {
  std::string reason;
  for (int i = 0; i < 100; ++i) reason += "é";  // 200 bytes
  std::string payload = webtest::decode_server(web::close_frame(1000, reason).view()).payload;
  EXPECT_LE(payload.size(), 125u);
  EXPECT_EQ(payload.size(), 2u + 122);  // 61 whole characters; the 62nd would make 124 > 123
  web::Utf8Validator check;
  EXPECT_TRUE(check.feed(payload.substr(2)) && check.complete());
}

TEST(Utf8Validator, AcceptsValidAndRejectsEachIllFormedClass) {
  auto valid = [](std::string_view s) {
    web::Utf8Validator v;
    return v.feed(s) && v.complete();
  };
  EXPECT_TRUE(valid("plain, olá, ação, 日本, 😀, \xf4\x8f\xbf\xbf"));
  EXPECT_TRUE(valid(""));
  for (std::string_view bad : {"\x80", "\xc1\xbf", "\xe0\x9f\xbf", "\xed\xa0\x80", "\xf0\x8f\xbf\xbf",
                               "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xfe", "\xc3", "\xe2\x82", "\xc3\x28"})
    EXPECT_FALSE(valid(bad)) << testing::PrintToString(std::string(bad));
}

}  // namespace
