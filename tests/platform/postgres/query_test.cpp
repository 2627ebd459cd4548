// Param and Result: $1..$n parameters in, typed columns out.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "postgres_test.h"

using namespace unitclock::platform::postgres;
using unitclock::test::PostgresTest;

using PostgresQuery = PostgresTest;

TEST_F(PostgresQuery, TextParamsArriveAsDataNeverAsSql) {
  Connection db = connect();
  ASSERT_TRUE(db.exec("CREATE TABLE notes(id int, body text)").ok());
  const std::string hostile = "Robert'); DROP TABLE notes; --";
  const std::string accents = "Zoë Ångström, 30 min ✓";
  ASSERT_TRUE(
      db.query("INSERT INTO notes VALUES (1, $1), (2, $2)", {hostile, std::string_view{accents}}).ok());
  auto r = db.query("SELECT body FROM notes ORDER BY id");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->rows(), 2);
  EXPECT_EQ(r->text(0, 0), hostile);
  EXPECT_EQ(r->text(1, 0), accents);
}

TEST_F(PostgresQuery, NullParamsAreSqlNullAndReadBackAsNullopt) {
  Connection db = connect();
  ASSERT_TRUE(db.exec("CREATE TABLE t(s text, n bigint, b bytea)").ok());
  std::optional<std::string> noText;
  std::optional<std::int64_t> noNumber;
  ASSERT_TRUE(
      db.query("INSERT INTO t VALUES ($1, $2, $3)", {noText, Param::int64(noNumber), Param::null()}).ok());
  ASSERT_TRUE(
      db.query("INSERT INTO t VALUES ($1, $2, NULL)", {std::nullopt, Param::int64(std::int64_t{7})}).ok());
  auto r = db.query("SELECT s, n, b, s IS NULL, n IS NULL, b IS NULL FROM t ORDER BY n NULLS FIRST");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->rows(), 2);
  EXPECT_TRUE(r->boolean(0, 3));
  EXPECT_TRUE(r->boolean(0, 4));
  EXPECT_TRUE(r->boolean(0, 5));
  EXPECT_TRUE(r->isNull(0, 0));
  EXPECT_EQ(r->optionalText(0, 0), std::nullopt);
  EXPECT_EQ(r->optionalInt64(0, 1), std::nullopt);
  EXPECT_EQ(r->optionalBytes(0, 2), std::nullopt);
  EXPECT_EQ(r->text(0, 0), "");  // the plain getters read NULL as the empty value
  EXPECT_EQ(r->int64(0, 1), 0);
  EXPECT_EQ(r->optionalInt64(1, 1), 7);
}

TEST_F(PostgresQuery, Int64ParamsAreBigintsOverTheirWholeRange) {
  Connection db = connect();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  // No cast needed: the parameter's type is bigint.
  auto r = db.query("SELECT $1, $2, $3 + 1, pg_typeof($1)::text",
                    {Param::int64(kMin), Param::int64(kMax), Param::int64(std::int64_t{-1})});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->int64(0, 0), kMin);
  EXPECT_EQ(r->int64(0, 1), kMax);
  EXPECT_EQ(r->int64(0, 2), 0);
  EXPECT_EQ(r->text(0, 3), "bigint");
  auto overflow = db.query("SELECT $1 + 1", {Param::int64(kMax)});
  ASSERT_FALSE(overflow.ok());
  EXPECT_EQ(overflow.error().sqlState, "22003");  // numeric_value_out_of_range
}

TEST_F(PostgresQuery, ByteaWithZeroBytesAndEveryByteValueRoundTrips) {
  Connection db = connect();
  ASSERT_TRUE(db.exec("CREATE TABLE blobs(id int, data bytea)").ok());
  std::string every;
  for (int i = 0; i < 256; ++i) every += static_cast<char>(i);
  const std::string zeros("\0\0a\0", 4);
  const std::array<std::byte, 3> span{std::byte{0}, std::byte{0xff}, std::byte{0}};
  ASSERT_TRUE(db.query("INSERT INTO blobs VALUES (1, $1), (2, $2), (3, $3), (4, $4)",
                       {Param::bytes(every), Param::bytes(zeros),
                        Param::bytes(std::span<const std::byte>(span)), Param::bytes(std::string_view{})})
                  .ok());
  auto r = db.query("SELECT data, octet_length(data) FROM blobs ORDER BY id");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->rows(), 4);
  EXPECT_EQ(r->bytes(0, 0), every);
  EXPECT_EQ(r->int64(0, 1), 256);  // the server holds the bytes, not an escaped form of them
  EXPECT_EQ(r->bytes(1, 0), zeros);
  EXPECT_EQ(r->int64(1, 1), 4);
  EXPECT_EQ(r->bytes(2, 0), std::string("\0\xff\0", 3));
  EXPECT_EQ(r->optionalBytes(3, 0), std::string{});  // empty, not NULL
  auto found = db.query("SELECT id FROM blobs WHERE data = $1", {Param::bytes(zeros)});
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->rows(), 1);
  EXPECT_EQ(found->int64(0, 0), 2);
}

TEST_F(PostgresQuery, TextParamsTakeTheTypeTheStatementGivesThem) {
  Connection db = connect();
  ASSERT_TRUE(db.exec("CREATE TABLE visits(day date, at timestamptz, minutes int, billed boolean)").ok());
  ASSERT_TRUE(db.query("INSERT INTO visits VALUES ($1, $2, $3, $4)",
                       {"2027-03-14", "2027-03-14 07:00:00+00", "45", "true"})
                  .ok());
  auto r = db.query("SELECT day::text, extract(epoch FROM at)::bigint, minutes, billed FROM visits");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->text(0, 0), "2027-03-14");
  EXPECT_EQ(r->int64(0, 1), 1805007600);
  EXPECT_EQ(r->int64(0, 2), 45);
  EXPECT_TRUE(r->boolean(0, 3));
  auto bad = db.query("INSERT INTO visits(minutes) VALUES ($1)", {"forty-five"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().sqlState, "22P02");  // invalid_text_representation
}

TEST_F(PostgresQuery, ParamsFromAVectorAsWellAsABracedList) {
  Connection db = connect();
  std::vector<Param> params;
  for (int i = 1; i <= 100; ++i) params.push_back(Param::int64(std::int64_t{i}));
  std::string sql = "SELECT 0";
  for (int i = 1; i <= 100; ++i) sql += " + $" + std::to_string(i);
  auto r = db.query(sql, params);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->int64(0, 0), 5050);
}

TEST_F(PostgresQuery, ResultKnowsItsColumnsAndTheRowsAStatementChanged) {
  Connection db = connect();
  ASSERT_TRUE(db.exec("CREATE TABLE t(id bigint GENERATED ALWAYS AS IDENTITY, \"Code\" text)").ok());
  auto ins = db.query("INSERT INTO t(\"Code\") VALUES ($1), ($2) RETURNING id, \"Code\"", {"97110", "97140"});
  ASSERT_TRUE(ins.ok()) << ins.error().message;
  EXPECT_EQ(ins->rows(), 2);
  EXPECT_EQ(ins->columns(), 2);
  EXPECT_EQ(ins->affectedRows(), 2);
  EXPECT_EQ(ins->commandTag(), "INSERT 0 2");
  EXPECT_EQ(ins->columnName(1), "Code");
  EXPECT_EQ(ins->columnIndex("Code"), 1);
  EXPECT_EQ(ins->columnIndex("code"), std::nullopt);  // names are compared exactly
  EXPECT_EQ(ins->int64(1, *ins->columnIndex("id")), 2);
  auto upd = db.query("UPDATE t SET \"Code\" = $1 WHERE id > $2", {"97530", Param::int64(std::int64_t{0})});
  ASSERT_TRUE(upd.ok());
  EXPECT_EQ(upd->affectedRows(), 2);
  EXPECT_TRUE(upd->empty());
  auto none = db.query("SELECT id FROM t WHERE id < 0");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(none->affectedRows(), 0);
}

TEST_F(PostgresQuery, ReadingOutsideTheResultIsEmptyRatherThanACrash) {
  Connection db = connect();
  auto r = db.query("SELECT 'abc', 1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->int64(0, 0), 0);  // not an integer
  EXPECT_EQ(r->text(5, 0), "");
  EXPECT_EQ(r->text(0, -1), "");
  EXPECT_TRUE(r->isNull(1, 1));
  EXPECT_EQ(r->columnName(9), "");
  Result moved = std::move(r).value();
  EXPECT_EQ(moved.int64(0, 1), 1);  // a Result outlives nothing it needs: it may be moved and kept
}
