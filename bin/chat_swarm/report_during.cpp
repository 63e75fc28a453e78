// The fault run's part of the report: what the --during-run command did, and what was lost
// or delayed before, during and after it.
#include <string>

#include "bin/chat_swarm/json_writer.h"
#include "bin/chat_swarm/report.h"
#include "bin/chat_swarm/report_columns.h"

namespace swarm {
namespace {

std::string at(const HistogramSummary& h, std::uint64_t v) { return h.count ? format_ns(static_cast<double>(v)) : "-"; }

}  // namespace

std::string format_during_table(const Report& r) {
  const DuringReport& d = r.during;
  if (d.command.empty()) return {};
  std::string s = "\nduring-run          '" + d.command + "' at " + fixed(d.at_s, 1) + " s: " + d.outcome;
  if (d.ran_s > 0) s += " after " + fixed(d.ran_s, 2) + " s";
  s += "\n  phase      from      to      sent   expected  delivered      lost  delivery p50      p99      max\n";
  for (const PhaseReport& p : d.phases) {
    std::string name = p.name;
    name.append(8 - std::min<std::size_t>(8, name.size()), ' ');
    s += "  " + name + right_aligned(fixed(p.from_s, 1) + "s", 7) + right_aligned(fixed(p.to_s, 1) + "s", 7) +
         right_aligned(std::to_string(p.tally.sent), 9) + right_aligned(std::to_string(p.tally.expected), 10) +
         right_aligned(std::to_string(p.tally.delivered), 10) + right_aligned(std::to_string(p.tally.lost), 9) +
         right_aligned(at(p.latency, p.latency.p50), 13) + right_aligned(at(p.latency, p.latency.p99), 8) +
         right_aligned(at(p.latency, p.latency.max), 8) + "\n";
  }
  s += "  (a message belongs to the phase it was sent in; its delay is measured to every receiver)\n";
  return without_trailing_spaces(s);
}

void write_during_json(Json& j, const Report& r) {
  const DuringReport& d = r.during;
  if (d.command.empty()) return;
  j.key("during_run");
  j.open('{');
  j.field("command", d.command);
  j.field("at_s", d.at_s);
  j.field("started", d.started);
  j.field("outcome", d.outcome);
  j.field("ran_s", d.ran_s);
  j.key("phases");
  j.open('[');
  for (const PhaseReport& p : d.phases) {
    j.open('{');
    j.field("phase", p.name);
    j.field("from_s", p.from_s);
    j.field("to_s", p.to_s);
    j.field("sent", p.tally.sent);
    j.field("expected", p.tally.expected);
    j.field("delivered", p.tally.delivered);
    j.field("lost", p.tally.lost);
    j.histogram("latency_ns", p.latency);
    j.close('}');
  }
  j.close(']');
  j.close('}');
}

}  // namespace swarm
