#include "modules/pep/PepIqHandler.h"

#include "modules/pep/PepService.h"
#include "modules/pep/PepServiceManager.h"
#include "server/core/ClientSession.h"
#include "server/core/ModuleApi.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"
#include "shared/Jid.h"

#include <QUuid>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

const QString PubSubErrorsNs = u"http://jabber.org/protocol/pubsub#errors"_s;

struct ErrorSpec
{
    QString type;
    QString condition;
    QString pubsubCondition;
    QString feature; // for <unsupported feature=.../>
};

// Prosody's pubsub_errors table, with XEP-0060's <unsupported/> for missing features.
ErrorSpec specFor(const QString& name)
{
    static const QHash<QString, ErrorSpec> table{
        {u"conflict"_s, {u"cancel"_s, u"conflict"_s, {}, {}}},
        {u"invalid-jid"_s, {u"modify"_s, u"bad-request"_s, u"invalid-jid"_s, {}}},
        {u"jid-required"_s, {u"modify"_s, u"bad-request"_s, u"jid-required"_s, {}}},
        {u"nodeid-required"_s, {u"modify"_s, u"bad-request"_s, u"nodeid-required"_s, {}}},
        {u"item-not-found"_s, {u"cancel"_s, u"item-not-found"_s, {}, {}}},
        {u"not-subscribed"_s, {u"modify"_s, u"unexpected-request"_s, u"not-subscribed"_s, {}}},
        {u"forbidden"_s, {u"auth"_s, u"forbidden"_s, {}, {}}},
        {u"not-allowed"_s, {u"cancel"_s, u"not-allowed"_s, {}, {}}},
        {u"not-acceptable"_s, {u"modify"_s, u"not-acceptable"_s, {}, {}}},
        {u"internal-server-error"_s, {u"wait"_s, u"internal-server-error"_s, {}, {}}},
        {u"precondition-not-met"_s, {u"cancel"_s, u"conflict"_s, u"precondition-not-met"_s, {}}},
        {u"invalid-item"_s, {u"modify"_s, u"bad-request"_s, {}, {}}},
        {u"bad-request"_s, {u"modify"_s, u"bad-request"_s, {}, {}}},
        {u"persistent-items-unsupported"_s,
         {u"cancel"_s, u"feature-not-implemented"_s, u"unsupported"_s, u"persistent-items"_s}},
    };
    return table.value(name, ErrorSpec{u"cancel"_s, u"feature-not-implemented"_s, {}, {}});
}

Error unsupported(const QString& feature)
{
    return Error{u"unsupported:"_s + feature, {}};
}

// Elements built without a namespace take their parent's, as they would when serialized.
void inheritNamespace(XmlElement& element, const QString& xmlns)
{
    if (element.xmlns().isEmpty()) {
        element.setXmlns(xmlns);
    }
    for (XmlNode& node : element.nodes()) {
        if (auto* child = std::get_if<XmlElement>(&node)) {
            inheritNamespace(*child, element.xmlns());
        }
    }
}

XmlElement pubsubReply(const XmlElement& stanza, const QString& xmlns, XmlElement child)
{
    XmlElement reply = Stanza::reply(stanza);
    inheritNamespace(child, xmlns);
    reply.addChild(u"pubsub"_s, xmlns).addChild(std::move(child));
    return reply;
}

QString preparedJid(const QString& text)
{
    const Result<Jid> jid = Jid::parse(text);
    return jid ? jid->full() : QString();
}

} // namespace

PepIqHandler::PepIqHandler(ModuleApi& module, PepServiceManager& services) : m_module(module), m_services(services) {}

XmlElement PepIqHandler::errorReply(const XmlElement& stanza, const Error& error)
{
    if (error.condition.startsWith(u"unsupported:"_s)) {
        XmlElement reply = Stanza::errorReply(stanza, u"cancel"_s, u"feature-not-implemented"_s);
        if (XmlElement* e = reply.firstChild(u"error")) {
            e->addChild(u"unsupported"_s, PubSubErrorsNs).setAttribute(u"feature"_s, error.condition.mid(12));
        }
        return reply;
    }
    const ErrorSpec spec = specFor(error.condition);
    QString text = error.text;
    if (error.condition == u"invalid-item"_s && text.isEmpty()) {
        text = u"invalid item"_s;
    }
    XmlElement reply = Stanza::errorReply(stanza, spec.type, spec.condition, text);
    if (XmlElement* e = reply.firstChild(u"error"); e && !spec.pubsubCondition.isEmpty()) {
        XmlElement& extra = e->addChild(spec.pubsubCondition, PubSubErrorsNs);
        if (!spec.feature.isEmpty()) {
            extra.setAttribute(u"feature"_s, spec.feature);
        }
    }
    return reply;
}

QVariant PepIqHandler::handle(Event& event)
{
    const XmlElement stanza = *event.stanza;
    const QString type = stanza.attribute(u"type");
    if (type != u"get"_s && type != u"set"_s) {
        return {};
    }
    QString user;
    const QString to = stanza.attribute(u"to");
    if (event.toSelf || to.isEmpty()) {
        if (!event.origin || !event.origin->isClient()) {
            return {};
        }
        user = static_cast<ClientSession*>(event.origin)->username();
    } else {
        user = to.section(u'@', 0, 0);
    }
    m_services.withService(user, [this, stanza](Result<PepService*> service) {
        if (!service) {
            m_module.send(errorReply(stanza, service.error()));
            return;
        }
        m_module.send(dispatch(*service.value(), stanza));
    });
    return true;
}

XmlElement PepIqHandler::dispatch(PepService& service, const XmlElement& stanza)
{
    const XmlElement* pubsub = stanza.firstChild();
    const XmlElement* action = pubsub ? pubsub->firstChild() : nullptr;
    if (!action) {
        return Stanza::errorReply(stanza, u"modify"_s, u"bad-request"_s);
    }
    const bool set = stanza.attribute(u"type") == u"set"_s;
    const QString name = action->name();
    if (pubsub->xmlns() == Ns::PubSubOwner) {
        if (name == u"configure"_s) {
            return configure(service, stanza, *action, set);
        }
        if (name == u"default"_s && !set) {
            XmlElement def(u"default"_s);
            def.addChild(PepNodeConfig().toForm(m_services.maxItems()));
            return pubsubReply(stanza, Ns::PubSubOwner.toString(), std::move(def));
        }
        if ((name == u"delete"_s || name == u"purge"_s) && set) {
            const QString node = action->attribute(u"node");
            if (node.isEmpty()) {
                return errorReply(stanza, Error{u"nodeid-required"_s, {}});
            }
            const QString actor = stanza.attribute(u"from");
            const Result<void> done =
                name == u"delete"_s ? service.remove(node, actor) : service.purge(node, actor, true);
            return done ? Stanza::reply(stanza) : errorReply(stanza, done.error());
        }
        if (name == u"subscriptions"_s) {
            return set ? setSubscriptions(service, stanza, *action) : subscriptions(service, stanza, *action, true);
        }
        if (name == u"affiliations"_s) {
            return affiliations(service, stanza, *action, set);
        }
        return errorReply(stanza, unsupported(name));
    }
    if (set && name == u"publish"_s) {
        return publish(service, stanza, *action);
    }
    if (set && name == u"retract"_s) {
        return retract(service, stanza, *action);
    }
    if (set && name == u"create"_s) {
        return create(service, stanza, *action);
    }
    if (set && (name == u"subscribe"_s || name == u"unsubscribe"_s)) {
        return subscribe(service, stanza, *action, name == u"subscribe"_s);
    }
    if (!set && name == u"items"_s) {
        return items(service, stanza, *action);
    }
    if (!set && name == u"subscriptions"_s) {
        return subscriptions(service, stanza, *action, false);
    }
    return errorReply(stanza, unsupported(name == u"options"_s ? u"subscription-options"_s : name));
}

XmlElement PepIqHandler::publish(PepService& service, const XmlElement& stanza, const XmlElement& action)
{
    const QString node = action.attribute(u"node");
    if (node.isEmpty()) {
        return errorReply(stanza, Error{u"nodeid-required"_s, {}});
    }
    std::optional<PepNodeConfig> options;
    if (const XmlElement* publishOptions = stanza.firstChild()->firstChild(u"publish-options")) {
        const XmlElement* form = publishOptions->firstChild(u"x", Ns::DataForms);
        if (form) {
            Result<PepNodeConfig> parsed = PepNodeConfig::fromForm(*form);
            if (!parsed) {
                return errorReply(stanza, parsed.error());
            }
            options = parsed.value();
        }
    }
    const XmlElement* item = action.firstChild(u"item");
    // util.pubsub's itemcheck: an <item/> with exactly one payload element.
    if (!item || item->childElementCount() != 1) {
        return errorReply(stanza, Error{u"invalid-item"_s, {}});
    }
    const Result<QString> id =
        service.publish(node, stanza.attribute(u"from"), item->attribute(u"id"), *item->firstChild(), options);
    if (!id) {
        return errorReply(stanza, id.error());
    }
    XmlElement published(u"publish"_s);
    published.setAttribute(u"node"_s, node);
    published.addChild(u"item"_s).setAttribute(u"id"_s, id.value());
    return pubsubReply(stanza, Ns::PubSub.toString(), std::move(published));
}

XmlElement PepIqHandler::retract(PepService& service, const XmlElement& stanza, const XmlElement& action)
{
    const QString node = action.attribute(u"node");
    const XmlElement* item = action.firstChild(u"item");
    const QString id = item ? item->attribute(u"id") : QString();
    if (node.isEmpty() || id.isEmpty()) {
        return errorReply(stanza, Error{node.isEmpty() ? u"nodeid-required"_s : u"item-not-found"_s, {}});
    }
    const QString notify = action.attribute(u"notify");
    const Result<void> done =
        service.retract(node, stanza.attribute(u"from"), id, notify == u"1"_s || notify == u"true"_s);
    return done ? Stanza::reply(stanza) : errorReply(stanza, done.error());
}

XmlElement PepIqHandler::items(PepService& service, const XmlElement& stanza, const XmlElement& action)
{
    const QString node = action.attribute(u"node");
    if (node.isEmpty()) {
        return errorReply(stanza, Error{u"nodeid-required"_s, {}});
    }
    QStringList ids;
    for (const XmlElement* item : action.children(u"item")) {
        ids << item->attribute(u"id");
    }
    std::optional<int> max;
    if (action.hasAttribute(u"max_items")) {
        bool ok = false;
        max = action.attribute(u"max_items").toInt(&ok);
        if (!ok || *max < 0) {
            return Stanza::errorReply(stanza, u"modify"_s, u"bad-request"_s, u"Invalid max_items"_s);
        }
    }
    const Result<QList<PepItem>> found = service.items(node, stanza.attribute(u"from"), ids, max);
    if (!found) {
        return errorReply(stanza, found.error());
    }
    XmlElement list(u"items"_s);
    list.setAttribute(u"node"_s, node);
    for (const PepItem& item : found.value()) {
        list.addChild(item.toXml(false)); // Prosody does not expose the publisher here
    }
    return pubsubReply(stanza, Ns::PubSub.toString(), std::move(list));
}

XmlElement PepIqHandler::create(PepService& service, const XmlElement& stanza, const XmlElement& action)
{
    PepNodeConfig config;
    if (const XmlElement* configure = stanza.firstChild()->firstChild(u"configure")) {
        const XmlElement* form = configure->firstChild(u"x", Ns::DataForms);
        if (form) {
            Result<PepNodeConfig> parsed = PepNodeConfig::fromForm(*form);
            if (!parsed) {
                return errorReply(stanza, parsed.error());
            }
            config = parsed.value();
        }
    }
    QString node = action.attribute(u"node");
    const bool instant = node.isEmpty();
    if (instant) {
        node = QUuid::createUuid().toString(QUuid::WithoutBraces);
    }
    const Result<void> done = service.create(node, stanza.attribute(u"from"), config);
    if (!done) {
        return errorReply(stanza, done.error());
    }
    if (!instant) {
        return Stanza::reply(stanza);
    }
    XmlElement created(u"create"_s);
    created.setAttribute(u"node"_s, node);
    return pubsubReply(stanza, Ns::PubSub.toString(), std::move(created));
}

XmlElement PepIqHandler::subscribe(PepService& service, const XmlElement& stanza, const XmlElement& action, bool on)
{
    const QString node = action.attribute(u"node");
    const QString jid = preparedJid(action.attribute(u"jid"));
    if (node.isEmpty() || jid.isEmpty()) {
        return errorReply(stanza, Error{jid.isEmpty() ? u"invalid-jid"_s : u"nodeid-required"_s, {}});
    }
    const QString actor = stanza.attribute(u"from");
    const Result<void> done = on ? service.subscribe(node, actor, jid) : service.unsubscribe(node, actor, jid);
    if (!done) {
        return errorReply(stanza, done.error());
    }
    XmlElement subscription(u"subscription"_s);
    subscription.setAttribute(u"node"_s, node)
        .setAttribute(u"jid"_s, jid)
        .setAttribute(u"subscription"_s, on ? u"subscribed"_s : u"none"_s);
    return pubsubReply(stanza, Ns::PubSub.toString(), std::move(subscription));
}

XmlElement PepIqHandler::subscriptions(PepService& service, const XmlElement& stanza, const XmlElement& action,
                                       bool owner)
{
    const QString node = action.attribute(u"node");
    const QString actor = stanza.attribute(u"from");
    if (owner && (node.isEmpty() || !service.may(node, actor, u"get_subscriptions_other"_s))) {
        return errorReply(stanza, Error{node.isEmpty() ? u"nodeid-required"_s : u"forbidden"_s, {}});
    }
    if (!node.isEmpty() && !service.node(node)) {
        return errorReply(stanza, Error{u"item-not-found"_s, {}});
    }
    XmlElement list(u"subscriptions"_s);
    if (!node.isEmpty()) {
        list.setAttribute(u"node"_s, node);
    }
    for (const PepNode& n : service.nodes()) {
        if (!node.isEmpty() && n.name != node) {
            continue;
        }
        for (auto it = n.subscribers.constBegin(); it != n.subscribers.constEnd(); ++it) {
            // Non-owners see only their own subscriptions (XEP-0060 §5.6).
            if (!owner && it.key().section(u'/', 0, 0) != actor.section(u'/', 0, 0)) {
                continue;
            }
            list.addChild(u"subscription"_s)
                .setAttribute(u"node"_s, n.name)
                .setAttribute(u"jid"_s, it.key())
                .setAttribute(u"subscription"_s, u"subscribed"_s);
        }
    }
    return pubsubReply(stanza, owner ? Ns::PubSubOwner.toString() : Ns::PubSub.toString(), std::move(list));
}

XmlElement PepIqHandler::setSubscriptions(PepService& service, const XmlElement& stanza, const XmlElement& action)
{
    const QString node = action.attribute(u"node");
    if (node.isEmpty()) {
        return errorReply(stanza, Error{u"nodeid-required"_s, {}});
    }
    const QString actor = stanza.attribute(u"from");
    for (const XmlElement* entry : action.children(u"subscription")) {
        const QString jid = preparedJid(entry->attribute(u"jid"));
        const QString state = entry->attribute(u"subscription");
        Result<void> done;
        if (state == u"subscribed"_s) {
            done = service.subscribe(node, actor, jid);
        } else if (state == u"none"_s) {
            done = service.unsubscribe(node, actor, jid);
        }
        if (!done) {
            return errorReply(stanza, done.error());
        }
    }
    return Stanza::reply(stanza);
}

XmlElement PepIqHandler::configure(PepService& service, const XmlElement& stanza, const XmlElement& action, bool set)
{
    const QString node = action.attribute(u"node");
    if (node.isEmpty()) {
        return errorReply(stanza, Error{u"nodeid-required"_s, {}});
    }
    const QString actor = stanza.attribute(u"from");
    const Result<PepNodeConfig> current = service.config(node, actor);
    if (!current) {
        return errorReply(stanza, current.error());
    }
    if (!set) {
        XmlElement configure(u"configure"_s);
        configure.setAttribute(u"node"_s, node);
        configure.addChild(current.value().toForm(m_services.maxItems()));
        return pubsubReply(stanza, Ns::PubSubOwner.toString(), std::move(configure));
    }
    const XmlElement* form = action.firstChild(u"x", Ns::DataForms);
    if (!form) {
        return Stanza::errorReply(stanza, u"modify"_s, u"bad-request"_s, u"Missing dataform"_s);
    }
    if (form->attribute(u"type") == u"cancel"_s) {
        return Stanza::reply(stanza);
    }
    const Result<PepNodeConfig> updated = PepNodeConfig::fromForm(*form, current.value());
    if (!updated) {
        return errorReply(stanza, updated.error());
    }
    const Result<void> done = service.configure(node, actor, updated.value());
    return done ? Stanza::reply(stanza) : errorReply(stanza, done.error());
}

XmlElement PepIqHandler::affiliations(PepService& service, const XmlElement& stanza, const XmlElement& action, bool set)
{
    const QString node = action.attribute(u"node");
    if (node.isEmpty()) {
        return errorReply(stanza, Error{u"nodeid-required"_s, {}});
    }
    const QString actor = stanza.attribute(u"from");
    if (!service.may(node, actor, u"set_affiliation"_s)) {
        return errorReply(stanza, Error{u"forbidden"_s, {}});
    }
    const PepNode* n = service.node(node);
    if (!n) {
        return errorReply(stanza, Error{u"item-not-found"_s, {}});
    }
    if (!set) {
        XmlElement list(u"affiliations"_s);
        list.setAttribute(u"node"_s, node);
        for (auto it = n->affiliations.constBegin(); it != n->affiliations.constEnd(); ++it) {
            list.addChild(u"affiliation"_s)
                .setAttribute(u"jid"_s, it.key())
                .setAttribute(u"affiliation"_s, it.value().toString());
        }
        return pubsubReply(stanza, Ns::PubSubOwner.toString(), std::move(list));
    }
    for (const XmlElement* entry : action.children(u"affiliation")) {
        const QString jid = preparedJid(entry->attribute(u"jid"));
        if (jid.isEmpty()) {
            return errorReply(stanza, Error{u"invalid-jid"_s, {}});
        }
        const Result<void> done = service.setAffiliation(node, actor, jid, entry->attribute(u"affiliation"));
        if (!done) {
            return errorReply(stanza, done.error());
        }
    }
    return Stanza::reply(stanza);
}

} // namespace Canto::Modules
