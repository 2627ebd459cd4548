// The rules engine. Sections follow billing-rules.md: minutes (S4), units (§1.3, §1.4.1, §3, S6, S15),
// assistant modifiers (§1.7), claim lines (§1.6, S8, S9, S19), NCCI pairs (§1.10), checks (checks.cpp).
#include <unitclock/core/checks.h>
#include <unitclock/core/engine.h>

#include <algorithm>
#include <limits>
#include <set>

namespace unitclock::core {

namespace {

using std::chrono::minutes;
using std::chrono::seconds;

constexpr auto kMaxItem = std::chrono::hours{24};  // one recorded item longer than a day is a mistake
constexpr auto kCmsUnit = minutes{15};             // CMS pools only codes with 15-minute units (§1.3)

// [SECTION] Input checking and grouping into services

// One billed service: a recorded code, or a first code and its add-on recorded together (97129 + 97130).
struct Service {
  std::string code;  // the first code of the family (97129 for 97130)
  const CodeInfo* info = nullptr;
  const CodeInfo* addOn = nullptr;  // the add-on code's entry, when the family has one
  bool timed = false;
  seconds therapistSeconds{};
  seconds assistantSeconds{};
  seconds durationSeconds{};  // untimed only
  std::vector<TimeBlock> blocks;
  minutes therapist{};
  minutes assistant{};
  minutes total{};
  int units = 0;
  int assistantUnits = 0;
  bool bundled = false;
  std::string billedAs;           // substituted code, empty when none
  bool distinctModifier = false;  // NCCI column-2 code performed in a separate time block
};

EngineError makeError(EngineError::Kind kind, const std::string& item, std::string message) {
  return EngineError{kind, item, std::move(message)};
}

std::optional<EngineError> checkTimes(const std::string& code, seconds a, seconds b,
                                      const std::vector<TimeBlock>& blocks) {
  if (a < seconds{0} || b < seconds{0}) {
    return makeError(EngineError::Kind::kNegativeTime, code, code + ": minutes cannot be negative");
  }
  for (const auto& block : blocks) {
    if (block.end < block.start) {
      return makeError(EngineError::Kind::kNegativeTime, code, code + ": a time block ends before it starts");
    }
  }
  if (a + b > kMaxItem) {
    return makeError(EngineError::Kind::kTooLong, code, code + ": more than 24 hours recorded on one code");
  }
  return std::nullopt;
}

// S4: the seconds of a code are summed, then floored to whole minutes. The minute made of both people's
// seconds together is counted as the assistant's: that can only add an assistant modifier, never drop one.
void floorMinutes(Service& s) {
  s.therapist = std::chrono::floor<minutes>(s.therapistSeconds);
  s.total = std::chrono::floor<minutes>(s.therapistSeconds + s.assistantSeconds);
  s.assistant = s.total - s.therapist;
}

Result<std::vector<Service>, EngineError> groupTimed(const EngineInput& input, const Catalog& catalog) {
  std::vector<Service> services;
  std::set<std::string, std::less<>> seenCodes;
  for (const auto& item : input.timed) {
    const CodeInfo* info = catalog.find(item.code);
    if (info == nullptr) {
      return fail(makeError(EngineError::Kind::kUnknownCode, item.code,
                            (item.code.empty() ? std::string{"(empty)"} : item.code) + ": unknown code"));
    }
    if (!info->timed) {
      return fail(makeError(EngineError::Kind::kWrongKind, item.code,
                            item.code + ": an untimed code recorded as a timed service"));
    }
    if (!seenCodes.insert(item.code).second) {
      return fail(makeError(EngineError::Kind::kDuplicateCode, item.code, item.code + ": code given twice"));
    }
    if (auto e = checkTimes(item.code, item.therapist, item.assistant, item.blocks)) return fail(*e);
    const CodeInfo* first = info->addOnOf.empty() ? info : catalog.find(info->addOnOf);
    auto it = std::find_if(services.begin(), services.end(),
                           [&](const Service& s) { return s.code == first->code; });
    if (it == services.end()) {
      Service s;
      s.code = first->code;
      s.info = first;
      s.addOn = first->addOnCode.empty() ? nullptr : catalog.find(first->addOnCode);
      s.timed = true;
      services.push_back(std::move(s));
      it = services.end() - 1;
    }
    it->therapistSeconds += item.therapist;
    it->assistantSeconds += item.assistant;
    it->blocks.insert(it->blocks.end(), item.blocks.begin(), item.blocks.end());
    if (auto e = checkTimes(item.code, it->therapistSeconds, it->assistantSeconds, {})) return fail(*e);
  }
  for (auto& s : services) floorMinutes(s);
  return services;
}

Result<std::vector<Service>, EngineError> groupUntimed(const EngineInput& input, const Catalog& catalog) {
  std::vector<Service> services;
  for (const auto& item : input.untimed) {
    const CodeInfo* info = catalog.find(item.code);
    if (info == nullptr) {
      return fail(makeError(EngineError::Kind::kUnknownCode, item.code,
                            (item.code.empty() ? std::string{"(empty)"} : item.code) + ": unknown code"));
    }
    if (info->timed) {
      return fail(makeError(EngineError::Kind::kWrongKind, item.code,
                            item.code + ": a timed code recorded as an untimed service"));
    }
    for (const auto& s : services) {
      if (s.code == item.code) {
        return fail(
            makeError(EngineError::Kind::kDuplicateCode, item.code, item.code + ": code given twice"));
      }
    }
    if (auto e = checkTimes(item.code, item.duration, seconds{0}, item.blocks)) return fail(*e);
    if (item.assistant < seconds{0}) {
      return fail(
          makeError(EngineError::Kind::kNegativeTime, item.code, item.code + ": minutes cannot be negative"));
    }
    if (item.assistant > item.duration) {
      return fail(makeError(EngineError::Kind::kAssistantExceeds, item.code,
                            item.code + ": assistant minutes exceed the service's minutes"));
    }
    Service s;
    s.code = item.code;
    s.info = info;
    s.durationSeconds = item.duration;
    s.assistantSeconds = item.assistant;
    s.therapistSeconds = item.duration - item.assistant;
    s.blocks = item.blocks;
    floorMinutes(s);
    services.push_back(std::move(s));
  }
  return services;
}

// [SECTION] Units

// Units of one service counted on its own (AMA, and codes whose unit is not 15 minutes under CMS).
// A first code with an add-on earns its one unit at its midpoint; minutes past its unit length go to the
// add-on with the add-on's own length and midpoint (97545: 61 min → 1; 151 min → 2).
int ownUnits(const Service& s) {
  const CodeInfo& info = *s.info;
  if (s.addOn == nullptr) {
    int units = unitsByMidpoint(s.total, info.unitLength, info.midpoint);
    return info.maxUnitsPerDay > 0 ? std::min(units, info.maxUnitsPerDay) : units;
  }
  if (s.total < info.midpoint) return 0;
  const minutes rest = s.total - info.unitLength;
  return 1 + (rest > minutes{0} ? unitsByMidpoint(rest, s.addOn->unitLength, s.addOn->midpoint) : 0);
}

bool pooledUnderCms(const Service& s) {
  return s.info->unitLength == kCmsUnit;
}

int preferenceRank(const EngineInput& input, const Service& s) {
  for (std::size_t i = 0; i < input.tiePreference.size(); ++i) {
    const auto& code = input.tiePreference[i];
    if (code == s.code || (s.addOn != nullptr && code == s.addOn->code)) return static_cast<int>(i);
  }
  return std::numeric_limits<int>::max();
}

std::string joinCodes(const std::vector<std::string>& codes) {
  std::string out;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (i > 0) out += (i + 1 == codes.size()) ? " and " : ", ";
    out += codes[i];
  }
  return out;
}

// §1.4.1: N = units(T) for the pooled total; each code keeps floor(m/15) full units; the R = N − F
// remaining units go to the largest remainders. Ties: the clinician's preference, then more total minutes,
// then performed first.
void allocateCms(const EngineInput& input, std::vector<Service>& services, UnitsResult& result) {
  std::vector<std::size_t> pooled;
  minutes totalPooled{0};
  int fullUnits = 0;
  for (std::size_t i = 0; i < services.size(); ++i) {
    auto& s = services[i];
    if (!pooledUnderCms(s)) {
      s.units = ownUnits(s);
      continue;
    }
    pooled.push_back(i);
    totalPooled += s.total;
    s.units = static_cast<int>(s.total / kCmsUnit);
    fullUnits += s.units;
  }
  const int remainingUnits = cmsUnits(totalPooled) - fullUnits;  // never negative (§1.4.1 step 2)
  if (remainingUnits <= 0) return;
  std::vector<std::size_t> order;
  for (auto i : pooled) {
    if (services[i].total % kCmsUnit > minutes{0}) order.push_back(i);
  }
  auto remainder = [&](std::size_t i) { return services[i].total % kCmsUnit; };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (remainder(a) != remainder(b)) return remainder(a) > remainder(b);
    int pa = preferenceRank(input, services[a]);
    int pb = preferenceRank(input, services[b]);
    if (pa != pb) return pa < pb;
    if (services[a].total != services[b].total) return services[a].total > services[b].total;
    return a < b;  // performed first
  });
  const auto awardedCount = std::min<std::size_t>(static_cast<std::size_t>(remainingUnits), order.size());
  for (std::size_t k = 0; k < awardedCount; ++k) services[order[k]].units += 1;
  // A tie straddles the cut when a code with the last awarded remainder did not get a unit.
  if (awardedCount == 0 || awardedCount == order.size()) return;
  const minutes cut = remainder(order[awardedCount - 1]);
  if (remainder(order[awardedCount]) != cut) return;
  Tie tie;
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (remainder(order[k]) != cut) continue;
    tie.candidates.push_back(services[order[k]].code);
    if (k < awardedCount) {
      tie.awarded.push_back(services[order[k]].code);
      tie.units += 1;
    }
  }
  result.warnings.push_back(Warning{"tie",
                                    joinCodes(tie.candidates) + " have the same remainder (" +
                                        std::to_string(cut.count()) + " min); " + joinCodes(tie.awarded) +
                                        " received the remainder unit. The clinician may choose another.",
                                    tie.awarded.front()});
  result.ties.push_back(std::move(tie));
}

// [SECTION] Assistant modifiers (§1.7, defaults S10-S12)

bool exceedsDeMinimis(minutes part, minutes whole, int percent) {
  return part.count() * 100 > static_cast<long long>(percent) * whole.count();
}

// How many of a timed service's units carry CQ/CO.
int timedAssistantUnits(const Service& s, const PayerProfile& payer) {
  const int units = s.units;
  if (units == 0 || s.assistant == minutes{0}) return 0;
  if (s.therapist == minutes{0}) return units;
  const minutes length = s.info->unitLength;
  const minutes mid = s.info->midpoint;
  const int ft = static_cast<int>(s.therapist / length);
  const int fa = static_cast<int>(s.assistant / length);
  int withModifier = std::min(fa, units);
  int without = std::min(ft, units - withModifier);
  int left = units - withModifier - without;
  const minutes rt = s.therapist % length;
  const minutes ra = s.assistant % length;
  if (left >= 2) {
    // A7/S12: two units left, each furnished 9-14 minutes of one → one unit each (any further left-over
    // units, which only a non-15 family can produce, are split the same way).
    while (left >= 2) {
      ++withModifier;
      ++without;
      left -= 2;
    }
  }
  if (left == 1) {
    bool assistantUnit;
    if (rt >= mid && ra < mid) {
      assistantUnit = false;
    } else if (ra >= mid && rt < mid) {
      assistantUnit = true;
    } else if (rt >= mid && ra >= mid) {
      assistantUnit = ra >= rt;  // the larger wins; an exact tie carries the modifier
    } else {
      assistantUnit = exceedsDeMinimis(ra, length, payer.assistantDeMinimisPercent);
    }
    if (assistantUnit) {
      ++withModifier;
    } else {
      ++without;
    }
  }
  return withModifier;
}

// Untimed: the modifier when the assistant alone furnished more than the de minimis share (S10).
int untimedAssistantUnits(const Service& s, const PayerProfile& payer) {
  if (s.units == 0 || s.assistant == minutes{0}) return 0;
  if (s.therapist == minutes{0}) return s.units;
  return exceedsDeMinimis(s.assistant, s.total, payer.assistantDeMinimisPercent) ? s.units : 0;
}

// [SECTION] NCCI pairs (§1.10)

bool blocksOverlap(const std::vector<TimeBlock>& a, const std::vector<TimeBlock>& b) {
  for (const auto& x : a) {
    for (const auto& y : b) {
      if (x.start < y.end && y.start < x.end) return true;
    }
  }
  return false;
}

void applyNcci(const Catalog& catalog, const PayerProfile& payer, std::vector<Service*>& billed,
               UnitsResult& result) {
  for (std::size_t i = 0; i < billed.size(); ++i) {
    for (std::size_t j = i + 1; j < billed.size(); ++j) {
      Service& a = *billed[i];
      Service& b = *billed[j];
      const NcciPair* pair = catalog.findPair(a.code, b.code);
      if (pair == nullptr) continue;
      Service& column2 = (pair->column2 == a.code) ? a : b;
      const std::string both = pair->column1 + " and " + pair->column2;
      if (pair->modifierIndicator == 0) {
        result.warnings.push_back(Warning{
            "ncci-never",
            both + " are never billed together on one day (NCCI); " + pair->column2 + " will be denied.",
            pair->column2});
      } else if (a.blocks.empty() || b.blocks.empty()) {
        result.warnings.push_back(Warning{"ncci-pair",
                                          both + " are an NCCI pair: " + pair->column2 + " needs modifier " +
                                              payer.distinctServiceModifier +
                                              " and is billable only if performed in separate time blocks.",
                                          pair->column2});
      } else if (blocksOverlap(a.blocks, b.blocks)) {
        result.warnings.push_back(Warning{"ncci-overlap",
                                          both + " overlap in time (NCCI pair): " + pair->column2 +
                                              " is not billable for the same time block.",
                                          pair->column2});
      } else {
        column2.distinctModifier = true;
        result.warnings.push_back(Warning{"ncci-separate-blocks",
                                          both + " were performed in separate time blocks: modifier " +
                                              payer.distinctServiceModifier + " added to " + pair->column2 +
                                              " (NCCI pair).",
                                          pair->column2});
      }
    }
  }
}

// [SECTION] Claim lines

std::vector<std::string> modifiersFor(const Service& s, const EngineInput& input, const PayerProfile& payer,
                                      bool assistantLine) {
  std::vector<std::string> mods;
  if (payer.disciplineModifiers && s.info->therapyModifier) {
    mods.emplace_back(disciplineModifier(input.discipline));
  }
  if (assistantLine) {
    if (auto m = assistantModifier(input.discipline)) mods.emplace_back(*m);
  }
  if (s.distinctModifier) mods.push_back(payer.distinctServiceModifier);
  if (input.telehealth && payer.telehealthModifier) mods.emplace_back("95");
  return mods;
}

void addLine(std::vector<ClaimLine>& lines, const std::string& code, int units,
             std::vector<std::string> mods) {
  if (units > 0) lines.push_back(ClaimLine{code, units, std::move(mods)});
}

// The units of a service in order: those without the assistant modifier first, then those with it. With
// an add-on family the first unit is the first code's, the rest the add-on's (S15).
void emitLines(const Service& s, const EngineInput& input, const PayerProfile& payer,
               std::vector<ClaimLine>& lines) {
  const std::string code = s.billedAs.empty() ? s.code : s.billedAs;
  const int without = s.units - s.assistantUnits;
  if (s.addOn == nullptr) {
    addLine(lines, code, without, modifiersFor(s, input, payer, false));
    addLine(lines, code, s.assistantUnits, modifiersFor(s, input, payer, true));
    return;
  }
  if (s.units == 0) return;
  const bool firstIsAssistant = without == 0;
  addLine(lines, code, 1, modifiersFor(s, input, payer, firstIsAssistant));
  addLine(lines, s.addOn->code, firstIsAssistant ? 0 : without - 1, modifiersFor(s, input, payer, false));
  addLine(lines, s.addOn->code, firstIsAssistant ? s.assistantUnits - 1 : s.assistantUnits,
          modifiersFor(s, input, payer, true));
}

std::string substitute(const PayerProfile& payer, const std::string& code) {
  for (const auto& sub : payer.substitutions) {
    if (sub.from == code) return sub.to;
  }
  return {};
}

CodeResult toCodeResult(const Service& s) {
  CodeResult r;
  r.code = s.code;
  r.timed = s.timed;
  r.therapist = s.therapist;
  r.assistant = s.assistant;
  r.total = s.total;
  r.units = s.units;
  r.assistantUnits = s.assistantUnits;
  r.bundled = s.bundled;
  r.billedAs = s.billedAs;
  return r;
}

}  // namespace

// [SECTION] Public functions

int unitsByMidpoint(std::chrono::minutes m, std::chrono::minutes unitLength,
                    std::chrono::minutes midpoint) noexcept {
  if (unitLength.count() <= 0 || m < midpoint) return 0;
  return static_cast<int>(1 + (m - midpoint) / unitLength);
}

int cmsUnits(std::chrono::minutes m) noexcept {
  return unitsByMidpoint(m, kCmsUnit, minutes{8});
}

std::chrono::minutes minutesToNextCmsUnit(std::chrono::minutes totalTimed) noexcept {
  if (totalTimed < minutes{0}) totalTimed = minutes{0};
  const int next = cmsUnits(totalTimed) + 1;
  return minutes{8} + kCmsUnit * (next - 1) - totalTimed;
}

TimedService TimedService::fromBlocks(std::string code, std::vector<TimeBlock> blocks) {
  TimedService s;
  s.code = std::move(code);
  for (const auto& b : blocks) {
    (b.performer == Performer::assistant ? s.assistant : s.therapist) += b.end - b.start;
  }
  s.blocks = std::move(blocks);
  return s;
}

Result<UnitsResult, EngineError> computeUnits(const EngineInput& input, const PayerProfile& payer,
                                              const Catalog& catalog) {
  auto timed = groupTimed(input, catalog);
  if (!timed) return fail(timed.error());
  auto untimed = groupUntimed(input, catalog);
  if (!untimed) return fail(untimed.error());
  std::vector<Service>& timedServices = timed.value();
  std::vector<Service>& untimedServices = untimed.value();

  UnitsResult result;
  result.payer = payer.name;
  result.rule = payer.rule;

  // Units.
  if (payer.rule == UnitRule::cms) {
    allocateCms(input, timedServices, result);
  } else {
    for (auto& s : timedServices) s.units = ownUnits(s);
  }
  for (auto& s : untimedServices) s.units = 1;  // U1

  // Assistant modifiers, bundling, substitutions.
  const bool assistantMods = payer.assistantModifiers && assistantModifier(input.discipline).has_value();
  for (auto& s : timedServices) {
    if (assistantMods) s.assistantUnits = timedAssistantUnits(s, payer);
  }
  for (auto& s : untimedServices) {
    if (payer.dropBundledCodes && s.info->medicareBundled) {
      s.bundled = true;
      s.units = 0;
      result.warnings.push_back(Warning{
          "bundled-code",
          s.code + " is bundled for " + payer.name + ": documented in the note, never a separate charge.",
          s.code});
      continue;
    }
    if (assistantMods) s.assistantUnits = untimedAssistantUnits(s, payer);
  }
  for (auto* list : {&timedServices, &untimedServices}) {
    for (auto& s : *list) {
      s.billedAs = substitute(payer, s.code);
      if (!s.billedAs.empty() && s.units > 0) {
        result.warnings.push_back(Warning{
            "substituted-code", s.code + " is billed as " + s.billedAs + " for " + payer.name + ".", s.code});
      }
    }
  }

  // NCCI pairs among the services that earned units.
  std::vector<Service*> billed;
  for (auto* list : {&timedServices, &untimedServices}) {
    for (auto& s : *list) {
      if (s.units > 0) billed.push_back(&s);
    }
  }
  applyNcci(catalog, payer, billed, result);

  // Lines, totals, per-code results.
  for (auto* list : {&timedServices, &untimedServices}) {
    for (const auto& s : *list) {
      emitLines(s, input, payer, result.lines);
      result.codes.push_back(toCodeResult(s));
      if (s.units == 0) result.zeroUnitCodes.push_back(s.code);
      if (s.timed) result.totalTimed += s.total;
      result.totalTreatment += s.total;
    }
  }
  for (const auto& line : result.lines) result.totalUnits += line.units;

  runChecks(input, payer, catalog, result);
  return result;
}

Result<EngineInput, std::string> mergeInputs(const std::vector<EngineInput>& sessions) {
  EngineInput merged;
  if (sessions.empty()) return merged;
  merged.discipline = sessions.front().discipline;
  std::set<std::string, std::less<>> diagnoses;
  bool anyDiagnoses = false;
  for (const auto& session : sessions) {
    if (session.discipline != merged.discipline) {
      return fail("sessions of different disciplines (" + std::string{toString(merged.discipline)} + ", " +
                  std::string{toString(session.discipline)} + ") are billed separately");
    }
    merged.telehealth = merged.telehealth || session.telehealth;
    for (const auto& t : session.timed) {
      auto it = std::find_if(merged.timed.begin(), merged.timed.end(),
                             [&](const TimedService& m) { return m.code == t.code; });
      if (it == merged.timed.end()) {
        merged.timed.push_back(t);
      } else {
        it->therapist += t.therapist;
        it->assistant += t.assistant;
        it->blocks.insert(it->blocks.end(), t.blocks.begin(), t.blocks.end());
      }
    }
    for (const auto& u : session.untimed) {
      auto it = std::find_if(merged.untimed.begin(), merged.untimed.end(),
                             [&](const UntimedService& m) { return m.code == u.code; });
      if (it == merged.untimed.end()) {
        merged.untimed.push_back(u);
      } else {
        it->duration += u.duration;
        it->assistant += u.assistant;
        it->blocks.insert(it->blocks.end(), u.blocks.begin(), u.blocks.end());
      }
    }
    if (session.diagnoses) {
      anyDiagnoses = true;
      for (const auto& d : *session.diagnoses) {
        if (diagnoses.insert(d).second) {
          if (!merged.diagnoses) merged.diagnoses.emplace();
          merged.diagnoses->push_back(d);
        }
      }
    }
    for (const auto& p : session.tiePreference) {
      if (std::find(merged.tiePreference.begin(), merged.tiePreference.end(), p) ==
          merged.tiePreference.end()) {
        merged.tiePreference.push_back(p);
      }
    }
  }
  if (anyDiagnoses && !merged.diagnoses) merged.diagnoses.emplace();
  // Timed services in the order each code was first performed, when every service carries its blocks;
  // otherwise the order of the sessions as given.
  const bool allBlocks = std::all_of(merged.timed.begin(), merged.timed.end(),
                                     [](const TimedService& t) { return !t.blocks.empty(); });
  if (allBlocks) {
    auto firstStart = [](const TimedService& s) {
      return std::min_element(s.blocks.begin(), s.blocks.end(),
                              [](const TimeBlock& x, const TimeBlock& y) { return x.start < y.start; })
          ->start;
    };
    std::stable_sort(
        merged.timed.begin(), merged.timed.end(),
        [&](const TimedService& a, const TimedService& b) { return firstStart(a) < firstStart(b); });
  }
  return merged;
}

}  // namespace unitclock::core
