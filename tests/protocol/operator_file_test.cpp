// The bounded reader of operator files: regular files only, at most the cap, and a FIFO or
// a device refused at once instead of blocking or being read for ever.
#include "protocol/operator_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>

using chat::read_operator_file;

namespace {

class OperatorFile : public ::testing::Test {
 protected:
  void TearDown() override {
    if (!path_.empty()) unlink(path_.c_str());
    if (!dir_.empty()) rmdir(dir_.c_str());
  }
  std::string file_with(const std::string& contents) {
    path_ = "/tmp/operator-file-test-" + std::to_string(getpid());
    std::ofstream(path_, std::ios::binary) << contents;
    return path_;
  }
  std::string path_, dir_;
  std::string content_, error_;
};

}  // namespace

TEST_F(OperatorFile, ReadsARegularFileWhole) {
  const std::string bytes("a\nb\0c", 5);  // a NUL byte is content like any other
  ASSERT_TRUE(read_operator_file(file_with(bytes), 100, content_, error_)) << error_;
  EXPECT_EQ(content_, bytes);
  ASSERT_TRUE(read_operator_file(file_with(""), 100, content_, error_)) << error_;
  EXPECT_EQ(content_, "");
}

TEST_F(OperatorFile, TheCapIsInclusive) {
  ASSERT_TRUE(read_operator_file(file_with(std::string(100, 'x')), 100, content_, error_)) << error_;
  EXPECT_EQ(content_.size(), 100u);
  EXPECT_FALSE(read_operator_file(file_with(std::string(101, 'x')), 100, content_, error_));
  EXPECT_EQ(error_, "longer than 100 bytes");
}

TEST_F(OperatorFile, MissingFileSaysWhy) {
  EXPECT_FALSE(read_operator_file("/nonexistent/file", 100, content_, error_));
  EXPECT_EQ(error_, "cannot read: No such file or directory");
}

TEST_F(OperatorFile, DevicesAndDirectoriesAreNotRegularFiles) {
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(read_operator_file("/dev/zero", std::size_t{1} << 20, content_, error_));
  EXPECT_EQ(error_, "not a regular file");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1)) << "/dev/zero was read";
  dir_ = "/tmp/operator-file-test-dir-" + std::to_string(getpid());
  ASSERT_EQ(mkdir(dir_.c_str(), 0700), 0);
  EXPECT_FALSE(read_operator_file(dir_, 100, content_, error_));
  EXPECT_EQ(error_, "not a regular file");
}

TEST_F(OperatorFile, AFifoWithoutWriterIsRefusedWithoutBlocking) {
  path_ = "/tmp/operator-file-test-fifo-" + std::to_string(getpid());
  ASSERT_EQ(mkfifo(path_.c_str(), 0600), 0);
  // A blocking open() would wait here for a writer that never comes: the test would hang.
  EXPECT_FALSE(read_operator_file(path_, 100, content_, error_));
  EXPECT_EQ(error_, "not a regular file");
}
