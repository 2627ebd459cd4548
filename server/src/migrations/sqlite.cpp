// The SQLite store's schema, as numbered steps (migrations.h). SQLite's dialect: INTEGER PRIMARY KEY row
// ids, WITHOUT ROWID tables, TEXT timestamps.
#include "migrations.h"

#include <array>

namespace unitclock::server::migrations {
namespace {

// [SECTION] Schema. Never edit a step once released: add a new one.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE clinics(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  timezone TEXT NOT NULL DEFAULT 'UTC',
  created_at TEXT NOT NULL);
CREATE TABLE clinicians(
  id TEXT PRIMARY KEY,
  clinic_id TEXT NOT NULL REFERENCES clinics(id),
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  pin_hash TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1);
CREATE INDEX clinicians_by_clinic ON clinicians(clinic_id);
CREATE TABLE devices(
  id INTEGER PRIMARY KEY,
  clinic_id TEXT NOT NULL REFERENCES clinics(id),
  label TEXT NOT NULL DEFAULT '',
  token_hash TEXT NOT NULL UNIQUE,
  enrolled_at TEXT NOT NULL,
  revoked_at TEXT);
CREATE TABLE enrollment_codes(
  code_hash TEXT PRIMARY KEY,
  clinic_id TEXT NOT NULL REFERENCES clinics(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  device_id INTEGER REFERENCES devices(id));
CREATE TABLE api_tokens(
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  clinic_id TEXT REFERENCES clinics(id),
  label TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  revoked_at TEXT);
CREATE TABLE clinic_documents(
  clinic_id TEXT NOT NULL REFERENCES clinics(id),
  name TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY(clinic_id, name));
CREATE TABLE schedule(
  id INTEGER PRIMARY KEY,
  clinic_id TEXT NOT NULL REFERENCES clinics(id),
  date TEXT NOT NULL,
  time TEXT NOT NULL DEFAULT '',
  mrn TEXT NOT NULL,
  initials TEXT NOT NULL DEFAULT '',
  payer TEXT NOT NULL DEFAULT '',
  discipline TEXT NOT NULL DEFAULT '',
  clinician_id TEXT NOT NULL DEFAULT '');
CREATE INDEX schedule_by_day ON schedule(clinic_id, date);
CREATE TABLE sessions(
  id TEXT PRIMARY KEY,
  clinic_id TEXT NOT NULL REFERENCES clinics(id),
  device_id INTEGER NOT NULL REFERENCES devices(id),
  revision INTEGER NOT NULL,
  body_hash TEXT NOT NULL,
  service_date TEXT NOT NULL,
  status TEXT NOT NULL,
  facts TEXT NOT NULL,
  received_at TEXT NOT NULL);
CREATE TABLE session_revisions(
  session_id TEXT NOT NULL REFERENCES sessions(id),
  revision INTEGER NOT NULL,
  body_hash TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  device_id INTEGER NOT NULL REFERENCES devices(id),
  body TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY(session_id, revision)) WITHOUT ROWID;
CREATE TABLE session_days(
  clinic_id TEXT NOT NULL,
  date TEXT NOT NULL,
  session_id TEXT NOT NULL REFERENCES sessions(id),
  PRIMARY KEY(clinic_id, date, session_id)) WITHOUT ROWID;
CREATE TABLE rejections(
  id INTEGER PRIMARY KEY,
  clinic_id TEXT NOT NULL,
  device_id INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  status INTEGER NOT NULL,
  field TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL,
  received_at TEXT NOT NULL,
  received_date TEXT NOT NULL);
CREATE INDEX rejections_by_day ON rejections(clinic_id, received_date);
CREATE TABLE rate_buckets(
  device_id INTEGER PRIMARY KEY,
  tokens REAL NOT NULL,
  updated_ms INTEGER NOT NULL);
)sql";

// A refused upload is listed under the clinic-local day of the session it concerns (docs/sync-api.md,
// "Refused uploads"), not under the UTC date it arrived: `day` holds that day. Rows written before this
// step keep their arrival date, the best that is known of them.
constexpr std::string_view kSchemaV2 = R"sql(
ALTER TABLE rejections ADD COLUMN day TEXT NOT NULL DEFAULT '';
UPDATE rejections SET day = received_date;
CREATE INDEX rejections_by_session_day ON rejections(clinic_id, day);
)sql";

// Billing exports (docs/sync-api.md): the rendering clinician's NPI and name parts for HL7 XCN and FHIR,
// and the supervisors' releases of held patient-days, which are also their audit record (who = the
// supervisor token, when, why, and the content they released: a later change of the patient-day's
// content holds it again).
constexpr std::string_view kSchemaV3 = R"sql(
ALTER TABLE clinicians ADD COLUMN npi TEXT NOT NULL DEFAULT '';
ALTER TABLE clinicians ADD COLUMN family_name TEXT NOT NULL DEFAULT '';
ALTER TABLE clinicians ADD COLUMN given_name TEXT NOT NULL DEFAULT '';
CREATE TABLE charge_releases(
  id INTEGER PRIMARY KEY,
  clinic_id TEXT NOT NULL REFERENCES clinics(id),
  date TEXT NOT NULL,
  patient_mrn TEXT NOT NULL,
  discipline TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  flags TEXT NOT NULL,
  reason TEXT NOT NULL,
  released_by INTEGER NOT NULL REFERENCES api_tokens(id),
  released_at TEXT NOT NULL);
CREATE INDEX charge_releases_by_day ON charge_releases(clinic_id, date);
)sql";

// The fewest digits a new clinician's PIN may have in a clinic. Six by default: the roster's hashes reach
// every kiosk, and a stolen kiosk can search them offline.
constexpr std::string_view kSchemaV4 = R"sql(
ALTER TABLE clinics ADD COLUMN min_pin_digits INTEGER NOT NULL DEFAULT 6;
)sql";

// The server replays each session's event log for the day's summary: a session's facts hold its whole
// latest upload, log included (before, the log was only in session_revisions).
constexpr std::string_view kSchemaV5 = R"sql(
UPDATE sessions SET facts = (SELECT r.body FROM session_revisions r
                             WHERE r.session_id = sessions.id AND r.revision = sessions.revision)
WHERE EXISTS (SELECT 1 FROM session_revisions r WHERE r.session_id = sessions.id AND r.revision = sessions.revision);
)sql";

// What the administrators see of each device (`device list`, GET /metrics): when it last called the
// server (UTC, refreshed at most once a minute while nothing else changes), the app version from its
// User-Agent, and the uploads waiting in its outbox as it last reported them (NULL until it does).
constexpr std::string_view kSchemaV6 = R"sql(
ALTER TABLE devices ADD COLUMN last_seen_at TEXT;
ALTER TABLE devices ADD COLUMN app_version TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN pending_uploads INTEGER;
)sql";

// The web console (docs/console.md): its users (a password hash, never a PIN; failed sign-ins and a
// lock-out time), their signed-in sessions (the cookie's SHA-256, its CSRF token, the last request for the
// idle logoff), the audit log of what they did, and the decisions they take on a clinic's day (approve a
// clinician's day, acknowledge a flag, release a held patient-day), each for the content it was taken on:
// a later change of that content returns it to review.
constexpr std::string_view kSchemaV7 = R"sql(
CREATE TABLE console_users(
  id TEXT PRIMARY KEY,
  clinic_id TEXT NOT NULL REFERENCES clinics(id),
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT,
  created_at TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE console_sessions(
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES console_users(id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_active_ms INTEGER NOT NULL);
CREATE TABLE audit_log(
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  clinic_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL);
CREATE INDEX audit_log_by_clinic ON audit_log(clinic_id, id);
CREATE TABLE day_decisions(
  id INTEGER PRIMARY KEY,
  clinic_id TEXT NOT NULL REFERENCES clinics(id),
  date TEXT NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  reason TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL);
CREATE INDEX day_decisions_by_day ON day_decisions(clinic_id, date);
)sql";

// Step 8: what each device reports with its syncs as not yet signed (open, or ended and unsigned):
// replaced whole by each report, no more patient data than initials.
constexpr std::string_view kSchemaV8 = R"sql(
CREATE TABLE device_unsigned(
  device_id INTEGER NOT NULL REFERENCES devices(id),
  session_id TEXT NOT NULL,
  clinic_id TEXT NOT NULL REFERENCES clinics(id),
  date TEXT NOT NULL,
  clinician_id TEXT NOT NULL,
  initials TEXT NOT NULL,
  state TEXT NOT NULL,
  started_at TEXT NOT NULL,
  reported_at TEXT NOT NULL,
  PRIMARY KEY(device_id, session_id));
CREATE INDEX device_unsigned_by_day ON device_unsigned(clinic_id, date);
)sql";

constexpr std::array<Step, 8> kSteps{{{1, kSchemaV1},
                                      {2, kSchemaV2},
                                      {3, kSchemaV3},
                                      {4, kSchemaV4},
                                      {5, kSchemaV5},
                                      {6, kSchemaV6},
                                      {7, kSchemaV7},
                                      {8, kSchemaV8}}};

}  // namespace

std::span<const Step> sqlite() {
  return kSteps;
}

}  // namespace unitclock::server::migrations
