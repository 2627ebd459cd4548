#pragma once
// The server's answers to a device (docs/sync-api.md): an error, one upload's outcome, a batch's
// outcomes, an enrollment. Written by the server, read by the device's sync worker.

#include <unitclock/platform/wire/session_upload.h>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace unitclock::wire {

// Every refusal: {"status": 400, "field": "segments[0].end", "message": "is before start"}.
struct ErrorBody {
  int status = 0;
  std::string field;
  std::string message;
};
nlohmann::json toJson(const ErrorBody& e);
std::optional<ErrorBody> parseErrorBody(const nlohmann::json& j);

// What the server did with an upload.
enum class UploadResult { created, revised, voided, unchanged };
std::string_view toString(UploadResult r) noexcept;
std::optional<UploadResult> parseUploadResult(std::string_view text) noexcept;

// The answer to one upload (PUT), and each item of a batch's answer: accepted (status 200/201 with the
// revision stored and what was done) or refused (status 4xx with the field and message).
struct UploadAnswer {
  std::string id;  // "" when the item's id was malformed (never echoed)
  int status = 0;
  int revision = 0;                    // accepted only
  std::optional<UploadResult> result;  // accepted only
  std::string field;                   // refused only
  std::string message;                 // refused only
  bool accepted() const { return status >= 200 && status < 300; }
};
nlohmann::json toJson(const UploadAnswer& a);
Result<UploadAnswer> parseUploadAnswer(const nlohmann::json& j);

// POST /api/v1/sessions/batch: `results[i]` answers `sessions[i]`.
struct BatchAnswer {
  std::vector<UploadAnswer> results;
};
nlohmann::json toJson(const BatchAnswer& a);
Result<BatchAnswer> parseBatchAnswer(const nlohmann::json& j);

// POST /api/v1/enroll.
struct Enrollment {
  std::int64_t deviceId = 0;
  std::string clinicId;
  std::string token;
};
nlohmann::json toJson(const Enrollment& e);
Result<Enrollment> parseEnrollment(const nlohmann::json& j);

}  // namespace unitclock::wire
