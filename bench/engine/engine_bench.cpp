// Patient-days per second through computeUnits, on realistic days: 4-8 codes of a therapy visit, some
// with assistant minutes, timer seconds, an evaluation or group now and then. Run:
//   bench_engine --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <random>

#include <unitclock/core/engine.h>

namespace {

using namespace std::chrono_literals;
using unitclock::core::Discipline;
using unitclock::core::EngineInput;
using unitclock::core::PayerProfile;
using unitclock::core::TimeBlock;
using unitclock::core::TimedService;
using unitclock::core::UntimedService;

const char* const kTimed[] = {"97110", "97112", "97116", "97140", "97530",
                              "97535", "97035", "97129", "97542", "97750"};
const char* const kUntimed[] = {"97165", "97150", "97018", "97014", "97010"};

// Days of 4-8 codes. With `blocks`, every service carries the timer's blocks, back to back, as a
// session recorded on a device would (NCCI pairs then get their 59 check).
std::vector<EngineInput> realisticDays(std::size_t count, bool blocks) {
  std::mt19937 rng{42};
  std::vector<EngineInput> days;
  days.reserve(count);
  const auto dayStart =
      std::chrono::sys_seconds{std::chrono::sys_days{2026y / 11 / 26}.time_since_epoch() + 14h};
  for (std::size_t d = 0; d < count; ++d) {
    EngineInput in;
    in.discipline = rng() % 2 ? Discipline::ot : Discipline::pt;
    in.diagnoses = std::vector<std::string>{"M25.511"};
    std::vector<std::string> codes(std::begin(kTimed), std::end(kTimed));
    std::shuffle(codes.begin(), codes.end(), rng);
    const int codeCount = std::uniform_int_distribution<int>{4, 8}(rng);
    const int untimedCount = rng() % 3 == 0 ? 1 : 0;
    auto clock = dayStart;
    for (int i = 0; i < codeCount - untimedCount; ++i) {
      TimedService s;
      s.code = codes[static_cast<std::size_t>(i)];
      s.therapist = std::chrono::seconds{std::uniform_int_distribution<int>{3 * 60, 25 * 60}(rng)};
      if (rng() % 3 == 0)
        s.assistant = std::chrono::seconds{std::uniform_int_distribution<int>{2 * 60, 15 * 60}(rng)};
      if (blocks) {
        s.blocks.push_back(TimeBlock{clock, clock + s.therapist, unitclock::core::Performer::therapist});
        clock += s.therapist;
        if (s.assistant > 0s) {
          s.blocks.push_back(TimeBlock{clock, clock + s.assistant, unitclock::core::Performer::assistant});
          clock += s.assistant;
        }
      }
      in.timed.push_back(std::move(s));
    }
    if (untimedCount > 0) {
      in.untimed.push_back(
          UntimedService{kUntimed[rng() % std::size(kUntimed)],
                         std::chrono::minutes{std::uniform_int_distribution<int>{10, 45}(rng)},
                         0s,
                         {}});
    }
    days.push_back(std::move(in));
  }
  return days;
}

void computeDays(benchmark::State& state, const PayerProfile& payer, bool blocks) {
  const auto days = realisticDays(1024, blocks);
  std::size_t i = 0;
  for (auto _ : state) {
    auto result = unitclock::core::computeUnits(days[i++ % days.size()], payer);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["days_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_MedicareDay(benchmark::State& state) {
  computeDays(state, PayerProfile::medicare(), false);
}
void BM_MedicareDayWithTimerBlocks(benchmark::State& state) {
  computeDays(state, PayerProfile::medicare(), true);
}
void BM_CommercialDay(benchmark::State& state) {
  computeDays(state, PayerProfile::commercial(), false);
}

// The server's recomputation: three sessions of one patient-day merged, then computed.
void BM_ServerMergeThreeSessionsAndCompute(benchmark::State& state) {
  auto days = realisticDays(3 * 1024, true);
  for (auto& d : days) d.discipline = Discipline::ot;  // one patient-day is one discipline
  const PayerProfile payer = PayerProfile::medicare();
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t base = (i++ % 1024) * 3;
    auto merged = unitclock::core::mergeInputs({days[base], days[base + 1], days[base + 2]});
    auto result = unitclock::core::computeUnits(merged.value(), payer);
    benchmark::DoNotOptimize(result);
  }
  state.counters["days_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_MedicareDay);
BENCHMARK(BM_MedicareDayWithTimerBlocks);
BENCHMARK(BM_CommercialDay);
BENCHMARK(BM_ServerMergeThreeSessionsAndCompute);

}  // namespace

BENCHMARK_MAIN();
