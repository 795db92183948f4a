// The Options both facade benchmark programs use: one attempt, no reconnect, the window from
// BENCH_INFLIGHT, buffers large enough for the payload and the window, and a full outbox that
// refuses rather than drops.
#pragma once

#include <algorithm>

#include "bench_args.hpp"
#include "mqtt_setup/options.hpp"

namespace bench {

inline mqtt_setup::Options facade_options(const Args& args, bool background) {
  mqtt_setup::Options options;
  options.background = background;
  options.client_id = args.client_id;
  options.keep_alive_s = 60;
  options.clean_session = true;
  options.attempts = 1;
  options.reconnect = false;
  options.max_inflight = static_cast<std::uint16_t>(args.inflight);
  // The defaults (4 KiB, 64 KiB) unless a message or the window needs more.
  const std::size_t packet_max = args.payload.size() + args.topic.size() + 64;
  options.tx_buffer_size = std::max<std::size_t>(options.tx_buffer_size, packet_max);
  options.queue_bytes =
      std::max<std::size_t>(options.queue_bytes, (args.inflight + 2) * packet_max);
  // A QoS 0 burst outruns the socket and fills the bounded outbox: the benchmark must lose
  // nothing, so a full outbox refuses the new message (the program waits and retries) instead
  // of dropping the oldest unsent one, the default for fresh readings.
  options.overflow = mqtt_setup::OverflowPolicy::RejectNew;
  options.log_level = mqtt_setup::LogLevel::Error;
  return options;
}

}  // namespace bench
