#include <unitclock/platform/wire/answers.h>

namespace unitclock::wire {

using nlohmann::json;

namespace {

core::Failure<Error> bad(std::string field, std::string message) {
  return core::fail(Error{std::move(field), std::move(message)});
}

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int integer(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int>() : 0;
}

}  // namespace

json toJson(const ErrorBody& e) {
  return json{{"status", e.status}, {"field", e.field}, {"message", e.message}};
}

std::optional<ErrorBody> parseErrorBody(const json& j) {
  if (!j.is_object() || !j.contains("status")) return std::nullopt;
  return ErrorBody{integer(j, "status"), text(j, "field"), text(j, "message")};
}

std::string_view toString(UploadResult r) noexcept {
  switch (r) {
    case UploadResult::created:
      return "created";
    case UploadResult::revised:
      return "revised";
    case UploadResult::voided:
      return "voided";
    case UploadResult::unchanged:
      return "unchanged";
  }
  return "unchanged";
}

std::optional<UploadResult> parseUploadResult(std::string_view t) noexcept {
  for (auto r : {UploadResult::created, UploadResult::revised, UploadResult::voided, UploadResult::unchanged})
    if (toString(r) == t) return r;
  return std::nullopt;
}

json toJson(const UploadAnswer& a) {
  if (a.accepted()) {
    return json{{"id", a.id},
                {"status", a.status},
                {"revision", a.revision},
                {"result", std::string(toString(a.result.value_or(UploadResult::unchanged)))}};
  }
  return json{{"id", a.id}, {"status", a.status}, {"field", a.field}, {"message", a.message}};
}

Result<UploadAnswer> parseUploadAnswer(const json& j) {
  if (!j.is_object()) return bad("", "must be an object");
  UploadAnswer a;
  a.id = text(j, "id");
  a.status = integer(j, "status");
  if (a.status < 100 || a.status > 599) return bad("status", "must be an HTTP status");
  if (a.accepted()) {
    a.revision = integer(j, "revision");
    a.result = parseUploadResult(text(j, "result"));
    if (!a.result) return bad("result", "must be created, revised, voided or unchanged");
  } else {
    a.field = text(j, "field");
    a.message = text(j, "message");
  }
  return a;
}

json toJson(const BatchAnswer& a) {
  json results = json::array();
  for (const auto& r : a.results) results.push_back(toJson(r));
  return json{{"results", std::move(results)}};
}

Result<BatchAnswer> parseBatchAnswer(const json& j) {
  if (!j.is_object() || !j.contains("results") || !j["results"].is_array())
    return bad("results", "must be an array");
  BatchAnswer a;
  for (std::size_t i = 0; i < j["results"].size(); ++i) {
    auto item = parseUploadAnswer(j["results"][i]);
    if (!item) return bad("results[" + std::to_string(i) + "]." + item.error().field, item.error().message);
    a.results.push_back(std::move(item).value());
  }
  return a;
}

json toJson(const Enrollment& e) {
  return json{{"device_id", e.deviceId}, {"clinic_id", e.clinicId}, {"token", e.token}};
}

Result<Enrollment> parseEnrollment(const json& j) {
  if (!j.is_object()) return bad("", "must be an object");
  Enrollment e;
  auto it = j.find("device_id");
  if (it == j.end() || !it->is_number_integer()) return bad("device_id", "must be a number");
  e.deviceId = it->get<std::int64_t>();
  e.clinicId = text(j, "clinic_id");
  e.token = text(j, "token");
  if (e.token.empty()) return bad("token", "is required");
  return e;
}

}  // namespace unitclock::wire
