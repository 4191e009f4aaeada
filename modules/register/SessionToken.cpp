#include "modules/register/SessionToken.h"

#include "server/core/ClientSession.h"

#include <QSharedPointer>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {
const QString TokenField = u"register.token"_s;
}

SessionToken::SessionToken(ClientSession& session)
{
    auto token = session.field(TokenField).value<QSharedPointer<QObject>>();
    if (!token) {
        token = QSharedPointer<QObject>::create();
        session.setField(TokenField, QVariant::fromValue(token));
    }
    m_token = token.toWeakRef();
}

} // namespace Canto::Modules
