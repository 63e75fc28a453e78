// The router matches the normalised path against an exact list (the embedded assets, /healthz,
// /ws): nothing maps a path onto a file system, so no path can escape it.
#include "doors/web/web_router.h"

#include "doors/web/assets.h"

namespace web {

RouteDecision route(const HttpRequest& request, const HandshakePolicy& policy) {
  RouteDecision decision;
  bool get = request.method == "GET";
  decision.head = request.method == "HEAD";
  if (request.path == kWebSocketPath && wants_websocket(request)) {
    HandshakeResult handshake = check_handshake(request, policy);
    decision.response = handshake_response(handshake);
    decision.upgrade = handshake.accepted;
    decision.subprotocol = handshake.subprotocol;
    decision.log_reason = handshake.reason;
  } else if (!get && !decision.head) {
    decision.response = error_response(405);
  } else if (request.path == kWebSocketPath) {
    decision.response = error_response(426);  // a plain GET of the WebSocket endpoint
  } else if (request.path == "/healthz") {
    decision.response = HttpResponse(200);
    decision.response.header("Cache-Control", "no-store").body("text/plain; charset=utf-8", "ok\n");
  } else if (const Asset* asset = find_asset(request.path)) {
    decision.response = HttpResponse(200);
    // Revalidate every time: the files change with the binary, and they are small.
    decision.response.header("Cache-Control", "no-cache")
        .page_security_headers()
        .body(asset->content_type, std::string(asset->body));
  } else {
    decision.response = error_response(404);
  }
  decision.close = !decision.upgrade && (!request.keep_alive || decision.response.closes_connection());
  if (decision.close && !decision.response.closes_connection()) decision.response.close_connection();
  return decision;
}

}  // namespace web
