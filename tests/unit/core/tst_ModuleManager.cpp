#include "EventRecorder.h"
#include "TestServer.h"
#include "server/core/Host.h"
#include "server/core/Module.h"
#include "server/core/ModuleApi.h"
#include "server/core/ModuleManager.h"
#include "testmodules/TestModuleScripts.h"
#include "testmodules/TestModules.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

CANTO_IMPORT_TEST_MODULES()

namespace {
const QString TwoHosts = uR"(
VirtualHost "a.test"
VirtualHost "b.test"
)"_s;
} // namespace

class tst_ModuleManager : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void modulesForHost_data()
    {
        QTest::addColumn<bool>("component");
        QTest::addColumn<QString>("componentModule");
        QTest::addColumn<QStringList>("globalEnabled");
        QTest::addColumn<QStringList>("globalDisabled");
        QTest::addColumn<QStringList>("hostEnabled");
        QTest::addColumn<QStringList>("hostDisabled");
        QTest::addColumn<QStringList>("available");
        QTest::addColumn<QStringList>("expected");

        const QStringList available{u"presence"_s, u"message"_s, u"disco"_s, u"ping"_s, u"version"_s, u"muc"_s};
        QTest::newRow("local-autoloaded-available-then-enabled")
            << false << QString() << QStringList{u"disco"_s, u"ping"_s} << QStringList() << QStringList{u"version"_s}
            << QStringList() << available
            << QStringList{u"presence"_s, u"message"_s, u"iq"_s, u"c2s"_s, u"disco"_s, u"ping"_s, u"version"_s};
        QTest::newRow("no-available-list-keeps-all-autoloaded")
            << false << QString() << QStringList() << QStringList() << QStringList() << QStringList() << QStringList()
            << QStringList{u"presence"_s, u"message"_s, u"iq"_s, u"offline"_s, u"c2s"_s, u"s2s"_s};
        QTest::newRow("global-disabled-removes-autoloaded")
            << false << QString() << QStringList{u"disco"_s} << QStringList{u"message"_s, u"disco"_s} << QStringList()
            << QStringList() << available << QStringList{u"presence"_s, u"iq"_s, u"c2s"_s};
        QTest::newRow("host-disabled-removes-global-enabled")
            << false << QString() << QStringList{u"disco"_s, u"ping"_s} << QStringList() << QStringList()
            << QStringList{u"ping"_s, u"presence"_s} << available
            << QStringList{u"message"_s, u"iq"_s, u"c2s"_s, u"disco"_s};
        QTest::newRow("enabled-but-unavailable-is-kept-to-fail-visibly")
            << false << QString() << QStringList{u"roster"_s} << QStringList() << QStringList() << QStringList()
            << available << QStringList{u"presence"_s, u"message"_s, u"iq"_s, u"c2s"_s, u"roster"_s};
        QTest::newRow("host-enabled-not-duplicated")
            << false << QString() << QStringList{u"disco"_s} << QStringList() << QStringList{u"disco"_s, u"ping"_s}
            << QStringList() << available
            << QStringList{u"presence"_s, u"message"_s, u"iq"_s, u"c2s"_s, u"disco"_s, u"ping"_s};
        QTest::newRow("component-inherits-only-inheritable")
            << true << u"muc"_s << QStringList{u"disco"_s, u"tls"_s, u"smacks"_s} << QStringList() << QStringList()
            << QStringList() << available << QStringList{u"muc"_s, u"iq"_s, u"tls"_s, u"smacks"_s};
        QTest::newRow("component-host-enabled-added")
            << true << u"muc"_s << QStringList{u"ping"_s} << QStringList() << QStringList{u"disco"_s} << QStringList()
            << available << QStringList{u"muc"_s, u"iq"_s, u"disco"_s};
        QTest::newRow("component-global-disabled-inheritable")
            << true << u"muc"_s << QStringList{u"tls"_s} << QStringList{u"tls"_s, u"iq"_s} << QStringList()
            << QStringList() << available << QStringList{u"muc"_s};
        QTest::newRow("component-module-survives-host-disabled")
            << true << u"muc"_s << QStringList() << QStringList() << QStringList() << QStringList{u"muc"_s, u"iq"_s}
            << available << QStringList{u"muc"_s};
    }
    void modulesForHost()
    {
        QFETCH(bool, component);
        QFETCH(QString, componentModule);
        QFETCH(QStringList, globalEnabled);
        QFETCH(QStringList, globalDisabled);
        QFETCH(QStringList, hostEnabled);
        QFETCH(QStringList, hostDisabled);
        QFETCH(QStringList, available);
        QFETCH(QStringList, expected);

        QCOMPARE(ModuleManager::modulesForHost(component, componentModule, globalEnabled, globalDisabled, hostEnabled,
                                               hostDisabled, available),
                 expected);
    }

    void availableModules()
    {
        TestServer server(TwoHosts);
        const QStringList available = server.modules().availableModules();
        for (const QString& name : {u"cron"_s, u"disco"_s, u"ping"_s, u"test_probe"_s, u"test_global"_s}) {
            QVERIFY2(available.contains(name), qPrintable(name));
        }
        QStringList sorted = available;
        sorted.sort();
        QCOMPARE(available, sorted);
        QCOMPARE(server.modules().metadata(u"test_dependent"_s).value(u"depends"_s).toArray().first().toString(),
                 u"test_probe"_s);
    }

    void loadAndUnload()
    {
        QStringList hostEvents;
        TestServer server(TwoHosts);
        QSignalSpy loaded(&server.modules(), &ModuleManager::moduleLoaded);
        QSignalSpy unloaded(&server.modules(), &ModuleManager::moduleUnloaded);
        for (const QString& name : {u"module-loaded"_s, u"module-unloaded"_s}) {
            server.host(u"a.test"_s)->events().addHandler(name, [&hostEvents, name](Event& e) {
                hostEvents << name + u' ' + e.value(u"module"_s).toString() + u'@' + e.value(u"host"_s).toString();
                return QVariant();
            });
        }
        const Result<ModuleApi*> api = server.modules().load(u"a.test"_s, u"test_probe"_s);
        QVERIFY(api.isOk());
        QVERIFY(server.modules().isLoaded(u"a.test"_s, u"test_probe"_s));
        QVERIFY(!server.modules().isLoaded(u"b.test"_s, u"test_probe"_s));
        QVERIFY(server.modules().loadedModules(u"a.test"_s).contains(u"test_probe"_s));
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(loaded.first(), (QVariantList{u"a.test"_s, u"test_probe"_s}));
        // Loading again returns the loaded instance.
        QCOMPARE(server.modules().load(u"a.test"_s, u"test_probe"_s).value(), api.value());
        QCOMPARE(loaded.size(), 1);

        QVERIFY(server.modules().unload(u"a.test"_s, u"test_probe"_s).isOk());
        QVERIFY(!server.modules().isLoaded(u"a.test"_s, u"test_probe"_s));
        QCOMPARE(unloaded.size(), 1);
        QCOMPARE(server.scripts().journal, (QStringList{u"load test_probe@a.test"_s, u"unload test_probe@a.test"_s}));
        QCOMPARE(hostEvents,
                 (QStringList{u"module-loaded test_probe@a.test"_s, u"module-unloaded test_probe@a.test"_s}));
        const Result<void> again = server.modules().unload(u"a.test"_s, u"test_probe"_s);
        QVERIFY(!again.isOk());
        QCOMPARE(again.error().condition, u"item-not-found"_s);
    }

    void globalScope()
    {
        TestServer server(TwoHosts);
        QSignalSpy loaded(&server.modules(), &ModuleManager::moduleLoaded);
        const Result<ModuleApi*> api = server.modules().load(u"a.test"_s, u"test_global"_s);
        QVERIFY(api.isOk());
        QCOMPARE(api.value()->host(), u"*"_s);
        QVERIFY(server.modules().isLoaded(u"*"_s, u"test_global"_s));
        QVERIFY(!server.modules().isLoaded(u"a.test"_s, u"test_global"_s));
        // Requested from another host: the same global instance.
        QCOMPARE(server.modules().load(u"b.test"_s, u"test_global"_s).value(), api.value());
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(server.scripts().journal, QStringList{u"load test_global@*"_s});
    }

    void reloadKeepsState()
    {
        TestServer server(TwoHosts);
        EventRecorder recorder(server);
        server.scripts().saveState.insert(u"test_probe"_s, u"state-1"_s);
        const Result<ModuleApi*> first = server.modules().load(u"a.test"_s, u"test_probe"_s);
        QVERIFY(first.isOk());
        recorder.take();
        const Result<ModuleApi*> second = server.modules().reload(u"a.test"_s, u"test_probe"_s);
        QVERIFY(second.isOk());
        QVERIFY(second.value()->isLoaded());
        QCOMPARE(server.modules().module(u"a.test"_s, u"test_probe"_s), second.value());
        QCOMPARE(server.scripts().journal,
                 (QStringList{u"load test_probe@a.test"_s, u"save test_probe@a.test"_s, u"unload test_probe@a.test"_s,
                              u"load test_probe@a.test"_s, u"restore test_probe@a.test state-1"_s}));
        QCOMPARE(server.scripts().restored.value(u"test_probe"_s), QVariant(u"state-1"_s));
        QCOMPARE(recorder.take({u"module-"_s}),
                 (QStringList{u"a.test: module-unloaded"_s, u"a.test: module-status/updated"_s,
                              u"a.test: module-loaded"_s, u"a.test: module-reloaded"_s}));
        QVERIFY(!server.modules().reload(u"a.test"_s, u"not_loaded"_s).isOk());
    }

    void dependenciesLoadFirst()
    {
        TestServer server(TwoHosts);
        QVERIFY(server.modules().load(u"a.test"_s, u"test_chain"_s).isOk());
        QCOMPARE(server.scripts().journal, (QStringList{u"load test_probe@a.test"_s, u"load test_dependent@a.test"_s,
                                                        u"load test_chain@a.test"_s}));
        for (const QString& name : {u"test_probe"_s, u"test_dependent"_s, u"test_chain"_s}) {
            QVERIFY(server.modules().isLoaded(u"a.test"_s, name));
        }
        QVERIFY(!server.modules().isLoaded(u"b.test"_s, u"test_probe"_s));
    }

    void unloadingDependencyUnloadsDependents()
    {
        TestServer server(TwoHosts);
        QVERIFY(server.modules().load(u"a.test"_s, u"test_chain"_s).isOk());
        QVERIFY(server.modules().load(u"b.test"_s, u"test_dependent"_s).isOk());
        server.scripts().journal.clear();
        QVERIFY(server.modules().unload(u"a.test"_s, u"test_probe"_s).isOk());
        QCOMPARE(server.scripts().journal,
                 (QStringList{u"unload test_chain@a.test"_s, u"unload test_dependent@a.test"_s,
                              u"unload test_probe@a.test"_s}));
        QVERIFY(!server.modules().isLoaded(u"a.test"_s, u"test_dependent"_s));
        // Other hosts are not affected.
        QVERIFY(server.modules().isLoaded(u"b.test"_s, u"test_dependent"_s));
        QVERIFY(server.modules().isLoaded(u"b.test"_s, u"test_probe"_s));
    }

    void unloadingRuntimeDependencyUnloadsDependent()
    {
        TestServer server(TwoHosts);
        server.scripts().onLoad.insert(u"test_probe"_s, [](Module& module) -> Result<void> {
            const Result<Module*> dep = module.module().depends(u"test_probe2"_s);
            return dep ? Result<void>() : Result<void>(dep.error());
        });
        QVERIFY(server.modules().load(u"a.test"_s, u"test_probe"_s).isOk());
        QVERIFY(server.modules().isLoaded(u"a.test"_s, u"test_probe2"_s));
        QVERIFY(server.modules().unload(u"a.test"_s, u"test_probe2"_s).isOk());
        QVERIFY(!server.modules().isLoaded(u"a.test"_s, u"test_probe"_s));
    }

    void failures_data()
    {
        QTest::addColumn<QString>("module");
        QTest::addColumn<QString>("expectedMessage"); // a substring of the status message

        QTest::newRow("load-returns-error") << u"test_failing"_s << u"scripted failure"_s;
        QTest::newRow("load-throws") << u"test_throwing"_s << u"exception: scripted exception"_s;
        QTest::newRow("unknown-module") << u"no_such_module"_s << u"not available"_s;
        QTest::newRow("dependency-fails") << u"test_broken_dep"_s << u"Dependency 'test_failing' failed"_s;
    }
    void failures()
    {
        QFETCH(QString, module);
        QFETCH(QString, expectedMessage);

        TestServer server(TwoHosts);
        QSignalSpy failed(&server.modules(), &ModuleManager::moduleFailed);
        const Result<ModuleApi*> result = server.modules().load(u"a.test"_s, module);
        QVERIFY(!result.isOk());
        QVERIFY(!server.modules().isLoaded(u"a.test"_s, module));
        const QMap<QString, ModuleStatus> failures = server.modules().failedModules(u"a.test"_s);
        QVERIFY2(failures.contains(module), qPrintable(failures.keys().join(u", ")));
        QCOMPARE(failures.value(module).type, ModuleStatus::Type::Error);
        QVERIFY2(failures.value(module).message.contains(expectedMessage), qPrintable(failures.value(module).message));
        QVERIFY(!failed.isEmpty());
        QCOMPARE(failed.last().at(1).toString(), module);
        QVERIFY(server.modules().failedModules(u"b.test"_s).isEmpty());
        // The server keeps going: other modules load and work.
        QVERIFY(server.modules().load(u"a.test"_s, u"test_probe2"_s).isOk());
    }

    void failedLoadIsCleanedUp()
    {
        TestServer server(TwoHosts);
        server.scripts().onLoad.insert(u"test_probe"_s, [](Module& module) -> Result<void> {
            module.module().hook(u"test/event"_s, [](Event&) { return QVariant(true); });
            module.module().addFeature(u"urn:test:half-loaded"_s);
            return Result<void>::failure(u"internal-server-error"_s, u"half way"_s);
        });
        QVERIFY(!server.modules().load(u"a.test"_s, u"test_probe"_s).isOk());
        QCOMPARE(server.host(u"a.test"_s)->events().handlerCount(u"test/event"_s), 0);
        const auto features = server.modules().hostItemsWithSource(u"a.test"_s, u"feature"_s);
        QVERIFY(std::none_of(features.cbegin(), features.cend(),
                             [](const auto& item) { return item.first == u"test_probe"_s; }));
        // A later successful load clears the failure.
        server.scripts().onLoad.remove(u"test_probe"_s);
        QVERIFY(server.modules().failedModules(u"a.test"_s).contains(u"test_probe"_s));
        QVERIFY(server.modules().load(u"a.test"_s, u"test_probe"_s).isOk());
        QVERIFY(!server.modules().failedModules(u"a.test"_s).contains(u"test_probe"_s));
    }

    void builtinModulesAreAccepted_data()
    {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QStringList>("expectedFailed");

        QTest::newRow("builtins-only") << uR"(modules_enabled = { "iq", "c2s", "tls", "saslauth", "test_probe" }
VirtualHost "a.test")"_s << QStringList();
        QTest::newRow("unknown-is-reported") << uR"(modules_enabled = { "tls", "no_such_module", "test_probe" }
VirtualHost "a.test")"_s << QStringList{u"no_such_module"_s};
        QTest::newRow("failing-is-reported") << uR"(VirtualHost "a.test"
    modules_enabled = { "test_throwing", "test_probe" })"_s
                                             << QStringList{u"test_throwing"_s};
        QTest::newRow("disabled-autoloaded-is-not-loaded") << uR"(modules_disabled = { "presence" }
modules_enabled = { "test_probe" }
VirtualHost "a.test")"_s << QStringList();
    }
    void builtinModulesAreAccepted()
    {
        QFETCH(QString, config);
        QFETCH(QStringList, expectedFailed);

        TestServer server(config);
        QCOMPARE(server.configProblems(), QString());
        QCOMPARE(server.modules().failedModules(u"a.test"_s).keys(), expectedFailed);
        QVERIFY(server.modules().isLoaded(u"a.test"_s, u"test_probe"_s));
        QVERIFY(server.modules().isLoaded(u"a.test"_s, u"message"_s));
        QCOMPARE(server.modules().isLoaded(u"a.test"_s, u"presence"_s), !config.contains(u"modules_disabled"_s));
        for (const QString& builtin : ModuleManager::builtinModules()) {
            QVERIFY(!server.modules().isLoaded(u"a.test"_s, builtin));
        }
    }

    void componentGetsItsModule()
    {
        TestServer server(uR"(modules_enabled = { "test_probe2", "tls" }
VirtualHost "a.test"
Component "comp.a.test" "test_probe"
)"_s);
        QCOMPARE(server.modules().loadedModules(u"comp.a.test"_s), QStringList{u"test_probe"_s});
        QVERIFY(server.modules().isLoaded(u"a.test"_s, u"test_probe2"_s));
        QVERIFY(server.modules().failedModules(u"comp.a.test"_s).isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_ModuleManager)
#include "tst_ModuleManager.moc"
