#include "command_inbox.hpp"

namespace mqtt_setup::cli {

bool CommandInbox::push(ReceivedCommand command) {
  std::lock_guard lock(mutex_);
  if (commands_.size() >= kCapacity) return false;
  commands_.push_back(std::move(command));
  return true;
}

std::optional<ReceivedCommand> CommandInbox::pop() {
  std::lock_guard lock(mutex_);
  if (commands_.empty()) return std::nullopt;
  ReceivedCommand command = std::move(commands_.front());
  commands_.pop_front();
  return command;
}

}  // namespace mqtt_setup::cli
