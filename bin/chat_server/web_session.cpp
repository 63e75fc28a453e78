// The web door's pure rules: a message as a line, the origin list.
#include "bin/chat_server/web_session.h"

namespace chat_server {

std::optional<std::string_view> message_line(std::string_view message) {
  if (!message.empty() && message.back() == '\n') {
    message.remove_suffix(1);
    if (!message.empty() && message.back() == '\r') message.remove_suffix(1);
  }
  if (message.find('\n') != std::string_view::npos) return std::nullopt;
  return message;
}

std::vector<std::string> parse_origins(std::string_view list) {
  std::vector<std::string> origins;
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    std::size_t first = item.find_first_not_of(" \t");
    if (first == std::string_view::npos) continue;
    std::size_t last = item.find_last_not_of(" \t");
    origins.emplace_back(item.substr(first, last - first + 1));
  }
  return origins;
}

}  // namespace chat_server
