// libstdc++'s error paths (bits/functexcept.h) for targets without a libstdc++
// (cmake/bare_metal_cxx.cmake). Exceptions are off, so where libstdc++ would throw, the test
// runner prints what went wrong and aborts: the run ends without its summary line, and CTest
// fails it (test/target/CMakeLists.txt).
#include <bits/functexcept.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace {

[[noreturn]] void fail(const char* what, const char* detail) {
  std::printf("target runtime: std::%s: %s\n", what, detail != nullptr ? detail : "");
  std::abort();
}

}  // namespace

namespace std {

void __throw_bad_alloc() { fail("bad_alloc", nullptr); }
void __throw_bad_array_new_length() { fail("bad_array_new_length", nullptr); }
void __throw_bad_function_call() { fail("bad_function_call", nullptr); }
void __throw_logic_error(const char* s) { fail("logic_error", s); }
void __throw_invalid_argument(const char* s) { fail("invalid_argument", s); }
void __throw_length_error(const char* s) { fail("length_error", s); }
void __throw_out_of_range(const char* s) { fail("out_of_range", s); }

void __throw_out_of_range_fmt(const char* format, ...) {
  // libstdc++'s formats use only %s, %zu, %lu and %%, which printf reads the same way.
  std::printf("target runtime: std::out_of_range: ");
  va_list args;
  va_start(args, format);
  std::vprintf(format, args);
  va_end(args);
  std::printf("\n");
  std::abort();
}

}  // namespace std
