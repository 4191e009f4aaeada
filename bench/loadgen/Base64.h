#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace Canto::Bench {

// Standard base64 (RFC 4648 section 4) over OpenSSL's EVP block coder, for SASL payloads.
class Base64
{
public:
    static std::string encode(std::string_view bytes);
    // std::nullopt if the text is not valid padded base64.
    static std::optional<std::string> decode(std::string_view text);
};

} // namespace Canto::Bench
