// Session ids: random (version 4) UUIDs made on the device. Core reads no random device: the caller
// passes 16 random bytes (platform reads them from the operating system).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace unitclock::core {

using UuidBytes = std::array<std::uint8_t, 16>;

// Sets the version (4) and variant (RFC 4122) bits and formats the bytes as
// "xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx" (lower-case hex, N one of 8 9 a b).
std::string uuidV4(const UuidBytes& randomBytes);

// True for a lower-case or upper-case version-4 RFC 4122 UUID in the form above.
bool isUuidV4(std::string_view text) noexcept;

}  // namespace unitclock::core
