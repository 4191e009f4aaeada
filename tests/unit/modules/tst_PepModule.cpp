#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"
#include "modules/pep/CapsHash.h"
#include "server/core/Roster.h"
#include "server/core/RosterManager.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

const QString PepConfig = uR"(
VirtualHost "a.test"
    modules_enabled = { "disco", "pep" }
)"_s;

const QString Node = u"urn:example:mood"_s;

// A client's disco#info: with or without "+notify" for Node.
XmlElement clientInfo(bool notify)
{
    QString xml = u"<query xmlns='http://jabber.org/protocol/disco#info'>"
                  u"<identity category='client' type='pc' name='Test'/>"
                  u"<feature var='http://jabber.org/protocol/disco#info'/>"_s;
    if (notify) {
        xml += u"<feature var='urn:example:mood+notify'/>"_s;
    }
    return TestXml::parse(xml + u"</query>"_s);
}

QString capsPresence(bool notify)
{
    return u"<presence><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://canto.test' "
           u"ver='%1'/></presence>"_s.arg(Modules::CapsHash::compute(clientInfo(notify)));
}

void setSubscription(TestServer& server, const QString& user, const QString& contact, const QString& subscription,
                     const QStringList& groups = {})
{
    bool done = false;
    server.rosters().withRoster(u"a.test"_s, user, [&](Result<Roster*> roster) {
        QVERIFY(roster);
        RosterItem& item = roster.value()->ensureItem(contact);
        item.subscription = subscription;
        item.groups = groups;
        server.rosters().save(u"a.test"_s, user);
        done = true;
    });
    QTRY_VERIFY(done);
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

QString publishXml(const QString& id, const QString& itemId, const QString& mood, const QString& options = {})
{
    QString publishOptions;
    if (!options.isEmpty()) {
        publishOptions = u"<publish-options><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' "
                         u"type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>"_s +
                         options + u"</x></publish-options>"_s;
    }
    return u"<iq type='set' id='%1'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='%2'>"
           u"<item id='%3'><mood xmlns='urn:example:mood'>%4</mood></item></publish>%5</pubsub></iq>"_s.arg(
               id, Node, itemId, mood, publishOptions);
}

QString field(const QString& var, const QString& value)
{
    return u"<field var='%1'><value>%2</value></field>"_s.arg(var, value);
}

// What a client received, sorted: PEP event messages (canonical, without their generated ids)
// and disco#info queries. Accumulates, so it can be polled from QTRY_* (which re-evaluates).
class Inbox
{
public:
    explicit Inbox(TestClient& client) : m_client(client) {}

    const QStringList& events()
    {
        poll();
        return m_events;
    }
    void clearEvents()
    {
        poll();
        m_events.clear();
    }
    /// Answers the disco#info queries received so far with `info`; returns how many were ever answered.
    int answerQueries(const XmlElement& info)
    {
        poll();
        for (const XmlElement& e : std::exchange(m_queries, {})) {
            const XmlElement* query = e.firstChild(u"query", u"http://jabber.org/protocol/disco#info");
            XmlElement result = TestXml::parse(u"<iq type='result'/>"_s);
            result.setAttribute(u"id"_s, e.attribute(u"id"));
            result.setAttribute(u"to"_s, e.attribute(u"from"));
            XmlElement answer = info;
            answer.setAttribute(u"node"_s, query->attribute(u"node"));
            result.addChild(answer);
            m_client.send(result);
            ++m_answered;
        }
        return m_answered;
    }

private:
    void poll()
    {
        for (XmlElement e : m_client.takeReceived()) {
            if (e.name() == u"message"_s && e.firstChild(u"event", u"http://jabber.org/protocol/pubsub#event")) {
                e.removeAttribute(u"id");
                m_events << TestXml::canonical(e);
            } else if (e.name() == u"iq"_s && e.attribute(u"type") == u"get"_s &&
                       e.firstChild(u"query", u"http://jabber.org/protocol/disco#info")) {
                m_queries << e;
            }
        }
    }

    TestClient& m_client;
    QStringList m_events;
    QList<XmlElement> m_queries;
    int m_answered = 0;
};

QString moodEvent(const QString& to, const QString& itemId, const QString& mood)
{
    return u"<message from='alice@a.test' to='%1' type='headline'><event "
           u"xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:example:mood'><item id='%2' "
           u"publisher='alice@a.test'><mood xmlns='urn:example:mood'>%3</mood></item></items></event></message>"_s.arg(
               to, itemId, mood);
}

} // namespace

class tst_PepModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void capsHashMatchesXep0115Examples_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("ver");
        QTest::newRow("simple") << u"<query xmlns='http://jabber.org/protocol/disco#info'>"
                                   u"<identity category='client' name='Exodus 0.9.1' type='pc'/>"
                                   u"<feature var='http://jabber.org/protocol/caps'/>"
                                   u"<feature var='http://jabber.org/protocol/disco#items'/>"
                                   u"<feature var='http://jabber.org/protocol/disco#info'/>"
                                   u"<feature var='http://jabber.org/protocol/muc'/></query>"_s
                                << u"QgayPKawpkPSDYmwT/WM94uAlu0="_s;
        QTest::newRow("complex-with-form")
            << u"<query xmlns='http://jabber.org/protocol/disco#info'>"
               u"<identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>"
               u"<identity xml:lang='el' category='client' name='Ψ 0.11' type='pc'/>"
               u"<feature var='http://jabber.org/protocol/caps'/>"
               u"<feature var='http://jabber.org/protocol/disco#info'/>"
               u"<feature var='http://jabber.org/protocol/disco#items'/>"
               u"<feature var='http://jabber.org/protocol/muc'/>"
               u"<x xmlns='jabber:x:data' type='result'>"
               u"<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>"
               u"<field var='ip_version'><value>ipv4</value><value>ipv6</value></field>"
               u"<field var='os'><value>Mac</value></field>"
               u"<field var='os_version'><value>10.5.1</value></field>"
               u"<field var='software'><value>Psi</value></field>"
               u"<field var='software_version'><value>0.11</value></field></x></query>"_s
            << u"q07IKJEyjvHSyhy//CH0CxmKi8w="_s;
    }
    void capsHashMatchesXep0115Examples()
    {
        QFETCH(QString, query);
        QFETCH(QString, ver);
        QCOMPARE(Modules::CapsHash::compute(TestXml::parse(query)), ver);
    }

    void publishAndRetrieve_data()
    {
        QTest::addColumn<QString>("itemsRequest"); // the <items/> element
        QTest::addColumn<QStringList>("expectedIds");
        QTest::newRow("all-oldest-first")
            << u"<items node='urn:example:mood'/>"_s << QStringList{u"b"_s, u"c"_s, u"d"_s};
        QTest::newRow("max-items-newest")
            << u"<items node='urn:example:mood' max_items='2'/>"_s << QStringList{u"c"_s, u"d"_s};
        QTest::newRow("by-id-in-request-order")
            << u"<items node='urn:example:mood'><item id='d'/><item id='b'/><item id='a'/></items>"_s
            << QStringList{u"d"_s, u"b"_s};
    }
    void publishAndRetrieve()
    {
        QFETCH(QString, itemsRequest);
        QFETCH(QStringList, expectedIds);

        TestServer server(PepConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        // max_items 3 from publish-options when the node is auto-created: "a" falls out.
        const QString options = field(u"pubsub#max_items"_s, u"3"_s);
        QCOMPARE(one(request(*alice, publishXml(u"p1"_s, u"a"_s, u"happy"_s, options))),
                 TestXml::canonical(u"<iq type='result' id='p1' to='alice@a.test/test'><pubsub "
                                    u"xmlns='http://jabber.org/protocol/pubsub'><publish node='urn:example:mood'>"
                                    u"<item id='a'/></publish></pubsub></iq>"_s));
        for (const QString& id : {u"b"_s, u"c"_s, u"d"_s}) {
            const XmlElement answer = request(*alice, publishXml(u"p-"_s + id, id, u"m-"_s + id, options));
            QCOMPARE(answer.attribute(u"type"), u"result"_s);
        }
        const XmlElement answer = request(
            *alice, u"<iq type='get' id='g1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>%1</pubsub></iq>"_s.arg(
                        itemsRequest));
        QString items;
        for (const QString& id : expectedIds) {
            items += u"<item id='%1'><mood xmlns='urn:example:mood'>m-%1</mood></item>"_s.arg(id);
        }
        QCOMPARE(one(answer),
                 TestXml::canonical(u"<iq type='result' id='g1' to='alice@a.test/test'><pubsub "
                                    u"xmlns='http://jabber.org/protocol/pubsub'><items node='urn:example:mood'>%1"
                                    u"</items></pubsub></iq>"_s.arg(items)));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("iq");
        QTest::addColumn<QString>("expectedError"); // the <error/> element
        QTest::newRow("precondition-not-met")
            << publishXml(u"e"_s, u"x"_s, u"sad"_s, field(u"pubsub#access_model"_s, u"open"_s))
            << u"<error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
               u"xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Field does not match: pubsub#access_model</text>"
               u"<precondition-not-met xmlns='http://jabber.org/protocol/pubsub#errors'/></error>"_s;
        QTest::newRow("items-of-unknown-node")
            << u"<iq type='get' id='e'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='nope'/>"
               u"</pubsub></iq>"_s
            << u"<error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"_s;
        QTest::newRow("retract-unknown-item")
            << u"<iq type='set' id='e'><pubsub xmlns='http://jabber.org/protocol/pubsub'><retract "
               u"node='urn:example:mood'><item id='zzz'/></retract></pubsub></iq>"_s
            << u"<error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"_s;
        QTest::newRow("item-without-payload")
            << u"<iq type='set' id='e'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish "
               u"node='urn:example:mood'><item id='1'/></publish></pubsub></iq>"_s
            << u"<error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
               u"xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>invalid item</text></error>"_s;
        QTest::newRow("max-items-above-limit")
            << u"<iq type='set' id='e'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><configure "
               u"node='urn:example:mood'><x xmlns='jabber:x:data' type='submit'>"_s +
                   field(u"pubsub#max_items"_s, u"100000"_s) + u"</x></configure></pubsub></iq>"_s
            << u"<error type='modify'><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"_s;
    }
    void errors()
    {
        QFETCH(QString, iq);
        QFETCH(QString, expectedError);
        TestServer server(PepConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        QCOMPARE(request(*alice, publishXml(u"p1"_s, u"a"_s, u"happy"_s)).attribute(u"type"), u"result"_s);
        const XmlElement answer = request(*alice, iq);
        QCOMPARE(answer.attribute(u"type"), u"error"_s);
        QVERIFY(answer.firstChild(u"error"));
        QCOMPARE(TestXml::canonical(*answer.firstChild(u"error")), TestXml::canonical(TestXml::parse(expectedError)));
    }

    void retractNotifiesAndRemoves()
    {
        TestServer server(PepConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto phone = server.login(u"alice"_s, u"a.test"_s, u"phone"_s);
        QVERIFY(alice && phone);
        Inbox inbox(*phone);
        phone->send(capsPresence(true));
        QTRY_COMPARE(inbox.answerQueries(clientInfo(true)), 1);
        QCOMPARE(request(*alice, publishXml(u"p1"_s, u"a"_s, u"happy"_s)).attribute(u"type"), u"result"_s);
        QTRY_COMPARE(inbox.events(), TestXml::canonical(moodEvent(u"alice@a.test/phone"_s, u"a"_s, u"happy"_s)));
        inbox.clearEvents();
        QCOMPARE(request(*alice, u"<iq type='set' id='r1'><pubsub xmlns='http://jabber.org/protocol/pubsub'><retract "
                                 u"node='urn:example:mood' notify='true'><item id='a'/></retract></pubsub></iq>"_s)
                     .attribute(u"type"),
                 u"result"_s);
        QTRY_COMPARE(inbox.events(),
                     TestXml::canonical(u"<message from='alice@a.test' to='alice@a.test/phone' type='headline'>"
                                        u"<event xmlns='http://jabber.org/protocol/pubsub#event'><items "
                                        u"node='urn:example:mood'><retract id='a'/></items></event></message>"_s));
        const XmlElement items = request(*alice, u"<iq type='get' id='g'><pubsub "
                                                 u"xmlns='http://jabber.org/protocol/pubsub'><items "
                                                 u"node='urn:example:mood'/></pubsub></iq>"_s);
        QCOMPARE(items.firstChild()->firstChild()->childElementCount(), 0);
    }

    void accessModels_data()
    {
        QTest::addColumn<QString>("accessModel");
        QTest::addColumn<QString>("subscription"); // alice's roster item for bob
        QTest::addColumn<QStringList>("groups");
        QTest::addColumn<QString>("affiliation"); // set by alice for bob ("" = none)
        QTest::addColumn<bool>("allowed");
        QTest::newRow("presence-from") << u"presence"_s << u"from"_s << QStringList() << QString() << true;
        QTest::newRow("presence-both") << u"presence"_s << u"both"_s << QStringList() << QString() << true;
        QTest::newRow("presence-to-only") << u"presence"_s << u"to"_s << QStringList() << QString() << false;
        QTest::newRow("presence-stranger") << u"presence"_s << QString() << QStringList() << QString() << false;
        QTest::newRow("open-stranger") << u"open"_s << QString() << QStringList() << QString() << true;
        QTest::newRow("whitelist-contact") << u"whitelist"_s << u"both"_s << QStringList() << QString() << false;
        QTest::newRow("whitelist-member") << u"whitelist"_s << QString() << QStringList() << u"member"_s << true;
        QTest::newRow("open-outcast") << u"open"_s << u"both"_s << QStringList() << u"outcast"_s << false;
        QTest::newRow("roster-allowed-group")
            << u"roster"_s << u"both"_s << QStringList{u"Friends"_s} << QString() << true;
        QTest::newRow("roster-other-group") << u"roster"_s << u"both"_s << QStringList{u"Work"_s} << QString() << false;
    }
    void accessModels()
    {
        QFETCH(QString, accessModel);
        QFETCH(QString, subscription);
        QFETCH(QStringList, groups);
        QFETCH(QString, affiliation);
        QFETCH(bool, allowed);

        TestServer server(PepConfig);
        if (!subscription.isEmpty()) {
            setSubscription(server, u"alice"_s, u"bob@a.test"_s, subscription, groups);
        }
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        QString options = field(u"pubsub#access_model"_s, accessModel);
        if (accessModel == u"roster"_s) {
            options += field(u"pubsub#roster_groups_allowed"_s, u"Friends"_s);
        }
        QCOMPARE(request(*alice, publishXml(u"p1"_s, u"a"_s, u"happy"_s, options)).attribute(u"type"), u"result"_s);
        if (!affiliation.isEmpty()) {
            QCOMPARE(request(*alice, u"<iq type='set' id='a1'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'>"
                                     u"<affiliations node='urn:example:mood'><affiliation jid='bob@a.test' "
                                     u"affiliation='%1'/></affiliations></pubsub></iq>"_s.arg(affiliation))
                         .attribute(u"type"),
                     u"result"_s);
        }
        const XmlElement answer =
            request(*bob, u"<iq type='get' id='g1' to='alice@a.test'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                          u"<items node='urn:example:mood'/></pubsub></iq>"_s);
        if (allowed) {
            QCOMPARE(one(answer),
                     TestXml::canonical(u"<iq type='result' id='g1' from='alice@a.test' to='bob@a.test/test'><pubsub "
                                        u"xmlns='http://jabber.org/protocol/pubsub'><items node='urn:example:mood'>"
                                        u"<item id='a'><mood xmlns='urn:example:mood'>happy</mood></item></items>"
                                        u"</pubsub></iq>"_s));
        } else {
            QCOMPARE(answer.attribute(u"type"), u"error"_s);
            QVERIFY(answer.firstChild(u"error")->firstChild(u"forbidden"));
        }
        // Only the owner publishes.
        const XmlElement denied =
            request(*bob, publishXml(u"p2"_s, u"b"_s, u"x"_s).replace(u"<iq "_s, u"<iq to='alice@a.test' "_s));
        QCOMPARE(denied.attribute(u"type"), u"error"_s);
    }

    void capsNotifyDeliversLastItemAndUpdates()
    {
        TestServer server(PepConfig);
        for (const QString& contact : {u"bob"_s, u"carol"_s, u"dave"_s}) {
            setSubscription(server, u"alice"_s, contact + u"@a.test"_s, u"both"_s);
            setSubscription(server, contact, u"alice@a.test"_s, u"both"_s);
        }
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->sendAvailable();
        QCOMPARE(request(*alice, publishXml(u"p1"_s, u"a"_s, u"happy"_s)).attribute(u"type"), u"result"_s);

        // Bob comes online with caps: alice's service asks bob what they mean, then sends the last item.
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(bob);
        Inbox bobInbox(*bob);
        bob->send(capsPresence(true));
        QTRY_COMPARE(bobInbox.answerQueries(clientInfo(true)), 2); // from alice's and from bob's own service
        QTRY_COMPARE(bobInbox.events(), TestXml::canonical(moodEvent(u"bob@a.test/test"_s, u"a"_s, u"happy"_s)));
        bobInbox.clearEvents();

        // The same caps again (carol): verified and cached, so no query, but the last item.
        auto carol = server.login(u"carol"_s, u"a.test"_s);
        QVERIFY(carol);
        Inbox carolInbox(*carol);
        carol->send(capsPresence(true));
        QTRY_COMPARE(carolInbox.events(), TestXml::canonical(moodEvent(u"carol@a.test/test"_s, u"a"_s, u"happy"_s)));
        carolInbox.clearEvents();
        QCOMPARE(carolInbox.answerQueries(clientInfo(true)), 0);

        // Dave's client does not want the node: nothing.
        auto dave = server.login(u"dave"_s, u"a.test"_s);
        QVERIFY(dave);
        Inbox daveInbox(*dave);
        dave->send(capsPresence(false));
        QTRY_COMPARE(daveInbox.answerQueries(clientInfo(false)), 2);

        // A new item reaches bob and carol, not dave; a status change does not resend the last item.
        bob->send(capsPresence(true));
        QCOMPARE(request(*alice, publishXml(u"p2"_s, u"b"_s, u"calm"_s)).attribute(u"type"), u"result"_s);
        QTRY_COMPARE(bobInbox.events(), TestXml::canonical(moodEvent(u"bob@a.test/test"_s, u"b"_s, u"calm"_s)));
        QTRY_COMPARE(carolInbox.events(), TestXml::canonical(moodEvent(u"carol@a.test/test"_s, u"b"_s, u"calm"_s)));
        QCOMPARE(daveInbox.events(), QStringList());
        bobInbox.clearEvents();
        carolInbox.clearEvents();

        // Offline: no more notifications.
        bob->send(u"<presence type='unavailable'/>"_s);
        QCOMPARE(request(*alice, publishXml(u"p3"_s, u"c"_s, u"sleepy"_s)).attribute(u"type"), u"result"_s);
        QTRY_COMPARE(carolInbox.events(), TestXml::canonical(moodEvent(u"carol@a.test/test"_s, u"c"_s, u"sleepy"_s)));
        QCOMPARE(bobInbox.events(), QStringList());
    }

    void unverifiedCapsAreNotCached()
    {
        TestServer server(PepConfig);
        setSubscription(server, u"alice"_s, u"bob@a.test"_s, u"both"_s);
        setSubscription(server, u"bob"_s, u"alice@a.test"_s, u"both"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(bob);
        const QString lying = u"<presence><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='x' "
                              u"ver='AAAAAAAAAAAAAAAAAAAAAAAAAAA='/></presence>"_s;
        Inbox first(*bob);
        bob->send(lying);
        QTRY_COMPARE(first.answerQueries(clientInfo(true)), 2);
        // The answer still applies to bob, but the next entity with that ver is asked again.
        auto bob2 = server.login(u"bob"_s, u"a.test"_s, u"second"_s);
        QVERIFY(bob2);
        Inbox second(*bob2);
        bob2->send(lying);
        QTRY_COMPARE(second.answerQueries(clientInfo(true)), 2);
    }

    void accountDisco()
    {
        TestServer server(PepConfig);
        setSubscription(server, u"alice"_s, u"bob@a.test"_s, u"from"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        QCOMPARE(request(*alice, publishXml(u"p1"_s, u"a"_s, u"happy"_s)).attribute(u"type"), u"result"_s);
        QCOMPARE(request(*alice, u"<iq type='set' id='p2'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish "
                                 u"node='secret'><item id='1'><x xmlns='urn:example:secret'/></item></publish>"
                                 u"<publish-options><x xmlns='jabber:x:data' type='submit'>"_s +
                                     field(u"pubsub#access_model"_s, u"whitelist"_s) +
                                     u"</x></publish-options></pubsub></iq>"_s)
                     .attribute(u"type"),
                 u"result"_s);

        const XmlElement info =
            request(*alice, u"<iq type='get' id='i1'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"_s);
        const XmlElement* query = info.firstChild(u"query");
        QVERIFY(query);
        bool pep = false;
        QStringList features;
        for (const XmlElement* identity : query->children(u"identity")) {
            pep |= identity->attribute(u"category") == u"pubsub"_s && identity->attribute(u"type") == u"pep"_s;
        }
        for (const XmlElement* feature : query->children(u"feature")) {
            features << feature->attribute(u"var");
        }
        QVERIFY(pep);
        QVERIFY(features.contains(u"http://jabber.org/protocol/pubsub#publish-options"_s));
        QVERIFY(features.contains(u"http://jabber.org/protocol/pubsub#auto-create"_s));

        const QString itemsQuery = u"<iq type='get' id='i2'%1><query xmlns='http://jabber.org/protocol/disco#items'/>"
                                   u"</iq>"_s;
        QCOMPARE(
            one(request(*alice, itemsQuery.arg(QString()))),
            TestXml::canonical(u"<iq type='result' id='i2' to='alice@a.test/test'><query "
                               u"xmlns='http://jabber.org/protocol/disco#items'><item jid='alice@a.test' "
                               u"node='secret'/><item jid='alice@a.test' node='urn:example:mood'/></query></iq>"_s));
        // A contact sees the presence-access node only.
        QCOMPARE(one(request(*bob, itemsQuery.arg(u" to='alice@a.test'"_s))),
                 TestXml::canonical(u"<iq type='result' id='i2' from='alice@a.test' to='bob@a.test/test'><query "
                                    u"xmlns='http://jabber.org/protocol/disco#items'><item jid='alice@a.test' "
                                    u"node='urn:example:mood'/></query></iq>"_s));
    }

    void persistsAcrossRestart()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(u"canto.sqlite"_s);
        {
            TestServer server(PepConfig, {.sqliteFile = file});
            auto alice = server.login(u"alice"_s, u"a.test"_s);
            QVERIFY(alice);
            const QString options = field(u"pubsub#max_items"_s, u"2"_s) + field(u"pubsub#access_model"_s, u"open"_s);
            for (const QString& id : {u"a"_s, u"b"_s, u"c"_s}) {
                QCOMPARE(request(*alice, publishXml(u"p"_s + id, id, u"m-"_s + id, options)).attribute(u"type"),
                         u"result"_s);
            }
            // A write-through round trip: the last write is done once a read after it answers.
            QCOMPARE(request(*alice, u"<iq type='get' id='c'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'>"
                                     u"<configure node='urn:example:mood'/></pubsub></iq>"_s)
                         .attribute(u"type"),
                     u"result"_s);
        }
        TestServer server(PepConfig, {.sqliteFile = file});
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        QCOMPARE(one(request(*alice, u"<iq type='get' id='g'><pubsub "
                                     u"xmlns='http://jabber.org/protocol/pubsub'><items "
                                     u"node='urn:example:mood'/></pubsub></iq>"_s)),
                 TestXml::canonical(u"<iq type='result' id='g' to='alice@a.test/test'><pubsub "
                                    u"xmlns='http://jabber.org/protocol/pubsub'><items node='urn:example:mood'>"
                                    u"<item id='b'><mood xmlns='urn:example:mood'>m-b</mood></item>"
                                    u"<item id='c'><mood xmlns='urn:example:mood'>m-c</mood></item>"
                                    u"</items></pubsub></iq>"_s));
        // The configuration came back too (access model open, max 2).
        const XmlElement config = request(*alice, u"<iq type='get' id='c'><pubsub "
                                                  u"xmlns='http://jabber.org/protocol/pubsub#owner'><configure "
                                                  u"node='urn:example:mood'/></pubsub></iq>"_s);
        QStringList values;
        for (const XmlElement* f : config.firstChild()->firstChild()->firstChild()->children(u"field")) {
            if (f->attribute(u"var") == u"pubsub#access_model"_s || f->attribute(u"var") == u"pubsub#max_items"_s) {
                values << f->attribute(u"var") + u'=' + f->childText(u"value");
            }
        }
        QCOMPARE(values, (QStringList{u"pubsub#max_items=2"_s, u"pubsub#access_model=open"_s}));
    }
};

QTEST_GUILESS_MAIN(tst_PepModule)
#include "tst_PepModule.moc"
