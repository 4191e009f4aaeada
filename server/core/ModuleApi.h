#pragma once

#include "server/config/ConfigValue.h"
#include "server/config/OptionReader.h"
#include "server/core/EventBus.h"
#include "server/core/ModuleStatus.h"
#include "server/core/ModuleTimer.h"
#include "server/core/ServerContext.h"
#include "server/core/SharedTables.h"
#include "server/metrics/MeasureFactory.h"
#include "server/metrics/MetricType.h"
#include "server/xmpp/XmlElement.h"
#include "shared/Result.h"

#include <QFuture>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QVariant>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace Canto {

class ArchiveStore;
class Config;
class Host;
class KeyValueStore;
class MapStore;
class Module;
class Session;

/// A periodic task registered with ModuleApi::cron (seed 000 cron / hourly / daily / weekly).
struct CronTask
{
    QString id;   // unique on the host; defaults to "<module>/<name>"
    QString name; // human-readable
    QString when; // "hourly", "daily" or "weekly"
    std::function<void(const CronTask& task, qint64 startedAt)> run;

    /// Tasks are identified by id (needed so a task can be found again in the item list).
    bool operator==(const CronTask& other) const { return id == other.id; }
};

/// The C++ form of Prosody's module API (seed 000), one instance per module per host. Every
/// registration made through it (hooks, wrappers, items, timers, shared references) is undone
/// when the module unloads.
class ModuleApi : public QObject
{
    Q_OBJECT

public:
    enum class LogLevel { Debug, Info, Warn, Error };
    using HookId = EventBus::HandlerId;
    using TagHandler = std::function<QVariant(Session& origin, XmlElement& element, Event& event)>;

    ModuleApi(ServerContext& context, QString name, QString host, QJsonObject metadata, QObject* parent = nullptr);
    ~ModuleApi() override;

    // ---- Identity (get_name, get_host, get_host_type, set_global, get_directory, load_resource)
    const QString& name() const { return m_name; }
    const QString& host() const { return m_host; }
    bool isGlobal() const { return m_host == u'*'; }
    /// "local", "component", or "global" for a global module (Prosody returns nil there).
    QString hostType() const;
    Host* hostObject() const;
    const QJsonObject& metadata() const { return m_metadata; }
    /// Where the module's resources live: ":/modules/<name>" (compiled-in Qt resources).
    QString directory() const;
    Result<QByteArray> loadResource(const QString& path) const;
    ServerContext& context() { return m_context; }

    // ---- Logging and status (log, set_status, log_status, get_status)
    void log(LogLevel level, const QString& message) const;
    /// Applies Prosody's severity rule: while the status is "error", a lower status is ignored
    /// unless override is true; with override == false, any lower status is ignored. Fires
    /// `module-status/updated` on the module's host with the module's name.
    void setStatus(ModuleStatus::Type type, const QString& message, std::optional<bool> override = {});
    void logStatus(LogLevel level, const QString& message);
    const ModuleStatus& status() const { return m_status; }

    // ---- Configuration (get_option_*): the rules are OptionReader's (Prosody's exactly);
    // warnings go to this module's log naming the option, host and file:line.
    const OptionReader& options() const;
    ConfigValue option(const QString& name, const ConfigValue& fallback = {}) const;
    ConfigValue optionScalar(const QString& name, const ConfigValue& fallback = {}) const;
    std::optional<QString> optionString(const QString& name, std::optional<QString> fallback = {}) const;
    std::optional<double> optionNumber(const QString& name, std::optional<double> fallback = {},
                                       std::optional<double> min = {}, std::optional<double> max = {}) const;
    std::optional<qint64> optionInteger(const QString& name, std::optional<qint64> fallback = {},
                                        std::optional<qint64> min = {}, std::optional<qint64> max = {}) const;
    std::optional<double> optionPeriod(const QString& name, std::optional<OptionReader::Period> fallback = {},
                                       std::optional<OptionReader::Period> min = {},
                                       std::optional<OptionReader::Period> max = {}) const;
    std::optional<bool> optionBoolean(const QString& name, std::optional<bool> fallback = {}) const;
    std::optional<QStringList> optionArray(const QString& name, std::optional<QStringList> fallback = {}) const;
    std::optional<QSet<QString>> optionSet(const QString& name, std::optional<QStringList> fallback = {}) const;
    std::optional<QSet<QString>> optionInheritedSet(const QString& name,
                                                    std::optional<QStringList> fallback = {}) const;
    std::optional<QString> optionPath(const QString& name, std::optional<QString> fallback = {},
                                      const QString& parent = {}) const;
    std::optional<QString> optionEnum(const QString& name, const QString& fallback,
                                      const QStringList& alternatives) const;

    // ---- Events (hook, hook_global, hook_object_event, hook_tag, unhook, wrap_*, fire_event)
    HookId hook(const QString& event, EventBus::Handler handler, double priority = 0);
    HookId hookGlobal(const QString& event, EventBus::Handler handler, double priority = 0);
    HookId hookObjectEvent(EventBus& bus, const QString& event, EventBus::Handler handler, double priority = 0);
    /// Hooks the stream-level element xmlns:name (`stanza/<xmlns>:<name>`).
    HookId hookTag(const QString& xmlns, const QString& name, TagHandler handler, double priority = 0);
    bool unhook(const QString& event, HookId id);
    HookId wrapEvent(const QString& event, EventBus::Wrapper wrapper);
    HookId wrapGlobal(const QString& event, EventBus::Wrapper wrapper);
    HookId wrapObjectEvent(EventBus& bus, const QString& event, EventBus::Wrapper wrapper);
    QVariant fireEvent(const QString& event, Event& data);
    QVariant fireEvent(const QString& event);
    /// The bus of this module's host (the global bus for global modules).
    EventBus& events() const;

    // ---- Sending (send, send_iq, broadcast)
    /// Sends a stanza from this host (or from `origin`) into the router.
    void send(const XmlElement& stanza, Session* origin = nullptr);
    /// Sends an IQ and resolves with the response stanza (error responses and timeouts reject
    /// with an Error whose condition is the stanza error's, or "remote-server-timeout").
    /// At most 256 IQs are in flight per module; the oldest is rejected with
    /// "resource-constraint" when a new one would exceed it. A duplicate id is a "conflict".
    QFuture<Result<XmlElement>> sendIq(const XmlElement& iq, Session* origin = nullptr, double timeoutSeconds = 120);
    void broadcast(const QStringList& jids, const XmlElement& stanza);
    int pendingIqCount() const { return int(m_pendingIqs.size()); }

    // ---- Timers and cron (add_timer, cron, hourly, daily, weekly)
    ModuleTimer* addTimer(double delaySeconds, ModuleTimer::Callback callback);
    void cron(CronTask task);
    void hourly(const QString& name, std::function<void(const CronTask&, qint64)> run);
    void daily(const QString& name, std::function<void(const CronTask&, qint64)> run);
    void weekly(const QString& name, std::function<void(const CronTask&, qint64)> run);

    // ---- Sharing code and data (shared, depends, context)
    /// Resolves a shared path like Prosody: "foo" → "/<host>/<module>/foo",
    /// "mod/foo" → "/<host>/mod/foo", "host/mod/foo" and "/abs/path" as given.
    QString sharedPath(const QString& path) const;
    template <typename T> std::shared_ptr<T> shared(const QString& path)
    {
        Q_ASSERT(m_context.sharedTables);
        auto table = m_context.sharedTables->get<T>(sharedPath(path));
        m_sharedRefs.push_back(table);
        return table;
    }
    /// Ensures module `name` is loaded on this host (or globally) and returns it. Fails when it
    /// is in modules_disabled or cannot be loaded.
    Result<Module*> depends(const QString& name);
    const QStringList& dependencies() const { return m_dependencies; }
    /// An API object for another host ("*" for global), e.g. to read that host's options.
    std::unique_ptr<ModuleApi> contextFor(const QString& host) const;

    // ---- Service discovery (add_feature, add_identity, add_extension)
    void addFeature(const QString& xmlns);
    void addIdentity(const QString& category, const QString& type, const QString& name = {});
    void addExtension(const XmlElement& form);

    // ---- Items (add_item, remove_item, handle_items, get_host_items, provides)
    void addItem(const QString& key, const QVariant& item);
    bool removeItem(const QString& key, const QVariant& item);
    using ItemHandler = std::function<void(const QString& source, const QVariant& item)>;
    void handleItems(const QString& key, ItemHandler added, ItemHandler removed, bool handleExisting = true);
    QVariantList hostItems(const QString& key) const;
    void provides(const QString& name, QVariantMap item);
    const std::vector<std::pair<QString, QVariant>>& items() const { return m_items; }

    // ---- Storage (open_store)
    Result<std::shared_ptr<KeyValueStore>> openKeyValueStore(const QString& store = {});
    Result<std::shared_ptr<MapStore>> openMapStore(const QString& store = {});
    Result<std::shared_ptr<ArchiveStore>> openArchiveStore(const QString& store = {});

    // ---- Metrics (measure, metric): families are named "canto_mod_<module>/<name>"; for a
    // host module every series carries a "host" label with this host as its first label.
    /// The high-level API: measure().counter("stanzas"), measure().times("query"), ...
    MeasureFactory& measure();
    /// The low-level API: a metric family whose first label key is "host" (host modules).
    Result<std::shared_ptr<MetricFamily>> metric(MetricType type, const QString& name, const QString& unit = {},
                                                 const QString& description = {}, QStringList labelKeys = {},
                                                 QList<double> buckets = {});

    // ---- Lifecycle, used by ModuleManager
    void setModule(std::unique_ptr<Module> module);
    Module* moduleInstance() const { return m_module.get(); }
    bool isLoaded() const { return m_loaded; }
    void setLoaded(bool loaded) { m_loaded = loaded; }
    /// Removes every hook, wrapper, item (firing item-removed/<key>), timer and pending IQ.
    void cleanup();

private:
    struct Registration
    {
        QPointer<EventBus> bus;
        QString event;
        HookId id;
        bool isWrapper;
    };
    struct PendingIq;

    EventBus* busFor(bool global) const;
    HookId record(EventBus& bus, const QString& event, HookId id, bool isWrapper);
    void finishIq(const QString& key, Result<XmlElement> result);

    ServerContext& m_context;
    QString m_name;
    QString m_host;
    QJsonObject m_metadata;
    QByteArray m_categoryName; // must outlive m_category, which keeps a pointer to it
    QLoggingCategory m_category;
    ModuleStatus m_status;
    std::unique_ptr<Module> m_module;
    bool m_loaded = false;
    std::vector<Registration> m_registrations;
    std::vector<std::pair<QString, QVariant>> m_items;
    std::vector<std::shared_ptr<void>> m_sharedRefs;
    QStringList m_dependencies;
    QObject m_timers; // parent of this module's timers
    std::vector<std::shared_ptr<PendingIq>> m_pendingIqs;
    mutable std::unique_ptr<Config> m_emptyConfig; // options of a context without a config (tests)
    mutable std::unique_ptr<OptionReader> m_options;
    std::unique_ptr<MetricsRegistry> m_fallbackMetrics; // when the context has no registry (tests)
    std::unique_ptr<MeasureFactory> m_measure;
};

} // namespace Canto

Q_DECLARE_METATYPE(Canto::CronTask)
