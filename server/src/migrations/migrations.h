#pragma once
// Versioned schema migrations of every backend, in one place: a list of numbered steps per backend, each
// applied once, in order, to a store whose schema version is lower. Never edit a released step: add one.
// A backend's steps live in a file of their own beside this one (sqlite.cpp, postgresql.cpp), and
// every backend reaches the same version with the same tables, so `migrate` can copy between them.

#include <span>
#include <string_view>

namespace unitclock::server::migrations {

struct Step {
  int version = 0;
  std::string_view sql;  // the backend's own dialect
};

// The SQLite store's steps (schema version = the last step's version).
std::span<const Step> sqlite();
// The PostgreSQL store's steps: the same versions, tables and columns in PostgreSQL's dialect.
std::span<const Step> postgresql();

}  // namespace unitclock::server::migrations
