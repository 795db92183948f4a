#include "background_setup.hpp"

namespace mqtt_setup::cli {

BackgroundSetup::BackgroundSetup(MQTTSetup& mqtt, Wakeup& wakeup)
    : thread_([this, &mqtt, &wakeup] {
        // The sender is not needed: the commands publish through MQTTSetup::publish(), which
        // says whether a message was queued.
        [[maybe_unused]] const Sender sender = mqtt.setup_connection();
        done_ = true;
        wakeup.notify();
      }) {}

BackgroundSetup::~BackgroundSetup() { thread_.join(); }

}  // namespace mqtt_setup::cli
