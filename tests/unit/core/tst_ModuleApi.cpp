#include "EventRecorder.h"
#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"
#include "modules/cron/CronModule.h"
#include "server/core/Host.h"
#include "server/core/ModuleApi.h"
#include "server/core/ModuleManager.h"
#include "server/storage/StorageManager.h"
#include "testmodules/TestModuleScripts.h"
#include "testmodules/TestModules.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;
using namespace Canto;

CANTO_IMPORT_TEST_MODULES()

namespace {

const QString BaseConfig = uR"(
modules_enabled = { "disco" }
test_string = "global string"
test_set = { "g1", "g2" }
cron_initial_delay = 3600
VirtualHost "a.test"
    test_string = "a string"
    test_number = 42.5
    test_integer = 7
    test_float_integer = 7.5
    test_period = "2 days"
    test_bool = "true"
    test_bad_bool = "maybe"
    test_list = { "x", "y" }
    test_scalar_list = "only"
    test_enum = "gamma"
    test_set = { "h1" }
VirtualHost "b.test"
    modules_disabled = { "test_probe2" }
    test_string = "b string"
Component "comp.a.test" "test_probe2"
)"_s;

// Waits for a future without blocking the event loop (timers and queued storage replies run).
template <typename T> bool waitFor(const QFuture<T>& future, int timeoutMs = 5000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!future.isFinished() && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    }
    return future.isFinished();
}

QString iqTo(const QString& to, const QString& id)
{
    return u"<iq type='get' id='%1' to='%2' from='a.test'><ping xmlns='urn:xmpp:ping'/></iq>"_s.arg(id, to);
}

} // namespace

class tst_ModuleApi : public QObject
{
    Q_OBJECT

private:
    ModuleApi* load(TestServer& server, const QString& host, const QString& name)
    {
        const Result<ModuleApi*> loaded = server.modules().load(host, name);
        if (!loaded) {
            qWarning().noquote() << "load failed:" << loaded.error().toString();
            return nullptr;
        }
        return loaded.value();
    }

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<Canto::CronTask>(); }

    // ---- identity -------------------------------------------------------------------------
    void identity_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("module");
        QTest::addColumn<QString>("expectedHost");
        QTest::addColumn<QString>("expectedType");
        QTest::addColumn<bool>("global");

        QTest::newRow("virtual-host") << u"a.test"_s << u"test_probe"_s << u"a.test"_s << u"local"_s << false;
        QTest::newRow("component") << u"comp.a.test"_s << u"test_probe2"_s << u"comp.a.test"_s << u"component"_s
                                   << false;
        QTest::newRow("global-scope-goes-to-star") << u"a.test"_s << u"test_global"_s << u"*"_s << u"global"_s << true;
    }
    void identity()
    {
        QFETCH(QString, host);
        QFETCH(QString, module);
        QFETCH(QString, expectedHost);
        QFETCH(QString, expectedType);
        QFETCH(bool, global);

        TestServer server(BaseConfig);
        ModuleApi* api = load(server, host, module);
        QVERIFY(api);
        QCOMPARE(api->name(), module);
        QCOMPARE(api->host(), expectedHost);
        QCOMPARE(api->hostType(), expectedType);
        QCOMPARE(api->isGlobal(), global);
        QCOMPARE(api->hostObject() == nullptr, global);
        QCOMPARE(api->directory(), u":/modules/"_s + module);
        QCOMPARE(api->metadata().value(u"id"_s).toString(), module);
        QVERIFY(api->isLoaded());
    }

    void loadResource_data()
    {
        QTest::addColumn<QString>("path"); // "@file" = a temporary file's absolute path
        QTest::addColumn<QByteArray>("expected");
        QTest::addColumn<QString>("errorCondition");

        QTest::newRow("relative-to-module-directory")
            << u"hello.txt"_s << QByteArray("hello from a module resource") << QString();
        QTest::newRow("qt-resource-path")
            << u":/modules/test_probe/hello.txt"_s << QByteArray("hello from a module resource") << QString();
        QTest::newRow("absolute-file") << u"@file"_s << QByteArray("file content") << QString();
        QTest::newRow("missing") << u"nope.txt"_s << QByteArray() << u"item-not-found"_s;
    }
    void loadResource()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, expected);
        QFETCH(QString, errorCondition);

        QTemporaryFile file;
        if (path == u"@file"_s) {
            QVERIFY(file.open());
            file.write("file content");
            file.flush();
            path = file.fileName();
        }
        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(api);
        const Result<QByteArray> data = api->loadResource(path);
        if (errorCondition.isEmpty()) {
            QVERIFY2(data.isOk(), qPrintable(data.isOk() ? QString() : data.error().toString()));
            QCOMPARE(data.value(), expected);
        } else {
            QVERIFY(!data.isOk());
            QCOMPARE(data.error().condition, errorCondition);
        }
    }

    // ---- status ---------------------------------------------------------------------------
    void status_data()
    {
        QTest::addColumn<QString>("current");
        QTest::addColumn<QString>("next");
        QTest::addColumn<int>("override"); // -1 = not given, 0 = false, 1 = true
        QTest::addColumn<bool>("applied");

        // Prosody's rule: ignored when (current is error, next is lower, override is not true)
        // or (override is false and next is lower than current).
        QTest::newRow("core-to-info") << u"core"_s << u"info"_s << -1 << true;
        QTest::newRow("info-to-warn") << u"info"_s << u"warn"_s << -1 << true;
        QTest::newRow("warn-to-info-default") << u"warn"_s << u"info"_s << -1 << true;
        QTest::newRow("warn-to-info-override-false") << u"warn"_s << u"info"_s << 0 << false;
        QTest::newRow("warn-to-core-override-false") << u"warn"_s << u"core"_s << 0 << false;
        QTest::newRow("warn-to-warn-override-false") << u"warn"_s << u"warn"_s << 0 << true;
        QTest::newRow("info-to-error-override-false") << u"info"_s << u"error"_s << 0 << true;
        QTest::newRow("error-to-warn-default") << u"error"_s << u"warn"_s << -1 << false;
        QTest::newRow("error-to-core-default") << u"error"_s << u"core"_s << -1 << false;
        QTest::newRow("error-to-info-override-true") << u"error"_s << u"info"_s << 1 << true;
        QTest::newRow("error-to-warn-override-false") << u"error"_s << u"warn"_s << 0 << false;
        QTest::newRow("error-to-error-default") << u"error"_s << u"error"_s << -1 << true;
    }
    void status()
    {
        QFETCH(QString, current);
        QFETCH(QString, next);
        QFETCH(int, override);
        QFETCH(bool, applied);

        QStringList updates;
        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(api);
        QCOMPARE(api->status().type, ModuleStatus::Type::Core);
        QCOMPARE(api->status().message, u"Loaded"_s);

        server.host(u"a.test"_s)->events().addHandler(u"module-status/updated"_s, [&updates](Event& e) {
            updates << e.value(u"name"_s).toString();
            return QVariant();
        });
        api->setStatus(*ModuleStatus::parseType(current), u"current"_s, true);
        QCOMPARE(api->status().type, *ModuleStatus::parseType(current));
        QCOMPARE(updates, QStringList{u"test_probe"_s});
        const QDateTime before = api->status().time;

        const std::optional<bool> flag = override < 0 ? std::nullopt : std::optional<bool>(override == 1);
        api->setStatus(*ModuleStatus::parseType(next), u"next"_s, flag);
        QCOMPARE(ModuleStatus::typeName(api->status().type), applied ? next : current);
        QCOMPARE(api->status().message, applied ? u"next"_s : u"current"_s);
        QCOMPARE(updates.size(), applied ? 2 : 1);
        QVERIFY(api->status().time >= before);
    }

    void logStatus_data()
    {
        QTest::addColumn<int>("level");
        QTest::addColumn<QString>("expectedType");

        QTest::newRow("debug-is-info") << int(ModuleApi::LogLevel::Debug) << u"info"_s;
        QTest::newRow("info") << int(ModuleApi::LogLevel::Info) << u"info"_s;
        QTest::newRow("warn") << int(ModuleApi::LogLevel::Warn) << u"warn"_s;
        QTest::newRow("error") << int(ModuleApi::LogLevel::Error) << u"error"_s;
    }
    void logStatus()
    {
        QFETCH(int, level);
        QFETCH(QString, expectedType);

        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(api);
        if (level == int(ModuleApi::LogLevel::Warn)) {
            QTest::ignoreMessage(QtWarningMsg, "[a.test:test_probe] something happened");
        } else if (level == int(ModuleApi::LogLevel::Error)) {
            QTest::ignoreMessage(QtCriticalMsg, "[a.test:test_probe] something happened");
        }
        api->logStatus(ModuleApi::LogLevel(level), u"something happened"_s);
        QCOMPARE(ModuleStatus::typeName(api->status().type), expectedType);
        QCOMPARE(api->status().message, u"something happened"_s);
    }

    // ---- options --------------------------------------------------------------------------
    void options_data()
    {
        QTest::addColumn<QString>("getter");
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("option");
        QTest::addColumn<QVariant>("expected"); // invalid = nullopt

        QTest::newRow("string-host") << u"string"_s << u"a.test"_s << u"test_string"_s << QVariant(u"a string"_s);
        QTest::newRow("string-inherits-global")
            << u"string"_s << u"comp.a.test"_s << u"test_string"_s << QVariant(u"global string"_s);
        QTest::newRow("string-unset-fallback")
            << u"string-fallback"_s << u"a.test"_s << u"test_unset"_s << QVariant(u"fallback"_s);
        QTest::newRow("string-unset-nil") << u"string"_s << u"a.test"_s << u"test_unset"_s << QVariant();
        QTest::newRow("number") << u"number"_s << u"a.test"_s << u"test_number"_s << QVariant(42.5);
        QTest::newRow("number-clamped-to-max")
            << u"number-max-10"_s << u"a.test"_s << u"test_number"_s << QVariant(10.0);
        QTest::newRow("integer") << u"integer"_s << u"a.test"_s << u"test_integer"_s << QVariant(qint64(7));
        QTest::newRow("integer-from-float-floors")
            << u"integer"_s << u"a.test"_s << u"test_float_integer"_s << QVariant(qint64(7));
        QTest::newRow("period-string") << u"period"_s << u"a.test"_s << u"test_period"_s << QVariant(172800.0);
        QTest::newRow("period-fallback") << u"period-fallback"_s << u"a.test"_s << u"test_unset"_s << QVariant(300.0);
        QTest::newRow("boolean-from-string") << u"boolean"_s << u"a.test"_s << u"test_bool"_s << QVariant(true);
        QTest::newRow("boolean-bad-is-nil") << u"boolean"_s << u"a.test"_s << u"test_bad_bool"_s << QVariant();
        QTest::newRow("array") << u"array"_s << u"a.test"_s << u"test_list"_s << QVariant(QStringList{u"x"_s, u"y"_s});
        QTest::newRow("array-from-scalar")
            << u"array"_s << u"a.test"_s << u"test_scalar_list"_s << QVariant(QStringList{u"only"_s});
        QTest::newRow("set-host-only") << u"set"_s << u"a.test"_s << u"test_set"_s << QVariant(QStringList{u"h1"_s});
        QTest::newRow("inherited-set-is-union")
            << u"inherited-set"_s << u"a.test"_s << u"test_set"_s << QVariant(QStringList{u"g1"_s, u"g2"_s, u"h1"_s});
        QTest::newRow("enum-allowed-value") << u"enum"_s << u"a.test"_s << u"test_enum"_s << QVariant(u"gamma"_s);
        QTest::newRow("enum-default") << u"enum"_s << u"b.test"_s << u"test_enum"_s << QVariant(u"alpha"_s);
    }
    void options()
    {
        QFETCH(QString, getter);
        QFETCH(QString, host);
        QFETCH(QString, option);
        QFETCH(QVariant, expected);

        TestServer server(BaseConfig);
        ModuleApi* api = load(server, host, host == u"comp.a.test"_s ? u"test_probe2"_s : u"test_probe"_s);
        QVERIFY(api);
        QVariant actual;
        const auto set = [&actual](const auto& value) {
            if (value) {
                actual = QVariant::fromValue(*value);
            }
        };
        const auto sorted = [](const std::optional<QSet<QString>>& s) -> std::optional<QStringList> {
            if (!s) {
                return std::nullopt;
            }
            QStringList list(s->cbegin(), s->cend());
            list.sort();
            return list;
        };
        if (getter == u"string"_s) {
            set(api->optionString(option));
        } else if (getter == u"string-fallback"_s) {
            set(api->optionString(option, u"fallback"_s));
        } else if (getter == u"number"_s) {
            set(api->optionNumber(option));
        } else if (getter == u"number-max-10"_s) {
            set(api->optionNumber(option, std::nullopt, 0, 10));
        } else if (getter == u"integer"_s) {
            set(api->optionInteger(option));
        } else if (getter == u"period"_s) {
            set(api->optionPeriod(option));
        } else if (getter == u"period-fallback"_s) {
            set(api->optionPeriod(option, u"5 minutes"_s));
        } else if (getter == u"boolean"_s) {
            set(api->optionBoolean(option));
        } else if (getter == u"array"_s) {
            set(api->optionArray(option));
        } else if (getter == u"set"_s) {
            set(sorted(api->optionSet(option)));
        } else if (getter == u"inherited-set"_s) {
            set(sorted(api->optionInheritedSet(option)));
        } else if (getter == u"enum"_s) {
            set(api->optionEnum(option, u"alpha"_s, {u"beta"_s, u"gamma"_s}));
        } else {
            QFAIL("unknown getter");
        }
        QCOMPARE(actual, expected);
    }

    // ---- events ---------------------------------------------------------------------------
    void hookVariants()
    {
        QStringList calls;
        EventBus objectBus;
        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(api);
        EventBus& aBus = server.host(u"a.test"_s)->events();
        EventBus& bBus = server.host(u"b.test"_s)->events();
        const auto recorder = [&calls](const QString& label) {
            return [&calls, label](Event&) -> QVariant {
                calls << label;
                return {};
            };
        };
        api->hook(u"test/event"_s, recorder(u"host"_s));
        api->hookGlobal(u"test/event"_s, recorder(u"global"_s));
        api->hookObjectEvent(objectBus, u"test/event"_s, recorder(u"object"_s));
        api->hook(u"test/priority"_s, recorder(u"low"_s), -5);
        api->hook(u"test/priority"_s, recorder(u"high"_s), 5);

        aBus.fire(u"test/event"_s);
        QCOMPARE(calls, QStringList{u"host"_s});
        bBus.fire(u"test/event"_s);
        QCOMPARE(calls, QStringList{u"host"_s});
        server.globalEvents().fire(u"test/event"_s);
        QCOMPARE(calls, (QStringList{u"host"_s, u"global"_s}));
        objectBus.fire(u"test/event"_s);
        QCOMPARE(calls, (QStringList{u"host"_s, u"global"_s, u"object"_s}));
        calls.clear();
        aBus.fire(u"test/priority"_s);
        QCOMPARE(calls, (QStringList{u"high"_s, u"low"_s}));
    }

    void hookTag()
    {
        QStringList seen;
        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(api);
        api->hookTag(u"urn:test:nonza"_s, u"hello"_s, [&seen](Session& origin, XmlElement& element, Event&) {
            seen << origin.logId().left(9) + u' ' + element.name() + u' ' + element.attribute(u"n");
            return QVariant(true);
        });
        auto client = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(client);
        client->send(u"<hello xmlns='urn:test:nonza' n='1'/>"_s);
        QCOMPARE(seen, QStringList{u"c2s_test_ hello 1"_s});
        QVERIFY(!client->isClosed());
        // Another name in the namespace is not hooked: unsupported element closes the stream.
        client->send(u"<other xmlns='urn:test:nonza'/>"_s);
        QCOMPARE(seen.size(), 1);
        QVERIFY(client->isClosed());
        QCOMPARE(client->closeCondition(), u"unsupported-stanza-type"_s);
    }

    void unhook()
    {
        int calls = 0;
        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(api);
        const auto id = api->hook(u"test/event"_s, [&calls](Event&) {
            ++calls;
            return QVariant();
        });
        api->fireEvent(u"test/event"_s);
        QCOMPARE(calls, 1);
        QVERIFY(!api->unhook(u"test/other"_s, id));
        QVERIFY(api->unhook(u"test/event"_s, id));
        QVERIFY(!api->unhook(u"test/event"_s, id));
        api->fireEvent(u"test/event"_s);
        QCOMPARE(calls, 1);
        QCOMPARE(server.host(u"a.test"_s)->events().handlerCount(u"test/event"_s), 0);
    }

    void wrappersAndFire()
    {
        QStringList calls;
        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(api);
        api->hook(u"test/wrapped"_s, [&calls](Event& e) {
            calls << u"handler "_s + e.value(u"tag"_s).toString();
            return QVariant(u"handled"_s);
        });
        api->wrapEvent(u"test/wrapped"_s, [&calls](const EventBus::Next& next, const QString& name, Event& e) {
            calls << u"event-wrapper in"_s;
            e.set(u"tag"_s, u"changed"_s);
            QVariant result = next(name, e);
            calls << u"event-wrapper out"_s;
            return QVariant(result.toString() + u"+wrapped"_s);
        });
        api->wrapGlobal(QString(), [&calls](const EventBus::Next& next, const QString& name, Event& e) {
            calls << u"global-wrapper "_s + name;
            return next(name, e);
        });

        Event event;
        event.set(u"tag"_s, u"original"_s);
        QCOMPARE(api->fireEvent(u"test/wrapped"_s, event).toString(), u"handled+wrapped"_s);
        QCOMPARE(calls, (QStringList{u"event-wrapper in"_s, u"handler changed"_s, u"event-wrapper out"_s}));
        calls.clear();
        server.globalEvents().fire(u"test/anything"_s);
        QCOMPARE(calls, QStringList{u"global-wrapper test/anything"_s});
        // fireEvent on a host module fires on that host only.
        QVERIFY(!server.host(u"b.test"_s)->events().fire(u"test/wrapped"_s).isValid());
    }

    void everythingRemovedOnUnload()
    {
        QStringList removed;
        int handlerCalls = 0;
        int wrapperCalls = 0;
        int timerCalls = 0;
        EventBus objectBus;
        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(api);
        EventBus& aBus = server.host(u"a.test"_s)->events();
        const auto handler = [&handlerCalls](Event&) {
            ++handlerCalls;
            return QVariant();
        };
        const auto wrapper = [&wrapperCalls](const EventBus::Next& next, const QString& name, Event& e) {
            ++wrapperCalls;
            return next(name, e);
        };
        api->hook(u"test/h"_s, handler);
        api->hookGlobal(u"test/h"_s, handler);
        api->hookObjectEvent(objectBus, u"test/h"_s, handler);
        api->hookTag(u"urn:test"_s, u"x"_s, [](Session&, XmlElement&, Event&) { return QVariant(true); });
        api->wrapEvent(u"test/h"_s, wrapper);
        api->wrapGlobal(u"test/h"_s, wrapper);
        api->wrapObjectEvent(objectBus, u"test/h"_s, wrapper);
        api->addItem(u"thing"_s, u"one"_s);
        api->addFeature(u"urn:test:feature"_s);
        api->addTimer(0.02, [&timerCalls]() -> std::optional<double> {
            ++timerCalls;
            return std::nullopt;
        });
        auto client = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(client);
        QFuture<Result<XmlElement>> iq = api->sendIq(TestXml::parse(iqTo(client->fullJid(), u"pending"_s)));
        QCOMPARE(api->pendingIqCount(), 1);
        QVERIFY(!iq.isFinished());
        std::weak_ptr<QStringList> shared = api->shared<QStringList>(u"data"_s);
        QVERIFY(!shared.expired());

        aBus.fire(u"test/h"_s);
        server.globalEvents().fire(u"test/h"_s);
        objectBus.fire(u"test/h"_s);
        QCOMPARE(handlerCalls, 3);
        QCOMPARE(wrapperCalls, 3);

        aBus.addHandler(u"item-removed/thing"_s, [&removed](Event& e) {
            removed << e.value(u"source"_s).toString() + u' ' + e.value(u"item"_s).toString();
            return QVariant();
        });
        aBus.addHandler(u"item-removed/feature"_s, [&removed](Event& e) {
            removed << e.value(u"source"_s).toString() + u' ' + e.value(u"item"_s).toString();
            return QVariant();
        });
        QVERIFY(server.modules().unload(u"a.test"_s, u"test_probe"_s).isOk());

        handlerCalls = wrapperCalls = 0;
        aBus.fire(u"test/h"_s);
        server.globalEvents().fire(u"test/h"_s);
        objectBus.fire(u"test/h"_s);
        QCOMPARE(handlerCalls, 0);
        QCOMPARE(wrapperCalls, 0);
        for (EventBus* bus : {&aBus, &server.globalEvents(), &objectBus}) {
            QCOMPARE(bus->handlerCount(u"test/h"_s), 0);
        }
        QCOMPARE(aBus.handlerCount(u"stanza/urn:test:x"_s), 0);
        QCOMPARE(removed, (QStringList{u"test_probe urn:test:feature"_s, u"test_probe one"_s}));
        QVERIFY(iq.isFinished());
        QCOMPARE(iq.result().error().condition, u"cancelled"_s);
        QVERIFY(shared.expired());
        // The timer died with the module: wait past its deadline.
        bool later = false;
        QTimer::singleShot(100, [&later] { later = true; });
        QTRY_VERIFY(later);
        QCOMPARE(timerCalls, 0);
    }

    // ---- sending --------------------------------------------------------------------------
    void send()
    {
        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(api);
        auto client = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(client);
        client->sendAvailable();
        client->takeReceived();
        api->send(TestXml::parse(u"<message from='a.test' to='alice@a.test/test' type='headline'><body>hi</body>"
                                 u"</message>"_s));
        QCOMPARE(TestXml::canonical(client->takeReceived()),
                 TestXml::canonical(u"<message from='a.test' to='alice@a.test/test' type='headline'>"
                                    u"<body>hi</body></message>"_s));
        // broadcast clones the stanza for each JID.
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(bob);
        bob->sendAvailable();
        bob->takeReceived();
        api->broadcast({client->fullJid(), bob->fullJid()},
                       TestXml::parse(u"<message from='a.test' type='headline'/>"_s));
        QCOMPARE(TestXml::canonical(client->takeReceived()),
                 TestXml::canonical(u"<message from='a.test' to='alice@a.test/test' type='headline'/>"_s));
        QCOMPARE(TestXml::canonical(bob->takeReceived()),
                 TestXml::canonical(u"<message from='a.test' to='bob@a.test/test' type='headline'/>"_s));
    }

    void sendIq_data()
    {
        QTest::addColumn<QString>("reply"); // %1 = the id; empty: no reply
        QTest::addColumn<QString>("expectedCondition");
        QTest::addColumn<QString>("expectedText");

        QTest::newRow("result-resolves") << u"<iq type='result' id='%1' to='a.test'><pong xmlns='urn:test'/></iq>"_s
                                         << QString() << QString();
        QTest::newRow("error-rejects-with-condition")
            << u"<iq type='error' id='%1' to='a.test'><error type='cancel'><item-not-found "
               u"xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>"
               u"gone</text></error></iq>"_s
            << u"item-not-found"_s << u"gone"_s;
        QTest::newRow("timeout") << QString() << u"remote-server-timeout"_s << QString();
        QTest::newRow("other-id-is-ignored")
            << u"<iq type='result' id='%1-other' to='a.test'/>"_s << u"remote-server-timeout"_s << QString();
    }
    void sendIq()
    {
        QFETCH(QString, reply);
        QFETCH(QString, expectedCondition);
        QFETCH(QString, expectedText);

        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(api);
        auto client = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(client);
        QFuture<Result<XmlElement>> future =
            api->sendIq(TestXml::parse(iqTo(client->fullJid(), u"q1"_s)), nullptr, 0.05);
        QCOMPARE(TestXml::canonical(client->takeReceived()), TestXml::canonical(iqTo(client->fullJid(), u"q1"_s)));
        QCOMPARE(api->pendingIqCount(), 1);
        if (!reply.isEmpty()) {
            client->send(reply.arg(u"q1"_s));
        }
        QTRY_VERIFY(future.isFinished());
        QCOMPARE(api->pendingIqCount(), 0);
        const Result<XmlElement> result = future.result();
        if (expectedCondition.isEmpty()) {
            QVERIFY2(result.isOk(), qPrintable(result.isOk() ? QString() : result.error().toString()));
            QCOMPARE(result.value().attribute(u"type"), u"result"_s);
            QCOMPARE(result.value().attribute(u"from"), client->fullJid());
            QCOMPARE(result.value().firstChild()->name(), u"pong"_s);
        } else {
            QVERIFY(!result.isOk());
            QCOMPARE(result.error().condition, expectedCondition);
            if (!expectedText.isEmpty()) {
                QCOMPARE(result.error().text, expectedText);
            }
        }
        QCOMPARE(server.host(u"a.test"_s)->events().handlerCount(u"iq-result/host/q1"_s), 0);
    }

    void sendIqLimitAndConflict()
    {
        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(api);
        auto client = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(client);
        QList<QFuture<Result<XmlElement>>> futures;
        for (int i = 0; i < 256; ++i) {
            futures << api->sendIq(TestXml::parse(iqTo(client->fullJid(), u"id%1"_s.arg(i))));
        }
        QCOMPARE(api->pendingIqCount(), 256);
        QVERIFY(!futures.first().isFinished());

        QFuture<Result<XmlElement>> duplicate = api->sendIq(TestXml::parse(iqTo(client->fullJid(), u"id5"_s)));
        QVERIFY(duplicate.isFinished());
        QCOMPARE(duplicate.result().error().condition, u"conflict"_s);
        QCOMPARE(api->pendingIqCount(), 256);

        futures << api->sendIq(TestXml::parse(iqTo(client->fullJid(), u"id256"_s)));
        QCOMPARE(api->pendingIqCount(), 256);
        QVERIFY(futures.first().isFinished());
        QCOMPARE(futures.first().result().error().condition, u"resource-constraint"_s);
        QVERIFY(!futures.at(1).isFinished());
        QVERIFY(!futures.last().isFinished());
        // The newest one still resolves.
        client->send(u"<iq type='result' id='id256' to='a.test'/>"_s);
        QVERIFY(futures.last().isFinished());
        QVERIFY(futures.last().result().isOk());
        QCOMPARE(api->pendingIqCount(), 255);
    }

    // ---- timers ---------------------------------------------------------------------------
    void timerFiresOnce()
    {
        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(api);
        int calls = 0;
        ModuleTimer* timer = api->addTimer(0.01, [&calls]() -> std::optional<double> {
            ++calls;
            return std::nullopt;
        });
        QVERIFY(timer->isActive());
        QTRY_COMPARE(calls, 1);
        QVERIFY(!timer->isActive());
    }

    void timerReschedulesByReturnValue()
    {
        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(api);
        int calls = 0;
        ModuleTimer* timer = api->addTimer(0.01, [&calls]() -> std::optional<double> {
            ++calls;
            return calls < 3 ? std::optional<double>(0.01) : std::nullopt;
        });
        QTRY_COMPARE(calls, 3);
        QVERIFY(!timer->isActive());
    }

    void timerStopAndReschedule()
    {
        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(api);
        int stoppedCalls = 0;
        int rescheduledCalls = 0;
        ModuleTimer* stopped = api->addTimer(0.01, [&stoppedCalls]() -> std::optional<double> {
            ++stoppedCalls;
            return std::nullopt;
        });
        stopped->stop();
        QVERIFY(!stopped->isActive());
        ModuleTimer* rescheduled = api->addTimer(3600, [&rescheduledCalls]() -> std::optional<double> {
            ++rescheduledCalls;
            return std::nullopt;
        });
        rescheduled->reschedule(0.05);
        QTRY_COMPARE(rescheduledCalls, 1);
        QCOMPARE(stoppedCalls, 0);
    }

    // ---- cron -----------------------------------------------------------------------------
    void cronPeriods_data()
    {
        QTest::addColumn<QString>("when");
        QTest::addColumn<qint64>("lastRunAgo"); // seconds; -1 = never ran
        QTest::addColumn<bool>("runs");

        QTest::newRow("daily-never-ran") << u"daily"_s << qint64(-1) << true;
        QTest::newRow("daily-ran-2h-ago") << u"daily"_s << qint64(2 * 3600) << false;
        QTest::newRow("daily-ran-25h-ago") << u"daily"_s << qint64(25 * 3600) << true;
        QTest::newRow("hourly-ran-30min-ago") << u"hourly"_s << qint64(1800) << false;
        QTest::newRow("hourly-ran-2h-ago") << u"hourly"_s << qint64(7200) << true;
        QTest::newRow("weekly-ran-3d-ago") << u"weekly"_s << qint64(3 * 86400) << false;
        QTest::newRow("weekly-ran-8d-ago") << u"weekly"_s << qint64(8 * 86400) << true;
    }
    void cronPeriods()
    {
        QFETCH(QString, when);
        QFETCH(qint64, lastRunAgo);
        QFETCH(bool, runs);

        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(api);
        if (lastRunAgo >= 0) {
            auto store = server.storage().openMap(u"a.test"_s, u"cron"_s);
            QVERIFY(store.isOk());
            auto saved = store.value()->set(QString(), u"test_probe/job"_s,
                                            double(QDateTime::currentSecsSinceEpoch() - lastRunAgo));
            QVERIFY(waitFor(saved));
            QVERIFY(saved.result().isOk());
        }
        int runsSeen = 0;
        api->cron(CronTask{{}, u"Job"_s, when, [&runsSeen](const CronTask& task, qint64) {
                               QCOMPARE(task.id, u"test_probe/job"_s);
                               ++runsSeen;
                           }});
        QVERIFY(server.modules().isLoaded(u"a.test"_s, u"cron"_s));
        auto* cron = qobject_cast<Modules::CronModule*>(server.module(u"a.test"_s, u"cron"_s)->moduleInstance());
        QVERIFY(cron);
        QSignalSpy checked(cron, &Modules::CronModule::checked);
        api->fireEvent(u"cron/check"_s);
        QTRY_COMPARE(checked.size(), 1); // the memory store may answer synchronously
        QCOMPARE(checked.first().first().toInt(), runs ? 1 : 0);
        QCOMPARE(runsSeen, runs ? 1 : 0);
    }

    void cronRunsOncePerPeriodAcrossRestarts()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString database = dir.filePath(u"cron.sqlite"_s);
        int runs = 0;
        const auto startServer = [&](int expectedRan) {
            TestServer server(BaseConfig, TestServer::Options{database, true});
            ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
            QVERIFY(api);
            api->daily(u"cleanup"_s, [&runs](const CronTask&, qint64) { ++runs; });
            auto* cron = qobject_cast<Modules::CronModule*>(server.module(u"a.test"_s, u"cron"_s)->moduleInstance());
            QVERIFY(cron);
            QSignalSpy checked(cron, &Modules::CronModule::checked);
            server.host(u"a.test"_s)->events().fire(u"cron/check"_s);
            QTRY_COMPARE(checked.size(), 1);
            QCOMPARE(checked.first().first().toInt(), expectedRan);
            // A second round in the same period does not run it again either.
            server.host(u"a.test"_s)->events().fire(u"cron/check"_s);
            QTRY_COMPARE(checked.size(), 2);
            QCOMPARE(checked.at(1).first().toInt(), 0);
        };
        startServer(1);
        QCOMPARE(runs, 1);
        startServer(0); // "restart" within the period
        QCOMPARE(runs, 1);

        {
            // The stored last run is older than the period: due again.
            TestServer server(BaseConfig, TestServer::Options{database, false});
            auto store = server.storage().openMap(u"a.test"_s, u"cron"_s);
            QVERIFY(store.isOk());
            auto saved = store.value()->set(QString(), u"test_probe/cleanup"_s,
                                            double(QDateTime::currentSecsSinceEpoch() - 2 * 86400));
            QVERIFY(waitFor(saved));
            QVERIFY(saved.result().isOk());
        }
        startServer(1);
        QCOMPARE(runs, 2);
    }

    // ---- shared, depends, context ---------------------------------------------------------
    void sharedPath_data()
    {
        QTest::addColumn<QString>("module");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("expected");

        QTest::newRow("name-only") << u"test_probe"_s << u"foo"_s << u"/a.test/test_probe/foo"_s;
        QTest::newRow("module-and-name") << u"test_probe"_s << u"other/foo"_s << u"/a.test/other/foo"_s;
        QTest::newRow("host-module-name") << u"test_probe"_s << u"b.test/other/foo"_s << u"/b.test/other/foo"_s;
        QTest::newRow("absolute") << u"test_probe"_s << u"/*/sql/connections"_s << u"/*/sql/connections"_s;
        QTest::newRow("global-module") << u"test_global"_s << u"foo"_s << u"/*/test_global/foo"_s;
    }
    void sharedPath()
    {
        QFETCH(QString, module);
        QFETCH(QString, path);
        QFETCH(QString, expected);

        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, module);
        QVERIFY(api);
        QCOMPARE(api->sharedPath(path), expected);
    }

    void sharedBetweenModules()
    {
        TestServer server(BaseConfig);
        ModuleApi* one = load(server, u"a.test"_s, u"test_probe"_s);
        ModuleApi* two = load(server, u"a.test"_s, u"test_probe2"_s);
        QVERIFY(one && two);
        auto mine = one->shared<QStringList>(u"data"_s);
        auto theirs = two->shared<QStringList>(u"test_probe/data"_s);
        QCOMPARE(mine.get(), theirs.get());
        mine->append(u"written by one"_s);
        QCOMPARE(*theirs, QStringList{u"written by one"_s});
        mine.reset();
        theirs.reset();
        QVERIFY(server.sharedTables().contains(u"/a.test/test_probe/data"_s));
        QVERIFY(server.modules().unload(u"a.test"_s, u"test_probe"_s).isOk());
        QVERIFY(server.sharedTables().contains(u"/a.test/test_probe/data"_s)); // test_probe2 still holds it
        // A reloaded module finds the same table while it is referenced.
        one = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(one);
        QCOMPARE(*one->shared<QStringList>(u"data"_s), QStringList{u"written by one"_s});
        QVERIFY(server.modules().unload(u"a.test"_s, u"test_probe"_s).isOk());
        QVERIFY(server.modules().unload(u"a.test"_s, u"test_probe2"_s).isOk());
        QVERIFY(!server.sharedTables().contains(u"/a.test/test_probe/data"_s));
    }

    void depends_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("dependency");
        QTest::addColumn<QString>("expectedCondition");

        QTest::newRow("loads-dependency") << u"a.test"_s << u"test_probe2"_s << QString();
        QTest::newRow("global-dependency") << u"a.test"_s << u"test_global"_s << QString();
        QTest::newRow("disabled-on-host") << u"b.test"_s << u"test_probe2"_s << u"not-allowed"_s;
        QTest::newRow("unknown-module") << u"a.test"_s << u"no_such_module"_s << u"item-not-found"_s;
        QTest::newRow("failing-module") << u"a.test"_s << u"test_failing"_s << u"internal-server-error"_s;
    }
    void depends()
    {
        QFETCH(QString, host);
        QFETCH(QString, dependency);
        QFETCH(QString, expectedCondition);

        TestServer server(BaseConfig);
        QString condition = u"(not called)"_s;
        Module* returned = nullptr;
        server.scripts().onLoad.insert(u"test_probe"_s, [&](Module& module) -> Result<void> {
            const Result<Module*> dep = module.module().depends(dependency);
            condition = dep ? QString() : dep.error().condition;
            returned = dep ? dep.value() : nullptr;
            return {};
        });
        ModuleApi* api = load(server, host, u"test_probe"_s);
        QVERIFY(api);
        QCOMPARE(condition, expectedCondition);
        ModuleApi* dep = server.module(host, dependency);
        QCOMPARE(dep != nullptr, expectedCondition.isEmpty());
        if (dep) {
            QCOMPARE(returned, dep->moduleInstance());
            QCOMPARE(api->dependencies(), QStringList{dependency});
        } else {
            QVERIFY(api->dependencies().isEmpty());
        }
    }

    void contextFor_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("expectedString");
        QTest::addColumn<QString>("expectedType");

        QTest::newRow("other-host") << u"b.test"_s << u"b string"_s << u"local"_s;
        QTest::newRow("global") << u"*"_s << u"global string"_s << u"global"_s;
        QTest::newRow("component-inherits") << u"comp.a.test"_s << u"global string"_s << u"component"_s;
    }
    void contextFor()
    {
        QFETCH(QString, host);
        QFETCH(QString, expectedString);
        QFETCH(QString, expectedType);

        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(api);
        const std::unique_ptr<ModuleApi> other = api->contextFor(host);
        QCOMPARE(other->host(), host);
        QCOMPARE(other->name(), u"test_probe"_s);
        QCOMPARE(other->hostType(), expectedType);
        QCOMPARE(other->optionString(u"test_string"_s).value_or(QString()), expectedString);
        QCOMPARE(api->optionString(u"test_string"_s).value_or(QString()), u"a string"_s);
    }

    // ---- disco contributions --------------------------------------------------------------
    void discoContributions()
    {
        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(api);
        api->addFeature(u"urn:test:feature"_s);
        api->addIdentity(u"test"_s, u"probe"_s, u"Probe"_s);
        api->addExtension(TestXml::parse(u"<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' "
                                         u"type='hidden'><value>urn:test:info</value></field></x>"_s));
        auto client = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(client);
        const QString query =
            u"<iq type='get' id='d1' to='a.test'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"_s;
        client->send(query);
        const QList<XmlElement> replies = client->takeReceived();
        QCOMPARE(replies.size(), 1);
        const XmlElement* info = replies.first().firstChild(u"query");
        QVERIFY(info);
        const QString canonical = TestXml::canonical(*info);
        QVERIFY2(canonical.contains(TestXml::canonical(TestXml::parse(
                     u"<feature xmlns='http://jabber.org/protocol/disco#info' var='urn:test:feature'/>"_s))),
                 qPrintable(canonical));
        QVERIFY2(canonical.contains(TestXml::canonical(TestXml::parse(
                     u"<identity xmlns='http://jabber.org/protocol/disco#info' category='test' type='probe' "
                     u"name='Probe'/>"_s))),
                 qPrintable(canonical));
        QVERIFY2(canonical.contains(u"urn:test:info"_s), qPrintable(canonical));

        QVERIFY(server.modules().unload(u"a.test"_s, u"test_probe"_s).isOk());
        client->send(query);
        const QString after = TestXml::canonical(client->takeReceived().value(0));
        QVERIFY2(after.contains(u"disco#info'"_s) && !after.contains(u"urn:test:feature"_s) &&
                     !after.contains(u"probe"_s) && !after.contains(u"urn:test:info"_s),
                 qPrintable(after));
    }

    // ---- items ----------------------------------------------------------------------------
    void items()
    {
        QStringList handled;
        TestServer server(BaseConfig);
        ModuleApi* global = load(server, u"a.test"_s, u"test_global"_s);
        ModuleApi* one = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(global && one);
        EventRecorder recorder(server);
        global->addItem(u"thing"_s, u"from global"_s);
        one->addItem(u"thing"_s, u"first"_s);

        server.scripts().onLoad.insert(u"test_probe2"_s, [&handled](Module& module) -> Result<void> {
            module.module().handleItems(
                u"thing"_s,
                [&handled](const QString& source, const QVariant& item) {
                    handled << u"+"_s + source + u' ' + item.toString();
                },
                [&handled](const QString& source, const QVariant& item) {
                    handled << u"-"_s + source + u' ' + item.toString();
                });
            return {};
        });
        ModuleApi* two = load(server, u"a.test"_s, u"test_probe2"_s);
        QVERIFY(two);
        // Existing items are replayed: this host's, then the global ones.
        QCOMPARE(handled, (QStringList{u"+test_probe first"_s, u"+test_global from global"_s}));
        one->addItem(u"thing"_s, u"second"_s);
        QVERIFY(one->removeItem(u"thing"_s, u"first"_s));
        QVERIFY(!one->removeItem(u"thing"_s, u"first"_s));
        QCOMPARE(handled, (QStringList{u"+test_probe first"_s, u"+test_global from global"_s, u"+test_probe second"_s,
                                       u"-test_probe first"_s}));
        QCOMPARE(two->hostItems(u"thing"_s), (QVariantList{u"second"_s, u"from global"_s}));
        QCOMPARE(server.module(u"b.test"_s, u"test_global"_s)->hostItems(u"thing"_s), QVariantList{u"from global"_s});
        const QStringList itemEvents = recorder.take({u"item-"_s});
        QVERIFY2(itemEvents.value(0) == u"*: item-added/thing"_s, qPrintable(itemEvents.join(u", ")));
        QVERIFY(itemEvents.contains(u"a.test: item-added/thing"_s));
        QVERIFY(itemEvents.contains(u"a.test: item-removed/thing"_s));

        // Unloading a module removes its items (and tells the handlers).
        QVERIFY(server.modules().unload(u"a.test"_s, u"test_probe"_s).isOk());
        QCOMPARE(handled.last(), u"-test_probe second"_s);
        QCOMPARE(two->hostItems(u"thing"_s), QVariantList{u"from global"_s});
    }

    void provides_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QVariantMap>("item");
        QTest::addColumn<QString>("expectedName");

        QTest::newRow("prefix-stripped") << u"test"_s << QVariantMap() << u"probe"_s;
        QTest::newRow("no-prefix") << u"auth"_s << QVariantMap() << u"test_probe"_s;
        QTest::newRow("explicit-name") << u"auth"_s << QVariantMap{{u"name"_s, u"custom"_s}} << u"custom"_s;
    }
    void provides()
    {
        QFETCH(QString, kind);
        QFETCH(QVariantMap, item);
        QFETCH(QString, expectedName);

        QVariantMap added;
        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, u"test_probe"_s);
        QVERIFY(api);
        server.host(u"a.test"_s)->events().addHandler(u"item-added/"_s + kind + u"-provider"_s, [&added](Event& e) {
            added = e.value(u"item"_s).toMap();
            return QVariant();
        });
        api->provides(kind, item);
        QCOMPARE(added.value(u"name"_s).toString(), expectedName);
        QCOMPARE(added.value(u"_provided_by"_s).toString(), u"test_probe"_s);
        QCOMPARE(api->hostItems(kind + u"-provider"_s).size(), 1);
    }

    // ---- storage --------------------------------------------------------------------------
    void openStore_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("module");
        QTest::addColumn<QString>("expectedCondition");

        for (const QString& type : {u"keyval"_s, u"map"_s, u"archive"_s}) {
            QTest::addRow("%s-host", qPrintable(type)) << type << u"test_probe"_s << QString();
            QTest::addRow("%s-global", qPrintable(type)) << type << u"test_global"_s << u"not-allowed"_s;
        }
    }
    void openStore()
    {
        QFETCH(QString, type);
        QFETCH(QString, module);
        QFETCH(QString, expectedCondition);

        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, module);
        QVERIFY(api);
        QString condition;
        bool works = false;
        if (type == u"keyval"_s) {
            auto store = api->openKeyValueStore();
            condition = store ? QString() : store.error().condition;
            if (store) {
                auto set = store.value()->set(u"alice"_s, QVariantMap{{u"k"_s, u"v"_s}});
                QVERIFY(waitFor(set));
                auto get = store.value()->get(u"alice"_s);
                QVERIFY(waitFor(get));
                works = get.result().isOk() && get.result().value().toMap().value(u"k"_s) == u"v"_s;
                // Another host's store of the same name is separate.
                auto other = server.storage().openKeyValue(u"b.test"_s, u"test_probe"_s);
                auto otherGet = other.value()->get(u"alice"_s);
                QVERIFY(waitFor(otherGet));
                QVERIFY(!otherGet.result().value().isValid());
            }
        } else if (type == u"map"_s) {
            auto store = api->openMapStore(u"named"_s);
            condition = store ? QString() : store.error().condition;
            if (store) {
                auto set = store.value()->set(u"alice"_s, u"k"_s, u"v"_s);
                QVERIFY(waitFor(set));
                auto get = server.storage().openMap(u"a.test"_s, u"named"_s).value()->get(u"alice"_s, u"k"_s);
                QVERIFY(waitFor(get));
                works = get.result().isOk() && get.result().value() == QVariant(u"v"_s);
            }
        } else {
            auto store = api->openArchiveStore();
            condition = store ? QString() : store.error().condition;
            works = store.isOk() && store.value() != nullptr;
        }
        QCOMPARE(condition, expectedCondition);
        QCOMPARE(works, expectedCondition.isEmpty());
    }

    // ---- metrics --------------------------------------------------------------------------
    void metrics_data()
    {
        QTest::addColumn<QString>("module");
        QTest::addColumn<QString>("expectedCounterLine");
        QTest::addColumn<QString>("expectedGaugeLine");

        QTest::newRow("host-module") << u"test_probe"_s << uR"(canto_mod_test_probe__hits_total{host="a.test"} 3)"_s
                                     << uR"(canto_mod_test_probe__queue{host="a.test",kind="x"} 5)"_s;
        QTest::newRow("global-module") << u"test_global"_s << uR"(canto_mod_test_global__hits_total 3)"_s
                                       << uR"(canto_mod_test_global__queue{kind="x"} 5)"_s;
    }
    void metrics()
    {
        QFETCH(QString, module);
        QFETCH(QString, expectedCounterLine);
        QFETCH(QString, expectedGaugeLine);

        TestServer server(BaseConfig);
        ModuleApi* api = load(server, u"a.test"_s, module);
        QVERIFY(api);
        auto counter = api->measure().counter(u"hits"_s);
        QVERIFY(counter.isOk());
        counter.value()(2);
        counter.value()(1);
        auto family = api->metric(MetricType::Gauge, u"queue"_s, {}, u"queued things"_s, {u"kind"_s});
        QVERIFY(family.isOk());
        QCOMPARE(family.value()->name(), u"canto_mod_"_s + module + u"/queue"_s);
        QCOMPARE(family.value()->labelKeys(),
                 api->isGlobal() ? QStringList{u"kind"_s} : (QStringList{u"host"_s, u"kind"_s}));
        const QStringList values = api->isGlobal() ? QStringList{u"x"_s} : QStringList{u"a.test"_s, u"x"_s};
        family.value()->withLabels(values).value()->set(5);
        QVERIFY(!api->metric(MetricType::Gauge, u"bad name"_s).isOk());

        const QStringList lines = server.metrics().renderOpenMetrics().split(u'\n');
        QVERIFY2(lines.contains(expectedCounterLine), qPrintable(lines.join(u'\n')));
        QVERIFY2(lines.contains(expectedGaugeLine), qPrintable(lines.join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(tst_ModuleApi)
#include "tst_ModuleApi.moc"
