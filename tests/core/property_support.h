// Seeded randomness for the property tests (tests/core/*property_test.cpp): the same cases with every
// compiler and standard library, one seed per case that a failure prints, and the number of cases and a
// seed to replay taken from the environment:
//
//   UNITCLOCK_PROPERTY_CASES=200000 core_tests --gtest_filter='*Propert*'   // the long run (label `long`)
//   UNITCLOCK_PROPERTY_SEED=1234567 core_tests --gtest_filter=SessionProperties.*  // replays one case
//
// Write every draw as its own statement, in order: `const int code = rng.below(6); const bool
// assistant = rng.oneIn(3); start(code, assistant);`. In `start(rng.below(6), rng.oneIn(3))` the
// arguments are evaluated in an unspecified order, so gcc and clang would test different cases.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace unitclock::core::testing {

// std::mt19937_64's output is fixed by the standard; std::uniform_int_distribution and std::shuffle are
// not (libstdc++ and libc++ draw differently), so values are drawn here from the raw engine output.
class PropertyRng {
 public:
  explicit PropertyRng(std::uint64_t seed) : m_engine(seed) {}

  // 0 … n-1 (n > 0). The modulo bias is far below what these tests could notice.
  int below(int n) { return static_cast<int>(m_engine() % static_cast<std::uint64_t>(n)); }
  // lo … hi, both included.
  long long between(long long lo, long long hi) {
    return lo + static_cast<long long>(m_engine() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool oneIn(int n) { return below(n) == 0; }
  bool coin() { return below(2) == 0; }
  // Fisher–Yates, drawing from the back.
  template <class T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(m_engine() % i);
      std::swap(items[i - 1], items[j]);
    }
  }

 private:
  std::mt19937_64 m_engine;
};

// The seed of case `index` of a property whose cases start from `baseSeed` (splitmix64, so
// neighbouring cases get unrelated streams).
inline std::uint64_t caseSeed(std::uint64_t baseSeed, int index) {
  std::uint64_t z = baseSeed + 0x9E3779B97F4A7C15ull * (static_cast<std::uint64_t>(index) + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

inline std::optional<std::uint64_t> environmentNumber(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return std::nullopt;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 0);
  if (end == nullptr || *end != '\0') {
    ADD_FAILURE() << name << "=\"" << text << "\" is not a number.";
    return std::nullopt;
  }
  return value;
}

// How many cases a property runs: `defaultCases`, or UNITCLOCK_PROPERTY_CASES, or the single case
// UNITCLOCK_PROPERTY_SEED names.
class PropertyCases {
 public:
  PropertyCases(std::uint64_t baseSeed, int defaultCases)
      : m_baseSeed(baseSeed),
        m_replay(environmentNumber("UNITCLOCK_PROPERTY_SEED")),
        m_count(m_replay ? 1
                         : static_cast<int>(environmentNumber("UNITCLOCK_PROPERTY_CASES")
                                                .value_or(static_cast<std::uint64_t>(defaultCases)))) {}

  int count() const { return m_count; }
  bool replaying() const { return m_replay.has_value(); }
  std::uint64_t seed(int index) const { return m_replay ? *m_replay : caseSeed(m_baseSeed, index); }

  // Runs `body(rng, index)` for every case and stops at the first case that fails; every failure
  // names the case's seed and how to replay it. Returns how many cases ran.
  template <class Body>
  int run(Body&& body) const {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string name = std::string(info->test_suite_name()) + "." + info->name();
    int ran = 0;
    for (int i = 0; i < m_count; ++i) {
      const std::uint64_t s = seed(i);
      SCOPED_TRACE("case " + std::to_string(i) + " of " + std::to_string(m_count) + ", seed " +
                   std::to_string(s) + "; replay it with UNITCLOCK_PROPERTY_SEED=" + std::to_string(s) +
                   " core_tests --gtest_filter=" + name);
      PropertyRng rng(s);
      body(rng, i);
      ++ran;
      if (::testing::Test::HasFailure()) break;
    }
    ::testing::Test::RecordProperty("cases", ran);
    std::printf("[ cases    ] %s: %d cases %s\n", name.c_str(), ran,
                m_replay ? ("replaying seed " + std::to_string(*m_replay)).c_str()
                         : ("from base seed " + std::to_string(m_baseSeed)).c_str());
    return ran;
  }

 private:
  std::uint64_t m_baseSeed;
  std::optional<std::uint64_t> m_replay;
  int m_count;
};

}  // namespace unitclock::core::testing
