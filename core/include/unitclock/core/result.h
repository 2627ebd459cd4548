// Result<T, E>: a value or an error, for errors that cross module boundaries (STYLE.md rule 6).
//
//   Result<UnitsResult, EngineError> r = computeUnits(input, payer, catalog);
//   if (!r) { show(r.error().message); return; }
//   use(r.value());
//
// Construct a failure with `fail(error)`; a success converts implicitly from T.
// Result<void, E> carries no value: `return {};` is success, `return fail(e);` is failure.
#pragma once

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace unitclock::core {

// Wraps an error so that Result<T, E> can be built from it even when T and E are the same type.
template <class E>
struct Failure {
  E error;
};

template <class E>
Failure<std::decay_t<E>> fail(E&& error) {
  return Failure<std::decay_t<E>>{std::forward<E>(error)};
}

template <class T, class E>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  using error_type = E;

  Result(const T& value) : m_data(std::in_place_index<0>, value) {}
  Result(T&& value) : m_data(std::in_place_index<0>, std::move(value)) {}
  template <class E2, class = std::enable_if_t<std::is_constructible_v<E, E2&&>>>
  Result(Failure<E2>&& failure) : m_data(std::in_place_index<1>, std::move(failure.error)) {}
  template <class E2, class = std::enable_if_t<std::is_constructible_v<E, const E2&>>>
  Result(const Failure<E2>& failure) : m_data(std::in_place_index<1>, failure.error) {}

  bool ok() const noexcept { return m_data.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  // Precondition: ok(). Calling these on a failure is a programmer error.
  T& value() & {
    assert(ok());
    return std::get<0>(m_data);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(m_data);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(m_data));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // Precondition: !ok().
  const E& error() const& {
    assert(!ok());
    return std::get<1>(m_data);
  }
  E&& error() && {
    assert(!ok());
    return std::get<1>(std::move(m_data));
  }

  T valueOr(T fallback) const& { return ok() ? std::get<0>(m_data) : std::move(fallback); }

 private:
  std::variant<T, E> m_data;
};

template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  using value_type = void;
  using error_type = E;

  Result() = default;
  template <class E2, class = std::enable_if_t<std::is_constructible_v<E, E2&&>>>
  Result(Failure<E2>&& failure) : m_error(std::move(failure.error)) {}
  template <class E2, class = std::enable_if_t<std::is_constructible_v<E, const E2&>>>
  Result(const Failure<E2>& failure) : m_error(failure.error) {}

  bool ok() const noexcept { return !m_error.has_value(); }
  explicit operator bool() const noexcept { return ok(); }

  const E& error() const& {
    assert(!ok());
    return *m_error;
  }
  E&& error() && {
    assert(!ok());
    return std::move(*m_error);
  }

 private:
  std::optional<E> m_error;
};

}  // namespace unitclock::core
