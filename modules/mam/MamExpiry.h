#pragma once

#include "server/config/ConfigValue.h"
#include "shared/Result.h"

#include <QObject>
#include <QStringList>

#include <memory>
#include <optional>

namespace Canto {
class ArchiveStore;
}

namespace Canto::Modules {

/// Archive expiry (archive_expires_after): deletes every user's archived messages older than
/// the configured age. A run walks the store's users one at a time (the SQL driver does the
/// work on its worker thread; nothing blocks the routing thread) and reports when done.
class MamExpiry : public QObject
{
    Q_OBJECT

public:
    /// Prosody 0.12's reading of archive_expires_after: "never" (or false) disables expiry;
    /// a number is seconds; a string is "<n>[d|w|m|y]" (the first letter after the number,
    /// case-insensitive: "2 weeks" is 2w; m is 31 days, y 365.2425 days; no unit is seconds).
    /// Returns the age in seconds, nullopt for never, "bad-request" for anything else.
    static Result<std::optional<qint64>> parseAge(const ConfigValue& value);

    MamExpiry(std::shared_ptr<ArchiveStore> store, qint64 maxAgeSeconds, QObject* parent = nullptr);

    qint64 maxAge() const { return m_maxAge; }
    bool isRunning() const { return m_running; }
    /// Deletes items with `when` <= now - maxAge for every user; ignored while a run is going.
    void run(qint64 now);

Q_SIGNALS:
    /// A run ended: `deleted` items removed for `users` users (failures were reported).
    void finished(int deleted, int users);
    void failed(const QString& user, const QString& error);

private:
    void next();

    std::shared_ptr<ArchiveStore> m_store;
    qint64 m_maxAge;
    bool m_running = false;
    qint64 m_cutoff = 0;
    QStringList m_users; // still to clean in this run
    int m_deleted = 0;
    int m_cleanedUsers = 0;
};

} // namespace Canto::Modules
