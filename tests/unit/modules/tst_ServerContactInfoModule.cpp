#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"

#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

using QMapStringList = QMap<QString, QStringList>;

namespace {

// The form of Prosody's mod_server_contact_info: FORM_TYPE, then every type's field.
QString expectedForm(const QMap<QString, QStringList>& addresses)
{
    QString fields = u"<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/network/serverinfo</value>"
                     u"</field>"_s;
    for (const QString& type :
         {u"abuse"_s, u"admin"_s, u"feedback"_s, u"sales"_s, u"security"_s, u"status"_s, u"support"_s}) {
        QString values;
        for (const QString& uri : addresses.value(type)) {
            values += u"<value>%1</value>"_s.arg(uri);
        }
        fields += u"<field var='%1-addresses' type='list-multi'>%2</field>"_s.arg(type, values);
    }
    return u"<x xmlns='jabber:x:data' type='result'>%1</x>"_s.arg(fields);
}

} // namespace

class tst_ServerContactInfoModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void form_data()
    {
        QTest::addColumn<QString>("options");
        QTest::addColumn<QMapStringList>("expected");
        QTest::addColumn<QString>("warning"); // a log warning that must appear ("" = none)

        QTest::newRow("configured")
            << u"contact_info = { abuse = { \"mailto:abuse@a.test\" }, admin = { \"xmpp:ops@a.test\", "
               u"\"mailto:ops@a.test\" }, support = { \"https://a.test/help\" } }"_s
            << QMapStringList{{u"abuse"_s, {u"mailto:abuse@a.test"_s}},
                              {u"admin"_s, {u"xmpp:ops@a.test"_s, u"mailto:ops@a.test"_s}},
                              {u"support"_s, {u"https://a.test/help"_s}}}
            << QString();
        QTest::newRow("single-string-is-a-list")
            << u"contact_info = { security = \"mailto:sec@a.test\" }"_s
            << QMapStringList{{u"security"_s, {u"mailto:sec@a.test"_s}}} << QString();
        QTest::newRow("default-from-admins")
            << u"admins = { \"root@a.test\", \"Boss@A.test\" }"_s
            << QMapStringList{{u"admin"_s, {u"xmpp:boss@a.test"_s, u"xmpp:root@a.test"_s}}} << QString();
        QTest::newRow("no-admins-no-addresses") << QString() << QMapStringList() << QString();
        QTest::newRow("unknown-type-skipped")
            << u"contact_info = { abuse = { \"mailto:a@a.test\" }, pizza = { \"tel:123\" } }"_s
            << QMapStringList{{u"abuse"_s, {u"mailto:a@a.test"_s}}} << u"unknown address type \"pizza\""_s;
        QTest::newRow("non-string-item-skipped")
            << u"contact_info = { admin = { \"xmpp:a@a.test\", 42 } }"_s
            << QMapStringList{{u"admin"_s, {u"xmpp:a@a.test"_s}}} << u"42 is not a URI string"_s;
        QTest::newRow("not-a-table-falls-back-to-admins")
            << u"admins = { \"root@a.test\" }\ncontact_info = \"mailto:x@a.test\""_s
            << QMapStringList{{u"admin"_s, {u"xmpp:root@a.test"_s}}} << u"must be a table"_s;
    }
    void form()
    {
        QFETCH(QString, options);
        QFETCH(QMapStringList, expected);
        QFETCH(QString, warning);

        if (!warning.isEmpty()) {
            QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QRegularExpression::escape(warning)));
        }
        TestServer server(options + u"\nmodules_enabled = { \"disco\", \"server_contact_info\" }\n"
                                    u"VirtualHost \"a.test\"\n"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->takeReceived();
        alice->send(u"<iq type='get' id='d1' to='a.test'><query "
                    u"xmlns='http://jabber.org/protocol/disco#info'/></iq>"_s);
        QTRY_COMPARE(alice->received().size(), 1);
        const XmlElement reply = alice->takeReceived().first();
        const XmlElement* query = reply.firstChild(u"query", u"http://jabber.org/protocol/disco#info");
        QVERIFY(query);
        const QList<const XmlElement*> forms = query->children(u"x", u"jabber:x:data");
        QCOMPARE(forms.size(), 1);
        QCOMPARE(TestXml::canonical(*forms.first()), TestXml::canonical(TestXml::parse(expectedForm(expected))));
    }

    void hostSectionOverridesGlobal()
    {
        TestServer server(u"contact_info = { abuse = { \"mailto:global@x.test\" } }\n"
                          u"modules_enabled = { \"disco\", \"server_contact_info\" }\n"
                          u"VirtualHost \"a.test\"\ncontact_info = { abuse = { \"mailto:a@a.test\" } }\n"
                          u"VirtualHost \"b.test\"\n"_s);
        for (const auto& [host, uri] :
             {std::pair{u"a.test"_s, u"mailto:a@a.test"_s}, std::pair{u"b.test"_s, u"mailto:global@x.test"_s}}) {
            auto client = server.login(u"u"_s, host);
            QVERIFY(client);
            client->takeReceived();
            client->send(u"<iq type='get' id='d1' to='%1'><query "
                         u"xmlns='http://jabber.org/protocol/disco#info'/></iq>"_s.arg(host));
            QTRY_COMPARE(client->received().size(), 1);
            const XmlElement reply = client->takeReceived().first(); // keep it: x points into it
            const XmlElement* query = reply.firstChild(u"query", u"http://jabber.org/protocol/disco#info");
            QVERIFY(query);
            const XmlElement* x = query->firstChild(u"x", u"jabber:x:data");
            QVERIFY(x);
            QCOMPARE(TestXml::canonical(*x), TestXml::canonical(TestXml::parse(expectedForm({{u"abuse"_s, {uri}}}))));
        }
    }
};

QTEST_GUILESS_MAIN(tst_ServerContactInfoModule)
#include "tst_ServerContactInfoModule.moc"
