// Result<T, E>: a value or an error code, without exceptions or heap.
// Every layer has its own `enum class` error; `describe()` overloads give the human sentence.
#pragma once

#include <utility>

namespace mqtt_setup {

template <class T, class E>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)), ok_(true) {}  // NOLINT: implicit by design
  Result(E error) : error_(error), ok_(false) {}            // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  E error() const { return error_; }

  T& value() & { return value_; }
  const T& value() const& { return value_; }
  T&& value() && { return std::move(value_); }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }
  T& operator*() { return value_; }
  const T& operator*() const { return value_; }

 private:
  T value_{};
  E error_{};
  bool ok_;
};

/// Result with no value: either success or an error code.
template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  Result() : ok_(true) {}
  Result(E error) : error_(error), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  E error() const { return error_; }

 private:
  E error_{};
  bool ok_;
};

}  // namespace mqtt_setup
