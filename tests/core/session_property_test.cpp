// Thousands of random tap sequences, including taps that must be refused, wall-clock jumps and
// restarts: whatever a busy clinic does, the derived figures stay consistent and a replayed log
// derives exactly the same session.
#include <gtest/gtest.h>

#include <random>

#include <unitclock/core/day.h>

#include "session_test_fixture.h"

namespace unitclock::core::testing {
namespace {

using std::chrono::milliseconds;

constexpr const char* kCodes[] = {"97110", "97140", "97530", "97535", "97165", "97112"};

TEST(SessionProperties, RandomTapSequencesKeepTheDerivedFiguresConsistent) {
  std::mt19937 rng(20261126);
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  int refused = 0;
  int accepted = 0;
  for (int round = 0; round < 1000; ++round) {
    FakeClock clock(at(8, 0));
    Tablet tablet(clock, patientHeader(static_cast<std::uint8_t>(round)));
    milliseconds steady{0};  // time that passed on the monotonic clock while the app was running
    int run = 1;
    int jumps = 0;
    const auto notice = [&] {  // the app watches the clock for sessions not yet signed
      const SessionStatus st = tablet.session().status();
      if (st == SessionStatus::open || st == SessionStatus::ended) tablet.noticeClock();
    };
    for (int step = 0; step < 60; ++step) {
      const auto wait = milliseconds{pick(600'000)};
      clock.advance(wait);
      steady += wait;
      switch (pick(12)) {
        case 0:
          clock.jumpWall(milliseconds{pick(7'200'000) - 3'600'000});
          ++jumps;
          notice();
          break;
        case 1:
          clock.restart("run-" + std::to_string(++run), milliseconds{pick(10'000)});
          clock.advance(milliseconds{pick(60'000)});
          notice();
          break;
        default:
          break;
      }
      Result<void, SessionError> r = [&]() -> Result<void, SessionError> {
        switch (pick(11)) {
          case 0:
          case 1:
          case 2:
            return tablet.start(kCodes[pick(6)], pick(3) == 0 ? Performer::assistant : Performer::therapist,
                                static_cast<ActivityMode>(pick(4) == 0 ? 1 + pick(2) : 0));
          case 3:
            return tablet.stop();
          case 4:
            return tablet.pause(static_cast<PauseReason>(pick(5)));
          case 5:
            return tablet.resume();
          case 6:
            return tablet.switchTo(pick(2) == 0 ? Performer::assistant : Performer::therapist);
          case 7:
            return tablet.untimed("97010", std::chrono::minutes{pick(20)});
          case 8:
            return step > 40 ? tablet.end() : tablet.stop();
          case 9: {
            const auto segments = tablet.session().derive().segments;
            if (segments.empty()) return tablet.sign();
            const int i = pick(static_cast<int>(segments.size()));
            const auto shift = std::chrono::minutes{pick(5) - 2};
            return tablet.edit(i, segments[static_cast<std::size_t>(i)].start + shift,
                               segments[static_cast<std::size_t>(i)].end, "random edit");
          }
          default:
            return pick(2) == 0 ? tablet.sign() : tablet.reopen("random correction");
        }
      }();
      (r.ok() ? accepted : refused)++;
    }

    const Session& s = tablet.session();
    const SessionSummary sum = s.derive(tablet.now());
    // Sequence numbers have no gaps.
    for (std::size_t i = 0; i < s.events().size(); ++i)
      ASSERT_EQ(s.events()[i].sequence, static_cast<std::int64_t>(i + 1));
    // Segments never run backwards and, in the order recorded, never overlap unless an edit moved one.
    milliseconds segmentTime{0};
    for (std::size_t i = 0; i < sum.segments.size(); ++i) {
      const Segment& seg = sum.segments[i];
      ASSERT_GE(seg.end, seg.start);
      segmentTime += seg.duration();
      for (std::size_t j = i + 1; j < sum.segments.size(); ++j) {
        const Segment& other = sum.segments[j];
        const bool overlap = seg.start < other.end && other.start < seg.end;
        ASSERT_FALSE(overlap && !seg.edited && !other.edited) << "round " << round;
      }
    }
    // Per-code time adds up to the segments; documentation totals follow from them.
    milliseconds perCode{0};
    for (const CodeTime& c : sum.codes) perCode += c.total();
    EXPECT_EQ(perCode, segmentTime);
    milliseconds untimedTime{0};
    for (const UntimedEntry& u : sum.untimed) untimedTime += u.minutes;
    EXPECT_EQ(sum.treatmentTime, segmentTime + untimedTime);
    EXPECT_LE(sum.timedTime, segmentTime);
    // Without edits, recorded time (segments and pauses) never exceeds the time that passed on the steady
    // clock plus the restart gaps (up to a minute each) — wall-clock jumps add nothing beyond the 2 s
    // tolerance below which a change of the wall clock is not recorded as a jump.
    const bool edited =
        std::any_of(sum.segments.begin(), sum.segments.end(), [](const Segment& g) { return g.edited; });
    if (!edited) {
      EXPECT_LE(segmentTime + sum.pausedTime,
                steady + std::chrono::minutes{run} + jumps * Session::kClockJumpTolerance);
    }
    // A replayed log derives the same session.
    auto restored = Session::restore(s.header(), s.events());
    ASSERT_TRUE(restored.ok()) << restored.error().message;
    const SessionSummary again = restored->derive(tablet.now());
    EXPECT_EQ(again.segments, sum.segments);
    EXPECT_EQ(again.pauses, sum.pauses);
    EXPECT_EQ(again.codes, sum.codes);
    EXPECT_EQ(again.flags, sum.flags);
    EXPECT_EQ(restored->status(), s.status());
    EXPECT_EQ(restored->revision(), s.revision());
    // The engine accepts what the session hands it.
    const auto input = sessionInput(s.header(), sum);
    const auto units = computeUnits(input, PayerProfile::medicare());
    ASSERT_TRUE(units.ok()) << units.error().message;
  }
  EXPECT_GT(accepted, 5000);
  EXPECT_GT(refused, 1000);  // the sequences do exercise refused taps
}

}  // namespace
}  // namespace unitclock::core::testing
