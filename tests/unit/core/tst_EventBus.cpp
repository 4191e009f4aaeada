#include "server/core/EventBus.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {
// A handler spec: its label, its priority and what it returns ("" = nil, i.e. continue).
struct Spec
{
    QString label;
    double priority;
    QString returns;
};
} // namespace
Q_DECLARE_METATYPE(QList<Spec>)

class tst_EventBus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void ordering_data()
    {
        QTest::addColumn<QList<Spec>>("handlers");
        QTest::addColumn<QStringList>("expectedCalls");
        QTest::addColumn<QString>("expectedResult");

        QTest::newRow("higher-priority-first") << QList<Spec>{{u"a"_s, 0, {}}, {u"b"_s, 10, {}}, {u"c"_s, -1, {}}}
                                               << QStringList{u"b"_s, u"a"_s, u"c"_s} << QString();
        QTest::newRow("ties-in-registration-order")
            << QList<Spec>{{u"a"_s, 0, {}}, {u"b"_s, 0, {}}, {u"c"_s, 0, {}}, {u"d"_s, 5, {}}, {u"e"_s, 5, {}}}
            << QStringList{u"d"_s, u"e"_s, u"a"_s, u"b"_s, u"c"_s} << QString();
        QTest::newRow("fractional-and-negative")
            << QList<Spec>{{u"a"_s, 0.5, {}}, {u"b"_s, 0.25, {}}, {u"c"_s, -0.5, {}}, {u"d"_s, 1000, {}}}
            << QStringList{u"d"_s, u"a"_s, u"b"_s, u"c"_s} << QString();
        QTest::newRow("value-halts") << QList<Spec>{{u"a"_s, 2, {}}, {u"b"_s, 1, u"stop"_s}, {u"c"_s, 0, {}}}
                                     << QStringList{u"a"_s, u"b"_s} << u"stop"_s;
        QTest::newRow("false-halts-too") << QList<Spec>{{u"a"_s, 1, u"false"_s}, {u"b"_s, 0, {}}} << QStringList{u"a"_s}
                                         << u"false"_s;
        QTest::newRow("first-of-equal-priority-halts")
            << QList<Spec>{{u"a"_s, 0, u"x"_s}, {u"b"_s, 0, u"y"_s}} << QStringList{u"a"_s} << u"x"_s;
        QTest::newRow("no-handlers") << QList<Spec>{} << QStringList{} << QString();
    }

    void ordering()
    {
        QFETCH(QList<Spec>, handlers);
        QFETCH(QStringList, expectedCalls);
        QFETCH(QString, expectedResult);

        EventBus bus;
        QStringList calls;
        for (const Spec& spec : handlers) {
            bus.addHandler(
                u"message/bare"_s,
                [&calls, spec](Event&) -> QVariant {
                    calls << spec.label;
                    if (spec.returns == u"false"_s) {
                        return false;
                    }
                    return spec.returns.isEmpty() ? QVariant() : QVariant(spec.returns);
                },
                spec.priority);
        }
        const QVariant result = bus.fire(u"message/bare"_s);
        QCOMPARE(calls, expectedCalls);
        if (expectedResult.isEmpty()) {
            QVERIFY(!result.isValid());
        } else if (expectedResult == u"false"_s) {
            QVERIFY(result.isValid());
            QCOMPARE(result.toBool(), false);
        } else {
            QCOMPARE(result.toString(), expectedResult);
        }
    }

    void otherEventsAreSeparate()
    {
        EventBus bus;
        int calls = 0;
        bus.addHandler(u"a"_s, [&](Event&) {
            ++calls;
            return QVariant();
        });
        bus.fire(u"b"_s);
        QCOMPARE(calls, 0);
        bus.fire(u"a"_s);
        QCOMPARE(calls, 1);
    }

    void removeHandler()
    {
        EventBus bus;
        QStringList calls;
        const auto a = bus.addHandler(u"e"_s, [&](Event&) {
            calls << u"a"_s;
            return QVariant();
        });
        bus.addHandler(u"e"_s, [&](Event&) {
            calls << u"b"_s;
            return QVariant();
        });
        QVERIFY(bus.removeHandler(u"e"_s, a));
        QVERIFY(!bus.removeHandler(u"e"_s, a));
        bus.fire(u"e"_s);
        QCOMPARE(calls, QStringList{u"b"_s});
        QCOMPARE(bus.handlerCount(u"e"_s), 1);
    }

    void changesDuringFireApplyNextTime()
    {
        EventBus bus;
        QStringList calls;
        EventBus::HandlerId second = 0;
        bus.addHandler(
            u"e"_s,
            [&](Event&) {
                calls << u"first"_s;
                bus.removeHandler(u"e"_s, second);
                bus.addHandler(u"e"_s, [&](Event&) {
                    calls << u"late"_s;
                    return QVariant();
                });
                return QVariant();
            },
            1);
        second = bus.addHandler(u"e"_s, [&](Event&) {
            calls << u"second"_s;
            return QVariant();
        });
        bus.fire(u"e"_s);
        QCOMPARE(calls, (QStringList{u"first"_s, u"second"_s}));
    }

    void handlersSeeAndChangeEventData()
    {
        EventBus bus;
        bus.addHandler(
            u"e"_s,
            [](Event& e) {
                e.set(u"n"_s, e.value(u"n"_s).toInt() + 1);
                return QVariant();
            },
            1);
        bus.addHandler(u"e"_s, [](Event& e) {
            e.set(u"n"_s, e.value(u"n"_s).toInt() * 10);
            return QVariant();
        });
        Event event;
        event.set(u"n"_s, 1);
        bus.fire(u"e"_s, event);
        QCOMPARE(event.value(u"n"_s).toInt(), 20);
    }

    void wrapperOrder()
    {
        EventBus bus;
        QStringList trace;
        bus.addHandler(u"e"_s, [&](Event&) {
            trace << u"handler"_s;
            return QVariant(u"r"_s);
        });
        const auto wrap = [&trace](const QString& label) {
            return [&trace, label](const EventBus::Next& next, const QString& name, Event& event) {
                trace << label + u">"_s;
                QVariant r = next(name, event);
                trace << u"<"_s + label;
                return QVariant(r.toString() + label);
            };
        };
        bus.addWrapper(QString(), wrap(u"g1"_s));
        bus.addWrapper(u"e"_s, wrap(u"e1"_s));
        bus.addWrapper(QString(), wrap(u"g2"_s));
        bus.addWrapper(u"e"_s, wrap(u"e2"_s));
        const QVariant result = bus.fire(u"e"_s);
        QCOMPARE(trace, (QStringList{u"e2>"_s, u"e1>"_s, u"g2>"_s, u"g1>"_s, u"handler"_s, u"<g1"_s, u"<g2"_s, u"<e1"_s,
                                     u"<e2"_s}));
        QCOMPARE(result.toString(), u"rg1g2e1e2"_s);

        trace.clear();
        bus.fire(u"other"_s);
        QCOMPARE(trace, (QStringList{u"g2>"_s, u"g1>"_s, u"<g1"_s, u"<g2"_s}));
    }

    void wrapperCanSkipOrRename()
    {
        EventBus bus;
        QStringList calls;
        bus.addHandler(u"a"_s, [&](Event&) {
            calls << u"a"_s;
            return QVariant();
        });
        bus.addHandler(u"b"_s, [&](Event&) {
            calls << u"b"_s;
            return QVariant();
        });
        const auto id = bus.addWrapper(
            u"a"_s, [](const EventBus::Next& next, const QString&, Event& e) { return next(u"b"_s, e); });
        bus.fire(u"a"_s);
        QCOMPARE(calls, QStringList{u"b"_s});
        QVERIFY(bus.removeWrapper(u"a"_s, id));
        bus.addWrapper(u"a"_s, [](const EventBus::Next&, const QString&, Event&) { return QVariant(true); });
        calls.clear();
        QCOMPARE(bus.fire(u"a"_s).toBool(), true);
        QVERIFY(calls.isEmpty());
    }

    void firedSignal()
    {
        EventBus bus;
        bus.addHandler(u"x"_s, [](Event&) { return QVariant(true); });
        QSignalSpy spy(&bus, &EventBus::fired);
        bus.fire(u"x"_s);
        bus.fire(u"y"_s);
        QCOMPARE(spy.count(), 2);
        QCOMPARE(spy.at(0).at(0).toString(), u"x"_s);
        QCOMPARE(spy.at(0).at(1).toBool(), true);
        QCOMPARE(spy.at(1).at(1).toBool(), false);
    }
};

QTEST_GUILESS_MAIN(tst_EventBus)
#include "tst_EventBus.moc"
