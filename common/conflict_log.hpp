// The conflicts a store kept for the user ("contact 'Ann' was edited on this
// phone and on the server: both kept ..."), a table in the store's own
// SQLite file, shared by the contact and the note stores.
#pragma once

#include <string>
#include <vector>

#include "sqlite.hpp"

namespace cirrus::sync {

// Creates the table when missing.
void create_conflict_log(cirrus::launcher::Database& database);
void add_conflict(cirrus::launcher::Database& database, const std::string& text);
std::vector<std::string> read_conflicts(const cirrus::launcher::Database& database);

}  // namespace cirrus::sync
