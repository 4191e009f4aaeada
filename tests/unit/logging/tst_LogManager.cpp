#include "server/config/Config.h"
#include "server/logging/LogManager.h"

#include <QFile>
#include <QLoggingCategory>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

Q_LOGGING_CATEGORY(lcTestRouter, "canto.core.testrouter")

namespace {
QString readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}
} // namespace

class tst_LogManager : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseLevel_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("expected");
        QTest::newRow("debug") << u"debug"_s << int(LogManager::Level::Debug);
        QTest::newRow("info") << u"info"_s << int(LogManager::Level::Info);
        QTest::newRow("warn") << u"warn"_s << int(LogManager::Level::Warn);
        QTest::newRow("warning") << u"warning"_s << int(LogManager::Level::Warn);
        QTest::newRow("error") << u"error"_s << int(LogManager::Level::Error);
        QTest::newRow("unknown-falls-back") << u"loud"_s << int(LogManager::Level::Info);
    }

    void parseLevel()
    {
        QFETCH(QString, name);
        QFETCH(int, expected);
        QCOMPARE(int(LogManager::parseLevel(name)), expected);
    }

    // Prosody's `log = { info = "a.log", error = "b.err" }`: each file gets its level and up.
    void fileSinksByLevel()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const Config config = Config::fromString(u"log = { info = \"canto.log\", error = \"canto.err\" }\n"_s);
        QVERIFY(!config.hasErrors());
        LogManager manager;
        QCOMPARE(manager.configure(config, dir.path(), false), QString());
        manager.install();
        QSignalSpy lines(&manager, &LogManager::lineLogged);
        qCInfo(lcTestRouter) << "routed a stanza";
        qCWarning(lcTestRouter) << "slow consumer";
        qCCritical(lcTestRouter) << "storage failed";
        qCDebug(lcTestRouter) << "not written: below every sink";

        const QString info = readFile(dir.filePath(u"canto.log"_s));
        const QString errors = readFile(dir.filePath(u"canto.err"_s));
        QVERIFY2(info.contains(u"canto.core.testrouter info routed a stanza"_s), qPrintable(info));
        QVERIFY2(info.contains(u"canto.core.testrouter warn slow consumer"_s), qPrintable(info));
        QVERIFY2(info.contains(u"canto.core.testrouter error storage failed"_s), qPrintable(info));
        QVERIFY(!info.contains(u"not written"_s));
        QVERIFY2(!errors.contains(u"routed a stanza"_s), qPrintable(errors));
        QVERIFY2(errors.contains(u"storage failed"_s), qPrintable(errors));
        QCOMPARE(lines.count(), 3);
        QCOMPARE(lines.at(0).at(1).toString(), u"canto.core.testrouter"_s);
    }

    void unwritableFileIsReported()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile blocker(dir.filePath(u"blocked"_s));
        QVERIFY(blocker.open(QIODevice::WriteOnly)); // a file where a directory is needed
        blocker.close();
        const Config config = Config::fromString(u"log = \"blocked/canto.log\"\n"_s);
        LogManager manager;
        const QString problem = manager.configure(config, dir.path(), false);
        QVERIFY2(problem.contains(u"blocked/canto.log"_s), qPrintable(problem));
    }
};

QTEST_GUILESS_MAIN(tst_LogManager)
#include "tst_LogManager.moc"
