// Report: the verdict names every fault; the JSON carries the numbers another program reads.
#include "bin/chat_swarm/report.h"

#include <gtest/gtest.h>

using namespace swarm;

namespace {
Report clean() {
  Report r;
  r.scenario = "fanout";
  r.target = "127.0.0.1:5000";
  r.clients = 3;
  r.senders = 1;
  r.ready = 3;
  r.tally.sent = 10;
  r.tally.expected = 20;
  r.tally.delivered = 20;
  return r;
}
bool mentions(const std::vector<std::string>& v, std::string_view what) {
  for (const auto& s : v)
    if (s.find(what) != std::string::npos) return true;
  return false;
}
}  // namespace

TEST(Verdict, CleanRunPasses) {
  Report r = clean();
  judge(r);
  EXPECT_TRUE(r.failures.empty());
  EXPECT_NE(format_table(r).find("RESULT: PASS"), std::string::npos);
}

TEST(Verdict, EachFaultFailsAndIsNamed) {
  struct Case {
    void (*spoil)(Report&);
    const char* says;
  };
  const Case cases[] = {
      {[](Report& r) { r.tally.lost = 2; }, "lost 2 of 20"},
      {[](Report& r) { r.tally.duplicates = 1; }, "duplicated"},
      {[](Report& r) { r.tally.reordered = 1; }, "reordered"},
      {[](Report& r) { r.tally.unexpected = 1; }, "unexpected"},
      {[](Report& r) { r.corrupted = 1; }, "corrupted"},
      {[](Report& r) {
         r.errors["connect: ECONNREFUSED (Connection refused)"] = 4;
         r.error_total = 4;
       },
       "ECONNREFUSED"},
      {[](Report& r) { r.ready = 2; }, "only 2 of 3"},
      {[](Report& r) { r.interrupted = true; }, "interrupted"},
      {[](Report& r) { r.tally.sent = 0; }, "no message was sent"},
  };
  for (const Case& c : cases) {
    Report r = clean();
    c.spoil(r);
    judge(r);
    EXPECT_TRUE(mentions(r.failures, c.says)) << c.says;
    std::string table = format_table(r);
    EXPECT_NE(table.find("RESULT: FAIL"), std::string::npos);
    EXPECT_NE(table.find(c.says), std::string::npos) << table;
    EXPECT_NE(format_json(r).find("\"ok\": false"), std::string::npos);
  }
}

TEST(Verdict, ForeignLinesSwarmLimitsAndFloodPacingWarnOnly) {
  Report r = clean();
  r.foreign = 3;
  r.send_lag.count = 10;
  r.send_lag.p99 = 50'000'000;
  r.elapsed_s = 10;
  r.cpu_s = 9.5;
  r.rate_per_sender = 50;
  judge(r);
  EXPECT_TRUE(r.failures.empty());
  EXPECT_TRUE(mentions(r.warnings, "outside this run"));
  EXPECT_TRUE(mentions(r.warnings, "behind its own schedule"));
  EXPECT_TRUE(mentions(r.warnings, "95% of a CPU"));
  EXPECT_TRUE(mentions(r.warnings, "flood limit"));
  EXPECT_NE(format_table(r).find("warning: "), std::string::npos);
  Report quiet = clean();
  judge(quiet);
  EXPECT_TRUE(quiet.warnings.empty());
}

TEST(Report, ProblemDescription) {
  StreamProblem p{1, 0, 10, 3, 1, 0, 0, {{2, 2}, {7, 8}}};
  EXPECT_EQ(describe_problem(p, "bob", "alice"), "bob from alice: lost 3 of 10 (seq 2 7-8) duplicated 1");
}

TEST(Report, JsonCarriesTheNumbersAndEscapes) {
  Report r = clean();
  r.tally.lost = 1;
  r.tally.delivered = 19;
  r.latency.count = 19;
  r.latency.p99 = 123456;
  r.errors["server error: say \"hi\"\n"] = 1;
  r.error_total = 1;
  judge(r);
  std::string j = format_json(r);
  EXPECT_EQ(j.front(), '{');
  EXPECT_EQ(j.substr(j.size() - 2), "}\n");
  for (const char* want :
       {"\"ok\": false", "\"lost\": 1,", "\"delivered\": 19,", "\"expected\": 20,", "\"p99\": 123456,",
        R"("scenario": "fanout")", "\"error_total\": 1,", R"("server error: say \"hi\"\u000a": 1)"})
    EXPECT_NE(j.find(want), std::string::npos) << want << "\n" << j;
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < j.size(); ++i) {
    char c = j[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') --depth;
    ASSERT_GE(depth, 0);
  }
  EXPECT_EQ(depth, 0);
}

TEST(Report, LatenciesForPeople) {
  EXPECT_EQ(format_ns(850), "850ns");
  EXPECT_EQ(format_ns(1500), "1.50us");
  EXPECT_EQ(format_ns(250'000), "250.0us");
  EXPECT_EQ(format_ns(1'250'000), "1.25ms");
  EXPECT_EQ(format_ns(2'500'000'000.0), "2.50s");
}
