// What the wrapper's tests share: a database of the test's own on the run's cluster, and connections to it.
#pragma once

#include <unitclock/platform/postgres.h>

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "support/postgres_cluster.h"

namespace unitclock::test {

class PostgresTest : public ::testing::Test {
 protected:
  platform::postgres::Connection connect() const { return connectTo(m_db.url()); }

  static platform::postgres::Connection connectTo(const std::string& url) {
    auto conn = platform::postgres::Connection::open(url);
    EXPECT_TRUE(conn.ok()) << (conn.ok() ? "" : conn.error().message);
    return std::move(conn).value();
  }

  ScratchDatabase m_db;
};

}  // namespace unitclock::test
