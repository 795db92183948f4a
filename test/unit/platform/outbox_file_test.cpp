#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "mqtt_setup/codec.hpp"
#include "mqtt_setup/outbox_file.hpp"
#include "mqtt_setup/session.hpp"

namespace mqtt_setup {
namespace {

class OutboxFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("outbox_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    std::filesystem::remove(path_);
  }
  void TearDown() override {
    std::filesystem::remove(path_);
    std::filesystem::remove(path_ + ".new");
  }
  std::unique_ptr<OutboxFile> open() {
    int error = 0;
    auto f = OutboxFile::open(path_, 0, error);
    EXPECT_TRUE(f) << std::strerror(error);
    return f;
  }
  static std::vector<std::uint8_t> packet(std::string_view payload) {
    codec::Publish p{"devices/x/a", codec::as_bytes(payload), codec::QoS::AtLeastOnce, false,
                     false, 1};
    std::vector<std::uint8_t> bytes(codec::encoded_size(codec::Packet{p}));
    EXPECT_TRUE(codec::encode(codec::Packet{p}, bytes).ok());
    return bytes;
  }
  static std::string payload_of(const std::vector<std::uint8_t>& bytes) {
    auto d = codec::decode(bytes);
    EXPECT_TRUE(d.ok());
    return std::string(codec::as_text(std::get<codec::Publish>(d->packet).payload));
  }
  std::string path_;
};

TEST_F(OutboxFileTest, UndeliveredMessagesSurviveReopen) {
  {
    auto f = open();
    ASSERT_TRUE(f->recovered().empty());
    f->stored(1, packet("one"));
    f->stored(2, packet("two"));
    f->stored(3, packet("three"));
    f->removed(2);
  }  // like a kill -9: nothing else happens before the next open
  auto f = open();
  ASSERT_EQ(f->recovered().size(), 2u);
  EXPECT_EQ(payload_of(f->recovered()[0]), "one");
  EXPECT_EQ(payload_of(f->recovered()[1]), "three");
  EXPECT_EQ(f->discarded_bytes(), 0u);
}

TEST_F(OutboxFileTest, TornTailIsCutOffAndOlderRecordsStay) {
  {
    auto f = open();
    f->stored(1, packet("kept"));
    f->stored(2, packet("torn"));
  }
  const auto full = std::filesystem::file_size(path_);
  std::filesystem::resize_file(path_, full - 3);  // the crash hit the last record
  {
    auto f = open();
    ASSERT_EQ(f->recovered().size(), 1u);
    EXPECT_EQ(payload_of(f->recovered()[0]), "kept");
    EXPECT_GT(f->discarded_bytes(), 0u);
    f->stored(3, packet("after"));  // appends after the cut, not after the garbage
  }
  auto f = open();
  ASSERT_EQ(f->recovered().size(), 2u);
  EXPECT_EQ(payload_of(f->recovered()[1]), "after");
}

TEST_F(OutboxFileTest, CorruptRecordEndsTheValidLog) {
  {
    auto f = open();
    f->stored(1, packet("good"));
    f->stored(2, packet("flipped"));
  }
  {
    std::fstream io(path_, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(-6, std::ios::end);
    io.put('X');  // inside the last record's payload: its CRC no longer matches
  }
  auto f = open();
  ASSERT_EQ(f->recovered().size(), 1u);
  EXPECT_EQ(payload_of(f->recovered()[0]), "good");
}

TEST_F(OutboxFileTest, RewriteKeepsOnlyWhatTheSessionHolds) {
  std::vector<std::uint8_t> rx(1024), store(8192);
  SessionConfig config;
  config.client_id = "x";
  SessionStorage<> tables;
  Session session(config, tables.buffers(rx, store));
  auto f = open();
  session.set_journal(f.get());
  for (int i = 0; i < 50; ++i) {
    const std::string value = std::to_string(i);
    codec::Publish p{"devices/x/a", codec::as_bytes(value), codec::QoS::AtLeastOnce, false,
                     false, 0};
    ASSERT_TRUE(session.publish(p, 0, {0, true}).ok());  // each replaces the previous
  }
  const auto before = f->size();
  ASSERT_TRUE(f->rewrite(session));
  EXPECT_LT(f->size(), before / 10);
  f.reset();
  auto again = open();
  ASSERT_EQ(again->recovered().size(), 1u);
  EXPECT_EQ(payload_of(again->recovered()[0]), "49");
}

TEST_F(OutboxFileTest, NextMaintenanceIsTheDueSync) {
  std::vector<std::uint8_t> rx(1024), store(8192);
  SessionConfig config;
  config.client_id = "x";
  SessionStorage<> tables;
  Session session(config, tables.buffers(rx, store));
  int error = 0;
  auto f = OutboxFile::open(path_, 1000, error);
  ASSERT_TRUE(f) << std::strerror(error);
  EXPECT_EQ(f->next_maintenance(), kNever);
  f->stored(1, packet("one"));
  EXPECT_EQ(f->next_maintenance(), 1000u);  // first sync: an interval after the start
  EXPECT_FALSE(f->sync_due());
  f->maintain(session, 1000, 1 << 20);
  EXPECT_EQ(f->next_maintenance(), kNever);
  // The fdatasync itself is left to run_sync(), which the client runs without its lock.
  EXPECT_TRUE(f->sync_due());
  f->stored(2, packet("two"));
  EXPECT_EQ(f->next_maintenance(), 2000u);
  f->run_sync();
  EXPECT_FALSE(f->sync_due());
  f->maintain(session, 1500, 1 << 20);  // the interval has not passed: nothing due
  EXPECT_FALSE(f->sync_due());
}

TEST_F(OutboxFileTest, UnopenableFileReportsErrno) {
  int error = 0;
  auto f = OutboxFile::open("/nonexistent-dir/queue", 0, error);
  EXPECT_FALSE(f);
  EXPECT_EQ(error, ENOENT);
}

// --queue-file on an existing file that is not ours (cp /etc/hostname f.txt): refused with
// kForeignQueueFile, and the file keeps its bytes and its mode.
TEST_F(OutboxFileTest, AFileWithoutOurHeaderIsRefusedAndLeftAlone) {
  const std::string content = "my-laptop\n";
  std::ofstream(path_, std::ios::binary) << content;
  std::filesystem::permissions(path_, std::filesystem::perms(0644));
  int error = 0;
  EXPECT_FALSE(OutboxFile::open(path_, 0, error));
  EXPECT_EQ(error, platform::kForeignQueueFile);
  std::ifstream in(path_, std::ios::binary);
  const std::string after{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_EQ(after, content);
  EXPECT_EQ(std::filesystem::status(path_).permissions(), std::filesystem::perms(0644));
}

TEST_F(OutboxFileTest, ANewFileStartsWithMagicAndVersion) {
  open()->stored(1, packet("x"));
  std::ifstream in(path_, std::ios::binary);
  std::string head(8, '\0');
  in.read(head.data(), 8);
  EXPECT_EQ(head, std::string("mqttsq\x01\n", 8));
  EXPECT_EQ(open()->recovered().size(), 1u);  // and reads back as ours
}

}  // namespace
}  // namespace mqtt_setup
