// Runs the core unit tests on the target (QEMU, semihosting): the registry filled by the
// TEST macros of shim/gtest/gtest.h. Output and the exit code reach the host through
// picolibc's semihosting; the exit code is the number of failed tests (0: all passed).
#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>

namespace target_test {
namespace {

Registration* g_first = nullptr;
Registration* g_last = nullptr;
bool g_failed = false;
bool g_skipped = false;
const Registration* g_current = nullptr;

void print(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); }

}  // namespace

void Text::append(std::string_view s) {
  const std::size_t room = sizeof data_ - 1 - size_;
  const std::size_t n = s.size() < room ? s.size() : room;
  for (std::size_t i = 0; i < n; ++i) data_[size_ + i] = s[i];
  size_ += n;
}

void Text::append_signed(long long v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%lld", v);
  append(buf);
}

void Text::append_unsigned(unsigned long long v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%llu", v);
  append(buf);
}

void Text::append_pointer(const void* p) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%p", p);
  append(buf);
}

Outcome check(bool passed, const char* expression) {
  Outcome outcome;
  outcome.passed = passed;
  if (!passed) outcome.detail.append(expression);
  return outcome;
}

void Failure::operator=(const Message& message) const {
  g_failed = true;
  std::printf("%s:%d: failure in %s.%s: ", file_, line_, g_current->suite, g_current->name);
  print(outcome_.detail.view());
  if (!message.text().view().empty()) {
    print(" -- ");
    print(message.text().view());
  }
  print("\n");
}

void Skip::operator=(const Message& message) const {
  g_skipped = true;
  std::printf("skipped %s.%s: ", g_current->suite, g_current->name);
  print(message.text().view());
  print("\n");
}

Registration::Registration(const char* suite_name, const char* test_name, Factory make)
    : suite(suite_name), name(test_name), factory(make) {
  // Appended, so tests run in the order of the sources, as GoogleTest runs them.
  (g_last != nullptr ? g_last->next : g_first) = this;
  g_last = this;
}

int run_all(std::string_view filter) {
  unsigned passed = 0;
  unsigned failed = 0;
  unsigned skipped = 0;
  for (const Registration* r = g_first; r != nullptr; r = r->next) {
    char full[160];
    std::snprintf(full, sizeof full, "%s.%s", r->suite, r->name);
    if (!std::string_view(full).starts_with(filter)) continue;
    g_current = r;
    g_failed = false;
    g_skipped = false;
    ::testing::Test* test = r->factory();
    test->SetUp();
    if (!g_failed && !g_skipped) test->TestBody();
    test->TearDown();
    delete test;
    if (g_failed) {
      ++failed;
      std::printf("FAILED  %s\n", full);
    } else if (g_skipped) {
      ++skipped;
    } else {
      ++passed;
    }
  }
  std::printf("target tests: %u passed, %u failed, %u skipped\n", passed, failed, skipped);
  return static_cast<int>(failed);
}

}  // namespace target_test

int main() {
  const int failed = target_test::run_all();
  return failed > 125 ? 125 : failed;  // an exit status, and never mistaken for a signal
}
