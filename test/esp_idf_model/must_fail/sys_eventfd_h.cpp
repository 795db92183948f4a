// expect: sys/eventfd.h: No such file or directory
// ESP-IDF declares eventfd() in "esp_vfs_eventfd.h"; there is no <sys/eventfd.h>.
#include <sys/eventfd.h>
