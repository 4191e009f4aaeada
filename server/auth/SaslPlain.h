#pragma once

#include "server/auth/SaslMechanism.h"

namespace Canto {

/// Server side of SASL PLAIN (RFC 4616): message = [authzid] NUL authcid NUL passwd. The authcid
/// is SASLprep'ed and nodeprep'ed, the password SASLprep'ed, as Prosody does. Offer PLAIN only
/// over TLS (the negotiator's job: encryption-required otherwise). provideCredentials() runs
/// PBKDF2 (ScramCredentials::verifyPlain), also for unknown users so timing does not reveal
/// them: call it on QThreadPool. On success, password() lets the caller upgrade the stored record
/// (ScramCredentials::needsUpgrade()/withDerivedKeys()).
class SaslPlain final : public SaslMechanism
{
public:
    explicit SaslPlain(QString host);

    QString name() const override;
    SaslStep start(const QByteArray& initialResponse) override;
    SaslStep provideCredentials(const std::optional<ScramCredentials>& credentials) override;
    SaslStep respond(const QByteArray& response) override;
    bool isCredentialCheckExpensive() const override { return true; }

    /// The SASLprep'ed password after a successful exchange (empty otherwise).
    QString password() const { return m_state == State::Succeeded ? m_password : QString(); }

private:
    enum class State { Initial, AwaitingMessage, AwaitingCredentials, Succeeded, Done };

    SaslStep handleMessage(const QByteArray& message);
    SaslStep fail(QString condition, QString text);

    QString m_host;
    State m_state = State::Initial;
    QString m_username;
    QString m_authzid;
    QString m_password;
};

} // namespace Canto
