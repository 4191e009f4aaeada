#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"
#include "modules/vcard/PreserializedXml.h"
#include "server/storage/MapStore.h"
#include "server/storage/StorageManager.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

QString config(bool withPrivate)
{
    return uR"(
VirtualHost "a.test"
    modules_enabled = { "disco", "pep", "bookmarks"%1 }
)"_s.arg(withPrivate ? u", \"private\""_s : QString());
}

QStringList one(const XmlElement& element)
{
    return TestXml::canonical(QList<XmlElement>{element});
}

// Sends an IQ and waits for the answer with that id.
XmlElement request(TestClient& client, const QString& xml)
{
    const XmlElement iq = TestXml::parse(xml);
    const QString id = iq.attribute(u"id");
    client.send(iq);
    XmlElement answer;
    const auto find = [&] {
        for (const XmlElement& e : client.received()) {
            if (e.name() == u"iq"_s && e.attribute(u"id") == id) {
                answer = e;
                return true;
            }
        }
        return false;
    };
    [&] {
        QTRY_VERIFY(find());
    }();
    client.takeReceived();
    return answer;
}

const QString TwoRooms = u"<storage xmlns='storage:bookmarks'>"
                         u"<conference jid='tea@muc.a.test' name='Tea' autojoin='true'><nick>Al</nick></conference>"
                         u"<conference jid='work@muc.a.test' name='Work'><password>s3</password></conference>"
                         u"</storage>"_s;

QString privateSet(const QString& storage)
{
    return u"<iq type='set' id='ps'><query xmlns='jabber:iq:private'>%1</query></iq>"_s.arg(storage);
}

const QString PrivateGet = u"<iq type='get' id='pg'><query xmlns='jabber:iq:private'><storage "
                           u"xmlns='storage:bookmarks'/></query></iq>"_s;

const QString Bookmarks2Get = u"<iq type='get' id='bg'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items "
                              u"node='urn:xmpp:bookmarks:1'/></pubsub></iq>"_s;

QString bookmarks2Items(const QString& items)
{
    return u"<iq type='result' id='bg' to='alice@a.test/test'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
           u"<items node='urn:xmpp:bookmarks:1'>%1</items></pubsub></iq>"_s.arg(items);
}

const QString TeaItem = u"<item id='tea@muc.a.test'><conference xmlns='urn:xmpp:bookmarks:1' name='Tea' "
                        u"autojoin='true'><nick>Al</nick></conference></item>"_s;
const QString WorkItem = u"<item id='work@muc.a.test'><conference xmlns='urn:xmpp:bookmarks:1' name='Work'>"
                         u"<password>s3</password></conference></item>"_s;

} // namespace

class tst_BookmarksModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void privateXmlWritesBookmarks2_data()
    {
        QTest::addColumn<bool>("withPrivate");
        QTest::newRow("private-module-loaded") << true;
        QTest::newRow("bookmarks-alone") << false;
    }
    void privateXmlWritesBookmarks2()
    {
        QFETCH(bool, withPrivate);
        TestServer server(config(withPrivate));
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        QCOMPARE(one(request(*alice, privateSet(TwoRooms))),
                 TestXml::canonical(u"<iq type='result' id='ps' to='alice@a.test/test'/>"_s));
        QCOMPARE(one(request(*alice, Bookmarks2Get)), TestXml::canonical(bookmarks2Items(TeaItem + WorkItem)));

        // Synchronised: a room missing from the next private write is retracted.
        const QString onlyWork = u"<storage xmlns='storage:bookmarks'><conference jid='work@muc.a.test' "
                                 u"name='Work'><password>s3</password></conference></storage>"_s;
        QCOMPARE(request(*alice, privateSet(onlyWork)).attribute(u"type"), u"result"_s);
        QCOMPARE(one(request(*alice, Bookmarks2Get)), TestXml::canonical(bookmarks2Items(WorkItem)));

        // The node has the XEP-0402 configuration.
        const XmlElement configure =
            request(*alice, u"<iq type='get' id='c'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><configure "
                            u"node='urn:xmpp:bookmarks:1'/></pubsub></iq>"_s);
        QStringList values;
        for (const XmlElement* f : configure.firstChild()->firstChild()->firstChild()->children(u"field")) {
            const QString var = f->attribute(u"var");
            if (var == u"pubsub#access_model"_s || var == u"pubsub#max_items"_s ||
                var == u"pubsub#send_last_published_item"_s) {
                values << var + u'=' + f->childText(u"value");
            }
        }
        QCOMPARE(values, (QStringList{u"pubsub#max_items=max"_s, u"pubsub#access_model=whitelist"_s,
                                      u"pubsub#send_last_published_item=never"_s}));
    }

    void bookmarks2ShowsInPrivateXmlAndLegacyPep()
    {
        TestServer server(config(true));
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        // Nothing yet: the empty storage comes back.
        QCOMPARE(one(request(*alice, PrivateGet)),
                 TestXml::canonical(u"<iq type='result' id='pg' to='alice@a.test/test'><query "
                                    u"xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'/></query></iq>"_s));
        const QString publish =
            u"<iq type='set' id='p'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish "
            u"node='urn:xmpp:bookmarks:1'>%1</publish><publish-options><x xmlns='jabber:x:data' type='submit'>"
            u"<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value>"
            u"</field><field var='pubsub#persist_items'><value>true</value></field><field var='pubsub#max_items'>"
            u"<value>max</value></field><field var='pubsub#send_last_published_item'><value>never</value></field>"
            u"<field var='pubsub#access_model'><value>whitelist</value></field></x></publish-options></pubsub></iq>"_s;
        QCOMPARE(request(*alice, publish.arg(TeaItem)).attribute(u"type"), u"result"_s);
        QCOMPARE(request(*alice, publish.arg(WorkItem)).attribute(u"type"), u"result"_s);

        const QString legacyStorage = u"<storage xmlns='storage:bookmarks'><conference jid='tea@muc.a.test' "
                                      u"name='Tea' autojoin='true'><nick>Al</nick></conference><conference "
                                      u"jid='work@muc.a.test' name='Work'><password>s3</password></conference>"
                                      u"</storage>"_s;
        QCOMPARE(one(request(*alice, PrivateGet)),
                 TestXml::canonical(u"<iq type='result' id='pg' to='alice@a.test/test'><query "
                                    u"xmlns='jabber:iq:private'>%1</query></iq>"_s.arg(legacyStorage)));
        QCOMPARE(one(request(*alice, u"<iq type='get' id='lg'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                                     u"<items node='storage:bookmarks'/></pubsub></iq>"_s)),
                 TestXml::canonical(u"<iq type='result' id='lg' to='alice@a.test/test'><pubsub "
                                    u"xmlns='http://jabber.org/protocol/pubsub'><items node='storage:bookmarks'>"
                                    u"<item id='current'>%1</item></items></pubsub></iq>"_s.arg(legacyStorage)));
    }

    void legacyPepPublishWritesBookmarks2()
    {
        TestServer server(config(false));
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        QCOMPARE(one(request(*alice, u"<iq type='set' id='lp'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                                     u"<publish node='storage:bookmarks'><item id='current'>%1</item></publish>"
                                     u"</pubsub></iq>"_s.arg(TwoRooms))),
                 TestXml::canonical(u"<iq type='result' id='lp' to='alice@a.test/test'/>"_s));
        QCOMPARE(one(request(*alice, Bookmarks2Get)), TestXml::canonical(bookmarks2Items(TeaItem + WorkItem)));
        // The outdated bookmarks 2 namespace is refused.
        const XmlElement old = request(*alice, u"<iq type='set' id='o'><pubsub "
                                               u"xmlns='http://jabber.org/protocol/pubsub'><publish "
                                               u"node='urn:xmpp:bookmarks:0'><item id='x'><x xmlns='y'/></item>"
                                               u"</publish></pubsub></iq>"_s);
        QVERIFY(old.firstChild(u"error") && old.firstChild(u"error")->firstChild(u"not-allowed"));
    }

    void loginMigratesPrivateStorage()
    {
        TestServer server(config(true));
        auto store = server.storage().openMap(u"a.test"_s, u"private"_s);
        QVERIFY(store);
        bool saved = false;
        store.value()
            ->set(u"alice"_s, u"storage:storage:bookmarks"_s,
                  Modules::PreserializedXml::fromElement(TestXml::parse(TwoRooms)))
            .then([&saved](Result<void> r) { saved = bool(r); });
        QTRY_VERIFY(saved);

        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        // Moved, not copied: once the private entry is gone, the migration is complete.
        bool gone = false;
        const auto checkGone = [&] {
            store.value()->get(u"alice"_s, u"storage:storage:bookmarks"_s).then([&gone](Result<QVariant> r) {
                gone = r && !r.value().isValid();
            });
            return gone;
        };
        QTRY_VERIFY(checkGone());
        QCOMPARE(one(request(*alice, Bookmarks2Get)), TestXml::canonical(bookmarks2Items(TeaItem + WorkItem)));
    }
};

QTEST_GUILESS_MAIN(tst_BookmarksModule)
#include "tst_BookmarksModule.moc"
