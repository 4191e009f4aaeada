#include "modules/roster/RosterModule.h"

#include "server/core/ClientSession.h"
#include "server/core/Host.h"
#include "server/core/ModuleApi.h"
#include "server/core/Roster.h"
#include "server/core/RosterManager.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"
#include "shared/Jid.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

Result<void> RosterModule::load()
{
    m_maxItems = int(module().optionInteger(u"max_roster_items"_s, 1000, 1, 100000).value_or(1000));
    m_maxNameLength = int(module().optionInteger(u"roster_max_name_length"_s, 1023, 1, 1023).value_or(1023));
    module().addFeature(Ns::Roster.toString());
    module().hook(u"stream-features"_s, [](Event& event) -> QVariant {
        if (event.stanza) {
            event.stanza->addChild(u"ver"_s, Ns::RosterVersioning.toString());
            event.stanza->addChild(u"sub"_s, Ns::PreApproval.toString());
        }
        return {};
    });
    module().hook(u"iq/self/jabber:iq:roster:query"_s, [this](Event& event) -> QVariant {
        if (!event.origin || !event.origin->isClient()) {
            return {};
        }
        auto* session = static_cast<ClientSession*>(event.origin);
        const XmlElement iq = *event.stanza;
        const QString user = session->username();
        const QString resource = session->resource();
        module().context().rosters->withRoster(
            module().host(), user, [this, session, user, resource, iq](Result<Roster*> roster) {
                Host* host = module().hostObject();
                if (!host || host->clientSession(user, resource) != session) {
                    return; // the session is gone
                }
                if (!roster) {
                    session->send(Stanza::errorReply(iq, u"wait"_s, u"internal-server-error"_s, roster.error().text));
                    return;
                }
                if (iq.attribute(u"type") == u"get"_s) {
                    handleGet(*session, iq, *roster.value());
                } else {
                    handleSet(*session, iq, *roster.value());
                }
            });
        return true;
    });
    return {};
}

void RosterModule::handleGet(ClientSession& session, const XmlElement& iq, Roster& roster)
{
    const XmlElement* query = iq.firstChild(u"query", Ns::Roster);
    const bool versioning = query && query->hasAttribute(u"ver");
    session.setField(u"roster_versioning"_s, versioning ? QVariant(true) : QVariant());
    session.setInterested(true);
    XmlElement reply = Stanza::reply(iq);
    if (versioning && query->attribute(u"ver") == roster.version()) {
        session.send(reply); // XEP-0237 §2.4: unchanged, pushes follow
        return;
    }
    XmlElement& result = reply.addChild(u"query"_s, Ns::Roster.toString());
    if (versioning) {
        result.setAttribute(u"ver"_s, roster.version());
    }
    for (const RosterItem& item : roster.items()) {
        result.addChild(item.toXml());
    }
    session.send(reply);
}

void RosterModule::handleSet(ClientSession& session, const XmlElement& iq, Roster& roster)
{
    const auto fail = [&](const QString& type, const QString& condition, const QString& text) {
        session.send(Stanza::errorReply(iq, type, condition, text));
    };
    const XmlElement* query = iq.firstChild(u"query", Ns::Roster);
    const QList<const XmlElement*> items = query ? query->children() : QList<const XmlElement*>();
    if (items.size() != 1 || items.first()->name() != u"item"_s || items.first()->xmlns() != Ns::Roster) {
        fail(u"modify"_s, u"bad-request"_s, u"A roster set carries exactly one item"_s);
        return;
    }
    const XmlElement& element = *items.first();
    const Result<Jid> jid = Jid::parse(element.attribute(u"jid"));
    if (!jid || !jid->isBare()) {
        fail(u"modify"_s, u"jid-malformed"_s, u"The item needs a valid bare JID"_s);
        return;
    }
    const QString contact = jid->full();
    if (contact == session.bareJid()) {
        fail(u"cancel"_s, u"not-allowed"_s, u"You cannot add yourself to your roster"_s);
        return;
    }
    RosterManager& rosters = *module().context().rosters;
    const QString user = session.username();
    if (element.attribute(u"subscription") == u"remove"_s) {
        const RosterItem* existing = roster.item(contact);
        if (!existing && !roster.isPendingIn(contact)) {
            fail(u"modify"_s, u"item-not-found"_s, QString());
            return;
        }
        // §2.5.2: cancel the subscriptions both ways before the item goes.
        const QString bare = session.bareJid();
        if (existing && (existing->hasTo() || existing->ask)) {
            module().send(Stanza::presence(bare, contact, u"unsubscribe"_s));
        }
        if ((existing && existing->hasFrom()) || roster.isPendingIn(contact)) {
            module().send(Stanza::presence(bare, contact, u"unsubscribed"_s));
        }
        if (existing && existing->hasFrom()) {
            for (ClientSession* other : module().hostObject()->clientSessions(user)) {
                if (other->isAvailable()) {
                    module().send(Stanza::presence(other->fullJid(), contact, u"unavailable"_s));
                }
            }
        }
        // The unsubscriptions above were routed synchronously into the contact's side; now the
        // item goes whatever state those left it in.
        roster.removeItem(contact);
        roster.setPendingIn(contact, false);
        rosters.save(module().host(), user);
        session.send(Stanza::reply(iq));
        rosters.push(module().host(), user, contact);
        return;
    }

    const QString name = element.attribute(u"name");
    if (name.size() > m_maxNameLength) {
        fail(u"modify"_s, u"not-acceptable"_s, u"The name is too long"_s);
        return;
    }
    QStringList groups;
    for (const XmlElement* group : element.children(u"group", Ns::Roster)) {
        const QString text = group->text();
        if (text.trimmed().isEmpty()) {
            fail(u"modify"_s, u"not-acceptable"_s, u"Empty group name"_s);
            return;
        }
        if (text.size() > m_maxNameLength) {
            fail(u"modify"_s, u"not-acceptable"_s, u"A group name is too long"_s);
            return;
        }
        if (groups.contains(text)) {
            fail(u"modify"_s, u"bad-request"_s, u"Duplicate group"_s);
            return;
        }
        groups << text;
    }
    if (!roster.item(contact) && roster.size() >= m_maxItems) {
        fail(u"wait"_s, u"resource-constraint"_s, u"Your roster is full (%1 items)"_s.arg(m_maxItems));
        return;
    }
    groups.sort();
    RosterItem& item = roster.ensureItem(contact);
    item.name = name; // subscription and ask are the server's: a client's values are ignored (§2.1.2.5)
    item.groups = groups;
    rosters.save(module().host(), user);
    session.send(Stanza::reply(iq));
    rosters.push(module().host(), user, contact);
}

} // namespace Canto::Modules
