// Content-defined chunking for backups (issue 19 item 3): a file is cut where
// its bytes say, not at fixed offsets, so a change in one place moves the
// cuts only near it and every other chunk keeps its id (a 5 MB IndexedDB or
// LevelDB file changed in one page sends a few chunks, not the file).
//
// A gear rolling hash (FastCDC, Xia et al., USENIX ATC 2016): h = (h << 1) +
// G[byte], a cut where the top bits of h are zero, with "normalized
// chunking": a stricter mask before the average size and a looser one after,
// so sizes bunch around the average. Numbers, chosen for SQLite's and
// LevelDB's 4 KiB pages and the 64 KB goal for a small change:
//   min 2 KiB (no cut is looked for before: a page rewrite cannot make tiny
//   chunks), average 8 KiB (a changed page costs about two chunks, 16 KiB;
//   a 5 MB file is about 640 chunks, whose ids in the manifest are 21 KB),
//   max 32 KiB (a run of zeros, which never cuts, still does).
// Plain C++, no I/O: tests/sync/test_backup_parts.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace cirrus::backup {

struct ChunkerParams {
    std::size_t min_size = 2 * 1024;
    std::size_t average_size = 8 * 1024;  // a power of two
    std::size_t max_size = 32 * 1024;
};

// The length of the first chunk of `data` (all of it when it is shorter than
// the minimum); 0 only for empty data.
std::size_t next_chunk_length(std::span<const std::uint8_t> data, const ChunkerParams& params = {});

// The lengths of all chunks of `data`, in order; they sum to data.size().
std::vector<std::size_t> chunk_lengths(std::span<const std::uint8_t> data, const ChunkerParams& params = {});

}  // namespace cirrus::backup
