#pragma once

#include <string>
#include <utility>
#include <variant>

namespace attn {

/// The input a problem belongs to, so a front end can show the message next to that control.
enum class InputField {
  Source,
  Target,
  Mode,
  Heads,
  DModel,
  Seed,
  Score,
  Mask,
  Temperature,
  Model,  ///< the checkpoint: its files, config or weights
  Layer,  ///< which layer to show
  Other
};

/// A problem with the input, in words a person understands.
struct Error {
  InputField field = InputField::Other;
  std::string message;
};

/// Either a value or an Error: the engine reports bad input as a value, never by throwing or
/// asserting, so a caller can always show the message and keep what it had.
template <class T>
class Expected {
 public:
  Expected(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Expected(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const T* operator->() const { return &value(); }
  const T& operator*() const { return value(); }

  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

}  // namespace attn
