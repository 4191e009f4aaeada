#include "modules/disco/DiscoModule.h"

#include "server/config/Config.h"
#include "server/core/ClientSession.h"
#include "server/core/HostManager.h"
#include "server/core/ModuleApi.h"
#include "server/core/Roster.h"
#include "server/core/RosterManager.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"

#include <QSet>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

// Adds identities (sorted, deduplicated) and features (sorted, deduplicated) to a query.
void fillInfo(XmlElement& query, QVariantList identities, QStringList features, const QVariantList& extensions)
{
    QSet<QString> seen;
    for (const QVariant& item : identities) {
        const QVariantMap identity = item.toMap();
        const QString key = identity.value(u"category"_s).toString() + u'/' + identity.value(u"type"_s).toString() +
                            u'/' + identity.value(u"name"_s).toString();
        if (seen.contains(key)) {
            continue;
        }
        seen.insert(key);
        XmlElement& element = query.addChild(u"identity"_s);
        element.setAttribute(u"category"_s, identity.value(u"category"_s).toString());
        element.setAttribute(u"type"_s, identity.value(u"type"_s).toString());
        if (identity.contains(u"name"_s)) {
            element.setAttribute(u"name"_s, identity.value(u"name"_s).toString());
        }
    }
    features.removeDuplicates();
    features.sort();
    for (const QString& feature : features) {
        query.addChild(u"feature"_s).setAttribute(u"var"_s, feature);
    }
    for (const QVariant& extension : extensions) {
        query.addChild(extension.value<XmlElement>());
    }
}

QStringList toStrings(const QVariantList& list)
{
    QStringList out;
    for (const QVariant& v : list) {
        out << v.toString();
    }
    return out;
}

} // namespace

Result<void> DiscoModule::load()
{
    module().addFeature(Ns::DiscoInfo.toString());
    module().addFeature(Ns::DiscoItems.toString());
    module().hook(u"iq-get/host/http://jabber.org/protocol/disco#info:query"_s,
                  [this](Event& e) { return onHostInfo(e); });
    module().hook(u"iq-get/host/http://jabber.org/protocol/disco#items:query"_s,
                  [this](Event& e) { return onHostItems(e); });
    module().hook(u"iq-get/self/http://jabber.org/protocol/disco#info:query"_s,
                  [this](Event& e) { return onAccountInfo(e); });
    module().hook(u"iq-get/self/http://jabber.org/protocol/disco#items:query"_s,
                  [this](Event& e) { return onAccountItems(e); });
    // Another user's account: answered for contacts with a presence subscription, as Prosody does
    // (the self-addressed case falls through to the iq-get/self handlers above).
    module().hook(u"iq-get/bare/http://jabber.org/protocol/disco#info:query"_s,
                  [this](Event& e) { return onContactQuery(e, true); });
    module().hook(u"iq-get/bare/http://jabber.org/protocol/disco#items:query"_s,
                  [this](Event& e) { return onContactQuery(e, false); });
    return {};
}

QVariant DiscoModule::answerNode(Event& event, XmlElement& reply, XmlElement& query, const QString& node,
                                 const QString& eventName)
{
    // Nodes belong to whichever module fires up for them; nobody answering means no such node.
    query.setAttribute(u"node"_s, node);
    Event nodeEvent(event.origin, event.stanza);
    nodeEvent.set(u"node"_s, node);
    nodeEvent.setPointer(u"reply"_s, &reply);
    if (!module().fireEvent(eventName, nodeEvent).isValid()) {
        event.origin->send(Stanza::errorReply(*event.stanza, u"cancel"_s, u"item-not-found"_s));
        return true;
    }
    event.origin->send(reply);
    return true;
}

QVariant DiscoModule::onHostInfo(Event& event)
{
    const XmlElement& stanza = *event.stanza;
    const QString node = stanza.firstChild()->attribute(u"node");
    XmlElement reply = Stanza::reply(stanza);
    XmlElement& query = reply.addChild(u"query"_s, Ns::DiscoInfo.toString());
    if (!node.isEmpty()) {
        return answerNode(event, reply, query, node, u"host-disco-info-node"_s);
    }
    QVariantList identities{
        QVariantMap{{u"category"_s, u"server"_s},
                    {u"type"_s, u"im"_s},
                    {u"name"_s, module().optionString(u"name"_s, u"Canto"_s).value_or(u"Canto"_s)}}};
    identities += module().hostItems(u"identity"_s);
    fillInfo(query, identities, toStrings(module().hostItems(u"feature"_s)), module().hostItems(u"extension"_s));
    event.origin->send(reply);
    return true;
}

QVariant DiscoModule::onHostItems(Event& event)
{
    const XmlElement& stanza = *event.stanza;
    XmlElement reply = Stanza::reply(stanza);
    XmlElement& query = reply.addChild(u"query"_s, Ns::DiscoItems.toString());
    const QString node = stanza.firstChild()->attribute(u"node");
    if (!node.isEmpty()) {
        return answerNode(event, reply, query, node, u"host-disco-items-node"_s);
    }
    QStringList seen;
    // Components on sub-domains of this host, unless they hide themselves (disco_hidden).
    if (HostManager* hosts = module().context().hosts) {
        for (const QString& name : hosts->hostNames()) {
            if (name.endsWith(u'.' + module().host()) &&
                !module().contextFor(name)->optionBoolean(u"disco_hidden"_s, false).value_or(false)) {
                XmlElement& item = query.addChild(u"item"_s);
                item.setAttribute(u"jid"_s, name);
                const std::optional<QString> itemName = module().contextFor(name)->optionString(u"name"_s);
                if (itemName && module().context().config &&
                    !module().context().config->rawGet(name, u"name"_s).isNil()) {
                    item.setAttribute(u"name"_s, *itemName);
                }
                seen << name;
            }
        }
    }
    // disco_items = { { "jid", "name" }, ... } from the config.
    const ConfigValue configured = module().option(u"disco_items"_s);
    for (const ConfigValue& entry : configured.array()) {
        const QString jid = entry.array().value(0).toString();
        if (jid.isEmpty() || seen.contains(jid)) {
            continue;
        }
        XmlElement& item = query.addChild(u"item"_s);
        item.setAttribute(u"jid"_s, jid);
        const QString name = entry.array().value(1).toString();
        if (!name.isEmpty()) {
            item.setAttribute(u"name"_s, name);
        }
    }
    Event itemsEvent(event.origin, event.stanza);
    itemsEvent.setPointer(u"reply"_s, &reply);
    module().fireEvent(u"host-disco-items"_s, itemsEvent);
    event.origin->send(reply);
    return true;
}

QVariant DiscoModule::onAccountInfo(Event& event)
{
    event.origin->send(accountInfo(event));
    return true;
}

XmlElement DiscoModule::accountInfo(Event& event)
{
    const XmlElement& stanza = *event.stanza;
    XmlElement reply = Stanza::reply(stanza);
    XmlElement& query = reply.addChild(u"query"_s, Ns::DiscoInfo.toString());
    const QString node = stanza.firstChild()->attribute(u"node");
    if (!node.isEmpty()) {
        query.setAttribute(u"node"_s, node);
    }
    query.addChild(u"identity"_s).setAttribute(u"category"_s, u"account"_s).setAttribute(u"type"_s, u"registered"_s);
    Event infoEvent(event.origin, event.stanza);
    infoEvent.setPointer(u"reply"_s, &reply);
    infoEvent.set(u"node"_s, node);
    module().fireEvent(u"account-disco-info"_s, infoEvent);
    query.addChild(u"feature"_s).setAttribute(u"var"_s, Ns::DiscoInfo.toString());
    query.addChild(u"feature"_s).setAttribute(u"var"_s, Ns::DiscoItems.toString());
    return reply;
}

QVariant DiscoModule::onContactQuery(Event& event, bool info)
{
    if (event.toSelf || !event.origin) {
        return {};
    }
    const XmlElement stanza = *event.stanza;
    const QString user = stanza.attribute(u"to").section(u'@', 0, 0);
    const QString requester = stanza.attribute(u"from").section(u'/', 0, 0);
    module().context().rosters->withRoster(
        module().host(), user, [this, stanza, requester, info](Result<Roster*> roster) {
            const RosterItem* item = roster ? roster.value()->item(requester) : nullptr;
            if (!item || !item->hasFrom()) {
                module().send(Stanza::errorReply(stanza, u"cancel"_s, u"service-unavailable"_s));
                return;
            }
            // Answered from the host through the router: the requesting session may be gone by now.
            XmlElement request = stanza;
            Event forward(module().hostObject(), &request);
            module().send(info ? accountInfo(forward) : accountItems(forward));
        });
    return true;
}

QVariant DiscoModule::onAccountItems(Event& event)
{
    event.origin->send(accountItems(event));
    return true;
}

XmlElement DiscoModule::accountItems(Event& event)
{
    const XmlElement& stanza = *event.stanza;
    XmlElement reply = Stanza::reply(stanza);
    reply.addChild(u"query"_s, Ns::DiscoItems.toString());
    Event itemsEvent(event.origin, event.stanza);
    itemsEvent.setPointer(u"reply"_s, &reply);
    module().fireEvent(u"account-disco-items"_s, itemsEvent);
    return reply;
}

} // namespace Canto::Modules
