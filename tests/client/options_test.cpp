// chat-client's flags and environment.
#include "bin/chat_client/options.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

using chat_client::Options;
using chat_client::ParseStatus;

namespace {

struct Parsed {
  ParseStatus status;
  Options options;
  std::string message;
};

Parsed parse(std::vector<std::string> args) {
  args.insert(args.begin(), "chat-client");
  std::vector<char*> argv;
  argv.reserve(args.size());
  for (auto& a : args) argv.push_back(a.data());
  Parsed p;
  p.status = chat_client::parse_options(static_cast<int>(argv.size()), argv.data(), p.options, p.message);
  return p;
}

// Each test starts from an environment without the variables the client reads.
class ClientOptions : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("CHAT_PASSWORD");
    unsetenv("NO_COLOR");
  }
  void TearDown() override { SetUp(); }
};

std::string write_temp(const std::string& content) {
  char path[] = "/tmp/chat-client-options-XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  std::ofstream(path) << content;
  return path;
}

}  // namespace

TEST_F(ClientOptions, Defaults) {
  Parsed p = parse({});
  ASSERT_EQ(p.status, ParseStatus::Run);
  EXPECT_EQ(p.options.host, "localhost");
  EXPECT_EQ(p.options.port, 5000);
  EXPECT_FALSE(p.options.name);
  EXPECT_FALSE(p.options.password);
  EXPECT_TRUE(p.options.color);
}

TEST_F(ClientOptions, HostAndPort) {
  Parsed p = parse({"chat.example", "6000"});
  ASSERT_EQ(p.status, ParseStatus::Run);
  EXPECT_EQ(p.options.host, "chat.example");
  EXPECT_EQ(p.options.port, 6000);
  EXPECT_EQ(parse({"::1"}).options.host, "::1");
}

TEST_F(ClientOptions, BadPortsAndExtraArguments) {
  for (const char* port : {"0", "65536", "50x", ""}) {
    Parsed p = parse({"localhost", port});
    EXPECT_EQ(p.status, ParseStatus::ExitUsage) << port;
    EXPECT_NE(p.message.find("port"), std::string::npos) << p.message;
  }
  EXPECT_EQ(parse({"localhost", "-1"}).status, ParseStatus::ExitUsage);
  EXPECT_EQ(parse({"a", "1", "b"}).status, ParseStatus::ExitUsage);
}

TEST_F(ClientOptions, Name) {
  EXPECT_EQ(*parse({"--name", "alice"}).options.name, "alice");
  EXPECT_EQ(*parse({"--name=bob", "host"}).options.name, "bob");
  EXPECT_EQ(parse({"--name"}).status, ParseStatus::ExitUsage);
  EXPECT_EQ(parse({"--name="}).status, ParseStatus::ExitUsage);
}

TEST_F(ClientOptions, PasswordFromTheEnvironmentOrAFileWhichWins) {
  setenv("CHAT_PASSWORD", "from-env", 1);
  EXPECT_EQ(*parse({}).options.password, "from-env");
  std::string path = write_temp("from-file\r\nsecond line\n");
  EXPECT_EQ(*parse({"--password-file", path}).options.password, "from-file");
  unlink(path.c_str());
  Parsed missing = parse({"--password-file", "/nonexistent/pw"});
  EXPECT_EQ(missing.status, ParseStatus::ExitUsage);
  EXPECT_NE(missing.message.find("/nonexistent/pw"), std::string::npos);
  std::string empty = write_temp("\n");
  EXPECT_EQ(parse({"--password-file=" + empty}).status, ParseStatus::ExitUsage);
  unlink(empty.c_str());
  setenv("CHAT_PASSWORD", "", 1);
  EXPECT_FALSE(parse({}).options.password);  // empty means unset, as for the server
}

TEST_F(ClientOptions, NoColorFlagAndEnvironment) {
  EXPECT_FALSE(parse({"--no-color"}).options.color);
  setenv("NO_COLOR", "1", 1);
  EXPECT_FALSE(parse({}).options.color);
  setenv("NO_COLOR", "", 1);  // no-color.org: only a non-empty value counts
  EXPECT_TRUE(parse({}).options.color);
}

TEST_F(ClientOptions, HelpVersionAndUnknownFlags) {
  Parsed help = parse({"--help"});
  EXPECT_EQ(help.status, ParseStatus::ExitOk);
  EXPECT_NE(help.message.find("Usage: chat-client"), std::string::npos);
  EXPECT_NE(help.message.find("--password-file"), std::string::npos);
  Parsed version = parse({"--version"});
  EXPECT_EQ(version.status, ParseStatus::ExitOk);
  EXPECT_EQ(version.message, std::string("chat-client ") + CHAT_VERSION + "\n");
  Parsed unknown = parse({"--bogus"});
  EXPECT_EQ(unknown.status, ParseStatus::ExitUsage);
  EXPECT_NE(unknown.message.find("--bogus"), std::string::npos);
}
