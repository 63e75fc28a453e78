// LineFramer: splits a byte stream into '\n'-terminated lines with a hard maximum length.
//
// Complete lines are handed out as views straight from the caller's read buffer; only a
// trailing partial line (or lines the caller refused to take yet) is copied into the
// framer, so an idle connection holds no buffer at all.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace reactor {

enum class Frame {
  Line,      // a complete line, terminator and one '\r' before it removed
  Overlong,  // a line longer than the maximum; its bytes are discarded up to its '\n'
};

class LineFramer {
 public:
  explicit LineFramer(std::size_t max_line) : max_line_(max_line) {}

  // Calls on_frame(Frame, std::string_view) for each frame, in order. The view is valid only
  // during the call. Returning false means "not taken yet", for either kind of frame: it and
  // all that follows stay buffered (blocked() becomes true) until resume() offers it again.
  // A refused over-long frame keeps none of its bytes, only its place: flood control paces
  // over-long lines exactly as it paces the others.
  template <class OnFrame>
  void feed(std::string_view data, OnFrame&& on_frame) {
    if (blocked_) {
      pending_.append(data);
      return;
    }
    if (!pending_.empty()) {
      // Complete the buffered partial line, then carry on in the caller's buffer.
      const void* nl = std::memchr(data.data(), '\n', data.size());
      std::size_t take = nl ? static_cast<const char*>(nl) - data.data() + 1 : data.size();
      pending_.append(data.data(), take);
      data.remove_prefix(take);
      pending_.erase(0, scan(pending_, on_frame));
      if (!pending_.empty() || blocked_) {
        pending_.append(data);
        return;
      }
    }
    std::size_t used = scan(data, on_frame);
    pending_.assign(data.substr(used));
    release_if_empty();
  }

  // Offers the buffered lines again (after the caller refused one). Returns !blocked().
  template <class OnFrame>
  bool resume(OnFrame&& on_frame) {
    blocked_ = false;
    if (overlong_held_) {
      if (!on_frame(Frame::Overlong, std::string_view())) {
        blocked_ = true;
        return false;
      }
      overlong_held_ = false;
    }
    pending_.erase(0, scan(pending_, on_frame));
    release_if_empty();
    return !blocked_;
  }

  bool blocked() const { return blocked_; }
  std::size_t buffered_bytes() const { return pending_.size(); }
  std::size_t max_line() const { return max_line_; }

 private:
  template <class OnFrame>
  std::size_t scan(std::string_view buf, OnFrame& on_frame) {
    std::size_t pos = 0;
    while (pos < buf.size()) {
      const char* start = buf.data() + pos;
      std::size_t left = buf.size() - pos;
      const char* nl = static_cast<const char*>(std::memchr(start, '\n', left));
      if (discarding_) {
        if (!nl) return buf.size();
        discarding_ = false;
        pos += nl - start + 1;
        continue;
      }
      if (!nl) {
        bool too_long = left > max_line_ + 1 || (left == max_line_ + 1 && buf.back() != '\r');
        if (!too_long) return pos;  // a partial line: keep it
        discarding_ = true;
        if (!on_frame(Frame::Overlong, std::string_view())) hold_overlong();
        return buf.size();
      }
      std::size_t len = nl - start;
      if (len > 0 && start[len - 1] == '\r') --len;
      if (len > max_line_) {
        pos += nl - start + 1;
        if (!on_frame(Frame::Overlong, std::string_view())) {
          hold_overlong();
          return pos;
        }
        continue;
      }
      if (!on_frame(Frame::Line, std::string_view(start, len))) {
        blocked_ = true;
        return pos;
      }
      pos += nl - start + 1;
    }
    return pos;
  }

  void hold_overlong() {
    overlong_held_ = true;
    blocked_ = true;
  }

  void release_if_empty() {
    if (pending_.empty() && pending_.capacity() > 64) std::string().swap(pending_);
  }

  std::size_t max_line_;
  std::string pending_;
  bool discarding_ = false;
  bool blocked_ = false;
  bool overlong_held_ = false;  // blocked on an over-long frame: offered again before pending_
};

}  // namespace reactor
