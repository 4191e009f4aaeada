#pragma once

#include <QHash>
#include <QString>

#include <chrono>
#include <functional>

namespace Canto {

/// Failed-login throttling, per client address and per account. Each key (an IP address, or an
/// account such as "user@host") counts failures inside a sliding `window`; once it reaches
/// `maxFailures`, attempts for that key are refused for `backoff`, doubled for every further
/// failure up to `maxBackoff`. An attempt is refused if either its address or its account is
/// blocked. Successful logins clear the account's record but not the address's (so one valid
/// account does not reset an address guessing at others). Records expire after the window (or
/// the block) has passed; purgeExpired() drops them, and the table is capped at `maxEntries`
/// (oldest activity evicted first) so a flood of addresses cannot grow memory without bound.
/// Time comes from the injected monotonic clock, so tests need no sleeps. Event-loop thread only.
class LoginThrottle
{
public:
    using Clock = std::function<std::chrono::milliseconds()>;

    struct Policy
    {
        int maxFailures = 5;         ///< per account
        int maxAddressFailures = 20; ///< per client address (offices share one behind NAT)
        std::chrono::milliseconds window = std::chrono::minutes(10);
        std::chrono::milliseconds backoff = std::chrono::minutes(1);
        std::chrono::milliseconds maxBackoff = std::chrono::hours(1);
        int maxEntries = 100000;
    };

    struct Decision
    {
        bool isAllowed = true;
        std::chrono::milliseconds retryAfter{0}; ///< when refused: time until the block ends
    };

    /// Without a clock, monotonic time (std::chrono::steady_clock) is used.
    LoginThrottle();
    explicit LoginThrottle(Policy policy, Clock clock = {});

    Decision check(const QString& address, const QString& account) const;
    void recordFailure(const QString& address, const QString& account);
    void recordSuccess(const QString& address, const QString& account);
    void purgeExpired();
    int trackedCount() const { return int(m_entries.size()); }

private:
    struct Entry
    {
        int failures = 0;
        std::chrono::milliseconds windowStart{0};
        std::chrono::milliseconds lastActivity{0};
        std::chrono::milliseconds blockedUntil{0};
        std::chrono::milliseconds currentBackoff{0};
    };

    static QString addressKey(const QString& address) { return u"ip:" + address; }
    static QString accountKey(const QString& account) { return u"user:" + account; }
    std::chrono::milliseconds blockRemaining(const QString& key, std::chrono::milliseconds now) const;
    void fail(const QString& key, std::chrono::milliseconds now);
    bool isExpired(const Entry& entry, std::chrono::milliseconds now) const;
    void evictOldest();

    Policy m_policy;
    Clock m_clock;
    QHash<QString, Entry> m_entries;
};

} // namespace Canto
