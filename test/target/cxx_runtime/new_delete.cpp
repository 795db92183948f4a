// operator new and delete for the test runner on targets whose compiler comes without a
// libstdc++ (rv32imc, lx106; cmake/bare_metal_cxx.cmake). The tests allocate (std::string,
// std::vector, std::map); the library itself never does (the footprint images fail to link if
// it did). Built with -fno-exceptions: an allocation that fails ends the run, with a message,
// instead of throwing std::bad_alloc.
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <new>

namespace {

[[noreturn]] void out_of_memory(std::size_t size) {
  std::printf("target runtime: out of memory allocating %zu bytes\n", size);
  std::abort();
}

void* allocate(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) out_of_memory(size);
  return p;
}

}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return std::malloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return std::malloc(size);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
