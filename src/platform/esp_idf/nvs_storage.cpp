// Storage on ESP32: NVS blobs in namespace "mqtt_setup" of the default "nvs" partition, through
// nvs_blob.hpp. NVS already gives what Storage promises: nvs_set_blob() writes the new version of
// a blob before it erases the old one, so a power cut leaves one of them whole, and it skips the
// flash write when the content is unchanged (Storage::writeItem in components/nvs_flash/src/
// nvs_storage.cpp, v5.0..v5.5). This class adds key checks and error mapping.
// Compiled for Xtensa in CI against test/esp_idf_model, and against the real v5.5 headers by
// scripts/steps/esp32.sh --idf (docs/esp32.md).
#if defined(ESP_PLATFORM)

#include <cerrno>
#include <cstring>

#include "esp_err.h"  // esp_err_t, ESP_OK: components/esp_common/include/esp_err.h
#include "mqtt_setup/platform.hpp"
// ESP_ERR_NVS_*, NVS_KEY_NAME_MAX_SIZE (16, NUL included): components/nvs_flash/include/nvs.h
#include "nvs.h"
#include "nvs_blob.hpp"

namespace mqtt_setup::platform {

namespace {

constexpr const char* kNamespace = "mqtt_setup";  // 10 of the 15 characters NVS allows

// Storage::system_error() speaks errno, so that Error::message() reads the same on every port.
int errno_for(esp_err_t error) {
  switch (error) {
    case ESP_ERR_NVS_NOT_ENOUGH_SPACE: return ENOSPC;
    case ESP_ERR_NVS_NOT_INITIALIZED: return ENODEV;  // nvs_flash_init() has not run
    case ESP_ERR_NVS_INVALID_NAME:
    case ESP_ERR_NVS_KEY_TOO_LONG: return EINVAL;
    case ESP_ERR_NVS_READ_ONLY: return EROFS;
    default: return EIO;
  }
}

class NvsStorage final : public Storage {
 public:
  Result<std::size_t, StorageError> read(std::string_view key, codec::MutableBytes out) override {
    char name[NVS_KEY_NAME_MAX_SIZE];
    if (!copy_key(key, name)) return fail(ESP_ERR_NVS_KEY_TOO_LONG);
    // nvs_get_blob() with a null buffer only reports the size: never hand it an empty span.
    if (out.empty()) return StorageError::TooSmall;
    std::size_t length = 0;
    const esp_err_t error = esp_idf::read_blob(kNamespace, name, out, length);
    if (error == ESP_OK) return length;
    // ESP_ERR_NVS_NOT_FOUND: no such key, or the namespace was never written (NVS_READONLY).
    if (error == ESP_ERR_NVS_NOT_FOUND) return StorageError::NotFound;
    if (error == ESP_ERR_NVS_INVALID_LENGTH) return StorageError::TooSmall;
    return fail(error);
  }

  Result<void, StorageError> write(std::string_view key, codec::Bytes data) override {
    char name[NVS_KEY_NAME_MAX_SIZE];
    if (!copy_key(key, name)) return fail(ESP_ERR_NVS_KEY_TOO_LONG);
    const esp_err_t error = esp_idf::write_blob(kNamespace, name, data);
    if (error != ESP_OK) return fail(error);
    return {};
  }

  Result<void, StorageError> erase(std::string_view key) override {
    char name[NVS_KEY_NAME_MAX_SIZE];
    if (!copy_key(key, name)) return fail(ESP_ERR_NVS_KEY_TOO_LONG);
    const esp_err_t error = esp_idf::erase_blob(kNamespace, name);  // ESP_OK when absent
    if (error != ESP_OK) return fail(error);
    return {};
  }

  int system_error() const override { return system_error_; }

 private:
  static bool copy_key(std::string_view key, char (&out)[NVS_KEY_NAME_MAX_SIZE]) {
    if (key.empty() || key.size() >= NVS_KEY_NAME_MAX_SIZE) return false;
    std::memcpy(out, key.data(), key.size());
    out[key.size()] = '\0';
    return true;
  }
  StorageError fail(esp_err_t error) {
    system_error_ = errno_for(error);
    return StorageError::Failed;
  }

  int system_error_ = 0;
};

}  // namespace

std::unique_ptr<Storage> default_storage(const std::string& /*state_dir*/, int& error_number) {
  error_number = 0;
  return std::make_unique<NvsStorage>();
}

}  // namespace mqtt_setup::platform

#endif  // ESP_PLATFORM
