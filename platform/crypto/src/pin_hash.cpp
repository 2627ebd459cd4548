#include <sodium.h>

#include <unitclock/platform/pin_hash.h>
#include <string>

namespace unitclock::platform {
namespace {

bool sodiumReady() {
  // sodium_init is thread-safe and idempotent: 0 first time, 1 afterwards, -1 on failure.
  static const bool ready = sodium_init() >= 0;
  return ready;
}

void fail(PinHashFailure* failure, PinHashError code, std::string message) {
  if (failure != nullptr) *failure = PinHashFailure{code, std::move(message)};
}

}  // namespace

std::optional<std::string> hashPin(std::string_view pin, const PinHashLimits& limits,
                                   PinHashFailure* failure) {
  if (!sodiumReady()) {
    fail(failure, PinHashError::kLibraryUnavailable, "libsodium could not be initialised");
    return std::nullopt;
  }
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, pin.data(), pin.size(), limits.opsLimit, limits.memLimitBytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    fail(failure, PinHashError::kOutOfMemory, "not enough memory to hash the PIN");
    return std::nullopt;
  }
  return std::string(out);
}

bool verifyPin(std::string_view pin, std::string_view hash, PinHashFailure* failure) {
  if (!sodiumReady()) {
    fail(failure, PinHashError::kLibraryUnavailable, "libsodium could not be initialised");
    return false;
  }
  // crypto_pwhash_str_verify needs a NUL-terminated string that fits in crypto_pwhash_STRBYTES.
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || hash.rfind("$argon2", 0) != 0) {
    fail(failure, PinHashError::kMalformedHash, "stored PIN hash is not an Argon2 hash string");
    return false;
  }
  const std::string terminated(hash);
  return crypto_pwhash_str_verify(terminated.c_str(), pin.data(), pin.size()) == 0;
}

bool pinHashNeedsRehash(std::string_view hash, const PinHashLimits& limits) {
  if (!sodiumReady() || hash.size() >= crypto_pwhash_STRBYTES) return true;
  const std::string terminated(hash);
  return crypto_pwhash_str_needs_rehash(terminated.c_str(), limits.opsLimit, limits.memLimitBytes) != 0;
}

std::vector<std::uint8_t> randomBytes(std::size_t count) {
  if (!sodiumReady()) return {};
  std::vector<std::uint8_t> bytes(count);
  randombytes_buf(bytes.data(), bytes.size());
  return bytes;
}

std::string randomHex(std::size_t count) {
  const auto bytes = randomBytes(count);
  if (bytes.size() != count) return {};
  std::string hex(count * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  hex.pop_back();
  return hex;
}

}  // namespace unitclock::platform
