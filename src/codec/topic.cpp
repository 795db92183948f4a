// Topic names, topic filters and matching one against the other, [MQTT-4.7].
#include "codec/wire.hpp"

namespace mqtt_setup::codec {
namespace {

/// [from, to) of s; unlike substr() it cannot throw (the callers keep from <= to <= size).
std::string_view slice(std::string_view s, std::size_t from, std::size_t to) {
  return {s.data() + from, to - from};
}

}  // namespace

namespace detail {

TextCheck check_topic_name(std::string_view topic) {
  if (topic.empty()) return TextCheck::InvalidTopic;  // [MQTT-4.7.3-1]
  return scan_utf8(topic, /*wildcards_are_invalid=*/true);  // [MQTT-3.3.2-2]
}

TextCheck check_topic_filter(std::string_view filter) {
  if (filter.empty()) return TextCheck::InvalidTopic;  // [MQTT-4.7.3-1]
  const TextCheck text = check_utf8(filter);
  if (text != TextCheck::Ok) return text;
  for (std::size_t i = 0; i < filter.size(); ++i) {
    const char c = filter[i];
    if (c != '+' && c != '#') continue;
    const bool starts_level = i == 0 || filter[i - 1] == '/';
    const bool ends_level = i + 1 == filter.size() || filter[i + 1] == '/';
    if (!starts_level || !ends_level) return TextCheck::InvalidTopic;  // [MQTT-4.7.1-2/3]
    if (c == '#' && i + 1 != filter.size()) return TextCheck::InvalidTopic;  // [MQTT-4.7.1-2]
  }
  return TextCheck::Ok;
}

}  // namespace detail

bool is_valid_topic_name(std::string_view topic) {
  return detail::check_topic_name(topic) == detail::TextCheck::Ok;
}

bool is_valid_topic_filter(std::string_view filter) {
  return detail::check_topic_filter(filter) == detail::TextCheck::Ok;
}

bool topic_matches(std::string_view filter, std::string_view topic) {
  // [MQTT-4.7.2-1]: "#" and "+/..." must not see "$SYS/..." and other server topics.
  if (!topic.empty() && topic.front() == '$' && !filter.empty() &&
      (filter.front() == '#' || filter.front() == '+')) {
    return false;
  }
  std::size_t f = 0;  // start of the current filter level
  std::size_t t = 0;  // start of the current topic level
  bool topic_done = false;
  for (;;) {
    std::size_t f_end = filter.find('/', f);
    if (f_end == std::string_view::npos) f_end = filter.size();
    const std::string_view f_level = slice(filter, f, f_end);
    // [MQTT-4.7.1-2]: '#' matches this level and everything below it, and also the parent
    // itself ("a/#" matches "a"), which is the case where the topic has already run out.
    if (f_level == "#") return true;
    if (topic_done) return false;
    std::size_t t_end = topic.find('/', t);
    if (t_end == std::string_view::npos) t_end = topic.size();
    // [MQTT-4.7.1-3]: '+' matches exactly one level, an empty one included.
    if (f_level != "+" && f_level != slice(topic, t, t_end)) return false;
    const bool topic_last = t_end == topic.size();
    if (f_end == filter.size()) return topic_last;
    f = f_end + 1;
    if (topic_last) {
      topic_done = true;
    } else {
      t = t_end + 1;
    }
  }
}

}  // namespace mqtt_setup::codec
