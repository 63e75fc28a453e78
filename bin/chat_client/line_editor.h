// LineEditor: the line being typed (buffer, cursor, history, what is visible) and what each
// keystroke does to it. Pure logic: bytes in, results and redraw bytes out; it never touches
// a terminal, so every key can be unit-tested. The input stays on one screen line and
// scrolls sideways when it is wider than the terminal, so redrawing it is always
// "carriage return, write, erase to the end of the line".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace chat_client {

enum class EditResult {
  None,         // nothing visible changed (e.g. the first byte of an escape sequence)
  Changed,      // the buffer, cursor or prompt changed: redraw
  Submitted,    // Enter: take_line() returns the line
  EndOfInput,   // Ctrl-D on an empty line
  Interrupted,  // Ctrl-C
  Suspend,      // Ctrl-Z
  ClearScreen,  // Ctrl-L
  Bell,         // the key could not do anything (start of line, end of history, full, unknown)
};

class LineEditor {
 public:
  // Erases the input line; written before text is printed where the input line was.
  static constexpr std::string_view kClearLine = "\r\x1b[K";

  explicit LineEditor(std::size_t max_bytes = 4096, std::size_t max_history = 500);

  // One byte of keyboard input. Multi-byte keys (escape sequences, UTF-8) return None until
  // their last byte.
  EditResult feed(char byte);

  // After Submitted: the line, which leaves the buffer and (if recorded) joins the history.
  std::string take_line();
  // Empties the buffer without recording it.
  void clear();

  // The prompt may contain SGR colour sequences; they take no columns.
  void set_prompt(std::string prompt);
  // Secret input (passwords): nothing typed is shown, history is neither recorded nor browsed.
  void set_secret(bool secret);
  // Whether submitted lines are recorded in the history (chat lines are, login answers not).
  void set_record_history(bool record) { record_history_ = record; }

  // The bytes that redraw the prompt and input line in place on a terminal `columns` wide,
  // leaving the cursor where it belongs.
  std::string render(int columns);

  const std::string& buffer() const { return buffer_; }
  std::size_t cursor() const { return cursor_; }  // byte offset into buffer()
  const std::string& prompt() const { return prompt_; }
  bool secret() const { return secret_; }
  const std::vector<std::string>& history() const { return history_; }

 private:
  enum class Escape { None, Esc, Csi, Ss3 };

  EditResult feed_escape(unsigned char c);
  EditResult feed_utf8(unsigned char c);
  EditResult key_sequence(std::string_view params, char final_byte);
  EditResult insert(std::string_view text);
  EditResult move_to(std::size_t position);
  EditResult erase(std::size_t from, std::size_t to, bool keep);
  EditResult history_step(int direction);
  std::size_t previous_char(std::size_t pos) const;
  std::size_t next_char(std::size_t pos) const;
  std::size_t word_start(std::size_t pos) const;
  std::size_t word_end(std::size_t pos) const;

  std::size_t max_bytes_;
  std::size_t max_history_;
  std::string buffer_;
  std::size_t cursor_ = 0;
  std::string prompt_;
  int prompt_columns_ = 0;
  bool secret_ = false;
  bool record_history_ = false;
  std::vector<std::string> history_;
  std::size_t history_index_ = 0;  // == history_.size(): the line being written (draft_)
  std::string draft_;
  std::string killed_;  // what Ctrl-U/K/W removed, for Ctrl-Y
  int scroll_ = 0;      // first visible column of the buffer
  Escape escape_ = Escape::None;
  std::string escape_params_;
  std::string utf8_;  // an incomplete UTF-8 sequence
  bool after_cr_ = false;
};

}  // namespace chat_client
