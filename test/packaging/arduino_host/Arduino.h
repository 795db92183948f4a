// Host stand-ins for the few Arduino-ESP32 core names that examples/arduino uses, so the
// simulated Arduino build (arduino_layout_test.sh) compiles and links the real sketch on Linux.
// Signatures as in the core's cores/esp32/{esp32-hal-misc.c,WMath.cpp,Print.h,Esp.h}.
#pragma once

#include <cstddef>
#include <cstdint>

unsigned long millis();
void delay(std::uint32_t ms);
long random(long howbig);
long random(long howsmall, long howbig);

class HardwareSerial {
 public:
  void begin(unsigned long baud);
  std::size_t printf(const char* format, ...) __attribute__((format(printf, 2, 3)));
};
extern HardwareSerial Serial;

class EspClass {
 public:
  void restart();
};
extern EspClass ESP;
