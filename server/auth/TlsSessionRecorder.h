#pragma once

#include "server/auth/TlsSession.h"
#include "shared/Result.h"

#include <vector>

class QSslSocket;

namespace Canto {

/// Finds the SSL* of connections accepted by a QSslServer, where TlsSession::capture() cannot be
/// wrapped around the handshake start: Qt 6.4's QSslServer accepts the TCP connection, waits for
/// the first byte, checks it is a TLS ClientHello, and only then calls startServerEncryption() from
/// its readyRead slot, immediately followed by emitting startedEncryptionHandshake(socket).
/// While a recorder lives it records the SSL objects created on its thread; takeFor(), called from
/// a direct connection to QSslServer::startedEncryptionHandshake, takes the most recent one and
/// checks that it belongs to `socket` (a server-side session whose certificate is the socket's
/// local certificate). Lives on one thread; keeps at most a few unclaimed entries.
class TlsSessionRecorder
{
public:
    TlsSessionRecorder();
    ~TlsSessionRecorder();
    TlsSessionRecorder(const TlsSessionRecorder&) = delete;
    TlsSessionRecorder& operator=(const TlsSessionRecorder&) = delete;

    Result<TlsSession> takeFor(const QSslSocket& socket);

private:
    std::vector<SSL*> m_created;
};

} // namespace Canto
