// Uses, as ESP-IDF documents them, the model's declarations that no source uses yet: the two
// ways a connection task can be woken without polling (an eventfd in poll(), or a FreeRTOS task
// notification). Compiled against the model and against the real headers, so both agree.
#include <sys/poll.h>
#include <unistd.h>

#include <cstdint>

#include "esp_vfs_eventfd.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

int open_wake_fd() {
  esp_vfs_eventfd_config_t config = ESP_VFS_EVENTD_CONFIG_DEFAULT();
  if (esp_vfs_eventfd_register(&config) != ESP_OK) return -1;
  return eventfd(0, 0);
}

bool wait_on_fd(int fd, int timeout_ms) {
  pollfd entry{fd, POLLIN, 0};
  std::uint64_t count = 0;
  return poll(&entry, 1, timeout_ms) == 1 && read(fd, &count, sizeof count) == sizeof count;
}

TaskHandle_t waiting_task() { return xTaskGetCurrentTaskHandle(); }

void wake(TaskHandle_t task) { (void)xTaskNotifyGive(task); }

bool wait_for_wake(std::uint32_t timeout_ms) {
  return ulTaskNotifyTake(pdTRUE, timeout_ms == UINT32_MAX ? portMAX_DELAY
                                                            : pdMS_TO_TICKS(timeout_ms)) != 0;
}
