#include "modules/pep/PepModule.h"

#include "modules/pep/CapsHash.h"
#include "modules/pep/PepIqHandler.h"
#include "modules/pep/PepServiceManager.h"
#include "server/core/ClientSession.h"
#include "server/core/Host.h"
#include "server/core/ModuleApi.h"
#include "server/core/RosterManager.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

QString bareOf(const QString& jid)
{
    return jid.section(u'/', 0, 0);
}

// Features of Canto's PEP service (XEP-0060 §10 names, prefixed with the pubsub namespace).
const QStringList& pubsubFeatures()
{
    static const QStringList features{
        u"access-presence"_s,
        u"auto-create"_s,
        u"auto-subscribe"_s,
        u"config-node"_s,
        u"config-node-max"_s,
        u"create-and-configure"_s,
        u"create-nodes"_s,
        u"delete-items"_s,
        u"delete-nodes"_s,
        u"filtered-notifications"_s,
        u"instant-nodes"_s,
        u"item-ids"_s,
        u"last-published"_s,
        u"member-affiliation"_s,
        u"meta-data"_s,
        u"modify-affiliations"_s,
        u"outcast-affiliation"_s,
        u"persistent-items"_s,
        u"presence-notifications"_s,
        u"presence-subscribe"_s,
        u"publish"_s,
        u"publish-options"_s,
        u"publisher-affiliation"_s,
        u"purge-nodes"_s,
        u"retract-items"_s,
        u"retrieve-default"_s,
        u"retrieve-items"_s,
        u"retrieve-subscriptions"_s,
        u"subscribe"_s,
    };
    return features;
}

} // namespace

PepModule::PepModule(ModuleApi& api) : Module(api) {}

PepModule::~PepModule() = default;

Result<void> PepModule::load()
{
    const int maxItems = int(module().optionInteger(u"pep_max_items"_s, 256, 1).value_or(256));
    const int serviceCache = int(module().optionInteger(u"pep_service_cache_size"_s, 1000, 1).value_or(1000));
    m_recipientLimit = int(module().optionInteger(u"pep_info_cache_size"_s, 10000, 1).value_or(10000));
    m_services = std::make_unique<PepServiceManager>(module(), maxItems, serviceCache);
    m_services->setBroadcaster([this](PepService& service, const QString& kind, const PepNode& node,
                                      const XmlElement& payload) { broadcast(service, kind, node, payload); });
    m_iq = std::make_unique<PepIqHandler>(module(), *m_services);
    m_caps = std::make_unique<CapsCache>(m_recipientLimit);

    const auto onIq = [this](Event& event) {
        return m_iq->handle(event);
    };
    module().hook(u"iq/bare/http://jabber.org/protocol/pubsub:pubsub"_s, onIq);
    module().hook(u"iq/bare/http://jabber.org/protocol/pubsub#owner:pubsub"_s, onIq);
    // Priority 10 (as Prosody): look at presence before the presence module delivers it.
    module().hook(
        u"presence/bare"_s, [this](Event& event) { return onPresence(event); }, 10);
    module().hook(u"resource-bind"_s, [this](Event& event) -> QVariant {
        // Load the service of a user who logs in, so disco and presence find it in memory.
        const auto* session = static_cast<ClientSession*>(event.origin);
        m_services->withService(session->username(), [](Result<PepService*>) {});
        return {};
    });
    module().hook(u"resource-unbind"_s, [this](Event& event) -> QVariant {
        const auto* session = static_cast<ClientSession*>(event.origin);
        forgetRecipient(session->username(), session->fullJid(), false);
        return {};
    });
    module().hookGlobal(u"user-deleted"_s, [this](Event& event) -> QVariant {
        // The storage is purged by the account manager; forget what is in memory.
        if (event.value(u"host"_s).toString() == module().host()) {
            const QString user = event.value(u"username"_s).toString();
            m_services->drop(user);
            m_recipients.remove(user);
        }
        return {};
    });
    module().hook(u"account-disco-info"_s, [this](Event& event) { return onAccountDiscoInfo(event); });
    module().hook(u"account-disco-items"_s, [this](Event& event) { return onAccountDiscoItems(event); });
    // Priority 10: before the disco module answers, make sure the service is in memory.
    for (const QString& name : {u"iq-get/self/http://jabber.org/protocol/disco#info:query"_s,
                                u"iq-get/self/http://jabber.org/protocol/disco#items:query"_s,
                                u"iq-get/bare/http://jabber.org/protocol/disco#info:query"_s,
                                u"iq-get/bare/http://jabber.org/protocol/disco#items:query"_s}) {
        module().hook(
            name, [this, name](Event& event) { return preloadForDisco(name, event); }, 10);
    }
    return {};
}

QString PepModule::serviceUser(const Event& event)
{
    const QString to = event.stanza->attribute(u"to");
    if (event.toSelf || to.isEmpty()) {
        return event.origin && event.origin->isClient() ? static_cast<ClientSession*>(event.origin)->username()
                                                        : QString();
    }
    return to.section(u'@', 0, 0);
}

QVariant PepModule::onPresence(Event& event)
{
    const XmlElement& stanza = *event.stanza;
    const QString user = serviceUser(event);
    const QString from = stanza.attribute(u"from");
    if (user.isEmpty() || from.isEmpty()) {
        return {};
    }
    const QString type = stanza.attribute(u"type");
    if (type == u"unavailable"_s) {
        forgetRecipient(user, from, false);
    } else if (type == u"unsubscribe"_s && !event.toSelf) {
        forgetRecipient(user, bareOf(from), true);
    } else if (type.isEmpty()) {
        const XmlElement presence = stanza;
        const bool self = event.toSelf;
        m_services->withService(user, [this, presence, from, self](Result<PepService*> service) {
            if (service && (self || service.value()->hasPresenceSubscription(from))) {
                handleAvailable(*service.value(), from, presence);
            }
        });
    }
    return {}; // presence continues to the presence module
}

void PepModule::handleAvailable(PepService& service, const QString& recipient, const XmlElement& presence)
{
    const XmlElement* caps = presence.firstChild(u"c", Ns::Caps);
    QString ver, queryNode, hashName;
    if (caps) {
        const QString node = caps->attribute(u"node");
        const QString capsVer = caps->attribute(u"ver");
        hashName = caps->attribute(u"hash");
        if (!hashName.isEmpty()) {
            if (!node.isEmpty() && !capsVer.isEmpty() && !CapsHash::compute(XmlElement(), hashName).isEmpty()) {
                ver = capsVer;
                queryNode = node + u'#' + capsVer;
            }
        } else if (!node.isEmpty() && !capsVer.isEmpty()) {
            // COMPAT: legacy caps (XEP-0115 v1.3) have no hash; they can be queried but not verified.
            ver = node + u'#' + capsVer + u'#' + caps->attribute(u"ext");
            queryNode = node + u'#' + capsVer;
        }
    }
    const Interest current = m_recipients.value(service.user()).value(recipient);
    module().log(ModuleApi::LogLevel::Debug, u"caps of %1: %2 (was %3)"_s.arg(recipient, ver, current.ver));
    if (ver.isEmpty()) {
        updateInterest(service, recipient, QString(), {}); // no (usable) caps: no notifications
        return;
    }
    if (!current.ver.isEmpty() && current.ver == ver) {
        return; // unchanged caps (a status change)
    }
    if (const std::optional<QSet<QString>> known = m_caps->find(ver)) {
        updateInterest(service, recipient, ver, *known);
        return;
    }
    queryCaps(service.user(), recipient, ver, queryNode, hashName);
}

void PepModule::queryCaps(const QString& user, const QString& recipient, const QString& ver, const QString& queryNode,
                          const QString& hashName)
{
    const QString userJid = user + u'@' + module().host();
    XmlElement query(u"query"_s, Ns::DiscoInfo.toString());
    query.setAttribute(u"node"_s, queryNode);
    const XmlElement iq =
        Stanza::iq(u"get"_s, u"pep-caps-"_s + QString::number(++m_nextId), userJid, recipient, std::move(query));
    module().log(ModuleApi::LogLevel::Debug, u"asking %1 about %2"_s.arg(recipient, queryNode));
    module().sendIq(iq, nullptr, 30).then(this, [this, user, recipient, ver, hashName](Result<XmlElement> response) {
        if (!response) {
            module().log(ModuleApi::LogLevel::Debug,
                         u"caps query to %1 failed: %2"_s.arg(recipient, response.error().toString()));
            return;
        }
        const XmlElement* info = response.value().firstChild(u"query", Ns::DiscoInfo);
        if (!info) {
            return;
        }
        const QSet<QString> nodes = CapsHash::notifyNodes(*info);
        // Only a ver that matches what the entity answered may describe other entities too.
        if (!hashName.isEmpty() && CapsHash::compute(*info, hashName) == ver) {
            m_caps->insert(ver, nodes);
        } else {
            module().log(ModuleApi::LogLevel::Debug,
                         u"caps of %1 not cached: ver %2 does not verify"_s.arg(recipient, ver));
        }
        m_services->withService(user, [this, recipient, ver, nodes](Result<PepService*> service) {
            if (service) {
                updateInterest(*service.value(), recipient, ver, nodes);
            }
        });
    });
}

void PepModule::updateInterest(PepService& service, const QString& recipient, const QString& ver,
                               const QSet<QString>& nodes)
{
    QHash<QString, Interest>& interests = m_recipients[service.user()];
    const QSet<QString> before = interests.value(recipient).nodes;
    for (const QString& node : nodes) {
        if (!before.contains(node) && service.may(node, recipient, u"subscribe"_s)) {
            sendLastItem(service, node, recipient);
        }
    }
    if (nodes.isEmpty()) {
        interests.remove(recipient);
        if (interests.isEmpty()) {
            m_recipients.remove(service.user());
        }
        return;
    }
    interests.insert(recipient, Interest{ver, nodes});
    // Bounded like Prosody's pep_info_cache_size: forget another user's listeners first.
    while (m_recipients.size() > m_recipientLimit) {
        auto victim = m_recipients.begin();
        if (victim.key() == service.user() && m_recipients.size() > 1) {
            ++victim;
        }
        m_recipients.erase(victim);
    }
}

void PepModule::forgetRecipient(const QString& user, const QString& recipient, bool wholeBareJid)
{
    auto it = m_recipients.find(user);
    if (it == m_recipients.end()) {
        return;
    }
    if (wholeBareJid) {
        for (auto r = it->begin(); r != it->end();) {
            r = bareOf(r.key()) == recipient ? it->erase(r) : std::next(r);
        }
    } else {
        it->remove(recipient);
    }
    if (it->isEmpty()) {
        m_recipients.erase(it);
    }
}

void PepModule::sendLastItem(PepService& service, const QString& node, const QString& recipient)
{
    const PepNode* n = service.node(node);
    if (!n || n->config.sendLastPublishedItem() != u"on_sub_and_presence"_s) {
        return;
    }
    const Result<std::optional<PepItem>> last = service.lastItem(node, recipient);
    if (last && last.value()) {
        notify(service.jid(), recipient, u"items"_s, node, last.value()->toXml(true));
    }
}

void PepModule::broadcast(PepService& service, const QString& kind, const PepNode& node, const XmlElement& payload)
{
    if (!node.config.notifies(kind)) {
        return;
    }
    // Explicit subscribers, plus every resource whose caps ask for this node and may see it.
    QSet<QString> targets;
    for (auto it = node.subscribers.constBegin(); it != node.subscribers.constEnd(); ++it) {
        targets.insert(it.key());
    }
    const QHash<QString, Interest> interests = m_recipients.value(service.user());
    for (auto it = interests.constBegin(); it != interests.constEnd(); ++it) {
        if (it->nodes.contains(node.name) && service.may(node.name, it.key(), u"subscribe"_s)) {
            targets.insert(it.key());
        }
    }
    XmlElement shown = payload;
    if (kind == u"items"_s && !node.config.includePayload()) {
        shown.nodes().clear();
    }
    QStringList sorted(targets.begin(), targets.end());
    sorted.sort(); // a stable order for logs and tests
    for (const QString& to : sorted) {
        notify(service.jid(), to, kind, node.name, shown);
    }
}

void PepModule::notify(const QString& from, const QString& to, const QString& kind, const QString& node,
                       const XmlElement& payload)
{
    XmlElement message = Stanza::message(from, to, u"headline"_s);
    message.setAttribute(u"id"_s, u"pep-"_s + QString::number(++m_nextId));
    XmlElement& event = message.addChild(u"event"_s, Ns::PubSubEvent.toString());
    // XEP-0060 signals a retraction inside <items/>.
    XmlElement& container = event.addChild(kind == u"retract"_s ? u"items"_s : kind);
    container.setAttribute(u"node"_s, node);
    if (!payload.isNull()) {
        XmlElement child(payload.name(), Ns::PubSubEvent.toString());
        for (const auto& [name, value] : payload.attributes()) {
            child.setAttribute(name, value);
        }
        child.nodes() = payload.nodes();
        container.addChild(std::move(child));
    }
    module().send(message);
}

QVariant PepModule::preloadForDisco(const QString& eventName, Event& event)
{
    const QString user = serviceUser(event);
    if (user.isEmpty() || m_services->cached(user) || (event.toSelf && eventName.startsWith(u"iq-get/bare/"_s))) {
        return {}; // (a self-addressed query is retried from its iq-get/self event)
    }
    // COMPAT: the disco module's account events are synchronous; answer after loading.
    const XmlElement stanza = *event.stanza;
    const bool toSelf = event.toSelf;
    m_services->withService(user, [this, eventName, stanza, toSelf](Result<PepService*> service) {
        if (!service) {
            module().send(Stanza::errorReply(stanza, u"wait"_s, u"internal-server-error"_s));
            return;
        }
        XmlElement again = stanza;
        Session* origin = module().hostObject();
        if (toSelf) {
            const QString from = stanza.attribute(u"from");
            origin = module().hostObject()->clientSession(from.section(u'@', 0, 0), from.section(u'/', 1));
            if (!origin) {
                return; // the asking session is gone
            }
        }
        Event retry(origin, &again);
        retry.toSelf = toSelf;
        if (!module().events().fire(eventName, retry).isValid()) {
            module().send(Stanza::errorReply(stanza, u"cancel"_s, u"service-unavailable"_s));
        }
    });
    return true;
}

QVariant PepModule::onAccountDiscoInfo(Event& event)
{
    auto* reply = event.pointer<XmlElement>(u"reply"_s);
    XmlElement* query = reply ? reply->firstChild(u"query", Ns::DiscoInfo) : nullptr;
    PepService* service = m_services->cached(serviceUser(event));
    if (!query) {
        return {};
    }
    const QString nodeName = event.value(u"node"_s).toString();
    if (!nodeName.isEmpty()) {
        // A node of the service: its identity and metadata (XEP-0060 §5.4), if the asker may see it.
        const QString asker = event.stanza->attribute(u"from");
        const PepNode* node = service ? service->node(nodeName) : nullptr;
        if (!node || !service->may(QString(), asker, u"get_nodes"_s)) {
            return {};
        }
        query->addChild(u"identity"_s).setAttribute(u"category"_s, u"pubsub"_s).setAttribute(u"type"_s, u"leaf"_s);
        XmlElement form(u"x"_s, u"jabber:x:data"_s);
        form.setAttribute(u"type"_s, u"result"_s);
        const auto field = [&form](const QString& var, const QString& value, const QString& type = {}) {
            XmlElement& f = form.addChild(u"field"_s);
            f.setAttribute(u"var"_s, var);
            if (!type.isEmpty()) {
                f.setAttribute(u"type"_s, type);
            }
            f.addTextChild(u"value"_s, u"jabber:x:data"_s, value);
        };
        field(u"FORM_TYPE"_s, u"http://jabber.org/protocol/pubsub#meta-data"_s, u"hidden"_s);
        for (const auto& [var, name] : {std::pair{u"pubsub#title"_s, u"title"_s},
                                        {u"pubsub#description"_s, u"description"_s},
                                        {u"pubsub#type"_s, u"payload_type"_s},
                                        {u"pubsub#access_model"_s, u"access_model"_s},
                                        {u"pubsub#publish_model"_s, u"publish_model"_s}}) {
            const QVariant value = node->config.value(name);
            if (value.isValid()) {
                field(var, value.toString());
            }
        }
        query->addChild(std::move(form));
        return {};
    }
    query->addChild(u"identity"_s).setAttribute(u"category"_s, u"pubsub"_s).setAttribute(u"type"_s, u"pep"_s);
    query->addChild(u"feature"_s).setAttribute(u"var"_s, Ns::PubSub.toString());
    for (const QString& feature : pubsubFeatures()) {
        query->addChild(u"feature"_s).setAttribute(u"var"_s, Ns::PubSub + u'#' + feature);
    }
    return {};
}

QVariant PepModule::onAccountDiscoItems(Event& event)
{
    auto* reply = event.pointer<XmlElement>(u"reply"_s);
    XmlElement* query = reply ? reply->firstChild(u"query", Ns::DiscoItems) : nullptr;
    const QString user = serviceUser(event);
    PepService* service = m_services->cached(user);
    if (!query || !service) {
        return {};
    }
    // Outside withService: take the owner's roster from the cache the disco module just used.
    const Roster* outer = service->roster();
    service->setRoster(module().context().rosters ? module().context().rosters->cached(module().host(), user)
                                                  : nullptr);
    const QString asker = event.stanza->attribute(u"from");
    const QString nodeName = event.stanza->firstChild() ? event.stanza->firstChild()->attribute(u"node") : QString();
    if (!nodeName.isEmpty()) {
        query->setAttribute(u"node"_s, nodeName);
        // XEP-0060 §5.5: the items of a node, named by id.
        const Result<QList<PepItem>> items = service->items(nodeName, asker);
        if (items) {
            for (const PepItem& item : items.value()) {
                query->addChild(u"item"_s).setAttribute(u"jid"_s, service->jid()).setAttribute(u"name"_s, item.id);
            }
        }
    } else {
        for (const QString& name : service->visibleNodes(asker)) {
            XmlElement& item = query->addChild(u"item"_s);
            item.setAttribute(u"jid"_s, service->jid()).setAttribute(u"node"_s, name);
            const QString title = service->node(name)->config.value(u"title"_s).toString();
            if (!title.isEmpty()) {
                item.setAttribute(u"name"_s, title);
            }
        }
    }
    service->setRoster(outer);
    return {};
}

} // namespace Canto::Modules
