// XEP-0198 end to end: a real cantod, real TLS sockets, a small raw-XML client. The client's TCP
// connection drops without </stream:stream> while messages are on their way; a new connection
// resumes the session and gets every message the old one had not acknowledged, exactly once.
#include "server/xmpp/StreamParser.h"
#include "server/xmpp/XmlElement.h"
#include "support/CantodProcess.h"

#include <QSslSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using Canto::XmlElement;
using Canto::Test::CantodProcess;

namespace {

constexpr int Timeout = 20000;

/// Just enough of a client: direct TLS, SASL PLAIN, bind or resume, raw XML in, parsed elements
/// out (Canto's own StreamParser reads what the server sends).
class RawClient
{
public:
    explicit RawClient(quint16 port)
    {
        QObject::connect(&m_parser, &Canto::StreamParser::elementReceived,
                         [this](const XmlElement& element) { m_received << element; });
        QObject::connect(&m_parser, &Canto::StreamParser::streamOpened, [this](const XmlElement&) { m_opened = true; });
        QObject::connect(&m_socket, &QSslSocket::readyRead, [this] { m_parser.feed(m_socket.readAll()); });
        m_socket.setPeerVerifyMode(QSslSocket::VerifyNone); // the test server's self-signed certificate
        m_socket.connectToHostEncrypted(u"127.0.0.1"_s, port, u"localhost"_s);
    }

    bool login(const QString& user, const QString& password)
    {
        if (!m_socket.waitForEncrypted(Timeout)) {
            return false;
        }
        if (!openStream()) {
            return false;
        }
        const QByteArray plain = QByteArray("\0", 1) + user.toUtf8() + QByteArray("\0", 1) + password.toUtf8();
        send(u"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"_s +
             QString::fromLatin1(plain.toBase64()) + u"</auth>"_s);
        if (next(u"success"_s).isNull()) {
            return false;
        }
        m_parser.reset();
        return openStream();
    }

    bool openStream()
    {
        m_opened = false;
        send(u"<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' "
             "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"_s);
        const XmlElement features = next(u"features"_s);
        m_features = features;
        return !features.isNull();
    }

    bool bind(const QString& resource)
    {
        send(u"<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>%1</resource>"
             "</bind></iq>"_s.arg(resource));
        const XmlElement result = next(u"iq"_s);
        return result.attribute(u"type") == u"result"_s;
    }

    void send(const QString& xml) { m_socket.write(xml.toUtf8()); }

    /// Waits for the next element named `name` and returns it with everything before it taken.
    XmlElement next(const QString& name)
    {
        XmlElement found;
        static_cast<void>(QTest::qWaitFor(
            [&] {
                for (qsizetype i = 0; i < m_received.size(); ++i) {
                    if (m_received[i].name() == name) {
                        found = m_received[i];
                        m_taken << m_received.mid(0, i + 1);
                        m_received.remove(0, i + 1);
                        return true;
                    }
                }
                return m_socket.state() == QAbstractSocket::UnconnectedState;
            },
            Timeout));
        return found;
    }

    /// A round trip to the server: everything sent to us before the answer has arrived then.
    bool ping(const QString& id)
    {
        send(u"<iq type='get' id='%1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"_s.arg(id));
        return !next(u"iq"_s).isNull();
    }

    /// Bodies of the messages taken so far (by next()), in order; empties the record.
    QStringList takeBodies()
    {
        QStringList bodies;
        for (const XmlElement& element : std::exchange(m_taken, {})) {
            if (element.name() == u"message"_s) {
                bodies << element.childText(u"body");
            }
        }
        return bodies;
    }

    const XmlElement& features() const { return m_features; }
    /// The TCP connection goes away without a closing stream tag (a dead network).
    void drop() { m_socket.abort(); }
    void flushAndDrop()
    {
        m_socket.flush();
        m_socket.disconnectFromHost();
        static_cast<void>(m_socket.waitForDisconnected(Timeout));
    }

private:
    QSslSocket m_socket;
    Canto::StreamParser m_parser;
    QList<XmlElement> m_received;
    QList<XmlElement> m_taken;
    XmlElement m_features;
    bool m_opened = false;
};

QString chat(const QString& to, const QString& body)
{
    return u"<message to='%1' type='chat'><body>%2</body></message>"_s.arg(to, body);
}

} // namespace

class tst_StreamManagementResume : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<CantodProcess> m_server;

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<CantodProcess>(QString(), uR"(VirtualHost "localhost"
    modules_enabled = { "message", "smacks" }
)"_s);
        QVERIFY2(m_server->start(), qPrintable(m_server->log()));
        for (const QString& user : {u"alice@localhost"_s, u"bob@localhost"_s}) {
            const CantodProcess::Output added = m_server->cantoctl({u"adduser"_s, user, u"secret"_s});
            QVERIFY2(added.exitCode == 0, qPrintable(added.text));
        }
    }

    void cleanupTestCase() { m_server.reset(); }

    void resumeAfterDroppedConnection_data()
    {
        QTest::addColumn<bool>("waitForHibernation");
        // Either the server notices the dead socket first (hibernation), or the resumption
        // arrives first and takes the session from the old connection; both must work.
        QTest::newRow("hibernated") << true;
        QTest::newRow("whichever-comes-first") << false;
    }
    void resumeAfterDroppedConnection()
    {
        QFETCH(bool, waitForHibernation);
        const QString phone = u"phone-%1"_s.arg(QLatin1StringView(QTest::currentDataTag()));
        const quint16 port = m_server->directTlsPort();
        auto alice = std::make_unique<RawClient>(port);
        QVERIFY2(alice->login(u"alice"_s, u"secret"_s), qPrintable(m_server->log()));
        QVERIFY(alice->features().firstChild(u"sm", u"urn:xmpp:sm:3"));
        QVERIFY(alice->bind(phone));
        alice->send(u"<enable xmlns='urn:xmpp:sm:3' resume='true'/>"_s);
        const XmlElement enabled = alice->next(u"enabled"_s);
        const QString previd = enabled.attribute(u"id");
        QVERIFY2(!previd.isEmpty(), qPrintable(m_server->log()));
        QCOMPARE(enabled.attribute(u"resume"), u"true"_s);

        RawClient bob(port);
        QVERIFY(bob.login(u"bob"_s, u"secret"_s));
        QVERIFY(bob.bind(u"desk-%1"_s.arg(QLatin1StringView(QTest::currentDataTag()))));
        const QString desk = u"bob@localhost/desk-%1"_s.arg(QLatin1StringView(QTest::currentDataTag()));

        // Alice sees m1 and m2 but only acknowledges m1; she sends one stanza herself.
        bob.send(chat(u"alice@localhost/"_s + phone, u"m1"_s));
        bob.send(chat(u"alice@localhost/"_s + phone, u"m2"_s));
        QVERIFY(!alice->next(u"message"_s).isNull());
        QVERIFY(!alice->next(u"message"_s).isNull());
        QCOMPARE(alice->takeBodies(), (QStringList{u"m1"_s, u"m2"_s}));
        alice->send(u"<a xmlns='urn:xmpp:sm:3' h='1'/>"_s);
        alice->send(chat(desk, u"from the phone"_s));
        QVERIFY(!bob.next(u"message"_s).isNull());
        QCOMPARE(bob.takeBodies(), QStringList{u"from the phone"_s});

        // The network dies. Bob keeps writing; the ping proves the server has routed it all.
        alice->drop();
        alice.reset();
        if (waitForHibernation) {
            QTRY_VERIFY_WITH_TIMEOUT(m_server->log().contains(u"kept bound without a connection"_s), Timeout);
        }
        bob.send(chat(u"alice@localhost/"_s + phone, u"m3"_s));
        bob.send(chat(u"alice@localhost/"_s + phone, u"m4"_s));
        QVERIFY(bob.ping(u"p1"_s));
        QCOMPARE(bob.takeBodies(), QStringList()); // nothing bounced

        RawClient again(port);
        QVERIFY(again.login(u"alice"_s, u"secret"_s));
        again.send(u"<resume xmlns='urn:xmpp:sm:3' previd='%1' h='1'/>"_s.arg(previd));
        const XmlElement resumed = again.next(u"resumed"_s);
        QVERIFY2(!resumed.isNull(), qPrintable(m_server->log()));
        QCOMPARE(resumed.attribute(u"previd"), previd);
        QCOMPARE(resumed.attribute(u"h"), u"1"_s); // the one message alice sent
        QVERIFY(again.ping(u"p2"_s));
        QCOMPARE(again.takeBodies(), (QStringList{u"m2"_s, u"m3"_s, u"m4"_s}));

        // The session goes on: acknowledged stanzas are not sent again, new ones flow.
        again.send(u"<a xmlns='urn:xmpp:sm:3' h='4'/>"_s);
        bob.send(chat(u"alice@localhost/"_s + phone, u"m5"_s));
        QVERIFY(!again.next(u"message"_s).isNull());
        QVERIFY(again.ping(u"p3"_s));
        QCOMPARE(again.takeBodies(), QStringList{u"m5"_s});
        again.send(chat(desk, u"resumed fine"_s));
        QVERIFY(!bob.next(u"message"_s).isNull());
        QCOMPARE(bob.takeBodies(), QStringList{u"resumed fine"_s});
    }

    // XEP-0198 §7: a stream closed with </stream:stream> cannot be resumed, even when the TCP
    // connection goes right after the closing tag (as QXmpp does).
    void cleanCloseIsNotResumable()
    {
        RawClient alice(m_server->directTlsPort());
        QVERIFY2(alice.login(u"alice"_s, u"secret"_s), qPrintable(m_server->log()));
        QVERIFY(alice.bind(u"closing"_s));
        alice.send(u"<enable xmlns='urn:xmpp:sm:3' resume='true'/>"_s);
        const QString previd = alice.next(u"enabled"_s).attribute(u"id");
        QVERIFY(!previd.isEmpty());
        alice.send(u"</stream:stream>"_s);
        alice.flushAndDrop();

        RawClient again(m_server->directTlsPort());
        QVERIFY(again.login(u"alice"_s, u"secret"_s));
        again.send(u"<resume xmlns='urn:xmpp:sm:3' previd='%1' h='0'/>"_s.arg(previd));
        const XmlElement answer = again.next(u"failed"_s);
        QVERIFY2(answer.firstChild(u"item-not-found", u"urn:ietf:params:xml:ns:xmpp-stanzas"),
                 qPrintable(m_server->log()));
    }

    void unknownResumptionIdFails()
    {
        RawClient client(m_server->directTlsPort());
        QVERIFY(client.login(u"bob"_s, u"secret"_s));
        client.send(u"<resume xmlns='urn:xmpp:sm:3' previd='no-such-id' h='0'/>"_s);
        const XmlElement failed = client.next(u"failed"_s);
        QVERIFY(failed.firstChild(u"item-not-found", u"urn:ietf:params:xml:ns:xmpp-stanzas"));
        QVERIFY(client.bind(u"after-failure"_s)); // the stream is still usable
    }
};

QTEST_GUILESS_MAIN(tst_StreamManagementResume)
#include "tst_StreamManagementResume.moc"
