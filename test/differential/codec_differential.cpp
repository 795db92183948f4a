// Differential test, step 2: our codec against mqtt-packet's bytes (see differential_test.sh).
//
//   codec_differential PACKETS.jsonl OURS.hex [MAX_FAILURES]
//
// PACKETS.jsonl comes from generate.js: per line an mqtt-packet object and the bytes
// mqtt-packet encoded it into. For each line this program
//   1. builds our codec::Packet from the object (properties through PropertyWriter, in the
//      object's key order, as mqtt-packet writes them),
//   2. encodes it with our encoder and compares the bytes with mqtt-packet's,
//   3. decodes mqtt-packet's bytes with our decoder and compares every field with the object,
//   4. decodes our own bytes too and compares them the same way,
//   5. writes our bytes as one hex line to OURS.hex, for check.js (mqtt-packet's parser).
// Any difference is printed with the packet, both hex strings and the first differing byte;
// after MAX_FAILURES (default 20) only the count goes on. Exit status 1 if any.
//
// One kind of difference in the bytes is not a failure: under 5.0 mqtt-packet writes the
// Reason Code and an empty Property Length where the spec lets both be left out, and we
// write the shorter form (PUBACK, PUBREC, PUBREL, PUBCOMP: 3.4.2.1 and 3.4.2.2.1 "If the
// Remaining Length is less than 4 there is no Property Length and the value of 0 is used";
// DISCONNECT 3.14.2.1 and 3.14.2.2.1; AUTH 3.15.2.1). Such a pair counts as "shorter form"
// only when removing exactly that empty Property Length (and a Success code before it) from
// mqtt-packet's bytes gives ours; mqtt-packet's longer form is still decoded and compared.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "mqtt_setup/codec.hpp"

namespace {

namespace codec = mqtt_setup::codec;
using json = nlohmann::ordered_json;
using codec::Bytes;
using codec::PropertyId;
using codec::PropertyKind;
using codec::ProtocolVersion;

// ---------------------------------------------------------------------------------------------
// Hex

std::string to_hex(Bytes b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(b.size() * 2);
  for (const std::uint8_t byte : b) {
    s += kDigits[byte >> 4];
    s += kDigits[byte & 0x0F];
  }
  return s;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::vector<std::uint8_t>> from_hex(std::string_view s) {
  if (s.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> out(s.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_digit(s[2 * i]);
    const int lo = hex_digit(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return out;
}

/// A long value cut for printing.
std::string shorten(const std::string& s, std::size_t limit = 200) {
  if (s.size() <= limit) return s;
  std::size_t end = limit;  // not inside a UTF-8 sequence
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end) + "...(" + std::to_string(s.size()) + " bytes)";
}

// ---------------------------------------------------------------------------------------------
// Building our packet from mqtt-packet's object. The codec holds views: everything they point
// at lives in the Arena of that line.

/// A harness problem (an object this program cannot map); reported like a difference.
struct BuildError {
  std::string message;
};

class Arena {
 public:
  std::string_view text(std::string s) { return strings_.emplace_back(std::move(s)); }
  Bytes bytes(std::vector<std::uint8_t> b) {
    const auto& stored = buffers_.emplace_back(std::move(b));
    return {stored.data(), stored.size()};
  }
  std::vector<std::uint8_t>& buffer(std::size_t size) { return buffers_.emplace_back(size); }
  std::vector<codec::Subscription>& subscriptions() { return subscriptions_.emplace_back(); }

 private:
  std::deque<std::string> strings_;
  std::deque<std::vector<std::uint8_t>> buffers_;
  std::deque<std::vector<codec::Subscription>> subscriptions_;
};

/// A string, or the bytes of a Buffer ({"$buffer": hex}) or of a string (UTF-8).
std::vector<std::uint8_t> bytes_of(const json& v, std::string_view field) {
  if (v.is_object() && v.contains("$buffer")) {
    auto b = from_hex(v.at("$buffer").get<std::string>());
    if (!b) throw BuildError{std::string(field) + ": bad $buffer hex"};
    return *b;
  }
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    return {s.begin(), s.end()};
  }
  if (v.is_null()) return {};
  throw BuildError{std::string(field) + ": neither string nor Buffer"};
}

std::string text_of(const json& v, std::string_view field) {
  if (!v.is_string()) throw BuildError{std::string(field) + ": not a string"};
  return v.get<std::string>();
}

/// An integer field; `fallback` when absent (as mqtt-packet's `x || 0`).
std::uint32_t number_of(const json& obj, const char* key, std::uint32_t fallback = 0) {
  if (!obj.contains(key) || obj.at(key).is_null()) return fallback;
  const json& v = obj.at(key);
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (!v.is_number_unsigned() && !v.is_number_integer()) {
    throw BuildError{std::string(key) + ": not an integer"};
  }
  return v.get<std::uint32_t>();
}

bool flag_of(const json& obj, const char* key, bool fallback = false) {
  if (!obj.contains(key) || obj.at(key).is_null()) return fallback;
  const json& v = obj.at(key);
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0;
  throw BuildError{std::string(key) + ": not a boolean"};
}

// mqtt-packet's property names (its constants.js) and ours.
struct PropertyName {
  std::string_view name;
  PropertyId id;
};
constexpr PropertyName kPropertyNames[] = {
    {"payloadFormatIndicator", PropertyId::PayloadFormatIndicator},
    {"messageExpiryInterval", PropertyId::MessageExpiryInterval},
    {"contentType", PropertyId::ContentType},
    {"responseTopic", PropertyId::ResponseTopic},
    {"correlationData", PropertyId::CorrelationData},
    {"subscriptionIdentifier", PropertyId::SubscriptionIdentifier},
    {"sessionExpiryInterval", PropertyId::SessionExpiryInterval},
    {"assignedClientIdentifier", PropertyId::AssignedClientIdentifier},
    {"serverKeepAlive", PropertyId::ServerKeepAlive},
    {"authenticationMethod", PropertyId::AuthenticationMethod},
    {"authenticationData", PropertyId::AuthenticationData},
    {"requestProblemInformation", PropertyId::RequestProblemInformation},
    {"willDelayInterval", PropertyId::WillDelayInterval},
    {"requestResponseInformation", PropertyId::RequestResponseInformation},
    {"responseInformation", PropertyId::ResponseInformation},
    {"serverReference", PropertyId::ServerReference},
    {"reasonString", PropertyId::ReasonString},
    {"receiveMaximum", PropertyId::ReceiveMaximum},
    {"topicAliasMaximum", PropertyId::TopicAliasMaximum},
    {"topicAlias", PropertyId::TopicAlias},
    {"maximumQoS", PropertyId::MaximumQoS},
    {"retainAvailable", PropertyId::RetainAvailable},
    {"userProperties", PropertyId::UserProperty},
    {"maximumPacketSize", PropertyId::MaximumPacketSize},
    {"wildcardSubscriptionAvailable", PropertyId::WildcardSubscriptionAvailable},
    {"subscriptionIdentifiersAvailable", PropertyId::SubscriptionIdentifierAvailable},
    {"sharedSubscriptionAvailable", PropertyId::SharedSubscriptionAvailable},
};

PropertyId property_id(const std::string& name) {
  for (const auto& p : kPropertyNames) {
    if (p.name == name) return p.id;
  }
  throw BuildError{"unknown property " + name};
}

/// Each value of a property: an array writes the property once per element.
template <class F>
void for_each_value(const json& v, F&& f) {
  if (v.is_array()) {
    for (const json& e : v) f(e);
  } else {
    f(v);
  }
}

/// Bytes a property set takes at most, so one buffer holds it.
std::size_t properties_capacity(const json& props) {
  std::size_t size = 16;
  for (const auto& item : props.items()) {
    // Not structured bindings: clang 14 cannot capture them in the lambdas below.
    const std::string& name = item.key();
    const json& value = item.value();
    auto add = [&](const json& v) {
      size += 8;
      if (v.is_string()) size += v.get_ref<const std::string&>().size();
      if (v.is_object() && v.contains("$buffer")) size += v.at("$buffer").get<std::string>().size() / 2;
    };
    if (name == "userProperties" && value.is_object()) {
      for (const auto& user : value.items()) {
        const std::size_t name_size = user.key().size();
        for_each_value(user.value(), [&](const json& v) { add(v); size += name_size; });
      }
    } else {
      for_each_value(value, add);
    }
  }
  return size;
}

/// mqtt-packet's `properties` object, written in its key order as mqtt-packet writes it.
codec::Properties build_properties(const json& obj, Arena& arena) {
  if (!obj.contains("properties") || obj.at("properties").is_null()) return {};
  const json& props = obj.at("properties");
  if (!props.is_object()) throw BuildError{"properties: not an object"};
  auto& buffer = arena.buffer(properties_capacity(props));
  codec::PropertyWriter w{buffer};
  for (const auto& item : props.items()) {
    const std::string& name = item.key();
    const json& value = item.value();
    if (value.is_null()) continue;  // mqtt-packet skips null and undefined values
    const PropertyId id = property_id(name);
    if (id == PropertyId::UserProperty) {
      if (!value.is_object()) throw BuildError{"userProperties: not an object"};
      for (const auto& user : value.items()) {
        const std::string& user_name = user.key();
        for_each_value(user.value(), [&](const json& v) {
          w.add_user(arena.text(user_name), arena.text(text_of(v, "userProperties value")));
        });
      }
      continue;
    }
    for_each_value(value, [&](const json& v) {
      switch (codec::kind_of(id)) {
        case PropertyKind::String: w.add(id, arena.text(text_of(v, name))); break;
        case PropertyKind::Binary: w.add(id, arena.bytes(bytes_of(v, name))); break;
        default: {
          const json one = json{{"v", v}};
          w.add(id, number_of(one, "v"));
        }
      }
    });
  }
  if (!w.ok()) throw BuildError{"PropertyWriter: " + std::string(w.error_message())};
  return w.properties();
}

codec::QoS qos_of(const json& obj, const char* key = "qos") {
  const std::uint32_t q = number_of(obj, key);
  if (q > 2) throw BuildError{"qos above 2"};
  return static_cast<codec::QoS>(q);
}

std::uint16_t id_of(const json& obj) {
  if (!obj.contains("messageId")) throw BuildError{"messageId missing"};
  return static_cast<std::uint16_t>(number_of(obj, "messageId"));
}

codec::Packet build_packet(const json& obj, ProtocolVersion version, Arena& arena) {
  const std::string cmd = text_of(obj.at("cmd"), "cmd");
  const bool v5 = version == ProtocolVersion::V5;
  if (cmd == "connect") {
    codec::Connect p;
    const std::uint32_t level = number_of(obj, "protocolVersion", 4);
    if (level != 4 && level != 5) throw BuildError{"protocolVersion not 4 or 5"};
    p.version = static_cast<ProtocolVersion>(level);
    const bool connect_v5 = p.version == ProtocolVersion::V5;
    if (connect_v5) p.properties = build_properties(obj, arena);
    p.client_id = arena.text(obj.contains("clientId") ? text_of(obj.at("clientId"), "clientId") : "");
    p.keep_alive_s = static_cast<std::uint16_t>(number_of(obj, "keepalive"));
    p.clean_session = flag_of(obj, "clean", true);
    if (obj.contains("will") && !obj.at("will").is_null()) {
      const json& will = obj.at("will");
      codec::Will w;
      w.topic = arena.text(text_of(will.at("topic"), "will.topic"));
      w.payload = arena.bytes(will.contains("payload") ? bytes_of(will.at("payload"), "will.payload")
                                                      : std::vector<std::uint8_t>{});
      w.qos = qos_of(will);
      w.retain = flag_of(will, "retain");
      if (connect_v5) w.properties = build_properties(will, arena);
      p.will = w;
    }
    if (obj.contains("username") && !obj.at("username").is_null()) {
      p.username = arena.text(text_of(obj.at("username"), "username"));
    }
    if (obj.contains("password") && !obj.at("password").is_null()) {
      p.password = arena.bytes(bytes_of(obj.at("password"), "password"));
    }
    return p;
  }
  if (cmd == "connack") {
    codec::Connack p;
    p.session_present = flag_of(obj, "sessionPresent");
    p.return_code =
        static_cast<codec::ConnectReturnCode>(number_of(obj, v5 ? "reasonCode" : "returnCode"));
    if (v5) p.properties = build_properties(obj, arena);
    return p;
  }
  if (cmd == "publish") {
    codec::Publish p;
    p.topic = arena.text(text_of(obj.at("topic"), "topic"));
    p.payload = arena.bytes(obj.contains("payload") ? bytes_of(obj.at("payload"), "payload")
                                                   : std::vector<std::uint8_t>{});
    p.qos = qos_of(obj);
    p.retain = flag_of(obj, "retain");
    p.dup = flag_of(obj, "dup");
    if (p.qos != codec::QoS::AtMostOnce) p.packet_id = id_of(obj);
    if (v5) p.properties = build_properties(obj, arena);
    return p;
  }
  const std::map<std::string, codec::PacketType, std::less<>> acks = {
      {"puback", codec::PacketType::Puback},
      {"pubrec", codec::PacketType::Pubrec},
      {"pubrel", codec::PacketType::Pubrel},
      {"pubcomp", codec::PacketType::Pubcomp},
      {"unsuback", codec::PacketType::Unsuback},
  };
  if (auto ack = acks.find(cmd); ack != acks.end()) {
    codec::Ack p{ack->second, id_of(obj)};
    if (v5) {
      p.properties = build_properties(obj, arena);
      if (ack->second == codec::PacketType::Unsuback) {
        std::vector<std::uint8_t> codes;
        for (const json& c : obj.at("granted")) codes.push_back(c.get<std::uint8_t>());
        p.reason_codes = arena.bytes(std::move(codes));
      } else {
        p.reason_code = static_cast<std::uint8_t>(number_of(obj, "reasonCode"));
      }
    }
    return p;
  }
  if (cmd == "subscribe" || cmd == "unsubscribe") {
    const bool sub = cmd == "subscribe";
    auto& list = arena.subscriptions();
    for (const json& s : obj.at(sub ? "subscriptions" : "unsubscriptions")) {
      codec::Subscription entry;
      if (sub) {
        entry.filter = arena.text(text_of(s.at("topic"), "subscriptions.topic"));
        entry.qos = qos_of(s);
        if (v5) {
          entry.no_local = flag_of(s, "nl");
          entry.retain_as_published = flag_of(s, "rap");
          entry.retain_handling = static_cast<codec::RetainHandling>(number_of(s, "rh"));
        }
      } else {
        entry.filter = arena.text(text_of(s, "unsubscriptions"));
      }
      list.push_back(entry);
    }
    const codec::Properties props = v5 ? build_properties(obj, arena) : codec::Properties{};
    if (sub) return codec::Subscribe{id_of(obj), codec::FilterList{list}, props};
    return codec::Unsubscribe{id_of(obj), codec::FilterList{list}, props};
  }
  if (cmd == "suback") {
    codec::Suback p;
    p.packet_id = id_of(obj);
    std::vector<std::uint8_t> codes;
    for (const json& c : obj.at("granted")) codes.push_back(c.get<std::uint8_t>());
    p.return_codes = arena.bytes(std::move(codes));
    if (v5) p.properties = build_properties(obj, arena);
    return p;
  }
  if (cmd == "pingreq") return codec::Pingreq{};
  if (cmd == "pingresp") return codec::Pingresp{};
  if (cmd == "disconnect") {
    codec::Disconnect p;
    if (v5) {
      p.reason_code = static_cast<std::uint8_t>(number_of(obj, "reasonCode"));
      p.properties = build_properties(obj, arena);
    }
    return p;
  }
  if (cmd == "auth") {
    codec::Auth p;
    p.reason_code = static_cast<std::uint8_t>(number_of(obj, "reasonCode"));
    p.properties = build_properties(obj, arena);
    return p;
  }
  throw BuildError{"unknown cmd " + cmd};
}

// ---------------------------------------------------------------------------------------------
// Comparing a decoded packet with the one built from the object, field by field.

std::string show(std::string_view s) { return shorten(json(std::string(s)).dump()); }
std::string show(Bytes b) {
  return shorten(to_hex(b)) + " (" + std::to_string(b.size()) + " bytes)";
}
std::string show(bool b) { return b ? "true" : "false"; }
template <class T>
std::string show(T v) requires std::is_integral_v<T> || std::is_enum_v<T> {
  return std::to_string(static_cast<unsigned long long>(v));
}
std::string show(const std::optional<std::string_view>& v) { return v ? show(*v) : "(none)"; }
std::string show(const std::optional<Bytes>& v) { return v ? show(*v) : "(none)"; }

bool same(std::string_view a, std::string_view b) { return a == b; }
bool same(Bytes a, Bytes b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }
template <class T>
bool same(const T& a, const T& b) { return a == b; }
bool same(const std::optional<Bytes>& a, const std::optional<Bytes>& b) {
  return a.has_value() == b.has_value() && (!a || same(*a, *b));
}

/// The elements of a codec view (its iterators are minimal: no std::iterator_traits).
template <class T, class View>
std::vector<T> collect(const View& view) {
  std::vector<T> out;
  for (const T item : view) out.push_back(item);
  return out;
}

class Diff {
 public:
  template <class T>
  void field(const std::string& name, const T& want, const T& got) {
    if (!same(want, got)) lines_.push_back(name + ": expected " + show(want) + ", decoded " + show(got));
  }
  void note(std::string line) { lines_.push_back(std::move(line)); }
  const std::vector<std::string>& lines() const { return lines_; }

  void properties(const std::string& name, const codec::Properties& want,
                  const codec::Properties& got) {
    const auto a = collect<codec::Property>(want);
    const auto b = collect<codec::Property>(got);
    if (a.size() != b.size()) {
      note(name + ": expected " + std::to_string(a.size()) + " properties, decoded " +
           std::to_string(b.size()));
    }
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
      const std::string at = name + "[" + std::to_string(i) + "]";
      if (a[i].id != b[i].id) {
        note(at + ": expected " + std::string(codec::name_of(a[i].id)) + ", decoded " +
             std::string(codec::name_of(b[i].id)));
        continue;
      }
      const std::string n = at + "." + std::string(codec::name_of(a[i].id));
      switch (codec::kind_of(a[i].id)) {
        case PropertyKind::String: field(n, a[i].text, b[i].text); break;
        case PropertyKind::Binary: field(n, a[i].binary, b[i].binary); break;
        case PropertyKind::StringPair:
          field(n + ".name", a[i].text, b[i].text);
          field(n + ".value", a[i].value, b[i].value);
          break;
        default: field(n, a[i].number, b[i].number);
      }
    }
  }

  void filters(const codec::FilterList& want, const codec::FilterList& got, bool options) {
    const auto a = collect<codec::Subscription>(want);
    const auto b = collect<codec::Subscription>(got);
    if (a.size() != b.size()) {
      note("filters: expected " + std::to_string(a.size()) + ", decoded " + std::to_string(b.size()));
    }
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
      const std::string at = "filters[" + std::to_string(i) + "]";
      field(at + ".filter", a[i].filter, b[i].filter);
      if (!options) continue;
      field(at + ".qos", a[i].qos, b[i].qos);
      field(at + ".no_local", a[i].no_local, b[i].no_local);
      field(at + ".retain_as_published", a[i].retain_as_published, b[i].retain_as_published);
      field(at + ".retain_handling", a[i].retain_handling, b[i].retain_handling);
    }
  }

 private:
  std::vector<std::string> lines_;
};

void compare_fields(const codec::Connect& a, const codec::Connect& b, Diff& d) {
  d.field("version", a.version, b.version);
  d.field("client_id", a.client_id, b.client_id);
  d.field("keep_alive_s", a.keep_alive_s, b.keep_alive_s);
  d.field("clean_session", a.clean_session, b.clean_session);
  d.field("username", a.username, b.username);
  d.field("password", a.password, b.password);
  d.properties("properties", a.properties, b.properties);
  d.field("will", a.will.has_value(), b.will.has_value());
  if (a.will && b.will) {
    d.field("will.topic", a.will->topic, b.will->topic);
    d.field("will.payload", a.will->payload, b.will->payload);
    d.field("will.qos", a.will->qos, b.will->qos);
    d.field("will.retain", a.will->retain, b.will->retain);
    d.properties("will.properties", a.will->properties, b.will->properties);
  }
}

void compare_fields(const codec::Connack& a, const codec::Connack& b, Diff& d) {
  d.field("session_present", a.session_present, b.session_present);
  d.field("return_code", a.return_code, b.return_code);
  d.properties("properties", a.properties, b.properties);
}

void compare_fields(const codec::Publish& a, const codec::Publish& b, Diff& d) {
  d.field("topic", a.topic, b.topic);
  d.field("payload", a.payload, b.payload);
  d.field("qos", a.qos, b.qos);
  d.field("retain", a.retain, b.retain);
  d.field("dup", a.dup, b.dup);
  d.field("packet_id", a.packet_id, b.packet_id);
  d.properties("properties", a.properties, b.properties);
}

void compare_fields(const codec::Ack& a, const codec::Ack& b, Diff& d) {
  d.field("type", a.type, b.type);
  d.field("packet_id", a.packet_id, b.packet_id);
  d.field("reason_code", a.reason_code, b.reason_code);
  d.field("reason_codes", a.reason_codes, b.reason_codes);
  d.properties("properties", a.properties, b.properties);
}

void compare_fields(const codec::Subscribe& a, const codec::Subscribe& b, Diff& d) {
  d.field("packet_id", a.packet_id, b.packet_id);
  d.filters(a.filters, b.filters, true);
  d.properties("properties", a.properties, b.properties);
}

void compare_fields(const codec::Suback& a, const codec::Suback& b, Diff& d) {
  d.field("packet_id", a.packet_id, b.packet_id);
  d.field("return_codes", a.return_codes, b.return_codes);
  d.properties("properties", a.properties, b.properties);
}

void compare_fields(const codec::Unsubscribe& a, const codec::Unsubscribe& b, Diff& d) {
  d.field("packet_id", a.packet_id, b.packet_id);
  d.filters(a.filters, b.filters, false);
  d.properties("properties", a.properties, b.properties);
}

void compare_fields(const codec::Pingreq&, const codec::Pingreq&, Diff&) {}
void compare_fields(const codec::Pingresp&, const codec::Pingresp&, Diff&) {}

void compare_fields(const codec::Disconnect& a, const codec::Disconnect& b, Diff& d) {
  d.field("reason_code", a.reason_code, b.reason_code);
  d.properties("properties", a.properties, b.properties);
}

void compare_fields(const codec::Auth& a, const codec::Auth& b, Diff& d) {
  d.field("reason_code", a.reason_code, b.reason_code);
  d.properties("properties", a.properties, b.properties);
}

void compare(const codec::Packet& want, const codec::Packet& got, Diff& d) {
  if (want.index() != got.index()) {
    d.note("type: expected " + std::string(codec::name_of(codec::type_of(want))) + ", decoded " +
           std::string(codec::name_of(codec::type_of(got))));
    return;
  }
  std::visit(
      [&](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        compare_fields(a, *std::get_if<T>(&got), d);
      },
      want);
}

// ---------------------------------------------------------------------------------------------
// The one accepted difference in bytes (see the top of this file).

/// mqtt-packet's bytes with an empty trailing Property Length (and a Success reason code
/// before it) removed, for the 5.0 packets whose spec allows that; nullopt otherwise.
std::optional<std::vector<std::uint8_t>> shorter_form(Bytes theirs, ProtocolVersion version) {
  if (version != ProtocolVersion::V5 || theirs.empty()) return std::nullopt;
  const unsigned type = theirs[0] >> 4;
  std::size_t prefix = 0;  // bytes before the reason code
  switch (static_cast<codec::PacketType>(type)) {
    case codec::PacketType::Puback:
    case codec::PacketType::Pubrec:
    case codec::PacketType::Pubrel:
    case codec::PacketType::Pubcomp: prefix = 2; break;  // packet identifier
    case codec::PacketType::Disconnect:
    case codec::PacketType::Auth: prefix = 0; break;
    default: return std::nullopt;
  }
  const auto header = codec::decode_fixed_header(theirs, {.version = version});
  if (!header || header->packet_size() != theirs.size()) return std::nullopt;
  const Bytes body = theirs.subspan(header->header_size);
  if (body.size() != prefix + 2 || body[prefix + 1] != 0x00) return std::nullopt;
  std::vector<std::uint8_t> out(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(prefix));
  if (body[prefix] != codec::reason::kSuccess) out.push_back(body[prefix]);
  out.insert(out.begin(), static_cast<std::uint8_t>(out.size()));  // remaining length < 128
  out.insert(out.begin(), theirs[0]);
  return out;
}

// ---------------------------------------------------------------------------------------------

struct Stats {
  std::size_t packets = 0;
  std::size_t failures = 0;
  std::size_t exact = 0;
  std::map<std::string, std::size_t> per_type;
  std::map<std::string, std::size_t> shorter;  // per type
};

std::string hex_window(const std::string& hex, std::size_t byte_offset) {
  if (hex.size() <= 240) return hex;
  const std::size_t at = byte_offset * 2;
  const std::size_t from = at > 64 ? at - 64 : 0;
  std::string s = from > 0 ? "..." : "";
  s += hex.substr(from, 160);
  if (from + 160 < hex.size()) s += "...";
  return s + " (" + std::to_string(hex.size() / 2) + " bytes, shown from byte " +
         std::to_string(from / 2) + ")";
}

void report(std::size_t line_no, const json& line, const std::string& what,
            const std::vector<std::uint8_t>* theirs, const std::vector<std::uint8_t>* ours,
            const std::vector<std::string>& details) {
  std::ostringstream out;
  out << "DIFFERENCE at packet " << line.value("i", line_no) << " (version "
      << line.value("version", 0) << "): " << what << "\n";
  out << "  packet: " << shorten(line.at("packet").dump(), 2000) << "\n";
  std::size_t offset = 0;
  if (theirs != nullptr && ours != nullptr) {
    while (offset < theirs->size() && offset < ours->size() && (*theirs)[offset] == (*ours)[offset]) {
      ++offset;
    }
  }
  if (theirs != nullptr) out << "  mqtt-packet: " << hex_window(to_hex(*theirs), offset) << "\n";
  if (ours != nullptr) out << "  ours:        " << hex_window(to_hex(*ours), offset) << "\n";
  if (theirs != nullptr && ours != nullptr) out << "  first differing byte: offset " << offset << "\n";
  for (const auto& d : details) out << "  " << d << "\n";
  std::cout << out.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: codec_differential PACKETS.jsonl OURS.hex [MAX_FAILURES]\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  std::ofstream ours_out(argv[2]);
  const std::size_t max_failures = argc > 3 ? std::stoul(argv[3]) : 20;
  if (!in || !ours_out) {
    std::cerr << "codec_differential: cannot open " << argv[1] << " or " << argv[2] << "\n";
    return 2;
  }

  Stats stats;
  int version_seen = 0;
  std::string text;
  std::size_t line_no = 0;
  while (std::getline(in, text)) {
    if (text.empty()) continue;
    ++line_no;
    ++stats.packets;
    bool failed = false;
    auto fail = [&](const json& line, const std::string& what, const std::vector<std::uint8_t>* theirs,
                    const std::vector<std::uint8_t>* ours, const std::vector<std::string>& details) {
      if (!failed) ++stats.failures;
      failed = true;
      if (stats.failures <= max_failures) report(line_no, line, what, theirs, ours, details);
    };

    json line;
    try {
      line = json::parse(text);
    } catch (const json::exception& e) {
      fail(json{{"packet", text.substr(0, 200)}}, std::string("bad JSON line: ") + e.what(), nullptr, nullptr, {});
      ours_out << "\n";
      continue;
    }
    version_seen = line.value("version", 4);
    const ProtocolVersion version = version_seen == 5 ? ProtocolVersion::V5 : ProtocolVersion::V311;
    const json& obj = line.at("packet");
    stats.per_type[obj.value("cmd", "?")]++;
    const auto theirs = from_hex(line.value("hex", ""));
    if (!theirs) {
      fail(line, "bad hex from generate.js", nullptr, nullptr, {});
      ours_out << "\n";
      continue;
    }

    Arena arena;
    std::optional<codec::Packet> packet;
    try {
      packet = build_packet(obj, version, arena);
    } catch (const BuildError& e) {
      fail(line, "cannot build our packet from the object: " + e.message, &*theirs, nullptr, {});
    } catch (const json::exception& e) {
      fail(line, std::string("cannot build our packet from the object: ") + e.what(), &*theirs, nullptr, {});
    }

    // 1. Our encoding against theirs.
    std::vector<std::uint8_t> ours;
    if (packet) {
      const std::size_t size = codec::encoded_size(*packet, version);
      ours.resize(size);
      const auto written = codec::encode(*packet, ours, version);
      if (!written) {
        ours.clear();
        fail(line, "our encoder refused the packet: " + std::string(codec::describe(written.error())),
             &*theirs, nullptr, {});
      } else if (*written != size) {
        fail(line, "encode() wrote " + std::to_string(*written) + " bytes, encoded_size() said " +
                       std::to_string(size), &*theirs, &ours, {});
      } else if (ours != *theirs) {
        const auto shorter = shorter_form(*theirs, version);
        if (shorter && *shorter == ours) {
          stats.shorter[obj.value("cmd", "?")]++;
        } else {
          fail(line, "our bytes differ from mqtt-packet's", &*theirs, &ours, {});
        }
      } else {
        ++stats.exact;
      }
    }
    ours_out << to_hex(ours) << "\n";

    // 2. Their bytes, then ours, through our decoder: every field against the object.
    if (packet) {
      const codec::DecodeLimits limits{.version = version};
      const std::pair<const char*, const std::vector<std::uint8_t>*> inputs[] = {
          {"mqtt-packet's bytes", &*theirs}, {"our bytes", &ours}};
      for (const auto& [whose, bytes] : inputs) {
        if (bytes->empty()) continue;
        const auto decoded = codec::decode(*bytes, limits);
        if (!decoded) {
          fail(line, std::string("our decoder refused ") + whose + ": " +
                         std::string(codec::describe(decoded.error())), &*theirs, &ours, {});
          continue;
        }
        Diff diff;
        if (decoded->size != bytes->size()) {
          diff.note("decoded " + std::to_string(decoded->size) + " of " +
                    std::to_string(bytes->size()) + " bytes");
        }
        compare(*packet, decoded->packet, diff);
        if (!diff.lines().empty()) {
          fail(line, std::string("decoding ") + whose + " gives other fields than the object",
               &*theirs, &ours, diff.lines());
        }
      }
    }
  }

  const char* label = version_seen == 5 ? "5.0" : "3.1.1";
  std::size_t shorter_total = 0;
  std::string shorter_list;
  for (const auto& [type, n] : stats.shorter) {
    shorter_total += n;
    shorter_list += (shorter_list.empty() ? "" : ", ") + type + " " + std::to_string(n);
  }
  std::string types;
  for (const auto& [type, n] : stats.per_type) {
    types += (types.empty() ? "" : ", ") + type + " " + std::to_string(n);
  }
  std::cout << "codec_differential " << label << ": " << stats.packets << " packets (" << types
            << ")\n";
  std::cout << "codec_differential " << label << ": " << stats.exact << " byte-identical, "
            << shorter_total << " in the spec-allowed shorter form"
            << (shorter_list.empty() ? "" : " (" + shorter_list + ")") << ", " << stats.failures
            << " differences\n";
  if (stats.failures > max_failures) {
    std::cout << "codec_differential: " << stats.failures - max_failures
              << " more differences not printed\n";
  }
  return stats.failures == 0 ? 0 : 1;
}
