// The sync service's policy (sync/sync_policy.hpp) without a clock or a
// network: what may run on which link and battery, the back-off, the status.
#include <doctest/doctest.h>

#include "sync_policy.hpp"

using namespace cirrus::sync;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

Conditions on(LinkQuality link, Battery battery = {}) { return Conditions{link, battery}; }

Battery on_battery(int percent) { return Battery{true, false, percent}; }

}  // namespace

TEST_CASE("the link names the compositor publishes are the ones the service reads") {
    for (const char* name : {"offline", "2g", "3g", "good"}) {
        const auto link = parse_link_quality(name);
        REQUIRE(link);
        CHECK(to_string(*link) == name);
    }
    CHECK_FALSE(parse_link_quality("5g"));
    CHECK_FALSE(parse_link_quality(""));
}

TEST_CASE("bulk only on a good link; urgent changes on 3g and 2g too; nothing offline") {
    CHECK(condition_hold(WorkKind::bulk, on(LinkQuality::good)) == Hold::none);
    CHECK(condition_hold(WorkKind::bulk, on(LinkQuality::three_g)) == Hold::link_too_weak);
    CHECK(condition_hold(WorkKind::bulk, on(LinkQuality::two_g)) == Hold::link_too_weak);
    CHECK(condition_hold(WorkKind::bulk, on(LinkQuality::offline)) == Hold::offline);
    CHECK(condition_hold(WorkKind::urgent, on(LinkQuality::good)) == Hold::none);
    CHECK(condition_hold(WorkKind::urgent, on(LinkQuality::three_g)) == Hold::none);
    CHECK(condition_hold(WorkKind::urgent, on(LinkQuality::two_g)) == Hold::none);
    CHECK(condition_hold(WorkKind::urgent, on(LinkQuality::offline)) == Hold::offline);
}

TEST_CASE("on battery, bulk waits below 30% unless charging; urgent changes never wait for the battery") {
    CHECK(condition_hold(WorkKind::bulk, on(LinkQuality::good, on_battery(29))) == Hold::battery_low);
    CHECK(condition_hold(WorkKind::bulk, on(LinkQuality::good, on_battery(30))) == Hold::none);
    CHECK(condition_hold(WorkKind::bulk, on(LinkQuality::good, Battery{true, true, 5})) == Hold::none);
    CHECK(condition_hold(WorkKind::bulk, on(LinkQuality::good, Battery{false, false, 0})) == Hold::none);
    CHECK(condition_hold(WorkKind::urgent, on(LinkQuality::two_g, on_battery(3))) == Hold::none);
}

TEST_CASE("back-off: 30 s, doubling, capped at an hour; a success resets it") {
    Backoff backoff;
    const SyncTime t0 = seconds(1000);
    backoff.failed(t0, false);
    CHECK(backoff.retry_at() == t0 + seconds(30));
    CHECK_FALSE(backoff.ready(t0 + seconds(29)));
    CHECK(backoff.ready(t0 + seconds(30)));
    backoff.failed(t0, false);
    CHECK(backoff.retry_at() == t0 + seconds(60));
    backoff.failed(t0, false);
    CHECK(backoff.retry_at() == t0 + seconds(120));
    for (int i = 0; i < 40; ++i) backoff.failed(t0, false);  // no overflow
    CHECK(backoff.retry_at() == t0 + hours(1));
    backoff.succeeded();
    CHECK(backoff.ready(t0));
    CHECK(backoff.failures() == 0);
}

TEST_CASE("an error only the user can fix waits the longest and is not forgiven by a better link") {
    Backoff backoff;
    backoff.failed(seconds(0), true);
    CHECK(backoff.retry_at() == hours(1));
    CHECK(backoff.needs_user());
    backoff.forgive_transient();
    CHECK_FALSE(backoff.ready(seconds(10)));
}

TEST_CASE("the scheduler: urgent first; bulk waits for a good link and says why") {
    Scheduler scheduler;
    scheduler.set_conditions(on(LinkQuality::three_g), seconds(0));
    scheduler.set_pending(WorkKind::bulk, true);
    CHECK_FALSE(scheduler.next(seconds(0)));
    CHECK(scheduler.status().hold == Hold::link_too_weak);
    CHECK(scheduler.status().held_kind == WorkKind::bulk);

    scheduler.set_pending(WorkKind::urgent, true);
    CHECK(scheduler.next(seconds(1)) == WorkKind::urgent);

    scheduler.set_conditions(on(LinkQuality::good), seconds(2));
    CHECK(scheduler.next(seconds(2)) == WorkKind::urgent);  // still first
    scheduler.started(WorkKind::urgent, "sending 1 contact");
    CHECK(scheduler.status().active);
    CHECK_FALSE(scheduler.next(seconds(2)));  // one piece of work at a time
    scheduler.finished(WorkKind::urgent, Outcome::done, "", seconds(3), 1'700'000'000);
    scheduler.set_pending(WorkKind::urgent, false);
    CHECK(scheduler.status().last_success == 1'700'000'000);
    CHECK(scheduler.next(seconds(3)) == WorkKind::bulk);
}

TEST_CASE("the scheduler: a failed bulk upload backs off, and a link that comes back forgives it") {
    Scheduler scheduler;
    scheduler.set_conditions(on(LinkQuality::good), seconds(0));
    scheduler.set_pending(WorkKind::bulk, true);
    REQUIRE(scheduler.next(seconds(0)) == WorkKind::bulk);
    scheduler.started(WorkKind::bulk, "uploading photos");
    scheduler.finished(WorkKind::bulk, Outcome::transient_error, "no answer", seconds(10), 0);
    CHECK(scheduler.status().hold == Hold::backing_off);
    CHECK(scheduler.status().last_error == "no answer");
    CHECK(scheduler.status().retry_at == seconds(40));
    CHECK(scheduler.wake_at() == seconds(40));
    CHECK_FALSE(scheduler.next(seconds(39)));
    CHECK(scheduler.next(seconds(40)) == WorkKind::bulk);

    scheduler.started(WorkKind::bulk, "uploading photos");
    scheduler.finished(WorkKind::bulk, Outcome::transient_error, "no answer", seconds(50), 0);
    CHECK(scheduler.status().retry_at == seconds(110));  // doubled
    // The link drops, then comes back good: try again at once.
    scheduler.set_conditions(on(LinkQuality::offline), seconds(60));
    CHECK(scheduler.status().hold == Hold::offline);
    scheduler.set_conditions(on(LinkQuality::good), seconds(70));
    CHECK(scheduler.next(seconds(70)) == WorkKind::bulk);
}

TEST_CASE("the scheduler: a full server holds bulk work for the user, with the message") {
    Scheduler scheduler;
    scheduler.set_conditions(on(LinkQuality::good), seconds(0));
    scheduler.set_pending(WorkKind::bulk, true);
    REQUIRE(scheduler.next(seconds(0)) == WorkKind::bulk);
    scheduler.started(WorkKind::bulk, "uploading photos");
    scheduler.finished(WorkKind::bulk, Outcome::needs_user, "the server is full (HTTP 507)", seconds(5), 0);
    CHECK(scheduler.status().hold == Hold::needs_user);
    CHECK(scheduler.status().last_error == "the server is full (HTTP 507)");
    CHECK_FALSE(scheduler.next(minutes(30)));
    CHECK(scheduler.next(seconds(5) + hours(1)) == WorkKind::bulk);
}

TEST_CASE("may_continue: a link that turns weak stops bulk work between chunks, not urgent work") {
    Scheduler scheduler;
    scheduler.set_conditions(on(LinkQuality::good), seconds(0));
    CHECK(scheduler.may_continue(WorkKind::bulk));
    scheduler.set_conditions(on(LinkQuality::three_g), seconds(1));
    CHECK_FALSE(scheduler.may_continue(WorkKind::bulk));
    CHECK(scheduler.may_continue(WorkKind::urgent));
}
