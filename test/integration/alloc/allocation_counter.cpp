// Replaces malloc and its relatives for this test program (glibc looks them up through the
// executable first) and forwards to glibc's own implementation (__libc_malloc & co.).
// operator new in libstdc++ calls malloc, so it is counted here too.
#include "allocation_counter.hpp"

#include <execinfo.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void __libc_free(void* pointer);
}

namespace alloc_test {
namespace {

constexpr int kMaxSites = 8;
constexpr int kMaxFrames = 24;

std::atomic<bool> g_counting{false};
std::atomic<std::uint64_t> g_count{0};
void* g_sites[kMaxSites][kMaxFrames];
std::atomic<int> g_site_frames[kMaxSites];
std::size_t g_site_sizes[kMaxSites];
thread_local bool t_exempt = false;
thread_local bool t_inside = false;  // backtrace() itself must not be recorded

void note(std::size_t size) {
  if (!g_counting.load(std::memory_order_relaxed) || t_exempt || t_inside) return;
  const std::uint64_t index = g_count.fetch_add(1, std::memory_order_relaxed);
  if (index < kMaxSites) {
    t_inside = true;
    g_site_sizes[index] = size;
    g_site_frames[index].store(backtrace(g_sites[index], kMaxFrames), std::memory_order_release);
    t_inside = false;
  }
}

}  // namespace

void start_counting() {
  // backtrace() loads libgcc on its first call, which allocates: do that now, uncounted.
  void* warm_up[2];
  backtrace(warm_up, 2);
  for (auto& frames : g_site_frames) frames.store(0);
  g_count.store(0);
  g_counting.store(true);
}

std::uint64_t stop_counting() {
  g_counting.store(false);
  return g_count.load();
}

ExemptThisThread::ExemptThisThread() : previous_(t_exempt) { t_exempt = true; }
ExemptThisThread::~ExemptThisThread() { t_exempt = previous_; }

void print_recorded_sites() {
  for (int i = 0; i < kMaxSites; ++i) {
    const int frames = g_site_frames[i].load(std::memory_order_acquire);
    if (frames == 0) continue;
    std::fprintf(stderr, "--- allocation %d (%zu bytes):\n", i + 1, g_site_sizes[i]);
    backtrace_symbols_fd(g_sites[i], frames, STDERR_FILENO);
  }
}

}  // namespace alloc_test

extern "C" {

void* malloc(std::size_t size) {
  alloc_test::note(size);
  return __libc_malloc(size);
}

void* calloc(std::size_t count, std::size_t size) {
  alloc_test::note(count * size);
  return __libc_calloc(count, size);
}

void* realloc(void* pointer, std::size_t size) {
  alloc_test::note(size);
  return __libc_realloc(pointer, size);
}

void* memalign(std::size_t alignment, std::size_t size) {
  alloc_test::note(size);
  return __libc_memalign(alignment, size);
}

void* aligned_alloc(std::size_t alignment, std::size_t size) {
  alloc_test::note(size);
  return __libc_memalign(alignment, size);
}

int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  alloc_test::note(size);
  void* pointer = __libc_memalign(alignment, size);
  if (pointer == nullptr) return ENOMEM;
  *out = pointer;
  return 0;
}

void free(void* pointer) { __libc_free(pointer); }

}  // extern "C"
