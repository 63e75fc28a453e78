// Flag parsing for chat-swarm: "--flag value" and "--flag=value"; every error names the flag.
#include "bin/chat_swarm/options.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>

namespace swarm {
namespace {

std::optional<double> to_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text.c_str(), &end);
  if (errno != 0 || *end != '\0' || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> to_count(const std::string& text, double min, double max) {
  auto v = to_number(text);
  if (!v || *v < min || *v > max || *v != std::floor(*v)) return std::nullopt;
  return static_cast<std::uint64_t>(*v);
}

std::optional<Scenario> to_scenario(std::string_view name) {
  for (Scenario s : {Scenario::Fanout, Scenario::Chatter, Scenario::Private, Scenario::Churn, Scenario::LoginStorm,
                     Scenario::PubSub})
    if (to_string(s) == name) return s;
  return std::nullopt;
}

bool valid_name_prefix(const std::string& p) {
  if (p.size() > 16) return false;
  for (char c : p)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

}  // namespace

std::string_view to_string(Scenario s) {
  switch (s) {
    case Scenario::Fanout: return "fanout";
    case Scenario::Chatter: return "chatter";
    case Scenario::Private: return "private";
    case Scenario::Churn: return "churn";
    case Scenario::LoginStorm: return "login-storm";
    case Scenario::PubSub: return "pubsub";
  }
  return "?";
}

bool parse_source_ips(std::string_view text, std::vector<std::string>& out, std::string& error) {
  out.clear();
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string item(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    auto dash = item.find('-');
    if (dash == std::string::npos) {
      in6_addr probe6{};
      in_addr probe{};
      if (inet_pton(AF_INET, item.c_str(), &probe) != 1 && inet_pton(AF_INET6, item.c_str(), &probe6) != 1) {
        error = "'" + item + "' is not an IP address";
        return false;
      }
      out.push_back(item);
      continue;
    }
    std::string first = item.substr(0, dash), last = item.substr(dash + 1);
    in_addr a{}, b{};
    if (inet_pton(AF_INET, first.c_str(), &a) != 1 || inet_pton(AF_INET, last.c_str(), &b) != 1) {
      error = "'" + item + "' is not a range of IPv4 addresses (A.B.C.D-A.B.C.E)";
      return false;
    }
    std::uint32_t lo = ntohl(a.s_addr), hi = ntohl(b.s_addr);
    if (lo > hi || hi - lo >= 65536) {
      error = "range '" + item + "' is empty or longer than 65536 addresses";
      return false;
    }
    for (std::uint64_t v = lo; v <= hi; ++v) {
      in_addr x{};
      x.s_addr = htonl(static_cast<std::uint32_t>(v));
      char buf[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &x, buf, sizeof buf);
      out.emplace_back(buf);
    }
  }
  if (out.empty()) {
    error = "no addresses given";
    return false;
  }
  return true;
}

namespace {

// What the options seen so far leave for the checks and defaults after the loop.
struct Seen {
  bool duration = false;
  bool rate = false;
  std::uint64_t senders = 0, messages = 0, logins = 0;
  bool senders_set = false, messages_set = false, logins_set = false;
  bool host = false, port = false;
  bool during = false;  // --during-at or --during-for given
  std::vector<std::uint32_t> spread;
};

using Setter = std::function<bool(const std::string&)>;

// The options that take a value, each with what parses and stores it. A setter returns
// false on a bad value, and may leave a precise error in `message`.
std::map<std::string, Setter> make_setters(Options& o, Seen& seen, std::string& message) {
  auto count_into = [](auto& field, double min, double max) {
    return [&field, min, max](const std::string& v) {
      auto n = to_count(v, min, max);
      if (n) field = static_cast<std::remove_reference_t<decltype(field)>>(*n);
      return n.has_value();
    };
  };
  auto seconds_into = [](double& field, double min) {
    return [&field, min](const std::string& v) {
      auto n = to_number(v);
      if (n && *n >= min) field = *n;
      return n && *n >= min;
    };
  };
  auto list_into = [&message](const std::string& v, auto& field, auto parse, const char* flag) {
    std::string error;
    if (parse(v, field, error)) return true;
    message = std::string("chat-swarm: ").append(flag).append(": ").append(error).append("\n");
    return false;
  };
  return {
      {"--host", [&](const std::string& v) { return seen.host = !(o.host = v).empty(); }},
      {"--port", [&, port = count_into(o.port, 1, 65535)](const std::string& v) { return seen.port = port(v); }},
      // The helper lambdas by value: they are locals here, and the setters run after this returns.
      {"--targets",
       [&, list_into](const std::string& v) { return list_into(v, o.targets, parse_targets, "--targets"); }},
      {"--spread",
       [&, list_into](const std::string& v) { return list_into(v, seen.spread, parse_spread, "--spread"); }},
      {"--mix", [&, list_into](const std::string& v) { return list_into(v, o.mix, parse_mix, "--mix"); }},
      {"--irc-port", count_into(o.irc_port, 1, 65535)},
      {"--web-port", count_into(o.web_port, 1, 65535)},
      {"--password", [&](const std::string& v) { return !(o.password = v).empty(); }},
      {"--scenario",
       [&](const std::string& v) {
         auto s = to_scenario(v);
         if (s) o.scenario = *s;
         return s.has_value();
       }},
      {"--clients", count_into(o.clients, 1, 1000000)},
      {"--senders",
       [&, count_into](const std::string& v) { return seen.senders_set = count_into(seen.senders, 1, 1000000)(v); }},
      {"--proto",
       [&](const std::string& v) {
         for (Proto p : {Proto::Chat, Proto::Irc, Proto::Ws, Proto::Redis})
           if (to_string(p) == v) {
             o.proto = p;
             return true;
           }
         return false;
       }},
      {"--channel", [&](const std::string& v) { return !(o.channel = v).empty() && v.size() <= 200; }},
      {"--rate",
       [&](const std::string& v) {
         seen.rate = true;
         auto n = to_number(v);
         if (n && *n > 0 && *n <= 1e8) o.rate = *n;
         return n && *n > 0 && *n <= 1e8;
       }},
      {"--duration",
       [&](const std::string& v) {
         seen.duration = true;
         auto n = to_number(v);
         if (n && *n > 0 && *n <= 86400) o.duration_s = *n;
         return n && *n > 0 && *n <= 86400;
       }},
      {"--messages",
       [&, count_into](const std::string& v) { return seen.messages_set = count_into(seen.messages, 1, 4e9)(v); }},
      {"--logins",
       [&, count_into](const std::string& v) { return seen.logins_set = count_into(seen.logins, 1, 1e12)(v); }},
      {"--size", count_into(o.size, 1, kMaxSize)},
      {"--connect-rate", seconds_into(o.connect_rate, 0)},
      {"--source-ips",
       [&](const std::string& v) {
         std::string error;
         if (parse_source_ips(v, o.source_ips, error)) return true;
         message = "chat-swarm: --source-ips: " + error + "\n";
         return false;
       }},
      {"--json", [&](const std::string& v) { return !(o.json_path = v).empty(); }},
      {"--during-run", [&](const std::string& v) { return !(o.during_run = v).empty(); }},
      {"--during-at", [&, at = seconds_into(o.during_at_s, 0)](const std::string& v) { return seen.during = at(v); }},
      {"--during-for",
       [&, span = seconds_into(o.during_for_s, 0.001)](const std::string& v) { return seen.during = span(v); }},
      {"--ready-timeout", seconds_into(o.ready_timeout_s, 0.001)},
      {"--drain-timeout", seconds_into(o.drain_timeout_s, 0)},
      {"--hold", seconds_into(o.hold_s, 0)},
      {"--seed", count_into(o.seed, 0, 9007199254740992.0)},
      {"--name-prefix",
       [&](const std::string& v) {
         o.name_prefix = v;
         return !v.empty() && valid_name_prefix(v);
       }},
  };
}

// Combinations of options that cannot work together: an error text, or empty.
// Of those, the ones about where clients go (--targets, --spread, --mix) and --during-run.
std::string target_conflicts(const Options& o, const Seen& seen) {
  if (!o.targets.empty() && (seen.host || seen.port)) return "--targets replaces --host and --port";
  if (!seen.spread.empty() && o.targets.empty()) return "--spread needs --targets";
  if (!seen.spread.empty() && seen.spread.size() != o.targets.size())
    return "--spread gives " + std::to_string(seen.spread.size()) + " weights for " + std::to_string(o.targets.size()) +
           " targets";
  if (o.proto == Proto::Redis && o.targets.size() > 1) return "--proto redis takes one server, not --targets";
  if (seen.during && o.during_run.empty()) return "--during-at and --during-for need --during-run";
  if (!o.mix.empty() && !seen.spread.empty()) return "--mix and --spread exclude each other (--mix sets the weights)";
  if (!o.mix.empty() && o.proto == Proto::Redis) return "--mix is for chat-server's doors, not --proto redis";
  return {};
}

std::string conflicts(const Options& o, const Seen& seen) {
  if (std::string why = target_conflicts(o, seen); !why.empty()) return why;
  if (o.messages && seen.duration) return "--messages and --duration exclude each other";
  if (o.logins && o.scenario != Scenario::LoginStorm) return "--logins applies to --scenario login-storm only";
  if (o.scenario == Scenario::LoginStorm && (o.messages || o.senders))
    return "login-storm sends no messages: use --logins or --duration";
  if (o.scenario == Scenario::Churn && o.messages) return "churn runs for --duration, not --messages";
  if (o.proto == Proto::Redis && o.scenario != Scenario::PubSub)
    return "--proto redis needs --scenario pubsub (a subscribed Redis connection cannot publish)";
  if (o.closed_loop && o.scenario != Scenario::Fanout && o.scenario != Scenario::PubSub)
    return "--closed-loop applies to --scenario fanout and pubsub";
  if (o.closed_loop && seen.rate) return "--closed-loop and --rate exclude each other";
  if ((o.scenario == Scenario::Private || o.scenario == Scenario::Churn) && o.clients < 2)
    return std::string(to_string(o.scenario)) + " needs --clients 2 or more";
  if (o.senders) {
    std::uint32_t most = o.clients;
    if (o.scenario == Scenario::Private) most = o.clients / 2 * 2;
    if (o.scenario == Scenario::Churn) most = o.clients - o.clients / 2;
    if (o.scenario == Scenario::PubSub) most = 100000;
    if (*o.senders > most)
      return "--senders " + std::to_string(*o.senders) + " is more than the " + std::to_string(most) +
             " clients that can send in " + std::string(to_string(o.scenario));
  }
  return {};
}

// --mix: the doors' targets (from --targets by scheme, or on --host), each weighted so its
// door gets its share, split evenly between the targets of one door. Error text, or empty.
std::string apply_mix(Options& o) {
  if (o.mix.empty()) return {};
  if (o.targets.empty()) {
    for (const auto& [proto, share] : o.mix) {
      std::uint16_t port = proto == Proto::Irc ? o.irc_port : proto == Proto::Ws ? o.web_port : o.port;
      if (port == 0) return std::string(proto == Proto::Irc ? "irc needs --irc-port" : "ws needs --web-port");
      o.targets.push_back(Target{o.host, port, 1, proto});
    }
  }
  std::uint64_t product = 1;  // weights stay whole numbers: share * (product / targets of the door)
  std::vector<std::uint32_t> count_of(4, 0);
  for (Target& t : o.targets) {
    if (!t.proto) t.proto = o.proto;
    ++count_of[static_cast<std::size_t>(*t.proto)];
  }
  for (std::uint32_t c : count_of) product *= c ? c : 1;
  for (Target& t : o.targets) {
    auto it = std::find_if(o.mix.begin(), o.mix.end(), [&](const auto& m) { return m.first == *t.proto; });
    if (it == o.mix.end())
      return "target " + t.text() + " speaks " + std::string(to_string(*t.proto)) + ", which --mix gives no share";
    t.weight = static_cast<std::uint32_t>(it->second * (product / count_of[static_cast<std::size_t>(*t.proto)]));
  }
  for (const auto& [proto, share] : o.mix)
    if (count_of[static_cast<std::size_t>(proto)] == 0)
      return std::string(to_string(proto)) + " has a share but no target";
  return {};
}

// What the targets' protocols allow, once they are known.
std::string proto_conflicts(const Options& o) {
  for (const Target& t : o.targets) {
    Proto p = t.proto.value_or(o.proto);
    if (p == Proto::Irc && o.scenario == Scenario::PubSub)
      return "irc clients run fanout, chatter, private, churn and login-storm (an IRC channel has no send-only "
             "members: no pubsub)";
    if (p == Proto::Irc && o.size > kMaxIrcSize)
      return "irc clients: --size is at most " + std::to_string(kMaxIrcSize) + " (an IRC line is 512 bytes)";
  }
  return {};
}

}  // namespace

ParseStatus parse_options(const std::vector<std::string>& args, const char* env_password, Options& o,
                          std::string& message) {
  if (env_password) o.password = env_password;
  Seen seen;
  const std::map<std::string, Setter> setters = make_setters(o, seen, message);
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg == "--help" || arg == "-h") {
      message = usage_text();
      return ParseStatus::ExitOk;
    }
    if (arg == "--version") {
#ifdef CHAT_VERSION
      message = std::string("chat-swarm ") + CHAT_VERSION + "\n";
#else
      message = "chat-swarm\n";
#endif
      return ParseStatus::ExitOk;
    }
    if (arg == "--pipeline") {
      o.pipeline = true;
      continue;
    }
    if (arg == "--closed-loop") {
      o.closed_loop = true;
      continue;
    }
    if (arg == "--quiet") {
      o.progress = false;
      continue;
    }
    std::string value;
    bool has_value = false;
    if (auto eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
      has_value = true;
    }
    auto it = setters.find(arg);
    if (it == setters.end()) {
      message = "chat-swarm: unknown option '" + arg + "' (try --help)\n";
      return ParseStatus::ExitUsage;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        message = "chat-swarm: " + arg + " needs a value (try --help)\n";
        return ParseStatus::ExitUsage;
      }
      value = args[++i];
    }
    message.clear();
    if (!it->second(value)) {
      if (message.empty())
        message = std::string("chat-swarm: invalid value '")
                      .append(value)
                      .append("' for ")
                      .append(arg)
                      .append(" (try --help)\n");
      return ParseStatus::ExitUsage;
    }
  }
  if (seen.senders_set) o.senders = static_cast<std::uint32_t>(seen.senders);
  if (seen.messages_set) o.messages = seen.messages;
  if (seen.logins_set) o.logins = seen.logins;

  if (std::string why = conflicts(o, seen); !why.empty()) {
    message = "chat-swarm: " + why + "\n";
    return ParseStatus::ExitUsage;
  }
  for (std::size_t k = 0; k < seen.spread.size(); ++k) o.targets[k].weight = seen.spread[k];
  if (std::string why = apply_mix(o); !why.empty()) {
    message = "chat-swarm: --mix: " + why + "\n";
    return ParseStatus::ExitUsage;
  }
  if (o.targets.empty()) o.targets.push_back(Target{o.host, o.port, 1, {}});
  if (std::string why = proto_conflicts(o); !why.empty()) {
    message = "chat-swarm: " + why + "\n";
    return ParseStatus::ExitUsage;
  }
  return ParseStatus::Run;
}

}  // namespace swarm
