#pragma once

#include "server/xmpp/XmlElement.h"

#include <QString>
#include <QStringList>
#include <QVariantMap>

namespace Canto {

/// One contact in a user's roster (RFC 6121 §2.1.2), stored as Prosody stores it: a map with
/// `subscription`, optional `name`, `ask` ("subscribe") and `approved` (pre-approval, §3.4), and
/// `groups` as a set ({"Friends": true}).
struct RosterItem
{
    QString jid; // bare, prepared
    QString name;
    QString subscription = QStringLiteral("none"); // none, to, from, both
    bool ask = false;                              // our subscription request is pending
    bool approved = false;                         // the contact's request is pre-approved
    QStringList groups;                            // sorted, unique

    /// We see the contact's presence.
    bool hasTo() const { return subscription == u"to" || subscription == u"both"; }
    /// The contact sees our presence.
    bool hasFrom() const { return subscription == u"from" || subscription == u"both"; }

    /// `<item xmlns='jabber:iq:roster' jid=... subscription=... [name] [ask]><group/>...</item>`.
    /// With `removed`, subscription='remove' and nothing else (a push of a deleted item).
    XmlElement toXml(bool removed = false) const;
    QVariantMap toStored() const;
    static RosterItem fromStored(const QString& jid, const QVariantMap& stored);
};

} // namespace Canto
