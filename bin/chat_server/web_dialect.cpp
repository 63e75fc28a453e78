// WebDialect: one line rendering, one text frame.
#include "bin/chat_server/web_dialect.h"

#include "doors/web/websocket_frame.h"

namespace chat_server {

reactor::PayloadRef WebDialect::render(const chat::ChatEvent& event) {
  reactor::PayloadRef lines = lines_.render(event);
  if (!lines) return {};
  std::string_view text = lines.view();
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  return web::text_frame(text);
}

}  // namespace chat_server
