#pragma once
// The body of PUT /api/v1/sessions/{id} (docs/sync-api.md), built from a session's header and event log
// exactly as the device sees it: the events themselves (unitclock/platform/session_json.h), the derived
// segments cut at the clinic's local midnight, the untimed services, and the device's charge lines per
// calendar day.

#include <unitclock/core/catalog.h>
#include <unitclock/core/events.h>
#include <unitclock/core/result.h>
#include <unitclock/core/session.h>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace unitclock::platform {

// The clinic's calendar day containing an instant: its local date and its UTC range [start, end).
struct LocalDay {
  std::string date;  // "2026-11-26"
  core::WallTime start{};
  core::WallTime end{};
};
using DayOf = std::function<std::optional<LocalDay>(core::WallTime)>;

// Days in UTC (a clinic whose zone is UTC, and tests).
DayOf utcDays();

// Builds the upload JSON text. Fails (with a sentence) when the log cannot be replayed or a day cannot
// be placed. Payer profiles other than the built-in ones send no device lines (the server recomputes).
core::Result<std::string, std::string> buildSessionUpload(
    const core::SessionHeader& header, const std::vector<core::Event>& events, const DayOf& dayOf,
    const core::Catalog& catalog = core::Catalog::builtin());

}  // namespace unitclock::platform
