// RESP2 replies (the Redis serialization protocol), parsed incrementally from reads split
// anywhere: just what chat-swarm's redis mode needs for pub/sub. Simple strings, errors,
// integers, bulk strings (binary-safe: they may hold "\r\n") and flat arrays of those, as
// in "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n". Nested arrays are refused: no
// reply to SUBSCRIBE or PUBLISH has one.
//
// Like reactor::LineFramer, complete replies are handed out as views into the caller's read
// buffer; only an unfinished reply is copied, so an idle connection holds no buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace swarm {

enum class RespType : std::uint8_t { SimpleString, Error, Integer, Bulk, Null, Array };

struct RespItem {
  RespType type = RespType::Null;
  std::string_view text;     // SimpleString, Error, Bulk
  std::int64_t integer = 0;  // Integer; Array: the element count
};

// One complete reply: `top` and, for an array, its elements. Views are valid only during
// the callback.
struct RespReply {
  RespItem top;
  std::vector<RespItem> items;
};

// "PUBLISH ch payload" and the like, as a RESP array of bulk strings.
void append_command(std::string& out, std::initializer_list<std::string_view> words);

class RespParser {
 public:
  // Longest reply accepted; beyond it the stream is declared broken.
  explicit RespParser(std::size_t max_reply = 1 << 20) : max_reply_(max_reply) {}

  // Calls on_reply(const RespReply&) for each complete reply. Returns false, with error()
  // set, on bytes that are not RESP; the parser then stays broken (the connection is lost).
  template <class OnReply>
  bool feed(std::string_view data, OnReply&& on_reply) {
    if (!error_.empty()) return false;
    if (pending_.empty()) {
      std::size_t used = 0;
      if (!scan(data, used, on_reply)) return false;
      pending_.assign(data.substr(used));
    } else {
      pending_.append(data);
      std::size_t used = 0;
      bool ok = scan(pending_, used, on_reply);
      pending_.erase(0, used);
      if (!ok) return false;
    }
    if (pending_.size() > max_reply_) {
      error_ = "reply longer than " + std::to_string(max_reply_) + " bytes";
      return false;
    }
    if (pending_.empty() && pending_.capacity() > 64) std::string().swap(pending_);
    return true;
  }

  const std::string& error() const { return error_; }
  std::size_t buffered_bytes() const { return pending_.size(); }

 private:
  enum class Step { Done, Incomplete, Bad };
  // Parses one reply at the start of `buf`; on Done, `used` is its length.
  Step parse_one(std::string_view buf, std::size_t& used);
  Step parse_item(std::string_view buf, std::size_t& pos, RespItem& item, bool top);

  template <class OnReply>
  bool scan(std::string_view buf, std::size_t& used, OnReply& on_reply) {
    while (used < buf.size()) {
      std::size_t n = 0;
      switch (parse_one(buf.substr(used), n)) {
        case Step::Incomplete: return true;
        case Step::Bad: return false;
        case Step::Done: break;
      }
      used += n;
      on_reply(static_cast<const RespReply&>(reply_));
    }
    return true;
  }

  std::size_t max_reply_;
  std::string pending_;
  std::string error_;
  RespReply reply_;  // reused: its items keep their capacity
};

}  // namespace swarm
