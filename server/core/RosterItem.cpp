#include "server/core/RosterItem.h"

#include "server/xmpp/Namespaces.h"

using namespace Qt::StringLiterals;

namespace Canto {

XmlElement RosterItem::toXml(bool removed) const
{
    XmlElement element(u"item"_s, Ns::Roster.toString());
    element.setAttribute(u"jid"_s, jid);
    if (removed) {
        element.setAttribute(u"subscription"_s, u"remove"_s);
        return element;
    }
    if (!name.isEmpty()) {
        element.setAttribute(u"name"_s, name);
    }
    element.setAttribute(u"subscription"_s, subscription);
    if (ask) {
        element.setAttribute(u"ask"_s, u"subscribe"_s);
    }
    if (approved) {
        element.setAttribute(u"approved"_s, u"true"_s);
    }
    for (const QString& group : groups) {
        element.addTextChild(u"group"_s, Ns::Roster.toString(), group);
    }
    return element;
}

QVariantMap RosterItem::toStored() const
{
    QVariantMap stored{{u"subscription"_s, subscription}};
    if (!name.isEmpty()) {
        stored.insert(u"name"_s, name);
    }
    if (ask) {
        stored.insert(u"ask"_s, u"subscribe"_s);
    }
    if (approved) {
        stored.insert(u"approved"_s, true);
    }
    QVariantMap groupSet;
    for (const QString& group : groups) {
        groupSet.insert(group, true);
    }
    stored.insert(u"groups"_s, groupSet);
    return stored;
}

RosterItem RosterItem::fromStored(const QString& jid, const QVariantMap& stored)
{
    RosterItem item;
    item.jid = jid;
    item.name = stored.value(u"name"_s).toString();
    const QString subscription = stored.value(u"subscription"_s).toString();
    if (subscription == u"to"_s || subscription == u"from"_s || subscription == u"both"_s) {
        item.subscription = subscription;
    }
    item.ask = stored.value(u"ask"_s).toString() == u"subscribe"_s;
    item.approved = stored.value(u"approved"_s).toBool();
    // Prosody's util.json writes an empty group set as [] and a full one as {"name": true}.
    const QVariant groups = stored.value(u"groups"_s);
    if (groups.metaType().id() == QMetaType::QVariantMap) {
        item.groups = groups.toMap().keys();
    } else if (groups.metaType().id() == QMetaType::QVariantList) {
        for (const QVariant& group : groups.toList()) {
            if (group.metaType().id() == QMetaType::QString) {
                item.groups << group.toString();
            }
        }
        item.groups.sort();
        item.groups.removeDuplicates();
    }
    return item;
}

} // namespace Canto
