// Runs the real unitclock-cli as a child process and captures its exit status, stdout and stderr.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace unitclock::testing {

struct CliRun {
  int status = -1;
  std::string out;
  std::string err;

  int stderrLines() const {
    int n = 0;
    for (char c : err) n += c == '\n' ? 1 : 0;
    return n;
  }
};

inline std::string shellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += (c == '\'') ? std::string{"'\\''"} : std::string(1, c);
  return q + "'";
}

using test::TempDir;

inline std::string readText(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline CliRun runCli(const std::vector<std::string>& args, const std::string& binary = UNITCLOCK_CLI_PATH) {
  TempDir dir;
  const auto errFile = dir.path() / "stderr";
  std::string command = shellQuote(binary);
  for (const auto& a : args) command += " " + shellQuote(a);
  command += " 2>" + shellQuote(errFile.string());
  CliRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.out.append(buffer.data(), n);
  const int raw = pclose(pipe);
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  run.err = readText(errFile);
  return run;
}

}  // namespace unitclock::testing
