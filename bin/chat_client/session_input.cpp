// Session, the user's side: standard input (keys for the line editor, or lines from a
// terminal or a pipe), what a typed or piped line means in each state, and leaving.
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <ctime>

#include "bin/chat_client/display.h"
#include "bin/chat_client/session.h"
#include "bin/chat_client/terminal.h"

namespace chat_client {
namespace {

std::string local_stamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char text[16];
  (void)std::snprintf(text, sizeof text, "[%02d:%02d:%02d]", tm.tm_hour, tm.tm_min, tm.tm_sec);
  return text;
}

}  // namespace

void Session::watch_stdin(bool on) {
  if (on == stdin_watched_) return;
  if (on) {
    if (loop_->watch(STDIN_FILENO, reactor::kReadable, this) != 0) {
      input_ = Input::Ended;  // stdin is closed or unusable: as if it had ended
      return;
    }
  } else {
    // Unwatched rather than given no interest: poll reports a hung-up pipe regardless.
    loop_->unwatch(STDIN_FILENO);
  }
  stdin_watched_ = on;
}

void Session::read_stdin() {
  std::array<char, 4096> buf;
  reactor::ReadResult r;
  if (mode_ == InputMode::Editor) {
    r = stdin_.read_bytes(buf, [this](std::string_view bytes) {
      on_keys(bytes);
      return true;
    });
  } else {
    r = stdin_.read_available(buf,
                              [this](reactor::Frame frame, std::string_view line) { return stdin_frame(frame, line); });
  }
  if (r.status == reactor::ReadStatus::Open) return;
  watch_stdin(false);
  input_ = Input::Ended;
  if (mode_ == InputMode::Editor) {
    input_ = Input::Finished;
    end_of_input();  // the terminal went away
  }
}

void Session::on_keys(std::string_view bytes) {
  for (char byte : bytes) {
    if (state_ == State::Done) return;
    switch (editor_.feed(byte)) {
      case EditResult::None:
      case EditResult::Bell: break;
      case EditResult::Changed: console_.input_changed(); break;
      case EditResult::Submitted:
        if (wants_line()) {
          take_user_line(editor_.take_line());
          console_.input_changed();
        }
        break;
      case EditResult::EndOfInput: end_of_input(); break;
      case EditResult::Interrupted: interrupt(); break;
      case EditResult::Suspend: suspend(); break;
      case EditResult::ClearScreen: console_.clear_screen(); break;
    }
  }
}

bool Session::wants_line() const {
  switch (state_) {
    case State::AwaitPasswordPrompt:
    case State::AwaitNamePrompt:
    case State::AwaitWelcome: return false;  // the line waits until the server asks
    default: return true;
  }
}

void Session::take_user_line(const std::string& line) {
  switch (state_) {
    case State::EnterPassword:
      // The answered prompt stays on screen as a terminal would leave it (without the password).
      if (mode_ == InputMode::Editor) console_.print_line("Password:");
      send(line);
      enter(State::AwaitNamePrompt);
      break;
    case State::EnterName:
      if (mode_ == InputMode::Editor) console_.print_line("Username: " + strip_controls(line));
      send_name(line);
      break;
    case State::Chatting:
      switch (classify_user_line(line)) {
        case UserLine::Blank: break;  // the server ignores blank lines too
        case UserLine::Quit:
          send(line);
          enter(State::Leaving);
          break;
        case UserLine::Command: send(line); break;
        case UserLine::Public:
          send(line);
          // The server does not echo one's own lines; a terminal in line mode already did.
          if (mode_ == InputMode::Editor) console_.print_line(own_line(local_stamp(), own_name_, line, color_));
          break;
      }
      break;
    default: break;  // leaving: nothing more is sent
  }
}

bool Session::stdin_frame(reactor::Frame frame, std::string_view line) {
  if (frame == reactor::Frame::Overlong) {
    (void)std::fprintf(stderr, "chat-client: an input line longer than %zu bytes was not sent\n", kMaxPipedLine);
    return true;
  }
  if (state_ == State::Done || !wants_line()) return false;  // keep it until a line is wanted
  take_user_line(std::string(line));
  return true;
}

void Session::pump_stdin() {
  auto on_frame = [this](reactor::Frame frame, std::string_view line) { return stdin_frame(frame, line); };
  if (stdin_.paused() && wants_line()) stdin_.resume(on_frame);
  // A last line without '\n' is sent too.
  if (input_ == Input::Ended && stdin_.finish_partial_line(on_frame)) stdin_finished();
  // Everything piped in is sent (or queued): say so to the server once logged in.
  if (input_ == Input::Finished && mode_ == InputMode::Pipe && state_ == State::Chatting) enter(State::Draining);
  bool room = server_.output_bytes() < kPauseStdinAt && !stdin_.paused();
  watch_stdin(input_ == Input::Reading && room);
}

void Session::stdin_finished() {
  input_ = Input::Finished;
  if (mode_ == InputMode::TerminalLines) {
    end_of_input();  // Ctrl-D on a terminal in line mode: as in the editor
    return;
  }
  switch (state_) {
    case State::EnterPassword: finish(kExitLoginRefused, kNoPassword); break;
    case State::EnterName: finish(kExitLoginRefused, kNoName); break;
    default: break;  // chatting: see pump_stdin; logging in: a prompt will find stdin ended
  }
}

void Session::end_of_input() {
  switch (state_) {
    case State::Chatting:
      send("@sair");
      enter(State::Leaving);
      break;
    case State::Leaving:
    case State::Draining:
    case State::Done: break;
    default: finish(kExitConnection, "login cancelled"); break;
  }
}

void Session::interrupt() {
  switch (state_) {
    case State::Chatting:
      send("@sair");
      enter(State::Leaving);
      break;
    case State::Leaving: finish(kExitOk, ""); break;  // asked twice: do not wait for the goodbye
    case State::Done: break;
    default: finish(kExitInterrupted, "interrupted"); break;
  }
}

void Session::suspend() {
  console_.hide_input();
  console_.flush();
  terminal::suspend();  // returns once the shell resumes us, raw mode back on
  console_.set_columns(terminal::columns(STDOUT_FILENO));
  console_.input_changed();
}

void Session::on_signal(int signo) {
  switch (signo) {
    case SIGWINCH: console_.set_columns(terminal::columns(STDOUT_FILENO)); break;
    case SIGCONT:  // resumed (perhaps after a stop we did not see): modes and screen again
      apply_terminal_mode();
      console_.input_changed();
      break;
    default: interrupt(); break;  // SIGINT, SIGTERM, SIGHUP: leave cleanly
  }
}

}  // namespace chat_client
