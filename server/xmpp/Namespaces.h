#pragma once

#include <QStringView>

/// XML namespaces used on the wire. The one place where these URIs are spelled (house style 10).
/// They are QStringView constants: compare with `==` directly, call toString() where a QString
/// is needed.
namespace Canto::Ns {

// RFC 6120 / RFC 6121 and XEP-0114 (stream and content namespaces)
inline constexpr QStringView Client = u"jabber:client";
inline constexpr QStringView Server = u"jabber:server";
inline constexpr QStringView ComponentAccept = u"jabber:component:accept";
inline constexpr QStringView Streams = u"http://etherx.jabber.org/streams";
inline constexpr QStringView Xml = u"http://www.w3.org/XML/1998/namespace";
inline constexpr QStringView Tls = u"urn:ietf:params:xml:ns:xmpp-tls";
inline constexpr QStringView Sasl = u"urn:ietf:params:xml:ns:xmpp-sasl";
inline constexpr QStringView Bind = u"urn:ietf:params:xml:ns:xmpp-bind";
inline constexpr QStringView Session = u"urn:ietf:params:xml:ns:xmpp-session";
inline constexpr QStringView Stanzas = u"urn:ietf:params:xml:ns:xmpp-stanzas";
inline constexpr QStringView StreamErrors = u"urn:ietf:params:xml:ns:xmpp-streams";
inline constexpr QStringView Roster = u"jabber:iq:roster";
inline constexpr QStringView RosterVersioning = u"urn:xmpp:features:rosterver";
inline constexpr QStringView PreApproval = u"urn:xmpp:features:pre-approval";

// Server-to-server
inline constexpr QStringView Dialback = u"jabber:server:dialback";
inline constexpr QStringView DialbackFeature = u"urn:xmpp:features:dialback";

// XEPs
inline constexpr QStringView DiscoInfo = u"http://jabber.org/protocol/disco#info";   // XEP-0030
inline constexpr QStringView DiscoItems = u"http://jabber.org/protocol/disco#items"; // XEP-0030
inline constexpr QStringView DataForms = u"jabber:x:data";                           // XEP-0004
inline constexpr QStringView Rsm = u"http://jabber.org/protocol/rsm";                // XEP-0059
inline constexpr QStringView Commands = u"http://jabber.org/protocol/commands";      // XEP-0050
inline constexpr QStringView PrivateStorage = u"jabber:iq:private";                  // XEP-0049
inline constexpr QStringView VCardTemp = u"vcard-temp";                              // XEP-0054
inline constexpr QStringView Register = u"jabber:iq:register";                       // XEP-0077
inline constexpr QStringView RegisterFeature = u"http://jabber.org/features/iq-register";
inline constexpr QStringView Version = u"jabber:iq:version";                        // XEP-0092
inline constexpr QStringView Last = u"jabber:iq:last";                              // XEP-0012
inline constexpr QStringView Caps = u"http://jabber.org/protocol/caps";             // XEP-0115
inline constexpr QStringView Ping = u"urn:xmpp:ping";                               // XEP-0199
inline constexpr QStringView Time = u"urn:xmpp:time";                               // XEP-0202
inline constexpr QStringView Delay = u"urn:xmpp:delay";                             // XEP-0203
inline constexpr QStringView StreamManagement = u"urn:xmpp:sm:3";                   // XEP-0198
inline constexpr QStringView Blocking = u"urn:xmpp:blocking";                       // XEP-0191
inline constexpr QStringView Carbons = u"urn:xmpp:carbons:2";                       // XEP-0280
inline constexpr QStringView Forward = u"urn:xmpp:forward:0";                       // XEP-0297
inline constexpr QStringView Mam = u"urn:xmpp:mam:2";                               // XEP-0313
inline constexpr QStringView Csi = u"urn:xmpp:csi:0";                               // XEP-0352
inline constexpr QStringView Hints = u"urn:xmpp:hints";                             // XEP-0334
inline constexpr QStringView StanzaId = u"urn:xmpp:sid:0";                          // XEP-0359
inline constexpr QStringView Receipts = u"urn:xmpp:receipts";                       // XEP-0184
inline constexpr QStringView ChatStates = u"http://jabber.org/protocol/chatstates"; // XEP-0085
inline constexpr QStringView Muc = u"http://jabber.org/protocol/muc";               // XEP-0045
inline constexpr QStringView MucUser = u"http://jabber.org/protocol/muc#user";
inline constexpr QStringView MucAdmin = u"http://jabber.org/protocol/muc#admin";
inline constexpr QStringView MucOwner = u"http://jabber.org/protocol/muc#owner";
inline constexpr QStringView PubSub = u"http://jabber.org/protocol/pubsub"; // XEP-0060
inline constexpr QStringView PubSubEvent = u"http://jabber.org/protocol/pubsub#event";
inline constexpr QStringView PubSubOwner = u"http://jabber.org/protocol/pubsub#owner";
inline constexpr QStringView Bookmarks2 = u"urn:xmpp:bookmarks:1";             // XEP-0402
inline constexpr QStringView HttpUpload = u"urn:xmpp:http:upload:0";           // XEP-0363
inline constexpr QStringView AdHocAdmin = u"http://jabber.org/protocol/admin"; // XEP-0133
inline constexpr QStringView StreamLimits = u"urn:xmpp:stream-limits:0";       // XEP-0478

/// True for the namespaces in which message, presence and iq are stanzas.
inline bool isStanzaNamespace(QStringView ns)
{
    return ns == Client || ns == Server || ns == ComponentAccept;
}

} // namespace Canto::Ns
