/* LD_PRELOAD library counting heap allocations of a whole process (every thread), for the
 * harness's allocations-per-publish figure: run a client at two N and take the difference.
 * At exit it appends "allocs=<calls> bytes=<requested bytes>" to $ALLOC_COUNTER_OUT (or
 * stderr). Forwards to glibc's own entry points, so no dlsym() (which itself allocates). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern void* __libc_malloc(size_t size);
extern void* __libc_calloc(size_t count, size_t size);
extern void* __libc_realloc(void* p, size_t size);
extern void* __libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void* p);

static atomic_ullong g_allocs;
static atomic_ullong g_bytes;

static void count(size_t size) {
  atomic_fetch_add_explicit(&g_allocs, 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&g_bytes, size, memory_order_relaxed);
}

void* malloc(size_t size) {
  count(size);
  return __libc_malloc(size);
}

void* calloc(size_t n, size_t size) {
  count(n * size);
  return __libc_calloc(n, size);
}

void* realloc(void* p, size_t size) {
  count(size);
  return __libc_realloc(p, size);
}

void free(void* p) { __libc_free(p); }

void* memalign(size_t alignment, size_t size) {
  count(size);
  return __libc_memalign(alignment, size);
}

void* aligned_alloc(size_t alignment, size_t size) { return memalign(alignment, size); }

int posix_memalign(void** out, size_t alignment, size_t size) {
  void* p = memalign(alignment, size);
  if (p == NULL) return ENOMEM;
  *out = p;
  return 0;
}

__attribute__((destructor)) static void report(void) {
  const char* path = getenv("ALLOC_COUNTER_OUT");
  char line[96];
  const int n = snprintf(line, sizeof line, "allocs=%llu bytes=%llu\n",
                         (unsigned long long)atomic_load(&g_allocs),
                         (unsigned long long)atomic_load(&g_bytes));
  FILE* f = path != NULL ? fopen(path, "a") : NULL;
  fwrite(line, 1, (size_t)n, f != NULL ? f : stderr);
  if (f != NULL) fclose(f);
}
