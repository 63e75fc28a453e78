// A SIGHUP reload never weakens authentication by omission: when the password setting is
// gone (an emptied or half-written config file), or its file is unreadable, empty, or holds a
// password longer than max-line, the reload is refused, logged with the cause, and the
// running password stays; the public default 123456 never slips in.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <string>

#include "harness.h"

using namespace harness;

namespace {

void rewrite(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

// SIGHUP, then the first "reload failed" line (empty if none came).
std::string failed_reload(const Server& server) {
  kill(server.pid(), SIGHUP);
  if (!server.wait_for_log("reload failed")) return "";
  std::vector<std::string> lines = lines_with(server.log(), {"reload failed"});
  return lines.empty() ? "" : lines.front();
}

// `password` still logs in; the default does not.
void expect_password_kept(const Server& server, const std::string& password) {
  Client old_one(server.port());
  old_one.login("kept", password);
  Client fallback(server.port());
  fallback.expect_next("Password:");
  fallback.send_line("123456");
  EXPECT_EQ(fallback.read_line(), "! Wrong password. Bye.");
}

}  // namespace

TEST(ReloadPassword, EmptiedConfigFileIsRefused) {
  TempFile conf("password = file-pw\n");
  Server server(with_env({}, {"--config", conf.path}));
  rewrite(conf.path, "");
  std::string line = failed_reload(server);
  EXPECT_TRUE(contains(line, "keeping the current settings: the new settings give no password")) << server.log();
  EXPECT_FALSE(contains(server.log(), "reloaded")) << server.log();
  EXPECT_FALSE(contains(server.log(), "default password")) << server.log();
  expect_password_kept(server, "file-pw");
}

TEST(ReloadPassword, ConfigFileLosingItsPasswordFileLineIsRefused) {
  TempFile pw("from-file\n");
  TempFile conf("password-file = " + pw.path + "\nmax-line = 100\n");
  Server server(with_env({}, {"--config", conf.path}));
  rewrite(conf.path, "max-line = 200\n");  // half-written: the first line is gone
  EXPECT_TRUE(contains(failed_reload(server), "the new settings give no password")) << server.log();
  expect_password_kept(server, "from-file");
}

TEST(ReloadPassword, DeletedPasswordFileIsRefused) {
  TempFile pw("from-file\n");
  TempFile conf("password-file = " + pw.path + "\n");
  Server server(with_env({}, {"--config", conf.path}));
  ASSERT_EQ(unlink(pw.path.c_str()), 0);
  EXPECT_TRUE(contains(failed_reload(server), "password file '" + pw.path + "': cannot read")) << server.log();
  expect_password_kept(server, "from-file");
}

TEST(ReloadPassword, PasswordFileReplacedByADirectoryIsRefused) {
  TempFile pw("from-file\n");
  TempFile conf("");
  Server server(with_env({}, {"--password-file", pw.path, "--config", conf.path}));
  ASSERT_EQ(unlink(pw.path.c_str()), 0);
  ASSERT_EQ(mkdir(pw.path.c_str(), 0700), 0);  // root reads any file: a directory it cannot read as one
  std::string line = failed_reload(server);
  rmdir(pw.path.c_str());
  EXPECT_TRUE(contains(line, "password file '" + pw.path + "': not a regular file")) << server.log();
  expect_password_kept(server, "from-file");
}

TEST(ReloadPassword, EmptiedPasswordFileIsRefused) {
  TempFile pw("from-file\n");
  TempFile conf("password-file = " + pw.path + "\n");
  Server server(with_env({}, {"--config", conf.path}));
  rewrite(pw.path, "");
  EXPECT_TRUE(contains(failed_reload(server), "the password in '" + pw.path + "' is empty")) << server.log();
  expect_password_kept(server, "from-file");
}

TEST(ReloadPassword, PasswordLongerThanMaxLineIsRefused) {
  TempFile conf("password = a-twenty-byte-secret\nmax-line = 64\n");
  Server server(with_env({}, {"--config", conf.path}));
  rewrite(conf.path, "password = a-twenty-byte-secret\nmax-line = 16\n");
  EXPECT_TRUE(contains(failed_reload(server), "the password is 20 bytes, longer than max-line (16)")) << server.log();
  Client alice(server.port());
  alice.login("alice", "a-twenty-byte-secret");  // max-line is still 64
}

TEST(ReloadPassword, TheDefaultStaysAllowedWhenItWasAlreadyInUse) {
  TempFile conf("max-line = 100\n");
  Server server(with_env({}, {"--config", conf.path}));
  rewrite(conf.path, "max-line = 200\n");
  kill(server.pid(), SIGHUP);
  ASSERT_TRUE(server.wait_for_log("reloaded")) << server.log();
  Client alice(server.port());
  alice.login("alice", "123456");
}
