// The whole per-client path of bin/chat_server for several clients at once: arbitrary bytes in
// arbitrary chunks through a LineFramer (with flood control refusing lines) into the LineDoor and ChatCore
// and the Room, plus connects, disconnects of every kind, clock ticks, authentication
// timeouts and shutdown notices. A model written from PROTOCOL.md says who must receive what
// for every line and event; the checks: every public line of a CHATTING client reaches every
// other CHATTING client exactly once and nobody else, nothing reaches clients outside CHATTING
// but their own replies, every line sent is clean UTF-8 ending in '\n', and nothing grows
// without bound.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/line_door.h"
#include "protocol/room.h"
#include "reactor/line_framer.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/text_oracle.h"
#include "tests/fuzz/utf8_oracle.h"

namespace {

using chat::ClientId;
using chat::Outcome;

constexpr std::size_t kSlots = 6;
constexpr std::size_t kMaxLine = 64;  // small, so over-long lines are easy to reach
constexpr std::string_view kPassword = "pw";
// Includes names equal ignoring case and invalid ones.
constexpr std::array<std::string_view, 8> kNames = {"alice", "Bob", "carol", "ALICE", "d-1_", "bob", "", "no way"};
// The longest line the line door may send here: a sanitized line may triple, plus the frame.
constexpr std::size_t kMaxPayload = 3 * kMaxLine + 512;

using Inbox = std::map<std::size_t, std::vector<std::string>>;  // slot -> lines of one event

struct RecordingTransport : chat::Transport {
  std::vector<std::pair<ClientId, std::string>> log;
  void deliver(ClientId to, const reactor::PayloadRef& line) override {
    log.emplace_back(to, std::string(line.view()));
  }
};

enum class Stage { Password, Name, Chatting, Gone };  // the model's own view of a client

struct Client {
  bool connected = false;
  bool closing = false;  // the server closes it after flushing: no more lines are taken
  chat::LoginState login;
  std::optional<reactor::LineFramer> framer;
  unsigned tokens = 0;  // flood control: a line needs one
  Stage stage = Stage::Password;
  std::string name;
};

ClientId id_of(std::size_t slot) { return ClientId(static_cast<std::uint32_t>(slot + 5)); }  // ids are reused, like fds

using fuzz_oracle::lower;
using fuzz_oracle::trimmed;

bool valid_name(std::string_view n) {
  if (n.empty() || n.size() > 24) return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}
bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

class Harness {
 public:
  Harness() { set_time(12, 0, 0); }

  void run(fuzz::ByteReader& in) {
    while (!in.empty()) {
      std::uint8_t op = in.byte();
      std::size_t slot = (op >> 4) % kSlots;
      step(op & 15, slot, in);
      check_invariants();
    }
    // Everyone leaves; the room must end empty.
    for (std::size_t s = 0; s < kSlots; ++s)
      if (clients_[s].connected) disconnect(s, chat::Departure::Lost);
    FUZZ_CHECK(room_.size() == 0, "the room is not empty after everyone left");
  }

 private:
  void step(unsigned op, std::size_t slot, fuzz::ByteReader& in) {
    Client& c = clients_[slot];
    switch (op) {
      case 0: connect(slot); return;
      case 1: feed(slot, in.bytes(in.byte()), false); return;
      case 2: feed(slot, in.bytes(in.byte()), true); return;  // one byte per segment
      case 3: feed(slot, std::string(kPassword) + "\n", false); return;
      case 4: feed(slot, std::string(kNames[in.byte() % kNames.size()]) + "\r\n", false); return;
      case 5: feed(slot, canned_line(in), false); return;
      case 6: {
        std::string login = std::string(kPassword) + "\r\n" + std::string(kNames[in.byte() % kNames.size()]) + "\n";
        if (!c.connected) connect(slot);
        feed(slot, login, false);
        return;
      }
      case 7: {
        std::uint8_t why = in.byte() % 3;
        if (c.connected)
          disconnect(slot, why == 0   ? chat::Departure::Lost
                           : why == 1 ? chat::Departure::TooSlow
                                      : chat::Departure::Silent);
        return;
      }
      case 8: {
        int h = in.byte() % 24, m = in.byte() % 60, s = in.byte() % 60;
        set_time(h, m, s);
        return;
      }
      case 9: auth_timeout(slot); return;
      case 10: shutdown_notice(slot); return;
      case 11: c.tokens = 0; return;  // the bucket runs dry
      case 12: refill(slot, 1 + in.byte() % 4); return;
      case 13: end_of_input(slot); return;
      default: feed(slot, in.bytes(in.byte() % 16), false); return;
    }
  }

  static std::string canned_line(fuzz::ByteReader& in) {
    std::string target(kNames[in.byte() % kNames.size()]);
    switch (in.byte() % 12) {
      case 0: return "hello there\n";
      case 1: return "@privado:" + target + " psst\n";
      case 2: return "@privado: " + target + " \t hi\r\n";
      case 3: return "@msg " + target + "\n";
      case 4: return "@usuarios\n";
      case 5: return "@SAIR\n";
      case 6: return "@ajuda\n";
      case 7: return " \t \n";
      case 8: return "@nope \x1b[31m\n";
      case 9: return "ol\xC3\xA1 \xF0\x9F\x98\x80 \xFF\xC0\xAF \x1b[2J\x7F\n";
      case 10: return std::string("\x00\x01\r\n", 4);
      default: return std::string(kMaxLine + 1, 'x') + "\n";
    }
  }

  void set_time(int h, int m, int s) {
    chat::Timestamp t;
    t.set(h, m, s);
    service_.set_stamp(t);
    char text[16];
    (void)std::snprintf(text, sizeof text, "[%02d:%02d:%02d] ", h, m, s);
    stamp_ = text;
    FUZZ_CHECK(service_.stamp() == stamp_, "the timestamp is not [HH:MM:SS]");
  }

  void connect(std::size_t slot) {
    Client& c = clients_[slot];
    if (c.connected) return;
    c = Client{};
    c.connected = true;
    c.framer.emplace(kMaxLine);
    c.tokens = 1000;
    service_.on_connect(id_of(slot), c.login);
    Inbox got = take();
    expect(got, slot, {"Password:\n"});
    expect_nothing_else(got);
  }

  // What bin/chat_server does with the bytes of one read.
  void feed(std::size_t slot, std::string_view bytes, bool bytewise) {
    Client& c = clients_[slot];
    if (!c.connected || c.closing || c.framer->blocked()) return;  // the server is not reading
    if (bytes.empty()) return;                                     // a read never returns 0 bytes of data
    auto on_frame = [this, slot](reactor::Frame f, std::string_view line) { return take_frame(slot, f, line); };
    if (!bytewise) {
      c.framer->feed(bytes, on_frame);
    } else {
      for (std::size_t i = 0; i < bytes.size() && !c.framer->blocked() && !c.closing; ++i)
        c.framer->feed(bytes.substr(i, 1), on_frame);
    }
  }

  bool take_frame(std::size_t slot, reactor::Frame f, std::string_view line) {
    Client& c = clients_[slot];
    if (c.closing) return false;
    if (f == reactor::Frame::Overlong) {
      overlong(slot);
      return !c.closing;
    }
    FUZZ_CHECK(line.size() <= kMaxLine && line.find('\n') == std::string_view::npos, "the framer passed a bad line");
    if (c.tokens == 0) return false;
    --c.tokens;
    on_line(slot, line);
    return !c.closing;
  }

  void refill(std::size_t slot, unsigned tokens) {
    Client& c = clients_[slot];
    if (!c.connected || c.closing) return;
    c.tokens += tokens;
    if (c.framer->blocked())
      c.framer->resume([this, slot](reactor::Frame f, std::string_view line) { return take_frame(slot, f, line); });
  }

  // The peer closed its side: lines still waiting for flood control are processed first.
  void end_of_input(std::size_t slot) {
    Client& c = clients_[slot];
    if (!c.connected) return;
    if (!c.closing && c.framer->blocked()) refill(slot, 1000);
    disconnect(slot, chat::Departure::Lost);
  }

  void on_line(std::size_t slot, std::string_view line) {
    Client& c = clients_[slot];
    std::vector<std::size_t> others = chatting_except(slot);
    Outcome outcome = service_.on_line(id_of(slot), c.login, line);
    Inbox got = take();
    switch (c.stage) {
      case Stage::Password:
        if (line == kPassword) {
          FUZZ_CHECK(outcome == Outcome::PasswordAccepted, "right password not accepted");
          expect(got, slot, {"Username:\n"});
          c.stage = Stage::Name;
        } else {
          FUZZ_CHECK(outcome == Outcome::PasswordRejected, "wrong password not rejected");
          expect(got, slot, {"! Wrong password. Bye.\n"});
          close(slot);
        }
        break;
      case Stage::Name: name_line(slot, trimmed(line), outcome, others, got); break;
      case Stage::Chatting: chat_line(slot, line, outcome, others, got); break;
      case Stage::Gone: FUZZ_CHECK(false, "a line was taken after the client was done"); break;
    }
    expect_nothing_else(got);
  }

  void name_line(std::size_t slot, std::string_view name, Outcome outcome, const std::vector<std::size_t>& others,
                 Inbox& got) {
    Client& c = clients_[slot];
    bool taken = false;
    for (std::size_t o : others) taken |= lower(clients_[o].name) == lower(name);
    if (!valid_name(name) || taken) {
      FUZZ_CHECK(outcome == Outcome::NameRefused, "a bad or taken name was accepted");
      std::string reason = !valid_name(name) ? "! names are 1-24 letters, digits, _ or -\n"
                                             : "! name '" + std::string(name) + "' is taken\n";
      expect(got, slot, {reason, "Username:\n"});
      return;
    }
    FUZZ_CHECK(outcome == Outcome::NameAccepted, "a good name was refused");
    c.stage = Stage::Chatting;
    c.name = std::string(name);
    std::vector<std::string> names;
    names.reserve(others.size() + 1);
    for (std::size_t o : others) names.push_back(clients_[o].name);
    names.push_back(c.name);
    std::sort(names.begin(), names.end(),
              [](const std::string& a, const std::string& b) { return lower(a) < lower(b); });
    std::string online = "Online (" + std::to_string(names.size()) + "): ";
    for (std::size_t i = 0; i < names.size(); ++i) online += (i ? ", " : "") + names[i];
    expect(got, slot,
           {stamp_ + "* Welcome, " + c.name + "! " + online + "\n",
            stamp_ + "* " + std::string(chat::help_text()) + "\n"});
    for (std::size_t o : others) expect(got, o, {stamp_ + "* " + c.name + " joined the chat\n"});
  }

  void chat_line(std::size_t slot, std::string_view line, Outcome outcome, const std::vector<std::size_t>& others,
                 Inbox& got) {
    const Client& c = clients_[slot];
    std::string clean = fuzz::reference_sanitize(line);  // commands are recognised after cleaning
    std::string_view body = trimmed(clean);
    if (body.empty()) {
      FUZZ_CHECK(outcome == Outcome::None, "an empty line did something");
      return;
    }
    if (body.front() != '@') {  // a public line: to every other CHATTING client, exactly once
      FUZZ_CHECK(outcome == Outcome::None, "a public line did something");
      for (std::size_t o : others) expect(got, o, {stamp_ + "<" + c.name + "> " + clean + "\n"});
      return;
    }
    std::string word = lower(body.substr(0, std::min(body.find_first_of(" \t"), body.size())));
    if (word == "@sair" || word == "@quit") {
      FUZZ_CHECK(outcome == Outcome::Quit, "@sair did not quit");
      expect(got, slot, {stamp_ + "* Bye, " + c.name + "!\n"});
      for (std::size_t o : others) expect(got, o, {stamp_ + "* " + c.name + " left the chat\n"});
      close(slot);
      return;
    }
    FUZZ_CHECK(outcome == Outcome::None, "a command other than @sair did something");
    // Any other command answers the sender; a private message also reaches its one target.
    std::vector<std::string> mine = std::move(got[slot]);
    got.erase(slot);
    std::string from_me = stamp_ + "[private] <" + c.name + "> ";
    if (mine.size() == 2) {  // a private message to oneself
      FUZZ_CHECK(starts_with(mine[0], from_me), "two replies that are not a message to oneself");
      std::string text = mine[0].substr(from_me.size());
      FUZZ_CHECK(mine[1] == stamp_ + "[private to " + c.name + "] <" + c.name + "> " + text, "bad echo");
      return;
    }
    FUZZ_CHECK(mine.size() == 1, "a command was not answered exactly once");
    if (got.empty()) {
      FUZZ_CHECK(starts_with(mine[0], stamp_ + "* ") || starts_with(mine[0], stamp_ + "! "), "bad reply");
      return;
    }
    FUZZ_CHECK(got.size() == 1, "a command reached more than one other client");
    std::size_t to = got.begin()->first;
    FUZZ_CHECK(std::find(others.begin(), others.end(), to) != others.end(), "a private line to a non-member");
    std::vector<std::string> theirs = std::move(got.begin()->second);
    got.clear();
    FUZZ_CHECK(theirs.size() == 1 && starts_with(theirs[0], from_me), "a private message is malformed");
    std::string text = theirs[0].substr(from_me.size());
    FUZZ_CHECK(!trimmed(text.substr(0, text.size() - 1)).empty(), "a blank private message");
    FUZZ_CHECK(mine[0] == stamp_ + "[private to " + clients_[to].name + "] <" + c.name + "> " + text, "bad echo");
  }

  void overlong(std::size_t slot) {
    Client& c = clients_[slot];
    Outcome outcome = service_.on_overlong(id_of(slot), c.login);
    Inbox got = take();
    std::string message = "! line too long (max " + std::to_string(kMaxLine) + " bytes)";
    if (c.stage == Stage::Chatting) {
      FUZZ_CHECK(outcome == Outcome::None, "an over-long line in CHATTING did something");
      expect(got, slot, {stamp_ + message + "\n"});
    } else {
      FUZZ_CHECK(outcome == Outcome::TooLongBeforeChat, "an over-long line before CHATTING did not close");
      expect(got, slot, {message + ". Bye.\n"});
      close(slot);
    }
    expect_nothing_else(got);
  }

  void auth_timeout(std::size_t slot) {
    Client& c = clients_[slot];
    if (!c.connected || c.closing) return;
    service_.on_auth_timeout(id_of(slot), c.login);
    Inbox got = take();
    if (c.stage == Stage::Password || c.stage == Stage::Name) {
      expect(got, slot, {"! Authentication timed out. Bye.\n"});
      close(slot);
    }
    expect_nothing_else(got);
  }

  void shutdown_notice(std::size_t slot) {
    Client& c = clients_[slot];
    if (!c.connected || c.closing) return;
    service_.on_shutdown(id_of(slot), c.login);
    Inbox got = take();
    expect(got, slot,
           {c.stage == Stage::Chatting ? stamp_ + "* Server is shutting down\n" : "* Server is shutting down\n"});
    expect_nothing_else(got);
    c.closing = true;  // still in the room until it is gone, like the server's connection
  }

  void disconnect(std::size_t slot, chat::Departure why) {
    Client& c = clients_[slot];
    std::vector<std::size_t> others = chatting_except(slot);
    service_.on_disconnect(id_of(slot), c.login, why);
    Inbox got = take();
    if (c.stage == Stage::Chatting && why != chat::Departure::Silent) {
      std::string what = why == chat::Departure::TooSlow ? " was disconnected (too slow)\n" : " disconnected\n";
      for (std::size_t o : others) expect(got, o, {stamp_ + "* " + c.name + what});
    }
    expect_nothing_else(got);
    FUZZ_CHECK(c.login.state == chat::State::Gone, "a departed client is not GONE");
    c = Client{};
  }

  void close(std::size_t slot) {
    clients_[slot].closing = true;
    clients_[slot].stage = Stage::Gone;
  }

  std::vector<std::size_t> chatting_except(std::size_t slot) const {
    std::vector<std::size_t> out;
    for (std::size_t s = 0; s < kSlots; ++s)
      if (s != slot && clients_[s].connected && clients_[s].stage == Stage::Chatting) out.push_back(s);
    return out;
  }

  // The lines of one event by recipient; each must go to a connected client, be one clean line
  // and be of bounded size.
  Inbox take() {
    Inbox got;
    for (auto& [to, line] : transport_.log) {
      std::size_t slot = to.slot() - id_of(0).slot();
      FUZZ_CHECK(to >= id_of(0) && slot < kSlots && clients_[slot].connected, "a line to an unknown client");
      FUZZ_CHECK(!line.empty() && line.back() == '\n' && line.find('\n') == line.size() - 1, "not one line");
      FUZZ_CHECK(fuzz::is_clean_text(std::string_view(line).substr(0, line.size() - 1)), "a line is not clean UTF-8");
      FUZZ_CHECK(line.size() <= kMaxPayload, "a line is too big");
      got[slot].push_back(std::move(line));
    }
    transport_.log.clear();
    return got;
  }

  static void expect(Inbox& got, std::size_t slot, const std::vector<std::string>& lines) {
    auto it = got.find(slot);
    FUZZ_CHECK(it != got.end() && it->second == lines, "a client did not get exactly the expected lines");
    got.erase(it);
  }

  static void expect_nothing_else(const Inbox& got) { FUZZ_CHECK(got.empty(), "a client got a line it should not"); }

  void check_invariants() {
    std::size_t chatting = 0;
    for (std::size_t s = 0; s < kSlots; ++s) {
      const Client& c = clients_[s];
      bool in_room = c.connected && c.stage == Stage::Chatting;
      chatting += in_room;
      FUZZ_CHECK(room_.contains(id_of(s)) == in_room, "the room disagrees with the model");
      if (in_room) FUZZ_CHECK(room_.name_of(id_of(s)) == c.name, "the room has another name");
      if (!c.connected) continue;
      chat::State want = c.stage == Stage::Password   ? chat::State::AwaitPassword
                         : c.stage == Stage::Name     ? chat::State::AwaitName
                         : c.stage == Stage::Chatting ? chat::State::Chatting
                                                      : chat::State::Gone;
      FUZZ_CHECK(c.login.state == want, "the login state disagrees with the model");
      if (!c.closing && !c.framer->blocked())
        FUZZ_CHECK(c.framer->buffered_bytes() <= kMaxLine + 1, "the framer holds more than a partial line");
    }
    FUZZ_CHECK(room_.size() == chatting, "the room's size disagrees with the model");
  }

  RecordingTransport transport_;
  chat::Room room_{transport_};
  chat::LocalNames names_{room_};
  chat::ChatCore core_{std::string(kPassword), room_, names_};
  chat::LineDoor service_{core_, kMaxLine};
  std::array<Client, kSlots> clients_;
  std::string stamp_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::ByteReader in(data, size);
  Harness harness;
  harness.run(in);
  return 0;
}
