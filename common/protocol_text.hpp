// What every string crossing a Wayland protocol is bounded to, and the one
// rule that bounds it (docs/ARCHITECTURE.md, "Trust").
//
// libwayland refuses a message over 4096 bytes by cutting the connection of
// the side that sent it (a compositor cuts its client; a client dies). A
// page's notification, a manifest's name turned into a window title or a URL
// a stranger chose can each be longer than that, and the shell they are
// forwarded to must never be the one that dies. So text from outside is
// bounded where it enters (the host, before it asks the compositor; the
// compositor, for everything a client sends), to sizes that keep every
// event of cirrus_shell_v1 and cirrus_app_v1 well under the limit with all
// its strings at their maximum.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cirrus::protocol_text {

// Window titles and app names (a name the shell shows on one line).
inline constexpr std::size_t kMaxTitleBytes = 256;
// A notification's title and body, as the banner and lock screen show them.
inline constexpr std::size_t kMaxNotificationTitleBytes = 256;
inline constexpr std::size_t kMaxNotificationBodyBytes = 1024;
// Why a launch failed, shown in the shell.
inline constexpr std::size_t kMaxReasonBytes = 512;
// URLs are refused, not cut, past this: a cut URL names another page.
inline constexpr std::size_t kMaxUrlBytes = 2048;

// `text` as valid UTF-8 of at most `max_bytes` bytes: a byte that does not
// start or continue a well-formed UTF-8 sequence becomes U+FFFD, a C0
// control character (tab and newline included) or DEL becomes a space, and
// text over the bound is cut at a character boundary and ends with "…"
// (U+2026). `max_bytes` below 3 leaves no room for the ellipsis: then the
// text is cut without one.
std::string bounded(std::string_view text, std::size_t max_bytes);

// Whether `text` needs no change by bounded().
bool is_bounded(std::string_view text, std::size_t max_bytes);

// The character at text[at] if a well-formed UTF-8 sequence starts there
// (RFC 3629: no overlong form, no surrogate, nothing past U+10FFFF), with
// its length in bytes; length 0 if not. The one UTF-8 reader of the
// programs that show text a stranger chose (the CLI's terminal escaping too).
struct Utf8Char {
    char32_t code_point = 0;
    std::size_t length = 0;
};
Utf8Char decode_utf8(std::string_view text, std::size_t at);

}  // namespace cirrus::protocol_text
