#pragma once

#include "server/core/RosterItem.h"

#include <QMap>
#include <QSet>
#include <QString>
#include <QVariant>

namespace Canto {

/// A user's roster: the items, the roster version (XEP-0237) and the JIDs whose subscription
/// requests wait for an answer. Also the subscription state machine of RFC 6121 §3 and its
/// Appendix A tables, as pure functions of the roster (RosterManager and the presence module do
/// the routing the results ask for).
///
/// Storage follows Prosody's rostermanager exactly, so a Prosody database keeps working: one
/// keyval entry per contact JID, plus Prosody's metadata row (Lua key `false`) written as
/// util.json writes it: {"__hash": [false, {"version": N, "pending": {"jid": true}}]}.
class Roster
{
public:
    /// What the server must do after the user sent a subscription presence (outbound).
    struct Outbound
    {
        bool route = false;           // forward the stanza (stamped with the bare JID) to the contact
        bool push = false;            // the item changed: push it to interested resources and save
        bool sendPresence = false;    // send the user's current presence to the contact (subscribed)
        bool sendUnavailable = false; // send unavailable from each resource to the contact
    };
    /// What the server must do with a subscription presence arriving for the user (inbound).
    struct Inbound
    {
        bool deliver = false;        // give the stanza to the user's available resources
        bool push = false;           // the item changed: push it and save
        bool store = false;          // a subscribe request to keep until the user answers (pending)
        bool autoSubscribed = false; // answer the contact with 'subscribed' (already approved)
        bool sendPresence = false;   // send the user's current presence to the contact
    };

    static Roster fromStored(const QVariant& stored);
    QVariantMap toStored() const;

    const QMap<QString, RosterItem>& items() const { return m_items; }
    const RosterItem* item(const QString& jid) const;
    RosterItem* item(const QString& jid);
    /// The item for `jid`, created with subscription none if absent.
    RosterItem& ensureItem(const QString& jid);
    bool removeItem(const QString& jid);
    int size() const { return int(m_items.size()); }

    /// The version as sent in 'ver' attributes; changes each time bumpVersion() runs.
    QString version() const { return QString::number(m_version); }
    void bumpVersion() { ++m_version; }

    bool isPendingIn(const QString& jid) const { return m_pendingIn.contains(jid); }
    const QSet<QString>& pendingIn() const { return m_pendingIn; }
    void setPendingIn(const QString& jid, bool pending);

    /// RFC 6121 §3.1.2, §3.2.2, §3.3.2, §3.4 (pre-approval): `type` is subscribe, subscribed,
    /// unsubscribe or unsubscribed; `contact` a bare JID.
    Outbound processOutbound(const QString& type, const QString& contact);
    /// RFC 6121 §3.1.3, §3.1.5, §3.2.3, §3.3.3 and Appendix A.
    Inbound processInbound(const QString& type, const QString& contact);

private:
    QMap<QString, RosterItem> m_items;
    QSet<QString> m_pendingIn;
    qint64 m_version = 0;
};

} // namespace Canto
