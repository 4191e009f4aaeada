#include "server/config/OptionReader.h"

#include <QTest>

#include <limits>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

const QString Host = u"example.org"_s;
constexpr double Infinity = std::numeric_limits<double>::infinity();
constexpr double Day = 86400;

// A config whose host section sets "opt" to `value` (written as Lua), or leaves it unset.
Config configWith(const QString& value)
{
    QString text = u"VirtualHost \"example.org\"\n"_s;
    if (!value.isEmpty())
        text += u"  opt = " + value + u'\n';
    return Config::fromString(text, u"canto.cfg.lua"_s);
}

QVariant none()
{
    return QVariant();
}

} // namespace

class tst_OptionReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_warnings.clear(); }

    void number_data();
    void number();
    void integer_data();
    void integer();
    void period_data();
    void period();
    void boolean_data();
    void boolean();
    void string_data();
    void string();
    void array_data();
    void array();
    void set();
    void inheritedSet_data();
    void inheritedSet();
    void path_data();
    void path();
    void enumeration_data();
    void enumeration();
    void scalar();
    void warningNamesOptionHostAndLocation();
    void globalFallback();

private:
    OptionReader reader(const Config& config, const QString& host = Host)
    {
        ConfigPaths paths{u"/etc/canto"_s, u"/var/lib/canto"_s, u"/usr/lib/canto"_s};
        return OptionReader(config, host, paths, u"/usr/lib/canto/modules/test"_s,
                            [this](const OptionWarning& warning) { m_warnings.append(warning); });
    }
    void checkWarning(const QString& fragment)
    {
        if (fragment.isEmpty()) {
            QVERIFY2(m_warnings.isEmpty(), qPrintable(m_warnings.value(0).toString()));
            return;
        }
        QCOMPARE(m_warnings.size(), 1);
        QVERIFY2(m_warnings.first().message.contains(fragment), qPrintable(m_warnings.first().toString()));
    }

    QList<OptionWarning> m_warnings;
};

void tst_OptionReader::number_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QVariant>("fallback");
    QTest::addColumn<QVariant>("min");
    QTest::addColumn<QVariant>("max");
    QTest::addColumn<QVariant>("expected");
    QTest::addColumn<QString>("warning");

    QTest::newRow("integer") << u"5"_s << none() << none() << none() << QVariant(5.0) << QString();
    QTest::newRow("float") << u"1.5"_s << none() << none() << none() << QVariant(1.5) << QString();
    QTest::newRow("numeric string") << u"\"10\""_s << none() << none() << none() << QVariant(10.0) << QString();
    QTest::newRow("hex string") << u"\"0x10\""_s << none() << none() << none() << QVariant(16.0) << QString();
    QTest::newRow("float string") << u"\" 2.5e1 \""_s << none() << none() << none() << QVariant(25.0) << QString();
    QTest::newRow("not a number") << u"\"lots\""_s << QVariant(3.0) << none() << none() << none()
                                  << u"not understood, expecting a number"_s;
    QTest::newRow("boolean") << u"true"_s << none() << none() << none() << none()
                             << u"not understood, expecting a number"_s;
    QTest::newRow("unset gives default") << QString() << QVariant(7.0) << none() << none() << QVariant(7.0)
                                         << QString();
    QTest::newRow("unset without default") << QString() << none() << none() << none() << none() << QString();
    QTest::newRow("below min") << u"-5"_s << none() << QVariant(0.0) << QVariant(100.0) << QVariant(0.0)
                               << u"out of bounds: -5 is less than the minimum 0, using 0"_s;
    QTest::newRow("above max") << u"500"_s << none() << QVariant(0.0) << QVariant(100.0) << QVariant(100.0)
                               << u"out of bounds: 500 is more than the maximum 100, using 100"_s;
    QTest::newRow("on the bound") << u"100"_s << none() << QVariant(0.0) << QVariant(100.0) << QVariant(100.0)
                                  << QString();
    QTest::newRow("value equal to default skips bounds")
        << u"200"_s << QVariant(200.0) << QVariant(0.0) << QVariant(100.0) << QVariant(200.0) << QString();
    QTest::newRow("list uses first item") << u"{ 4, 5 }"_s << none() << none() << none() << QVariant(4.0)
                                          << u"does not take a list, using just the first item"_s;
    QTest::newRow("one-item list") << u"{ 4 }"_s << none() << none() << none() << QVariant(4.0) << QString();
}

void tst_OptionReader::number()
{
    QFETCH(QString, value);
    QFETCH(QVariant, fallback);
    QFETCH(QVariant, min);
    QFETCH(QVariant, max);
    QFETCH(QVariant, expected);
    QFETCH(QString, warning);
    const auto optional = [](const QVariant& v) {
        return v.isValid() ? std::optional<double>(v.toDouble()) : std::nullopt;
    };
    const Config config = configWith(value);
    const std::optional<double> result =
        reader(config).optionNumber(u"opt"_s, optional(fallback), optional(min), optional(max));
    QCOMPARE(result.has_value(), expected.isValid());
    if (result)
        QCOMPARE(*result, expected.toDouble());
    checkWarning(warning);
}

void tst_OptionReader::integer_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QVariant>("fallback");
    QTest::addColumn<QVariant>("min");
    QTest::addColumn<QVariant>("max");
    QTest::addColumn<QVariant>("expected");
    QTest::addColumn<QString>("warning");

    QTest::newRow("integer") << u"5"_s << none() << none() << none() << QVariant(qint64(5)) << QString();
    QTest::newRow("large") << u"9007199254740993"_s << none() << none() << none() << QVariant(qint64(9007199254740992))
                           << QString();
    QTest::newRow("float is floored") << u"5.7"_s << none() << none() << none() << QVariant(qint64(5))
                                      << u"expected an integer, not a float"_s;
    QTest::newRow("negative float is floored")
        << u"-5.5"_s << none() << none() << none() << QVariant(qint64(-6)) << u"expected an integer, not a float"_s;
    QTest::newRow("float with zero fraction")
        << u"5.0"_s << none() << none() << none() << QVariant(qint64(5)) << u"expected an integer, not a float"_s;
    QTest::newRow("integer string") << u"\"42\""_s << none() << none() << none() << QVariant(qint64(42)) << QString();
    QTest::newRow("unset gives default") << QString() << QVariant(qint64(3)) << none() << none() << QVariant(qint64(3))
                                         << QString();
    QTest::newRow("clamped to min") << u"-1"_s << none() << QVariant(qint64(0)) << QVariant(qint64(1000))
                                    << QVariant(qint64(0)) << u"out of bounds"_s;
    QTest::newRow("clamped to max") << u"5000"_s << none() << QVariant(qint64(0)) << QVariant(qint64(1000))
                                    << QVariant(qint64(1000)) << u"out of bounds"_s;
    QTest::newRow("huge clamps to 64 bits") << u"1e300"_s << none() << none() << none()
                                            << QVariant(std::numeric_limits<qint64>::max()) << u"out of bounds"_s;
    QTest::newRow("not a number") << u"\"x\""_s << none() << none() << none() << none() << u"expecting a number"_s;
}

void tst_OptionReader::integer()
{
    QFETCH(QString, value);
    QFETCH(QVariant, fallback);
    QFETCH(QVariant, min);
    QFETCH(QVariant, max);
    QFETCH(QVariant, expected);
    QFETCH(QString, warning);
    const auto optional = [](const QVariant& v) {
        return v.isValid() ? std::optional<qint64>(v.toLongLong()) : std::nullopt;
    };
    const Config config = configWith(value);
    const std::optional<qint64> result =
        reader(config).optionInteger(u"opt"_s, optional(fallback), optional(min), optional(max));
    QCOMPARE(result.has_value(), expected.isValid());
    if (result)
        QCOMPARE(*result, expected.toLongLong());
    checkWarning(warning);
}

void tst_OptionReader::period_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QVariant>("fallback"); // a double (seconds) or a QString period
    QTest::addColumn<QVariant>("min");
    QTest::addColumn<QVariant>("max");
    QTest::addColumn<QVariant>("expected");
    QTest::addColumn<QString>("warning");

    // clang-format off
    QTest::newRow("3 weeks") << u"\"3 weeks\""_s << none() << none() << none() << QVariant(21 * Day) << QString();
    QTest::newRow("1w") << u"\"1w\""_s << none() << none() << none() << QVariant(7 * Day) << QString();
    QTest::newRow("5 minutes") << u"\"5 minutes\""_s << none() << none() << none() << QVariant(300.0) << QString();
    QTest::newRow("2 days") << u"\"2 days\""_s << none() << none() << none() << QVariant(2 * Day) << QString();
    QTest::newRow("1 day") << u"\"1 day\""_s << none() << none() << none() << QVariant(Day) << QString();
    QTest::newRow("90s") << u"\"90s\""_s << none() << none() << none() << QVariant(90.0) << QString();
    QTest::newRow("2h") << u"\"2h\""_s << none() << none() << none() << QVariant(7200.0) << QString();
    QTest::newRow("1.5 hours") << u"\"1.5 hours\""_s << none() << none() << none() << QVariant(5400.0) << QString();
    QTest::newRow("upper case") << u"\"1 WEEK\""_s << none() << none() << none() << QVariant(7 * Day) << QString();
    QTest::newRow("1 month") << u"\"1 month\""_s << none() << none() << none() << QVariant(30 * Day) << QString();
    QTest::newRow("1y") << u"\"1y\""_s << none() << none() << none() << QVariant(365 * Day) << QString();
    QTest::newRow("number is seconds") << u"60"_s << none() << none() << none() << QVariant(60.0) << QString();
    QTest::newRow("numeric string is seconds") << u"\"60\""_s << none() << none() << none() << QVariant(60.0)
        << QString();
    QTest::newRow("never") << u"\"never\""_s << none() << none() << none() << QVariant(Infinity) << QString();
    QTest::newRow("false") << u"false"_s << none() << none() << none() << QVariant(Infinity) << QString();
    QTest::newRow("negative is infinity") << u"-5"_s << none() << none() << none() << QVariant(Infinity)
        << u"Treating negative period as infinity"_s;
    QTest::newRow("ambiguous 3m is still returned") << u"\"3m\""_s << none() << none() << none()
        << QVariant(90 * Day) << u"uses ambiguous period '3m', use full syntax"_s;
    QTest::newRow("not understood") << u"\"soon\""_s << QVariant(60.0) << none() << none() << none()
        << u"not understood, expecting a period"_s;
    QTest::newRow("unknown unit") << u"\"3 fortnights\""_s << none() << none() << none() << none()
        << u"not understood, expecting a period"_s;
    QTest::newRow("true is not a period") << u"true"_s << none() << none() << none() << none()
        << u"expected a period, got a boolean"_s;
    QTest::newRow("unset gives number default") << QString() << QVariant(60.0) << none() << none()
        << QVariant(60.0) << QString();
    QTest::newRow("unset gives string default") << QString() << QVariant(u"1 day"_s) << none() << none()
        << QVariant(Day) << QString();
    QTest::newRow("below string min") << u"\"5 minutes\""_s << none() << QVariant(u"1 hour"_s) << none()
        << QVariant(3600.0) << u"less than the minimum 3600 seconds"_s;
    QTest::newRow("above number max") << u"\"2 days\""_s << none() << QVariant(0.0) << QVariant(Day)
        << QVariant(Day) << u"more than the maximum 86400 seconds"_s;
    QTest::newRow("never above max") << u"\"never\""_s << none() << none() << QVariant(u"1 week"_s)
        << QVariant(7 * Day) << u"more than the maximum"_s;
    QTest::newRow("within bounds") << u"\"2 hours\""_s << none() << QVariant(u"1 hour"_s) << QVariant(u"1 day"_s)
        << QVariant(7200.0) << QString();
    // clang-format on
}

void tst_OptionReader::period()
{
    QFETCH(QString, value);
    QFETCH(QVariant, fallback);
    QFETCH(QVariant, min);
    QFETCH(QVariant, max);
    QFETCH(QVariant, expected);
    QFETCH(QString, warning);
    const auto optional = [](const QVariant& v) -> std::optional<OptionReader::Period> {
        if (!v.isValid())
            return std::nullopt;
        if (v.typeId() == QMetaType::QString)
            return OptionReader::Period(v.toString());
        return OptionReader::Period(v.toDouble());
    };
    const Config config = configWith(value);
    const std::optional<double> result =
        reader(config).optionPeriod(u"opt"_s, optional(fallback), optional(min), optional(max));
    QCOMPARE(result.has_value(), expected.isValid());
    if (result)
        QCOMPARE(*result, expected.toDouble());
    checkWarning(warning);
}

void tst_OptionReader::boolean_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QVariant>("fallback");
    QTest::addColumn<QVariant>("expected");
    QTest::addColumn<QString>("warning");

    QTest::newRow("true") << u"true"_s << none() << QVariant(true) << QString();
    QTest::newRow("\"true\"") << u"\"true\""_s << none() << QVariant(true) << QString();
    QTest::newRow("1") << u"1"_s << none() << QVariant(true) << QString();
    QTest::newRow("false") << u"false"_s << QVariant(true) << QVariant(false) << QString();
    QTest::newRow("\"false\"") << u"\"false\""_s << none() << QVariant(false) << QString();
    QTest::newRow("0") << u"0"_s << none() << QVariant(false) << QString();
    QTest::newRow("yes is not understood")
        << u"\"yes\""_s << QVariant(true) << none() << u"not understood, expecting true/false"_s;
    QTest::newRow("2 is not understood") << u"2"_s << none() << none() << u"expecting true/false"_s;
    QTest::newRow("unset gives default") << QString() << QVariant(true) << QVariant(true) << QString();
    QTest::newRow("unset without default") << QString() << none() << none() << QString();
}

void tst_OptionReader::boolean()
{
    QFETCH(QString, value);
    QFETCH(QVariant, fallback);
    QFETCH(QVariant, expected);
    QFETCH(QString, warning);
    const Config config = configWith(value);
    const std::optional<bool> result = reader(config).optionBoolean(
        u"opt"_s, fallback.isValid() ? std::optional<bool>(fallback.toBool()) : std::nullopt);
    QCOMPARE(result.has_value(), expected.isValid());
    if (result)
        QCOMPARE(*result, expected.toBool());
    checkWarning(warning);
}

void tst_OptionReader::string_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QVariant>("fallback");
    QTest::addColumn<QVariant>("expected");
    QTest::addColumn<QString>("warning");

    QTest::newRow("string") << u"\"text\""_s << none() << QVariant(u"text"_s) << QString();
    QTest::newRow("integer") << u"5"_s << none() << QVariant(u"5"_s) << QString();
    QTest::newRow("float") << u"2.5"_s << none() << QVariant(u"2.5"_s) << QString();
    QTest::newRow("boolean") << u"true"_s << none() << QVariant(u"true"_s) << QString();
    QTest::newRow("unset gives default") << QString() << QVariant(u"d"_s) << QVariant(u"d"_s) << QString();
    QTest::newRow("unset without default") << QString() << none() << none() << QString();
    QTest::newRow("list gives first item")
        << u"{ \"a\", \"b\" }"_s << none() << QVariant(u"a"_s) << u"does not take a list"_s;
    QTest::newRow("map-only table is nil") << u"{ k = \"v\" }"_s << none() << none() << QString();
}

void tst_OptionReader::string()
{
    QFETCH(QString, value);
    QFETCH(QVariant, fallback);
    QFETCH(QVariant, expected);
    QFETCH(QString, warning);
    const Config config = configWith(value);
    const std::optional<QString> result = reader(config).optionString(
        u"opt"_s, fallback.isValid() ? std::optional<QString>(fallback.toString()) : std::nullopt);
    QCOMPARE(result.has_value(), expected.isValid());
    if (result)
        QCOMPARE(*result, expected.toString());
    checkWarning(warning);
}

void tst_OptionReader::array_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QVariant>("fallback");
    QTest::addColumn<QVariant>("expected");

    QTest::newRow("list") << u"{ \"a\", \"b\", \"a\" }"_s << none() << QVariant(QStringList{u"a"_s, u"b"_s, u"a"_s});
    QTest::newRow("scalar becomes one item") << u"\"x\""_s << none() << QVariant(QStringList{u"x"_s});
    QTest::newRow("numbers as text") << u"{ 1, 2.5 }"_s << none() << QVariant(QStringList{u"1"_s, u"2.5"_s});
    QTest::newRow("empty") << u"{ }"_s << none() << QVariant(QStringList{});
    QTest::newRow("unset") << QString() << none() << none();
    QTest::newRow("unset gives default") << QString() << QVariant(QStringList{u"d"_s}) << QVariant(QStringList{u"d"_s});
}

void tst_OptionReader::array()
{
    QFETCH(QString, value);
    QFETCH(QVariant, fallback);
    QFETCH(QVariant, expected);
    const Config config = configWith(value);
    const std::optional<QStringList> result = reader(config).optionArray(
        u"opt"_s, fallback.isValid() ? std::optional<QStringList>(fallback.toStringList()) : std::nullopt);
    QCOMPARE(result.has_value(), expected.isValid());
    if (result)
        QCOMPARE(*result, expected.toStringList());
    QVERIFY(m_warnings.isEmpty());
}

void tst_OptionReader::set()
{
    const Config config = configWith(u"{ \"a\", \"b\", \"a\" }"_s);
    QCOMPARE(reader(config).optionSet(u"opt"_s), (QSet<QString>{u"a"_s, u"b"_s}));
    QVERIFY(!reader(config).optionSet(u"other"_s).has_value());
    QCOMPARE(reader(config).optionSet(u"other"_s, QStringList{u"x"_s}), QSet<QString>{u"x"_s});
}

void tst_OptionReader::inheritedSet_data()
{
    QTest::addColumn<QString>("global");
    QTest::addColumn<QString>("host");
    QTest::addColumn<QVariant>("expected");

    QTest::newRow("union") << u"{ \"a\", \"b\" }"_s << u"{ \"b\", \"c\" }"_s
                           << QVariant(QStringList{u"a"_s, u"b"_s, u"c"_s});
    QTest::newRow("only global") << u"{ \"a\" }"_s << QString() << QVariant(QStringList{u"a"_s});
    QTest::newRow("only host") << QString() << u"{ \"c\" }"_s << QVariant(QStringList{u"c"_s});
    QTest::newRow("scalar host") << u"{ \"a\" }"_s << u"\"c\""_s << QVariant(QStringList{u"a"_s, u"c"_s});
    QTest::newRow("neither") << QString() << QString() << none();
}

void tst_OptionReader::inheritedSet()
{
    QFETCH(QString, global);
    QFETCH(QString, host);
    QFETCH(QVariant, expected);
    QString text;
    if (!global.isEmpty())
        text += u"opt = " + global + u'\n';
    text += u"VirtualHost \"example.org\"\n"_s;
    if (!host.isEmpty())
        text += u"opt = " + host + u'\n';
    const Config config = Config::fromString(text);
    QVERIFY(config.problems().isEmpty());
    const std::optional<QSet<QString>> result = reader(config).optionInheritedSet(u"opt"_s);
    QCOMPARE(result.has_value(), expected.isValid());
    if (result) {
        const QStringList items = expected.toStringList();
        QCOMPARE(*result, QSet<QString>(items.cbegin(), items.cend()));
    }
}

void tst_OptionReader::path_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("parent");
    QTest::addColumn<QVariant>("expected");

    QTest::newRow("data") << u"\"canto.sqlite\""_s << u"data"_s << QVariant(u"/var/lib/canto/canto.sqlite"_s);
    QTest::newRow("config") << u"\"certs\""_s << u"config"_s << QVariant(u"/etc/canto/certs"_s);
    QTest::newRow("source") << u"\"share/x\""_s << u"source"_s << QVariant(u"/usr/lib/canto/share/x"_s);
    QTest::newRow("module directory") << u"\"file.txt\""_s << QString()
                                      << QVariant(u"/usr/lib/canto/modules/test/file.txt"_s);
    QTest::newRow("explicit folder") << u"\"x/../y.txt\""_s << u"/srv"_s << QVariant(u"/srv/y.txt"_s);
    QTest::newRow("absolute stays") << u"\"/abs/file\""_s << u"data"_s << QVariant(u"/abs/file"_s);
    QTest::newRow("unset") << QString() << u"data"_s << none();
}

void tst_OptionReader::path()
{
    QFETCH(QString, value);
    QFETCH(QString, parent);
    QFETCH(QVariant, expected);
    const Config config = configWith(value);
    const std::optional<QString> result = reader(config).optionPath(u"opt"_s, std::nullopt, parent);
    QCOMPARE(result.has_value(), expected.isValid());
    if (result)
        QCOMPARE(*result, expected.toString());
    QCOMPARE(reader(config).optionPath(u"missing"_s, u"default.db"_s, u"data"_s).value_or(QString()),
             u"/var/lib/canto/default.db"_s);
}

void tst_OptionReader::enumeration_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("warning");

    QTest::newRow("default") << QString() << u"kick_old"_s << QString();
    QTest::newRow("allowed") << u"\"random\""_s << u"random"_s << QString();
    QTest::newRow("default value set explicitly") << u"\"kick_old\""_s << u"kick_old"_s << QString();
    QTest::newRow("outside the set is still returned")
        << u"\"bounce\""_s << u"bounce"_s
        << u"not in set of allowed values (one of: kick_old, kick_new, increment, random)"_s;
}

void tst_OptionReader::enumeration()
{
    QFETCH(QString, value);
    QFETCH(QString, expected);
    QFETCH(QString, warning);
    const Config config = configWith(value);
    const std::optional<QString> result =
        reader(config).optionEnum(u"opt"_s, u"kick_old"_s, QStringList{u"kick_new"_s, u"increment"_s, u"random"_s});
    QVERIFY(result.has_value());
    QCOMPARE(*result, expected);
    checkWarning(warning);
}

void tst_OptionReader::scalar()
{
    const Config config = configWith(u"{ \"a\", \"b\" }"_s);
    const ConfigValue value = reader(config).optionScalar(u"opt"_s);
    QCOMPARE(value.toString(), u"a"_s);
    QCOMPARE(m_warnings.size(), 1);
    QCOMPARE(m_warnings.first().level, OptionWarning::Level::Error);
    QVERIFY(reader(config).optionScalar(u"missing"_s).isNil());
    QCOMPARE(reader(config).option(u"opt"_s).array().size(), 2);
}

void tst_OptionReader::warningNamesOptionHostAndLocation()
{
    const Config config = configWith(u"5000"_s);
    QCOMPARE(reader(config).optionInteger(u"opt"_s, 10, 0, 1000), std::optional<qint64>(1000));
    QCOMPARE(m_warnings.size(), 1);
    const OptionWarning& warning = m_warnings.first();
    QCOMPARE(warning.option, u"opt"_s);
    QCOMPARE(warning.host, Host);
    QCOMPARE(warning.location.toString(), u"canto.cfg.lua:2:9"_s);
    QCOMPARE(warning.level, OptionWarning::Level::Warning);
    QCOMPARE(warning.toString(), u"Config option 'opt' on host example.org (set at canto.cfg.lua:2:9): out of "
                                 u"bounds: 5000 is more than the maximum 1000, using 1000"_s);
}

void tst_OptionReader::globalFallback()
{
    const Config config = Config::fromString(u"opt = 3\nVirtualHost \"example.org\"\nVirtualHost \"b.org\"\nopt = 4"_s);
    QCOMPARE(reader(config).optionNumber(u"opt"_s), std::optional<double>(3));
    QCOMPARE(reader(config, u"b.org"_s).optionNumber(u"opt"_s), std::optional<double>(4));
    QCOMPARE(reader(config, u"*"_s).optionNumber(u"opt"_s), std::optional<double>(3));
}

QTEST_GUILESS_MAIN(tst_OptionReader)
#include "tst_OptionReader.moc"
