#pragma once

#include "server/xmpp/XmlElement.h"
#include "shared/Result.h"

#include <QString>

namespace Canto {

/// A stanza error (RFC 6120 §8.3): error type, defined condition, optional human-readable text,
/// optional `by` and an optional application-specific condition element. Converts to and from
/// the <error/> child of an error stanza.
struct StanzaError
{
    QString type;                    // "auth", "cancel", "continue", "modify" or "wait"
    QString condition;               // a defined condition of urn:ietf:params:xml:ns:xmpp-stanzas
    QString text;                    // English text for humans; empty means no <text/>
    QString by;                      // the entity that generated the error (RFC 6120 §8.3.2); optional
    QString conditionText;           // character data of the condition (the new address for gone/redirect)
    XmlElement applicationCondition; // optional application-specific condition (null if none)

    /// A stanza error with the type RFC 6120 §8.3.3 recommends for `condition`.
    static StanzaError make(const QString& condition, const QString& text = {});
    /// The recommended type for a defined condition ("cancel" for unknown conditions).
    static QString defaultType(QStringView condition);
    static bool isDefinedCondition(QStringView condition);
    static bool isValidType(QStringView type);

    /// <error type='..' [by='..']><condition xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
    /// [<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>..</text>][app condition]</error>,
    /// in the jabber:client namespace.
    XmlElement toElement() const;
    /// Reads an <error/> element, or the <error/> child of an error stanza. Unknown conditions
    /// become "undefined-condition"; a missing or invalid type is an error ("bad-request").
    static Result<StanzaError> fromElement(const XmlElement& errorOrStanza);

    bool operator==(const StanzaError&) const = default;
};

} // namespace Canto
