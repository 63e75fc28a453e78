// chat-swarm's command line: what to run against which server, at what rate, for how long.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bin/chat_swarm/targets.h"

namespace swarm {

enum class Scenario { Fanout, Chatter, Private, Churn, LoginStorm, PubSub };
std::string_view to_string(Scenario s);

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 5000;
  // The servers clients are dealt over; after parsing never empty (--host:--port alone).
  std::vector<Target> targets;
  // --mix line=50,irc=25,ws=25: the population's share per door (targets' weights follow).
  std::vector<std::pair<Proto, std::uint32_t>> mix;
  std::uint16_t irc_port = 0;  // with --mix and no --targets: the doors on --host
  std::uint16_t web_port = 0;
  std::string password = "123456";
  Scenario scenario = Scenario::Fanout;
  Proto proto = Proto::Chat;
  std::string channel;  // redis: the pub/sub channel (empty: the name prefix + "room"); irc: #chat
  std::uint32_t clients = 1000;
  std::optional<std::uint32_t> senders;   // unset: the scenario's default
  double rate = 100;                      // messages per second, in total over all senders
  bool closed_loop = false;               // each sender sends its next message once every listener has the last
  double duration_s = 10;                 // how long senders send (unless `messages` is set)
  std::optional<std::uint64_t> messages;  // total messages over all senders
  std::optional<std::uint64_t> logins;    // login-storm: total logins
  std::uint32_t size = 64;                // bytes of message text
  double connect_rate = 0;                // new connections per second; 0: no pacing
  std::vector<std::string> source_ips;    // local addresses to connect from, in turn
  bool pipeline = false;                  // password and name in one write
  std::string json_path;                  // "-" for stdout
  double ready_timeout_s = 30;
  double drain_timeout_s = 10;
  double hold_s = 0;  // idle, connected, before sending and after draining
  std::uint64_t seed = 1;
  std::string name_prefix;  // empty: "sw<pid>_"
  bool progress = true;
  // --during-run: a command run at a given second of the sending; the report splits what
  // was lost or delayed before, during and after it (docs/LOAD_TESTING.md, "Fault runs").
  std::string during_run;
  double during_at_s = 1;
  double during_for_s = 5;  // the "during" phase: at least this long, and until the command ends
};

enum class ParseStatus { Run, ExitOk, ExitUsage };

// The --help text (usage.cpp).
const char* usage_text();

// Parses argv (without argv[0]). `env_password` is $CHAT_PASSWORD or null. On ExitOk and
// ExitUsage, `message` is what to print (stdout, stderr respectively).
ParseStatus parse_options(const std::vector<std::string>& args, const char* env_password, Options& options,
                          std::string& message);

// Expands "127.0.0.1,127.0.0.2" and "127.0.0.2-127.0.0.9" into addresses; false (with
// `error`) on anything else.
bool parse_source_ips(std::string_view text, std::vector<std::string>& out, std::string& error);

// Longest message text accepted by --size: a 4096-byte line minus room for "@privado:<name> ".
inline constexpr std::uint32_t kMaxSize = 4000;
// The same within one IRC line: 512 bytes minus "PRIVMSG <nick> :", CRLF and the prefix the
// server puts in front when it relays.
inline constexpr std::uint32_t kMaxIrcSize = 380;

}  // namespace swarm
