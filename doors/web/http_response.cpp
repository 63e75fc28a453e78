// Rendering responses: the size is computed first so the payload is written in one piece.
#include "doors/web/http_response.h"

#include <cstdlib>

namespace web {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 414: return "URI Too Long";
    case 426: return "Upgrade Required";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

namespace {

bool is_header_safe(std::string_view s) { return s.find_first_of("\r\n") == std::string_view::npos; }

}  // namespace

HttpResponse& HttpResponse::header(std::string_view name, std::string_view value) {
  // A CR or LF here would let whoever chose the text write headers of their own: a bug of ours.
  if (!is_header_safe(name) || !is_header_safe(value) || name.empty()) std::abort();
  headers_.emplace_back(name, value);
  return *this;
}

HttpResponse& HttpResponse::body(std::string_view content_type, std::string body) {
  body_ = std::move(body);
  has_body_ = true;
  return header("Content-Type", content_type);
}

HttpResponse& HttpResponse::close_connection() {
  close_ = true;
  return *this;
}

HttpResponse& HttpResponse::page_security_headers() {
  header("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:");
  header("X-Content-Type-Options", "nosniff");
  header("Referrer-Policy", "no-referrer");
  return header("X-Frame-Options", "DENY");
}

reactor::PayloadRef HttpResponse::render(bool head) const {
  std::string out;
  out.reserve(256 + body_.size());
  out.append("HTTP/1.1 ").append(std::to_string(status_)).append(" ").append(reason_phrase(status_)).append("\r\n");
  for (const auto& [name, value] : headers_) out.append(name).append(": ").append(value).append("\r\n");
  // A 101 ends the HTTP stream: it has no body and so no length.
  if (status_ != 101)
    out.append("Content-Length: ").append(std::to_string(has_body_ ? body_.size() : 0)).append("\r\n");
  if (close_) out.append("Connection: close\r\n");
  out.append("\r\n");
  if (!head && status_ != 101) out.append(body_);
  return reactor::PayloadRef::copy_of(out);
}

HttpResponse error_response(int status) {
  HttpResponse response(status);
  std::string text = std::to_string(status);
  text.append(" ").append(reason_phrase(status)).append("\n");
  response.header("Cache-Control", "no-store");
  response.body("text/plain; charset=utf-8", std::move(text));
  switch (status) {
    case 405: response.header("Allow", "GET, HEAD"); break;
    case 426:
      response.header("Sec-WebSocket-Version", "13");
      response.header("Upgrade", "websocket");
      break;
    case 400:
    case 408:
    case 414:
    case 431:
    case 500:
    case 503: response.close_connection(); break;
    default: break;
  }
  return response;
}

}  // namespace web
