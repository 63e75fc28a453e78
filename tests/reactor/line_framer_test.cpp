// LineFramer: '\n' framing, CR handling, maximum length, byte transparency and blocked/resume.
#include "reactor/line_framer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using reactor::Frame;
using reactor::LineFramer;

namespace {

// One frame as text: "L:<bytes>" for a line, "OVERLONG" for an overlong one.
std::string line_frame(std::string_view bytes) { return "L:" + std::string(bytes); }
const std::string kOverlong = "OVERLONG";

std::string render(Frame f, std::string_view line) { return f == Frame::Line ? line_frame(line) : kOverlong; }

// What the framer must produce for `input` fed in any pieces: every '\n'-terminated segment
// loses one '\r' before the '\n' and is overlong beyond `max`; an unterminated tail is reported
// overlong as soon as it can no longer become a valid line, and otherwise not at all.
std::vector<std::string> model(std::string_view input, std::size_t max) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  for (;;) {
    std::size_t nl = input.find('\n', pos);
    if (nl == std::string_view::npos) break;
    std::string_view line = input.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line.size() > max ? kOverlong : line_frame(line));
    pos = nl + 1;
  }
  std::string_view tail = input.substr(pos);
  if (tail.size() > max + 1 || (tail.size() == max + 1 && tail.back() != '\r')) out.push_back(kOverlong);
  return out;
}

// Feeds the pieces in order, taking every frame.
std::vector<std::string> frame_all(LineFramer& framer, const std::vector<std::string_view>& pieces) {
  std::vector<std::string> got;
  for (std::string_view piece : pieces) {
    framer.feed(piece, [&](Frame f, std::string_view line) {
      got.push_back(render(f, line));
      return true;
    });
  }
  return got;
}

std::vector<std::string> frame_all(std::size_t max, const std::vector<std::string_view>& pieces) {
  LineFramer framer(max);
  return frame_all(framer, pieces);
}

std::vector<std::string_view> bytes_of(std::string_view s) {
  std::vector<std::string_view> pieces;
  for (std::size_t i = 0; i < s.size(); ++i) pieces.push_back(s.substr(i, 1));
  return pieces;
}

// A pipelined input mixing every case: LF, CRLF, a lone CR inside a line, empty lines, NUL
// bytes, a line of exactly the maximum with and without CR, overlong lines and a partial tail.
constexpr std::size_t kMax = 8;
const std::string kPipelined = std::string("hello\n") + "wor\r\nld\r\n" + "\n" + "\r\n" + "a\rb\n" +
                               std::string("nu\0l\n", 5) + "12345678\n" + "abcdefgh\r\n" + "123456789\n" +
                               "toolong-toolong-toolong\r\n" + "after\n" + "x\r\r\n" + "partial";
const std::vector<std::string> kPipelinedFrames = {line_frame("hello"),
                                                   line_frame("wor"),
                                                   line_frame("ld"),
                                                   line_frame(""),
                                                   line_frame(""),
                                                   line_frame("a\rb"),
                                                   line_frame(std::string("nu\0l", 4)),
                                                   line_frame("12345678"),
                                                   line_frame("abcdefgh"),
                                                   kOverlong,
                                                   kOverlong,
                                                   line_frame("after"),
                                                   line_frame("x\r")};

}  // namespace

TEST(LineFramer, ModelAgreesWithHandWrittenFrames) {
  // The reference model itself, checked against frames written out by hand.
  EXPECT_EQ(model(kPipelined, kMax), kPipelinedFrames);
}

TEST(LineFramer, PipelinedInputWholeGivesEveryLine) {
  LineFramer framer(kMax);
  EXPECT_EQ(frame_all(framer, {kPipelined}), kPipelinedFrames);
  EXPECT_EQ(framer.buffered_bytes(), std::string_view("partial").size());
  EXPECT_FALSE(framer.blocked());
  // The tail completes with the next read.
  EXPECT_EQ(frame_all(framer, {"!\n"}), std::vector<std::string>{line_frame("partial!")});
  EXPECT_EQ(framer.buffered_bytes(), 0u);
}

TEST(LineFramer, PipelinedInputSplitInTwoAtEveryPosition) {
  std::string_view input = kPipelined;
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    LineFramer framer(kMax);
    EXPECT_EQ(frame_all(framer, {input.substr(0, cut), input.substr(cut)}), kPipelinedFrames) << "cut at " << cut;
    EXPECT_EQ(framer.buffered_bytes(), std::string_view("partial").size()) << "cut at " << cut;
  }
}

TEST(LineFramer, PipelinedInputSplitInThreeAtEveryPair) {
  std::string_view input = kPipelined;
  for (std::size_t a = 0; a <= input.size(); ++a) {
    for (std::size_t b = a; b <= input.size(); ++b) {
      auto got = frame_all(kMax, {input.substr(0, a), input.substr(a, b - a), input.substr(b)});
      ASSERT_EQ(got, kPipelinedFrames) << "cuts at " << a << " and " << b;
    }
  }
}

TEST(LineFramer, PipelinedInputOneByteAtATime) {
  LineFramer framer(kMax);
  EXPECT_EQ(frame_all(framer, bytes_of(kPipelined)), kPipelinedFrames);
  EXPECT_EQ(framer.buffered_bytes(), std::string_view("partial").size());
}

TEST(LineFramer, RandomInputsAgreeWithModelForAnyChunking) {
  // Small alphabets and small maxima reach every boundary: CR at max+1, empty lines, etc.
  std::mt19937 rng(12345);
  const char alphabet[] = {'a', 'b', '\r', '\n', '\0'};
  for (int round = 0; round < 3000; ++round) {
    std::size_t max = rng() % 7;
    std::string input(rng() % 40, ' ');
    for (char& c : input) c = alphabet[rng() % sizeof alphabet];
    std::vector<std::string_view> pieces;
    for (std::size_t pos = 0; pos < input.size();) {
      std::size_t n = 1 + rng() % 6;
      pieces.push_back(std::string_view(input).substr(pos, n));
      pos += n;
    }
    ASSERT_EQ(frame_all(max, pieces), model(input, max))
        << "max " << max << " input " << testing::PrintToString(input) << " round " << round;
    ASSERT_EQ(frame_all(max, bytes_of(input)), model(input, max))
        << "byte at a time, max " << max << " input " << testing::PrintToString(input);
  }
}

TEST(LineFramer, CrLfAndLoneCr) {
  EXPECT_EQ(frame_all(16, {"crlf\r\n"}), std::vector<std::string>{line_frame("crlf")});
  EXPECT_EQ(frame_all(16, {"a\rb\n"}), std::vector<std::string>{line_frame("a\rb")});
  EXPECT_EQ(frame_all(16, {"\r\n"}), std::vector<std::string>{line_frame("")});
  EXPECT_EQ(frame_all(16, {"\rlead\n"}), std::vector<std::string>{line_frame("\rlead")});
  // Only one CR before the LF is dropped.
  EXPECT_EQ(frame_all(16, {"two\r\r\n"}), std::vector<std::string>{line_frame("two\r")});
  // A CR at the end of one read and the LF at the start of the next.
  EXPECT_EQ(frame_all(16, {"split\r", "\n"}), std::vector<std::string>{line_frame("split")});
  // A CR that turns out not to precede the LF stays in the line.
  EXPECT_EQ(frame_all(16, {"mid\r", "dle\n"}), std::vector<std::string>{line_frame("mid\rdle")});
}

TEST(LineFramer, EmptyLinesAreLines) {
  EXPECT_EQ(frame_all(4, {"\n\n\r\n"}), (std::vector<std::string>{line_frame(""), line_frame(""), line_frame("")}));
}

TEST(LineFramer, ExactlyMaxLengthAccepted) {
  EXPECT_EQ(frame_all(8, {"12345678\n"}), std::vector<std::string>{line_frame("12345678")});
  EXPECT_EQ(frame_all(8, {"12345678\r\n"}), std::vector<std::string>{line_frame("12345678")});
  EXPECT_EQ(frame_all(8, bytes_of("12345678\n")), std::vector<std::string>{line_frame("12345678")});
  EXPECT_EQ(frame_all(8, bytes_of("12345678\r\n")), std::vector<std::string>{line_frame("12345678")});
  // Max-length content plus CR waits for its LF rather than being reported overlong.
  LineFramer framer(8);
  EXPECT_TRUE(frame_all(framer, {"12345678\r"}).empty());
  EXPECT_EQ(framer.buffered_bytes(), 9u);
  EXPECT_EQ(frame_all(framer, {"\n"}), std::vector<std::string>{line_frame("12345678")});
}

TEST(LineFramer, MaxPlusOneIsOverlong) {
  EXPECT_EQ(frame_all(8, {"123456789\n"}), std::vector<std::string>{kOverlong});
  EXPECT_EQ(frame_all(8, {"123456789\r\n"}), std::vector<std::string>{kOverlong});
  EXPECT_EQ(frame_all(8, bytes_of("123456789\n")), std::vector<std::string>{kOverlong});
  EXPECT_EQ(frame_all(8, bytes_of("123456789\r\n")), std::vector<std::string>{kOverlong});
  // Max content, then CR, then something other than LF: the line is too long after all.
  EXPECT_EQ(frame_all(8, {"12345678\r", "x\n"}), std::vector<std::string>{kOverlong});
  EXPECT_EQ(frame_all(8, {"12345678\r", "\r\n"}), std::vector<std::string>{kOverlong});
}

TEST(LineFramer, OverlongThenGoodLines) {
  const std::vector<std::string> want = {kOverlong, line_frame("good"), line_frame("fine")};
  EXPECT_EQ(frame_all(4, {"much-too-long\ngood\nfine\n"}), want);
  EXPECT_EQ(frame_all(4, bytes_of("much-too-long\ngood\nfine\n")), want);
  EXPECT_EQ(frame_all(4, {"much-too", "-long\ngo", "od\nfine\n"}), want);
  EXPECT_EQ(frame_all(0, {"x\n\n"}), (std::vector<std::string>{kOverlong, line_frame("")}));
}

TEST(LineFramer, OverlongWithoutNewlineInManyChunksReportedOnceAndBounded) {
  constexpr std::size_t max = 100;
  LineFramer framer(max);
  int overlong = 0, lines = 0;
  auto count = [&](Frame f, std::string_view) {
    (f == Frame::Overlong ? overlong : lines)++;
    return true;
  };
  const std::string chunk = "abcdefg";
  for (int i = 0; i < 20000; ++i) {
    framer.feed(chunk, count);
    ASSERT_LE(framer.buffered_bytes(), max + 1) << "after chunk " << i;
  }
  EXPECT_EQ(overlong, 1);
  EXPECT_EQ(lines, 0);
  // Its end, then a good line: the overlong one is not reported again.
  std::vector<std::string> got = frame_all(framer, {"tail\r\nnext\n"});
  EXPECT_EQ(got, std::vector<std::string>{line_frame("next")});
  EXPECT_EQ(overlong, 1);
  EXPECT_EQ(framer.buffered_bytes(), 0u);
}

TEST(LineFramer, OverlongDetectedAcrossBufferedPartial) {
  // A partial line buffered from one read, made overlong by the next read (no LF in it).
  LineFramer framer(5);
  EXPECT_TRUE(frame_all(framer, {"abc"}).empty());
  EXPECT_EQ(framer.buffered_bytes(), 3u);
  EXPECT_EQ(frame_all(framer, {"defghij"}), std::vector<std::string>{kOverlong});
  EXPECT_LE(framer.buffered_bytes(), 6u);
  EXPECT_EQ(frame_all(framer, {"klm\nok\n"}), std::vector<std::string>{line_frame("ok")});
}

TEST(LineFramer, NulBytesArePreserved) {
  const std::string line("a\0b\0\0c", 6);
  const std::string input = line + "\n" + std::string("\0\r\n", 3) + std::string(1, '\0');
  const std::vector<std::string> want = {line_frame(line), line_frame(std::string(1, '\0'))};
  LineFramer framer(16);
  EXPECT_EQ(frame_all(framer, {input}), want);
  EXPECT_EQ(framer.buffered_bytes(), 1u);  // the trailing NUL, a partial line
  EXPECT_EQ(frame_all(16, bytes_of(input)), want);
}

TEST(LineFramer, AllByteValuesPassThrough) {
  std::string line;
  for (int b = 0; b < 256; ++b) {
    if (b != '\n') line.push_back(static_cast<char>(b));
  }
  EXPECT_EQ(frame_all(255, {line + "\n"}), std::vector<std::string>{line_frame(line)});
  EXPECT_EQ(frame_all(255, bytes_of(line + "\n")), std::vector<std::string>{line_frame(line)});
}

TEST(LineFramer, CompleteLinesAreViewsIntoTheCallersBuffer) {
  LineFramer framer(16);
  const std::string input = "one\ntwo\n";
  std::vector<const char*> starts;
  framer.feed(input, [&](Frame, std::string_view line) {
    starts.push_back(line.data());
    return true;
  });
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[0], input.data());
  EXPECT_EQ(starts[1], input.data() + 4);
  EXPECT_EQ(framer.buffered_bytes(), 0u);  // nothing copied
}

TEST(LineFramer, RefusedLineStaysWithLaterInputInOrder) {
  LineFramer framer(16);
  std::vector<std::string> got;
  bool refuse_b = true;
  auto take = [&](Frame f, std::string_view line) {
    if (f == Frame::Line && line == "b" && refuse_b) return false;
    got.push_back(render(f, line));
    return true;
  };
  framer.feed("a\nb\nc\n", take);
  EXPECT_EQ(got, std::vector<std::string>{line_frame("a")});
  EXPECT_TRUE(framer.blocked());
  EXPECT_EQ(framer.buffered_bytes(), 4u);  // "b\nc\n"
  // While blocked nothing is offered; input is kept behind the refused line.
  framer.feed("d\npar", take);
  EXPECT_EQ(got, std::vector<std::string>{line_frame("a")});
  EXPECT_TRUE(framer.blocked());
  EXPECT_EQ(framer.buffered_bytes(), 9u);
  // Refusing again keeps it blocked.
  EXPECT_FALSE(framer.resume(take));
  EXPECT_TRUE(framer.blocked());
  EXPECT_EQ(got, std::vector<std::string>{line_frame("a")});
  refuse_b = false;
  EXPECT_TRUE(framer.resume(take));
  EXPECT_FALSE(framer.blocked());
  EXPECT_EQ(got, (std::vector<std::string>{line_frame("a"), line_frame("b"), line_frame("c"), line_frame("d")}));
  EXPECT_EQ(framer.buffered_bytes(), 3u);  // "par"
  framer.feed("tial\r\n", take);
  EXPECT_EQ(got.back(), line_frame("partial"));
  EXPECT_EQ(framer.buffered_bytes(), 0u);
}

TEST(LineFramer, RefusedLineIsOfferedAgainUnchanged) {
  // Each line is refused at its first offer and taken at its second.
  const std::string input = "first\r\nsecond\nthird\r\n";
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    LineFramer framer(16);
    std::vector<std::string> offers, taken;
    auto take = [&](Frame f, std::string_view line) {
      std::string s = render(f, line);
      bool second_offer = !offers.empty() && offers.back() == s;
      offers.push_back(s);
      if (!second_offer) return false;
      taken.push_back(s);
      return true;
    };
    framer.feed(std::string_view(input).substr(0, cut), take);
    framer.feed(std::string_view(input).substr(cut), take);
    for (int guard = 0; framer.blocked() && guard < 10; ++guard) framer.resume(take);
    EXPECT_FALSE(framer.blocked());
    EXPECT_EQ(taken, (std::vector<std::string>{line_frame("first"), line_frame("second"), line_frame("third")}))
        << "cut at " << cut;
  }
}

TEST(LineFramer, PacedConsumerSeesSameFramesForAnySplit) {
  // A consumer that takes at most `budget` lines per call (as flood control does) and is
  // resumed until drained must see exactly what a greedy consumer sees.
  std::string_view input = kPipelined;
  for (int budget = 1; budget <= 3; ++budget) {
    for (std::size_t cut = 0; cut <= input.size(); ++cut) {
      LineFramer framer(kMax);
      std::vector<std::string> got;
      int left = 0;
      auto take = [&](Frame f, std::string_view line) {
        if (f == Frame::Line) {
          if (left == 0) return false;
          --left;
        }
        got.push_back(render(f, line));
        return true;
      };
      for (std::string_view piece : {input.substr(0, cut), input.substr(cut)}) {
        left = budget;
        framer.feed(piece, take);
        for (int guard = 0; framer.blocked() && guard < 100; ++guard) {
          left = budget;
          framer.resume(take);
        }
        ASSERT_FALSE(framer.blocked());
      }
      ASSERT_EQ(got, kPipelinedFrames) << "budget " << budget << " cut at " << cut;
    }
  }
}

TEST(LineFramer, RefusedOverlongIsOfferedAgainFirstAndLosesNothing) {
  // Flood control refuses an over-long frame as it refuses a line: its place is kept (none of
  // its bytes), and it comes again, before what followed it, when the consumer resumes.
  LineFramer framer(4);
  std::vector<std::string> offers;
  bool refuse_overlong = true;
  auto take = [&](Frame f, std::string_view line) {
    offers.push_back(render(f, line));
    return !(f == Frame::Overlong && refuse_overlong);
  };
  framer.feed("much-too-long\nab\ncd\n", take);
  EXPECT_EQ(offers, std::vector<std::string>{kOverlong});
  EXPECT_TRUE(framer.blocked());
  EXPECT_EQ(framer.buffered_bytes(), 6u);  // "ab\ncd\n": the over-long bytes are gone
  framer.feed("ef\n", take);               // while blocked, input only queues up
  EXPECT_EQ(offers, std::vector<std::string>{kOverlong});
  EXPECT_FALSE(framer.resume(take));  // refused again
  EXPECT_EQ(offers, (std::vector<std::string>{kOverlong, kOverlong}));
  refuse_overlong = false;
  EXPECT_TRUE(framer.resume(take));
  EXPECT_EQ(offers, (std::vector<std::string>{kOverlong, kOverlong, kOverlong, line_frame("ab"), line_frame("cd"),
                                              line_frame("ef")}));
  EXPECT_FALSE(framer.blocked());
  EXPECT_EQ(framer.buffered_bytes(), 0u);
}

TEST(LineFramer, RefusedOverlongWithoutNewlineKeepsNoBytes) {
  // Refused as soon as it is known to be too long, before its end arrived: the framer keeps
  // neither its bytes nor the rest of it that arrives while blocked beyond what it reads.
  LineFramer framer(8);
  int overlong = 0;
  bool refuse = true;
  std::vector<std::string> lines;
  auto take = [&](Frame f, std::string_view line) {
    if (f == Frame::Overlong) {
      ++overlong;
      return !refuse;
    }
    lines.emplace_back(line);
    return true;
  };
  framer.feed(std::string(1000, 'x'), take);
  EXPECT_EQ(overlong, 1);
  EXPECT_TRUE(framer.blocked());
  EXPECT_EQ(framer.buffered_bytes(), 0u);
  framer.feed("yyyy\nok\n", take);  // the over-long line's end and a good line, while blocked
  refuse = false;
  EXPECT_TRUE(framer.resume(take));
  EXPECT_EQ(overlong, 2);  // offered again once, then taken: reported once to the consumer
  EXPECT_EQ(lines, std::vector<std::string>{"ok"});
  EXPECT_EQ(framer.buffered_bytes(), 0u);
}

TEST(LineFramer, ConsumerPacingEveryFrameSeesSameFramesForAnySplit) {
  // As flood control now does: over-long frames cost a token like lines. Resumed until
  // drained, the consumer sees exactly what a greedy one sees, for any split of the input.
  std::string_view input = kPipelined;
  for (int budget = 1; budget <= 3; ++budget) {
    for (std::size_t cut = 0; cut <= input.size(); ++cut) {
      LineFramer framer(kMax);
      std::vector<std::string> got;
      int left = 0;
      auto take = [&](Frame f, std::string_view line) {
        if (left == 0) return false;
        --left;
        got.push_back(render(f, line));
        return true;
      };
      for (std::string_view piece : {input.substr(0, cut), input.substr(cut)}) {
        left = budget;
        framer.feed(piece, take);
        for (int guard = 0; framer.blocked() && guard < 100; ++guard) {
          left = budget;
          framer.resume(take);
        }
        ASSERT_FALSE(framer.blocked());
      }
      ASSERT_EQ(got, kPipelinedFrames) << "budget " << budget << " cut at " << cut;
    }
  }
}

TEST(LineFramer, OneMebibyteLineWithoutNewline) {
  constexpr std::size_t max = 1024;
  const std::string big(1 << 20, 'x');
  {
    LineFramer framer(max);
    std::vector<std::string> got = frame_all(framer, {big});
    EXPECT_EQ(got, std::vector<std::string>{kOverlong});
    EXPECT_LE(framer.buffered_bytes(), max + 1);
    EXPECT_EQ(frame_all(framer, {big, "\nok\n"}), std::vector<std::string>{line_frame("ok")});
  }
  {
    LineFramer framer(max);
    int overlong = 0;
    for (std::size_t pos = 0; pos < big.size(); pos += 4096) {
      framer.feed(std::string_view(big).substr(pos, 4096), [&](Frame f, std::string_view) {
        EXPECT_EQ(f, Frame::Overlong);
        ++overlong;
        return true;
      });
      ASSERT_LE(framer.buffered_bytes(), max + 1);
    }
    EXPECT_EQ(overlong, 1);
    EXPECT_EQ(frame_all(framer, {"\nok\n"}), std::vector<std::string>{line_frame("ok")});
  }
  {
    // The same line behind a buffered partial line.
    LineFramer framer(max);
    EXPECT_TRUE(frame_all(framer, {"start"}).empty());
    EXPECT_EQ(frame_all(framer, {big}), std::vector<std::string>{kOverlong});
    EXPECT_LE(framer.buffered_bytes(), max + 1);
    EXPECT_EQ(frame_all(framer, {"\nok\n"}), std::vector<std::string>{line_frame("ok")});
  }
}

TEST(LineFramer, OneMebibyteLineWithNewlineIsOneOverlong) {
  const std::string big = std::string(1 << 20, 'y') + "\nafter\n";
  EXPECT_EQ(frame_all(1024, {big}), (std::vector<std::string>{kOverlong, line_frame("after")}));
}

TEST(LineFramer, MaxLineIsReported) { EXPECT_EQ(LineFramer(512).max_line(), 512u); }
