// One RESP2 reply as the parser hands it out: its items in pre-order (an array, then each
// of its elements, nested arrays depth-first), each a view into the bytes read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace resp {

enum class RespType : std::uint8_t { SimpleString, Error, Integer, Bulk, Null, NullArray, Array };

struct RespItem {
  RespType type = RespType::Null;
  std::string_view text;     // SimpleString, Error, Bulk
  std::int64_t integer = 0;  // Integer; Array: its element count
};

// `top` is the reply itself; for an array, `items` holds every element below it in
// pre-order (a nested array's count says how many of the following items are its own).
// Views are valid only while the reply is being handed out.
struct RespReply {
  RespItem top;
  std::vector<RespItem> items;

  bool is_error() const { return top.type == RespType::Error; }
};

// How many items, counting itself, the item at `items[i]` spans (1 for anything but a
// non-empty array): the next sibling is at i + span.
std::size_t item_span(const std::vector<RespItem>& items, std::size_t i);

}  // namespace resp
