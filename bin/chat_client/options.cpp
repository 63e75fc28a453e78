// Flag parsing: "--flag value" and "--flag=value"; every error names the flag.
#include "bin/chat_client/options.h"

#include <cstdlib>
#include <vector>

#include "protocol/password_source.h"

namespace chat_client {
namespace {

constexpr const char* kUsage =
    "Usage: chat-client [OPTIONS] [HOST] [PORT]\n"
    "Chat on a chat-server (default localhost 5000), with a line editor when run in a terminal\n"
    "and as a pipe client when standard input is not a terminal (see docs/CLIENT.md).\n"
    "\n"
    "Options:\n"
    "  --name NAME          log in as NAME (asked for when missing or refused)\n"
    "  --password-file F    send the first line of F as the password\n"
    "                       (default: $CHAT_PASSWORD, else asked for without echo)\n"
    "  --no-color           no colours (also when NO_COLOR is set)\n"
    "  --help               show this help and exit\n"
    "  --version            show the version and exit\n"
    "\n"
    "Keys: Enter sends; Left/Right, Home/End, Ctrl-A/E move; Backspace, Ctrl-U/K/W delete;\n"
    "Up/Down browse history; Ctrl-D or @sair leaves; Ctrl-C leaves at once.\n"
    "Exit status: 0 after leaving, 1 connection failed or lost, 2 bad usage, 3 login refused.\n";

bool parse_port(const std::string& text, std::uint16_t& port) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  long value = std::strtol(text.c_str(), nullptr, 10);
  if (value < 1 || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

// Host and port from the positional arguments: an error text, or empty.
std::string take_positional(const std::vector<std::string>& positional, Options& o) {
  if (positional.size() > 2) return std::string("unexpected argument '") + positional[2] + "'";
  if (!positional.empty()) {
    if (positional[0].empty()) return "the host is empty";
    o.host = positional[0];
  }
  if (positional.size() == 2 && !parse_port(positional[1], o.port))
    return std::string("invalid port '") + positional[1] + "'";
  return {};
}

}  // namespace

ParseStatus parse_options(int argc, char** argv, Options& o, std::string& message) {
  std::optional<std::string> password_file;
  std::vector<std::string> positional;
  bool no_color_flag = false;
  auto usage_error = [&](const std::string& text) {
    message = "chat-client: " + text + " (see --help)\n";
    return ParseStatus::ExitUsage;
  };

  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      message = kUsage;
      return ParseStatus::ExitOk;
    }
    if (arg == "--version") {
      message = std::string("chat-client ") + CHAT_VERSION + "\n";
      return ParseStatus::ExitOk;
    }
    if (arg == "--no-color" || arg == "--no-colour") {
      no_color_flag = true;
      continue;
    }
    if (arg == "--") {
      for (++i; i < argc; ++i) positional.emplace_back(argv[i]);
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      positional.push_back(arg);
      continue;
    }
    std::string name = arg, value;
    bool has_value = false;
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    if (name != "--name" && name != "--password-file") return usage_error("unknown option '" + arg + "'");
    if (!has_value) {
      if (i + 1 >= argc) return usage_error("option " + name + " needs a value");
      value = argv[++i];
    }
    if (value.empty()) return usage_error("option " + name + " needs a non-empty value");
    if (name == "--name") {
      o.name = value;
    } else {
      password_file = value;
    }
  }

  if (std::string error = take_positional(positional, o); !error.empty()) return usage_error(error);

  chat::PasswordLookup found = chat::find_password(password_file);
  if (!found.error.empty()) {
    message = "chat-client: " + found.error + "\n";
    return ParseStatus::ExitUsage;
  }
  if (found.origin != chat::PasswordOrigin::None) o.password = found.password;
  const char* no_color = std::getenv("NO_COLOR");
  o.color = !no_color_flag && !(no_color && *no_color);
  return ParseStatus::Run;
}

}  // namespace chat_client
