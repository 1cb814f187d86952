// Where a photo's upload goes on, decided from what the server has (plain
// C++; the glue is photo_upload.cpp).
//
// A photo goes up as `.NAME.cirrus-part` in the Photos folder, one chunk per
// PUT (the first plain, the rest with Content-Range, which Apache mod_dav
// writes in place), then is renamed to NAME with MOVE (Overwrite: F): a
// half-sent photo never shows under its name, and a finished one is never
// overwritten. After a drop or a kill, the upload resumes at the part's size
// on the server (PROPFIND), not at the journal's last chunk: the server is
// what has the bytes (a chunk the journal had not yet recorded is not sent
// again, and a chunk the server lost is), so at most the chunk in flight is
// sent twice. A part longer than the photo (the photo changed, or another
// phone) is started afresh; a part exactly as long only needs its MOVE; a
// photo already under its name with its size is done, never sent again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::sync {

struct ResumePlan {
    enum class Action {
        upload_from,    // send from `offset` (0: a fresh upload, a plain PUT)
        restart,        // delete the part, then send from 0
        move_only,      // the part is complete: rename it
        already_there,  // the photo is on the server under its name: done
        name_taken,     // another file has the name: choose another (conflict_name)
    };
    Action action = Action::upload_from;
    std::uint64_t offset = 0;
};

// part_size / final_size: what PROPFIND said (nullopt: 404).
ResumePlan plan_resume(std::uint64_t file_size, std::optional<std::uint64_t> part_size,
                       std::optional<std::uint64_t> final_size);

// ".IMG_0001.jpg.cirrus-part"
std::string part_name(std::string_view name);
// "IMG_0001 (2).jpg" for n = 2: the name for the n-th photo of that name.
std::string conflict_name(std::string_view name, unsigned n);
// A file the picture folder's owner has finished with: not hidden, not a
// temporary or partial file a camera app is still writing.
bool is_upload_candidate(std::string_view file_name);

// The chunk after `offset` of a file of `size` bytes, at most `chunk` long.
inline std::uint64_t chunk_end(std::uint64_t offset, std::uint64_t size, std::uint64_t chunk) {
    return size - offset < chunk ? size : offset + chunk;
}

}  // namespace cirrus::sync
