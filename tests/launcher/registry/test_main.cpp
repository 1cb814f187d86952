// The one translation unit that holds doctest's runner and main().
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

// fontconfig (under cairo's toy text API, which fallback icons use) keeps
// pattern caches it never frees; LeakSanitizer would report them on exit.
// Only system-library leaks are listed here, never ours. (Used only in
// sanitizer builds; an ordinary build ignores the function.)
extern "C" const char* __lsan_default_suppressions()
{
    return "leak:libfontconfig.so\n";
}
