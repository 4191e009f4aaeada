#pragma once

#include "server/xmpp/XmlElement.h"

#include <QByteArray>
#include <QSet>
#include <QString>

namespace Canto::Modules {

/// Entity capabilities (XEP-0115 §5): the verification string of a disco#info result and its
/// hash, used to check that a ver attribute really describes the features before caching it.
class CapsHash
{
public:
    CapsHash() = delete;

    /// The §5.1 verification string S of a disco#info <query/>: identities, features, then
    /// extension forms, each sorted by octets, joined with '<'.
    static QByteArray verificationString(const XmlElement& query);
    /// base64(hash(S)) for a hash function name of the IANA registry; only "sha-1" (the
    /// mandatory one) and the sha-2 family are supported; empty for others.
    static QString compute(const XmlElement& query, const QString& hashName = QStringLiteral("sha-1"));
    /// The nodes of the query's "<node>+notify" features (XEP-0163 §4.2).
    static QSet<QString> notifyNodes(const XmlElement& query);
};

} // namespace Canto::Modules
