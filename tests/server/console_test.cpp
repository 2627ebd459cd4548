// The web console's API (docs/console.md) on a real server process, as a browser would call it: sign-in
// by cookie, CSRF tokens, lock-out, idle logoff, roles, and the supervisor's decisions on a day seeded
// through real device uploads. The browser itself is driven in tests/console/ (Selenium, Chromium).
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "api_client.h"
#include "server_process.h"
#include "upload_fixtures.h"

namespace unitclock::server {
namespace {

using testing::Clinic;
using testing::RecordedSession;
using testing::ServerProcess;
using testing::sessionId;

constexpr const char* kPassword = "correct horse battery";

void addUser(Clinic& clinic, const std::string& id, const std::string& role) {
  auto r = testing::runServer({"user", "add", "--data-dir", clinic.dataDir, "--clinic", "north", "--id", id,
                               "--name", id + " name", "--role", role},
                              std::string(kPassword) + "\n");
  ASSERT_EQ(r.exitCode, 0) << r.err;
}

// A browser of one user: keeps the cookie and the CSRF token, as the page does.
class Browser {
 public:
  explicit Browser(int port) : m_http("127.0.0.1", port) { m_http.set_read_timeout(20, 0); }

  httplib::Result signIn(const std::string& user, const std::string& password = kPassword) {
    auto r = m_http.Post("/console/api/login", nlohmann::json{{"user", user}, {"password", password}}.dump(),
                         "application/json");
    if (r && r->status == 200) {
      const auto cookie = r->get_header_value("Set-Cookie");
      m_cookie = cookie.substr(0, cookie.find(';'));
      m_csrf = nlohmann::json::parse(r->body)["csrf"];
    }
    return r;
  }
  httplib::Result get(const std::string& path) { return m_http.Get(path, headers(false)); }
  httplib::Result post(const std::string& path, const nlohmann::json& body, bool withCsrf = true) {
    return m_http.Post(path, headers(withCsrf), body.dump(), "application/json");
  }
  const std::string& csrf() const { return m_csrf; }

 private:
  httplib::Headers headers(bool withCsrf) {
    httplib::Headers h{{"Cookie", m_cookie}};
    if (withCsrf) h.emplace("X-CSRF-Token", m_csrf);
    return h;
  }
  httplib::Client m_http;
  std::string m_cookie;
  std::string m_csrf;
};

nlohmann::json bodyOf(const httplib::Result& r) {
  return nlohmann::json::parse(r->body, nullptr, false);
}

// Acknowledges every open flag of a clinician's day, as a supervisor who looked at each.
void acknowledgeAll(Browser& b, const std::string& clinician) {
  auto view = bodyOf(b.get("/console/api/days/2026-11-26"));
  for (const auto& f : view["flags"]) {
    if (f["clinician"] != clinician || f.contains("acknowledged")) continue;
    auto r = b.post("/console/api/acknowledge",
                    {{"date", "2026-11-26"}, {"key", f["key"]}, {"reason", "Looked at with the therapist"}});
    ASSERT_EQ(r->status, 200) << r->body;
  }
}

// Uploads sessions as an enrolled kiosk does; returns the kiosk's token.
std::string uploadAll(Clinic& clinic, const ServerProcess& server,
                      const std::vector<RecordedSession>& sessions) {
  auto token = testing::enroll(server.url(), clinic.enrollCode, "Room 1 kiosk");
  auto c = testing::client(server.url(), token);
  for (const auto& s : sessions) {
    auto r = testing::must(c.put("/api/v1/sessions/" + s.id, testing::upload(s).dump()));
    EXPECT_TRUE(r.status == 201 || r.status == 200) << r.body;
  }
  return token;
}

// Two sessions of ot1 in one-on-one at once (held), and one of ota1.
std::vector<RecordedSession> overlappingDay() {
  RecordedSession a;
  a.id = sessionId(1);
  a.mrn = "MRN1";
  a.initials = "AB";
  a.segments = {{"97110", "14:00:00", "14:30:00"}};
  RecordedSession b;
  b.id = sessionId(2);
  b.mrn = "MRN2";
  b.initials = "CD";
  b.segments = {{"97530", "14:10:00", "14:40:00"}};
  RecordedSession c;
  c.id = sessionId(3);
  c.mrn = "MRN3";
  c.initials = "EF";
  c.rendering = "ota1";
  c.segments = {{"97110", "15:00:00", "15:20:00", "ota1", "one_on_one", "assistant"}};
  return {a, b, c};
}

TEST(Console, ThePageIsServedWithAPolicyThatForbidsInlineScript) {
  Clinic clinic;
  ServerProcess server(clinic.dataDir);
  httplib::Client http("127.0.0.1", server.port());
  auto page = http.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("/console/console.js"), std::string::npos);
  const auto csp = page->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  auto script = http.Get("/console/console.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_NE(script->get_header_value("Content-Type").find("javascript"), std::string::npos);
  // The API needs a signed-in user.
  auto day = http.Get("/console/api/days/2026-11-26");
  ASSERT_TRUE(day);
  EXPECT_EQ(day->status, 401);
}

TEST(Console, UserAddRefusesAShortPasswordAndAnUnknownRole) {
  Clinic clinic;
  auto shortPassword = testing::runServer({"user", "add", "--data-dir", clinic.dataDir, "--clinic", "north",
                                           "--id", "sam", "--name", "Sam", "--role", "supervisor"},
                                          "short\n");
  EXPECT_EQ(shortPassword.exitCode, 2);
  EXPECT_NE(shortPassword.err.find("12 to 128 characters"), std::string::npos) << shortPassword.err;
  auto badRole = testing::runServer({"user", "add", "--data-dir", clinic.dataDir, "--clinic", "north", "--id",
                                     "sam", "--name", "Sam", "--role", "owner"},
                                    std::string(kPassword) + "\n");
  EXPECT_EQ(badRole.exitCode, 2);
  auto unknownClinic = testing::runServer({"user", "add", "--data-dir", clinic.dataDir, "--clinic", "south",
                                           "--id", "sam", "--name", "Sam", "--role", "biller"},
                                          std::string(kPassword) + "\n");
  EXPECT_EQ(unknownClinic.exitCode, 1);
  EXPECT_NE(unknownClinic.err.find("no clinic south"), std::string::npos) << unknownClinic.err;
  // The hash is Argon2id; the password itself is stored nowhere.
  addUser(clinic, "sam", "supervisor");
  EXPECT_EQ(testing::queryCount(clinic.dataDir,
                                "SELECT COUNT(*) FROM console_users WHERE password_hash LIKE '$argon2id$%'"),
            1);
  EXPECT_EQ(testing::queryCount(clinic.dataDir,
                                "SELECT COUNT(*) FROM console_users WHERE password_hash LIKE '%horse%'"),
            0);
}

TEST(Console, SignInSetsAnHttpOnlyStrictCookieAndWrongPasswordsLockTheUserOut) {
  Clinic clinic;
  addUser(clinic, "sam", "supervisor");
  ServerProcess server(clinic.dataDir);
  Browser b(server.port());
  auto good = b.signIn("sam");
  ASSERT_TRUE(good);
  ASSERT_EQ(good->status, 200) << good->body;
  const auto cookie = good->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain HTTP on loopback: no Secure flag";
  auto me = b.get("/console/api/me");
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200);
  EXPECT_EQ(bodyOf(me)["user"]["role"], "supervisor");

  // An unknown user and a wrong password get the same answer.
  Browser other(server.port());
  auto unknown = other.signIn("nobody", "whatever whatever");
  auto wrong = other.signIn("sam", "not the password");
  ASSERT_TRUE(unknown && wrong);
  EXPECT_EQ(unknown->status, 401);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(bodyOf(unknown)["error"], bodyOf(wrong)["error"]);
  for (int i = 0; i < 4; ++i) other.signIn("sam", "not the password");
  // Five wrong passwords lock the user out, even with the right one.
  auto locked = other.signIn("sam");
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->status, 423) << locked->body;
  EXPECT_NE(bodyOf(locked)["error"].get<std::string>().find("locked until"), std::string::npos);
  EXPECT_EQ(testing::queryCount(
                clinic.dataDir,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'sign-in-refused' AND user_id = 'sam'"),
            5);
  // A new password from an admin (user add again) lifts the lock and ends every session of the user.
  addUser(clinic, "sam", "supervisor");
  auto after = other.signIn("sam");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
  auto old = b.get("/console/api/me");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->status, 401) << "the session from before the new password ended";
}

TEST(Console, AStateChangeWithoutTheCsrfTokenIsRefusedAndABillerCannotApprove) {
  Clinic clinic;
  addUser(clinic, "sam", "supervisor");
  addUser(clinic, "bea", "biller");
  ServerProcess server(clinic.dataDir);
  uploadAll(clinic, server, overlappingDay());
  Browser sup(server.port());
  ASSERT_EQ(sup.signIn("sam")->status, 200);
  const nlohmann::json approve{{"date", "2026-11-26"}, {"clinician", "ota1"}};
  auto forged = sup.post("/console/api/approve", approve, /*withCsrf=*/false);
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
  EXPECT_NE(forged->body.find("CSRF"), std::string::npos) << forged->body;
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT COUNT(*) FROM day_decisions"), 0);

  Browser biller(server.port());
  ASSERT_EQ(biller.signIn("bea")->status, 200);
  auto refused = biller.post("/console/api/approve", approve);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_NE(refused->body.find("biller cannot approve"), std::string::npos) << refused->body;
  // The biller still reads the day and downloads its charges; a download is audited.
  auto day = biller.get("/console/api/days/2026-11-26");
  ASSERT_TRUE(day);
  EXPECT_EQ(day->status, 200);
  auto csv = biller.get("/console/api/exports/2026-11-26.csv");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_NE(csv->get_header_value("Content-Disposition").find("charges-2026-11-26.csv"), std::string::npos);
  EXPECT_EQ(
      testing::queryCount(clinic.dataDir,
                          "SELECT COUNT(*) FROM audit_log WHERE action = 'download' AND user_id = 'bea'"),
      1);

  acknowledgeAll(sup, "ota1");
  auto ok = sup.post("/console/api/approve", approve);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
}

TEST(Console, AUserIdleLongerThanTheSettingIsSignedOut) {
  Clinic clinic;
  addUser(clinic, "sam", "supervisor");
  ServerProcess server(clinic.dataDir, {"--console-idle", "1"});
  Browser b(server.port());
  ASSERT_EQ(b.signIn("sam")->status, 200);
  EXPECT_EQ(b.get("/console/api/me")->status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  auto late = b.get("/console/api/me");
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 401);
  EXPECT_EQ(bodyOf(late)["error"], "signed out after 1 seconds idle");
  EXPECT_EQ(bodyOf(late)["field"], "idle");
  EXPECT_EQ(b.get("/console/api/me")->status, 401) << "the session is gone, not only expired";
}

TEST(Console, ASupervisorTakesTheDayFromFlagsToApprovedAndExported) {
  Clinic clinic;
  addUser(clinic, "sam", "supervisor");
  ServerProcess server(clinic.dataDir);
  auto day = overlappingDay();
  const auto token = uploadAll(clinic, server, day);
  Browser b(server.port());
  ASSERT_EQ(b.signIn("sam")->status, 200);
  auto view = bodyOf(b.get("/console/api/days/2026-11-26"));
  ASSERT_TRUE(view.is_object());
  EXPECT_EQ(view["totals"]["sessions"], 3);
  EXPECT_EQ(view["totals"]["held"], 2) << "both patients of the overlap are held";
  std::string overlapKey;
  for (const auto& f : view["flags"])
    if (f["id"] == "one-on-one-overlap") overlapKey = f["key"];
  ASSERT_FALSE(overlapKey.empty()) << view["flags"].dump();
  // The timeline: ot1's lane has both sessions' bars, in minutes of the clinic's day (UTC here).
  const auto& ot1 = *std::find_if(view["clinicians"].begin(), view["clinicians"].end(),
                                  [](const auto& c) { return c["id"] == "ot1"; });
  ASSERT_EQ(ot1["bars"].size(), 2u);
  EXPECT_EQ(ot1["bars"][0][0], 14 * 60);
  EXPECT_EQ(ot1["bars"][0][1], 14 * 60 + 30);

  // ot1's day cannot be approved while the overlap stands unacknowledged.
  auto early = b.post("/console/api/approve", {{"date", "2026-11-26"}, {"clinician", "ot1"}});
  EXPECT_EQ(early->status, 409) << early->body;
  auto noReason =
      b.post("/console/api/acknowledge", {{"date", "2026-11-26"}, {"key", overlapKey}, {"reason", ""}});
  EXPECT_EQ(noReason->status, 400);
  auto ack = b.post("/console/api/acknowledge",
                    {{"date", "2026-11-26"}, {"key", overlapKey}, {"reason", "Co-treatment, documented"}});
  ASSERT_EQ(ack->status, 200) << ack->body;
  // The export leaves the held patient-days out until each is released with a reason.
  auto before = b.get("/console/api/exports/2026-11-26.csv");
  EXPECT_EQ(before->body.find("MRN1"), std::string::npos);
  for (const char* mrn : {"MRN1", "MRN2"}) {
    auto rel = b.post("/console/api/release", {{"date", "2026-11-26"},
                                               {"mrn", mrn},
                                               {"discipline", "ot"},
                                               {"reason", "Reviewed with the therapist"}});
    ASSERT_EQ(rel->status, 200) << rel->body;
  }
  for (const char* who : {"ot1", "ota1"}) {
    acknowledgeAll(b, who);
    auto approved = b.post("/console/api/approve", {{"date", "2026-11-26"}, {"clinician", who}});
    ASSERT_EQ(approved->status, 200) << approved->body;
  }
  view = bodyOf(b.get("/console/api/days/2026-11-26"));
  EXPECT_EQ(view["totals"]["held"], 0);
  EXPECT_EQ(view["totals"]["unapproved"], 0);
  EXPECT_EQ(view["totals"]["open_flags"], 0);
  auto after = b.get("/console/api/exports/2026-11-26.csv");
  EXPECT_NE(after->body.find("MRN1"), std::string::npos) << after->body;
  // The supervisor API's summary shows who released it: the console user.
  auto api = testing::client(server.url(), clinic.supervisorToken);
  auto summary = testing::json(testing::must(api.get("/api/v1/days/2026-11-26/summary?clinic=north")));
  EXPECT_NE(summary.dump().find("user-sam"), std::string::npos);

  // A new revision of one of ot1's sessions returns ot1's day to review; ota1's stays approved.
  auto corrected = day[0];
  corrected.revision = 2;
  corrected.corrections = {{0, "14:00:00", "14:25:00"}};
  auto device = testing::client(server.url(), token);
  auto put = testing::must(device.put("/api/v1/sessions/" + corrected.id, testing::upload(corrected).dump()));
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(testing::json(put)["result"], "revised");
  view = bodyOf(b.get("/console/api/days/2026-11-26"));
  for (const auto& c : view["clinicians"]) {
    if (c["id"] == "ot1") {
      EXPECT_FALSE(c.contains("approved")) << c.dump();
      EXPECT_TRUE(c.contains("approval_lapsed")) << c.dump();
    }
    if (c["id"] == "ota1") {
      EXPECT_TRUE(c.contains("approved")) << c.dump();
    }
  }
  // Every decision is in the audit log, by whom.
  EXPECT_EQ(
      testing::queryCount(clinic.dataDir,
                          "SELECT COUNT(*) FROM audit_log WHERE user_id = 'sam' AND action IN "
                          "('approve', 'acknowledge', 'release')"),
      testing::queryCount(clinic.dataDir, "SELECT COUNT(*) FROM day_decisions WHERE decided_by = 'sam'"));
}

TEST(Console, TheSessionPageTellsTheEventsInWordsAndKeepsDeviceTextAsIs) {
  Clinic clinic;
  addUser(clinic, "sam", "supervisor");
  ServerProcess server(clinic.dataDir);
  // Initials are 1 to 4 letters on every kiosk and server; a correction's reason is free text from the
  // device, and stays exactly that.
  RecordedSession s;
  s.id = sessionId(7);
  s.mrn = "MRN7";
  s.initials = "AB";
  s.revision = 2;
  s.correctionReason = "<script>alert(1)</script> wrong code";
  s.segments = {{"97530", "09:02:00", "09:20:00"}};
  uploadAll(clinic, server, {s});
  Browser b(server.port());
  ASSERT_EQ(b.signIn("sam")->status, 200);
  auto r = b.get("/console/api/sessions/" + s.id);
  ASSERT_EQ(r->status, 200) << r->body;
  auto v = bodyOf(r);
  EXPECT_EQ(v["revisions"].back()["reason"], "<script>alert(1)</script> wrong code");
  bool started = false;
  for (const auto& e : v["events"])
    if (e[2].get<std::string>().find("Ana Ortiz started 97530") != std::string::npos && e[1] == "09:02")
      started = true;
  EXPECT_TRUE(started) << v["events"].dump();
  EXPECT_EQ(v["segments"][0]["minutes"], 18);
  EXPECT_EQ(b.get("/console/api/sessions/" + sessionId(99))->status, 404);
}

}  // namespace
}  // namespace unitclock::server
