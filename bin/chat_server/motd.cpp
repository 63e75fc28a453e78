// Reading the MOTD file, bounded (see motd.h).
#include "bin/chat_server/motd.h"

#include "protocol/operator_file.h"

namespace chat_server {

bool read_motd(const std::string& path, std::vector<std::string>& lines, std::string& error) {
  std::string text;
  if (!chat::read_operator_file(path, kMaxMotdBytes, text, error)) {
    error = "MOTD file " + path + ": " + error;
    return false;
  }
  std::vector<std::string> result;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    result.push_back(std::move(line));
    start = end + 1;
  }
  if (result.size() > kMaxMotdLines) {
    error = "MOTD file " + path + ": more than " + std::to_string(kMaxMotdLines) + " lines";
    return false;
  }
  lines = std::move(result);
  return true;
}

}  // namespace chat_server
