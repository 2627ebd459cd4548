// Waiting in a test for what another thread or process does (a sync worker uploads, a server answers).
#pragma once

#include <chrono>
#include <thread>

namespace unitclock::test {

// Polls `pred` every 10 ms until it holds or `limit` passes; returns its last value.
template <class Pred>
bool waitFor(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds{30}) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  return pred();
}

}  // namespace unitclock::test
