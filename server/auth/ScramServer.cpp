#include "server/auth/ScramServer.h"

#include "server/auth/AuthLogging.h"
#include "server/auth/StringPrep.h"

#include <QUuid>

#include <cctype>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

// Far above any legitimate SCRAM message; the stream layer has its own stanza cap.
constexpr qsizetype MaxMessageSize = 4096;
constexpr int ServerNonceBytes = 18;

const QString MalformedRequest = u"malformed-request"_s;
const QString NotAuthorized = u"not-authorized"_s;

// saslname = 1*(value-safe-char / "=2C" / "=3D"), value-safe-char excludes NUL, "," and "=".
std::optional<QString> decodeSaslName(const QByteArray& encoded)
{
    QByteArray decoded;
    decoded.reserve(encoded.size());
    for (qsizetype i = 0; i < encoded.size(); ++i) {
        const char c = encoded[i];
        if (c == '\0' || c == ',')
            return std::nullopt;
        if (c == '=') {
            const QByteArray escape = encoded.mid(i + 1, 2);
            if (escape == "2C")
                decoded += ',';
            else if (escape == "3D")
                decoded += '=';
            else
                return std::nullopt;
            i += 2;
            continue;
        }
        decoded += c;
    }
    const auto prepared = StringPrep::saslPrep(decoded);
    if (!prepared)
        return std::nullopt;
    return QString::fromUtf8(*prepared);
}

bool isPrintableNonce(const QByteArray& nonce)
{
    if (nonce.isEmpty())
        return false;
    for (const char c : nonce) {
        if (c < 0x21 || c > 0x7e || c == ',')
            return false;
    }
    return true;
}

bool isChannelBindingName(const QByteArray& name)
{
    if (name.isEmpty())
        return false;
    for (const char c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-')
            return false;
    }
    return true;
}

std::optional<QByteArray> strictBase64(const QByteArray& text)
{
    auto decoded = QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return *decoded;
}

} // namespace

ScramServer::ScramServer(ScramHash hash, bool plus, QString host, ChannelBindings bindings, QByteArray fakeSaltSecret)
    : m_hash(hash), m_plus(plus), m_host(std::move(host)), m_bindings(std::move(bindings)),
      m_fakeSaltSecret(fakeSaltSecret.isEmpty() ? ScramCrypto::randomBytes(32) : std::move(fakeSaltSecret))
{}

QStringList ScramServer::mechanismNames(bool channelBindingAvailable)
{
    QStringList names;
    if (channelBindingAvailable)
        names << u"SCRAM-SHA-256-PLUS"_s << u"SCRAM-SHA-1-PLUS"_s;
    names << u"SCRAM-SHA-256"_s << u"SCRAM-SHA-1"_s;
    return names;
}

std::optional<std::pair<ScramHash, bool>> ScramServer::parseMechanismName(const QString& name)
{
    for (const ScramHash hash : {ScramHash::Sha1, ScramHash::Sha256}) {
        const QString base = u"SCRAM-"_s + ScramCrypto::hashName(hash);
        if (name == base)
            return std::pair{hash, false};
        if (name == base + u"-PLUS")
            return std::pair{hash, true};
    }
    return std::nullopt;
}

QString ScramServer::name() const
{
    return u"SCRAM-"_s + ScramCrypto::hashName(m_hash) + (m_plus ? u"-PLUS"_s : QString());
}

SaslStep ScramServer::fail(QString condition, QString text)
{
    m_state = State::Done;
    qCDebug(lcAuth) << name() << "failure:" << condition << text;
    return SaslStep::failure(std::move(condition), std::move(text));
}

SaslStep ScramServer::start(const QByteArray& initialResponse)
{
    if (m_state != State::Initial)
        return fail(MalformedRequest, u"exchange already started"_s);
    if (m_plus && m_bindings.isEmpty())
        return fail(u"invalid-mechanism"_s, u"no channel binding available on this connection"_s);
    if (initialResponse.isEmpty()) {
        // No initial response: ask for client-first-message with an empty challenge (RFC 6120 §6.4.2).
        m_state = State::AwaitingClientFirst;
        return SaslStep::challenge({});
    }
    return handleClientFirst(initialResponse);
}

SaslStep ScramServer::respond(const QByteArray& response)
{
    switch (m_state) {
    case State::AwaitingClientFirst:
        return handleClientFirst(response);
    case State::AwaitingClientFinal:
        return handleClientFinal(response);
    case State::Initial:
    case State::AwaitingCredentials:
    case State::Done:
        break;
    }
    return fail(MalformedRequest, u"unexpected response"_s);
}

SaslStep ScramServer::handleClientFirst(const QByteArray& message)
{
    if (message.size() > MaxMessageSize)
        return fail(MalformedRequest, u"client-first-message too long"_s);

    // gs2-header = gs2-cbind-flag "," [ authzid ] ","
    const qsizetype firstComma = message.indexOf(',');
    const qsizetype secondComma = firstComma < 0 ? -1 : message.indexOf(',', firstComma + 1);
    if (secondComma < 0)
        return fail(MalformedRequest, u"missing GS2 header"_s);
    const QByteArray flag = message.left(firstComma);
    const QByteArray authzidField = message.mid(firstComma + 1, secondComma - firstComma - 1);
    m_gs2Header = message.left(secondComma + 1);
    m_clientFirstBare = message.mid(secondComma + 1);

    const bool serverSupportsBinding = !m_bindings.isEmpty();
    if (flag == "n") {
        if (m_plus)
            return fail(MalformedRequest, u"-PLUS mechanism used without channel binding"_s);
    } else if (flag == "y") {
        if (m_plus)
            return fail(MalformedRequest, u"-PLUS mechanism used without channel binding"_s);
        if (serverSupportsBinding) // RFC 5802 §6: the client was made to believe we cannot bind.
            return fail(NotAuthorized, u"server-does-support-channel-binding"_s);
    } else if (flag.startsWith("p=")) {
        const QByteArray type = flag.mid(2);
        if (!m_plus)
            return fail(MalformedRequest, u"channel binding requested with a non-PLUS mechanism"_s);
        if (!isChannelBindingName(type))
            return fail(MalformedRequest, u"bad channel binding type"_s);
        if (!m_bindings.contains(QString::fromLatin1(type)))
            return fail(MalformedRequest, u"unsupported-channel-binding-type"_s);
        m_bindingType = QString::fromLatin1(type);
    } else {
        return fail(MalformedRequest, u"bad GS2 channel binding flag"_s);
    }

    if (!authzidField.isEmpty()) {
        if (!authzidField.startsWith("a="))
            return fail(MalformedRequest, u"bad GS2 authzid"_s);
        const auto authzid = decodeSaslName(authzidField.mid(2));
        if (!authzid)
            return fail(MalformedRequest, u"bad authzid encoding"_s);
        m_authzid = *authzid;
    }

    // client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]
    const QList<QByteArray> attributes = m_clientFirstBare.split(',');
    if (attributes.size() < 2)
        return fail(MalformedRequest, u"client-first-message-bare incomplete"_s);
    if (attributes[0].startsWith("m="))
        return fail(MalformedRequest, u"mandatory extension not supported"_s);
    if (!attributes[0].startsWith("n=") || !attributes[1].startsWith("r="))
        return fail(MalformedRequest, u"expected n= and r= attributes"_s);
    const auto username = decodeSaslName(attributes[0].mid(2));
    const auto nodeprepped = username ? StringPrep::nodePrep(*username) : std::nullopt;
    if (!nodeprepped || nodeprepped->isEmpty())
        return fail(MalformedRequest, u"invalid username"_s);
    const QByteArray clientNonce = attributes[1].mid(2);
    if (!isPrintableNonce(clientNonce))
        return fail(MalformedRequest, u"invalid nonce"_s);
    m_username = *nodeprepped;
    if (!isAcceptableAuthzid(m_authzid, m_username, m_host))
        return fail(u"invalid-authzid"_s, {});

    const QByteArray serverNonce =
        m_nonceGenerator ? m_nonceGenerator() : ScramCrypto::randomBytes(ServerNonceBytes).toBase64();
    if (!isPrintableNonce(serverNonce))
        return fail(u"temporary-auth-failure"_s, u"bad server nonce"_s);
    m_nonce = clientNonce + serverNonce;
    m_state = State::AwaitingCredentials;
    return SaslStep::needCredentials(m_username);
}

SaslStep ScramServer::provideCredentials(const std::optional<ScramCredentials>& credentials)
{
    if (m_state != State::AwaitingCredentials)
        return fail(MalformedRequest, u"credentials provided out of order"_s);

    QByteArray salt;
    int iterations = 0;
    const auto keys = credentials ? credentials->keys(m_hash) : std::nullopt;
    if (keys && keys->isValidFor(m_hash)) {
        m_keys = *keys;
        salt = credentials->salt();
        iterations = credentials->iterations();
    } else {
        if (credentials)
            qCInfo(lcAuth) << "account" << m_username << "has no" << name() << "keys stored";
        // Looks like a real account to the client; the proof can never match random keys.
        m_isFake = true;
        const QByteArray digest =
            ScramCrypto::hmac(ScramHash::Sha256, m_fakeSaltSecret, m_username.toUtf8() + '\0' + name().toUtf8());
        salt = QUuid::fromRfc4122(digest.left(16)).toString(QUuid::WithoutBraces).toLatin1();
        iterations = ScramCredentials::DefaultIterations;
        m_keys = ScramKeys{ScramCrypto::randomBytes(ScramCrypto::digestSize(m_hash)),
                           ScramCrypto::randomBytes(ScramCrypto::digestSize(m_hash))};
    }

    m_serverFirst = "r=" + m_nonce + ",s=" + salt.toBase64() + ",i=" + QByteArray::number(iterations);
    m_state = State::AwaitingClientFinal;
    return SaslStep::challenge(m_serverFirst);
}

SaslStep ScramServer::handleClientFinal(const QByteArray& message)
{
    if (message.size() > MaxMessageSize)
        return fail(MalformedRequest, u"client-final-message too long"_s);

    // client-final-message = channel-binding "," nonce ["," extensions] "," proof; proof is last.
    const qsizetype proofAt = message.lastIndexOf(",p=");
    if (proofAt < 0)
        return fail(MalformedRequest, u"missing proof"_s);
    const QByteArray withoutProof = message.left(proofAt);
    const auto proof = strictBase64(message.mid(proofAt + 3));
    const QList<QByteArray> attributes = withoutProof.split(',');
    if (!proof || attributes.size() < 2 || !attributes[0].startsWith("c=") || !attributes[1].startsWith("r="))
        return fail(MalformedRequest, u"expected c=, r= and p= attributes"_s);
    const auto binding = strictBase64(attributes[0].mid(2));
    if (!binding)
        return fail(MalformedRequest, u"bad channel binding encoding"_s);

    QByteArray expectedBinding = m_gs2Header;
    if (!m_bindingType.isEmpty())
        expectedBinding += m_bindings.value(m_bindingType);
    if (!ScramCrypto::constantTimeEquals(*binding, expectedBinding))
        return fail(NotAuthorized, u"channel-bindings-dont-match"_s);
    if (attributes[1].mid(2) != m_nonce)
        return fail(MalformedRequest, u"nonce mismatch"_s);
    if (proof->size() != ScramCrypto::digestSize(m_hash))
        return fail(NotAuthorized, u"invalid-proof"_s);

    const QByteArray authMessage = m_clientFirstBare + ',' + m_serverFirst + ',' + withoutProof;
    const QByteArray clientSignature = ScramCrypto::hmac(m_hash, m_keys.storedKey, authMessage);
    const QByteArray clientKey = ScramCrypto::xorBytes(*proof, clientSignature);
    const bool proofMatches = ScramCrypto::constantTimeEquals(ScramCrypto::hash(m_hash, clientKey), m_keys.storedKey);
    if (!proofMatches || m_isFake)
        return fail(NotAuthorized, u"invalid-proof"_s);

    m_state = State::Done;
    const QByteArray serverSignature = ScramCrypto::hmac(m_hash, m_keys.serverKey, authMessage);
    return SaslStep::success("v=" + serverSignature.toBase64(), m_username, m_authzid);
}

} // namespace Canto
