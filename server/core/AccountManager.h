#pragma once

#include "server/auth/ScramCredentials.h"
#include "shared/Result.h"

#include <QFuture>
#include <QHash>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

namespace Canto {

class LoginThrottle;
struct ServerContext;

/// User accounts of local hosts (Prosody's usermanager with auth_internal_hashed): SCRAM
/// credentials in the keyval store "accounts" of each host, with Prosody's fields (salt,
/// iteration_count, stored_key, server_key) plus SHA-256 keys. Password hashing runs on
/// QThreadPool; storage is asynchronous. Also keeps the failed-login throttle.
class AccountManager : public QObject
{
    Q_OBJECT

public:
    explicit AccountManager(ServerContext& context, QObject* parent = nullptr);
    ~AccountManager() override;

    /// The stored credentials of user@host, nullopt when there is no such account.
    QFuture<Result<std::optional<ScramCredentials>>> credentials(const QString& host, const QString& username);
    QFuture<Result<bool>> exists(const QString& host, const QString& username);
    /// Creates an account; "conflict" if it exists.
    QFuture<Result<void>> create(const QString& host, const QString& username, const QString& password);
    /// Sets a password (SHA-1 and SHA-256 keys); "item-not-found" if there is no such account.
    QFuture<Result<void>> setPassword(const QString& host, const QString& username, const QString& password);
    /// Deletes the account, fires the global `user-deleted` event (fields username, host), then
    /// deletes everything stored for the user (StorageManager::purgeUser).
    QFuture<Result<void>> remove(const QString& host, const QString& username);
    QFuture<Result<QStringList>> users(const QString& host);

    /// After a login that revealed the password (PLAIN): adds missing SHA-1/SHA-256 keys.
    void upgradeCredentials(const QString& host, const QString& username, const QString& password);

    /// Counts the accounts of `host` that have only SHA-1 SCRAM keys (migrated from Prosody).
    /// While there are any, SCRAM-SHA-256 is not offered on that host: clients pick the strongest
    /// mechanism offered and would fail with it. Re-checked whenever a password is stored.
    QFuture<Result<int>> refreshScramPolicy(const QString& host);
    bool offersScramSha256(const QString& host) const { return m_sha1OnlyAccounts.value(host, 0) == 0; }

    LoginThrottle* throttle() const { return m_throttle.get(); }
    void recordSuccess(const QString& address, const QString& host, const QString& username);
    void recordFailure(const QString& address, const QString& host, const QString& username, const QString& mechanism);
    /// Secret for SCRAM's fake salts of unknown users (stable for the process).
    const QByteArray& fakeSaltSecret() const { return m_fakeSaltSecret; }

Q_SIGNALS:
    void passwordChanged(const QString& host, const QString& username);

private:
    QFuture<Result<void>> store(const QString& host, const QString& username, const QString& password, bool mustExist,
                                bool mustNotExist);

    ServerContext& m_context;
    std::unique_ptr<LoginThrottle> m_throttle;
    QHash<QString, int> m_sha1OnlyAccounts;
    QByteArray m_fakeSaltSecret;
};

} // namespace Canto
