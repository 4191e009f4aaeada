#include "server/auth/LoginThrottle.h"

#include <algorithm>
#include <vector>

using namespace std::chrono;

namespace Canto {

LoginThrottle::LoginThrottle() : LoginThrottle(Policy{}) {}

LoginThrottle::LoginThrottle(Policy policy, Clock clock) : m_policy(policy), m_clock(std::move(clock))
{
    if (!m_clock) {
        m_clock = [] {
            return duration_cast<milliseconds>(steady_clock::now().time_since_epoch());
        };
    }
}

LoginThrottle::Decision LoginThrottle::check(const QString& address, const QString& account) const
{
    const milliseconds now = m_clock();
    milliseconds remaining{0};
    if (!address.isEmpty())
        remaining = std::max(remaining, blockRemaining(addressKey(address), now));
    if (!account.isEmpty())
        remaining = std::max(remaining, blockRemaining(accountKey(account), now));
    return Decision{remaining <= milliseconds(0), std::max(remaining, milliseconds(0))};
}

void LoginThrottle::recordFailure(const QString& address, const QString& account)
{
    const milliseconds now = m_clock();
    if (!address.isEmpty())
        fail(addressKey(address), now);
    if (!account.isEmpty())
        fail(accountKey(account), now);
}

void LoginThrottle::recordSuccess(const QString& address, const QString& account)
{
    Q_UNUSED(address) // see the class comment: an address keeps its failures
    if (!account.isEmpty())
        m_entries.remove(accountKey(account));
}

void LoginThrottle::purgeExpired()
{
    const milliseconds now = m_clock();
    m_entries.removeIf([&](const QHash<QString, Entry>::iterator it) { return isExpired(it.value(), now); });
}

milliseconds LoginThrottle::blockRemaining(const QString& key, milliseconds now) const
{
    const auto it = m_entries.constFind(key);
    if (it == m_entries.constEnd())
        return milliseconds(0);
    return it->blockedUntil - now;
}

bool LoginThrottle::isExpired(const Entry& entry, milliseconds now) const
{
    return now >= entry.blockedUntil && now - entry.windowStart >= m_policy.window;
}

void LoginThrottle::fail(const QString& key, milliseconds now)
{
    auto it = m_entries.find(key);
    if (it == m_entries.end()) {
        if (m_entries.size() >= m_policy.maxEntries)
            evictOldest();
        it = m_entries.insert(key, Entry{0, now, now, milliseconds(0), milliseconds(0)});
    } else if (isExpired(*it, now)) {
        *it = Entry{0, now, now, milliseconds(0), milliseconds(0)};
    }
    Entry& entry = *it;
    entry.lastActivity = now;
    ++entry.failures;
    const int limit = key.startsWith(u"ip:") ? m_policy.maxAddressFailures : m_policy.maxFailures;
    if (entry.failures < limit)
        return;
    // At the threshold: block; each further failure (even while blocked) doubles the block.
    entry.currentBackoff = entry.currentBackoff == milliseconds(0)
                               ? m_policy.backoff
                               : std::min(entry.currentBackoff * 2, m_policy.maxBackoff);
    entry.blockedUntil = now + entry.currentBackoff;
    // Keep the record alive as long as the block lasts.
    entry.windowStart = std::max(entry.windowStart, entry.blockedUntil - m_policy.window);
}

void LoginThrottle::evictOldest()
{
    // Called when the table is full: drop what has expired, and if that is not enough, the least
    // recently active tenth at once, so a flood of new keys costs amortized O(1) per insert.
    purgeExpired();
    if (m_entries.size() < m_policy.maxEntries)
        return;
    std::vector<milliseconds> activity;
    activity.reserve(size_t(m_entries.size()));
    for (const Entry& entry : std::as_const(m_entries))
        activity.push_back(entry.lastActivity);
    const auto cut = activity.begin() + qsizetype(activity.size() / 10);
    std::nth_element(activity.begin(), cut, activity.end());
    const milliseconds threshold = *cut;
    m_entries.removeIf([&](const QHash<QString, Entry>::iterator it) { return it->lastActivity <= threshold; });
}

} // namespace Canto
