// One chat-swarm run and its JSON report, for the tests that drive the real chat-swarm.
#pragma once

#include <gtest/gtest.h>

#include <charconv>
#include <chrono>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "harness.h"

namespace harness {

struct SwarmRun {
  Process process;
  std::string json;

  // The number after the first `"key": ` (keys used by the tests are unique in the report).
  long long number(const std::string& key) const {
    std::string needle = "\"" + key + "\": ";
    auto pos = json.find(needle);
    if (pos == std::string::npos) {
      ADD_FAILURE() << "no " << key << " in the report:\n" << json;
      return -1;
    }
    long long value = -1;
    const char* digits = json.data() + pos + needle.size();
    if (std::from_chars(digits, json.data() + json.size(), value).ec != std::errc())
      ADD_FAILURE() << "no number after " << needle << " in the report:\n" << json;
    return value;
  }
  // The report from the first `"phase": "<name>"` on (a --during-run phase's own numbers).
  SwarmRun phase(const std::string& name) const {
    SwarmRun p;
    auto pos = json.find("\"phase\": \"" + name + "\"");
    if (pos == std::string::npos) ADD_FAILURE() << "no phase " << name << " in the report:\n" << json;
    p.json = pos == std::string::npos ? std::string() : json.substr(pos);
    return p;
  }
  bool ok() const { return json.find("\"ok\": true") != std::string::npos; }
  std::string explain() const { return "stdout:\n" + process.out + "\nstderr (tail):\n" + tail(process.err); }
  static std::string tail(const std::string& s) { return s.size() > 3000 ? s.substr(s.size() - 3000) : s; }
};

// A churn run's verdict, on any door: nothing lost, doubled or stray, no error, replacement
// bots came, every kind of departure happened, and everything owed was delivered.
inline void expect_clean_churn(const SwarmRun& r) {
  EXPECT_EQ(r.number("lost"), 0);
  EXPECT_EQ(r.number("duplicates"), 0);
  EXPECT_EQ(r.number("unexpected"), 0);
  EXPECT_EQ(r.number("error_total"), 0);
  EXPECT_GT(r.number("churn_bots"), 0);
  EXPECT_GT(r.number("quit"), 0);
  EXPECT_GT(r.number("close"), 0);
  EXPECT_GT(r.number("reset"), 0);
  EXPECT_GT(r.number("expected"), 0);
  EXPECT_EQ(r.number("expected"), r.number("delivered"));
}

// Runs `swarm` (the chat-swarm binary) against 127.0.0.1:port with the tests' password and a
// JSON report, then `args`; waits at most `deadline`.
inline SwarmRun run_swarm(const std::string& swarm, std::uint16_t port, const std::vector<std::string>& args,
                          Duration deadline) {
  TempFile json;
  std::vector<std::string> argv = {swarm,        "--host",  "127.0.0.1", "--port", std::to_string(port),
                                   "--password", kPassword, "--json",    json.path};
  argv.insert(argv.end(), args.begin(), args.end());
  SwarmRun run;
  run.process = run_process(argv, {}, deadline);
  run.json = read_file(json.path);
  return run;
}

}  // namespace harness
