// The Linux storage behind Options::state_dir (platform::default_storage()): one file per key,
// replaced atomically. No broker needed.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "mqtt_setup/platform.hpp"

namespace mqtt_setup {
namespace {

namespace fs = std::filesystem;

class FileStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mqtt_setup_storage_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    int error_number = -1;
    storage_ = platform::default_storage(dir_.string(), error_number);
    ASSERT_NE(storage_, nullptr) << std::strerror(error_number);
    EXPECT_EQ(error_number, 0);
  }
  void TearDown() override {
    storage_.reset();
    fs::remove_all(dir_);
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename().string());
    return out;
  }

  fs::path dir_;
  std::unique_ptr<Storage> storage_;
};

const std::vector<std::uint8_t> kBlob{1, 2, 3, 4, 5, 0, 255};

TEST_F(FileStorageTest, WritesReadsAndErasesABlob) {
  ASSERT_TRUE(storage_->write("session01234567", kBlob).ok());
  std::vector<std::uint8_t> out(64, 0xEE);
  auto read = storage_->read("session01234567", out);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(*read, kBlob.size());
  EXPECT_EQ(std::vector<std::uint8_t>(out.begin(), out.begin() + 7), kBlob);
  EXPECT_EQ(names(), std::vector<std::string>{"session01234567"});  // no temporary left over

  ASSERT_TRUE(storage_->erase("session01234567").ok());
  read = storage_->read("session01234567", out);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error(), StorageError::NotFound);
  EXPECT_TRUE(storage_->erase("session01234567").ok());  // erasing nothing is fine
}

TEST_F(FileStorageTest, AWriteReplacesTheWholeBlob) {
  ASSERT_TRUE(storage_->write("k", std::vector<std::uint8_t>(100, 7)).ok());
  ASSERT_TRUE(storage_->write("k", kBlob).ok());
  std::vector<std::uint8_t> out(200);
  auto read = storage_->read("k", out);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, kBlob.size());
  EXPECT_EQ(fs::file_size(dir_ / "k"), kBlob.size());
}

TEST_F(FileStorageTest, ABufferTooSmallIsSaidSo) {
  ASSERT_TRUE(storage_->write("k", kBlob).ok());
  std::vector<std::uint8_t> out(kBlob.size() - 1);
  auto read = storage_->read("k", out);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error(), StorageError::TooSmall);
}

TEST_F(FileStorageTest, KeysOutsideTheContractAreRefused) {
  for (const char* key : {"", "..", "a/b", "sixteen_chars_xx", ".hidden", "with space"}) {
    auto written = storage_->write(key, kBlob);
    ASSERT_FALSE(written.ok()) << "key '" << key << "'";
    EXPECT_EQ(written.error(), StorageError::Failed);
    EXPECT_EQ(storage_->system_error(), EINVAL);
  }
  EXPECT_TRUE(names().empty());
}

TEST_F(FileStorageTest, AFailedWriteSaysWhyAndKeepsTheOldBlob) {
  ASSERT_TRUE(storage_->write("k", kBlob).ok());
  // The temporary file's name taken by a directory: the write fails, for root too.
  fs::create_directory(dir_ / "k.new");
  auto written = storage_->write("k", std::vector<std::uint8_t>(3, 1));
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error(), StorageError::Failed);
  EXPECT_EQ(storage_->system_error(), EISDIR);
  std::vector<std::uint8_t> out(64);
  auto read = storage_->read("k", out);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(std::vector<std::uint8_t>(out.begin(), out.begin() + static_cast<long>(*read)), kBlob);
}

TEST(FileStorage, NoDirectoryMeansNoStorage) {
  int error_number = -1;
  EXPECT_EQ(platform::default_storage("", error_number), nullptr);
  EXPECT_EQ(error_number, 0);
}

TEST(FileStorage, ADirectoryThatCannotBeCreatedIsAnError) {
  int error_number = 0;
  EXPECT_EQ(platform::default_storage("/proc/mqtt_setup_cannot_be_here", error_number), nullptr);
  EXPECT_NE(error_number, 0);
}

}  // namespace
}  // namespace mqtt_setup
