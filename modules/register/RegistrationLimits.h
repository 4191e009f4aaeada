#pragma once

#include "server/xmpp/StanzaError.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Canto::Modules {

/// Who may register from where, as Prosody 0.12's mod_register_limits: an address blocklist
/// (`registration_blocklist`, formerly `registration_blacklist`), an optional allowlist-only
/// mode (`allowlist_registration_only` with `registration_allowlist`, formerly
/// `..._whitelist`; default allowlist 127.0.0.1 and ::1), and a per-address throttle of
/// `throttleMax` registrations per `throttlePeriod` seconds (a token bucket like util.throttle;
/// `min_seconds_between_registrations = N` means 1 per N seconds) that allowlisted addresses
/// skip. Entries are addresses or CIDR subnets. At most `cacheSize` addresses are tracked
/// (the least recently used is forgotten).
class RegistrationLimits
{
public:
    struct Settings
    {
        std::optional<double> throttleMax; // none: no throttle
        double throttlePeriod = 0;         // seconds
        int cacheSize = 100;
        QStringList allowlist{QStringLiteral("127.0.0.1"), QStringLiteral("::1")};
        QStringList blocklist;
        bool allowlistOnly = false;
    };

    explicit RegistrationLimits(Settings settings);

    /// Checks (and, when allowed, counts) one registration from `address` at `nowMs`
    /// (a monotonic clock in milliseconds). Returns the error to answer with, if refused:
    /// auth/forbidden for a blocked or not allowlisted address, wait/policy-violation when
    /// throttled. An unknown (empty) address is allowed, as in Prosody.
    std::optional<StanzaError> check(const QString& address, qint64 nowMs);

    /// The textual form used for comparisons: IPv4-mapped IPv6 addresses as IPv4.
    static QString normalized(const QString& address);
    static bool matches(const QStringList& set, const QString& address);

private:
    struct Bucket
    {
        double balance = 0;
        qint64 updatedMs = 0;
    };

    bool poll(const QString& address, qint64 nowMs);

    Settings m_settings;
    QHash<QString, Bucket> m_buckets;
    QList<QString> m_order; // least recently used first
};

} // namespace Canto::Modules
