// Which chunks a backup must send (issue 19 item 3), as plain C++: from the
// phone's index of chunks it has uploaded (backup_index.hpp) and, when that
// index does not know a chunk, the server's listing of Backup/chunks/.
//
// The index alone decides for a chunk it knows (no round trip for the
// hundreds of unchanged chunks of a backup). A chunk it does not know may
// still be on the server: sent by a backup killed before it could record
// it, or by this account's other phone, or the index was lost; so the first
// unknown chunk of a run lists the server once, and a chunk listed there with
// the size its sealed form must have is recorded, not sent. A listed chunk of
// another size (a PUT cut on a server that keeps partial files) goes again.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace cirrus::backup {

enum class ChunkAction {
    skip_known,   // the index has it
    skip_listed,  // the server's listing has it at the right size: record it
    upload,
    list_first,  // ask the server's listing, then decide again
};

// `listing`: nullopt until the server was listed this run.
ChunkAction plan_chunk(const std::string& id, std::uint64_t sealed_size, bool in_index,
                       const std::optional<std::map<std::string, std::uint64_t>>& listing);

}  // namespace cirrus::backup
