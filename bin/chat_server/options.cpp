// Flag parsing: "--flag value" and "--flag=value"; every error names the flag.
#include "bin/chat_server/options.h"

#include <cerrno>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>

#include "protocol/password_source.h"
#include "reactor/poller.h"

namespace chat_server {
namespace {

constexpr const char* kUsage =
    "Usage: chat-server [OPTIONS]\n"
    "A line-based chat server (see docs/PROTOCOL.md). Try: nc localhost 5000\n"
    "\n"
    "Options:\n"
    "  --port N             TCP port to listen on (default 5000; 0 picks a free port)\n"
    "  --bind ADDR          address to bind (default 0.0.0.0; '::' for IPv6 and IPv4)\n"
    "  --password-file F    read the password from the first line of F\n"
    "                       (default: $CHAT_PASSWORD, else 123456 with a warning)\n"
    "  --max-line N         longest accepted line in bytes (default 4096)\n"
    "  --auth-timeout S     seconds to log in before being dropped (default 30)\n"
    "  --max-queue N        bytes of unsent output before a client is dropped (default 1048576)\n"
    "  --rate R             lines per second per client, 0 for no limit (default 20)\n"
    "  --burst N            lines a client may send at once before --rate applies (default 50)\n"
    "  --max-clients N      open connections allowed (default: what the descriptor limit allows)\n"
    "  --backend NAME       readiness backend: BACKENDS (default DEFAULT)\n"
    "  --help               show this help and exit\n"
    "  --version            show the version and exit\n";

std::string usage() {
  std::string text = kUsage;
  std::string names;
  for (std::string_view b : reactor::available_backends()) {
    if (!names.empty()) names += '|';
    names += b;
  }
  text.replace(text.find("BACKENDS"), 8, names);
  text.replace(text.find("DEFAULT"), 7, std::string(reactor::available_backends().front()));
  return text;
}

std::optional<double> to_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text.c_str(), &end);
  if (errno != 0 || *end != '\0' || v != v) return std::nullopt;
  return v;
}

std::optional<std::size_t> to_count(const std::string& text, double min, double max) {
  auto v = to_number(text);
  if (!v || *v < min || *v > max || *v != static_cast<double>(static_cast<long long>(*v))) return std::nullopt;
  return static_cast<std::size_t>(*v);
}

}  // namespace

ParseStatus parse_options(int argc, char** argv, Options& o, std::string& message) {
  std::optional<std::string> password_file;
  using Setter = std::function<bool(const std::string&)>;
  const std::map<std::string, Setter> setters = {
      {"--port", [&](const std::string& v) {
         auto n = to_count(v, 0, 65535);
         if (n) o.port = static_cast<std::uint16_t>(*n);
         return n.has_value();
       }},
      {"--bind", [&](const std::string& v) {
         o.bind = v;
         return !v.empty();
       }},
      {"--password-file", [&](const std::string& v) {
         password_file = v;
         return !v.empty();
       }},
      {"--max-line", [&](const std::string& v) {
         auto n = to_count(v, 16, 1 << 24);
         if (n) o.max_line = *n;
         return n.has_value();
       }},
      {"--auth-timeout", [&](const std::string& v) {
         auto n = to_number(v);
         if (n && *n > 0 && *n <= 86400) o.auth_timeout_seconds = *n;
         return n && *n > 0 && *n <= 86400;
       }},
      {"--max-queue", [&](const std::string& v) {
         auto n = to_count(v, 1024, 1ull << 34);
         if (n) o.max_queue = *n;
         return n.has_value();
       }},
      {"--rate", [&](const std::string& v) {
         auto n = to_number(v);
         // 0 turns flood control off; otherwise at least one line per 1000 s.
         bool ok = n && (*n == 0 || (*n >= 0.001 && *n <= 1e9));
         if (ok) o.rate = *n;
         return ok;
       }},
      {"--burst", [&](const std::string& v) {
         auto n = to_count(v, 1, 1e9);
         if (n) o.burst = static_cast<double>(*n);
         return n.has_value();
       }},
      {"--max-clients", [&](const std::string& v) {
         auto n = to_count(v, 1, 1e9);
         if (n) o.max_clients = *n;
         return n.has_value();
       }},
      {"--backend", [&](const std::string& v) {
         o.backend = v;
         for (std::string_view b : reactor::available_backends())
           if (b == v) return true;
         return false;
       }},
  };

  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      message = usage();
      return ParseStatus::ExitOk;
    }
    if (arg == "--version") {
      message = std::string("chat-server ") + CHAT_VERSION + "\n";
      return ParseStatus::ExitOk;
    }
    std::string name = arg, value;
    bool has_value = false;
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    auto it = setters.find(name);
    if (it == setters.end()) {
      message = "chat-server: unknown option '" + arg + "' (see --help)\n";
      return ParseStatus::ExitUsage;
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        message = "chat-server: option " + name + " needs a value (see --help)\n";
        return ParseStatus::ExitUsage;
      }
      value = argv[++i];
    }
    if (!it->second(value)) {
      message = "chat-server: invalid value '" + value + "' for " + name + " (see --help)\n";
      return ParseStatus::ExitUsage;
    }
  }

  chat::PasswordLookup found = chat::find_password(password_file);
  if (!found.error.empty()) {
    message = "chat-server: " + found.error + "\n";
    return ParseStatus::ExitUsage;
  }
  if (found.origin != chat::PasswordOrigin::None) {
    o.password = found.password;
    o.default_password = false;
  }
  if (o.backend.empty()) o.backend = std::string(reactor::available_backends().front());
  return ParseStatus::Run;
}

}  // namespace chat_server
