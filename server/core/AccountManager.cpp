#include "server/core/AccountManager.h"

#include "server/auth/LoginThrottle.h"
#include "server/config/Config.h"
#include "server/core/Event.h"
#include "server/core/EventBus.h"
#include "server/core/ServerContext.h"
#include "server/storage/KeyValueStore.h"
#include "server/storage/MapStore.h"
#include "server/storage/StorageManager.h"
#include "shared/Jid.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QRandomGenerator>
#include <QtConcurrent>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcAccounts, "canto.core.accounts")

namespace Canto {

namespace {
const QString AccountsStore = QStringLiteral("accounts");

template <typename T> QFuture<Result<T>> failed(const Error& error)
{
    return QtFuture::makeReadyFuture(Result<T>(error));
}
} // namespace

namespace {
// The failed-login throttle from the config (seconds or periods like "10 minutes").
LoginThrottle::Policy throttlePolicy(const Config* config)
{
    LoginThrottle::Policy policy;
    if (!config) {
        return policy;
    }
    const QString global = QString(Config::Global.toString());
    const auto number = [&](const QString& name, int fallback) {
        const ConfigValue v = config->get(global, name);
        return v.isNumber() && v.toNumber() >= 1 ? int(v.toNumber()) : fallback;
    };
    policy.maxFailures = number(u"login_failures_per_account"_s, policy.maxFailures);
    policy.maxAddressFailures = number(u"login_failures_per_address"_s, policy.maxAddressFailures);
    policy.window = std::chrono::seconds(number(u"login_failure_window"_s, 600));
    policy.backoff = std::chrono::seconds(number(u"login_failure_backoff"_s, 60));
    return policy;
}
} // namespace

AccountManager::AccountManager(ServerContext& context, QObject* parent)
    : QObject(parent), m_context(context), m_throttle(std::make_unique<LoginThrottle>(throttlePolicy(context.config)))
{
    m_fakeSaltSecret.resize(32);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(m_fakeSaltSecret.data()), 8);
}

AccountManager::~AccountManager() = default;

QFuture<Result<std::optional<ScramCredentials>>> AccountManager::credentials(const QString& host,
                                                                             const QString& username)
{
    using R = Result<std::optional<ScramCredentials>>;
    if (!m_context.storage) {
        return failed<std::optional<ScramCredentials>>(Error{u"service-unavailable"_s, u"No storage"_s});
    }
    Result<std::shared_ptr<KeyValueStore>> store = m_context.storage->openKeyValue(host, AccountsStore);
    if (!store) {
        return failed<std::optional<ScramCredentials>>(store.error());
    }
    return store.value()->get(username).then([](Result<QVariant> value) -> R {
        if (!value) {
            return value.error();
        }
        if (!value.value().isValid()) {
            return std::optional<ScramCredentials>();
        }
        Result<ScramCredentials> creds = ScramCredentials::fromMap(value.value().toMap());
        if (!creds) {
            return creds.error();
        }
        return std::optional<ScramCredentials>(creds.value());
    });
}

QFuture<Result<bool>> AccountManager::exists(const QString& host, const QString& username)
{
    return credentials(host, username).then([](Result<std::optional<ScramCredentials>> creds) -> Result<bool> {
        if (!creds) {
            return creds.error();
        }
        return creds.value().has_value();
    });
}

QFuture<Result<void>> AccountManager::create(const QString& host, const QString& username, const QString& password)
{
    return store(host, username, password, false, true);
}

QFuture<Result<void>> AccountManager::setPassword(const QString& host, const QString& username, const QString& password)
{
    return store(host, username, password, true, false);
}

QFuture<Result<void>> AccountManager::store(const QString& host, const QString& username, const QString& password,
                                            bool mustExist, bool mustNotExist)
{
    if (!m_context.storage) {
        return failed<void>(Error{u"service-unavailable"_s, u"No storage"_s});
    }
    Result<QString> node = Jid::nodeprep(username);
    if (!node || node.value().isEmpty()) {
        return failed<void>(Error{u"jid-malformed"_s, u"Invalid username: "_s + username});
    }
    if (password.isEmpty()) {
        return failed<void>(Error{u"not-acceptable"_s, u"The password is empty"_s});
    }
    Result<std::shared_ptr<KeyValueStore>> opened = m_context.storage->openKeyValue(host, AccountsStore);
    if (!opened) {
        return failed<void>(opened.error());
    }
    std::shared_ptr<KeyValueStore> kv = opened.value();
    const QString user = node.value();
    // Prosody's option for the PBKDF2 iteration count of new password hashes.
    int iterations = ScramCredentials::DefaultIterations;
    if (m_context.config) {
        const ConfigValue configured = m_context.config->get(host, u"default_iteration_count"_s);
        if (configured.isNumber() && configured.toNumber() >= 4096) {
            iterations = int(configured.toNumber());
        }
    }
    QPointer<AccountManager> self(this);
    auto promise = std::make_shared<QPromise<Result<void>>>();
    promise->start();
    kv->get(user).then(this, [=, this](Result<QVariant> existing) {
        if (!existing) {
            promise->addResult(Result<void>(existing.error()));
            promise->finish();
            return;
        }
        const bool present = existing.value().isValid();
        if (mustExist && !present) {
            promise->addResult(Result<void>::failure(u"item-not-found"_s, u"No such account: "_s + user + u'@' + host));
            promise->finish();
            return;
        }
        if (mustNotExist && present) {
            promise->addResult(Result<void>::failure(u"conflict"_s, u"The account exists: "_s + user + u'@' + host));
            promise->finish();
            return;
        }
        // PBKDF2 is slow by design: derive off the event loop.
        QtConcurrent::run([password, iterations] {
            return ScramCredentials::create(password, iterations);
        }).then(this, [=, this](Result<ScramCredentials> creds) {
            if (!creds) {
                promise->addResult(Result<void>(creds.error()));
                promise->finish();
                return;
            }
            kv->set(user, creds.value().toMap()).then(this, [=, this](Result<void> saved) {
                if (saved && self) {
                    qCInfo(lcAccounts).noquote() << "Password set for" << user + u'@' + host;
                    Q_EMIT self->passwordChanged(host, user);
                    if (!self->offersScramSha256(host)) {
                        (void)self->refreshScramPolicy(host);
                    }
                }
                promise->addResult(saved);
                promise->finish();
            });
        });
    });
    return promise->future();
}

QFuture<Result<void>> AccountManager::remove(const QString& host, const QString& username)
{
    if (!m_context.storage) {
        return failed<void>(Error{u"service-unavailable"_s, u"No storage"_s});
    }
    Result<std::shared_ptr<KeyValueStore>> opened = m_context.storage->openKeyValue(host, AccountsStore);
    if (!opened) {
        return failed<void>(opened.error());
    }
    std::shared_ptr<KeyValueStore> kv = opened.value();
    auto promise = std::make_shared<QPromise<Result<void>>>();
    promise->start();
    kv->get(username).then(this, [=, this](Result<QVariant> existing) {
        if (!existing || !existing.value().isValid()) {
            promise->addResult(
                existing ? Result<void>::failure(u"item-not-found"_s, u"No such account: "_s + username + u'@' + host)
                         : Result<void>(existing.error()));
            promise->finish();
            return;
        }
        kv->set(username, QVariant()).then(this, [=, this](Result<void> removed) {
            if (!removed) {
                promise->addResult(removed);
                promise->finish();
                return;
            }
            // Prosody's user-deleted (global, with username and host): modules say goodbye to the
            // contacts first; their storage reads are queued before the purge below.
            if (m_context.globalEvents) {
                Event deleted;
                deleted.set(u"username"_s, username);
                deleted.set(u"host"_s, host);
                m_context.globalEvents->fire(u"user-deleted"_s, deleted);
            }
            m_context.storage->purgeUser(host, username).then(this, [promise](Result<void> purged) {
                promise->addResult(purged);
                promise->finish();
            });
        });
    });
    return promise->future();
}

QFuture<Result<QStringList>> AccountManager::users(const QString& host)
{
    if (!m_context.storage) {
        return failed<QStringList>(Error{u"service-unavailable"_s, u"No storage"_s});
    }
    Result<std::shared_ptr<KeyValueStore>> opened = m_context.storage->openKeyValue(host, AccountsStore);
    if (!opened) {
        return failed<QStringList>(opened.error());
    }
    return opened.value()->users();
}

QFuture<Result<int>> AccountManager::refreshScramPolicy(const QString& host)
{
    if (!m_context.storage) {
        return failed<int>(Error{u"service-unavailable"_s, u"No storage"_s});
    }
    Result<std::shared_ptr<KeyValueStore>> kv = m_context.storage->openKeyValue(host, AccountsStore);
    Result<std::shared_ptr<MapStore>> map = m_context.storage->openMap(host, AccountsStore);
    if (!kv || !map) {
        return failed<int>(!kv ? kv.error() : map.error());
    }
    auto promise = std::make_shared<QPromise<Result<int>>>();
    promise->start();
    std::shared_ptr<MapStore> fields = map.value();
    kv.value()->users().then(this, [this, host, fields, promise](Result<QStringList> users) {
        if (!users) {
            promise->addResult(Result<int>(users.error()));
            promise->finish();
            return;
        }
        fields->getAll(u"stored_key_sha256"_s)
            .then(this, [this, host, all = users.value(), promise](Result<QHash<QString, QVariant>> withSha256) {
                if (!withSha256) {
                    promise->addResult(Result<int>(withSha256.error()));
                    promise->finish();
                    return;
                }
                int sha1Only = 0;
                for (const QString& user : all) {
                    if (!withSha256.value().contains(user)) {
                        ++sha1Only;
                    }
                }
                const int before = m_sha1OnlyAccounts.value(host, 0);
                m_sha1OnlyAccounts.insert(host, sha1Only);
                if (sha1Only > 0 && before == 0) {
                    qCWarning(lcAccounts).noquote()
                        << sha1Only << "account(s) on" << host
                        << "have only SCRAM-SHA-1 keys (from Prosody): SCRAM-SHA-256 is not offered until each "
                           "has logged in once with PLAIN or got a new password";
                } else if (sha1Only == 0 && before > 0) {
                    qCInfo(lcAccounts).noquote() << "Every account on" << host << "has SHA-256 keys now:"
                                                 << "SCRAM-SHA-256 is offered";
                }
                promise->addResult(sha1Only);
                promise->finish();
            });
    });
    return promise->future();
}

void AccountManager::upgradeCredentials(const QString& host, const QString& username, const QString& password)
{
    if (password.isEmpty()) {
        return;
    }
    credentials(host, username).then(this, [=, this](Result<std::optional<ScramCredentials>> creds) {
        if (creds && creds.value() && creds.value()->needsUpgrade()) {
            qCInfo(lcAccounts).noquote() << "Upgrading stored keys of" << username + u'@' + host;
            (void)setPassword(host, username, password);
        }
    });
}

void AccountManager::recordSuccess(const QString& address, const QString& host, const QString& username)
{
    m_throttle->recordSuccess(address, username + u'@' + host);
}

void AccountManager::recordFailure(const QString& address, const QString& host, const QString& username,
                                   const QString& mechanism)
{
    Q_UNUSED(mechanism);
    m_throttle->recordFailure(address, username.isEmpty() ? QString() : username + u'@' + host);
}

} // namespace Canto
