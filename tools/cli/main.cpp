// mqtt-setup: drive the library from a shell (spec/cli.md). This file only dispatches: parse,
// pick the command, turn every way of failing into one error line and the promised exit code.
#include <CLI/CLI.hpp>
#include <csignal>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "diagnostics.hpp"
#include "mqtt_setup/version.hpp"

namespace mqtt_setup::cli {
namespace {

constexpr const char* kExitCodes =
    "Exit codes: 0 success, 1 broker unreachable, 2 usage error, 3 connection refused,\n"
    "4 TLS failure, 5 not delivered within --timeout, 6 protocol violation by the broker.";

std::vector<Command> add_commands(CLI::App& app) {
  return {
      add_id_command(app),
      add_send_command(app),
      add_pipe_command(app),
      add_listen_command(app),
      add_agent_command(app),
      add_fleet_command(app),
  };
}

bool is_command(const std::vector<Command>& commands, std::string_view name) {
  for (const Command& command : commands)
    if (command.app->get_name() == name) return true;
  return false;
}

// Which command's --help to point to in an error line.
std::string help_hint(const std::vector<Command>& commands) {
  for (const Command& command : commands)
    if (command.app->parsed()) return " (see mqtt-setup " + command.app->get_name() + " --help)";
  return " (see mqtt-setup --help)";
}

int run(int argc, char** argv) {
  CLI::App app{"mqtt-setup: MQTT from the shell, with the mqtt_setup client library", "mqtt-setup"};
  app.set_version_flag("--version", std::string("mqtt-setup ") + kVersion,
                       "print the version and exit");
  app.require_subcommand(1);
  app.footer(kExitCodes);
  std::vector<Command> commands = add_commands(app);

  if (argc < 2) return fail(ExitCode::Usage, "a command is required (see mqtt-setup --help)");
  if (const std::string_view first = argv[1];
      !first.starts_with('-') && !is_command(commands, first))
    return fail(ExitCode::Usage, "unknown command \"" + std::string(first) +
                                     "\" (commands: id, send, pipe, listen, agent, fleet)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version: on stdout
    return fail(ExitCode::Usage, e.what() + help_hint(commands));
  }

  for (const Command& command : commands) {
    if (!command.app->parsed()) continue;
    try {
      return command.run();
    } catch (const UsageError& e) {
      return fail(ExitCode::Usage, e.what());
    }
  }
  return fail(ExitCode::Usage, "a command is required (see mqtt-setup --help)");
}

}  // namespace
}  // namespace mqtt_setup::cli

int main(int argc, char** argv) {
  // A reader that went away (`listen | head`) or a broker that closed the socket must show up as
  // a failed write we handle, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    return mqtt_setup::cli::run(argc, argv);
  } catch (const std::exception& e) {
    return mqtt_setup::cli::fail(mqtt_setup::cli::ExitCode::Unreachable,
                                 std::string("unexpected failure: ") + e.what());
  }
}
