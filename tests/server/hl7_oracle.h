#pragma once
// The independent HL7 reader of the tests: tests/server/hl7_oracle.py, which parses an export with
// Debian's python3-hl7 and answers fields by position ("1:FT1.F2", "1:FT12.F20.R1.C13").

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace unitclock::server::testing {

struct Hl7Reading {
  bool parsed = false;
  std::string error;  // python's stderr and exit status when it did not parse
  int messages = 0;
  nlohmann::json batch = nlohmann::json::object();   // "FHS.F9" → value
  nlohmann::json fields = nlohmann::json::object();  // key → value, unescaped

  std::string operator[](const std::string& key) const {
    return fields.contains(key) ? fields[key].get<std::string>() : "<not asked>";
  }
};

inline Hl7Reading readWithPythonHl7(const std::string& hl7, const std::vector<std::string>& keys = {}) {
  auto file = std::filesystem::temp_directory_path() / ("uc-hl7-" + std::to_string(::getpid()) + "-" +
                                                        std::to_string(std::random_device{}()) + ".hl7");
  {
    std::ofstream out(file, std::ios::binary);
    out << hl7;
  }
  std::string command = std::string(UNITCLOCK_PYTHON3) + " " + UNITCLOCK_HL7_ORACLE + " " + file.string();
  for (const auto& k : keys) command += " '" + k + "'";
  command += " 2>&1";
  Hl7Reading r;
  std::string output;
  if (FILE* p = ::popen(command.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) output.append(buf, n);
    int status = ::pclose(p);
    auto j = nlohmann::json::parse(output, nullptr, false);
    if (status == 0 && j.is_object()) {
      r.parsed = true;
      r.messages = j["messages"].get<int>();
      r.batch = j["batch"];
      r.fields = j["fields"];
    } else {
      r.error = "python3-hl7 exit " + std::to_string(status) + ": " + output;
    }
  } else {
    r.error = "cannot run " + command;
  }
  std::filesystem::remove(file);
  return r;
}

}  // namespace unitclock::server::testing
