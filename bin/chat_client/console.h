// Console: the user's side of the screen. In editor mode, lines are printed above the input
// line, which is erased first and redrawn after them, so a half-typed line survives any
// number of incoming messages; in line mode (pipes, dumb terminals) lines are just written.
// Output is collected during a loop iteration and written in one go by flush().
#pragma once

#include <string>
#include <string_view>

#include "bin/chat_client/line_editor.h"

namespace chat_client {

class Console {
 public:
  enum class Mode { Editor, Lines };

  // `editor` is used (and must outlive this) in Editor mode only.
  Console(Mode mode, int fd, LineEditor& editor) : mode_(mode), fd_(fd), editor_(editor) {}

  Mode mode() const { return mode_; }
  // A complete line of output (no '\n').
  void print_line(std::string_view text);
  // Bytes as they are (a prompt on a dumb terminal, which has no input line to redraw).
  void print_raw(std::string_view bytes) { pending_ += bytes; }
  // The editor's prompt, buffer or cursor changed.
  void input_changed() { redraw_ = true; }
  void clear_screen();
  void set_columns(int columns);
  // Removes the input line from the screen (before exiting or stopping).
  void hide_input();
  // Writes what is pending (and the input line, if it changed). False once the output is
  // gone (a closed pipe, a hung-up terminal); later output is then dropped.
  bool flush();

 private:
  Mode mode_;
  int fd_;
  LineEditor& editor_;
  std::string pending_;
  int columns_ = 80;
  bool input_shown_ = false;  // the input line is on screen below the last printed line
  bool redraw_ = false;
  bool broken_ = false;
};

}  // namespace chat_client
