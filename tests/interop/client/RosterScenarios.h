#pragma once

#include "ImScenarioBase.h"

#include <QStringList>

namespace Canto::Interop {

/// RFC 6121 roster management and presence subscriptions, checked item by item on the wire:
///  roster        add a contact with a name and a group, see the push, get the roster, rename
///                (and regroup), remove; every push and every roster result must show the exact item.
///  subscription  alice subscribes to bob, bob sees the request and approves (alice 'to', bob
///                'from', alice gets bob's presence), then bob subscribes back ('both' on both
///                sides), then alice unsubscribes (alice 'from', bob 'to').
class RosterScenarios : public ImScenarioBase
{
public:
    using ImScenarioBase::ImScenarioBase;

    Outcome roster();
    Outcome subscription();

private:
    /// One roster item as the server described it; `present` false when the JID was not listed.
    struct Item
    {
        bool present = false;
        QString name;
        QString subscription = QStringLiteral("none");
        QString ask;
        QStringList groups; // sorted
    };

    static Item itemIn(const QDomElement& iq, const QString& jid);
    static QString describe(const Item& item);
    static Outcome compare(const QString& where, const Item& actual, const Item& expected);
    static Item expect(const QString& subscription, const QString& ask = {}, const QString& name = {},
                       QStringList groups = {});

    Outcome getRoster(XmppSession& session, QDomDocument* roster);
    /// Gets the roster and compares the item for `jid` with `expected` (absent: Item{}).
    Outcome expectRosterItem(XmppSession& session, const QString& jid, const Item& expected);
    /// Waits for a roster push about `jid` matching `expected` exactly (subscription and ask).
    Outcome expectPush(XmppSession& session, const QString& jid, const Item& expected);
    Outcome setItem(XmppSession& session, const QString& jid, const QString& name, const QStringList& groups);
    /// Removes `jid` from the session's roster if it is there (and waits for the push).
    Outcome removeIfPresent(XmppSession& session, const QString& jid);
};

} // namespace Canto::Interop
