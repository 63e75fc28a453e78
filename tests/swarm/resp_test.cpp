// RESP replies as chat-swarm's redis mode reads them: every split of a stream gives the same
// replies, bulk strings may hold CRLF, and anything that is not RESP is an error.
#include "bin/chat_swarm/resp.h"

#include <gtest/gtest.h>

using namespace swarm;

namespace {

// A reply flattened to text, so whole streams compare with one EXPECT_EQ.
std::string show(const RespReply& r) {
  auto one = [](const RespItem& i) -> std::string {
    switch (i.type) {
      case RespType::SimpleString: return std::string("+").append(i.text);
      case RespType::Error: return std::string("-").append(i.text);
      case RespType::Integer: return std::string(":").append(std::to_string(i.integer));
      case RespType::Bulk: return std::string("$").append(i.text);
      case RespType::Null: return "nil";
      case RespType::Array: return std::string("*").append(std::to_string(i.integer));
    }
    return "?";
  };
  std::string out = one(r.top);
  for (const RespItem& i : r.items) out.append("|").append(one(i));
  return out;
}

std::vector<std::string> feed_all(RespParser& p, std::initializer_list<std::string_view> chunks, bool* ok = nullptr) {
  std::vector<std::string> got;
  bool all = true;
  for (std::string_view c : chunks) all = p.feed(c, [&](const RespReply& r) { got.push_back(show(r)); }) && all;
  if (ok) *ok = all;
  return got;
}

const std::string kStream =
    "*3\r\n$9\r\nsubscribe\r\n$4\r\nroom\r\n:1\r\n"
    "*3\r\n$7\r\nmessage\r\n$4\r\nroom\r\n$12\r\nhello\r\nworld\r\n"
    ":1000\r\n+OK\r\n-ERR unknown command\r\n$-1\r\n*0\r\n$0\r\n\r\n";
const std::vector<std::string> kReplies = {"*3|$subscribe|$room|:1",
                                           "*3|$message|$room|$hello\r\nworld",
                                           ":1000",
                                           "+OK",
                                           "-ERR unknown command",
                                           "nil",
                                           "*0",
                                           "$"};

}  // namespace

TEST(Resp, WholeStreamAtOnce) {
  RespParser p;
  bool ok = false;
  EXPECT_EQ(feed_all(p, {kStream}, &ok), kReplies);
  EXPECT_TRUE(ok);
  EXPECT_EQ(p.buffered_bytes(), 0u);
}

TEST(Resp, EverySplitInTwoAndByteByByte) {
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

TEST(Resp, EverySplitInThree) {
  std::string_view s(kStream);
  for (std::size_t a = 0; a <= s.size(); a += 3)
    for (std::size_t b = a; b <= s.size(); b += 5) {
      RespParser p;
      EXPECT_EQ(feed_all(p, {s.substr(0, a), s.substr(a, b - a), s.substr(b)}), kReplies) << a << " " << b;
    }
}

TEST(Resp, BulkStringHoldsAnyBytes) {
  RespParser p;
  std::string payload = std::string("a\r\nb\0c\r", 7) + "$3\r\n*1\r\n";
  std::string wire =
      std::string("$").append(std::to_string(payload.size())).append("\r\n").append(payload).append("\r\n");
  std::string got;
  ASSERT_TRUE(p.feed(wire, [&](const RespReply& r) { got = std::string(r.top.text); }));
  EXPECT_EQ(got, payload);
}

TEST(Resp, CommandsAreArraysOfBulkStrings) {
  std::string out;
  append_command(out, {"PUBLISH", "room", "a\r\nb"});
  EXPECT_EQ(out, "*3\r\n$7\r\nPUBLISH\r\n$4\r\nroom\r\n$4\r\na\r\nb\r\n");
  RespParser p;  // and read back as what they are
  std::string got;
  ASSERT_TRUE(p.feed(out, [&](const RespReply& r) { got = show(r); }));
  EXPECT_EQ(got, "*3|$PUBLISH|$room|$a\r\nb");
}

TEST(Resp, NotRespIsAnErrorAndStaysOne) {
  for (const std::string& bad :
       std::vector<std::string>{"hello\r\n", ":12x\r\n", "$abc\r\n", "$3\r\nabcde\r\n", "*1\r\n*1\r\n:1\r\n", "$-2\r\n",
                                ":1\rx", "*99999\r\n", std::string(40, '1')}) {
    RespParser p;
    bool ok = true;
    feed_all(p, {":7\r\n", bad}, &ok);
    EXPECT_FALSE(ok) << bad;
    EXPECT_FALSE(p.error().empty()) << bad;
    EXPECT_FALSE(p.feed(":1\r\n", [](const RespReply&) {})) << "a broken stream stays broken";
  }
}

TEST(Resp, OverlongReplyIsRefused) {
  RespParser p(100);
  EXPECT_FALSE(p.feed("$1000\r\n", [](const RespReply&) {}));
  RespParser q(100);
  EXPECT_FALSE(q.feed(std::string("+").append(200, 'x'), [](const RespReply&) {}));
  EXPECT_NE(q.error().find("longer"), std::string::npos) << q.error();
}

TEST(Resp, PartialReplyIsKeptAndIdleHoldsNothing) {
  RespParser p;
  int n = 0;
  ASSERT_TRUE(p.feed("*3\r\n$7\r\nmess", [&](const RespReply&) { ++n; }));
  EXPECT_EQ(n, 0);
  EXPECT_EQ(p.buffered_bytes(), 12u);
  ASSERT_TRUE(p.feed("age\r\n$1\r\nc\r\n$1\r\nx\r\n", [&](const RespReply&) { ++n; }));
  EXPECT_EQ(n, 1);
  EXPECT_EQ(p.buffered_bytes(), 0u);
}
