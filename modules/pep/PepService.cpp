#include "modules/pep/PepService.h"

#include "modules/pep/PepServiceManager.h"
#include "server/core/Roster.h"

#include <QDateTime>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

QString bareOf(const QString& jid)
{
    return jid.section(u'/', 0, 0);
}

// util.pubsub's capability table, reduced to what PEP uses: the actions each affiliation may do.
bool affiliationMay(const QString& affiliation, const QString& action)
{
    static const QHash<QString, QSet<QString>> capabilities{
        {u"outcast"_s, {u"get_subscription"_s, u"get_subscriptions"_s, u"be_unsubscribed"_s}},
        {u"none"_s,
         {u"get_nodes"_s, u"subscribe"_s, u"unsubscribe"_s, u"get_subscription"_s, u"get_subscriptions"_s,
          u"be_subscribed"_s, u"be_unsubscribed"_s}},
        {u"member"_s,
         {u"get_nodes"_s, u"subscribe"_s, u"unsubscribe"_s, u"get_subscription"_s, u"get_subscriptions"_s,
          u"get_items"_s, u"be_subscribed"_s, u"be_unsubscribed"_s}},
        {u"publisher"_s,
         {u"publish"_s, u"retract"_s, u"get_nodes"_s, u"get_configuration"_s, u"subscribe"_s, u"unsubscribe"_s,
          u"get_subscription"_s, u"get_subscriptions"_s, u"get_items"_s, u"be_subscribed"_s, u"be_unsubscribed"_s}},
        {u"owner"_s,
         {u"create"_s, u"publish"_s, u"retract"_s, u"delete"_s, u"get_nodes"_s, u"configure"_s, u"get_configuration"_s,
          u"subscribe"_s, u"unsubscribe"_s, u"get_subscription"_s, u"get_subscriptions"_s, u"get_items"_s,
          u"subscribe_other"_s, u"unsubscribe_other"_s, u"get_subscription_other"_s, u"get_subscriptions_other"_s,
          u"be_subscribed"_s, u"be_unsubscribed"_s, u"set_affiliation"_s}},
    };
    return capabilities.value(affiliation).contains(action);
}

Result<void> fail(const QString& condition, const QString& text = {})
{
    return Result<void>::failure(condition, text);
}

} // namespace

PepService::PepService(PepServiceManager& manager, QString user, bool exists, QMap<QString, PepNode> nodes)
    : m_manager(manager), m_user(std::move(user)), m_exists(exists), m_nodes(std::move(nodes))
{}

QString PepService::jid() const
{
    return m_user + u'@' + m_manager.host();
}

const PepNode* PepService::node(const QString& name) const
{
    const auto it = m_nodes.constFind(name);
    return it != m_nodes.constEnd() ? &*it : nullptr;
}

QString PepService::defaultAffiliation(const QString& node, const QString& actor) const
{
    const PepNode* n = this->node(node);
    const PepNodeConfig config = n ? n->config : PepNodeConfig();
    const QString access = config.accessModel();
    if (access == u"open"_s) {
        return u"member"_s;
    }
    if (access == u"whitelist"_s) {
        return u"outcast"_s;
    }
    // presence and roster: the contact must see the owner's presence (RFC 6121 'from'/'both').
    const RosterItem* item = m_roster ? m_roster->item(bareOf(actor)) : nullptr;
    if (!item || !item->hasFrom()) {
        return u"outcast"_s;
    }
    if (access == u"roster"_s) {
        const QStringList allowed = config.rosterGroupsAllowed();
        for (const QString& group : item->groups) {
            if (allowed.contains(group)) {
                return u"member"_s;
            }
        }
        return u"outcast"_s;
    }
    return u"member"_s;
}

QString PepService::affiliation(const QString& node, const QString& actor) const
{
    if (!m_exists) {
        return u"outcast"_s; // Prosody's "nobody" service for accounts that do not exist
    }
    const QString bare = bareOf(actor);
    if (const PepNode* n = this->node(node)) {
        const QString affiliation = n->affiliations.value(actor, n->affiliations.value(bare)).toString();
        if (!affiliation.isEmpty()) {
            return affiliation;
        }
    }
    if (bare == jid()) {
        return u"owner"_s;
    }
    return defaultAffiliation(node, actor);
}

bool PepService::hasPresenceSubscription(const QString& jid) const
{
    const QString bare = bareOf(jid);
    if (bare == this->jid()) {
        return true;
    }
    const RosterItem* item = m_roster ? m_roster->item(bare) : nullptr;
    return item && item->hasFrom();
}

bool PepService::may(const QString& node, const QString& actor, const QString& action) const
{
    if (actor.isEmpty()) {
        return true;
    }
    return affiliationMay(affiliation(node, actor), action);
}

QStringList PepService::visibleNodes(const QString& actor) const
{
    QStringList out;
    if (!may(QString(), actor, u"get_nodes"_s)) {
        return out;
    }
    for (const PepNode& n : m_nodes) {
        if (may(n.name, actor, u"get_items"_s)) {
            out << n.name;
        }
    }
    return out;
}

Result<void> PepService::create(const QString& node, const QString& actor, const PepNodeConfig& config)
{
    if (!may(node, actor, u"create"_s)) {
        return fail(u"forbidden"_s);
    }
    if (m_nodes.contains(node)) {
        return fail(u"conflict"_s);
    }
    if (!config.isAcceptable(m_manager.maxItems())) {
        return fail(u"not-acceptable"_s);
    }
    PepNode created;
    created.name = node;
    created.config = config;
    if (!actor.isEmpty()) {
        created.affiliations.insert(bareOf(actor), u"owner"_s);
    }
    m_nodes.insert(node, created);
    saveNode(created);
    return {};
}

Result<QString> PepService::publish(const QString& node, const QString& actor, QString id, const XmlElement& payload,
                                    const std::optional<PepNodeConfig>& options)
{
    bool allowed = may(node, actor, u"publish"_s);
    if (!allowed) {
        const PepNode* n = this->node(node);
        const QString model = n ? n->config.publishModel() : QString();
        allowed = model == u"open"_s || (model == u"subscribers"_s && n->subscribers.contains(actor));
    }
    if (!allowed) {
        return Result<QString>::failure(u"forbidden"_s);
    }
    if (!m_nodes.contains(node)) {
        if (!m_exists) {
            return Result<QString>::failure(u"item-not-found"_s);
        }
        const Result<void> created = create(node, QString(), options.value_or(PepNodeConfig()));
        if (!created) {
            return created.error();
        }
    } else if (options) {
        const QString mismatch = m_nodes.value(node).config.firstMismatch(*options);
        if (!mismatch.isEmpty()) {
            return Result<QString>::failure(u"precondition-not-met"_s, u"Field does not match: "_s + mismatch);
        }
    }
    if (payload.isNull()) {
        return Result<QString>::failure(u"invalid-item"_s);
    }
    if (id.isEmpty()) {
        id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    }
    PepNode& n = m_nodes[node];
    PepItem item{id, payload, bareOf(actor), QDateTime::currentSecsSinceEpoch()};
    if (n.config.persistItems()) {
        const int existing = n.indexOf(id);
        if (existing >= 0) {
            n.items.removeAt(existing); // a republished id becomes the newest, as in the archive
        }
        n.items.append(item);
        storeItem(n, item);
        trim(n);
    }
    m_manager.broadcast(*this, u"items"_s, n, item.toXml(true));
    Q_EMIT m_manager.itemPublished(m_user, node, id, actor);
    return id;
}

Result<void> PepService::retract(const QString& node, const QString& actor, const QString& id, bool notify)
{
    if (!may(node, actor, u"retract"_s)) {
        return fail(u"forbidden"_s);
    }
    if (!m_nodes.contains(node)) {
        return fail(u"item-not-found"_s);
    }
    PepNode& n = m_nodes[node];
    if (n.config.persistItems()) {
        const int index = n.indexOf(id);
        if (index < 0) {
            return fail(u"item-not-found"_s);
        }
        n.items.removeAt(index);
        m_manager.deleteItem(m_user, node, id);
    }
    if (notify) {
        XmlElement retract(u"retract"_s, u"http://jabber.org/protocol/pubsub"_s);
        retract.setAttribute(u"id"_s, id);
        m_manager.broadcast(*this, u"retract"_s, n, retract);
    }
    Q_EMIT m_manager.itemRetracted(m_user, node, id, actor);
    return {};
}

Result<void> PepService::purge(const QString& node, const QString& actor, bool notify)
{
    if (!may(node, actor, u"retract"_s)) {
        return fail(u"forbidden"_s);
    }
    if (!m_nodes.contains(node)) {
        return fail(u"item-not-found"_s);
    }
    PepNode& n = m_nodes[node];
    n.items.clear();
    m_manager.clearItems(m_user, node);
    if (notify) {
        m_manager.broadcast(*this, u"purge"_s, n, XmlElement());
    }
    Q_EMIT m_manager.nodePurged(m_user, node, actor);
    return {};
}

Result<void> PepService::remove(const QString& node, const QString& actor)
{
    if (!may(node, actor, u"delete"_s)) {
        return fail(u"forbidden"_s);
    }
    if (!m_nodes.contains(node)) {
        return fail(u"item-not-found"_s);
    }
    const PepNode removed = m_nodes.take(node);
    m_manager.clearItems(m_user, node);
    m_manager.deleteNode(m_user, node);
    m_manager.broadcast(*this, u"delete"_s, removed, XmlElement());
    Q_EMIT m_manager.nodeDeleted(m_user, node, actor);
    return {};
}

Result<QList<PepItem>> PepService::items(const QString& node, const QString& actor, const QStringList& ids,
                                         std::optional<int> max) const
{
    if (!may(node, actor, u"get_items"_s)) {
        return Result<QList<PepItem>>::failure(u"forbidden"_s);
    }
    const PepNode* n = this->node(node);
    if (!n) {
        return Result<QList<PepItem>>::failure(u"item-not-found"_s);
    }
    if (!n->config.persistItems()) {
        return Result<QList<PepItem>>::failure(u"persistent-items-unsupported"_s);
    }
    QList<PepItem> out;
    if (!ids.isEmpty()) {
        for (const QString& id : ids) {
            const int index = n->indexOf(id);
            if (index >= 0) {
                out << n->items.at(index);
            }
            if (max && out.size() >= *max) {
                break;
            }
        }
        return out;
    }
    const qsizetype count = max ? qMin<qsizetype>(qMax(0, *max), n->items.size()) : n->items.size();
    return n->items.mid(n->items.size() - count);
}

Result<std::optional<PepItem>> PepService::lastItem(const QString& node, const QString& actor) const
{
    if (!may(node, actor, u"get_items"_s)) {
        return Result<std::optional<PepItem>>::failure(u"forbidden"_s);
    }
    const PepNode* n = this->node(node);
    if (!n) {
        return Result<std::optional<PepItem>>::failure(u"item-not-found"_s);
    }
    if (n->items.isEmpty()) {
        return std::optional<PepItem>();
    }
    return std::optional<PepItem>(n->items.last());
}

Result<PepNodeConfig> PepService::config(const QString& node, const QString& actor) const
{
    if (!may(node, actor, u"get_configuration"_s)) {
        return Result<PepNodeConfig>::failure(u"forbidden"_s);
    }
    const PepNode* n = this->node(node);
    if (!n) {
        return Result<PepNodeConfig>::failure(u"item-not-found"_s);
    }
    return n->config;
}

Result<void> PepService::configure(const QString& node, const QString& actor, const PepNodeConfig& config)
{
    if (!may(node, actor, u"configure"_s)) {
        return fail(u"forbidden"_s);
    }
    if (!m_nodes.contains(node)) {
        return fail(u"item-not-found"_s);
    }
    if (!config.isAcceptable(m_manager.maxItems())) {
        return fail(u"not-acceptable"_s);
    }
    PepNode& n = m_nodes[node];
    const PepNodeConfig old = n.config;
    n.config = config;
    if (old.accessModel() != config.accessModel()) {
        // Subscribers who may no longer be subscribed lose their subscription (util.pubsub).
        for (const QString& subscriber : n.subscribers.keys()) {
            if (!may(node, subscriber, u"be_subscribed"_s)) {
                n.subscribers.remove(subscriber);
            }
        }
    }
    if (old.persistItems() && !config.persistItems()) {
        n.items.clear();
        m_manager.clearItems(m_user, node);
    } else {
        trim(n);
    }
    saveNode(n);
    return {};
}

Result<void> PepService::setAffiliation(const QString& node, const QString& actor, const QString& jid,
                                        const QString& affiliation)
{
    if (!may(node, actor, u"set_affiliation"_s)) {
        return fail(u"forbidden"_s);
    }
    if (!m_nodes.contains(node)) {
        return fail(u"item-not-found"_s);
    }
    static const QStringList known{u"owner"_s, u"publisher"_s, u"member"_s, u"outcast"_s, u"none"_s};
    if (!known.contains(affiliation)) {
        return fail(u"bad-request"_s, u"Unknown affiliation"_s);
    }
    PepNode& n = m_nodes[node];
    const QString bare = bareOf(jid);
    if (affiliation == u"none"_s) {
        n.affiliations.remove(bare);
    } else {
        n.affiliations.insert(bare, affiliation);
    }
    for (const QString& subscriber : n.subscribers.keys()) {
        if (bareOf(subscriber) == bare && !may(node, subscriber, u"be_subscribed"_s)) {
            n.subscribers.remove(subscriber);
        }
    }
    saveNode(n);
    return {};
}

Result<void> PepService::subscribe(const QString& node, const QString& actor, const QString& jid)
{
    const bool self = actor.isEmpty() || bareOf(actor) == bareOf(jid);
    if (!may(node, actor, self ? u"subscribe"_s : u"subscribe_other"_s) || !may(node, jid, u"be_subscribed"_s)) {
        return fail(u"forbidden"_s);
    }
    if (!m_nodes.contains(node)) {
        return fail(u"item-not-found"_s);
    }
    PepNode& n = m_nodes[node];
    n.subscribers.insert(jid, true);
    saveNode(n);
    return {};
}

Result<void> PepService::unsubscribe(const QString& node, const QString& actor, const QString& jid)
{
    const bool self = actor.isEmpty() || bareOf(actor) == bareOf(jid);
    if (!may(node, actor, self ? u"unsubscribe"_s : u"unsubscribe_other"_s)) {
        return fail(u"forbidden"_s);
    }
    if (!m_nodes.contains(node)) {
        return fail(u"item-not-found"_s);
    }
    PepNode& n = m_nodes[node];
    if (!n.subscribers.contains(jid)) {
        return fail(u"not-subscribed"_s);
    }
    n.subscribers.remove(jid);
    saveNode(n);
    return {};
}

void PepService::saveNode(const PepNode& node)
{
    m_manager.saveNode(m_user, node);
}

void PepService::storeItem(const PepNode& node, const PepItem& item)
{
    m_manager.appendItem(m_user, node.name, item, node.config.maxItems(m_manager.maxItems()));
}

void PepService::trim(PepNode& node)
{
    const int max = node.config.maxItems(m_manager.maxItems());
    if (node.items.size() > max) {
        node.items.erase(node.items.begin(), node.items.begin() + (node.items.size() - max));
        m_manager.truncateItems(m_user, node.name, max);
    }
}

} // namespace Canto::Modules
