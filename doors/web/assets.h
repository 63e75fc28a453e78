// The page's files (doors/web/page/), embedded in the binary at build time by
// embed_assets.py: the door serves them from memory and never opens a file.
#pragma once

#include <span>
#include <string_view>

namespace web {

struct Asset {
  std::string_view path;  // as requested: "/app.js"; the page itself is "/"
  std::string_view content_type;
  std::string_view body;
};

// The asset at exactly this (normalised) path, or nullptr: "/" and "/index.html" are the page.
const Asset* find_asset(std::string_view path);

// Every asset, for tests and for the log at start-up.
std::span<const Asset> all_assets();

}  // namespace web
