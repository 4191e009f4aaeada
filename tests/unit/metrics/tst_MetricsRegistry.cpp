#include "server/metrics/MetricsRegistry.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

class tst_MetricsRegistry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyRegistry();
    void renderSmallRegistry();
    void renderLabelledHistogram();
    void labelValuesAreEscaped();
    void escapeName_data();
    void escapeName();
    void unitSuffix();
    void sameDeclarationIsShared();
    void conflictingDeclaration_data();
    void conflictingDeclaration();
    void invalidDeclaration_data();
    void invalidDeclaration();
    void wrongLabelCount();
    void seriesSemantics();
    void histogramBucketBoundaries();
    void removeAndClear();
};

void tst_MetricsRegistry::emptyRegistry()
{
    MetricsRegistry registry;
    QCOMPARE(registry.renderOpenMetrics(), u"# EOF\n"_s);
}

void tst_MetricsRegistry::renderSmallRegistry()
{
    MetricsRegistry registry;
    auto pings = registry.family(MetricType::Counter, u"canto_mod_ping/pings"_s, {}, {}, {u"host"_s});
    QVERIFY(pings);
    (*(*pings)->withLabels({u"a.example"_s}))->add(3);
    (*(*pings)->withLabels({u"b.example"_s}))->add();
    auto sessions = registry.family(MetricType::Gauge, u"canto_sessions"_s, {}, u"Connected sessions"_s);
    QVERIFY(sessions);
    (*(*sessions)->withLabels({}))->set(5);
    auto joins = registry.family(MetricType::Histogram, u"canto_mod_muc/join_time"_s, u"seconds"_s, {}, {}, {0.1, 1});
    QVERIFY(joins);
    const std::shared_ptr<Metric> join = *(*joins)->withLabels({});
    join->sample(0.25);
    join->sample(0.5);
    join->sample(2);
    auto resources = registry.family(MetricType::Summary, u"canto_mod_x/resources"_s);
    QVERIFY(resources);
    (*(*resources)->withLabels({}))->sample(1);
    (*(*resources)->withLabels({}))->sample(3.5);

    QCOMPARE(registry.renderOpenMetrics(), uR"(# TYPE canto_mod_ping__pings counter
canto_mod_ping__pings_total{host="a.example"} 3
canto_mod_ping__pings_total{host="b.example"} 1
# TYPE canto_sessions gauge
# HELP canto_sessions Connected sessions
canto_sessions 5
# TYPE canto_mod_muc__join_time_seconds histogram
# UNIT canto_mod_muc__join_time_seconds seconds
canto_mod_muc__join_time_seconds_bucket{le="0.1"} 0
canto_mod_muc__join_time_seconds_bucket{le="1"} 2
canto_mod_muc__join_time_seconds_bucket{le="+Inf"} 3
canto_mod_muc__join_time_seconds_sum 2.75
canto_mod_muc__join_time_seconds_count 3
# TYPE canto_mod_x__resources summary
canto_mod_x__resources_sum 4.5
canto_mod_x__resources_count 2
# EOF
)"_s);
}

void tst_MetricsRegistry::renderLabelledHistogram()
{
    MetricsRegistry registry;
    auto sizes = registry.family(MetricType::Histogram, u"stanza_size"_s, u"bytes"_s, u"Sizes\nof stanzas"_s,
                                 {u"host"_s, u"kind"_s}, {1024, 4096.5});
    QVERIFY(sizes);
    (*(*sizes)->withLabels({u"h"_s, u"message"_s}))->sample(100);
    (*(*sizes)->withLabels({u"h"_s, u"iq"_s}))->sample(5000);
    QCOMPARE(registry.renderOpenMetrics(), uR"(# TYPE stanza_size_bytes histogram
# UNIT stanza_size_bytes bytes
# HELP stanza_size_bytes Sizes\nof stanzas
stanza_size_bytes_bucket{host="h",kind="message",le="1024"} 1
stanza_size_bytes_bucket{host="h",kind="message",le="4096.5"} 1
stanza_size_bytes_bucket{host="h",kind="message",le="+Inf"} 1
stanza_size_bytes_sum{host="h",kind="message"} 100
stanza_size_bytes_count{host="h",kind="message"} 1
stanza_size_bytes_bucket{host="h",kind="iq",le="1024"} 0
stanza_size_bytes_bucket{host="h",kind="iq",le="4096.5"} 0
stanza_size_bytes_bucket{host="h",kind="iq",le="+Inf"} 1
stanza_size_bytes_sum{host="h",kind="iq"} 5000
stanza_size_bytes_count{host="h",kind="iq"} 1
# EOF
)"_s);
}

void tst_MetricsRegistry::labelValuesAreEscaped()
{
    MetricsRegistry registry;
    auto family = registry.family(MetricType::Gauge, u"g"_s, {}, {}, {u"v"_s});
    QVERIFY(family);
    (*(*family)->withLabels({u"a\"b\\c\nd"_s}))->set(0.125);
    QCOMPARE(registry.renderOpenMetrics(), u"# TYPE g gauge\ng{v=\"a\\\"b\\\\c\\nd\"} 0.125\n# EOF\n"_s);
}

void tst_MetricsRegistry::escapeName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain") << u"canto_sessions"_s << u"canto_sessions"_s;
    QTest::newRow("slash") << u"canto_mod_ping/pings"_s << u"canto_mod_ping__pings"_s;
    QTest::newRow("dash and dot") << u"canto_mod_http-upload/a.b"_s << u"canto_mod_http_upload__a_b"_s;
    QTest::newRow("non-ascii") << u"caf\u00e9"_s << u"caf_"_s;
}

void tst_MetricsRegistry::escapeName()
{
    QFETCH(QString, name);
    QFETCH(QString, expected);
    QCOMPARE(MetricsRegistry::escapeName(name), expected);
}

void tst_MetricsRegistry::unitSuffix()
{
    MetricsRegistry registry;
    auto withUnit = registry.family(MetricType::Gauge, u"memory"_s, u"bytes"_s);
    QVERIFY(withUnit);
    QCOMPARE((*withUnit)->name(), u"memory_bytes"_s);
    auto alreadySuffixed = registry.family(MetricType::Gauge, u"uptime_seconds"_s, u"seconds"_s);
    QVERIFY(alreadySuffixed);
    QCOMPARE((*alreadySuffixed)->name(), u"uptime_seconds"_s);
    QCOMPARE(registry.find(u"memory_bytes"_s), *withUnit);
    QVERIFY(!registry.find(u"memory"_s));
}

void tst_MetricsRegistry::sameDeclarationIsShared()
{
    MetricsRegistry registry;
    auto first = registry.family(MetricType::Counter, u"c"_s, {}, u"help"_s, {u"host"_s});
    auto second = registry.family(MetricType::Counter, u"c"_s, {}, u"other help"_s, {u"host"_s});
    QVERIFY(first && second);
    QCOMPARE(*first, *second);
    QCOMPARE(registry.families().size(), 1);
    // The same label values give the same series.
    QCOMPARE(*(*first)->withLabels({u"x"_s}), *(*second)->withLabels({u"x"_s}));
}

void tst_MetricsRegistry::conflictingDeclaration_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QStringList>("labels");
    QTest::addColumn<QList<double>>("buckets");
    QTest::newRow("other type") << int(MetricType::Gauge) << QStringList{u"host"_s} << QList<double>{1, 2};
    QTest::newRow("other labels") << int(MetricType::Histogram) << QStringList{u"kind"_s} << QList<double>{1, 2};
    QTest::newRow("other buckets") << int(MetricType::Histogram) << QStringList{u"host"_s} << QList<double>{1, 3};
}

void tst_MetricsRegistry::conflictingDeclaration()
{
    QFETCH(int, type);
    QFETCH(QStringList, labels);
    QFETCH(QList<double>, buckets);
    MetricsRegistry registry;
    QVERIFY(registry.family(MetricType::Histogram, u"h"_s, {}, {}, {u"host"_s}, {1, 2}));
    const auto again = registry.family(MetricType(type), u"h"_s, {}, {}, labels, buckets);
    QVERIFY(!again);
    QCOMPARE(again.error().condition, u"conflict"_s);
}

void tst_MetricsRegistry::invalidDeclaration_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("labels");
    QTest::addColumn<QList<double>>("buckets");
    const int histogram = int(MetricType::Histogram);
    QTest::newRow("empty name") << histogram << QString() << QStringList() << QList<double>();
    QTest::newRow("label with dash") << histogram << u"n"_s << QStringList{u"a-b"_s} << QList<double>();
    QTest::newRow("label starting with digit") << histogram << u"n"_s << QStringList{u"1a"_s} << QList<double>();
    QTest::newRow("duplicate labels") << histogram << u"n"_s << QStringList{u"a"_s, u"a"_s} << QList<double>();
    QTest::newRow("le on histogram") << histogram << u"n"_s << QStringList{u"le"_s} << QList<double>();
    QTest::newRow("quantile on summary") << int(MetricType::Summary) << u"n"_s << QStringList{u"quantile"_s}
                                         << QList<double>();
    QTest::newRow("unsorted buckets") << histogram << u"n"_s << QStringList() << QList<double>{2, 1};
    QTest::newRow("repeated bucket") << histogram << u"n"_s << QStringList() << QList<double>{1, 1};
    QTest::newRow("infinite bucket") << histogram << u"n"_s << QStringList() << QList<double>{1, qInf()};
}

void tst_MetricsRegistry::invalidDeclaration()
{
    QFETCH(int, type);
    QFETCH(QString, name);
    QFETCH(QStringList, labels);
    QFETCH(QList<double>, buckets);
    MetricsRegistry registry;
    const auto family = registry.family(MetricType(type), name, {}, {}, labels, buckets);
    QVERIFY(!family);
    QCOMPARE(family.error().condition, u"bad-request"_s);
    QVERIFY(registry.families().isEmpty());
}

void tst_MetricsRegistry::wrongLabelCount()
{
    MetricsRegistry registry;
    auto family = registry.family(MetricType::Counter, u"c"_s, {}, {}, {u"host"_s, u"kind"_s});
    QVERIFY(family);
    const auto series = (*family)->withLabels({u"only-one"_s});
    QVERIFY(!series);
    QCOMPARE(series.error().condition, u"bad-request"_s);
    QVERIFY((*family)->series().isEmpty());
}

void tst_MetricsRegistry::seriesSemantics()
{
    Metric counter(MetricType::Counter);
    counter.add(2);
    counter.add(-1); // counters never go down
    counter.set(10); // and cannot be set
    QCOMPARE(counter.value(), 2.0);

    Metric gauge(MetricType::Gauge);
    gauge.set(5);
    gauge.add(-1.5);
    gauge.sample(100); // not a histogram
    QCOMPARE(gauge.value(), 3.5);
    QCOMPARE(gauge.count(), 0u);

    Metric summary(MetricType::Summary);
    summary.sample(2);
    summary.sample(4);
    summary.add(7);
    QCOMPARE(summary.count(), 2u);
    QCOMPARE(summary.sum(), 6.0);
    QCOMPARE(summary.value(), 0.0);
    summary.reset();
    QCOMPARE(summary.count(), 0u);
}

void tst_MetricsRegistry::histogramBucketBoundaries()
{
    Metric histogram(MetricType::Histogram, {1, 2, 5});
    for (double v : {0.5, 1.0, 1.5, 2.0, 5.0, 5.1, -3.0})
        histogram.sample(v);
    // "le" is inclusive: 1.0 belongs to the le="1" bucket.
    QCOMPARE(histogram.cumulativeBucketCounts(), (QList<quint64>{3, 5, 6}));
    QCOMPARE(histogram.count(), 7u);
}

void tst_MetricsRegistry::removeAndClear()
{
    MetricsRegistry registry;
    auto labelled = registry.family(MetricType::Counter, u"a"_s, {}, {}, {u"host"_s});
    auto plain = registry.family(MetricType::Counter, u"b"_s);
    QVERIFY(labelled && plain);
    (*(*labelled)->withLabels({u"x"_s}))->add(4);
    (*(*plain)->withLabels({}))->add(4);
    (*labelled)->clear();
    (*plain)->clear();
    QCOMPARE(registry.renderOpenMetrics(), u"# TYPE a counter\n# TYPE b counter\nb_total 0\n# EOF\n"_s);
    QVERIFY(registry.remove(u"a"_s));
    QVERIFY(!registry.remove(u"a"_s));
    QCOMPARE(registry.renderOpenMetrics(), u"# TYPE b counter\nb_total 0\n# EOF\n"_s);
}

QTEST_GUILESS_MAIN(tst_MetricsRegistry)
#include "tst_MetricsRegistry.moc"
