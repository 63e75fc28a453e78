// The RESP parser: every split of a stream gives the same replies (muduo's Buffer test
// style), bulk strings may hold CRLF, arrays nest, anything that is not RESP is an error, and
// every limit holds against input built to break it.
#include "resp/parser.h"

#include <gtest/gtest.h>

#include "tests/resp/resp_show.h"

using namespace resp;
using resp_test::show;

namespace {

template <class Edit>
RespLimits limits(Edit edit) {
  RespLimits l;
  edit(l);
  return l;
}

std::vector<std::string> feed_all(RespParser& p, std::initializer_list<std::string_view> chunks, bool* ok = nullptr) {
  std::vector<std::string> got;
  bool all = true;
  for (std::string_view c : chunks) all = p.feed(c, [&](const RespReply& r) { got.push_back(show(r)); }) && all;
  if (ok) *ok = all;
  return got;
}

// Each reply type once, nested and null arrays included.
const std::string kStream =
    "*3\r\n$9\r\nsubscribe\r\n$4\r\nroom\r\n:1\r\n"
    "*3\r\n$7\r\nmessage\r\n$4\r\nroom\r\n$12\r\nhello\r\nworld\r\n"
    ":1000\r\n+OK\r\n-ERR unknown command\r\n$-1\r\n*0\r\n$0\r\n\r\n"
    "*2\r\n*2\r\n:1\r\n*1\r\n$1\r\nx\r\n*-1\r\n*-1\r\n:-42\r\n";
const std::vector<std::string> kReplies = {"*3|$subscribe|$room|:1",
                                           "*3|$message|$room|$hello\r\nworld",
                                           ":1000",
                                           "+OK",
                                           "-ERR unknown command",
                                           "nil",
                                           "*0",
                                           "$",
                                           "*2|*2|:1|*1|$x|*nil",
                                           "*nil",
                                           ":-42"};

}  // namespace

TEST(RespParser, WholeStreamAtOnce) {
  RespParser p;
  bool ok = false;
  EXPECT_EQ(feed_all(p, {kStream}, &ok), kReplies);
  EXPECT_TRUE(ok);
  EXPECT_EQ(p.buffered_bytes(), 0u);
}

TEST(RespParser, EverySplitInTwoAndByteByByte) {
  for (std::size_t cut = 0; cut <= kStream.size(); ++cut) {
    RespParser p;
    bool ok = false;
    std::string_view s(kStream);
    EXPECT_EQ(feed_all(p, {s.substr(0, cut), s.substr(cut)}, &ok), kReplies) << "cut at " << cut;
    EXPECT_TRUE(ok);
  }
  RespParser p;
  std::vector<std::string> got;
  for (char c : kStream)
    ASSERT_TRUE(p.feed(std::string_view(&c, 1), [&](const RespReply& r) { got.push_back(show(r)); }));
  EXPECT_EQ(got, kReplies);
  EXPECT_EQ(p.buffered_bytes(), 0u);
}

TEST(RespParser, EverySplitInThree) {
  std::string_view s(kStream);
  for (std::size_t a = 0; a <= s.size(); a += 3)
    for (std::size_t b = a; b <= s.size(); b += 5) {
      RespParser p;
      EXPECT_EQ(feed_all(p, {s.substr(0, a), s.substr(a, b - a), s.substr(b)}), kReplies) << a << " " << b;
    }
}

TEST(RespParser, BulkStringHoldsAnyBytes) {
  RespParser p;
  std::string payload = std::string("a\r\nb\0c\r", 7) + "$3\r\n*1\r\n";
  std::string wire =
      std::string("$").append(std::to_string(payload.size())).append("\r\n").append(payload).append("\r\n");
  std::string got;
  ASSERT_TRUE(p.feed(wire, [&](const RespReply& r) { got = std::string(r.top.text); }));
  EXPECT_EQ(got, payload);
}

TEST(RespParser, NestedArraysKeepTheirShape) {
  RespParser p;
  RespReply copy;
  ASSERT_TRUE(p.feed("*3\r\n*2\r\n:1\r\n:2\r\n*0\r\n*1\r\n*1\r\n+deep\r\n", [&](const RespReply& r) {
    copy.top = r.top;
    copy.items = r.items;
  }));
  ASSERT_EQ(copy.items.size(), 7u);
  EXPECT_EQ(item_span(copy.items, 0), 3u);  // *2 :1 :2
  EXPECT_EQ(item_span(copy.items, 3), 1u);  // *0
  EXPECT_EQ(item_span(copy.items, 4), 3u);  // *1 *1 +deep
  EXPECT_EQ(item_span(copy.items, 6), 1u);
}

TEST(RespParser, NotRespIsAnErrorAndStaysOneUntilReset) {
  for (const std::string& bad : std::vector<std::string>{
           "hello\r\n", ":12x\r\n", "$abc\r\n", "$3\r\nabcde\r\n", "$-2\r\n", "*-2\r\n", ":1\rx", ":\r\n",
           "*1\r\n:+1\r\n", std::string(40, '1'), std::string(":").append(40, '1'), "*2\r\n:1\r\n?\r\n", "+a\rb\r\n"}) {
    RespParser p;
    bool ok = true;
    feed_all(p, {":7\r\n", bad}, &ok);
    EXPECT_FALSE(ok) << bad;
    EXPECT_FALSE(p.error().empty()) << bad;
    EXPECT_EQ(p.buffered_bytes(), 0u) << "a broken stream keeps nothing";
    EXPECT_FALSE(p.feed(":1\r\n", [](const RespReply&) {})) << "a broken stream stays broken";
    p.reset();
    EXPECT_TRUE(p.error().empty());
    EXPECT_EQ(feed_all(p, {":1\r\n"}), std::vector<std::string>{":1"});
  }
}

TEST(RespParser, OverlongBulkIsRefusedFromItsHeader) {
  RespParser p(limits([](RespLimits& l) { l.max_bulk = 100; }));
  EXPECT_FALSE(p.feed("$101\r\n", [](const RespReply&) {}));
  EXPECT_NE(p.error().find("bulk string longer than 100"), std::string::npos) << p.error();
  RespParser q(limits([](RespLimits& l) { l.max_bulk = 100; }));
  EXPECT_TRUE(q.feed("$100\r\n", [](const RespReply&) {}));  // the limit itself is allowed
}

TEST(RespParser, OverlongSimpleStringIsRefusedWithoutItsEnd) {
  RespParser p(limits([](RespLimits& l) { l.max_bulk = 100; }));
  EXPECT_TRUE(p.feed(std::string("+").append(100, 'x'), [](const RespReply&) {}));
  EXPECT_FALSE(p.feed("y", [](const RespReply&) {}));
  EXPECT_NE(p.error().find("line longer than 100"), std::string::npos) << p.error();
}

TEST(RespParser, TooManyElementsAreRefusedAcrossNestedArrays) {
  RespParser p(limits([](RespLimits& l) { l.max_elements = 4; }));
  EXPECT_FALSE(p.feed("*5\r\n", [](const RespReply&) {}));
  RespParser q(limits([](RespLimits& l) { l.max_elements = 4; }));
  std::vector<std::string> got = feed_all(q, {"*4\r\n:1\r\n:2\r\n:3\r\n:4\r\n"});
  EXPECT_EQ(got, std::vector<std::string>{"*4|:1|:2|:3|:4"});
  bool ok = true;
  feed_all(q, {"*2\r\n*2\r\n:1\r\n:2\r\n*1\r\n"}, &ok);  // 2 + 2 + 1 elements
  EXPECT_FALSE(ok);
  EXPECT_NE(q.error().find("more than 4 elements"), std::string::npos) << q.error();
}

TEST(RespParser, NestingDeeperThanTheLimitIsRefused) {
  RespParser p(limits([](RespLimits& l) { l.max_depth = 3; }));
  EXPECT_EQ(feed_all(p, {"*1\r\n*1\r\n*1\r\n:1\r\n"}), std::vector<std::string>{"*1|*1|*1|:1"});
  bool ok = true;
  feed_all(p, {"*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n"}, &ok);
  EXPECT_FALSE(ok);
  EXPECT_NE(p.error().find("nested deeper than 3"), std::string::npos) << p.error();
  RespParser q(limits([](RespLimits& l) { l.max_depth = 3; }));
  EXPECT_EQ(feed_all(q, {"*1\r\n*1\r\n*1\r\n*0\r\n"}), std::vector<std::string>{"*1|*1|*1|*0"})
      << "an empty array opens nothing";
}

TEST(RespParser, AReplyArrivingForeverIsCutAtTheReplyLimit) {
  // Hostile: an endless array of small elements. What the parser holds stays under the cap.
  RespParser p(limits([](RespLimits& l) { l.max_reply = 1000; }));
  ASSERT_TRUE(p.feed("*100000\r\n", [](const RespReply&) {}));
  bool ok = true;
  int chunks = 0;
  while (ok && chunks < 1000) {
    ok = p.feed(":1\r\n:2\r\n", [](const RespReply&) {});
    EXPECT_LE(p.buffered_bytes(), 1000u);
    ++chunks;
  }
  EXPECT_FALSE(ok);
  EXPECT_LT(chunks, 200);
  EXPECT_NE(p.error().find("longer than 1000"), std::string::npos) << p.error();
  RespParser q(limits([](RespLimits& l) { l.max_reply = 100; }));
  EXPECT_FALSE(q.feed("$99\r\n", [](const RespReply&) {})) << "a bulk string that cannot fit is refused at once";
  // A simple string may be as long as a bulk one, but not longer than a reply: its unfinished
  // line is held to the reply cap too.
  RespParser r(limits([](RespLimits& l) { l.max_reply = 1000; }));
  ok = true;
  for (chunks = 0; ok && chunks < 1000; ++chunks) {
    ok = r.feed(chunks == 0 ? std::string_view("+") : std::string_view("xxxxxxxxxxxxxxxx"), [](const RespReply&) {});
    EXPECT_LE(r.buffered_bytes(), 1000u);
  }
  EXPECT_FALSE(ok);
  EXPECT_NE(r.error().find("longer than 1000"), std::string::npos) << r.error();
}

TEST(RespParser, PartialReplyIsKeptAndIdleHoldsNothing) {
  RespParser p;
  int n = 0;
  ASSERT_TRUE(p.feed("*3\r\n$7\r\nmess", [&](const RespReply&) { ++n; }));
  EXPECT_EQ(n, 0);
  EXPECT_EQ(p.buffered_bytes(), 12u);
  ASSERT_TRUE(p.feed("age\r\n$1\r\nc\r\n$1\r\nx\r\n", [&](const RespReply&) { ++n; }));
  EXPECT_EQ(n, 1);
  EXPECT_EQ(p.buffered_bytes(), 0u);
}

TEST(RespParser, ACallbackReturningFalseStopsAndResets) {
  RespParser p;
  std::vector<std::string> got;
  ASSERT_TRUE(p.feed(":1\r\n:2\r\n:3", [&](const RespReply& r) {
    got.push_back(show(r));
    return false;
  }));
  EXPECT_EQ(got, std::vector<std::string>{":1"});
  EXPECT_EQ(p.buffered_bytes(), 0u) << "the rest is discarded";
  EXPECT_EQ(feed_all(p, {"+fresh\r\n"}), std::vector<std::string>{"+fresh"});
}
