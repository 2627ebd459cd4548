// Connection: opening by URL, errors as values, and what a lost connection looks like.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "postgres_test.h"

using namespace unitclock::platform::postgres;
using unitclock::test::PostgresTest;
using unitclock::test::PrivateCluster;
using unitclock::test::testPostgresUrl;

namespace {

// A port on 127.0.0.1 that nothing listens on: bound to learn a free one, then closed.
int closedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ADD_FAILURE() << "could not find a free port";
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

using PostgresConnection = PostgresTest;

TEST_F(PostgresConnection, OpensByUrlAndTalksToPostgresql15) {
  Connection db = connect();
  EXPECT_TRUE(db.connected());
  EXPECT_FALSE(db.inTransaction());
  EXPECT_GE(db.serverVersion(), 150000);
  EXPECT_LT(db.serverVersion(), 160000);
  EXPECT_GE(libraryVersion(), 150000);
  auto r = db.query("SELECT current_database(), current_setting('application_name')");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->text(0, 0), m_db.name());
  EXPECT_EQ(r->text(0, 1), "unitclock");
}

TEST(PostgresOpen, MalformedUrlIsUnableToConnectWithLibpqsReason) {
  auto db = Connection::open("postgresql://postgres@[::1/unitclock");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().sqlState, sqlstate::kUnableToConnect);
  EXPECT_TRUE(contains(db.error().message, "IPv6 host address")) << db.error().message;
  EXPECT_FALSE(db.error().connectionLost);
  EXPECT_FALSE(db.error().retryable());
}

TEST(PostgresOpen, PortWithNoServerIsUnableToConnectAndSaysWhere) {
  std::string port = std::to_string(closedPort());
  auto db = Connection::open("postgresql://postgres@127.0.0.1:" + port + "/unitclock");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().sqlState, sqlstate::kUnableToConnect);
  EXPECT_TRUE(contains(db.error().message, "Connection refused")) << db.error().message;
  EXPECT_TRUE(contains(db.error().message, port)) << db.error().message;
}

TEST(PostgresOpen, PasswordInTheUrlNeverAppearsInTheError) {
  auto refused =
      Connection::open("postgresql://postgres:s3cret-pw@127.0.0.1:" + std::to_string(closedPort()) + "/x");
  ASSERT_FALSE(refused.ok());
  EXPECT_FALSE(contains(refused.error().message, "s3cret-pw")) << refused.error().message;
  // libpq quotes the whole URL when it cannot parse it.
  auto malformed = Connection::open("postgresql://postgres:s3cret-pw@[::1/unitclock");
  ASSERT_FALSE(malformed.ok());
  EXPECT_FALSE(contains(malformed.error().message, "s3cret-pw")) << malformed.error().message;
  EXPECT_TRUE(contains(malformed.error().message, "postgres:***@[::1")) << malformed.error().message;
}

TEST_F(PostgresConnection, MissingDatabaseIsUnableToConnectAndNamesIt) {
  auto db = Connection::open(unitclock::test::withDatabase(testPostgresUrl(), "no_such_database"));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().sqlState, sqlstate::kUnableToConnect);
  EXPECT_TRUE(contains(db.error().message, "\"no_such_database\" does not exist")) << db.error().message;
}

TEST_F(PostgresConnection, SqlErrorsAreValuesWithSqlstateAndTheConnectionStaysUsable) {
  Connection db = connect();
  auto syntax = db.exec("CREATE TABEL t(a int)");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error().sqlState, "42601");  // syntax_error
  EXPECT_TRUE(contains(syntax.error().message, "syntax error")) << syntax.error().message;
  EXPECT_TRUE(syntax.error().message.starts_with("exec: ")) << syntax.error().message;
  auto missing = db.query("SELECT x FROM nowhere");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().sqlState, "42P01");  // undefined_table
  EXPECT_FALSE(missing.error().connectionLost);
  EXPECT_FALSE(missing.error().retryable());
  EXPECT_TRUE(db.connected());
  EXPECT_TRUE(db.exec("SELECT 1").ok());
}

TEST_F(PostgresConnection, ExecRunsSeveralStatementsAndQueryRefusesThem) {
  Connection db = connect();
  ASSERT_TRUE(db.exec("CREATE TABLE t(a int); INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)").ok());
  EXPECT_EQ(db.query("SELECT sum(a) FROM t")->int64(0, 0), 3);
  auto two = db.query("INSERT INTO t VALUES (3); INSERT INTO t VALUES (4)");
  ASSERT_FALSE(two.ok());  // one statement per query: parameters would otherwise be ambiguous
  EXPECT_EQ(two.error().sqlState, "42601");
  EXPECT_TRUE(db.exec("").ok());
}

TEST_F(PostgresConnection, CopyIsRefusedAndLeavesTheConnectionUsable) {
  Connection db = connect();
  ASSERT_TRUE(db.exec("CREATE TABLE t(a int); INSERT INTO t VALUES (1)").ok());
  auto in = db.exec("COPY t FROM STDIN");
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.error().sqlState, "0A000");  // feature_not_supported
  auto out = db.query("COPY t TO STDOUT");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(db.query("SELECT count(*) FROM t")->int64(0, 0), 1);
}

TEST_F(PostgresConnection, MovedFromHandleReportsConnectionDoesNotExistInsteadOfCrashing) {
  Connection a = connect();
  Connection b = std::move(a);
  auto r = a.exec("SELECT 1");  // NOLINT(bugprone-use-after-move): that is the point
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().sqlState, sqlstate::kConnectionDoesNotExist);
  EXPECT_FALSE(a.connected());  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(b.exec("SELECT 1").ok());
}

TEST_F(PostgresConnection, BackendTerminatedByTheServerIsAConnectionLost) {
  Connection db = connect();
  Connection admin = connect();
  auto pid = db.query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok());
  // pg_terminate_backend takes an integer; a Param::int64 is a bigint, so it is cast.
  auto terminated = admin.query("SELECT pg_terminate_backend($1::integer)", {Param::int64(pid->int64(0, 0))});
  ASSERT_TRUE(terminated.ok()) << terminated.error().message;
  auto r = db.query("SELECT 1");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().connectionLost) << r.error().message;
  EXPECT_FALSE(db.connected());
  EXPECT_FALSE(r.error().retryable());  // a COMMIT lost this way may have committed: the caller decides
  auto again = db.exec("SELECT 1");
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(again.error().connectionLost);
}

// The server of a private cluster is stopped (a fast shutdown, as an operator or a failover does) under a
// connection in the middle of a transaction.
TEST(PostgresConnectionLost, StoppedServerIsReportedAsConnectionLostClearly) {
  PrivateCluster cluster{UNITCLOCK_PG_CLUSTER_SCRIPT};
  auto opened = Connection::open(cluster.url());
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  Connection db = std::move(opened).value();
  ASSERT_TRUE(db.exec("CREATE TABLE visits(id bigint PRIMARY KEY)").ok());
  auto tx = Transaction::begin(db);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(db.query("INSERT INTO visits VALUES ($1)", {Param::int64(1)}).ok());

  cluster.stop();

  auto r = db.query("INSERT INTO visits VALUES ($1)", {Param::int64(2)});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().connectionLost);
  EXPECT_TRUE(contains(r.error().message, "connection to the server lost")) << r.error().message;
  EXPECT_FALSE(r.error().sqlState.empty());  // 57P01 admin_shutdown when the server said so, else 08006
  EXPECT_FALSE(db.connected());
  EXPECT_FALSE(db.inTransaction());
  auto commit = tx->commit();
  ASSERT_FALSE(commit.ok());
  EXPECT_TRUE(commit.error().connectionLost);
  EXPECT_FALSE(tx->active());
  auto reopen = Connection::open(cluster.url());
  ASSERT_FALSE(reopen.ok());
  EXPECT_EQ(reopen.error().sqlState, sqlstate::kUnableToConnect);
}
