#pragma once

#include "server/net/ClientConnectionSettings.h"

#include <QTcpServer>

namespace Canto {

class CertificateStore;
struct ServerContext;

/// Accepts client connections on one address and port (plain + STARTTLS, or direct TLS) and
/// hands each socket to a new ClientConnection. Refuses connections beyond `maxConnections`.
class C2sListener : public QTcpServer
{
    Q_OBJECT

public:
    C2sListener(ServerContext& context, CertificateStore& certificates, const ClientConnectionSettings& settings,
                int maxConnections, QObject* parent = nullptr);

    int connectionCount() const { return m_connections; }
    bool isDirectTls() const { return m_settings.directTls; }

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    ServerContext& m_context;
    CertificateStore& m_certificates;
    ClientConnectionSettings m_settings;
    int m_maxConnections;
    int m_connections = 0;
};

} // namespace Canto
