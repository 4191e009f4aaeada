#include "ClientTlsContext.h"

namespace Canto::Bench {

ClientTlsContext::ClientTlsContext() : m_context(SSL_CTX_new(TLS_client_method()))
{
    if (!m_context)
        return;
    SSL_CTX_set_min_proto_version(m_context, TLS1_2_VERSION);
    SSL_CTX_set_verify(m_context, SSL_VERIFY_NONE, nullptr);
    SSL_CTX_set_session_cache_mode(m_context, SSL_SESS_CACHE_OFF);
}

ClientTlsContext::~ClientTlsContext()
{
    if (m_context)
        SSL_CTX_free(m_context);
}

} // namespace Canto::Bench
