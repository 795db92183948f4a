// Proves the target test shim can fail: these tests fail on purpose, and CTest checks the
// runner's summary line counts them (target.shim_selftest in test/target/CMakeLists.txt).
#include <gtest/gtest.h>

#include <string_view>

namespace {

int g_after_assert = 0;

TEST(Shim, PassingChecks) {
  EXPECT_TRUE(1 + 1 == 2);
  EXPECT_FALSE(1 + 1 == 3);
  EXPECT_EQ(std::string_view("ab"), "ab");
  EXPECT_NE(3, 4);
  EXPECT_LT(3, 4);
  EXPECT_LE(4, 4);
  EXPECT_GT(5, 4);
  EXPECT_GE(5, 5);
  ASSERT_EQ(7u, 7u);
}

TEST(Shim, FailingExpectContinues) {
  EXPECT_EQ(1, 2) << "on purpose";
  ++g_after_assert;
}

TEST(Shim, FailingAssertStops) {
  ASSERT_TRUE(false) << "on purpose";
  g_after_assert += 100;  // must not run
}

TEST(Shim, AssertStoppedTheTestBefore) {
  EXPECT_EQ(g_after_assert, 1);  // passes only if the EXPECT went on and the ASSERT stopped
}

TEST(Shim, FailingStringComparison) { EXPECT_EQ(std::string_view("abc"), "abd"); }

TEST(Shim, Skipped) {
  GTEST_SKIP() << "on purpose";
  EXPECT_TRUE(false);  // never reached
}

}  // namespace
