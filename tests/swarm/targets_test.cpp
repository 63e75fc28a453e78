// --targets and --spread: parsing, the refusals, and how clients are dealt over targets.
#include "bin/chat_swarm/targets.h"

#include <gtest/gtest.h>

#include <map>

#include "bin/chat_swarm/options.h"

using namespace swarm;

TEST(Targets, ParsesHostPortListsWithIpv6) {
  std::vector<Target> t;
  std::string error;
  ASSERT_TRUE(parse_targets("127.0.0.1:5000,localhost:5001,[::1]:5002", t, error)) << error;
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].host, "127.0.0.1");
  EXPECT_EQ(t[0].port, 5000);
  EXPECT_EQ(t[1].host, "localhost");
  EXPECT_EQ(t[2].host, "::1");
  EXPECT_EQ(t[2].port, 5002);
  EXPECT_EQ(t[2].text(), "[::1]:5002");
}

TEST(Targets, RefusesWhatIsNotHostPort) {
  std::vector<Target> t;
  std::string error;
  for (const char* bad : {"", "host", ":5000", "host:", "host:0", "host:65536", "host:50x", "a:1,,b:2", "a:1,"}) {
    EXPECT_FALSE(parse_targets(bad, t, error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(Targets, SpreadIsOnePositiveWeightEach) {
  std::vector<std::uint32_t> w;
  std::string error;
  ASSERT_TRUE(parse_spread("2,1,3", w, error));
  EXPECT_EQ(w, (std::vector<std::uint32_t>{2, 1, 3}));
  EXPECT_FALSE(parse_spread("2,0", w, error));
  EXPECT_NE(error.find("'0'"), std::string::npos) << error;
  EXPECT_FALSE(parse_spread("1,-1", w, error));
  EXPECT_FALSE(parse_spread("", w, error));
}

TEST(Targets, EqualWeightsDealInTurn) {
  std::vector<Target> t(3);
  EXPECT_EQ(deal_clients(t, 7), (std::vector<std::uint32_t>{0, 1, 2, 0, 1, 2, 0}));
}

TEST(Targets, WeightsDealInProportionAndSmoothly) {
  std::vector<Target> t(2);
  t[0].weight = 2;
  t[1].weight = 1;
  std::vector<std::uint32_t> dealt = deal_clients(t, 9);
  EXPECT_EQ(dealt, (std::vector<std::uint32_t>{0, 1, 0, 0, 1, 0, 0, 1, 0}));
  t[0].weight = 5;
  t[1].weight = 3;
  std::map<std::uint32_t, int> count;
  for (std::uint32_t k : deal_clients(t, 800)) ++count[k];
  EXPECT_EQ(count[0], 500);
  EXPECT_EQ(count[1], 300);
}

TEST(Targets, OptionsDefaultToHostAndPortAndTakeSpread) {
  Options o;
  std::string msg;
  ASSERT_EQ(parse_options({"--host", "10.0.0.1", "--port", "6000"}, nullptr, o, msg), ParseStatus::Run) << msg;
  ASSERT_EQ(o.targets.size(), 1u);
  EXPECT_EQ(o.targets[0].text(), "10.0.0.1:6000");

  Options two;
  ASSERT_EQ(parse_options({"--targets=127.0.0.1:5000,127.0.0.1:5001", "--spread", "3,1"}, nullptr, two, msg),
            ParseStatus::Run)
      << msg;
  ASSERT_EQ(two.targets.size(), 2u);
  EXPECT_EQ(two.targets[0].weight, 3u);
  EXPECT_EQ(two.targets[1].weight, 1u);
}

TEST(Targets, OptionsRefuseContradictions) {
  struct Case {
    std::vector<std::string> args;
    const char* says;
  };
  for (const Case& c : {Case{{"--targets", "a:1,b:2", "--port", "5"}, "--targets replaces --host and --port"},
                        Case{{"--host", "h", "--targets", "a:1"}, "--targets replaces"},
                        Case{{"--spread", "1,2"}, "--spread needs --targets"},
                        Case{{"--targets", "a:1,b:2", "--spread", "1"}, "1 weights for 2 targets"},
                        Case{{"--targets", "a:1,b:2", "--proto", "redis", "--scenario", "pubsub"}, "one server"},
                        Case{{"--targets", "a:x"}, "--targets: 'a:x' is not HOST:PORT"}}) {
    Options o;
    std::string msg;
    EXPECT_EQ(parse_options(c.args, nullptr, o, msg), ParseStatus::ExitUsage) << c.says;
    EXPECT_NE(msg.find(c.says), std::string::npos) << msg;
  }
}

TEST(DuringRunOptions, TakesACommandAndItsTimes) {
  Options o;
  std::string msg;
  ASSERT_EQ(parse_options({"--during-run", "kill -9 1", "--during-at", "2.5", "--during-for=3"}, nullptr, o, msg),
            ParseStatus::Run)
      << msg;
  EXPECT_EQ(o.during_run, "kill -9 1");
  EXPECT_EQ(o.during_at_s, 2.5);
  EXPECT_EQ(o.during_for_s, 3);
  Options bad;
  EXPECT_EQ(parse_options({"--during-at", "2"}, nullptr, bad, msg), ParseStatus::ExitUsage);
  EXPECT_NE(msg.find("need --during-run"), std::string::npos) << msg;
  EXPECT_EQ(parse_options({"--during-run", "x", "--during-for", "0"}, nullptr, bad, msg), ParseStatus::ExitUsage);
}

TEST(Mix, SharesBecomeWeightsOfTheDoorsOnTheHost) {
  Options o;
  std::string msg;
  ASSERT_EQ(
      parse_options({"--mix", "line=50,irc=25,ws=25", "--port", "5000", "--irc-port", "6667", "--web-port", "8080"},
                    nullptr, o, msg),
      ParseStatus::Run)
      << msg;
  ASSERT_EQ(o.targets.size(), 3u);
  EXPECT_EQ(o.targets[0].text(), "line://127.0.0.1:5000");
  EXPECT_EQ(o.targets[1].text(), "irc://127.0.0.1:6667");
  EXPECT_EQ(o.targets[2].text(), "ws://127.0.0.1:8080");
  EXPECT_EQ(o.targets[0].weight, 50u);
  EXPECT_EQ(o.targets[1].weight, 25u);
}

TEST(Mix, ADoorsShareIsSplitOverItsTargets) {
  Options o;
  std::string msg;
  ASSERT_EQ(parse_options({"--targets", "a:1,b:2,irc://c:3", "--mix", "line=2,irc=1"}, nullptr, o, msg),
            ParseStatus::Run)
      << msg;
  std::map<std::uint32_t, int> dealt;
  for (std::uint32_t k : deal_clients(o.targets, 300)) ++dealt[k];
  EXPECT_EQ(dealt[0], 100);  // line: 200, over two targets
  EXPECT_EQ(dealt[1], 100);
  EXPECT_EQ(dealt[2], 100);  // irc: 100
}

TEST(Mix, RefusesWhatCannotBeMixed) {
  struct Case {
    std::vector<std::string> args;
    const char* says;
  };
  for (const Case& c :
       {Case{{"--mix", "line=1,irc=1"}, "irc needs --irc-port"},
        Case{{"--mix", "line=1,smtp=1"}, "'smtp=1' is not line=N"}, Case{{"--mix", "line=1,line=2"}, "given twice"},
        Case{{"--targets", "a:1,ws://b:2", "--mix", "line=1"}, "which --mix gives no share"},
        Case{{"--targets", "a:1", "--mix", "line=1,ws=1"}, "ws has a share but no target"},
        Case{{"--targets", "a:1,irc://b:2", "--mix", "line=1,irc=1", "--scenario", "pubsub"}, "no pubsub"},
        Case{{"--targets", "smtp://a:1"}, "'smtp' is not line, irc or ws"}}) {
    Options o;
    std::string msg;
    EXPECT_EQ(parse_options(c.args, nullptr, o, msg), ParseStatus::ExitUsage) << c.says;
    EXPECT_NE(msg.find(c.says), std::string::npos) << msg;
  }
}
