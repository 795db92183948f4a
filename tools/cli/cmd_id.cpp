// mqtt-setup id: the client id the other commands use by default, so a script can compute the
// topics a device publishes to (devices/{id}/...).
#include <cstdio>
#include <memory>
#include <string>

#include "commands.hpp"
#include "diagnostics.hpp"
#include "mqtt_setup/platform.hpp"
#include "topic_checks.hpp"

namespace mqtt_setup::cli {

Command add_id_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand("id", "print this machine's client id, one line");
  auto client_id = std::make_shared<std::string>();
  command
      ->add_option("-i,--client-id", *client_id,
                   "print this id instead (checked as the other commands check it)")
      ->type_name("ID");
  return {
      command, [command, client_id] {
        std::string id = platform::default_client_id();
        if (command->get_option("--client-id")->count() > 0) {
          check_client_id(*client_id);
          id = *client_id;
        }
        id += '\n';
        if (std::fwrite(id.data(), 1, id.size(), stdout) != id.size() || std::fflush(stdout) != 0)
          return fail(ExitCode::Unreachable, "cannot write to standard output");
        return to_int(ExitCode::Success);
      }};
}

}  // namespace mqtt_setup::cli
