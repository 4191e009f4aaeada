#include "server/metrics/MeasureFactory.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

class tst_MeasureFactory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void names_data();
    void names();
    void everyTypeRenders();
    void hostsShareFamilies();
    void counterInitial();
    void timesRecordsOnStop();
    void customBuckets();
    void defaultBuckets();
    void callableOutlivesFamily();
};

void tst_MeasureFactory::names_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("simple") << u"pings"_s << true;
    QTest::newRow("underscore and digits") << u"stanza_sizes2"_s << true;
    QTest::newRow("upper case") << u"Requests"_s << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("leading digit") << u"2fast"_s << false;
    QTest::newRow("leading underscore") << u"_x"_s << false;
    QTest::newRow("dash") << u"a-b"_s << false;
    QTest::newRow("slash") << u"a/b"_s << false;
    QTest::newRow("space") << u"a b"_s << false;
    QTest::newRow("non-ascii letter") << u"\u00e9t\u00e9"_s << false;
}

void tst_MeasureFactory::names()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(MeasureFactory::isValidName(name), valid);
    MetricsRegistry registry;
    MeasureFactory factory(registry, u"canto_mod_test/"_s);
    const auto measure = factory.amount(name);
    QCOMPARE(measure.isOk(), valid);
    if (!valid)
        QCOMPARE(measure.error().condition, u"bad-request"_s);
}

void tst_MeasureFactory::everyTypeRenders()
{
    MetricsRegistry registry;
    MeasureFactory factory(registry, u"canto_mod_ping/"_s, {u"host"_s}, {u"a.example"_s});
    const auto memory = factory.amount(u"memory"_s, {u"bytes"_s, u"Memory in use"_s, {}, {}});
    const auto pings = factory.counter(u"pings"_s);
    const auto requests = factory.rate(u"requests"_s);
    const auto sizes = factory.sizes(u"stanza"_s, {{}, {}, {}, {100, 1000}});
    const auto resources = factory.distribution(u"resources"_s, {u"resources"_s, {}, {}, {}});
    QVERIFY(memory && pings && requests && sizes && resources);
    (*memory)(2048);
    (*memory)(4096);
    (*pings)(2);
    (*pings)(1);
    (*requests)();
    (*requests)();
    (*sizes)(50);
    (*sizes)(500);
    (*resources)(2);
    QCOMPARE(registry.renderOpenMetrics(), uR"(# TYPE canto_mod_ping__memory_bytes gauge
# UNIT canto_mod_ping__memory_bytes bytes
# HELP canto_mod_ping__memory_bytes Memory in use
canto_mod_ping__memory_bytes{host="a.example"} 4096
# TYPE canto_mod_ping__pings counter
canto_mod_ping__pings_total{host="a.example"} 3
# TYPE canto_mod_ping__requests counter
canto_mod_ping__requests_total{host="a.example"} 2
# TYPE canto_mod_ping__stanza_bytes histogram
# UNIT canto_mod_ping__stanza_bytes bytes
canto_mod_ping__stanza_bytes_bucket{host="a.example",le="100"} 1
canto_mod_ping__stanza_bytes_bucket{host="a.example",le="1000"} 2
canto_mod_ping__stanza_bytes_bucket{host="a.example",le="+Inf"} 2
canto_mod_ping__stanza_bytes_sum{host="a.example"} 550
canto_mod_ping__stanza_bytes_count{host="a.example"} 2
# TYPE canto_mod_ping__resources_resources summary
# UNIT canto_mod_ping__resources_resources resources
canto_mod_ping__resources_resources_sum{host="a.example"} 2
canto_mod_ping__resources_resources_count{host="a.example"} 1
# EOF
)"_s);
}

void tst_MeasureFactory::hostsShareFamilies()
{
    MetricsRegistry registry;
    MeasureFactory first(registry, u"canto_mod_ping/"_s, {u"host"_s}, {u"a.example"_s});
    MeasureFactory second(registry, u"canto_mod_ping/"_s, {u"host"_s}, {u"b.example"_s});
    MeasureFactory global(registry, u"canto_mod_ping/"_s);
    const auto a = first.rate(u"pings"_s);
    const auto b = second.rate(u"pings"_s);
    QVERIFY(a && b);
    (*a)();
    (*b)();
    (*b)();
    QCOMPARE(registry.families().size(), 1);
    QCOMPARE(registry.renderOpenMetrics(), uR"(# TYPE canto_mod_ping__pings counter
canto_mod_ping__pings_total{host="a.example"} 1
canto_mod_ping__pings_total{host="b.example"} 2
# EOF
)"_s);
    // The same name without the host label is a different declaration.
    const auto clash = global.rate(u"pings"_s);
    QVERIFY(!clash);
    QCOMPARE(clash.error().condition, u"conflict"_s);
    // ... as is the same name with another type.
    QVERIFY(!first.amount(u"pings"_s));
}

void tst_MeasureFactory::counterInitial()
{
    MetricsRegistry registry;
    MeasureFactory factory(registry, u"canto_mod_x/"_s);
    MeasureFactory::Options options;
    options.initial = 10;
    const auto counter = factory.counter(u"c"_s, options);
    QVERIFY(counter);
    (*counter)(1);
    // Declaring again (a module reload) does not apply the initial value twice.
    QVERIFY(factory.counter(u"c"_s, options));
    QCOMPARE(registry.find(u"canto_mod_x/c"_s)->series().first().second->value(), 11.0);
}

void tst_MeasureFactory::timesRecordsOnStop()
{
    MetricsRegistry registry;
    MeasureFactory factory(registry, u"canto_mod_x/"_s);
    const auto times = factory.times(u"request_time"_s, {u"ignored"_s, {}, {}, {}});
    QVERIFY(times);
    const std::shared_ptr<MetricFamily> family = registry.find(u"canto_mod_x/request_time_seconds"_s);
    QVERIFY(family);
    QCOMPARE(family->unit(), u"seconds"_s);
    QCOMPARE(family->bucketBounds(), MeasureFactory::defaultTimeBuckets());
    const std::shared_ptr<Metric> series = family->series().first().second;

    const MeasureFactory::Stop done = (*times)();
    const MeasureFactory::Stop neverStopped = (*times)();
    QCOMPARE(series->count(), 0u);
    done();
    QCOMPARE(series->count(), 1u);
    QVERIFY(series->sum() >= 0.0);
    QVERIFY(series->sum() < 60.0);
    Q_UNUSED(neverStopped);
}

void tst_MeasureFactory::customBuckets()
{
    MetricsRegistry registry;
    MeasureFactory factory(registry, u"canto_mod_x/"_s);
    QVERIFY(factory.times(u"t"_s, {{}, {}, {}, {0.5, 1}}));
    QCOMPARE(registry.find(u"canto_mod_x/t_seconds"_s)->bucketBounds(), (QList<double>{0.5, 1}));
    const auto unsorted = factory.sizes(u"s"_s, {{}, {}, {}, {10, 5}});
    QVERIFY(!unsorted);
    QCOMPARE(unsorted.error().condition, u"bad-request"_s);
}

void tst_MeasureFactory::defaultBuckets()
{
    const QList<double> times = MeasureFactory::defaultTimeBuckets();
    QCOMPARE(times.first(), 0.001);
    QCOMPARE(times.last(), 100.0);
    QVERIFY(std::is_sorted(times.cbegin(), times.cend()));
    const QList<double> sizes = MeasureFactory::defaultSizeBuckets();
    QCOMPARE(sizes.first(), 1024.0);
    QCOMPARE(sizes.last(), 1024.0 * 1024 * 1024);
    QVERIFY(sizes.size() < 12);
}

void tst_MeasureFactory::callableOutlivesFamily()
{
    MetricsRegistry registry;
    MeasureFactory factory(registry, u"canto_mod_x/"_s);
    const auto amount = factory.amount(u"a"_s);
    QVERIFY(amount);
    QVERIFY(registry.remove(u"canto_mod_x/a"_s));
    (*amount)(3); // must not crash; the series is simply no longer exported
    QCOMPARE(registry.renderOpenMetrics(), u"# EOF\n"_s);
}

QTEST_GUILESS_MAIN(tst_MeasureFactory)
#include "tst_MeasureFactory.moc"
