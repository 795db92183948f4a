// For a test of MQTT 5.0 behaviour outside the v5_*.cpp files (those are left out of a build
// without 5.0: test/CMakeLists.txt): in a 3.1.1-only build it is skipped, saying why.
#pragma once

#include <gtest/gtest.h>

#include "mqtt_setup/properties.hpp"

#define MQTT_SETUP_SKIP_WITHOUT_V5()                                                           \
  if (!mqtt_setup::codec::kBuiltV5)                                                            \
  GTEST_SKIP() << "needs MQTT 5.0, which this build leaves out (MQTT_SETUP_PROTOCOLS=3.1.1)"
