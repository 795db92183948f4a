#include "setup/packet_log.hpp"

#include "setup/client.hpp"

namespace mqtt_setup {

namespace {

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }
std::string number(unsigned value) { return std::to_string(value); }

}  // namespace

std::string describe_packet(const codec::Packet& packet) {
  std::string line(codec::name_of(codec::type_of(packet)));
  if (const auto* c = std::get_if<codec::Connect>(&packet)) {
    line += " client_id=" + quoted(c->client_id) + " keepalive=" + number(c->keep_alive_s) +
            " clean=" + number(c->clean_session);
    if (c->username) line += " username=" + quoted(*c->username);
    if (c->password) line += " password=<hidden>";
    if (c->will) line += " will=" + quoted(c->will->topic);
  } else if (const auto* a = std::get_if<codec::Connack>(&packet)) {
    line += " session_present=" + number(a->session_present) +
            " return_code=" + number(static_cast<unsigned>(a->return_code));
  } else if (const auto* p = std::get_if<codec::Publish>(&packet)) {
    if (p->qos != codec::QoS::AtMostOnce) line += " id=" + number(p->packet_id);
    line += " qos=" + number(static_cast<unsigned>(p->qos)) + " retain=" + number(p->retain) +
            " dup=" + number(p->dup) + " topic=" + quoted(p->topic) +
            " payload=" + number(static_cast<unsigned>(p->payload.size())) + " bytes";
  } else if (const auto* k = std::get_if<codec::Ack>(&packet)) {
    line += " id=" + number(k->packet_id);
  } else if (const auto* s = std::get_if<codec::Subscribe>(&packet)) {
    line += " id=" + number(s->packet_id);
    for (auto sub : s->filters) {
      line += " " + quoted(sub.filter) + "@qos" + number(static_cast<unsigned>(sub.qos));
    }
  } else if (const auto* b = std::get_if<codec::Suback>(&packet)) {
    line += " id=" + number(b->packet_id) + " codes=";
    for (auto code : b->return_codes) line += number(code) + ",";
    if (!b->return_codes.empty()) line.pop_back();
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
