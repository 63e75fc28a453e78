// Test helper: a RESP reply flattened to text, so whole streams compare with one EXPECT_EQ.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "resp/parser.h"

namespace resp_test {

inline std::string show_item(const resp::RespItem& i) {
  using resp::RespType;
  switch (i.type) {
    case RespType::SimpleString: return std::string("+").append(i.text);
    case RespType::Error: return std::string("-").append(i.text);
    case RespType::Integer: return std::string(":").append(std::to_string(i.integer));
    case RespType::Bulk: return std::string("$").append(i.text);
    case RespType::Null: return "nil";
    case RespType::NullArray: return "*nil";
    case RespType::Array: return std::string("*").append(std::to_string(i.integer));
  }
  return "?";
}

inline std::string show(const resp::RespReply& r) {
  std::string out = show_item(r.top);
  for (const resp::RespItem& i : r.items) out.append("|").append(show_item(i));
  return out;
}

}  // namespace resp_test
