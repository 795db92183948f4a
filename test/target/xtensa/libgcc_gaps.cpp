// Integer division and 64-bit multiplication for lx106: Debian's gcc-xtensa-lx106 12 ships a
// libgcc.a without __divsi3, __udivsi3, __umodsi3, __umulsidi3, __muldi3, __divdi3, __udivdi3
// and __umoddi3 (its __moddi3 and __udivmoddi4, which uses __umulsidi3, are there). lx106 has no divide instruction, so the compiler
// calls these for every '/' and '%' (the session divides 64-bit milliseconds). Plain
// shift-and-subtract: the test runner needs them correct, not fast; libgcc_gaps_test.cpp
// checks them on the target. Not counted as library flash (they are the C runtime's).
#include <cstdint>
#include <cstdlib>

extern "C" {
std::uint64_t __udivmoddi4(std::uint64_t n, std::uint64_t d, std::uint64_t* remainder);
}

namespace {

std::uint32_t divide(std::uint32_t n, std::uint32_t d, std::uint32_t* remainder) {
  if (d == 0) std::abort();  // undefined in C++; stop rather than return a wrong answer
  std::uint32_t quotient = 0;
  std::uint32_t rest = 0;
  for (int bit = 31; bit >= 0; --bit) {
    rest = (rest << 1) | ((n >> bit) & 1U);
    if (rest >= d) {
      rest -= d;
      quotient |= 1U << bit;
    }
  }
  if (remainder != nullptr) *remainder = rest;
  return quotient;
}

std::uint32_t magnitude(std::int32_t v) {
  return v < 0 ? 0U - static_cast<std::uint32_t>(v) : static_cast<std::uint32_t>(v);
}
std::uint64_t magnitude(std::int64_t v) {
  return v < 0 ? 0U - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
}

// The full 64-bit product of two 32-bit numbers, from 16-bit halves (a 64-bit '*' here would
// call __muldi3 itself).
std::uint64_t multiply_wide(std::uint32_t a, std::uint32_t b) {
  const std::uint32_t a0 = a & 0xFFFFU, a1 = a >> 16, b0 = b & 0xFFFFU, b1 = b >> 16;
  const std::uint32_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const std::uint32_t middle = (p00 >> 16) + (p01 & 0xFFFFU) + (p10 & 0xFFFFU);
  const std::uint32_t low = (p00 & 0xFFFFU) | (middle << 16);
  const std::uint32_t high = p11 + (p01 >> 16) + (p10 >> 16) + (middle >> 16);
  return (static_cast<std::uint64_t>(high) << 32) | low;
}

}  // namespace

extern "C" {

std::uint32_t __udivsi3(std::uint32_t n, std::uint32_t d) { return divide(n, d, nullptr); }

std::uint32_t __umodsi3(std::uint32_t n, std::uint32_t d) {
  std::uint32_t remainder = 0;
  divide(n, d, &remainder);
  return remainder;
}

std::int32_t __divsi3(std::int32_t n, std::int32_t d) {
  const std::uint32_t q = divide(magnitude(n), magnitude(d), nullptr);
  return static_cast<std::int32_t>((n < 0) != (d < 0) ? 0U - q : q);
}

std::uint64_t __udivdi3(std::uint64_t n, std::uint64_t d) {
  if (d == 0) std::abort();
  return __udivmoddi4(n, d, nullptr);
}

std::uint64_t __umoddi3(std::uint64_t n, std::uint64_t d) {
  if (d == 0) std::abort();
  std::uint64_t remainder = 0;
  __udivmoddi4(n, d, &remainder);
  return remainder;
}

std::int64_t __divdi3(std::int64_t n, std::int64_t d) {
  const std::uint64_t q = __udivdi3(magnitude(n), magnitude(d));
  return static_cast<std::int64_t>((n < 0) != (d < 0) ? 0U - q : q);
}

std::uint64_t __umulsidi3(std::uint32_t a, std::uint32_t b) { return multiply_wide(a, b); }

std::uint64_t __muldi3(std::uint64_t a, std::uint64_t b) {
  const auto a_low = static_cast<std::uint32_t>(a), a_high = static_cast<std::uint32_t>(a >> 32);
  const auto b_low = static_cast<std::uint32_t>(b), b_high = static_cast<std::uint32_t>(b >> 32);
  const std::uint64_t low_product = multiply_wide(a_low, b_low);
  const std::uint32_t cross = a_low * b_high + a_high * b_low;  // only its low half reaches
  return low_product + (static_cast<std::uint64_t>(cross) << 32);
}
}
