#include "modules/pep/PepNode.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

XmlElement PepItem::toXml(bool withPublisher) const
{
    XmlElement item(u"item"_s, u"http://jabber.org/protocol/pubsub"_s);
    item.setAttribute(u"id"_s, id);
    if (withPublisher && !publisher.isEmpty()) {
        item.setAttribute(u"publisher"_s, publisher);
    }
    if (!payload.isNull()) {
        item.addChild(payload);
    }
    return item;
}

QVariantMap PepNode::toStored() const
{
    return QVariantMap{
        {u"name"_s, name},
        {u"config"_s, config.values()},
        {u"subscribers"_s, subscribers},
        {u"affiliations"_s, affiliations},
    };
}

PepNode PepNode::fromStored(const QString& name, const QVariant& stored)
{
    PepNode node;
    node.name = name;
    // COMPAT: Prosody before 0.11 stored only `true` (persist_items) for a node.
    const QVariantMap map = stored.toMap();
    node.config = PepNodeConfig(map.value(u"config"_s).toMap());
    node.subscribers = map.value(u"subscribers"_s).toMap();
    node.affiliations = map.value(u"affiliations"_s).toMap();
    return node;
}

int PepNode::indexOf(const QString& id) const
{
    for (int i = 0; i < items.size(); ++i) {
        if (items.at(i).id == id) {
            return i;
        }
    }
    return -1;
}

} // namespace Canto::Modules
