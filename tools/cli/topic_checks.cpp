#include "topic_checks.hpp"

#include <string>

#include "diagnostics.hpp"

namespace mqtt_setup::cli {
namespace {

// A UTF-8 string in MQTT has a 16-bit length [MQTT-1.5.3].
constexpr std::size_t kMaxTopicBytes = 65'535;

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

void check_common(std::string_view text, std::string_view what) {
  if (text.empty()) throw UsageError(std::string(what) + " must not be empty");
  if (text.size() > kMaxTopicBytes)
    throw UsageError(std::string(what) + " is longer than 65535 bytes");
  if (text.find('\0') != std::string_view::npos)
    throw UsageError(std::string(what) + " must not contain a NUL character");  // [MQTT-1.5.3-2]
}

}  // namespace

void check_topic_suffix(std::string_view suffix, std::string_view what) {
  check_common(suffix, what);
  if (suffix.find_first_of("+#") != std::string_view::npos)
    throw UsageError(std::string(what) + " " + quoted(suffix) +
                     " must not contain the wildcards + or # (they are for subscriptions)");
}

void check_topic_filter(std::string_view filter) {
  check_common(filter, "FILTER");
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
  check_common(client_id, "--client-id");
  if (client_id.find_first_of("+#/") != std::string_view::npos)
    throw UsageError(
        "--client-id " + quoted(client_id) +
        " must not contain + # or / (it becomes one level of devices/{client_id}/...)");
}

}  // namespace mqtt_setup::cli
