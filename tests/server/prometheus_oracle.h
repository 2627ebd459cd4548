#pragma once
// The independent reader of GET /metrics in the tests: tests/server/prometheus_oracle.py, which parses
// the text with Debian's python3-prometheus-client (prometheus_client.parser) and answers its samples.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>

namespace unitclock::server::testing {

struct PrometheusReading {
  bool parsed = false;
  std::string error;  // python's stderr and exit status when it did not parse
  nlohmann::json families =
      nlohmann::json::object();  // name → {type, help, samples: [{name, labels, value}]}

  // The family's type as the parser read it from `# TYPE` ("counter", "gauge", "histogram"), "" if absent.
  std::string type(const std::string& family) const {
    return families.contains(family) ? families[family]["type"].get<std::string>() : "";
  }
  // The value of the sample `name` whose labels include every one of `labels`; nullopt when none.
  std::optional<double> value(const std::string& name,
                              const std::map<std::string, std::string>& labels = {}) const {
    for (const auto& [family, f] : families.items()) {
      for (const auto& s : f["samples"]) {
        if (s["name"] != name) continue;
        bool match = true;
        for (const auto& [k, v] : labels) match = match && s["labels"].contains(k) && s["labels"][k] == v;
        if (match && s["value"].is_number()) return s["value"].get<double>();
      }
    }
    return std::nullopt;
  }
};

inline PrometheusReading readWithPrometheusClient(const std::string& text) {
  auto file = std::filesystem::temp_directory_path() / ("uc-metrics-" + std::to_string(::getpid()) + "-" +
                                                        std::to_string(std::random_device{}()) + ".txt");
  {
    std::ofstream out(file, std::ios::binary);
    out << text;
  }
  const std::string command =
      std::string(UNITCLOCK_PYTHON3) + " " + UNITCLOCK_PROMETHEUS_ORACLE + " " + file.string() + " 2>&1";
  PrometheusReading r;
  std::string output;
  if (FILE* p = ::popen(command.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) output.append(buf, n);
    const int status = ::pclose(p);
    auto j = nlohmann::json::parse(output, nullptr, false);
    if (status == 0 && j.is_object()) {
      r.parsed = true;
      r.families = j["families"];
    } else {
      r.error = "python3-prometheus-client exit " + std::to_string(status) + ": " + output;
    }
  } else {
    r.error = "cannot run " + command;
  }
  std::filesystem::remove(file);
  return r;
}

}  // namespace unitclock::server::testing
