// Model: eventfd on ESP-IDF's VFS. ESP-IDF v5.5, API reference > Storage API > "Virtual
// Filesystem Component", section eventfd
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/storage/vfs.html).
// ESP-IDF has no <sys/eventfd.h>: eventfd() and its one flag are declared here. Register the
// eventfd VFS once (esp_vfs_eventfd_register) before the first eventfd(); the descriptor is
// read and written 8 bytes (a uint64_t counter) at a time, and works with poll() and select().
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "esp_err.h"

#define EFD_SUPPORT_ISR (1 << 4)  // the eventfd may be written from an interrupt handler

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  size_t max_fds;
} esp_vfs_eventfd_config_t;

// As in ESP-IDF: a C compound literal (GNU C++ accepts it), five descriptors at most, and the
// expansion ends with a semicolon, so it only works as a whole statement:
//   esp_vfs_eventfd_config_t config = ESP_VFS_EVENTD_CONFIG_DEFAULT();
#define ESP_VFS_EVENTD_CONFIG_DEFAULT() (esp_vfs_eventfd_config_t){ .max_fds = 5 };

esp_err_t esp_vfs_eventfd_register(const esp_vfs_eventfd_config_t* config);
esp_err_t esp_vfs_eventfd_unregister(void);
int eventfd(unsigned int initval, int flags);

#ifdef __cplusplus
}
#endif
