// `cirrus account`: the user's own cloud account (common/account.hpp), added
// only once the server has been checked, listed without its secret, tested
// again, removed.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace cirrus::launcher {

// A bad command line: the CLI prints it with the usage and exits 2.
struct AccountUsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// `args` follow "account". Returns the exit status (0 fine, 1 the server or
// the file said no, with the reason on stderr).
int run_account(const std::vector<std::string>& args);

inline constexpr const char* kAccountUsage =
    R"(  account                list the account: its server, user and where the
                         secret is kept (never the secret itself)
  account add URL [--user NAME] [--contacts URL]
              (--password-stdin | --token-file FILE)
                         sign in to your own WebDAV server (Nextcloud:
                         https://HOST/remote.php/dav/files/NAME/): checked at
                         once, then stored for this user only (0600); the
                         password is one line on stdin, or an app token in
                         FILE; --contacts names a CardDAV address-book home
  account test           check the stored account against its server again
  account remove         forget the account and its secret (nothing on the
                         server or the phone is deleted)
)";

}  // namespace cirrus::launcher
