#include "TestServer.h"
#include "server/core/RosterManager.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

class tst_RosterManager : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void callbacksRunInRequestOrder()
    {
        QTemporaryDir dir; // SQLite: loads finish later, on the storage thread
        TestServer server(u"VirtualHost \"a.test\"\n"_s, {.sqliteFile = dir.filePath(u"canto.sqlite"_s)});
        RosterManager& rosters = server.rosters();
        QVERIFY(!rosters.cached(u"a.test"_s, u"alice"_s));
        QStringList order;
        Roster* first = nullptr;
        rosters.withRoster(u"a.test"_s, u"alice"_s, [&](Result<Roster*> roster) {
            QVERIFY(roster);
            first = roster.value();
            order << u"1"_s;
            // Work queued from inside a callback still comes after what was already waiting.
            rosters.withRoster(u"a.test"_s, u"alice"_s, [&](Result<Roster*>) { order << u"3"_s; });
        });
        rosters.withRoster(u"a.test"_s, u"alice"_s, [&](Result<Roster*> roster) {
            QCOMPARE(roster.value(), first);
            order << u"2"_s;
        });
        QCOMPARE(order, QStringList()); // storage is asynchronous: nothing ran yet
        QTRY_COMPARE(order, (QStringList{u"1"_s, u"2"_s, u"3"_s}));
        QCOMPARE(rosters.cached(u"a.test"_s, u"alice"_s), first);
        // Once cached, access is immediate.
        bool ran = false;
        rosters.withRoster(u"a.test"_s, u"alice"_s, [&](Result<Roster*>) { ran = true; });
        QVERIFY(ran);
    }

    void savedRosterSurvivesRestartInProsodysLayout()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(u"canto.sqlite"_s);
        const QString config = u"VirtualHost \"a.test\"\n"_s;
        {
            TestServer server(config, {.sqliteFile = file});
            bool done = false;
            server.rosters().withRoster(u"a.test"_s, u"alice"_s, [&](Result<Roster*> roster) {
                RosterItem& item = roster.value()->ensureItem(u"bob@b.test"_s);
                item.subscription = u"both"_s;
                item.name = u"Bob"_s;
                item.groups = {u"Friends"_s, u"Work"_s};
                roster.value()->setPendingIn(u"carol@c.test"_s, true);
                server.rosters().save(u"a.test"_s, u"alice"_s);
                done = true;
            });
            QTRY_VERIFY(done);
            QCOMPARE(server.rosters().cached(u"a.test"_s, u"alice"_s)->version(), u"1"_s);
        }
        {
            // The rows as Prosody's mod_storage_sql writes them.
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"raw"_s);
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(u"SELECT \"key\", \"type\", \"value\" FROM prosody WHERE host='a.test' AND "
                               u"\"user\"='alice' AND store='roster' ORDER BY \"key\""_s));
            QStringList rows;
            while (query.next()) {
                rows << query.value(0).toString() + u'|' + query.value(1).toString() + u'|' + query.value(2).toString();
            }
            QCOMPARE(rows.size(), 2);
            QCOMPARE(rows.at(0), u"|json|{\"__hash\":[false,{\"pending\":{\"carol@c.test\":true},\"version\":1}]}"_s);
            QVERIFY2(rows.at(1).startsWith(u"bob@b.test|json|"_s), qPrintable(rows.at(1)));
            QVERIFY(rows.at(1).contains(u"\"groups\":{\"Friends\":true,\"Work\":true}"_s));
            db.close();
        }
        QSqlDatabase::removeDatabase(u"raw"_s);
        {
            TestServer server(config, {.sqliteFile = file});
            Roster* loaded = nullptr;
            server.rosters().withRoster(u"a.test"_s, u"alice"_s,
                                        [&](Result<Roster*> roster) { loaded = roster.value(); });
            QTRY_VERIFY(loaded);
            QCOMPARE(loaded->version(), u"1"_s);
            QVERIFY(loaded->isPendingIn(u"carol@c.test"_s));
            QCOMPARE(loaded->item(u"bob@b.test"_s)->subscription, u"both"_s);
            QCOMPARE(loaded->item(u"bob@b.test"_s)->groups, (QStringList{u"Friends"_s, u"Work"_s}));
        }
    }
};

QTEST_GUILESS_MAIN(tst_RosterManager)
#include "tst_RosterManager.moc"
