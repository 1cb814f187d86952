// common/proc_stat: the one reader of /proc/PID/stat (the compositor's app
// lifecycle, the web-app host's network-process watch).
#include <doctest/doctest.h>

#include <unistd.h>

#include "common/proc_stat.hpp"

TEST_CASE("/proc/PID/stat: the name may hold spaces and parentheses; the parent follows the last ')'") {
    const auto stat = cirrus::parse_proc_stat("4242 (Web (Proc) x) S 17 4242 4242 0 -1");
    REQUIRE(stat);
    CHECK(stat->comm == "Web (Proc) x");
    CHECK(stat->ppid == 17);
    CHECK_FALSE(cirrus::parse_proc_stat("4242 no name S 17"));
    CHECK_FALSE(cirrus::parse_proc_stat("4242 (name)"));
    const auto self = cirrus::read_proc_stat(getpid());
    REQUIRE(self);
    CHECK(self->ppid == getppid());
    CHECK_FALSE(cirrus::read_proc_stat(-1));
}
