#include "modules/presence/PresenceModule.h"

#include "server/core/ClientSession.h"
#include "server/core/Host.h"
#include "server/core/ModuleApi.h"
#include "server/core/Roster.h"
#include "server/core/RosterManager.h"
#include "server/core/Router.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"
#include "shared/Jid.h"

#include <QDateTime>
#include <QSet>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

const QString DirectedField = u"presence_directed"_s; // QStringList of full/bare JIDs

bool isSubscriptionType(const QString& type)
{
    return type == u"subscribe"_s || type == u"subscribed"_s || type == u"unsubscribe"_s || type == u"unsubscribed"_s;
}

QString bareOf(const QString& jid)
{
    return jid.section(u'/', 0, 0);
}

int priorityOf(const XmlElement& presence)
{
    bool ok = false;
    const int priority = presence.childText(u"priority").trimmed().toInt(&ok);
    return ok ? std::clamp(priority, -128, 127) : 0;
}

} // namespace

Result<void> PresenceModule::load()
{
    // Own presence (no 'to', or the own bare JID): priority -1, after every module that inspects it.
    module().hook(
        u"presence/self"_s, [this](Event& e) { return handleSelf(e); }, -1);
    for (const QString& kind : {u"bare"_s, u"full"_s, u"host"_s}) {
        module().hook(u"pre-presence/"_s + kind, [this](Event& e) { return handleOutbound(e); });
    }
    module().hook(
        u"presence/bare"_s, [this](Event& e) -> QVariant { return e.toSelf ? QVariant() : handleInbound(e, false); },
        -1);
    module().hook(
        u"presence/full"_s, [this](Event& e) { return handleInbound(e, true); }, -1);
    // Presence to the server itself: nothing to do (no server-side subscriptions).
    module().hook(
        u"presence/host"_s, [](Event&) -> QVariant { return true; }, -1);

    // Warm the roster cache so the first presence of a session does not wait for storage.
    module().hook(u"resource-bind"_s, [this](Event& event) -> QVariant {
        auto* session = static_cast<ClientSession*>(event.origin);
        module().context().rosters->withRoster(module().host(), session->username(), [](Result<Roster*>) {});
        return {};
    });
    // An account is deleted: its contacts learn that both subscriptions are gone (as Prosody's
    // roster-item-removed handling does), then the cached roster is dropped.
    module().hookGlobal(u"user-deleted"_s, [this](Event& event) -> QVariant {
        if (event.value(u"host"_s).toString() != module().host()) {
            return {};
        }
        const QString user = event.value(u"username"_s).toString();
        const QString bare = user + u'@' + module().host();
        module().context().rosters->withRoster(module().host(), user, [this, user, bare](Result<Roster*> roster) {
            if (!roster) {
                return;
            }
            for (const RosterItem& item : roster.value()->items()) {
                if (item.hasTo() || item.ask) {
                    sendFromHost(Stanza::presence(bare, item.jid, u"unsubscribe"_s));
                }
                if (item.hasFrom()) {
                    sendFromHost(Stanza::presence(bare, item.jid, u"unsubscribed"_s));
                }
            }
            for (const QString& jid : roster.value()->pendingIn()) {
                sendFromHost(Stanza::presence(bare, jid, u"unsubscribed"_s));
            }
            module().context().rosters->forget(module().host(), user);
        });
        return {};
    });
    module().hook(u"resource-unbind"_s, [this](Event& event) -> QVariant {
        auto* session = static_cast<ClientSession*>(event.origin);
        if (session->isAvailable()) {
            const QString status = event.value(u"error"_s).toString();
            broadcastUnavailable(session->username(), session->resource(), status);
            session->setPresence(XmlElement());
        }
        return {};
    });
    return {};
}

ClientSession* PresenceModule::liveSession(const QString& user, const QString& resource,
                                           const ClientSession* expected) const
{
    Host* host = module().hostObject();
    ClientSession* session = host ? host->clientSession(user, resource) : nullptr;
    return session == expected ? session : nullptr;
}

void PresenceModule::postFrom(ClientSession& session, XmlElement stanza)
{
    module().context().router->post(session, std::move(stanza), true);
}

void PresenceModule::sendFromHost(XmlElement stanza)
{
    module().send(stanza);
}

QVariant PresenceModule::handleSelf(Event& event)
{
    if (!event.origin || !event.origin->isClient()) {
        return {};
    }
    auto* session = static_cast<ClientSession*>(event.origin);
    XmlElement presence = *event.stanza;
    const QString type = presence.attribute(u"type");
    if (!type.isEmpty() && type != u"unavailable"_s) {
        if (isSubscriptionType(type) || type == u"probe"_s) {
            return true; // subscriptions to oneself are meaningless (Prosody: "No self contacts")
        }
        return true;
    }
    const QString user = session->username();
    const QString resource = session->resource();
    module().context().rosters->withRoster(
        module().host(), user, [this, session, user, resource, presence](Result<Roster*> roster) {
            ClientSession* live = liveSession(user, resource, session);
            if (!live) {
                return; // the session ended while the roster loaded; unbind already broadcast
            }
            if (!roster) {
                module().log(ModuleApi::LogLevel::Error,
                             u"presence of %1 not broadcast: %2"_s.arg(live->fullJid(), roster.error().text));
                return;
            }
            const bool initial = presence.attribute(u"type").isEmpty() && !live->isAvailable();
            broadcast(*live, presence, *roster.value(), initial);
        });
    return true;
}

void PresenceModule::broadcast(ClientSession& session, XmlElement presence, Roster& roster, bool initial)
{
    Host* host = module().hostObject();
    const QString fullJid = session.fullJid();
    const bool unavailable = presence.attribute(u"type") == u"unavailable"_s;
    presence.setAttribute(u"from"_s, fullJid);
    presence.removeAttribute(u"to");

    // Reflect to the session itself and to the user's other available resources (RFC 6121 §4.2.2).
    XmlElement reflected = presence;
    reflected.setAttribute(u"to"_s, fullJid);
    session.send(reflected);
    for (ClientSession* other : host->clientSessions(session.username())) {
        if (other != &session && other->isAvailable()) {
            XmlElement copy = presence;
            copy.setAttribute(u"to"_s, other->fullJid());
            postFrom(session, copy);
        }
    }
    for (const RosterItem& item : roster.items()) {
        if (item.hasFrom()) {
            XmlElement copy = presence;
            copy.setAttribute(u"to"_s, item.jid);
            postFrom(session, copy);
        }
    }

    if (unavailable) {
        const QStringList directed = session.field(DirectedField).toStringList();
        for (const QString& to : directed) {
            XmlElement copy = presence;
            copy.setAttribute(u"to"_s, to);
            postFrom(session, copy);
        }
        session.setField(DirectedField, QVariant());
        session.setPresence(XmlElement());
        session.setPriority(0);
        return;
    }

    const int priority = priorityOf(presence);
    session.setPriority(priority);
    XmlElement stored = presence;
    stored.removeChildren(u"delay", Ns::Delay);
    stored.addChild(u"delay"_s, Ns::Delay.toString())
        .setAttribute(u"from"_s, module().host())
        .setAttribute(u"stamp"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    session.setPresence(stored);
    if (!initial) {
        return;
    }

    Event initialEvent(&session, &presence);
    module().fireEvent(u"presence/initial"_s, initialEvent);
    // Probe the contacts we are subscribed to (§4.2.2), from the bare JID as Prosody does.
    for (const RosterItem& item : roster.items()) {
        if (item.hasTo()) {
            XmlElement probe = Stanza::presence(fullJid, item.jid, u"probe"_s);
            postFrom(session, probe);
        }
    }
    // The presence of the user's other available resources.
    for (ClientSession* other : host->clientSessions(session.username())) {
        if (other != &session && other->isAvailable()) {
            XmlElement copy = other->presence();
            copy.setAttribute(u"from"_s, other->fullJid());
            copy.setAttribute(u"to"_s, fullJid);
            session.send(copy);
        }
    }
    // Subscription requests still waiting for the user's answer, and our own pending requests.
    for (const QString& jid : roster.pendingIn()) {
        session.send(Stanza::presence(jid, fullJid, u"subscribe"_s));
    }
    for (const RosterItem& item : roster.items()) {
        if (item.ask) {
            postFrom(session, Stanza::presence(session.bareJid(), item.jid, u"subscribe"_s));
        }
    }
    if (priority >= 0) {
        Event offline(&session, nullptr);
        offline.set(u"username"_s, session.username());
        module().fireEvent(u"message/offline/broadcast"_s, offline);
    }
}

void PresenceModule::broadcastUnavailable(const QString& user, const QString& resource, const QString& status)
{
    Host* host = module().hostObject();
    ClientSession* session = host->clientSession(user, resource);
    if (!session) {
        return;
    }
    const QString fullJid = session->fullJid();
    XmlElement unavailable = Stanza::presence(fullJid, QString(), u"unavailable"_s);
    if (!status.isEmpty()) {
        unavailable.addTextChild(u"status"_s, Ns::Client.toString(), status);
    }
    QSet<QString> targets;
    for (ClientSession* other : host->clientSessions(user)) {
        if (other != session && other->isAvailable()) {
            targets.insert(other->fullJid());
        }
    }
    for (const QString& to : session->field(DirectedField).toStringList()) {
        targets.insert(to);
    }
    // The session is going away: send from the host so nothing refers to it later.
    const auto send = [this, unavailable](const QSet<QString>& to) {
        for (const QString& jid : to) {
            XmlElement copy = unavailable;
            copy.setAttribute(u"to"_s, jid);
            sendFromHost(copy);
        }
    };
    send(targets);
    module().context().rosters->withRoster(module().host(), user, [send](Result<Roster*> roster) {
        if (!roster) {
            return;
        }
        QSet<QString> contacts;
        for (const RosterItem& item : roster.value()->items()) {
            if (item.hasFrom()) {
                contacts.insert(item.jid);
            }
        }
        send(contacts);
    });
}

QVariant PresenceModule::handleOutbound(Event& event)
{
    if (!event.origin || !event.origin->isClient() || event.toSelf) {
        return {};
    }
    auto* session = static_cast<ClientSession*>(event.origin);
    XmlElement& stanza = *event.stanza;
    const QString to = stanza.attribute(u"to");
    const QString type = stanza.attribute(u"type");
    if (to.isEmpty()) {
        return {};
    }
    if (isSubscriptionType(type)) {
        if (bareOf(to) == session->bareJid()) {
            return true; // no self contacts
        }
        outboundSubscription(*session, stanza);
        return true;
    }
    if (type == u"probe"_s) {
        return {}; // clients do not probe; let it pass like Prosody
    }
    if (!type.isEmpty() && type != u"unavailable"_s && type != u"error"_s) {
        session->send(Stanza::errorReply(stanza, u"modify"_s, u"bad-request"_s, u"Invalid presence type"_s));
        return true;
    }
    // Directed presence (§4.6): remember who saw us available unless they get our broadcasts.
    if (bareOf(to) == session->bareJid()) {
        return {}; // our own resources always get our broadcasts
    }
    const Roster* roster = module().context().rosters->cached(module().host(), session->username());
    const RosterItem* item = roster ? roster->item(bareOf(to)) : nullptr;
    if (item && item->hasFrom()) {
        return {};
    }
    QStringList directed = session->field(DirectedField).toStringList();
    directed.removeAll(to);
    if (type.isEmpty()) {
        if (directed.size() >= 1000) {
            directed.removeFirst(); // bounded: a client cannot grow the session without limit
        }
        directed << to;
    }
    session->setField(DirectedField, directed.isEmpty() ? QVariant() : QVariant(directed));
    return {};
}

void PresenceModule::outboundSubscription(ClientSession& session, XmlElement stanza)
{
    const QString user = session.username();
    const QString resource = session.resource();
    const QString contact = bareOf(stanza.attribute(u"to"));
    const Jid contactJid = Jid::prepped(contact);
    if (contactJid.isNull() || !contactJid.resource().isEmpty()) {
        session.send(Stanza::errorReply(stanza, u"modify"_s, u"jid-malformed"_s));
        return;
    }
    module().context().rosters->withRoster(
        module().host(), user, [this, &session, user, resource, contact, stanza](Result<Roster*> loaded) mutable {
            if (!loaded) {
                if (ClientSession* live = liveSession(user, resource, &session)) {
                    live->send(Stanza::errorReply(stanza, u"wait"_s, u"internal-server-error"_s));
                }
                return;
            }
            Roster& roster = *loaded.value();
            const QString type = stanza.attribute(u"type");
            const Roster::Outbound result = roster.processOutbound(type, contact);
            RosterManager& rosters = *module().context().rosters;
            if (result.push) {
                rosters.save(module().host(), user);
                rosters.push(module().host(), user, contact);
            }
            const QString bare = user + u'@' + module().host();
            if (result.route) {
                stanza.setAttribute(u"from"_s, bare);
                stanza.setAttribute(u"to"_s, contact);
                sendFromHost(stanza);
            }
            if (result.sendPresence) {
                sendAvailableResources(user, contact);
            }
            if (result.sendUnavailable) {
                sendAvailableResources(user, contact, u"unavailable"_s);
            }
        });
}

QVariant PresenceModule::handleInbound(Event& event, bool full)
{
    XmlElement& stanza = *event.stanza;
    const QString to = stanza.attribute(u"to");
    const QString type = stanza.attribute(u"type");
    const QString user = to.section(u'@', 0, 0);
    Host* host = module().hostObject();
    const QString from = stanza.attribute(u"from");
    if (isSubscriptionType(type)) {
        inboundSubscription(stanza, user, bareOf(from));
        return true;
    }
    if (type == u"probe"_s) {
        answerProbe(user, from);
        return true;
    }
    if (!type.isEmpty() && type != u"unavailable"_s && type != u"error"_s) {
        return true; // invalid type: dropped, presence errors are never answered
    }
    if (full) {
        if (ClientSession* session = host->clientSession(user, to.section(u'/', 1))) {
            session->send(stanza);
        }
        return true;
    }
    for (ClientSession* session : host->clientSessions(user)) {
        if (session->isAvailable()) {
            session->send(stanza);
        }
    }
    return true;
}

void PresenceModule::inboundSubscription(XmlElement stanza, const QString& user, const QString& fromBare)
{
    const QString userBare = user + u'@' + module().host();
    if (fromBare.isEmpty() || fromBare == userBare) {
        return;
    }
    module().context().rosters->withRoster(
        module().host(), user, [this, stanza, user, userBare, fromBare](Result<Roster*> loaded) mutable {
            if (!loaded) {
                return; // logged by RosterManager; a subscription presence is not answered with an error
            }
            Roster& roster = *loaded.value();
            const QString type = stanza.attribute(u"type");
            const Roster::Inbound result = roster.processInbound(type, fromBare);
            RosterManager& rosters = *module().context().rosters;
            if (result.push || result.store) {
                rosters.save(module().host(), user);
            }
            if (result.push) {
                rosters.push(module().host(), user, fromBare);
            }
            if (result.autoSubscribed) {
                sendFromHost(Stanza::presence(userBare, fromBare, u"subscribed"_s));
                sendAvailableResources(user, fromBare);
            }
            if (result.sendPresence && !result.autoSubscribed) {
                sendAvailableResources(user, fromBare);
            }
            if (type == u"unsubscribe"_s && result.push) {
                // §3.3.3: the contact no longer sees us, so it sees us go.
                sendAvailableResources(user, fromBare, u"unavailable"_s);
            }
            if (result.deliver) {
                stanza.setAttribute(u"from"_s, fromBare);
                stanza.setAttribute(u"to"_s, userBare);
                for (ClientSession* session : module().hostObject()->clientSessions(user)) {
                    // Requests go to available resources (§3.1.3); answers to interested ones.
                    if (type == u"subscribe"_s ? session->isAvailable() : session->isInterested()) {
                        session->send(stanza);
                    }
                }
            }
        });
}

void PresenceModule::answerProbe(const QString& user, const QString& prober)
{
    const QString proberBare = bareOf(prober);
    const QString userBare = user + u'@' + module().host();
    module().context().rosters->withRoster(
        module().host(), user, [this, user, userBare, prober, proberBare](Result<Roster*> loaded) {
            if (!loaded) {
                return;
            }
            const RosterItem* item = loaded.value()->item(proberBare);
            if (!item || !item->hasFrom()) {
                // §4.3.2: no subscription, no presence; say so.
                sendFromHost(Stanza::presence(userBare, proberBare, u"unsubscribed"_s));
                return;
            }
            sendAvailableResources(user, prober);
        });
}

void PresenceModule::sendAvailableResources(const QString& user, const QString& to, const QString& type)
{
    Host* host = module().hostObject();
    int sent = 0;
    for (ClientSession* session : host->clientSessions(user)) {
        if (!session->isAvailable()) {
            continue;
        }
        XmlElement presence =
            type.isEmpty() ? session->presence() : Stanza::presence(session->fullJid(), QString(), type);
        presence.setAttribute(u"from"_s, session->fullJid());
        presence.setAttribute(u"to"_s, to);
        postFrom(*session, presence);
        ++sent;
    }
    if (sent == 0 && type.isEmpty()) {
        sendFromHost(Stanza::presence(user + u'@' + module().host(), to, u"unavailable"_s));
    }
}

} // namespace Canto::Modules
