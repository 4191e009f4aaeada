#include "modules/mam/MamExpiry.h"

#include "server/storage/ArchiveStore.h"

#include <QRegularExpression>

#include <cmath>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

Result<std::optional<qint64>> MamExpiry::parseAge(const ConfigValue& value)
{
    using R = Result<std::optional<qint64>>;
    if (value.isBool() && !value.toBool())
        return R(std::optional<qint64>());
    if (value.isNumber())
        return R(std::optional<qint64>(qint64(value.toNumber())));
    const QString text = value.toString().toLower();
    if (text == u"never"_s)
        return R(std::optional<qint64>());
    static const QRegularExpression pattern(uR"((\d+)\s*([dwmy]?))"_s);
    const QRegularExpressionMatch match = pattern.match(text);
    if (!value.isString() || !match.hasMatch())
        return R::failure(u"bad-request"_s, u"Could not parse archive_expires_after"_s);
    constexpr double Day = 86400;
    double multiplier = 1;
    const QString unit = match.captured(2);
    if (unit == u"d"_s)
        multiplier = Day;
    else if (unit == u"w"_s)
        multiplier = Day * 7;
    else if (unit == u"m"_s)
        multiplier = Day * 31;
    else if (unit == u"y"_s)
        multiplier = Day * 365.2425;
    return R(std::optional<qint64>(qint64(std::floor(match.captured(1).toDouble() * multiplier))));
}

MamExpiry::MamExpiry(std::shared_ptr<ArchiveStore> store, qint64 maxAgeSeconds, QObject* parent)
    : QObject(parent), m_store(std::move(store)), m_maxAge(maxAgeSeconds)
{}

void MamExpiry::run(qint64 now)
{
    if (m_running)
        return;
    m_running = true;
    m_cutoff = now - m_maxAge;
    m_deleted = 0;
    m_cleanedUsers = 0;
    m_store->users().then(this, [this](Result<QStringList> users) {
        if (!users) {
            Q_EMIT failed(QString(), users.error().toString());
            m_running = false;
            Q_EMIT finished(0, 0);
            return;
        }
        m_users = users.value();
        next();
    });
}

void MamExpiry::next()
{
    if (m_users.isEmpty()) {
        m_running = false;
        Q_EMIT finished(m_deleted, m_cleanedUsers);
        return;
    }
    const QString user = m_users.takeFirst();
    ArchiveQuery query;
    query.end = m_cutoff;
    m_store->deleteItems(user, query).then(this, [this, user](Result<int> deleted) {
        if (deleted) {
            m_deleted += deleted.value();
            ++m_cleanedUsers;
        } else {
            Q_EMIT failed(user, deleted.error().toString());
        }
        // Yield to the event loop between users, so a big run never holds up routing.
        QMetaObject::invokeMethod(
            this, [this] { next(); }, Qt::QueuedConnection);
    });
}

} // namespace Canto::Modules
