#include "server/auth/SaslMechanism.h"

#include "server/auth/StringPrep.h"

namespace Canto {

SaslMechanism::~SaslMechanism() = default;

bool SaslMechanism::isAcceptableAuthzid(const QString& authzid, const QString& username, const QString& host)
{
    if (authzid.isEmpty())
        return true;
    const qsizetype at = authzid.lastIndexOf(u'@');
    if (at <= 0 || authzid.contains(u'/'))
        return false;
    const auto local = StringPrep::nodePrep(authzid.left(at));
    return local && *local == username && authzid.mid(at + 1).compare(host, Qt::CaseInsensitive) == 0;
}

} // namespace Canto
