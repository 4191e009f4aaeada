#pragma once

#include "server/core/Module.h"
#include "server/core/ModuleApi.h"
#include "server/metrics/MeasureFactory.h"

#include <QList>
#include <QSet>
#include <QVariantMap>

#include <functional>
#include <optional>

namespace Canto {
class Event;
class XmlElement;
} // namespace Canto

namespace Canto::Modules {

/// External Service Discovery (XEP-0215 urn:xmpp:extdisco:2, and :1 for old clients), after
/// Prosody's mod_external_services with mod_turn_external folded in:
/// - `external_services`: a list of tables { type, transport, host, port, username, password,
///   restricted, expires, ttl, secret, algorithm } (Prosody's fields and rules; defaults from
///   `external_service_host` (the host), `external_service_port`, `external_service_secret` for
///   `secret = true`, `external_service_ttl` (86400)). A service with a secret and type "turn"
///   gets time-limited credentials (draft-uberti-behave-turn-rest): username "<expiry>[:<user>]",
///   password base64(HMAC-SHA1(secret, username)).
/// - `turn_external_secret` (+ `turn_external_host`, `_port` 3478, `_user`, `_ttl` 86400, `_tcp`,
///   `_tls_port`): the stun/turn(/turns) services of Prosody's mod_turn_external.
/// - items "external_service" (QVariantMap with the same fields) added by other modules.
/// Only clients of this host may ask (or, with `external_service_access`, the JIDs and hosts in
/// it); others get "forbidden". Bad entries are logged with their config location and skipped.
class ExternalServicesModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;

    /// One service as sent (Prosody's prepared record).
    struct Service
    {
        QString type;
        QString transport;
        QString host;
        std::optional<qint64> port;
        QString username;
        QString password;
        bool restricted = false;
        std::optional<qint64> expires;
    };
    using Complain = std::function<void(ModuleApi::LogLevel level, const QString& message)>;

    /// The TURN REST credentials for `username` (may be empty) expiring at `expires`.
    static QPair<QString, QString> turnCredentials(const QString& secret, qint64 expires, const QString& username);

private:
    /// Prosody's prepare(): validates one definition at time `now` (nullopt when unusable).
    std::optional<Service> prepare(const QVariantMap& item, qint64 now, const Complain& complain) const;
    QList<Service> services(qint64 now) const;
    bool mayAsk(const Event& event) const;
    QVariant onServices(Event& event);
    QVariant onCredentials(Event& event);
    void loadTurnExternal();
    static XmlElement toXml(const QList<Service>& services, const QString& name, const QString& xmlns);

    QList<QVariantMap> m_configured; // valid definitions from the config
    QString m_defaultHost;
    std::optional<qint64> m_defaultPort;
    QString m_defaultSecret;
    qint64 m_defaultTtl = 86400;
    QSet<QString> m_access;
    MeasureFactory::Setter m_refused; // counter of refused requests
};

} // namespace Canto::Modules
