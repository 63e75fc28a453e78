// HTTP/1.1 responses rendered into one payload: status line, headers, body. The door sends
// the payload as it is; HEAD gets the same headers without the body.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reactor/payload.h"

namespace web {

// "Not Found" for 404; "" for a status this door never sends.
std::string_view reason_phrase(int status);

class HttpResponse {
 public:
  explicit HttpResponse(int status) : status_(status) {}

  // Names and values are ours, never a client's: they must hold no CR or LF.
  HttpResponse& header(std::string_view name, std::string_view value);
  HttpResponse& body(std::string_view content_type, std::string body);
  // Adds "Connection: close": the door closes after sending.
  HttpResponse& close_connection();
  // The page's headers: a strict Content-Security-Policy (own origin only; WebSocket to it),
  // no MIME sniffing, no referrer, no framing.
  HttpResponse& page_security_headers();

  int status() const { return status_; }
  bool closes_connection() const { return close_; }
  std::string_view body_bytes() const { return body_; }
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }

  // head: the response to a HEAD request (Content-Length of the body it would have had).
  reactor::PayloadRef render(bool head = false) const;

 private:
  int status_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string body_;
  bool has_body_ = false;
  bool close_ = false;
};

// A short text/plain error page for status (400, 403, 404, 405, 408, 414, 426, 431, 500, 503),
// with the headers that status needs: Allow for 405, Sec-WebSocket-Version for 426, and
// Connection: close where the request stream cannot be trusted any more (400, 408, 414, 431)
// or the server is in trouble (500, 503).
HttpResponse error_response(int status);

}  // namespace web
