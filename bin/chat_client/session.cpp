// Session: the event loop wiring, the login state machine and the server side (see session.h);
// session_input.cpp is the user's side.
#include "bin/chat_client/session.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "bin/chat_client/connect.h"
#include "bin/chat_client/display.h"
#include "bin/chat_client/terminal.h"
#include "reactor/poller.h"

namespace chat_client {
namespace {

constexpr std::size_t kReadChunk = std::size_t{64} * 1024;
constexpr std::size_t kMaxServerLine = std::size_t{64} * 1024;  // far above what the server sends
constexpr std::size_t kMaxTypedLine = 4096;                     // the server's default --max-line
constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr auto kGoodbyeTimeout = std::chrono::seconds(5);

bool terminal_can_redraw() {
  const char* term = std::getenv("TERM");
  return term && *term && std::strcmp(term, "dumb") != 0 && std::strcmp(term, "unknown") != 0;
}

InputMode pick_mode() {
  if (!isatty(STDIN_FILENO) || !terminal::save(STDIN_FILENO)) return InputMode::Pipe;
  return isatty(STDOUT_FILENO) && terminal_can_redraw() ? InputMode::Editor : InputMode::TerminalLines;
}

std::string_view trim(std::string_view s) {
  auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

Session::Session(Options options)
    : options_(std::move(options)),
      mode_(pick_mode()),
      server_(kMaxServerLine),
      read_buffer_(kReadChunk),
      stdin_(kMaxPipedLine),
      editor_(kMaxTypedLine),
      console_(mode_ == InputMode::Editor ? Console::Mode::Editor : Console::Mode::Lines, STDOUT_FILENO, editor_) {
  output_is_terminal_ = isatty(STDOUT_FILENO);
  color_ = options_.color && output_is_terminal_ && terminal_can_redraw();
}

Session::~Session() {
  if (socket_ >= 0) close(socket_);
}

std::string_view Session::to_string(State state) {
  switch (state) {
    case State::AwaitPasswordPrompt: return "await-password-prompt";
    case State::EnterPassword: return "enter-password";
    case State::AwaitNamePrompt: return "await-name-prompt";
    case State::EnterName: return "enter-name";
    case State::AwaitWelcome: return "await-welcome";
    case State::Chatting: return "chatting";
    case State::Leaving: return "leaving";
    case State::Draining: return "draining";
    case State::Done: return "done";
  }
  return "?";
}

int Session::run() {
  std::string error;
  socket_ = connect_to_server(options_.host, options_.port, kConnectTimeout, error);
  if (socket_ < 0) {
    terminal::restore();
    (void)std::fprintf(stderr, "chat-client: %s\n", error.c_str());
    return kExitConnection;
  }
  server_.attach(socket_);
  stdin_.attach(STDIN_FILENO);
  // poll, not epoll: a handful of descriptors, and stdin may be a regular file or /dev/null,
  // which epoll refuses.
  loop_ = std::make_unique<reactor::EventLoop>(reactor::make_poller("poll"));
  if (loop_->watch(socket_, reactor::kReadable, this) != 0 ||
      !loop_->handle_signals({SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGCONT}, [this](int signo) { on_signal(signo); })) {
    (void)std::fprintf(stderr, "chat-client: cannot set up the event loop: %s\n", std::strerror(errno));
    return kExitConnection;
  }
  loop_->set_before_sleep([this] { before_sleep(); });
  if (mode_ == InputMode::Editor) {
    console_.set_columns(terminal::columns(STDOUT_FILENO));
    terminal::enter_raw();
  }
  watch_stdin(true);
  enter(State::AwaitPasswordPrompt);

  if (!loop_->run()) finish(kExitConnection, std::string("event loop failed: ") + std::strerror(errno));
  console_.hide_input();
  console_.flush();
  terminal::restore();
  if (!exit_message_.empty()) (void)std::fprintf(stderr, "chat-client: %s\n", exit_message_.c_str());
  return exit_status_;
}

// ---- states -------------------------------------------------------------------------------

void Session::enter(State next) {
  state_ = next;
  switch (next) {
    case State::EnterPassword:
      if (mode_ == InputMode::Pipe && input_ == Input::Finished) {
        finish(kExitLoginRefused, kNoPassword);
        return;
      }
      show_prompt("Password: ", true, false);
      break;
    case State::EnterName:
      if (mode_ == InputMode::Pipe && input_ == Input::Finished) {
        finish(kExitLoginRefused, kNoName);
        return;
      }
      show_prompt("Username: ", false, false);
      break;
    case State::Chatting: show_prompt("> ", false, true); break;
    case State::Leaving:
      show_prompt("", true, false);
      goodbye_timer_ = loop_->add_timer(kGoodbyeTimeout, [this] { finish(kExitOk, ""); });
      break;
    case State::Done: break;
    default: show_prompt("", true, false); break;  // waiting: typeahead is kept, not shown
  }
  if (mode_ == InputMode::TerminalLines) terminal::set_echo(state_ != State::EnterPassword);
}

void Session::finish(int status, std::string message) {
  if (state_ == State::Done) return;
  state_ = State::Done;
  exit_status_ = status;
  exit_message_ = std::move(message);
  loop_->stop();
}

void Session::show_prompt(std::string_view text, bool secret, bool record_history) {
  switch (mode_) {
    case InputMode::Editor:
      editor_.set_prompt(color_ && !text.empty() ? "\x1b[1m" + std::string(text) + "\x1b[0m" : std::string(text));
      editor_.set_secret(secret);
      editor_.set_record_history(record_history);
      console_.input_changed();
      break;
    case InputMode::TerminalLines:
      // A dumb terminal cannot redraw a prompt under incoming lines, so only login asks. With
      // stdout redirected, the question goes where the person is: stderr.
      if (text != "Password: " && text != "Username: ") break;
      if (output_is_terminal_) {
        console_.print_raw(text);
      } else {
        (void)std::fputs(std::string(text).c_str(), stderr);
      }
      break;
    case InputMode::Pipe: break;
  }
}

// After a stop and resume, the shell may have changed the terminal's modes.
void Session::apply_terminal_mode() {
  if (mode_ == InputMode::Editor) terminal::enter_raw();
  if (mode_ == InputMode::TerminalLines) terminal::set_echo(state_ != State::EnterPassword);
}

// ---- the server ---------------------------------------------------------------------------

void Session::on_io(int fd, std::uint8_t events) {
  if (fd == socket_) {
    if (events & (reactor::kReadable | reactor::kHangup)) read_server();
    if ((events & reactor::kWritable) && state_ != State::Done) flush_server();
  } else if (fd == STDIN_FILENO) {
    read_stdin();
  }
}

void Session::read_server() {
  reactor::ReadResult r = server_.read_available(read_buffer_, [this](reactor::Frame frame, std::string_view line) {
    if (state_ == State::Done) return false;
    if (frame == reactor::Frame::Line) on_server_line(line);
    return true;
  });
  if (r.status != reactor::ReadStatus::Open) server_closed();
}

void Session::flush_server() {
  if (socket_ < 0 || state_ == State::Done) return;
  // A failed write drops what was queued; the read side reports why.
  bool pending = server_.flush() == reactor::FlushResult::Pending;
  loop_->set_interest(socket_, pending ? reactor::kReadable | reactor::kWritable : reactor::kReadable);
  if (state_ == State::Draining && server_.output_empty() && !write_side_shut_) {
    shutdown(socket_, SHUT_WR);  // like `nc -N`: the server answers what it got, then closes
    write_side_shut_ = true;
  }
}

void Session::server_closed() {
  loop_->unwatch(socket_);
  switch (state_) {
    case State::Leaving:
    case State::Draining: finish(kExitOk, ""); break;
    case State::Chatting: finish(kExitConnection, "connection lost"); break;
    case State::Done: break;
    default:
      if (refusal_.find("Wrong password") != std::string::npos) {
        finish(kExitLoginRefused, "wrong password");
      } else if (!refusal_.empty()) {
        finish(kExitLoginRefused, "login refused: " + refusal_);
      } else {
        finish(kExitConnection, "connection lost before the login was complete");
      }
  }
}

void Session::on_server_line(std::string_view line) {
  if (mode_ == InputMode::Pipe) console_.print_line(present(line));  // a pipe gets every line
  switch (state_) {
    case State::AwaitPasswordPrompt:
    case State::EnterPassword:
    case State::AwaitNamePrompt:
    case State::EnterName:
    case State::AwaitWelcome: login_line(line); break;
    case State::Chatting:
    case State::Leaving:
    case State::Draining:
      if (mode_ != InputMode::Pipe) console_.print_line(styled(classify(line), color_));
      break;
    case State::Done: break;
  }
}

void Session::login_line(std::string_view line) {
  ServerLine parsed = classify(line);
  if (parsed.kind == LineKind::Prompt) {
    if (parsed.text == "Password:" && state_ == State::AwaitPasswordPrompt) password_prompt();
    if (parsed.text == "Username:" && (state_ == State::AwaitNamePrompt || state_ == State::AwaitWelcome))
      name_prompt();
    return;
  }
  if (parsed.kind == LineKind::Error && parsed.stamp.empty()) {
    // Shown with the next "Username:", or reported at exit if the server closes instead.
    refusal_ = std::string(parsed.text);
    return;
  }
  if (!parsed.stamp.empty() && state_ == State::AwaitWelcome) {
    std::string_view name = welcome_name(parsed.text);
    if (!name.empty()) own_name_ = std::string(name);
    enter(State::Chatting);
  }
  if (mode_ != InputMode::Pipe) console_.print_line(styled(parsed, color_));
}

void Session::password_prompt() {
  if (options_.password) {
    send(*options_.password);
    enter(State::AwaitNamePrompt);
  } else {
    enter(State::EnterPassword);
  }
}

void Session::name_prompt() {
  std::string reason = std::exchange(refusal_, std::string());
  if (!reason.empty() && mode_ != InputMode::Pipe) console_.print_line(error_text("! " + reason, color_));
  if (options_.name && !name_option_used_) {
    name_option_used_ = true;
    send_name(*options_.name);
    return;
  }
  if (mode_ == InputMode::Pipe && options_.name) {
    finish(kExitLoginRefused, "name refused: " + reason);
    return;
  }
  enter(State::EnterName);
}

void Session::send(std::string_view line) {
  std::string text(line);
  text += '\n';
  server_.push_copy(text);
}

void Session::send_name(std::string_view name) {
  own_name_ = std::string(trim(name));  // the server trims it too; the welcome confirms it
  send(name);
  enter(State::AwaitWelcome);
}

void Session::before_sleep() {
  if (state_ != State::Done && mode_ != InputMode::Editor) pump_stdin();
  flush_server();
  // The console is the data channel of a pipe client; a terminal that went away is not fatal
  // (a hang-up also ends the input, which leaves the chat).
  if (!console_.flush() && mode_ == InputMode::Pipe && state_ != State::Done)
    finish(kExitConnection, "standard output is closed");
}

std::string Session::present(std::string_view line) const {
  if (color_) return styled(classify(line), true);
  if (output_is_terminal_) return strip_controls(line);
  return std::string(line);
}

}  // namespace chat_client
