// The one translation unit that holds doctest's runner and main().
// (Sanitizer builds read their leak suppressions from tests/lsan.supp.)
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
