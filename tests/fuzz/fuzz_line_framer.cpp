// LineFramer fed one stream in arbitrary chunks while its consumer refuses lines (flood
// control, which paces over-long ones too) at arbitrary points: every
// frame comes out exactly once and in order, as a model reading the whole stream says, a
// blocked framer offers nothing until resumed, and an unblocked one holds at most one
// partial line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reactor/line_framer.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using reactor::Frame;
using reactor::LineFramer;

// Lines are recorded as "L<bytes>", so this never equals one.
constexpr std::string_view kOverlong = "OVERLONG";

std::vector<std::string> model(std::string_view stream, std::size_t max) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  for (;;) {
    std::size_t nl = stream.find('\n', pos);
    if (nl == std::string_view::npos) break;
    std::string_view line = stream.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line.size() > max ? std::string(kOverlong) : std::string("L").append(line));
    pos = nl + 1;
  }
  std::string_view tail = stream.substr(pos);
  if (tail.size() > max + 1 || (tail.size() == max + 1 && tail.back() != '\r')) out.emplace_back(kOverlong);
  return out;
}

struct Consumer {
  std::vector<std::string> taken;
  unsigned refusals = 0;  // bit i set: refuse the i-th next offer
  bool refused_any = false;
  std::string refused_line;  // the line refused last; it must be offered again first
  bool has_refused_line = false;

  bool operator()(Frame f, std::string_view line) {
    std::string frame = f == Frame::Line ? std::string("L").append(line) : std::string(kOverlong);
    if (has_refused_line) {
      FUZZ_CHECK(frame == refused_line, "a refused line was not offered again first");
      has_refused_line = false;
    }
    bool refuse = refusals & 1u;
    refusals >>= 1;
    if (refuse) {  // a refused frame of either kind must come again, first
      refused_any = true;
      refused_line = frame;
      has_refused_line = true;
      return false;
    }
    taken.push_back(frame);
    return true;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::ByteReader in(data, size);
  const std::size_t max_line = 1 + in.byte() % 48;
  LineFramer framer(max_line);
  Consumer consumer;
  std::string stream;

  auto check_bounded = [&] {
    if (!consumer.refused_any) {
      FUZZ_CHECK(!framer.blocked(), "blocked although nothing was refused");
      FUZZ_CHECK(framer.buffered_bytes() <= max_line + 1, "holds more than one partial line");
    }
  };

  while (!in.empty()) {
    std::uint8_t op = in.byte();
    consumer.refused_any = false;
    switch (op & 3) {
      case 0:
      case 1: {  // a chunk of the stream, up to 127 bytes
        std::string_view chunk = in.bytes(op >> 1);
        stream.append(chunk);
        bool was_blocked = framer.blocked();
        std::size_t before = consumer.taken.size();
        bool offered = false;
        framer.feed(chunk, [&](Frame f, std::string_view line) {
          offered = true;
          return consumer(f, line);
        });
        FUZZ_CHECK(!(was_blocked && offered), "a blocked framer offered a frame");
        if (was_blocked) FUZZ_CHECK(consumer.taken.size() == before, "frames taken while blocked");
        if (!was_blocked) check_bounded();
        break;
      }
      case 2:  // flood control lets the client go on
        framer.resume(consumer);
        check_bounded();
        break;
      case 3:  // which of the next offers the consumer will refuse
        consumer.refusals = in.byte();
        break;
    }
  }

  // The end: everything left is taken.
  consumer.refusals = 0;
  consumer.refused_any = false;
  FUZZ_CHECK(framer.resume(consumer), "still blocked after taking everything");
  check_bounded();
  std::vector<std::string> want = model(stream, max_line);
  FUZZ_CHECK(consumer.taken == want, "frames lost, duplicated, reordered or altered");
  return 0;
}
