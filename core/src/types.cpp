#include <unitclock/core/types.h>

namespace unitclock::core {

std::string_view toString(Discipline discipline) noexcept {
  switch (discipline) {
    case Discipline::ot:
      return "ot";
    case Discipline::pt:
      return "pt";
    case Discipline::slp:
      return "slp";
  }
  return "ot";
}

std::string_view toString(Performer performer) noexcept {
  return performer == Performer::assistant ? "assistant" : "therapist";
}

std::string_view toString(UnitRule rule) noexcept {
  return rule == UnitRule::ama ? "ama" : "cms";
}

std::optional<Discipline> parseDiscipline(std::string_view text) noexcept {
  if (text == "ot") return Discipline::ot;
  if (text == "pt") return Discipline::pt;
  if (text == "slp") return Discipline::slp;
  return std::nullopt;
}

std::optional<Performer> parsePerformer(std::string_view text) noexcept {
  if (text == "therapist") return Performer::therapist;
  if (text == "assistant") return Performer::assistant;
  return std::nullopt;
}

std::optional<UnitRule> parseUnitRule(std::string_view text) noexcept {
  if (text == "cms") return UnitRule::cms;
  if (text == "ama") return UnitRule::ama;
  return std::nullopt;
}

std::string_view disciplineModifier(Discipline discipline) noexcept {
  switch (discipline) {
    case Discipline::ot:
      return "GO";
    case Discipline::pt:
      return "GP";
    case Discipline::slp:
      return "GN";
  }
  return "GO";
}

std::optional<std::string_view> assistantModifier(Discipline discipline) noexcept {
  switch (discipline) {
    case Discipline::ot:
      return "CO";
    case Discipline::pt:
      return "CQ";
    case Discipline::slp:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace unitclock::core
