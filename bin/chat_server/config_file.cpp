// Config file syntax; see config_file.h for the rules and why.
#include "bin/chat_server/config_file.h"

#include <map>

#include "protocol/operator_file.h"

namespace chat_server {
namespace {

// Bigger than any sensible config file; a bound so that a wrong path (a log, a device)
// fails fast instead of being slurped.
constexpr std::size_t kMaxConfigBytes = 1 << 20;

std::string_view trim(std::string_view s) {
  const char* blanks = " \t\r\f\v";
  std::size_t first = s.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  std::size_t last = s.find_last_not_of(blanks);
  return s.substr(first, last - first + 1);
}

bool valid_key(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

}  // namespace

bool parse_config_text(std::string_view text, std::vector<ConfigEntry>& entries, std::string& error) {
  std::map<std::string, int, std::less<>> seen;  // key -> line it was set on
  int number = 0;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view raw = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++number;
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (line.find('\0') != std::string_view::npos) {
      error = std::to_string(number) + ": NUL byte in the line";
      return false;
    }
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      error = std::to_string(number) + ": expected 'key = value'";
      return false;
    }
    std::string_view key = trim(line.substr(0, eq));
    std::string_view value = trim(line.substr(eq + 1));
    if (!valid_key(key)) {
      error = std::to_string(number) + ": expected 'key = value'";
      return false;
    }
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (auto it = seen.find(key); it != seen.end()) {
      error =
          std::to_string(number) + ": '" + std::string(key) + "' is already set on line " + std::to_string(it->second);
      return false;
    }
    seen.emplace(std::string(key), number);
    entries.push_back({std::string(key), std::string(value), number});
  }
  return true;
}

bool read_config_file(const std::string& path, std::vector<ConfigEntry>& entries, std::string& error) {
  std::string text;
  if (!chat::read_operator_file(path, kMaxConfigBytes, text, error)) {
    error = path + ": " + error;
    return false;
  }
  std::string where;
  if (!parse_config_text(text, entries, where)) {
    error = path + ":" + where;
    return false;
  }
  return true;
}

}  // namespace chat_server
