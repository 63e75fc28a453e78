// Handshake checks in the order RFC 6455 4.2.1 lists them, then the Origin policy and the
// subprotocol choice.
#include "doors/web/websocket_handshake.h"

#include <optional>

#include "doors/web/base64.h"
#include "doors/web/http_text.h"
#include "doors/web/sha1.h"

namespace web {
namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

HandshakeResult refuse(int status, std::string_view reason) {
  HandshakeResult result;
  result.status = status;
  result.reason = reason;
  return result;
}

// "scheme://host[:port]" lower-cased, without the scheme's default port, so
// "https://Chat.example:443" and "https://chat.example" compare equal; nullopt if not that shape.
std::optional<std::string> canonical_origin(std::string_view origin) {
  std::string lower = to_lower(origin);
  std::string_view rest = lower;
  std::string_view scheme;
  if (rest.substr(0, 7) == "http://") {
    scheme = "http";
  } else if (rest.substr(0, 8) == "https://") {
    scheme = "https";
  } else {
    return std::nullopt;
  }
  rest.remove_prefix(scheme.size() + 3);
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string_view::npos) return std::nullopt;
  std::string_view default_port = scheme == "http" ? ":80" : ":443";
  if (rest.size() > default_port.size() && rest.substr(rest.size() - default_port.size()) == default_port)
    rest.remove_suffix(default_port.size());
  return std::string(scheme) + "://" + std::string(rest);
}

// The Host header's host[:port], lower-cased; the default port of either scheme is dropped,
// since the Origin's scheme (not Host) says which one the browser used.
bool origin_matches_host(std::string_view canonical, std::string_view host) {
  std::string h = to_lower(host);
  std::string_view origin_host = canonical.substr(canonical.find("://") + 3);
  bool https = canonical.substr(0, 5) == "https";
  std::string_view default_port = https ? ":443" : ":80";
  std::string_view hv = h;
  if (hv.size() > default_port.size() && hv.substr(hv.size() - default_port.size()) == default_port)
    hv.remove_suffix(default_port.size());
  return !hv.empty() && hv == origin_host;
}

bool origin_allowed(const HttpRequest& request, const HandshakePolicy& policy) {
  const std::string* origin = request.header("origin");
  // Browsers always send Origin on a WebSocket request; a client without one is no browser,
  // and could write any Origin it liked: the check protects browser users from other sites.
  if (origin == nullptr) return true;
  for (const std::string& allowed : policy.allowed_origins)
    if (allowed == "*") return true;
  std::optional<std::string> canonical = canonical_origin(*origin);
  if (!canonical) return false;  // "null" (sandboxed pages, files) and anything odd
  if (policy.allowed_origins.empty()) {
    const std::string* host = request.header("host");
    return host != nullptr && origin_matches_host(*canonical, *host);
  }
  for (const std::string& allowed : policy.allowed_origins) {
    std::optional<std::string> want = canonical_origin(allowed);
    if (want && *want == *canonical) return true;
  }
  return false;
}

}  // namespace

std::string_view to_string(Subprotocol subprotocol) {
  switch (subprotocol) {
    case Subprotocol::ChatLine: return "chat.line";
    case Subprotocol::IrcV3: return "text.ircv3.net";
  }
  return "";
}

std::string websocket_accept(std::string_view key) {
  Sha1 hash;
  hash.update(key);
  hash.update(kGuid);
  Sha1Digest digest = hash.finish();
  return base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

bool wants_websocket(const HttpRequest& request) { return request.has_token("upgrade", "websocket"); }

HandshakeResult check_handshake(const HttpRequest& request, const HandshakePolicy& policy) {
  if (request.method != "GET") return refuse(405, "WebSocket upgrade with a method other than GET");
  if (request.minor_version < 1) return refuse(400, "WebSocket upgrade needs HTTP/1.1");
  if (!wants_websocket(request)) return refuse(426, "no Upgrade: websocket");
  if (!request.has_token("connection", "upgrade")) return refuse(400, "Connection lacks the upgrade token");
  const std::string* version = request.header("sec-websocket-version");
  if (request.count("sec-websocket-version") != 1 || *version != "13")
    return refuse(426, "unsupported Sec-WebSocket-Version");
  const std::string* key = request.header("sec-websocket-key");
  if (request.count("sec-websocket-key") != 1) return refuse(400, "missing or repeated Sec-WebSocket-Key");
  std::optional<std::string> nonce = base64_decode(*key);
  if (!nonce || nonce->size() != 16) return refuse(400, "Sec-WebSocket-Key is not 16 bytes in base64");
  if (!origin_allowed(request, policy)) return refuse(403, "Origin not allowed");

  HandshakeResult result;
  result.accepted = true;
  result.status = 101;
  result.accept_key = websocket_accept(*key);
  // The client lists what it speaks, most wanted first; the first we speak wins. If none
  // is ours the 101 names none, and a browser that insisted closes the connection itself.
  for (const HttpHeader& h : request.headers) {
    if (h.name != "sec-websocket-protocol") continue;
    std::string_view rest = h.value;
    while (!result.echo_subprotocol && !rest.empty()) {
      std::size_t comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      if (item == "chat.line") {
        result.subprotocol = Subprotocol::ChatLine;
        result.echo_subprotocol = true;
      } else if (item == "text.ircv3.net" && policy.irc_available) {
        result.subprotocol = Subprotocol::IrcV3;
        result.echo_subprotocol = true;
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    if (result.echo_subprotocol) break;
  }
  return result;
}

HttpResponse handshake_response(const HandshakeResult& result) {
  if (!result.accepted) return error_response(result.status);
  HttpResponse response(101);
  response.header("Upgrade", "websocket");
  response.header("Connection", "Upgrade");
  response.header("Sec-WebSocket-Accept", result.accept_key);
  if (result.echo_subprotocol) response.header("Sec-WebSocket-Protocol", to_string(result.subprotocol));
  return response;
}

}  // namespace web
