#pragma once

#include "server/auth/SaslMechanism.h"
#include "server/auth/ScramCrypto.h"

#include <QMap>
#include <QStringList>

#include <functional>

namespace Canto {

/// Channel binding data of the current TLS connection, by channel binding type name
/// ("tls-exporter", "tls-server-end-point"); empty when there is none (no TLS, or not computable).
using ChannelBindings = QMap<QString, QByteArray>;

/// Server side of SCRAM-SHA-1, SCRAM-SHA-256 (RFC 5802, RFC 7677) and their -PLUS variants with
/// channel binding. GS2 header rules:
///  - "n,,"  client does not do channel binding: fine for non-PLUS mechanisms;
///  - "y,,"  client could bind but thinks the server cannot: fails when the server has channel
///           bindings (it advertises -PLUS, so a "y" means the list was tampered with: downgrade);
///  - "p=<type>,," only with -PLUS, and the type must be one of `bindings`; the c= attribute of
///           client-final-message must then be base64(gs2 header + binding data).
/// Usernames are unescaped (=2C, =3D), SASLprep'ed and nodeprep'ed as Prosody does. When no
/// account exists, the exchange continues with a fake salt derived from `fakeSaltSecret` and
/// the username (stable across attempts, so it does not reveal which accounts exist) and fails
/// at the proof with not-authorized. provideCredentials() is cheap (no PBKDF2) for SCRAM; the
/// credentials must hold keys for the mechanism's hash (if they only hold a legacy plaintext
/// password, derive keys with ScramCredentials::withDerivedKeys() on QThreadPool first), else the
/// attempt fails with not-authorized.
class ScramServer final : public SaslMechanism
{
public:
    /// `host` is the virtual host (for authzid checks). An empty `fakeSaltSecret` picks a random
    /// one per attempt (fake salts then change between attempts; pass a server-wide secret).
    ScramServer(ScramHash hash, bool plus, QString host, ChannelBindings bindings = {}, QByteArray fakeSaltSecret = {});

    /// The SCRAM mechanisms to advertise, strongest first; -PLUS ones only with channel binding.
    static QStringList mechanismNames(bool channelBindingAvailable);
    /// Hash and -PLUS flag of a SCRAM mechanism name, nullopt if the name is not one of ours.
    static std::optional<std::pair<ScramHash, bool>> parseMechanismName(const QString& name);

    /// Replaces the random server nonce part (base64 of 18 random bytes); for reproducing the
    /// RFC test vectors only. The result must be printable ASCII without ','.
    void setNonceGenerator(std::function<QByteArray()> generator) { m_nonceGenerator = std::move(generator); }

    QString name() const override;
    SaslStep start(const QByteArray& initialResponse) override;
    SaslStep provideCredentials(const std::optional<ScramCredentials>& credentials) override;
    SaslStep respond(const QByteArray& response) override;

private:
    enum class State { Initial, AwaitingClientFirst, AwaitingCredentials, AwaitingClientFinal, Done };

    SaslStep handleClientFirst(const QByteArray& message);
    SaslStep handleClientFinal(const QByteArray& message);
    SaslStep fail(QString condition, QString text);

    ScramHash m_hash;
    bool m_plus;
    QString m_host;
    ChannelBindings m_bindings;
    QByteArray m_fakeSaltSecret;
    std::function<QByteArray()> m_nonceGenerator;

    State m_state = State::Initial;
    QByteArray m_gs2Header;
    QString m_bindingType;
    QString m_username;
    QString m_authzid;
    QByteArray m_clientFirstBare;
    QByteArray m_serverFirst;
    QByteArray m_nonce;
    ScramKeys m_keys;
    bool m_isFake = false;
};

} // namespace Canto
