// Fuzz target: the IRC door and the line door in one room. The input picks a client (four
// IRC, two line) and a line for it, again and again; registration, chatting, queries and
// leaving all happen. Whatever is sent, every IRC client receives only IRC lines (CRLF
// ended, at most 512 bytes, no NUL, CR or LF inside), every line client only protocol lines
// with no control characters but TAB (IRC formatting never reaches them), and the room's
// members are exactly the clients that are chatting.
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "doors/irc/irc_door.h"
#include "protocol/line_door.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using chat::ClientId;

constexpr std::size_t kIrcClients = 4;
constexpr std::size_t kLineClients = 2;

struct Recorder : chat::Transport {
  std::map<ClientId, std::string> received;
  void deliver(ClientId to, const reactor::PayloadRef& bytes) override { received[to].append(bytes.view()); }
};

bool is_irc(ClientId id) { return id.slot() < kIrcClients; }

void check_irc_output(std::string_view all) {
  while (!all.empty()) {
    std::size_t end = all.find("\r\n");
    FUZZ_CHECK(end != std::string_view::npos, "an IRC client got bytes that are not a CRLF-ended line");
    std::string_view line = all.substr(0, end);
    FUZZ_CHECK(line.size() + 2 <= 512, "an IRC line over 512 bytes");
    FUZZ_CHECK(line.find_first_of(std::string_view("\0\r\n", 3)) == std::string_view::npos,
               "NUL, CR or LF inside an IRC line");
    all.remove_prefix(end + 2);
  }
}

void check_line_output(std::string_view all) {
  for (char ch : all) {
    auto c = static_cast<unsigned char>(ch);
    FUZZ_CHECK(c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f), "a control character reached a line client");
  }
  FUZZ_CHECK(all.empty() || all.back() == '\n', "a line client got an unterminated line");
}

std::string line_for(fuzz::ByteReader& in) {
  static constexpr std::array<std::string_view, 24> kCanned = {"PASS pw",
                                                               "NICK alice",
                                                               "NICK Bob",
                                                               "USER u 0 * :real",
                                                               "CAP LS 302",
                                                               "CAP REQ :multi-prefix",
                                                               "CAP END",
                                                               "PRIVMSG #chat :hi \x02"
                                                               "bold\x02 \x03"
                                                               "04,05red",
                                                               "PRIVMSG bob :\x01"
                                                               "ACTION waves\x01",
                                                               "PRIVMSG alice :psst",
                                                               "NOTICE #chat :n",
                                                               "NAMES",
                                                               "WHO #chat",
                                                               "WHOIS bob",
                                                               "MODE #chat",
                                                               "TOPIC #chat :x",
                                                               "JOIN #other,#chat",
                                                               "PART #chat :bye",
                                                               "QUIT :q",
                                                               "PING :x",
                                                               "pw",
                                                               "bob",
                                                               "@privado:alice yo",
                                                               "@sair"};
  std::uint8_t pick = in.byte();
  if (pick < 2 * kCanned.size()) return std::string(kCanned[pick % kCanned.size()]);
  return std::string(in.bytes(in.byte() % 64u));  // anything at all, up to 63 bytes
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::ByteReader in(data, size);
  Recorder transport;
  chat::Room room(transport);
  chat::LocalNames names(room);
  chat::ChatCore core("pw", room, names);
  chat::LineDoor line_door(core, 4096);
  irc::IrcDoor irc_door(core, irc::IrcSettings{});  // chat.local, #chat, no topic
  std::array<irc::IrcClient, kIrcClients> irc_clients;
  std::array<chat::LoginState, kLineClients> line_clients;
  for (std::uint32_t i = 0; i < kIrcClients; ++i) irc_door.on_connect(ClientId(i, 1), irc_clients[i]);
  for (std::uint32_t i = 0; i < kLineClients; ++i) line_door.on_connect(ClientId(kIrcClients + i, 1), line_clients[i]);

  for (int step = 0; step < 200 && !in.empty(); ++step) {
    std::uint32_t who = in.byte() % (kIrcClients + kLineClients);
    ClientId id(who, 1);
    std::string line = line_for(in);
    if (is_irc(id)) {
      if (line.size() > 600)
        (void)irc_door.on_overlong(id, irc_clients[who]);
      else
        (void)irc_door.on_line(id, irc_clients[who], line);
    } else {
      (void)line_door.on_line(id, line_clients[who - kIrcClients], line);
    }
  }
  std::size_t chatting = 0;
  for (const irc::IrcClient& c : irc_clients) chatting += c.login.state == chat::State::Chatting;
  for (const chat::LoginState& s : line_clients) chatting += s.state == chat::State::Chatting;
  FUZZ_CHECK(room.size() == chatting, "the room's members are not the clients chatting");
  for (const auto& [id, bytes] : transport.received) {
    if (is_irc(id))
      check_irc_output(bytes);
    else
      check_line_output(bytes);
  }
  return 0;
}
