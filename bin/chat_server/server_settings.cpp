// Settings that change while the server runs: the SIGHUP reload, and what the connection
// layer takes from the settings (its limits, which a reload may change: max-clients,
// max-per-ip, max-unauthenticated[-per-ip], ...). A reload never drops anyone: new values
// apply to what happens next (accepts, connections, login attempts, welcomes); see
// docs/OPERATIONS.md.
#include <string>
#include <vector>

#include "bin/chat_server/server.h"
#include "net/log.h"

namespace chat_server {

using net::log_event;
using net::LogLevel;

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

}  // namespace

net::Limits net_limits(const Options& options) {
  net::Limits limits;
  limits.auth_timeout_seconds = options.auth_timeout_seconds;
  limits.max_queue = options.max_queue;
  limits.max_output_total = options.max_output_total;
  limits.rate = options.rate;
  limits.burst = options.burst;
  limits.max_clients = options.max_clients;
  limits.max_per_ip = options.max_per_ip;
  limits.max_unauthenticated = options.max_unauthenticated;
  limits.max_unauthenticated_per_ip = options.max_unauthenticated_per_ip;
  limits.keepalive_seconds = options.keepalive_seconds;
  limits.reuse_port = options.reuse_port;
  return limits;
}

void log_settings_warnings(const Options& options) {
  for (const std::string& warning : options.warnings)
    log_event(LogLevel::Warn, "config_warning", "warning: " + warning, {{"warning", warning}});
}

void Server::reload() {
  if (!reload_ || options_.config_path.empty()) {
    log_event(LogLevel::Warn, "reload_skipped", "SIGHUP: no --config file, nothing to reload");
    return;
  }
  Options fresh;
  std::string error;
  if (!reload_(fresh, error)) {
    log_event(LogLevel::Error, "reload_failed", "reload failed, keeping the current settings: " + error,
              {{"error", error}});
    return;
  }
  // An emptied or half-written file must not weaken authentication by omission: the
  // built-in default is public, so only an operator's explicit setting may select it.
  if (fresh.default_password && !options_.default_password) {
    error =
        "the new settings give no password (no password, password-file or CHAT_PASSWORD any more), so the "
        "built-in default would apply";
    log_event(LogLevel::Error, "reload_failed", "reload failed, keeping the current settings: " + error,
              {{"error", error}});
    return;
  }
  apply_reloaded(fresh);
}

void Server::apply_reloaded(const Options& fresh) {
  std::vector<std::string> changed, need_restart;
  auto compare = [](bool differs, const char* name, std::vector<std::string>& list) {
    if (differs) list.emplace_back(name);
  };
  // What the running process cannot change: the listening socket, the poller, and what
  // the log and statistics were set up with.
  compare(fresh.bind != options_.bind, "bind", need_restart);
  compare(fresh.port != options_.port, "port", need_restart);
  compare(fresh.backend != options_.backend, "backend", need_restart);
  compare(fresh.log_format != options_.log_format, "log-format", need_restart);
  compare(fresh.stats_interval_seconds != options_.stats_interval_seconds, "stats-interval", need_restart);
  compare(fresh.config_path != options_.config_path, "config", need_restart);
  compare(fresh.open != options_.open, "open", need_restart);
  compare(fresh.irc_port != options_.irc_port, "irc-port", need_restart);
  compare(fresh.server_name != options_.server_name, "server-name", need_restart);
  compare(fresh.irc_channel != options_.irc_channel, "irc-channel", need_restart);
  compare(fresh.irc_topic != options_.irc_topic, "irc-topic", need_restart);
  compare(fresh.irc_ping_seconds != options_.irc_ping_seconds, "irc-ping", need_restart);
  compare(fresh.web_port != options_.web_port, "web-port", need_restart);
  compare(fresh.web_origin != options_.web_origin, "web-origin", need_restart);

  compare(fresh.password != options_.password, "password", changed);
  compare(fresh.max_line != options_.max_line, "max-line", changed);
  compare(fresh.auth_timeout_seconds != options_.auth_timeout_seconds, "auth-timeout", changed);
  compare(fresh.max_queue != options_.max_queue, "max-queue", changed);
  compare(fresh.max_output_total != options_.max_output_total, "max-output-total", changed);
  compare(fresh.rate != options_.rate, "rate", changed);
  compare(fresh.burst != options_.burst, "burst", changed);
  compare(fresh.max_clients != options_.max_clients, "max-clients", changed);
  compare(fresh.max_per_ip != options_.max_per_ip, "max-per-ip", changed);
  compare(fresh.max_unauthenticated != options_.max_unauthenticated, "max-unauthenticated", changed);
  compare(fresh.max_unauthenticated_per_ip != options_.max_unauthenticated_per_ip, "max-unauthenticated-per-ip",
          changed);
  compare(fresh.keepalive_seconds != options_.keepalive_seconds, "keepalive", changed);
  compare(fresh.motd != options_.motd || fresh.motd_path != options_.motd_path, "motd", changed);
  compare(fresh.log_level != options_.log_level, "log-level", changed);

  Options next = fresh;
  next.bind = options_.bind;
  next.port = options_.port;
  next.backend = options_.backend;
  next.log_format = options_.log_format;
  next.stats_interval_seconds = options_.stats_interval_seconds;
  next.config_path = options_.config_path;
  next.open = options_.open;
  next.irc_port = options_.irc_port;
  next.server_name = options_.server_name;
  next.irc_channel = options_.irc_channel;
  next.irc_topic = options_.irc_topic;
  next.irc_ping_seconds = options_.irc_ping_seconds;
  next.web_port = options_.web_port;
  next.web_origin = options_.web_origin;
  options_ = std::move(next);

  chat_->apply(options_);
  net_->set_max_line(line_listener_, options_.max_line);
  if (web_listener_ >= 0) net_->set_max_line(web_listener_, options_.max_line);
  net_->set_limits(net_limits(options_));
  net::set_log_level(options_.log_level);  // first, so the lines below follow the new level

  log_settings_warnings(options_);
  std::string what = changed.empty() ? std::string("no changes") : "changed " + joined(changed);
  log_event(LogLevel::Info, "reloaded", "reloaded " + options_.config_path + ": " + what,
            {{"file", options_.config_path}, {"changed", joined(changed)}});
  if (!need_restart.empty())
    log_event(LogLevel::Warn, "restart_needed",
              "reload: " + joined(need_restart) + " changed in the configuration; a restart is needed to apply",
              {{"settings", joined(need_restart)}});
  if (options_.default_password && !changed.empty() && changed.front() == "password")
    log_event(LogLevel::Warn, "default_password",
              "warning: using the built-in default password (see README); set CHAT_PASSWORD or --password-file");
}

}  // namespace chat_server
