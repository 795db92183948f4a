#include "topic_checks.hpp"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "diagnostics.hpp"
#include "utf8.hpp"

namespace mqtt_setup::cli {
namespace {

// A UTF-8 string in MQTT has a 16-bit length [MQTT-1.5.3].
constexpr std::size_t kMaxTopicBytes = 65'535;

std::string quoted(std::string_view text) {
  // A topic may be 64 KiB long or hold control characters: show a short, printable start.
  constexpr std::size_t kShown = 60;
  std::string shown;
  for (const char c : text.substr(0, kShown)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
      shown += escaped;
    } else {
      shown += c;
    }
  }
  return "\"" + shown + (text.size() > kShown ? "...\"" : "\"");
}

std::string code_point_text(std::uint32_t code_point) {
  char text[16];
  std::snprintf(text, sizeof text, "U+%04X", static_cast<unsigned>(code_point));
  return text;
}

bool is_control(std::uint32_t c) { return (c >= 0x01 && c <= 0x1F) || (c >= 0x7F && c <= 0x9F); }

bool is_non_character(std::uint32_t c) {
  return (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

// What makes `text` unfit as an MQTT string a broker accepts, or nullopt. [MQTT-1.5.3-1/2]:
// ill-formed UTF-8 and U+0000 must close the connection; 3.1.1 §1.5.3 / 5.0 §1.5.4 let a broker
// close it on control characters and non-characters too, so none of them is sent.
std::optional<std::string> text_problem(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t at = i;
    const std::optional<std::uint32_t> c = decode_utf8(text, i);
    if (!c) return "is not valid UTF-8 (byte " + std::to_string(at + 1) + ")";
    if (*c == 0) return "contains a NUL character (byte " + std::to_string(at + 1) + ")";
    if (is_control(*c))
      return "contains the control character " + code_point_text(*c) + " (byte " +
             std::to_string(at + 1) + "); MQTT brokers may close the connection on it";
    if (is_non_character(*c))
      return "contains the Unicode non-character " + code_point_text(*c) + " (byte " +
             std::to_string(at + 1) + "); MQTT brokers may close the connection on it";
  }
  return std::nullopt;
}

void check_common(std::string_view text, std::string_view what, std::size_t max_bytes) {
  if (text.empty()) throw UsageError(std::string(what) + " must not be empty");
  if (text.size() > max_bytes)
    throw UsageError(std::string(what) + " is too long: " + std::to_string(text.size()) +
                     " bytes, at most " + std::to_string(max_bytes) + " fit in an MQTT topic");
  if (auto problem = text_problem(text))
    throw UsageError(std::string(what) + " " + quoted(text) + " " + *problem);
}

}  // namespace

void check_topic_suffix(std::string_view suffix, std::string_view what, std::size_t prefix_bytes) {
  check_common(suffix, what,
               prefix_bytes < kMaxTopicBytes ? kMaxTopicBytes - prefix_bytes : 0);
  if (suffix.find_first_of("+#") != std::string_view::npos)
    throw UsageError(std::string(what) + " " + quoted(suffix) +
                     " must not contain the wildcards + or # (they are for subscriptions)");
}

void check_topic_filter(std::string_view filter) {
  check_common(filter, "FILTER", kMaxTopicBytes);
  std::size_t level_start = 0;
  for (;;) {
    const std::size_t level_end = filter.find('/', level_start);
    const std::string_view level =
        filter.substr(level_start, level_end == std::string_view::npos ? std::string_view::npos
                                                                       : level_end - level_start);
    const bool last = level_end == std::string_view::npos;
    if (level.find_first_of("+#") != std::string_view::npos && level.size() != 1)
      throw UsageError("FILTER " + quoted(filter) +
                       ": + and # must stand alone between slashes (e.g. devices/+/status/#)");
    if (level == "#" && !last)
      throw UsageError("FILTER " + quoted(filter) + ": # must be the last level");
    if (last) return;
    level_start = level_end + 1;
  }
}

void check_client_id(std::string_view client_id) {
  check_common(client_id, "--client-id", kMaxTopicBytes);
  if (client_id.find_first_of("+#/") != std::string_view::npos)
    throw UsageError(
        "--client-id " + quoted(client_id) +
        " must not contain + # or / (it becomes one level of devices/{client_id}/...)");
}

}  // namespace mqtt_setup::cli
