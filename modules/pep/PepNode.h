#pragma once

#include "modules/pep/PepNodeConfig.h"
#include "server/xmpp/XmlElement.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QVariant>

namespace Canto::Modules {

/// One published item: its id, its payload (the single child of <item/>), who published it and
/// when. Stored as Prosody stores it: archive "pep_<node>", key = id, value = payload,
/// with = publisher.
struct PepItem
{
    QString id;
    XmlElement payload;
    QString publisher;
    qint64 when = 0;

    /// <item xmlns='http://jabber.org/protocol/pubsub' id=...>payload</item>, with the
    /// publisher attribute when `withPublisher`.
    XmlElement toXml(bool withPublisher) const;
};

/// One node of a PEP service, in memory: configuration, affiliations (bare JID → affiliation),
/// explicit subscribers (JID → options or true) and the persisted items, oldest first.
/// Stored like Prosody's nodestore: map store "pep", key = node name, value = {name, config,
/// subscribers, affiliations}.
struct PepNode
{
    QString name;
    PepNodeConfig config;
    QVariantMap affiliations;
    QVariantMap subscribers;
    QList<PepItem> items;

    QVariantMap toStored() const;
    /// Reads Prosody's stored node (also its COMPAT form, a bare `true`).
    static PepNode fromStored(const QString& name, const QVariant& stored);
    /// Index of the item with `id`, -1 if absent.
    int indexOf(const QString& id) const;
};

} // namespace Canto::Modules
