#include "server/net/C2sListener.h"

#include "server/net/ClientConnection.h"

#include <QLoggingCategory>
#include <QSslSocket>

Q_DECLARE_LOGGING_CATEGORY(lcC2s)

namespace Canto {

C2sListener::C2sListener(ServerContext& context, CertificateStore& certificates,
                         const ClientConnectionSettings& settings, int maxConnections, QObject* parent)
    : QTcpServer(parent), m_context(context), m_certificates(certificates), m_settings(settings),
      m_maxConnections(maxConnections)
{
}

void C2sListener::incomingConnection(qintptr socketDescriptor)
{
    auto* socket = new QSslSocket;
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    if (m_connections >= m_maxConnections) {
        qCWarning(lcC2s) << "Refusing connection from" << socket->peerAddress().toString() << "- limit of"
                         << m_maxConnections << "connections reached";
        socket->abort();
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    ++m_connections;
    auto* connection = new ClientConnection(m_context, m_certificates, socket, m_settings, this);
    connect(connection, &ClientConnection::closed, this, [this] { --m_connections; });
}

} // namespace Canto
