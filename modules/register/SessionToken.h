#pragma once

#include <QObject>
#include <QWeakPointer>

namespace Canto {
class ClientSession;
}

namespace Canto::Modules {

/// Tells an asynchronous continuation whether a client session still exists. Sessions are not
/// QObjects and unauthenticated ones are in no registry, so the token is an object kept in the
/// session's module fields: it dies with the session, and a weak reference to it says whether
/// the session pointer captured next to it may still be used.
class SessionToken
{
public:
    explicit SessionToken(ClientSession& session);
    bool isAlive() const { return !m_token.isNull(); }

private:
    QWeakPointer<QObject> m_token;
};

} // namespace Canto::Modules
