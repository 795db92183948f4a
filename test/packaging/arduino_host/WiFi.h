// Host stand-in for the Arduino-ESP32 WiFi library: only what examples/arduino calls.
#pragma once

#include <Arduino.h>

enum wifi_mode_t { WIFI_MODE_NULL, WIFI_MODE_STA };
#define WIFI_STA WIFI_MODE_STA

enum wl_status_t { WL_IDLE_STATUS = 0, WL_CONNECTED = 3, WL_DISCONNECTED = 6 };

class WiFiClass {
 public:
  bool mode(wifi_mode_t mode);
  wl_status_t begin(const char* ssid, const char* passphrase);
  wl_status_t status();
};
extern WiFiClass WiFi;
