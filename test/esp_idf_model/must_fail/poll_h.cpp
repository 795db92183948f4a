// expect: poll.h: No such file or directory
// ESP-IDF declares poll() in <sys/poll.h> only (the mistake connection.cpp once made).
#include <poll.h>
