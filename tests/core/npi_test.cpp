#include <unitclock/core/npi.h>

#include <gtest/gtest.h>

using unitclock::core::isValidNpi;

TEST(Npi, AcceptsTheStandardsExampleAndTheDemoRoster) {
  EXPECT_TRUE(isValidNpi("1234567893"));  // CMS's example NPI
  for (auto npi : {"1000000004", "1000000012", "1000000020", "1000000038", "1000000046", "1000000053"})
    EXPECT_TRUE(isValidNpi(npi)) << npi;
}

TEST(Npi, RefusesAWrongCheckDigitOrShape) {
  EXPECT_FALSE(isValidNpi("1234567890"));
  EXPECT_FALSE(isValidNpi("1234567894"));
  EXPECT_FALSE(isValidNpi("123456789"));
  EXPECT_FALSE(isValidNpi("12345678933"));
  EXPECT_FALSE(isValidNpi("3234567893"));  // the first digit is 1 or 2
  EXPECT_FALSE(isValidNpi("12345a7893"));
  EXPECT_FALSE(isValidNpi(""));
}

TEST(Npi, CatchesASwapOfTwoNeighbouringDigits) {
  EXPECT_FALSE(isValidNpi("1234567983"));
  EXPECT_FALSE(isValidNpi("1243567893"));
}
