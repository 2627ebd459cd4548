#pragma once
// PIN hashing for the clinician roster: Argon2id (libsodium's crypto_pwhash_str), tuned so that one
// verification costs tens of milliseconds on a clinic tablet. The hash string carries its own salt and
// cost parameters, so hashes made with other limits (for example by the server) still verify.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace unitclock::platform {

// Argon2id cost. Measured on the project's 2-core machine (docs/bench-app.md): one verify takes about
// 55 ms on an idle machine and up to ~110 ms while it is busy. 16 MiB keeps the app's peak memory during a
// PIN check inside its 60 MB budget (libsodium's INTERACTIVE preset would add 64 MiB); more passes buy the
// time back. A PIN has few digits, so the lock-out after wrong PINs, not the hash cost, is what stops
// guessing at the kiosk; the cost slows guessing from a stolen store.
struct PinHashLimits {
  std::uint64_t opsLimit = 14;            // passes over memory
  std::size_t memLimitBytes = 16u << 20;  // 16 MiB
};

enum class PinHashError { kLibraryUnavailable, kOutOfMemory, kMalformedHash };

struct PinHashFailure {
  PinHashError code;
  std::string message;
};

// Hashes a PIN; returns the self-describing "$argon2id$v=19$m=...,t=...,p=1$salt$hash" string.
// Error when libsodium cannot initialise or the memory limit cannot be allocated.
[[nodiscard]] std::optional<std::string> hashPin(std::string_view pin, const PinHashLimits& limits = {},
                                                 PinHashFailure* failure = nullptr);

// True only when `pin` matches `hash`. A malformed hash never matches (and sets `failure` if given).
[[nodiscard]] bool verifyPin(std::string_view pin, std::string_view hash, PinHashFailure* failure = nullptr);

// True when `hash` was made with weaker limits than `limits` and should be re-hashed after a good login.
[[nodiscard]] bool pinHashNeedsRehash(std::string_view hash, const PinHashLimits& limits = {});

// Cryptographically secure random bytes (libsodium randombytes_buf). Empty only if libsodium fails to start.
[[nodiscard]] std::vector<std::uint8_t> randomBytes(std::size_t count);

// Random bytes as lowercase hex (2*count characters), e.g. for tokens and enrollment codes.
[[nodiscard]] std::string randomHex(std::size_t count);

}  // namespace unitclock::platform
