#include "RosterScenarios.h"

#include "ClientOptions.h"
#include "Console.h"
#include "StanzaXml.h"

namespace Canto::Interop {

namespace {

QString rosterGetXml()
{
    return QStringLiteral("<iq type='get'><query xmlns='jabber:iq:roster'/></iq>");
}

QString removeXml(const QString& jid)
{
    return QStringLiteral("<iq type='set'><query xmlns='jabber:iq:roster'><item jid='%1' subscription='remove'/>"
                          "</query></iq>")
        .arg(StanzaXml::escape(jid));
}

QString presenceXml(const QString& to, const QString& type)
{
    return QStringLiteral("<presence to='%1' type='%2'/>").arg(StanzaXml::escape(to), type);
}

// A presence of `type` (empty: available) whose sender's bare JID is `fromBare`; with
// `fullFrom` the sender must be a full JID (a resource's own presence).
XmppSession::StanzaMatch presenceFrom(const QString& fromBare, const QString& type, bool fullFrom)
{
    return [fromBare, type, fullFrom](const QDomElement& stanza) {
        const QString from = stanza.attribute(QStringLiteral("from"));
        const QString bare = from.section(QLatin1Char('/'), 0, 0);
        return StanzaXml::isStanza(stanza, QLatin1String("presence")) &&
               stanza.attribute(QStringLiteral("type")) == type && bare.compare(fromBare, Qt::CaseInsensitive) == 0 &&
               (fullFrom ? from.contains(QLatin1Char('/')) : !from.contains(QLatin1Char('/')));
    };
}

} // namespace

RosterScenarios::Item RosterScenarios::itemIn(const QDomElement& iq, const QString& jid)
{
    const QDomElement query = StanzaXml::child(iq, QLatin1String("query"), StanzaXml::NsRoster);
    for (QDomElement element = query.firstChildElement(); !element.isNull(); element = element.nextSiblingElement()) {
        if (!StanzaXml::is(element, QLatin1String("item"), StanzaXml::NsRoster) ||
            element.attribute(QStringLiteral("jid")).compare(jid, Qt::CaseInsensitive) != 0) {
            continue;
        }
        Item item;
        item.present = true;
        item.name = element.attribute(QStringLiteral("name"));
        item.subscription = element.attribute(QStringLiteral("subscription"), QStringLiteral("none"));
        item.ask = element.attribute(QStringLiteral("ask"));
        for (QDomElement group = element.firstChildElement(); !group.isNull(); group = group.nextSiblingElement()) {
            if (StanzaXml::is(group, QLatin1String("group"), StanzaXml::NsRoster)) {
                item.groups << group.text();
            }
        }
        item.groups.sort();
        return item;
    }
    return {};
}

QString RosterScenarios::describe(const Item& item)
{
    if (!item.present) {
        return QStringLiteral("(no item)");
    }
    return QStringLiteral("subscription='%1' ask='%2' name='%3' groups=[%4]")
        .arg(item.subscription, item.ask, item.name, item.groups.join(QStringLiteral(", ")));
}

RosterScenarios::Item RosterScenarios::expect(const QString& subscription, const QString& ask, const QString& name,
                                              QStringList groups)
{
    Item item;
    item.present = true;
    item.subscription = subscription;
    item.ask = ask;
    item.name = name;
    groups.sort();
    item.groups = groups;
    return item;
}

Outcome RosterScenarios::compare(const QString& where, const Item& actual, const Item& expected)
{
    const bool same =
        actual.present == expected.present &&
        (!expected.present || (actual.name == expected.name && actual.subscription == expected.subscription &&
                               actual.ask == expected.ask && actual.groups == expected.groups));
    if (!same) {
        return Outcome::fail(
            QStringLiteral("%1: expected %2, got %3").arg(where, describe(expected), describe(actual)));
    }
    return Outcome::pass();
}

Outcome RosterScenarios::getRoster(XmppSession& session, QDomDocument* roster)
{
    if (Outcome step = session.requestXml(rosterGetXml(), roster); !step) {
        return step;
    }
    if (StanzaXml::child(roster->documentElement(), QLatin1String("query"), StanzaXml::NsRoster).isNull()) {
        return Outcome::fail(QStringLiteral("roster result without <query xmlns='jabber:iq:roster'/>: %1")
                                 .arg(StanzaXml::toText(roster->documentElement())));
    }
    return Outcome::pass();
}

Outcome RosterScenarios::expectRosterItem(XmppSession& session, const QString& jid, const Item& expected)
{
    m_console.step(
        QStringLiteral("%1: roster get, item %2 must be %3").arg(session.bareJid(), jid, describe(expected)));
    QDomDocument roster;
    if (Outcome step = getRoster(session, &roster); !step) {
        return step;
    }
    return compare(QStringLiteral("%1's roster item %2").arg(session.bareJid(), jid),
                   itemIn(roster.documentElement(), jid), expected);
}

Outcome RosterScenarios::expectPush(XmppSession& session, const QString& jid, const Item& expected)
{
    const QString owner = session.bareJid();
    const auto isPush = [owner, jid, expected](const QDomElement& stanza) {
        const QString from = stanza.attribute(QStringLiteral("from"));
        // RFC 6121 §2.1.6: a push not from the account itself must be ignored, so it is no push.
        const bool fromAccount = from.isEmpty() || from.compare(owner, Qt::CaseInsensitive) == 0;
        if (!StanzaXml::isStanza(stanza, QLatin1String("iq")) ||
            stanza.attribute(QStringLiteral("type")) != QLatin1String("set") || !fromAccount) {
            return false;
        }
        const Item item = itemIn(stanza, jid);
        return item.present && item.subscription == expected.subscription && item.ask == expected.ask;
    };
    QDomElement push;
    if (Outcome step = session.waitForStanza(QStringLiteral("roster push for %1 with %2").arg(jid, describe(expected)),
                                             isPush, &push);
        !step) {
        return step;
    }
    return compare(QStringLiteral("roster push to %1 for %2").arg(owner, jid), itemIn(push, jid), expected);
}

Outcome RosterScenarios::setItem(XmppSession& session, const QString& jid, const QString& name,
                                 const QStringList& groups)
{
    QString groupXml;
    for (const QString& group : groups) {
        groupXml += QStringLiteral("<group>%1</group>").arg(StanzaXml::escape(group));
    }
    const QString xml =
        QStringLiteral("<iq type='set'><query xmlns='jabber:iq:roster'><item jid='%1' name='%2'>%3</item></query></iq>")
            .arg(StanzaXml::escape(jid), StanzaXml::escape(name), groupXml);
    m_console.step(QStringLiteral("%1: roster set %2 name '%3' groups [%4]")
                       .arg(session.bareJid(), jid, name, groups.join(QStringLiteral(", "))));
    QDomDocument result;
    return session.requestXml(xml, &result);
}

Outcome RosterScenarios::removeIfPresent(XmppSession& session, const QString& jid)
{
    QDomDocument roster;
    if (Outcome step = getRoster(session, &roster); !step) {
        return step;
    }
    if (!itemIn(roster.documentElement(), jid).present) {
        return Outcome::pass();
    }
    m_console.step(QStringLiteral("%1: removing %2 left over from an earlier run").arg(session.bareJid(), jid));
    QDomDocument result;
    if (Outcome step = session.requestXml(removeXml(jid), &result); !step) {
        return step;
    }
    return expectPush(session, jid, expect(QStringLiteral("remove")));
}

Outcome RosterScenarios::roster()
{
    std::unique_ptr<XmppSession> alice;
    if (Outcome step = login(Account::Alice, QStringLiteral("alice"), m_options.resource, 0, &alice); !step) {
        return step;
    }
    // A fresh contact per run: the roster is stored, and a leftover must not make a run pass.
    const QString contact = QStringLiteral("contact-%1@%2").arg(token(), m_options.domain);
    const QString name = QStringLiteral("Ada & \"Öz\" <%1>").arg(token());
    const QString renamed = QStringLiteral("Ada Renamed");
    const QStringList groups{QStringLiteral("Friends")};
    const QStringList regrouped{QStringLiteral("Work"), QStringLiteral("Friends & Family")};

    // The roster get also makes this resource "interested", i.e. one that receives pushes.
    if (Outcome step = expectRosterItem(*alice, contact, Item{}); !step) {
        return step;
    }
    if (Outcome step = setItem(*alice, contact, name, groups); !step) {
        return step;
    }
    if (Outcome step = expectPush(*alice, contact, expect(QStringLiteral("none"), {}, name, groups)); !step) {
        return step;
    }
    if (Outcome step = expectRosterItem(*alice, contact, expect(QStringLiteral("none"), {}, name, groups)); !step) {
        return step;
    }
    if (Outcome step = setItem(*alice, contact, renamed, regrouped); !step) {
        return step;
    }
    if (Outcome step = expectPush(*alice, contact, expect(QStringLiteral("none"), {}, renamed, regrouped)); !step) {
        return step;
    }
    if (Outcome step = expectRosterItem(*alice, contact, expect(QStringLiteral("none"), {}, renamed, regrouped));
        !step) {
        return step;
    }
    m_console.step(QStringLiteral("alice: roster remove %1").arg(contact));
    QDomDocument result;
    if (Outcome step = alice->requestXml(removeXml(contact), &result); !step) {
        return step;
    }
    if (Outcome step = expectPush(*alice, contact, expect(QStringLiteral("remove"))); !step) {
        return step;
    }
    if (Outcome step = expectRosterItem(*alice, contact, Item{}); !step) {
        return step;
    }
    return alice->logout();
}

Outcome RosterScenarios::subscription()
{
    if (Outcome step = requirePeer(); !step) {
        return step;
    }
    const QString aliceJid = bareJid(Account::Alice);
    const QString bobJid = bareJid(Account::Bob);
    std::unique_ptr<XmppSession> alice;
    std::unique_ptr<XmppSession> bob;
    if (Outcome step = login(Account::Alice, QStringLiteral("alice"), QStringLiteral("sub-") + token(), 0, &alice);
        !step) {
        return step;
    }
    if (Outcome step = login(Account::Bob, QStringLiteral("bob"), QStringLiteral("sub-") + token(), 0, &bob); !step) {
        return step;
    }
    // Start from "no relation" whatever an earlier run left behind.
    if (Outcome step = removeIfPresent(*alice, bobJid); !step) {
        return step;
    }
    if (Outcome step = removeIfPresent(*bob, aliceJid); !step) {
        return step;
    }
    if (Outcome step = expectRosterItem(*alice, bobJid, Item{}); !step) {
        return step;
    }
    if (Outcome step = expectRosterItem(*bob, aliceJid, Item{}); !step) {
        return step;
    }

    const QString none = QStringLiteral("none");
    const QString from = QStringLiteral("from");
    const QString to = QStringLiteral("to");
    const QString both = QStringLiteral("both");
    const QString pending = QStringLiteral("subscribe");

    m_console.step(QStringLiteral("alice subscribes to bob"));
    if (Outcome step = alice->sendXml(presenceXml(bobJid, QStringLiteral("subscribe"))); !step) {
        return step;
    }
    if (Outcome step = expectPush(*alice, bobJid, expect(none, pending)); !step) {
        return step;
    }
    if (Outcome step = bob->waitForStanza(QStringLiteral("subscription request from alice's bare JID"),
                                          presenceFrom(aliceJid, QStringLiteral("subscribe"), false));
        !step) {
        return step;
    }

    m_console.step(QStringLiteral("bob approves"));
    if (Outcome step = bob->sendXml(presenceXml(aliceJid, QStringLiteral("subscribed"))); !step) {
        return step;
    }
    if (Outcome step = expectPush(*bob, aliceJid, expect(from)); !step) {
        return step;
    }
    if (Outcome step = expectPush(*alice, bobJid, expect(to)); !step) {
        return step;
    }
    if (Outcome step = alice->waitForStanza(QStringLiteral("'subscribed' from bob's bare JID"),
                                            presenceFrom(bobJid, QStringLiteral("subscribed"), false));
        !step) {
        return step;
    }
    if (Outcome step = alice->waitForStanza(QStringLiteral("bob's available presence from his resource"),
                                            presenceFrom(bobJid, QString(), true));
        !step) {
        return step;
    }
    if (Outcome step = expectRosterItem(*alice, bobJid, expect(to)); !step) {
        return step;
    }
    if (Outcome step = expectRosterItem(*bob, aliceJid, expect(from)); !step) {
        return step;
    }

    m_console.step(QStringLiteral("bob subscribes back, alice approves"));
    if (Outcome step = bob->sendXml(presenceXml(aliceJid, QStringLiteral("subscribe"))); !step) {
        return step;
    }
    if (Outcome step = expectPush(*bob, aliceJid, expect(from, pending)); !step) {
        return step;
    }
    if (Outcome step = alice->waitForStanza(QStringLiteral("subscription request from bob's bare JID"),
                                            presenceFrom(bobJid, QStringLiteral("subscribe"), false));
        !step) {
        return step;
    }
    if (Outcome step = alice->sendXml(presenceXml(bobJid, QStringLiteral("subscribed"))); !step) {
        return step;
    }
    if (Outcome step = expectPush(*alice, bobJid, expect(both)); !step) {
        return step;
    }
    if (Outcome step = expectPush(*bob, aliceJid, expect(both)); !step) {
        return step;
    }
    if (Outcome step = bob->waitForStanza(QStringLiteral("alice's available presence from her resource"),
                                          presenceFrom(aliceJid, QString(), true));
        !step) {
        return step;
    }
    if (Outcome step = expectRosterItem(*alice, bobJid, expect(both)); !step) {
        return step;
    }
    if (Outcome step = expectRosterItem(*bob, aliceJid, expect(both)); !step) {
        return step;
    }

    m_console.step(QStringLiteral("alice unsubscribes from bob"));
    if (Outcome step = alice->sendXml(presenceXml(bobJid, QStringLiteral("unsubscribe"))); !step) {
        return step;
    }
    if (Outcome step = expectPush(*alice, bobJid, expect(from)); !step) {
        return step;
    }
    if (Outcome step = bob->waitForStanza(QStringLiteral("'unsubscribe' from alice's bare JID"),
                                          presenceFrom(aliceJid, QStringLiteral("unsubscribe"), false));
        !step) {
        return step;
    }
    if (Outcome step = expectPush(*bob, aliceJid, expect(to)); !step) {
        return step;
    }
    if (Outcome step = expectRosterItem(*alice, bobJid, expect(from)); !step) {
        return step;
    }
    if (Outcome step = expectRosterItem(*bob, aliceJid, expect(to)); !step) {
        return step;
    }

    // Leave no relation behind for the other scenarios (and the next run).
    if (Outcome step = removeIfPresent(*alice, bobJid); !step) {
        return step;
    }
    if (Outcome step = removeIfPresent(*bob, aliceJid); !step) {
        return step;
    }
    if (Outcome step = bob->logout(); !step) {
        return step;
    }
    return alice->logout();
}

} // namespace Canto::Interop
