// What a two-way sync of contacts or notes did, and the error mapping both
// share (carddav_sync, note_sync). Errors are photo_upload's UploadError:
// transient ones retry on their own, needs_user ones wait for the user, and
// neither touches what the phone holds.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/dav_client.hpp"
#include "photo_upload.hpp"

namespace cirrus::sync {

struct ItemSyncReport {
    std::size_t pulled = 0;              // server versions taken in (new or changed)
    std::size_t pushed = 0;              // phone versions sent up (new or changed)
    std::size_t deleted_here = 0;        // deleted on the phone because the server had
    std::size_t deleted_there = 0;       // deleted on the server because the phone had
    std::vector<std::string> conflicts;  // one line per item kept twice, for the user
    std::vector<std::string> events;     // one line per thing done
    bool delta = false;                  // the server sent only its changes (sync-collection)
    std::string summary() const;         // "2 in, 1 out, 0 deleted here, 1 deleted there, 1 conflict"
};

// Runs `work`, turning no answer, a broken answer and a failed local
// database into UploadError (with `what` saying what was being synced).
template <class Work>
auto with_sync_errors(const std::string& what, Work&& work) -> decltype(work()) {
    try {
        return work();
    } catch (const dav::UnreachableError& e) {
        throw UploadError(Outcome::transient_error, std::string("no answer from the server: ") + e.what() + "; " +
                                                        what + " sync again when it answers (nothing lost)");
    } catch (const UploadError&) {
        throw;
    } catch (const cirrus::launcher::SqliteError& e) {
        throw UploadError(Outcome::needs_user, "the phone's " + what + " database failed: " + std::string(e.what()));
    } catch (const std::runtime_error& e) {
        throw UploadError(Outcome::transient_error, what + ": " + e.what());
    }
}

}  // namespace cirrus::sync
