#include "config_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "diagnostics.hpp"

namespace mqtt_setup::cli {
namespace {

nlohmann::json read_json_object(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw UsageError("cannot read --config " + path + ": " + std::strerror(errno));
  nlohmann::json object;
  try {
    object = nlohmann::json::parse(file);
  } catch (const nlohmann::json::exception& e) {
    // Drop nlohmann's "[json.exception.parse_error.101] " tag: it means nothing to a user.
    std::string what = e.what();
    if (const auto tag_end = what.find("] ");
        what.starts_with("[json.") && tag_end != std::string::npos)
      what.erase(0, tag_end + 2);
    throw UsageError("--config " + path + " is not valid JSON: " + what);
  }
  if (!object.is_object())
    throw UsageError("--config " + path + " must hold a JSON object of option names and values");
  return object;
}

bool is_option_of_another_command(const CLI::App& command, const std::string& long_name) {
  const CLI::App* parent = command.get_parent();
  if (parent == nullptr) return false;
  for (const CLI::App* sibling : parent->get_subcommands([](const CLI::App*) { return true; }))
    if (sibling != &command && sibling->get_option_no_throw(long_name) != nullptr) return true;
  return false;
}

// The text a flag would have been given on the command line.
std::string option_text(const CLI::Option& option, const std::string& key,
                        const nlohmann::json& value, const std::string& path) {
  const bool is_flag = option.get_expected_min() == 0;
  if (is_flag) {
    if (!value.is_boolean())
      throw UsageError("--config " + path + ": \"" + key + "\" must be true or false");
    return value.get<bool>() ? "true" : "false";
  }
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return value.dump();
  throw UsageError("--config " + path + ": \"" + key + "\" must be a string or a number");
}

}  // namespace

void apply_config_file(CLI::App& command, const std::string& path) {
  const nlohmann::json object = read_json_object(path);
  for (const auto& [key, value] : object.items()) {
    if (key == "config" || key == "help")
      throw UsageError("--config " + path + ": \"" + key + "\" cannot be set in a config file");
    const std::string long_name = "--" + key;
    CLI::Option* option = command.get_option_no_throw(long_name);
    if (option == nullptr) {
      if (is_option_of_another_command(command, long_name)) continue;
      throw UsageError("--config " + path + ": unknown option \"" + key + "\" for " +
                       command.get_name() + " (keys are long option names, e.g. \"server\")");
    }
    if (option->count() > 0 || value.is_null()) continue;  // the command line wins
    try {
      option->add_result(option_text(*option, key, value, path));
      option->run_callback();
    } catch (const CLI::Error& e) {
      throw UsageError("--config " + path + ": " + e.what());
    }
  }
}

}  // namespace mqtt_setup::cli
