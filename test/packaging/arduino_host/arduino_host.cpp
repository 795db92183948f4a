// Definitions behind Arduino.h and WiFi.h, and the core's main(): setup() once, then loop().
// The program is only linked, never run: linking is what proves that every object the
// Arduino IDE would compile from src/ fits together without duplicates or gaps.
#include <Arduino.h>
#include <WiFi.h>

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <thread>

HardwareSerial Serial;
EspClass ESP;
WiFiClass WiFi;

unsigned long millis() {
  using namespace std::chrono;
  return static_cast<unsigned long>(
      duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}
void delay(std::uint32_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }
long random(long howbig) { return howbig > 0 ? std::rand() % howbig : 0; }
long random(long howsmall, long howbig) { return howsmall + random(howbig - howsmall); }

void HardwareSerial::begin(unsigned long) {}
std::size_t HardwareSerial::printf(const char* format, ...) {
  std::va_list arguments;
  va_start(arguments, format);
  const int written = std::vprintf(format, arguments);
  va_end(arguments);
  return written > 0 ? static_cast<std::size_t>(written) : 0;
}
void EspClass::restart() { std::exit(0); }

bool WiFiClass::mode(wifi_mode_t) { return true; }
wl_status_t WiFiClass::begin(const char*, const char*) { return WL_CONNECTED; }
wl_status_t WiFiClass::status() { return WL_CONNECTED; }

void setup();
void loop();

int main() {
  setup();
  for (;;) loop();
}
