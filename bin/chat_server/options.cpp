// Settings from their sources: the flags ("--name value" and "--name=value"), the config
// file keys ("name = value") and the CHAT_NAME environment variables, all checked by the one
// table in option_table.cpp, so that every source accepts exactly the same spellings and values.
#include "bin/chat_server/options.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "bin/chat_server/config_file.h"
#include "bin/chat_server/motd.h"
#include "bin/chat_server/option_table.h"
#include "protocol/password_source.h"
#include "reactor/poller.h"

namespace chat_server {
namespace {

using option_table::find_spec;
using option_table::Spec;
using option_table::usage;

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
    if (!has_value && spec->arg.empty()) {  // a yes/no switch: --open means --open=yes
      value = "yes";
    } else if (!has_value) {
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

  for (const Spec& spec : option_table::all_specs()) {
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
  if (!result.redis_password_file.empty()) {
    chat::PasswordLookup found = chat::find_password(result.redis_password_file);
    if (!found.error.empty()) {
      error = "redis-password-file: " + found.error;
      return false;
    }
    result.redis_password = found.password;
  }
  // A password line longer than max-line is cut off by the framer: nobody could log in.
  if (result.password.size() > result.max_line) {
    error = "the password is " + std::to_string(result.password.size()) + " bytes, longer than max-line (" +
            std::to_string(result.max_line) + "): no client could send it";
    return false;
  }
  // One longest line is queued for every reader at once: a queue that cannot hold two would
  // drop, as too slow, everybody who is keeping up.
  if (result.max_line > result.max_queue / 2) {
    error = "max-line (" + std::to_string(result.max_line) + ") is more than half of max-queue (" +
            std::to_string(result.max_queue) +
            "): one longest line would drop its readers as too slow; raise max-queue";
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
