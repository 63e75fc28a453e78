// An incremental, bounded parser for HTTP/1.1 requests (RFC 9112): the request line and the
// headers of GET-style requests, no bodies. Bytes in, a request or an error status out.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace web {

struct HttpLimits {
  std::size_t max_request_line = 8 * 1024;   // beyond it: 414 (in the target) or 400
  std::size_t max_header_bytes = 16 * 1024;  // every header line with its line end: 431
  std::size_t max_headers = 100;             // 431
};

struct HttpHeader {
  std::string name;   // lower case
  std::string value;  // without surrounding whitespace
};

struct HttpRequest {
  std::string method;  // case-sensitive, as RFC 9110 says
  std::string target;  // as sent: "/path?query"
  // The target's path, percent-decoded and with "." and ".." resolved, so it always starts
  // with '/' and never has a ".." segment; the router compares it to an exact allow-list.
  std::string path;
  std::string query;      // after '?', raw
  int minor_version = 1;  // HTTP/1.0 or HTTP/1.1
  std::vector<HttpHeader> headers;
  bool keep_alive = true;

  // The first header with this name (lower case), if any.
  const std::string* header(std::string_view lower_name) const;
  // How many headers have this name.
  std::size_t count(std::string_view lower_name) const;
  // True when a comma-separated header (Connection, Upgrade) lists `token`, ignoring case,
  // over all its occurrences.
  bool has_token(std::string_view lower_name, std::string_view token) const;
};

class HttpRequestParser {
 public:
  enum class Status { NeedMore, Done, Failed };

  explicit HttpRequestParser(const HttpLimits& limits = {}) : limits_(limits) {}

  // Consumes bytes up to the end of one request's headers and no further, so what follows
  // (a pipelined request, or WebSocket frames after an upgrade) stays with the caller:
  // `consumed` says how many were taken (after Failed the connection is answered and closed,
  // so it does not matter). After Done or Failed it takes nothing until reset().
  Status feed(std::string_view bytes, std::size_t& consumed);

  Status status() const { return status_; }
  const HttpRequest& request() const { return request_; }
  // After Failed: the status to answer with (400, 414 or 431) and why, for the log.
  int error_status() const { return error_status_; }
  std::string_view error_reason() const { return error_reason_; }
  // True once a byte of a request has arrived, so a header timeout can tell an idle
  // keep-alive connection from a slow request.
  bool started() const { return started_; }

  // Ready for the next request on the same connection.
  void reset();

 private:
  Status fail(int status, std::string_view reason);
  bool reject(int status, std::string_view reason);  // fail() for the line handlers
  Status fail_over_limit();                          // 414, 400 or 431, from the line so far
  // The line handlers return whether to read on (false: done or failed).
  bool take_line(std::string_view line);
  bool parse_request_line(std::string_view line);
  bool parse_header(std::string_view line);
  bool finish_headers();

  HttpLimits limits_;
  Status status_ = Status::NeedMore;
  bool in_headers_ = false;
  bool started_ = false;
  std::string line_;  // the partial line so far
  std::size_t header_bytes_ = 0;
  std::size_t request_line_bytes_ = 0;  // including empty lines before it
  HttpRequest request_;
  int error_status_ = 0;
  std::string error_reason_;
};

// Decodes and resolves a target's path as HttpRequest::path says; nullopt when it cannot
// name a page (bad escape, encoded '/', '\\' or a control byte, or ".." above the root).
std::optional<std::string> normalise_path(std::string_view raw_path);

}  // namespace web
