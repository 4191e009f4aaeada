#include "ScramClient.h"

#include "Base64.h"
#include "ScramKeyCache.h"

#include <charconv>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace Canto::Bench {

namespace {

// RFC 5802 section 5.1: '=' and ',' in the user name are escaped.
std::string escapeName(std::string_view name)
{
    std::string out;
    for (const char c : name) {
        if (c == '=')
            out += "=3D";
        else if (c == ',')
            out += "=2C";
        else
            out.push_back(c);
    }
    return out;
}

// Value of attribute `key` in a comma-separated SCRAM message ("r=...,s=...,i=...").
std::optional<std::string_view> scramAttribute(std::string_view message, char key)
{
    size_t start = 0;
    while (start <= message.size()) {
        size_t end = message.find(',', start);
        if (end == std::string_view::npos)
            end = message.size();
        const std::string_view part = message.substr(start, end - start);
        if (part.size() >= 2 && part[0] == key && part[1] == '=')
            return part.substr(2);
        start = end + 1;
    }
    return std::nullopt;
}

std::string randomNonce()
{
    unsigned char bytes[18];
    RAND_bytes(bytes, sizeof bytes);
    static constexpr char Hex[] = "0123456789abcdef";
    std::string out;
    for (const unsigned char b : bytes) {
        out.push_back(Hex[b >> 4]);
        out.push_back(Hex[b & 15]);
    }
    return out;
}

} // namespace

ScramClient::ScramClient(std::string_view mechanism, std::string user, std::string password, ScramKeyCache* cache)
    : m_mechanism(mechanism), m_user(std::move(user)), m_password(std::move(password)), m_cache(cache)
{
    constexpr std::string_view plusSuffix = "-PLUS";
    if (mechanism.size() > plusSuffix.size() && mechanism.substr(mechanism.size() - plusSuffix.size()) == plusSuffix) {
        m_plus = true;
        mechanism.remove_suffix(plusSuffix.size());
    }
    if (mechanism == "SCRAM-SHA-1")
        m_digestName = "SHA1";
    else if (mechanism == "SCRAM-SHA-256")
        m_digestName = "SHA256";
}

std::string ScramClient::hmac(std::string_view key, std::string_view data) const
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_get_digestbyname(m_digestName), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &length);
    return std::string(reinterpret_cast<const char*>(out), length);
}

std::string ScramClient::hash(std::string_view data) const
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), out, &length, EVP_get_digestbyname(m_digestName), nullptr);
    return std::string(reinterpret_cast<const char*>(out), length);
}

std::string ScramClient::saltedPassword(const std::string& salt, int iterations)
{
    if (m_cache) {
        if (const std::string* cached = m_cache->find(m_mechanism, m_password, salt, iterations))
            return *cached;
    }
    const EVP_MD* digest = EVP_get_digestbyname(m_digestName);
    std::string out(static_cast<size_t>(EVP_MD_get_size(digest)), '\0');
    PKCS5_PBKDF2_HMAC(m_password.data(), static_cast<int>(m_password.size()),
                      reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()), iterations,
                      digest, static_cast<int>(out.size()), reinterpret_cast<unsigned char*>(out.data()));
    if (m_cache)
        m_cache->insert(m_mechanism, m_password, salt, iterations, out);
    return out;
}

std::string ScramClient::clientFirst()
{
    if (m_clientNonce.empty())
        m_clientNonce = randomNonce();
    m_clientFirstBare = "n=" + escapeName(m_user) + ",r=" + m_clientNonce;
    m_gs2Header = m_plus ? "p=" + m_bindingType + ",," : std::string("n,,");
    return m_gs2Header + m_clientFirstBare;
}

std::optional<std::string> ScramClient::clientFinal(std::string_view serverFirst)
{
    const auto nonce = scramAttribute(serverFirst, 'r');
    const auto saltText = scramAttribute(serverFirst, 's');
    const auto iterationText = scramAttribute(serverFirst, 'i');
    if (!nonce || !saltText || !iterationText) {
        m_error = "scram: malformed server-first";
        return std::nullopt;
    }
    if (nonce->substr(0, m_clientNonce.size()) != m_clientNonce) {
        m_error = "scram: server nonce does not extend ours";
        return std::nullopt;
    }
    int iterations = 0;
    const auto [ptr, ec] =
        std::from_chars(iterationText->data(), iterationText->data() + iterationText->size(), iterations);
    if (ec != std::errc() || iterations <= 0) {
        m_error = "scram: bad iteration count";
        return std::nullopt;
    }
    const auto salt = Base64::decode(*saltText);
    if (!salt) {
        m_error = "scram: bad salt";
        return std::nullopt;
    }
    const std::string salted = saltedPassword(*salt, iterations);
    const std::string clientKey = hmac(salted, "Client Key");
    const std::string storedKey = hash(clientKey);
    // c= carries the gs2 header, plus the binding data with -PLUS (biws = base64("n,,")).
    const std::string withoutProof =
        "c=" + Base64::encode(m_gs2Header + (m_plus ? m_bindingData : std::string())) + ",r=" + std::string(*nonce);
    const std::string authMessage = m_clientFirstBare + "," + std::string(serverFirst) + "," + withoutProof;
    const std::string clientSignature = hmac(storedKey, authMessage);
    std::string proof = clientKey;
    for (size_t i = 0; i < proof.size(); ++i)
        proof[i] = static_cast<char>(proof[i] ^ clientSignature[i]);
    m_serverSignature = hmac(hmac(salted, "Server Key"), authMessage);
    return withoutProof + ",p=" + Base64::encode(proof);
}

bool ScramClient::verifyServerFinal(std::string_view serverFinal)
{
    const auto verifier = scramAttribute(serverFinal, 'v');
    if (!verifier) {
        m_error = "scram: no server signature";
        return false;
    }
    const auto decoded = Base64::decode(*verifier);
    if (!decoded || *decoded != m_serverSignature) {
        m_error = "scram: server signature mismatch";
        return false;
    }
    return true;
}

} // namespace Canto::Bench
