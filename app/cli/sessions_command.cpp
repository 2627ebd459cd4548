// `unitclock-cli sessions list|show|export`: read-only inspection of a device store (issue 3, item 6).
// Opens the store read-only (a WAL reader), so it is safe while the app is recording into it.
#include <chrono>
#include <iomanip>
#include <memory>
#include <optional>
#include <sstream>

#include <unitclock/core/day.h>
#include <unitclock/core/engine.h>
#include <unitclock/core/session.h>
#include <unitclock/platform/device_store.h>
#include <unitclock/platform/session_json.h>
#include <unitclock/platform/time_zone.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "catalog_location.h"
#include "commands.h"
#include "units_json.h"

namespace unitclock::app {

namespace {

using Json = nlohmann::ordered_json;

// After the help of `unitclock-cli sessions` and of each action.
constexpr const char* kStoreNote =
    "Reads a device store without changing it; safe while the app is using it.\n"
    "Open sessions are measured up to their last recorded event.\n"
    "Exit status: 0 done; 2 bad arguments or a store that cannot be read (one line on stderr).";

// What the parser fills in; the date and status are checked after parsing, so that their messages name
// the expected form.
struct Options {
  std::string verb;  // list, show or export: the subcommand given
  std::string db;
  bool json = false;
  std::string date;
  bool dateGiven = false;
  std::string status;
  bool statusGiven = false;
  std::string sessionId;
};

int usageError(std::ostream& err, const std::string& message) {
  err << "unitclock-cli sessions: " << message << '\n';
  return kExitUsage;
}

// --db, --json and --date, which every action takes, with the --json and --date help that fits it.
void addStoreOptions(CLI::App& action, Options& o, std::string jsonHelp, std::string dateHelp) {
  action.add_option("--db", o.db, "the device store to read")->type_name("PATH")->required();
  action.add_flag("--json", o.json, std::move(jsonHelp));
  action.add_option("--date", o.date, std::move(dateHelp))->type_name("YYYY-MM-DD");
  action.footer(kStoreNote);
}

// --status, which list and export take.
void addStatusOption(CLI::App& action, Options& o) {
  action
      .add_option("--status", o.status, "only sessions in that state: open, ended, signed, synced or voided")
      ->type_name("STATUS");
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

int runSessions(const Options& o, std::ostream& out, std::ostream& err) {
  if (o.verb.empty()) return usageError(err, "say list, show or export (see unitclock-cli sessions --help)");
  if (o.db.empty()) return usageError(err, "--db needs the path of a device store");
  std::optional<std::chrono::year_month_day> date;
  std::optional<core::SessionStatus> status;
  if (o.dateGiven) {
    date = platform::parseIsoDate(o.date);
    if (!date) return usageError(err, "--date must be a calendar date YYYY-MM-DD (got '" + o.date + "')");
  }
  if (o.statusGiven) {
    status = core::parseSessionStatus(o.status);
    if (!status) return usageError(err, "--status must be open, ended, signed, synced or voided");
  }

  auto store = platform::DeviceStore::open(o.db, {.mode = platform::StoreMode::kReadOnly,
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
  Context ctx{store.value(), data.value(), zone.value(), std::nullopt, date};

  if (date) {
    auto range = platform::localDayRange(*date, ctx.zone);
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
      date ? store->sessionsOnDay(*date, status)
           : store->listSessions({.status = status, .openedFrom = std::nullopt, .openedTo = std::nullopt});
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

}  // namespace

Command addSessionsCommand(CLI::App& cli) {
  constexpr const char* kOnlyThatDay =
      "only sessions with time on that calendar day in the clinic's time zone\n"
      "(setting clinic_time_zone, default UTC)";
  auto o = std::make_shared<Options>();
  CLI::App* sessions = cli.add_subcommand("sessions", "list, show or export the sessions in a device store");
  sessions->group("Commands");
  sessions->require_subcommand(0, 1);  // none is answered with our own message, in runSessions

  CLI::App* list = sessions->add_subcommand("list", "one line per session: id, status, patient, events");
  addStoreOptions(*list, *o, "an array of sessions", kOnlyThatDay);
  addStatusOption(*list, *o);

  CLI::App* show = sessions->add_subcommand("show", "one session with its totals, units and events");
  addStoreOptions(*show, *o, "one object with its events, in the form the billing server receives them",
                  "count only that calendar day's minutes (clinic time zone)");
  show->add_option("SESSION_ID", o->sessionId, "the session's id, as `list` prints it")
      ->type_name("")
      ->required();

  CLI::App* exportAction = sessions->add_subcommand("export", "each session's totals, units and claim lines");
  addStoreOptions(*exportAction, *o,
                  "an array of sessions with id, status, patient, clinicians, total_timed_minutes,\n"
                  "total_treatment_minutes, total_units and lines as in `unitclock-cli units --json`",
                  std::string{kOnlyThatDay} + "; only that day's minutes count");
  addStatusOption(*exportAction, *o);

  for (CLI::App* action : {list, show, exportAction}) action->group("Actions");
  sessions->footer(std::string{"'unitclock-cli sessions ACTION --help' describes an action.\n"} + kStoreNote);

  return {sessions, [o, sessions](std::ostream& out, std::ostream& err) {
            for (const CLI::App* action : sessions->get_subcommands()) {  // at most one
              o->verb = action->get_name();
              o->dateGiven = action->count("--date") > 0;
              o->statusGiven =
                  action->get_option_no_throw("--status") != nullptr && action->count("--status") > 0;
            }
            return runSessions(*o, out, err);
          }};
}

}  // namespace unitclock::app
