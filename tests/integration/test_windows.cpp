// Window management: work area, layer-shell exclusive zones, focus, close,
// dialogs.

#include "helpers.hpp"

using namespace cirrus_it;

TEST_CASE("a toplevel gets the full work area and focus") {
    Compositor c;
    auto app = c.client(test_client_argv({"--app-id", "org.cirrus.test.a", "--title", "A"}));
    app->expect("configure", kTimeout, [](const json& e) { return e["width"] == kWidth && e["height"] == kHeight; });
    app->expect("mapped", kTimeout);

    json w = wait_window(
        c, app->pid(), [](const json& w) { return w.value("focused", false); }, "focused");
    CHECK(w["pid"] == app->pid());
    CHECK(w["app_id"] == "org.cirrus.test.a");
    CHECK(w["title"] == "A");
    CHECK(w["x"] == 0);
    CHECK(w["y"] == 0);
    CHECK(w["width"] == kWidth);
    CHECK(w["height"] == kHeight);
    CHECK(w["visible"] == true);
    CHECK(w["parent"].is_null());
    CHECK(work_area_is(work_area(c), 0, 0, kWidth, kHeight));
    // Focus reaches the client too.
    app->expect("configure", kTimeout, [](const json& e) { return has_state(e, "activated"); });
}

TEST_CASE("an exclusive layer surface shrinks the work area and the app follows") {
    Compositor c;
    auto app = start_app(c);
    app->expect("configure", kTimeout, [](const json& e) { return e["height"] == kHeight; });

    auto bar = start_bar(c);
    json bar_configure = bar->expect("configure");
    CHECK(bar_configure["width"] == kWidth);
    CHECK(bar_configure["height"] == kBarHeight);

    wait_work_area(c, 0, kBarHeight, kWidth, kHeight - kBarHeight);
    app->expect("configure", kTimeout,
                [](const json& e) { return e["width"] == kWidth && e["height"] == kHeight - kBarHeight; });
    json w = wait_window(
        c, app->pid(), [](const json& w) { return w["y"] == kBarHeight && w["height"] == kHeight - kBarHeight; },
        "placed below the bar");
    CHECK(w["x"] == 0);
    CHECK(w["width"] == kWidth);

    json layers = c.layers();
    REQUIRE(layers.size() == 1);
    CHECK(layers[0]["namespace"] == "test-bar");
    CHECK(layers[0]["layer"] == "top");
    CHECK(layers[0]["pid"] == bar->pid());
    CHECK(layers[0]["x"] == 0);
    CHECK(layers[0]["y"] == 0);
    CHECK(layers[0]["width"] == kWidth);
    CHECK(layers[0]["height"] == kBarHeight);
    CHECK(layers[0]["exclusive_zone"] == kBarHeight);
    CHECK(layers[0]["mapped"] == true);

    SUBCASE("changing the zone at runtime resizes again") {
        bar->send_line("exclusive 100");
        bar->expect("applied");
        wait_work_area(c, 0, 100, kWidth, kHeight - 100);
        app->expect("configure", kTimeout, [](const json& e) { return e["height"] == kHeight - 100; });
        wait_window(
            c, app->pid(), [](const json& w) { return w["y"] == 100 && w["height"] == kHeight - 100; },
            "placed below the 100 px zone");

        bar->send_line("exclusive 0");
        bar->expect("applied");
        wait_work_area(c, 0, 0, kWidth, kHeight);
        app->expect("configure", kTimeout, [](const json& e) { return e["height"] == kHeight; });
    }
    SUBCASE("the zone goes away with the layer client") {
        bar->send_line("quit");
        REQUIRE(bar->wait_exit(kTimeout));
        wait_work_area(c, 0, 0, kWidth, kHeight);
        app->expect("configure", kTimeout, [](const json& e) { return e["height"] == kHeight; });
        CHECK(wait_until([&] { return c.layers().empty(); }));
    }
}

TEST_CASE("focus brings a window to the front and close closes it") {
    Compositor c;
    auto first = start_app(c, {"--app-id", "org.cirrus.test.first", "--color", "ff0000"});
    wait_window(
        c, first->pid(), [](const json& w) { return w.value("focused", false); }, "focused");
    auto second = start_app(c, {"--app-id", "org.cirrus.test.second", "--color", "0000ff"});

    // The newest window is in front, focused, and the only one visible.
    wait_window(
        c, second->pid(), [](const json& w) { return w.value("focused", false) && w.value("visible", false); },
        "focused and visible");
    json w1 = wait_window(
        c, first->pid(), [](const json& w) { return !w.value("visible", true); }, "hidden");
    CHECK(w1["focused"] == false);
    {
        json list = c.windows();
        REQUIRE(list.size() == 2);
        CHECK(list[1]["pid"] == second->pid());  // bottom to top
    }

    int first_id = w1["id"].get<int>();
    json r = c.request({{"cmd", "focus"}, {"id", first_id}});
    REQUIRE_MESSAGE(r["ok"] == true, r.dump());
    wait_window(
        c, first->pid(), [](const json& w) { return w.value("focused", false) && w.value("visible", false); },
        "focused and visible after focus");
    wait_window(
        c, second->pid(), [](const json& w) { return !w.value("focused", true) && !w.value("visible", true); },
        "unfocused and hidden after focusing the first");
    first->expect("configure", kTimeout, [](const json& e) { return has_state(e, "activated"); });
    {
        json list = c.windows();
        REQUIRE(list.size() == 2);
        CHECK(list[1]["pid"] == first->pid());
    }

    r = c.request({{"cmd", "close"}, {"id", first_id}});
    REQUIRE_MESSAGE(r["ok"] == true, r.dump());
    first->expect("close");
    auto status = first->wait_exit(kTimeout);
    REQUIRE(status);
    CHECK(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) == 0);
    wait_no_window(c, first->pid());
    // The remaining window takes focus back.
    wait_window(
        c, second->pid(), [](const json& w) { return w.value("focused", false) && w.value("visible", false); },
        "focused after the first closed");

    SUBCASE("unknown ids are errors") {
        CHECK(c.request({{"cmd", "focus"}, {"id", 9999}})["ok"] == false);
        CHECK(c.request({{"cmd", "close"}, {"id", first_id}})["ok"] == false);
    }
}

TEST_CASE("a dialog is centred over its parent and focused") {
    Compositor c;
    auto app = c.client(test_client_argv({"--dialog", "200x100", "--app-id", "org.cirrus.test.dialog"}));
    app->expect("mapped", kTimeout, [](const json& e) { return e["surface"] == "main"; });
    app->expect("mapped", kTimeout, [](const json& e) { return e["surface"] == "dialog"; });

    json parent, dialog;
    bool ok = wait_until([&] {
        json list = c.windows();
        parent = dialog = nullptr;
        for (auto& w : list) {
            if (w.value("pid", -1) != app->pid()) continue;
            if (w["parent"].is_null()) parent = w;
            else dialog = w;
        }
        return !parent.is_null() && !dialog.is_null() && dialog.value("focused", false) && dialog["width"] == 200;
    });
    REQUIRE_MESSAGE(ok, "windows: " << c.windows().dump());
    CHECK(dialog["parent"] == parent["id"]);
    CHECK(dialog["width"] == 200);
    CHECK(dialog["height"] == 100);
    int px = parent["x"], py = parent["y"], pw = parent["width"], ph = parent["height"];
    int cx = px + (pw - 200) / 2, cy = py + (ph - 100) / 2;
    CHECK(std::abs(dialog["x"].get<int>() - cx) <= 1);
    CHECK(std::abs(dialog["y"].get<int>() - cy) <= 1);
    CHECK(dialog["visible"] == true);
    CHECK(parent["focused"] == false);
    app->expect("configure", kTimeout,
                [](const json& e) { return e["surface"] == "dialog" && has_state(e, "activated"); });
    bool has_keyboard = false;
    for (auto& e : app->events())
        if (e.value("event", "") == "seat" && e.value("keyboard", false)) has_keyboard = true;
    if (has_keyboard) app->expect("keyboard_enter", kTimeout, [](const json& e) { return e["surface"] == "dialog"; });
}
