#include "modules/external_services/ExternalServicesModule.h"

#include "server/config/ConfigValue.h"
#include "server/core/ClientSession.h"
#include "server/core/ModuleApi.h"
#include "server/xmpp/Stanza.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QMessageAuthenticationCode>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

// XEP-0215 namespaces (v2 current, v1 for clients still on XEP-0215 0.6).
const QString ExtDisco2 = u"urn:xmpp:extdisco:2"_s;
const QString ExtDisco1 = u"urn:xmpp:extdisco:1"_s;
const QString TurnAlgorithm = u"turn"_s;

bool isString(const QVariant& value)
{
    return value.metaType().id() == QMetaType::QString;
}

bool isNumber(const QVariant& value)
{
    const int id = value.metaType().id();
    return id == QMetaType::Double || id == QMetaType::LongLong || id == QMetaType::Int || id == QMetaType::ULongLong ||
           id == QMetaType::UInt || id == QMetaType::Float;
}

bool isTrue(const QVariant& value)
{
    return value.metaType().id() == QMetaType::Bool && value.toBool();
}

QString where(const ConfigValue& value)
{
    return value.location().isValid() ? u" ("_s + value.location().toString() + u')' : QString();
}

QString describe(const QVariantMap& item)
{
    return item.value(u"type"_s).toString() + u'@' + item.value(u"host"_s).toString();
}

} // namespace

QPair<QString, QString> ExternalServicesModule::turnCredentials(const QString& secret, qint64 expires,
                                                                const QString& username)
{
    const QString name = username.isEmpty() ? QString::number(expires) : QString::number(expires) + u':' + username;
    const QByteArray mac = QMessageAuthenticationCode::hash(name.toUtf8(), secret.toUtf8(), QCryptographicHash::Sha1);
    return {name, QString::fromLatin1(mac.toBase64())};
}

Result<void> ExternalServicesModule::load()
{
    m_defaultHost = module().optionString(u"external_service_host"_s, module().host()).value_or(module().host());
    if (const auto port = module().optionInteger(u"external_service_port"_s, std::nullopt, 1, 65535)) {
        m_defaultPort = *port;
    }
    m_defaultSecret = module().optionString(u"external_service_secret"_s).value_or(QString());
    m_defaultTtl = module().optionInteger(u"external_service_ttl"_s, 86400, 1).value_or(86400);
    m_access = module().optionSet(u"external_service_access"_s, QStringList()).value_or(QSet<QString>());
    auto refused = module().measure().counter(u"refused"_s);
    m_refused = refused ? std::move(refused).value() : MeasureFactory::Setter([](double) {});

    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const ConfigValue option = module().option(u"external_services"_s);
    if (!option.isNil() && !option.isTable()) {
        module().log(ModuleApi::LogLevel::Error,
                     u"external_services must be a list of tables, not a %1%2"_s.arg(option.typeName(), where(option)));
    }
    for (const ConfigValue& entry : option.array()) {
        const Complain complain = [this, &entry](ModuleApi::LogLevel level, const QString& message) {
            module().log(level, u"external_services: "_s + message + where(entry));
        };
        if (!entry.isTable()) {
            complain(ModuleApi::LogLevel::Error, u"service definition is not a table: "_s + entry.toLua());
            continue;
        }
        const QVariantMap item = entry.toVariant().toMap();
        if (prepare(item, now, complain)) {
            m_configured.append(item);
        }
    }
    if (!option.map().isEmpty()) {
        module().log(ModuleApi::LogLevel::Warn,
                     u"external_services: keyed entries are ignored, it is a list of tables%1"_s.arg(where(option)));
    }
    loadTurnExternal();

    // As Prosody's module.load: say so when nothing usable is left.
    if (services(now).isEmpty()) {
        module().setStatus(ModuleStatus::Type::Warn, u"No services configured or all had errors"_s);
    }

    for (const QString& xmlns : {ExtDisco2, ExtDisco1}) {
        module().addFeature(xmlns);
        module().hook(u"iq-get/host/"_s + xmlns + u":services"_s, [this](Event& event) { return onServices(event); });
        module().hook(u"iq-get/host/"_s + xmlns + u":credentials"_s,
                      [this](Event& event) { return onCredentials(event); });
    }
    return {};
}

void ExternalServicesModule::loadTurnExternal()
{
    // Prosody's mod_turn_external, configured by the same options.
    const auto secret = module().optionString(u"turn_external_secret"_s);
    if (!secret || secret->isEmpty()) {
        return;
    }
    const QString host = module().optionString(u"turn_external_host"_s, module().host()).value_or(module().host());
    const QString user = module().optionString(u"turn_external_user"_s).value_or(QString());
    const qint64 port = module().optionInteger(u"turn_external_port"_s, 3478, 1, 65535).value_or(3478);
    const qint64 ttl = module().optionInteger(u"turn_external_ttl"_s, 86400, 1).value_or(86400);
    const bool tcp = module().optionBoolean(u"turn_external_tcp"_s, false).value_or(false);
    const auto tlsPort = module().optionInteger(u"turn_external_tls_port"_s, std::nullopt, 1, 65535);

    for (const QString& type : {u"stun"_s, u"turn"_s, u"turns"_s}) {
        for (const QString& transport : {u"udp"_s, u"tcp"_s}) {
            const bool wanted =
                (type == u"turns"_s) ? (transport == u"tcp"_s && tlsPort.has_value()) : (transport == u"udp"_s || tcp);
            if (!wanted) {
                continue;
            }
            QVariantMap item{{u"type"_s, type},
                             {u"transport"_s, transport},
                             {u"host"_s, host},
                             {u"port"_s, type == u"turns"_s ? *tlsPort : port}};
            if (type == TurnAlgorithm) {
                if (!user.isEmpty()) {
                    item.insert(u"username"_s, user);
                }
                item.insert(u"secret"_s, *secret);
                item.insert(u"ttl"_s, ttl);
            }
            m_configured.append(item);
        }
    }
}

std::optional<ExternalServicesModule::Service> ExternalServicesModule::prepare(const QVariantMap& item, qint64 now,
                                                                               const Complain& complain) const
{
    Service service;
    service.host = m_defaultHost;
    service.port = m_defaultPort;
    const QVariant type = item.value(u"type"_s);
    if (!isString(type) || type.toString().isEmpty()) {
        complain(ModuleApi::LogLevel::Error, u"service without its mandatory 'type' field, skipped"_s);
        return std::nullopt;
    }
    service.type = type.toString();
    if (isString(item.value(u"transport"_s))) {
        service.transport = item.value(u"transport"_s).toString();
    } else {
        complain(ModuleApi::LogLevel::Warn, u"service "_s + service.type + u" has no 'transport' field"_s);
    }
    if (isString(item.value(u"host"_s))) {
        service.host = item.value(u"host"_s).toString();
    }
    const QVariant port = item.value(u"port"_s);
    if (isNumber(port) && port.toDouble() >= 1 && port.toDouble() <= 65535) {
        service.port = qint64(port.toDouble());
    } else if (port.isValid()) {
        complain(ModuleApi::LogLevel::Warn, u"service "_s + service.type + u" has an invalid 'port', ignored"_s);
    } else if (!service.port) {
        complain(ModuleApi::LogLevel::Warn, u"service "_s + service.type + u" has no 'port' field"_s);
    }
    if (isString(item.value(u"username"_s))) {
        service.username = item.value(u"username"_s).toString();
    }
    if (isString(item.value(u"password"_s))) {
        service.password = item.value(u"password"_s).toString();
        service.restricted = true;
    }
    if (isTrue(item.value(u"restricted"_s))) {
        service.restricted = true;
    }
    const QVariant ttl = item.value(u"ttl"_s);
    if (isNumber(item.value(u"expires"_s))) {
        service.expires = qint64(item.value(u"expires"_s).toDouble());
    } else if (isNumber(ttl)) {
        service.expires = now + qint64(ttl.toDouble());
    }
    const QVariant secretValue = item.value(u"secret"_s);
    QString secret;
    if (isTrue(secretValue)) {
        secret = m_defaultSecret;
        if (secret.isEmpty()) {
            complain(ModuleApi::LogLevel::Warn,
                     u"service "_s + service.type + u" has secret = true but external_service_secret is not set"_s);
        }
    } else if (isString(secretValue)) {
        secret = secretValue.toString();
    }
    if (!secret.isEmpty()) {
        const QString algorithm =
            isString(item.value(u"algorithm"_s)) ? item.value(u"algorithm"_s).toString() : service.type;
        if (algorithm == TurnAlgorithm) {
            const qint64 lifetime = isNumber(ttl) ? qint64(ttl.toDouble()) : m_defaultTtl;
            const qint64 expires = service.expires.value_or(now + lifetime);
            const auto credentials =
                turnCredentials(secret, expires,
                                isString(item.value(u"username"_s)) ? item.value(u"username"_s).toString() : QString());
            service.username = credentials.first;
            service.password = credentials.second;
            service.restricted = true;
        }
    }
    return service;
}

QList<ExternalServicesModule::Service> ExternalServicesModule::services(qint64 now) const
{
    const Complain quiet = [](ModuleApi::LogLevel, const QString&) {
    };
    QList<Service> result;
    for (const QVariantMap& item : m_configured) {
        if (auto service = prepare(item, now, quiet)) {
            result.append(*service);
        }
    }
    for (const QVariant& extra : module().hostItems(u"external_service"_s)) {
        const QVariantMap item = extra.toMap();
        const Complain complain = [this, &item](ModuleApi::LogLevel level, const QString& message) {
            module().log(level, u"external_service item "_s + describe(item) + u": "_s + message);
        };
        if (auto service = prepare(item, now, complain)) {
            result.append(*service);
        }
    }
    return result;
}

bool ExternalServicesModule::mayAsk(const Event& event) const
{
    const QString from = event.stanza->attribute(u"from");
    const QString bare = from.section(u'/', 0, 0);
    const QString host = bare.section(u'@', -1);
    if (m_access.isEmpty()) {
        return event.origin && event.origin->isClient() && event.origin->host() == module().host();
    }
    return m_access.contains(bare) || m_access.contains(host);
}

QVariant ExternalServicesModule::onServices(Event& event)
{
    const XmlElement& iq = *event.stanza;
    if (!event.origin) {
        return {};
    }
    if (!mayAsk(event)) {
        m_refused(1);
        event.origin->send(Stanza::errorReply(iq, u"auth"_s, u"forbidden"_s));
        return true;
    }
    const XmlElement& action = *iq.firstChild();
    QList<Service> list = services(QDateTime::currentSecsSinceEpoch());
    const QString type = action.attribute(u"type");
    if (!type.isEmpty()) {
        list.removeIf([&type](const Service& service) { return service.type != type; });
    }
    XmlElement reply = Stanza::reply(iq);
    reply.addChild(toXml(list, action.name(), action.xmlns()));
    event.origin->send(reply);
    return true;
}

QVariant ExternalServicesModule::onCredentials(Event& event)
{
    const XmlElement& iq = *event.stanza;
    if (!event.origin) {
        return {};
    }
    if (!mayAsk(event)) {
        m_refused(1);
        event.origin->send(Stanza::errorReply(iq, u"auth"_s, u"forbidden"_s));
        return true;
    }
    const XmlElement& action = *iq.firstChild();
    QSet<QString> requested;
    for (const XmlElement* wanted : action.children(u"service")) {
        const QString type = wanted->attribute(u"type");
        const QString host = wanted->attribute(u"host");
        if (type.isEmpty() || host.isEmpty()) {
            m_refused(1);
            event.origin->send(Stanza::errorReply(iq, u"modify"_s, u"bad-request"_s,
                                                  u"The 'type' and 'host' attributes are required."_s));
            return true;
        }
        requested.insert(type + u':' + host + u':' + QString::number(wanted->attribute(u"port").toLongLong()));
    }
    QList<Service> list = services(QDateTime::currentSecsSinceEpoch());
    list.removeIf([&requested](const Service& service) {
        const QString prefix = service.type + u':' + service.host + u':';
        return !service.restricted || !(requested.contains(prefix + QString::number(service.port.value_or(0))) ||
                                        requested.contains(prefix + u'0'));
    });
    XmlElement reply = Stanza::reply(iq);
    reply.addChild(toXml(list, action.name(), action.xmlns()));
    event.origin->send(reply);
    return true;
}

XmlElement ExternalServicesModule::toXml(const QList<Service>& services, const QString& name, const QString& xmlns)
{
    XmlElement result(name, xmlns);
    for (const Service& service : services) {
        XmlElement& element = result.addChild(u"service"_s);
        element.setAttribute(u"type"_s, service.type);
        element.setAttribute(u"host"_s, service.host);
        if (!service.transport.isEmpty()) {
            element.setAttribute(u"transport"_s, service.transport);
        }
        if (service.port) {
            element.setAttribute(u"port"_s, QString::number(*service.port));
        }
        if (!service.username.isEmpty()) {
            element.setAttribute(u"username"_s, service.username);
        }
        if (!service.password.isEmpty()) {
            element.setAttribute(u"password"_s, service.password);
        }
        if (service.expires) {
            // XEP-0082 DateTime in UTC.
            element.setAttribute(
                u"expires"_s,
                QDateTime::fromSecsSinceEpoch(*service.expires, Qt::UTC).toString(u"yyyy-MM-dd'T'HH:mm:ss'Z'"_s));
        }
        if (service.restricted) {
            element.setAttribute(u"restricted"_s, u"1"_s);
        }
    }
    return result;
}

} // namespace Canto::Modules
