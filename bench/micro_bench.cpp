// Micro-benchmarks of the per-line work, without sockets: line framing, the sanitizer,
// formatting, the login state machine, and the protocol's side of one broadcast (the Room's
// walk alone, then with a push into each recipient's OutputQueue as Server::deliver does).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "protocol/format.h"
#include "protocol/line_door.h"
#include "protocol/sanitize.h"
#include "reactor/line_framer.h"
#include "reactor/output_queue.h"

namespace {

constexpr std::string_view kStamp = "[10:00:09] ";

// `bytes` of text made by repeating `unit`, cut at a character boundary (UTF-8 safe).
std::string repeat_to(std::string_view unit, std::size_t bytes) {
  std::string out;
  while (out.size() < bytes) out += unit;
  std::size_t cut = bytes;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  out.resize(cut);
  return out;
}

// ---------------------------------------------------------------------------------------
// LineFramer: 64 KiB of 64-byte lines fed in reads of `read_bytes`; below 64 every line is
// split across reads and goes through the framer's own buffer.

void BM_LineFramer(benchmark::State& state) {
  const auto chunk = static_cast<std::size_t>(state.range(0));
  std::string input;
  while (input.size() + 64 <= std::size_t{64} * 1024) input += repeat_to("chat line for the framer ", 63) + "\n";
  reactor::LineFramer framer(4096);
  std::int64_t lines = 0;
  for ([[maybe_unused]] auto _ : state) {
    for (std::size_t at = 0; at < input.size(); at += chunk) {
      framer.feed(std::string_view(input).substr(at, chunk), [&](reactor::Frame, std::string_view line) {
        benchmark::DoNotOptimize(line.data());
        ++lines;
        return true;
      });
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(input.size()));
  state.counters["lines"] = benchmark::Counter(static_cast<double>(lines), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LineFramer)->ArgName("read_bytes")->Arg(65536)->Arg(1500)->Arg(100)->Arg(7);

// ---------------------------------------------------------------------------------------
// sanitize(): clean ASCII takes the no-copy fast path; valid multibyte text is decoded and
// validated but returned as is; hostile input (random bytes: invalid sequences, controls)
// is rewritten into the scratch buffer.

void run_sanitize(benchmark::State& state, const std::string& text) {
  std::string scratch;
  for ([[maybe_unused]] auto _ : state) {
    std::string_view clean = chat::sanitize(text, scratch);
    benchmark::DoNotOptimize(clean.data());
    benchmark::DoNotOptimize(clean.size());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}

void BM_SanitizeAscii(benchmark::State& state) {
  run_sanitize(state, repeat_to("The quick brown fox jumps over the lazy dog. 0123456789 ", state.range(0)));
}
void BM_SanitizeUtf8(benchmark::State& state) {
  run_sanitize(state, repeat_to("Olá, você já provou pão de queijo? 日本語のテキスト 🙂 Ñandú, çà. ",
                                state.range(0)));
}
void BM_SanitizeHostile(benchmark::State& state) {
  std::string text;
  std::uint32_t x = 12345;
  for (std::int64_t i = 0; i < state.range(0); ++i) {
    x = x * 1103515245u + 12345u;  // fixed sequence, so every run sees the same bytes
    text.push_back(static_cast<char>(x >> 24));
  }
  run_sanitize(state, text);
}
BENCHMARK(BM_SanitizeAscii)->ArgName("bytes")->Arg(64)->Arg(4096);
BENCHMARK(BM_SanitizeUtf8)->ArgName("bytes")->Arg(64)->Arg(4096);
BENCHMARK(BM_SanitizeHostile)->ArgName("bytes")->Arg(64)->Arg(4096);

// ---------------------------------------------------------------------------------------
// Formatting: one public line into one shared payload (size computed, one allocation, one
// copy), freed at the end of the iteration as the last queue releases it.

void BM_FormatPublicLine(benchmark::State& state) {
  std::string text = repeat_to("hello everyone, how is it going today? ", state.range(0));
  for ([[maybe_unused]] auto _ : state) {
    reactor::PayloadRef line = chat::public_line(kStamp, "alice", text);
    benchmark::DoNotOptimize(line.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FormatPublicLine)->ArgName("text_bytes")->Arg(43)->Arg(4000);

// ---------------------------------------------------------------------------------------
// The protocol side, behind a Transport that only counts (one virtual call per delivery).

class CountingTransport final : public chat::Transport {
 public:
  void deliver(chat::ClientId /*id*/, const reactor::PayloadRef& line) override {
    ++deliveries;
    benchmark::DoNotOptimize(line.data());
  }
  std::uint64_t deliveries = 0;
};

// A room with `members` clients logged in through the real state machine.
struct Lobby {
  explicit Lobby(chat::Transport& transport, std::size_t members)
      : room(transport), names(room), core("pw", room, names), service(core, 4096), sessions(members) {
    service.set_stamp(chat::Timestamp{});
    for (std::size_t i = 0; i < members; ++i) {
      chat::ClientId id(static_cast<std::uint32_t>(i));
      service.on_connect(id, sessions[i]);
      service.on_line(id, sessions[i], "pw");
      char name[24];
      (void)std::snprintf(name, sizeof name, "m%zu", i);
      service.on_line(id, sessions[i], name);
    }
  }
  chat::Room room;
  chat::LocalNames names;
  chat::ChatCore core;
  chat::LineDoor service;
  std::vector<chat::LoginState> sessions;
};

// One client's whole session in a room of `members`: connect, password, name (a welcome
// listing up to 50 names, a join notice to everyone), then a disconnect (a notice to
// everyone). Per client.
void BM_LoginLeave(benchmark::State& state) {
  CountingTransport transport;
  Lobby lobby(transport, static_cast<std::size_t>(state.range(0)));
  chat::ClientId id(static_cast<std::uint32_t>(state.range(0)));
  for ([[maybe_unused]] auto _ : state) {
    chat::LoginState s;
    lobby.service.on_connect(id, s);
    lobby.service.on_line(id, s, "pw");
    chat::Outcome o = lobby.service.on_line(id, s, "newcomer");
    if (o != chat::Outcome::NameAccepted) {
      state.SkipWithError("login failed");
      break;
    }
    lobby.service.on_disconnect(id, s, chat::Departure::Lost);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LoginLeave)->ArgName("members")->Arg(0)->Arg(100)->Arg(1000);

// One public line from one member to `members - 1` others: parse, sanitize, format once,
// walk the room. Items are deliveries.
void BM_ProtocolBroadcast(benchmark::State& state) {
  CountingTransport transport;
  Lobby lobby(transport, static_cast<std::size_t>(state.range(0)));
  transport.deliveries = 0;
  const std::string line = repeat_to("hello everyone, how is it going today? ", 43);
  for ([[maybe_unused]] auto _ : state) lobby.service.on_line(0, lobby.sessions[0], line);
  state.SetItemsProcessed(static_cast<std::int64_t>(transport.deliveries));
}
BENCHMARK(BM_ProtocolBroadcast)->ArgName("members")->Arg(1000)->Arg(10000);

// The same, delivering as Server::deliver does: a PayloadRef pushed into each recipient's
// OutputQueue. The queues are then cleared, as a drained flush leaves them. No syscalls.
class QueueTransport final : public chat::Transport {
 public:
  explicit QueueTransport(std::size_t clients) : queues(clients) {}
  void deliver(chat::ClientId to, const reactor::PayloadRef& line) override {
    queues[to.slot()].push(line);
    ++deliveries;
  }
  std::vector<reactor::OutputQueue> queues;
  std::uint64_t deliveries = 0;
};

void BM_EnqueueBroadcast(benchmark::State& state) {
  const auto members = static_cast<std::size_t>(state.range(0));
  QueueTransport transport(members);
  Lobby lobby(transport, members);
  for (auto& q : transport.queues) q.clear();
  transport.deliveries = 0;
  const std::string line = repeat_to("hello everyone, how is it going today? ", 43);
  for ([[maybe_unused]] auto _ : state) {
    lobby.service.on_line(0, lobby.sessions[0], line);
    for (auto& q : transport.queues) q.clear();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(transport.deliveries));
}
BENCHMARK(BM_EnqueueBroadcast)->ArgName("members")->Arg(1000)->Arg(10000);

}  // namespace
