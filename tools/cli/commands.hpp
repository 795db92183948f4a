// The subcommands of mqtt-setup. Each adds itself and its options to the application before
// parsing, and hands back what runs it afterwards.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace mqtt_setup::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;  // returns the exit code; may throw UsageError
};

Command add_id_command(CLI::App& app);
Command add_send_command(CLI::App& app);
Command add_pipe_command(CLI::App& app);
Command add_listen_command(CLI::App& app);
Command add_agent_command(CLI::App& app);
Command add_fleet_command(CLI::App& app);
Command add_fleet_report_command(CLI::App& app);

}  // namespace mqtt_setup::cli
