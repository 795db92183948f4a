// --config F: a JSON object whose keys are the long option names ({"server": "...",
// "keepalive": 30}). It fills in only what the command line left out: flags override the file.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace mqtt_setup::cli {

/// Applies the file to the options of `command` (already parsed from the command line), running
/// the same validators as the flags. Keys that are options of another command are skipped, so
/// one file can serve several commands; any other unknown key is a mistake. Throws UsageError.
void apply_config_file(CLI::App& command, const std::string& path);

}  // namespace mqtt_setup::cli
