// `cmake --install` (what `make install` runs) into a temporary DESTDIR: the tree has the
// programs where GNUInstallDirs puts them, the man pages, the example configuration and a
// systemd unit naming the installed paths; an administrator's configuration is never replaced.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "harness.h"

using namespace harness;
namespace fs = std::filesystem;

namespace {

// A fresh directory under /tmp, removed with everything in it.
struct TempDir {
  TempDir() {
    char name[] = "/tmp/chat-install-XXXXXX";
    EXPECT_NE(mkdtemp(name), nullptr);
    path = name;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path;
};

Process install(const std::string& destdir, const std::string& prefix) {
  return run_process({CHAT_CMAKE_COMMAND, "--install", CHAT_BINARY_DIR, "--prefix", prefix}, {{"DESTDIR", destdir}},
                     60s);
}

void expect_program(const std::string& path) {
  EXPECT_EQ(access(path.c_str(), X_OK), 0) << path << " is not an executable file";
  Process p = run_process({path, "--version"});
  EXPECT_EQ(p.status, 0) << path << " --version: " << p.err;
}

void expect_file(const std::string& path) {
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0) << path << " is missing";
  EXPECT_TRUE(S_ISREG(st.st_mode)) << path;
  EXPECT_GT(st.st_size, 0) << path << " is empty";
  EXPECT_EQ(st.st_mode & 0444, 0444u) << path << " must be readable by everyone";
}

std::string line_starting(const std::string& text, const std::string& start) {
  std::size_t at = text.find("\n" + start);
  if (at == std::string::npos) return "";
  std::size_t end = text.find('\n', at + 1);
  return text.substr(at + 1, end - at - 1);
}

void write_file(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << content;
}

// systemd's own check of the installed unit, with ExecStart pointing into DESTDIR (the unit
// names /usr/sbin, which is not there on a build machine).
void expect_systemd_accepts(const std::string& unit, const std::string& installed_path, const std::string& real_path) {
  std::string text = read_file(unit);
  for (std::size_t at; (at = text.find("ExecStart=" + installed_path)) != std::string::npos;)
    text.replace(at + 10, installed_path.size(), real_path);
  TempDir dir;
  std::string copy = dir.path + "/chat-server.service";
  write_file(copy, text);
  Process p = run_process({"systemd-analyze", "verify", "--man=no", copy}, {}, 30s);
  if (p.status == 127) GTEST_SKIP() << "systemd-analyze is not installed";
  EXPECT_EQ(p.status, 0) << "systemd-analyze verify:\n" << p.out << p.err << "\n" << text;
}

}  // namespace

TEST(Install, UsrPrefixPutsEverythingInPlace) {
  TempDir dest;
  Process p = install(dest.path, "/usr");
  ASSERT_EQ(p.status, 0) << p.out << p.err;
  const std::string root = dest.path;

  expect_program(root + "/usr/sbin/chat-server");
#ifdef CHAT_CLIENT_PATH
  expect_program(root + "/usr/bin/chat-client");
  expect_file(root + "/usr/share/man/man1/chat-client.1");
#endif
#ifdef CHAT_SWARM_PATH
  expect_program(root + "/usr/bin/chat-swarm");
  expect_file(root + "/usr/share/man/man1/chat-swarm.1");
#endif
  expect_file(root + "/usr/share/man/man8/chat-server.8");
  // A /usr installation keeps its configuration in /etc (GNUInstallDirs' rule).
  expect_file(root + "/etc/chat-server/chat-server.conf");
  expect_file(root + "/usr/share/doc/chat-server/examples/chat-server.conf");
  EXPECT_EQ(read_file(root + "/etc/chat-server/chat-server.conf"),
            read_file(std::string(CHAT_SOURCE_DIR) + "/contrib/chat-server.conf"));
  EXPECT_FALSE(fs::exists(root + "/usr/etc")) << "configuration must not land in /usr/etc";

  std::string unit_path = root + "/usr/lib/systemd/system/chat-server.service";
  expect_file(unit_path);
  std::string unit = read_file(unit_path);
  EXPECT_EQ(line_starting(unit, "ExecStart="),
            "ExecStart=/usr/sbin/chat-server --config /etc/chat-server/chat-server.conf");
  EXPECT_EQ(line_starting(unit, "Type="), "Type=notify");
  EXPECT_EQ(line_starting(unit, "ExecReload="), "ExecReload=/bin/kill -HUP $MAINPID");
  expect_systemd_accepts(unit_path, "/usr/sbin/chat-server", root + "/usr/sbin/chat-server");

  // The installed server reads the installed configuration.
  Process check = run_process(
      {root + "/usr/sbin/chat-server", "--config", root + "/etc/chat-server/chat-server.conf", "--check-config"});
  EXPECT_EQ(check.status, 0) << check.out << check.err;
}

TEST(Install, OtherPrefixIsWrittenIntoTheUnit) {
  TempDir dest;
  Process p = install(dest.path, "/opt/chat");
  ASSERT_EQ(p.status, 0) << p.out << p.err;
  const std::string root = dest.path + "/opt/chat";
  expect_program(root + "/sbin/chat-server");
  expect_file(root + "/share/man/man8/chat-server.8");
  expect_file(root + "/etc/chat-server/chat-server.conf");
  std::string unit = read_file(root + "/lib/systemd/system/chat-server.service");
  EXPECT_EQ(line_starting(unit, "ExecStart="),
            "ExecStart=/opt/chat/sbin/chat-server --config /opt/chat/etc/chat-server/chat-server.conf");
  // Nothing outside the prefix.
  for (const auto& entry : fs::directory_iterator(dest.path)) EXPECT_EQ(entry.path().filename(), "opt");
}

TEST(Install, KeepsAnAdministratorsConfiguration) {
  TempDir dest;
  const std::string conf = dest.path + "/etc/chat-server/chat-server.conf";
  write_file(conf, "port = 6000\n");
  Process p = install(dest.path, "/usr");
  ASSERT_EQ(p.status, 0) << p.out << p.err;
  EXPECT_EQ(read_file(conf), "port = 6000\n");
  expect_file(dest.path + "/usr/share/doc/chat-server/examples/chat-server.conf");  // the new example, beside it
  expect_program(dest.path + "/usr/sbin/chat-server");
}

TEST(Install, MakeTargetPassesPrefixAndDestdir) {
  // `make -n` prints what `make install` would run, without building or installing.
  Process p = run_process({"make", "-n", "-C", CHAT_SOURCE_DIR, "install", "PREFIX=/opt/x", "DESTDIR=/tmp/y"}, {}, 30s);
  ASSERT_EQ(p.status, 0) << p.out << p.err;
  EXPECT_NE(p.out.find("DESTDIR=/tmp/y cmake --install build/release --prefix /opt/x"), std::string::npos) << p.out;
}
