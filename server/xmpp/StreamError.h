#pragma once

#include "server/xmpp/XmlElement.h"
#include "shared/Result.h"

#include <QString>

namespace Canto {

/// A stream error (RFC 6120 §4.9): a defined condition of urn:ietf:params:xml:ns:xmpp-streams
/// plus optional English text. The sender writes toXml() and then closes the stream.
class StreamError
{
public:
    StreamError() = default;
    explicit StreamError(QString condition, QString text = {});

    const QString& condition() const { return m_condition; }
    const QString& text() const { return m_text; }
    bool isNull() const { return m_condition.isEmpty(); }

    static bool isDefinedCondition(QStringView condition);

    /// <error xmlns='http://etherx.jabber.org/streams'><condition xmlns='..xmpp-streams'/>[<text/>]</error>
    XmlElement toElement() const;
    /// The element as written inside a stream, where the "stream" prefix is bound:
    /// "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>".
    QString toXml() const;
    /// Reads a received <stream:error/>; unknown conditions become "undefined-condition".
    static Result<StreamError> fromElement(const XmlElement& element);

    bool operator==(const StreamError&) const = default;

private:
    QString m_condition;
    QString m_text;
};

} // namespace Canto
