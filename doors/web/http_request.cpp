// The request parser: lines are cut on '\n' (a '\r' before it is dropped, a bare '\r' is an
// error), and every limit is checked as bytes arrive, never after buffering them.
#include "doors/web/http_request.h"

#include <cstring>

#include "doors/web/http_text.h"

namespace web {
namespace {

bool is_path_char(char c) {
  // RFC 3986 pchar and '/': unreserved, sub-delims, ':', '@', and '%' of pct-encoded.
  return is_alnum(c) || (c != '\0' && std::strchr("-._~!$&'()*+,;=:@/%", c) != nullptr);
}

bool is_query_char(char c) { return is_path_char(c) || c == '?'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_field_value_char(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7F); }

std::string_view trim_whitespace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

const std::string* HttpRequest::header(std::string_view lower_name) const {
  for (const HttpHeader& h : headers)
    if (h.name == lower_name) return &h.value;
  return nullptr;
}

std::size_t HttpRequest::count(std::string_view lower_name) const {
  std::size_t n = 0;
  for (const HttpHeader& h : headers) n += h.name == lower_name ? 1 : 0;
  return n;
}

bool HttpRequest::has_token(std::string_view lower_name, std::string_view token) const {
  for (const HttpHeader& h : headers) {
    if (h.name != lower_name) continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      std::size_t comma = rest.find(',');
      std::string_view item = trim_whitespace(rest.substr(0, comma));
      if (equals_ignoring_case(item, token)) return true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

std::optional<std::string> normalise_path(std::string_view raw_path) {
  if (raw_path.empty() || raw_path.front() != '/') return std::nullopt;
  std::vector<std::string> segments;
  bool trailing_slash = false;
  std::size_t pos = 1;
  for (;;) {
    std::size_t slash = raw_path.find('/', pos);
    std::string_view raw = raw_path.substr(pos, slash == std::string_view::npos ? slash : slash - pos);
    std::string segment;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(raw[i]);
      if (c == '%') {
        if (i + 2 >= raw.size()) return std::nullopt;
        int hi = hex_value(raw[i + 1]), lo = hex_value(raw[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        c = static_cast<unsigned char>(hi * 16 + lo);
        i += 2;
      }
      // A decoded separator or control byte could only serve to confuse what reads the path.
      if (c == '/' || c == '\\' || c < 0x20 || c == 0x7F) return std::nullopt;
      segment += static_cast<char>(c);
    }
    bool last = slash == std::string_view::npos;
    if (segment == "..") {
      if (segments.empty()) return std::nullopt;
      segments.pop_back();
      trailing_slash = last;
    } else if (segment == "." || segment.empty()) {
      trailing_slash = last;
    } else {
      segments.push_back(std::move(segment));
      trailing_slash = false;
    }
    if (last) break;
    pos = slash + 1;
  }
  std::string path;
  for (const std::string& s : segments) path.append("/").append(s);
  if (path.empty() || trailing_slash) path += '/';
  return path;
}

void HttpRequestParser::reset() {
  status_ = Status::NeedMore;
  in_headers_ = false;
  started_ = false;
  line_.clear();
  header_bytes_ = 0;
  request_line_bytes_ = 0;
  request_ = HttpRequest{};
  error_status_ = 0;
  error_reason_.clear();
}

HttpRequestParser::Status HttpRequestParser::fail(int status, std::string_view reason) {
  status_ = Status::Failed;
  error_status_ = status;
  error_reason_ = reason;
  return status_;
}

bool HttpRequestParser::reject(int status, std::string_view reason) {
  fail(status, reason);
  return false;
}

HttpRequestParser::Status HttpRequestParser::feed(std::string_view bytes, std::size_t& consumed) {
  consumed = 0;
  while (status_ == Status::NeedMore && consumed < bytes.size()) {
    started_ = true;
    std::string_view rest = bytes.substr(consumed);
    std::size_t nl = rest.find('\n');
    std::size_t take = nl == std::string_view::npos ? rest.size() : nl + 1;
    // The most this line may hold with its line end (the request line's limit excludes a
    // CRLF). Beyond it only one byte more is kept, so nothing over the limit is buffered and
    // the verdict depends on the bytes, not on how they were split.
    std::size_t cap =
        in_headers_ ? limits_.max_header_bytes - header_bytes_ : limits_.max_request_line - request_line_bytes_ + 2;
    if (line_.size() + take > cap) {
      line_.append(rest.substr(0, cap + 1 - line_.size()));
      return fail_over_limit();
    }
    line_.append(rest.substr(0, take));
    consumed += take;
    if (nl == std::string_view::npos) {
      // Fail fast: the request line is too long once it holds more than its limit, unless
      // the last byte is a '\r' that the next one may turn into its line end.
      std::size_t allowed = cap - 2;
      if (!in_headers_ && (line_.size() > allowed + 1 || (line_.size() == allowed + 1 && line_.back() != '\r')))
        return fail_over_limit();
      break;
    }
    std::string line = std::move(line_);
    line_.clear();
    if (in_headers_) header_bytes_ += line.size();
    line.pop_back();  // '\n'
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!in_headers_ && request_line_bytes_ + line.size() > limits_.max_request_line) {
      line_ = std::move(line);
      return fail_over_limit();
    }
    if (line.find('\r') != std::string::npos) return fail(400, "bare CR");
    if (!take_line(line)) return status_;
  }
  return status_;
}

HttpRequestParser::Status HttpRequestParser::fail_over_limit() {
  if (in_headers_) return fail(431, "headers too large");
  // Judged on the line's first bytes up to one past the limit, whatever else has arrived.
  std::size_t space = std::string_view(line_).substr(0, limits_.max_request_line - request_line_bytes_ + 1).find(' ');
  if (space != std::string::npos && space > 0) return fail(414, "request target too long");
  return fail(400, "request line too long");
}

bool HttpRequestParser::take_line(std::string_view line) {
  if (!in_headers_) {
    if (line.empty()) {  // RFC 9112 2.2: empty lines before a request are ignored
      request_line_bytes_ += 2;
      if (request_line_bytes_ > limits_.max_request_line) return reject(400, "request line too long");
      return true;
    }
    if (!parse_request_line(line)) return false;
    in_headers_ = true;
    return true;
  }
  if (line.empty()) return finish_headers();
  return parse_header(line);
}

bool HttpRequestParser::parse_request_line(std::string_view line) {
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return reject(400, "malformed request line");
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (method.empty() || !all_of_token(method)) return reject(400, "malformed method");
  if (version == "HTTP/1.1") {
    request_.minor_version = 1;
  } else if (version == "HTTP/1.0") {
    request_.minor_version = 0;
  } else {
    return reject(400, "unsupported HTTP version");
  }
  // Origin form only: no absolute URIs (we are no proxy), no "*", no authority form.
  if (target.empty() || target.front() != '/') return reject(400, "request target is not a path");
  std::size_t question = target.find('?');
  std::string_view raw_path = target.substr(0, question);
  std::string_view query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  for (char c : raw_path)
    if (!is_path_char(c)) return reject(400, "bad character in path");
  for (char c : query)
    if (!is_query_char(c) && c != '%') return reject(400, "bad character in query");
  std::optional<std::string> path = normalise_path(raw_path);
  if (!path) return reject(400, "bad path");
  request_.method = method;
  request_.target = target;
  request_.path = std::move(*path);
  request_.query = query;
  return true;
}

bool HttpRequestParser::parse_header(std::string_view line) {
  // A line that begins with whitespace continues the previous one (obs-fold): refused,
  // as RFC 9112 5.2 allows, since no client we serve sends one.
  if (line.front() == ' ' || line.front() == '\t') return reject(400, "obsolete header folding");
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return reject(400, "malformed header");
  std::string_view name = line.substr(0, colon);
  // No whitespace between name and colon (RFC 9112 5.1): it has been used for smuggling.
  if (!all_of_token(name)) return reject(400, "malformed header name");
  std::string_view value = trim_whitespace(line.substr(colon + 1));
  for (char c : value)
    if (!is_field_value_char(static_cast<unsigned char>(c))) return reject(400, "bad character in header");
  if (request_.headers.size() == limits_.max_headers) return reject(431, "too many headers");
  request_.headers.push_back(HttpHeader{to_lower(name), std::string(value)});
  return true;
}

bool HttpRequestParser::finish_headers() {
  std::size_t hosts = request_.count("host");
  if (hosts > 1 || (hosts == 0 && request_.minor_version == 1)) return reject(400, "missing or repeated Host");
  // No request we serve has a body. Refusing any (rather than draining it) keeps framing
  // trivial: the next request starts right after the blank line, or the connection closes.
  if (request_.count("transfer-encoding") > 0) return reject(400, "request bodies are not accepted");
  for (const HttpHeader& h : request_.headers) {
    if (h.name != "content-length") continue;
    if (h.value.empty() || h.value.find_first_not_of('0') != std::string::npos)
      return reject(400, "request bodies are not accepted");
  }
  if (request_.minor_version == 1) {
    request_.keep_alive = !request_.has_token("connection", "close");
  } else {
    request_.keep_alive = request_.has_token("connection", "keep-alive") && !request_.has_token("connection", "close");
  }
  status_ = Status::Done;
  return false;  // stop reading: the request is complete
}

}  // namespace web
