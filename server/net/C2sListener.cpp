#include "server/net/C2sListener.h"

#include "server/net/ClientConnection.h"
#include "server/net/StreamSocket.h"

#include <QLoggingCategory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

Q_DECLARE_LOGGING_CATEGORY(lcC2s)

namespace Canto {

C2sListener::C2sListener(ServerContext& context, CertificateStore& certificates,
                         const ClientConnectionSettings& settings, int maxConnections, QObject* parent)
    : QTcpServer(parent), m_context(context), m_certificates(certificates), m_settings(settings),
      m_maxConnections(maxConnections)
{
    if (!m_settings.internPool) {
        m_settings.internPool = std::make_shared<StreamParser::InternPool>();
    }
}

void C2sListener::incomingConnection(qintptr socketDescriptor)
{
    if (m_connections >= m_maxConnections) {
        qCWarning(lcC2s) << "Refusing a connection: the limit of" << m_maxConnections << "connections is reached";
        ::close(int(socketDescriptor));
        return;
    }
    const int noDelay = 1;
    ::setsockopt(int(socketDescriptor), IPPROTO_TCP, TCP_NODELAY, &noDelay, sizeof noDelay);
    ++m_connections;
    auto* socket = new StreamSocket(socketDescriptor);
    auto* connection = new ClientConnection(m_context, m_certificates, socket, m_settings, this);
    connect(connection, &ClientConnection::closed, this, [this] { --m_connections; });
}

} // namespace Canto
