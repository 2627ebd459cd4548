// Properties over thousands of seeded random days (billing-rules.md §1.4.1 consequences and §3): whatever
// a clinic records, the engine's answer keeps these promises. Seeds are fixed, so a failure repeats.
#include <gtest/gtest.h>

#include <random>

#include "units_test_support.h"

namespace unitclock::core::testing {
namespace {

using namespace std::chrono_literals;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr int kDays = 5000;

const std::vector<std::string> kFifteenMinuteCodes = {"97110", "97112", "97116", "97140", "97530", "97535",
                                                      "97035", "97032", "97542", "97750", "97129"};
const std::vector<std::string> kUntimedCodes = {"97165", "97150", "97018", "97012", "97014", "97010"};

// A random day: 1-8 timed codes with 0-60 therapist and sometimes 0-30 assistant minutes (plus seconds),
// 0-2 untimed codes.
EngineInput randomDay(std::mt19937& rng, bool withAssistant, bool withSeconds) {
  EngineInput in;
  std::vector<std::string> codes = kFifteenMinuteCodes;
  std::shuffle(codes.begin(), codes.end(), rng);
  const int count = std::uniform_int_distribution<int>{1, 8}(rng);
  std::uniform_int_distribution<int> minute{0, 60};
  std::uniform_int_distribution<int> assistant{0, 30};
  std::uniform_int_distribution<int> second{0, 59};
  for (int i = 0; i < count; ++i) {
    seconds t = minutes{minute(rng)} + (withSeconds ? seconds{second(rng)} : 0s);
    seconds a = withAssistant && rng() % 2 ? minutes{assistant(rng)} : 0min;
    in.timed.push_back(TimedService{codes[static_cast<std::size_t>(i)], t, a, {}});
  }
  std::vector<std::string> untimed = kUntimedCodes;
  std::shuffle(untimed.begin(), untimed.end(), rng);
  const int untimedCount = std::uniform_int_distribution<int>{0, 2}(rng);
  for (int i = 0; i < untimedCount; ++i) {
    in.untimed.push_back(UntimedService{untimed[static_cast<std::size_t>(i)], minutes{minute(rng)}, 0s, {}});
  }
  in.discipline = static_cast<Discipline>(rng() % 3);
  in.telehealth = rng() % 4 == 0;
  return in;
}

int timedUnits(const UnitsResult& r) {
  int n = 0;
  for (const auto& c : r.codes) n += c.timed ? c.units : 0;
  return n;
}

TEST(CmsProperty, TotalTimedUnitsEqualTheUnitTableOfTotalTimedMinutes) {
  std::mt19937 rng{20261126};
  for (int i = 0; i < kDays; ++i) {
    auto r = compute(randomDay(rng, true, true));
    ASSERT_EQ(timedUnits(r), cmsUnits(r.totalTimed)) << "day " << i;
  }
}

TEST(CmsProperty, ACodeWithFifteenKMinutesGetsAtLeastKUnits) {
  std::mt19937 rng{1};
  for (int i = 0; i < kDays; ++i) {
    auto r = compute(randomDay(rng, true, true));
    for (const auto& c : r.codes) {
      if (c.timed) {
        ASSERT_GE(c.units, static_cast<int>(c.total / 15min)) << c.code << " day " << i;
      }
    }
  }
}

TEST(CmsProperty, NoCodeGetsMoreThanOneRemainderUnit) {
  std::mt19937 rng{2};
  for (int i = 0; i < kDays; ++i) {
    auto r = compute(randomDay(rng, false, false));
    for (const auto& c : r.codes) {
      if (c.timed) {
        ASSERT_LE(c.units, static_cast<int>(c.total / 15min) + 1) << c.code << " day " << i;
      }
    }
  }
}

TEST(CmsProperty, RemainderUnitsGoToTheLargestRemainders) {
  std::mt19937 rng{3};
  for (int i = 0; i < kDays; ++i) {
    auto r = compute(randomDay(rng, false, false));
    // Every code that got a remainder unit has a remainder at least as large as every code that did not.
    minutes smallestAwarded{15};
    minutes largestPassedOver{0};
    for (const auto& c : r.codes) {
      if (!c.timed) continue;
      const minutes rem = c.total % 15min;
      if (c.units > c.total / 15min)
        smallestAwarded = std::min(smallestAwarded, rem);
      else
        largestPassedOver = std::max(largestPassedOver, rem);
    }
    ASSERT_GE(smallestAwarded, largestPassedOver) << "day " << i;
  }
}

TEST(CmsProperty, OneMoreMinuteNeverLowersTheDaysUnits) {
  std::mt19937 rng{4};
  for (int i = 0; i < kDays; ++i) {
    EngineInput in = randomDay(rng, true, false);
    const int before = compute(in).totalUnits;
    in.timed[rng() % in.timed.size()].therapist += 1min;
    ASSERT_GE(compute(in).totalUnits, before) << "day " << i;
  }
}

TEST(CmsProperty, LinesAddUpCarryTheDisciplineModifierFirstAndNeverRepeat) {
  std::mt19937 rng{5};
  for (int i = 0; i < kDays; ++i) {
    EngineInput in = randomDay(rng, true, true);
    auto r = compute(in);
    int sum = 0;
    for (const auto& line : r.lines) {
      ASSERT_GT(line.units, 0);
      ASSERT_FALSE(line.modifiers.empty());
      ASSERT_EQ(line.modifiers.front(), disciplineModifier(in.discipline));
      ASSERT_EQ(line.modifiers.back() == "95", in.telehealth);
      sum += line.units;
    }
    ASSERT_EQ(sum, r.totalUnits);
    // T6: one line per code and modifier set.
    for (std::size_t a = 0; a < r.lines.size(); ++a) {
      for (std::size_t b = a + 1; b < r.lines.size(); ++b) {
        ASSERT_FALSE(r.lines[a].code == r.lines[b].code && r.lines[a].modifiers == r.lines[b].modifiers)
            << r.lines[a].code << " day " << i;
      }
    }
    for (const auto& c : r.codes) {
      const bool listed =
          std::find(r.zeroUnitCodes.begin(), r.zeroUnitCodes.end(), c.code) != r.zeroUnitCodes.end();
      ASSERT_EQ(listed, c.units == 0) << c.code;
    }
  }
}

TEST(CmsProperty, AssistantModifierUnitsStayWithinTheCodesUnits) {
  std::mt19937 rng{6};
  for (int i = 0; i < kDays; ++i) {
    EngineInput in = randomDay(rng, true, false);
    in.discipline = rng() % 2 ? Discipline::ot : Discipline::pt;
    auto r = compute(in);
    for (const auto& c : r.codes) {
      ASSERT_GE(c.assistantUnits, 0);
      ASSERT_LE(c.assistantUnits, c.units);
      if (c.assistant == 0min) {
        ASSERT_EQ(c.assistantUnits, 0) << c.code;
      }
      if (c.timed && c.therapist == 0min) {
        ASSERT_EQ(c.assistantUnits, c.units) << c.code;
      }
      // Full 15-minute blocks of each person are theirs.
      if (c.timed && c.units > 0) {
        ASSERT_GE(c.assistantUnits, std::min(c.units, static_cast<int>(c.assistant / 15min))) << c.code;
        ASSERT_GE(c.units - c.assistantUnits, std::min(c.units, static_cast<int>(c.therapist / 15min)))
            << c.code;
      }
    }
  }
}

TEST(CmsProperty, SplittingADayIntoSessionsAndMergingGivesTheSameUnits) {
  std::mt19937 rng{7};
  for (int i = 0; i < kDays / 5; ++i) {
    EngineInput whole = randomDay(rng, true, true);
    whole.untimed.clear();
    EngineInput first = whole;
    EngineInput second = whole;
    for (std::size_t k = 0; k < whole.timed.size(); ++k) {
      const auto part =
          seconds{std::uniform_int_distribution<long long>{0, whole.timed[k].therapist.count()}(rng)};
      first.timed[k].therapist = part;
      second.timed[k].therapist = whole.timed[k].therapist - part;
      second.timed[k].assistant = 0s;
    }
    auto merged = mergeInputs({first, second});
    ASSERT_TRUE(merged.ok());
    auto a = compute(whole);
    auto b = compute(merged.value());
    ASSERT_EQ(linesText(a), linesText(b)) << "day " << i;
  }
}

TEST(AmaProperty, EachCodeIsIndependentOfTheOthers) {
  std::mt19937 rng{8};
  for (int i = 0; i < kDays; ++i) {
    EngineInput in = randomDay(rng, false, true);
    auto r = compute(in, PayerProfile::commercial());
    for (const auto& c : r.codes) {
      if (!c.timed) continue;
      ASSERT_EQ(c.units, cmsUnits(c.total)) << c.code;
      // The same code alone earns the same units.
      EngineInput alone;
      for (const auto& t : in.timed) {
        if (t.code == c.code) alone.timed.push_back(t);
      }
      ASSERT_EQ(compute(alone, PayerProfile::commercial()).totalUnits, c.units) << c.code;
    }
  }
}

TEST(AmaProperty, UntimedCodesAreOneUnitEach) {
  std::mt19937 rng{9};
  for (int i = 0; i < kDays; ++i) {
    auto r = compute(randomDay(rng, false, false), PayerProfile::commercial());
    for (const auto& c : r.codes) {
      if (!c.timed) {
        ASSERT_EQ(c.units, 1) << c.code;
      }
    }
  }
}

TEST(EngineProperty, RandomInputNeverCrashesAndErrorsNameAnItem) {
  std::mt19937 rng{10};
  std::vector<std::string> codes = kFifteenMinuteCodes;
  codes.insert(codes.end(), kUntimedCodes.begin(), kUntimedCodes.end());
  codes.insert(codes.end(),
               {"97129", "97130", "97550", "97551", "96125", "97545", "97546", "", "X", "9711O"});
  std::uniform_int_distribution<long long> secs{-600, 30 * 3600};
  for (int i = 0; i < kDays; ++i) {
    EngineInput in;
    const int n = static_cast<int>(rng() % 6);
    for (int k = 0; k < n; ++k) {
      const auto& code = codes[rng() % codes.size()];
      if (rng() % 2) {
        in.timed.push_back(TimedService{code, seconds{secs(rng)}, seconds{secs(rng) / 4}, {}});
      } else {
        in.untimed.push_back(UntimedService{code, seconds{secs(rng)}, seconds{secs(rng) / 8}, {}});
      }
    }
    auto r = computeUnits(in, rng() % 2 ? PayerProfile::medicare() : PayerProfile::commercial());
    if (!r.ok()) {
      ASSERT_FALSE(r.error().message.empty());
    } else {
      ASSERT_GE(r.value().totalUnits, 0);
    }
  }
}

}  // namespace
}  // namespace unitclock::core::testing
