#pragma once
// The second pair of eyes on a clinic's day (docs/console.md, "Decisions"): the keys and hashes that the
// console's decisions are taken on, so that a decision holds only for what was looked at, and the clinic's
// review policy — charges wait for their clinician's approved day, and an assistant's sessions for a
// supervisor's co-sign, before they leave in an export.

#include <unitclock/server/store.h>
#include <unitclock/server/summary.h>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace unitclock::server {

// [SECTION] Keys and hashes

// A flag's stable key on its day: what an acknowledgement is for. A flag whose message or sessions change
// (new numbers, another session) is a new flag and needs a new look.
std::string flagKey(const DayFlag& flag);

// Every flag of the day once (they are listed under the day, a patient or a clinician), with its key.
struct KeyedFlag {
  const DayFlag* flag;
  std::string key;
};
std::vector<KeyedFlag> allFlags(const DayReport& report);

// What belongs to each clinician's day, worked out once for the whole day (a day of 200 clinicians and
// 10,000 sessions is read per clinician otherwise): the patient-days they rendered or furnished a segment
// of, the unsigned sessions among those, and their flags.
struct DayIndex {
  std::vector<KeyedFlag> flags;
  std::map<std::string, std::vector<std::size_t>> patientsOf;
  std::map<std::string, std::vector<std::size_t>> unsignedOf;
  std::map<std::string, std::vector<std::size_t>> flagsOf;
};
DayIndex indexDay(const DayReport& report);

// What a clinician's day bills and what is flagged on it, hashed: an approval holds while it is unchanged,
// so a new revision of one of their sessions returns the day to review.
std::string clinicianHash(const DayReport& report, const DayIndex& index, const std::string& clinicianId);

// The latest decision of `kind` on `subject` taken on content `hash`; nullptr when there is none.
const DayDecisionRow* latestDecision(const DayReport& report, std::string_view kind,
                                     const std::string& subject, const std::string& hash);

// [SECTION] Co-signing an assistant's sessions

// A signed session of the day with a segment or untimed minutes furnished by an assistant (OTA, PTA, SLPA)
// needs a supervising therapist's co-sign where the clinic requires it. A co-sign holds for the session's
// revision.
struct CosignNeed {
  std::string sessionId;
  int revision = 1;
  std::string initials;
  std::vector<std::string> assistants;  // the clinicians who furnished its assistant segments
};
std::vector<CosignNeed> cosignNeeds(const DayReport& report);
std::string cosignHash(const CosignNeed& need);  // "revision N"

// [SECTION] The clinic's review policy (the clinic document "review", set in the console's Settings page
// or with `unitclock-server config set --name review`)

// {"approved_only": false, "cosign_assistants": false}; both keys optional, nothing else allowed.
core::Result<ReviewPolicy, std::string> parseReviewPolicy(const nlohmann::json& doc);
nlohmann::json toJson(const ReviewPolicy& policy);
Result<ReviewPolicy> loadReviewPolicy(StoreConnection& store, const std::string& clinicId);

// Marks each patient-day's `waitingFor` under `report.policy`, from `report.decisions`: "approval" while a
// clinician who rendered or furnished it has no approval of their current day, "co-sign" while one of its
// assistant sessions is not co-signed. A waiting patient-day is held out of every export.
void applyReviewPolicy(DayReport& report);

}  // namespace unitclock::server
