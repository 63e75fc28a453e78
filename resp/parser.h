// RESP2 replies (the Redis serialization protocol) parsed incrementally from reads split
// anywhere: simple strings, errors, integers, bulk strings (binary-safe, null too) and
// arrays (nested, null too). Hostile input cannot make it allocate without bound: bulk
// length, element count, nesting depth and a whole reply's size are capped (RespLimits).
//
// Like reactor::LineFramer, complete replies are handed out as views into the caller's read
// buffer; only an unfinished reply is copied, so an idle connection holds no buffer. The
// parse resumes where it stopped, so a large reply arriving in small reads costs linear time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "resp/reply.h"

namespace resp {

struct RespLimits {
  std::size_t max_bulk = std::size_t{16} << 20;     // bytes of one bulk or simple string
  std::size_t max_elements = std::size_t{1} << 18;  // elements below a reply, all its arrays together
  std::size_t max_depth = 16;                       // arrays within arrays
  std::size_t max_reply = std::size_t{32} << 20;    // bytes of one whole reply
};

class RespParser {
 public:
  RespParser() = default;
  explicit RespParser(const RespLimits& limits) : limits_(limits) {}

  // Calls on_reply(const RespReply&) for each complete reply; it may return void, or bool:
  // false stops the parse and discards everything not yet handed out (the caller closed
  // the connection). Returns false, with error() set, on bytes that are not RESP or break a
  // limit; the parser then stays broken until reset().
  template <class OnReply>
  bool feed(std::string_view data, OnReply&& on_reply) {
    if (!error_.empty()) return false;
    bool ok = true;
    bool stopped = false;
    if (pending_.empty()) {
      std::size_t used = 0;
      ok = scan(data, used, on_reply, stopped);
      if (ok && !stopped) pending_.assign(data.substr(used));
    } else {
      pending_.append(data);
      std::size_t used = 0;
      ok = scan(pending_, used, on_reply, stopped);
      if (ok && !stopped) pending_.erase(0, used);
    }
    if (stopped) {
      reset();
      return true;
    }
    if (!ok) {
      pending_.clear();
      return false;
    }
    if (pending_.empty() && pending_.capacity() > 64) std::string().swap(pending_);
    return true;
  }

  // Forgets everything: buffered bytes, a half-parsed reply and any error.
  void reset();

  const std::string& error() const { return error_; }
  std::size_t buffered_bytes() const { return pending_.size(); }
  const RespLimits& limits() const { return limits_; }

 private:
  enum class Step { Done, Incomplete, Bad };
  // An item as parsed so far: text as an offset into the reply, which may still move.
  struct Raw {
    RespType type;
    std::size_t offset;
    std::size_t length;
    std::int64_t integer;
  };

  // Continues the reply that starts at `buf[0]`; on Done, `used` is its length and reply_
  // holds it.
  Step parse_one(std::string_view buf, std::size_t& used);
  Step parse_item(std::string_view buf);
  // After the header line: a bulk string's bytes (advancing `at`), an array's count.
  Step parse_bulk(std::string_view buf, std::string_view line, std::size_t& at, Raw& item);
  Step parse_array_header(std::string_view line, Raw& item);
  Step fail(std::string message);

  template <class OnReply>
  bool scan(std::string_view buf, std::size_t& used, OnReply& on_reply, bool& stopped) {
    while (used < buf.size()) {
      std::size_t n = 0;
      switch (parse_one(buf.substr(used), n)) {
        case Step::Incomplete: return true;
        case Step::Bad: return false;
        case Step::Done: break;
      }
      used += n;
      if constexpr (std::is_same_v<decltype(on_reply(reply_)), bool>) {
        if (!on_reply(static_cast<const RespReply&>(reply_))) {
          stopped = true;
          return true;
        }
      } else {
        on_reply(static_cast<const RespReply&>(reply_));
      }
    }
    return true;
  }

  RespLimits limits_;
  std::string pending_;
  std::string error_;
  // The reply being parsed: where the next item starts, the items so far, and for each
  // open array how many of its elements are still to come.
  std::size_t pos_ = 0;
  std::vector<Raw> raw_;
  std::vector<std::int64_t> open_;
  std::size_t declared_ = 0;  // elements announced by the reply's arrays so far
  RespReply reply_;           // reused: its items keep their capacity
};

}  // namespace resp
