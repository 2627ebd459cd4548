#include <gtest/gtest.h>

#include <unitclock/platform/pin_hash.h>
#include <set>

namespace unitclock::platform {
namespace {

TEST(PinHash, TheRightPinVerifiesAndAWrongOneDoesNot) {
  const auto hash = hashPin("4821");
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_EQ(hash->find("4821"), std::string::npos) << "the PIN never appears in its hash";
  EXPECT_TRUE(verifyPin("4821", *hash));
  EXPECT_FALSE(verifyPin("4822", *hash));
  EXPECT_FALSE(verifyPin("", *hash));
}

TEST(PinHash, TheSamePinHashesDifferentlyEachTime) {
  const PinHashLimits cheap{1, 8192};
  EXPECT_NE(hashPin("1111", cheap), hashPin("1111", cheap)) << "a fresh salt every time";
}

TEST(PinHash, HashesWithOtherLimitsStillVerifyAndAskForARehash) {
  const PinHashLimits cheap{1, 8192};
  const auto hash = hashPin("2468", cheap);
  ASSERT_TRUE(hash);
  EXPECT_TRUE(verifyPin("2468", *hash));
  EXPECT_TRUE(pinHashNeedsRehash(*hash));
  EXPECT_FALSE(pinHashNeedsRehash(*hash, cheap));
}

TEST(PinHash, AMalformedStoredHashNeverMatchesAndSaysWhy) {
  PinHashFailure failure{};
  EXPECT_FALSE(verifyPin("1111", "1111", &failure));
  EXPECT_EQ(failure.code, PinHashError::kMalformedHash);
  EXPECT_FALSE(verifyPin("1111", "", nullptr));
  EXPECT_FALSE(verifyPin("1111", "$argon2id$v=19$m=8,t=1,p=1$garbage", nullptr));
}

TEST(RandomBytes, GivesTheRequestedLengthAndDiffers) {
  EXPECT_EQ(randomBytes(16).size(), 16u);
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const auto h = randomHex(8);
    EXPECT_EQ(h.size(), 16u);
    seen.insert(h);
  }
  EXPECT_EQ(seen.size(), 50u);
}

}  // namespace
}  // namespace unitclock::platform
