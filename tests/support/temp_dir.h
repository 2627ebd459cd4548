// A fresh directory for one test, removed with everything in it when the test ends. The one temporary
// directory helper of every test executable (link unitclock_test_support, include "support/temp_dir.h").
//
//   TempDir dir;                          // under $TMPDIR (std::filesystem::temp_directory_path)
//   DeviceStore::open(dir.file("device.db"));
//   TempDir scratch{"/dev/shm"};          // under another root: real files without a disk's flushes
#pragma once

#include <stdlib.h>  // mkdtemp (POSIX)

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace unitclock::test {

class TempDir {
 public:
  TempDir() : TempDir(std::filesystem::temp_directory_path()) {}
  explicit TempDir(const std::filesystem::path& root) {
    std::string pattern = (root / "unitclock-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp in " + root.string() + ": " + std::strerror(errno));
    }
    m_path = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    // Some tests take the owner's permissions away to provoke errors; give them back so it can be removed.
    std::filesystem::permissions(m_path, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(m_path, ec);
  }

  const std::filesystem::path& path() const { return m_path; }
  std::string file(const std::string& name) const { return (m_path / name).string(); }
  void write(const std::string& name, const std::string& text) const { std::ofstream(m_path / name) << text; }

 private:
  std::filesystem::path m_path;
};

}  // namespace unitclock::test
