#include "Json.h"

#include <cstdio>

namespace Canto::Bench {

std::string Json::string(const std::string& text)
{
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
            out += buffer;
        } else {
            out.push_back(c);
        }
    }
    return out + "\"";
}

std::string Json::number(double value)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.3f", value);
    return buffer;
}

std::string Json::counts(const std::map<std::string, size_t>& map)
{
    std::string out = "{";
    for (const auto& [key, count] : map) {
        if (out.size() > 1)
            out += ",";
        out += string(key) + ":" + std::to_string(count);
    }
    return out + "}";
}

} // namespace Canto::Bench
