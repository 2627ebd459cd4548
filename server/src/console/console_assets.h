#pragma once
// The console's page, script and style sheet (server/console/), compiled into the server by
// server/console/embed.cmake.

#include <string_view>
#include <vector>

namespace unitclock::server::console {

struct Asset {
  std::string_view name;  // "console.js"
  std::string_view contentType;
  std::string_view body;
};

const std::vector<Asset>& assets();

}  // namespace unitclock::server::console
