#pragma once

#include "server/core/ClientSession.h"
#include "server/xmpp/XmlElement.h"
#include "shared/Result.h"

#include <QList>
#include <QPointer>
#include <QString>

namespace Canto {

class TestServer;

/// A client of a TestServer without a network: a real ClientSession whose writer captures
/// every stanza sent to it and whose closer records the stream error. Authenticated as
/// username@host; bind() goes through SessionManager::bind. send() parses XML text as a client
/// stream would deliver it and hands it to Router::processClientElement. Unbinds itself on
/// destruction. Not copyable or movable (the session's writer points at it).
class TestClient
{
public:
    TestClient(TestServer& server, const QString& username, const QString& host);
    ~TestClient();
    TestClient(const TestClient&) = delete;
    TestClient& operator=(const TestClient&) = delete;

    Result<QString> bind(const QString& resource);
    /// SessionManager::unbind (as when the connection closes).
    void unbind();

    ClientSession& session() { return m_session; }
    QString fullJid() const { return m_session.fullJid(); }
    QString bareJid() const { return m_session.bareJid(); }

    /// Parses `xml` (one or more stanzas, jabber:client) and processes each like a client stream.
    void send(const QString& xml);
    void send(const XmlElement& element);
    /// Sends an available presence with the given priority.
    void sendAvailable(int priority = 0);

    const QList<XmlElement>& received() const { return m_received; }
    QList<XmlElement> takeReceived();

    bool isClosed() const { return m_closed; }
    const QString& closeCondition() const { return m_closeCondition; }

private:
    QPointer<TestServer> m_server;
    QList<XmlElement> m_received;
    bool m_closed = false;
    QString m_closeCondition;
    ClientSession m_session;
};

} // namespace Canto
