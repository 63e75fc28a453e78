// WebDialect: how browsers on the web door (subprotocol chat.line) see a ChatEvent: the line
// protocol's rendering, without its last '\n', in one WebSocket text frame; rendered and
// framed once per broadcast, the frame shared by every browser that receives it.
#pragma once

#include "protocol/dialect.h"
#include "protocol/line_dialect.h"

namespace chat_server {

class WebDialect final : public chat::Dialect {
 public:
  // As LineDialect::set_stamp, once a second by the caller.
  void set_stamp(const chat::Timestamp& stamp) { lines_.set_stamp(stamp); }
  std::string_view stamp() const { return lines_.stamp(); }

  reactor::PayloadRef render(const chat::ChatEvent& event) override;

 private:
  chat::LineDialect lines_;
};

}  // namespace chat_server
