// One order: three nodes, senders on each, and every receiver — line-door users and IRC
// users on every node — sees the same interleaving of public lines and notices.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "cluster_fixture.h"

namespace cluster_test {
namespace {

using harness::Client;

// What a receiver saw, door-independent: "say:<name>:<text>", "join:<name>", "gone:<name>".
std::string from_line(std::string_view line) {
  std::string_view text = harness::strip_timestamp(line);
  if (text.starts_with("<")) {
    std::size_t end = text.find("> ");
    return std::string("say:").append(text.substr(1, end - 1)).append(":").append(text.substr(end + 2));
  }
  if (text.ends_with(" joined the chat")) return std::string("join:").append(text.substr(2, text.size() - 18));
  if (text.ends_with(" left the chat")) return std::string("gone:").append(text.substr(2, text.size() - 16));
  return "";
}

std::string from_irc(std::string_view line) {
  if (line.ends_with("\r")) line.remove_suffix(1);
  if (!line.starts_with(":")) return "";
  std::string_view nick = line.substr(1, line.find('!') - 1);
  if (line.find(" PRIVMSG #chat :") != std::string_view::npos)
    return std::string("say:").append(nick).append(":").append(line.substr(line.find(" :") + 2));
  if (line.find(" JOIN #chat") != std::string_view::npos) return std::string("join:").append(nick);
  if (line.find(" QUIT :") != std::string_view::npos) return std::string("gone:").append(nick);
  return "";
}

class ClusterOrder : public ClusterTest {};

TEST_F(ClusterOrder, EveryReceiverOnEveryNodeAndDoorSeesTheSameInterleaving) {
  std::vector<std::uint16_t> irc_ports;
  for (const char* name : {"a", "b", "c"}) {
    irc_ports.push_back(harness::unused_port());
    add_node(name, {"--irc-port", std::to_string(irc_ports.back()), "--server-name", "irc.test"});
  }
  std::vector<Client> line_receivers, irc_receivers;
  for (std::size_t n = 0; n < 3; ++n) {
    line_receivers.emplace_back(node(n).port());
    line_receivers.back().login(std::string("seen").append(std::to_string(n)));
    irc_receivers.emplace_back(irc_ports[n]);
    Client& irc = irc_receivers.back();
    const std::string nick = std::string("irc").append(std::to_string(n));
    irc.send_raw(std::string("PASS ")
                     .append(harness::kPassword)
                     .append("\r\nNICK ")
                     .append(nick)
                     .append("\r\nUSER ")
                     .append(nick)
                     .append(" 0 * :r\r\n"));
    irc.expect(" 366 ");
  }
  std::vector<Client> senders;
  for (std::size_t n = 0; n < 3; ++n)
    for (int s = 0; s < 2; ++s) {
      senders.emplace_back(node(n).port());
      senders.back().login(std::string("s").append(std::to_string(n)).append(std::to_string(s)));
    }
  constexpr int kLines = 60;
  for (int i = 0; i < kLines; ++i)
    for (Client& s : senders) s.send_line(std::string("line ").append(std::to_string(i)));
  for (Client& s : senders) s.send_line("@sair");

  auto transcript = [&](Client& c, bool irc) {
    std::vector<std::string> got;
    int departures = 0;
    while (departures < static_cast<int>(senders.size())) {
      std::optional<std::string> line = c.read_line(20s);
      if (!line) break;
      std::string event = irc ? from_irc(*line) : from_line(*line);
      if (event.empty()) continue;
      std::string_view who = std::string_view(event).substr(event.find(':') + 1);
      who = who.substr(0, who.find(':'));
      if (who.size() != 3 || who[0] != 's') continue;  // the receivers' own comings and goings
      if (event.starts_with("gone:")) ++departures;
      got.push_back(event);
    }
    return got;
  };
  std::vector<std::string> first = transcript(line_receivers[0], false);
  EXPECT_EQ(first.size(), senders.size() * (kLines + 2)) << "joins, lines and departures";
  for (std::size_t n = 0; n < 3; ++n) {
    if (n > 0) {
      EXPECT_EQ(transcript(line_receivers[n], false), first) << "line receiver on node " << n;
    }
    EXPECT_EQ(transcript(irc_receivers[n], true), first) << "IRC receiver on node " << n;
  }
}

}  // namespace
}  // namespace cluster_test
