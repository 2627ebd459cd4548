#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
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
#include <unitclock/platform/time_zone.h>
#include <unitclock/server/admin.h>
#include <unitclock/server/backup.h>
#include <unitclock/server/config.h>
#include <unitclock/server/database.h>
#include <unitclock/server/http_server.h>
#include <unitclock/server/ingest.h>
#include <unitclock/server/secrets.h>
#include <unitclock/server/wire.h>

namespace unitclock::server {
namespace {

constexpr const char* kUsage = R"(usage: unitclock-server COMMAND --data-dir DIR [options]

  serve [--listen HOST:PORT] [--tls-cert FILE --tls-key FILE | --insecure-http yes] [--max-body BYTES]
        [--rate PER_SECOND] [--burst N] [--threads N] [--max-connections N] [--hl7-processing-id P|T]
                                 serve API v1 (default 127.0.0.1:8470; port 0 picks a free port);
                                 an address other than loopback needs TLS, or --insecure-http yes
                                 behind a TLS-terminating proxy on the same host
  init                           create the data directory and database
  backup --to FILE|DIR [--keep N]  a consistent copy while serving (0600, integrity-checked); into a
                                 directory as unitclock-server-YYYYMMDDTHHMMSSZ.db, keeping the newest N
  restore --from FILE            restore a backup into --data-dir, which must not hold a database yet
  clinic add --id ID --name NAME [--timezone ZONE] [--min-pin-digits N (default 6)]
  clinician add --clinic ID --id ID --name NAME --role ot|ota|pt|pta|slp|supervisor [--pin PIN | --pin-hash HASH]
                [--npi NPI] [--family-name NAME --given-name NAME]
  clinician remove --id ID
  device enroll-code --clinic ID [--valid-hours N]    prints a one-time enrollment code
  device list [--clinic ID]
  device revoke --id DEVICE_ID
  token add --role supervisor [--clinic ID] [--label TEXT]   prints a supervisor token
  token revoke --id TOKEN_ID
  session transfer --clinic ID --session SESSION_ID --to-device DEVICE_ID
                                 let another device of the clinic revise or void a session (a
                                 replaced tablet); until then only the device that uploaded it may
  config set --clinic ID --name payers|catalog|favourites --file FILE.json
  schedule add --clinic ID --date YYYY-MM-DD --mrn MRN --initials AB [--time HH:MM] [--payer NAME]
               [--discipline ot|pt|slp] [--clinician ID]
)";

struct Args {
  std::vector<std::string> words;  // the command words, e.g. {"clinic", "add"}
  std::map<std::string, std::string> options;
};

std::optional<Args> parseArgs(const std::vector<std::string>& args, std::string& error) {
  Args a;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& s = args[i];
    if (s.rfind("--", 0) == 0) {
      auto eq = s.find('=');
      if (eq != std::string::npos) {
        a.options[s.substr(2, eq - 2)] = s.substr(eq + 1);
      } else if (i + 1 < args.size()) {
        a.options[s.substr(2)] = args[++i];
      } else {
        error = "option " + s + " needs a value";
        return std::nullopt;
      }
    } else {
      a.words.push_back(s);
    }
  }
  return a;
}

int usageError(const std::string& message) {
  std::fprintf(stderr, "unitclock-server: %s\n%s", message.c_str(), kUsage);
  return 2;
}

int runtimeError(const std::string& message) {
  std::fprintf(stderr, "unitclock-server: %s\n", message.c_str());
  return 1;
}

// Checks that only `allowed` options were given and all of `required` were.
std::optional<std::string> checkOptions(const Args& a, std::set<std::string> allowed,
                                        const std::set<std::string>& required) {
  allowed.insert("data-dir");
  for (const auto& [k, v] : a.options)
    if (!allowed.count(k)) return "unknown option --" + k;
  for (const auto& k : required)
    if (!a.options.count(k) || a.options.at(k).empty()) return "--" + k + " is required";
  if (!a.options.count("data-dir")) return std::string("--data-dir is required");
  return std::nullopt;
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
  auto tx = sql::Transaction::begin(*db, sql::TransactionKind::Immediate);
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

int backup(const Args& a) {
  if (auto e = checkOptions(a, {"to", "keep"}, {"to"})) return usageError(*e);
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

int restore(const Args& a) {
  if (auto e = checkOptions(a, {"from"}, {"from"})) return usageError(*e);
  auto r = restoreDatabase(opt(a, "from"), opt(a, "data-dir"));
  if (!r) return runtimeError(r.error().message);
  std::printf("restored %s into %s (schema %d)\n", opt(a, "from").c_str(),
              databasePath(opt(a, "data-dir")).c_str(), r.value());
  return 0;
}

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

int serve(const Args& a) {
  if (auto e = checkOptions(a,
                            {"listen", "tls-cert", "tls-key", "insecure-http", "max-body", "rate", "burst",
                             "threads", "max-connections", "hl7-processing-id"},
                            {})) {
    return usageError(*e);
  }
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

int clinicAdd(const Args& a) {
  if (auto e = checkOptions(a, {"id", "name", "timezone", "min-pin-digits"}, {"id", "name"}))
    return usageError(*e);
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

int clinicianAdd(const Args& a) {
  if (auto e = checkOptions(
          a, {"clinic", "id", "name", "role", "pin", "pin-hash", "npi", "family-name", "given-name"},
          {"clinic", "id", "name", "role"})) {
    return usageError(*e);
  }
  // The NPI and the name parts go on claims (HL7 XCN, FHIR performer): checked here, not by the payer.
  if (a.options.count("npi") && !core::isValidNpi(opt(a, "npi")))
    return usageError("--npi must be a 10-digit NPI with a valid check digit");
  if (a.options.count("family-name") != a.options.count("given-name"))
    return usageError("give --family-name and --given-name together");
  static const std::set<std::string> kRoles{"ot", "ota", "pt", "pta", "slp", "supervisor"};
  if (!kRoles.count(opt(a, "role")))
    return usageError("--role must be one of ot, ota, pt, pta, slp, supervisor");
  if (!isIdentifier(opt(a, "id"))) return usageError("--id takes letters, digits, '-', '_' or '.'");
  if (a.options.count("pin") && a.options.count("pin-hash"))
    return usageError("give --pin or --pin-hash, not both");
  const auto pin = opt(a, "pin");
  if (a.options.count("pin")) {
    if (pin.size() < 4 || pin.size() > 12 || pin.find_first_not_of("0123456789") != std::string::npos) {
      return usageError("--pin must be 4 to 12 digits");
    }
  } else if (auto h = opt(a, "pin-hash"); !h.empty() && h.rfind("$argon2id$", 0) != 0) {
    return usageError("--pin-hash must be an Argon2id hash string ($argon2id$...)");
  }
  return withDatabase(a, [&](sql::Database& db) {
    auto clinic = db.prepare("SELECT min_pin_digits FROM clinics WHERE id = ?1");
    if (!clinic || !clinic->bind(1, opt(a, "clinic"))) return runtimeError("cannot read the clinic");
    auto found = clinic->step();
    if (!found) return runtimeError(found.error().message);
    if (!found.value()) return runtimeError("no clinic " + opt(a, "clinic"));
    const auto minDigits = static_cast<std::size_t>(clinic->columnInt(0));
    if (a.options.count("pin") && pin.size() < minDigits) {
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
    const bool newPin = a.options.count("pin") || a.options.count("pin-hash");
    std::string hash = opt(a, "pin-hash");
    if (a.options.count("pin")) {
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
                  opt(a, "id"), opt(a, "clinic"), opt(a, "name"), opt(a, "role"), hash, opt(a, "npi"),
                  opt(a, "family-name"), opt(a, "given-name"));
    } else {
      // An NPI or name parts given replace the stored ones; left out, they are kept.
      err = execute(db,
                    "UPDATE clinicians SET name = ?2, role = ?3, npi = COALESCE(NULLIF(?4, ''), npi), "
                    "family_name = COALESCE(NULLIF(?5, ''), family_name), "
                    "given_name = COALESCE(NULLIF(?6, ''), given_name), active = 1 WHERE id = ?1",
                    opt(a, "id"), opt(a, "name"), opt(a, "role"), opt(a, "npi"), opt(a, "family-name"),
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

int clinicianRemove(const Args& a) {
  if (auto e = checkOptions(a, {"id"}, {"id"})) return usageError(*e);
  return withDatabase(a, [&](sql::Database& db) {
    auto err = execute(db, "UPDATE clinicians SET active = 0 WHERE id = ?1", opt(a, "id"));
    if (!err.empty()) return runtimeError(err);
    if (db.changes() == 0) return runtimeError("no clinician " + opt(a, "id"));
    std::printf("clinician %s removed from the roster\n", opt(a, "id").c_str());
    return 0;
  });
}

int enrollCode(const Args& a) {
  if (auto e = checkOptions(a, {"clinic", "valid-hours"}, {"clinic"})) return usageError(*e);
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

int deviceList(const Args& a) {
  if (auto e = checkOptions(a, {"clinic"}, {})) return usageError(*e);
  return withDatabase(a, [&](sql::Database& db) {
    auto st = db.prepare(
        "SELECT id, clinic_id, label, enrolled_at, COALESCE(revoked_at, '') FROM devices "
        "WHERE ?1 = '' OR clinic_id = ?1 ORDER BY id");
    if (!st || !st->bind(1, opt(a, "clinic"))) return runtimeError("cannot list devices");
    std::printf("id\tclinic\tlabel\tenrolled_at\trevoked_at\n");
    while (true) {
      auto r = st->step();
      if (!r) return runtimeError(r.error().message);
      if (!r.value()) break;
      std::printf("%lld\t%s\t%s\t%s\t%s\n", static_cast<long long>(st->columnInt64(0)),
                  st->columnText(1).c_str(), printable(st->columnText(2)).c_str(), st->columnText(3).c_str(),
                  st->columnText(4).c_str());
    }
    return 0;
  });
}

int revoke(const Args& a, const char* table, const char* what) {
  if (auto e = checkOptions(a, {"id"}, {"id"})) return usageError(*e);
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

int sessionTransfer(const Args& a) {
  if (auto e = checkOptions(a, {"clinic", "session", "to-device"}, {"clinic", "session", "to-device"}))
    return usageError(*e);
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

int tokenAdd(const Args& a) {
  if (auto e = checkOptions(a, {"role", "clinic", "label"}, {"role"})) return usageError(*e);
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

int configSet(const Args& a) {
  if (auto e = checkOptions(a, {"clinic", "name", "file"}, {"clinic", "name", "file"})) return usageError(*e);
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

int scheduleAdd(const Args& a) {
  if (auto e =
          checkOptions(a, {"clinic", "date", "mrn", "initials", "time", "payer", "discipline", "clinician"},
                       {"clinic", "date", "mrn", "initials"})) {
    return usageError(*e);
  }
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

}  // namespace

int runCommandLine(const std::vector<std::string>& argv) {
  std::string error;
  auto parsed = parseArgs(argv, error);
  if (!parsed) return usageError(error);
  const Args& a = *parsed;
  auto is = [&](std::initializer_list<const char*> words) {
    if (a.words.size() != words.size()) return false;
    std::size_t i = 0;
    for (const char* w : words)
      if (a.words[i++] != w) return false;
    return true;
  };
  if (a.words.empty() || is({"help"})) {
    std::fputs(kUsage, a.words.empty() ? stderr : stdout);
    return a.words.empty() ? 2 : 0;
  }
  if (is({"serve"})) return serve(a);
  if (is({"init"})) {
    if (auto e = checkOptions(a, {}, {})) return usageError(*e);
    auto v = initDataDir(opt(a, "data-dir"));
    if (!v) return runtimeError(v.error().message);
    std::printf("initialised %s (schema %d)\n", databasePath(opt(a, "data-dir")).c_str(), v.value());
    return 0;
  }
  if (is({"backup"})) return backup(a);
  if (is({"restore"})) return restore(a);
  if (is({"clinic", "add"})) return clinicAdd(a);
  if (is({"clinician", "add"})) return clinicianAdd(a);
  if (is({"clinician", "remove"})) return clinicianRemove(a);
  if (is({"device", "enroll-code"})) return enrollCode(a);
  if (is({"device", "list"})) return deviceList(a);
  if (is({"device", "revoke"})) return revoke(a, "devices", "device");
  if (is({"token", "add"})) return tokenAdd(a);
  if (is({"token", "revoke"})) return revoke(a, "api_tokens", "token");
  if (is({"session", "transfer"})) return sessionTransfer(a);
  if (is({"config", "set"})) return configSet(a);
  if (is({"schedule", "add"})) return scheduleAdd(a);
  std::string cmd;
  for (const auto& w : a.words) cmd += (cmd.empty() ? "" : " ") + w;
  return usageError("unknown command '" + cmd + "'");
}

}  // namespace unitclock::server
