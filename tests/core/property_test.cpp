// Properties over thousands of seeded random days (billing-rules.md §1.4.1 consequences and §3): whatever
// a clinic records, the engine's answer keeps these promises. Seeds are fixed and drawn the same way by
// every compiler, so a failure repeats; it prints its seed (property_support.h).
#include <gtest/gtest.h>

#include "property_support.h"
#include "units_test_support.h"

namespace unitclock::core::testing {
namespace {

using namespace std::chrono_literals;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr int kDays = 5000;  // per property; the long run (label `long`) sets UNITCLOCK_PROPERTY_CASES

const std::vector<std::string> kFifteenMinuteCodes = {"97110", "97112", "97116", "97140", "97530", "97535",
                                                      "97035", "97032", "97542", "97750", "97129"};
const std::vector<std::string> kUntimedCodes = {"97165", "97150", "97018", "97012", "97014", "97010"};

// A random day: 1-8 timed codes with 0-60 therapist and sometimes 0-30 assistant minutes (plus seconds),
// 0-2 untimed codes.
EngineInput randomDay(PropertyRng& rng, bool withAssistant, bool withSeconds) {
  EngineInput in;
  std::vector<std::string> codes = kFifteenMinuteCodes;
  rng.shuffle(codes);
  const int count = static_cast<int>(rng.between(1, 8));
  for (int i = 0; i < count; ++i) {
    const auto therapistMinutes = minutes{rng.between(0, 60)};
    const auto extraSeconds = withSeconds ? seconds{rng.between(0, 59)} : 0s;
    const bool assisted = withAssistant && rng.coin();
    const auto assistantMinutes = assisted ? minutes{rng.between(0, 30)} : 0min;
    in.timed.push_back(TimedService{
        codes[static_cast<std::size_t>(i)], therapistMinutes + extraSeconds, assistantMinutes, {}});
  }
  std::vector<std::string> untimed = kUntimedCodes;
  rng.shuffle(untimed);
  const int untimedCount = static_cast<int>(rng.between(0, 2));
  for (int i = 0; i < untimedCount; ++i) {
    const auto untimedMinutes = minutes{rng.between(0, 60)};
    in.untimed.push_back(UntimedService{untimed[static_cast<std::size_t>(i)], untimedMinutes, 0s, {}});
  }
  const int discipline = rng.below(3);
  const bool telehealth = rng.oneIn(4);
  in.discipline = static_cast<Discipline>(discipline);
  in.telehealth = telehealth;
  return in;
}

int timedUnits(const UnitsResult& r) {
  int n = 0;
  for (const auto& c : r.codes) n += c.timed ? c.units : 0;
  return n;
}

TEST(CmsProperty, TotalTimedUnitsEqualTheUnitTableOfTotalTimedMinutes) {
  PropertyCases{20261126, kDays}.run([&](PropertyRng& rng, int i) {
    auto r = compute(randomDay(rng, true, true));
    ASSERT_EQ(timedUnits(r), cmsUnits(r.totalTimed)) << "day " << i;
  });
}

TEST(CmsProperty, ACodeWithFifteenKMinutesGetsAtLeastKUnits) {
  PropertyCases{1, kDays}.run([&](PropertyRng& rng, int i) {
    auto r = compute(randomDay(rng, true, true));
    for (const auto& c : r.codes) {
      if (c.timed) {
        ASSERT_GE(c.units, static_cast<int>(c.total / 15min)) << c.code << " day " << i;
      }
    }
  });
}

TEST(CmsProperty, NoCodeGetsMoreThanOneRemainderUnit) {
  PropertyCases{2, kDays}.run([&](PropertyRng& rng, int i) {
    auto r = compute(randomDay(rng, false, false));
    for (const auto& c : r.codes) {
      if (c.timed) {
        ASSERT_LE(c.units, static_cast<int>(c.total / 15min) + 1) << c.code << " day " << i;
      }
    }
  });
}

TEST(CmsProperty, RemainderUnitsGoToTheLargestRemainders) {
  PropertyCases{3, kDays}.run([&](PropertyRng& rng, int i) {
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
  });
}

TEST(CmsProperty, OneMoreMinuteNeverLowersTheDaysUnits) {
  PropertyCases{4, kDays}.run([&](PropertyRng& rng, int i) {
    EngineInput in = randomDay(rng, true, false);
    const int before = compute(in).totalUnits;
    const int which = rng.below(static_cast<int>(in.timed.size()));
    in.timed[static_cast<std::size_t>(which)].therapist += 1min;
    ASSERT_GE(compute(in).totalUnits, before) << "day " << i;
  });
}

TEST(CmsProperty, LinesAddUpCarryTheDisciplineModifierFirstAndNeverRepeat) {
  PropertyCases{5, kDays}.run([&](PropertyRng& rng, int i) {
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
  });
}

TEST(CmsProperty, AssistantModifierUnitsStayWithinTheCodesUnits) {
  PropertyCases{6, kDays}.run([&](PropertyRng& rng, int) {
    EngineInput in = randomDay(rng, true, false);
    in.discipline = rng.coin() ? Discipline::ot : Discipline::pt;
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
  });
}

TEST(CmsProperty, SplittingADayIntoSessionsAndMergingGivesTheSameUnits) {
  PropertyCases{7, kDays / 5}.run([&](PropertyRng& rng, int i) {
    EngineInput whole = randomDay(rng, true, true);
    whole.untimed.clear();
    EngineInput first = whole;
    EngineInput second = whole;
    for (std::size_t k = 0; k < whole.timed.size(); ++k) {
      const auto part = seconds{rng.between(0, whole.timed[k].therapist.count())};
      first.timed[k].therapist = part;
      second.timed[k].therapist = whole.timed[k].therapist - part;
      second.timed[k].assistant = 0s;
    }
    auto merged = mergeInputs({first, second});
    ASSERT_TRUE(merged.ok());
    auto a = compute(whole);
    auto b = compute(merged.value());
    ASSERT_EQ(linesText(a), linesText(b)) << "day " << i;
  });
}

TEST(AmaProperty, EachCodeIsIndependentOfTheOthers) {
  PropertyCases{8, kDays}.run([&](PropertyRng& rng, int) {
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
  });
}

TEST(AmaProperty, UntimedCodesAreOneUnitEach) {
  PropertyCases{9, kDays}.run([&](PropertyRng& rng, int) {
    auto r = compute(randomDay(rng, false, false), PayerProfile::commercial());
    for (const auto& c : r.codes) {
      if (!c.timed) {
        ASSERT_EQ(c.units, 1) << c.code;
      }
    }
  });
}

TEST(EngineProperty, RandomInputNeverCrashesAndErrorsNameAnItem) {
  std::vector<std::string> codes = kFifteenMinuteCodes;
  codes.insert(codes.end(), kUntimedCodes.begin(), kUntimedCodes.end());
  codes.insert(codes.end(),
               {"97129", "97130", "97550", "97551", "96125", "97545", "97546", "", "X", "9711O"});
  PropertyCases{10, kDays}.run([&](PropertyRng& rng, int) {
    EngineInput in;
    const int n = rng.below(6);
    for (int k = 0; k < n; ++k) {
      const auto& code = codes[static_cast<std::size_t>(rng.below(static_cast<int>(codes.size())))];
      const bool timed = rng.coin();
      const auto time = seconds{rng.between(-600, 30 * 3600)};
      const auto assistant = seconds{rng.between(-600, 30 * 3600)};
      if (timed) {
        in.timed.push_back(TimedService{code, time, assistant / 4, {}});
      } else {
        in.untimed.push_back(UntimedService{code, time, assistant / 8, {}});
      }
    }
    const bool medicare = rng.coin();
    auto r = computeUnits(in, medicare ? PayerProfile::medicare() : PayerProfile::commercial());
    if (!r.ok()) {
      ASSERT_FALSE(r.error().message.empty());
    } else {
      ASSERT_GE(r.value().totalUnits, 0);
    }
  });
}

}  // namespace
}  // namespace unitclock::core::testing
