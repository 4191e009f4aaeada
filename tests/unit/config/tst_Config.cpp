#include "server/config/Config.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

QString describe(const QList<ConfigProblem>& problems)
{
    QStringList lines;
    for (const ConfigProblem& problem : problems)
        lines.append(problem.toString());
    return lines.join(u'\n');
}

const QString Sample = uR"(-- global
admins = { "admin@a.example" }
storage = "sql"
c2s_require_encryption = true
limit = 10

VirtualHost "a.example"
    limit = 20
    storage = nil

VirtualHost "b.example"

Component "rooms.a.example" "muc"
    name = "Rooms"

Component "gateway.a.example"
    component_secret = "secret"
)"_s;

} // namespace

class tst_Config : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void inheritance_data();
    void inheritance();
    void hostsAndKinds();
    void rawGetDoesNotInherit();
    void set();
    void embeddedDefaultLoadsCleanly();
    void fromFile();
    void fromFileMissing();
    void problemsKeepOrder();
    void toLuaRoundTrip_data();
    void toLuaRoundTrip();
    void toVariant();
};

void tst_Config::inheritance_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("option");
    QTest::addColumn<QString>("expected"); // as Lua; "nil" when unset

    QTest::newRow("host overrides global") << u"a.example"_s << u"limit"_s << u"20"_s;
    QTest::newRow("host inherits global") << u"a.example"_s << u"c2s_require_encryption"_s << u"true"_s;
    QTest::newRow("nil in host leaves the global value") << u"a.example"_s << u"storage"_s << u"\"sql\""_s;
    QTest::newRow("other host inherits") << u"b.example"_s << u"limit"_s << u"10"_s;
    QTest::newRow("component has own option") << u"rooms.a.example"_s << u"name"_s << u"\"Rooms\""_s;
    QTest::newRow("host option not in other host") << u"b.example"_s << u"name"_s << u"nil"_s;
    QTest::newRow("unknown host falls back to global") << u"unknown.example"_s << u"limit"_s << u"10"_s;
    QTest::newRow("global") << u"*"_s << u"admins"_s << u"{ \"admin@a.example\" }"_s;
    QTest::newRow("global does not see host options") << u"*"_s << u"component_secret"_s << u"nil"_s;
    QTest::newRow("unset everywhere") << u"a.example"_s << u"nothing"_s << u"nil"_s;
}

void tst_Config::inheritance()
{
    QFETCH(QString, host);
    QFETCH(QString, option);
    QFETCH(QString, expected);
    const Config config = Config::fromString(Sample);
    QVERIFY2(config.problems().isEmpty(), qPrintable(describe(config.problems())));
    QCOMPARE(config.get(host, option).toLua(), expected);
}

void tst_Config::hostsAndKinds()
{
    const Config config = Config::fromString(Sample);
    QCOMPARE(config.hosts(),
             (QStringList{u"a.example"_s, u"b.example"_s, u"rooms.a.example"_s, u"gateway.a.example"_s}));
    QVERIFY(config.hasHost(u"b.example"_s));
    QVERIFY(!config.hasHost(u"*"_s));
    QVERIFY(!config.hasHost(u"c.example"_s));
    QCOMPARE(config.section(u"a.example"_s)->kind(), ConfigSection::Kind::VirtualHost);
    QCOMPARE(config.section(u"rooms.a.example"_s)->kind(), ConfigSection::Kind::Component);
    QCOMPARE(config.section(u"rooms.a.example"_s)->componentModule(), u"muc"_s);
    QCOMPARE(config.section(u"gateway.a.example"_s)->componentModule(), u"component"_s);
    QCOMPARE(config.section(u"*"_s)->kind(), ConfigSection::Kind::Global);
    QCOMPARE(config.section(u"a.example"_s)->location().toString(), u"canto.cfg.lua:7:1"_s);
    QVERIFY(config.section(u"c.example"_s) == nullptr);
}

void tst_Config::rawGetDoesNotInherit()
{
    const Config config = Config::fromString(Sample);
    QVERIFY(config.rawGet(u"a.example"_s, u"c2s_require_encryption"_s).isNil());
    QCOMPARE(config.rawGet(u"*"_s, u"limit"_s).toNumber(), 10.0);
    QCOMPARE(config.rawGet(u"a.example"_s, u"limit"_s).toNumber(), 20.0);
    QVERIFY(config.rawGet(u"unknown.example"_s, u"limit"_s).isNil());
}

void tst_Config::set()
{
    Config config = Config::fromString(Sample);
    config.set(u"b.example"_s, u"limit"_s, ConfigValue::fromInteger(5));
    QCOMPARE(config.get(u"b.example"_s, u"limit"_s).toNumber(), 5.0);
    QCOMPARE(config.get(u"a.example"_s, u"limit"_s).toNumber(), 20.0);
    config.set(u"b.example"_s, u"limit"_s, ConfigValue());
    QCOMPARE(config.get(u"b.example"_s, u"limit"_s).toNumber(), 10.0);
    config.set(u"new.example"_s, u"x"_s, ConfigValue::fromBool(true));
    QVERIFY(config.hasHost(u"new.example"_s));
    QVERIFY(config.get(u"new.example"_s, u"x"_s).toBool());
}

void tst_Config::embeddedDefaultLoadsCleanly()
{
    const QString text = Config::embeddedDefault();
    QVERIFY(!text.isEmpty());
    const Config config = Config::fromString(text, u"canto.cfg.lua.dist"_s);
    QVERIFY2(config.problems().isEmpty(), qPrintable(describe(config.problems())));
    QCOMPARE(config.hosts(), (QStringList{u"localhost"_s, u"conference.localhost"_s}));
    QCOMPARE(config.section(u"localhost"_s)->kind(), ConfigSection::Kind::VirtualHost);
    QCOMPARE(config.section(u"conference.localhost"_s)->componentModule(), u"muc"_s);
    const QVariantList modules = config.get(u"localhost"_s, u"modules_enabled"_s).toVariant().toList();
    for (const char16_t* module : {u"disco", u"roster", u"ping", u"version", u"time", u"uptime"})
        QVERIFY2(modules.contains(QString::fromUtf16(module)), qPrintable(QString::fromUtf16(module)));
    QVERIFY(config.get(u"localhost"_s, u"c2s_require_encryption"_s).toBool());
    QCOMPARE(config.get(u"localhost"_s, u"storage"_s).toString(), u"sql"_s);
    QCOMPARE(config.get(u"*"_s, u"sql"_s).value(u"driver"_s).toString(), u"SQLite3"_s);
    QVERIFY(config.get(u"*"_s, u"sql"_s).value(u"database"_s).isString());
    QVERIFY(config.get(u"*"_s, u"admin_socket"_s).isString());
}

void tst_Config::fromFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile main(dir.filePath(u"canto.cfg.lua"_s));
    QVERIFY(main.open(QIODevice::WriteOnly));
    main.write("Include \"hosts.cfg.lua\"\nlimit = 1\n");
    main.close();
    QFile hosts(dir.filePath(u"hosts.cfg.lua"_s));
    QVERIFY(hosts.open(QIODevice::WriteOnly));
    hosts.write("VirtualHost \"x.example\"\n  limit = bad\n");
    hosts.close();
    const Config config = Config::fromFile(dir.filePath(u"canto.cfg.lua"_s));
    QCOMPARE(config.files(), (QStringList{dir.filePath(u"canto.cfg.lua"_s), dir.filePath(u"hosts.cfg.lua"_s)}));
    QCOMPARE(config.hosts(), QStringList{u"x.example"_s});
    QVERIFY(config.hasErrors());
    QCOMPARE(config.problems().size(), 1);
    QCOMPARE(config.problems().first().location.toString(), dir.filePath(u"hosts.cfg.lua"_s) + u":2:11");
    QCOMPARE(config.get(u"x.example"_s, u"limit"_s).toNumber(), 1.0);
}

void tst_Config::fromFileMissing()
{
    QTemporaryDir dir;
    const Config config = Config::fromFile(dir.filePath(u"absent.cfg.lua"_s));
    QVERIFY(config.hasErrors());
    QVERIFY(config.hosts().isEmpty());
    QVERIFY(config.problems().first().toString().contains(u"absent.cfg.lua"_s));
}

void tst_Config::problemsKeepOrder()
{
    const Config config = Config::fromString(u"a = 1\na = 2\nb = c\n"_s, u"test.cfg.lua"_s);
    QCOMPARE(config.problems().size(), 2);
    QVERIFY(!config.problems().at(0).isError());
    QVERIFY(config.problems().at(1).isError());
    QCOMPARE(config.problems().at(1).toString(),
             u"test.cfg.lua:3:5: expected a value (a string, number, boolean or table) after '=', found 'c'"_s);
}

void tst_Config::toLuaRoundTrip_data()
{
    QTest::addColumn<QString>("source");
    QTest::newRow("string with escapes") << uR"("a\n\"b\"\\ \t")"_s;
    QTest::newRow("float") << u"0.1"_s;
    QTest::newRow("integer") << u"-12"_s;
    QTest::newRow("float integral") << u"3.0"_s;
    QTest::newRow("nested table") << u"{ \"a\", { b = { 1, 2.5 } }, [\"not a name\"] = false, [\"end\"] = 1 }"_s;
}

void tst_Config::toLuaRoundTrip()
{
    QFETCH(QString, source);
    const Config first = Config::fromString(u"v = " + source);
    QVERIFY2(first.problems().isEmpty(), qPrintable(describe(first.problems())));
    const ConfigValue value = first.get(u"*"_s, u"v"_s);
    const Config second = Config::fromString(u"v = " + value.toLua());
    QVERIFY2(second.problems().isEmpty(), qPrintable(value.toLua()));
    QCOMPARE(second.get(u"*"_s, u"v"_s), value);
}

void tst_Config::toVariant()
{
    const Config config = Config::fromString(u"l = { \"a\", 2 }\nm = { 1, k = true }\nf = 1.5"_s);
    QCOMPARE(config.get(u"*"_s, u"l"_s).toVariant(), QVariant(QVariantList{u"a"_s, qint64(2)}));
    const QVariantMap map = config.get(u"*"_s, u"m"_s).toVariant().toMap();
    QCOMPARE(map.value(u"1"_s), QVariant(qint64(1)));
    QCOMPARE(map.value(u"k"_s), QVariant(true));
    QCOMPARE(config.get(u"*"_s, u"f"_s).toVariant(), QVariant(1.5));
    QVERIFY(!config.get(u"*"_s, u"none"_s).toVariant().isValid());
}

QTEST_GUILESS_MAIN(tst_Config)
#include "tst_Config.moc"
