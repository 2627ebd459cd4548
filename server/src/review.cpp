#include <unitclock/server/review.h>
#include <unitclock/server/secrets.h>
#include <algorithm>
#include <set>

namespace unitclock::server {

using nlohmann::json;

// [SECTION] Keys and hashes

std::string flagKey(const DayFlag& f) {
  std::string text = f.id + "|" + f.clinician + "|" + f.patientMrn + "|" + f.discipline + "|" + f.message;
  for (const auto& s : f.sessions) text += "|" + s;
  return sha256Hex(text).substr(0, 16);
}

std::vector<KeyedFlag> allFlags(const DayReport& r) {
  std::vector<KeyedFlag> out;
  std::set<std::string> seen;
  auto add = [&](const DayFlag& f) {
    auto key = flagKey(f);
    if (seen.insert(key).second) out.push_back({&f, std::move(key)});
  };
  for (const auto& f : r.flags) add(f);
  for (const auto& p : r.patients)
    for (const auto& f : p.flags) add(f);
  for (const auto& c : r.clinicians)
    for (const auto& f : c.flags) add(f);
  return out;
}

DayIndex indexDay(const DayReport& r) {
  DayIndex x;
  x.flags = allFlags(r);
  std::map<std::string, std::set<std::string>> furnishedBy;  // session → clinicians with a segment in it
  for (const auto& b : r.timeline) furnishedBy[b.sessionId].insert(b.clinician);
  for (const auto& u : r.untimed) furnishedBy[u.sessionId].insert(u.clinician);
  std::map<std::string, std::set<std::string>> sessionOwners;  // session → whose day it is part of
  for (std::size_t i = 0; i < r.patients.size(); ++i) {
    const auto& p = r.patients[i];
    std::set<std::string> who{p.renderingClinician};
    for (const auto& s : p.sessions)
      if (auto it = furnishedBy.find(s); it != furnishedBy.end())
        who.insert(it->second.begin(), it->second.end());
    for (const auto& c : who) x.patientsOf[c].push_back(i);
    for (const auto& s : p.sessions) {
      sessionOwners[s].insert(p.renderingClinician);
      if (auto it = furnishedBy.find(s); it != furnishedBy.end())
        sessionOwners[s].insert(it->second.begin(), it->second.end());
    }
  }
  for (std::size_t i = 0; i < r.unsignedSessions.size(); ++i) {
    std::set<std::string> who;
    if (auto it = sessionOwners.find(r.unsignedSessions[i].id); it != sessionOwners.end()) who = it->second;
    if (auto it = furnishedBy.find(r.unsignedSessions[i].id); it != furnishedBy.end())
      who.insert(it->second.begin(), it->second.end());
    for (const auto& c : who) x.unsignedOf[c].push_back(i);
  }
  for (std::size_t i = 0; i < x.flags.size(); ++i) x.flagsOf[x.flags[i].flag->clinician].push_back(i);
  return x;
}

std::string clinicianHash(const DayReport& r, const DayIndex& x, const std::string& clinicianId) {
  json content = json::array();
  if (auto it = x.patientsOf.find(clinicianId); it != x.patientsOf.end())
    for (auto i : it->second) {
      const auto& p = r.patients[i];
      content.push_back({p.mrn, p.discipline, p.contentHash});
    }
  if (auto it = x.unsignedOf.find(clinicianId); it != x.unsignedOf.end())
    for (auto i : it->second) {
      const auto& s = r.unsignedSessions[i];
      content.push_back({s.id, s.status, s.revision});
    }
  if (auto it = x.flagsOf.find(clinicianId); it != x.flagsOf.end())
    for (auto i : it->second) content.push_back(x.flags[i].key);
  return sha256Hex(content.dump());
}

const DayDecisionRow* latestDecision(const DayReport& r, std::string_view kind, const std::string& subject,
                                     const std::string& hash) {
  const DayDecisionRow* found = nullptr;
  for (const auto& d : r.decisions)
    if (d.kind == kind && d.subject == subject && d.contentHash == hash) found = &d;
  return found;
}

// [SECTION] Co-signing

std::vector<CosignNeed> cosignNeeds(const DayReport& r) {
  std::map<std::string, CosignNeed> bySession;
  auto add = [&](const std::string& sessionId, int revision, const std::string& initials,
                 const std::string& clinician) {
    auto& need = bySession[sessionId];
    need.sessionId = sessionId;
    need.revision = revision;
    need.initials = initials;
    if (std::find(need.assistants.begin(), need.assistants.end(), clinician) == need.assistants.end())
      need.assistants.push_back(clinician);
  };
  for (const auto& b : r.timeline)
    if (b.signedSession && b.performer == core::Performer::assistant)
      add(b.sessionId, b.revision, b.initials, b.clinician);
  for (const auto& u : r.untimed)  // an assistant's untimed minutes (CO/CQ) need the same co-sign
    if (u.signedSession && u.assistant) add(u.sessionId, u.revision, u.initials, u.clinician);
  std::vector<CosignNeed> out;
  for (auto& [id, need] : bySession) out.push_back(std::move(need));
  return out;
}

std::string cosignHash(const CosignNeed& need) {
  return "revision " + std::to_string(need.revision);
}

// [SECTION] The policy

core::Result<ReviewPolicy, std::string> parseReviewPolicy(const json& doc) {
  if (!doc.is_object()) return fail(std::string{"the review document must be a JSON object"});
  ReviewPolicy p;
  for (const auto& [key, value] : doc.items()) {
    bool* target = key == "approved_only"       ? &p.approvedOnly
                   : key == "cosign_assistants" ? &p.cosignAssistants
                                                : nullptr;
    if (!target) return fail("unknown setting \"" + key + "\" (approved_only, cosign_assistants)");
    if (!value.is_boolean()) return fail(key + ": must be true or false");
    *target = value.get<bool>();
  }
  return p;
}

json toJson(const ReviewPolicy& p) {
  return json{{"approved_only", p.approvedOnly}, {"cosign_assistants", p.cosignAssistants}};
}

Result<ReviewPolicy> loadReviewPolicy(StoreConnection& store, const std::string& clinicId) {
  auto documents = store.clinicDocuments(clinicId);
  if (!documents) return fail(documents.error());
  for (const auto& d : documents.value()) {
    if (d.name != "review") continue;
    auto p = parseReviewPolicy(json::parse(d.body, nullptr, false));
    if (!p) {
      return fail(ApiError{500, "",
                           "the review document of clinic " + clinicId + " cannot be read (" + p.error() +
                               "); set it again in the console's Settings page"});
    }
    return p.value();
  }
  return ReviewPolicy{};
}

void applyReviewPolicy(DayReport& r) {
  for (auto& p : r.patients) p.waitingFor.clear();
  if (!r.policy.approvedOnly && !r.policy.cosignAssistants) return;
  const DayIndex index = indexDay(r);
  std::set<std::size_t> awaitingApproval, awaitingCosign;
  if (r.policy.approvedOnly) {
    for (const auto& [clinicianId, patients] : index.patientsOf) {
      if (clinicianId.empty()) continue;  // a patient-day of unsigned sessions only: nothing to approve
      if (latestDecision(r, "approve", clinicianId, clinicianHash(r, index, clinicianId))) continue;
      awaitingApproval.insert(patients.begin(), patients.end());
    }
  }
  if (r.policy.cosignAssistants) {
    std::set<std::string> notCosigned;
    for (const auto& need : cosignNeeds(r))
      if (!latestDecision(r, "cosign", need.sessionId, cosignHash(need))) notCosigned.insert(need.sessionId);
    for (std::size_t i = 0; i < r.patients.size(); ++i)
      for (const auto& s : r.patients[i].signedSessions)
        if (notCosigned.count(s)) awaitingCosign.insert(i);
  }
  for (auto i : awaitingApproval) r.patients[i].waitingFor.push_back("approval");
  for (auto i : awaitingCosign) r.patients[i].waitingFor.push_back("co-sign");
}

}  // namespace unitclock::server
