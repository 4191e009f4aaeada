#pragma once

#include "server/storage/StorageManager.h"
#include "shared/Result.h"

#include <QFuture>
#include <QMetaMethod>
#include <QSqlDatabase>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

namespace Canto {

/// Runs the storage tests against every driver: "memory", "sqlite" (a real file in a temporary
/// directory) and "postgresql" (a fresh database per test in the cluster of the CTest fixture
/// "pgsql", found through CANTO_TEST_PGSQL_INFO). Each test gets its own manager and a unique host.
/// When PostgreSQL is unreachable setUp() fails: the PostgreSQL rows fail, they are never skipped.
class StorageTestFixture
{
public:
    StorageTestFixture() = default;
    ~StorageTestFixture();

    /// For initTestCase_data(): a "driver" column with one row per driver.
    static void addDriverRows(bool includeMemory = true);

    Result<void> setUp(const QString& driver, const std::function<void(StorageSettings&)>& adjust = {});
    void tearDown();

    StorageManager& manager() { return *m_manager; }
    const StorageSettings& settings() const { return m_settings; }
    const QString& driver() const { return m_driver; }
    bool isSql() const { return m_driver != QLatin1String("memory"); }
    /// A host name no other test uses.
    const QString& host() const { return m_host; }
    /// A second connection to the test database, for raw rows (SQL drivers only).
    QSqlDatabase rawDatabase();

private:
    QString m_driver;
    QString m_host;
    StorageSettings m_settings;
    std::unique_ptr<QTemporaryDir> m_directory;
    std::unique_ptr<StorageManager> m_manager;
    QString m_pgDatabase;
    QString m_rawConnection;
};

/// Waits (processing events) until the future finishes; an Error "timeout" if it does not.
template <typename T> Result<T> awaitResult(QFuture<Result<T>> future)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 30000))
        return Error{QStringLiteral("timeout"), QStringLiteral("storage call did not finish")};
    return future.result();
}

/// Runs a storage test class twice: once over every driver with all test functions except
/// `sqlOnly`, then over the SQL drivers only with just `sqlOnly` (tests on raw database rows,
/// which the memory driver does not have). T(bool sqlOnly) selects the driver rows.
template <typename T> int runSplitByDriver(int argc, char* argv[], const QStringList& sqlOnly)
{
    Q_UNUSED(argc);
    const QString program = QString::fromLocal8Bit(argv[0]);
    QStringList common{program};
    const QMetaObject& meta = T::staticMetaObject;
    for (int i = meta.methodOffset(); i < meta.methodCount(); ++i) {
        const QMetaMethod method = meta.method(i);
        const QString name = QString::fromLatin1(method.name());
        if (method.methodType() != QMetaMethod::Slot || method.access() != QMetaMethod::Private ||
            method.parameterCount() != 0 || name.endsWith(QLatin1String("_data")) || sqlOnly.contains(name) ||
            name == QLatin1String("init") || name == QLatin1String("cleanup") ||
            name.startsWith(QLatin1String("initTestCase")) || name.startsWith(QLatin1String("cleanupTestCase")))
            continue;
        common << name;
    }
    int status = 0;
    {
        T everyDriver(false);
        status |= QTest::qExec(&everyDriver, common);
    }
    {
        T sqlDrivers(true);
        status |= QTest::qExec(&sqlDrivers, QStringList{program} + sqlOnly);
    }
    return status;
}

} // namespace Canto

/// Awaits a storage call and fails the test unless it succeeded.
#define AWAIT_OK(var, expression)                                                                                      \
    auto var = Canto::awaitResult(expression);                                                                         \
    QVERIFY2(var.isOk(), qPrintable(var.isOk() ? QString() : var.error().toString()))

/// Awaits a storage call and checks that it failed with the given condition.
#define AWAIT_ERROR(expression, expectedCondition)                                                                     \
    do {                                                                                                               \
        auto awaited_ = Canto::awaitResult(expression);                                                                \
        QVERIFY2(!awaited_.isOk(), "the call succeeded but should have failed");                                       \
        QCOMPARE(awaited_.error().condition, QString(expectedCondition));                                              \
    } while (false)
