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

// The clinic's review policy, set by an admin in the Settings page: with "export approved charges only"
// and "assistants' sessions need a co-sign" a charge leaves only after both, and a new revision of the
// assistant's session takes its co-sign back.
TEST(Console, TheReviewPolicyHoldsChargesUntilApprovedAndCoSigned) {
  Clinic clinic;
  addUser(clinic, "sam", "supervisor");
  addUser(clinic, "bea", "biller");
  addUser(clinic, "ada", "admin");
  ServerProcess server(clinic.dataDir);
  RecordedSession ot;
  ot.id = sessionId(1);
  ot.mrn = "MRN1";
  ot.initials = "AB";
  ot.segments = {{"97110", "14:00:00", "14:30:00"}};
  RecordedSession ota;
  ota.id = sessionId(3);
  ota.mrn = "MRN3";
  ota.initials = "EF";
  ota.rendering = "ota1";
  ota.segments = {{"97110", "15:00:00", "15:30:00", "ota1", "one_on_one", "assistant"}};
  const auto token = uploadAll(clinic, server, {ot, ota});

  Browser admin(server.port()), sam(server.port()), bea(server.port());
  ASSERT_EQ(admin.signIn("ada")->status, 200);
  ASSERT_EQ(sam.signIn("sam")->status, 200);
  ASSERT_EQ(bea.signIn("bea")->status, 200);
  // Without a policy everything signed and unheld leaves, and the assistant's session is listed to co-sign;
  // so is a session whose only assistant time is untimed (an assistant's part of a hot pack, 97010 CO).
  RecordedSession untimedOnly;
  untimedOnly.id = sessionId(4);
  untimedOnly.mrn = "MRN4";
  untimedOnly.initials = "UT";
  untimedOnly.segments = {{"97110", "16:00:00", "16:30:00"}};
  untimedOnly.untimed = {{"97010", 10, 10, "", "ota1"}};
  auto second = testing::client(server.url(), token);
  ASSERT_EQ(
      testing::must(second.put("/api/v1/sessions/" + untimedOnly.id, testing::upload(untimedOnly).dump()))
          .status,
      201);
  auto csv = sam.get("/console/api/exports/2026-11-26.csv");
  EXPECT_NE(csv->body.find("MRN1"), std::string::npos);
  EXPECT_NE(csv->body.find("MRN3"), std::string::npos);
  auto view = bodyOf(sam.get("/console/api/days/2026-11-26"));
  ASSERT_EQ(view["cosign"].size(), 2u) << view["cosign"].dump();
  EXPECT_EQ(view["cosign"][0]["id"], ota.id);
  EXPECT_EQ(view["cosign"][1]["id"], untimedOnly.id);
  EXPECT_EQ(view["cosign"][1]["assistants"], nlohmann::json::array({"ota1"}));
  EXPECT_EQ(view["policy"]["cosign_assistants"], false);

  // Only an admin changes settings; a malformed one is refused and changes nothing.
  const nlohmann::json both{{"review", {{"approved_only", true}, {"cosign_assistants", true}}}};
  EXPECT_EQ(sam.post("/console/api/settings", both)->status, 403);
  EXPECT_EQ(bea.post("/console/api/settings", both)->status, 403);
  auto bad = admin.post("/console/api/settings", {{"review", {{"approved_only", "yes"}}}});
  EXPECT_EQ(bad->status, 400) << bad->body;
  auto unknown = admin.post("/console/api/settings", {{"review", {{"bill_everything", true}}}});
  EXPECT_EQ(unknown->status, 400) << unknown->body;
  EXPECT_EQ(bodyOf(bea.get("/console/api/settings"))["review"]["approved_only"], false);
  auto set = admin.post("/console/api/settings", both);
  ASSERT_EQ(set->status, 200) << set->body;
  EXPECT_EQ(bodyOf(bea.get("/console/api/settings"))["review"]["cosign_assistants"], true);

  // Now nothing leaves: no day is approved and the assistant's session is not co-signed.
  csv = bea.get("/console/api/exports/2026-11-26.csv");
  EXPECT_EQ(csv->body.find("MRN1"), std::string::npos) << csv->body;
  EXPECT_EQ(csv->body.find("MRN3"), std::string::npos) << csv->body;
  // The supervisor API's exports follow the same policy, and its summary says why each is held.
  auto api = testing::client(server.url(), clinic.supervisorToken);
  auto apiCsv = testing::must(api.get("/api/v1/days/2026-11-26/charges.csv?clinic=north"));
  EXPECT_EQ(apiCsv.body.find("MRN1"), std::string::npos) << apiCsv.body;
  auto summary = testing::json(testing::must(api.get("/api/v1/days/2026-11-26/summary?clinic=north")));
  EXPECT_NE(summary.dump().find("awaiting-approval"), std::string::npos);
  EXPECT_NE(summary.dump().find("awaiting-co-sign"), std::string::npos);
  view = bodyOf(sam.get("/console/api/days/2026-11-26"));
  EXPECT_EQ(view["totals"]["awaiting_cosign"], 2);
  for (const auto& p : view["patients"]) EXPECT_FALSE(p["waiting"].empty()) << p.dump();

  // ota1's day cannot be approved before the co-sign; a biller cannot co-sign.
  acknowledgeAll(sam, "ota1");
  acknowledgeAll(sam, "ot1");
  auto early = sam.post("/console/api/approve", {{"date", "2026-11-26"}, {"clinician", "ota1"}});
  EXPECT_EQ(early->status, 409) << early->body;
  EXPECT_NE(early->body.find("co-sign"), std::string::npos) << early->body;
  auto billerCosign =
      bea.post("/console/api/cosign", {{"date", "2026-11-26"}, {"session", ota.id}, {"reason", ""}});
  EXPECT_EQ(billerCosign->status, 403);
  auto notAssistant =
      sam.post("/console/api/cosign", {{"date", "2026-11-26"}, {"session", ot.id}, {"reason", ""}});
  EXPECT_EQ(notAssistant->status, 404) << notAssistant->body;
  auto adminCosign =
      admin.post("/console/api/cosign", {{"date", "2026-11-26"}, {"session", ota.id}, {"reason", ""}});
  EXPECT_EQ(adminCosign->status, 403) << "a co-sign is a supervising therapist's";
  auto staleRevision = sam.post(
      "/console/api/cosign", {{"date", "2026-11-26"}, {"session", ota.id}, {"revision", 7}, {"reason", ""}});
  EXPECT_EQ(staleRevision->status, 409) << staleRevision->body;
  auto cosign = sam.post(
      "/console/api/cosign",
      {{"date", "2026-11-26"}, {"session", ota.id}, {"revision", 1}, {"reason", "Supervised on site"}});
  ASSERT_EQ(cosign->status, 200) << cosign->body;
  auto cosignUntimed = sam.post("/console/api/cosign", {{"date", "2026-11-26"}, {"session", untimedOnly.id}});
  ASSERT_EQ(cosignUntimed->status, 200) << cosignUntimed->body;
  // Co-signed but not approved: still held.
  csv = bea.get("/console/api/exports/2026-11-26.csv");
  EXPECT_EQ(csv->body.find("MRN3"), std::string::npos) << csv->body;
  // An approval of a day the page showed before it changed is refused; of the day as it is, taken.
  auto stale = sam.post("/console/api/approve",
                        {{"date", "2026-11-26"}, {"clinician", "ot1"}, {"hash", "0000000000000000"}});
  EXPECT_EQ(stale->status, 409) << stale->body;
  view = bodyOf(sam.get("/console/api/days/2026-11-26"));
  for (const auto& c : view["clinicians"]) {
    auto approved = sam.post("/console/api/approve",
                             {{"date", "2026-11-26"}, {"clinician", c["id"]}, {"hash", c["hash"]}});
    ASSERT_EQ(approved->status, 200) << approved->body;
  }
  csv = bea.get("/console/api/exports/2026-11-26.csv");
  EXPECT_NE(csv->body.find("MRN1"), std::string::npos) << csv->body;
  EXPECT_NE(csv->body.find("MRN3"), std::string::npos) << csv->body;

  // A correction of the assistant's session returns it to co-sign and to review; ot1's charge stays out.
  auto corrected = ota;
  corrected.revision = 2;
  corrected.corrections = {{0, "15:00:00", "15:25:00"}};
  auto device = testing::client(server.url(), token);
  ASSERT_EQ(testing::must(device.put("/api/v1/sessions/" + ota.id, testing::upload(corrected).dump())).status,
            201);
  view = bodyOf(sam.get("/console/api/days/2026-11-26"));
  EXPECT_FALSE(view["cosign"][0].contains("cosigned")) << view["cosign"].dump();
  EXPECT_EQ(view["cosign"][0]["revision"], 2);
  csv = bea.get("/console/api/exports/2026-11-26.csv");
  EXPECT_EQ(csv->body.find("MRN3"), std::string::npos) << csv->body;
  EXPECT_NE(csv->body.find("MRN1"), std::string::npos) << csv->body;

  // The settings change and the two co-signs are in the audit log, by whom.
  EXPECT_EQ(
      testing::queryCount(clinic.dataDir,
                          "SELECT COUNT(*) FROM audit_log WHERE user_id = 'ada' AND action = 'settings'"),
      1);
  EXPECT_EQ(testing::queryCount(clinic.dataDir,
                                "SELECT COUNT(*) FROM audit_log WHERE user_id = 'sam' AND action = 'cosign'"),
            2);
}

// Each kiosk reports its open and ended-but-unsigned sessions with its syncs; the Day page lists them
// until they are signed. A malformed or hostile report is refused whole and the last good one is kept.
TEST(Console, TheKiosksUnsignedSessionsAreListedAndABadReportIsRefused) {
  Clinic clinic;
  addUser(clinic, "sam", "supervisor");
  ServerProcess server(clinic.dataDir);
  auto token = testing::enroll(server.url(), clinic.enrollCode, "Room 2 kiosk");
  auto device = testing::client(server.url(), token);
  auto entry = [](int n, const std::string& state, const std::string& initials) {
    return nlohmann::json{{"id", sessionId(n)},   {"clinician", "ot1"},
                          {"date", "2026-11-26"}, {"state", state},
                          {"initials", initials}, {"started_at", "2026-11-26T14:05:00Z"}};
  };
  const nlohmann::json report{{"sessions", {entry(7, "open", "GH"), entry(8, "ended", "IJ")}}};
  auto put = testing::must(device.put("/api/v1/device/unsigned", report.dump()));
  ASSERT_EQ(put.status, 200) << put.body;

  Browser b(server.port());
  ASSERT_EQ(b.signIn("sam")->status, 200);
  auto view = bodyOf(b.get("/console/api/days/2026-11-26"));
  ASSERT_EQ(view["on_devices"].size(), 2u) << view["on_devices"].dump();
  EXPECT_EQ(view["on_devices"][0][0], "GH");
  EXPECT_EQ(view["on_devices"][0][2], "open");
  EXPECT_EQ(view["on_devices"][0][3], "14:05");
  EXPECT_EQ(view["on_devices"][0][4], "Room 2 kiosk");
  EXPECT_EQ(view["totals"]["unsigned_on_devices"], 2);
  EXPECT_TRUE(bodyOf(b.get("/console/api/days/2026-11-27"))["on_devices"].empty());

  // Refused whole, naming the field; the stored report stays as it was.
  auto tooMany = nlohmann::json{{"sessions", nlohmann::json::array()}};
  for (int i = 0; i < 501; ++i) tooMany["sessions"].push_back(entry(100 + i, "open", "AB"));
  auto control = entry(9, "open", "A\x01");
  auto longer = entry(9, "open", "ABCDE");
  auto extra = entry(9, "open", "AB");
  extra["name"] = "Jane Doe";
  const std::vector<std::pair<nlohmann::json, std::string>> refused{
      {nlohmann::json{{"sessions", {entry(9, "signed", "AB")}}}, "sessions[0].state"},
      {nlohmann::json{{"sessions", {control}}}, "sessions[0].initials"},
      {nlohmann::json{{"sessions", {longer}}}, "sessions[0].initials"},
      {nlohmann::json{{"sessions", {extra}}}, "sessions[0].name"},
      {nlohmann::json{{"sessions", {entry(9, "open", "AB"), entry(9, "open", "AB")}}}, "sessions[1].id"},
      {tooMany, "sessions"},
      {nlohmann::json::array(), "sessions"}};
  for (const auto& [body, field] : refused) {
    auto r = testing::must(device.put("/api/v1/device/unsigned", body.dump()));
    EXPECT_EQ(r.status, 400) << body.dump().substr(0, 200);
    EXPECT_EQ(testing::json(r)["field"], field) << r.body;
  }
  auto garbage = testing::must(device.put("/api/v1/device/unsigned", "{\"sessions\": [1, 2"));
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(bodyOf(b.get("/console/api/days/2026-11-26"))["on_devices"].size(), 2u);
  // A refused report is not a refused session upload: the day has no rejection from it.
  EXPECT_EQ(testing::queryCount(clinic.dataDir, "SELECT COUNT(*) FROM rejections"), 0);
  // Only a device reports; a supervisor token or no token cannot.
  auto api = testing::client(server.url(), clinic.supervisorToken);
  EXPECT_EQ(testing::must(api.put("/api/v1/device/unsigned", report.dump())).status, 403);

  // Session 8 is signed and uploaded: it leaves the list even before the kiosk's next report.
  RecordedSession signedOne;
  signedOne.id = sessionId(8);
  signedOne.mrn = "MRN8";
  signedOne.initials = "IJ";
  signedOne.segments = {{"97110", "14:05:00", "14:35:00"}};
  ASSERT_EQ(
      testing::must(device.put("/api/v1/sessions/" + signedOne.id, testing::upload(signedOne).dump())).status,
      201);
  view = bodyOf(b.get("/console/api/days/2026-11-26"));
  ASSERT_EQ(view["on_devices"].size(), 1u) << view["on_devices"].dump();
  EXPECT_EQ(view["on_devices"][0][0], "GH");
  // The next report replaces the last: an empty list clears the kiosk's rows.
  ASSERT_EQ(testing::must(device.put("/api/v1/device/unsigned", R"({"sessions": []})")).status, 200);
  EXPECT_TRUE(bodyOf(b.get("/console/api/days/2026-11-26"))["on_devices"].empty());
  // A revoked kiosk's last report is no longer listed.
  ASSERT_EQ(testing::must(device.put("/api/v1/device/unsigned", report.dump())).status, 200);
  EXPECT_EQ(bodyOf(b.get("/console/api/days/2026-11-26"))["on_devices"].size(), 1u);
  testing::Clinic::must({"device", "revoke", "--data-dir", clinic.dataDir, "--id", "1"});
  EXPECT_TRUE(bodyOf(b.get("/console/api/days/2026-11-26"))["on_devices"].empty());
}

// A browser accepts brotli, and the server answers it with gzip: brotli at the library's quality took 10 s
// of CPU for a large day (docs/bench-console.md). A client that accepts neither gets the plain body.
TEST(Console, ABrowsersAnswerIsCompressedWithGzipNotBrotli) {
  Clinic clinic;
  addUser(clinic, "sam", "supervisor");
  ServerProcess server(clinic.dataDir);
  uploadAll(clinic, server, overlappingDay());
  httplib::Client http("127.0.0.1", server.port());
  http.set_decompress(false);
  auto login = http.Post("/console/api/login",
                         nlohmann::json{{"user", "sam"}, {"password", kPassword}}.dump(), "application/json");
  ASSERT_EQ(login->status, 200);
  const auto cookie =
      login->get_header_value("Set-Cookie").substr(0, login->get_header_value("Set-Cookie").find(';'));
  auto day = http.Get("/console/api/days/2026-11-26",
                      {{"Cookie", cookie}, {"Accept-Encoding", "gzip, deflate, br, zstd"}});
  ASSERT_TRUE(day);
  EXPECT_EQ(day->status, 200);
  EXPECT_EQ(day->get_header_value("Content-Encoding"), "gzip");
  auto brOnly = http.Get("/console/api/days/2026-11-26", {{"Cookie", cookie}, {"Accept-Encoding", "br"}});
  ASSERT_TRUE(brOnly);
  EXPECT_EQ(brOnly->get_header_value("Content-Encoding"), "");
  EXPECT_TRUE(nlohmann::json::parse(brOnly->body, nullptr, false).is_object());
  auto refused =
      http.Get("/console/api/days/2026-11-26", {{"Cookie", cookie}, {"Accept-Encoding", "gzip;q=0, br"}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->get_header_value("Content-Encoding"), "") << "gzip;q=0 refuses gzip";
  auto script = http.Get("/console/console.js", {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_TRUE(script);
  EXPECT_EQ(script->get_header_value("Content-Encoding"), "gzip");
}

}  // namespace
}  // namespace unitclock::server
