#include "modules/register/RegistrationLimits.h"

#include <QHostAddress>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

RegistrationLimits::RegistrationLimits(Settings settings) : m_settings(std::move(settings))
{
    m_settings.cacheSize = std::max(m_settings.cacheSize, 1);
}

QString RegistrationLimits::normalized(const QString& address)
{
    QHostAddress host(address);
    if (host.isNull()) {
        return address;
    }
    bool isV4 = false;
    const quint32 v4 = host.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4).toString() : host.toString();
}

bool RegistrationLimits::matches(const QStringList& set, const QString& address)
{
    const QHostAddress host(normalized(address));
    for (const QString& entry : set) {
        if (entry == address) {
            return true;
        }
        if (host.isNull()) {
            continue;
        }
        if (entry.contains(u'/')) {
            const auto subnet = QHostAddress::parseSubnet(entry);
            if (!subnet.first.isNull() && host.isInSubnet(subnet)) {
                return true;
            }
        } else if (host.isEqual(QHostAddress(entry), QHostAddress::ConvertV4MappedToIPv4)) {
            return true;
        }
    }
    return false;
}

std::optional<StanzaError> RegistrationLimits::check(const QString& address, qint64 nowMs)
{
    if (address.isEmpty()) {
        return {};
    }
    const auto refuse = [](const QString& type, const QString& condition, const QString& text) {
        StanzaError error;
        error.type = type;
        error.condition = condition;
        error.text = text;
        return error;
    };
    if (matches(m_settings.blocklist, address)) {
        return refuse(u"auth"_s, u"forbidden"_s, u"Your IP address is blocklisted"_s);
    }
    const bool allowlisted = matches(m_settings.allowlist, address);
    if (m_settings.allowlistOnly && !allowlisted) {
        return refuse(u"auth"_s, u"forbidden"_s, u"Your IP address is not allowlisted"_s);
    }
    if (m_settings.throttleMax && !allowlisted && !poll(normalized(address), nowMs)) {
        return refuse(u"wait"_s, u"policy-violation"_s, u"Too many registrations from this IP address recently"_s);
    }
    return {};
}

bool RegistrationLimits::poll(const QString& address, qint64 nowMs)
{
    const double max = *m_settings.throttleMax;
    auto it = m_buckets.find(address);
    if (it == m_buckets.end()) {
        it = m_buckets.insert(address, Bucket{max, nowMs});
    } else {
        m_order.removeOne(address);
        // Refill at max per period, up to max (util.throttle).
        const double rate = m_settings.throttlePeriod > 0 ? max / m_settings.throttlePeriod : max;
        it->balance = std::min(max, it->balance + rate * double(nowMs - it->updatedMs) / 1000.0);
        it->updatedMs = nowMs;
    }
    const bool allowed = it->balance >= 1;
    if (allowed) {
        it->balance -= 1;
    }
    m_order.append(address);
    while (m_order.size() > m_settings.cacheSize) {
        m_buckets.remove(m_order.takeFirst()); // invalidates `it`
    }
    return allowed;
}

} // namespace Canto::Modules
