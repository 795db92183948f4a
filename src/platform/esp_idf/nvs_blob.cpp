#if defined(ESP_PLATFORM)

#include "nvs_blob.hpp"

#include "nvs.h"  // nvs_open, nvs_get_blob, nvs_set_blob, nvs_erase_key, nvs_commit, nvs_close: components/nvs_flash/include/nvs.h

namespace mqtt_setup::platform::esp_idf {
namespace {

// Closes the handle on every path.
class Handle {
 public:
  Handle(const char* ns, nvs_open_mode_t mode) { error_ = nvs_open(ns, mode, &handle_); }
  ~Handle() {
    if (error_ == ESP_OK) nvs_close(handle_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  esp_err_t error() const { return error_; }
  nvs_handle_t get() const { return handle_; }

 private:
  nvs_handle_t handle_ = 0;
  esp_err_t error_ = ESP_FAIL;
};

}  // namespace

esp_err_t read_blob(const char* ns, const char* key, std::span<std::uint8_t> out,
                    std::size_t& length) {
  // NVS_READONLY answers ESP_ERR_NVS_NOT_FOUND for a namespace never written: "no blob".
  const Handle handle(ns, NVS_READONLY);
  if (handle.error() != ESP_OK) return handle.error();
  std::size_t size = out.size();
  const esp_err_t error = nvs_get_blob(handle.get(), key, out.data(), &size);
  if (error == ESP_OK) length = size;
  return error;
}

esp_err_t write_blob(const char* ns, const char* key, std::span<const std::uint8_t> data) {
  const Handle handle(ns, NVS_READWRITE);
  if (handle.error() != ESP_OK) return handle.error();
  const esp_err_t error = nvs_set_blob(handle.get(), key, data.data(), data.size());
  // Without nvs_commit() the write may sit in RAM and be lost with the next reset.
  return error != ESP_OK ? error : nvs_commit(handle.get());
}

esp_err_t erase_blob(const char* ns, const char* key) {
  const Handle handle(ns, NVS_READWRITE);
  if (handle.error() != ESP_OK) return handle.error();
  const esp_err_t error = nvs_erase_key(handle.get(), key);
  if (error == ESP_ERR_NVS_NOT_FOUND) return ESP_OK;
  return error != ESP_OK ? error : nvs_commit(handle.get());
}

}  // namespace mqtt_setup::platform::esp_idf

#endif  // ESP_PLATFORM
