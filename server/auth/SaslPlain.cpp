#include "server/auth/SaslPlain.h"

#include "server/auth/AuthLogging.h"
#include "server/auth/StringPrep.h"

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

// RFC 4616 §2 limits each field to 255 octets; we allow more room for long passphrases.
constexpr qsizetype MaxFieldSize = 1024;

} // namespace

SaslPlain::SaslPlain(QString host) : m_host(std::move(host)) {}

QString SaslPlain::name() const
{
    return u"PLAIN"_s;
}

SaslStep SaslPlain::fail(QString condition, QString text)
{
    m_state = State::Done;
    m_password.clear();
    qCDebug(lcAuth) << "PLAIN failure:" << condition << text;
    return SaslStep::failure(std::move(condition), std::move(text));
}

SaslStep SaslPlain::start(const QByteArray& initialResponse)
{
    if (m_state != State::Initial)
        return fail(u"malformed-request"_s, u"exchange already started"_s);
    if (initialResponse.isEmpty()) {
        m_state = State::AwaitingMessage;
        return SaslStep::challenge({});
    }
    return handleMessage(initialResponse);
}

SaslStep SaslPlain::respond(const QByteArray& response)
{
    if (m_state != State::AwaitingMessage)
        return fail(u"malformed-request"_s, u"unexpected response"_s);
    return handleMessage(response);
}

SaslStep SaslPlain::handleMessage(const QByteArray& message)
{
    const QList<QByteArray> fields = message.split('\0');
    if (fields.size() != 3)
        return fail(u"malformed-request"_s, u"expected authzid NUL authcid NUL passwd"_s);
    for (const QByteArray& field : fields) {
        if (field.size() > MaxFieldSize)
            return fail(u"malformed-request"_s, u"field too long"_s);
    }
    const auto authzid = StringPrep::saslPrep(fields[0]);
    const auto authcid = StringPrep::saslPrep(fields[1]);
    const auto password = StringPrep::saslPrep(fields[2]);
    if (!authzid || !authcid || !password || authcid->isEmpty() || password->isEmpty())
        return fail(u"malformed-request"_s, u"invalid username or password"_s);
    const auto username = StringPrep::nodePrep(QString::fromUtf8(*authcid));
    if (!username || username->isEmpty())
        return fail(u"malformed-request"_s, u"invalid username"_s);

    m_username = *username;
    m_authzid = QString::fromUtf8(*authzid);
    m_password = QString::fromUtf8(*password);
    if (!isAcceptableAuthzid(m_authzid, m_username, m_host))
        return fail(u"invalid-authzid"_s, {});
    m_state = State::AwaitingCredentials;
    return SaslStep::needCredentials(m_username);
}

SaslStep SaslPlain::provideCredentials(const std::optional<ScramCredentials>& credentials)
{
    if (m_state != State::AwaitingCredentials)
        return fail(u"malformed-request"_s, u"credentials provided out of order"_s);
    bool valid = false;
    if (credentials && !credentials->isEmpty()) {
        valid = credentials->verifyPlain(m_password);
    } else {
        // Spend the same PBKDF2 time as for a real account, so timing does not reveal which exist.
        (void)ScramCredentials::derive(m_password, "canto-timing-equalizer", ScramCredentials::DefaultIterations,
                                       ScramHash::Sha256);
    }
    if (!valid)
        return fail(u"not-authorized"_s, {});
    m_state = State::Succeeded;
    return SaslStep::success({}, m_username, m_authzid);
}

} // namespace Canto
