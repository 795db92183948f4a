// Topic aliases the broker uses towards us ([MQTT-3.3.2.3.4]): a PUBLISH with a topic and an
// alias sets the mapping, one with the alias and an empty topic uses it. We announce at most
// SessionConfig::topic_alias_maximum_in in CONNECT; the topics live in the caller's
// SessionBuffers::incoming_aliases as packed entries [alias:2][length:2][topic], oldest first,
// ended by alias 0 (never a valid alias) or the end of the span.
//
// When a new topic does not fit, the oldest mappings are forgotten to make room (and a topic
// larger than the whole table is not kept): its message is delivered all the same, since it
// carries its topic. Should the broker later use a forgotten alias alone, the session cannot
// resolve it through no fault of the broker: it ends the connection with 0x83 "implementation
// specific error" (Violation::TopicAliasForgotten), not 0x94, and the next connection starts
// with no aliases ([MQTT-3.3.2-7]), so the broker sends topics again. Size the table for the
// topics a device is sent (SessionStorage's default: 64 bytes per announced alias) and this
// never happens.
#include <cstring>

#include "session/record.hpp"

namespace mqtt_setup {

namespace {

constexpr std::size_t kEntryHeader = 4;

std::uint16_t read16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

void write16(std::uint8_t* p, std::size_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v & 0xFF);
}

/// Entries of an incoming alias table, walked in order.
struct AliasTable {
  std::span<std::uint8_t> bytes;

  bool entry_at(std::size_t off) const {
    return off + kEntryHeader <= bytes.size() && read16(bytes.data() + off) != 0;
  }
  std::size_t entry_size(std::size_t off) const {
    return kEntryHeader + read16(bytes.data() + off + 2);
  }
  std::size_t end() const {
    std::size_t off = 0;
    while (entry_at(off)) off += entry_size(off);
    return off;
  }
  std::size_t find(std::uint16_t alias) const {
    for (std::size_t off = 0; entry_at(off); off += entry_size(off)) {
      if (read16(bytes.data() + off) == alias) return off;
    }
    return bytes.size();
  }
  void erase(std::size_t off) {
    const std::size_t size = entry_size(off);
    const std::size_t used = end();
    std::memmove(bytes.data() + off, bytes.data() + off + size, used - off - size);
    terminate(used - size);
  }
  void terminate(std::size_t at) {
    if (at + 2 <= bytes.size()) write16(bytes.data() + at, 0);
  }
};

}  // namespace

void Session::reset_incoming_aliases() {
  AliasTable{buffers_.incoming_aliases}.terminate(0);
  incoming_alias_forgotten_ = false;
}

Violation Session::resolve_incoming_alias(std::uint32_t alias, codec::Publish& publish) {
  // [MQTT-3.3.2-8], [MQTT-3.3.2-9]: 0 and anything above what we announced are invalid.
  if (alias == 0 || alias > config_.topic_alias_maximum_in) return Violation::TopicAliasInvalid;
  AliasTable table{buffers_.incoming_aliases};
  const auto key = static_cast<std::uint16_t>(alias);
  std::size_t at = table.find(key);
  if (publish.topic.empty()) {
    if (at == table.bytes.size()) {
      return incoming_alias_forgotten_ ? Violation::TopicAliasForgotten
                                       : Violation::TopicAliasInvalid;
    }
    publish.topic = {reinterpret_cast<const char*>(table.bytes.data() + at + kEntryHeader),
                     table.entry_size(at) - kEntryHeader};
    return Violation::None;
  }
  if (at != table.bytes.size()) table.erase(at);  // [MQTT-3.3.2-12]: a new mapping
  const std::size_t need = kEntryHeader + publish.topic.size();
  if (need > table.bytes.size()) {
    incoming_alias_forgotten_ = true;  // delivered, but its alias cannot be kept
    return Violation::None;
  }
  std::size_t end = table.end();
  while (end + need > table.bytes.size()) {
    table.erase(0);
    incoming_alias_forgotten_ = true;
    end = table.end();
  }
  std::uint8_t* entry = table.bytes.data() + end;
  write16(entry, key);
  write16(entry + 2, publish.topic.size());
  std::memcpy(entry + kEntryHeader, publish.topic.data(), publish.topic.size());
  table.terminate(end + need);
  return Violation::None;
}

}  // namespace mqtt_setup
