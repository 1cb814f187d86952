// common/control_commands: the one list of the control socket's commands.
// compositor/CONTROL.md documents exactly these (its table has one row per
// command, the request first), and the check the compositor's handler table
// is held to (a static_assert in compositor/control.cpp) catches a missing,
// extra, duplicated or misplaced handler.

#include <doctest/doctest.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/control_commands.hpp"

using namespace cirrus::control;

namespace {

// The commands of CONTROL.md's table: rows that start | `{"cmd":"NAME"...
std::vector<std::string> documented_commands() {
    const char* path = std::getenv("CIRRUS_CONTROL_MD");
    REQUIRE_MESSAGE(path != nullptr, "CIRRUS_CONTROL_MD (set by meson) names compositor/CONTROL.md");
    std::ifstream file(path);
    REQUIRE_MESSAGE(file.good(), "cannot read " << path);
    const std::regex row(R"re(^\| `\{"cmd":"([^"]+)")re");
    std::vector<std::string> names;
    std::string line;
    while (std::getline(file, line)) {
        std::smatch match;
        if (std::regex_search(line, match, row)) names.push_back(match[1]);
    }
    return names;
}

struct Entry {
    const char* name;
};

}  // namespace

TEST_CASE("CONTROL.md documents every command of the table, and no other, once each") {
    const std::vector<std::string> documented = documented_commands();
    const std::set<std::string> in_document(documented.begin(), documented.end());
    CHECK_MESSAGE(in_document.size() == documented.size(), "a command has two rows in CONTROL.md");
    std::set<std::string> in_table;
    for (const ControlCommand& command : kControlCommands) {
        in_table.emplace(command.name);
        CHECK_MESSAGE(in_document.count(std::string(command.name)) == 1,
                      "compositor/CONTROL.md has no row for '" << command.name << "'");
    }
    for (const std::string& name : documented) {
        CHECK_MESSAGE(in_table.count(name) == 1, "compositor/CONTROL.md documents '"
                                                     << name << "', which common/control_commands.hpp does not list");
    }
    CHECK(in_table.size() == kControlCommands.size());  // no name twice in the table
}

TEST_CASE("every command has a name, one help line, and arguments without newlines") {
    for (const ControlCommand& command : kControlCommands) {
        CHECK(!command.name.empty());
        CHECK(command.name.find(' ') == std::string_view::npos);
        CHECK(!command.help.empty());
        CHECK(command.help.find('\n') == std::string_view::npos);
        CHECK(command.arguments.find('\n') == std::string_view::npos);
        CHECK(find_control_command(command.name) == &command);
    }
    CHECK(find_control_command("raw") == nullptr);  // cirrusctl's own, not the socket's
    CHECK(find_control_command("frobnicate") == nullptr);
}

TEST_CASE("the names listed for errors are the table's, in its order") {
    std::string expected;
    for (const ControlCommand& command : kControlCommands) {
        expected += (expected.empty() ? "" : ", ") + std::string(command.name);
    }
    CHECK(control_command_names() == expected);
    CHECK(control_command_names().starts_with("outputs, windows"));
}

TEST_CASE("a handler table follows the commands only with one entry each, in order") {
    std::array<Entry, kControlCommands.size()> table{};
    for (std::size_t i = 0; i < table.size(); ++i) table[i].name = kControlCommands[i].name.data();
    // string_views into string literals: .data() is the whole NUL-terminated name.
    CHECK(follows_control_commands(table));

    SUBCASE("a command without a handler") {
        std::vector<Entry> shorter(table.begin(), table.end() - 1);
        CHECK_FALSE(follows_control_commands(shorter));
    }
    SUBCASE("a handler of no command") {
        std::vector<Entry> longer(table.begin(), table.end());
        longer.push_back({"frobnicate"});
        CHECK_FALSE(follows_control_commands(longer));
    }
    SUBCASE("one command twice, another missing") {
        auto twice = table;
        twice[1] = twice[0];
        CHECK_FALSE(follows_control_commands(twice));
    }
    SUBCASE("two handlers swapped") {
        auto swapped = table;
        std::swap(swapped[0], swapped[1]);
        CHECK_FALSE(follows_control_commands(swapped));
    }
    // The check works at compile time, as the compositor uses it.
    constexpr Entry compile_time[] = {{"outputs"}};
    static_assert(!follows_control_commands(compile_time));
}
