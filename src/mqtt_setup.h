// The sketch's include for the Arduino IDE and PlatformIO: `#include <mqtt_setup.h>`.
//
// It sits directly in src/ because the Arduino IDE finds a library only by the headers at the
// top of its src/ folder (arduino-cli's library resolver reads that one directory); a sketch
// that starts with `#include <mqtt_setup/mqtt_setup.hpp>` is not matched to this library.
// Once this header has been included, the `mqtt_setup/...` headers resolve as well.
#pragma once

#include "mqtt_setup/mqtt_setup.hpp"
