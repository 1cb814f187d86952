#include "css_colour.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

#include "strings.hpp"

namespace cirrus::launcher {
namespace {

struct NamedColour {
    std::string_view name;
    std::uint32_t rgb;
};

// CSS Color 4's named colours (the X11 set with the web's own gray, green,
// maroon and purple).
constexpr std::array<NamedColour, 148> kNamedColours = {{
    {"aliceblue", 0xf0f8ff},
    {"antiquewhite", 0xfaebd7},
    {"aqua", 0x00ffff},
    {"aquamarine", 0x7fffd4},
    {"azure", 0xf0ffff},
    {"beige", 0xf5f5dc},
    {"bisque", 0xffe4c4},
    {"black", 0x000000},
    {"blanchedalmond", 0xffebcd},
    {"blue", 0x0000ff},
    {"blueviolet", 0x8a2be2},
    {"brown", 0xa52a2a},
    {"burlywood", 0xdeb887},
    {"cadetblue", 0x5f9ea0},
    {"chartreuse", 0x7fff00},
    {"chocolate", 0xd2691e},
    {"coral", 0xff7f50},
    {"cornflowerblue", 0x6495ed},
    {"cornsilk", 0xfff8dc},
    {"crimson", 0xdc143c},
    {"cyan", 0x00ffff},
    {"darkblue", 0x00008b},
    {"darkcyan", 0x008b8b},
    {"darkgoldenrod", 0xb8860b},
    {"darkgray", 0xa9a9a9},
    {"darkgreen", 0x006400},
    {"darkgrey", 0xa9a9a9},
    {"darkkhaki", 0xbdb76b},
    {"darkmagenta", 0x8b008b},
    {"darkolivegreen", 0x556b2f},
    {"darkorange", 0xff8c00},
    {"darkorchid", 0x9932cc},
    {"darkred", 0x8b0000},
    {"darksalmon", 0xe9967a},
    {"darkseagreen", 0x8fbc8f},
    {"darkslateblue", 0x483d8b},
    {"darkslategray", 0x2f4f4f},
    {"darkslategrey", 0x2f4f4f},
    {"darkturquoise", 0x00ced1},
    {"darkviolet", 0x9400d3},
    {"deeppink", 0xff1493},
    {"deepskyblue", 0x00bfff},
    {"dimgray", 0x696969},
    {"dimgrey", 0x696969},
    {"dodgerblue", 0x1e90ff},
    {"firebrick", 0xb22222},
    {"floralwhite", 0xfffaf0},
    {"forestgreen", 0x228b22},
    {"fuchsia", 0xff00ff},
    {"gainsboro", 0xdcdcdc},
    {"ghostwhite", 0xf8f8ff},
    {"gold", 0xffd700},
    {"goldenrod", 0xdaa520},
    {"gray", 0x808080},
    {"green", 0x008000},
    {"greenyellow", 0xadff2f},
    {"grey", 0x808080},
    {"honeydew", 0xf0fff0},
    {"hotpink", 0xff69b4},
    {"indianred", 0xcd5c5c},
    {"indigo", 0x4b0082},
    {"ivory", 0xfffff0},
    {"khaki", 0xf0e68c},
    {"lavender", 0xe6e6fa},
    {"lavenderblush", 0xfff0f5},
    {"lawngreen", 0x7cfc00},
    {"lemonchiffon", 0xfffacd},
    {"lightblue", 0xadd8e6},
    {"lightcoral", 0xf08080},
    {"lightcyan", 0xe0ffff},
    {"lightgoldenrodyellow", 0xfafad2},
    {"lightgray", 0xd3d3d3},
    {"lightgreen", 0x90ee90},
    {"lightgrey", 0xd3d3d3},
    {"lightpink", 0xffb6c1},
    {"lightsalmon", 0xffa07a},
    {"lightseagreen", 0x20b2aa},
    {"lightskyblue", 0x87cefa},
    {"lightslategray", 0x778899},
    {"lightslategrey", 0x778899},
    {"lightsteelblue", 0xb0c4de},
    {"lightyellow", 0xffffe0},
    {"lime", 0x00ff00},
    {"limegreen", 0x32cd32},
    {"linen", 0xfaf0e6},
    {"magenta", 0xff00ff},
    {"maroon", 0x800000},
    {"mediumaquamarine", 0x66cdaa},
    {"mediumblue", 0x0000cd},
    {"mediumorchid", 0xba55d3},
    {"mediumpurple", 0x9370db},
    {"mediumseagreen", 0x3cb371},
    {"mediumslateblue", 0x7b68ee},
    {"mediumspringgreen", 0x00fa9a},
    {"mediumturquoise", 0x48d1cc},
    {"mediumvioletred", 0xc71585},
    {"midnightblue", 0x191970},
    {"mintcream", 0xf5fffa},
    {"mistyrose", 0xffe4e1},
    {"moccasin", 0xffe4b5},
    {"navajowhite", 0xffdead},
    {"navy", 0x000080},
    {"oldlace", 0xfdf5e6},
    {"olive", 0x808000},
    {"olivedrab", 0x6b8e23},
    {"orange", 0xffa500},
    {"orangered", 0xff4500},
    {"orchid", 0xda70d6},
    {"palegoldenrod", 0xeee8aa},
    {"palegreen", 0x98fb98},
    {"paleturquoise", 0xafeeee},
    {"palevioletred", 0xdb7093},
    {"papayawhip", 0xffefd5},
    {"peachpuff", 0xffdab9},
    {"peru", 0xcd853f},
    {"pink", 0xffc0cb},
    {"plum", 0xdda0dd},
    {"powderblue", 0xb0e0e6},
    {"purple", 0x800080},
    {"rebeccapurple", 0x663399},
    {"red", 0xff0000},
    {"rosybrown", 0xbc8f8f},
    {"royalblue", 0x4169e1},
    {"saddlebrown", 0x8b4513},
    {"salmon", 0xfa8072},
    {"sandybrown", 0xf4a460},
    {"seagreen", 0x2e8b57},
    {"seashell", 0xfff5ee},
    {"sienna", 0xa0522d},
    {"silver", 0xc0c0c0},
    {"skyblue", 0x87ceeb},
    {"slateblue", 0x6a5acd},
    {"slategray", 0x708090},
    {"slategrey", 0x708090},
    {"snow", 0xfffafa},
    {"springgreen", 0x00ff7f},
    {"steelblue", 0x4682b4},
    {"tan", 0xd2b48c},
    {"teal", 0x008080},
    {"thistle", 0xd8bfd8},
    {"tomato", 0xff6347},
    {"turquoise", 0x40e0d0},
    {"violet", 0xee82ee},
    {"wheat", 0xf5deb3},
    {"white", 0xffffff},
    {"whitesmoke", 0xf5f5f5},
    {"yellow", 0xffff00},
    {"yellowgreen", 0x9acd32},
}};

Rgba from_rgb24(std::uint32_t rgb) {
    return Rgba{static_cast<std::uint8_t>(rgb >> 16), static_cast<std::uint8_t>(rgb >> 8),
                static_cast<std::uint8_t>(rgb), 255};
}

std::optional<Rgba> parse_named(const std::string& name) {
    if (name == "transparent") return Rgba{0, 0, 0, 0};
    for (const auto& colour : kNamedColours) {
        if (colour.name == name) return from_rgb24(colour.rgb);
    }
    return std::nullopt;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// `digits` is lowercase, without the '#'.
std::optional<Rgba> parse_hex(std::string_view digits) {
    std::vector<int> values;
    for (char c : digits) {
        int value = hex_digit(c);
        if (value < 0) return std::nullopt;
        values.push_back(value);
    }
    auto byte_at = [&](std::size_t i) { return static_cast<std::uint8_t>(values[i] * 16 + values[i + 1]); };
    auto doubled = [&](std::size_t i) { return static_cast<std::uint8_t>(values[i] * 17); };
    switch (values.size()) {
    case 3:
        return Rgba{doubled(0), doubled(1), doubled(2), 255};
    case 4:
        return Rgba{doubled(0), doubled(1), doubled(2), doubled(3)};
    case 6:
        return Rgba{byte_at(0), byte_at(2), byte_at(4), 255};
    case 8:
        return Rgba{byte_at(0), byte_at(2), byte_at(4), byte_at(6)};
    default:
        return std::nullopt;
    }
}

// One argument of a colour function: a CSS number with an optional unit
// ("%", "deg", "turn", ...). `none` (CSS Color 4) reads as 0.
struct Component {
    double value = 0;
    std::string unit;
};

std::optional<Component> parse_component(std::string_view token) {
    if (token == "none") return Component{};
    // CSS numbers are decimal: an optional sign, digits and/or a fraction, an
    // optional exponent. from_chars also takes "inf", "nan" and no '+', so
    // check the start here and strip a '+' it would refuse.
    std::string_view number = token;
    if (number.starts_with('+')) number.remove_prefix(1);
    std::string_view unsigned_part = number.starts_with('-') ? number.substr(1) : number;
    if (unsigned_part.empty()) return std::nullopt;
    char first = unsigned_part.front();
    if (first != '.' && (first < '0' || first > '9')) return std::nullopt;
    Component component;
    auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), component.value);
    if (error != std::errc() || !std::isfinite(component.value)) return std::nullopt;
    component.unit = std::string(end, number.data() + number.size());
    return component;
}

// The arguments between the parentheses, in either syntax. Legacy syntax is
// "a, b, c[, alpha]"; modern is "a b c[ / alpha]".
struct Arguments {
    std::vector<Component> channels;
    std::optional<Component> alpha;
    bool legacy = false;
};

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> pieces;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == separator) {
            pieces.push_back(trim(text.substr(start, i - start)));
            start = i + 1;
        }
    }
    return pieces;
}

std::optional<Arguments> parse_legacy_arguments(std::string_view inside) {
    Arguments arguments;
    arguments.legacy = true;
    auto pieces = split(inside, ',');
    if (pieces.size() != 3 && pieces.size() != 4) return std::nullopt;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        auto component = parse_component(pieces[i]);
        // `none` exists only in the modern syntax.
        if (!component || pieces[i] == "none") return std::nullopt;
        if (i < 3) arguments.channels.push_back(*component);
        else arguments.alpha = component;
    }
    return arguments;
}

std::optional<Arguments> parse_modern_arguments(std::string_view inside) {
    Arguments arguments;
    auto halves = split(inside, '/');
    if (halves.size() > 2) return std::nullopt;
    for (auto token : split_on_ascii_whitespace(halves[0])) {
        auto component = parse_component(token);
        if (!component) return std::nullopt;
        arguments.channels.push_back(*component);
    }
    if (arguments.channels.size() != 3) return std::nullopt;
    if (halves.size() == 2) {
        auto alpha_tokens = split_on_ascii_whitespace(halves[1]);
        if (alpha_tokens.size() != 1) return std::nullopt;
        arguments.alpha = parse_component(alpha_tokens[0]);
        if (!arguments.alpha) return std::nullopt;
    }
    return arguments;
}

std::optional<Arguments> parse_arguments(std::string_view inside) {
    if (inside.find(',') != std::string_view::npos) return parse_legacy_arguments(inside);
    return parse_modern_arguments(inside);
}

std::uint8_t to_byte(double unit_value) {
    return static_cast<std::uint8_t>(std::lround(std::clamp(unit_value, 0.0, 1.0) * 255.0));
}

// Alpha is a number in 0..1 or a percentage; absent means opaque.
std::optional<std::uint8_t> alpha_byte(const std::optional<Component>& alpha) {
    if (!alpha) return 255;
    if (alpha->unit == "%") return to_byte(alpha->value / 100.0);
    if (alpha->unit.empty()) return to_byte(alpha->value);
    return std::nullopt;
}

std::optional<Rgba> rgb_from(const Arguments& arguments) {
    Rgba colour;
    std::array<std::uint8_t*, 3> channels = {&colour.r, &colour.g, &colour.b};
    for (std::size_t i = 0; i < 3; ++i) {
        const auto& component = arguments.channels[i];
        if (component.unit == "%") *channels[i] = to_byte(component.value / 100.0);
        else if (component.unit.empty()) *channels[i] = to_byte(component.value / 255.0);
        else return std::nullopt;
    }
    // The comma syntax wants all three channels as numbers or all as percentages.
    if (arguments.legacy) {
        bool first_is_percent = arguments.channels[0].unit == "%";
        for (const auto& component : arguments.channels) {
            if ((component.unit == "%") != first_is_percent) return std::nullopt;
        }
    }
    auto alpha = alpha_byte(arguments.alpha);
    if (!alpha) return std::nullopt;
    colour.a = *alpha;
    return colour;
}

std::optional<double> hue_degrees(const Component& hue) {
    constexpr double kPi = 3.14159265358979323846;
    if (hue.unit.empty() || hue.unit == "deg") return hue.value;
    if (hue.unit == "rad") return hue.value * 180.0 / kPi;
    if (hue.unit == "grad") return hue.value * 0.9;
    if (hue.unit == "turn") return hue.value * 360.0;
    return std::nullopt;
}

// Saturation and lightness: percentages; the modern syntax also takes plain
// numbers meaning the same (CSS Color 4).
std::optional<double> hsl_fraction(const Component& component, bool legacy) {
    if (component.unit == "%" || (!legacy && component.unit.empty())) {
        return std::clamp(component.value / 100.0, 0.0, 1.0);
    }
    return std::nullopt;
}

// CSS Color 4, "Converting HSL colours to sRGB".
double hsl_channel(int n, double hue, double saturation, double lightness) {
    double k = std::fmod(n + hue / 30.0, 12.0);
    double a = saturation * std::min(lightness, 1.0 - lightness);
    return lightness - a * std::max(-1.0, std::min({k - 3.0, 9.0 - k, 1.0}));
}

std::optional<Rgba> hsl_from(const Arguments& arguments) {
    auto hue = hue_degrees(arguments.channels[0]);
    auto saturation = hsl_fraction(arguments.channels[1], arguments.legacy);
    auto lightness = hsl_fraction(arguments.channels[2], arguments.legacy);
    auto alpha = alpha_byte(arguments.alpha);
    if (!hue || !saturation || !lightness || !alpha) return std::nullopt;
    double normal_hue = std::fmod(*hue, 360.0);
    if (normal_hue < 0) normal_hue += 360.0;
    return Rgba{to_byte(hsl_channel(0, normal_hue, *saturation, *lightness)),
                to_byte(hsl_channel(8, normal_hue, *saturation, *lightness)),
                to_byte(hsl_channel(4, normal_hue, *saturation, *lightness)), *alpha};
}

std::optional<Rgba> parse_function(const std::string& text) {
    auto open = text.find('(');
    if (open == std::string::npos || !text.ends_with(')')) return std::nullopt;
    std::string name = text.substr(0, open);
    auto arguments = parse_arguments(std::string_view(text).substr(open + 1, text.size() - open - 2));
    if (!arguments) return std::nullopt;
    if (name == "rgb" || name == "rgba") return rgb_from(*arguments);
    if (name == "hsl" || name == "hsla") return hsl_from(*arguments);
    return std::nullopt;
}

}  // namespace

std::optional<Rgba> parse_css_colour(std::string_view text) {
    std::string lowered = lowercase(trim(text));
    if (lowered.empty()) return std::nullopt;
    if (lowered.front() == '#') return parse_hex(std::string_view(lowered).substr(1));
    if (lowered.find('(') != std::string::npos) return parse_function(lowered);
    return parse_named(lowered);
}

std::string to_hex(Rgba colour) {
    char text[10];
    if (colour.a == 255) {
        std::snprintf(text, sizeof text, "#%02x%02x%02x", colour.r, colour.g, colour.b);
    } else {
        std::snprintf(text, sizeof text, "#%02x%02x%02x%02x", colour.r, colour.g, colour.b, colour.a);
    }
    return text;
}

namespace {

double linear_channel(double channel) {
    return channel <= 0.04045 ? channel / 12.92 : std::pow((channel + 0.055) / 1.055, 2.4);
}

}  // namespace

double relative_luminance(double r, double g, double b) {
    return 0.2126 * linear_channel(r) + 0.7152 * linear_channel(g) + 0.0722 * linear_channel(b);
}

double relative_luminance(Rgba colour) {
    return relative_luminance(colour.r / 255.0, colour.g / 255.0, colour.b / 255.0);
}

double contrast_ratio(double luminance_a, double luminance_b) {
    const double lighter = std::max(luminance_a, luminance_b);
    const double darker = std::min(luminance_a, luminance_b);
    return (lighter + 0.05) / (darker + 0.05);
}

bool black_reads_better_on(double luminance) { return contrast_ratio(luminance, 0.0) > contrast_ratio(luminance, 1.0); }

}  // namespace cirrus::launcher
