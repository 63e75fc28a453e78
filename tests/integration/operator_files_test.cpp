// Files an operator names (config, password file, MOTD) that are not what they should be: a
// FIFO, a device, a huge file, a password file with a BOM, a password no client could send.
// Each fails at once with a clear message, or is worked around with a warning, and never
// blocks the running server.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <string>
#include <vector>

#include "harness.h"

using namespace harness;

namespace {

Process check_config(std::vector<std::string> args) {
  args.insert(args.begin(), CHAT_SERVER_PATH);
  args.emplace_back("--check-config");
  return run_process(args, {}, 5s);
}

// A FIFO nobody writes to, removed at scope exit: a blocking open() of it waits for ever.
struct Fifo {
  Fifo() : path("/tmp/chat-test-fifo-" + std::to_string(getpid()) + "-" + std::to_string(++count)) {
    if (mkfifo(path.c_str(), 0600) != 0) ADD_FAILURE() << "mkfifo " << path;
  }
  ~Fifo() { unlink(path.c_str()); }
  Fifo(const Fifo&) = delete;
  Fifo& operator=(const Fifo&) = delete;
  std::string path;
  static inline int count = 0;
};

// The largest resident size of any child this test process has waited for, in KiB.
long children_peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  return usage.ru_maxrss;
}

}  // namespace

TEST(OperatorFiles, FifoAsConfigFailsCheckConfigAtOnce) {
  Fifo fifo;
  Process p = check_config({"--config", fifo.path});
  EXPECT_EQ(p.status, 2) << "hung or crashed (-1 is the 5 s deadline): " << p.err;
  EXPECT_NE(p.err.find(fifo.path + ": not a regular file"), std::string::npos) << p.err;
}

TEST(OperatorFiles, DevZeroAsConfigOrPasswordFileFailsAtOnce) {
  Process config = check_config({"--config", "/dev/zero"});
  EXPECT_EQ(config.status, 2) << config.err;
  EXPECT_NE(config.err.find("/dev/zero: not a regular file"), std::string::npos) << config.err;

  Process password = check_config({"--password-file", "/dev/zero"});
  EXPECT_EQ(password.status, 2) << password.err;
  EXPECT_NE(password.err.find("password file '/dev/zero': not a regular file"), std::string::npos) << password.err;
}

TEST(OperatorFiles, HugeConfigOrPasswordFileIsReadOnlyUpToTheCap) {
  // 256 MiB of zeros without a line end (sparse: no disk used). Reading it whole would take
  // at least that much memory; the cap stops after 1 MiB.
  TempFile huge;
  ASSERT_EQ(truncate(huge.path.c_str(), off_t{256} << 20), 0);
  Process config = check_config({"--config", huge.path});
  EXPECT_EQ(config.status, 2) << config.err;
  EXPECT_NE(config.err.find(huge.path + ": longer than 1048576 bytes"), std::string::npos) << config.err;
  Process password = check_config({"--password-file", huge.path});
  EXPECT_EQ(password.status, 2) << password.err;
  EXPECT_NE(password.err.find("longer than 1048576 bytes"), std::string::npos) << password.err;
  EXPECT_LT(children_peak_rss_kib(), 128 * 1024) << "a child read far more than the cap";
}

TEST(OperatorFiles, FifoAsMotdOnReloadFailsWithoutFreezingTheServer) {
  TempFile motd("hello\n");
  Fifo fifo;
  TempFile conf("motd = " + motd.path + "\n");
  Server server(with_args({"--config", conf.path}));
  Client alice(server.port()), bob(server.port());
  alice.login("alice");
  bob.login("bob");
  alice.expect("* bob joined the chat");
  {
    std::ofstream out(conf.path, std::ios::trunc);
    out << "motd = " << fifo.path << "\n";
  }
  kill(server.pid(), SIGHUP);
  ASSERT_TRUE(server.wait_for_log("reload failed")) << server.log();
  EXPECT_TRUE(contains(server.log(), "MOTD file " + fifo.path + ": not a regular file")) << server.log();
  alice.send_line("still chatting");
  bob.expect("<alice> still chatting");
  Client carol(server.port());
  carol.login("carol");
  carol.expect_next("* hello");  // the old MOTD stays
}

TEST(OperatorFiles, PasswordFileByteOrderMarkIsStrippedWithAWarning) {
  TempFile pw("\xEF\xBB\xBFnotepad-pw\r\n");
  Process checked = check_config({"--password-file", pw.path});
  EXPECT_EQ(checked.status, 0) << checked.err;
  EXPECT_NE(checked.err.find("warning: the password file '" + pw.path + "' starts with a UTF-8 byte-order mark"),
            std::string::npos)
      << checked.err;

  Server server(with_env({}, {"--password-file", pw.path}));
  EXPECT_TRUE(contains(server.log(), "byte-order mark")) << server.log();
  Client alice(server.port());
  alice.login("alice", "notepad-pw");  // what the operator typed, without the BOM
}

TEST(OperatorFiles, PasswordLongerThanMaxLineFailsStartAndCheckConfig) {
  TempFile pw(std::string(40, 'p') + "\n");
  const std::string expected = "the password is 40 bytes, longer than max-line (32): no client could send it";
  Process checked = check_config({"--password-file", pw.path, "--max-line", "32"});
  EXPECT_EQ(checked.status, 2);
  EXPECT_NE(checked.err.find(expected), std::string::npos) << checked.err;
  Process started =
      run_process({CHAT_SERVER_PATH, "--port", "0", "--password-file", pw.path, "--max-line", "32"}, {}, 5s);
  EXPECT_EQ(started.status, 2);
  EXPECT_NE(started.err.find(expected), std::string::npos) << started.err;
  EXPECT_EQ(started.err.find(std::string(40, 'p')), std::string::npos) << "the password was shown";
}
