// Commands arrive on the library's connection thread; the agent acts on them on its main thread
// (running a program may take seconds, and the connection must keep being served meanwhile).
// Bounded: a flood of commands costs at most kCapacity entries, the rest is refused.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

namespace mqtt_setup::cli {

struct ReceivedCommand {
  std::string name;  // the topic after devices/{id}/commands/
  std::string payload;
  // MQTT 5 request/response: where the requester wants the answer, and its correlation data.
  std::string response_topic;
  std::string correlation_data;
};

class CommandInbox {
 public:
  static constexpr std::size_t kCapacity = 32;

  /// false: full, the command was dropped.
  bool push(ReceivedCommand command);
  std::optional<ReceivedCommand> pop();

 private:
  std::mutex mutex_;
  std::deque<ReceivedCommand> commands_;
};

}  // namespace mqtt_setup::cli
