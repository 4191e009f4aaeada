#pragma once

#include <QDateTime>
#include <QDomDocument>
#include <QDomElement>
#include <QLatin1String>
#include <QString>

namespace Canto::Interop {

/// Read-only helpers over the namespace-aware DOM QXmpp hands to extensions: children by local
/// name and namespace, stanza errors, XEP-0082 time stamps, and the element as text for failure
/// messages. Also the raw-XML side: parse() turns scenario-written XML into a document that
/// RawStanza sends verbatim. The namespaces the IM scenarios check are kept here, in one place.
class StanzaXml
{
public:
    static constexpr QLatin1String NsClient = QLatin1String("jabber:client");
    static constexpr QLatin1String NsRoster = QLatin1String("jabber:iq:roster");
    static constexpr QLatin1String NsStanzas = QLatin1String("urn:ietf:params:xml:ns:xmpp-stanzas");
    static constexpr QLatin1String NsDelay = QLatin1String("urn:xmpp:delay");
    static constexpr QLatin1String NsCarbons = QLatin1String("urn:xmpp:carbons:2");
    static constexpr QLatin1String NsForward = QLatin1String("urn:xmpp:forward:0");
    static constexpr QLatin1String NsMam = QLatin1String("urn:xmpp:mam:2");
    static constexpr QLatin1String NsRsm = QLatin1String("http://jabber.org/protocol/rsm");
    static constexpr QLatin1String NsDataForms = QLatin1String("jabber:x:data");
    static constexpr QLatin1String NsStreamManagement = QLatin1String("urn:xmpp:sm:3");

    /// The first child element with this local name and namespace (null if none).
    static QDomElement child(const QDomElement& parent, QLatin1String localName, QLatin1String ns);
    static bool is(const QDomElement& element, QLatin1String localName, QLatin1String ns);
    /// A top-level stanza of this kind ("message", "presence", "iq") in jabber:client.
    static bool isStanza(const QDomElement& element, QLatin1String kind);
    /// "type/condition" of a stanza's <error/>, e.g. "cancel/service-unavailable"; empty if none.
    static QString errorOf(const QDomElement& stanza);
    /// The text of <body/> in jabber:client, or a null string without a body.
    static QString bodyOf(const QDomElement& message);
    /// XEP-0082 date-time (fraction and 'Z' or offset allowed); invalid if malformed.
    static QDateTime parseStamp(const QString& text);
    /// The element serialized compactly, for failure reasons and transcripts.
    static QString toText(const QDomElement& element);

    /// Parses scenario-written XML without namespace processing, so xmlns declarations stay plain
    /// attributes and are written back as they were. A null document and *error on bad input.
    static QDomDocument parse(const QString& xml, QString* error);
    /// Escapes text for use inside scenario-written XML (element content or quoted attributes).
    static QString escape(const QString& text);
};

} // namespace Canto::Interop
