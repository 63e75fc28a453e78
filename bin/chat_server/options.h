// chat-server's settings (PROTOCOL.md and docs/OPERATIONS.md list them). Each one can come
// from a default, the --config file, a CHAT_* environment variable or a flag, in rising
// precedence; one table in options.cpp drives all four.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "net/log.h"

namespace chat_server {

// The log is the connection layer's (net/log.h); its level and format are settings here.
using net::LogFormat;
using net::LogLevel;

struct Options {
  std::string bind = "0.0.0.0";
  std::uint16_t port = 5000;
  std::string password = "123456";
  bool default_password = true;
  std::size_t max_line = 4096;
  double auth_timeout_seconds = 30;
  std::size_t max_queue = 1 << 20;
  std::size_t max_output_total = 0;  // all queues together; 0: derived from memory (output_budget.h)
  double rate = 20;
  double burst = 50;
  std::size_t max_clients = 0;  // 0: as many as the descriptor limit allows
  std::string backend;          // empty: the platform's default
  std::size_t max_per_ip = 64;  // open connections from one address; 0: no limit
  int keepalive_seconds = 30;   // TCP keepalive idle time before the first probe
  // Connections not yet chatting: in total (0: half of max-clients, at least 64 or all of
  // it) and from one address (0: no limit).
  std::size_t max_unauthenticated = 0;
  std::size_t max_unauthenticated_per_ip = 8;
  LogLevel log_level = LogLevel::Info;
  LogFormat log_format = LogFormat::Text;
  double stats_interval_seconds = 0;  // 0: no periodic statistics line
  bool open = false;                  // no password on any door (a warning at start-up)
  // The IRC door (docs/IRC.md): off unless a port is given.
  std::uint16_t irc_port = 0;
  std::string server_name;  // empty: the host name
  std::string irc_channel = "#chat";
  std::string irc_topic;
  double irc_ping_seconds = 90;  // silence before the server PINGs; twice that and it drops
  // The web door (docs/WEB.md): off unless a port is given.
  std::uint16_t web_port = 0;
  std::string web_origin;  // origins allowed to open a WebSocket; empty: the page's own
  // The cluster (docs/SCALING.md): off unless Redis is given.
  std::string redis;                 // HOST:PORT
  std::string redis_password_file;   // its first line is Redis's requirepass
  std::string redis_password;        // as read from that file
  std::string node_name;             // empty: host name and pid (cluster_settings.h)
  double redis_timeout_seconds = 3;  // a command unanswered this long drops the connection; 0: never
  bool reuse_port = false;           // share the listening ports with other nodes (SO_REUSEPORT)

  std::string config_path;            // --config: the file re-read on SIGHUP; empty for none
  bool check_config = false;          // --check-config: validate, report, exit
  std::string password_file;          // where `password` was read from, if a file
  std::string motd_path;              // --motd: empty for none
  std::vector<std::string> motd;      // that file's lines, as read (protocol/ sanitizes them)
  std::vector<std::string> warnings;  // problems worked around (a BOM): logged, and shown by --check-config
};

// One "name = value" as given by a flag, an environment variable or a config file line.
struct Setting {
  std::string name;  // the flag's name without "--": "max-per-ip"
  std::string value;
};

// The flags and CHAT_* variables a process was started with: kept so that a reload can
// apply them again over a freshly read config file (they still win over it).
struct OptionSources {
  std::vector<Setting> environment;
  std::vector<Setting> flags;
  bool check_config = false;
};

enum class ParseStatus { Run, ExitOk, ExitUsage };

// Looks up an environment variable; nullopt when unset or empty.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
std::optional<std::string> process_environment(const std::string& name);

// Reads the flags (args excludes the program name) and the CHAT_* variables. Syntax errors
// and bad values are found here; the config file is not read yet. On ExitOk/ExitUsage,
// `message` is what to print (to stdout for ExitOk, to stderr for ExitUsage).
ParseStatus parse_command_line(const std::vector<std::string>& args, const EnvLookup& env, OptionSources& sources,
                               std::string& message);

// Defaults, then the config file (the --config flag's, else CHAT_CONFIG's), then the
// environment, then the flags; then reads the password file and the MOTD. False with
// `error` (one line, no trailing newline, never containing a password) on any problem.
bool load_options(const OptionSources& sources, Options& options, std::string& error);

// Both steps, for main() and embedders: flags and environment of this process.
ParseStatus parse_options(int argc, char** argv, Options& options, std::string& message);

// The settings' names, in --help order, for tests and documentation checks.
struct OptionName {
  std::string name;
  bool flag;         // accepted as "--NAME"
  bool file_key;     // accepted as "NAME = value" in a config file
  bool environment;  // read from CHAT_NAME (upper case, '-' as '_')
};
std::vector<OptionName> option_names();

// The problems load_options worked around (Options::warnings), one warn line each: at
// start-up and after each reload (server_settings.cpp).
void log_settings_warnings(const Options& options);

// "max-per-ip" -> "CHAT_MAX_PER_IP".
std::string environment_name(const std::string& option);

}  // namespace chat_server
