// expect: error: expected
// ESP_VFS_EVENTD_CONFIG_DEFAULT() expands to a compound literal followed by a semicolon: it
// can only end an initialisation statement, never sit inside a call.
#include "esp_vfs_eventfd.h"
esp_err_t start() { return esp_vfs_eventfd_register(&ESP_VFS_EVENTD_CONFIG_DEFAULT()); }
