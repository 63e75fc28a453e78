// The RESP writer: commands as arrays of bulk strings, byte for byte, appended after what the
// buffer holds; replies written back as RESP parse to the same replies.
#include "resp/writer.h"

#include <gtest/gtest.h>

#include "resp/parser.h"
#include "tests/resp/resp_show.h"

using namespace resp;
using resp_test::show;

TEST(RespWriter, CommandsAreArraysOfBulkStrings) {
  std::string out;
  append_command(out, {"PUBLISH", "room", "a\r\nb"});
  EXPECT_EQ(out, "*3\r\n$7\r\nPUBLISH\r\n$4\r\nroom\r\n$4\r\na\r\nb\r\n");
  RespParser p;  // and read back as what they are
  std::string got;
  ASSERT_TRUE(p.feed(out, [&](const RespReply& r) { got = show(r); }));
  EXPECT_EQ(got, "*3|$PUBLISH|$room|$a\r\nb");
}

TEST(RespWriter, AppendsAfterWhatIsThereAndSaysItsSize) {
  std::string out = "keep";
  std::string big(1234, 'z');
  const std::string_view args[] = {"SET", "", big, std::string_view("\0", 1)};
  append_command(out, args);
  std::string want = "keep*4\r\n$3\r\nSET\r\n$0\r\n\r\n$1234\r\n" + big + "\r\n$1\r\n" + std::string(1, '\0') + "\r\n";
  EXPECT_EQ(out, want);
  EXPECT_EQ(command_size(args), want.size() - 4);
  std::string none;
  append_command(none, std::span<const std::string_view>());
  EXPECT_EQ(none, "*0\r\n");
}

TEST(RespWriter, SizesAcrossDigitBoundaries) {
  for (std::size_t n : {0u, 9u, 10u, 99u, 100u, 9999u, 10000u}) {
    std::string arg(n, 'a');
    std::string out;
    append_command(out, {arg});
    EXPECT_EQ(out, "*1\r\n$" + std::to_string(n) + "\r\n" + arg + "\r\n");
    const std::string_view args[] = {arg};
    EXPECT_EQ(command_size(args), out.size());
  }
}

TEST(RespWriter, RepliesWrittenBackParseToTheSameReplies) {
  const std::string wire =
      "+OK\r\n-ERR no\r\n:-9223372036854775808\r\n$5\r\na\r\nbc\r\n$0\r\n\r\n$-1\r\n*-1\r\n*0\r\n"
      "*3\r\n*1\r\n:1\r\n$-1\r\n*2\r\n+x\r\n-y\r\n";
  RespParser p;
  std::string rewritten;
  std::vector<std::string> first;
  ASSERT_TRUE(p.feed(wire, [&](const RespReply& r) {
    first.push_back(show(r));
    append_reply(rewritten, r);
  }));
  EXPECT_EQ(rewritten, wire) << "canonical input is written back byte for byte";
  EXPECT_EQ(first.size(), 9u);
}
