// Thousands of random tap sequences, including taps that must be refused, wall-clock jumps and
// restarts: whatever a busy clinic does, the derived figures stay consistent and a replayed log
// derives exactly the same session. A failing sequence is shrunk to a few steps and printed as the
// taps of a named test (session_time_test.cpp has the ones found so far).
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include <unitclock/core/day.h>

#include "property_support.h"
#include "session_test_fixture.h"

namespace unitclock::core::testing {
namespace {

using std::chrono::milliseconds;

constexpr const char* kCodes[] = {"97110", "97140", "97530", "97535", "97165", "97112"};
constexpr int kSequences = 1000;  // per run; the long run (label `long`) sets UNITCLOCK_PROPERTY_CASES
constexpr int kSteps = 60;

// [SECTION] A tap sequence as data

// What happens to the device's clock before a tap.
enum class ClockChange { kNone, kJump, kRestart };
// What the therapist taps (none: only time passes; the shrinker uses it).
enum class Tap {
  kNone,
  kStart,
  kStop,
  kPause,
  kResume,
  kSwitchPerformer,
  kUntimed,
  kEnd,
  kEdit,
  kSign,
  kReopen
};

struct Step {
  milliseconds wait{};  // time passing on both clocks
  ClockChange change = ClockChange::kNone;
  milliseconds jump{};           // jump: how far the wall clock moves (either way)
  milliseconds restartOrigin{};  // restart: the new run's monotonic origin
  milliseconds restartGap{};     // restart: time until the app is back (counts, on the wall clock)
  Tap tap = Tap::kNone;
  int code = 0;  // start: index into kCodes
  Performer performer = Performer::therapist;
  ActivityMode mode = ActivityMode::one_on_one;
  PauseReason reason = PauseReason::rest;
  std::chrono::minutes untimedMinutes{};
  int segment = 0;               // edit: which segment, modulo how many there are (sign if there are none)
  std::chrono::minutes shift{};  // edit: how far the segment's start moves
  friend bool operator==(const Step&, const Step&) = default;
};

// Every value is drawn into its own variable, in order, so every compiler draws the same sequence.
std::vector<Step> randomSequence(PropertyRng& rng) {
  std::vector<Step> steps;
  for (int i = 0; i < kSteps; ++i) {
    Step s;
    s.wait = milliseconds{rng.below(600'000)};
    const int change = rng.below(12);
    if (change == 0) {
      s.change = ClockChange::kJump;
      s.jump = milliseconds{rng.below(7'200'000) - 3'600'000};
    } else if (change == 1) {
      s.change = ClockChange::kRestart;
      s.restartOrigin = milliseconds{rng.below(10'000)};
      s.restartGap = milliseconds{rng.below(60'000)};
    }
    const int tap = rng.below(11);
    if (tap <= 2) {
      s.tap = Tap::kStart;
      s.code = rng.below(6);
      const bool assistant = rng.oneIn(3);
      const bool otherMode = rng.oneIn(4);
      const int mode = otherMode ? 1 + rng.below(2) : 0;
      s.performer = assistant ? Performer::assistant : Performer::therapist;
      s.mode = static_cast<ActivityMode>(mode);
    } else if (tap == 3) {
      s.tap = Tap::kStop;
    } else if (tap == 4) {
      s.tap = Tap::kPause;
      s.reason = static_cast<PauseReason>(rng.below(5));
    } else if (tap == 5) {
      s.tap = Tap::kResume;
    } else if (tap == 6) {
      s.tap = Tap::kSwitchPerformer;
      s.performer = rng.coin() ? Performer::assistant : Performer::therapist;
    } else if (tap == 7) {
      s.tap = Tap::kUntimed;
      s.untimedMinutes = std::chrono::minutes{rng.below(20)};
    } else if (tap == 8) {
      s.tap = i > 40 ? Tap::kEnd : Tap::kStop;
    } else if (tap == 9) {
      s.tap = Tap::kEdit;
      s.segment = rng.below(1 << 16);
      s.shift = std::chrono::minutes{rng.below(5) - 2};
    } else {
      s.tap = rng.coin() ? Tap::kSign : Tap::kReopen;
    }
    steps.push_back(s);
  }
  return steps;
}

// [SECTION] Playing a sequence on a tablet

struct Outcome {
  std::optional<Session> session;
  SessionSummary summary;
  Instant now;
  milliseconds elapsed{0};  // time that really passed: every wait and every restart gap
  int jumps = 0;
  int accepted = 0;
  int refused = 0;
  std::string problem;  // a detected clock jump the session refused
};

Result<void, SessionError> tapOn(Tablet& tablet, const Step& s) {
  switch (s.tap) {
    case Tap::kNone:
      return {};
    case Tap::kStart:
      return tablet.start(kCodes[s.code], s.performer, s.mode);
    case Tap::kStop:
      return tablet.stop();
    case Tap::kPause:
      return tablet.pause(s.reason);
    case Tap::kResume:
      return tablet.resume();
    case Tap::kSwitchPerformer:
      return tablet.switchTo(s.performer);
    case Tap::kUntimed:
      return tablet.untimed("97010", s.untimedMinutes);
    case Tap::kEnd:
      return tablet.end();
    case Tap::kEdit: {
      const auto segments = tablet.session().derive().segments;
      if (segments.empty()) return tablet.sign();
      const int i = s.segment % static_cast<int>(segments.size());
      const Segment& seg = segments[static_cast<std::size_t>(i)];
      return tablet.edit(i, seg.start + s.shift, seg.end, "random edit");
    }
    case Tap::kSign:
      return tablet.sign();
    case Tap::kReopen:
      return tablet.reopen("random correction");
  }
  return {};
}

Outcome play(const std::vector<Step>& steps, std::uint8_t patient) {
  Outcome out;
  FakeClock clock(at(8, 0));
  Tablet tablet(clock, patientHeader(patient));
  int run = 1;
  // The app watches the clock for sessions not yet signed (on every tick, so right after a change).
  const auto notice = [&] {
    const SessionStatus st = tablet.session().status();
    if (st != SessionStatus::open && st != SessionStatus::ended) return;
    if (auto jump = tablet.session().detectClockJump(tablet.now())) {
      if (auto ok = tablet.session().apply(*jump); !ok)
        out.problem = "clock_jump refused: " + ok.error().message;
    }
  };
  for (const Step& s : steps) {
    clock.advance(s.wait);
    out.elapsed += s.wait;
    if (s.change == ClockChange::kJump) {
      clock.jumpWall(s.jump);
      ++out.jumps;
      notice();
    } else if (s.change == ClockChange::kRestart) {
      clock.restart("run-" + std::to_string(++run), s.restartOrigin);
      clock.advance(s.restartGap);
      out.elapsed += s.restartGap;
      notice();
    }
    if (s.tap == Tap::kNone) continue;
    (tapOn(tablet, s).ok() ? out.accepted : out.refused)++;
  }
  out.now = tablet.now();
  out.summary = tablet.session().derive(out.now);
  out.session = tablet.session();
  return out;
}

// [SECTION] The properties

// The first property the outcome breaks, in words (empty: none).
std::string brokenProperty(const Outcome& o) {
  std::ostringstream why;
  if (!o.problem.empty()) return o.problem;
  const Session& s = *o.session;
  const SessionSummary& sum = o.summary;
  // Sequence numbers have no gaps.
  for (std::size_t i = 0; i < s.events().size(); ++i) {
    if (s.events()[i].sequence != static_cast<std::int64_t>(i + 1)) return "sequence numbers have a gap";
  }
  // Segments never run backwards and, in the order recorded, never overlap unless an edit moved one.
  milliseconds segmentTime{0};
  for (std::size_t i = 0; i < sum.segments.size(); ++i) {
    const Segment& seg = sum.segments[i];
    if (seg.end < seg.start) return "segment " + std::to_string(i) + " runs backwards";
    segmentTime += seg.duration();
    for (std::size_t j = i + 1; j < sum.segments.size(); ++j) {
      const Segment& other = sum.segments[j];
      const bool overlap = seg.start < other.end && other.start < seg.end;
      if (overlap && !seg.edited && !other.edited) {
        return "segments " + std::to_string(i) + " and " + std::to_string(j) + " overlap";
      }
    }
  }
  // Per-code time adds up to the segments; documentation totals follow from them.
  milliseconds perCode{0};
  for (const CodeTime& c : sum.codes) perCode += c.total();
  if (perCode != segmentTime) return "per-code time differs from the segments";
  milliseconds untimedTime{0};
  for (const UntimedEntry& u : sum.untimed) untimedTime += u.minutes;
  if (sum.treatmentTime != segmentTime + untimedTime) return "treatment time differs from its parts";
  if (sum.timedTime > segmentTime) return "timed time exceeds the segments";
  // Without edits, recorded time (segments and pauses) never exceeds the time that really passed (on
  // the steady clock, and on the wall clock while the app was not running) plus, per wall-clock change,
  // the 2 s below which a change is not recorded as a jump. Time that did not elapse is never billed.
  const bool edited =
      std::any_of(sum.segments.begin(), sum.segments.end(), [](const Segment& g) { return g.edited; });
  const milliseconds recorded = segmentTime + sum.pausedTime;
  const milliseconds allowed = o.elapsed + o.jumps * Session::kClockJumpTolerance;
  if (!edited && recorded > allowed) {
    why << "recorded time " << recorded.count() << " ms (segments " << segmentTime.count() << " ms, pauses "
        << sum.pausedTime.count() << " ms) exceeds the " << o.elapsed.count() << " ms that passed plus "
        << o.jumps << " x 2 s of jump tolerance";
    return why.str();
  }
  // A replayed log derives the same session.
  auto restored = Session::restore(s.header(), s.events());
  if (!restored.ok()) return "the log does not replay: " + restored.error().message;
  const SessionSummary again = restored->derive(o.now);
  if (again.segments != sum.segments || again.pauses != sum.pauses || again.codes != sum.codes ||
      again.flags != sum.flags || restored->status() != s.status() || restored->revision() != s.revision()) {
    return "the replayed log derives another session";
  }
  // The engine accepts what the session hands it.
  const auto units = computeUnits(sessionInput(s.header(), sum), PayerProfile::medicare());
  if (!units.ok()) return "the engine refuses the session: " + units.error().message;
  return {};
}

// [SECTION] Shrinking

// Smaller variants of a failing sequence that still break the same property: steps removed (halves,
// then quarters, … then single steps), then each step simplified (no clock change, no tap, shorter
// waits, jumps and gaps). Repeats until nothing changes.
std::vector<Step> shrink(std::vector<Step> steps, const std::string& property) {
  const auto propertyOf = [](const std::string& why) {
    return why.substr(0, why.find(' ', why.find(' ') + 1));
  };
  const std::string target = propertyOf(property);
  const auto fails = [&](const std::vector<Step>& candidate) {
    const std::string why = brokenProperty(play(candidate, 1));
    return !why.empty() && propertyOf(why) == target;
  };
  const auto halve = [](milliseconds d) { return milliseconds{d.count() / 2}; };
  bool changed = true;
  while (changed) {
    changed = false;
    for (std::size_t chunk = std::max<std::size_t>(steps.size() / 2, 1); chunk >= 1; chunk /= 2) {
      for (std::size_t from = 0; from + chunk <= steps.size();) {
        std::vector<Step> candidate = steps;
        candidate.erase(candidate.begin() + static_cast<std::ptrdiff_t>(from),
                        candidate.begin() + static_cast<std::ptrdiff_t>(from + chunk));
        if (fails(candidate)) {
          steps = std::move(candidate);
          changed = true;
        } else {
          from += chunk;
        }
      }
      if (chunk == 1) break;
    }
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const auto attempt = [&](auto edit) {
        std::vector<Step> candidate = steps;
        edit(candidate[i]);
        if (candidate[i] != steps[i] && fails(candidate)) {
          steps = std::move(candidate);
          changed = true;
          return true;
        }
        return false;
      };
      if (steps[i].change != ClockChange::kNone) attempt([](Step& s) { s.change = ClockChange::kNone; });
      if (steps[i].tap != Tap::kNone) attempt([](Step& s) { s.tap = Tap::kNone; });
      // Round to whole seconds, then halve while it still fails.
      attempt([](Step& s) { s.wait = std::chrono::floor<std::chrono::seconds>(s.wait); });
      while (steps[i].wait.count() > 0 && attempt([&](Step& s) { s.wait = halve(s.wait); })) {
      }
      attempt([](Step& s) { s.jump = std::chrono::round<std::chrono::seconds>(s.jump); });
      while (steps[i].jump.count() != 0 && attempt([&](Step& s) { s.jump = halve(s.jump); })) {
      }
      attempt([](Step& s) { s.restartGap = std::chrono::floor<std::chrono::seconds>(s.restartGap); });
      while (steps[i].restartGap.count() > 0 &&
             attempt([&](Step& s) { s.restartGap = halve(s.restartGap); })) {
      }
      if (steps[i].restartOrigin.count() != 0) attempt([](Step& s) { s.restartOrigin = milliseconds{0}; });
    }
  }
  return steps;
}

// The sequence as the taps of a test (session_test_fixture.h).
std::string describe(const std::vector<Step>& steps) {
  std::ostringstream out;
  int run = 1;
  for (const Step& s : steps) {
    if (s.wait.count() != 0) out << "  clock.advance(" << s.wait.count() << "ms);\n";
    if (s.change == ClockChange::kJump)
      out << "  clock.jumpWall(" << s.jump.count() << "ms);\n  tablet.noticeClock();\n";
    if (s.change == ClockChange::kRestart) {
      out << "  clock.restart(\"run-" << ++run << "\", " << s.restartOrigin.count() << "ms);\n";
      if (s.restartGap.count() != 0) out << "  clock.advance(" << s.restartGap.count() << "ms);\n";
      out << "  tablet.noticeClock();\n";
    }
    switch (s.tap) {
      case Tap::kNone:
        break;
      case Tap::kStart:
        out << "  tablet.start(\"" << kCodes[s.code] << "\", Performer::" << toString(s.performer)
            << ", ActivityMode::" << toString(s.mode) << ");\n";
        break;
      case Tap::kStop:
        out << "  tablet.stop();\n";
        break;
      case Tap::kPause:
        out << "  tablet.pause(PauseReason::" << toString(s.reason) << ");\n";
        break;
      case Tap::kResume:
        out << "  tablet.resume();\n";
        break;
      case Tap::kSwitchPerformer:
        out << "  tablet.switchTo(Performer::" << toString(s.performer) << ");\n";
        break;
      case Tap::kUntimed:
        out << "  tablet.untimed(\"97010\", " << s.untimedMinutes.count() << "min);\n";
        break;
      case Tap::kEnd:
        out << "  tablet.end();\n";
        break;
      case Tap::kEdit:
        out << "  // edit segment " << s.segment << " (modulo the count), start " << s.shift.count()
            << " min\n";
        break;
      case Tap::kSign:
        out << "  tablet.sign();\n";
        break;
      case Tap::kReopen:
        out << "  tablet.reopen(\"random correction\");\n";
        break;
    }
  }
  return out.str();
}

// [SECTION] Tests

TEST(SessionProperties, RandomTapSequencesKeepTheDerivedFiguresConsistent) {
  int refused = 0;
  int accepted = 0;
  const PropertyCases cases{20261126, kSequences};
  cases.run([&](PropertyRng& rng, int index) {
    const std::vector<Step> steps = randomSequence(rng);
    const Outcome outcome = play(steps, static_cast<std::uint8_t>(index));
    accepted += outcome.accepted;
    refused += outcome.refused;
    const std::string why = brokenProperty(outcome);
    if (why.empty()) return;
    const std::vector<Step> smallest = shrink(steps, why);
    FAIL() << why << "\nShrunk from " << steps.size() << " to " << smallest.size() << " steps, which break it"
           << " this way: " << brokenProperty(play(smallest, 1)) << "\n"
           << describe(smallest);
  });
  if (!cases.replaying() && !::testing::Test::HasFailure()) {
    EXPECT_GT(accepted, 5 * cases.count());
    EXPECT_GT(refused, cases.count());  // the sequences do exercise refused taps
  }
}

}  // namespace
}  // namespace unitclock::core::testing
