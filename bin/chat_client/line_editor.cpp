// LineEditor: keystrokes (emacs-style, as in readline) and rendering (see line_editor.h).
#include "bin/chat_client/line_editor.h"

#include <algorithm>
#include <utility>

#include "bin/chat_client/text_width.h"

namespace chat_client {
namespace {

constexpr unsigned char ctrl(char c) { return static_cast<unsigned char>(c & 0x1F); }
constexpr std::size_t kMaxEscapeParams = 16;

bool is_space(char c) { return c == ' ' || c == '\t'; }

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return is_space(c); });
}

}  // namespace

LineEditor::LineEditor(std::size_t max_bytes, std::size_t max_history)
    : max_bytes_(max_bytes), max_history_(max_history) {}

EditResult LineEditor::feed(char byte) {
  auto c = static_cast<unsigned char>(byte);
  bool after_cr = std::exchange(after_cr_, false);
  if (escape_ != Escape::None) return feed_escape(c);
  if (!utf8_.empty() || c >= 0x80) return feed_utf8(c);
  switch (c) {
    case '\r': after_cr_ = true; return EditResult::Submitted;
    case '\n':  // a lone LF is Enter too (pasted text); the LF of a CR LF pair is not
      return after_cr ? EditResult::None : EditResult::Submitted;
    case 0x1b:
      escape_ = Escape::Esc;
      escape_params_.clear();
      return EditResult::None;
    case ctrl('A'): return move_to(0);
    case ctrl('E'): return move_to(buffer_.size());
    case ctrl('B'): return move_to(previous_char(cursor_));
    case ctrl('F'): return move_to(next_char(cursor_));
    case ctrl('H'):
    case 0x7F: return erase(previous_char(cursor_), cursor_, false);
    case ctrl('D'):
      if (buffer_.empty()) return EditResult::EndOfInput;
      return erase(cursor_, next_char(cursor_), false);
    case ctrl('K'): return erase(cursor_, buffer_.size(), true);
    case ctrl('U'): return erase(0, cursor_, true);
    case ctrl('W'): return erase(word_start(cursor_), cursor_, true);
    case ctrl('Y'): return killed_.empty() ? EditResult::Bell : insert(killed_);
    case ctrl('P'): return history_step(-1);
    case ctrl('N'): return history_step(+1);
    case ctrl('C'): return EditResult::Interrupted;
    case ctrl('Z'): return EditResult::Suspend;
    case ctrl('L'): return EditResult::ClearScreen;
    default:
      if (c < 0x20) return EditResult::Bell;  // other control keys (Tab included) insert nothing
      return insert(std::string_view(&byte, 1));
  }
}

EditResult LineEditor::feed_escape(unsigned char c) {
  switch (escape_) {
    case Escape::Esc:
      escape_ = Escape::None;
      switch (c) {
        case '[': escape_ = Escape::Csi; return EditResult::None;
        case 'O': escape_ = Escape::Ss3; return EditResult::None;
        case 'b': return move_to(word_start(cursor_));             // Alt-B
        case 'f': return move_to(word_end(cursor_));               // Alt-F
        case 'd': return erase(cursor_, word_end(cursor_), true);  // Alt-D
        case 0x7F:
        case ctrl('H'): return erase(word_start(cursor_), cursor_, true);  // Alt-Backspace
        case 0x1b: escape_ = Escape::Esc; return EditResult::None;
        default: return EditResult::Bell;
      }
    case Escape::Csi:
      if (c >= 0x30 && c <= 0x3F) {  // parameter bytes
        if (escape_params_.size() < kMaxEscapeParams) escape_params_ += static_cast<char>(c);
        return EditResult::None;
      }
      if (c >= 0x20 && c <= 0x2F) return EditResult::None;  // intermediate bytes
      escape_ = Escape::None;
      if (c >= 0x40 && c <= 0x7E) return key_sequence(escape_params_, static_cast<char>(c));
      return EditResult::Bell;
    case Escape::Ss3: escape_ = Escape::None; return key_sequence("", static_cast<char>(c));
    case Escape::None: break;
  }
  return EditResult::None;
}

EditResult LineEditor::key_sequence(std::string_view params, char final_byte) {
  // "1;5C" is Ctrl-Right, "1;3C" Alt-Right: both move by words.
  bool by_word = params.size() >= 3 && params.substr(0, 2) == "1;" && (params[2] == '5' || params[2] == '3');
  switch (final_byte) {
    case 'A': return history_step(-1);
    case 'B': return history_step(+1);
    case 'C': return move_to(by_word ? word_end(cursor_) : next_char(cursor_));
    case 'D': return move_to(by_word ? word_start(cursor_) : previous_char(cursor_));
    case 'H': return move_to(0);
    case 'F': return move_to(buffer_.size());
    case '~':
      if (params == "1" || params == "7") return move_to(0);
      if (params == "4" || params == "8") return move_to(buffer_.size());
      if (params == "3") return erase(cursor_, next_char(cursor_), false);
      return EditResult::None;  // Insert, PageUp/Down, bracketed-paste marks...
    default: return EditResult::None;
  }
}

EditResult LineEditor::feed_utf8(unsigned char c) {
  if (utf8_.empty()) {
    if (utf8_sequence_length(c) == 0) return insert("\xEF\xBF\xBD");  // stray byte: U+FFFD
    utf8_ += static_cast<char>(c);
    return EditResult::None;
  }
  if ((c & 0xC0) != 0x80) {
    // The sequence broke off: keep a replacement for it, then take this byte on its own.
    utf8_.clear();
    EditResult first = insert("\xEF\xBF\xBD");
    EditResult second = feed(static_cast<char>(c));
    return second == EditResult::None || second == EditResult::Bell ? first : second;
  }
  utf8_ += static_cast<char>(c);
  if (utf8_.size() < utf8_sequence_length(static_cast<unsigned char>(utf8_[0]))) return EditResult::None;
  std::size_t length;
  char32_t cp = decode_utf8(utf8_, 0, length);
  std::string text;
  if (length == utf8_.size()) {
    text = utf8_;
  } else {
    append_utf8(text, kReplacementCharacter);  // overlong or surrogate
    (void)cp;
  }
  utf8_.clear();
  return insert(text);
}

EditResult LineEditor::insert(std::string_view text) {
  if (buffer_.size() + text.size() > max_bytes_) return EditResult::Bell;
  // cppcheck-suppress danglingLifetime ; std::string::insert copies the characters, keeps no view
  buffer_.insert(cursor_, text);
  cursor_ += text.size();
  return EditResult::Changed;
}

EditResult LineEditor::move_to(std::size_t position) {
  if (position == cursor_) return EditResult::Bell;
  cursor_ = position;
  return EditResult::Changed;
}

EditResult LineEditor::erase(std::size_t from, std::size_t to, bool keep) {
  if (from >= to) return EditResult::Bell;
  if (keep && !secret_) killed_ = buffer_.substr(from, to - from);  // never yank a password into chat
  buffer_.erase(from, to - from);
  cursor_ = from;
  return EditResult::Changed;
}

EditResult LineEditor::history_step(int direction) {
  if (secret_) return EditResult::Bell;
  if (direction < 0) {
    if (history_index_ == 0) return EditResult::Bell;
    if (history_index_ == history_.size()) draft_ = buffer_;
    --history_index_;
    buffer_ = history_[history_index_];
  } else {
    if (history_index_ >= history_.size()) return EditResult::Bell;
    ++history_index_;
    buffer_ = history_index_ == history_.size() ? draft_ : history_[history_index_];
  }
  cursor_ = buffer_.size();
  return EditResult::Changed;
}

std::size_t LineEditor::previous_char(std::size_t pos) const {
  if (pos == 0) return 0;
  do {
    --pos;
  } while (pos > 0 && (static_cast<unsigned char>(buffer_[pos]) & 0xC0) == 0x80);
  return pos;
}

std::size_t LineEditor::next_char(std::size_t pos) const {
  if (pos >= buffer_.size()) return buffer_.size();
  std::size_t length;
  decode_utf8(buffer_, pos, length);
  return pos + length;
}

// Words are separated by spaces, as in readline's unix-word-rubout (Ctrl-W).
std::size_t LineEditor::word_start(std::size_t pos) const {
  while (pos > 0 && is_space(buffer_[pos - 1])) --pos;
  while (pos > 0 && !is_space(buffer_[pos - 1])) --pos;
  return pos;
}

std::size_t LineEditor::word_end(std::size_t pos) const {
  while (pos < buffer_.size() && is_space(buffer_[pos])) ++pos;
  while (pos < buffer_.size() && !is_space(buffer_[pos])) ++pos;
  return pos;
}

std::string LineEditor::take_line() {
  std::string line = std::move(buffer_);
  clear();
  if (record_history_ && !secret_ && !is_blank(line) && (history_.empty() || history_.back() != line)) {
    history_.push_back(line);
    if (history_.size() > max_history_) history_.erase(history_.begin());
  }
  history_index_ = history_.size();
  draft_.clear();
  return line;
}

void LineEditor::clear() {
  buffer_.clear();
  cursor_ = 0;
  scroll_ = 0;
  history_index_ = history_.size();
}

void LineEditor::set_prompt(std::string prompt) {
  prompt_ = std::move(prompt);
  prompt_columns_ = text_columns(prompt_);
}

void LineEditor::set_secret(bool secret) {
  secret_ = secret;
  scroll_ = 0;
}

std::string LineEditor::render(int columns) {
  std::string out = "\r" + prompt_;
  int cursor_column = prompt_columns_;
  if (!secret_) {
    // Columns of each character, then the window of `room` columns that shows the cursor.
    struct Cell {
      std::size_t begin, end;
      int column, width;
    };
    std::vector<Cell> cells;
    int total = 0, cursor_at = -1;
    for (std::size_t pos = 0; pos < buffer_.size();) {
      if (pos == cursor_) cursor_at = total;
      std::size_t length;
      int width = column_width(decode_utf8(buffer_, pos, length));
      cells.push_back({pos, pos + length, total, width});
      total += width;
      pos += length;
    }
    if (cursor_at < 0) cursor_at = total;
    int room = std::max(1, columns - prompt_columns_ - 1);  // the last column stays free
    if (total <= room) scroll_ = 0;
    if (cursor_at < scroll_) scroll_ = cursor_at;
    if (cursor_at > scroll_ + room) scroll_ = cursor_at - room;
    bool first = true;
    for (const Cell& cell : cells) {
      if (cell.column < scroll_ || cell.column + cell.width > scroll_ + room) continue;
      if (first) out.append(static_cast<std::size_t>(cell.column - scroll_), ' ');  // half a wide char
      first = false;
      out.append(buffer_, cell.begin, cell.end - cell.begin);
    }
    cursor_column += cursor_at - scroll_;
  }
  out += "\x1b[K\r";
  if (cursor_column > 0) out += "\x1b[" + std::to_string(cursor_column) + "C";
  return out;
}

}  // namespace chat_client
