#include "server/core/Roster.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

const QString Contact = u"bob@b.test"_s;

// A roster state as text: "<subscription>[+ask][+approved][+pending]" or "absent" (no item).
Roster rosterFrom(const QString& state)
{
    Roster roster;
    if (state.contains(u"pending"_s)) {
        roster.setPendingIn(Contact, true);
    }
    if (state.startsWith(u"absent"_s)) {
        return roster;
    }
    RosterItem& item = roster.ensureItem(Contact);
    item.subscription = state.section(u'+', 0, 0);
    item.ask = state.contains(u"+ask"_s);
    item.approved = state.contains(u"+approved"_s);
    return roster;
}

QString stateOf(const Roster& roster)
{
    QString state;
    const RosterItem* item = roster.item(Contact);
    state = item ? item->subscription : u"absent"_s;
    if (item && item->ask) {
        state += u"+ask"_s;
    }
    if (item && item->approved) {
        state += u"+approved"_s;
    }
    if (roster.isPendingIn(Contact)) {
        state += u"+pending"_s;
    }
    return state;
}

} // namespace

/// The subscription state machine against RFC 6121 Appendix A (and §3.4 pre-approval).
class tst_Roster : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void outbound_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("after");
        QTest::addColumn<QString>("actions"); // route, push, presence, unavailable

        // A.2.1 subscribe
        QTest::newRow("subscribe-absent") << u"absent"_s << u"subscribe"_s << u"none+ask"_s << u"route push"_s;
        QTest::newRow("subscribe-none") << u"none"_s << u"subscribe"_s << u"none+ask"_s << u"route push"_s;
        QTest::newRow("subscribe-none-ask") << u"none+ask"_s << u"subscribe"_s << u"none+ask"_s << u"route"_s;
        QTest::newRow("subscribe-from") << u"from"_s << u"subscribe"_s << u"from+ask"_s << u"route push"_s;
        QTest::newRow("subscribe-to") << u"to"_s << u"subscribe"_s << u"to"_s << u"route"_s;
        QTest::newRow("subscribe-both") << u"both"_s << u"subscribe"_s << u"both"_s << u"route"_s;
        // A.2.2 unsubscribe
        QTest::newRow("unsubscribe-none") << u"none"_s << u"unsubscribe"_s << u"none"_s << u"route"_s;
        QTest::newRow("unsubscribe-none-ask") << u"none+ask"_s << u"unsubscribe"_s << u"none"_s << u"route push"_s;
        QTest::newRow("unsubscribe-to") << u"to"_s << u"unsubscribe"_s << u"none"_s << u"route push"_s;
        QTest::newRow("unsubscribe-from-ask") << u"from+ask"_s << u"unsubscribe"_s << u"from"_s << u"route push"_s;
        QTest::newRow("unsubscribe-both") << u"both"_s << u"unsubscribe"_s << u"from"_s << u"route push"_s;
        // A.2.3 subscribed (approval), §3.4 pre-approval
        QTest::newRow("subscribed-pending")
            << u"none+pending"_s << u"subscribed"_s << u"from"_s << u"route push presence"_s;
        QTest::newRow("subscribed-absent-pending")
            << u"absent+pending"_s << u"subscribed"_s << u"from"_s << u"route push presence"_s;
        QTest::newRow("subscribed-to-pending")
            << u"to+pending"_s << u"subscribed"_s << u"both"_s << u"route push presence"_s;
        QTest::newRow("subscribed-ask-pending")
            << u"none+ask+pending"_s << u"subscribed"_s << u"from+ask"_s << u"route push presence"_s;
        QTest::newRow("preapprove-absent") << u"absent"_s << u"subscribed"_s << u"none+approved"_s << u"push"_s;
        QTest::newRow("preapprove-to") << u"to"_s << u"subscribed"_s << u"to+approved"_s << u"push"_s;
        QTest::newRow("preapprove-again") << u"none+approved"_s << u"subscribed"_s << u"none+approved"_s << u""_s;
        QTest::newRow("subscribed-from-no-op") << u"from"_s << u"subscribed"_s << u"from"_s << u""_s;
        // A.2.4 unsubscribed (cancel or deny)
        QTest::newRow("unsubscribed-deny") << u"none+pending"_s << u"unsubscribed"_s << u"none"_s << u"route"_s;
        QTest::newRow("unsubscribed-from")
            << u"from"_s << u"unsubscribed"_s << u"none"_s << u"route push unavailable"_s;
        QTest::newRow("unsubscribed-both") << u"both"_s << u"unsubscribed"_s << u"to"_s << u"route push unavailable"_s;
        QTest::newRow("unsubscribed-preapproval")
            << u"none+approved"_s << u"unsubscribed"_s << u"none"_s << u"route push"_s;
        QTest::newRow("unsubscribed-nothing") << u"to"_s << u"unsubscribed"_s << u"to"_s << u""_s;
    }
    void outbound()
    {
        QFETCH(QString, before);
        QFETCH(QString, type);
        QFETCH(QString, after);
        QFETCH(QString, actions);

        Roster roster = rosterFrom(before);
        const Roster::Outbound result = roster.processOutbound(type, Contact);
        QCOMPARE(stateOf(roster), after);
        QStringList done;
        if (result.route)
            done << u"route"_s;
        if (result.push)
            done << u"push"_s;
        if (result.sendPresence)
            done << u"presence"_s;
        if (result.sendUnavailable)
            done << u"unavailable"_s;
        QCOMPARE(done.join(u' '), actions);
    }

    void inbound_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("after");
        QTest::addColumn<QString>("actions"); // deliver, push, store, auto, presence

        // A.3.1 subscribe
        QTest::newRow("subscribe-absent") << u"absent"_s << u"subscribe"_s << u"absent+pending"_s << u"deliver store"_s;
        QTest::newRow("subscribe-none") << u"none"_s << u"subscribe"_s << u"none+pending"_s << u"deliver store"_s;
        QTest::newRow("subscribe-again") << u"none+pending"_s << u"subscribe"_s << u"none+pending"_s << u"deliver"_s;
        QTest::newRow("subscribe-to") << u"to"_s << u"subscribe"_s << u"to+pending"_s << u"deliver store"_s;
        QTest::newRow("subscribe-from") << u"from"_s << u"subscribe"_s << u"from"_s << u"auto"_s;
        QTest::newRow("subscribe-both") << u"both"_s << u"subscribe"_s << u"both"_s << u"auto"_s;
        QTest::newRow("subscribe-preapproved")
            << u"none+approved"_s << u"subscribe"_s << u"from"_s << u"push auto presence"_s;
        QTest::newRow("subscribe-preapproved-to")
            << u"to+approved"_s << u"subscribe"_s << u"both"_s << u"push auto presence"_s;
        // A.3.2 subscribed
        QTest::newRow("subscribed-none-ask") << u"none+ask"_s << u"subscribed"_s << u"to"_s << u"deliver push"_s;
        QTest::newRow("subscribed-from-ask") << u"from+ask"_s << u"subscribed"_s << u"both"_s << u"deliver push"_s;
        QTest::newRow("subscribed-unasked") << u"none"_s << u"subscribed"_s << u"none"_s << u""_s;
        QTest::newRow("subscribed-absent") << u"absent"_s << u"subscribed"_s << u"absent"_s << u""_s;
        QTest::newRow("subscribed-to") << u"to"_s << u"subscribed"_s << u"to"_s << u""_s;
        // A.3.3 unsubscribe
        QTest::newRow("unsubscribe-pending")
            << u"none+pending"_s << u"unsubscribe"_s << u"none"_s << u"deliver store"_s;
        QTest::newRow("unsubscribe-from") << u"from"_s << u"unsubscribe"_s << u"none"_s << u"deliver push"_s;
        QTest::newRow("unsubscribe-both") << u"both"_s << u"unsubscribe"_s << u"to"_s << u"deliver push"_s;
        QTest::newRow("unsubscribe-to") << u"to"_s << u"unsubscribe"_s << u"to"_s << u""_s;
        // A.3.4 unsubscribed
        QTest::newRow("unsubscribed-ask") << u"none+ask"_s << u"unsubscribed"_s << u"none"_s << u"deliver push"_s;
        QTest::newRow("unsubscribed-to") << u"to"_s << u"unsubscribed"_s << u"none"_s << u"deliver push"_s;
        QTest::newRow("unsubscribed-both") << u"both"_s << u"unsubscribed"_s << u"from"_s << u"deliver push"_s;
        QTest::newRow("unsubscribed-from") << u"from"_s << u"unsubscribed"_s << u"from"_s << u""_s;
    }
    void inbound()
    {
        QFETCH(QString, before);
        QFETCH(QString, type);
        QFETCH(QString, after);
        QFETCH(QString, actions);

        Roster roster = rosterFrom(before);
        const Roster::Inbound result = roster.processInbound(type, Contact);
        QCOMPARE(stateOf(roster), after);
        QStringList done;
        if (result.deliver)
            done << u"deliver"_s;
        if (result.push)
            done << u"push"_s;
        if (result.store)
            done << u"store"_s;
        if (result.autoSubscribed)
            done << u"auto"_s;
        if (result.sendPresence)
            done << u"presence"_s;
        QCOMPARE(done.join(u' '), actions);
    }

    void storedFormIsProsodys()
    {
        Roster roster;
        RosterItem& item = roster.ensureItem(Contact);
        item.subscription = u"both"_s;
        item.name = u"Bob"_s;
        item.groups = {u"Friends"_s};
        roster.ensureItem(u"carol@c.test"_s).ask = true;
        roster.setPendingIn(u"dave@d.test"_s, true);
        roster.bumpVersion();
        roster.bumpVersion();
        const QVariantMap stored = roster.toStored();
        QCOMPARE(stored.value(Contact).toMap(), (QVariantMap{{u"subscription"_s, u"both"_s},
                                                             {u"name"_s, u"Bob"_s},
                                                             {u"groups"_s, QVariantMap{{u"Friends"_s, true}}}}));
        QCOMPARE(stored.value(u"carol@c.test"_s).toMap().value(u"ask"_s), QVariant(u"subscribe"_s));
        // Lua's roster[false] as util.json writes it.
        const QVariantList hash = stored.value(QString()).toMap().value(u"__hash"_s).toList();
        QCOMPARE(hash.size(), 2);
        QCOMPARE(hash.at(0), QVariant(false));
        QCOMPARE(hash.at(1).toMap().value(u"version"_s).toLongLong(), 2);
        QCOMPARE(hash.at(1).toMap().value(u"pending"_s).toMap(), (QVariantMap{{u"dave@d.test"_s, true}}));

        // Read back the way the keyval rows come back (the "" row merged into the map).
        QVariantMap rows = stored;
        const QVariantMap extra = rows.take(QString()).toMap();
        rows.insert(extra);
        const Roster loaded = Roster::fromStored(rows);
        QCOMPARE(loaded.version(), u"2"_s);
        QVERIFY(loaded.isPendingIn(u"dave@d.test"_s));
        QCOMPARE(loaded.size(), 2);
        QCOMPARE(loaded.item(Contact)->groups, QStringList{u"Friends"_s});
        QCOMPARE(loaded.item(Contact)->name, u"Bob"_s);
        QVERIFY(loaded.item(u"carol@c.test"_s)->ask);
    }

    void prosodyEmptyGroupsAreAnArray()
    {
        // util.json writes an empty Lua table as [].
        const Roster roster = Roster::fromStored(QVariantMap{
            {Contact, QVariantMap{{u"subscription"_s, u"to"_s}, {u"groups"_s, QVariantList()}}},
            {u"__hash"_s, QVariantList{false, QVariantMap{{u"version"_s, 7}, {u"pending"_s, QVariantList()}}}}});
        QCOMPARE(roster.item(Contact)->subscription, u"to"_s);
        QVERIFY(roster.item(Contact)->groups.isEmpty());
        QCOMPARE(roster.version(), u"7"_s);
        QVERIFY(roster.pendingIn().isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_Roster)
#include "tst_Roster.moc"
