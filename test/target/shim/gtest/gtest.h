// The part of GoogleTest our core unit tests use, for targets GoogleTest does not build on
// (bare-metal Cortex-M under QEMU). The same test sources compile against real GoogleTest on
// the host and against this header on the target; test/target/runner.cpp runs the registry.
//
// Supported: TEST, TEST_F (with SetUp/TearDown), EXPECT_/ASSERT_ {TRUE, FALSE, EQ, NE, LT, LE,
// GT, GE}, GTEST_SKIP, and `<< message` after any of them. Failures print the file, the line,
// the expression and, for integers, enums and strings, both values.
#pragma once
// Comparisons between signed and unsigned operands happen inside the templates below exactly
// as in GoogleTest, whose header is a system header too; the test code is warned about, not us.
#pragma GCC system_header

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace testing {

class Test {
 public:
  virtual ~Test() = default;
  virtual void SetUp() {}
  virtual void TearDown() {}
  virtual void TestBody() = 0;
};

}  // namespace testing

namespace target_test {

/// Text collected for one failure: the expression, the values, the user's `<< message`.
/// Fixed size: a failure report must not depend on the heap working.
class Text {
 public:
  void append(std::string_view s);
  void append_signed(long long v);
  void append_unsigned(unsigned long long v);
  void append_pointer(const void* p);
  std::string_view view() const { return {data_, size_}; }

 private:
  char data_[320]{};
  std::size_t size_ = 0;
};

template <class T>
void append_value(Text& text, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    text.append(value ? "true" : "false");
  } else if constexpr (std::is_enum_v<T>) {
    append_value(text, static_cast<std::underlying_type_t<T>>(value));
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    text.append_signed(static_cast<long long>(value));
  } else if constexpr (std::is_integral_v<T>) {
    text.append_unsigned(static_cast<unsigned long long>(value));
  } else if constexpr (std::is_null_pointer_v<T>) {
    text.append("nullptr");
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    const std::string_view s = value;
    text.append("\"");
    text.append(s.substr(0, 64));
    text.append(s.size() > 64 ? "...\"" : "\"");
  } else if constexpr (std::is_pointer_v<T>) {
    text.append_pointer(static_cast<const void*>(value));
  } else {
    text.append("(not printable)");
  }
}

/// The `<< message` part of an assertion.
class Message {
 public:
  template <class T>
  Message& operator<<(const T& value) {
    append_value(text_, value);
    return *this;
  }
  Message& operator<<(const char* value) {
    text_.append(value != nullptr ? value : "(null)");
    return *this;
  }
  Message& operator<<(std::string_view value) {
    text_.append(value);
    return *this;
  }
  const Text& text() const { return text_; }

 private:
  Text text_;
};

/// Whether a check passed and, if not, what it compared.
struct Outcome {
  bool passed = true;
  Text detail;
  explicit operator bool() const { return passed; }
};

Outcome check(bool passed, const char* expression);

template <class A, class B>
Outcome compare(bool passed, const A& a, const B& b, const char* ea, const char* op,
                const char* eb) {
  Outcome outcome;
  outcome.passed = passed;
  if (!passed) {
    outcome.detail.append(ea);
    outcome.detail.append(op);
    outcome.detail.append(eb);
    outcome.detail.append(" (");
    append_value(outcome.detail, a);
    outcome.detail.append(" vs ");
    append_value(outcome.detail, b);
    outcome.detail.append(")");
  }
  return outcome;
}

// Named functions, not `a op b` in the macros, so that each operand is evaluated once.
template <class A, class B>
Outcome eq(const A& a, const B& b, const char* ea, const char* eb) {
  return compare(a == b, a, b, ea, " == ", eb);
}
template <class A, class B>
Outcome ne(const A& a, const B& b, const char* ea, const char* eb) {
  return compare(a != b, a, b, ea, " != ", eb);
}
template <class A, class B>
Outcome lt(const A& a, const B& b, const char* ea, const char* eb) {
  return compare(a < b, a, b, ea, " < ", eb);
}
template <class A, class B>
Outcome le(const A& a, const B& b, const char* ea, const char* eb) {
  return compare(a <= b, a, b, ea, " <= ", eb);
}
template <class A, class B>
Outcome gt(const A& a, const B& b, const char* ea, const char* eb) {
  return compare(a > b, a, b, ea, " > ", eb);
}
template <class A, class B>
Outcome ge(const A& a, const B& b, const char* ea, const char* eb) {
  return compare(a >= b, a, b, ea, " >= ", eb);
}

/// Records a failure of the running test when a Message is assigned to it (after the
/// `<< message` part has been evaluated). operator= returns void so that ASSERT_* can
/// `return` it from a void function, as in GoogleTest.
class Failure {
 public:
  Failure(const char* file, int line, const Outcome& outcome)
      : file_(file), line_(line), outcome_(outcome) {}
  void operator=(const Message& message) const;

 private:
  const char* file_;
  int line_;
  const Outcome& outcome_;
};

/// Marks the running test as skipped (GTEST_SKIP).
struct Skip {
  void operator=(const Message& message) const;
};

using Factory = ::testing::Test* (*)();

/// One registered test; a static instance per TEST adds itself to the registry.
struct Registration {
  Registration(const char* suite, const char* name, Factory factory);
  const char* suite;
  const char* name;
  Factory factory;
  Registration* next = nullptr;
};

/// Runs every registered test whose "Suite.Name" starts with `filter` (all when empty) and
/// prints one line per failure plus a summary. Returns the number of failed tests.
int run_all(std::string_view filter = {});

}  // namespace target_test

#define TARGET_TEST_CLASS_(suite, name) suite##_##name##_Test

#define TARGET_TEST_(suite, name, base)                                              \
  class TARGET_TEST_CLASS_(suite, name) : public base {                              \
   public:                                                                           \
    void TestBody() override;                                                        \
  };                                                                                 \
  [[maybe_unused]] static const ::target_test::Registration suite##_##name##_registration{ \
      #suite, #name,                                                                 \
      []() -> ::testing::Test* { return new TARGET_TEST_CLASS_(suite, name); }};     \
  void TARGET_TEST_CLASS_(suite, name)::TestBody()

#define TEST(suite, name) TARGET_TEST_(suite, name, ::testing::Test)
#define TEST_F(fixture, name) TARGET_TEST_(fixture, name, fixture)

// `switch (0) case 0: default:` makes the macro one statement that swallows a following
// `else` correctly (the trick GoogleTest uses); the `if (init)` keeps the outcome in scope.
#define TARGET_CHECK_(outcome_expr, on_failure)                                  \
  switch (0)                                                                     \
  case 0:                                                                        \
  default:                                                                       \
    if (const ::target_test::Outcome target_outcome_ = (outcome_expr)) {         \
    } else                                                                       \
      on_failure ::target_test::Failure(__FILE__, __LINE__, target_outcome_) =   \
          ::target_test::Message()

#define TARGET_EXPECT_ /* continue */
#define TARGET_ASSERT_ return

#define EXPECT_TRUE(c) TARGET_CHECK_(::target_test::check(static_cast<bool>(c), #c), TARGET_EXPECT_)
#define EXPECT_FALSE(c) TARGET_CHECK_(::target_test::check(!(c), "!(" #c ")"), TARGET_EXPECT_)
#define ASSERT_TRUE(c) TARGET_CHECK_(::target_test::check(static_cast<bool>(c), #c), TARGET_ASSERT_)
#define ASSERT_FALSE(c) TARGET_CHECK_(::target_test::check(!(c), "!(" #c ")"), TARGET_ASSERT_)

#define EXPECT_EQ(a, b) TARGET_CHECK_(::target_test::eq((a), (b), #a, #b), TARGET_EXPECT_)
#define EXPECT_NE(a, b) TARGET_CHECK_(::target_test::ne((a), (b), #a, #b), TARGET_EXPECT_)
#define EXPECT_LT(a, b) TARGET_CHECK_(::target_test::lt((a), (b), #a, #b), TARGET_EXPECT_)
#define EXPECT_LE(a, b) TARGET_CHECK_(::target_test::le((a), (b), #a, #b), TARGET_EXPECT_)
#define EXPECT_GT(a, b) TARGET_CHECK_(::target_test::gt((a), (b), #a, #b), TARGET_EXPECT_)
#define EXPECT_GE(a, b) TARGET_CHECK_(::target_test::ge((a), (b), #a, #b), TARGET_EXPECT_)
#define ASSERT_EQ(a, b) TARGET_CHECK_(::target_test::eq((a), (b), #a, #b), TARGET_ASSERT_)
#define ASSERT_NE(a, b) TARGET_CHECK_(::target_test::ne((a), (b), #a, #b), TARGET_ASSERT_)
#define ASSERT_LT(a, b) TARGET_CHECK_(::target_test::lt((a), (b), #a, #b), TARGET_ASSERT_)
#define ASSERT_LE(a, b) TARGET_CHECK_(::target_test::le((a), (b), #a, #b), TARGET_ASSERT_)
#define ASSERT_GT(a, b) TARGET_CHECK_(::target_test::gt((a), (b), #a, #b), TARGET_ASSERT_)
#define ASSERT_GE(a, b) TARGET_CHECK_(::target_test::ge((a), (b), #a, #b), TARGET_ASSERT_)

#define GTEST_SKIP() return ::target_test::Skip() = ::target_test::Message()
