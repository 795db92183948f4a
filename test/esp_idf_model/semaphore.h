// Model: POSIX unnamed semaphores, which ESP-IDF implements in its pthread component and which
// its build tells libstdc++ to use (_GLIBCXX_USE_POSIX_SEMAPHORE: <semaphore>, <stop_token>,
// hence <thread>). ESP-IDF v5.5, API reference > System API > "POSIX Support (Including POSIX
// Threads Support)", section Semaphores
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/pthread.html).
#pragma once

#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned int sem_t;
#define SEM_VALUE_MAX 0x7FFF  // the documented maximum count

int sem_init(sem_t* sem, int pshared, unsigned value);
int sem_destroy(sem_t* sem);
int sem_post(sem_t* sem);
int sem_wait(sem_t* sem);
int sem_trywait(sem_t* sem);
int sem_timedwait(sem_t* sem, const struct timespec* abstime);

#ifdef __cplusplus
}
#endif
