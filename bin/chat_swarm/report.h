// Report: everything a run saw, the verdict, and its two renderings: a table for people and
// JSON for programs (schema in docs/LOAD_TESTING.md). Also the one-line progress format.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bin/chat_swarm/histogram.h"
#include "bin/chat_swarm/ledger.h"

namespace swarm {

// One target's share of a run (--targets): its clients, what they sent, what was owed to
// them and what they got.
struct TargetReport {
  std::string target;  // host:port
  std::uint32_t clients = 0;
  std::uint64_t connected = 0;
  std::uint64_t logins = 0;
  std::uint64_t failed = 0;
  Tally tally;  // sent: by its clients; expected, delivered, lost...: to its clients
  HistogramSummary latency;
  HistogramSummary claim_latency;
};

// The one-order check (OrderCheck): receivers whose sequence of public lines contradicts
// the reference order.
struct OrderReport {
  std::uint64_t checked = 0;
  std::uint64_t differing = 0;
  bool complete = true;
  std::string reference;  // the receiver the reference order mostly comes from
  std::string example;    // the first receiver that differs
};

// --during-run: the command, how it ended, and the run's accounting split at it.
struct PhaseReport {
  std::string name;   // before, during, after
  double from_s = 0;  // seconds after sending started, clamped to the sending
  double to_s = 0;
  Tally tally;  // of the messages queued in the phase
  HistogramSummary latency;
};
struct DuringReport {
  std::string command;  // empty: no --during-run
  double at_s = 0;
  bool started = false;
  std::string outcome;
  double ran_s = 0;
  std::vector<PhaseReport> phases;
};

struct Report {
  // What was asked.
  std::string scenario;
  std::string proto = "chat";  // chat | redis
  bool closed_loop = false;
  std::uint32_t listeners = 0;  // clients owed each public message (pubsub: all but the senders)
  std::string target;           // host:port, or the --targets list
  std::uint32_t clients = 0;
  std::uint32_t senders = 0;
  double rate_total = 0;
  double rate_per_sender = 0;
  double duration_s = 0;  // 0 when by message count
  std::uint64_t messages_target = 0;
  std::uint64_t logins_target = 0;
  std::uint32_t size = 0;
  double connect_rate = 0;
  bool pipeline = false;
  std::uint32_t source_ips = 0;

  // Clients.
  std::uint64_t connect_attempts = 0;
  std::uint64_t connected = 0;     // TCP handshakes completed
  std::uint64_t logins = 0;        // welcomed
  std::uint64_t failed = 0;        // connections that ended in an error before or after login
  std::uint64_t ready = 0;         // of the initial clients, how many were in the room together
  double ready_s = 0;              // from the first connect to the last initial client welcomed
  double login_rate = 0;           // logins per second over ready_s (login-storm: over the run)
  HistogramSummary login_latency;  // connect() to welcome, ns
  HistogramSummary claim_latency;  // name sent to welcome, ns: the name claim (cluster-wide in a cluster)

  // Churn.
  std::uint64_t churn_bots = 0;
  std::map<std::string, std::uint64_t> departures;  // quit, close, reset

  // Messages.
  double send_s = 0;  // how long senders sent
  Tally tally;
  std::uint64_t corrupted = 0;
  std::uint64_t foreign = 0;          // lines from users that are not bots of this run
  std::vector<std::string> problems;  // the tally's problems, with names
  HistogramSummary latency;           // intended send time -> receipt, ns
  HistogramSummary latency_write;     // actual queueing -> receipt, ns
  HistogramSummary send_lag;          // intended send time -> actual queueing, ns
  OrderReport order;
  std::vector<TargetReport> targets;  // one per target, in --targets order
  DuringReport during;

  // Errors by kind, each counted.
  std::map<std::string, std::uint64_t> errors;
  std::uint64_t error_total = 0;

  bool interrupted = false;
  bool drain_timed_out = false;
  double elapsed_s = 0;
  double cpu_s = 0;  // the swarm's own user+system time: near elapsed_s, the swarm was the limit

  // The verdict: empty means the run passed.
  std::vector<std::string> failures;
  std::vector<std::string> warnings;
};

// "bob from alice: lost 2 of 10 (seq 3 7-8) duplicated 1": one stream's faults, for people.
std::string describe_problem(const StreamProblem& p, std::string_view receiver, std::string_view sender);

// Fills `failures` (and some warnings) from the numbers.
void judge(Report& report);
std::string format_table(const Report& report);
// report_targets.cpp: the per-target table (only when there are several) and the order line.
std::string format_targets_table(const Report& report);
class Json;
void write_targets_json(Json& j, const Report& report);
// report_during.cpp: the before / during / after table and JSON (only with --during-run).
std::string format_during_table(const Report& report);
void write_during_json(Json& j, const Report& report);
std::string format_json(const Report& report);

struct ProgressSample {
  double elapsed_s = 0;
  const char* phase = "";
  std::uint64_t connected = 0;  // open connections now
  std::uint64_t ready = 0;      // in the room now
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  std::uint64_t errors = 0;
  double send_rate = 0;     // in the last second
  double deliver_rate = 0;  // in the last second
  double login_rate = 0;    // in the last second
};
std::string format_progress(const ProgressSample& p);

// "1.23ms", "456us", "12.3s": latencies for people.
std::string format_ns(double ns);

}  // namespace swarm
