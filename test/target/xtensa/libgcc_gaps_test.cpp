// The division and multiplication helpers of libgcc_gaps.cpp, on the target: the expected
// values are constants worked out on the host, so a wrong helper cannot agree with itself.
#include <gtest/gtest.h>

#include <cstdint>

namespace {

// volatile: the compiler must not fold the operations at compile time.
template <typename T>
T opaque(T v) {
  volatile T copy = v;
  return copy;
}

TEST(Lx106Runtime, Division32) {
  EXPECT_EQ(opaque(100U) / opaque(7U), 14U);
  EXPECT_EQ(opaque(100U) % opaque(7U), 2U);
  EXPECT_EQ(opaque(0xFFFFFFFFU) / opaque(1U), 0xFFFFFFFFU);
  EXPECT_EQ(opaque(0xFFFFFFFFU) / opaque(0x10000U), 0xFFFFU);
  EXPECT_EQ(opaque(0xFFFFFFFFU) % opaque(10U), 5U);
  EXPECT_EQ(opaque(-100) / opaque(7), -14);
  EXPECT_EQ(opaque(100) / opaque(-7), -14);
  EXPECT_EQ(opaque(-100) / opaque(-7), 14);
  EXPECT_EQ(opaque(-100) % opaque(7), -2);
  EXPECT_EQ(opaque(INT32_MIN) / opaque(1), INT32_MIN);
}

TEST(Lx106Runtime, Division64) {
  EXPECT_EQ(opaque(1'000'000'000'000ULL) / opaque(1000ULL), 1'000'000'000ULL);
  EXPECT_EQ(opaque(0xFFFFFFFFFFFFFFFFULL) / opaque(3ULL), 0x5555555555555555ULL);
  EXPECT_EQ(opaque(0xFFFFFFFFFFFFFFFFULL) % opaque(1000ULL), 615ULL);
  EXPECT_EQ(opaque(123'456'789'012ULL) % opaque(0x100000000ULL), 3'197'704'724ULL);
  EXPECT_EQ(opaque(-9'000'000'000LL) / opaque(1000LL), -9'000'000LL);
  EXPECT_EQ(opaque(9'000'000'001LL) / opaque(-3LL), -3'000'000'000LL);
}

TEST(Lx106Runtime, Multiplication64) {
  EXPECT_EQ(opaque(0xFFFFFFFFULL) * opaque(0xFFFFFFFFULL), 0xFFFFFFFE00000001ULL);
  EXPECT_EQ(opaque(1'000'000ULL) * opaque(3'600'000ULL), 3'600'000'000'000ULL);
  EXPECT_EQ(opaque(0x123456789ABCDEF0ULL) * opaque(0x10ULL), 0x23456789ABCDEF00ULL);
  EXPECT_EQ(opaque(-3LL) * opaque(7'000'000'000LL), -21'000'000'000LL);
}

}  // namespace
