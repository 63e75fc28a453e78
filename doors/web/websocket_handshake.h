// The WebSocket opening handshake (RFC 6455 section 4.2): checks an upgrade request, picks
// the subprotocol, and builds the 101 (or the error response that refuses it).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "doors/web/http_request.h"
#include "doors/web/http_response.h"

namespace web {

// What a text frame carries once connected.
enum class Subprotocol {
  ChatLine,  // "chat.line", or none asked for: one line of docs/PROTOCOL.md per frame
  IrcV3,     // "text.ircv3.net": one IRC line per frame (the IRCv3 WebSocket specification)
};
std::string_view to_string(Subprotocol subprotocol);

struct HandshakePolicy {
  // Origins allowed to open a WebSocket, exact ("https://chat.example.org", no path).
  // Empty: the page's own origin only, that is an Origin whose host[:port] is the request's
  // Host. "*" in the list: any origin.
  std::vector<std::string> allowed_origins;
  bool irc_available = false;  // offer text.ircv3.net (when the IRC door exists)
};

struct HandshakeResult {
  bool accepted = false;
  int status = 400;    // 101 when accepted, else what error_response() gets
  std::string reason;  // why refused, for the log
  Subprotocol subprotocol = Subprotocol::ChatLine;
  bool echo_subprotocol = false;  // the client asked for it by name: answer with the name
  std::string accept_key;         // Sec-WebSocket-Accept
};

// RFC 6455 4.2.2: base64(SHA-1(key + the protocol's GUID)).
std::string websocket_accept(std::string_view key);

// True when the request asks to switch to WebSocket at all (an Upgrade: websocket header),
// so the router can send it here and plain GETs elsewhere.
bool wants_websocket(const HttpRequest& request);

HandshakeResult check_handshake(const HttpRequest& request, const HandshakePolicy& policy);

// The 101 for an accepted handshake, else the error response for its status.
HttpResponse handshake_response(const HandshakeResult& result);

}  // namespace web
