#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"
#include "server/auth/ScramCredentials.h"
#include "server/core/AccountManager.h"
#include "server/core/ClientSession.h"
#include "server/core/Host.h"
#include "server/core/Router.h"
#include "server/storage/StorageManager.h"
#include "server/xmpp/Namespaces.h"

#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

const QString Stanzas = u"urn:ietf:params:xml:ns:xmpp-stanzas"_s;

QString config(const QString& options)
{
    return u"VirtualHost \"a.test\"\n    modules_enabled = { \"register\" }\n"_s + options;
}

/// A client before authentication, as ClientConnection has it: a ClientSession without a
/// username whose non-stanza traffic goes through Router::fireStanzaEvent.
class Anonymous
{
public:
    Anonymous(TestServer& server, const QString& address, bool secure = true)
        : m_server(server),
          m_session(
              u"c2s_anon_"_s + address, u"a.test"_s, [this](const XmlElement& stanza) { m_received << stanza; },
              [](const QString&, const QString&) {})
    {
        m_session.setPeerAddress(address);
        m_session.setSecure(secure);
    }
    Anonymous(const Anonymous&) = delete;
    Anonymous& operator=(const Anonymous&) = delete;

    /// Sends one element; false if no module took it (the stream would be closed).
    bool send(const QString& xml)
    {
        XmlElement element = TestXml::parse(xml);
        return m_server.router().fireStanzaEvent(m_session, element, u"a.test"_s);
    }
    /// Sends and waits for the answer.
    QList<XmlElement> exchange(const QString& xml)
    {
        m_received.clear();
        if (!send(xml) || !QTest::qWaitFor([this] { return !m_received.isEmpty(); })) {
            return {};
        }
        return std::exchange(m_received, {});
    }
    QList<XmlElement> registerAccount(const QString& username, const QString& password)
    {
        return exchange(u"<iq type='set' id='r1'><query xmlns='jabber:iq:register'><username>%1</username>"
                        u"<password>%2</password></query></iq>"_s.arg(username, password));
    }
    ClientSession& session() { return m_session; }

private:
    TestServer& m_server;
    QList<XmlElement> m_received;
    ClientSession m_session;
};

QString errorIq(const QString& id, const QString& type, const QString& condition, const QString& text = {},
                const QString& to = {})
{
    const QString textElement = text.isEmpty() ? QString() : u"<text xmlns='%1'>%2</text>"_s.arg(Stanzas, text);
    const QString toAttribute = to.isEmpty() ? QString() : u" to='%1'"_s.arg(to);
    return u"<iq type='error' id='%1'%6><error type='%2'><%3 xmlns='%4'/>%5</error></iq>"_s.arg(
        id, type, condition, Stanzas, textElement, toAttribute);
}

const QString Registered = u"<iq type='result' id='r1'/>"_s;

// Whether `password` is the password of user@a.test now (nullopt: no such account).
std::optional<bool> passwordWorks(TestServer& server, const QString& user, const QString& password)
{
    auto future = server.accounts().credentials(u"a.test"_s, user);
    if (!QTest::qWaitFor([&future] { return future.isFinished(); })) {
        return false;
    }
    const auto credentials = future.result();
    if (!credentials || !credentials.value()) {
        return std::nullopt;
    }
    return credentials.value()->verifyPlain(password);
}

bool createAccount(TestServer& server, const QString& user, const QString& password)
{
    auto future = server.accounts().create(u"a.test"_s, user, password);
    return QTest::qWaitFor([&future] { return future.isFinished(); }) && future.result().isOk();
}

} // namespace

class tst_RegisterModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void streamFeature_data()
    {
        QTest::addColumn<QString>("options");
        QTest::addColumn<bool>("secure");
        QTest::addColumn<bool>("offered");

        QTest::newRow("default-off") << QString() << true << false;
        QTest::newRow("allowed") << u"allow_registration = true"_s << true << true;
        QTest::newRow("allowed-but-not-encrypted") << u"allow_registration = true"_s << false << false;
        QTest::newRow("allowed-encryption-optional")
            << u"allow_registration = true\nc2s_require_encryption = false"_s << false << true;
    }
    void streamFeature()
    {
        QFETCH(QString, options);
        QFETCH(bool, secure);
        QFETCH(bool, offered);

        TestServer server(config(options));
        QVERIFY(server.configProblems().isEmpty());
        Anonymous client(server, u"192.0.2.1"_s, secure);
        XmlElement features(u"features"_s, Ns::Streams.toString());
        Event event(&client.session(), &features);
        server.host(u"a.test"_s)->events().fire(u"stream-features/pre-auth"_s, event);
        QCOMPARE(features.firstChild(u"register", Ns::RegisterFeature) != nullptr, offered);
    }

    void disabledRefuses_data()
    {
        QTest::addColumn<QString>("request");
        QTest::newRow("get") << u"<iq type='get' id='r1'><query xmlns='jabber:iq:register'/></iq>"_s;
        QTest::newRow("set") << u"<iq type='set' id='r1'><query xmlns='jabber:iq:register'><username>u</username>"
                                u"<password>p</password></query></iq>"_s;
    }
    void disabledRefuses()
    {
        QFETCH(QString, request);

        TestServer server(config(QString()));
        Anonymous client(server, u"192.0.2.1"_s);
        QCOMPARE(TestXml::canonical(client.exchange(request)),
                 TestXml::canonical(errorIq(u"r1"_s, u"cancel"_s, u"not-allowed"_s, u"Registration is disabled"_s)));
        QCOMPARE(passwordWorks(server, u"u"_s, u"p"_s), std::nullopt);
    }

    void formOffered()
    {
        TestServer server(config(u"allow_registration = true"_s));
        Anonymous client(server, u"192.0.2.1"_s);
        const QList<XmlElement> reply =
            client.exchange(u"<iq type='get' id='g1'><query xmlns='jabber:iq:register'/></iq>"_s);
        QCOMPARE(reply.size(), 1);
        const XmlElement* query = reply.first().firstChild(u"query", Ns::Register);
        QVERIFY(query);
        QCOMPARE(query->childText(u"instructions"), u"Choose a username and password for use with this service."_s);
        QVERIFY(query->firstChild(u"username"));
        QVERIFY(query->firstChild(u"password"));
        const XmlElement* form = query->firstChild(u"x", Ns::DataForms);
        QVERIFY(form);
        QStringList vars;
        for (const XmlElement* field : form->children(u"field")) {
            vars << field->attribute(u"var");
        }
        QCOMPARE(vars, (QStringList{u"FORM_TYPE"_s, u"username"_s, u"password"_s}));
    }

    void registersAndLogsIn_data()
    {
        QTest::addColumn<QString>("request");
        QTest::newRow("legacy-fields") << u"<iq type='set' id='r1'><query xmlns='jabber:iq:register'>"
                                          u"<username>Newbie</username><password>s3cret</password></query></iq>"_s;
        QTest::newRow("data-form")
            << u"<iq type='set' id='r1'><query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='submit'>"
               u"<field var='FORM_TYPE'><value>jabber:iq:register</value></field>"
               u"<field var='username'><value>newbie</value></field>"
               u"<field var='password'><value>s3cret</value></field></x></query></iq>"_s;
    }
    void registersAndLogsIn()
    {
        QFETCH(QString, request);

        TestServer server(config(u"allow_registration = true"_s));
        QStringList registered;
        server.host(u"a.test"_s)->events().addHandler(u"user-registered"_s, [&registered](Event& event) {
            registered << event.value(u"username"_s).toString() + u'@' + event.value(u"host"_s).toString();
            return QVariant();
        });
        Anonymous client(server, u"192.0.2.1"_s);
        QCOMPARE(TestXml::canonical(client.exchange(request)), TestXml::canonical(Registered));
        QCOMPARE(registered, QStringList{u"newbie@a.test"_s}); // the username is nodeprepped
        QCOMPARE(passwordWorks(server, u"newbie"_s, u"s3cret"_s), std::optional<bool>(true));
        QCOMPARE(passwordWorks(server, u"newbie"_s, u"wrong"_s), std::optional<bool>(false));

        // Prosody's account_details entry.
        auto details = server.storage().openKeyValue(u"a.test"_s, u"account_details"_s);
        QVERIFY(details);
        auto stored = details.value()->get(u"newbie"_s);
        QTRY_VERIFY(stored.isFinished());
        QVERIFY(stored.result().value().toMap().value(u"registered"_s).toLongLong() > 0);
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("query");    // the payload of the set
        QTest::addColumn<QString>("expected"); // the error answer

        QTest::newRow("missing-username")
            << u"<query xmlns='jabber:iq:register'><password>p</password></query>"_s
            << errorIq(u"r1"_s, u"modify"_s, u"not-acceptable"_s, u"Username: Required value missing"_s);
        QTest::newRow("missing-both") << u"<query xmlns='jabber:iq:register'/>"_s
                                      << errorIq(
                                             u"r1"_s, u"modify"_s, u"not-acceptable"_s,
                                             u"Username: Required value missing\nPassword: Required value missing"_s);
        QTest::newRow("empty-password")
            << u"<query xmlns='jabber:iq:register'><username>u</username><password/></query>"_s
            << errorIq(u"r1"_s, u"modify"_s, u"not-acceptable"_s, u"Password: Required value missing"_s);
        QTest::newRow("invalid-username")
            << u"<query xmlns='jabber:iq:register'><username>a@b</username><password>p</password></query>"_s
            << errorIq(u"r1"_s, u"modify"_s, u"not-acceptable"_s, u"The requested username is invalid."_s);
        QTest::newRow("existing-account")
            << u"<query xmlns='jabber:iq:register'><username>taken</username><password>p</password></query>"_s
            << errorIq(u"r1"_s, u"cancel"_s, u"conflict"_s, u"The requested username already exists."_s);
        QTest::newRow("remove-before-login") << u"<query xmlns='jabber:iq:register'><remove/></query>"_s
                                             << errorIq(u"r1"_s, u"auth"_s, u"registration-required"_s);
    }
    void refusals()
    {
        QFETCH(QString, query);
        QFETCH(QString, expected);

        TestServer server(config(u"allow_registration = true"_s));
        QVERIFY(createAccount(server, u"taken"_s, u"original"_s));
        Anonymous client(server, u"192.0.2.1"_s);
        QCOMPARE(TestXml::canonical(client.exchange(u"<iq type='set' id='r1'>%1</iq>"_s.arg(query))),
                 TestXml::canonical(expected));
        QCOMPARE(passwordWorks(server, u"taken"_s, u"original"_s), std::optional<bool>(true));
    }

    void encryptionRequired()
    {
        TestServer server(config(u"allow_registration = true"_s));
        Anonymous client(server, u"192.0.2.1"_s, false);
        QCOMPARE(TestXml::canonical(client.registerAccount(u"u"_s, u"p"_s)),
                 TestXml::canonical(errorIq(u"r1"_s, u"modify"_s, u"policy-violation"_s, u"Encryption is required"_s)));
    }

    void limits_data()
    {
        QTest::addColumn<QString>("options");
        QTest::addColumn<QStringList>("addresses");  // one registration attempt per address, in order
        QTest::addColumn<QStringList>("conditions"); // "" = registered

        const QString oncePerHour = u"min_seconds_between_registrations = 3600"_s;
        QTest::newRow("second-from-same-address") << oncePerHour << QStringList{u"192.0.2.1"_s, u"192.0.2.1"_s}
                                                  << QStringList{QString(), u"policy-violation"_s};
        QTest::newRow("ipv4-mapped-is-the-same-address")
            << oncePerHour << QStringList{u"192.0.2.1"_s, u"::ffff:192.0.2.1"_s}
            << QStringList{QString(), u"policy-violation"_s};
        QTest::newRow("other-address-not-affected")
            << oncePerHour << QStringList{u"192.0.2.1"_s, u"192.0.2.2"_s} << QStringList{QString(), QString()};
        QTest::newRow("loopback-allowlisted-by-default")
            << oncePerHour << QStringList{u"127.0.0.1"_s, u"127.0.0.1"_s} << QStringList{QString(), QString()};
        QTest::newRow("throttle-max-and-period")
            << u"registration_throttle_max = 2\nregistration_throttle_period = 3600"_s
            << QStringList{u"192.0.2.1"_s, u"192.0.2.1"_s, u"192.0.2.1"_s}
            << QStringList{QString(), QString(), u"policy-violation"_s};
        QTest::newRow("no-throttle-by-default")
            << QString() << QStringList{u"192.0.2.1"_s, u"192.0.2.1"_s} << QStringList{QString(), QString()};
        QTest::newRow("blocklisted-subnet")
            << u"registration_blocklist = { \"198.51.100.0/24\" }"_s << QStringList{u"198.51.100.7"_s, u"192.0.2.1"_s}
            << QStringList{u"forbidden"_s, QString()};
        QTest::newRow("allowlist-only")
            << u"allowlist_registration_only = true\nregistration_allowlist = { \"192.0.2.0/28\" }"_s
            << QStringList{u"192.0.2.1"_s, u"192.0.2.200"_s} << QStringList{QString(), u"forbidden"_s};
    }
    void limits()
    {
        QFETCH(QString, options);
        QFETCH(QStringList, addresses);
        QFETCH(QStringList, conditions);

        TestServer server(config(u"allow_registration = true\n"_s + options));
        QVERIFY2(server.configProblems().isEmpty(), qPrintable(server.configProblems()));
        for (qsizetype i = 0; i < addresses.size(); ++i) {
            Anonymous client(server, addresses.at(i));
            const QString user = u"user%1"_s.arg(i);
            const QList<XmlElement> reply = client.registerAccount(user, u"pw"_s);
            QCOMPARE(reply.size(), 1);
            const XmlElement* error = reply.first().firstChild(u"error");
            const XmlElement* condition = error ? error->firstChild({}, Stanzas) : nullptr;
            QCOMPARE(condition ? condition->name() : QString(), conditions.at(i));
            QCOMPARE(passwordWorks(server, user, u"pw"_s).has_value(), conditions.at(i).isEmpty());
        }
    }

    void registeringHookMayRefuse()
    {
        TestServer server(config(u"allow_registration = true"_s));
        server.host(u"a.test"_s)->events().addHandler(u"user-registering"_s, [](Event& event) {
            if (event.value(u"username"_s).toString() == u"admin"_s) {
                event.set(u"allowed"_s, false);
                event.set(u"error_type"_s, u"cancel"_s);
                event.set(u"error_condition"_s, u"not-allowed"_s);
                event.set(u"reason"_s, u"Reserved name"_s);
            }
            return QVariant();
        });
        Anonymous client(server, u"192.0.2.1"_s);
        QCOMPARE(TestXml::canonical(client.registerAccount(u"admin"_s, u"pw"_s)),
                 TestXml::canonical(errorIq(u"r1"_s, u"cancel"_s, u"not-allowed"_s, u"Reserved name"_s)));
        QCOMPARE(TestXml::canonical(client.registerAccount(u"someone"_s, u"pw"_s)), TestXml::canonical(Registered));
    }

    void accountInfoWhenLoggedIn()
    {
        TestServer server(config(QString())); // works with registration disabled
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(u"<iq type='get' id='q1'><query xmlns='jabber:iq:register'/></iq>"_s);
        QCOMPARE(TestXml::canonical(alice->takeReceived()),
                 TestXml::canonical(u"<iq type='result' id='q1' to='alice@a.test/test'><query "
                                    u"xmlns='jabber:iq:register'><registered/><username>alice</username><password/>"
                                    u"</query></iq>"_s));
    }

    void passwordChange_data()
    {
        QTest::addColumn<QString>("to"); // "" = the account (iq/self), else the server (compat)
        QTest::addColumn<QString>("username");
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("expectedError"); // "" = changed

        QTest::newRow("own-account") << QString() << u"alice"_s << u"new-pw"_s << QString();
        QTest::newRow("own-account-prepped") << QString() << u"Alice"_s << u"new-pw"_s << QString();
        QTest::newRow("addressed-to-server") << u"a.test"_s << u"alice"_s << u"new-pw"_s << QString();
        QTest::newRow("someone-else") << QString() << u"bob"_s << u"new-pw"_s << u"bad-request"_s;
        QTest::newRow("empty-password") << QString() << u"alice"_s << QString() << u"bad-request"_s;
    }
    void passwordChange()
    {
        QFETCH(QString, to);
        QFETCH(QString, username);
        QFETCH(QString, password);
        QFETCH(QString, expectedError);

        TestServer server(config(QString()));
        QVERIFY(createAccount(server, u"alice"_s, u"old-pw"_s));
        QVERIFY(createAccount(server, u"bob"_s, u"bob-pw"_s));
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        const QString toAttribute = to.isEmpty() ? QString() : u" to='%1'"_s.arg(to);
        alice->send(u"<iq type='set' id='c1'%1><query xmlns='jabber:iq:register'><username>%2</username>"
                    u"<password>%3</password></query></iq>"_s.arg(toAttribute, username, password));
        QTRY_VERIFY(!alice->received().isEmpty());
        const QString from = to.isEmpty() ? QString() : u" from='%1'"_s.arg(to);
        if (expectedError.isEmpty()) {
            QCOMPARE(TestXml::canonical(alice->takeReceived()),
                     TestXml::canonical(u"<iq type='result' id='c1' to='alice@a.test/test'%1/>"_s.arg(from)));
            QCOMPARE(passwordWorks(server, u"alice"_s, u"new-pw"_s), std::optional<bool>(true));
        } else {
            QCOMPARE(TestXml::canonical(alice->takeReceived()),
                     TestXml::canonical(errorIq(u"c1"_s, u"modify"_s, expectedError, {}, u"alice@a.test/test"_s)));
            QCOMPARE(passwordWorks(server, u"alice"_s, u"old-pw"_s), std::optional<bool>(true));
        }
        QCOMPARE(passwordWorks(server, u"bob"_s, u"bob-pw"_s), std::optional<bool>(true));
    }

    void accountRemoval()
    {
        TestServer server(config(QString()));
        QVERIFY(createAccount(server, u"alice"_s, u"pw"_s));
        QVERIFY(createAccount(server, u"bob"_s, u"pw"_s));
        QStringList deleted;
        server.globalEvents().addHandler(u"user-deleted"_s, [&deleted](Event& event) {
            deleted << event.value(u"username"_s).toString() + u'@' + event.value(u"host"_s).toString();
            return QVariant();
        });
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto other = server.login(u"alice"_s, u"a.test"_s, u"other"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && other && bob);

        alice->send(u"<iq type='set' id='x1'><query xmlns='jabber:iq:register'><remove/></query></iq>"_s);
        QTRY_VERIFY(alice->isClosed());
        QCOMPARE(TestXml::canonical(alice->takeReceived()),
                 TestXml::canonical(u"<iq type='result' id='x1' to='alice@a.test/test'/>"_s));
        QCOMPARE(alice->closeCondition(), u"not-authorized"_s);
        QVERIFY(other->isClosed());
        QVERIFY(!bob->isClosed());
        QCOMPARE(deleted, QStringList{u"alice@a.test"_s});
        QCOMPARE(passwordWorks(server, u"alice"_s, u"pw"_s), std::nullopt);
        QCOMPARE(passwordWorks(server, u"bob"_s, u"pw"_s), std::optional<bool>(true));
    }
};

QTEST_GUILESS_MAIN(tst_RegisterModule)
#include "tst_RegisterModule.moc"
