// The per-target table and JSON, and the one-order line: what a cluster run adds to the
// report.
#include <string>

#include "bin/chat_swarm/report.h"  // before json_writer.h, which needs HistogramSummary
#include "bin/chat_swarm/json_writer.h"

namespace swarm {
namespace {

// Right-aligned in `width`, then a space (none after the last column: see the callers).
std::string cell(std::string s, std::size_t width) {
  if (s.size() < width) s.insert(0, width - s.size(), ' ');
  return s.append(" ");
}

std::string ms(const HistogramSummary& h, std::uint64_t HistogramSummary::*field) {
  return h.count ? format_ns(static_cast<double>(h.*field)) : "-";
}

// The columns end in a space; the lines do not.
std::string without_trailing_spaces(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '\n')
      while (!out.empty() && out.back() == ' ') out.pop_back();
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string format_targets_table(const Report& r) {
  std::string s;
  if (r.order.checked) {
    s += "\none order           ";
    if (r.order.differing == 0) {
      s += "every one of " + std::to_string(r.order.checked) + " receivers saw public lines in one order";
    } else {
      s += std::to_string(r.order.differing) + " of " + std::to_string(r.order.checked) +
           " receivers saw an order the others contradict (first: " + r.order.example + ", reference " +
           r.order.reference + ")";
    }
    if (!r.order.complete) s += " (checked over the first deliveries only)";
    s += "\n";
  }
  if (r.targets.size() < 2) return s;
  s += "\nper target          " + cell("clients", 7) + cell("logins", 9) + cell("failed", 9) + cell("sent", 9) +
       cell("delivered", 10) + cell("lost", 9) + cell("dup+reord", 10) + cell("deliv p50", 9) + cell("deliv p99", 9) +
       cell("claim p50", 9) + cell("claim p99", 9) + "\n";
  for (const TargetReport& t : r.targets) {
    std::string name = t.target;
    if (name.size() < 18) name.append(18 - name.size(), ' ');
    s += "  " + name + cell(std::to_string(t.clients), 7) + cell(std::to_string(t.logins), 9) +
         cell(std::to_string(t.failed), 9) + cell(std::to_string(t.tally.sent), 9) +
         cell(std::to_string(t.tally.delivered), 10) + cell(std::to_string(t.tally.lost), 9) +
         cell(std::to_string(t.tally.duplicates + t.tally.reordered), 10) + cell(ms(t.latency, &HistogramSummary::p50), 9) +
         cell(ms(t.latency, &HistogramSummary::p99), 9) + cell(ms(t.claim_latency, &HistogramSummary::p50), 9) +
         cell(ms(t.claim_latency, &HistogramSummary::p99), 9) + "\n";
  }
  return without_trailing_spaces(s);
}

void write_targets_json(Json& j, const Report& r) {
  j.key("order");
  j.open('{');
  j.field("checked", r.order.checked);
  j.field("differing", r.order.differing);
  j.field("complete", r.order.complete);
  j.field("reference", r.order.reference);
  j.field("example", r.order.example);
  j.close('}');
  j.key("targets");
  j.open('[');
  for (const TargetReport& t : r.targets) {
    j.open('{');
    j.field("target", t.target);
    j.field("clients", t.clients);
    j.field("connected", t.connected);
    j.field("logins", t.logins);
    j.field("failed", t.failed);
    j.field("sent", t.tally.sent);
    j.field("expected", t.tally.expected);
    j.field("delivered", t.tally.delivered);
    j.field("lost", t.tally.lost);
    j.field("duplicates", t.tally.duplicates);
    j.field("reordered", t.tally.reordered);
    j.histogram("delivery_latency_ns", t.latency);
    j.histogram("claim_latency_ns", t.claim_latency);
    j.close('}');
  }
  j.close(']');
}

}  // namespace swarm
