// The table of chat-server's settings: for each, its name, where it may be given, its
// --help line and how its value is checked and stored. options.cpp reads the sources.
#include "bin/chat_server/option_table.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <optional>

#include "bin/chat_server/cluster_settings.h"
#include "bus/bus_keys.h"
#include "reactor/poller.h"

namespace chat_server {
namespace option_table {
namespace {

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

std::string integer_range(double min, double max) {
  return "an integer from " + std::to_string(static_cast<long long>(min)) + " to " +
         std::to_string(static_cast<long long>(max));
}

// An integer option stored by `store`.
template <auto Min, auto Max, auto Store>
std::string count_option(Options& o, const std::string& v) {
  auto n = to_count(v, Min, Max);
  if (!n) return integer_range(Min, Max);
  Store(o, *n);
  return "";
}

// Seconds (fractions allowed), 0 < s <= one day.
std::optional<double> to_seconds(const std::string& v) {
  auto n = to_number(v);
  if (!n || *n <= 0 || *n > 86400) return std::nullopt;
  return n;
}

std::string redis_option(Options& o, const std::string& v) {
  o.redis = v;
  return parse_redis_address(v) ? "" : "HOST:PORT (an IPv6 address in brackets)";
}

std::string backend_names(std::string_view separator) {
  std::string names;
  for (std::string_view b : reactor::available_backends()) {
    if (!names.empty()) names += separator;
    names += b;
  }
  return names;
}

constexpr Spec kSpecs[] = {
    {"config", "FILE", "read settings from FILE ('key = value' lines; re-read on SIGHUP)", kFlag | kEnvironment, kShown,
     [](Options& o, const std::string& v) -> std::string {
       o.config_path = v;
       return v.empty() ? "a file name" : "";
     }},
    {"check-config", "", "validate the settings (flags, environment, file), report, exit 0 or 2", kFlag, kShown,
     nullptr},
    {"port", "N", "TCP port to listen on (default 5000; 0 picks a free port)", kEverywhere, kShown,
     count_option<0, 65535, [](Options& o, std::size_t n) { o.port = static_cast<std::uint16_t>(n); }>},
    {"bind", "ADDR", "address to bind (default 0.0.0.0; '::' for IPv6 and IPv4)", kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::string {
       // "[::1]", as in URLs and in our own log lines, means "::1".
       bool bracketed = v.size() >= 2 && v.front() == '[' && v.back() == ']';
       o.bind = bracketed ? v.substr(1, v.size() - 2) : v;
       bool bad = o.bind.empty() || o.bind.find_first_of("[]") != std::string::npos;
       return bad ? "an address ('::1' or '[::1]')" : "";
     }},
    {"password", "", "", kFile | kEnvironment, kSecret,
     [](Options& o, const std::string& v) -> std::string {
       if (v.empty()) return "a non-empty password";
       o.password = v;
       o.password_file.clear();
       o.default_password = false;
       return "";
     }},
    {"password-file", "F",
     "read the password from the first line of F\n(default: $CHAT_PASSWORD, else 123456 with a warning)", kEverywhere,
     kShown,
     [](Options& o, const std::string& v) -> std::string {
       o.password_file = v;
       return v.empty() ? "a file name" : "";
     }},
    {"max-line", "N", "longest accepted line in bytes (default 4096)", kEverywhere, kShown,
     count_option<16, 1 << 24, [](Options& o, std::size_t n) { o.max_line = n; }>},
    {"auth-timeout", "S", "seconds to log in before being dropped (default 30)", kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::string {
       auto s = to_seconds(v);
       if (!s) return "a number of seconds above 0, at most 86400";
       o.auth_timeout_seconds = *s;
       return "";
     }},
    {"max-queue", "N", "bytes of unsent output before a client is dropped (default 1048576)", kEverywhere, kShown,
     count_option<1024, 1ull << 34, [](Options& o, std::size_t n) { o.max_queue = n; }>},
    {"max-output-total", "N",
     "bytes of unsent output, all clients together, before the largest queues are dropped\n"
     "(default 0: a quarter of the memory, physical or the cgroup's limit)",
     kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::string {
       auto n = to_count(v, 0, 1ull << 50);
       if (!n || (*n != 0 && *n < 65536)) return "0 or a number of bytes from 65536 to 2^50";
       o.max_output_total = *n;
       return "";
     }},
    {"rate", "R", "lines per second per client, 0 for no limit (default 20)", kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::string {
       auto n = to_number(v);
       // 0 turns flood control off; otherwise at least one line per 1000 s.
       if (!n || !(*n == 0 || (*n >= 0.001 && *n <= 1e9))) return "0 or a number from 0.001 to 1e9";
       o.rate = *n;
       return "";
     }},
    {"burst", "N", "lines a client may send at once before --rate applies (default 50)", kEverywhere, kShown,
     count_option<1, 1000000000, [](Options& o, std::size_t n) { o.burst = static_cast<double>(n); }>},
    {"max-clients", "N", "open connections allowed, 0 for what the descriptor limit allows (default 0)", kEverywhere,
     kShown, count_option<0, 1000000000, [](Options& o, std::size_t n) { o.max_clients = n; }>},
    {"max-per-ip", "N", "open connections from one address, 0 for no limit (default 64)", kEverywhere, kShown,
     count_option<0, 1000000000, [](Options& o, std::size_t n) { o.max_per_ip = n; }>},
    {"max-unauthenticated", "N",
     "connections still logging in, 0 for half of --max-clients but at\n"
     "least 64 (default 0); at the cap a newcomer evicts one of them",
     kEverywhere, kShown, count_option<0, 1000000000, [](Options& o, std::size_t n) { o.max_unauthenticated = n; }>},
    {"max-unauthenticated-per-ip", "N", "logins in progress from one address,\n0 for no limit (default 8)", kEverywhere,
     kShown, count_option<0, 1000000000, [](Options& o, std::size_t n) { o.max_unauthenticated_per_ip = n; }>},
    {"keepalive", "S", "seconds of silence before TCP keepalive probes a peer (default 30)", kEverywhere, kShown,
     count_option<1, 32767, [](Options& o, std::size_t n) { o.keepalive_seconds = static_cast<int>(n); }>},
    {"motd", "FILE", "message of the day: FILE's lines are shown after the welcome", kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::string {
       o.motd_path = v;
       return v.empty() ? "a file name" : "";
     }},
    {"log-level", "L", "error|warn|info|debug (default info)", kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::string {
       if (v == "error")
         o.log_level = LogLevel::Error;
       else if (v == "warn")
         o.log_level = LogLevel::Warn;
       else if (v == "info")
         o.log_level = LogLevel::Info;
       else if (v == "debug")
         o.log_level = LogLevel::Debug;
       else
         return "error, warn, info or debug";
       return "";
     }},
    {"log-format", "F", "text|json (default text)", kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::string {
       if (v == "text")
         o.log_format = LogFormat::Text;
       else if (v == "json")
         o.log_format = LogFormat::Json;
       else
         return "text or json";
       return "";
     }},
    {"stats-interval", "S", "log the counters every S seconds, 0 for never (default 0)", kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::string {
       auto n = to_number(v);
       if (!n || !(*n == 0 || (*n >= 0.1 && *n <= 86400))) return "0 or a number of seconds from 0.1 to 86400";
       o.stats_interval_seconds = *n;
       return "";
     }},
    {"open", "", "open chat: no password on any door (a warning at start-up)", kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::string {
       if (v == "yes" || v == "true" || v == "1" || v == "on")
         o.open = true;
       else if (v == "no" || v == "false" || v == "0" || v == "off")
         o.open = false;
       else
         return "yes or no";
       return "";
     }},
    {"irc-port", "N", "TCP port of the IRC door, 0 for none (default 0)", kEverywhere, kShown,
     count_option<0, 65535, [](Options& o, std::size_t n) { o.irc_port = static_cast<std::uint16_t>(n); }>},
    {"server-name", "NAME", "the server's name for IRC clients (default: the host name)", kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::string {
       o.server_name = v;
       bool ok = !v.empty() && v.size() <= 63 && v.find_first_of(" :,!@*?\t\r\n") == std::string::npos;
       return ok ? "" : "a host-like name of 1-63 characters without spaces";
     }},
    {"irc-channel", "NAME", "the room's name for IRC clients (default #chat)", kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::string {
       o.irc_channel = v;
       bool ok =
           v.size() >= 2 && v.size() <= 50 && v[0] == '#' && v.find_first_of(" ,:\x07\t\r\n") == std::string::npos;
       return ok ? "" : "'#' and 1-49 characters without spaces, commas or colons";
     }},
    {"irc-topic", "TEXT", "the channel's topic for IRC clients (read-only; default none)", kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::string {
       o.irc_topic = v;
       return v.size() <= 300 ? "" : "at most 300 bytes";
     }},
    {"irc-ping", "S",
     "seconds of silence before an IRC client is pinged;\nno answer in as long again drops it (default 90)",
     kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::
                                              string {
                                                auto n = to_seconds(v);
                                                if (!n) return "a number of seconds above 0, at most 86400";
                                                o.irc_ping_seconds = *n;
                                                return "";
                                              }},
    {"web-port", "N", "TCP port of the web door (page and WebSocket), 0 for none (default 0)", kEverywhere, kShown,
     count_option<0, 65535, [](Options& o, std::size_t n) { o.web_port = static_cast<std::uint16_t>(n); }>},
    {"web-origin", "LIST",
     "origins (scheme://host[:port], comma-separated) allowed to open\na WebSocket; * for any (default: the page's "
     "own)",
     kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::
                                              string {
                                                o.web_origin = v;
                                                return v.find_first_of("\r\n") == std::string::npos
                                                           ? ""
                                                           : "a comma-separated list of origins";
                                              }},
    {"redis", "HOST:PORT", "join a cluster through this Redis (docs/SCALING.md;\ndefault: none, a standalone node)",
     kEverywhere, kShown, redis_option},
    {"redis-password-file", "F", "read Redis's password (requirepass) from the first line of F", kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::string {
       o.redis_password_file = v;
       return v.empty() ? "a file name" : "";
     }},
    {"node-name", "NAME", "this node's name in the cluster (default: host name and pid)", kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::string {
       o.node_name = v;
       return bus::valid_node_name(v) ? "" : "1-64 bytes without '|', spaces or control characters";
     }},
    {"redis-timeout", "S",
     "seconds a Redis command may go unanswered before the node drops\nthe connection and "
     "reconnects, 0 for never (default 3)",
     kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::
                                              string {
                                                auto n = to_number(v);
                                                if (!n || !(*n == 0 || (*n >= 0.1 && *n <= 3600)))
                                                  return "0 or a number of seconds from 0.1 to 3600";
                                                o.redis_timeout_seconds = *n;
                                                return "";
                                              }},
    {"reuse-port", "", "share the listening ports with other nodes on this machine (SO_REUSEPORT)", kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::string {
       if (v == "yes" || v == "true" || v == "1" || v == "on")
         o.reuse_port = true;
       else if (v == "no" || v == "false" || v == "0" || v == "off")
         o.reuse_port = false;
       else
         return "yes or no";
       return "";
     }},
    {"backend", "NAME", "readiness backend: BACKENDS (default DEFAULT)", kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::string {
       o.backend = v;
       for (std::string_view b : reactor::available_backends())
         if (b == v) return "";
       return backend_names(" or ");
     }},
};

}  // namespace

std::span<const Spec> all_specs() { return kSpecs; }

const Spec* find_spec(std::string_view name) {
  for (const Spec& s : kSpecs)
    if (s.name == name) return &s;
  return nullptr;
}

std::string usage() {
  std::string text =
      "Usage: chat-server [OPTIONS]\n"
      "A line-based chat server (see docs/PROTOCOL.md). Try: nc localhost 5000\n"
      "\n"
      "Options:\n";
  auto add = [&text](std::string left, std::string_view help) {
    left.resize(std::max<std::size_t>(left.size() + 1, 23), ' ');
    text += left;
    for (std::size_t start = 0;;) {
      std::size_t end = help.find('\n', start);
      text.append(help.substr(start, end - start)).push_back('\n');
      if (end == std::string_view::npos) break;
      start = end + 1;
      text.append(23, ' ');
    }
  };
  for (const Spec& s : kSpecs) {
    if (!s.flag()) continue;
    std::string help(s.help);
    if (s.name == "backend") {
      help.replace(help.find("BACKENDS"), 8, backend_names("|"));
      help.replace(help.find("DEFAULT"), 7, std::string(reactor::available_backends().front()));
    }
    std::string left("  --");
    left.append(s.name);
    if (!s.arg.empty()) left.append(" ").append(s.arg);
    add(left, help);
  }
  add("  --help", "show this help and exit");
  add("  --version", "show the version and exit");
  text +=
      "\n"
      "Every option but --config and --check-config may also be set in the --config file as\n"
      "'name = value' and in the environment as CHAT_NAME (CHAT_MAX_LINE=...); the password\n"
      "also as 'password = ...' or CHAT_PASSWORD. Precedence: flags > environment > file >\n"
      "defaults. SIGHUP re-reads the file (see docs/OPERATIONS.md).\n";
  return text;
}

}  // namespace option_table

std::vector<OptionName> option_names() {
  std::vector<OptionName> names;
  for (const option_table::Spec& s : option_table::all_specs())
    names.push_back({std::string(s.name), s.flag(), s.file_key(), s.environment()});
  return names;
}

}  // namespace chat_server
