// A Lua script of the bus: its source (a C++ constant) and SHA-1, run with EVALSHA; when
// Redis answers NOSCRIPT (restarted, SCRIPT FLUSH) it is loaded again and the call re-sent,
// so an owner never sees NOSCRIPT. Also small readers for the replies the scripts give.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "resp/client.h"

namespace bus {

class BusScript {
 public:
  explicit BusScript(std::string_view source);

  const std::string& source() const { return source_; }
  const std::string& sha() const { return sha_; }

  // EVALSHA sha numkeys keys... args...; `done` runs once, as RespClient::command's would.
  resp::RespStatus run(resp::RespClient& client, const std::vector<std::string>& keys,
                       const std::vector<std::string>& args, resp::RespCallback done) const;

 private:
  std::string source_;
  std::string sha_;
};

// The elements of a flat array reply (bulks, simple strings, integers as decimal text);
// nullopt when the reply is not an array of those. A nil element becomes "".
std::optional<std::vector<std::string>> flat_strings(const resp::RespReply& reply);
std::optional<std::int64_t> to_int(std::string_view text);
// "why" of a result that is not a usable reply: a status, or a Redis error.
std::string failure_of(const resp::RespResult& result);

}  // namespace bus
