#pragma once

#include <string>

#include <openssl/ssl.h>

namespace Canto::Bench {

// The SSL_CTX shared by all benchmark connections: TLS 1.2+, no certificate verification (test
// servers use self-signed certificates) and no session cache, so every login pays a full
// handshake as a fresh client would.
class ClientTlsContext
{
public:
    ClientTlsContext();
    ~ClientTlsContext();
    ClientTlsContext(const ClientTlsContext&) = delete;
    ClientTlsContext& operator=(const ClientTlsContext&) = delete;

    SSL_CTX* get() const { return m_context; }
    bool isValid() const { return m_context != nullptr; }

private:
    SSL_CTX* m_context = nullptr;
};

} // namespace Canto::Bench
