// Report: the verdict, the table, the JSON and the progress line.
#include "bin/chat_swarm/report.h"

#include <cmath>
#include <cstdio>

#include "bin/chat_swarm/json_writer.h"

namespace swarm {
namespace {

std::string num(std::uint64_t v) { return std::to_string(v); }

bool sends_messages(const Report& r) { return r.scenario != "login-storm"; }

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string latency_row(const char* name, const HistogramSummary& h) {
  if (h.count == 0) return "  " + pad(name, 18) + "(none)\n";
  return "  " + pad(name, 18) + pad(format_ns(static_cast<double>(h.p50)), 10) +
         pad(format_ns(static_cast<double>(h.p90)), 10) + pad(format_ns(static_cast<double>(h.p99)), 10) +
         pad(format_ns(static_cast<double>(h.p999)), 10) + pad(format_ns(static_cast<double>(h.max)), 10) +
         pad(format_ns(h.mean), 10) + num(h.count) + "\n";
}

double per_second(std::uint64_t n, double seconds) { return seconds > 0 ? static_cast<double>(n) / seconds : 0; }

}  // namespace

std::string format_ns(double ns) {
  if (ns < 1e3) return fixed(ns, 0) + "ns";
  if (ns < 1e6) return fixed(ns / 1e3, ns < 1e4 ? 2 : 1) + "us";
  if (ns < 1e9) return fixed(ns / 1e6, ns < 1e7 ? 2 : 1) + "ms";
  return fixed(ns / 1e9, 2) + "s";
}

std::string describe_problem(const StreamProblem& p, std::string_view receiver, std::string_view sender) {
  std::string text;
  text.append(receiver).append(" from ").append(sender).append(":");
  if (p.lost) {
    text.append(" lost ").append(num(p.lost)).append(" of ").append(num(p.expected)).append(" (seq");
    for (const SeqRange& m : p.missing) {
      text.append(" ").append(num(m.lo));
      if (m.hi != m.lo) text.append("-").append(num(m.hi));
    }
    text.append(p.missing.size() >= 3 ? " ...)" : ")");
  }
  if (p.duplicates) text.append(" duplicated ").append(num(p.duplicates));
  if (p.reordered) text.append(" reordered ").append(num(p.reordered));
  if (p.unexpected) text.append(" unexpected ").append(num(p.unexpected));
  return text;
}

void judge(Report& r) {
  r.failures.clear();
  const Tally& t = r.tally;
  if (r.interrupted) r.failures.emplace_back("interrupted before the end");
  if (t.lost)
    r.failures.push_back("lost " + num(t.lost) + " of " + num(t.expected) + " expected deliveries" +
                         (r.drain_timed_out ? " (still missing when the drain timed out)" : ""));
  if (t.duplicates) r.failures.push_back(num(t.duplicates) + " duplicated deliveries");
  if (t.reordered) r.failures.push_back(num(t.reordered) + " reordered deliveries");
  if (t.unexpected) r.failures.push_back(num(t.unexpected) + " unexpected deliveries");
  if (r.corrupted) r.failures.push_back(num(r.corrupted) + " corrupted messages");
  if (r.order.differing)
    r.failures.push_back(num(r.order.differing) + " of " + num(r.order.checked) +
                         " receivers saw the public lines in another order (one chat, one order)");
  if (r.error_total) {
    std::string kinds;
    int shown = 0;
    for (const auto& [kind, count] : r.errors) {
      if (shown++ == 3) {
        kinds += ", ...";
        break;
      }
      kinds += (kinds.empty() ? "" : ", ") + kind + " x" + num(count);
    }
    r.failures.push_back(num(r.error_total) + " errors (" + kinds + ")");
  }
  if (r.scenario != "login-storm" && r.ready < r.clients)
    r.failures.push_back("only " + num(r.ready) + " of " + num(r.clients) + " clients were logged in together");
  if (sends_messages(r) && !r.interrupted && r.senders > 0 && t.sent == 0)
    r.failures.emplace_back("no message was sent");
  if (r.scenario == "login-storm" && r.logins == 0) r.failures.emplace_back("no login completed");

  if (sends_messages(r) && t.sent > 0 && t.expected == 0)
    r.warnings.emplace_back("no delivery was expected (one client, or nobody to receive)");
  if (r.send_lag.count && r.send_lag.p99 > 10'000'000)
    r.warnings.push_back("the swarm fell behind its own schedule (send lag p99 " +
                         format_ns(static_cast<double>(r.send_lag.p99)) +
                         "): latencies include the swarm's own delay; try fewer clients or a lower rate");
  if (r.elapsed_s > 1 && r.cpu_s > 0.9 * r.elapsed_s)
    r.warnings.push_back("the swarm used " + fixed(100 * r.cpu_s / r.elapsed_s, 0) +
                         "% of a CPU: it may be the bottleneck, and latencies include its own queueing");
  if (sends_messages(r) && r.proto == "chat" && r.rate_per_sender > 20)
    r.warnings.push_back("each sender sends " + fixed(r.rate_per_sender, 1) +
                         " lines/s, above chat-server's default flood limit of 20/s: unless the server runs with "
                         "--rate 0, its pacing shows up as latency");
  if (r.foreign) r.warnings.push_back(num(r.foreign) + " lines from users outside this run were ignored");
}

namespace {

// The table's first line: what was run, against what, and how hard.
std::string table_title(const Report& r) {
  std::string s;
  s += "chat-swarm " + r.scenario + " against " + r.target;
  if (r.proto != "chat") s += " (" + r.proto + ")";
  s += ": " + num(r.clients) + " clients";
  if (r.scenario == "pubsub") s += " (" + num(r.listeners) + " listeners)";
  if (sends_messages(r)) {
    s += ", " + num(r.senders) + " senders, ";
    if (r.closed_loop) {
      s += "closed loop";
    } else {
      s += fixed(r.rate_total, r.rate_total < 10 ? 2 : 0) + " msg/s in total (" + fixed(r.rate_per_sender, 2) +
           " per sender)";
    }
    s += ", " + num(r.size) + "-byte messages";
    s += r.messages_target ? ", " + num(r.messages_target) + " messages" : ", " + fixed(r.duration_s, 1) + " s";
  } else {
    s += r.logins_target ? ", " + num(r.logins_target) + " logins" : ", " + fixed(r.duration_s, 1) + " s";
  }
  if (r.pipeline) s += ", pipelined login";
  if (r.connect_rate > 0) s += ", connecting " + fixed(r.connect_rate, 0) + "/s";
  if (r.source_ips > 1) s += ", from " + num(r.source_ips) + " source addresses";
  return s;
}

}  // namespace

std::string format_table(const Report& r) {
  std::string s = table_title(r);
  s += "\n\n";

  s += "clients\n";
  s += "  connections       " + num(r.connected) + " of " + num(r.connect_attempts) + " attempts, " + num(r.failed) +
       " failed\n";
  if (r.scenario == "login-storm") {
    s += "  logins            " + num(r.logins) + " in " + fixed(r.elapsed_s, 2) + " s (" + fixed(r.login_rate, 0) +
         " logins/s)\n";
  } else {
    s += "  ready             " + num(r.ready) + " of " + num(r.clients) + " in " + fixed(r.ready_s, 3) + " s (" +
         fixed(r.login_rate, 0) + " connect+login/s)\n";
  }
  if (r.churn_bots) {
    s += "  churn             " + num(r.churn_bots) + " replacement bots;";
    for (const auto& [how, n] : r.departures) s += " " + how + " " + num(n);
    s += "\n";
  }

  if (sends_messages(r)) {
    const Tally& t = r.tally;
    s += "\nmessages\n";
    s += "  sent              " + num(t.sent) + " in " + fixed(r.send_s, 2) + " s (" +
         fixed(per_second(t.sent, r.send_s), 1) + "/s)\n";
    s += "  expected          " + num(t.expected) + " deliveries\n";
    s += "  delivered         " + num(t.delivered) + " (" + fixed(per_second(t.delivered, r.send_s), 0) + "/s)\n";
    s += "  lost              " + num(t.lost) + "\n";
    s += "  duplicated        " + num(t.duplicates) + "\n";
    s += "  reordered         " + num(t.reordered) + "\n";
    s += "  unexpected        " + num(t.unexpected) + "\n";
    s += "  corrupted         " + num(r.corrupted) + "\n";
    if (t.not_required)
      s += "  not required      " + num(t.not_required) +
           " (sent while the receiver was joining or leaving; neither owed nor received)\n";
    for (const std::string& p : r.problems) s += "  ! " + p + "\n";
    if (t.problem_streams > r.problems.size())
      s += "  ! ... and " + num(t.problem_streams - r.problems.size()) + " more streams with faults\n";
  }

  s += "\nlatency             p50       p90       p99       p99.9     max       mean      count\n";
  if (sends_messages(r)) {
    s += latency_row("delivery", r.latency);
    s += latency_row("  from write", r.latency_write);
    s += latency_row("send lag", r.send_lag);
  }
  s += latency_row("login", r.login_latency);
  s += latency_row("  name claim", r.claim_latency);
  if (sends_messages(r))
    s += "  (delivery: from each message's intended send time, so a stalled server cannot hide\n"
         "   behind a slowed sender; from write: from when it was actually queued)\n";

  s += format_targets_table(r);
  s += format_during_table(r);
  s += "\nswarm               " + fixed(r.elapsed_s, 2) + " s, " + fixed(r.cpu_s, 2) + " s CPU (" +
       fixed(r.elapsed_s > 0 ? 100 * r.cpu_s / r.elapsed_s : 0, 0) + "% of one core)\n";
  s += "\nerrors";
  if (r.errors.empty())
    s += "            none\n";
  else {
    s += "\n";
    for (const auto& [kind, count] : r.errors) s += "  " + pad(num(count), 8) + kind + "\n";
  }
  for (const std::string& w : r.warnings) s += "warning: " + w + "\n";
  s += "\n";
  if (r.failures.empty()) {
    s += "RESULT: PASS\n";
  } else {
    s += "RESULT: FAIL\n";
    for (const std::string& f : r.failures) s += "  - " + f + "\n";
  }
  return s;
}

std::string format_json(const Report& r) {
  Json j;
  j.open('{');
  j.field("tool", "chat-swarm");
#ifdef CHAT_VERSION
  j.field("version", CHAT_VERSION);
#endif
  j.field("ok", r.failures.empty());
  j.key("failures");
  j.open('[');
  for (const auto& f : r.failures) j.value(f);
  j.close(']');
  j.key("warnings");
  j.open('[');
  for (const auto& w : r.warnings) j.value(w);
  j.close(']');

  j.key("config");
  j.open('{');
  j.field("scenario", r.scenario);
  j.field("proto", r.proto);
  j.field("target", r.target);
  j.field("clients", r.clients);
  j.field("senders", r.senders);
  j.field("listeners", r.listeners);
  j.field("closed_loop", r.closed_loop);
  j.field("rate_total", r.rate_total);
  j.field("rate_per_sender", r.rate_per_sender);
  j.field("duration_s", r.duration_s);
  j.field("messages", r.messages_target);
  j.field("logins", r.logins_target);
  j.field("size", r.size);
  j.field("connect_rate", r.connect_rate);
  j.field("pipeline", r.pipeline);
  j.field("source_ips", r.source_ips);
  j.close('}');

  j.key("clients");
  j.open('{');
  j.field("connect_attempts", r.connect_attempts);
  j.field("connected", r.connected);
  j.field("logins", r.logins);
  j.field("failed", r.failed);
  j.field("ready", r.ready);
  j.field("ready_s", r.ready_s);
  j.field("login_rate", r.login_rate);
  j.histogram("login_latency_ns", r.login_latency);
  j.histogram("claim_latency_ns", r.claim_latency);
  j.field("churn_bots", r.churn_bots);
  j.key("departures");
  j.open('{');
  for (const auto& [how, n] : r.departures) j.field(how, n);
  j.close('}');
  j.close('}');

  const Tally& t = r.tally;
  j.key("messages");
  j.open('{');
  j.field("sent", t.sent);
  j.field("send_s", r.send_s);
  j.field("send_rate", per_second(t.sent, r.send_s));
  j.field("expected", t.expected);
  j.field("delivered", t.delivered);
  j.field("delivery_rate", per_second(t.delivered, r.send_s));
  j.field("lost", t.lost);
  j.field("duplicates", t.duplicates);
  j.field("reordered", t.reordered);
  j.field("unexpected", t.unexpected);
  j.field("corrupted", r.corrupted);
  j.field("not_required", t.not_required);
  j.field("foreign", r.foreign);
  j.field("problem_streams", t.problem_streams);
  j.key("problems");
  j.open('[');
  for (const auto& p : r.problems) j.value(p);
  j.close(']');
  j.close('}');

  j.key("latency_ns");
  j.open('{');
  j.histogram("delivery", r.latency);
  j.histogram("from_write", r.latency_write);
  j.histogram("send_lag", r.send_lag);
  j.close('}');

  write_targets_json(j, r);
  write_during_json(j, r);

  j.key("errors");
  j.open('{');
  for (const auto& [kind, n] : r.errors) j.field(kind, n);
  j.close('}');
  j.field("error_total", r.error_total);
  j.field("interrupted", r.interrupted);
  j.field("drain_timed_out", r.drain_timed_out);
  j.field("elapsed_s", r.elapsed_s);
  j.field("cpu_s", r.cpu_s);
  j.close('}');
  return j.take();
}

std::string format_progress(const ProgressSample& p) {
  char buf[256];
  (void)std::snprintf(buf, sizeof buf,
                      "[%6.1fs] %-10s connected %-7llu ready %-7llu sent %-9llu (%.0f/s)  delivered %-11llu (%.0f/s)  "
                      "logins/s %.0f  errors %llu",
                      p.elapsed_s, p.phase, static_cast<unsigned long long>(p.connected),
                      static_cast<unsigned long long>(p.ready), static_cast<unsigned long long>(p.sent), p.send_rate,
                      static_cast<unsigned long long>(p.delivered), p.deliver_rate, p.login_rate,
                      static_cast<unsigned long long>(p.errors));
  return buf;
}

}  // namespace swarm
