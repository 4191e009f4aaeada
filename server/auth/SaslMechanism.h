#pragma once

#include "server/auth/ScramCredentials.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace Canto {

/// One step of a server-side SASL exchange, as the stream negotiator must act on it.
struct SaslStep
{
    enum class Kind {
        Challenge,       ///< send <challenge/> with `data`, then feed the client's <response/> to respond()
        NeedCredentials, ///< look up `username` (asynchronously), then call provideCredentials()
        Success,         ///< send <success/> with `data` (additional data, may be empty); `username` is authenticated
        Failure,         ///< send <failure/> with `condition` (RFC 6120 §6.5) and `text`
    };

    Kind kind = Kind::Failure;
    QByteArray data;
    QString username; ///< nodeprep'ed local part (NeedCredentials, Success)
    QString authzid;  ///< requested authorization identity, empty if none (Success)
    QString condition;
    QString text;

    static SaslStep challenge(QByteArray data) { return {Kind::Challenge, std::move(data), {}, {}, {}, {}}; }
    static SaslStep needCredentials(QString username)
    {
        return {Kind::NeedCredentials, {}, std::move(username), {}, {}, {}};
    }
    static SaslStep success(QByteArray data, QString username, QString authzid)
    {
        return {Kind::Success, std::move(data), std::move(username), std::move(authzid), {}, {}};
    }
    static SaslStep failure(QString condition, QString text = {})
    {
        return {Kind::Failure, {}, {}, {}, std::move(condition), std::move(text)};
    }
};

/// Server side of one SASL mechanism for one authentication attempt (RFC 6120 §6, RFC 4422).
/// Not a QObject and not thread-safe: one attempt, driven by one owner, call after call:
///   start(initial response) -> [NeedCredentials -> provideCredentials()] -> [Challenge -> respond()]*
///   -> Success | Failure.
/// The mechanism never looks users up itself: it returns NeedCredentials and waits, so the caller
/// can fetch the account from storage asynchronously. Input is the decoded (not base64) payload;
/// an empty initial response ("=" on the wire, or none) is valid. After Success or Failure every
/// further call fails. Authorization identities are checked against the host the mechanism was
/// made for: empty or "username@host" is accepted, anything else gives invalid-authzid.
class SaslMechanism
{
public:
    virtual ~SaslMechanism();

    /// The IANA mechanism name ("SCRAM-SHA-1-PLUS", "PLAIN", ...).
    virtual QString name() const = 0;
    virtual SaslStep start(const QByteArray& initialResponse) = 0;
    /// The stored credentials of the user named by NeedCredentials, or nullopt when there is no
    /// such account (the mechanism then fails as for a wrong password, without revealing it).
    virtual SaslStep provideCredentials(const std::optional<ScramCredentials>& credentials) = 0;
    virtual SaslStep respond(const QByteArray& response) = 0;
    /// True when provideCredentials() is CPU-heavy (it runs PBKDF2) and must be called on
    /// QThreadPool, not on the event loop. The object may move between threads between calls.
    virtual bool isCredentialCheckExpensive() const { return false; }

protected:
    /// True if `authzid` may be used by `username` on `host`: empty, or the user's own bare JID
    /// (local part compared after nodeprep, domain case-insensitively). Canto has no proxy
    /// authorization.
    static bool isAcceptableAuthzid(const QString& authzid, const QString& username, const QString& host);
};

} // namespace Canto
