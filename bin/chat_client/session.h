// Session: one run of chat-client, wired to a reactor::EventLoop. It connects, logs in
// (answering the server's prompts from the options, the user or standard input), then relays
// lines both ways until the user leaves or the server goes away. The server socket, standard
// input, signals and one timer are the only event sources.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bin/chat_client/console.h"
#include "bin/chat_client/line_editor.h"
#include "bin/chat_client/options.h"
#include "reactor/event_loop.h"
#include "reactor/line_stream.h"

namespace chat_client {

// Exit statuses (also in --help and docs/CLIENT.md).
enum ExitStatus : int {
  kExitOk = 0,             // left with @sair, Ctrl-D, Ctrl-C; or a pipe's input was all sent
  kExitConnection = 1,     // could not connect, connection lost, login cancelled
  kExitUsage = 2,          // a bad flag
  kExitLoginRefused = 3,   // wrong password, locked out, server full, name refused (pipe)
  kExitInterrupted = 130,  // interrupted before logging in
};

// How the user's side is driven.
enum class InputMode {
  Editor,         // stdin and stdout are a capable terminal: raw mode and the line editor
  TerminalLines,  // stdin is a terminal that cannot redraw (TERM=dumb, or stdout redirected)
  Pipe,           // stdin is not a terminal: its lines are sent, the server's lines printed
};

class Session final : public reactor::IoHandler {
 public:
  explicit Session(Options options);
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs to the end and returns the exit status; the terminal is restored before returning.
  int run();
  void on_io(int fd, std::uint8_t events) override;

 private:
  enum class State {
    AwaitPasswordPrompt,  // connected; waiting for "Password:"
    EnterPassword,        // the password is being typed (or is the next line of stdin)
    AwaitNamePrompt,      // password sent; waiting for "Username:" or a refusal
    EnterName,            // a name is being typed (or is the next line of stdin)
    AwaitWelcome,         // name sent; waiting for the welcome, or a refusal and "Username:"
    Chatting,
    Leaving,   // @sair sent; waiting for the goodbye and the server's close
    Draining,  // pipe input ended: our side is shut once sent; waiting for the server's close
    Done,
  };
  static std::string_view to_string(State state);
  static constexpr std::size_t kMaxPipedLine = std::size_t{64} * 1024;   // longer ones are left to the server
  static constexpr std::size_t kPauseStdinAt = std::size_t{256} * 1024;  // unsent bytes that stop stdin
  static constexpr const char* kNoPassword =
      "standard input ended before the login was complete (no password; see --password-file)";
  static constexpr const char* kNoName = "standard input ended before the login was complete (no name; see --name)";
  // Standard input, in line and pipe modes.
  enum class Input {
    Reading,   // watched while lines are wanted
    Ended,     // EOF seen; lines may still wait in the framer
    Finished,  // every line taken
  };

  void enter(State next);
  void finish(int status, std::string message);
  void show_prompt(std::string_view text, bool secret, bool record_history);
  void apply_terminal_mode();

  // Server side (session.cpp).
  void read_server();
  void flush_server();
  void server_closed();
  void on_server_line(std::string_view line);
  void login_line(std::string_view line);
  void password_prompt();
  void name_prompt();
  void send(std::string_view line);
  void send_name(std::string_view name);

  // User side (session_input.cpp).
  void read_stdin();
  void on_keys(std::string_view bytes);
  bool wants_line() const;
  void take_user_line(const std::string& line);
  bool stdin_frame(reactor::Frame frame, std::string_view line);
  void pump_stdin();
  void stdin_finished();
  void watch_stdin(bool on);
  void end_of_input();
  void interrupt();
  void suspend();
  void on_signal(int signo);
  void before_sleep();
  std::string present(std::string_view line) const;

  Options options_;
  InputMode mode_ = InputMode::Pipe;
  bool color_ = false;
  bool output_is_terminal_ = false;
  std::unique_ptr<reactor::EventLoop> loop_;
  int socket_ = -1;  // owned: closed by the destructor
  reactor::LineStream server_;
  bool write_side_shut_ = false;
  std::vector<char> read_buffer_;
  reactor::LineStream stdin_;  // lines in line and pipe modes, raw keys in the editor
  Input input_ = Input::Reading;
  bool stdin_watched_ = false;
  LineEditor editor_;
  Console console_;
  State state_ = State::AwaitPasswordPrompt;
  std::string own_name_;  // as the server spells it
  bool name_option_used_ = false;
  std::string refusal_;  // the last "! ..." line seen while logging in
  reactor::TimerId goodbye_timer_;
  int exit_status_ = kExitOk;
  std::string exit_message_;
};

}  // namespace chat_client
