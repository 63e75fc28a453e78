// chat-server's settings: one table for flags, file keys and CHAT_* variables; precedence
// defaults < file < environment < flags; errors name their source; MOTD and password files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "bin/chat_server/cluster_settings.h"
#include "bin/chat_server/options.h"

using namespace chat_server;

namespace {

class ServerOptions : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const std::string& p : files_) unlink(p.c_str());
  }

  std::string file_with(const std::string& contents) {
    std::string path = "/tmp/server-options-test-" + std::to_string(getpid()) + "-" + std::to_string(files_.size());
    std::ofstream(path, std::ios::binary) << contents;
    files_.push_back(path);
    return path;
  }

  // Parses flags and `env_` (only); on success loads the options too.
  ParseStatus parse(const std::vector<std::string>& args) {
    message_.clear();
    EnvLookup env = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end() || it->second.empty()) return std::nullopt;
      return it->second;
    };
    ParseStatus status = parse_command_line(args, env, sources_, message_);
    if (status != ParseStatus::Run) return status;
    std::string error;
    if (!load_options(sources_, options_, error)) {
      message_ = error;
      return ParseStatus::ExitUsage;
    }
    return status;
  }

  std::map<std::string, std::string> env_;
  OptionSources sources_;
  Options options_;
  std::string message_;
  std::vector<std::string> files_;
};

}  // namespace

TEST_F(ServerOptions, Defaults) {
  ASSERT_EQ(parse({}), ParseStatus::Run) << message_;
  EXPECT_EQ(options_.port, 5000);
  EXPECT_EQ(options_.bind, "0.0.0.0");
  EXPECT_EQ(options_.password, "123456");
  EXPECT_TRUE(options_.default_password);
  EXPECT_EQ(options_.max_per_ip, 64u);
  EXPECT_EQ(options_.keepalive_seconds, 30);
  EXPECT_EQ(options_.log_level, LogLevel::Info);
  EXPECT_EQ(options_.log_format, LogFormat::Text);
  EXPECT_EQ(options_.stats_interval_seconds, 0);
  EXPECT_FALSE(options_.check_config);
  EXPECT_TRUE(options_.config_path.empty());
  EXPECT_TRUE(options_.motd.empty());
  EXPECT_FALSE(options_.backend.empty());
}

TEST_F(ServerOptions, NewFlagsAreParsed) {
  ASSERT_EQ(parse({"--max-per-ip", "3", "--keepalive=2", "--log-level", "debug", "--log-format", "json",
                   "--stats-interval", "0.5", "--check-config"}),
            ParseStatus::Run)
      << message_;
  EXPECT_EQ(options_.max_per_ip, 3u);
  EXPECT_EQ(options_.keepalive_seconds, 2);
  EXPECT_EQ(options_.log_level, LogLevel::Debug);
  EXPECT_EQ(options_.log_format, LogFormat::Json);
  EXPECT_EQ(options_.stats_interval_seconds, 0.5);
  EXPECT_TRUE(options_.check_config);
  ASSERT_EQ(parse({"--max-per-ip", "0", "--log-level", "error"}), ParseStatus::Run) << message_;
  EXPECT_EQ(options_.max_per_ip, 0u);
  EXPECT_EQ(options_.log_level, LogLevel::Error);
}

TEST_F(ServerOptions, BadFlagValuesNameTheFlagAndTheExpectation) {
  const std::vector<std::vector<std::string>> cases = {
      {"--max-per-ip", "-1"},  {"--keepalive", "0"},       {"--keepalive", "1.5"},       {"--log-level", "verbose"},
      {"--log-format", "xml"}, {"--stats-interval", "-2"}, {"--stats-interval", "0.01"}, {"--config", ""},
      {"--motd", ""},          {"--check-config=yes"},     {"--port", "65536"},          {"--password", "x"},
  };
  for (const auto& args : cases) {
    EXPECT_EQ(parse(args), ParseStatus::ExitUsage) << args[0];
    std::string flag = args[0].substr(0, args[0].find('='));
    EXPECT_NE(message_.find(flag), std::string::npos) << message_;
  }
  parse({"--log-level", "verbose"});
  EXPECT_NE(message_.find("expected error, warn, info or debug"), std::string::npos) << message_;
}

TEST_F(ServerOptions, EveryFlagHasTheSameKeyAndVariable) {
  for (const OptionName& n : option_names()) {
    if (n.name == "config" || n.name == "check-config") {
      EXPECT_FALSE(n.file_key) << n.name;
      continue;
    }
    EXPECT_TRUE(n.file_key) << n.name;
    EXPECT_TRUE(n.environment) << n.name;
  }
  EXPECT_EQ(environment_name("max-per-ip"), "CHAT_MAX_PER_IP");
  EXPECT_EQ(environment_name("port"), "CHAT_PORT");
}

TEST_F(ServerOptions, PrecedenceDefaultsFileEnvironmentFlags) {
  std::string conf = file_with("max-line = 100\nrate = 7\nburst = 8\nmax-per-ip = 9\n");
  env_ = {{"CHAT_RATE", "70"}, {"CHAT_MAX_PER_IP", "90"}};
  ASSERT_EQ(parse({"--config", conf, "--max-per-ip", "900"}), ParseStatus::Run) << message_;
  EXPECT_EQ(options_.max_line, 100u);       // file over default
  EXPECT_EQ(options_.burst, 8);             // file over default
  EXPECT_EQ(options_.rate, 70);             // environment over file
  EXPECT_EQ(options_.max_per_ip, 900u);     // flag over environment
  EXPECT_EQ(options_.max_queue, 1u << 20);  // default
  EXPECT_EQ(options_.config_path, conf);
}

TEST_F(ServerOptions, ConfigFileFromTheEnvironment) {
  std::string conf = file_with("port = 6001\n");
  env_ = {{"CHAT_CONFIG", conf}};
  ASSERT_EQ(parse({}), ParseStatus::Run) << message_;
  EXPECT_EQ(options_.port, 6001);
  std::string other = file_with("port = 6002\n");
  ASSERT_EQ(parse({"--config", other}), ParseStatus::Run) << message_;  // the flag wins
  EXPECT_EQ(options_.port, 6002);
}

TEST_F(ServerOptions, EmptyVariablesAreUnset) {
  env_ = {{"CHAT_PORT", ""}};
  ASSERT_EQ(parse({}), ParseStatus::Run) << message_;
  EXPECT_EQ(options_.port, 5000);
}

TEST_F(ServerOptions, BadVariableNamesIt) {
  env_ = {{"CHAT_MAX_LINE", "huge"}};
  EXPECT_EQ(parse({}), ParseStatus::ExitUsage);
  EXPECT_NE(message_.find("CHAT_MAX_LINE"), std::string::npos) << message_;
  EXPECT_NE(message_.find("expected an integer from 16 to 16777216"), std::string::npos) << message_;
}

TEST_F(ServerOptions, FileErrorsNameFileLineAndKey) {
  std::string conf = file_with("# settings\nport = 6000\nmax-lines = 5\n");
  EXPECT_EQ(parse({"--config", conf}), ParseStatus::ExitUsage);
  EXPECT_EQ(message_, conf + ":3: unknown key 'max-lines'");

  conf = file_with("\nmax-line = 5\n");
  EXPECT_EQ(parse({"--config", conf}), ParseStatus::ExitUsage);
  EXPECT_EQ(message_, conf + ":2: max-line: expected an integer from 16 to 16777216, not '5'");

  conf = file_with("--port = 5\n");
  EXPECT_EQ(parse({"--config", conf}), ParseStatus::ExitUsage);
  EXPECT_EQ(message_, conf + ":1: unknown key '--port'");

  conf = file_with("config = /etc/other.conf\n");
  EXPECT_EQ(parse({"--config", conf}), ParseStatus::ExitUsage);
  EXPECT_NE(message_.find(conf + ":1: 'config' can only be given on the command line"), std::string::npos);

  conf = file_with("Port = 5\n");  // keys are spelled exactly as the flags
  EXPECT_EQ(parse({"--config", conf}), ParseStatus::ExitUsage);

  EXPECT_EQ(parse({"--config", "/nonexistent/chat.conf"}), ParseStatus::ExitUsage);
  EXPECT_NE(message_.find("/nonexistent/chat.conf"), std::string::npos) << message_;
}

TEST_F(ServerOptions, ABadFileValueIsReportedEvenWhenAFlagOverridesIt) {
  // The file must be valid on its own: a reload without the flag would otherwise break.
  std::string conf = file_with("rate = fast\n");
  EXPECT_EQ(parse({"--config", conf, "--rate", "5"}), ParseStatus::ExitUsage);
  EXPECT_EQ(message_, conf + ":1: rate: expected 0 or a number from 0.001 to 1e9, not 'fast'");
}

TEST_F(ServerOptions, PasswordInTheFileIsNeverEchoed) {
  std::string conf = file_with("password = hunter2\n");
  ASSERT_EQ(parse({"--config", conf}), ParseStatus::Run) << message_;
  EXPECT_EQ(options_.password, "hunter2");
  EXPECT_FALSE(options_.default_password);

  conf = file_with("password =\n");
  EXPECT_EQ(parse({"--config", conf}), ParseStatus::ExitUsage);
  EXPECT_EQ(message_, conf + ":1: password: expected a non-empty password, not a value");
}

TEST_F(ServerOptions, PasswordPrecedence) {
  std::string pw_file = file_with("from-file\n");
  std::string conf = file_with("password = from-conf\n");
  ASSERT_EQ(parse({"--config", conf}), ParseStatus::Run) << message_;
  EXPECT_EQ(options_.password, "from-conf");

  env_ = {{"CHAT_PASSWORD", "from-env"}};
  ASSERT_EQ(parse({"--config", conf}), ParseStatus::Run) << message_;
  EXPECT_EQ(options_.password, "from-env");  // environment over file

  ASSERT_EQ(parse({"--config", conf, "--password-file", pw_file}), ParseStatus::Run) << message_;
  EXPECT_EQ(options_.password, "from-file");  // flag over environment
  EXPECT_EQ(options_.password_file, pw_file);

  env_ = {{"CHAT_PASSWORD_FILE", pw_file}};
  ASSERT_EQ(parse({"--config", conf}), ParseStatus::Run) << message_;
  EXPECT_EQ(options_.password, "from-file");  // a password file in the environment over the file's password

  std::string pw_conf = file_with("password-file = " + pw_file + "\n");
  env_ = {{"CHAT_PASSWORD", "from-env"}};
  ASSERT_EQ(parse({"--config", pw_conf}), ParseStatus::Run) << message_;
  EXPECT_EQ(options_.password, "from-env");  // CHAT_PASSWORD over the file's password-file
}

TEST_F(ServerOptions, PasswordAndPasswordFileInOneSourceConflict) {
  std::string pw_file = file_with("x\n");
  std::string conf = file_with("password = a\npassword-file = " + pw_file + "\n");
  EXPECT_EQ(parse({"--config", conf}), ParseStatus::ExitUsage);
  EXPECT_EQ(message_, conf + ":2: both password and password-file are set; keep one");

  env_ = {{"CHAT_PASSWORD", "a"}, {"CHAT_PASSWORD_FILE", pw_file}};
  EXPECT_EQ(parse({}), ParseStatus::ExitUsage);
  EXPECT_NE(message_.find("CHAT_PASSWORD_FILE"), std::string::npos) << message_;
}

TEST_F(ServerOptions, UnreadablePasswordFileNamesIt) {
  std::string conf = file_with("password-file = /nonexistent/pw\n");
  EXPECT_EQ(parse({"--config", conf}), ParseStatus::ExitUsage);
  EXPECT_NE(message_.find("/nonexistent/pw"), std::string::npos) << message_;
}

TEST_F(ServerOptions, MotdIsRead) {
  std::string motd = file_with("Welcome to the lab\r\n\nRules: be kind\n");
  ASSERT_EQ(parse({"--motd", motd}), ParseStatus::Run) << message_;
  EXPECT_EQ(options_.motd, (std::vector<std::string>{"Welcome to the lab", "", "Rules: be kind"}));

  std::string empty = file_with("");
  ASSERT_EQ(parse({"--motd", empty}), ParseStatus::Run) << message_;
  EXPECT_TRUE(options_.motd.empty());
}

TEST_F(ServerOptions, MotdProblemsAreErrors) {
  EXPECT_EQ(parse({"--motd", "/nonexistent/motd"}), ParseStatus::ExitUsage);
  EXPECT_NE(message_.find("/nonexistent/motd"), std::string::npos) << message_;

  std::string lines;
  for (int i = 0; i < 101; ++i) lines += "line\n";
  EXPECT_EQ(parse({"--motd", file_with(lines)}), ParseStatus::ExitUsage);
  EXPECT_NE(message_.find("more than 100 lines"), std::string::npos) << message_;

  EXPECT_EQ(parse({"--motd", file_with(std::string(16 * 1024 + 1, 'x'))}), ParseStatus::ExitUsage);
  EXPECT_NE(message_.find("longer than 16384 bytes"), std::string::npos) << message_;

  lines.resize(std::size_t{100} * 5);  // exactly 100 lines is fine
  EXPECT_EQ(parse({"--motd", file_with(lines)}), ParseStatus::Run) << message_;
  EXPECT_EQ(options_.motd.size(), 100u);
}

TEST_F(ServerOptions, HelpListsEveryFlagOfTheTable) {
  ASSERT_EQ(parse({"--help"}), ParseStatus::ExitOk);
  for (const OptionName& n : option_names()) {
    if (n.flag) {
      EXPECT_NE(message_.find("--" + n.name + " "), std::string::npos) << n.name;
    }
  }
}

TEST_F(ServerOptions, BracketedBindAddressMeansTheAddress) {
  ASSERT_EQ(parse({"--bind", "[::1]"}), ParseStatus::Run) << message_;
  EXPECT_EQ(options_.bind, "::1");
  env_["CHAT_BIND"] = "[::]";
  ASSERT_EQ(parse({}), ParseStatus::Run) << message_;
  EXPECT_EQ(options_.bind, "::");
  env_.clear();
  ASSERT_EQ(parse({"--config", file_with("bind = [fe80::1%lo]\n")}), ParseStatus::Run) << message_;
  EXPECT_EQ(options_.bind, "fe80::1%lo");
  EXPECT_EQ(parse({"--bind", "[::1"}), ParseStatus::ExitUsage);
  EXPECT_NE(message_.find("expected an address"), std::string::npos) << message_;
  EXPECT_EQ(parse({"--bind", "[]"}), ParseStatus::ExitUsage);
}

TEST_F(ServerOptions, PasswordLongerThanMaxLineIsAnError) {
  env_["CHAT_PASSWORD"] = std::string(17, 'p');
  EXPECT_EQ(parse({"--max-line", "16"}), ParseStatus::ExitUsage);
  EXPECT_EQ(message_, "the password is 17 bytes, longer than max-line (16): no client could send it");
  EXPECT_EQ(parse({"--max-line", "17"}), ParseStatus::Run) << message_;  // exactly max-line can be sent
  env_.clear();
  EXPECT_EQ(parse({"--max-line", "16", "--password-file", file_with(std::string(17, 'f') + "\n")}),
            ParseStatus::ExitUsage);
}

TEST_F(ServerOptions, MaxLineMoreThanHalfOfMaxQueueIsAnError) {
  EXPECT_EQ(parse({"--max-line", "8388608"}), ParseStatus::ExitUsage);
  EXPECT_EQ(message_,
            "max-line (8388608) is more than half of max-queue (1048576): one longest line would drop its readers "
            "as too slow; raise max-queue");
  EXPECT_EQ(parse({"--max-line", "8388608", "--max-queue", "16777216"}), ParseStatus::Run) << message_;
  EXPECT_EQ(parse({"--max-line", "524288"}), ParseStatus::Run) << message_;  // exactly half
  EXPECT_EQ(parse({"--max-line", "524289"}), ParseStatus::ExitUsage);
  EXPECT_EQ(parse({"--config", file_with("max-queue = 4096\n"), "--max-line", "4096"}), ParseStatus::ExitUsage);
}

TEST_F(ServerOptions, PasswordFileByteOrderMarkBecomesAWarning) {
  ASSERT_EQ(parse({"--password-file", file_with("\xEF\xBB\xBFpw\n")}), ParseStatus::Run) << message_;
  EXPECT_EQ(options_.password, "pw");
  ASSERT_EQ(options_.warnings.size(), 1u);
  EXPECT_NE(options_.warnings[0].find("byte-order mark"), std::string::npos) << options_.warnings[0];
}

TEST_F(ServerOptions, ConfigFileThatIsNotARegularFileIsAnError) {
  EXPECT_EQ(parse({"--config", "/dev/zero"}), ParseStatus::ExitUsage);
  EXPECT_EQ(message_, "/dev/zero: not a regular file");
  EXPECT_EQ(parse({"--motd", "/dev/zero"}), ParseStatus::ExitUsage);
  EXPECT_EQ(message_, "MOTD file /dev/zero: not a regular file");
}

TEST_F(ServerOptions, OpenChatAndTheIrcDoor) {
  ASSERT_EQ(parse({}), ParseStatus::Run) << message_;
  EXPECT_FALSE(options_.open);
  EXPECT_EQ(options_.irc_port, 0);  // off: two servers on one machine never collide
  EXPECT_EQ(options_.irc_channel, "#chat");
  EXPECT_TRUE(options_.server_name.empty());  // the host name
  EXPECT_EQ(options_.irc_ping_seconds, 90);

  ASSERT_EQ(parse({"--open", "--irc-port", "6667", "--server-name", "irc.example", "--irc-channel", "#lobby",
                   "--irc-topic", "Be kind", "--irc-ping", "30"}),
            ParseStatus::Run)
      << message_;
  EXPECT_TRUE(options_.open);
  EXPECT_EQ(options_.irc_port, 6667);
  EXPECT_EQ(options_.server_name, "irc.example");
  EXPECT_EQ(options_.irc_channel, "#lobby");
  EXPECT_EQ(options_.irc_topic, "Be kind");
  EXPECT_EQ(options_.irc_ping_seconds, 30);

  sources_ = {};
  options_ = {};
  ASSERT_EQ(parse({"--open=no"}), ParseStatus::Run) << message_;
  EXPECT_FALSE(options_.open);
  sources_ = {};
  options_ = {};
  env_["CHAT_OPEN"] = "yes";
  ASSERT_EQ(parse({"--config", file_with("irc-port = 7000\n")}), ParseStatus::Run) << message_;
  EXPECT_TRUE(options_.open);
  EXPECT_EQ(options_.irc_port, 7000);
}

TEST_F(ServerOptions, IrcSettingsAreChecked) {
  const std::vector<std::vector<std::string>> cases = {
      {"--irc-channel", "chat"},
      {"--irc-channel", "#a b"},
      {"--irc-channel", "#"},
      {"--server-name", "has space"},
      {"--server-name", ""},
      {"--irc-port", "70000"},
      {"--irc-ping", "0"},
      {"--open=maybe"},
      {"--irc-topic", std::string(301, 't')},
  };
  for (const auto& args : cases) {
    EXPECT_EQ(parse(args), ParseStatus::ExitUsage) << args[0];
    std::string flag = args[0].substr(0, args[0].find('='));
    EXPECT_NE(message_.find(flag), std::string::npos) << message_;
  }
}

namespace {

TEST_F(ServerOptions, ClusterSettingsAreReadAndChecked) {
  const std::string password = file_with("redis-secret\n");
  env_["CHAT_NODE_NAME"] = "web1";
  ASSERT_EQ(parse({"--redis", "[::1]:6380", "--redis-password-file", password, "--reuse-port"}), ParseStatus::Run)
      << message_;
  EXPECT_EQ(options_.redis, "[::1]:6380");
  EXPECT_EQ(options_.redis_password, "redis-secret");
  EXPECT_EQ(options_.node_name, "web1");
  EXPECT_TRUE(options_.reuse_port);
  const std::vector<std::vector<std::string>> cases = {
      {"--redis", "localhost"},      {"--redis", "::1:6379"},
      {"--redis", "host:0"},         {"--redis", "host:70000"},
      {"--redis", ":6379"},          {"--node-name", "has space"},
      {"--node-name", "a|b"},        {"--node-name", std::string(65, 'n')},
      {"--redis-password-file", ""}, {"--reuse-port=maybe"},
      {"--redis-timeout", "-1"},     {"--redis-timeout", "0.05"},
      {"--redis-timeout", "soon"},   {"--redis-timeout", "3601"},
  };
  for (const auto& args : cases) {
    EXPECT_EQ(parse(args), ParseStatus::ExitUsage) << args[0] << " " << (args.size() > 1 ? args[1] : "");
    EXPECT_NE(message_.find(args[0].substr(0, args[0].find('='))), std::string::npos) << message_;
  }
  EXPECT_EQ(parse({"--redis-password-file", "/nonexistent/redis-password"}), ParseStatus::ExitUsage);
  EXPECT_NE(message_.find("redis-password-file"), std::string::npos) << message_;
}

TEST_F(ServerOptions, TheRedisTimeoutBecomesTheNodesAnswerTimeout) {
  ASSERT_EQ(parse({"--redis", "127.0.0.1:6380"}), ParseStatus::Run) << message_;
  std::string error;
  auto o = chat_server::cluster_options(options_, error);
  ASSERT_TRUE(o) << error;
  EXPECT_EQ(o->answer_timeout, std::chrono::milliseconds(3000));
  ASSERT_EQ(parse({"--redis", "127.0.0.1:6380", "--redis-timeout", "0.5"}), ParseStatus::Run) << message_;
  o = chat_server::cluster_options(options_, error);
  ASSERT_TRUE(o) << error;
  EXPECT_EQ(o->answer_timeout, std::chrono::milliseconds(500));
  ASSERT_EQ(parse({"--redis", "127.0.0.1:6380", "--redis-timeout", "0"}), ParseStatus::Run) << message_;
  o = chat_server::cluster_options(options_, error);
  ASSERT_TRUE(o) << error;
  EXPECT_EQ(o->answer_timeout.count(), 0);  // never
}

}  // namespace
