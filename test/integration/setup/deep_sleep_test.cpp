// Deep sleep against a real mosquitto: prepare_for_sleep() saves the session in Options::state_dir,
// the MQTTSetup is destroyed (the device powers down), a new one with the same client id and
// directory is built (the wake), and a subscriber straight on the broker counts what arrives.
//   QoS 2: every message exactly once. QoS 1: every message at least once. None lost.
//   A sleep with nothing pending writes nothing; an unchanged state is not written again.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "integration/faults/numbered_messages.hpp"
#include "mqtt_setup/mqtt_setup.hpp"
#include "support/broker_port.hpp"
#include "support/fault_proxy.hpp"

namespace mqtt_setup {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kNowhere = "127.0.0.1:1";  // nothing listens: connection refused
constexpr int kQoS2 = 10;  // messages 0..9 at QoS 2
constexpr int kTotal = 20;  // 10..19 at QoS 1

// Per run: a broker session left by an earlier run must not meet this one.
std::string unique(const char* base) {
  return std::string(base) + "_" + std::to_string(::getpid()) + "_" +
         std::to_string(std::random_device{}() % 100000);
}

class StateDir {
 public:
  StateDir() : path_(fs::temp_directory_path() / unique("mqtt_setup_sleep")) {}
  ~StateDir() { fs::remove_all(path_); }
  StateDir(const StateDir&) = delete;
  StateDir& operator=(const StateDir&) = delete;
  std::string path() const { return path_.string(); }
  /// Files in it (the saved states; a ".new" left over would show here too).
  std::vector<fs::path> files() const {
    std::vector<fs::path> out;
    if (fs::exists(path_)) {
      for (const auto& entry : fs::directory_iterator(path_)) out.push_back(entry.path());
    }
    return out;
  }

 private:
  fs::path path_;
};

Options sleepy(const std::string& client_id, const std::string& state_dir) {
  Options o;
  o.client_id = client_id;
  o.clean_session = false;
  o.state_dir = state_dir;
  o.attempts = 1;
  o.retry.first_ms = 50;
  o.retry.max_ms = 200;
  o.connect_timeout_ms = 2'000;
  o.log = [](LogLevel, std::string_view) {};
  return o;
}

std::string address(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

// Numbers 0..9 at QoS 2, 10..19 at QoS 1, on the device's "seq" topic.
void publish_numbers(MQTTSetup& mqtt) {
  for (int i = 0; i < kTotal; ++i) {
    const std::string payload = std::to_string(i);
    auto ticket = mqtt.publish("seq", codec::as_bytes(payload),
                               i < kQoS2 ? QoS::ExactlyOnce : QoS::AtLeastOnce);
    EXPECT_TRUE(ticket.ok()) << "message " << i;
  }
}

void expect_delivered(const test::Tally& tally) {
  EXPECT_TRUE(tally.wait_complete(10s)) << "lost: " << test::describe_numbers(tally.lost());
  std::vector<int> twice_at_qos2;
  for (auto [n, times] : tally.duplicated()) {
    if (n < kQoS2) twice_at_qos2.push_back(n);
  }
  EXPECT_TRUE(twice_at_qos2.empty()) << "QoS 2 delivered more than once: "
                                     << test::describe_numbers(twice_at_qos2);
  EXPECT_EQ(tally.foreign(), 0);
}

// One file's identity and age: a rewrite, even of the same bytes, changes one of them.
struct FileStamp {
  ino_t inode = 0;
  std::int64_t modified_ns = 0;
  bool operator==(const FileStamp&) const = default;
};
FileStamp stamp(const fs::path& file) {
  struct stat st {};
  EXPECT_EQ(::stat(file.c_str(), &st), 0);
  return {st.st_ino, static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                         st.st_mtim.tv_nsec};
}

TEST(DeepSleep, MessagesPublishedWhileTheBrokerIsUnreachableArriveOnceAfterTheWake) {
  const std::uint16_t port = test::broker_port(test::kPlainBroker);
  if (port == 0) GTEST_SKIP() << "no broker: run through ctest (fixture broker)";
  const StateDir dir;
  const std::string id = unique("sleep_offline");
  test::Tally tally(kTotal);
  test::TallySubscriber subscriber(address(port), id + "_sub", "devices/" + id + "/#", tally);
  ASSERT_TRUE(subscriber.wait_subscribed(5s));

  {  // Awake, but nothing listens where the broker should be.
    MQTTSetup device{kNowhere, 0, std::nullopt, std::nullopt, sleepy(id, dir.path())};
    device.setup_connection();
    EXPECT_FALSE(device.is_connected());
    publish_numbers(device);
    auto slept = device.prepare_for_sleep(200);
    ASSERT_TRUE(slept.ok()) << slept.error().message();
    EXPECT_EQ(slept->messages, static_cast<std::uint32_t>(kTotal));
    EXPECT_GT(slept->bytes_written, 0u);
  }  // power down
  ASSERT_EQ(dir.files().size(), 1u);

  {  // The wake: a new client, the broker reachable now.
    MQTTSetup device{address(port), 0, std::nullopt, std::nullopt, sleepy(id, dir.path())};
    EXPECT_EQ(device.stats().session.queued, static_cast<std::uint32_t>(kTotal));
    device.setup_connection();
    ASSERT_TRUE(device.is_connected());
    EXPECT_TRUE(dir.files().empty()) << "the saved state must be gone once CONNECT used it";
    EXPECT_TRUE(device.flush(10'000));
    expect_delivered(tally);
    auto slept = device.prepare_for_sleep(1'000);
    ASSERT_TRUE(slept.ok()) << slept.error().message();
    EXPECT_EQ(slept->messages, 0u);
    EXPECT_EQ(slept->bytes_written, 0u);  // nothing pending: no flash write
  }
  EXPECT_TRUE(dir.files().empty());

  {  // A second cycle with nothing to do writes nothing either.
    MQTTSetup device{address(port), 0, std::nullopt, std::nullopt, sleepy(id, dir.path())};
    EXPECT_EQ(device.stats().session.queued, 0u);
    device.setup_connection();
    auto slept = device.prepare_for_sleep(1'000);
    ASSERT_TRUE(slept.ok()) << slept.error().message();
    EXPECT_EQ(slept->bytes_written, 0u);
  }
  EXPECT_TRUE(dir.files().empty());
  EXPECT_TRUE(subscriber.disconnects().empty());
}

TEST(DeepSleep, MessagesTheBrokerGotButDidNotAcknowledgeResumeItsSessionExactlyOnce) {
  const std::uint16_t port = test::broker_port(test::kPlainBroker);
  if (port == 0) GTEST_SKIP() << "no broker: run through ctest (fixture broker)";
  const StateDir dir;
  const std::string id = unique("sleep_unacked");
  test::Tally tally(kTotal);
  test::TallySubscriber subscriber(address(port), id + "_sub", "devices/" + id + "/#", tally);
  ASSERT_TRUE(subscriber.wait_subscribed(5s));

  {
    // Driven from this thread (no background thread): publish() writes each PUBLISH at once,
    // and nothing reads the broker's PUBACK / PUBREC until the device sleeps.
    Options o = sleepy(id, dir.path());
    o.background = false;
    MQTTSetup device{address(port), 0, std::nullopt, std::nullopt, o};
    device.setup_connection();
    ASSERT_TRUE(device.is_connected());
    publish_numbers(device);
    // QoS 1 reaches the subscriber now; QoS 2 waits in the broker for our PUBREL.
    for (int i = 0; i < 200 && tally.distinct() < kTotal - kQoS2; ++i) {
      std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(tally.distinct(), kTotal - kQoS2);
    auto slept = device.prepare_for_sleep(0);  // no time to read the acknowledgements
    ASSERT_TRUE(slept.ok()) << slept.error().message();
    EXPECT_EQ(slept->messages, static_cast<std::uint32_t>(kTotal));
    EXPECT_EQ(device.stats().session.inflight, static_cast<std::uint32_t>(kTotal));
  }

  {  // The wake: session present, the 20 go again with their identifiers and DUP.
    MQTTSetup device{address(port), 0, std::nullopt, std::nullopt, sleepy(id, dir.path())};
    std::atomic<bool> session_present{false};
    device.on_event([&session_present](const ClientEvent& e) {
      if (e.kind == ClientEvent::Kind::Connected) session_present = e.session_present;
    });
    device.setup_connection();
    ASSERT_TRUE(device.is_connected());
    EXPECT_TRUE(session_present);
    EXPECT_TRUE(device.flush(10'000));
    EXPECT_EQ(device.stats().session.resent, static_cast<std::uint64_t>(kTotal));
    expect_delivered(tally);
    auto slept = device.prepare_for_sleep(1'000);
    ASSERT_TRUE(slept.ok());
    EXPECT_EQ(slept->bytes_written, 0u);
  }
  EXPECT_TRUE(dir.files().empty());
}

TEST(DeepSleep, MessagesLostInADeadLinkAreSentAfterTheWake) {
  const std::uint16_t port = test::broker_port(test::kPlainBroker);
  if (port == 0) GTEST_SKIP() << "no broker: run through ctest (fixture broker)";
  const StateDir dir;
  const std::string id = unique("sleep_blackhole");
  test::Tally tally(kTotal);
  test::TallySubscriber subscriber(address(port), id + "_sub", "devices/" + id + "/#", tally);
  ASSERT_TRUE(subscriber.wait_subscribed(5s));

  {
    test::FaultProxy link({.upstream_port = port});
    MQTTSetup device{address(link.port()), 0, std::nullopt, std::nullopt, sleepy(id, dir.path())};
    device.setup_connection();
    ASSERT_TRUE(device.is_connected());
    // Writes succeed, nothing arrives, nothing answers. set_mode() returns once the proxy's
    // loop has taken the mode, so none of the numbers below can be forwarded.
    link.set_mode(test::FaultMode::Blackhole);
    publish_numbers(device);
    auto slept = device.prepare_for_sleep(300);
    ASSERT_TRUE(slept.ok()) << slept.error().message();
    EXPECT_EQ(slept->messages, static_cast<std::uint32_t>(kTotal));
  }
  EXPECT_EQ(tally.distinct(), 0);

  MQTTSetup device{address(port), 0, std::nullopt, std::nullopt, sleepy(id, dir.path())};
  device.setup_connection();
  ASSERT_TRUE(device.is_connected());
  EXPECT_TRUE(device.flush(10'000));
  expect_delivered(tally);
  device.disconnect();
}

TEST(DeepSleep, AnUnchangedStateIsNotWrittenAgain) {
  const StateDir dir;
  const std::string id = unique("sleep_unchanged");
  {
    MQTTSetup device{kNowhere, 0, std::nullopt, std::nullopt, sleepy(id, dir.path())};
    device.setup_connection();
    EXPECT_TRUE(device.publish("seq", codec::as_bytes("1"), QoS::AtLeastOnce).ok());
    auto slept = device.prepare_for_sleep(0);
    ASSERT_TRUE(slept.ok()) << slept.error().message();
    EXPECT_GT(slept->bytes_written, 0u);
  }
  const auto files = dir.files();
  ASSERT_EQ(files.size(), 1u);
  const FileStamp before = stamp(files[0]);
  std::this_thread::sleep_for(20ms);  // a rewrite would show in the modification time

  {  // Woken, the broker still unreachable, nothing new: no CONNECT went out, nothing to write.
    MQTTSetup device{kNowhere, 0, std::nullopt, std::nullopt, sleepy(id, dir.path())};
    EXPECT_EQ(device.stats().session.queued, 1u);
    device.setup_connection();
    auto slept = device.prepare_for_sleep(0);
    ASSERT_TRUE(slept.ok()) << slept.error().message();
    EXPECT_EQ(slept->messages, 1u);
    EXPECT_EQ(slept->bytes_written, 0u);
  }
  ASSERT_EQ(dir.files().size(), 1u);
  EXPECT_TRUE(stamp(files[0]) == before);

  {  // Something new: written.
    MQTTSetup device{kNowhere, 0, std::nullopt, std::nullopt, sleepy(id, dir.path())};
    device.setup_connection();
    EXPECT_TRUE(device.publish("seq", codec::as_bytes("2"), QoS::AtLeastOnce).ok());
    auto slept = device.prepare_for_sleep(0);
    ASSERT_TRUE(slept.ok());
    EXPECT_EQ(slept->messages, 2u);
    EXPECT_GT(slept->bytes_written, 0u);
  }
  EXPECT_FALSE(stamp(files[0]) == before);
}

TEST(DeepSleep, ADamagedStateIsReportedAndReplaced) {
  const StateDir dir;
  const std::string id = unique("sleep_damaged");
  {
    MQTTSetup device{kNowhere, 0, std::nullopt, std::nullopt, sleepy(id, dir.path())};
    EXPECT_TRUE(device.publish("seq", codec::as_bytes("1"), QoS::AtLeastOnce).ok());
    ASSERT_TRUE(device.prepare_for_sleep(0).ok());
  }
  const auto files = dir.files();
  ASSERT_EQ(files.size(), 1u);
  fs::resize_file(files[0], fs::file_size(files[0]) - 3);  // torn

  MQTTSetup device{kNowhere, 0, std::nullopt, std::nullopt, sleepy(id, dir.path())};
  const Error error = device.last_error();
  EXPECT_EQ(error.kind, Error::Kind::Storage);
  EXPECT_EQ(error.storage, Error::StorageFailure::Load);
  EXPECT_EQ(error.session, SessionError::StateCorrupt);
  EXPECT_NE(error.message().find("not restored"), std::string::npos) << error.message();
  EXPECT_EQ(device.stats().session.queued, 0u);
  auto slept = device.prepare_for_sleep(0);  // nothing pending: the damaged copy goes
  ASSERT_TRUE(slept.ok()) << slept.error().message();
  EXPECT_TRUE(dir.files().empty());
}

TEST(DeepSleep, CleanSessionIsRefusedWithAClearError) {
  const StateDir dir;
  Options o = sleepy(unique("sleep_clean"), dir.path());
  o.clean_session = true;
  MQTTSetup device{kNowhere, 0, std::nullopt, std::nullopt, o};
  EXPECT_TRUE(device.publish("seq", codec::as_bytes("1"), QoS::AtLeastOnce).ok());
  auto slept = device.prepare_for_sleep(0);
  ASSERT_FALSE(slept.ok());
  EXPECT_EQ(slept.error().kind, Error::Kind::Storage);
  EXPECT_EQ(slept.error().storage, Error::StorageFailure::CleanSession);
  EXPECT_NE(slept.error().message().find("clean_session = false"), std::string::npos)
      << slept.error().message();
  EXPECT_EQ(device.last_error().storage, Error::StorageFailure::CleanSession);
  EXPECT_TRUE(dir.files().empty());
  EXPECT_EQ(device.stats().session.queued, 1u);  // refused before touching anything
}

TEST(DeepSleep, WithoutStorageTheErrorSaysWhatToSet) {
  Options o = sleepy(unique("sleep_nowhere"), "");
  MQTTSetup device{kNowhere, 0, std::nullopt, std::nullopt, o};
  auto slept = device.prepare_for_sleep(0);
  ASSERT_FALSE(slept.ok());
  EXPECT_EQ(slept.error().kind, Error::Kind::Storage);
  EXPECT_EQ(slept.error().storage, Error::StorageFailure::NoStorage);
  EXPECT_NE(slept.error().message().find("Options::state_dir"), std::string::npos)
      << slept.error().message();
  EXPECT_EQ(device.last_error().kind, Error::Kind::Storage);
}

}  // namespace
}  // namespace mqtt_setup
