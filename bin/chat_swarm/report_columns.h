// Columns of the report's tables: right-aligned cells, each followed by a space, and lines
// that do not end in one.
#pragma once

#include <cstddef>
#include <string>

namespace swarm {

inline std::string right_aligned(std::string s, std::size_t width) {
  if (s.size() < width) s.insert(0, width - s.size(), ' ');
  return s.append(" ");
}

inline std::string without_trailing_spaces(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\n')
      while (!out.empty() && out.back() == ' ') out.pop_back();
    out.push_back(c);
  }
  return out;
}

}  // namespace swarm
