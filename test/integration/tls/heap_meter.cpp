// Live and peak heap bytes of this process, by replacing malloc and its relatives (glibc looks
// them up through the executable first) and forwarding to glibc's own implementation. Sizes
// are malloc_usable_size(), i.e. what the allocator really handed out.
#include "heap_meter.hpp"

#include <malloc.h>

#include <atomic>
#include <cerrno>

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void __libc_free(void* pointer);
}

namespace heap_meter {
namespace {

std::atomic<long long> g_live{0};
std::atomic<long long> g_peak{0};
std::atomic<long long> g_count{0};

void added(void* pointer) {
  if (pointer == nullptr) return;
  const auto size = static_cast<long long>(malloc_usable_size(pointer));
  const long long live = g_live.fetch_add(size, std::memory_order_relaxed) + size;
  g_count.fetch_add(1, std::memory_order_relaxed);
  long long peak = g_peak.load(std::memory_order_relaxed);
  while (live > peak && !g_peak.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
  }
}

void removed(void* pointer) {
  if (pointer == nullptr) return;
  g_live.fetch_sub(static_cast<long long>(malloc_usable_size(pointer)), std::memory_order_relaxed);
}

}  // namespace

long long live_bytes() { return g_live.load(); }
long long allocations() { return g_count.load(); }
long long peak_bytes() { return g_peak.load(); }
void reset_peak() { g_peak.store(g_live.load()); }

}  // namespace heap_meter

extern "C" {

void* malloc(std::size_t size) {
  void* p = __libc_malloc(size);
  heap_meter::added(p);
  return p;
}

void* calloc(std::size_t count, std::size_t size) {
  void* p = __libc_calloc(count, size);
  heap_meter::added(p);
  return p;
}

void* realloc(void* pointer, std::size_t size) {
  heap_meter::removed(pointer);
  void* p = __libc_realloc(pointer, size);
  if (p != nullptr) {
    heap_meter::added(p);
  } else if (size != 0) {
    heap_meter::added(pointer);  // failed: the old block is still there
  }
  return p;
}

void* memalign(std::size_t alignment, std::size_t size) {
  void* p = __libc_memalign(alignment, size);
  heap_meter::added(p);
  return p;
}

void* aligned_alloc(std::size_t alignment, std::size_t size) { return memalign(alignment, size); }

int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  void* p = memalign(alignment, size);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}

void free(void* pointer) {
  heap_meter::removed(pointer);
  __libc_free(pointer);
}

}  // extern "C"
