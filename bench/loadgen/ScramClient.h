#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace Canto::Bench {

class ScramKeyCache;

// Client side of SASL SCRAM-SHA-1 / SCRAM-SHA-256 (RFC 5802, RFC 7677) and their -PLUS variants
// with the tls-exporter channel binding (RFC 9266; set it with setChannelBinding before
// clientFirst). Messages are raw (not base64); the caller does the SASL framing.
// Usage: clientFirst() -> clientFinal(serverFirst) -> verifyServerFinal(serverFinal).
class ScramClient
{
public:
    // mechanism: "SCRAM-SHA-1", "SCRAM-SHA-256" or one of them with "-PLUS". cache may be null.
    ScramClient(std::string_view mechanism, std::string user, std::string password, ScramKeyCache* cache);

    bool isSupported() const { return m_digestName != nullptr; }
    std::string clientFirst();
    // Returns the client-final message, or std::nullopt with error() set.
    std::optional<std::string> clientFinal(std::string_view serverFirst);
    // Checks the server signature (v=) of the server-final message (the <success/> payload).
    bool verifyServerFinal(std::string_view serverFinal);
    const std::string& error() const { return m_error; }

    bool isPlus() const { return m_plus; }
    // Channel binding for -PLUS: its type name and the data (e.g. the tls-exporter value).
    void setChannelBinding(std::string type, std::string data)
    {
        m_bindingType = std::move(type);
        m_bindingData = std::move(data);
    }

    // Fixed nonce for deterministic tests (normally random).
    void setClientNonce(std::string nonce) { m_clientNonce = std::move(nonce); }

private:
    std::string hmac(std::string_view key, std::string_view data) const;
    std::string hash(std::string_view data) const;
    std::string saltedPassword(const std::string& salt, int iterations);

    const char* m_digestName = nullptr;
    std::string m_mechanism;
    std::string m_user;
    std::string m_password;
    ScramKeyCache* m_cache;
    std::string m_clientNonce;
    std::string m_clientFirstBare;
    std::string m_serverSignature;
    std::string m_error;
    bool m_plus = false;
    std::string m_bindingType;
    std::string m_bindingData;
    std::string m_gs2Header = "n,,";
};

} // namespace Canto::Bench
