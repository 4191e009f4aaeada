#include "modules/carbons/CarbonsModule.h"

#include "server/core/ClientSession.h"
#include "server/core/Host.h"
#include "server/core/ModuleApi.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

constexpr QStringView CarbonsRules = u"urn:xmpp:carbons:rules:0";
constexpr QStringView ChatMarkers = u"urn:xmpp:chat-markers:0"; // XEP-0333
constexpr QStringView JingleMessage0 = u"urn:xmpp:jingle-message:0";
constexpr QStringView JingleMessage1 = u"urn:xmpp:jingle-message:1";

// Prosody's priority for both families: after read-only interception at 0 (archiving, which
// may add the <stanza-id/> the rules look at), before delivery at -1.
constexpr double CarbonsPriority = -0.5;

bool hasChildIn(const XmlElement& stanza, QStringView xmlns)
{
    return stanza.firstChild({}, xmlns) != nullptr;
}

} // namespace

QString CarbonsModule::field()
{
    return u"carbons"_s;
}

Result<void> CarbonsModule::load()
{
    module().addFeature(Ns::Carbons.toString());
    module().addFeature(CarbonsRules.toString());

    const auto toggle = [](Event& event) -> QVariant {
        if (!event.origin || !event.origin->isClient()) {
            return {};
        }
        auto* session = static_cast<ClientSession*>(event.origin);
        const bool enable = event.stanza->firstChild()->name() == u"enable"_s;
        session->setField(field(), enable ? QVariant(true) : QVariant());
        session->send(Stanza::reply(*event.stanza));
        return true;
    };
    module().hook(u"iq-set/self/urn:xmpp:carbons:2:enable"_s, toggle);
    module().hook(u"iq-set/self/urn:xmpp:carbons:2:disable"_s, toggle);

    // The default rules; priority -1 so other modules can decide first.
    module().hook(
        u"carbons-should-copy"_s,
        [this](Event& event) -> QVariant {
            QString reason;
            const bool should =
                shouldCopy(event, event.value(u"c2s"_s).toBool(), event.value(u"user"_s).toString(), &reason);
            event.set(u"reason"_s, reason);
            return should;
        },
        -1);

    for (const QString& name : {u"pre-message/host"_s, u"pre-message/bare"_s, u"pre-message/full"_s}) {
        module().hook(
            name, [this](Event& event) { return onSent(event); }, CarbonsPriority);
    }
    for (const QString& name : {u"message/bare"_s, u"message/full"_s}) {
        module().hook(
            name, [this](Event& event) { return onReceived(event); }, CarbonsPriority);
    }
    return {};
}

QVariant CarbonsModule::onSent(Event& event)
{
    if (!event.origin || !event.origin->isClient() || !event.stanza) {
        return {};
    }
    auto* sender = static_cast<ClientSession*>(event.origin);
    if (sender->host() != module().host()) {
        return {};
    }
    const QString to = event.stanza->attribute(u"to");
    if (event.toSelf || to.section(u'/', 0, 0) == sender->bareJid()) {
        return {}; // within the account: copied once, when it is received
    }
    QList<ClientSession*> targets;
    for (ClientSession* session : module().hostObject()->clientSessions(sender->username())) {
        if (session != sender && session->field(field()).toBool()) {
            targets << session;
        }
    }
    if (targets.isEmpty()) {
        return {};
    }
    Event copy(event.origin, event.stanza);
    copy.set(u"c2s"_s, true);
    copy.set(u"user"_s, sender->bareJid());
    if (module().fireEvent(u"carbons-should-copy"_s, copy).toBool()) {
        sendCarbons(targets, *event.stanza, u"sent"_s, sender->bareJid());
    }
    return {};
}

QVariant CarbonsModule::onReceived(Event& event)
{
    if (!event.stanza) {
        return {};
    }
    XmlElement& stanza = *event.stanza;
    const QString to = stanza.attribute(u"to");
    QString user = to.section(u'@', 0, 0);
    if (to.isEmpty()) {
        // To the sender's own account (the router removed 'to').
        if (!event.origin || !event.origin->isClient()) {
            return {};
        }
        user = static_cast<ClientSession*>(event.origin)->username();
    }
    const QList<ClientSession*> sessions = module().hostObject()->clientSessions(user);
    if (sessions.isEmpty()) {
        return {}; // offline: nobody to copy to
    }
    const QString userBare = user + u'@' + module().host();
    Event copy(event.origin, event.stanza);
    copy.set(u"c2s"_s, false);
    copy.set(u"user"_s, userBare);
    if (!module().fireEvent(u"carbons-should-copy"_s, copy).toBool()) {
        if (copy.value(u"reason"_s).toString() == u"private"_s) {
            // XEP-0280 §7: the receiving server removes <private/> before delivery.
            stanza.removeChildren(u"private", Ns::Carbons);
        }
        return {};
    }
    const QList<ClientSession*> delivered = deliveredTo(user, stanza);
    QList<ClientSession*> targets;
    for (ClientSession* session : sessions) {
        // Not to resources that get the message itself, nor back to the resource that sent it.
        if (session->field(field()).toBool() && !delivered.contains(session) &&
            static_cast<Session*>(session) != event.origin) {
            targets << session;
        }
    }
    if (targets.isEmpty()) {
        return {};
    }
    if (to.isEmpty()) {
        XmlElement addressed = stanza;
        addressed.setAttribute(u"to"_s, userBare);
        sendCarbons(targets, addressed, u"received"_s, userBare);
    } else {
        sendCarbons(targets, stanza, u"received"_s, userBare);
    }
    return {};
}

bool CarbonsModule::shouldCopy(Event& event, bool sentSide, const QString& userBare, QString* reason)
{
    const XmlElement& stanza = *event.stanza;
    const QString type = stanza.attribute(u"type", u"normal"_s);
    const auto verdict = [reason](bool should, const QString& why) {
        *reason = why;
        return should;
    };
    if (stanza.firstChild(u"private", Ns::Carbons)) {
        return verdict(false, u"private"_s);
    }
    if (stanza.firstChild(u"no-copy", Ns::Hints)) {
        return verdict(false, u"hint"_s);
    }
    // XEP-0280 §6.1: incoming MUC private messages (to a full JID) are not copied, the other
    // resources are not in the room; outgoing ones are, so every client shows the conversation.
    const QString to = stanza.attribute(u"to");
    if (!sentSide && !to.isEmpty() && to != userBare && stanza.firstChild(u"x", Ns::MucUser)) {
        return verdict(false, u"muc-pm"_s);
    }
    if (type == u"chat"_s) {
        return verdict(true, u"type"_s);
    }
    if (type == u"normal"_s && (stanza.firstChild(u"body") || hasChildIn(stanza, Ns::Receipts) ||
                                hasChildIn(stanza, Ns::ChatStates) || hasChildIn(stanza, ChatMarkers))) {
        return verdict(true, u"type"_s);
    }
    // Bounces of messages sent to a bare JID come back from that bare JID.
    if (type == u"error"_s && !sentSide && !stanza.attribute(u"from").contains(u'/')) {
        return verdict(true, u"bounce"_s);
    }
    if (type != u"groupchat"_s && (hasChildIn(stanza, JingleMessage0) || hasChildIn(stanza, JingleMessage1))) {
        return verdict(true, u"jingle call"_s);
    }
    for (const XmlElement* id : stanza.children(u"stanza-id", Ns::StanzaId)) {
        if (id->attribute(u"by") == userBare) {
            return verdict(true, u"archived"_s);
        }
    }
    return verdict(false, u"default"_s);
}

QList<ClientSession*> CarbonsModule::deliveredTo(const QString& user, const XmlElement& stanza) const
{
    // Mirrors the message module's rules (RFC 6121 §8.5), which run right after this handler.
    Host* host = module().hostObject();
    const QString type = stanza.attribute(u"type", u"normal"_s);
    const QString resource = stanza.attribute(u"to").section(u'/', 1);
    if (!resource.isEmpty()) {
        if (ClientSession* session = host->clientSession(user, resource); session && session->isAvailable()) {
            return {session};
        }
    }
    if (type != u"chat"_s && type != u"normal"_s && (type != u"headline"_s || !resource.isEmpty())) {
        return {}; // errors and groupchat are not delivered to a bare JID; headline to a gone resource is dropped
    }
    QList<ClientSession*> targets;
    int best = 0;
    for (ClientSession* session : host->clientSessions(user)) {
        if (!session->isAvailable() || session->priority() < 0) {
            continue;
        }
        if (type != u"chat"_s) {
            targets << session;
        } else if (targets.isEmpty() || session->priority() > best) {
            targets = {session};
            best = session->priority();
        } else if (session->priority() == best) {
            targets << session;
        }
    }
    return targets;
}

void CarbonsModule::sendCarbons(const QList<ClientSession*>& sessions, const XmlElement& stanza,
                                const QString& direction, const QString& userBare)
{
    XmlElement forwardedCopy = stanza;
    forwardedCopy.setXmlns(Ns::Client.toString()); // XEP-0297: the forwarded stanza says its namespace
    XmlElement carbon(u"message"_s, Ns::Client.toString());
    carbon.setAttribute(u"from"_s, userBare);
    carbon.setAttribute(u"type"_s, stanza.attribute(u"type", u"normal"_s));
    carbon.addChild(direction, Ns::Carbons.toString())
        .addChild(u"forwarded"_s, Ns::Forward.toString())
        .addChild(std::move(forwardedCopy));
    for (ClientSession* session : sessions) {
        carbon.setAttribute(u"to"_s, session->fullJid());
        module().log(ModuleApi::LogLevel::Debug, u"Sending a %1 carbon to %2"_s.arg(direction, session->fullJid()));
        session->send(carbon);
    }
}

} // namespace Canto::Modules
