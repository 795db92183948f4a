// Compiled, never linked: tools/size-report.py reads the sizes of these arrays from the object
// (nm -S), which is how a cross build learns sizeof() without running target code.
#include "mqtt_setup/session.hpp"

extern "C" {
[[gnu::used]] char mqtt_setup_sizeof_Session[sizeof(mqtt_setup::Session)];
[[gnu::used]] char mqtt_setup_sizeof_SessionConfig[sizeof(mqtt_setup::SessionConfig)];
[[gnu::used]] char mqtt_setup_sizeof_Event[sizeof(mqtt_setup::Event)];
}
