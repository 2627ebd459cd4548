// Transaction: RAII rollback, isolation levels, and the errors PostgreSQL asks a client to retry.
#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "postgres_test.h"

using namespace unitclock::platform::postgres;
using unitclock::test::PostgresTest;

namespace {

std::int64_t count(Connection& db, const std::string& table) {
  auto r = db.query("SELECT count(*) FROM " + table);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r->int64(0, 0) : -1;
}

}  // namespace

using PostgresTransaction = PostgresTest;

TEST_F(PostgresTransaction, CommitMakesTheWritesVisibleToOtherConnections) {
  Connection writer = connect();
  Connection reader = connect();
  ASSERT_TRUE(writer.exec("CREATE TABLE t(a int)").ok());
  auto tx = Transaction::begin(writer);
  ASSERT_TRUE(tx.ok()) << tx.error().message;
  EXPECT_TRUE(writer.inTransaction());
  ASSERT_TRUE(writer.exec("INSERT INTO t VALUES (1)").ok());
  EXPECT_EQ(count(reader, "t"), 0);
  ASSERT_TRUE(tx->commit().ok());
  EXPECT_FALSE(tx->active());
  EXPECT_FALSE(writer.inTransaction());
  EXPECT_EQ(count(reader, "t"), 1);
}

TEST_F(PostgresTransaction, RollsBackWhenDestroyedUncommitted) {
  Connection db = connect();
  ASSERT_TRUE(db.exec("CREATE TABLE t(a int)").ok());
  {
    auto tx = Transaction::begin(db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db.exec("INSERT INTO t VALUES (1)").ok());
    EXPECT_EQ(count(db, "t"), 1);
  }
  EXPECT_FALSE(db.inTransaction());
  EXPECT_EQ(count(db, "t"), 0);
  {  // a moved transaction is rolled back once, by its last owner
    auto tx = Transaction::begin(db);
    ASSERT_TRUE(tx.ok());
    Transaction moved = std::move(tx).value();
    ASSERT_TRUE(db.exec("INSERT INTO t VALUES (2)").ok());
  }
  EXPECT_EQ(count(db, "t"), 0);
}

TEST_F(PostgresTransaction, RollbackAndCommitEndItOnceThenReportNoActiveTransaction) {
  Connection db = connect();
  auto tx = Transaction::begin(db);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(tx->rollback().ok());
  EXPECT_FALSE(db.inTransaction());
  auto again = tx->commit();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().sqlState, sqlstate::kNoActiveTransaction);
}

TEST_F(PostgresTransaction, RunsAtTheIsolationLevelAskedFor) {
  Connection db = connect();
  const std::pair<Isolation, const char*> levels[] = {{Isolation::kReadCommitted, "read committed"},
                                                      {Isolation::kRepeatableRead, "repeatable read"},
                                                      {Isolation::kSerializable, "serializable"}};
  for (const auto& [isolation, name] : levels) {
    auto tx = Transaction::begin(db, isolation);
    ASSERT_TRUE(tx.ok()) << tx.error().message;
    auto r = db.query("SHOW transaction_isolation");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->text(0, 0), name);
  }
}

TEST_F(PostgresTransaction, BeginInsideATransactionIsRefusedNotNested) {
  Connection db = connect();
  auto outer = Transaction::begin(db);
  ASSERT_TRUE(outer.ok());
  auto inner = Transaction::begin(db);
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.error().sqlState, sqlstate::kActiveTransaction);
  EXPECT_TRUE(outer->active());
}

// PostgreSQL answers COMMIT in a failed transaction with success and the tag ROLLBACK; that is an error here.
TEST_F(PostgresTransaction, CommitAfterAFailedStatementReportsTheRollback) {
  Connection db = connect();
  ASSERT_TRUE(db.exec("CREATE TABLE t(a int PRIMARY KEY)").ok());
  auto tx = Transaction::begin(db);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(db.exec("INSERT INTO t VALUES (1)").ok());
  ASSERT_FALSE(db.exec("INSERT INTO t VALUES (1)").ok());
  auto next = db.exec("INSERT INTO t VALUES (2)");
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().sqlState, sqlstate::kInFailedTransaction);
  auto commit = tx->commit();
  ASSERT_FALSE(commit.ok());
  EXPECT_EQ(commit.error().sqlState, sqlstate::kInFailedTransaction);
  EXPECT_FALSE(db.inTransaction());
  EXPECT_EQ(count(db, "t"), 0);
}

TEST_F(PostgresTransaction, UniqueViolationCarriesSqlstate23505AndTheConstraint) {
  Connection db = connect();
  ASSERT_TRUE(db.exec("CREATE TABLE devices(id text CONSTRAINT devices_pk PRIMARY KEY)").ok());
  ASSERT_TRUE(db.query("INSERT INTO devices VALUES ($1)", {"kiosk-1"}).ok());
  auto dup = db.query("INSERT INTO devices VALUES ($1)", {"kiosk-1"});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().sqlState, sqlstate::kUniqueViolation);
  EXPECT_TRUE(dup.error().is(sqlstate::kUniqueViolation));
  EXPECT_EQ(dup.error().constraint, "devices_pk");
  EXPECT_EQ(dup.error().detail, "Key (id)=(kiosk-1) already exists.");
  EXPECT_FALSE(dup.error().retryable());  // running it again gives the same answer
  EXPECT_FALSE(dup.error().connectionLost);
  EXPECT_TRUE(db.connected());
}

// Write skew, the anomaly only Serializable prevents: each of two transactions reads that two clinicians
// are on duty and takes a different one off. Each alone keeps someone on duty; together they would not.
TEST_F(PostgresTransaction, WriteSkewUnderSerializableFailsTheSecondCommitAsRetryable) {
  Connection a = connect();
  Connection b = connect();
  ASSERT_TRUE(a.exec("CREATE TABLE duty(clinician text PRIMARY KEY, on_duty boolean NOT NULL);"
                     "INSERT INTO duty VALUES ('ann', true), ('bob', true)")
                  .ok());
  const char* onDuty = "SELECT count(*) FROM duty WHERE on_duty";
  const char* goOff = "UPDATE duty SET on_duty = false WHERE clinician = $1";

  auto ta = Transaction::begin(a, Isolation::kSerializable);
  auto tb = Transaction::begin(b, Isolation::kSerializable);
  ASSERT_TRUE(ta.ok() && tb.ok());
  EXPECT_EQ(a.query(onDuty)->int64(0, 0), 2);
  EXPECT_EQ(b.query(onDuty)->int64(0, 0), 2);
  ASSERT_TRUE(a.query(goOff, {"ann"}).ok());
  ASSERT_TRUE(b.query(goOff, {"bob"}).ok());
  ASSERT_TRUE(ta->commit().ok());
  auto second = tb->commit();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().sqlState, sqlstate::kSerializationFailure) << second.error().message;
  EXPECT_TRUE(second.error().retryable());
  EXPECT_FALSE(second.error().connectionLost);

  // Run again, the transaction sees Ann's change and keeps Bob on duty.
  auto retry = Transaction::begin(b, Isolation::kSerializable);
  ASSERT_TRUE(retry.ok()) << retry.error().message;
  EXPECT_EQ(b.query(onDuty)->int64(0, 0), 1);
  ASSERT_TRUE(retry->commit().ok());
}

TEST_F(PostgresTransaction, ConcurrentUpdateUnderRepeatableReadIsRetryable) {
  Connection a = connect();
  Connection b = connect();
  ASSERT_TRUE(a.exec("CREATE TABLE t(id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0)").ok());
  auto ta = Transaction::begin(a, Isolation::kRepeatableRead);
  auto tb = Transaction::begin(b, Isolation::kRepeatableRead);
  ASSERT_TRUE(ta.ok() && tb.ok());
  ASSERT_TRUE(b.exec("SELECT v FROM t").ok());  // b's snapshot is taken here
  ASSERT_TRUE(a.exec("UPDATE t SET v = 1 WHERE id = 1").ok());
  ASSERT_TRUE(ta->commit().ok());
  auto update = b.exec("UPDATE t SET v = 2 WHERE id = 1");
  ASSERT_FALSE(update.ok());
  EXPECT_EQ(update.error().sqlState, sqlstate::kSerializationFailure);
  EXPECT_TRUE(update.error().retryable());
}

// Two connections each hold a row and then want the other's. PostgreSQL's deadlock detector picks one
// transaction to fail with 40P01; the other goes on.
TEST_F(PostgresTransaction, DeadlockBetweenTwoConnectionsFailsOneAsRetryableAndTheOtherGoesOn) {
  Connection a = connect();
  Connection b = connect();
  ASSERT_TRUE(a.exec("CREATE TABLE t(id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0), (2, 0)").ok());
  for (Connection* c : {&a, &b}) {
    // The detector runs after deadlock_timeout (1 s by default) of waiting; a superuser may shorten it.
    ASSERT_TRUE(c->exec("SET deadlock_timeout = '100ms'").ok());
  }
  auto ta = Transaction::begin(a);
  auto tb = Transaction::begin(b);
  ASSERT_TRUE(ta.ok() && tb.ok());
  ASSERT_TRUE(a.exec("UPDATE t SET v = 1 WHERE id = 1").ok());
  ASSERT_TRUE(b.exec("UPDATE t SET v = 2 WHERE id = 2").ok());

  // Both of these wait for the other whichever starts first, so no ordering between the threads is needed.
  PgResult<void> resultA = PgError{};
  std::thread other([&] { resultA = a.exec("UPDATE t SET v = 1 WHERE id = 2"); });
  PgResult<void> resultB = b.exec("UPDATE t SET v = 2 WHERE id = 1");
  other.join();

  ASSERT_NE(resultA.ok(), resultB.ok()) << "exactly one of the two is chosen to fail";
  const PgError& victim = resultA.ok() ? resultB.error() : resultA.error();
  EXPECT_EQ(victim.sqlState, sqlstate::kDeadlockDetected) << victim.message;
  EXPECT_TRUE(victim.retryable());
  EXPECT_FALSE(victim.connectionLost);
  Transaction& survivor = resultA.ok() ? ta.value() : tb.value();
  ASSERT_TRUE(survivor.commit().ok());
  Connection& survivorConnection = resultA.ok() ? a : b;
  auto v = survivorConnection.query("SELECT sum(v) FROM t");
  EXPECT_EQ(v->int64(0, 0), resultA.ok() ? 2 : 4);
}
