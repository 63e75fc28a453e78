// What the web door answers to one parsed request (docs/WEB.md, "What is served"): the page's
// files from memory, /healthz, the WebSocket upgrade at /ws, 404 and 405 for the rest.
#pragma once

#include "doors/web/http_request.h"
#include "doors/web/http_response.h"
#include "doors/web/websocket_handshake.h"
#include "reactor/payload.h"

namespace web {

// The path of the WebSocket endpoint.
inline constexpr std::string_view kWebSocketPath = "/ws";

struct RouteDecision {
  HttpResponse response{500};
  bool head = false;     // a HEAD request: send the headers only
  bool close = false;    // close the connection once the response is sent
  bool upgrade = false;  // the response is a 101: WebSocket frames follow, in `subprotocol`
  Subprotocol subprotocol = Subprotocol::ChatLine;
  std::string log_reason;  // why a handshake was refused, for the debug log

  reactor::PayloadRef bytes() const { return response.render(head); }
};

RouteDecision route(const HttpRequest& request, const HandshakePolicy& policy);

}  // namespace web
