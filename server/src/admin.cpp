#include <pthread.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#if UNITCLOCK_SERVER_HAS_PIN_HASHING
#include <unitclock/platform/pin_hash.h>
#endif
#include <unitclock/core/npi.h>
#include <unitclock/core/role.h>
#include <unitclock/platform/time_zone.h>
#include <unitclock/server/admin.h>
#include <unitclock/server/backup.h>
#include <unitclock/server/config.h>
#include <unitclock/server/database.h>
#include <unitclock/server/devices.h>
#include <unitclock/server/http_server.h>
#include <unitclock/server/ingest.h>
#include <unitclock/server/secrets.h>
#include <unitclock/server/wire.h>

#include "admin_commands.h"

namespace unitclock::server {
namespace {

int usageError(const std::string& message) {
  std::fprintf(stderr, "unitclock-server: %s\n(see unitclock-server COMMAND --help)\n", message.c_str());
  return 2;
}

int runtimeError(const std::string& message) {
  std::fprintf(stderr, "unitclock-server: %s\n", message.c_str());
  return 1;
}

std::string opt(const Args& a, const std::string& key, std::string fallback = {}) {
  auto it = a.options.find(key);
  return it == a.options.end() ? fallback : it->second;
}

// Runs `fn` on the database in one IMMEDIATE transaction.
template <class Fn>
int withDatabase(const Args& a, Fn fn) {
  auto db = openDatabase(opt(a, "data-dir"));
  if (!db) return runtimeError(db.error().message);
  auto tx = sql::Transaction::begin(*db, sql::TransactionKind::kImmediate);
  if (!tx) return runtimeError(tx.error().message);
  int rc = fn(*db);
  if (rc != 0) return rc;
  if (auto c = tx->commit(); !c) return runtimeError(c.error().message);
  return 0;
}

// Binds and runs a statement; returns an error message or empty.
template <class... T>
std::string execute(sql::Database& db, std::string_view sqlText, const T&... values) {
  auto st = db.prepare(sqlText);
  if (!st) return st.error().message;
  int index = 0;
  std::string err;
  (
      [&] {
        ++index;
        if (err.empty()) {
          if (auto b = st->bind(index, values); !b) err = b.error().message;
        }
      }(),
      ...);
  if (!err.empty()) return err;
  if (auto r = st->run(); !r) return r.error().message;
  return {};
}

bool clinicExists(sql::Database& db, const std::string& id) {
  auto st = db.prepare("SELECT 1 FROM clinics WHERE id = ?1");
  if (!st || !st->bind(1, id)) return false;
  auto r = st->step();
  return r && r.value();
}

bool isIdentifier(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

}  // namespace

int backupCommand(const Args& a) {
  int keep = 0;
  if (a.options.count("keep")) {
    try {
      keep = std::stoi(opt(a, "keep"));
    } catch (const std::exception&) {
      keep = -1;
    }
    if (keep < 1) return usageError("--keep takes a number of backups, 1 or more");
  }
  auto r = backupDatabase(opt(a, "data-dir"), opt(a, "to"), keep);
  if (!r) return runtimeError(r.error().message);
  std::printf("backed up to %s (%ju bytes, integrity checked)%s\n", r->file.c_str(), r->bytes,
              r->removed > 0 ? (", removed " + std::to_string(r->removed) + " older").c_str() : "");
  return 0;
}

int restoreCommand(const Args& a) {
  auto r = restoreDatabase(opt(a, "from"), opt(a, "data-dir"));
  if (!r) return runtimeError(r.error().message);
  std::printf("restored %s into %s (schema %d)\n", opt(a, "from").c_str(),
              databasePath(opt(a, "data-dir")).c_str(), r.value());
  return 0;
}

namespace {

// 127.0.0.0/8, ::1 and localhost: addresses no other machine reaches.
bool isLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// Text from outside (a device's label) for a terminal: control characters as \xHH.
std::string printable(const std::string& text) {
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace

int serveCommand(const Args& a) {
  ServeOptions o;
  o.dataDir = opt(a, "data-dir");
  if (auto listen = opt(a, "listen"); !listen.empty()) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) return usageError("--listen must be HOST:PORT");
    o.host = listen.substr(0, colon);
    if (o.host.size() > 2 && o.host.front() == '[' && o.host.back() == ']')
      o.host = o.host.substr(1, o.host.size() - 2);
    try {
      o.port = std::stoi(listen.substr(colon + 1));
    } catch (...) {
      return usageError("--listen must be HOST:PORT");
    }
    if (o.port < 0 || o.port > 65535 || o.host.empty()) return usageError("--listen must be HOST:PORT");
  }
  o.tlsCert = opt(a, "tls-cert");
  o.hl7ProcessingId = opt(a, "hl7-processing-id", "P");
  if (o.hl7ProcessingId != "P" && o.hl7ProcessingId != "T")
    return usageError("--hl7-processing-id must be P (production) or T (training)");
  o.tlsKey = opt(a, "tls-key");
  if (a.options.count("insecure-http")) {
    const auto v = opt(a, "insecure-http");
    if (v != "yes" && v != "true" && v != "1") return usageError("--insecure-http takes yes");
    if (!o.tlsCert.empty()) return usageError("--insecure-http and --tls-cert exclude each other");
    o.insecureHttp = true;
  }
  if (!isLoopback(o.host) && o.tlsCert.empty() && !o.insecureHttp) {
    return usageError("refusing plain HTTP on " + o.host +
                      ": device tokens and patient data would cross the network unencrypted. Give "
                      "--tls-cert and --tls-key, or --insecure-http yes when a TLS-terminating proxy on "
                      "this host forwards to it");
  }
  try {
    if (a.options.count("max-body")) o.maxBodyBytes = std::stoul(opt(a, "max-body"));
    if (a.options.count("rate")) o.rateLimit.perSecond = std::stod(opt(a, "rate"));
    if (a.options.count("burst")) o.rateLimit.burst = std::stod(opt(a, "burst"));
    if (a.options.count("threads")) o.threads = std::stoi(opt(a, "threads"));
    if (a.options.count("max-connections")) o.maxConnections = std::stoul(opt(a, "max-connections"));
  } catch (...) {
    return usageError("--max-body, --rate, --burst, --threads and --max-connections take numbers");
  }
  if (o.rateLimit.perSecond <= 0 || o.rateLimit.burst < 1 || o.threads < 1) {
    return usageError("--rate must be > 0, --burst >= 1, --threads >= 1");
  }
  // SIGTERM/SIGINT are taken by a thread of their own (sigwait), blocked everywhere else before any
  // other thread starts; that thread stops the server, repeating until run() has returned, since a stop
  // that arrives before the listen loop began would otherwise be lost.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  auto server = HttpServer::create(o);
  if (!server) return runtimeError(server.error().message);
  auto port = server.value()->bind();
  if (!port) return runtimeError(port.error().message);
  std::atomic<bool> finished{false};
  HttpServer* http = server.value().get();
  std::thread signalThread([&] {
    int sig = 0;
    sigwait(&stopSignals, &sig);
    while (!finished) {
      http->stop();
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
  });
  if (o.insecureHttp && !isLoopback(o.host)) {
    std::fprintf(stderr,
                 "unitclock-server: serving plain HTTP on %s (--insecure-http): only a TLS-terminating proxy "
                 "on this host may reach it\n",
                 o.host.c_str());
  }
  std::printf("listening %s\n", http->url().c_str());
  std::fflush(stdout);
  http->run();
  finished = true;
  ::kill(::getpid(), SIGTERM);  // wakes the signal thread if the server stopped by itself
  signalThread.join();
  std::fprintf(stderr, "unitclock-server: stopped\n");
  return 0;
}

int initCommand(const Args& a) {
  auto v = initDataDir(opt(a, "data-dir"));
  if (!v) return runtimeError(v.error().message);
  std::printf("initialised %s (schema %d)\n", databasePath(opt(a, "data-dir")).c_str(), v.value());
  return 0;
}

namespace {

// Prints the rows of `query` (bound to `values`) as tab-separated text under a header line; text from
// outside (labels, messages) through printable().
template <class... T>
int printTable(const Args& a, const char* header, std::string_view query, const T&... values) {
  return withDatabase(a, [&](sql::Database& db) {
    auto st = db.prepare(query);
    if (!st) return runtimeError(st.error().message);
    int index = 0;
    bool bound = true;
    ((bound = bound && static_cast<bool>(st->bind(++index, values))), ...);
    if (!bound) return runtimeError("cannot read the database");
    std::printf("%s\n", header);
    const int columns = static_cast<int>(std::count(header, header + std::strlen(header), '\t')) + 1;
    while (true) {
      auto r = st->step();
      if (!r) return runtimeError(r.error().message);
      if (!r.value()) break;
      std::string line;
      for (int c = 0; c < columns; ++c) line += (c ? "\t" : "") + printable(st->columnText(c));
      std::printf("%s\n", line.c_str());
    }
    return 0;
  });
}

}  // namespace

int clinicListCommand(const Args& a) {
  return printTable(a, "id\tname\ttimezone\tmin_pin_digits\tcreated_at",
                    "SELECT id, name, timezone, min_pin_digits, created_at FROM clinics ORDER BY id");
}

int clinicianListCommand(const Args& a) {
  // Whether a PIN is set, never the hash.
  return printTable(
      a, "id\tclinic\tname\trole\tnpi\tpin\tactive",
      "SELECT id, clinic_id, name, role, npi, CASE WHEN pin_hash = '' THEN 'none' ELSE 'set' END, "
      "CASE WHEN active = 1 THEN 'yes' ELSE 'no' END FROM clinicians "
      "WHERE ?1 = '' OR clinic_id = ?1 ORDER BY clinic_id, id",
      opt(a, "clinic"));
}

int tokenListCommand(const Args& a) {
  return printTable(
      a, "id\trole\tclinic\tlabel\tcreated_at\trevoked_at",
      "SELECT id, role, COALESCE(clinic_id, '(all)'), label, created_at, COALESCE(revoked_at, '') "
      "FROM api_tokens WHERE ?1 = '' OR clinic_id = ?1 ORDER BY id",
      opt(a, "clinic"));
}

int rejectionListCommand(const Args& a) {
  if (a.options.count("day") && !isCalendarDate(opt(a, "day"))) return usageError("--day must be YYYY-MM-DD");
  std::int64_t limit = 100;
  try {
    if (a.options.count("limit")) limit = std::stoll(opt(a, "limit"));
  } catch (...) {
    limit = 0;
  }
  if (limit < 1) return usageError("--limit takes a number of rows, 1 or more");
  return printTable(a, "id\tclinic\tday\tdevice\tsession\tstatus\tfield\tmessage\treceived_at",
                    "SELECT id, clinic_id, day, device_id, session_id, status, field, message, received_at "
                    "FROM rejections WHERE (?1 = '' OR clinic_id = ?1) AND (?2 = '' OR day = ?2) "
                    "ORDER BY id DESC LIMIT ?3",
                    opt(a, "clinic"), opt(a, "day"), limit);
}

int clinicAddCommand(const Args& a) {
  if (!isIdentifier(opt(a, "id"))) return usageError("--id takes letters, digits, '-', '_' or '.'");
  const auto zone = opt(a, "timezone", "UTC");
  if (!platform::isKnownTimeZone(zone))
    return usageError("--timezone must name an IANA time zone, like America/Chicago");
  int minPin = 6;
  try {
    if (a.options.count("min-pin-digits")) minPin = std::stoi(opt(a, "min-pin-digits"));
  } catch (...) {
    return usageError("--min-pin-digits takes a number");
  }
  if (minPin < 4 || minPin > 12) return usageError("--min-pin-digits must be between 4 and 12");
  return withDatabase(a, [&](sql::Database& db) {
    if (clinicExists(db, opt(a, "id"))) return runtimeError("clinic " + opt(a, "id") + " already exists");
    auto err = execute(db,
                       "INSERT INTO clinics(id, name, timezone, created_at, min_pin_digits) "
                       "VALUES(?1, ?2, ?3, ?4, ?5)",
                       opt(a, "id"), opt(a, "name"), zone, nowUtc(), minPin);
    if (!err.empty()) return runtimeError(err);
    std::printf("clinic %s added\n", opt(a, "id").c_str());
    return 0;
  });
}

namespace {

// A PIN from standard input. On a terminal it is asked for twice without being shown; from a pipe or a
// file, the first line is the PIN.
core::Result<std::string, std::string> readPin() {
  auto readLine = [](std::string& line) {
    line.clear();
    int c;
    while ((c = std::fgetc(stdin)) != EOF && c != '\n') {
      if (line.size() > 64) return false;  // no PIN is this long: not what was meant to be read
      line += static_cast<char>(c);
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return c != EOF || !line.empty();
  };
  if (!::isatty(STDIN_FILENO)) {
    std::string pin;
    if (!readLine(pin)) return fail(std::string("--pin-stdin: no PIN on standard input"));
    return pin;
  }
  termios saved{};
  ::tcgetattr(STDIN_FILENO, &saved);
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  std::string first, second;
  std::fputs("PIN: ", stderr);
  const bool gotFirst = readLine(first);
  std::fputs("\nPIN again: ", stderr);
  const bool gotSecond = gotFirst && readLine(second);
  std::fputs("\n", stderr);
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  if (!gotFirst || !gotSecond) return fail(std::string("no PIN given"));
  if (first != second) return fail(std::string("the two PINs differ; nothing was changed"));
  return first;
}

}  // namespace

int clinicianAddCommand(const Args& a) {
  // The NPI and the name parts go on claims (HL7 XCN, FHIR performer): checked here, not by the payer.
  if (a.options.count("npi") && !core::isValidNpi(opt(a, "npi")))
    return usageError("--npi must be a 10-digit NPI with a valid check digit");
  if (a.options.count("family-name") != a.options.count("given-name"))
    return usageError("give --family-name and --given-name together");
  // Roles are core's (core::Role), stored in its lower-case spelling whatever case was typed. An
  // administrator of a kiosk is made on the kiosk; the server's roster has clinicians and supervisors.
  const auto role = core::parseRole(opt(a, "role"));
  if (!role || *role == core::Role::admin)
    return usageError("--role must be one of ot, ota, pt, pta, slp, supervisor");
  const std::string roleName(core::toString(*role));
  if (!isIdentifier(opt(a, "id"))) return usageError("--id takes letters, digits, '-', '_' or '.'");
  if (a.options.count("pin")) {
    return usageError(
        "--pin would show the PIN to every user of this machine (ps) and keep it in shell history; give "
        "--pin-stdin and type it, or pipe it in");
  }
  const bool pinFromStdin = a.options.count("pin-stdin") > 0;
  if (pinFromStdin && a.options.count("pin-hash"))
    return usageError("give --pin-stdin or --pin-hash, not both");
  if (auto h = opt(a, "pin-hash"); !h.empty() && h.rfind("$argon2id$", 0) != 0)
    return usageError("--pin-hash must be an Argon2id hash string ($argon2id$...)");
  std::string pin;
  if (pinFromStdin) {
    auto read = readPin();
    if (!read) return runtimeError(read.error());
    pin = std::move(read).value();
    if (pin.size() < 4 || pin.size() > 12 || pin.find_first_not_of("0123456789") != std::string::npos)
      return runtimeError("a PIN is 4 to 12 digits");
  }
  return withDatabase(a, [&](sql::Database& db) {
    auto clinic = db.prepare("SELECT min_pin_digits FROM clinics WHERE id = ?1");
    if (!clinic || !clinic->bind(1, opt(a, "clinic"))) return runtimeError("cannot read the clinic");
    auto found = clinic->step();
    if (!found) return runtimeError(found.error().message);
    if (!found.value()) return runtimeError("no clinic " + opt(a, "clinic"));
    const auto minDigits = static_cast<std::size_t>(clinic->columnInt(0));
    if (pinFromStdin && pin.size() < minDigits) {
      return runtimeError("clinic " + opt(a, "clinic") + " needs PINs of at least " +
                          std::to_string(minDigits) + " digits (clinic add --min-pin-digits)");
    }
    // An id names one person in one clinic: moving someone is an admin decision, not a side effect.
    auto existing = db.prepare("SELECT clinic_id FROM clinicians WHERE id = ?1");
    if (!existing || !existing->bind(1, opt(a, "id"))) return runtimeError("cannot read the roster");
    auto row = existing->step();
    if (!row) return runtimeError(row.error().message);
    const bool exists = row.value();
    if (exists && existing->columnText(0) != opt(a, "clinic")) {
      return runtimeError("clinician " + opt(a, "id") + " belongs to clinic " + existing->columnText(0) +
                          "; remove them there or choose another id");
    }
    const bool newPin = pinFromStdin || a.options.count("pin-hash");
    std::string hash = opt(a, "pin-hash");
    if (pinFromStdin) {
#if UNITCLOCK_SERVER_HAS_PIN_HASHING
      // Served to every kiosk of the clinic, so hashed at more than the kiosk's own cost (docs/server.md,
      // threat model): the kiosk's passes over 4 times its memory, 4 times the work per guess.
      platform::PinHashLimits limits;
      limits.memLimitBytes = 64u << 20;  // 64 MiB, against the kiosk's 16 MiB
      limits.opsLimit = platform::PinHashLimits{}.opsLimit;
      platform::PinHashFailure failure{};
      auto h = platform::hashPin(pin, limits, &failure);
      if (!h) return runtimeError("cannot hash the PIN: " + failure.message);
      hash = *h;
#else
      return runtimeError("this build cannot hash PINs; give --pin-hash");
#endif
    }
    std::string err;
    if (!exists) {
      err =
          execute(db,
                  "INSERT INTO clinicians(id, clinic_id, name, role, pin_hash, npi, family_name, given_name) "
                  "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                  opt(a, "id"), opt(a, "clinic"), opt(a, "name"), roleName, hash, opt(a, "npi"),
                  opt(a, "family-name"), opt(a, "given-name"));
    } else {
      // An NPI or name parts given replace the stored ones; left out, they are kept.
      err = execute(db,
                    "UPDATE clinicians SET name = ?2, role = ?3, npi = COALESCE(NULLIF(?4, ''), npi), "
                    "family_name = COALESCE(NULLIF(?5, ''), family_name), "
                    "given_name = COALESCE(NULLIF(?6, ''), given_name), active = 1 WHERE id = ?1",
                    opt(a, "id"), opt(a, "name"), roleName, opt(a, "npi"), opt(a, "family-name"),
                    opt(a, "given-name"));
      if (err.empty() && newPin)
        err = execute(db, "UPDATE clinicians SET pin_hash = ?2 WHERE id = ?1", opt(a, "id"), hash);
    }
    if (!err.empty()) return runtimeError(err);
    if (!exists) {
      std::printf("clinician %s added to clinic %s\n", opt(a, "id").c_str(), opt(a, "clinic").c_str());
    } else {
      std::printf("clinician %s updated in clinic %s%s\n", opt(a, "id").c_str(), opt(a, "clinic").c_str(),
                  newPin ? "; PIN replaced" : "; PIN kept");
    }
    return 0;
  });
}

int clinicianRemoveCommand(const Args& a) {
  return withDatabase(a, [&](sql::Database& db) {
    auto err = execute(db, "UPDATE clinicians SET active = 0 WHERE id = ?1", opt(a, "id"));
    if (!err.empty()) return runtimeError(err);
    if (db.changes() == 0) return runtimeError("no clinician " + opt(a, "id"));
    std::printf("clinician %s removed from the roster\n", opt(a, "id").c_str());
    return 0;
  });
}

int enrollCodeCommand(const Args& a) {
  int hours = 24;
  try {
    if (a.options.count("valid-hours")) hours = std::stoi(opt(a, "valid-hours"));
  } catch (...) {
    return usageError("--valid-hours takes a number");
  }
  if (hours < 1 || hours > 24 * 30) return usageError("--valid-hours must be between 1 and 720");
  return withDatabase(a, [&](sql::Database& db) {
    if (!clinicExists(db, opt(a, "clinic"))) return runtimeError("no clinic " + opt(a, "clinic"));
    auto code = newEnrollmentCode();
    auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    auto err = execute(
        db,
        "INSERT INTO enrollment_codes(code_hash, clinic_id, created_at, expires_at) VALUES(?1, ?2, ?3, ?4)",
        sha256Hex(normalizeEnrollmentCode(code)), opt(a, "clinic"), formatUtcTimestamp(now),
        formatUtcTimestamp(now + std::chrono::hours{hours}));
    if (!err.empty()) return runtimeError(err);
    std::printf("%s\n", code.c_str());
    return 0;
  });
}

int deviceListCommand(const Args& a) {
  return withDatabase(a, [&](sql::Database& db) {
    auto devices = listDevices(db, opt(a, "clinic"));
    if (!devices) return runtimeError(devices.error().message);
    std::printf("id\tclinic\tlabel\tenrolled_at\trevoked_at\tlast_seen_at\tapp_version\tpending_uploads\n");
    for (const auto& d : devices.value()) {
      std::printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", static_cast<long long>(d.id), d.clinic.c_str(),
                  printable(d.label).c_str(), d.enrolledAt.c_str(), d.revokedAt.value_or("").c_str(),
                  d.lastSeenAt.value_or("").c_str(), printable(d.appVersion).c_str(),
                  d.pendingUploads ? std::to_string(*d.pendingUploads).c_str() : "");
    }
    return 0;
  });
}

namespace {

int revoke(const Args& a, const char* table, const char* what) {
  long long id = 0;
  try {
    id = std::stoll(opt(a, "id"));
  } catch (...) {
    return usageError("--id takes a number");
  }
  return withDatabase(a, [&](sql::Database& db) {
    auto err = execute(
        db, std::string("UPDATE ") + table + " SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
        nowUtc(), static_cast<std::int64_t>(id));
    if (!err.empty()) return runtimeError(err);
    if (db.changes() == 0) return runtimeError(std::string("no active ") + what + " " + std::to_string(id));
    std::printf("%s %lld revoked\n", what, id);
    return 0;
  });
}

}  // namespace

int deviceRevokeCommand(const Args& a) {
  return revoke(a, "devices", "device");
}

int tokenRevokeCommand(const Args& a) {
  return revoke(a, "api_tokens", "token");
}

int sessionTransferCommand(const Args& a) {
  long long device = 0;
  try {
    device = std::stoll(opt(a, "to-device"));
  } catch (...) {
    return usageError("--to-device takes a device id (device list)");
  }
  if (!isSessionId(opt(a, "session"))) return usageError("--session takes a session id in lower case");
  return withDatabase(a, [&](sql::Database& db) {
    auto moved = transferSession(db, opt(a, "clinic"), opt(a, "session"), device);
    if (!moved) return runtimeError(moved.error().message);
    std::printf("session %s now belongs to device %lld\n", opt(a, "session").c_str(), device);
    return 0;
  });
}

int tokenAddCommand(const Args& a) {
  if (opt(a, "role") != "supervisor") return usageError("--role must be supervisor");
  return withDatabase(a, [&](sql::Database& db) {
    if (a.options.count("clinic") && !clinicExists(db, opt(a, "clinic")))
      return runtimeError("no clinic " + opt(a, "clinic"));
    auto token = newToken();
    auto st = db.prepare(
        "INSERT INTO api_tokens(token_hash, role, clinic_id, label, created_at) VALUES(?1, ?2, ?3, ?4, ?5)");
    if (!st) return runtimeError(st.error().message);
    std::optional<std::string> clinic;
    if (a.options.count("clinic")) clinic = opt(a, "clinic");
    if (!st->bind(1, sha256Hex(token)) || !st->bind(2, opt(a, "role")) || !st->bind(3, clinic) ||
        !st->bind(4, opt(a, "label")) || !st->bind(5, nowUtc())) {
      return runtimeError("cannot store the token");
    }
    if (auto r = st->run(); !r) return runtimeError(r.error().message);
    std::fprintf(stderr, "token id %lld (use it with `token revoke --id`); the token is shown only now:\n",
                 static_cast<long long>(db.lastInsertRowId()));
    std::printf("%s\n", token.c_str());
    return 0;
  });
}

int configSetCommand(const Args& a) {
  if (!isConfigDocumentName(opt(a, "name")))
    return usageError("--name must be payers, catalog or favourites");
  std::ifstream in(opt(a, "file"), std::ios::binary);
  if (!in) return runtimeError("cannot read " + opt(a, "file"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  // Served to every kiosk inside /config: no deeper than an upload may be (WireLimits::kMaxJsonDepth).
  auto parsed = parseJsonBody(buffer.str());
  if (!parsed) return runtimeError(opt(a, "file") + ": " + parsed.error().message);
  const auto& doc = parsed.value();
  // Devices read it and the server recomputes units with it: refuse what either could not use.
  if (auto checked = checkConfigDocument(opt(a, "name"), doc); !checked)
    return runtimeError(opt(a, "file") + ": " + checked.error());
  return withDatabase(a, [&](sql::Database& db) {
    if (!clinicExists(db, opt(a, "clinic"))) return runtimeError("no clinic " + opt(a, "clinic"));
    auto err = execute(db,
                       "INSERT INTO clinic_documents(clinic_id, name, body) VALUES(?1, ?2, ?3) "
                       "ON CONFLICT(clinic_id, name) DO UPDATE SET body = excluded.body",
                       opt(a, "clinic"), opt(a, "name"), doc.dump());
    if (!err.empty()) return runtimeError(err);
    std::printf("%s set for clinic %s\n", opt(a, "name").c_str(), opt(a, "clinic").c_str());
    return 0;
  });
}

int scheduleAddCommand(const Args& a) {
  if (!isCalendarDate(opt(a, "date"))) return usageError("--date must be YYYY-MM-DD");
  // Served to devices in /config (wire::ScheduleEntry): a discipline they could not read is refused here.
  if (!opt(a, "discipline").empty() && !core::parseDiscipline(opt(a, "discipline")))
    return usageError("--discipline must be ot, pt or slp");
  return withDatabase(a, [&](sql::Database& db) {
    if (!clinicExists(db, opt(a, "clinic"))) return runtimeError("no clinic " + opt(a, "clinic"));
    auto err =
        execute(db,
                "INSERT INTO schedule(clinic_id, date, time, mrn, initials, payer, discipline, clinician_id) "
                "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                opt(a, "clinic"), opt(a, "date"), opt(a, "time"), opt(a, "mrn"), opt(a, "initials"),
                opt(a, "payer"), opt(a, "discipline"), opt(a, "clinician"));
    if (!err.empty()) return runtimeError(err);
    std::printf("schedule entry added\n");
    return 0;
  });
}

}  // namespace unitclock::server
