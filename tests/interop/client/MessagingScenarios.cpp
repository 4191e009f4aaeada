#include "MessagingScenarios.h"

#include "ClientOptions.h"
#include "Console.h"
#include "StanzaTap.h"
#include "StanzaXml.h"

namespace Canto::Interop {

namespace {

XmppSession::StanzaMatch messageWithId(const QString& id)
{
    return [id](const QDomElement& stanza) {
        return StanzaXml::isStanza(stanza, QLatin1String("message")) && stanza.attribute(QStringLiteral("id")) == id;
    };
}

QString bodyFor(const QString& id)
{
    return QStringLiteral("body of %1: <&> ünïcödé").arg(id);
}

// The forwarded <message/> inside a carbon of `direction`, or null.
QDomElement carbonPayload(const QDomElement& stanza, const QString& direction)
{
    QDomElement wrapper;
    for (QDomElement child = stanza.firstChildElement(); !child.isNull(); child = child.nextSiblingElement()) {
        if (child.localName() == direction && child.namespaceURI() == StanzaXml::NsCarbons) {
            wrapper = child;
        }
    }
    const QDomElement forwarded = StanzaXml::child(wrapper, QLatin1String("forwarded"), StanzaXml::NsForward);
    return StanzaXml::child(forwarded, QLatin1String("message"), StanzaXml::NsClient);
}

XmppSession::StanzaMatch carbonOf(const QString& direction, const QString& id)
{
    return [direction, id](const QDomElement& stanza) {
        if (!StanzaXml::isStanza(stanza, QLatin1String("message"))) {
            return false;
        }
        const QDomElement inner = carbonPayload(stanza, direction);
        return !inner.isNull() && inner.attribute(QStringLiteral("id")) == id;
    };
}

// The message itself, not a carbon that wraps it (a carbon's own id is the server's choice).
XmppSession::StanzaMatch originalWithId(const QString& id)
{
    return [id](const QDomElement& stanza) {
        return messageWithId(id)(stanza) && carbonPayload(stanza, QStringLiteral("sent")).isNull() &&
               carbonPayload(stanza, QStringLiteral("received")).isNull();
    };
}

} // namespace

Outcome MessagingScenarios::deliver(XmppSession& sender, XmppSession& receiver, const QString& to, const QString& id,
                                    QDomElement* received)
{
    m_console.step(QStringLiteral("%1 sends chat %2 to %3").arg(sender.boundJid(), id, to));
    if (Outcome step = sender.sendXml(chatXml(to, id, bodyFor(id))); !step) {
        return step;
    }
    QDomElement message;
    if (Outcome step = receiver.waitForStanza(QStringLiteral("message %1 at %2").arg(id, receiver.boundJid()),
                                              originalWithId(id), &message);
        !step) {
        return step;
    }
    const QString from = message.attribute(QStringLiteral("from"));
    const QString gotTo = message.attribute(QStringLiteral("to"));
    if (StanzaXml::bodyOf(message) != bodyFor(id)) {
        return Outcome::fail(
            QStringLiteral("message %1: body '%2', sent '%3'").arg(id, StanzaXml::bodyOf(message), bodyFor(id)));
    }
    if (from != sender.boundJid()) {
        return Outcome::fail(QStringLiteral("message %1: from '%2', expected the sender's full JID %3")
                                 .arg(id, from, sender.boundJid()));
    }
    if (gotTo.compare(to, Qt::CaseInsensitive) != 0) {
        return Outcome::fail(QStringLiteral("message %1: to '%2', expected it unchanged as '%3'").arg(id, gotTo, to));
    }
    if (message.attribute(QStringLiteral("type")) != QLatin1String("chat")) {
        return Outcome::fail(
            QStringLiteral("message %1: type '%2', sent 'chat'").arg(id, message.attribute(QStringLiteral("type"))));
    }
    if (received) {
        *received = message;
    }
    return Outcome::pass();
}

Outcome MessagingScenarios::delivery()
{
    if (Outcome step = requirePeer(); !step) {
        return step;
    }
    const QString bobJid = bareJid(Account::Bob);
    std::unique_ptr<XmppSession> alice;
    std::unique_ptr<XmppSession> bobHigh;
    std::unique_ptr<XmppSession> bobLow;
    if (Outcome step = login(Account::Alice, QStringLiteral("alice"), QStringLiteral("d-") + token(), 0, &alice);
        !step) {
        return step;
    }
    if (Outcome step = login(Account::Bob, QStringLiteral("bob-high"), QStringLiteral("high-") + token(), 10, &bobHigh);
        !step) {
        return step;
    }
    if (Outcome step = login(Account::Bob, QStringLiteral("bob-low"), QStringLiteral("low-") + token(), 1, &bobLow);
        !step) {
        return step;
    }

    const QString run = token();
    const QString toBare = QStringLiteral("bare-") + run;
    const QString toLow = QStringLiteral("full-low-") + run;
    const QString toHigh = QStringLiteral("full-high-") + run;
    if (Outcome step = deliver(*alice, *bobHigh, bobJid, toBare); !step) {
        return step;
    }
    if (Outcome step = deliver(*alice, *bobLow, bobLow->boundJid(), toLow); !step) {
        return step;
    }
    if (Outcome step = deliver(*alice, *bobHigh, bobHigh->boundJid(), toHigh); !step) {
        return step;
    }
    // Alice's stream is processed in order: a copy of an earlier message for the other resource
    // would have arrived before the later message that did.
    m_console.step(QStringLiteral("each message reached exactly its resource"));
    const int bareAtLow = bobLow->countStanzas(messageWithId(toBare));
    const int fullLowAtHigh = bobHigh->countStanzas(messageWithId(toLow));
    const int bareAtHigh = bobHigh->countStanzas(messageWithId(toBare));
    if (bareAtLow != 0) {
        return Outcome::fail(QStringLiteral("the chat to the bare JID also reached the priority-1 resource "
                                            "(RFC 6121 §8.5.2.1.1: only the highest priority)"));
    }
    if (fullLowAtHigh != 0) {
        return Outcome::fail(QStringLiteral("the chat to bob's low-priority full JID also reached the other resource"));
    }
    if (bareAtHigh != 1) {
        return Outcome::fail(
            QStringLiteral("the chat to the bare JID reached the priority-10 resource %1 times").arg(bareAtHigh));
    }

    const QString unknown = QStringLiteral("nobody-%1@%2").arg(token(), m_options.domain);
    const QString bounceId = QStringLiteral("unknown-") + run;
    m_console.step(QStringLiteral("chat to unknown user %1 must bounce with service-unavailable").arg(unknown));
    if (Outcome step = alice->sendXml(chatXml(unknown, bounceId, bodyFor(bounceId))); !step) {
        return step;
    }
    QDomElement bounce;
    if (Outcome step = alice->waitForStanza(QStringLiteral("error for message %1").arg(bounceId),
                                            messageWithId(bounceId), &bounce);
        !step) {
        return step;
    }
    if (bounce.attribute(QStringLiteral("type")) != QLatin1String("error") ||
        StanzaXml::errorOf(bounce) != QLatin1String("cancel/service-unavailable")) {
        return Outcome::fail(QStringLiteral("expected <message type='error'> with cancel/service-unavailable, got %1")
                                 .arg(StanzaXml::toText(bounce)));
    }
    if (bounce.attribute(QStringLiteral("from")).compare(unknown, Qt::CaseInsensitive) != 0) {
        return Outcome::fail(QStringLiteral("the error came from '%1', expected the unknown JID %2")
                                 .arg(bounce.attribute(QStringLiteral("from")), unknown));
    }
    for (XmppSession* session : {bobLow.get(), bobHigh.get(), alice.get()}) {
        if (Outcome step = session->logout(); !step) {
            return step;
        }
    }
    return Outcome::pass();
}

Outcome MessagingScenarios::offline()
{
    if (Outcome step = requirePeer(); !step) {
        return step;
    }
    const QString bobJid = bareJid(Account::Bob);
    std::unique_ptr<XmppSession> alice;
    if (Outcome step = login(Account::Alice, QStringLiteral("alice"), QStringLiteral("o-") + token(), 0, &alice);
        !step) {
        return step;
    }
    // XEP-0082 stamps have whole seconds at least; allow for that and a little clock slack.
    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-2);
    const QString run = token();
    const QStringList ids{QStringLiteral("offline-1-") + run, QStringLiteral("offline-2-") + run};
    for (const QString& id : ids) {
        m_console.step(QStringLiteral("alice sends chat %1 to offline bob").arg(id));
        if (Outcome step = alice->sendXml(chatXml(bobJid, id, bodyFor(id))); !step) {
            return step;
        }
    }
    if (Outcome step = alice->sync(); !step) {
        return step;
    }
    if (const int bounces =
            alice->countStanzas(messageWithId(ids.first())) + alice->countStanzas(messageWithId(ids.last()));
        bounces != 0) {
        return Outcome::fail(QStringLiteral("the server answered the offline messages instead of storing them"));
    }
    const QDateTime after = QDateTime::currentDateTimeUtc().addSecs(2);

    std::unique_ptr<XmppSession> bob;
    if (Outcome step = login(Account::Bob, QStringLiteral("bob"), QStringLiteral("o-") + token(), 0, &bob); !step) {
        return step;
    }
    QList<int> positions;
    for (const QString& id : ids) {
        QDomElement message;
        if (Outcome step =
                bob->waitForStanza(QStringLiteral("offline message %1").arg(id), messageWithId(id), &message);
            !step) {
            return step;
        }
        if (StanzaXml::bodyOf(message) != bodyFor(id) ||
            message.attribute(QStringLiteral("from")) != alice->boundJid()) {
            return Outcome::fail(QStringLiteral("offline message %1 changed: %2").arg(id, StanzaXml::toText(message)));
        }
        const QDomElement delay = StanzaXml::child(message, QLatin1String("delay"), StanzaXml::NsDelay);
        if (delay.isNull()) {
            return Outcome::fail(QStringLiteral("offline message %1 has no <delay xmlns='urn:xmpp:delay'/>").arg(id));
        }
        const QString stampText = delay.attribute(QStringLiteral("stamp"));
        const QDateTime stamp = StanzaXml::parseStamp(stampText);
        if (!stamp.isValid() || stamp < before || stamp > after) {
            return Outcome::fail(QStringLiteral("offline message %1: delay stamp '%2' is not a XEP-0082 time between "
                                                "%3 and %4")
                                     .arg(id, stampText, before.toString(Qt::ISODate), after.toString(Qt::ISODate)));
        }
        // XEP-0203 §3: 'from' on the delay is the entity that delayed it, here the server.
        const QString delayFrom = delay.attribute(QStringLiteral("from"));
        if (delayFrom.compare(m_options.domain, Qt::CaseInsensitive) != 0) {
            return Outcome::fail(QStringLiteral("offline message %1: delay from '%2', expected the server %3")
                                     .arg(id, delayFrom, m_options.domain));
        }
        const QList<QDomDocument>& all = bob->tap().stanzas();
        for (int i = 0; i < all.size(); ++i) {
            if (all.at(i).documentElement() == message) {
                positions << i;
            }
        }
    }
    if (positions.size() != 2 || positions.first() >= positions.last()) {
        return Outcome::fail(QStringLiteral("offline messages out of order (positions %1, %2)")
                                 .arg(positions.value(0, -1))
                                 .arg(positions.value(1, -1)));
    }
    // A live message afterwards: when it is in, every stored copy has been flushed already.
    const QString liveId = QStringLiteral("live-") + run;
    QDomElement live;
    if (Outcome step = deliver(*alice, *bob, bobJid, liveId, &live); !step) {
        return step;
    }
    if (!StanzaXml::child(live, QLatin1String("delay"), StanzaXml::NsDelay).isNull()) {
        return Outcome::fail(QStringLiteral("a live message carries a delay element"));
    }
    for (const QString& id : ids) {
        if (const int copies = bob->countStanzas(messageWithId(id)); copies != 1) {
            return Outcome::fail(QStringLiteral("offline message %1 delivered %2 times").arg(id).arg(copies));
        }
    }
    if (Outcome step = bob->logout(); !step) {
        return step;
    }
    return alice->logout();
}

Outcome MessagingScenarios::expectCarbon(XmppSession& session, const QString& direction, const QString& id,
                                         const QString& innerFrom, const QString& innerTo)
{
    QDomElement carbon;
    if (Outcome step = session.waitForStanza(QStringLiteral("<%1/> carbon of %2").arg(direction, id),
                                             carbonOf(direction, id), &carbon);
        !step) {
        return step;
    }
    // XEP-0280 §11: a carbon not from the account's own bare JID is a forgery.
    if (carbon.attribute(QStringLiteral("from")).compare(session.bareJid(), Qt::CaseInsensitive) != 0) {
        return Outcome::fail(QStringLiteral("carbon of %1 from '%2', expected the bare JID %3")
                                 .arg(id, carbon.attribute(QStringLiteral("from")), session.bareJid()));
    }
    if (carbon.attribute(QStringLiteral("to")) != session.boundJid()) {
        return Outcome::fail(QStringLiteral("carbon of %1 addressed to '%2', expected %3")
                                 .arg(id, carbon.attribute(QStringLiteral("to")), session.boundJid()));
    }
    const QDomElement inner = carbonPayload(carbon, direction);
    const bool same = inner.attribute(QStringLiteral("from")).compare(innerFrom, Qt::CaseInsensitive) == 0 &&
                      inner.attribute(QStringLiteral("to")).compare(innerTo, Qt::CaseInsensitive) == 0 &&
                      StanzaXml::bodyOf(inner) == bodyFor(id) &&
                      inner.attribute(QStringLiteral("type")) == QLatin1String("chat");
    if (!same) {
        return Outcome::fail(QStringLiteral("carbon of %1 wraps %2; expected from %3 to %4 with the original body")
                                 .arg(id, StanzaXml::toText(inner), innerFrom, innerTo));
    }
    return Outcome::pass();
}

Outcome MessagingScenarios::carbons()
{
    if (Outcome step = requirePeer(); !step) {
        return step;
    }
    const QString aliceJid = bareJid(Account::Alice);
    const QString bobJid = bareJid(Account::Bob);
    std::unique_ptr<XmppSession> aliceA;
    std::unique_ptr<XmppSession> aliceB;
    std::unique_ptr<XmppSession> bob;
    if (Outcome step = login(Account::Alice, QStringLiteral("alice-A"), QStringLiteral("A-") + token(), 5, &aliceA);
        !step) {
        return step;
    }
    if (Outcome step = login(Account::Alice, QStringLiteral("alice-B"), QStringLiteral("B-") + token(), 1, &aliceB);
        !step) {
        return step;
    }
    if (Outcome step = login(Account::Bob, QStringLiteral("bob"), QStringLiteral("c-") + token(), 0, &bob); !step) {
        return step;
    }
    for (XmppSession* session : {aliceA.get(), aliceB.get()}) {
        m_console.step(QStringLiteral("%1 enables carbons").arg(session->boundJid()));
        QDomDocument result;
        if (Outcome step = session->requestXml(
                QStringLiteral("<iq type='set'><enable xmlns='urn:xmpp:carbons:2'/></iq>"), &result);
            !step) {
            return step;
        }
    }

    const QString run = token();
    const QString toFull = QStringLiteral("to-full-") + run;
    const QString toBare = QStringLiteral("to-bare-") + run;
    const QString fromA = QStringLiteral("from-A-") + run;
    if (Outcome step = deliver(*bob, *aliceA, aliceA->boundJid(), toFull); !step) {
        return step;
    }
    if (Outcome step = expectCarbon(*aliceB, QStringLiteral("received"), toFull, bob->boundJid(), aliceA->boundJid());
        !step) {
        return step;
    }
    if (Outcome step = deliver(*bob, *aliceA, aliceJid, toBare); !step) {
        return step;
    }
    if (Outcome step = expectCarbon(*aliceB, QStringLiteral("received"), toBare, bob->boundJid(), aliceJid); !step) {
        return step;
    }
    if (Outcome step = deliver(*aliceA, *bob, bobJid, fromA); !step) {
        return step;
    }
    if (Outcome step = expectCarbon(*aliceB, QStringLiteral("sent"), fromA, aliceA->boundJid(), bobJid); !step) {
        return step;
    }

    // Barrier on A: a last chat from bob; by then any stray copy to A would have arrived.
    const QString last = QStringLiteral("last-") + run;
    if (Outcome step = deliver(*bob, *aliceA, aliceA->boundJid(), last); !step) {
        return step;
    }
    if (Outcome step = expectCarbon(*aliceB, QStringLiteral("received"), last, bob->boundJid(), aliceA->boundJid());
        !step) {
        return step;
    }
    m_console.step(QStringLiteral("no duplicates: B got only carbons, A no carbon of its own traffic"));
    for (const QString& id : {toFull, toBare, fromA}) {
        if (aliceA->countStanzas(carbonOf(QStringLiteral("sent"), id)) +
                aliceA->countStanzas(carbonOf(QStringLiteral("received"), id)) !=
            0) {
            return Outcome::fail(
                QStringLiteral("resource A received a carbon of %1, whose original it handled").arg(id));
        }
        if (aliceB->countStanzas(originalWithId(id)) != 0) {
            return Outcome::fail(QStringLiteral("resource B received the original of %1, not only a carbon").arg(id));
        }
    }
    for (XmppSession* session : {bob.get(), aliceB.get(), aliceA.get()}) {
        if (Outcome step = session->logout(); !step) {
            return step;
        }
    }
    return Outcome::pass();
}

} // namespace Canto::Interop
