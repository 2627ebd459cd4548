#include <pthread.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
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
#include <unitclock/server/console.h>
#include <unitclock/server/devices.h>
#include <unitclock/server/http_server.h>
#include <unitclock/server/ingest.h>
#include <unitclock/server/secrets.h>
#include <unitclock/server/store.h>
#include <unitclock/server/wire.h>

#include "admin_commands.h"
#include "postgres_store/migrate.h"
#include "postgres_store/postgres_store.h"

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

StoreOptions storeOptions(const Args& a) {
  return StoreOptions{opt(a, "data-dir"), opt(a, "database")};
}

// backup and restore copy the SQLite file; a PostgreSQL store is backed up with PostgreSQL's own tools.
int sqliteOnly(const Args& a, const char* command) {
  if (opt(a, "database").empty()) return 0;
  std::fprintf(stderr,
               "unitclock-server: %s copies a SQLite server's database file; back up PostgreSQL with pg_dump "
               "or a base backup (pg_basebackup), see docs/deployment.md\n",
               command);
  return 2;
}

// Runs `fn` on the store in one write transaction.
template <class Fn>
int withStore(const Args& a, Fn fn) {
  auto store = openServerStore(storeOptions(a));
  if (!store) return runtimeError(store.error().message);
  auto conn = store.value()->connect();
  if (!conn) return runtimeError(conn.error().message);
  StoreConnection& db = *conn.value();
  auto tx = StoreTransaction::begin(db, TransactionKind::kWrite);
  if (!tx) return runtimeError(tx.error().message);
  int rc = fn(db);
  if (rc != 0) return rc;
  if (auto c = tx->commit(); !c) return runtimeError(c.error().message);
  return 0;
}

// Whether a clinic exists; a store that cannot say is taken as no.
bool clinicExists(StoreConnection& db, const std::string& id) {
  auto c = db.findClinic(id);
  return c && c.value();
}

bool isIdentifier(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

}  // namespace

int migrateCommand(const Args& a) {
  const auto to = opt(a, "to");
  if (!isPostgresUrl(to)) return usageError("--to takes a postgresql://USER@HOST:PORT/DB URL");
  auto r = migrateSqliteToPostgres(opt(a, "from"), to, [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  });
  if (!r) return runtimeError(r.error().message);
  std::printf("migrated %s to %s\n", opt(a, "from").c_str(), redactedUrl(to).c_str());
  return 0;
}

int backupCommand(const Args& a) {
  if (int rc = sqliteOnly(a, "backup"); rc != 0) return rc;
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
  if (int rc = sqliteOnly(a, "restore"); rc != 0) return rc;
  auto r = restoreDatabase(opt(a, "from"), opt(a, "data-dir"));
  if (!r) return runtimeError(r.error().message);
  std::printf("restored %s into %s (schema %d)\n", opt(a, "from").c_str(),
              storeLocation(storeOptions(a)).c_str(), r.value());
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
  o.databaseUrl = opt(a, "database");
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
  if (a.options.count("console-idle")) {
    const auto text = opt(a, "console-idle");
    int seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc{} || end != text.data() + text.size() || seconds < 1 || seconds > 12 * 3600)
      return usageError("--console-idle takes seconds, 1 to 43200 (default 900: 15 minutes)");
    o.consoleIdle = std::chrono::seconds{seconds};
  }
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
  auto v = initServerStore(storeOptions(a));
  if (!v) return runtimeError(v.error().message);
  std::printf("initialised %s (schema %d)\n", storeLocation(storeOptions(a)).c_str(), v.value());
  return 0;
}

namespace {

// Prints `rows` as tab-separated text under a header line, each row's cells from `cells`; text from
// outside (labels, messages) through printable().
template <class Row, class Cells>
int printTable(const char* header, const std::vector<Row>& rows, Cells cells) {
  std::printf("%s\n", header);
  for (const auto& row : rows) {
    std::string line;
    bool first = true;
    for (const std::string& cell : cells(row)) {
      line += (first ? "" : "\t") + printable(cell);
      first = false;
    }
    std::printf("%s\n", line.c_str());
  }
  return 0;
}

// Reads rows with `read(store)` in one transaction and prints them.
template <class Read, class Cells>
int listCommand(const Args& a, const char* header, Read read, Cells cells) {
  return withStore(a, [&](StoreConnection& db) {
    auto rows = read(db);
    if (!rows) return runtimeError(rows.error().message);
    return printTable(header, rows.value(), cells);
  });
}

}  // namespace

int clinicListCommand(const Args& a) {
  return listCommand(
      a, "id\tname\ttimezone\tmin_pin_digits\tcreated_at",
      [](StoreConnection& db) { return db.listClinics(); },
      [](const ClinicRow& c) {
        return std::vector<std::string>{c.id, c.name, c.timeZone, std::to_string(c.minPinDigits),
                                        c.createdAt};
      });
}

int clinicianListCommand(const Args& a) {
  // Whether a PIN is set, never the hash.
  return listCommand(
      a, "id\tclinic\tname\trole\tnpi\tpin\tactive",
      [&](StoreConnection& db) { return db.listClinicians(opt(a, "clinic")); },
      [](const ClinicianRow& c) {
        return std::vector<std::string>{c.id,
                                        c.clinicId,
                                        c.name,
                                        c.role,
                                        c.npi,
                                        c.pinHash.empty() ? "none" : "set",
                                        c.active ? "yes" : "no"};
      });
}

int userListCommand(const Args& a) {
  // Never the hash: whether the user may sign in, and any lock-out.
  return listCommand(
      a, "id\tclinic\tname\trole\tactive\tlocked_until",
      [&](StoreConnection& db) { return db.listConsoleUsers(opt(a, "clinic")); },
      [](const ConsoleUserRow& u) {
        return std::vector<std::string>{
            u.id, u.clinicId, u.name, u.role, u.active ? "yes" : "no", u.lockedUntil.value_or("")};
      });
}

int tokenListCommand(const Args& a) {
  return listCommand(
      a, "id\trole\tclinic\tlabel\tcreated_at\trevoked_at",
      [&](StoreConnection& db) { return db.listApiTokens(opt(a, "clinic")); },
      [](const ApiTokenRow& t) {
        return std::vector<std::string>{
            std::to_string(t.id),    t.role, t.clinicId.value_or("(all)"), t.label, t.createdAt,
            t.revokedAt.value_or("")};
      });
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
  return listCommand(
      a, "id\tclinic\tday\tdevice\tsession\tstatus\tfield\tmessage\treceived_at",
      [&](StoreConnection& db) {
        return db.listRejections({opt(a, "clinic"), opt(a, "day"), limit});
      },
      [](const RejectionRow& r) {
        return std::vector<std::string>{std::to_string(r.id),
                                        r.clinicId,
                                        r.day,
                                        std::to_string(r.deviceId),
                                        r.sessionId,
                                        std::to_string(r.status),
                                        r.field,
                                        r.message,
                                        r.receivedAt};
      });
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
  return withStore(a, [&](StoreConnection& db) {
    if (clinicExists(db, opt(a, "id"))) return runtimeError("clinic " + opt(a, "id") + " already exists");
    if (auto r = db.addClinic({opt(a, "id"), opt(a, "name"), zone, minPin, nowUtc()}); !r)
      return runtimeError(r.error().message);
    std::printf("clinic %s added\n", opt(a, "id").c_str());
    return 0;
  });
}

namespace {

// A PIN from standard input. On a terminal it is asked for twice without being shown; from a pipe or a
// file, the first line is the PIN.
// Reads a secret from standard input: one line from a pipe, or typed twice without echo on a terminal.
core::Result<std::string, std::string> readSecret(const std::string& what, const std::string& option,
                                                  std::size_t longest) {
  auto readLine = [&](std::string& line) {
    line.clear();
    int c;
    while ((c = std::fgetc(stdin)) != EOF && c != '\n') {
      if (line.size() > longest) return false;  // longer than any: not what was meant to be read
      line += static_cast<char>(c);
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return c != EOF || !line.empty();
  };
  if (!::isatty(STDIN_FILENO)) {
    std::string secret;
    if (!readLine(secret)) return fail(option + ": no " + what + " on standard input");
    return secret;
  }
  termios saved{};
  ::tcgetattr(STDIN_FILENO, &saved);
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  std::string first, second;
  std::fputs((what + ": ").c_str(), stderr);
  const bool gotFirst = readLine(first);
  std::fputs(("\n" + what + " again: ").c_str(), stderr);
  const bool gotSecond = gotFirst && readLine(second);
  std::fputs("\n", stderr);
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  if (!gotFirst || !gotSecond) return fail("no " + what + " given");
  if (first != second) return fail("the two " + what + "s differ; nothing was changed");
  return first;
}

core::Result<std::string, std::string> readPin() {
  return readSecret("PIN", "--pin-stdin", 64);
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
  return withStore(a, [&](StoreConnection& db) {
    auto found = db.findClinic(opt(a, "clinic"));
    if (!found) return runtimeError(found.error().message);
    if (!found.value()) return runtimeError("no clinic " + opt(a, "clinic"));
    const auto minDigits = static_cast<std::size_t>(found.value()->minPinDigits);
    if (pinFromStdin && pin.size() < minDigits) {
      return runtimeError("clinic " + opt(a, "clinic") + " needs PINs of at least " +
                          std::to_string(minDigits) + " digits (clinic add --min-pin-digits)");
    }
    // An id names one person in one clinic: moving someone is an admin decision, not a side effect.
    auto existing = db.findClinician(opt(a, "id"));
    if (!existing) return runtimeError(existing.error().message);
    const bool exists = existing.value().has_value();
    if (exists && existing.value()->clinicId != opt(a, "clinic")) {
      return runtimeError("clinician " + opt(a, "id") + " belongs to clinic " + existing.value()->clinicId +
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
    const ClinicianRow c{opt(a, "id"),  opt(a, "clinic"),      opt(a, "name"),       roleName, hash,
                         opt(a, "npi"), opt(a, "family-name"), opt(a, "given-name"), true};
    Result<void> stored;
    if (!exists) {
      stored = db.addClinician(c);
    } else {
      // An NPI or name parts given replace the stored ones; left out, they are kept.
      stored = db.updateClinician(c);
      if (stored && newPin) stored = db.setClinicianPin(c.id, hash);
    }
    if (!stored) return runtimeError(stored.error().message);
    if (!exists) {
      std::printf("clinician %s added to clinic %s\n", opt(a, "id").c_str(), opt(a, "clinic").c_str());
    } else {
      std::printf("clinician %s updated in clinic %s%s\n", opt(a, "id").c_str(), opt(a, "clinic").c_str(),
                  newPin ? "; PIN replaced" : "; PIN kept");
    }
    return 0;
  });
}

int userAddCommand(const Args& a) {
  const auto role = console::parseRole(opt(a, "role"));
  if (!role) return usageError("--role must be one of supervisor, biller, admin");
  if (!isIdentifier(opt(a, "id"))) return usageError("--id takes letters, digits, '-', '_' or '.'");
  if (opt(a, "name").empty()) return usageError("--name must not be empty");
  auto password = readSecret("Password", "user add", 128);
  if (!password) return runtimeError(password.error());
  return withStore(a, [&](StoreConnection& db) {
    if (auto put = console::putUser(db, opt(a, "clinic"), opt(a, "id"), opt(a, "name"), *role, *password);
        !put)
      return put.error().status == 400 ? usageError(put.error().field + " " + put.error().message)
                                       : runtimeError(put.error().message);
    std::printf("console user %s (%s) of clinic %s can sign in\n", opt(a, "id").c_str(),
                opt(a, "role").c_str(), opt(a, "clinic").c_str());
    return 0;
  });
}

int clinicianRemoveCommand(const Args& a) {
  return withStore(a, [&](StoreConnection& db) {
    auto removed = db.deactivateClinician(opt(a, "id"));
    if (!removed) return runtimeError(removed.error().message);
    if (!removed.value()) return runtimeError("no clinician " + opt(a, "id"));
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
  return withStore(a, [&](StoreConnection& db) {
    if (!clinicExists(db, opt(a, "clinic"))) return runtimeError("no clinic " + opt(a, "clinic"));
    auto code = newEnrollmentCode();
    auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    if (auto r = db.addEnrollmentCode(sha256Hex(normalizeEnrollmentCode(code)), opt(a, "clinic"),
                                      formatUtcTimestamp(now),
                                      formatUtcTimestamp(now + std::chrono::hours{hours}));
        !r)
      return runtimeError(r.error().message);
    std::printf("%s\n", code.c_str());
    return 0;
  });
}

int deviceListCommand(const Args& a) {
  return withStore(a, [&](StoreConnection& db) {
    auto devices = db.listDevices(opt(a, "clinic"));
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

int revoke(const Args& a, Result<bool> (StoreConnection::*revokeOne)(std::int64_t, const std::string&),
           const char* what) {
  long long id = 0;
  try {
    id = std::stoll(opt(a, "id"));
  } catch (...) {
    return usageError("--id takes a number");
  }
  return withStore(a, [&](StoreConnection& db) {
    auto revoked = (db.*revokeOne)(static_cast<std::int64_t>(id), nowUtc());
    if (!revoked) return runtimeError(revoked.error().message);
    if (!revoked.value()) return runtimeError(std::string("no active ") + what + " " + std::to_string(id));
    std::printf("%s %lld revoked\n", what, id);
    return 0;
  });
}

}  // namespace

int deviceRevokeCommand(const Args& a) {
  return revoke(a, &StoreConnection::revokeDevice, "device");
}

int tokenRevokeCommand(const Args& a) {
  return revoke(a, &StoreConnection::revokeApiToken, "token");
}

int sessionTransferCommand(const Args& a) {
  long long device = 0;
  try {
    device = std::stoll(opt(a, "to-device"));
  } catch (...) {
    return usageError("--to-device takes a device id (device list)");
  }
  if (!isSessionId(opt(a, "session"))) return usageError("--session takes a session id in lower case");
  return withStore(a, [&](StoreConnection& db) {
    auto moved = transferSession(db, opt(a, "clinic"), opt(a, "session"), device);
    if (!moved) return runtimeError(moved.error().message);
    std::printf("session %s now belongs to device %lld\n", opt(a, "session").c_str(), device);
    return 0;
  });
}

int tokenAddCommand(const Args& a) {
  if (opt(a, "role") != "supervisor") return usageError("--role must be supervisor");
  return withStore(a, [&](StoreConnection& db) {
    if (a.options.count("clinic") && !clinicExists(db, opt(a, "clinic")))
      return runtimeError("no clinic " + opt(a, "clinic"));
    auto token = newToken();
    std::optional<std::string> clinic;
    if (a.options.count("clinic")) clinic = opt(a, "clinic");
    auto id = db.addApiToken(sha256Hex(token), opt(a, "role"), clinic, opt(a, "label"), nowUtc());
    if (!id) return runtimeError(id.error().message);
    std::fprintf(stderr, "token id %lld (use it with `token revoke --id`); the token is shown only now:\n",
                 static_cast<long long>(id.value()));
    std::printf("%s\n", token.c_str());
    return 0;
  });
}

int configSetCommand(const Args& a) {
  if (!isConfigDocumentName(opt(a, "name")))
    return usageError("--name must be payers, catalog, favourites or review");
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
  return withStore(a, [&](StoreConnection& db) {
    if (!clinicExists(db, opt(a, "clinic"))) return runtimeError("no clinic " + opt(a, "clinic"));
    if (auto r = db.setClinicDocument(opt(a, "clinic"), {opt(a, "name"), doc.dump()}); !r)
      return runtimeError(r.error().message);
    std::printf("%s set for clinic %s\n", opt(a, "name").c_str(), opt(a, "clinic").c_str());
    return 0;
  });
}

int scheduleAddCommand(const Args& a) {
  if (!isCalendarDate(opt(a, "date"))) return usageError("--date must be YYYY-MM-DD");
  // Served to devices in /config (wire::ScheduleEntry): a discipline they could not read is refused here.
  if (!opt(a, "discipline").empty() && !core::parseDiscipline(opt(a, "discipline")))
    return usageError("--discipline must be ot, pt or slp");
  return withStore(a, [&](StoreConnection& db) {
    if (!clinicExists(db, opt(a, "clinic"))) return runtimeError("no clinic " + opt(a, "clinic"));
    if (auto r = db.addScheduleEntry({opt(a, "clinic"), opt(a, "date"), opt(a, "time"), opt(a, "mrn"),
                                      opt(a, "initials"), opt(a, "payer"), opt(a, "discipline"),
                                      opt(a, "clinician")});
        !r)
      return runtimeError(r.error().message);
    std::printf("schedule entry added\n");
    return 0;
  });
}

}  // namespace unitclock::server
