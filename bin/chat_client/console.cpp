// Console: printing around the input line (see console.h).
#include "bin/chat_client/console.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace chat_client {

void Console::print_line(std::string_view text) {
  if (mode_ == Mode::Lines) {
    pending_ += text;
    pending_ += '\n';
    return;
  }
  if (input_shown_) pending_ += LineEditor::kClearLine;
  input_shown_ = false;
  pending_ += text;
  pending_ += "\r\n";  // raw mode may have CR/LF translation off
  redraw_ = true;
}

void Console::clear_screen() {
  if (mode_ != Mode::Editor) return;
  pending_ += "\x1b[H\x1b[2J";
  input_shown_ = false;
  redraw_ = true;
}

void Console::set_columns(int columns) {
  if (columns == columns_) return;
  columns_ = columns;
  redraw_ = true;
}

void Console::hide_input() {
  if (mode_ == Mode::Editor && input_shown_) pending_ += LineEditor::kClearLine;
  input_shown_ = false;
  redraw_ = false;
}

bool Console::flush() {
  if (mode_ == Mode::Editor && redraw_) {
    pending_ += editor_.render(columns_);
    input_shown_ = true;
    redraw_ = false;
  }
  if (broken_) {
    pending_.clear();
    return false;
  }
  std::string_view left = pending_;
  while (!left.empty()) {
    ssize_t n = write(fd_, left.data(), left.size());
    if (n >= 0) {
      left.remove_prefix(static_cast<std::size_t>(n));
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd p{fd_, POLLOUT, 0};  // someone made our output non-blocking: wait for it
      poll(&p, 1, -1);
    } else if (errno != EINTR) {
      broken_ = true;
      break;
    }
  }
  pending_.clear();
  return !broken_;
}

}  // namespace chat_client
