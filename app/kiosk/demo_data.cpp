// The demo clinic (`--demo`): seven clinicians, a schedule and favourite activities, seeded only into an
// empty store. Kept apart from the controller so the demo roster can change on its own.
#include "controller.h"

namespace unitclock::app {

core::Result<void, std::string> Controller::seedDemo() {
  auto& store = m_ctx.store;
  auto roster = store.roster();
  if (!roster) return core::fail(roster.error().message);
  if (!roster.value().empty()) return {};
  struct Person {
    const char* id;
    const char* name;
    const char* role;
    const char* pin;
  };
  const Person people[] = {
      {"c-dana", "Dana Ortiz", "OT", "1111"},       {"c-sam", "Sam Lee", "OTA", "2222"},
      {"c-priya", "Priya Shah", "PT", "3333"},      {"c-marco", "Marco Reyes", "PTA", "4444"},
      {"c-alex", "Alex Kim", "SLP", "5555"},        {"c-jordan", "Jordan Blake", "supervisor", "9999"},
      {"admin-1", "Clinic Admin", "admin", "0000"},
  };
  for (const auto& p : people) {
    auto hash = platform::hashPin(p.pin, m_ctx.options.pinLimits);
    if (!hash) return core::fail(std::string("cannot hash a demo PIN"));
    if (auto r = store.upsertClinician({p.id, p.name, p.role, *hash, true}); !r)
      return core::fail(r.error().message);
  }
  const auto now = m_ctx.clock.wallNow();
  const std::pair<const char*, const char*> settings[] = {
      {"clinic_name", "Riverside Therapy (demo)"},
      {"room", "Room 2 · Kiosk"},
      {"clinic_id", "demo-clinic"},
      {"device_id", "demo-kiosk-1"},
      {"favourites.ot", R"(["97530", "97110", "97535", "97112", "97140", "97129"])"},
      {"favourites.pt", R"(["97110", "97112", "97116", "97140", "97530", "97535"])"},
      {"favourites.slp", R"(["97129", "97130", "97530"])"},
      {"schedule",  // wire::scheduleDocument, as the sync link saves the server's
       R"([{"time":"08:30","mrn":"MRN1001","initials":"JD","payer":"medicare","discipline":"ot"},)"
       R"({"time":"09:15","mrn":"MRN1002","initials":"AB","payer":"commercial","discipline":"pt"},)"
       R"({"time":"10:00","mrn":"MRN1003","initials":"KW","payer":"medicare","discipline":"slp"},)"
       R"({"time":"10:45","mrn":"MRN1004","initials":"RM","payer":"medicare","discipline":"pt"},)"
       R"({"time":"13:30","mrn":"MRN1005","initials":"TS","payer":"commercial","discipline":"ot"}])"},
  };
  for (const auto& [k, v] : settings)
    if (auto r = store.setSetting(k, v, "admin-1", now); !r) return core::fail(r.error().message);
  return {};
}

}  // namespace unitclock::app
