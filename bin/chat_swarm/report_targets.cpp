// The per-target table and JSON, and the one-order line: what a cluster run adds to the
// report.
#include <algorithm>
#include <string>

#include "bin/chat_swarm/json_writer.h"
#include "bin/chat_swarm/report.h"
#include "bin/chat_swarm/report_columns.h"

namespace swarm {
namespace {

std::string ms(const HistogramSummary& h, std::uint64_t HistogramSummary::*field) {
  return h.count ? format_ns(static_cast<double>(h.*field)) : "-";
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
  std::size_t width = 18;  // the first column: as wide as the longest target
  for (const TargetReport& t : r.targets) width = std::max(width, t.target.size() + 1);
  s += "\n" + std::string("per target").append(width + 2 - 10, ' ') + right_aligned("clients", 7) +
       right_aligned("logins", 9) + right_aligned("failed", 9) + right_aligned("sent", 9) +
       right_aligned("delivered", 10) + right_aligned("lost", 9) + right_aligned("dup+reord", 10) +
       right_aligned("deliv p50", 9) + right_aligned("deliv p99", 9) + right_aligned("claim p50", 9) +
       right_aligned("claim p99", 9) + "\n";
  for (const TargetReport& t : r.targets) {
    std::string name = t.target;
    name.append(width - name.size(), ' ');
    s += "  " + name + right_aligned(std::to_string(t.clients), 7) + right_aligned(std::to_string(t.logins), 9) +
         right_aligned(std::to_string(t.failed), 9) + right_aligned(std::to_string(t.tally.sent), 9) +
         right_aligned(std::to_string(t.tally.delivered), 10) + right_aligned(std::to_string(t.tally.lost), 9) +
         right_aligned(std::to_string(t.tally.duplicates + t.tally.reordered), 10) +
         right_aligned(ms(t.latency, &HistogramSummary::p50), 9) +
         right_aligned(ms(t.latency, &HistogramSummary::p99), 9) +
         right_aligned(ms(t.claim_latency, &HistogramSummary::p50), 9) +
         right_aligned(ms(t.claim_latency, &HistogramSummary::p99), 9) + "\n";
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
