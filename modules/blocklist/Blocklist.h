#pragma once

#include <QMap>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace Canto::Modules {

/// One user's list of blocked JIDs (XEP-0191), in the shape Prosody 0.12's mod_blocklist stores
/// in the keyval store "blocklist", so a Prosody database keeps working:
/// - one entry per blocked JID; Prosody 0.12 writes the time of blocking (a number), older
///   versions wrote `true`; any value except `false` counts as blocked, and existing values are
///   kept as they are;
/// - the metadata under the Lua key `false`, {created = t, modified = t}, which util.json
///   writes as {"__hash": [false, {...}]} in the row with key "" (see KeyValueRows). Its
///   presence also tells Prosody not to migrate an old mod_privacy list over it.
class Blocklist
{
public:
    static Blocklist fromStored(const QVariant& stored);
    QVariantMap toStored() const;

    /// Whether `jid` is on the list exactly as given (prepared JIDs).
    bool contains(const QString& jid) const { return m_items.contains(jid); }
    /// Whether stanzas from/to `jid` are blocked: XEP-0191 §6 (XEP-0016 matching): the full JID,
    /// the bare JID, the domain with the resource, or the domain is on the list.
    bool blocks(const QString& jid) const;
    /// The blocked JIDs, sorted.
    QStringList jids() const { return m_items.keys(); }
    bool isEmpty() const { return m_items.isEmpty(); }
    int size() const { return int(m_items.size()); }

    /// Adds `jid` (stamped with `now`, seconds since the epoch) unless already present.
    void block(const QString& jid, qint64 now);
    /// Removes `jid`; false if it was not on the list.
    bool unblock(const QString& jid);
    /// Removes every JID (the metadata stays, as in Prosody).
    void clear() { m_items.clear(); }
    /// Records a change in the metadata (created on first change, modified every time).
    void touch(qint64 now);

    const QVariantMap& metadata() const { return m_metadata; }

private:
    QMap<QString, QVariant> m_items; // jid → stored value (time of blocking, or true)
    QVariantMap m_metadata;          // Prosody's blocklist[false]
};

} // namespace Canto::Modules
