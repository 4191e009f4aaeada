#include "TestClient.h"
#include "TestServer.h"
#include "server/core/Host.h"
#include "server/core/SessionManager.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {
QString configWithPolicy(const QString& policy)
{
    const QString option = policy.isEmpty() ? QString() : u"conflict_resolve = \"%1\"\n"_s.arg(policy);
    return option + u"VirtualHost \"a.test\"\nVirtualHost \"b.test\"\n"_s;
}
} // namespace

class tst_SessionManager : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bind_data()
    {
        QTest::addColumn<QString>("requested");
        QTest::addColumn<QString>("expected"); // "*" = a generated resource
        QTest::addColumn<QString>("condition");

        QTest::newRow("requested") << u"phone"_s << u"phone"_s << QString();
        QTest::newRow("case-kept") << u"Laptop"_s << u"Laptop"_s << QString();
        QTest::newRow("non-ascii") << u"téléphone"_s << u"téléphone"_s << QString();
        QTest::newRow("empty-generates") << QString() << u"*"_s << QString();
        QTest::newRow("control-character") << u"a\u0007b"_s << QString() << u"bad-request"_s;
        QTest::newRow("too-long") << QString(1024, u'r') << QString() << u"bad-request"_s;
    }
    void bind()
    {
        QFETCH(QString, requested);
        QFETCH(QString, expected);
        QFETCH(QString, condition);

        TestServer server(configWithPolicy({}));
        QSignalSpy bound(&server.sessions(), &SessionManager::sessionBound);
        TestClient client(server, u"alice"_s, u"a.test"_s);
        const Result<QString> result = client.bind(requested);
        if (!condition.isEmpty()) {
            QVERIFY(!result.isOk());
            QCOMPARE(result.error().condition, condition);
            QVERIFY(!client.session().isBound());
            QCOMPARE(server.sessions().boundSessionCount(), 0);
            QCOMPARE(bound.size(), 0);
            return;
        }
        QVERIFY2(result.isOk(), qPrintable(result.isOk() ? QString() : result.error().toString()));
        if (expected == u"*"_s) {
            QVERIFY(QRegularExpression(u"^[A-Za-z0-9]{12}$"_s).match(result.value()).hasMatch());
        } else {
            QCOMPARE(result.value(), expected);
        }
        QCOMPARE(client.session().resource(), result.value());
        QCOMPARE(server.host(u"a.test"_s)->clientSession(u"alice"_s, result.value()), &client.session());
        QCOMPARE(server.sessions().boundSessionCount(), 1);
        QCOMPARE(bound.size(), 1);
        QCOMPARE(bound.first(), (QVariantList{u"a.test"_s, QString(u"alice@a.test/"_s + result.value())}));
    }

    void notAllowed()
    {
        TestServer server(configWithPolicy({}));
        TestClient anonymous(server, QString(), u"a.test"_s);
        QCOMPARE(anonymous.bind(u"x"_s).error().condition, u"not-allowed"_s);
        TestClient unknownHost(server, u"alice"_s, u"nowhere.test"_s);
        QCOMPARE(unknownHost.bind(u"x"_s).error().condition, u"not-allowed"_s);
        TestClient twice(server, u"alice"_s, u"a.test"_s);
        QVERIFY(twice.bind(u"x"_s).isOk());
        QCOMPARE(twice.bind(u"y"_s).error().condition, u"not-allowed"_s);
        QCOMPARE(twice.session().resource(), u"x"_s);
    }

    void conflict_data()
    {
        QTest::addColumn<QString>("policy");
        QTest::addColumn<QString>("newResource"); // "" = bind fails; "*" = random
        QTest::addColumn<QString>("newCondition");
        QTest::addColumn<bool>("oldKicked");

        QTest::newRow("default-is-kick_old") << QString() << u"phone"_s << QString() << true;
        QTest::newRow("kick_old") << u"kick_old"_s << u"phone"_s << QString() << true;
        QTest::newRow("kick_new") << u"kick_new"_s << QString() << u"conflict"_s << false;
        QTest::newRow("increment") << u"increment"_s << u"phone2"_s << QString() << false;
        QTest::newRow("random") << u"random"_s << u"*"_s << QString() << false;
    }
    void conflict()
    {
        QFETCH(QString, policy);
        QFETCH(QString, newResource);
        QFETCH(QString, newCondition);
        QFETCH(bool, oldKicked);

        QStringList unbinds;
        TestServer server(configWithPolicy(policy));
        server.host(u"a.test"_s)->events().addHandler(u"resource-unbind"_s, [&unbinds](Event& e) {
            auto* session = static_cast<ClientSession*>(e.origin);
            unbinds << session->logId() + u' ' + e.value(u"error"_s).toString();
            return QVariant();
        });
        auto old = server.login(u"alice"_s, u"a.test"_s, u"phone"_s);
        QVERIFY(old);
        // Another user's and another host's "phone" do not conflict.
        auto bob = server.login(u"bob"_s, u"a.test"_s, u"phone"_s);
        auto otherHost = server.login(u"alice"_s, u"b.test"_s, u"phone"_s);
        QVERIFY(bob && otherHost);

        TestClient newer(server, u"alice"_s, u"a.test"_s);
        const Result<QString> result = newer.bind(u"phone"_s);
        Host* host = server.host(u"a.test"_s);
        if (newResource.isEmpty()) {
            QVERIFY(!result.isOk());
            QCOMPARE(result.error().condition, newCondition);
        } else {
            QVERIFY(result.isOk());
            if (newResource == u"*"_s) {
                QVERIFY(result.value() != u"phone"_s);
                QCOMPARE(result.value().size(), 12);
            } else {
                QCOMPARE(result.value(), newResource);
            }
            QCOMPARE(host->clientSession(u"alice"_s, result.value()), &newer.session());
        }
        QCOMPARE(old->isClosed(), oldKicked);
        if (oldKicked) {
            QCOMPARE(old->closeCondition(), u"conflict"_s);
            QCOMPARE(unbinds, QStringList{old->session().logId() + u" Replaced by new connection"_s});
            QCOMPARE(host->clientSessions(u"alice"_s).size(), 1);
        } else {
            QVERIFY(unbinds.isEmpty());
            QCOMPARE(host->clientSession(u"alice"_s, u"phone"_s), &old->session());
            QCOMPARE(host->clientSessions(u"alice"_s).size(), newResource.isEmpty() ? 1 : 2);
        }
        QVERIFY(!bob->isClosed() && !otherHost->isClosed());
        if (policy == u"increment"_s) {
            TestClient third(server, u"alice"_s, u"a.test"_s);
            QCOMPARE(third.bind(u"phone"_s).value(), u"phone3"_s);
        }
    }

    void preResourceBindVeto_data()
    {
        QTest::addColumn<QVariant>("returned");
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("expectedCondition"); // "" = bound

        QTest::newRow("no-opinion") << QVariant() << QString() << QString();
        QTest::newRow("true-allows") << QVariant(true) << QString() << QString();
        QTest::newRow("false-vetoes") << QVariant(false) << QString() << u"not-allowed"_s;
        QTest::newRow("false-with-condition") << QVariant(false) << u"policy-violation"_s << u"policy-violation"_s;
    }
    void preResourceBindVeto()
    {
        QFETCH(QVariant, returned);
        QFETCH(QString, error);
        QFETCH(QString, expectedCondition);

        QStringList seen;
        TestServer server(configWithPolicy({}));
        server.host(u"a.test"_s)->events().addHandler(u"pre-resource-bind"_s, [&](Event& e) {
            seen << e.value(u"resource"_s).toString();
            if (!error.isEmpty()) {
                e.set(u"error"_s, error);
                e.set(u"text"_s, u"Not today"_s);
            }
            return returned;
        });
        int binds = 0;
        server.host(u"a.test"_s)->events().addHandler(u"resource-bind"_s, [&binds](Event&) {
            ++binds;
            return QVariant();
        });
        TestClient client(server, u"alice"_s, u"a.test"_s);
        const Result<QString> result = client.bind(u"phone"_s);
        QCOMPARE(seen, QStringList{u"phone"_s});
        if (expectedCondition.isEmpty()) {
            QVERIFY(result.isOk());
            QCOMPARE(binds, 1);
        } else {
            QVERIFY(!result.isOk());
            QCOMPARE(result.error().condition, expectedCondition);
            QCOMPARE(result.error().text, error.isEmpty() ? QString() : u"Not today"_s);
            QVERIFY(!client.session().isBound());
            QCOMPARE(binds, 0);
        }
    }

    void bindAndUnbindEvents()
    {
        QStringList events;
        TestServer server(configWithPolicy({}));
        for (const QString& name : {u"resource-bind"_s, u"resource-unbind"_s}) {
            server.host(u"a.test"_s)->events().addHandler(name, [&events, name](Event& e) {
                auto* session = static_cast<ClientSession*>(e.origin);
                events << name + u' ' + session->fullJid() + u' ' + e.value(u"error"_s).toString();
                return QVariant();
            });
        }
        QSignalSpy unbound(&server.sessions(), &SessionManager::sessionUnbound);
        TestClient client(server, u"alice"_s, u"a.test"_s);
        QVERIFY(client.bind(u"phone"_s).isOk());
        QCOMPARE(server.host(u"a.test"_s)->clientSessionCount(), 1);
        server.sessions().unbind(client.session(), u"connection closed"_s);
        QCOMPARE(events, (QStringList{u"resource-bind alice@a.test/phone "_s,
                                      u"resource-unbind alice@a.test/phone connection closed"_s}));
        QCOMPARE(unbound.size(), 1);
        QCOMPARE(server.host(u"a.test"_s)->clientSessionCount(), 0);
        QCOMPARE(server.sessions().boundSessionCount(), 0);
        // Unbinding twice does nothing.
        server.sessions().unbind(client.session());
        QCOMPARE(events.size(), 2);
        QCOMPARE(unbound.size(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_SessionManager)
#include "tst_SessionManager.moc"
