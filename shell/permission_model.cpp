#include "permission_model.hpp"

#include <algorithm>

#include "common/permission_names.hpp"

namespace cirrus::shell {

std::string permission_phrase(std::string_view permission) {
    namespace name = launcher::permission;
    if (permission == name::kGeolocation) return "use your location";
    if (permission == name::kNotifications) return "send notifications";
    if (permission == name::kCamera) return "use the camera";
    if (permission == name::kMicrophone) return "use the microphone";
    if (permission == name::kPersistentStorage) return "store data persistently";
    if (permission == name::kContacts) return "read and change your contacts";
    if (permission == name::kNotes) return "read and change your notes";
    return "use \u201c" + std::string(permission) + "\u201d";
}

std::string permission_sentence(std::string_view app_name, std::string_view permission) {
    return std::string(app_name) + " would like to " + permission_phrase(permission);
}

void PermissionQueue::push(PermissionQuestion question) { questions_.push_back(std::move(question)); }

std::vector<std::uint32_t> PermissionQueue::answer_front() {
    std::vector<std::uint32_t> ids;
    if (questions_.empty()) return ids;
    const PermissionQuestion first = std::move(questions_.front());
    questions_.pop_front();
    ids.push_back(first.request_id);
    for (auto it = questions_.begin(); it != questions_.end();) {
        if (it->app == first.app && it->permission == first.permission) {
            ids.push_back(it->request_id);
            it = questions_.erase(it);
        } else {
            ++it;
        }
    }
    return ids;
}

PromptGeometry compute_prompt_geometry(int width, int height) {
    PromptGeometry g;
    g.message_font_px = 17;
    g.button_font_px = 17;
    g.message_lines = 3;
    constexpr int padding = 20;
    constexpr int button_height = 48;
    const int line_height = g.message_font_px * 3 / 2;
    const int dialog_width = std::clamp(width - 48, 200, 320);
    const int message_height = g.message_lines * line_height;
    const int dialog_height = padding + message_height + padding + button_height;
    g.dialog = {(width - dialog_width) / 2, (height - dialog_height) / 2, dialog_width, dialog_height};
    g.message = {g.dialog.x + padding, g.dialog.y + padding, dialog_width - 2 * padding, message_height};
    const int buttons_y = g.dialog.y + dialog_height - button_height;
    const int half = dialog_width / 2;
    g.deny = {g.dialog.x, buttons_y, half, button_height};
    g.allow = {g.dialog.x + half, buttons_y, dialog_width - half, button_height};
    return g;
}

}  // namespace cirrus::shell
