// chat-swarm's flags, defaults and refusals; and the plans scenarios make from them.
#include "bin/chat_swarm/options.h"

#include <gtest/gtest.h>

#include "bin/chat_swarm/scenario.h"

using namespace swarm;

namespace {
ParseStatus parse(const std::vector<std::string>& args, Options& o, std::string& msg, const char* env = nullptr) {
  return parse_options(args, env, o, msg);
}
}  // namespace

TEST(Options, Defaults) {
  Options o;
  std::string msg;
  ASSERT_EQ(parse({}, o, msg), ParseStatus::Run);
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 5000);
  EXPECT_EQ(o.password, "123456");
  EXPECT_EQ(o.clients, 1000u);
  EXPECT_EQ(o.scenario, Scenario::Fanout);
  EXPECT_EQ(o.rate, 100);
  EXPECT_EQ(o.size, 64u);
  EXPECT_FALSE(o.messages);
}

TEST(Options, EveryFlagBothSpellings) {
  Options o;
  std::string msg;
  ASSERT_EQ(parse({"--host",
                   "localhost",
                   "--port=6000",
                   "--password",
                   "pw",
                   "--clients",
                   "300",
                   "--senders=5",
                   "--rate",
                   "250.5",
                   "--messages",
                   "1000",
                   "--size",
                   "128",
                   "--connect-rate",
                   "500",
                   "--source-ips",
                   "127.0.0.1-127.0.0.3,127.0.0.9",
                   "--pipeline",
                   "--json",
                   "out.json",
                   "--scenario",
                   "chatter",
                   "--ready-timeout",
                   "5",
                   "--drain-timeout",
                   "2",
                   "--seed",
                   "9",
                   "--name-prefix",
                   "lt_",
                   "--quiet"},
                  o, msg),
            ParseStatus::Run)
      << msg;
  EXPECT_EQ(o.host, "localhost");
  EXPECT_EQ(o.port, 6000);
  EXPECT_EQ(o.password, "pw");
  EXPECT_EQ(o.clients, 300u);
  EXPECT_EQ(o.senders, 5u);
  EXPECT_DOUBLE_EQ(o.rate, 250.5);
  EXPECT_EQ(o.messages, 1000u);
  EXPECT_EQ(o.size, 128u);
  EXPECT_EQ(o.connect_rate, 500);
  EXPECT_EQ(o.source_ips, (std::vector<std::string>{"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.9"}));
  EXPECT_TRUE(o.pipeline);
  EXPECT_EQ(o.json_path, "out.json");
  EXPECT_EQ(o.scenario, Scenario::Chatter);
  EXPECT_EQ(o.ready_timeout_s, 5);
  EXPECT_EQ(o.drain_timeout_s, 2);
  EXPECT_EQ(o.seed, 9u);
  EXPECT_EQ(o.name_prefix, "lt_");
  EXPECT_FALSE(o.progress);
}

TEST(Options, PasswordFromEnvironmentUnlessGiven) {
  Options a, b;
  std::string msg;
  parse({}, a, msg, "fromenv");
  EXPECT_EQ(a.password, "fromenv");
  parse({"--password", "flag"}, b, msg, "fromenv");
  EXPECT_EQ(b.password, "flag");
}

TEST(Options, HelpAndVersion) {
  Options o;
  std::string msg;
  EXPECT_EQ(parse({"--help"}, o, msg), ParseStatus::ExitOk);
  EXPECT_NE(msg.find("IN TOTAL"), std::string::npos);  // --rate says it is a total
  for (const char* flag : {"--host", "--port", "--password", "--clients", "--senders", "--rate", "--duration",
                           "--messages", "--size", "--connect-rate", "--source-ips", "--pipeline", "--json",
                           "--scenario", "fanout", "chatter", "private", "churn", "login-storm"})
    EXPECT_NE(msg.find(flag), std::string::npos) << flag;
  EXPECT_EQ(parse({"--version"}, o, msg), ParseStatus::ExitOk);
  EXPECT_NE(msg.find("chat-swarm"), std::string::npos);
}

TEST(Options, BadValuesAreRefusedNamingTheFlag) {
  const std::vector<std::vector<std::string>> bad = {
      {"--port", "0"},
      {"--port", "70000"},
      {"--clients", "0"},
      {"--clients", "1.5"},
      {"--rate", "0"},
      {"--rate", "-3"},
      {"--duration", "0"},
      {"--size", "0"},
      {"--size", "5000"},
      {"--scenario", "storm"},
      {"--source-ips", "nope"},
      {"--source-ips", "127.0.0.9-127.0.0.1"},
      {"--connect-rate", "-1"},
      {"--name-prefix", "a b"},
      {"--bogus", "1"},
      {"--messages"},
      {"--messages", "5", "--duration", "3"},
      {"--logins", "5"},
      {"--scenario", "churn", "--messages", "5"},
      {"--scenario", "private", "--clients", "1"},
      {"--clients", "10", "--senders", "11"},
      {"--scenario", "login-storm", "--senders", "2"},
      {"--scenario", "private", "--clients", "5", "--senders", "5"},
  };
  for (const auto& args : bad) {
    Options o;
    std::string msg;
    EXPECT_EQ(parse(args, o, msg), ParseStatus::ExitUsage) << args[0];
    EXPECT_NE(msg.find("chat-swarm:"), std::string::npos) << msg;
  }
  Options o;
  std::string msg;
  parse({"--port", "0"}, o, msg);
  EXPECT_NE(msg.find("--port"), std::string::npos) << msg;
}

TEST(Plan, FanoutDefaultsToTenSendersSharingTheRate) {
  Options o;
  o.clients = 200;
  o.rate = 100;
  Plan p = make_plan(o);
  EXPECT_EQ(p.sending_slots, 10u);
  EXPECT_DOUBLE_EQ(p.per_sender_rate, 10);
  EXPECT_EQ(p.interval_ns, 100'000'000);
  EXPECT_TRUE(p.slots[9].sends);
  EXPECT_FALSE(p.slots[10].sends);
  // Senders are spread over the interval rather than all sending at once.
  EXPECT_EQ(p.intended_offset_ns(p.slots[0], 0), 0);
  EXPECT_EQ(p.intended_offset_ns(p.slots[5], 0), 50'000'000);
  EXPECT_EQ(p.intended_offset_ns(p.slots[5], 2), 250'000'000);
}

TEST(Plan, MessagesAreSplitExactly) {
  Options o;
  o.clients = 7;
  o.scenario = Scenario::Chatter;
  o.messages = 100;
  Plan p = make_plan(o);
  std::uint64_t total = 0;
  for (const SlotRole& r : p.slots) total += r.quota;
  EXPECT_EQ(total, 100u);
  EXPECT_EQ(p.slots[0].quota, 15u);
  EXPECT_EQ(p.slots[6].quota, 14u);
}

TEST(Plan, PrivatePairsAndChurnHalves) {
  Options o;
  o.clients = 5;
  o.scenario = Scenario::Private;
  Plan p = make_plan(o);
  EXPECT_EQ(p.sending_slots, 4u);
  EXPECT_EQ(p.slots[0].peer, 1u);
  EXPECT_EQ(p.slots[3].peer, 2u);
  EXPECT_EQ(p.slots[0].audience, Audience::Peer);
  EXPECT_FALSE(p.slots[4].sends);

  Options c;
  c.clients = 9;
  c.scenario = Scenario::Churn;
  c.senders = 2;
  Plan q = make_plan(c);
  EXPECT_EQ(q.sending_slots, 2u + 4u);
  EXPECT_FALSE(q.slots[4].churns);
  EXPECT_TRUE(q.slots[5].churns);
  EXPECT_TRUE(q.slots[8].sends);
  EXPECT_FALSE(q.slots[2].sends);
}

TEST(Options, ProtoClosedLoopAndHold) {
  Options o;
  std::string msg;
  ASSERT_EQ(
      parse({"--proto", "redis", "--scenario", "pubsub", "--closed-loop", "--hold", "1.5", "--channel", "c1"}, o, msg),
      ParseStatus::Run)
      << msg;
  EXPECT_EQ(o.proto, Proto::Redis);
  EXPECT_TRUE(o.closed_loop);
  EXPECT_EQ(o.hold_s, 1.5);
  EXPECT_EQ(o.channel, "c1");
  Options d;
  ASSERT_EQ(parse({}, d, msg), ParseStatus::Run);
  EXPECT_EQ(d.proto, Proto::Chat);
  EXPECT_FALSE(d.closed_loop);
}

TEST(Options, ProtoAndClosedLoopRefusals) {
  for (std::vector<std::string> bad : std::vector<std::vector<std::string>>{
           {"--proto", "memcached"},
           {"--proto", "redis"},  // fanout: a subscribed Redis connection cannot publish
           {"--proto", "redis", "--scenario", "churn"},
           {"--closed-loop", "--scenario", "chatter"},
           {"--closed-loop", "--rate", "100"},
           {"--hold", "-1"}}) {
    Options o;
    std::string msg;
    EXPECT_EQ(parse(bad, o, msg), ParseStatus::ExitUsage) << bad[0] << " " << bad[1];
    EXPECT_FALSE(msg.empty());
  }
}

TEST(Plan, PubSubAddsDedicatedSendersToTheListeners) {
  Options o;
  std::string msg;
  ASSERT_EQ(parse({"--scenario", "pubsub", "--clients", "100", "--senders", "10", "--rate", "50"}, o, msg),
            ParseStatus::Run);
  Plan p = make_plan(o);
  ASSERT_EQ(p.slots.size(), 110u);
  EXPECT_EQ(p.listeners, 100u);
  EXPECT_EQ(p.sending_slots, 10u);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_TRUE(p.slots[i].sends && !p.slots[i].listens);
  for (std::size_t i = 10; i < 110; ++i) EXPECT_TRUE(!p.slots[i].sends && p.slots[i].listens);
  EXPECT_DOUBLE_EQ(p.per_sender_rate, 5);
  Options one;
  ASSERT_EQ(parse({"--scenario", "pubsub", "--clients", "5", "--closed-loop"}, one, msg), ParseStatus::Run);
  Plan q = make_plan(one);
  EXPECT_EQ(q.sending_slots, 1u);  // one sender unless told
  EXPECT_TRUE(q.closed_loop);
  EXPECT_EQ(q.interval_ns, 0);
}
