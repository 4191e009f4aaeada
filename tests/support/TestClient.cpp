#include "TestClient.h"

#include "TestServer.h"
#include "TestXml.h"
#include "server/core/Router.h"
#include "server/core/SessionManager.h"

#include <QUuid>

using namespace Qt::StringLiterals;

namespace Canto {

TestClient::TestClient(TestServer& server, const QString& username, const QString& host)
    : m_server(&server), m_session(
                             u"c2s_test_"_s + QUuid::createUuid().toString(QUuid::Id128).left(8), host,
                             [this](const XmlElement& stanza) { m_received << stanza; },
                             [this](const QString& condition, const QString&) {
                                 m_closed = true;
                                 m_closeCondition = condition;
                             })
{
    m_session.setUsername(username);
    m_session.setSecure(true);
}

TestClient::~TestClient()
{
    unbind();
}

Result<QString> TestClient::bind(const QString& resource)
{
    if (!m_server) {
        return Result<QString>::failure(u"internal-server-error"_s, u"The test server is gone"_s);
    }
    return m_server->sessions().bind(m_session, resource);
}

void TestClient::unbind()
{
    if (m_server && m_session.isBound()) {
        m_server->sessions().unbind(m_session);
    }
}

void TestClient::send(const QString& xml)
{
    for (const XmlElement& element : TestXml::parseAll(xml)) {
        send(element);
    }
}

void TestClient::send(const XmlElement& element)
{
    if (m_server) {
        if (m_session.isBound()) {
            m_session.filterIncoming(element); // as net/ClientConnection does after binding
        }
        m_server->router().processClientElement(m_session, element);
    }
}

void TestClient::sendAvailable(int priority)
{
    send(u"<presence><priority>%1</priority></presence>"_s.arg(priority));
}

QList<XmlElement> TestClient::takeReceived()
{
    return std::exchange(m_received, {});
}

} // namespace Canto
