// Settings: one table of option descriptors drives the flags ("--name value" and
// "--name=value"), the config file keys ("name = value") and the CHAT_NAME environment
// variables, so that every source accepts exactly the same spellings and values.
#include "bin/chat_server/options.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string_view>

#include "bin/chat_server/config_file.h"
#include "bin/chat_server/motd.h"
#include "protocol/password_source.h"
#include "reactor/poller.h"

namespace chat_server {
namespace {

// Applies a value; returns "" or what was expected instead ("an integer from 1 to 9").
using Apply = std::string (*)(Options&, const std::string&);

// Where a setting may be given.
enum Where : unsigned { kFlag = 1, kFile = 2, kEnvironment = 4, kEverywhere = kFlag | kFile | kEnvironment };
enum Echo : bool { kShown = false, kSecret = true };  // a secret is never echoed in an error

struct Spec {
  std::string_view name;
  std::string_view arg;   // the value's placeholder in --help; "" for a flag without value
  std::string_view help;  // '\n' starts a continuation line
  unsigned where;
  Echo echo;
  Apply apply;  // nullptr: a switch without value (--check-config)

  bool flag() const { return where & kFlag; }
  bool file_key() const { return where & kFile; }
  bool environment() const { return where & kEnvironment; }
  bool secret() const { return echo == kSecret; }
};

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
    {"backend", "NAME", "readiness backend: BACKENDS (default DEFAULT)", kEverywhere, kShown,
     [](Options& o, const std::string& v) -> std::string {
       o.backend = v;
       for (std::string_view b : reactor::available_backends())
         if (b == v) return "";
       return backend_names(" or ");
     }},
};

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

std::string quoted(const Spec& spec, const std::string& value) {
  return spec.secret() ? std::string("a value") : "'" + value + "'";
}

// The password may come from `password` or `password-file`; one source giving both is
// ambiguous, so it is an error rather than a silent pick.
std::string password_conflict(const std::vector<Setting>& settings) {
  bool inline_password = false, file = false;
  for (const Setting& s : settings) {
    inline_password |= s.name == "password";
    file |= s.name == "password-file";
  }
  return inline_password && file ? "both password and password-file are set; keep one" : "";
}

bool apply_all(Options& o, const std::vector<Setting>& settings) {
  for (const Setting& s : settings) {
    const Spec* spec = find_spec(s.name);
    if (!spec || !spec->apply || !spec->apply(o, s.value).empty()) return false;  // validated before
  }
  return true;
}

std::string config_path_of(const OptionSources& sources) {
  std::string path;
  for (const Setting& s : sources.environment)
    if (s.name == "config") path = s.value;
  for (const Setting& s : sources.flags)
    if (s.name == "config") path = s.value;
  return path;
}

// The file's entries as settings; errors name the file and line.
bool read_file_settings(const std::string& path, std::vector<Setting>& settings, std::string& error) {
  std::vector<ConfigEntry> entries;
  if (!read_config_file(path, entries, error)) return false;
  Options scratch;
  int password_line = 0, password_file_line = 0;
  for (const ConfigEntry& e : entries) {
    std::string where = path + ":" + std::to_string(e.line) + ": ";
    const Spec* spec = find_spec(e.key);
    if (!spec) {
      error = where + "unknown key '" + e.key + "'";
      return false;
    }
    if (!spec->file_key()) {
      error = where;
      error.append("'").append(e.key).append("' can only be given on the command line");
      return false;
    }
    if (std::string expected = spec->apply(scratch, e.value); !expected.empty()) {
      error = where;
      error.append(e.key).append(": expected ").append(expected).append(", not ").append(quoted(*spec, e.value));
      return false;
    }
    if (e.key == "password") password_line = e.line;
    if (e.key == "password-file") password_file_line = e.line;
    settings.push_back({e.key, e.value});
  }
  if (password_line && password_file_line) {
    error =
        path + ":" + std::to_string(std::max(password_line, password_file_line)) + ": " + password_conflict(settings);
    return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> process_environment(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

std::string environment_name(const std::string& option) {
  std::string name = "CHAT_";
  for (char c : option) name += c == '-' ? '_' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return name;
}

std::vector<OptionName> option_names() {
  std::vector<OptionName> names;
  for (const Spec& s : kSpecs) names.push_back({std::string(s.name), s.flag(), s.file_key(), s.environment()});
  return names;
}

ParseStatus parse_command_line(const std::vector<std::string>& args, const EnvLookup& env, OptionSources& sources,
                               std::string& message) {
  sources = {};
  Options scratch;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
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
    const Spec* spec = name.rfind("--", 0) == 0 ? find_spec(std::string_view(name).substr(2)) : nullptr;
    if (!spec || !spec->flag()) {
      message = "chat-server: unknown option '" + arg + "' (see --help)\n";
      return ParseStatus::ExitUsage;
    }
    if (!spec->apply) {  // a switch: --check-config
      if (has_value) {
        message = "chat-server: option " + name + " takes no value (see --help)\n";
        return ParseStatus::ExitUsage;
      }
      sources.check_config = true;
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        message = "chat-server: option " + name + " needs a value (see --help)\n";
        return ParseStatus::ExitUsage;
      }
      value = args[++i];
    }
    if (std::string expected = spec->apply(scratch, value); !expected.empty()) {
      message = std::string("chat-server: invalid value ")
                    .append(quoted(*spec, value))
                    .append(" for ")
                    .append(name)
                    .append(": expected ")
                    .append(expected)
                    .append(" (see --help)\n");
      return ParseStatus::ExitUsage;
    }
    sources.flags.push_back({std::string(spec->name), value});
  }

  for (const Spec& spec : kSpecs) {
    if (!spec.environment()) continue;
    std::string variable = environment_name(std::string(spec.name));
    std::optional<std::string> value = env(variable);
    if (!value) continue;
    if (std::string expected = spec.apply(scratch, *value); !expected.empty()) {
      message = std::string("chat-server: invalid value ")
                    .append(quoted(spec, *value))
                    .append(" in ")
                    .append(variable)
                    .append(": expected ")
                    .append(expected)
                    .append("\n");
      return ParseStatus::ExitUsage;
    }
    sources.environment.push_back({std::string(spec.name), *value});
  }
  if (std::string conflict = password_conflict(sources.environment); !conflict.empty()) {
    message = "chat-server: environment: CHAT_PASSWORD and CHAT_PASSWORD_FILE are both set; keep one\n";
    return ParseStatus::ExitUsage;
  }
  return ParseStatus::Run;
}

bool load_options(const OptionSources& sources, Options& o, std::string& error) {
  Options result;
  if (std::string path = config_path_of(sources); !path.empty()) {
    std::vector<Setting> file;
    if (!read_file_settings(path, file, error)) return false;
    apply_all(result, file);
  }
  if (!apply_all(result, sources.environment) || !apply_all(result, sources.flags)) {
    error = "invalid setting";  // parse_command_line validated them: cannot happen
    return false;
  }
  result.check_config = sources.check_config;

  if (!result.password_file.empty()) {
    chat::PasswordLookup found = chat::find_password(result.password_file);
    if (!found.error.empty()) {
      error = found.error;
      return false;
    }
    result.password = found.password;
    result.default_password = false;
    if (!found.warning.empty()) result.warnings.push_back(found.warning);
  }
  // A password line longer than max-line is cut off by the framer: nobody could log in.
  if (result.password.size() > result.max_line) {
    error = "the password is " + std::to_string(result.password.size()) + " bytes, longer than max-line (" +
            std::to_string(result.max_line) + "): no client could send it";
    return false;
  }
  if (!result.motd_path.empty() && !read_motd(result.motd_path, result.motd, error)) return false;
  if (result.backend.empty()) result.backend = std::string(reactor::available_backends().front());
  o = std::move(result);
  return true;
}

ParseStatus parse_options(int argc, char** argv, Options& options, std::string& message) {
  std::vector<std::string> args(argv + 1, argv + argc);
  OptionSources sources;
  ParseStatus status = parse_command_line(args, process_environment, sources, message);
  if (status != ParseStatus::Run) return status;
  std::string error;
  if (!load_options(sources, options, error)) {
    message = "chat-server: " + error + "\n";
    return ParseStatus::ExitUsage;
  }
  return ParseStatus::Run;
}

}  // namespace chat_server
