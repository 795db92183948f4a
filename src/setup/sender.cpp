// The seed converts every value with str(); we use the shortest form that reads back exactly.
#include <charconv>

#include "mqtt_setup/mqtt_setup.hpp"

namespace mqtt_setup {

namespace {

template <class T>
std::string_view to_text(T value, char (&buf)[32]) {
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc{}) return {};
  return {buf, static_cast<std::size_t>(end - buf)};
}

}  // namespace

std::string_view Sender::format_value(bool value, char (&)[32]) {
  return value ? "true" : "false";
}
std::string_view Sender::format_value(double value, char (&buf)[32]) { return to_text(value, buf); }
std::string_view Sender::format_value(float value, char (&buf)[32]) { return to_text(value, buf); }
std::string_view Sender::format_value(long long value, char (&buf)[32]) {
  return to_text(value, buf);
}
std::string_view Sender::format_value(unsigned long long value, char (&buf)[32]) {
  return to_text(value, buf);
}

}  // namespace mqtt_setup
