#include <unitclock/platform/sqlite.h>

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <fstream>

#include "support/temp_dir.h"

using namespace unitclock::platform::sqlite;
using unitclock::test::TempDir;

namespace {

Database openMemory() {
  auto db = Database::open(":memory:");
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
  return std::move(db).value();
}

constexpr int kSqliteError = 1;      // SQLITE_ERROR
constexpr int kSqliteCantOpen = 14;  // SQLITE_CANTOPEN
constexpr int kSqliteNotADb = 26;    // SQLITE_NOTADB
constexpr int kSqliteReadOnly = 8;   // SQLITE_READONLY
constexpr int kSqliteConstraint = 19;
constexpr int kSqliteMisuse = 21;

}  // namespace

TEST(SqliteDatabase, OpensInMemoryAndRunsStatements) {
  Database db = openMemory();
  ASSERT_TRUE(db.exec("CREATE TABLE t(a INTEGER, b TEXT); INSERT INTO t VALUES (1, 'one')").ok());
  auto n = db.queryInt64("SELECT count(*) FROM t");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value(), 1);
  EXPECT_EQ(db.queryText("SELECT b FROM t").value(), "one");
  EXPECT_FALSE(db.isReadOnly());
}

TEST(SqliteDatabase, ReportsSyntaxErrorsAsValuesWithMessage) {
  Database db = openMemory();
  auto r = db.exec("CREATE TABEL t(a)");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, kSqliteError);
  EXPECT_NE(r.error().message.find("syntax error"), std::string::npos) << r.error().message;
  auto s = db.prepare("SELECT x FROM nowhere");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("no such table"), std::string::npos) << s.error().message;
}

TEST(SqliteDatabase, MissingFileInReadWriteModeIsCannotOpen) {
  TempDir dir;
  auto db = Database::open(dir.file("absent.db"), {.mode = OpenMode::kReadWrite});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, kSqliteCantOpen);
  EXPECT_FALSE(std::filesystem::exists(dir.file("absent.db")));
}

TEST(SqliteDatabase, ReadOnlyConnectionRefusesWrites) {
  TempDir dir;
  {
    auto db = Database::open(dir.file("a.db"));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("CREATE TABLE t(a); INSERT INTO t VALUES (7)").ok());
  }
  auto ro = Database::open(dir.file("a.db"), {.mode = OpenMode::kReadOnly});
  ASSERT_TRUE(ro.ok());
  EXPECT_TRUE(ro->isReadOnly());
  EXPECT_EQ(ro->queryInt64("SELECT a FROM t").value(), 7);
  auto w = ro->exec("INSERT INTO t VALUES (8)");
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, kSqliteReadOnly);
}

TEST(SqliteDatabase, FileThatIsNotADatabaseIsReportedOnFirstRead) {
  TempDir dir;
  {
    std::ofstream f(dir.file("notes.db"), std::ios::binary);
    f << std::string(4096, 'x');
  }
  auto db = Database::open(dir.file("notes.db"), {.mode = OpenMode::kReadOnly});
  ASSERT_TRUE(db.ok());  // SQLite reads nothing until the first query
  auto v = db->userVersion();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, kSqliteNotADb);
}

TEST(SqliteDatabase, MovedFromHandleReportsMisuseInsteadOfCrashing) {
  Database a = openMemory();
  Database b = std::move(a);
  auto r = a.exec("SELECT 1");  // NOLINT(bugprone-use-after-move): that is the point
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, kSqliteMisuse);
  EXPECT_TRUE(b.exec("SELECT 1").ok());
}

TEST(SqliteStatement, BindsByIndexAndNameAndReadsEveryColumnType) {
  Database db = openMemory();
  ASSERT_TRUE(db.exec("CREATE TABLE t(i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)").ok());
  auto ins = db.prepare("INSERT INTO t VALUES (?1, ?2, :s, :b, :n)");
  ASSERT_TRUE(ins.ok());
  const std::array<std::byte, 3> blob{std::byte{0}, std::byte{0xff}, std::byte{7}};
  ASSERT_TRUE(ins->bind(1, std::int64_t{1} << 40).ok());
  ASSERT_TRUE(ins->bind(2, 2.5).ok());
  ASSERT_TRUE(ins->bind(":s", std::string_view{"text with \0 inside", 18}).ok());
  ASSERT_TRUE(ins->bind(":b", std::span<const std::byte>(blob)).ok());
  ASSERT_TRUE(ins->bindNull(":n").ok());
  ASSERT_TRUE(ins->run().ok());

  auto sel = db.prepare("SELECT i, r, s, b, n FROM t");
  ASSERT_TRUE(sel.ok());
  auto row = sel->step();
  ASSERT_TRUE(row.ok());
  ASSERT_TRUE(row.value());
  EXPECT_EQ(sel->columnCount(), 5);
  EXPECT_EQ(sel->columnName(2), "s");
  EXPECT_EQ(sel->columnType(0), ColumnType::kInteger);
  EXPECT_EQ(sel->columnInt64(0), std::int64_t{1} << 40);
  EXPECT_EQ(sel->columnType(1), ColumnType::kReal);
  EXPECT_DOUBLE_EQ(sel->columnDouble(1), 2.5);
  EXPECT_EQ(sel->columnText(2), std::string("text with \0 inside", 18));
  EXPECT_EQ(sel->columnBlob(3), std::vector<std::byte>(blob.begin(), blob.end()));
  EXPECT_TRUE(sel->columnIsNull(4));
  EXPECT_EQ(sel->columnOptionalText(4), std::nullopt);
  EXPECT_FALSE(sel->step().value());
}

TEST(SqliteStatement, UnknownParameterNameIsAnError) {
  Database db = openMemory();
  auto s = db.prepare("SELECT :a");
  ASSERT_TRUE(s.ok());
  auto r = s->bind(":b", 1);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(":b"), std::string::npos);
}

TEST(SqliteStatement, ResetAllowsReuseWithNewBindings) {
  Database db = openMemory();
  ASSERT_TRUE(db.exec("CREATE TABLE t(a INTEGER)").ok());
  auto ins = db.prepare("INSERT INTO t VALUES (?1)");
  ASSERT_TRUE(ins.ok());
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(ins->bind(1, i).ok());
    ASSERT_TRUE(ins->run().ok());
  }
  EXPECT_EQ(db.queryInt64("SELECT sum(a) FROM t").value(), 15);
  EXPECT_EQ(db.lastInsertRowId(), 5);
}

TEST(SqliteStatement, ConstraintViolationIsAnErrorAndStatementStaysUsable) {
  Database db = openMemory();
  ASSERT_TRUE(db.exec("CREATE TABLE t(a INTEGER PRIMARY KEY)").ok());
  auto ins = db.prepare("INSERT INTO t VALUES (?1)");
  ASSERT_TRUE(ins.ok());
  ASSERT_TRUE(ins->bind(1, 1).ok());
  ASSERT_TRUE(ins->run().ok());
  auto dup = ins->run();
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, kSqliteConstraint);
  ASSERT_TRUE(ins->bind(1, 2).ok());
  EXPECT_TRUE(ins->run().ok());
}

TEST(SqliteTransaction, RollsBackWhenDroppedWithoutCommit) {
  Database db = openMemory();
  ASSERT_TRUE(db.exec("CREATE TABLE t(a)").ok());
  {
    auto tx = Transaction::begin(db);
    ASSERT_TRUE(tx.ok());
    EXPECT_TRUE(db.inTransaction());
    ASSERT_TRUE(db.exec("INSERT INTO t VALUES (1)").ok());
  }
  EXPECT_FALSE(db.inTransaction());
  EXPECT_EQ(db.queryInt64("SELECT count(*) FROM t").value(), 0);
}

TEST(SqliteTransaction, CommitKeepsChanges) {
  Database db = openMemory();
  ASSERT_TRUE(db.exec("CREATE TABLE t(a)").ok());
  auto tx = Transaction::begin(db);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(db.exec("INSERT INTO t VALUES (1)").ok());
  ASSERT_TRUE(tx->commit().ok());
  EXPECT_FALSE(tx->active());
  EXPECT_EQ(db.queryInt64("SELECT count(*) FROM t").value(), 1);
  EXPECT_FALSE(tx->commit().ok()) << "a second commit is a misuse, not a silent success";
}

TEST(SqliteTransaction, ImmediateTransactionWaitsForBusyTimeoutThenFails) {
  TempDir dir;
  auto a = Database::open(dir.file("w.db"));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(a->exec("PRAGMA journal_mode=WAL; CREATE TABLE t(a)").ok());
  auto b = Database::open(dir.file("w.db"), {.busyTimeout = std::chrono::milliseconds{50}});
  ASSERT_TRUE(b.ok());
  auto holder = Transaction::begin(a.value());
  ASSERT_TRUE(holder.ok());
  auto blocked = Transaction::begin(b.value());
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().code, 5);  // SQLITE_BUSY
  ASSERT_TRUE(holder->commit().ok());
  EXPECT_TRUE(Transaction::begin(b.value()).ok());
}

TEST(SqliteMigrate, AppliesStepsInOrderAndRecordsUserVersion) {
  Database db = openMemory();
  const std::array<Migration, 2> steps{Migration{2, "ALTER TABLE t ADD COLUMN b TEXT"},
                                       Migration{1, "CREATE TABLE t(a)"}};
  auto v = migrate(db, steps);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v.value(), 2);
  EXPECT_EQ(db.userVersion().value(), 2);
  EXPECT_TRUE(db.exec("INSERT INTO t(a, b) VALUES (1, 'x')").ok());
  EXPECT_EQ(migrate(db, steps).value(), 2) << "running again changes nothing";
}

TEST(SqliteMigrate, FailedStepLeavesPreviousVersionIntact) {
  Database db = openMemory();
  const std::array<Migration, 2> steps{Migration{1, "CREATE TABLE t(a)"},
                                       Migration{2, "CREATE TABLE u(b); ALTER TABLE missing ADD c"}};
  auto v = migrate(db, steps);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("schema version 2"), std::string::npos) << v.error().message;
  EXPECT_EQ(db.userVersion().value(), 1);
  EXPECT_FALSE(db.prepare("SELECT * FROM u").ok()) << "the half-applied step was rolled back";
}

TEST(SqliteMigrate, NewerSchemaIsRefusedWithoutChanges) {
  Database db = openMemory();
  ASSERT_TRUE(db.setUserVersion(9).ok());
  const std::array<Migration, 1> steps{Migration{1, "CREATE TABLE t(a)"}};
  auto v = migrate(db, steps);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, kNewerSchemaCode);
  EXPECT_FALSE(db.prepare("SELECT * FROM t").ok());
}

TEST(SqliteIntegrity, SoundDatabaseHasNoProblems) {
  Database db = openMemory();
  ASSERT_TRUE(db.exec("CREATE TABLE t(a PRIMARY KEY); INSERT INTO t VALUES (1), (2)").ok());
  auto quick = integrityCheck(db);
  ASSERT_TRUE(quick.ok());
  EXPECT_TRUE(quick->empty());
  auto full = integrityCheck(db, IntegrityCheckKind::kFull);
  ASSERT_TRUE(full.ok());
  EXPECT_TRUE(full->empty());
}

TEST(SqliteIntegrity, DamagedPagesAreReported) {
  TempDir dir;
  const std::string path = dir.file("d.db");
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("PRAGMA page_size=4096; CREATE TABLE t(a TEXT); CREATE INDEX ti ON t(a);").ok());
    ASSERT_TRUE(db->exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<2000) "
                         "INSERT INTO t SELECT printf('%08d-%s', i, hex(randomblob(20))) FROM n")
                    .ok());
  }
  {
    // Overwrite the middle of the file (table and index pages), leaving the header intact.
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 * 5);
    const std::string junk(4096 * 3, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto db = Database::open(path, {.mode = OpenMode::kReadOnly});
  ASSERT_TRUE(db.ok());
  auto problems = integrityCheck(db.value(), IntegrityCheckKind::kQuick);
  // Either the check lists problems or SQLite refuses to read the damaged pages at all.
  EXPECT_TRUE(!problems.ok() || !problems->empty());
}
