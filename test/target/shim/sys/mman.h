// Bare-metal targets have no virtual memory: mmap() always fails, so tests that need a huge
// address-space reservation (codec HugePayload) skip themselves, as they do on a host that
// refuses the mapping.
#pragma once

#include <cstddef>

#define PROT_READ 0x1
#define MAP_PRIVATE 0x02
#define MAP_ANONYMOUS 0x20
#define MAP_NORESERVE 0x4000
#define MAP_FAILED (reinterpret_cast<void*>(-1))

inline void* mmap(void*, std::size_t, int, int, int, long) { return MAP_FAILED; }
inline int munmap(void*, std::size_t) { return -1; }
