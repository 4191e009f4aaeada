#pragma once

#include <cstddef>
#include <map>
#include <string>

namespace Canto::Bench {

// The few JSON encoders the result lines need (no parser: canto-bench only writes JSON).
class Json
{
public:
    // A quoted, escaped string.
    static std::string string(const std::string& text);
    // A number with three decimals.
    static std::string number(double value);
    // An object of counts, e.g. failures by reason.
    static std::string counts(const std::map<std::string, size_t>& map);
};

} // namespace Canto::Bench
