#include <unitclock/core/role.h>

#include <array>
#include <cctype>
#include <utility>

namespace unitclock::core {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 7> kNames{{
    {Role::ot, "ot"},
    {Role::ota, "ota"},
    {Role::pt, "pt"},
    {Role::pta, "pta"},
    {Role::slp, "slp"},
    {Role::supervisor, "supervisor"},
    {Role::admin, "admin"},
}};

bool equalsIgnoringCase(std::string_view a, std::string_view lower) noexcept {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != lower[i]) return false;
  return true;
}

}  // namespace

std::optional<Role> parseRole(std::string_view text) noexcept {
  for (const auto& [role, name] : kNames)
    if (equalsIgnoringCase(text, name)) return role;
  return std::nullopt;
}

std::string_view toString(Role role) noexcept {
  for (const auto& [r, name] : kNames)
    if (r == role) return name;
  return "ot";
}

bool canSupervise(Role role) noexcept {
  return role == Role::supervisor || role == Role::admin;
}

bool canAdminister(Role role) noexcept {
  return role == Role::admin;
}

Discipline usualDiscipline(Role role) noexcept {
  switch (role) {
    case Role::pt:
    case Role::pta:
      return Discipline::pt;
    case Role::slp:
      return Discipline::slp;
    default:
      return Discipline::ot;
  }
}

bool mayStartDiscipline(Role role, Discipline discipline) noexcept {
  return canSupervise(role) || usualDiscipline(role) == discipline;
}

}  // namespace unitclock::core
