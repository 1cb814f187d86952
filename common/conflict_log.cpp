// See conflict_log.hpp.
#include "conflict_log.hpp"

namespace cirrus::sync {

void create_conflict_log(cirrus::launcher::Database& database) {
    database.exec("CREATE TABLE IF NOT EXISTS conflicts (id INTEGER PRIMARY KEY, text TEXT NOT NULL)");
}

void add_conflict(cirrus::launcher::Database& database, const std::string& text) {
    database.prepare("INSERT INTO conflicts (text) VALUES (?1)").bind(1, text).run();
}

std::vector<std::string> read_conflicts(const cirrus::launcher::Database& database) {
    auto row = database.prepare("SELECT text FROM conflicts ORDER BY id");
    std::vector<std::string> texts;
    while (row.step()) texts.push_back(row.column_text(0));
    return texts;
}

}  // namespace cirrus::sync
