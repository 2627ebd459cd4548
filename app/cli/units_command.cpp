// `unitclock-cli units`: the units calculator for billers and scripts (issue 2, item 3).
#include <cctype>
#include <charconv>
#include <iomanip>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include <unitclock/core/engine.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "catalog_location.h"
#include "commands.h"
#include "units_json.h"

namespace unitclock::app {

namespace {

// After the options in `unitclock-cli units --help`: what an ITEM is.
constexpr const char* kItemHelp =
    "  ITEM = CODE        an untimed service, e.g. 97165\n"
    "       | CODE=M      M minutes furnished by the therapist (for an untimed code: its minutes)\n"
    "       | CODE=M+A    M therapist minutes and A minutes furnished by the assistant alone, e.g. "
    "97530=14+14\n"
    "  Items are in the order performed. Defaults: --payer medicare, --discipline ot.\n"
    "Exit status: 0 computed; 2 bad input (one line on stderr names it).";

constexpr long long kMaxMinutes = 24 * 60;  // more than a day on one item is a typing mistake

struct Item {
  std::string raw;
  std::string code;
  std::optional<long long> therapist;  // nullopt: CODE alone
  long long assistant = 0;
};

// What the parser fills in. The discipline is checked after parsing, so that its message names the choices.
struct Options {
  std::string payer = "medicare";
  std::string discipline = "ot";
  bool telehealth = false;
  bool json = false;
  std::string catalogDir;
  bool catalogGiven = false;  // --catalog was given, perhaps empty
  std::vector<std::string> items;
};

struct UsageError {
  std::string message;
};

int usageError(std::ostream& err, const std::string& message) {
  err << "unitclock-cli units: " << message << '\n';
  return kExitUsage;
}

// Parses a minutes field: digits only. Negative and non-numeric values get their own messages.
std::optional<UsageError> parseMinutes(const std::string& raw, std::string_view text, long long& out) {
  if (text.empty()) return UsageError{"'" + raw + "': minutes missing (use CODE, CODE=M or CODE=M+A)"};
  if (text.front() == '-') return UsageError{"'" + raw + "': negative minutes"};
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return UsageError{"'" + raw + "': minutes must be whole numbers (use CODE, CODE=M or CODE=M+A)"};
    }
  }
  while (text.size() > 1 && text.front() == '0') text.remove_prefix(1);  // padded numbers: 0015 is 15
  if (text.size() > 9) return UsageError{"'" + raw + "': more than 24 hours"};
  std::from_chars(text.data(), text.data() + text.size(), out);
  return std::nullopt;
}

std::optional<UsageError> parseItem(const std::string& raw, Item& item) {
  item.raw = raw;
  const auto eq = raw.find('=');
  std::string code = raw.substr(0, eq);
  if (code.empty()) return UsageError{"'" + raw + "': missing code (use CODE, CODE=M or CODE=M+A)"};
  for (char& c : code) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      return UsageError{"'" + raw + "': a code has only letters and digits (use CODE, CODE=M or CODE=M+A)"};
    }
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  item.code = code;
  if (eq == std::string::npos) return std::nullopt;
  std::string_view rest = std::string_view{raw}.substr(eq + 1);
  const auto plus = rest.find('+');
  long long therapist = 0;
  if (auto e = parseMinutes(raw, rest.substr(0, plus), therapist)) return e;
  if (plus != std::string_view::npos) {
    if (auto e = parseMinutes(raw, rest.substr(plus + 1), item.assistant)) return e;
  }
  item.therapist = therapist;
  if (therapist + item.assistant > kMaxMinutes) return UsageError{"'" + raw + "': more than 24 hours"};
  return std::nullopt;
}

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

void printJson(const core::UnitsResult& r, std::ostream& out) {
  nlohmann::ordered_json doc;
  doc["payer"] = r.payer;
  addUnitsJson(doc, r);
  out << doc.dump() << '\n';
}

void printTable(const core::UnitsResult& r, const core::PayerProfile& payer, core::Discipline discipline,
                bool telehealth, std::ostream& out) {
  out << "Payer " << payer.name << " ("
      << (r.rule == core::UnitRule::cms ? "CMS total-time rule" : "AMA per-code rule") << "), discipline "
      << core::toString(discipline) << (telehealth ? ", telehealth" : "") << "\n\n";
  out << std::left << std::setw(8) << "Code" << std::setw(8) << "Kind" << std::right << std::setw(10)
      << "Therapist" << std::setw(11) << "Assistant" << std::setw(7) << "Total" << std::setw(7) << "Units"
      << "\n";
  for (const auto& c : r.codes) {
    out << std::left << std::setw(8) << c.code << std::setw(8) << (c.timed ? "timed" : "untimed")
        << std::right << std::setw(10) << c.therapist.count() << std::setw(11) << c.assistant.count()
        << std::setw(7) << c.total.count() << std::setw(7) << c.units;
    if (c.bundled) out << "  bundled, not charged";
    if (!c.billedAs.empty()) out << "  billed as " << c.billedAs;
    out << '\n';
  }
  out << "\nClaim lines:\n";
  if (r.lines.empty()) out << "  none\n";
  for (const auto& line : r.lines) {
    out << "  " << std::left << std::setw(8) << line.code << std::right << std::setw(3) << line.units
        << (line.units == 1 ? " unit   " : " units  ") << joined(line.modifiers, " ") << '\n';
  }
  out << "\nTotal timed minutes:     " << r.totalTimed.count()
      << "\nTotal treatment minutes: " << r.totalTreatment.count()
      << "\nTotal units:             " << r.totalUnits << '\n';
  out << "Zero-unit codes (documented, not billed): "
      << (r.zeroUnitCodes.empty() ? std::string{"none"} : joined(r.zeroUnitCodes, ", ")) << '\n';
  for (const auto& tie : r.ties) {
    out << "Tie: " << joined(tie.candidates, ", ") << " tied for " << tie.units << " unit(s); given to "
        << joined(tie.awarded, ", ") << '\n';
  }
  if (!r.warnings.empty()) out << "\nWarnings:\n";
  for (const auto& w : r.warnings) out << "  [" << w.id << "] " << w.message << '\n';
}

int runUnits(const Options& options, std::ostream& out, std::ostream& err) {
  if (options.payer.empty()) return usageError(err, "--payer needs a payer name, e.g. --payer medicare");
  const auto discipline = core::parseDiscipline(options.discipline);
  if (!discipline) {
    return usageError(err, "--discipline must be ot, pt or slp (got '" + options.discipline + "')");
  }
  if (options.catalogGiven && options.catalogDir.empty())
    return usageError(err, "--catalog needs a directory");
  if (options.items.empty()) return usageError(err, "no items given (see unitclock-cli units --help)");

  std::vector<Item> items;
  for (const auto& raw : options.items) {
    Item item;
    if (auto e = parseItem(raw, item)) return usageError(err, e->message);
    items.push_back(std::move(item));
  }

  auto data = loadCliCatalog(options.catalogGiven ? std::optional<std::filesystem::path>{options.catalogDir}
                                                  : std::nullopt);
  if (!data) return usageError(err, data.error().message);
  const core::Catalog& catalog = data.value().catalog;
  const core::PayerProfile* payer = platform::findPayer(data.value().payers, options.payer);
  if (payer == nullptr) {
    std::vector<std::string> names;
    for (const auto& p : data.value().payers) names.push_back(p.name);
    return usageError(err, "unknown payer '" + options.payer + "' (known: " + joined(names, ", ") + ")");
  }

  core::EngineInput input;
  input.discipline = *discipline;
  input.telehealth = options.telehealth;
  std::map<std::string, std::string> rawByCode;
  for (const auto& item : items) {
    const core::CodeInfo* info = catalog.find(item.code);
    if (info == nullptr) return usageError(err, "'" + item.raw + "': unknown code " + item.code);
    if (!rawByCode.emplace(item.code, item.raw).second) {
      return usageError(err, "'" + item.raw + "': code " + item.code + " given twice");
    }
    if (info->timed) {
      if (!item.therapist) {
        return usageError(err, "'" + item.raw + "': " + item.code +
                                   " is a timed code and needs minutes, e.g. " + item.code + "=15");
      }
      input.timed.push_back(core::TimedService{
          item.code, std::chrono::minutes{*item.therapist}, std::chrono::minutes{item.assistant}, {}});
    } else {
      const long long total = item.therapist.value_or(0) + item.assistant;
      input.untimed.push_back(core::UntimedService{
          item.code, std::chrono::minutes{total}, std::chrono::minutes{item.assistant}, {}});
    }
  }

  auto result = core::computeUnits(input, *payer, catalog);
  if (!result) {
    const auto& e = result.error();
    auto raw = rawByCode.find(e.item);
    return usageError(err, (raw != rawByCode.end() ? "'" + raw->second + "': " : std::string{}) + e.message);
  }
  if (options.json) {
    printJson(result.value(), out);
  } else {
    printTable(result.value(), *payer, *discipline, options.telehealth, out);
  }
  return kExitOk;
}

}  // namespace

Command addUnitsCommand(CLI::App& cli) {
  auto options = std::make_shared<Options>();
  CLI::App* units = cli.add_subcommand("units", "compute CPT units and modifiers from minutes per code");
  units->group("Commands");
  units->add_option("--payer", options->payer, "the payer profile (payers.json in the catalog)")
      ->type_name("medicare|commercial|NAME");
  units->add_option("--discipline", options->discipline, "who treated: the GO, GP or GN modifier")
      ->type_name("ot|pt|slp");
  units->add_flag("--telehealth", options->telehealth, "the services were furnished by telehealth");
  units->add_flag("--json", options->json, "print one JSON object instead of a table");
  CLI::Option* catalog =
      units
          ->add_option("--catalog", options->catalogDir,
                       "read codes.json and payers.json from DIR instead of the installed catalog")
          ->type_name("DIR");
  units->add_option("ITEM", options->items, "CODE, CODE=M or CODE=M+A, in the order performed")
      ->type_name("");
  units->footer(kItemHelp);
  return {units, [options, catalog](std::ostream& out, std::ostream& err) {
            options->catalogGiven = catalog->count() > 0;
            return runUnits(*options, out, err);
          }};
}

}  // namespace unitclock::app
