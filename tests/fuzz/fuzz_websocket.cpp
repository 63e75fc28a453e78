// WebSocketReader on any bytes, and on frames our writer made from messages the input picks.
// Raw bytes: the stream split at two points gives the same events as in one piece; nothing
// follows a Close or an Error; every text message is valid UTF-8 within the size limit; an
// error carries a close code the server may send. Written frames: text messages framed by
// web::append_frame, cut into fragments the input picks and masked with the input's key as a
// browser would, with pings between them, read back as exactly those messages and pings.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "doors/web/utf8_validator.h"
#include "doors/web/websocket_frame.h"
#include "doors/web/websocket_reader.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using web::WebSocketEvent;
using Kind = WebSocketEvent::Kind;

std::vector<WebSocketEvent> read(std::string_view stream, web::WebSocketLimits limits, std::size_t cut1,
                                 std::size_t cut2) {
  web::WebSocketReader reader(limits);
  std::vector<WebSocketEvent> events;
  reader.feed(stream.substr(0, cut1), events);
  reader.feed(stream.substr(cut1, cut2 - cut1), events);
  reader.feed(stream.substr(cut2), events);
  return events;
}

void check_events(const std::vector<WebSocketEvent>& events, const web::WebSocketLimits& limits) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    const WebSocketEvent& e = events[i];
    bool last = i + 1 == events.size();
    switch (e.kind) {
      case Kind::Text: {
        FUZZ_CHECK(e.data.size() <= limits.max_message, "a message over the limit");
        web::Utf8Validator v;
        FUZZ_CHECK(v.feed(e.data) && v.complete(), "a text message that is not UTF-8");
        break;
      }
      case Kind::Ping:
      case Kind::Pong: FUZZ_CHECK(e.data.size() <= web::kMaxControlPayload, "a control payload too long"); break;
      case Kind::Close:
        FUZZ_CHECK(last, "an event after Close");
        FUZZ_CHECK(e.code == web::close_code::kNoStatus || web::is_valid_close_code(e.code), "an invalid close code");
        break;
      case Kind::Error:
        FUZZ_CHECK(last, "an event after an Error");
        FUZZ_CHECK(e.code == 1002 || e.code == 1003 || e.code == 1007 || e.code == 1009, "an unexpected error code");
        break;
    }
  }
}

// A server frame (unmasked) turned into what a browser sends: mask bit set, key after the
// length, payload masked; the FIN bit and opcode replaced.
std::string as_client_frame(std::string_view server_frame, bool fin, std::uint8_t opcode,
                            const std::array<std::uint8_t, 4>& key) {
  std::size_t header = 2;
  std::uint8_t len7 = static_cast<std::uint8_t>(server_frame[1]) & 0x7F;
  if (len7 == 126) header = 4;
  if (len7 == 127) header = 10;
  std::string out(server_frame.substr(0, header));
  out[0] = static_cast<char>((fin ? 0x80 : 0) | opcode);
  out[1] = static_cast<char>(static_cast<std::uint8_t>(out[1]) | 0x80);
  for (std::uint8_t k : key) out += static_cast<char>(k);
  std::string_view payload = server_frame.substr(header);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out += static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ key[i % 4]);
  return out;
}

void round_trip(fuzz::ByteReader& in) {
  std::array<std::uint8_t, 4> key{in.byte(), in.byte(), in.byte(), in.byte()};
  std::string stream;
  std::vector<WebSocketEvent> want;
  while (!in.empty()) {
    std::string message(in.bytes(in.byte()));
    web::Utf8Validator v;
    if (!v.feed(message) || !v.complete()) continue;  // the page only sends text
    std::size_t pieces = 1 + in.byte() % 4;
    std::size_t at = 0;
    for (std::size_t p = 0; p < pieces; ++p) {
      std::size_t end = p + 1 == pieces ? message.size() : std::min(message.size(), at + in.byte());
      std::string frame;
      web::append_frame(frame, web::Opcode::Text, std::string_view(message).substr(at, end - at));
      stream += as_client_frame(frame, p + 1 == pieces, p == 0 ? 0x1 : 0x0, key);
      at = end;
      if (p + 1 == pieces) want.push_back({Kind::Text, message, 0});
      if (in.byte() & 1) {
        std::string ping;
        web::append_frame(ping, web::Opcode::Ping, "p");
        stream += as_client_frame(ping, true, 0x9, key);
        want.push_back({Kind::Ping, "p", 0});
      }
    }
  }
  web::WebSocketLimits limits{1 << 16};
  std::vector<WebSocketEvent> got = read(stream, limits, stream.size() / 3, stream.size() / 2);
  FUZZ_CHECK(got == want, "our own frames, masked, did not read back as what was written");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::ByteReader in(data, size);
  std::uint8_t mode = in.byte();
  if (mode & 1) {
    round_trip(in);
    return 0;
  }
  web::WebSocketLimits limits{mode & 2 ? std::size_t{16} : std::size_t{4096}};
  std::size_t a = in.byte(), b = in.byte();
  std::string_view stream = in.bytes(size);
  std::size_t cut1 = std::min(a, stream.size()), cut2 = std::min(cut1 + b, stream.size());
  std::vector<WebSocketEvent> whole = read(stream, limits, stream.size(), stream.size());
  check_events(whole, limits);
  FUZZ_CHECK(read(stream, limits, cut1, cut2) == whole, "a split changed the events");
  return 0;
}
