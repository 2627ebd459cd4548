#pragma once
// Errors as values for the server: an HTTP status, the offending field (for 400s) and a message that
// names ids only, never patient data, so it can be both returned to a device and logged.

#include <unitclock/core/result.h>
#include <string>
#include <utility>

namespace unitclock::server {

struct ApiError {
  int status = 500;
  std::string field;  // the JSON field at fault, empty when not about a field
  std::string message;
  // The store asks for the whole transaction to be run again (PostgreSQL's serialization failure or
  // deadlock, or another instance inserting the same key first): a 503 only once the retries run out.
  bool retryTransaction = false;
};

inline ApiError badRequest(std::string field, std::string message) {
  return ApiError{400, std::move(field), std::move(message)};
}

template <class T>
using Result = core::Result<T, ApiError>;
using core::fail;

inline core::Failure<ApiError> reject(std::string field, std::string message) {
  return fail(badRequest(std::move(field), std::move(message)));
}

}  // namespace unitclock::server
