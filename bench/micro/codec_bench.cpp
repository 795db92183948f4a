// The codec's hot path in isolation: what one PUBLISH costs to size, encode and decode, and
// what the facade's topic building costs. Run: bench_micro --benchmark_filter=Codec
#include <benchmark/benchmark.h>

#include <array>
#include <string>

#include "mqtt_setup/codec.hpp"

namespace {

using namespace mqtt_setup;

constexpr std::string_view kTopic = "devices/esp32_0011223344/sensors/temperature";
const std::array<std::uint8_t, 16> kPayload16{};

codec::Publish message(codec::QoS qos) {
  return codec::Publish{kTopic, codec::Bytes{kPayload16}, qos, false, false,
                        static_cast<std::uint16_t>(qos == codec::QoS::AtMostOnce ? 0 : 1)};
}

void Codec_CheckTopicName(benchmark::State& state) {
  for (auto _ : state) {
    std::string_view topic = kTopic;
    benchmark::DoNotOptimize(topic);
    benchmark::DoNotOptimize(codec::is_valid_topic_name(topic));
  }
}
BENCHMARK(Codec_CheckTopicName);

void Codec_EncodedSizePublish(benchmark::State& state) {
  const auto p = message(static_cast<codec::QoS>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(&p);
    benchmark::DoNotOptimize(codec::encoded_size(p));
  }
}
BENCHMARK(Codec_EncodedSizePublish)->Arg(0)->Arg(1);

void Codec_EncodePublish(benchmark::State& state) {
  const auto p = message(static_cast<codec::QoS>(state.range(0)));
  std::array<std::uint8_t, 128> out{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(&p);
    auto n = codec::encode(p, out);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(Codec_EncodePublish)->Arg(0)->Arg(1);

// Through the Packet variant, as Session::poll_transmit encodes acknowledgements.
void Codec_EncodePublishVariant(benchmark::State& state) {
  const codec::Packet p{message(codec::QoS::AtLeastOnce)};
  std::array<std::uint8_t, 128> out{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(&p);
    auto n = codec::encode(p, out);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(Codec_EncodePublishVariant);

void Codec_DecodePublish(benchmark::State& state) {
  std::array<std::uint8_t, 128> wire{};
  const auto size = *codec::encode(message(static_cast<codec::QoS>(state.range(0))), wire);
  const codec::Bytes in{wire.data(), size};
  for (auto _ : state) {
    benchmark::DoNotOptimize(in.data());
    auto decoded = codec::decode(in);
    benchmark::DoNotOptimize(decoded);
  }
}
BENCHMARK(Codec_DecodePublish)->Arg(0)->Arg(1);

void Codec_DecodePuback(benchmark::State& state) {
  const std::array<std::uint8_t, 4> wire{0x40, 0x02, 0x12, 0x34};
  for (auto _ : state) {
    benchmark::DoNotOptimize(wire.data());
    auto decoded = codec::decode(codec::Bytes{wire});
    benchmark::DoNotOptimize(decoded);
  }
}
BENCHMARK(Codec_DecodePuback);

void Codec_EncodePuback(benchmark::State& state) {
  const codec::Ack ack{codec::PacketType::Puback, 0x1234};
  std::array<std::uint8_t, 4> out{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(&ack);
    auto n = codec::encode(ack, out);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(Codec_EncodePuback);

// MQTTSetup::publish(suffix): "devices/{client_id}/" + suffix into a buffer reserved up front.
void Codec_BuildTopic(benchmark::State& state) {
  const std::string prefix = "devices/esp32_0011223344/";
  std::string buffer;
  buffer.reserve(4096);
  for (auto _ : state) {
    std::string_view suffix = "sensors/temperature";
    benchmark::DoNotOptimize(suffix);
    buffer.assign(prefix);
    buffer.append(suffix);
    benchmark::DoNotOptimize(buffer.data());
  }
}
BENCHMARK(Codec_BuildTopic);

}  // namespace
