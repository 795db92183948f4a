#include "client_packets.hpp"

#include <array>

namespace mqtt_setup::test {

std::optional<RawPacket> receive_packet(Transport& transport, PacketBuffer& buffer,
                                        std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  std::array<std::uint8_t, 4096> chunk{};
  // Bounded by the deadline: each pass waits for the time that is left.
  for (int count = 0; count < 100'000; ++count) {
    if (auto packet = buffer.pop()) return packet;
    if (buffer.malformed()) return std::nullopt;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    const auto received = transport.receive(chunk, static_cast<std::uint32_t>(left.count()));
    if (!received.ok()) return std::nullopt;
    buffer.append(std::span(chunk.data(), *received));
  }
  return std::nullopt;
}

}  // namespace mqtt_setup::test
