// LineEditor: keystrokes in, buffer/cursor/history and redraw bytes out.
#include "bin/chat_client/line_editor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using chat_client::EditResult;
using chat_client::LineEditor;

namespace {

constexpr const char* kLeft = "\x1b[D";
constexpr const char* kRight = "\x1b[C";
constexpr const char* kUp = "\x1b[A";
constexpr const char* kDown = "\x1b[B";

// Feeds every byte; returns the results that were not None.
std::vector<EditResult> type(LineEditor& e, std::string_view keys) {
  std::vector<EditResult> results;
  for (char c : keys) {
    EditResult r = e.feed(c);
    if (r != EditResult::None) results.push_back(r);
  }
  return results;
}

EditResult last(LineEditor& e, std::string_view keys) {
  auto results = type(e, keys);
  return results.empty() ? EditResult::None : results.back();
}

std::string ctrl(char c) { return std::string(1, static_cast<char>(c & 0x1F)); }

}  // namespace

TEST(LineEditor, TypingInsertsAtTheCursor) {
  LineEditor e;
  EXPECT_EQ(last(e, "helo"), EditResult::Changed);
  type(e, kLeft);
  type(e, "l");
  EXPECT_EQ(e.buffer(), "hello");
  EXPECT_EQ(e.cursor(), 4u);
}

TEST(LineEditor, LeftRightStopAtTheEnds) {
  LineEditor e;
  type(e, "ab");
  EXPECT_EQ(last(e, kRight), EditResult::Bell);
  type(e, std::string(kLeft) + kLeft);
  EXPECT_EQ(e.cursor(), 0u);
  EXPECT_EQ(last(e, kLeft), EditResult::Bell);
  type(e, ctrl('F'));
  EXPECT_EQ(e.cursor(), 1u);
  type(e, ctrl('B'));
  EXPECT_EQ(e.cursor(), 0u);
}

TEST(LineEditor, HomeAndEndInEveryEncoding) {
  for (const std::string& home :
       {ctrl('A'), std::string("\x1b[H"), std::string("\x1bOH"), std::string("\x1b[1~"), std::string("\x1b[7~")}) {
    LineEditor e;
    type(e, "hello");
    type(e, home);
    EXPECT_EQ(e.cursor(), 0u) << "home key " << home.substr(1);
  }
  for (const std::string& end :
       {ctrl('E'), std::string("\x1b[F"), std::string("\x1bOF"), std::string("\x1b[4~"), std::string("\x1b[8~")}) {
    LineEditor e;
    type(e, "hello");
    type(e, ctrl('A'));
    type(e, end);
    EXPECT_EQ(e.cursor(), 5u) << "end key " << end.substr(1);
  }
}

TEST(LineEditor, BackspaceAndDelete) {
  LineEditor e;
  type(e, "abcd");
  type(e, "\x7f");
  EXPECT_EQ(e.buffer(), "abc");
  type(e, std::string(kLeft) + "\x08");  // Ctrl-H is backspace too
  EXPECT_EQ(e.buffer(), "ac");
  EXPECT_EQ(e.cursor(), 1u);
  type(e, "\x1b[3~");  // Delete: the character under the cursor
  EXPECT_EQ(e.buffer(), "a");
  EXPECT_EQ(last(e, "\x1b[3~"), EditResult::Bell);
  type(e, ctrl('A'));
  EXPECT_EQ(last(e, "\x7f"), EditResult::Bell);
  EXPECT_EQ(e.buffer(), "a");
}

TEST(LineEditor, CtrlDDeletesOrEndsInput) {
  LineEditor e;
  type(e, "ab");
  type(e, ctrl('A'));
  EXPECT_EQ(last(e, ctrl('D')), EditResult::Changed);
  EXPECT_EQ(e.buffer(), "b");
  type(e, ctrl('D'));
  EXPECT_EQ(e.buffer(), "");
  EXPECT_EQ(last(e, ctrl('D')), EditResult::EndOfInput);
}

TEST(LineEditor, CtrlUKillsToTheStartAndCtrlKToTheEnd) {
  LineEditor e;
  type(e, "hello world");
  for (int i = 0; i < 5; ++i) type(e, kLeft);
  type(e, ctrl('U'));
  EXPECT_EQ(e.buffer(), "world");
  EXPECT_EQ(e.cursor(), 0u);
  type(e, ctrl('E'));
  type(e, ctrl('Y'));  // yank what Ctrl-U removed
  EXPECT_EQ(e.buffer(), "worldhello ");
  type(e, ctrl('A'));
  type(e, kRight);
  type(e, ctrl('K'));
  EXPECT_EQ(e.buffer(), "w");
}

TEST(LineEditor, CtrlWDeletesTheWordBeforeTheCursor) {
  LineEditor e;
  type(e, "say hello  there  ");
  type(e, ctrl('W'));
  EXPECT_EQ(e.buffer(), "say hello  ");
  type(e, ctrl('W'));
  EXPECT_EQ(e.buffer(), "say ");
  type(e, ctrl('W'));
  EXPECT_EQ(e.buffer(), "");
  EXPECT_EQ(last(e, ctrl('W')), EditResult::Bell);
}

TEST(LineEditor, WordMovesWithAltAndCtrlArrows) {
  LineEditor e;
  type(e, "one two three");
  type(e,
       "\x1b"
       "b");
  EXPECT_EQ(e.cursor(), 8u);
  type(e, "\x1b[1;5D");
  EXPECT_EQ(e.cursor(), 4u);
  type(e, "\x1b[1;5C");
  EXPECT_EQ(e.cursor(), 7u);
  type(e,
       "\x1b"
       "f");
  EXPECT_EQ(e.cursor(), 13u);
  type(e, ctrl('A'));
  type(e,
       "\x1b"
       "d");  // Alt-D deletes the next word
  EXPECT_EQ(e.buffer(), " two three");
}

TEST(LineEditor, EnterSubmitsAndEmptiesTheBuffer) {
  LineEditor e;
  type(e, "hi there");
  EXPECT_EQ(last(e, "\r"), EditResult::Submitted);
  EXPECT_EQ(e.take_line(), "hi there");
  EXPECT_EQ(e.buffer(), "");
  EXPECT_EQ(e.cursor(), 0u);
}

TEST(LineEditor, CrLfIsOneEnterAndLoneLfIsEnter) {
  LineEditor e;
  auto results = type(e, "a\r\nb\n");
  std::vector<EditResult> want = {EditResult::Changed, EditResult::Submitted, EditResult::Changed,
                                  EditResult::Submitted};
  EXPECT_EQ(results, want);
}

TEST(LineEditor, HistoryBrowsesRecordedLinesAndKeepsTheDraft) {
  LineEditor e;
  e.set_record_history(true);
  for (const char* line : {"first", "second", "second", "   "}) {
    type(e, line);
    type(e, "\r");
    e.take_line();
  }
  EXPECT_EQ(e.history(), (std::vector<std::string>{"first", "second"}));  // no blanks, no repeats
  type(e, "draft");
  type(e, kUp);
  EXPECT_EQ(e.buffer(), "second");
  EXPECT_EQ(e.cursor(), 6u);
  type(e, kUp);
  EXPECT_EQ(e.buffer(), "first");
  EXPECT_EQ(last(e, kUp), EditResult::Bell);
  type(e, kDown);
  EXPECT_EQ(e.buffer(), "second");
  type(e, ctrl('N'));
  EXPECT_EQ(e.buffer(), "draft");
  EXPECT_EQ(last(e, kDown), EditResult::Bell);
  type(e, ctrl('P'));
  type(e, "!\r");
  EXPECT_EQ(e.take_line(), "second!");
  EXPECT_EQ(e.history().back(), "second!");
}

TEST(LineEditor, HistoryIsBounded) {
  LineEditor e(4096, 3);
  e.set_record_history(true);
  for (int i = 0; i < 5; ++i) {
    type(e, std::to_string(i) + "\r");
    e.take_line();
  }
  EXPECT_EQ(e.history(), (std::vector<std::string>{"2", "3", "4"}));
}

TEST(LineEditor, SecretInputIsNeitherShownNorRecorded) {
  LineEditor e;
  e.set_record_history(true);
  e.set_secret(true);
  e.set_prompt("Password: ");
  type(e, "hunter2");
  std::string drawn = e.render(80);
  EXPECT_EQ(drawn.find("hunter2"), std::string::npos) << drawn;
  EXPECT_EQ(drawn, "\rPassword: \x1b[K\r\x1b[10C");
  EXPECT_EQ(last(e, kUp), EditResult::Bell);
  type(e, "\r");
  EXPECT_EQ(e.take_line(), "hunter2");
  EXPECT_TRUE(e.history().empty());
}

TEST(LineEditor, KilledSecretTextCannotBeYankedLater) {
  LineEditor e;
  e.set_secret(true);
  type(e, "hunter2");
  type(e, ctrl('U'));
  e.set_secret(false);
  EXPECT_EQ(last(e, ctrl('Y')), EditResult::Bell);
  EXPECT_EQ(e.buffer(), "");
}

TEST(LineEditor, LoginAnswersAreNotRecordedUnlessAsked) {
  LineEditor e;
  type(e, "alice\r");
  e.take_line();
  EXPECT_TRUE(e.history().empty());
}

TEST(LineEditor, ControlKeysReportWhatTheyMean) {
  LineEditor e;
  type(e, "x");
  EXPECT_EQ(last(e, ctrl('C')), EditResult::Interrupted);
  EXPECT_EQ(last(e, ctrl('Z')), EditResult::Suspend);
  EXPECT_EQ(last(e, ctrl('L')), EditResult::ClearScreen);
  EXPECT_EQ(last(e, "\t"), EditResult::Bell);
  EXPECT_EQ(last(e, ctrl('G')), EditResult::Bell);
  EXPECT_EQ(e.buffer(), "x");  // none of them inserted anything
}

TEST(LineEditor, EscapeSequencesAreWholeKeysWhateverTheirSplit) {
  LineEditor e;
  type(e, "abc");
  EXPECT_EQ(e.feed('\x1b'), EditResult::None);
  EXPECT_EQ(e.feed('['), EditResult::None);
  EXPECT_EQ(e.feed('D'), EditResult::Changed);
  EXPECT_EQ(e.cursor(), 2u);
  type(e, "\x1b[2~");     // Insert: ignored
  type(e, "\x1b[200~");   // bracketed-paste marks: ignored
  type(e, "\x1b[15;2~");  // F5 with Shift: ignored
  EXPECT_EQ(e.buffer(), "abc");
  EXPECT_EQ(e.cursor(), 2u);
}

TEST(LineEditor, Utf8MovesAndDeletesWholeCharacters) {
  LineEditor e;
  type(e, "ol\xC3\xA1 \xF0\x9F\x98\x80");  // "olá 😀"
  EXPECT_EQ(e.buffer(), "ol\xC3\xA1 \xF0\x9F\x98\x80");
  type(e, "\x7f");
  EXPECT_EQ(e.buffer(), "ol\xC3\xA1 ");
  type(e, std::string(kLeft) + kLeft);
  EXPECT_EQ(e.cursor(), 2u);  // before 'á'
  type(e, "\x1b[3~");
  EXPECT_EQ(e.buffer(), "ol ");
}

TEST(LineEditor, InvalidUtf8BecomesReplacementCharacters) {
  LineEditor e;
  type(e,
       "a\xFF"
       "b\xC3"
       "c\xE0\x80\x80");  // stray byte, truncated sequence, overlong
  EXPECT_EQ(e.buffer(),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD"
            "c\xEF\xBF\xBD");
}

TEST(LineEditor, TheBufferIsBounded) {
  LineEditor e(8);
  type(e, "12345678");
  EXPECT_EQ(last(e, "9"), EditResult::Bell);
  EXPECT_EQ(e.buffer(), "12345678");
}

TEST(LineEditor, RenderDrawsPromptTextAndPlacesTheCursor) {
  LineEditor e;
  e.set_prompt("> ");
  type(e, "hello");
  EXPECT_EQ(e.render(80), "\r> hello\x1b[K\r\x1b[7C");
  type(e, std::string(kLeft) + kLeft);
  EXPECT_EQ(e.render(80), "\r> hello\x1b[K\r\x1b[5C");
  type(e, ctrl('U'));
  EXPECT_EQ(e.render(80), "\r> lo\x1b[K\r\x1b[2C");
}

TEST(LineEditor, RenderIgnoresColourInThePromptWidth) {
  LineEditor e;
  e.set_prompt("\x1b[1m> \x1b[0m");
  type(e, "ab");
  EXPECT_EQ(e.render(80), "\r\x1b[1m> \x1b[0mab\x1b[K\r\x1b[4C");
}

TEST(LineEditor, RenderScrollsALongLineToKeepTheCursorVisible) {
  LineEditor e;
  e.set_prompt("> ");
  type(e, "abcdefghijklmnopqrstuvwxyz");
  // 12 columns: 2 for the prompt, 1 kept free, 9 for text.
  EXPECT_EQ(e.render(12), "\r> rstuvwxyz\x1b[K\r\x1b[11C");
  type(e, ctrl('A'));
  EXPECT_EQ(e.render(12), "\r> abcdefghi\x1b[K\r\x1b[2C");
  type(e, ctrl('K'));
  type(e, "xy");
  EXPECT_EQ(e.render(12), "\r> xy\x1b[K\r\x1b[4C");
}

TEST(LineEditor, RenderCountsWideCharactersAsTwoColumns) {
  LineEditor e;
  e.set_prompt("> ");
  type(e, "\xE4\xBD\xA0\xE5\xA5\xBD");  // 你好: 4 columns
  EXPECT_EQ(e.render(80), "\r> \xE4\xBD\xA0\xE5\xA5\xBD\x1b[K\r\x1b[6C");
}

TEST(LineEditor, EveryRenderStartsAtTheLineStartAndErasesTheRest) {
  // What keeps a half-typed line intact under incoming messages: the input is redrawn from
  // column 0 and everything after it erased, whatever was on the line before.
  LineEditor e;
  e.set_prompt("> ");
  for (std::string keys : {"a", "\x7f", "hello", "\x1b[D", "\x15", "\x1b[A"}) {
    type(e, keys);
    std::string drawn = e.render(40);
    EXPECT_EQ(drawn.substr(0, 3), "\r> ");
    EXPECT_NE(drawn.find("\x1b[K"), std::string::npos);
  }
  EXPECT_EQ(LineEditor::kClearLine, "\r\x1b[K");
}
