// See backup_plan.hpp.
#include "backup_plan.hpp"

namespace cirrus::backup {

ChunkAction plan_chunk(const std::string& id, std::uint64_t sealed_size, bool in_index,
                       const std::optional<std::map<std::string, std::uint64_t>>& listing) {
    if (in_index) return ChunkAction::skip_known;
    if (!listing) return ChunkAction::list_first;
    const auto found = listing->find(id);
    if (found != listing->end() && found->second == sealed_size) return ChunkAction::skip_listed;
    return ChunkAction::upload;
}

}  // namespace cirrus::backup
