// Checks before signing (product.md "Checks before signing"): warnings with stable ids computed from one
// day's engine input and result. computeUnits() runs them; the server repeats them clinic-wide.
#pragma once

#include <vector>

#include <unitclock/core/catalog.h>
#include <unitclock/core/engine.h>
#include <unitclock/core/payer.h>

namespace unitclock::core {

// Session longer than this raises "long-session".
inline constexpr auto kLongSession = std::chrono::hours{4};

// Appends the day-level checks to `result.warnings`: no-diagnosis, nothing-billable, eval-and-reeval,
// assistant-on-evaluation, zero-unit-timed, units-cap-exceeded, group-overlap, long-session,
// code-discipline.
// (NCCI, bundling, substitution and tie warnings come from the engine itself.)
void runChecks(const EngineInput& input, const PayerProfile& payer, const Catalog& catalog,
               UnitsResult& result);

}  // namespace unitclock::core
