// The command line of unitclock-server (docs/server.md): which commands and options exist, their help,
// and where an option's value comes from. CLI11 reads them, in this order of precedence:
//   1. the command line,
//   2. an environment variable (UNITCLOCK_DATA_DIR, UNITCLOCK_LISTEN, ... as listed in --help),
//   3. the configuration file (--config FILE, else /etc/unitclock/server.conf when it exists).
// The commands themselves are in admin.cpp; they get what was given as an Args map.
#include <unitclock/server/admin.h>
#include <unitclock/version.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <list>
#include <map>

#include "admin_commands.h"

namespace unitclock::server {
namespace {

constexpr const char* kDefaultConfigFile = "/etc/unitclock/server.conf";

constexpr const char* kFooter =
    R"(An option's value comes from the command line, else its environment variable (Env:), else the
configuration file: TOML, top-level keys for every command (data-dir = "/var/lib/unitclock-server", or
database = "postgresql://unitclock@db.example:5432/unitclock" for PostgreSQL),
a [serve] or [backup] section for that command's options (listen = "127.0.0.1:8470").

Exit status: 0 success; 1 a failure at run time (the message on stderr: no such clinic, a database that
cannot be opened, a port in use); 2 a usage error (unknown command or option, a missing or malformed
value). `serve` runs until SIGTERM or SIGINT and then exits 0.)";

// One option of one command: --NAME VALUE (or a flag when `value` is empty).
struct OptionSpec {
  const char* name;
  const char* value;  // shown in help, e.g. "ID"; "" for a flag
  const char* help;
  bool required = false;
  const char* env = nullptr;  // an environment variable that may give it
};

struct CommandSpec {
  std::vector<std::string> words;  // {"clinic", "add"}
  const char* help;
  std::vector<OptionSpec> options;
  Command run;
  bool needsStore = true;  // runs on the store of --data-dir or --database
};

const std::vector<CommandSpec>& commands() {
  static const std::vector<CommandSpec> kCommands{
      {{"serve"},
       "serve API v1 until SIGTERM",
       {{"listen", "HOST:PORT", "address to listen on (default 127.0.0.1:8470; port 0 picks a free one)",
         false, "UNITCLOCK_LISTEN"},
        {"tls-cert", "FILE", "TLS certificate chain (PEM); needed on any address but loopback", false,
         "UNITCLOCK_TLS_CERT"},
        {"tls-key", "FILE", "TLS private key (PEM)", false, "UNITCLOCK_TLS_KEY"},
        {"insecure-http", "yes",
         "plain HTTP on a non-loopback address, only behind a TLS-terminating proxy on this host", false,
         "UNITCLOCK_INSECURE_HTTP"},
        {"max-body", "BYTES", "largest request body accepted (413 above)", false, "UNITCLOCK_MAX_BODY"},
        {"rate", "PER_SECOND", "requests per second each device may make on average", false,
         "UNITCLOCK_RATE"},
        {"burst", "N", "requests a device may make at once", false, "UNITCLOCK_BURST"},
        {"threads", "N", "worker threads", false, "UNITCLOCK_THREADS"},
        {"max-connections", "N", "connections served at once", false, "UNITCLOCK_MAX_CONNECTIONS"},
        {"hl7-processing-id", "P|T", "MSH-11 of HL7 exports: P production (default) or T training", false,
         "UNITCLOCK_HL7_PROCESSING_ID"},
        {"console-idle", "SECONDS",
         "sign a web console user out after this long without a request (default 900)", false,
         "UNITCLOCK_CONSOLE_IDLE"}},
       serveCommand},
      {{"init"},
       "create the data directory and database (or the schema in an empty PostgreSQL database), or bring its "
       "schema up to date",
       {},
       initCommand},
      {{"migrate"},
       "copy a SQLite server into an empty PostgreSQL database, then compare every stored day on both sides",
       {{"from", "DIR", "the SQLite server's data directory", true},
        {"to", "postgresql://USER@HOST:PORT/DB", "the PostgreSQL database (initialised here if empty)",
         true}},
       migrateCommand,
       /*needsStore=*/false},
      {{"backup"},
       "a consistent copy while serving (0600, integrity-checked); into a directory as "
       "unitclock-server-YYYYMMDDTHHMMSSZ.db",
       {{"to", "FILE|DIR", "where to write the copy", true, "UNITCLOCK_BACKUP_DIR"},
        {"keep", "N", "into a directory: keep the newest N copies", false, "UNITCLOCK_BACKUP_KEEP"}},
       backupCommand},
      {{"restore"},
       "restore a backup into --data-dir, which must not hold a database yet",
       {{"from", "FILE", "the backup to restore", true}},
       restoreCommand},
      {{"clinic", "add"},
       "add a clinic",
       {{"id", "ID", "the clinic's id (letters, digits, '-', '_', '.')", true},
        {"name", "NAME", "the clinic's name", true},
        {"timezone", "ZONE", "IANA time zone of the clinic's day (default UTC)"},
        {"min-pin-digits", "N", "fewest digits of a new PIN, 4 to 12 (default 6)"}},
       clinicAddCommand},
      {{"clinic", "list"}, "list the clinics", {}, clinicListCommand},
      {{"clinician", "add"},
       "add a clinician to a clinic's roster, or update one (the PIN is kept unless one is given)",
       {{"clinic", "ID", "the clinic", true},
        {"id", "ID", "the clinician's id", true},
        {"name", "NAME", "name shown on kiosks", true},
        {"role", "ROLE", "ot, ota, pt, pta, slp or supervisor", true},
        {"pin-stdin", "", "read the PIN from standard input (asked twice, not shown, on a terminal)"},
        {"pin-hash", "HASH", "an Argon2id hash string instead of a PIN"},
        {"npi", "NPI", "10-digit National Provider Identifier, for claims"},
        {"family-name", "NAME", "family name, for claims (with --given-name)"},
        {"given-name", "NAME", "given name, for claims (with --family-name)"},
        {"pin", "PIN", "refused: a PIN on the command line is visible to every user of the machine"}},
       clinicianAddCommand},
      {{"user", "add"},
       "add a web console user, or change one (name, role, new password; their sessions end); the password "
       "(12 to 128 characters) is read from standard input",
       {{"clinic", "ID", "the clinic the user works for", true},
        {"id", "ID", "the user's sign-in id", true},
        {"name", "NAME", "the user's name, shown in the console and its audit log", true},
        {"role", "ROLE", "supervisor, biller or admin", true}},
       userAddCommand},
      {{"user", "list"},
       "list the web console's users",
       {{"clinic", "ID", "only this clinic"}},
       userListCommand},
      {{"clinician", "remove"},
       "take a clinician off the roster (their sessions stay)",
       {{"id", "ID", "the clinician", true}},
       clinicianRemoveCommand},
      {{"clinician", "list"},
       "list the roster (inactive clinicians too)",
       {{"clinic", "ID", "only this clinic"}},
       clinicianListCommand},
      {{"device", "enroll-code"},
       "print a one-time enrollment code for a kiosk",
       {{"clinic", "ID", "the clinic the device joins", true},
        {"valid-hours", "N", "hours the code stays valid, 1 to 720 (default 24)"}},
       enrollCodeCommand},
      {{"device", "list"},
       "list enrolled devices",
       {{"clinic", "ID", "only this clinic"}},
       deviceListCommand},
      {{"device", "revoke"},
       "revoke a device's token",
       {{"id", "DEVICE_ID", "the device (device list)", true}},
       deviceRevokeCommand},
      {{"token", "add"},
       "print a new supervisor token (shown only once)",
       {{"role", "ROLE", "supervisor", true},
        {"clinic", "ID", "limit the token to one clinic"},
        {"label", "TEXT", "who holds it"}},
       tokenAddCommand},
      {{"token", "list"},
       "list supervisor tokens (never the tokens themselves)",
       {{"clinic", "ID", "only this clinic"}},
       tokenListCommand},
      {{"token", "revoke"},
       "revoke a token",
       {{"id", "TOKEN_ID", "the token (token list)", true}},
       tokenRevokeCommand},
      {{"rejection", "list"},
       "list refused uploads, newest first",
       {{"clinic", "ID", "only this clinic"},
        {"day", "YYYY-MM-DD", "only uploads of sessions on this clinic day"},
        {"limit", "N", "at most N rows (default 100)"}},
       rejectionListCommand},
      {{"session", "transfer"},
       "let another device of the clinic revise or void a session (a replaced tablet)",
       {{"clinic", "ID", "the clinic", true},
        {"session", "SESSION_ID", "the session", true},
        {"to-device", "DEVICE_ID", "the device that may change it from now on", true}},
       sessionTransferCommand},
      {{"config", "set"},
       "set one of a clinic's documents from a JSON file",
       {{"clinic", "ID", "the clinic", true},
        {"name", "DOCUMENT", "payers, catalog, favourites or review", true},
        {"file", "FILE.json", "the document", true}},
       configSetCommand},
      {{"schedule", "add"},
       "add an entry to a clinic's schedule of one day",
       {{"clinic", "ID", "the clinic", true},
        {"date", "YYYY-MM-DD", "the day", true},
        {"mrn", "MRN", "the patient's medical record number", true},
        {"initials", "AB", "the patient's initials", true},
        {"time", "HH:MM", "the appointment's time"},
        {"payer", "NAME", "the payer profile"},
        {"discipline", "ot|pt|slp", "the discipline"},
        {"clinician", "ID", "the clinician"}},
       scheduleAddCommand},
  };
  return kCommands;
}

// CLI11 (2.1) gives a value in the configuration file precedence over the environment; a service's
// administrator expects the opposite (Environment= in a unit overrides /etc). This reader leaves out of
// the file what an environment variable gives.
class ConfigUnderEnvironment : public CLI::ConfigTOML {
 public:
  explicit ConfigUnderEnvironment(CLI::App& app) : m_app(app) {}

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    auto given = CLI::ConfigTOML::from_config(input);
    std::erase_if(given, [&](const CLI::ConfigItem& item) {
      CLI::App* owner = &m_app;
      for (const auto& name : item.parents) {
        auto subs = owner->get_subcommands([&](const CLI::App* s) { return s->get_name() == name; });
        if (subs.empty()) return false;  // not ours: reported as unknown
        owner = subs.front();
      }
      const CLI::Option* option = owner->get_option_no_throw("--" + item.name);
      if (option == nullptr || option->get_envname().empty()) return false;
      const char* value = std::getenv(option->get_envname().c_str());
      return value != nullptr && *value != '\0';
    });
    return given;
  }

 private:
  CLI::App& m_app;
};

// Every command with its options, for --help and the man page:
//   clinic add --id ID --name NAME [--timezone ZONE] [--min-pin-digits N]
//       add a clinic
std::string synopsis() {
  std::string out = "Commands (unitclock-server COMMAND --help describes one):\n";
  for (const auto& spec : commands()) {
    std::string line = " ";
    for (const auto& w : spec.words) line += " " + w;
    std::size_t lineStart = 0;
    for (const auto& o : spec.options) {
      if (std::string_view(o.name) == "pin") continue;  // refused, only there to say why
      std::string option = std::string("--") + o.name;
      if (!std::string_view(o.value).empty()) option += std::string(" ") + o.value;
      option = o.required ? option : "[" + option + "]";
      if (line.size() - lineStart + option.size() > 98) {  // wrap under the command's first option
        line += "\n     ";
        lineStart = line.size() - 5;
      }
      line += " " + option;
    }
    out += line + "\n        " + spec.help + "\n";
  }
  return out;
}

// CLI11 parses into strings; the commands read them from an Args map, as given.
struct Bound {
  const CommandSpec* spec;
  CLI::App* app;
  std::vector<std::pair<std::string, std::string>> values;  // name, value (bound storage)
  std::vector<std::pair<std::string, bool>> flags;
};

}  // namespace

int runCommandLine(const std::vector<std::string>& args) {
  CLI::App app{"unitclock-server: the Unitclock billing server", "unitclock-server"};
  app.fallthrough();  // --data-dir may follow the command, as in `serve --data-dir DIR`
  app.set_version_flag("--version", std::string("unitclock-server ") + kVersion);
  app.allow_config_extras(CLI::config_extras_mode::error);  // a misspelt key is an error, not ignored
  std::string dataDir;
  app.add_option("--data-dir", dataDir, "the server's data directory (the SQLite database)")
      ->envname("UNITCLOCK_DATA_DIR")
      ->type_name("DIR");
  std::string database;
  app.add_option("--database", database,
                 "a PostgreSQL database instead of --data-dir, shared by every instance of the server")
      ->envname("UNITCLOCK_DATABASE")
      ->type_name("postgresql://USER@HOST:PORT/DB");
  auto* config =
      app.set_config("--config", std::filesystem::exists(kDefaultConfigFile) ? kDefaultConfigFile : "",
                     std::string("read options from FILE (default ") + kDefaultConfigFile + " if present)");
  config->envname("UNITCLOCK_CONFIG")->type_name("FILE");
  app.config_formatter(std::make_shared<ConfigUnderEnvironment>(app));

  std::list<Bound> bound;  // stable addresses: CLI11 keeps pointers to the bound strings
  std::map<std::string, CLI::App*> groups;
  for (const auto& spec : commands()) {
    CLI::App* parent = &app;
    if (spec.words.size() == 2) {
      auto& g = groups[spec.words[0]];
      if (!g) {
        g = app.add_subcommand(spec.words[0], "");
        g->group("");
      }
      parent = g;
    }
    Bound& b = bound.emplace_back();
    b.spec = &spec;
    b.app = parent->add_subcommand(spec.words.back(), spec.help);
    if (parent == &app) b.app->group("");  // listed with their options by synopsis()
    if (parent != &app) {                  // "clinic": add, list
      const auto& d = parent->get_description();
      parent->description(d + (d.empty() ? "" : ", ") + spec.words.back());
    }
    b.values.reserve(spec.options.size());
    b.flags.reserve(spec.options.size());
    for (const auto& o : spec.options) {
      CLI::Option* option = nullptr;
      if (std::string_view(o.value).empty()) {
        auto& [name, set] = b.flags.emplace_back(o.name, false);
        option = b.app->add_flag(std::string("--") + name, set, o.help);
      } else {
        auto& [name, value] = b.values.emplace_back(o.name, std::string());
        option = b.app->add_option(std::string("--") + name, value, o.help)->type_name(o.value);
        if (o.required) option->required();
      }
      if (o.env) option->envname(o.env);
    }
  }

  app.footer(synopsis() + "\n" + kFooter);  // after the commands: theirs is their own help only

  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);  // help on stdout, 0
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ExtrasError& e) {
    std::string extras;
    for (const auto& x : app.remaining()) extras += (extras.empty() ? "" : " ") + x;
    std::fprintf(stderr, "unitclock-server: unknown command or argument: %s\n(see unitclock-server --help)\n",
                 extras.c_str());
    return 2;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "unitclock-server: %s\n(see unitclock-server --help, or COMMAND --help)\n",
                 e.what());
    return 2;
  }

  for (auto& b : bound) {
    if (!b.app->parsed()) continue;
    Args a;
    a.words = b.spec->words;
    for (const auto& [name, value] : b.values) {
      if (b.app->get_option("--" + name)->count() > 0) a.options[name] = value;
    }
    for (const auto& [name, set] : b.flags) {
      if (set) a.options[name] = "yes";
    }
    if (b.spec->needsStore) {
      if (dataDir.empty() && database.empty()) {
        std::fprintf(stderr,
                     "unitclock-server: --data-dir DIR (SQLite) or --database postgresql://… (PostgreSQL) is "
                     "required (or data-dir or database in the configuration file, or UNITCLOCK_DATA_DIR or "
                     "UNITCLOCK_DATABASE)\n");
        return 2;
      }
      if (!dataDir.empty() && !database.empty()) {
        std::fprintf(
            stderr,
            "unitclock-server: --data-dir and --database both name the store (from the command line, "
            "the environment or the configuration file): give one\n");
        return 2;
      }
    }
    if (!dataDir.empty()) a.options["data-dir"] = dataDir;
    if (!database.empty()) a.options["database"] = database;
    return b.spec->run(a);
  }
  for (const auto& [word, group] : groups) {
    if (group->parsed()) {
      std::fprintf(stderr, "unitclock-server: %s needs a command: %s (see unitclock-server %s --help)\n",
                   word.c_str(), group->get_description().c_str(), word.c_str());
      return 2;
    }
  }
  std::fprintf(stderr, "unitclock-server: no command given (see unitclock-server --help)\n");
  return 2;
}

}  // namespace unitclock::server
