// RespClient against a real redis-server on a free loopback port: pipelining, AUTH, refusal,
// the server dying mid-pipeline, reconnecting, bounds, close() and subscriber mode. Deadlines
// are generous limits on waiting, never speed checks.
#include "resp/client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "reactor/poller.h"
#include "tests/integration/redis_server.h"
#include "tests/resp/resp_show.h"

using namespace resp;
using harness::RedisServer;
using resp_test::show;

namespace {

std::vector<reactor::SocketAddress> loopback(std::uint16_t port) {
  std::string error;
  auto addresses = reactor::resolve_tcp("127.0.0.1", port, error);
  EXPECT_FALSE(addresses.empty()) << error;
  return addresses;
}

template <class Edit>
RespClientOptions options(Edit edit) {
  RespClientOptions o;
  edit(o);
  return o;
}

class RespClientTest : public ::testing::Test {
 protected:
  RespClientTest() : RespClientTest(reactor::make_poller(reactor::available_backends().front())) {}
  explicit RespClientTest(std::unique_ptr<reactor::Poller> poller) : loop(std::move(poller)) {}

  reactor::EventLoop loop;

  // Runs the loop until `done` holds; false at the deadline.
  bool run_until(const std::function<bool()>& done, std::chrono::seconds deadline = std::chrono::seconds(10)) {
    auto until = std::chrono::steady_clock::now() + deadline;
    while (!done()) {
      if (std::chrono::steady_clock::now() > until) return false;
      if (!loop.run_once(10)) return false;
    }
    return true;
  }

  // Connects and waits until ready; false (test failed) otherwise.
  bool connect(RespClient& client, std::uint16_t port) {
    client.connect(loopback(port));
    return run_until([&] { return client.ready() || client.state() == RespClient::State::Idle; }) && client.ready();
  }

  // A server the test speaks for: a listener and the one connection `client` made to it.
  struct FakeServer {
    int listener = -1;
    int side = -1;
    FakeServer() = default;
    FakeServer(const FakeServer&) = delete;
    FakeServer& operator=(const FakeServer&) = delete;
    ~FakeServer() {
      if (side >= 0) ::close(side);
      if (listener >= 0) ::close(listener);
    }
  };
  bool connect_to_fake(RespClient& client, FakeServer& server) {
    std::string error;
    server.listener = reactor::listen_tcp("127.0.0.1", 0, 8, error);
    EXPECT_GE(server.listener, 0) << error;
    if (server.listener < 0 || !connect(client, reactor::local_port(server.listener))) return false;
    reactor::PeerAddress peer;
    return run_until([&] { return (server.side = reactor::accept_connection(server.listener, peer)) >= 0; });
  }

  // Sends one command and waits for its reply, shown as text ("status:..." when not Ok).
  std::string call(RespClient& client, std::initializer_list<std::string_view> args) {
    std::string got;
    bool done = false;
    RespStatus s = client.command(args, [&](const RespResult& r) {
      got = r.status == RespStatus::Ok ? show(*r.reply) : std::string("status:") + to_string(r.status);
      done = true;
    });
    if (s != RespStatus::Ok) return std::string("refused:") + to_string(s);
    if (!run_until([&] { return done; })) return "timeout";
    return got;
  }
};

// A stop of this process, as its loop sees it: `once`, if set, runs inside the next wait,
// which then returns no descriptor.
struct Stall {
  std::function<void()> once;
};

class StallingPoller final : public reactor::Poller {
 public:
  explicit StallingPoller(std::shared_ptr<Stall> stall)
      : inner_(reactor::make_poller(reactor::available_backends().front())), stall_(std::move(stall)) {}
  std::string_view name() const override { return inner_->name(); }
  int add(int fd, std::uint8_t interest) override { return inner_->add(fd, interest); }
  int modify(int fd, std::uint8_t interest) override { return inner_->modify(fd, interest); }
  int remove(int fd) override { return inner_->remove(fd); }
  int wait(std::vector<reactor::ReadyEvent>& out, int timeout_ms) override {
    if (!stall_->once) return inner_->wait(out, timeout_ms);
    std::exchange(stall_->once, nullptr)();
    out.clear();
    return 0;
  }

 private:
  std::unique_ptr<reactor::Poller> inner_;
  std::shared_ptr<Stall> stall_;
};

class RespClientStallTest : public RespClientTest {
 protected:
  explicit RespClientStallTest(const std::shared_ptr<Stall>& s = std::make_shared<Stall>())
      : RespClientTest(std::make_unique<StallingPoller>(s)), stall(s) {}
  std::shared_ptr<Stall> stall;
};

}  // namespace

TEST_F(RespClientTest, PipelinedCommandsCompleteInOrder) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  RespClient client(loop);
  client.connect(loopback(redis.port()));
  // Queued while connecting, then thousands at once: replies match commands first in, first out.
  constexpr int kCount = 20000;
  std::vector<std::int64_t> got;
  got.reserve(kCount);
  for (int i = 0; i < kCount; ++i) {
    ASSERT_EQ(client.command({"INCR", "counter"},
                             [&](const RespResult& r) {
                               ASSERT_EQ(r.status, RespStatus::Ok) << r.error;
                               got.push_back(r.reply->top.integer);
                             }),
              RespStatus::Ok);
  }
  EXPECT_EQ(client.pending(), static_cast<std::size_t>(kCount));
  ASSERT_TRUE(run_until([&] { return got.size() == kCount; })) << got.size();
  for (int i = 0; i < kCount; ++i) ASSERT_EQ(got[i], i + 1) << "reply " << i;
  EXPECT_EQ(client.pending(), 0u);
  EXPECT_EQ(client.pending_bytes(), 0u);
  // Bulk strings of any bytes go out and come back intact.
  std::string value(100000, 'v');
  value[5] = '\0';
  value[6] = '\r';
  value[7] = '\n';
  EXPECT_EQ(call(client, {"SET", "big", value}), "+OK");
  EXPECT_EQ(call(client, {"GET", "big"}), "$" + value);
  EXPECT_EQ(call(client, {"GET", "missing"}), "nil");
  EXPECT_EQ(call(client, {"NOSUCHCOMMAND"}).rfind("-ERR", 0), 0u) << "a Redis error is a reply";
}

TEST_F(RespClientTest, AuthenticatesFirstWhenGivenAPassword) {
  RedisServer redis({"--requirepass", "pa ss"});
  ASSERT_TRUE(redis.ok());
  RespClient client(loop, options([](RespClientOptions& o) { o.password = "pa ss"; }));
  int connects = 0;
  client.set_on_connect([&] { ++connects; });
  client.connect(loopback(redis.port()));
  std::string early;
  ASSERT_EQ(client.command({"PING"}, [&](const RespResult& r) { early = show(*r.reply); }), RespStatus::Ok);
  EXPECT_EQ(client.state(), RespClient::State::Connecting);
  ASSERT_TRUE(run_until([&] { return !early.empty(); }));
  EXPECT_EQ(early, "+PONG") << "a command queued while connecting goes after AUTH";
  EXPECT_EQ(connects, 1);
  EXPECT_TRUE(client.ready());

  RespClient anonymous(loop);
  ASSERT_TRUE(connect(anonymous, redis.port()));
  EXPECT_EQ(call(anonymous, {"PING"}).rfind("-NOAUTH", 0), 0u);
}

TEST_F(RespClientTest, AWrongPasswordFailsTheConnection) {
  RedisServer redis({"--requirepass", "right"});
  ASSERT_TRUE(redis.ok());
  RespClient client(loop, options([](RespClientOptions& o) { o.password = "wrong"; }));
  std::string why;
  client.set_on_disconnect([&](std::string_view w) { why = w; });
  client.set_on_connect([] { ADD_FAILURE() << "connected with a wrong password"; });
  client.connect(loopback(redis.port()));
  std::string status;
  client.command({"PING"}, [&](const RespResult& r) { status = to_string(r.status); });
  ASSERT_TRUE(run_until([&] { return !why.empty(); }));
  EXPECT_NE(why.find("AUTH refused"), std::string::npos) << why;
  EXPECT_EQ(status, "disconnected");
  EXPECT_EQ(client.state(), RespClient::State::Idle);
}

TEST_F(RespClientTest, ConnectionRefusedIsReportedFromTheLoop) {
  RespClient client(loop);
  std::string why;
  client.set_on_disconnect([&](std::string_view w) { why = w; });
  client.connect(loopback(harness::unused_port()));
  std::string status;
  EXPECT_EQ(client.command({"PING"}, [&](const RespResult& r) { status = to_string(r.status); }), RespStatus::Ok);
  EXPECT_TRUE(why.empty()) << "nothing is called back from inside connect()";
  ASSERT_TRUE(run_until([&] { return !why.empty(); }));
  EXPECT_NE(why.find("refused"), std::string::npos) << why;
  EXPECT_EQ(status, "disconnected");
  EXPECT_EQ(client.command({"PING"}, [](const RespResult&) { ADD_FAILURE(); }), RespStatus::NotConnected);
  client.connect({});
  why.clear();
  ASSERT_TRUE(run_until([&] { return !why.empty(); }));
  EXPECT_EQ(why, "no address to connect to");
}

TEST_F(RespClientTest, ServerKilledMidPipelineFailsEveryPendingCommandThenReconnects) {
  auto redis = std::make_unique<RedisServer>();
  ASSERT_TRUE(redis->ok());
  RespClient client(loop);
  ASSERT_TRUE(connect(client, redis->port()));
  // BLPOP blocks the connection, so every command behind it stays unanswered.
  std::vector<std::string> statuses;
  auto record = [&](const RespResult& r) {
    statuses.push_back(r.status == RespStatus::Ok ? show(*r.reply) : to_string(r.status));
  };
  ASSERT_EQ(client.command({"BLPOP", "nothing", "0"}, record), RespStatus::Ok);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(client.command({"PING"}, record), RespStatus::Ok);
  ASSERT_TRUE(run_until([&] { return client.pending_bytes() == 0; })) << "written";
  std::string why;
  std::size_t pending_at_hook = 99;
  client.set_on_disconnect([&](std::string_view w) {
    why = w;
    pending_at_hook = statuses.size();
  });
  redis->kill_now();
  ASSERT_TRUE(run_until([&] { return !why.empty(); }));
  EXPECT_EQ(statuses, std::vector<std::string>(101, "disconnected"));
  EXPECT_EQ(pending_at_hook, 101u) << "callbacks first, then the hook";
  EXPECT_EQ(client.pending(), 0u);
  EXPECT_EQ(client.command({"PING"}, record), RespStatus::NotConnected);

  // The owner reconnects, here to a new server, from the disconnect hook of a later loss too.
  redis = std::make_unique<RedisServer>();
  ASSERT_TRUE(redis->ok());
  const std::uint16_t port = redis->port();
  ASSERT_TRUE(connect(client, port));
  EXPECT_EQ(call(client, {"PING"}), "+PONG");
  int reconnects = 0;
  client.set_on_disconnect([&](std::string_view) {
    ++reconnects;
    client.connect(loopback(port));
  });
  client.command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"}, [](const RespResult&) {});
  ASSERT_TRUE(run_until([&] { return reconnects == 1 && client.ready(); }));
  EXPECT_EQ(call(client, {"PING"}), "+PONG");
}

TEST_F(RespClientTest, ACallbackThatClosesDropsTheRest) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  RespClient client(loop);
  ASSERT_TRUE(connect(client, redis.port()));
  int called = 0;
  client.command({"BLPOP", "nothing", "0"}, [&](const RespResult&) {
    ++called;
    client.close();
  });
  for (int i = 0; i < 10; ++i) client.command({"PING"}, [&](const RespResult&) { ++called; });
  bool hook = false;
  client.set_on_disconnect([&](std::string_view) { hook = true; });
  ASSERT_TRUE(run_until([&] { return client.pending_bytes() == 0; }));
  redis.kill_now();
  ASSERT_TRUE(run_until([&] { return client.state() == RespClient::State::Idle; }));
  EXPECT_EQ(called, 1);
  EXPECT_FALSE(hook);
}

TEST_F(RespClientTest, CloseDropsCallbacksUncalled) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  RespClient client(loop);
  ASSERT_TRUE(connect(client, redis.port()));
  bool hook = false;
  client.set_on_disconnect([&](std::string_view) { hook = true; });
  for (int i = 0; i < 50; ++i) client.command({"PING"}, [](const RespResult&) { ADD_FAILURE() << "called"; });
  client.flush();
  client.close();
  EXPECT_EQ(client.pending(), 0u);
  for (int i = 0; i < 20; ++i) loop.run_once(5);
  EXPECT_FALSE(hook);
  EXPECT_EQ(client.state(), RespClient::State::Idle);
}

TEST_F(RespClientTest, BeyondTheBoundsCommandsFailAtOnce) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  RespClient counted(loop, options([](RespClientOptions& o) { o.max_pending = 3; }));
  EXPECT_EQ(counted.command({"PING"}, [](const RespResult&) {}), RespStatus::NotConnected);
  ASSERT_TRUE(connect(counted, redis.port()));
  int replies = 0;
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(counted.command({"PING"}, [&](const RespResult&) { ++replies; }), RespStatus::Ok);
  EXPECT_EQ(counted.command({"PING"}, [](const RespResult&) { ADD_FAILURE(); }), RespStatus::QueueFull);
  ASSERT_TRUE(run_until([&] { return replies == 3; }));
  EXPECT_EQ(counted.command({"PING"}, [&](const RespResult&) { ++replies; }), RespStatus::Ok) << "room again";

  RespClient sized(loop, options([](RespClientOptions& o) { o.max_pending_bytes = 100; }));
  ASSERT_TRUE(connect(sized, redis.port()));
  EXPECT_EQ(sized.command({"SET", "k", std::string(60, 'x')}, [](const RespResult&) {}), RespStatus::Ok);
  EXPECT_EQ(sized.command({"SET", "k", "y"}, [](const RespResult&) { ADD_FAILURE(); }), RespStatus::QueueFull);
  EXPECT_EQ(sized.command({"SET", "k", std::string(200, 'x')}, [](const RespResult&) {}), RespStatus::QueueFull);
}

TEST_F(RespClientTest, SubscriberModeHandsPushesToTheHook) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  RespClient listener(loop);
  RespClient publisher(loop);
  std::vector<std::string> pushes;
  listener.set_on_push([&](const RespReply& r) { pushes.push_back(show(r)); });
  ASSERT_TRUE(connect(listener, redis.port()));
  ASSERT_TRUE(connect(publisher, redis.port()));
  ASSERT_EQ(listener.subscribe_command({"SUBSCRIBE", "a", "b"}), RespStatus::Ok);
  ASSERT_TRUE(run_until([&] { return pushes.size() == 2; }));
  EXPECT_EQ(pushes, (std::vector<std::string>{"*3|$subscribe|$a|:1", "*3|$subscribe|$b|:2"}));
  EXPECT_EQ(call(publisher, {"PUBLISH", "a", "hello\r\n"}), ":1");
  // A command on the subscribed connection still gets its own reply amid the messages.
  std::string pong;
  publisher.command({"PUBLISH", "b", "x"}, [](const RespResult&) {});
  listener.command({"PING"}, [&](const RespResult& r) { pong = show(*r.reply); });
  publisher.command({"PUBLISH", "b", "y"}, [](const RespResult&) {});
  ASSERT_TRUE(run_until([&] { return pushes.size() == 5 && !pong.empty(); }));
  EXPECT_EQ(pushes[2], "*3|$message|$a|$hello\r\n");
  EXPECT_EQ(pushes[3], "*3|$message|$b|$x");
  EXPECT_EQ(pushes[4], "*3|$message|$b|$y");
  EXPECT_EQ(pong, "*2|$pong|$");
}

// A fake server that says what it likes: bytes no command asked for break the connection.
TEST_F(RespClientTest, UnaskedOrBrokenRepliesBreakTheConnection) {
  for (const auto& [sent, want] : std::vector<std::pair<std::string, std::string>>{
           {":1\r\n", "a reply that no command asked for"}, {"hello\r\n", "not RESP: "}}) {
    RespClient client(loop);
    std::string why;
    client.set_on_disconnect([&](std::string_view w) { why = w; });
    FakeServer server;
    ASSERT_TRUE(connect_to_fake(client, server));
    ASSERT_EQ(reactor::write_some(server.side, sent.data(), sent.size()), static_cast<long>(sent.size()));
    ASSERT_TRUE(run_until([&] { return !why.empty(); }));
    EXPECT_EQ(why.rfind(want, 0), 0u) << why;
  }
}

// A server that takes the connection and never answers (frozen, or gone without a reset):
// with answer_timeout the command fails and the connection is lost, instead of waiting for
// the kernel's minutes; a server that answers in time is not.
TEST_F(RespClientTest, AConnectionLeftUnansweredPastTheAnswerTimeoutIsLost) {
  RespClient client(loop, options([](RespClientOptions& o) { o.answer_timeout = std::chrono::milliseconds(300); }));
  std::string why;
  client.set_on_disconnect([&](std::string_view w) { why = w; });
  FakeServer server;
  ASSERT_TRUE(connect_to_fake(client, server));
  std::string first = call(client, {"PING"});
  EXPECT_EQ(first, "status:disconnected");
  EXPECT_EQ(why, "no answer for 300 ms");
  EXPECT_EQ(client.state(), RespClient::State::Idle);
}

// This process stalled, not the server: the answer came while it was stopped, and the
// first wait after it returns without the socket (interrupted by the signal that woke it, or
// a batch full of other descriptors), so the expired answer watch runs first. It reads the
// socket before it gives up: the answer is taken and the connection kept.
TEST_F(RespClientStallTest, AnAnswerThatCameWhileThisProcessStalledIsNotTakenForSilence) {
  RespClient client(loop, options([](RespClientOptions& o) { o.answer_timeout = std::chrono::milliseconds(300); }));
  std::string why;
  client.set_on_disconnect([&](std::string_view w) { why = w; });
  FakeServer server;
  ASSERT_TRUE(connect_to_fake(client, server));
  std::string got;
  ASSERT_EQ(client.command({"PING"},
                           [&](const RespResult& r) { got = r.status == RespStatus::Ok ? show(*r.reply) : "status"; }),
            RespStatus::Ok);
  loop.run_once(0);  // the command goes out; nothing has come back
  ASSERT_TRUE(got.empty());
  stall->once = [&] {
    EXPECT_EQ(reactor::write_some(server.side, "+PONG\r\n", 7), 7);
    std::this_thread::sleep_for(std::chrono::milliseconds(450));  // past the answer timeout
  };
  ASSERT_TRUE(run_until([&] { return !got.empty() || !why.empty(); }));
  EXPECT_EQ(got, "+PONG");
  EXPECT_EQ(why, "");
  EXPECT_TRUE(client.ready());
}

TEST_F(RespClientTest, AServerThatAnswersInTimeIsNotCutOffByTheAnswerTimeout) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  RespClient client(loop, options([](RespClientOptions& o) { o.answer_timeout = std::chrono::milliseconds(300); }));
  bool lost = false;
  client.set_on_disconnect([&](std::string_view) { lost = true; });
  ASSERT_TRUE(connect(client, redis.port()));
  // A blocking command inside the timeout, then quiet time with nothing pending.
  EXPECT_EQ(call(client, {"BLPOP", "nothing", "0.1"}), "*nil");
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(600);
  while (std::chrono::steady_clock::now() < until) loop.run_once(10);
  EXPECT_EQ(call(client, {"PING"}), "+PONG");
  EXPECT_FALSE(lost);
}
