#include "server/core/ModuleApi.h"

#include "server/config/Config.h"
#include "server/core/Host.h"
#include "server/core/HostManager.h"
#include "server/core/Module.h"
#include "server/core/ModuleManager.h"
#include "server/core/Router.h"
#include "server/storage/StorageManager.h"

#include <QFile>
#include <QPromise>
#include <QUuid>

#include <tuple>

using namespace Qt::StringLiterals;

namespace Canto {

struct ModuleApi::PendingIq
{
    QString key; // "<to>|<id>"
    QString id;
    QString expectedFrom;
    QPromise<Result<XmlElement>> promise;
    std::vector<std::tuple<QPointer<EventBus>, QString, HookId>> hooks;
    QPointer<QTimer> timer;
};

namespace {

// The condition and text of a stanza's <error/> child, as an Error.
Error errorFromStanza(const XmlElement& stanza)
{
    Error error{u"undefined-condition"_s, {}};
    if (const XmlElement* e = stanza.firstChild(u"error")) {
        for (const XmlNode& node : e->nodes()) {
            if (const auto* child = std::get_if<XmlElement>(&node)) {
                if (child->xmlns() == u"urn:ietf:params:xml:ns:xmpp-stanzas"_s) {
                    if (child->name() == u"text"_s) {
                        error.text = child->text();
                    } else {
                        error.condition = child->name();
                    }
                }
            }
        }
    }
    return error;
}

// "host", "bare" or "full": the address type of a JID string (already prepped).
QString addressType(const QString& jid)
{
    const qsizetype slash = jid.indexOf(u'/');
    const qsizetype at = jid.indexOf(u'@');
    if (slash >= 0 && (at < 0 || at < slash)) {
        return at >= 0 ? u"full"_s : u"host"_s; // domain/resource counts as full delivery
    }
    return at >= 0 ? u"bare"_s : u"host"_s;
}

} // namespace

ModuleApi::ModuleApi(ServerContext& context, QString name, QString host, QJsonObject metadata, QObject* parent)
    : QObject(parent), m_context(context), m_name(std::move(name)), m_host(std::move(host)),
      m_metadata(std::move(metadata)), m_categoryName("canto.mod." + m_name.toUtf8()),
      m_category(m_categoryName.constData())
{}

ModuleApi::~ModuleApi()
{
    cleanup();
}

QString ModuleApi::hostType() const
{
    if (isGlobal()) {
        return u"global"_s;
    }
    const Host* h = hostObject();
    return h ? h->typeName() : QString();
}

Host* ModuleApi::hostObject() const
{
    return (m_context.hosts && !isGlobal()) ? m_context.hosts->host(m_host) : nullptr;
}

QString ModuleApi::directory() const
{
    return u":/modules/"_s + m_name;
}

Result<QByteArray> ModuleApi::loadResource(const QString& path) const
{
    const QString full = path.startsWith(u'/') || path.startsWith(u':') ? path : directory() + u'/' + path;
    QFile file(full);
    if (!file.open(QIODevice::ReadOnly)) {
        return Result<QByteArray>::failure(u"item-not-found"_s, full + u": "_s + file.errorString());
    }
    return file.readAll();
}

void ModuleApi::log(LogLevel level, const QString& message) const
{
    const QString line = u'[' + m_host + u':' + m_name + u"] "_s + message;
    switch (level) {
    case LogLevel::Debug:
        qCDebug(m_category).noquote() << line;
        break;
    case LogLevel::Info:
        qCInfo(m_category).noquote() << line;
        break;
    case LogLevel::Warn:
        qCWarning(m_category).noquote() << line;
        break;
    case LogLevel::Error:
        qCCritical(m_category).noquote() << line;
        break;
    }
}

void ModuleApi::setStatus(ModuleStatus::Type type, const QString& message, std::optional<bool> override)
{
    const bool lower = int(type) < int(m_status.type);
    if (lower && override != std::optional<bool>(true) && m_status.type == ModuleStatus::Type::Error) {
        return;
    }
    if (lower && override == std::optional<bool>(false)) {
        return;
    }
    m_status = ModuleStatus{type, message, QDateTime::currentDateTimeUtc()};
    Event event;
    event.set(u"name"_s, m_name);
    event.set(u"host"_s, m_host);
    if (EventBus* bus = busFor(false)) {
        bus->fire(u"module-status/updated"_s, event);
    }
}

void ModuleApi::logStatus(LogLevel level, const QString& message)
{
    static constexpr ModuleStatus::Type types[] = {ModuleStatus::Type::Info, ModuleStatus::Type::Info,
                                                   ModuleStatus::Type::Warn, ModuleStatus::Type::Error};
    log(level, message);
    setStatus(types[int(level)], message);
}

const OptionReader& ModuleApi::options() const
{
    if (!m_options) {
        if (!m_context.config && !m_emptyConfig) {
            m_emptyConfig = std::make_unique<Config>();
        }
        const Config& config = m_context.config ? *m_context.config : *m_emptyConfig;
        ConfigPaths paths{m_context.configDirectory, m_context.dataDirectory, m_context.sourceDirectory};
        m_options =
            std::make_unique<OptionReader>(config, m_host, paths, directory(), [this](const OptionWarning& warning) {
                log(warning.level == OptionWarning::Level::Error ? LogLevel::Error : LogLevel::Warn,
                    warning.toString());
            });
    }
    return *m_options;
}

ConfigValue ModuleApi::option(const QString& name, const ConfigValue& fallback) const
{
    return options().option(name, fallback);
}

ConfigValue ModuleApi::optionScalar(const QString& name, const ConfigValue& fallback) const
{
    return options().optionScalar(name, fallback);
}

std::optional<QString> ModuleApi::optionString(const QString& name, std::optional<QString> fallback) const
{
    return options().optionString(name, std::move(fallback));
}

std::optional<double> ModuleApi::optionNumber(const QString& name, std::optional<double> fallback,
                                              std::optional<double> min, std::optional<double> max) const
{
    return options().optionNumber(name, fallback, min, max);
}

std::optional<qint64> ModuleApi::optionInteger(const QString& name, std::optional<qint64> fallback,
                                               std::optional<qint64> min, std::optional<qint64> max) const
{
    return options().optionInteger(name, fallback, min, max);
}

std::optional<double> ModuleApi::optionPeriod(const QString& name, std::optional<OptionReader::Period> fallback,
                                              std::optional<OptionReader::Period> min,
                                              std::optional<OptionReader::Period> max) const
{
    return options().optionPeriod(name, std::move(fallback), std::move(min), std::move(max));
}

std::optional<bool> ModuleApi::optionBoolean(const QString& name, std::optional<bool> fallback) const
{
    return options().optionBoolean(name, fallback);
}

std::optional<QStringList> ModuleApi::optionArray(const QString& name, std::optional<QStringList> fallback) const
{
    return options().optionArray(name, std::move(fallback));
}

std::optional<QSet<QString>> ModuleApi::optionSet(const QString& name, std::optional<QStringList> fallback) const
{
    return options().optionSet(name, std::move(fallback));
}

std::optional<QSet<QString>> ModuleApi::optionInheritedSet(const QString& name,
                                                           std::optional<QStringList> fallback) const
{
    return options().optionInheritedSet(name, std::move(fallback));
}

std::optional<QString> ModuleApi::optionPath(const QString& name, std::optional<QString> fallback,
                                             const QString& parent) const
{
    return options().optionPath(name, std::move(fallback), parent);
}

std::optional<QString> ModuleApi::optionEnum(const QString& name, const QString& fallback,
                                             const QStringList& alternatives) const
{
    return options().optionEnum(name, fallback, alternatives);
}

EventBus* ModuleApi::busFor(bool global) const
{
    if (global || isGlobal()) {
        return m_context.globalEvents;
    }
    Host* h = hostObject();
    return h ? &h->events() : nullptr;
}

EventBus& ModuleApi::events() const
{
    EventBus* bus = busFor(false);
    Q_ASSERT(bus);
    return *bus;
}

ModuleApi::HookId ModuleApi::record(EventBus& bus, const QString& event, HookId id, bool isWrapper)
{
    m_registrations.push_back(Registration{&bus, event, id, isWrapper});
    return id;
}

ModuleApi::HookId ModuleApi::hook(const QString& event, EventBus::Handler handler, double priority)
{
    EventBus& bus = events();
    return record(bus, event, bus.addHandler(event, std::move(handler), priority), false);
}

ModuleApi::HookId ModuleApi::hookGlobal(const QString& event, EventBus::Handler handler, double priority)
{
    EventBus& bus = *busFor(true);
    return record(bus, event, bus.addHandler(event, std::move(handler), priority), false);
}

ModuleApi::HookId ModuleApi::hookObjectEvent(EventBus& bus, const QString& event, EventBus::Handler handler,
                                             double priority)
{
    return record(bus, event, bus.addHandler(event, std::move(handler), priority), false);
}

ModuleApi::HookId ModuleApi::hookTag(const QString& xmlns, const QString& name, TagHandler handler, double priority)
{
    const QString event = xmlns.isEmpty() ? QString(u"stanza/"_s + name) : QString(u"stanza/"_s + xmlns + u':' + name);
    return hook(
        event,
        [handler = std::move(handler)](Event& e) -> QVariant {
            if (!e.origin || !e.stanza) {
                return {};
            }
            return handler(*e.origin, *e.stanza, e);
        },
        priority);
}

bool ModuleApi::unhook(const QString& event, HookId id)
{
    for (auto it = m_registrations.begin(); it != m_registrations.end(); ++it) {
        if (it->id == id && it->event == event) {
            const bool removed =
                it->bus && (it->isWrapper ? it->bus->removeWrapper(event, id) : it->bus->removeHandler(event, id));
            m_registrations.erase(it);
            return removed;
        }
    }
    return false;
}

ModuleApi::HookId ModuleApi::wrapEvent(const QString& event, EventBus::Wrapper wrapper)
{
    EventBus& bus = events();
    return record(bus, event, bus.addWrapper(event, std::move(wrapper)), true);
}

ModuleApi::HookId ModuleApi::wrapGlobal(const QString& event, EventBus::Wrapper wrapper)
{
    EventBus& bus = *busFor(true);
    return record(bus, event, bus.addWrapper(event, std::move(wrapper)), true);
}

ModuleApi::HookId ModuleApi::wrapObjectEvent(EventBus& bus, const QString& event, EventBus::Wrapper wrapper)
{
    return record(bus, event, bus.addWrapper(event, std::move(wrapper)), true);
}

QVariant ModuleApi::fireEvent(const QString& event, Event& data)
{
    return events().fire(event, data);
}

QVariant ModuleApi::fireEvent(const QString& event)
{
    Event data;
    return fireEvent(event, data);
}

void ModuleApi::send(const XmlElement& stanza, Session* origin)
{
    Session* from = origin ? origin : static_cast<Session*>(hostObject());
    if (m_context.router && from) {
        m_context.router->route(*from, stanza);
    }
}

QFuture<Result<XmlElement>> ModuleApi::sendIq(const XmlElement& iq, Session* origin, double timeoutSeconds)
{
    auto pending = std::make_shared<PendingIq>();
    pending->id = iq.attribute(u"id");
    const QString to = iq.attribute(u"to");
    pending->expectedFrom = to.isEmpty() ? m_host : to;
    pending->key = pending->expectedFrom + u'|' + pending->id;
    pending->promise.start();
    QFuture<Result<XmlElement>> future = pending->promise.future();

    if (pending->id.isEmpty()) {
        pending->promise.addResult(Result<XmlElement>::failure(u"bad-request"_s, u"IQ without an id"_s));
        pending->promise.finish();
        return future;
    }
    for (const auto& other : m_pendingIqs) {
        if (other->key == pending->key) {
            pending->promise.addResult(
                Result<XmlElement>::failure(u"conflict"_s, u"An IQ with this id is already pending"_s));
            pending->promise.finish();
            return future;
        }
    }
    if (m_pendingIqs.size() >= 256) {
        finishIq(m_pendingIqs.front()->key,
                 Result<XmlElement>::failure(u"resource-constraint"_s, u"Too many IQs in flight"_s));
    }

    // Listen where the response will be fired: on the sender's host, by address type.
    const QString from = iq.attribute(u"from", m_host);
    const QString type = addressType(from);
    Host* senderHost = m_context.hosts ? m_context.hosts->host(from.section(u'/', 0, 0).section(u'@', -1)) : nullptr;
    EventBus* bus = senderHost ? &senderHost->events() : busFor(false);
    const QString key = pending->key;
    const auto onResponse = [this, key](Event& e) -> QVariant {
        if (!e.stanza) {
            return {};
        }
        const QString responder = e.stanza->attribute(u"from");
        const QString responseId = e.stanza->attribute(u"id");
        const auto it =
            std::find_if(m_pendingIqs.begin(), m_pendingIqs.end(), [&](const auto& p) { return p->key == key; });
        if (it == m_pendingIqs.end() || (*it)->id != responseId) {
            return {};
        }
        if (!responder.isEmpty() && responder != (*it)->expectedFrom) {
            return {};
        }
        const QString responseType = e.stanza->attribute(u"type");
        if (responseType == u"result"_s) {
            finishIq(key, Result<XmlElement>(*e.stanza));
        } else if (responseType == u"error"_s) {
            finishIq(key, Result<XmlElement>(errorFromStanza(*e.stanza)));
        } else {
            return {};
        }
        return true;
    };
    if (bus) {
        if (type == u"full"_s) {
            pending->hooks.emplace_back(bus, u"iq/full"_s, bus->addHandler(u"iq/full"_s, onResponse, 1));
        } else {
            for (const QString& t : {u"iq-result/"_s, u"iq-error/"_s}) {
                const QString event = t + type + u'/' + pending->id;
                pending->hooks.emplace_back(bus, event, bus->addHandler(event, onResponse, 1));
            }
        }
    }
    auto* timer = new QTimer(&m_timers);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, key] {
        finishIq(key, Result<XmlElement>::failure(u"remote-server-timeout"_s, u"No response to the IQ in time"_s));
    });
    timer->start(int(timeoutSeconds * 1000));
    pending->timer = timer;
    m_pendingIqs.push_back(pending);
    send(iq, origin);
    return future;
}

void ModuleApi::finishIq(const QString& key, Result<XmlElement> result)
{
    const auto it =
        std::find_if(m_pendingIqs.begin(), m_pendingIqs.end(), [&](const auto& p) { return p->key == key; });
    if (it == m_pendingIqs.end()) {
        return;
    }
    std::shared_ptr<PendingIq> pending = *it;
    m_pendingIqs.erase(it);
    for (const auto& [bus, event, id] : pending->hooks) {
        if (bus) {
            bus->removeHandler(event, id);
        }
    }
    if (pending->timer) {
        pending->timer->deleteLater();
    }
    pending->promise.addResult(std::move(result));
    pending->promise.finish();
}

void ModuleApi::broadcast(const QStringList& jids, const XmlElement& stanza)
{
    for (const QString& jid : jids) {
        XmlElement copy = stanza;
        copy.setAttribute(u"to"_s, jid);
        send(copy);
    }
}

ModuleTimer* ModuleApi::addTimer(double delaySeconds, ModuleTimer::Callback callback)
{
    return new ModuleTimer(delaySeconds, std::move(callback), &m_timers);
}

void ModuleApi::cron(CronTask task)
{
    if (task.name.isEmpty()) {
        task.name = task.when;
    }
    if (task.id.isEmpty()) {
        QString normalized = task.name.toLower();
        for (QChar& c : normalized) {
            if (!c.isLetterOrNumber() && c != u'_') {
                c = u'_';
            }
        }
        task.id = m_name + u'/' + normalized;
    }
    const Result<Module*> cronModule = depends(u"cron"_s);
    if (!cronModule) {
        log(LogLevel::Error, u"Cannot schedule task "_s + task.id + u": "_s + cronModule.error().toString());
        return;
    }
    addItem(u"task"_s, QVariant::fromValue(task));
}

void ModuleApi::hourly(const QString& name, std::function<void(const CronTask&, qint64)> run)
{
    cron(CronTask{{}, name, u"hourly"_s, std::move(run)});
}

void ModuleApi::daily(const QString& name, std::function<void(const CronTask&, qint64)> run)
{
    cron(CronTask{{}, name, u"daily"_s, std::move(run)});
}

void ModuleApi::weekly(const QString& name, std::function<void(const CronTask&, qint64)> run)
{
    cron(CronTask{{}, name, u"weekly"_s, std::move(run)});
}

QString ModuleApi::sharedPath(const QString& path) const
{
    if (path.startsWith(u'/')) {
        return path;
    }
    const QStringList parts = path.split(u'/');
    switch (parts.size()) {
    case 1:
        return u'/' + m_host + u'/' + m_name + u'/' + path;
    case 2:
        return u'/' + m_host + u'/' + path;
    default:
        return u'/' + path;
    }
}

Result<Module*> ModuleApi::depends(const QString& name)
{
    if (!m_context.modules) {
        return Result<Module*>::failure(u"internal-server-error"_s, u"No module manager"_s);
    }
    if (optionInheritedSet(u"modules_disabled"_s).value_or(QSet<QString>()).contains(name)) {
        return Result<Module*>::failure(u"not-allowed"_s,
                                        u"Module '%1' needs '%2', which is in modules_disabled"_s.arg(m_name, name));
    }
    Result<ModuleApi*> loaded = m_context.modules->loadDependency(m_host, name, m_name);
    if (!loaded) {
        return loaded.error();
    }
    if (!m_dependencies.contains(name)) {
        m_dependencies << name;
    }
    return loaded.value()->moduleInstance();
}

std::unique_ptr<ModuleApi> ModuleApi::contextFor(const QString& host) const
{
    return std::make_unique<ModuleApi>(m_context, m_name, host, m_metadata);
}

void ModuleApi::addFeature(const QString& xmlns)
{
    addItem(u"feature"_s, xmlns);
}

void ModuleApi::addIdentity(const QString& category, const QString& type, const QString& name)
{
    QVariantMap identity{{u"category"_s, category}, {u"type"_s, type}};
    if (!name.isEmpty()) {
        identity.insert(u"name"_s, name);
    }
    addItem(u"identity"_s, identity);
}

void ModuleApi::addExtension(const XmlElement& form)
{
    addItem(u"extension"_s, QVariant::fromValue(form));
}

void ModuleApi::addItem(const QString& key, const QVariant& item)
{
    m_items.emplace_back(key, item);
    Event event;
    event.set(u"source"_s, m_name);
    event.set(u"item"_s, item);
    if (EventBus* bus = busFor(false)) {
        bus->fire(u"item-added/"_s + key, event);
    }
}

bool ModuleApi::removeItem(const QString& key, const QVariant& item)
{
    const auto it = std::find_if(m_items.begin(), m_items.end(),
                                 [&](const auto& entry) { return entry.first == key && entry.second == item; });
    if (it == m_items.end()) {
        return false;
    }
    const QVariant removed = it->second;
    m_items.erase(it);
    Event event;
    event.set(u"source"_s, m_name);
    event.set(u"item"_s, removed);
    if (EventBus* bus = busFor(false)) {
        bus->fire(u"item-removed/"_s + key, event);
    }
    return true;
}

void ModuleApi::handleItems(const QString& key, ItemHandler added, ItemHandler removed, bool handleExisting)
{
    hook(u"item-added/"_s + key, [added](Event& e) {
        added(e.value(u"source"_s).toString(), e.value(u"item"_s));
        return QVariant();
    });
    hook(u"item-removed/"_s + key, [removed](Event& e) {
        removed(e.value(u"source"_s).toString(), e.value(u"item"_s));
        return QVariant();
    });
    if (handleExisting && m_context.modules) {
        for (const auto& [source, item] : m_context.modules->hostItemsWithSource(m_host, key)) {
            added(source, item);
        }
    }
}

QVariantList ModuleApi::hostItems(const QString& key) const
{
    QVariantList list;
    if (m_context.modules) {
        for (const auto& entry : m_context.modules->hostItemsWithSource(m_host, key)) {
            list << entry.second;
        }
    }
    return list;
}

void ModuleApi::provides(const QString& name, QVariantMap item)
{
    if (!item.contains(u"name"_s)) {
        QString providerName = m_name;
        if (providerName.startsWith(name + u'_')) {
            providerName = providerName.mid(name.size() + 1);
        }
        item.insert(u"name"_s, providerName);
    }
    item.insert(u"_provided_by"_s, m_name);
    addItem(name + u"-provider"_s, item);
}

template <typename Store, typename Open>
static Result<std::shared_ptr<Store>> openStoreWith(const ServerContext& context, const QString& host,
                                                    const QString& module, const QString& store, Open open)
{
    if (host == u"*"_s) {
        return Result<std::shared_ptr<Store>>::failure(u"not-allowed"_s, u"global-storage-not-supported"_s);
    }
    if (!context.storage) {
        return Result<std::shared_ptr<Store>>::failure(u"service-unavailable"_s, u"No storage configured"_s);
    }
    return open(*context.storage, host, store.isEmpty() ? module : store);
}

Result<std::shared_ptr<KeyValueStore>> ModuleApi::openKeyValueStore(const QString& store)
{
    return openStoreWith<KeyValueStore>(
        m_context, m_host, m_name, store,
        [](StorageManager& s, const QString& h, const QString& n) { return s.openKeyValue(h, n); });
}

Result<std::shared_ptr<MapStore>> ModuleApi::openMapStore(const QString& store)
{
    return openStoreWith<MapStore>(
        m_context, m_host, m_name, store,
        [](StorageManager& s, const QString& h, const QString& n) { return s.openMap(h, n); });
}

Result<std::shared_ptr<ArchiveStore>> ModuleApi::openArchiveStore(const QString& store)
{
    return openStoreWith<ArchiveStore>(
        m_context, m_host, m_name, store,
        [](StorageManager& s, const QString& h, const QString& n) { return s.openArchive(h, n); });
}

MeasureFactory& ModuleApi::measure()
{
    if (!m_measure) {
        MetricsRegistry* registry = m_context.metrics;
        if (!registry) {
            m_fallbackMetrics = std::make_unique<MetricsRegistry>();
            registry = m_fallbackMetrics.get();
        }
        const QString prefix = u"canto_mod_"_s + m_name + u'/';
        m_measure = isGlobal() ? std::make_unique<MeasureFactory>(*registry, prefix)
                               : std::make_unique<MeasureFactory>(*registry, prefix, QStringList{u"host"_s},
                                                                  QStringList{m_host});
    }
    return *m_measure;
}

Result<std::shared_ptr<MetricFamily>> ModuleApi::metric(MetricType type, const QString& name, const QString& unit,
                                                        const QString& description, QStringList labelKeys,
                                                        QList<double> buckets)
{
    if (!MeasureFactory::isValidName(name)) {
        return Result<std::shared_ptr<MetricFamily>>::failure(u"bad-request"_s, u"Invalid metric name: "_s + name);
    }
    if (!m_context.metrics) {
        measure(); // creates the fallback registry
    }
    MetricsRegistry& registry = m_context.metrics ? *m_context.metrics : *m_fallbackMetrics;
    if (!isGlobal()) {
        labelKeys.prepend(u"host"_s);
    }
    return registry.family(type, u"canto_mod_"_s + m_name + u'/' + name, unit, description, labelKeys, buckets);
}

void ModuleApi::setModule(std::unique_ptr<Module> module)
{
    m_module = std::move(module);
}

void ModuleApi::cleanup()
{
    for (const Registration& r : m_registrations) {
        if (r.bus) {
            r.isWrapper ? r.bus->removeWrapper(r.event, r.id) : r.bus->removeHandler(r.event, r.id);
        }
    }
    m_registrations.clear();
    while (!m_items.empty()) {
        // Removed by position, not through removeItem(): a QVariant holding a type without
        // operator== (CronTask) never compares equal, so removeItem() would not find it.
        const auto [key, item] = m_items.back();
        m_items.pop_back();
        Event event;
        event.set(u"source"_s, m_name);
        event.set(u"item"_s, item);
        if (EventBus* bus = busFor(false)) {
            bus->fire(u"item-removed/"_s + key, event);
        }
    }
    while (!m_pendingIqs.empty()) {
        finishIq(m_pendingIqs.front()->key, Result<XmlElement>::failure(u"cancelled"_s, u"The module was unloaded"_s));
    }
    qDeleteAll(m_timers.children());
    m_sharedRefs.clear();
    m_loaded = false;
}

} // namespace Canto
