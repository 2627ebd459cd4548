#include "console/console_routes.h"

#include <httplib.h>
#include <unitclock/platform/time_zone.h>
#include <unitclock/platform/wire/session_upload.h>
#include <unitclock/server/exports.h>
#include <unitclock/server/wire.h>
#include <chrono>
#include <nlohmann/json.hpp>

#include "console/console_assets.h"

namespace unitclock::server::console {
namespace {

using nlohmann::json;

constexpr const char* kCookie = "uc_console";
constexpr int kMaxRangeDays = 31;

// The page may run only its own script and style sheet: device text (initials, reasons) can never run.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

WireTime wallNow() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

void secureHeaders(httplib::Response& res) {
  res.set_header("Content-Security-Policy", kContentSecurityPolicy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
}

void sendJson(httplib::Response& res, const json& body, int status = 200) {
  secureHeaders(res);
  res.set_header("Cache-Control", "no-store");
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void sendError(httplib::Response& res, const ApiError& e) {
  json body{{"error", e.message}};
  if (!e.field.empty()) body["field"] = e.field;
  if (e.status == 503) res.set_header("Retry-After", "1");
  sendJson(res, body, e.status);
}

std::string cookieValue(const httplib::Request& req) {
  const auto header = req.get_header_value("Cookie");
  std::string_view rest = header;
  const std::string prefix = std::string(kCookie) + "=";
  while (!rest.empty()) {
    const auto end = rest.find(';');
    auto part = rest.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.substr(0, prefix.size()) == prefix) return std::string(part.substr(prefix.size()));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return {};
}

std::string cookieHeader(const std::string& value, bool secure, bool clear = false) {
  std::string c = std::string(kCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict";
  if (secure) c += "; Secure";
  if (clear) c += "; Max-Age=0";
  return c;
}

std::optional<json> jsonBody(const httplib::Request& req) {
  auto j = json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string todayIn(const std::string& zone) {
  auto d = platform::localDate(wallNow(), zone);
  return d ? platform::formatIsoDate(d.value())
           : platform::formatIsoDate(
                 std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(wallNow())});
}

// The signed-in user's clinic; its absence is the store's fault, not the user's.
Result<ClinicRow> clinicOf(StoreConnection& db, const SignedIn& who) {
  auto clinic = db.findClinic(who.user.clinicId);
  if (!clinic) return fail(clinic.error());
  if (!clinic.value()) return fail(ApiError{500, "", "the user's clinic is missing"});
  return *clinic.value();
}

class Console {
 public:
  explicit Console(ConsoleContext context) : m_ctx(std::move(context)) {}

  void mount(httplib::Server& s) {
    s.Get("/", [this](const httplib::Request&, httplib::Response& res) { asset(res, "index.html"); });
    s.Get(R"(/console/(console\.js|console\.css))",
          [this](const httplib::Request& req, httplib::Response& res) { asset(res, req.matches[1]); });

    s.Post("/console/api/login",
           [this](const httplib::Request& req, httplib::Response& res) { login(req, res); });
    s.Post("/console/api/logout", [this](const httplib::Request& req, httplib::Response& res) {
      withUser(req, res, true, [&](StoreConnection& db, const SignedIn& who) {
        (void)audit(db, who.user, "sign-out", who.user.id);
        signOut(db, cookieValue(req));
        res.set_header("Set-Cookie", cookieHeader("", m_ctx.settings.secureCookie, true));
        sendJson(res, json{{"signed_out", true}});
      });
    });
    s.Get("/console/api/me", [this](const httplib::Request& req, httplib::Response& res) {
      withUser(req, res, false, [&](StoreConnection& db, const SignedIn& who) {
        auto clinic = clinicOf(db, who);
        if (!clinic) return sendError(res, clinic.error());
        sendJson(res,
                 json{{"user", {{"id", who.user.id}, {"name", who.user.name}, {"role", who.user.role}}},
                      {"clinic", {{"id", clinic->id}, {"name", clinic->name}, {"zone", clinic->timeZone}}},
                      {"today", todayIn(clinic->timeZone)},
                      {"csrf", who.session.csrfToken},
                      {"idle_seconds", m_ctx.settings.idleLogoff.count()}});
      });
    });
    s.Get(R"(/console/api/days/(\d{4}-\d{2}-\d{2}))", [this](const httplib::Request& req,
                                                             httplib::Response& res) {
      withDay(req, res,
              [&](StoreConnection& db, const SignedIn&, const ClinicRow& clinic, const DayReport& report) {
                auto onDevices = devicesUnsigned(db, report);
                if (!onDevices) return sendError(res, onDevices.error());
                sendJson(res, dayView(report, clinic, *onDevices));
              });
    });
    s.Get(R"(/console/api/sessions/([0-9a-f-]{36}))",
          [this](const httplib::Request& req, httplib::Response& res) {
            withUser(req, res, false, [&](StoreConnection& db, const SignedIn& who) {
              auto tx = StoreTransaction::begin(db, TransactionKind::kRead);
              if (!tx) return sendError(res, tx.error());
              auto clinic = clinicOf(db, who);
              if (!clinic) return sendError(res, clinic.error());
              auto view = sessionView(db, *clinic, req.matches[1]);
              if (!view) return sendError(res, view.error());
              if (!view.value()) return sendError(res, ApiError{404, "", "no such session in this clinic"});
              sendJson(res, *view.value());
            });
          });
    decision("/console/api/approve", [](StoreConnection& db, const SignedIn& who, const json& body) {
      return approveDay(db, who.user, text(body, "date"), text(body, "clinician"), text(body, "hash"));
    });
    decision("/console/api/acknowledge", [](StoreConnection& db, const SignedIn& who, const json& body) {
      return acknowledgeFlag(db, who.user, text(body, "date"), text(body, "key"), text(body, "reason"));
    });
    decision("/console/api/release", [](StoreConnection& db, const SignedIn& who, const json& body) {
      return releasePatientDay(db, who.user, text(body, "date"), text(body, "mrn"), text(body, "discipline"),
                               text(body, "reason"));
    });
    decision("/console/api/cosign", [](StoreConnection& db, const SignedIn& who, const json& body) {
      const int revision =
          body.contains("revision") && body["revision"].is_number_integer() ? body["revision"].get<int>() : 0;
      return cosignSession(db, who.user, text(body, "date"), text(body, "session"), revision,
                           text(body, "reason"));
    });
    s.Get("/console/api/settings", [this](const httplib::Request& req, httplib::Response& res) {
      withUser(req, res, false, [&](StoreConnection& db, const SignedIn& who) {
        auto tx = StoreTransaction::begin(db, TransactionKind::kRead);
        if (!tx) return sendError(res, tx.error());
        auto policy = loadReviewPolicy(db, who.user.clinicId);
        if (!policy) return sendError(res, policy.error());
        sendJson(res, json{{"review", toJson(policy.value())}});
      });
    });
    s.Post("/console/api/settings", [this](const httplib::Request& req, httplib::Response& res) {
      withAdmin(req, res, true, "changes the clinic's settings",
                [&](StoreConnection& db, const SignedIn& who) {
                  auto body = jsonBody(req);
                  if (!body || !body->contains("review"))
                    return sendError(res, badRequest("review", "the body is {\"review\": {...}}"));
                  auto policy = parseReviewPolicy((*body)["review"]);
                  if (!policy) return sendError(res, badRequest("review", policy.error()));
                  auto tx = StoreTransaction::begin(db, TransactionKind::kWrite);
                  if (!tx) return sendError(res, tx.error());
                  auto out = setReviewPolicy(db, who.user, policy.value());
                  if (!out) return sendError(res, out.error());
                  if (auto c = tx->commit(); !c) return sendError(res, c.error());
                  sendJson(res, json{{"review", *out}});
                });
    });
    s.Get(R"(/console/api/exports/(\d{4}-\d{2}-\d{2})\.(csv|hl7|json))",
          [this](const httplib::Request& req, httplib::Response& res) { download(req, res); });
    s.Get("/console/api/reports", [this](const httplib::Request& req, httplib::Response& res) {
      withUser(req, res, false, [&](StoreConnection& db, const SignedIn& who) {
        auto tx = StoreTransaction::begin(db, TransactionKind::kRead);
        if (!tx) return sendError(res, tx.error());
        auto clinic = clinicOf(db, who);
        if (!clinic) return sendError(res, clinic.error());
        auto report = reportView(db, *clinic, req.get_param_value("from"), req.get_param_value("to"));
        if (!report) return sendError(res, report.error());
        sendJson(res, *report);
      });
    });
    s.Get("/console/api/devices", [this](const httplib::Request& req, httplib::Response& res) {
      withAdmin(req, res, false, "manages devices", [&](StoreConnection& db, const SignedIn& who) {
        auto list = db.listDevices(who.user.clinicId);
        if (!list) return sendError(res, list.error());
        json out = json::array();
        for (const auto& d : list.value()) {
          out.push_back({{"id", d.id},
                         {"label", d.label},
                         {"enrolled_at", d.enrolledAt},
                         {"revoked_at", d.revokedAt ? json(*d.revokedAt) : json(nullptr)},
                         {"last_seen_at", d.lastSeenAt ? json(*d.lastSeenAt) : json(nullptr)},
                         {"app_version", d.appVersion},
                         {"pending_uploads", d.pendingUploads ? json(*d.pendingUploads) : json(nullptr)}});
        }
        sendJson(res, json{{"devices", out}, {"now", nowUtc()}});
      });
    });
    s.Post(R"(/console/api/devices/(\d{1,18})/revoke)",
           [this](const httplib::Request& req, httplib::Response& res) {
             withAdmin(req, res, true, "revokes devices", [&](StoreConnection& db, const SignedIn& who) {
               const auto id = std::stoll(req.matches[1]);
               auto tx = StoreTransaction::begin(db, TransactionKind::kWrite);
               if (!tx) return sendError(res, tx.error());
               auto mine = db.isDeviceOfClinic(id, who.user.clinicId);
               if (!mine) return sendError(res, mine.error());
               if (!mine.value()) return sendError(res, ApiError{404, "", "no such device in this clinic"});
               auto done = db.revokeDevice(id, nowUtc());
               if (!done) return sendError(res, done.error());
               if (auto a = audit(db, who.user, "revoke-device", "device " + std::to_string(id)); !a)
                 return sendError(res, a.error());
               if (auto c = tx->commit(); !c) return sendError(res, c.error());
               sendJson(res, json{{"revoked", done.value()}});
             });
           });
    s.Get("/console/api/audit", [this](const httplib::Request& req, httplib::Response& res) {
      withAdmin(req, res, false, "reads the audit log", [&](StoreConnection& db, const SignedIn& who) {
        AuditFilter f{who.user.clinicId, req.get_param_value("action"), req.get_param_value("user"), 500};
        auto rows = db.listAudit(f);
        if (!rows) return sendError(res, rows.error());
        json out = json::array();
        for (const auto& a : rows.value())
          out.push_back({a.id, a.at, a.userId, a.action, a.target, a.detail});
        sendJson(res, json{{"entries", out}});
      });
    });
    s.Get("/console/api/users", [this](const httplib::Request& req, httplib::Response& res) {
      withAdmin(req, res, false, "manages people", [&](StoreConnection& db, const SignedIn& who) {
        auto rows = db.listConsoleUsers(who.user.clinicId);
        if (!rows) return sendError(res, rows.error());
        json out = json::array();
        for (const auto& u : rows.value())
          out.push_back({{"id", u.id},
                         {"name", u.name},
                         {"role", u.role},
                         {"active", u.active},
                         {"locked_until", u.lockedUntil ? json(*u.lockedUntil) : json(nullptr)}});
        sendJson(res, json{{"users", out}});
      });
    });
  }

 private:
  void asset(httplib::Response& res, const std::string& name) {
    for (const auto& a : assets()) {
      if (a.name != name) continue;
      secureHeaders(res);
      res.set_header("Cache-Control", "no-cache");
      res.set_content(std::string(a.body), std::string(a.contentType));
      return;
    }
    res.status = 404;
  }

  Result<StoreConnection*> db() { return m_ctx.connection(); }

  void login(const httplib::Request& req, httplib::Response& res) {
    auto conn = db();
    if (!conn) return sendError(res, conn.error());
    auto body = jsonBody(req);
    if (!body) return sendError(res, badRequest("", "the body is not a JSON object"));
    if (!m_ctx.allowFailedSignIn(req.remote_addr))
      return sendError(res, ApiError{429, "", "too many attempts from this address; wait a minute"});
    auto who = signIn(**conn, text(*body, "user"), text(*body, "password"), nowMs(), m_ctx.settings);
    if (!who) return sendError(res, who.error());
    res.set_header("Set-Cookie", cookieHeader(who->cookie, m_ctx.settings.secureCookie));
    sendJson(res, json{{"user", who->user.id}, {"csrf", who->session.csrfToken}});
  }

  // Runs `work` for the signed-in user of the request's cookie; a state change (`changes`) must also carry
  // the session's CSRF token in X-CSRF-Token.
  template <class Work>
  void withUser(const httplib::Request& req, httplib::Response& res, bool changes, Work work) {
    auto conn = db();
    if (!conn) return sendError(res, conn.error());
    auto who = resume(**conn, cookieValue(req), nowMs(), m_ctx.settings);
    if (!who) {
      if (who.error().status == 401)
        res.set_header("Set-Cookie", cookieHeader("", m_ctx.settings.secureCookie, true));
      return sendError(res, who.error());
    }
    if (changes && !sameSecret(req.get_header_value("X-CSRF-Token"), who->session.csrfToken)) {
      (void)audit(**conn, who->user, "refused-csrf", req.path);
      return sendError(res,
                       ApiError{403, "", "this request did not come from the console's page (CSRF token)"});
    }
    res.set_header("X-Unitclock-Caller", "user-" + who->user.id);
    work(**conn, *who);
  }

  // withUser for an admin's pages; anyone else gets 403 "only an admin <what>".
  template <class Work>
  void withAdmin(const httplib::Request& req, httplib::Response& res, bool changes, const char* what,
                 Work work) {
    withUser(req, res, changes, [&](StoreConnection& db, const SignedIn& who) {
      if (!mayAdminister(*parseRole(who.user.role)))
        return sendError(res, ApiError{403, "", std::string("only an admin ") + what});
      work(db, who);
    });
  }

  template <class Work>
  void withDay(const httplib::Request& req, httplib::Response& res, Work work) {
    withUser(req, res, false, [&](StoreConnection& db, const SignedIn& who) {
      std::string date = req.matches[1];
      if (!wire::isCalendarDate(date))
        return sendError(res, badRequest("date", "must be a real date like 2026-11-26"));
      auto tx = StoreTransaction::begin(db, TransactionKind::kRead);
      if (!tx) return sendError(res, tx.error());
      auto clinic = clinicOf(db, who);
      if (!clinic) return sendError(res, clinic.error());
      auto report = loadDay(db, who.user.clinicId, date);
      if (!report) return sendError(res, report.error());
      work(db, who, *clinic, *report);
    });
  }

  template <class Decide>
  void decision(const std::string& path, Decide decide) {
    m_server->Post(path, [this, decide](const httplib::Request& req, httplib::Response& res) {
      withUser(req, res, true, [&](StoreConnection& db, const SignedIn& who) {
        if (!mayDecide(*parseRole(who.user.role)))
          return sendError(
              res,
              ApiError{403, "", "a " + who.user.role + " cannot approve, acknowledge, co-sign or release"});
        auto body = jsonBody(req);
        if (!body) return sendError(res, badRequest("", "the body is not a JSON object"));
        if (!wire::isCalendarDate(text(*body, "date")))
          return sendError(res, badRequest("date", "must be a real date like 2026-11-26"));
        auto tx = StoreTransaction::begin(db, TransactionKind::kWrite);
        if (!tx) return sendError(res, tx.error());
        auto out = decide(db, who, *body);
        if (!out) return sendError(res, out.error());
        if (auto c = tx->commit(); !c) return sendError(res, c.error());
        sendJson(res, *out);
      });
    });
  }

  // A day or a range of days (?to=YYYY-MM-DD) in one file; audited.
  void download(const httplib::Request& req, httplib::Response& res) {
    withUser(req, res, false, [&](StoreConnection& db, const SignedIn& who) {
      const std::string from = req.matches[1], format = req.matches[2];
      const std::string to = req.has_param("to") ? req.get_param_value("to") : from;
      auto first = platform::parseIsoDate(from), last = platform::parseIsoDate(to);
      if (!first || !last || !wire::isCalendarDate(from) || !wire::isCalendarDate(to))
        return sendError(res, badRequest("date", "must be a real date like 2026-11-26"));
      const auto days = (std::chrono::sys_days{*last} - std::chrono::sys_days{*first}).count();
      if (days < 0 || days >= kMaxRangeDays)
        return sendError(res, badRequest("to", "a range is 1 to 31 days, from the first day"));
      std::string body;
      json bundle;
      const auto now = wallNow();
      auto readTx = StoreTransaction::begin(db, TransactionKind::kRead);
      if (!readTx) return sendError(res, readTx.error());
      for (auto d = std::chrono::sys_days{*first}; d <= std::chrono::sys_days{*last};
           d += std::chrono::days{1}) {
        const auto date = platform::formatIsoDate(std::chrono::year_month_day{d});
        auto report = loadDay(db, who.user.clinicId, date);
        if (!report) return sendError(res, report.error());
        if (format == "csv") {
          auto csv = chargesCsv(*report);
          if (!csv) return sendError(res, csv.error());
          // One header row for the whole range.
          body += body.empty() ? csv.value() : csv.value().substr(csv.value().find('\n') + 1);
        } else if (format == "hl7") {
          auto hl7 = chargesHl7(*report, Hl7Options{now, m_ctx.hl7ProcessingId, false});
          if (!hl7) return sendError(res, hl7.error());
          body += hl7.value();
        } else {
          auto fhir = chargesFhir(*report, now);
          if (!fhir) return sendError(res, fhir.error());
          auto j = json::parse(fhir.value());
          if (bundle.is_null()) {
            bundle = std::move(j);
          } else if (j.contains("entry")) {
            for (auto& e : j["entry"]) bundle["entry"].push_back(std::move(e));
          }
        }
      }
      (void)readTx->commit();  // the read ends (a read commits nothing); the audit is written on its own
      auto tx = StoreTransaction::begin(db, TransactionKind::kWrite);
      if (!tx) return sendError(res, tx.error());
      if (format == "json") body = bundle.dump(2);
      const std::string name = "charges-" + from + (to == from ? "" : "-to-" + to) + "." + format;
      if (auto a = audit(db, who.user, "download", name); !a) return sendError(res, a.error());
      if (auto c = tx->commit(); !c) return sendError(res, c.error());
      secureHeaders(res);
      res.set_header("Cache-Control", "no-store");
      res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
      res.set_content(body, format == "csv"   ? "text/csv; charset=utf-8"
                            : format == "hl7" ? "application/hl7-v2; charset=utf-8"
                                              : "application/fhir+json");
    });
  }

 public:
  httplib::Server* m_server = nullptr;

 private:
  ConsoleContext m_ctx;
};

}  // namespace

bool isConsolePath(const std::string& path) {
  return path == "/" || path.rfind("/console/", 0) == 0;
}

std::shared_ptr<void> mountConsole(httplib::Server& server, const ConsoleContext& context) {
  auto console = std::make_shared<Console>(context);
  console->m_server = &server;
  console->mount(server);
  return console;
}

}  // namespace unitclock::server::console
