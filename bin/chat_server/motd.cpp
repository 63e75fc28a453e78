// Reading the MOTD file, bounded (see motd.h).
#include "bin/chat_server/motd.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace chat_server {

bool read_motd(const std::string& path, std::vector<std::string>& lines, std::string& error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = "MOTD file " + path + ": is a directory";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "MOTD file " + path + ": cannot read: " + std::strerror(errno);
    return false;
  }
  std::string text(kMaxMotdBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    error = "MOTD file " + path + ": cannot read: " + std::strerror(errno);
    return false;
  }
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxMotdBytes) {
    error = "MOTD file " + path + ": longer than " + std::to_string(kMaxMotdBytes) + " bytes";
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
