// commands/restart: the agent replaces itself with a fresh copy of the same program and the same
// arguments (execv of /proc/self/exe), which picks up a new binary after an upgrade and resets
// every piece of state. The process id stays the same, so a service manager (systemd) sees no
// exit and keeps supervising it.
#pragma once

#include <string>

namespace mqtt_setup::cli {

/// Only returns when execv failed; the text says why.
std::string restart_self();

}  // namespace mqtt_setup::cli
