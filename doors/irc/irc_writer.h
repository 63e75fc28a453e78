// Outgoing IRC lines, `[:prefix] COMMAND middle... [:trailing]\r\n`, each built straight into
// one shared payload and never over 512 bytes: a long trailing is cut at a UTF-8 boundary.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string_view>

#include "doors/irc/numerics.h"
#include "reactor/payload.h"

namespace irc {

// Middle parameters are tokens the server chose (nicks, channels, counts): no space, not
// starting with ':', not empty. Whatever the caller passes, the result is exactly one line:
// NUL, CR and LF become spaces, and if the middles alone do not fit, the last ones are left
// out, and the trailing with them.
reactor::PayloadRef write_line(std::string_view prefix, std::string_view command,
                               std::initializer_list<std::string_view> middles,
                               std::optional<std::string_view> trailing = std::nullopt);

// The longest prefix of `text` of at most `limit` bytes that does not end inside a UTF-8
// sequence (bytes that are not UTF-8 are cut anywhere).
std::size_t utf8_cut(std::string_view text, std::size_t limit);

// The non-template part of numeric(): params[0..count-2] are middles, params[count-1] trailing.
reactor::PayloadRef numeric_line(std::string_view server, Numeric code, std::string_view nick,
                                 const std::string_view* params, std::size_t count);

// `:server 433 nick p1 p2 :last`: the last parameter is the trailing one. `nick` is "*"
// before registration.
template <typename... Params>
reactor::PayloadRef numeric(std::string_view server, Numeric code, std::string_view nick, std::string_view first,
                            Params... rest) {
  const std::array<std::string_view, sizeof...(rest) + 1> all{first, std::string_view(rest)...};
  return numeric_line(server, code, nick, all.data(), all.size());
}

}  // namespace irc
