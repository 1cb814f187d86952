// The permission prompt's model: what it asks, the queue of questions, and
// where the dialog and its buttons go.
#include <doctest/doctest.h>

#include "permission_model.hpp"

using namespace cirrus::shell;

TEST_CASE("each permission is asked in plain words, with the app's name") {
    CHECK(permission_sentence("Notes", "geolocation") == "Notes would like to use your location");
    CHECK(permission_sentence("Notes", "notifications") == "Notes would like to send notifications");
    CHECK(permission_sentence("Notes", "camera") == "Notes would like to use the camera");
    CHECK(permission_sentence("Notes", "microphone") == "Notes would like to use the microphone");
    CHECK(permission_sentence("Notes", "persistent-storage") == "Notes would like to store data persistently");
    CHECK(permission_sentence("Contacts", "contacts") == "Contacts would like to read and change your contacts");
    CHECK(permission_sentence("Notes", "notes") == "Notes would like to read and change your notes");
    CHECK(permission_sentence("笔记本", "camera") == "笔记本 would like to use the camera");
    // Unknown to Cirrus: shown as it came, quoted, never dropped.
    CHECK(permission_phrase("midi") == "use \u201cmidi\u201d");
}

TEST_CASE("questions come one at a time, in order; one answer settles the same question asked again") {
    PermissionQueue q;
    CHECK(q.empty());
    CHECK(q.front() == nullptr);
    q.push({1, "notes", "camera"});
    q.push({2, "maps", "geolocation"});
    q.push({3, "notes", "camera"});
    q.push({4, "notes", "microphone"});
    REQUIRE(q.front() != nullptr);
    CHECK(q.front()->request_id == 1);
    CHECK(q.answer_front() == std::vector<std::uint32_t>{1, 3});
    CHECK(q.front()->request_id == 2);
    CHECK(q.answer_front() == std::vector<std::uint32_t>{2});
    CHECK(q.front()->request_id == 4);
    CHECK(q.answer_front() == std::vector<std::uint32_t>{4});
    CHECK(q.empty());
    CHECK(q.answer_front().empty());
}

TEST_CASE("the dialog is centred, its buttons side by side along its bottom") {
    for (auto [w, h] : {std::pair{480, 800}, std::pair{320, 480}, std::pair{800, 480}}) {
        CAPTURE(w);
        const PromptGeometry g = compute_prompt_geometry(w, h);
        CHECK(g.dialog.x + g.dialog.width / 2 == doctest::Approx(w / 2).epsilon(0.01));
        CHECK(g.dialog.y >= 0);
        CHECK(g.dialog.y + g.dialog.height <= h);
        CHECK(g.deny.y == g.allow.y);
        CHECK(g.deny.x == g.dialog.x);
        CHECK(g.allow.x == g.deny.x + g.deny.width);
        CHECK(g.allow.x + g.allow.width == g.dialog.x + g.dialog.width);
        CHECK(g.allow.y + g.allow.height == g.dialog.y + g.dialog.height);
        CHECK(g.deny.height >= 44);  // a finger's size
        CHECK(g.message.y + g.message.height <= g.deny.y);
        CHECK_FALSE(g.allow.intersects(g.deny));
    }
}
