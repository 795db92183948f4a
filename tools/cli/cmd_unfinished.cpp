// agent and fleet are part of the contract but not of this build yet. They exist as commands so
// that `--help` shows the whole tool and running them says plainly that they are missing,
// instead of "unknown command".
#include "commands.hpp"
#include "diagnostics.hpp"

namespace mqtt_setup::cli {

Command add_unfinished_command(CLI::App& app, const std::string& name,
                               const std::string& description) {
  CLI::App* command = app.add_subcommand(name, description + " (not implemented yet)");
  command->allow_extras();  // whatever options are given, the answer is the same
  return {command, [name] {
            return fail(ExitCode::Usage,
                        name + " is not implemented yet in this version of mqtt-setup");
          }};
}

}  // namespace mqtt_setup::cli
