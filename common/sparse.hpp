// SPDX-License-Identifier: MIT
// A value that most holders leave empty, kept behind a pointer only when it is not: one
// pointer in the holder instead of the whole T (bgod keeps a record per process, and most
// processes set none of their health and order settings: docs/performance.md, "Memory per
// process"). It reads and copies as a T; an empty one reads as a T{} shared by all.
#pragma once

#include <memory>
#include <utility>

namespace bgo {

template <typename T>
class Sparse {
 public:
  Sparse() = default;
  Sparse(T value) { assign(std::move(value)); }  // NOLINT(google-explicit-constructor)
  Sparse(const Sparse& other)
      : value_(other.value_ ? std::make_unique<T>(*other.value_) : nullptr) {}
  Sparse(Sparse&&) noexcept = default;
  Sparse& operator=(const Sparse& other) {
    if (this == &other) return *this;
    if (!other.value_) {
      value_.reset();
    } else if (value_) {
      *value_ = *other.value_;  // in place: a reference to the held value stays valid
    } else {
      value_ = std::make_unique<T>(*other.value_);
    }
    return *this;
  }
  Sparse& operator=(Sparse&&) noexcept = default;
  Sparse& operator=(T value) {
    assign(std::move(value));
    return *this;
  }
  ~Sparse() = default;

  const T& operator*() const { return value_ ? *value_ : empty_value(); }
  const T* operator->() const { return &**this; }
  bool empty() const { return !value_ || value_->empty(); }
  // Whether a T is allocated (for tests: an empty value should not be).
  bool allocated() const { return value_ != nullptr; }
  // The value to change in place, allocated on first use.
  T& edit() {
    if (!value_) value_ = std::make_unique<T>();
    return *value_;
  }
  // An edit that only clears: applied to a held value, which is freed if it became empty;
  // nothing is allocated for an empty one.
  template <typename Clear>
  void clear_with(Clear&& clear) {
    if (!value_) return;
    std::forward<Clear>(clear)(*value_);
    if (value_->empty()) value_.reset();
  }

 private:
  void assign(T value) {
    if (value.empty()) {
      value_.reset();
    } else if (value_) {
      *value_ = std::move(value);
    } else {
      value_ = std::make_unique<T>(std::move(value));
    }
  }
  static const T& empty_value() {
    static const T empty{};
    return empty;
  }

  std::unique_ptr<T> value_;
};

}  // namespace bgo
