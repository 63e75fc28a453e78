// Password lookup: the file's first line wins over CHAT_PASSWORD; bad files are errors.
#include "protocol/password_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

using chat::find_password;
using chat::PasswordOrigin;

namespace {

class PasswordSource : public ::testing::Test {
 protected:
  void SetUp() override { unsetenv("CHAT_PASSWORD"); }
  void TearDown() override {
    unsetenv("CHAT_PASSWORD");
    if (!path_.empty()) unlink(path_.c_str());
  }
  std::string file_with(const std::string& contents) {
    path_ = "/tmp/password-source-test-" + std::to_string(getpid());
    std::ofstream(path_, std::ios::binary) << contents;
    return path_;
  }
  std::string path_;
};

}  // namespace

TEST_F(PasswordSource, NothingConfigured) {
  auto found = find_password(std::nullopt);
  EXPECT_EQ(found.origin, PasswordOrigin::None);
  EXPECT_TRUE(found.error.empty());
}

TEST_F(PasswordSource, EnvironmentWhenNoFile) {
  setenv("CHAT_PASSWORD", "from-env", 1);
  auto found = find_password(std::nullopt);
  EXPECT_EQ(found.origin, PasswordOrigin::Environment);
  EXPECT_EQ(found.password, "from-env");
}

TEST_F(PasswordSource, EmptyEnvironmentCountsAsUnset) {
  setenv("CHAT_PASSWORD", "", 1);
  EXPECT_EQ(find_password(std::nullopt).origin, PasswordOrigin::None);
}

TEST_F(PasswordSource, FileFirstLineWithoutLineEndWinsOverEnvironment) {
  setenv("CHAT_PASSWORD", "from-env", 1);
  auto found = find_password(file_with("from file\r\nsecond line\n"));
  EXPECT_EQ(found.origin, PasswordOrigin::File);
  EXPECT_EQ(found.password, "from file");
}

TEST_F(PasswordSource, FileWithoutTrailingNewline) {
  EXPECT_EQ(find_password(file_with("just-this")).password, "just-this");
}

TEST_F(PasswordSource, MissingFileIsAnErrorNamingIt) {
  auto found = find_password(std::string("/nonexistent/password"));
  EXPECT_EQ(found.origin, PasswordOrigin::None);
  EXPECT_NE(found.error.find("/nonexistent/password"), std::string::npos) << found.error;
}

TEST_F(PasswordSource, EmptyFirstLineIsAnError) {
  auto found = find_password(file_with("\nsecond\n"));
  EXPECT_NE(found.error.find("empty"), std::string::npos) << found.error;
}

TEST_F(PasswordSource, LeadingByteOrderMarkIsDroppedWithAWarning) {
  auto found = find_password(file_with("\xEF\xBB\xBFtyped-in-notepad\r\n"));
  EXPECT_EQ(found.error, "");
  EXPECT_EQ(found.password, "typed-in-notepad");
  EXPECT_NE(found.warning.find("byte-order mark"), std::string::npos) << found.warning;
  EXPECT_EQ(find_password(file_with("no-bom\n")).warning, "");
}

TEST_F(PasswordSource, DeviceOrFifoIsAnErrorNotARead) {
  auto found = find_password(std::string("/dev/zero"));
  EXPECT_EQ(found.origin, PasswordOrigin::None);
  EXPECT_EQ(found.error, "password file '/dev/zero': not a regular file");
}
