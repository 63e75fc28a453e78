// contrib/chat-server.conf stays in step with the option table: it lists every key once, and
// with its settings uncommented it loads and gives exactly the defaults it claims.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "bin/chat_server/options.h"
#include "reactor/poller.h"

using namespace chat_server;

namespace {

std::string example() {
  std::ifstream in(std::string(CHAT_SOURCE_DIR) + "/contrib/chat-server.conf");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool load(const std::vector<std::string>& args, Options& options, std::string& error) {
  OptionSources sources;
  auto no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  if (parse_command_line(args, no_env, sources, error) != ParseStatus::Run) return false;
  return load_options(sources, options, error);
}

}  // namespace

TEST(ExampleConfig, ListsEveryKeyOnce) {
  std::string text = example();
  ASSERT_FALSE(text.empty()) << "contrib/chat-server.conf is missing";
  for (const OptionName& n : option_names()) {
    if (!n.file_key) continue;
    std::string line = "\n# " + n.name + " = ";
    std::size_t at = text.find(line);
    EXPECT_NE(at, std::string::npos) << "the example does not list '" << n.name << "'";
    if (at != std::string::npos) {
      EXPECT_EQ(text.find(line, at + 1), std::string::npos) << n.name << " twice";
    }
  }
}

TEST(ExampleConfig, UncommentedItLoadsAndGivesTheDefaults) {
  // Settings without a default (they name files or a secret) are left out.
  std::istringstream in(example());
  std::regex setting("^# ([a-z-]+) = (.*)$");
  std::string uncommented, line;
  int settings = 0;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, setting)) continue;
    if (m[1] == "password" || m[1] == "password-file" || m[1] == "motd" || m[1] == "redis" ||
        m[1] == "redis-password-file" || m[1] == "node-name")
      continue;
    // The example shows Linux's default; elsewhere the default is another backend.
    std::string value = m[1] == "backend" ? std::string(reactor::available_backends().front()) : m[2].str();
    uncommented += m[1].str() + " = " + value + "\n";
    ++settings;
  }
  int file_keys = 0;
  for (const OptionName& n : option_names()) file_keys += n.file_key;
  EXPECT_EQ(settings, file_keys - 6);
  std::string path = "/tmp/example-config-test-" + std::to_string(getpid()) + ".conf";
  std::ofstream(path) << uncommented;

  Options from_file, defaults;
  std::string error;
  ASSERT_TRUE(load({"--config", path}, from_file, error)) << error << "\n" << uncommented;
  ASSERT_TRUE(load({}, defaults, error)) << error;
  unlink(path.c_str());
  EXPECT_EQ(from_file.bind, defaults.bind);
  EXPECT_EQ(from_file.port, defaults.port);
  EXPECT_EQ(from_file.backend, defaults.backend);
  EXPECT_EQ(from_file.auth_timeout_seconds, defaults.auth_timeout_seconds);
  EXPECT_EQ(from_file.max_line, defaults.max_line);
  EXPECT_EQ(from_file.max_queue, defaults.max_queue);
  EXPECT_EQ(from_file.rate, defaults.rate);
  EXPECT_EQ(from_file.burst, defaults.burst);
  EXPECT_EQ(from_file.max_clients, defaults.max_clients);
  EXPECT_EQ(from_file.max_per_ip, defaults.max_per_ip);
  EXPECT_EQ(from_file.keepalive_seconds, defaults.keepalive_seconds);
  EXPECT_EQ(from_file.log_level, defaults.log_level);
  EXPECT_EQ(from_file.log_format, defaults.log_format);
  EXPECT_EQ(from_file.stats_interval_seconds, defaults.stats_interval_seconds);
}
