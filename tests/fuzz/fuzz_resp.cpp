// RespParser on any bytes, under small limits the input picks: it either fails or hands out
// replies and keeps an unfinished prefix of the next one; the same stream split at two points
// the input picks gives the same replies and the same verdict; every reply written back as
// RESP parses to itself; a callback that stops leaves nothing; no limit is ever exceeded.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "resp/parser.h"
#include "resp/writer.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using resp::RespLimits;
using resp::RespParser;
using resp::RespReply;

struct Outcome {
  std::vector<std::string> replies;  // each written back as RESP
  bool ok = true;
  std::size_t buffered = 0;
};

void check_limits(const RespReply& r, const RespLimits& limits) {
  FUZZ_CHECK(r.items.size() <= limits.max_elements, "more elements than allowed");
  auto check = [&](const resp::RespItem& i) {
    FUZZ_CHECK(i.text.size() <= limits.max_bulk, "a string longer than allowed");
    if (i.type == resp::RespType::Array) FUZZ_CHECK(i.integer >= 0, "an array of negative size");
  };
  check(r.top);
  for (const resp::RespItem& i : r.items) check(i);
}

Outcome parse(const std::vector<std::string_view>& chunks, const RespLimits& limits) {
  RespParser p(limits);
  Outcome out;
  for (std::string_view c : chunks) {
    if (!out.ok) break;
    out.ok = p.feed(c, [&](const RespReply& r) {
      check_limits(r, limits);
      std::string wire;
      resp::append_reply(wire, r);
      FUZZ_CHECK(wire.size() <= limits.max_reply, "a reply longer than allowed");
      out.replies.push_back(std::move(wire));
    });
    FUZZ_CHECK(p.buffered_bytes() <= limits.max_reply, "holds more than one reply's worth");
    FUZZ_CHECK(out.ok == p.error().empty(), "error() and the verdict disagree");
  }
  out.buffered = p.buffered_bytes();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::ByteReader in(data, size);
  const std::uint8_t a = in.byte();
  const std::uint8_t b = in.byte();
  RespLimits limits;
  if (a & 1) {  // small limits, so the fuzzer reaches them
    limits.max_bulk = 1 + (a >> 1) % 64;
    limits.max_elements = 1 + b % 16;
    limits.max_depth = 1 + (b >> 4) % 4;
    limits.max_reply = 8 + (a >> 1) * 4;
  }
  const std::uint8_t cut1 = in.byte();
  const std::uint8_t cut2 = in.byte();
  const std::string_view stream = in.bytes(size);

  const Outcome whole = parse({stream}, limits);
  if (whole.ok) {
    FUZZ_CHECK(whole.buffered <= stream.size(), "buffered more than it was given");
    // What is buffered is the unfinished start of a reply: alone, it gives none and no error.
    const std::string_view tail = stream.substr(stream.size() - whole.buffered);
    const Outcome rest = parse({tail}, limits);
    FUZZ_CHECK(rest.ok && rest.replies.empty() && rest.buffered == tail.size(), "the kept bytes are not a prefix");
    const Outcome head = parse({stream.substr(0, stream.size() - whole.buffered)}, limits);
    FUZZ_CHECK(head.ok && head.buffered == 0 && head.replies == whole.replies, "the complete part parses alone");
  }

  // Split at two points: same replies, same verdict.
  const std::size_t x = stream.empty() ? 0 : cut1 % (stream.size() + 1);
  const std::size_t y = stream.empty() ? 0 : x + cut2 % (stream.size() - x + 1);
  const Outcome split = parse({stream.substr(0, x), stream.substr(x, y - x), stream.substr(y)}, limits);
  FUZZ_CHECK(split.ok == whole.ok, "a split changed the verdict");
  FUZZ_CHECK(split.replies == whole.replies, "a split changed the replies");
  if (whole.ok) FUZZ_CHECK(split.buffered == whole.buffered, "a split changed what is kept");

  // Written back (never longer than what was read), the replies parse to themselves.
  std::string rewritten;
  for (const std::string& r : whole.replies) rewritten += r;
  const Outcome again = parse({rewritten}, limits);
  FUZZ_CHECK(again.ok && again.buffered == 0 && again.replies == whole.replies, "written back, a reply changed");

  // A callback that stops after the first reply leaves the parser empty and usable.
  RespParser stopper(limits);
  int seen = 0;
  stopper.feed(stream, [&](const RespReply&) { return ++seen < 1; });
  FUZZ_CHECK(seen <= 1, "replies handed out after the callback stopped");
  if (seen == 1) FUZZ_CHECK(stopper.buffered_bytes() == 0 && stopper.error().empty(), "a stop left state behind");
  return 0;
}
