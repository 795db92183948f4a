// Numbered messages for "never lose a message" tests: the publisher sends "0" .. "N-1"; a
// subscriber (a second MQTTSetup, straight on the broker) tallies what arrives, so a test can
// say exactly which numbers were lost and which arrived twice.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "mqtt_setup/mqtt_setup.hpp"

namespace mqtt_setup::test {

class Tally {
 public:
  explicit Tally(int count) : seen_(static_cast<std::size_t>(count), 0) {}

  void add(std::string_view payload) {
    const int n = std::atoi(std::string(payload).c_str());
    std::lock_guard lock(mutex_);
    if (n < 0 || static_cast<std::size_t>(n) >= seen_.size()) {
      ++foreign_;
      return;
    }
    if (seen_[static_cast<std::size_t>(n)]++ == 0) ++distinct_;
  }
  int distinct() const {
    std::lock_guard lock(mutex_);
    return distinct_;
  }
  /// Numbers never received (at most `limit` of them, for the failure message).
  std::vector<int> lost(std::size_t limit = 20) const {
    std::lock_guard lock(mutex_);
    std::vector<int> out;
    for (std::size_t i = 0; i < seen_.size() && out.size() < limit; ++i) {
      if (seen_[i] == 0) out.push_back(static_cast<int>(i));
    }
    return out;
  }
  int lost_count() const { return static_cast<int>(seen_.size()) - distinct(); }
  /// Numbers received more than once, with how often.
  std::vector<std::pair<int, int>> duplicated() const {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<int, int>> out;
    for (std::size_t i = 0; i < seen_.size(); ++i) {
      if (seen_[i] > 1) out.emplace_back(static_cast<int>(i), seen_[i]);
    }
    return out;
  }
  int foreign() const {
    std::lock_guard lock(mutex_);
    return foreign_;
  }
  /// Waits until every number arrived at least once, or `timeout`.
  bool wait_complete(std::chrono::milliseconds timeout) const {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (distinct() == static_cast<int>(seen_.size())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return distinct() == static_cast<int>(seen_.size());
  }

 private:
  mutable std::mutex mutex_;
  std::vector<int> seen_;
  int distinct_ = 0;
  int foreign_ = 0;
};

/// Whether mosquitto's log says it dropped messages for `client_id` (its own queue limit): then
/// a shortfall is the broker's doing, and the test says so instead of blaming the client.
inline bool broker_dropped_for(const std::string& log_path, const std::string& client_id) {
  std::FILE* f = std::fopen(log_path.c_str(), "r");
  if (f == nullptr) return false;
  const std::string needle = "dropped for client " + client_id + ".";
  char line[1024];
  bool found = false;
  while (!found && std::fgets(line, sizeof line, f) != nullptr) {
    found = std::string_view(line).find(needle) != std::string_view::npos;
  }
  std::fclose(f);
  return found;
}

inline std::string describe_numbers(const std::vector<int>& numbers) {
  std::string s;
  for (int n : numbers) s += std::to_string(n) + " ";
  return s;
}
inline std::string describe_numbers(const std::vector<std::pair<int, int>>& numbers) {
  std::string s;
  for (auto [n, times] : numbers) s += std::to_string(n) + "x" + std::to_string(times) + " ";
  return s;
}

/// A subscriber straight on a broker, on a link without faults, that tallies every payload.
/// QoS 0 by default: mosquitto writes to an online QoS 0 subscriber at once, so its per-client
/// queue limit (max_queued_messages, 1,000) cannot drop anything on this leg and nothing comes
/// twice; as long as disconnects() stays empty the tally is about the publisher alone. A
/// persistent subscriber that must get what was queued while it was away uses QoS 1. (Not QoS 2:
/// see ManyUnreleasedQoS2MessagesAreAccepted in rogue_broker_test.cpp.)
class TallySubscriber {
 public:
  TallySubscriber(std::string server, std::string client_id, std::string filter, Tally& tally,
                  bool clean_session = true, QoS qos = QoS::AtMostOnce) {
    Options o;
    o.client_id = std::move(client_id);
    o.clean_session = clean_session;
    o.retry.first_ms = 100;
    o.retry.max_ms = 500;
    o.keep_alive_s = 10;
    o.log = [](LogLevel, std::string_view) {};
    // MQTT_SETUP_FAULT_TRACE=FILE: every packet the subscriber sends and receives, for reports.
    if (const char* path = std::getenv("MQTT_SETUP_FAULT_TRACE")) {
      trace_ = std::fopen(path, "a");
      if (trace_ != nullptr) {
        o.log_level = LogLevel::Debug;
        o.log = [file = trace_](LogLevel, std::string_view line) {
          const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
              std::chrono::steady_clock::now().time_since_epoch()).count();
          std::fprintf(file, "%lld sub %.*s\n", static_cast<long long>(ms),
                       static_cast<int>(line.size()), line.data());
        };
      }
    }
    mqtt_ = std::make_unique<MQTTSetup>(server, 0, std::nullopt, std::nullopt, o);
    mqtt_->on_message([&tally](const Message& m) { tally.add(m.text()); });
    mqtt_->on_event([this](const ClientEvent& ev) {
      if (ev.kind == ClientEvent::Kind::Subscribed && !ev.refused) {
        std::lock_guard lock(mutex_);
        subscribed_ = true;
      }
      // The subscriber's own link has no faults: a loss there is news for the report.
      if (ev.kind == ClientEvent::Kind::Disconnected) {
        std::lock_guard lock(mutex_);
        disconnects_.push_back(ev.error.message());
        std::fprintf(stderr, "subscriber lost its connection: %s\n", disconnects_.back().c_str());
      }
    });
    mqtt_->subscribe(filter, qos);
    mqtt_->setup_connection();
  }
  /// Waits for the SUBACK: publishing before it would lose messages on the test's side.
  bool wait_subscribed(std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      {
        std::lock_guard lock(mutex_);
        if (subscribed_) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  ~TallySubscriber() {
    mqtt_.reset();
    if (trace_ != nullptr) std::fclose(trace_);
  }
  TallySubscriber(const TallySubscriber&) = delete;
  TallySubscriber& operator=(const TallySubscriber&) = delete;
  MQTTSetup& client() { return *mqtt_; }
  /// Error::message() of every connection the subscriber lost (none expected).
  std::vector<std::string> disconnects() {
    std::lock_guard lock(mutex_);
    return disconnects_;
  }

 private:
  std::mutex mutex_;
  bool subscribed_ = false;
  std::vector<std::string> disconnects_;
  std::FILE* trace_ = nullptr;
  std::unique_ptr<MQTTSetup> mqtt_;
};

}  // namespace mqtt_setup::test
