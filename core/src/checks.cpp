// Checks before signing (product.md). Each warning has a stable id; messages speak to the clinician.
#include <unitclock/core/checks.h>

#include <algorithm>

namespace unitclock::core {

namespace {

std::string minutesText(std::chrono::minutes m) {
  return std::to_string(m.count()) + " min";
}

}  // namespace

void runChecks(const EngineInput& input, const PayerProfile& payer, const Catalog& catalog,
               UnitsResult& result) {
  auto& w = result.warnings;

  if (input.diagnoses.has_value()) {
    const bool none = std::all_of(input.diagnoses->begin(), input.diagnoses->end(),
                                  [](const std::string& d) { return d.empty(); });
    if (none) w.push_back(Warning{"no-diagnosis", "No diagnosis code is recorded; add at least one.", ""});
  }

  if (result.lines.empty()) {
    w.push_back(Warning{"nothing-billable", "Nothing on this day earns a billable unit.", ""});
  }

  const CodeResult* evaluation = nullptr;
  const CodeResult* reEvaluation = nullptr;
  for (const auto& c : result.codes) {
    const CodeInfo* info = catalog.find(c.code);
    if (info == nullptr) continue;
    if (info->evaluation && evaluation == nullptr) evaluation = &c;
    if (info->reEvaluation && reEvaluation == nullptr) reEvaluation = &c;
    if ((info->evaluation || info->reEvaluation) && c.assistant.count() > 0) {
      w.push_back(Warning{"assistant-on-evaluation",
                          c.code + ": " + minutesText(c.assistant) +
                              " recorded for the assistant; evaluations are the therapist's alone.",
                          c.code});
    }
    if (!info->allowsDiscipline(input.discipline)) {
      w.push_back(Warning{"code-discipline",
                          c.code + " is not a " + std::string{toString(input.discipline)} +
                              " code; check the discipline of this session.",
                          c.code});
    }
  }
  if (evaluation != nullptr && reEvaluation != nullptr) {
    w.push_back(Warning{"eval-and-reeval",
                        "Evaluation " + evaluation->code + " and re-evaluation " + reEvaluation->code +
                            " on the same day; bill only one of them.",
                        reEvaluation->code});
  }

  int timedUnits = 0;
  for (const auto& c : result.codes) {
    if (!c.timed) continue;
    timedUnits += c.units;
    if (c.units == 0) {
      w.push_back(Warning{"zero-unit-timed",
                          c.code + ": " + minutesText(c.total) +
                              " earned no unit; it stays documented in the note and is not billed.",
                          c.code});
    }
  }

  if (payer.maxTimedUnitsPerVisit > 0 && timedUnits > payer.maxTimedUnitsPerVisit) {
    w.push_back(Warning{"units-cap-exceeded",
                        std::to_string(timedUnits) + " timed units exceed " + payer.name + "'s limit of " +
                            std::to_string(payer.maxTimedUnitsPerVisit) + " per visit.",
                        ""});
  }

  // Group time overlapping one-on-one time (product.md checks; billing-rules.md §1.12 G3, G4): a
  // clinician cannot be in constant attendance of a group and one-on-one with this patient at once.
  for (const auto& group : input.untimed) {
    const CodeInfo* info = catalog.find(group.code);
    if (info == nullptr || !info->group) continue;
    for (const auto& timed : input.timed) {
      bool overlap = false;
      for (const auto& g : group.blocks) {
        for (const auto& t : timed.blocks) overlap = overlap || (g.start < t.end && t.start < g.end);
      }
      if (overlap) {
        w.push_back(Warning{"group-overlap",
                            "Group time (" + group.code + ") overlaps one-on-one time on " + timed.code +
                                "; the same minutes cannot be billed as both.",
                            timed.code});
      }
    }
  }

  if (result.totalTreatment > kLongSession) {
    w.push_back(Warning{"long-session",
                        "Total treatment time " + minutesText(result.totalTreatment) +
                            " is longer than 4 hours; check for a timer left running.",
                        ""});
  }
}

}  // namespace unitclock::core
