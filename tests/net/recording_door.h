// RecordingDoor: a ConnectionHandler for tests of the connection layer. It records what the
// layer tells it and holds frames on request, so a test can drive the Hold/resume path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "net/connection.h"
#include "net/connection_handler.h"
#include "protocol/client_id.h"

namespace net_test {

class RecordingDoor final : public net::ConnectionHandler {
 public:
  void on_open(net::Connection& c) override { opened.push_back(c.id); }
  net::FrameVerdict on_frame(net::Connection&, reactor::Frame frame, std::string_view line) override {
    if (hold_next) {
      hold_next = false;
      ++holds;
      return net::FrameVerdict::Hold;
    }
    std::string text = frame == reactor::Frame::Overlong ? std::string("<overlong>") : std::string(line);
    if (!text.empty() && text == hold_on) {
      hold_on.clear();
      ++holds;
      return net::FrameVerdict::Hold;
    }
    lines.push_back(text);
    if (input_ended) lines_after_end.push_back(text);
    return net::FrameVerdict::Taken;
  }
  void on_input_ended(net::Connection&) override { input_ended = true; }
  void on_login_timeout(net::Connection&) override { ++login_timeouts; }
  void on_closed(net::Connection&, net::Departure d) override { closed.push_back(d); }
  void on_shutdown(net::Connection&) override { ++shutdowns; }
  std::string refusal_line(net::Refusal, std::size_t) const override { return "refused"; }

  std::vector<chat::ClientId> opened;
  std::vector<std::string> lines;            // taken frames, in order
  std::vector<std::string> lines_after_end;  // taken after on_input_ended (must stay empty)
  std::vector<net::Departure> closed;
  bool hold_next = false;  // hold the next frame offered
  std::string hold_on;     // hold when this line is offered (once)
  int holds = 0;
  bool input_ended = false;
  int login_timeouts = 0;
  int shutdowns = 0;
};

}  // namespace net_test
