#include <unitclock/core/engine.h>

namespace unitclock::core {

int unitsByMidpoint(std::chrono::minutes minutes, std::chrono::minutes unitLength,
                    std::chrono::minutes midpoint) noexcept {
  if (unitLength.count() <= 0 || minutes < midpoint) return 0;
  return static_cast<int>(1 + (minutes - midpoint) / unitLength);
}

int cmsUnits(std::chrono::minutes minutes) noexcept {
  return unitsByMidpoint(minutes, std::chrono::minutes{15}, std::chrono::minutes{8});
}

std::chrono::minutes minutesToNextCmsUnit(std::chrono::minutes totalTimed) noexcept {
  using std::chrono::minutes;
  if (totalTimed < minutes{8}) return minutes{8} - totalTimed;
  const int next = cmsUnits(totalTimed) + 1;
  return minutes{15 * (next - 1) + 8} - totalTimed;
}

TimedService TimedService::fromBlocks(std::string code, std::vector<TimeBlock> blocks) {
  TimedService s;
  s.code = std::move(code);
  for (const auto& b : blocks) {
    (b.performer == Performer::assistant ? s.assistant : s.therapist) += b.end - b.start;
  }
  s.blocks = std::move(blocks);
  return s;
}

Result<UnitsResult, EngineError> computeUnits(const EngineInput&, const PayerProfile&, const Catalog&) {
  // Filled in by the next commit (headers first so other modules can build against them).
  return fail(EngineError{EngineError::Kind::unknownCode, "", "the rules engine is not built yet"});
}

Result<EngineInput, std::string> mergeInputs(const std::vector<EngineInput>&) {
  return fail(std::string{"merging is not built yet"});
}

}  // namespace unitclock::core
