#pragma once

#include "server/xmpp/StanzaError.h"
#include "server/xmpp/XmlElement.h"

#include <QString>

namespace Canto {

/// Builders and predicates for the three XMPP stanzas (RFC 6120 §8), the C++ counterpart of
/// Prosody's util.stanza helpers. A stanza is an XmlElement; built stanzas are in the
/// jabber:client namespace, which XmlElement::toXml() treats as interchangeable with
/// jabber:server and jabber:component:accept when writing into a stream.
class Stanza
{
public:
    enum class Kind { Other, Message, Presence, Iq };

    Stanza() = delete;

    // Builders. Empty arguments leave the attribute out.
    static XmlElement message(const QString& from, const QString& to, const QString& type = {},
                              const QString& body = {});
    static XmlElement presence(const QString& from, const QString& to, const QString& type = {});
    /// An iq; `child` (if not null) becomes its payload.
    static XmlElement iq(const QString& type, const QString& id, const QString& from, const QString& to,
                         XmlElement child = {});

    /// A reply skeleton as Prosody's st.reply(): same name, `to` and `from` swapped, `id` kept,
    /// type "result" for an iq and the original type otherwise; no children.
    static XmlElement reply(const XmlElement& stanza);
    /// An error reply as Prosody's st.error_reply() (RFC 6120 §8.3): reply() with type "error"
    /// and an <error/> child. The original payload is NOT included (RFC 6120 §8.3.1 makes that
    /// optional; leaving it out avoids reflecting large or private content back). `by` is left
    /// out when it equals the reply's `from`. Returns a null element when `stanza` is itself an
    /// error: RFC 6120 §8.3.1 forbids answering an error with an error.
    static XmlElement errorReply(const XmlElement& stanza, const QString& type, const QString& condition,
                                 const QString& text = {}, const QString& by = {});
    static XmlElement errorReply(const XmlElement& stanza, const StanzaError& error);

    // Predicates. A stanza is message/presence/iq in a content namespace (or none).
    static Kind kind(const XmlElement& element);
    static bool isStanza(const XmlElement& element) { return kind(element) != Kind::Other; }
    static bool isMessage(const XmlElement& element) { return kind(element) == Kind::Message; }
    static bool isPresence(const XmlElement& element) { return kind(element) == Kind::Presence; }
    static bool isIq(const XmlElement& element) { return kind(element) == Kind::Iq; }
    static bool isError(const XmlElement& element);
    /// An iq of type get or set (one that requires a response).
    static bool isIqRequest(const XmlElement& element);
    /// An iq of type result or error.
    static bool isIqResponse(const XmlElement& element);
    /// The event-name kind used by the router: "message", "presence", "iq", or empty.
    static QString kindName(Kind kind);
};

} // namespace Canto
