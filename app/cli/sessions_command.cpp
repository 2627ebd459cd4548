// `unitclock-cli sessions list|show|export`: read-only inspection of a device store (issue 3, item 6).
// Opens the store read-only (a WAL reader), so it is safe while the app is recording into it.
#include <chrono>
#include <iomanip>
#include <optional>
#include <sstream>

#include <unitclock/core/day.h>
#include <unitclock/core/engine.h>
#include <unitclock/core/session.h>
#include <unitclock/platform/device_store.h>
#include <unitclock/platform/session_json.h>
#include <unitclock/platform/time_zone.h>
#include <nlohmann/json.hpp>

#include "catalog_location.h"
#include "commands.h"
#include "units_json.h"

namespace unitclock::app {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kUsage =
    "usage: unitclock-cli sessions list   --db PATH [--json] [--date YYYY-MM-DD] [--status STATUS]\n"
    "       unitclock-cli sessions show   --db PATH [--json] SESSION_ID\n"
    "       unitclock-cli sessions export --db PATH [--json] [--date YYYY-MM-DD] [--status STATUS]\n"
    "  Reads a device store without changing it; safe while the app is using it.\n"
    "  --date     sessions with time on that calendar day in the clinic's time zone (setting\n"
    "             clinic_time_zone, default UTC); export then counts only that day's minutes\n"
    "  --status   open, ended, signed, synced or voided\n"
    "  --json     list: an array of sessions; show: one object with its events (in the form the\n"
    "             billing server receives them); export: an array of\n"
    "             sessions with id, status, patient, clinicians, total_timed_minutes,\n"
    "             total_treatment_minutes, total_units and lines as in `unitclock-cli units --json`\n"
    "  Open sessions are measured up to their last recorded event.\n"
    "Exit status: 0 done; 2 bad arguments or a store that cannot be read (one line on stderr).\n";

struct Options {
  std::string verb;
  std::string db;
  bool json = false;
  std::optional<std::chrono::year_month_day> date;
  std::optional<core::SessionStatus> status;
  std::string sessionId;
};

int usageError(std::ostream& err, const std::string& message) {
  err << "unitclock-cli sessions: " << message << '\n';
  return kExitUsage;
}

std::optional<std::string> parseOptions(const Args& args, Options& o, bool& help) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> value;
    if (arg.rfind("--", 0) == 0) {
      if (auto eq = arg.find('='); eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
      }
    }
    auto takeValue = [&]() -> std::optional<std::string> {
      if (value) return value;
      if (i + 1 < args.size()) return args[++i];
      return std::nullopt;
    };
    if (arg == "--help" || arg == "-h") {
      help = true;
    } else if (arg == "--json" && !value) {
      o.json = true;
    } else if (arg == "--db") {
      auto v = takeValue();
      if (!v || v->empty()) return "--db needs the path of a device store";
      o.db = *v;
    } else if (arg == "--date") {
      auto v = takeValue();
      auto d = v ? platform::parseIsoDate(*v) : std::nullopt;
      if (!d)
        return "--date must be a calendar date YYYY-MM-DD" + (v ? " (got '" + *v + "')" : std::string{});
      o.date = d;
    } else if (arg == "--status") {
      auto v = takeValue();
      auto s = v ? core::parseSessionStatus(*v) : std::nullopt;
      if (!s) return "--status must be open, ended, signed, synced or voided";
      o.status = s;
    } else if (arg.rfind("--", 0) == 0) {
      return "unknown option '" + args[i] + "' (see unitclock-cli sessions --help)";
    } else if (o.verb.empty()) {
      o.verb = arg;
    } else if (o.verb == "show" && o.sessionId.empty()) {
      o.sessionId = arg;
    } else {
      return "unexpected argument '" + arg + "'";
    }
  }
  return std::nullopt;
}

Json patientJson(const core::Patient& p) {
  return Json{{"mrn", p.mrn}, {"initials", p.initials}};
}

Json rowJson(const platform::SessionRow& r) {
  Json j;
  j["id"] = r.header.id;
  j["status"] = std::string(core::toString(r.status));
  j["revision"] = r.revision;
  j["patient"] = patientJson(r.header.patient);
  j["payer"] = r.header.payerProfile;
  j["discipline"] = std::string(core::toString(r.header.discipline));
  j["opened_at"] = platform::formatWallTime(r.openedAt);
  j["last_event_at"] = platform::formatWallTime(r.lastEventAt);
  j["events"] = r.eventCount;
  return j;
}

struct Context {
  platform::DeviceStore& store;
  const platform::CatalogData& data;
  std::string zone;
  std::optional<platform::UtcRange> day;
  std::optional<std::chrono::year_month_day> date;
};

// One session with its derived totals and units, or with an "error" naming why units could not be computed.
Json sessionJson(Context& ctx, const platform::StoredSession& stored, bool withEvents) {
  Json j = rowJson(stored.row);
  const auto& h = stored.row.header;
  j["clinic_id"] = h.clinicId;
  j["device_id"] = h.deviceId;
  j["place_of_service"] = h.placeOfService;
  j["telehealth"] = h.telehealth;
  if (ctx.date) j["date"] = platform::formatIsoDate(*ctx.date);
  auto session = core::Session::restore(h, stored.events);
  if (!session) {
    j["error"] = "the session's log is not valid: " + session.error().message;
  } else {
    const core::SessionSummary summary = session->derive(ctx.data.catalog);
    j["diagnoses"] = summary.diagnoses;
    j["clinicians"] = summary.clinicians;
    j["timed_seconds"] = std::chrono::duration_cast<std::chrono::seconds>(summary.timedTime).count();
    j["treatment_seconds"] = std::chrono::duration_cast<std::chrono::seconds>(summary.treatmentTime).count();
    j["flags"] = Json::array();
    for (const auto& f : summary.flags) j["flags"].push_back({{"id", f.id}, {"message", f.message}});
    core::EngineInput input =
        ctx.day ? core::dayInput(h, summary, std::chrono::floor<std::chrono::seconds>(ctx.day->start),
                                 std::chrono::floor<std::chrono::seconds>(ctx.day->end), ctx.data.catalog)
                : core::sessionInput(h, summary, ctx.data.catalog);
    const core::PayerProfile* payer = platform::findPayer(ctx.data.payers, h.payerProfile);
    if (payer == nullptr) {
      j["error"] = "unknown payer profile '" + h.payerProfile + "'";
    } else {
      auto units = core::computeUnits(input, *payer, ctx.data.catalog);
      if (!units) {
        j["error"] = units.error().message;
      } else {
        addUnitsJson(j, units.value());
      }
    }
  }
  if (!j.contains("total_units")) {
    // Keep the documented keys present even when units could not be computed.
    j["total_timed_minutes"] = nullptr;
    j["total_treatment_minutes"] = nullptr;
    j["total_units"] = nullptr;
    j["lines"] = Json::array();
  }
  auto box = ctx.store.outbox(h.id);
  if (box && !box->empty()) {
    const auto& last = box->back();
    j["upload"] = {{"state", std::string(platform::toString(last.state))},
                   {"revision", last.revision},
                   {"attempts", last.attempts}};
    if (!last.lastError.empty()) j["upload"]["last_error"] = last.lastError;
  }
  if (withEvents) {
    j["events"] = Json::array();
    for (const auto& e : stored.events) j["events"].push_back(platform::eventJson<Json>(e));
  }
  return j;
}

void printSessionTable(const Json& s, std::ostream& out) {
  out << s["id"].get<std::string>() << "  " << s["status"].get<std::string>() << "  rev "
      << s["revision"].get<int>() << "  patient " << s["patient"]["initials"].get<std::string>() << "  "
      << s["payer"].get<std::string>() << "/" << s["discipline"].get<std::string>() << "  opened "
      << s["opened_at"].get<std::string>() << '\n';
  if (s.contains("error")) {
    out << "  units not computed: " << s["error"].get<std::string>() << '\n';
    return;
  }
  const int units = s["total_units"].get<int>();
  out << "  timed " << s["total_timed_minutes"].get<long long>() << " min, treatment "
      << s["total_treatment_minutes"].get<long long>() << " min, " << units
      << (units == 1 ? " unit\n" : " units\n");
  for (const auto& line : s["lines"]) {
    out << "    " << std::left << std::setw(8) << line["code"].get<std::string>() << std::right
        << std::setw(3) << line["units"].get<int>();
    for (const auto& m : line["modifiers"]) out << ' ' << m.get<std::string>();
    out << '\n';
  }
}

}  // namespace

int runSessions(const Args& args, std::ostream& out, std::ostream& err) {
  Options o;
  bool help = false;
  if (auto e = parseOptions(args, o, help)) return usageError(err, *e);
  if (help) {
    out << kUsage;
    return kExitOk;
  }
  if (o.verb != "list" && o.verb != "show" && o.verb != "export") {
    return usageError(err, o.verb.empty() ? "say list, show or export (see unitclock-cli sessions --help)"
                                          : "unknown action '" + o.verb + "' (use list, show or export)");
  }
  if (o.db.empty()) return usageError(err, "--db PATH is required");
  if (o.verb == "show" && o.sessionId.empty()) return usageError(err, "show needs a SESSION_ID");

  auto store = platform::DeviceStore::open(o.db, {.mode = platform::StoreMode::ReadOnly,
                                                  .checkIntegrity = true,
                                                  .busyTimeout = std::chrono::milliseconds{5000}});
  if (!store) {
    return usageError(err,
                      std::string(platform::toString(store.error().errc)) + ": " + store.error().message);
  }
  auto zone = store->clinicTimeZone();
  if (!zone) return usageError(err, zone.error().message);

  auto data = loadCliCatalog(std::nullopt);
  if (!data) return usageError(err, data.error().message);
  Context ctx{store.value(), data.value(), zone.value(), std::nullopt, o.date};

  if (o.date) {
    auto range = platform::localDayRange(*o.date, ctx.zone);
    if (!range) return usageError(err, "clinic time zone: " + range.error().message);
    ctx.day = range.value();
  }

  if (o.verb == "show") {
    auto stored = store->loadSession(o.sessionId);
    if (!stored) return usageError(err, stored.error().message);
    Json s = sessionJson(ctx, stored.value(), true);
    if (o.json) {
      out << s.dump(2) << '\n';
    } else {
      printSessionTable(s, out);
      out << "  events:\n";
      for (const auto& e : s["events"]) {
        out << "    " << std::setw(4) << e["sequence"].get<long long>() << "  " << e["at"].get<std::string>()
            << "  " << e["type"].get<std::string>();
        if (e.contains("code")) out << ' ' << e["code"].get<std::string>();
        if (e.contains("performer")) out << ' ' << e["performer"].get<std::string>();
        if (e.contains("reason")) out << " (" << e["reason"].get<std::string>() << ')';
        out << '\n';
      }
    }
    return kExitOk;
  }

  auto rows =
      o.date
          ? store->sessionsOnDay(*o.date, o.status)
          : store->listSessions({.status = o.status, .openedFrom = std::nullopt, .openedTo = std::nullopt});
  if (!rows) return usageError(err, rows.error().message);
  Json all = Json::array();
  for (const auto& row : rows.value()) {
    if (o.verb == "list") {
      all.push_back(rowJson(row));
      continue;
    }
    auto stored = store->loadSession(row.header.id);
    if (!stored) return usageError(err, stored.error().message);
    all.push_back(sessionJson(ctx, stored.value(), false));
  }
  if (o.json) {
    out << all.dump() << '\n';
  } else if (o.verb == "list") {
    if (all.empty()) out << "no sessions\n";
    for (const auto& r : all) {
      out << r["id"].get<std::string>() << "  " << std::left << std::setw(7) << r["status"].get<std::string>()
          << std::right << " rev " << r["revision"].get<int>() << "  " << std::left << std::setw(4)
          << r["patient"]["initials"].get<std::string>() << std::right << "  opened "
          << r["opened_at"].get<std::string>() << "  " << r["events"].get<long long>() << " events\n";
    }
  } else {
    if (all.empty()) out << "no sessions\n";
    for (const auto& s : all) printSessionTable(s, out);
  }
  return kExitOk;
}

}  // namespace unitclock::app
