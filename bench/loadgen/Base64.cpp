#include "Base64.h"

#include <openssl/evp.h>

namespace Canto::Bench {

std::string Base64::encode(std::string_view bytes)
{
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int written =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<size_t>(written));
    return out;
}

std::optional<std::string> Base64::decode(std::string_view text)
{
    if (text.size() % 4 != 0)
        return std::nullopt;
    if (text.empty())
        return std::string();
    std::string out(text.size() / 4 * 3, '\0');
    const int written =
        EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (written < 0)
        return std::nullopt;
    // EVP_DecodeBlock counts padding as zero bytes; drop them.
    size_t padding = 0;
    if (text.back() == '=')
        ++padding;
    if (text.size() >= 2 && text[text.size() - 2] == '=')
        ++padding;
    out.resize(static_cast<size_t>(written) - padding);
    return out;
}

} // namespace Canto::Bench
