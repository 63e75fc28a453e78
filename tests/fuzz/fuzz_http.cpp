// HttpRequestParser on any bytes, under small limits the input picks: the same stream split
// at two points gives the same verdict and request; a request it accepts has a normalised
// path (starts with '/', no "." or ".." segment, normalising again changes nothing unless it
// holds a decoded '%'), lower-case header names and stays within the limits; an error is one
// of 400, 414, 431; the handshake and the responses built from whatever it accepted never
// break their own rules.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "doors/web/http_request.h"
#include "doors/web/http_response.h"
#include "doors/web/websocket_handshake.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using web::HttpRequestParser;
using Status = HttpRequestParser::Status;

struct Outcome {
  Status status;
  int error;
  std::size_t consumed;
  web::HttpRequest request;
};

Outcome run(std::string_view stream, const web::HttpLimits& limits, std::size_t cut1, std::size_t cut2) {
  HttpRequestParser parser(limits);
  std::size_t total = 0;
  for (auto [from, to] : {std::pair{std::size_t{0}, cut1}, {cut1, cut2}, {cut2, stream.size()}}) {
    std::size_t consumed = 0;
    parser.feed(stream.substr(from, to - from), consumed);
    total += consumed;
    if (parser.status() != Status::NeedMore) break;
    FUZZ_CHECK(consumed == to - from, "a parser that needs more must take all it is given");
  }
  return {parser.status(), parser.error_status(), total, parser.request()};
}

void check_request(const web::HttpRequest& r, const web::HttpLimits& limits) {
  FUZZ_CHECK(!r.path.empty() && r.path.front() == '/', "path does not start at the root");
  std::string_view rest(r.path);
  while (!rest.empty()) {
    rest.remove_prefix(1);  // the '/'
    std::string_view segment = rest.substr(0, rest.find('/'));
    FUZZ_CHECK(segment != "." && segment != "..", "a dot segment survived");
    rest.remove_prefix(segment.size());
  }
  // The path is decoded: a '%' in it is a decoded "%25", which a second pass would decode again.
  if (r.path.find('%') == std::string::npos)
    FUZZ_CHECK(web::normalise_path(r.path) == r.path, "normalising twice changed the path");
  FUZZ_CHECK(r.headers.size() <= limits.max_headers, "more headers than allowed");
  for (const web::HttpHeader& h : r.headers) {
    for (char c : h.name) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'), "an upper-case header name");
    FUZZ_CHECK(h.value.find_first_of("\r\n") == std::string::npos, "a line break inside a header value");
  }
  FUZZ_CHECK(r.target.size() <= limits.max_request_line, "a target longer than the request line limit");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::ByteReader in(data, size);
  web::HttpLimits limits;
  if (in.byte() & 1) {  // small limits, so the fuzzer reaches them
    limits.max_request_line = 16 + in.byte() % 64;
    limits.max_header_bytes = 16 + in.byte() % 128;
    limits.max_headers = 1 + in.byte() % 8;
  }
  std::size_t a = in.byte(), b = in.byte();
  std::string_view stream = in.bytes(size);
  std::size_t cut1 = std::min(a, stream.size()), cut2 = std::min(cut1 + b, stream.size());

  Outcome whole = run(stream, limits, stream.size(), stream.size());
  Outcome split = run(stream, limits, cut1, cut2);
  FUZZ_CHECK(whole.status == split.status && whole.error == split.error, "a split changed the verdict");
  // After a failure the connection is answered and closed, so only a request's end matters.
  if (whole.status == Status::Done)
    FUZZ_CHECK(whole.consumed == split.consumed, "a split changed where the request ends");
  if (whole.status == Status::Failed) {
    FUZZ_CHECK(whole.error == 400 || whole.error == 414 || whole.error == 431, "an unexpected error status");
    std::string page(web::error_response(whole.error).render().view());
    FUZZ_CHECK(page.rfind("HTTP/1.1 ", 0) == 0, "an error response without a status line");
    return 0;
  }
  if (whole.status != Status::Done) return 0;
  FUZZ_CHECK(whole.request.target == split.request.target && whole.request.path == split.request.path &&
                 whole.request.headers.size() == split.request.headers.size() &&
                 whole.request.keep_alive == split.request.keep_alive,
             "a split changed the request");
  check_request(whole.request, limits);

  web::HandshakeResult handshake = web::check_handshake(whole.request, web::HandshakePolicy{});
  if (handshake.accepted) {
    FUZZ_CHECK(handshake.accept_key.size() == 28, "Sec-WebSocket-Accept is not a base64 SHA-1");
    FUZZ_CHECK(whole.request.method == "GET", "an upgrade accepted for another method");
  } else {
    FUZZ_CHECK(handshake.status >= 400 && handshake.status < 500, "a refusal that is not a 4xx");
  }
  std::string response(web::handshake_response(handshake).render().view());
  FUZZ_CHECK(response.find("\r\n\r\n") != std::string::npos, "a response without the end of its headers");
  return 0;
}
