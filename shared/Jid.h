#pragma once

#include "shared/Result.h"

#include <QHashFunctions>
#include <QMetaType>
#include <QString>
#include <QStringView>

namespace Canto {

/// A prepared XMPP address (RFC 7622, with the RFC 3920/6122 stringprep profiles Prosody uses:
/// Nodeprep, Nameprep, Resourceprep from libidn). A Jid is always either null or valid: every
/// way to build one runs the preparation, so two Jids are equal exactly when they address the
/// same entity, and full() is the canonical string.
class Jid
{
public:
    Jid() = default;

    /// Splits and prepares "node@domain/resource" (RFC 7622 §3.1: the resource starts at the
    /// first '/', the node ends at the first '@' before it). With `strict`, unassigned code
    /// points are refused (for stored identifiers); otherwise allowed (for queries), as Prosody.
    /// Errors carry condition "jid-malformed" and a reason.
    static Result<Jid> parse(QStringView text, bool strict = false);
    /// parse() that returns a null Jid on failure, for callers that only need a yes/no.
    static Jid prepped(QStringView text);
    /// Prepares each part separately (an empty node or resource means none).
    static Result<Jid> fromParts(QStringView node, QStringView domain, QStringView resource = {}, bool strict = false);

    // The individual profiles, with RFC 7622 length rules (1..1023 bytes of UTF-8 after prep).
    static Result<QString> nodeprep(QStringView node, bool strict = false);
    static Result<QString> nameprep(QStringView domain, bool strict = false);
    static Result<QString> resourceprep(QStringView resource, bool strict = false);

    const QString& node() const { return m_node; }
    const QString& domain() const { return m_domain; }
    const QString& resource() const { return m_resource; }

    bool isNull() const { return m_domain.isEmpty(); }
    bool isBare() const { return !isNull() && m_resource.isEmpty(); }
    bool isFull() const { return !m_resource.isEmpty(); }
    /// Only a domain (a server or component address).
    bool isDomain() const { return !isNull() && m_node.isEmpty() && m_resource.isEmpty(); }

    /// The address without its resource.
    Jid bare() const;
    /// The same address with another resource (prepared; empty for none).
    Result<Jid> withResource(QStringView resource) const;
    /// "node@domain/resource" with absent parts left out.
    QString full() const;
    /// "node@domain" (or "domain").
    QString bareString() const;
    QString toString() const { return full(); }

    friend bool operator==(const Jid& a, const Jid& b)
    {
        return a.m_domain == b.m_domain && a.m_node == b.m_node && a.m_resource == b.m_resource;
    }
    friend bool operator!=(const Jid& a, const Jid& b) { return !(a == b); }

private:
    QString m_node;
    QString m_domain;
    QString m_resource;
};

inline size_t qHash(const Jid& jid, size_t seed = 0)
{
    return qHashMulti(seed, jid.node(), jid.domain(), jid.resource());
}

} // namespace Canto

Q_DECLARE_METATYPE(Canto::Jid)
