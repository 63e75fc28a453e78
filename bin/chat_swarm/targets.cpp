// Target lists and the dealing of clients over them.
#include "bin/chat_swarm/targets.h"

#include <charconv>

namespace swarm {
namespace {

template <typename T>
bool whole_number(std::string_view s, T& out, T min) {
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < min) return false;
  out = v;
  return true;
}

// (g++ 12 warns falsely, -Wrestrict, on "'" + std::string(...) + "'".)
std::string quoted(std::string_view s) { return std::string("'").append(s).append("'"); }

// Splits at commas; an empty item is an error of the caller's list.
std::vector<std::string_view> items(std::string_view text) {
  std::vector<std::string_view> out;
  while (true) {
    std::size_t comma = text.find(',');
    out.push_back(text.substr(0, comma));
    if (comma == std::string_view::npos) return out;
    text.remove_prefix(comma + 1);
  }
}

bool parse_target(std::string_view item, Target& t, std::string& error) {
  if (std::size_t scheme = item.find("://"); scheme != std::string_view::npos) {
    std::optional<Proto> p = proto_named(item.substr(0, scheme));
    if (!p || *p == Proto::Redis) {
      error = quoted(item.substr(0, scheme)).append(" is not line, irc or ws");
      return false;
    }
    t.proto = p;
    item.remove_prefix(scheme + 3);
  }
  std::size_t colon = item.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    error = quoted(item).append(" is not HOST:PORT");
    return false;
  }
  std::string_view host = item.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::uint16_t port = 0;
  if (host.empty() || !whole_number(item.substr(colon + 1), port, std::uint16_t{1})) {
    error = quoted(item).append(" is not HOST:PORT with a port from 1 to 65535");
    return false;
  }
  t.host = std::string(host);
  t.port = port;
  return true;
}

}  // namespace

std::string_view to_string(Proto p) {
  switch (p) {
    case Proto::Chat: return "chat";
    case Proto::Irc: return "irc";
    case Proto::Ws: return "ws";
    case Proto::Redis: return "redis";
  }
  return "?";
}

std::optional<Proto> proto_named(std::string_view name) {
  if (name == "line") return Proto::Chat;
  for (Proto p : {Proto::Chat, Proto::Irc, Proto::Ws, Proto::Redis})
    if (to_string(p) == name) return p;
  return std::nullopt;
}

std::string Target::text() const {
  std::string h = proto ? std::string(*proto == Proto::Chat ? "line" : to_string(*proto)).append("://") : "";
  h.append(host.find(':') != std::string::npos ? std::string("[").append(host).append("]") : host);
  return h.append(":").append(std::to_string(port));
}

bool parse_targets(std::string_view text, std::vector<Target>& out, std::string& error) {
  out.clear();
  for (std::string_view item : items(text)) {
    Target t;
    if (!parse_target(item, t, error)) return false;
    out.push_back(std::move(t));
  }
  if (out.size() > 256) {
    error = "more than 256 targets";
    return false;
  }
  return true;
}

bool parse_spread(std::string_view text, std::vector<std::uint32_t>& out, std::string& error) {
  out.clear();
  for (std::string_view item : items(text)) {
    std::uint32_t w = 0;
    if (!whole_number(item, w, std::uint32_t{1}) || w > 1000000) {
      error = quoted(item).append(" is not a weight from 1 to 1000000");
      return false;
    }
    out.push_back(w);
  }
  return true;
}

bool parse_mix(std::string_view text, std::vector<std::pair<Proto, std::uint32_t>>& out, std::string& error) {
  out.clear();
  for (std::string_view item : items(text)) {
    std::size_t eq = item.find('=');
    std::optional<Proto> p = proto_named(item.substr(0, eq));
    std::uint32_t share = 0;
    if (eq == std::string_view::npos || !p || *p == Proto::Redis || !whole_number(item.substr(eq + 1), share, 1u) ||
        share > 1000000) {
      error = quoted(item).append(" is not line=N, irc=N or ws=N with N from 1 to 1000000");
      return false;
    }
    for (const auto& [q, n] : out)
      if (q == *p) {
        error = quoted(item.substr(0, eq)).append(" is given twice");
        return false;
      }
    out.emplace_back(*p, share);
  }
  return true;
}

std::vector<std::uint32_t> deal_clients(const std::vector<Target>& targets, std::uint32_t count) {
  std::vector<std::uint32_t> out;
  out.reserve(count);
  if (targets.empty()) return std::vector<std::uint32_t>(count, 0);
  // Smooth weighted round robin (as nginx balances upstreams): each turn every target gains
  // its weight, the one with the most credit is chosen and pays the total back.
  std::vector<std::int64_t> credit(targets.size(), 0);
  std::int64_t total = 0;
  for (const Target& t : targets) total += t.weight;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::size_t best = 0;
    for (std::size_t k = 0; k < targets.size(); ++k) {
      credit[k] += targets[k].weight;
      if (credit[k] > credit[best]) best = k;
    }
    credit[best] -= total;
    out.push_back(static_cast<std::uint32_t>(best));
  }
  return out;
}

}  // namespace swarm
