// doctest main of the shell's integration tests. Children started by the
// harness die with this process (PR_SET_PDEATHSIG), so an aborted run leaks
// nothing.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
