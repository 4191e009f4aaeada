#pragma once

#include "QXmppHeaders.h"

#include <QDomDocument>

namespace Canto::Interop {

/// A stanza written by a scenario as XML text and sent as it is, for protocol elements QXmpp 1.4
/// has no class for (or models too loosely to check exactly): roster items with groups, carbons,
/// MAM queries with RSM, presence subscriptions to a chosen JID. Going through
/// QXmppClient::sendPacket() (not raw socket writes) keeps QXmpp's XEP-0198 outbound counter right.
class RawStanza : public QXmppStanza
{
public:
    /// `document` comes from StanzaXml::parse(); its root is an <iq/>, <message/> or <presence/>.
    explicit RawStanza(QDomDocument document);

    bool isXmppStanza() const override { return true; }
    void toXml(QXmlStreamWriter* writer) const override;

private:
    QDomDocument m_document;
};

} // namespace Canto::Interop
