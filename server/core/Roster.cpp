#include "server/core/Roster.h"

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

const QString MetadataKey = u"__hash"_s; // util.json's encoding of a table with non-string keys

} // namespace

Roster Roster::fromStored(const QVariant& stored)
{
    Roster roster;
    const QVariantMap map = stored.toMap();
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (it.key() == MetadataKey) {
            // [false, {version, pending}]: the Lua key false holds the roster's metadata.
            const QVariantList pairs = it.value().toList();
            for (qsizetype i = 0; i + 1 < pairs.size(); i += 2) {
                if (pairs.at(i).metaType().id() != QMetaType::Bool || pairs.at(i).toBool()) {
                    continue;
                }
                const QVariantMap metadata = pairs.at(i + 1).toMap();
                roster.m_version = metadata.value(u"version"_s).toLongLong();
                const QVariantMap pending = metadata.value(u"pending"_s).toMap();
                for (auto p = pending.cbegin(); p != pending.cend(); ++p) {
                    roster.m_pendingIn.insert(p.key());
                }
            }
            continue;
        }
        if (it.key().isEmpty() || it.value().metaType().id() != QMetaType::QVariantMap) {
            continue;
        }
        roster.m_items.insert(it.key(), RosterItem::fromStored(it.key(), it.value().toMap()));
    }
    return roster;
}

QVariantMap Roster::toStored() const
{
    QVariantMap stored;
    for (const RosterItem& item : m_items) {
        stored.insert(item.jid, item.toStored());
    }
    QVariantMap pending;
    for (const QString& jid : m_pendingIn) {
        pending.insert(jid, true);
    }
    const QVariantMap metadata{{u"version"_s, m_version}, {u"pending"_s, pending}};
    stored.insert(QString(), QVariantMap{{MetadataKey, QVariantList{false, metadata}}});
    return stored;
}

const RosterItem* Roster::item(const QString& jid) const
{
    const auto it = m_items.constFind(jid);
    return it == m_items.cend() ? nullptr : &*it;
}

RosterItem* Roster::item(const QString& jid)
{
    const auto it = m_items.find(jid);
    return it == m_items.end() ? nullptr : &*it;
}

RosterItem& Roster::ensureItem(const QString& jid)
{
    auto it = m_items.find(jid);
    if (it == m_items.end()) {
        RosterItem item;
        item.jid = jid;
        it = m_items.insert(jid, item);
    }
    return *it;
}

bool Roster::removeItem(const QString& jid)
{
    return m_items.remove(jid) > 0;
}

void Roster::setPendingIn(const QString& jid, bool pending)
{
    if (pending) {
        m_pendingIn.insert(jid);
    } else {
        m_pendingIn.remove(jid);
    }
}

Roster::Outbound Roster::processOutbound(const QString& type, const QString& contact)
{
    Outbound result;
    RosterItem* existing = item(contact);
    if (type == u"subscribe"_s) {
        // A.2.1: ask is set unless we already see the contact; the request is always routed.
        result.route = true;
        if (!existing || (!existing->hasTo() && !existing->ask)) {
            ensureItem(contact).ask = true;
            result.push = true;
        }
    } else if (type == u"unsubscribe"_s) {
        // A.2.2
        result.route = true;
        if (existing && (existing->ask || existing->hasTo())) {
            existing->ask = false;
            existing->subscription = existing->hasFrom() ? u"from"_s : u"none"_s;
            result.push = true;
        }
    } else if (type == u"subscribed"_s) {
        // A.2.3 and §3.4: approve a pending request, or pre-approve one that has not come yet.
        if (isPendingIn(contact)) {
            setPendingIn(contact, false);
            RosterItem& item = ensureItem(contact);
            item.subscription = item.hasTo() ? u"both"_s : u"from"_s;
            item.approved = false;
            result.route = result.push = result.sendPresence = true;
        } else if (!existing || (!existing->hasFrom() && !existing->approved)) {
            ensureItem(contact).approved = true;
            result.push = true;
        }
    } else if (type == u"unsubscribed"_s) {
        // A.2.4: deny a pending request or cancel the contact's subscription.
        if (isPendingIn(contact)) {
            setPendingIn(contact, false);
            result.route = true;
        }
        if (existing && (existing->hasFrom() || existing->approved)) {
            result.sendUnavailable = existing->hasFrom();
            existing->subscription = existing->hasTo() ? u"to"_s : u"none"_s;
            existing->approved = false;
            result.route = result.push = true;
        }
    }
    return result;
}

Roster::Inbound Roster::processInbound(const QString& type, const QString& contact)
{
    Inbound result;
    RosterItem* existing = item(contact);
    if (type == u"subscribe"_s) {
        // A.3.1 and §3.4: auto-reply when already approved, else keep the request pending.
        if (existing && existing->hasFrom()) {
            result.autoSubscribed = true;
        } else if (existing && existing->approved) {
            existing->approved = false;
            existing->subscription = existing->hasTo() ? u"both"_s : u"from"_s;
            result.autoSubscribed = result.push = result.sendPresence = true;
        } else {
            result.store = !isPendingIn(contact);
            setPendingIn(contact, true);
            result.deliver = true;
        }
    } else if (type == u"subscribed"_s) {
        // A.3.2: only an answer to our own pending request counts.
        if (existing && existing->ask && !existing->hasTo()) {
            existing->ask = false;
            existing->subscription = existing->hasFrom() ? u"both"_s : u"to"_s;
            result.push = result.deliver = true;
        }
    } else if (type == u"unsubscribe"_s) {
        // A.3.3
        if (isPendingIn(contact)) {
            setPendingIn(contact, false);
            result.store = result.deliver = true;
        }
        if (existing && existing->hasFrom()) {
            existing->subscription = existing->hasTo() ? u"to"_s : u"none"_s;
            result.push = result.deliver = true;
        }
    } else if (type == u"unsubscribed"_s) {
        // A.3.4
        if (existing && (existing->ask || existing->hasTo())) {
            existing->ask = false;
            existing->subscription = existing->hasFrom() ? u"from"_s : u"none"_s;
            result.push = result.deliver = true;
        }
    }
    return result;
}

} // namespace Canto
