// Line formatting: sizes are computed first so each line is one allocation, no temporaries.
#include "protocol/format.h"

namespace chat {

using reactor::PayloadBuilder;

PayloadRef public_line(std::string_view stamp, std::string_view from, std::string_view text) {
  PayloadBuilder b(stamp.size() + from.size() + text.size() + 4);
  b.append(stamp).append('<').append(from).append("> ").append(text).append('\n');
  return b.finish();
}

PayloadRef private_line(std::string_view stamp, std::string_view from, std::string_view text) {
  constexpr std::string_view tag = "[private] <";
  PayloadBuilder b(stamp.size() + tag.size() + from.size() + text.size() + 3);
  b.append(stamp).append(tag).append(from).append("> ").append(text).append('\n');
  return b.finish();
}

PayloadRef private_echo_line(std::string_view stamp, std::string_view to, std::string_view from,
                             std::string_view text) {
  constexpr std::string_view tag = "[private to ";
  PayloadBuilder b(stamp.size() + tag.size() + to.size() + from.size() + text.size() + 6);
  b.append(stamp).append(tag).append(to).append("] <").append(from).append("> ").append(text).append('\n');
  return b.finish();
}

PayloadRef notice_line(std::string_view stamp, std::string_view text) {
  PayloadBuilder b(stamp.size() + text.size() + 3);
  b.append(stamp).append("* ").append(text).append('\n');
  return b.finish();
}

PayloadRef error_line(std::string_view stamp, std::string_view text) {
  PayloadBuilder b(stamp.size() + text.size() + 3);
  b.append(stamp).append("! ").append(text).append('\n');
  return b.finish();
}

PayloadRef plain_line(std::string_view text) {
  PayloadBuilder b(text.size() + 1);
  b.append(text).append('\n');
  return b.finish();
}

void Timestamp::set(int hours, int minutes, int seconds) {
  auto two = [](char* at, int v) {
    at[0] = static_cast<char>('0' + (v / 10) % 10);
    at[1] = static_cast<char>('0' + v % 10);
  };
  two(text + 1, hours);
  two(text + 4, minutes);
  two(text + 7, seconds);
}

}  // namespace chat
