#include "setup/packet_log.hpp"

#include "setup/client.hpp"

namespace mqtt_setup {

namespace {

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }
std::string number(unsigned value) { return std::to_string(value); }

/// 5.0 properties as " name=value ..." (binary data as its size).
std::string describe_properties(const codec::Properties& properties) {
  std::string text;
  for (const codec::Property p : properties) {
    text += " " + std::string(codec::name_of(p.id)) + "=";
    switch (codec::kind_of(p.id)) {
      case codec::PropertyKind::String: text += quoted(p.text); break;
      case codec::PropertyKind::Binary: text += number(static_cast<unsigned>(p.binary.size())) + "B"; break;
      case codec::PropertyKind::StringPair: text += quoted(p.text) + ":" + quoted(p.value); break;
      default: text += number(p.number);
    }
  }
  return text;
}

std::string describe_reason(std::uint8_t code) {
  return code == 0 ? std::string() : " reason=" + number(code) + " (" +
                                         std::string(codec::describe_reason_code(code)) + ")";
}

}  // namespace

std::string describe_packet(const codec::Packet& packet) {
  std::string line(codec::name_of(codec::type_of(packet)));
  if (const auto* c = std::get_if<codec::Connect>(&packet)) {
    if (c->version == codec::ProtocolVersion::V5) line += " mqtt=5";
    line += " client_id=" + quoted(c->client_id) + " keepalive=" + number(c->keep_alive_s) +
            " clean=" + number(c->clean_session);
    if (c->username) line += " username=" + quoted(*c->username);
    if (c->password) line += " password=<hidden>";
    if (c->will) line += " will=" + quoted(c->will->topic) + describe_properties(c->will->properties);
    line += describe_properties(c->properties);
  } else if (const auto* a = std::get_if<codec::Connack>(&packet)) {
    line += " session_present=" + number(a->session_present) +
            " return_code=" + number(static_cast<unsigned>(a->return_code)) +
            describe_properties(a->properties);
  } else if (const auto* p = std::get_if<codec::Publish>(&packet)) {
    if (p->qos != codec::QoS::AtMostOnce) line += " id=" + number(p->packet_id);
    line += " qos=" + number(static_cast<unsigned>(p->qos)) + " retain=" + number(p->retain) +
            " dup=" + number(p->dup) + " topic=" + quoted(p->topic) +
            " payload=" + number(static_cast<unsigned>(p->payload.size())) + " bytes" +
            describe_properties(codec::Properties{p->extra_properties}) +
            describe_properties(p->properties);
  } else if (const auto* k = std::get_if<codec::Ack>(&packet)) {
    line += " id=" + number(k->packet_id) + describe_reason(k->reason_code) +
            describe_properties(k->properties);
  } else if (const auto* d = std::get_if<codec::Disconnect>(&packet)) {
    line += describe_reason(d->reason_code) + describe_properties(d->properties);
  } else if (const auto* auth = std::get_if<codec::Auth>(&packet)) {
    line += describe_reason(auth->reason_code) + describe_properties(auth->properties);
  } else if (const auto* s = std::get_if<codec::Subscribe>(&packet)) {
    line += " id=" + number(s->packet_id);
    for (auto sub : s->filters) {
      line += " " + quoted(sub.filter) + "@qos" + number(static_cast<unsigned>(sub.qos));
    }
    line += describe_properties(s->properties);
  } else if (const auto* b = std::get_if<codec::Suback>(&packet)) {
    line += " id=" + number(b->packet_id) + " codes=";
    for (auto code : b->return_codes) line += number(code) + ",";
    if (!b->return_codes.empty()) line.pop_back();
    line += describe_properties(b->properties);
  } else if (const auto* u = std::get_if<codec::Unsubscribe>(&packet)) {
    line += " id=" + number(u->packet_id);
    for (auto sub : u->filters) line += " " + quoted(sub.filter);
  }
  return line;
}

void log_packet(void* context, bool outgoing, const codec::Packet& packet) {
  const auto* impl = static_cast<const MQTTSetup::Impl*>(context);
  if (!impl->logs(LogLevel::Debug)) return;
  impl->log(LogLevel::Debug, (outgoing ? "sent " : "received ") + describe_packet(packet));
}

}  // namespace mqtt_setup
