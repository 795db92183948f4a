// UTF-8 as RFC 3629 defines it, for the checks of topics (topic_checks) and for telling a text
// payload from a binary one (json_output).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mqtt_setup::cli {

/// Decodes the sequence at text[i] and moves i past it; nullopt when it is not well-formed:
/// a stray continuation byte, a truncated sequence, an overlong form, a surrogate, > U+10FFFF.
std::optional<std::uint32_t> decode_utf8(std::string_view text, std::size_t& i);

/// Every sequence well-formed (U+0000 included: JSON can carry it escaped).
bool is_valid_utf8(std::string_view text);

}  // namespace mqtt_setup::cli
